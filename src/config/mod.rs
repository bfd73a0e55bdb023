//! SourceConfig: the per-kind JSON config of a workload (DESIGN §2).
//!
//! A config is validated as raw JSON first (so every error can name its JSON
//! path and unknown keys can get a did-you-mean), and only then turned into
//! the typed [`SourceConfig`] that the deploy code reads.

pub mod compose_health;
mod hints;
mod image_ref;
mod paths;
mod secrets;
pub mod strategy;
mod validate;

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::i18n::Msg;

pub use image_ref::ImageRef;
pub use paths::resolve_paths;
pub use secrets::{ResolvedSecrets, SecretMask, SecretRef, SecretValue, resolve_secrets, secret_references};
pub use strategy::{EffectiveStrategy, Strategy, validate_strategy};
pub use validate::{known_keys, mask_secrets, validate, validate_workload_name};

/// The four kinds of workload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Image,
    Dockerfile,
    Static,
    Compose,
}

impl Kind {
    pub const ALL: [Kind; 4] = [Kind::Image, Kind::Dockerfile, Kind::Static, Kind::Compose];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Image => "image",
            Kind::Dockerfile => "dockerfile",
            Kind::Static => "static",
            Kind::Compose => "compose",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Kind {
    type Err = Msg;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Kind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| crate::msg!("kind-unknown", kind = s))
    }
}

/// One problem (or warning) found in a config: which workload, where, what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConfigIssue {
    pub workload: String,
    /// JSON path inside the config: `healthcheck.path`, `domains[0]`, `env.KEY`;
    /// empty for the config as a whole.
    pub path: String,
    /// English, as JSON and the editor's comments show it.
    pub message: String,
    pub suggestion: Option<String>,
    /// The same message and suggestion as translatable messages: people
    /// read these (every check has them: [`ConfigIssue::localizable`] is
    /// the only way to make an issue).
    #[serde(skip)]
    text: Box<IssueText>,
}

/// The translatable form of a [`ConfigIssue`]'s message and suggestion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssueText {
    pub message: Msg,
    pub suggestion: Option<Msg>,
}

impl ConfigIssue {
    /// An issue whose message (and suggestion) are translatable.
    pub fn localizable(workload: &str, path: &str, message: Msg, suggestion: Option<Msg>) -> ConfigIssue {
        ConfigIssue {
            workload: workload.to_owned(),
            path: path.to_owned(),
            message: message.english(),
            suggestion: suggestion.as_ref().map(Msg::english),
            text: Box::new(IssueText { message, suggestion }),
        }
    }

    /// The message in the language of human output.
    pub fn human_message(&self) -> String {
        self.text.message.localized()
    }

    /// `workload: path: message (suggestion)` in the language of human
    /// output (Display gives the English line).
    pub fn human(&self) -> String {
        let path = if self.path.is_empty() { "(config)" } else { &self.path };
        let mut line = format!("{}: {path}: {}", self.workload, self.human_message());
        if let Some(s) = self.human_suggestion() {
            line.push_str(&format!(" ({s})"));
        }
        line
    }

    /// The suggestion in the language of human output.
    pub fn human_suggestion(&self) -> Option<String> {
        self.text.suggestion.as_ref().map(Msg::localized)
    }
}

impl fmt::Display for ConfigIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = if self.path.is_empty() { "(config)" } else { &self.path };
        write!(f, "{}: {}: {}", self.workload, path, self.message)?;
        if let Some(s) = &self.suggestion {
            write!(f, " ({s})")?;
        }
        Ok(())
    }
}

/// A config that passed validation, with the strategy it deploys with and
/// the warnings it raised.
#[derive(Debug, Clone)]
pub struct Validated {
    pub config: SourceConfig,
    /// The strategy a deploy of this config runs (DESIGN §3), resolved once
    /// by [`validate`]: every caller reads it here.
    pub strategy: EffectiveStrategy,
    pub warnings: Vec<ConfigIssue>,
}

/// The typed config. Only built from JSON that passed [`validate`], so the
/// serde defaults below are the documented defaults of DESIGN §2.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceConfig {
    pub common: CommonConfig,
    pub source: KindConfig,
}

