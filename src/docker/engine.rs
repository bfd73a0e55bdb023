//! The daemon operations the deploy flows need, as a trait: [`super::Docker`]
//! implements it on bollard, and the flow tests implement it in memory, so
//! the ordering rules of a deploy are checked without a daemon.

use std::collections::HashMap;
use std::net::SocketAddr;

use anyhow::Result;
use async_trait::async_trait;

use super::{ContainerInfo, ContainerSpec, ContainerSummary, Docker};

/// One Docker daemon, as the deploy flows use it. Errors are one line
/// naming what failed and the daemon's own words
/// ([`super::docker_error`]); timeouts are in seconds.
#[async_trait]
pub trait Engine: Send + Sync {
    /// The daemon, as people see it (`ssh://deploy@web-1`, `unix:///...`;
    /// `... (context NAME)` when a context named it). Never credentials.
    fn host(&self) -> String;

    /// Whether the daemon runs on this host (a unix socket): only then can
    /// berth look at a container's process, e.g. its connections in
    /// `/proc/<pid>/net/tcp`. A tcp or ssh daemon is another host's.
    fn is_local(&self) -> bool;

    /// Where berth connects to reach `addr` (an address on the daemon's
    /// host, such as a container's): itself for a local daemon; a local
    /// tunnel through the SSH connection for an ssh daemon; itself for a
    /// tcp daemon, where the address must be routable from this machine
    /// ([`Engine::reaches_containers_directly`] says which). Errors: the
    /// tunnel could not be opened.
    async fn reach(&self, addr: SocketAddr) -> Result<SocketAddr>;

    /// Whether a container's address is dialled from this machine as is
    /// (local and tcp daemons) rather than through a tunnel (ssh).
    fn reaches_containers_directly(&self) -> bool;

    /// Whether a connection made through [`Engine::reach`] is a tunnel:
    /// it is accepted locally even when nothing listens at the far end.
    fn tunnels(&self) -> bool;

    /// The bollard client behind this engine, for what only a real daemon
    /// does (builds, pulls, the `docker compose` CLI); None in memory.
    fn bollard(&self) -> Option<&Docker>;

    /// What a `docker` CLI subprocess (compose) needs in its environment
    /// to talk to this daemon ([`super::Endpoint::cli_env`]).
    fn cli_env(&self) -> Vec<(String, String)>;

    /// Creates the workload's network when it does not exist yet.
    async fn ensure_network(&self, name: &str) -> Result<()>;

    /// The local image id for a reference, or None when it is not present.
    async fn image_id(&self, reference: &str) -> Result<Option<String>>;

    /// Creates (never starts) a container; returns its id.
    async fn create_container(&self, spec: &ContainerSpec) -> Result<String>;

    /// Creates a container that is never started, as a marker the daemon
    /// keeps unique by name (the cross-store deploy lock). `image` must be
    /// present: a create never pulls. Ok(Some(id)) when created, Ok(None)
    /// when a container already holds `name`.
    async fn create_marker(&self, name: &str, image: &str, labels: HashMap<String, String>) -> Result<Option<String>>;

    /// Makes `reference` an image with an empty filesystem, imported from an
    /// empty tar archive: no registry is involved, so it works on a daemon
    /// without network access. Nothing can run in it; it only backs
    /// [`Engine::create_marker`] containers.
    async fn import_empty_image(&self, reference: &str) -> Result<()>;

    /// Starts a container; one already running is not an error.
    async fn start(&self, id: &str) -> Result<()>;

    /// Stops with a grace period (SIGTERM, then SIGKILL after `timeout_s`
    /// seconds). A container already stopped or gone is not an error.
    async fn stop(&self, id: &str, timeout_s: u64) -> Result<()>;

    /// Renames a container to `new_name`.
    async fn rename(&self, id: &str, new_name: &str) -> Result<()>;

    /// Force-removes a container (anonymous volumes too, never named ones).
    /// A container that is already gone is not an error.
    async fn remove(&self, id: &str) -> Result<()>;

    /// Removes an image tag (never forced: an image a container uses stays).
    async fn remove_image(&self, reference: &str) -> Result<()>;

    /// Inspects a container by id or name; None when it does not exist.
    async fn inspect(&self, id: &str) -> Result<Option<ContainerInfo>>;

    /// Every container (running or not) carrying `label=value`.
    async fn containers_with_label(&self, label: &str, value: &str) -> Result<Vec<ContainerSummary>>;

    /// The last `lines` lines of a container's output, for a failed gate
    /// (empty when they cannot be read).
    async fn logs_tail(&self, id: &str, lines: usize) -> String;
}