impl SourceConfig {
    pub fn kind(&self) -> Kind {
        match self.source {
            KindConfig::Image(_) => Kind::Image,
            KindConfig::Dockerfile(_) => Kind::Dockerfile,
            KindConfig::Static(_) => Kind::Static,
            KindConfig::Compose(_) => Kind::Compose,
        }
    }

    /// The container port the route and the probe use (static defaults to 80).
    pub fn port(&self) -> Option<u16> {
        match (&self.source, self.common.port) {
            (_, Some(p)) => Some(p),
            (KindConfig::Static(_), None) => Some(80),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default)]
pub struct CommonConfig {
    pub deploy_strategy: String,
    pub domains: Vec<String>,
    pub port: Option<u16>,
    pub ports: Vec<String>,
    /// Plain values or references (`{"from_env": ..}`, `{"from_file": ..}`),
    /// resolved by [`resolve_secrets`] at deploy time.
    pub env: BTreeMap<String, SecretValue>,
    pub healthcheck: Option<Healthcheck>,
    pub liveness_window_ms: u64,
    pub network: String,
    /// Milliseconds; None: the defaults of [`CommonConfig::drain_bound_ms`]
    /// and [`CommonConfig::drain_fixed_ms`]. Read through those two.
    pub drain_ms: Option<u64>,
    /// false: always the fixed drain (`drain_ms`, [2000]), even where the
    /// old container's connections can be seen.
    pub drain_until_idle: bool,
    /// Milliseconds a new container is watched after its gate while berth
    /// can still fall back (issue 12); None: the defaults of
    /// [`CommonConfig::green_watch_ms`], [`CommonConfig::recreate_watch_ms`]
    /// and [`CommonConfig::first_watch_ms`]. Read through those three.
    pub watch_ms: Option<u64>,
    pub stop_timeout_s: u64,
    pub init: bool,
    pub command: Option<Vec<String>>,
    pub labels: BTreeMap<String, String>,
    /// Memory limit in bytes (the JSON may say `"512m"`; see `parse_memory`).
    #[serde(deserialize_with = "validate::deserialize_memory")]
    pub memory: Option<i64>,
    pub cpus: Option<f64>,
    pub restart: String,
    pub keep_artifacts: u32,
    /// The daemon this workload runs on, as a host URL (`ssh://...`,
    /// `tcp://...`, `unix://...`); None: see [`CommonConfig::daemon`].
    pub docker_host: Option<String>,
    /// The daemon this workload runs on, as a docker CLI context name.
    pub docker_context: Option<String>,
    /// Run as a Docker Swarm service instead of a container (issue 13).
    pub swarm: Option<SwarmConfig>,
}

impl Default for CommonConfig {
    fn default() -> Self {
        CommonConfig {
            deploy_strategy: String::new(),
            domains: Vec::new(),
            port: None,
            ports: Vec::new(),
            env: BTreeMap::new(),
            healthcheck: None,
            liveness_window_ms: 5000,
            network: "berth".to_owned(),
            drain_ms: None,
            drain_until_idle: true,
            watch_ms: None,
            stop_timeout_s: 10,
            init: true,
            command: None,
            labels: BTreeMap::new(),
            memory: None,
            cpus: None,
            restart: "unless-stopped".to_owned(),
            keep_artifacts: 3,
            docker_host: None,
            docker_context: None,
            swarm: None,
        }
    }
}

/// The upper bound of a connection-aware drain when `drain_ms` is not
/// set, milliseconds: long enough for slow requests (kamal-proxy's drain
/// timeout is 30 s too); an idle old container is stopped long before.
pub const DEFAULT_DRAIN_BOUND_MS: u64 = 30_000;

/// The fixed drain when `drain_ms` is not set and the old container's
/// connections cannot be seen, milliseconds (berth's drain before the
/// connection-aware one, so a remote daemon's deploys keep their timing).
pub const DEFAULT_DRAIN_FIXED_MS: u64 = 2_000;

impl CommonConfig {
    /// The daemon the workload runs on: `docker_host`, else
    /// `docker_context`, else the one the docker CLI would use.
    pub fn daemon(&self) -> crate::docker::DaemonRef {
        match (&self.docker_host, &self.docker_context) {
            (Some(h), _) => crate::docker::DaemonRef::Host(h.clone()),
            (None, Some(c)) => crate::docker::DaemonRef::Context(c.clone()),
            (None, None) => crate::docker::DaemonRef::Default,
        }
    }

    /// The longest a drain waits for the old container to go idle after
    /// the route moved off it, milliseconds: `drain_ms`, else
    /// [`DEFAULT_DRAIN_BOUND_MS`]. 0: no drain.
    pub fn drain_bound_ms(&self) -> u64 {
        self.drain_ms.unwrap_or(DEFAULT_DRAIN_BOUND_MS)
    }

    /// The drain where connections cannot be seen (a remote daemon, no
    /// permission), and recreate's watch of the new container,
    /// milliseconds: `drain_ms`, else [`DEFAULT_DRAIN_FIXED_MS`].
    pub fn drain_fixed_ms(&self) -> u64 {
        self.drain_ms.unwrap_or(DEFAULT_DRAIN_FIXED_MS)
    }

    /// Blue-green: how long green must have run (counted from its start)
    /// before blue is stopped, milliseconds; blue runs, and the route can
    /// go back to it, that long even when the drain ends sooner:
    /// `watch_ms`, else [`DEFAULT_WATCH_MS`] (at most `drain_ms`).
    pub fn green_watch_ms(&self) -> u64 {
        self.watch_ms
            .unwrap_or_else(|| DEFAULT_WATCH_MS.min(self.drain_bound_ms()))
    }

    /// Recreate: how long the new container is watched before the parked
    /// old one is removed, milliseconds: `watch_ms`, else the fixed drain
    /// ([`CommonConfig::drain_fixed_ms`]).
    pub fn recreate_watch_ms(&self) -> u64 {
        self.watch_ms.unwrap_or_else(|| self.drain_fixed_ms())
    }

    /// A first deploy or a compose stack (nothing to fall back to): how
    /// long the new container is watched before it takes the route,
    /// milliseconds: `watch_ms`, else the shorter of `liveness_window_ms`
    /// and the fixed drain.
    pub fn first_watch_ms(&self) -> u64 {
        self.watch_ms
            .unwrap_or_else(|| self.liveness_window_ms.min(self.drain_fixed_ms()))
    }
}

/// Blue-green's shortest watch of green when `watch_ms` is not set,
/// milliseconds: an app that answers its first probe and dies a second
/// after it started (a crash loop, issue 12's first case) is seen only once
/// Docker restarted it, a little after; two seconds see it.
pub const DEFAULT_WATCH_MS: u64 = 2_000;

/// The Swarm side of a workload (`"swarm": {...}`): the service berth
/// creates on the first deploy and updates after (docs/clusters.md §2).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default)]
pub struct SwarmConfig {
    /// Tasks to run, 0..=1000 [1].
    pub replicas: u64,
    /// Placement constraints, as `docker service create --constraint`
    /// takes them (`node.role==worker`).
    pub placement: Vec<String>,
    pub update: SwarmUpdate,
    /// How the service name resolves on its network: `vip` (one virtual
    /// IP; needs IPVS on every node) or `dnsrr` (the healthy tasks'
    /// addresses; no IPVS) [vip].
    pub endpoint_mode: EndpointMode,
    /// The overlay network the service (and the router) attach to; berth
    /// creates it `attachable` when missing [berth-swarm].
    pub network: String,
}

impl Default for SwarmConfig {
    fn default() -> Self {
        SwarmConfig {
            replicas: 1,
            placement: Vec::new(),
            update: SwarmUpdate::default(),
            endpoint_mode: EndpointMode::Vip,
            network: DEFAULT_SWARM_NETWORK.to_owned(),
        }
    }
}

/// The overlay network of Swarm workloads that name none.
pub const DEFAULT_SWARM_NETWORK: &str = "berth-swarm";

/// How Swarm replaces tasks in an update (its `UpdateConfig`, also used
/// for its rollback).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default)]
pub struct SwarmUpdate {
    /// Tasks replaced at once, 1.. [1].
    pub parallelism: u64,
    /// Wait between two batches, milliseconds [0].
    pub delay_ms: u64,
    /// How long Swarm watches each new task for a failure before it counts
    /// the task as updated, milliseconds; None: [`SwarmConfig::monitor_ms`]
    /// derives it from the health check.
    pub monitor_ms: Option<u64>,
}

impl Default for SwarmUpdate {
    fn default() -> Self {
        SwarmUpdate {
            parallelism: 1,
            delay_ms: 0,
            monitor_ms: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum EndpointMode {
    #[default]
    Vip,
    Dnsrr,
}

/// Consecutive failed probes before Swarm calls a task unhealthy.
pub const SWARM_HEALTH_RETRIES: u64 = 3;

/// The shortest monitor window Swarm needs to see a task fail its health
/// check, milliseconds: `start_period + interval × retries` (plus one
/// interval of slack), or 5000 (Swarm's default) without a health check.
pub fn swarm_min_monitor_ms(healthcheck: Option<&Healthcheck>) -> u64 {
    match healthcheck {
        Some(h) if h.mode == HealthMode::Http => h
            .start_period_ms
            .saturating_add(h.interval_ms.saturating_mul(SWARM_HEALTH_RETRIES + 1)),
        _ => 5000,
    }
}

impl SwarmConfig {
    /// The monitor window Swarm gets, milliseconds: `update.monitor_ms`,
    /// else the least that lets a failing health check be seen.
    pub fn monitor_ms(&self, healthcheck: Option<&Healthcheck>) -> u64 {
        self.update
            .monitor_ms
            .unwrap_or_else(|| swarm_min_monitor_ms(healthcheck))
    }
}

/// How the readiness gate decides (DESIGN §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum HealthMode {
    /// berth probes `path` over HTTP on the container's address.
    #[default]
    Http,
    /// The container's own Docker health check (image, compose or run
    /// options) must report healthy within `deadline_ms`.
    Docker,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default)]
pub struct Healthcheck {
    pub mode: HealthMode,
    pub path: String,
    pub interval_ms: u64,
    pub timeout_ms: u64,
    pub healthy_threshold: u32,
    pub start_period_ms: u64,
    pub deadline_ms: u64,
}

impl Default for Healthcheck {
    fn default() -> Self {
        Healthcheck {
            mode: HealthMode::Http,
            path: "/".to_owned(),
            interval_ms: 1000,
            timeout_ms: 2000,
            healthy_threshold: 1,
            start_period_ms: 0,
            deadline_ms: 60_000,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum KindConfig {
    Image(ImageConfig),
    Dockerfile(DockerfileConfig),
    Static(StaticConfig),
    Compose(ComposeConfig),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum PullPolicy {
    #[default]
    Always,
    Missing,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ImageConfig {
    pub image: String,
    #[serde(default)]
    pub pull: PullPolicy,
    #[serde(default)]
    pub registry_auth: Option<RegistryAuth>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct RegistryAuth {
    pub username: String,
    /// Name of the environment variable that holds the password (never the password).
    pub password_env: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct DockerfileConfig {
    pub context: String,
    #[serde(default = "default_dockerfile")]
    pub dockerfile: String,
    #[serde(default)]
    /// Plain values or references, as `env`.
    pub build_args: BTreeMap<String, SecretValue>,
    #[serde(default)]
    pub target: Option<String>,
}

fn default_dockerfile() -> String {
    "Dockerfile".to_owned()
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct StaticConfig {
    #[serde(default)]
    pub root: Option<String>,
    #[serde(default = "default_server_image")]
    pub server_image: String,
    #[serde(default = "default_server_root")]
    pub server_root: String,
    #[serde(default)]
    pub runtime: String,
    #[serde(default)]
    pub storage: Option<String>,
}

impl StaticConfig {
    /// `runtime: "deno"` with a `storage` volume: the site lives in the volume.
    pub fn storage_backed(&self) -> bool {
        self.runtime == "deno" && self.storage.as_deref().is_some_and(|s| !s.is_empty())
    }
}

fn default_server_image() -> String {
    "nginx:alpine".to_owned()
}

fn default_server_root() -> String {
    "/usr/share/nginx/html".to_owned()
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ComposeConfig {
    pub file: String,
    #[serde(default)]
    pub project: Option<String>,
    #[serde(default)]
    pub service: Option<String>,
}
