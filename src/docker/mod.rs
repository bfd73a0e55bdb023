//! The Docker operations berth needs, on bollard. Connects to the daemon
//! the docker CLI would use, or the one a workload names ([`endpoint`]:
//! unix, tcp with TLS, ssh), negotiates the API version (Debian's engine
//! speaks 1.41) and turns daemon errors into one-line causes.

mod build;
pub mod daemons;
pub mod endpoint;
mod engine;
pub mod labels;
pub mod ssh;
mod swarm;

use std::collections::HashMap;
use std::time::Duration;

use anyhow::{Result, anyhow};
use bollard::models::{
    ContainerCreateBody, EndpointSettings, HealthStatusEnum, HostConfig, Mount, MountType, NetworkCreateRequest,
    NetworkingConfig, PortBinding, RestartPolicy, RestartPolicyNameEnum,
};
use bollard::query_parameters::{
    CreateContainerOptionsBuilder, CreateImageOptionsBuilder, ListContainersOptionsBuilder, LogsOptionsBuilder,
    RemoveContainerOptionsBuilder, RenameContainerOptionsBuilder, StopContainerOptionsBuilder,
};
use futures_util::StreamExt;

use crate::i18n::{Context as _, Msg};
use crate::msg;

pub use build::{BuildRequest, build_image};
pub use daemons::Daemons;
pub use endpoint::{DaemonRef, Endpoint};
pub use engine::Engine;

/// How long connecting to a daemon (and its first answer) may take.
const CONNECT_DEADLINE: Duration = Duration::from_secs(30);

/// A connected, version-negotiated Docker client.
#[derive(Clone)]
pub struct Docker {
    api: bollard::Docker,
    endpoint: Endpoint,
    /// The SSH connection of an `ssh://` daemon (its probe tunnels ride on it).
    ssh: Option<std::sync::Arc<ssh::SshTransport>>,
}

/// What berth needs to know about a container.
#[derive(Debug, Clone)]
pub struct ContainerInfo {
    pub id: String,
    pub name: String,
    pub image: String,
    pub running: bool,
    pub restarting: bool,
    pub status: String,
    pub exit_code: i64,
    pub error: String,
    /// Docker HEALTHCHECK status when the container has a health check.
    pub health: Option<String>,
    /// The container's effective health check (from the image, compose or
    /// `docker run --health-*`), None when it has none or it is disabled.
    pub health_check: Option<HealthCheck>,
    /// How often Docker restarted the container (its restart policy).
    pub restart_count: i64,
    /// Whether the kernel's OOM killer ended the container's last run.
    pub oom_killed: bool,
    /// The host pid of the container's first process (Docker's `State.Pid`),
    /// 0 when it is not running. Only meaningful on a local daemon
    /// ([`Engine::is_local`]): a remote daemon's pids are another host's.
    pub pid: u32,
    pub started_at: String,
    pub labels: HashMap<String, String>,
    /// IP address per attached network.
    pub ips: HashMap<String, String>,
}

impl ContainerInfo {
    /// The container's IP on `network`, else on any network it is attached
    /// to (a compose service sits on its stack's own network).
    pub fn ip_on(&self, network: &str) -> Option<&str> {
        self.ips
            .get(network)
            .map(String::as_str)
            .filter(|ip| !ip.is_empty())
            .or_else(|| {
                let mut nets: Vec<(&String, &String)> = self.ips.iter().filter(|(_, ip)| !ip.is_empty()).collect();
                nets.sort();
                nets.first().map(|(_, ip)| ip.as_str())
            })
    }
}

/// A container's Docker health check, as the daemon runs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HealthCheck {
    /// The probe command, as Docker stores it (`["CMD-SHELL", "..."]`).
    pub test: Vec<String>,
    /// Between two probes, milliseconds (Docker's default: 30 s).
    pub interval_ms: u64,
    /// Grace before failures count, milliseconds (Docker's default: 0).
    pub start_period_ms: u64,
}

impl HealthCheck {
    /// Reads Docker's config (nanoseconds, 0 meaning the default); None
    /// when there is no test or it is `NONE` (health checks disabled).
    fn from_config(c: &bollard::models::HealthConfig) -> Option<HealthCheck> {
        let test = c.test.clone().unwrap_or_default();
        if test.is_empty() || test.first().map(String::as_str) == Some("NONE") {
            return None;
        }
        let ms = |ns: Option<i64>, default_ms: u64| match ns {
            Some(ns) if ns > 0 => u64::try_from(ns / 1_000_000).unwrap_or(default_ms),
            _ => default_ms,
        };
        Some(HealthCheck {
            test,
            interval_ms: ms(c.interval, 30_000),
            start_period_ms: ms(c.start_period, 0),
        })
    }
}

/// A container as listed (cheaper than an inspect).
#[derive(Debug, Clone)]
pub struct ContainerSummary {
    pub id: String,
    pub name: String,
    pub state: String,
    pub labels: HashMap<String, String>,
    /// When it was created, seconds since the epoch.
    pub created: i64,
}

/// Everything berth sets on a container it creates.
#[derive(Debug, Clone, Default)]
pub struct ContainerSpec {
    pub name: String,
    pub image: String,
    pub env: Vec<String>,
    pub command: Option<Vec<String>>,
    pub labels: HashMap<String, String>,
    pub network: String,
    pub init: bool,
    pub memory: Option<i64>,
    pub nano_cpus: Option<i64>,
    pub restart: String,
    /// `HOST:CONTAINER[/proto]` bindings.
    pub ports: Vec<String>,
    /// Named volume and where to mount it (read-write).
    pub volume: Option<(String, String)>,
    pub stop_timeout_s: u64,
}

impl Docker {
    /// Connects to the daemon the docker CLI would use (`DOCKER_HOST`,
    /// `DOCKER_CONTEXT`, the CLI's current context, the local socket) and
    /// pings it, so a missing daemon is one clear line instead of a
    /// failure mid-deploy.
    pub async fn connect() -> Result<Docker> {
        Docker::connect_to(&DaemonRef::Default).await
    }

    /// Connects to `daemon` and pings it. Errors name the daemon (never
    /// credentials): unknown context, malformed address, unreachable host,
    /// refused host key, no `docker` on a remote PATH, a silent daemon
    /// (after [`CONNECT_DEADLINE`]).
    pub async fn connect_to(daemon: &DaemonRef) -> Result<Docker> {
        let endpoint = Endpoint::resolve(daemon)?;
        let shown = endpoint.display();
        match tokio::time::timeout(CONNECT_DEADLINE, Docker::connect_endpoint(endpoint)).await {
            Ok(r) => r,
            Err(_) => Err(anyhow!(msg!(
                "docker-no-answer-within",
                host = &shown,
                seconds = CONNECT_DEADLINE.as_secs()
            ))),
        }
    }

    async fn connect_endpoint(endpoint: Endpoint) -> Result<Docker> {
        let shown = endpoint.display();
        let timeout = 600;
        let version = bollard::API_DEFAULT_VERSION;
        let mut transport = None;
        let api = match endpoint.scheme()? {
            endpoint::Scheme::Unix(path) => bollard::Docker::connect_with_unix(&path, timeout, version),
            endpoint::Scheme::Tcp(addr) => match &endpoint.tls {
                Some(tls) => {
                    for f in [&tls.ca, &tls.cert, &tls.key] {
                        if !f.is_file() {
                            return Err(anyhow!(msg!(
                                "docker-tls-file-missing",
                                host = &shown,
                                file = f.display().to_string()
                            )));
                        }
                    }
                    bollard::Docker::connect_with_ssl(&addr, &tls.key, &tls.cert, &tls.ca, timeout, version)
                }
                None => bollard::Docker::connect_with_http(&addr, timeout, version),
            },
            endpoint::Scheme::Ssh(target) => {
                let t = ssh::SshTransport::connect(&target, &shown).await?;
                let api = t.docker_client(timeout)?;
                transport = Some(t);
                Ok(api)
            }
        }
        .map_err(|e| msg!("docker-bad-address", host = &shown).wrap(e))?;
        let why = |e: &bollard::errors::Error| match transport.as_ref().and_then(|t| t.last_failure()) {
            Some(cause) => anyhow!(msg!(
                "docker-remote-unreachable",
                host = &shown,
                error = cause.to_string()
            )),
            None => unreachable_daemon(&shown, endpoint.is_local(), e),
        };
        let api = api.negotiate_version().await.map_err(|e| why(&e))?;
        api.ping().await.map_err(|e| why(&e))?;
        Ok(Docker {
            api,
            endpoint,
            ssh: transport,
        })
    }

    /// The resolved endpoint (for a `docker` CLI subprocess: [`Endpoint::cli_env`]).
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    pub fn api(&self) -> &bollard::Docker {
        &self.api
    }

    /// Creates network `name` with `driver` (an overlay is attachable, so
    /// a router running as a plain container can join it); one that
    /// appeared meanwhile is fine.
    pub(crate) async fn create_network(&self, name: &str, driver: &str) -> Result<()> {
        let req = NetworkCreateRequest {
            name: name.to_owned(),
            driver: Some(driver.to_owned()),
            attachable: (driver == "overlay").then_some(true),
            labels: Some(HashMap::from([(labels::MANAGED.to_owned(), "true".to_owned())])),
            ..Default::default()
        };
        match self.api.create_network(req).await {
            Ok(_) => Ok(()),
            // Another berth created it between our inspect and create.
            Err(e) if status_of(&e) == Some(409) => Ok(()),
            Err(e) => Err(docker_error(
                e,
                msg!("docker-create-network-driver", driver = driver, name = name),
            )),
        }
    }

    /// The local image id for a reference, or None when it is not present.
    pub async fn image_id(&self, reference: &str) -> Result<Option<String>> {
        match self.api.inspect_image(reference).await {
            Ok(img) => Ok(img.id),
            Err(e) if status_of(&e) == Some(404) => Ok(None),
            Err(e) => Err(docker_error(e, msg!("docker-inspect-image", image = reference))),
        }
    }

    /// The image's own Docker HEALTHCHECK, None when it has none, disables
    /// it, or the image is not present locally. Errors: the daemon failed.
    pub async fn image_health_check(&self, reference: &str) -> Result<Option<HealthCheck>> {
        let img = match self.api.inspect_image(reference).await {
            Ok(img) => img,
            Err(e) if status_of(&e) == Some(404) => return Ok(None),
            Err(e) => return Err(docker_error(e, msg!("docker-inspect-image", image = reference))),
        };
        Ok(img
            .config
            .and_then(|c| c.healthcheck)
            .as_ref()
            .and_then(HealthCheck::from_config))
    }

    /// Pulls one tag (never all tags) and returns the local image id.
    /// `on_progress` gets (layer id, status, current, total) updates.
    pub async fn pull(
        &self,
        reference: &str,
        credentials: Option<bollard::auth::DockerCredentials>,
        mut on_progress: impl FnMut(&str, &str, Option<i64>, Option<i64>),
    ) -> Result<String> {
        let (from_image, tag) = crate::config::ImageRef::split(reference).pull_args();
        let mut builder = CreateImageOptionsBuilder::default().from_image(&from_image);
        if let Some(tag) = &tag {
            builder = builder.tag(tag);
        }
        let mut stream = self.api.create_image(Some(builder.build()), None, credentials);
        while let Some(item) = stream.next().await {
            match item {
                Ok(info) => {
                    let detail = info.progress_detail.as_ref();
                    on_progress(
                        info.id.as_deref().unwrap_or(""),
                        info.status.as_deref().unwrap_or(""),
                        detail.and_then(|d| d.current),
                        detail.and_then(|d| d.total),
                    );
                }
                Err(e) => return Err(docker_error(e, msg!("docker-pull", image = reference))),
            }
        }
        self.image_id(reference)
            .await?
            .with_context_msg(|| msg!("docker-pulled-not-listed", image = reference))
    }
}

#[async_trait::async_trait]
impl Engine for Docker {
    fn bollard(&self) -> Option<&Docker> {
        Some(self)
    }

    fn cli_env(&self) -> Vec<(String, String)> {
        self.endpoint.cli_env()
    }

    fn host(&self) -> String {
        self.endpoint.display()
    }

    fn is_local(&self) -> bool {
        self.endpoint.is_local()
    }

    async fn reach(&self, addr: std::net::SocketAddr) -> Result<std::net::SocketAddr> {
        match &self.ssh {
            Some(t) => t.tunnel(addr).await,
            None => Ok(addr),
        }
    }

    fn reaches_containers_directly(&self) -> bool {
        self.ssh.is_none()
    }

    fn tunnels(&self) -> bool {
        self.ssh.is_some()
    }

    async fn ensure_network(&self, name: &str) -> Result<()> {
        match self
            .api
            .inspect_network(name, None::<bollard::query_parameters::InspectNetworkOptions>)
            .await
        {
            Ok(_) => return Ok(()),
            Err(e) if status_of(&e) == Some(404) => {}
            Err(e) => {
                return Err(docker_error(e, msg!("docker-inspect-network", name = name)));
            }
        }
        self.create_network(name, "bridge").await
    }

    async fn image_id(&self, reference: &str) -> Result<Option<String>> {
        Docker::image_id(self, reference).await
    }

    async fn create_container(&self, spec: &ContainerSpec) -> Result<String> {
        let options = CreateContainerOptionsBuilder::default().name(&spec.name).build();
        let body = container_body(spec)?;
        let created = self
            .api
            .create_container(Some(options), body)
            .await
            .map_err(|e| docker_error(e, msg!("docker-create-container", container = &spec.name)))?;
        Ok(created.id)
    }

    async fn create_marker(&self, name: &str, image: &str, labels: HashMap<String, String>) -> Result<Option<String>> {
        let options = CreateContainerOptionsBuilder::default().name(name).build();
        let body = ContainerCreateBody {
            image: Some(image.to_owned()),
            // Never run: the command only has to be present for the create.
            cmd: Some(vec!["berth-lock".to_owned()]),
            labels: Some(labels),
            network_disabled: Some(true),
            host_config: Some(HostConfig {
                network_mode: Some("none".to_owned()),
                ..Default::default()
            }),
            ..Default::default()
        };
        match self.api.create_container(Some(options), body).await {
            Ok(created) => Ok(Some(created.id)),
            Err(e) if status_of(&e) == Some(409) => Ok(None),
            Err(e) => Err(docker_error(e, msg!("docker-create-container", container = name))),
        }
    }

    async fn import_empty_image(&self, reference: &str) -> Result<()> {
        let (repo, tag) = crate::config::ImageRef::split(reference).pull_args();
        let mut builder = CreateImageOptionsBuilder::default().from_src("-").repo(&repo);
        if let Some(tag) = &tag {
            builder = builder.tag(tag);
        }
        // An empty tar archive: two 512-byte blocks of zeros.
        let empty_tar = bytes::Bytes::from(vec![0u8; 1024]);
        let mut stream = self
            .api
            .create_image(Some(builder.build()), Some(bollard::body_full(empty_tar)), None);
        while let Some(item) = stream.next().await {
            item.map_err(|e| docker_error(e, msg!("docker-import-empty", image = reference)))?;
        }
        Ok(())
    }

    async fn start(&self, id: &str) -> Result<()> {
        match self.api.start_container(id, None).await {
            Ok(()) => Ok(()),
            Err(e) if status_of(&e) == Some(304) => Ok(()),
            Err(e) => Err(docker_error(e, msg!("docker-start", container = short(id)))),
        }
    }

    async fn stop(&self, id: &str, timeout_s: u64) -> Result<()> {
        let t = i32::try_from(timeout_s).unwrap_or(i32::MAX);
        let options = StopContainerOptionsBuilder::default().t(t).build();
        match self.api.stop_container(id, Some(options)).await {
            Ok(()) => Ok(()),
            Err(e) if matches!(status_of(&e), Some(304) | Some(404)) => Ok(()),
            Err(e) => Err(docker_error(e, msg!("docker-stop", container = short(id)))),
        }
    }

    async fn rename(&self, id: &str, new_name: &str) -> Result<()> {
        let options = RenameContainerOptionsBuilder::default().name(new_name).build();
        self.api
            .rename_container(id, options)
            .await
            .map_err(|e| docker_error(e, msg!("docker-rename", container = short(id), name = new_name)))
    }

    async fn remove(&self, id: &str) -> Result<()> {
        let options = RemoveContainerOptionsBuilder::default().force(true).v(true).build();
        match self.api.remove_container(id, Some(options)).await {
            Ok(()) => Ok(()),
            Err(e) if status_of(&e) == Some(404) => Ok(()),
            // Removal already in progress (another reap): it will be gone.
            Err(e) if status_of(&e) == Some(409) && e.to_string().contains("already in progress") => Ok(()),
            Err(e) => Err(docker_error(e, msg!("docker-remove", container = short(id)))),
        }
    }

    async fn remove_image(&self, reference: &str) -> Result<()> {
        match self
            .api
            .remove_image(reference, None::<bollard::query_parameters::RemoveImageOptions>, None)
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if status_of(&e) == Some(404) => Ok(()),
            Err(e) => Err(docker_error(e, msg!("docker-remove-image", image = reference))),
        }
    }

    async fn inspect(&self, id: &str) -> Result<Option<ContainerInfo>> {
        let resp = match self.api.inspect_container(id, None).await {
            Ok(r) => r,
            Err(e) if status_of(&e) == Some(404) => return Ok(None),
            Err(e) => {
                return Err(docker_error(e, msg!("docker-inspect-container", container = short(id))));
            }
        };
        let state = resp.state.unwrap_or_default();
        let config = resp.config.unwrap_or_default();
        let ips = resp
            .network_settings
            .and_then(|n| n.networks)
            .unwrap_or_default()
            .into_iter()
            .map(|(net, ep)| (net, ep.ip_address.unwrap_or_default()))
            .collect();
        Ok(Some(ContainerInfo {
            id: resp.id.unwrap_or_default(),
            name: resp.name.unwrap_or_default().trim_start_matches('/').to_owned(),
            image: resp.image.unwrap_or_default(),
            running: state.running.unwrap_or(false),
            restarting: state.restarting.unwrap_or(false),
            status: state.status.map(|s| s.to_string()).unwrap_or_default(),
            exit_code: state.exit_code.unwrap_or(0),
            error: state.error.unwrap_or_default(),
            health: state.health.and_then(|h| h.status).and_then(|s| match s {
                HealthStatusEnum::EMPTY | HealthStatusEnum::NONE => None,
                other => Some(other.to_string()),
            }),
            health_check: config.healthcheck.as_ref().and_then(HealthCheck::from_config),
            restart_count: resp.restart_count.unwrap_or(0),
            oom_killed: state.oom_killed.unwrap_or(false),
            pid: state.pid.and_then(|p| u32::try_from(p).ok()).unwrap_or(0),
            started_at: state.started_at.unwrap_or_default(),
            labels: config.labels.unwrap_or_default(),
            ips,
        }))
    }

    async fn containers_with_label(&self, label: &str, value: &str) -> Result<Vec<ContainerSummary>> {
        let filters = HashMap::from([("label".to_owned(), vec![format!("{label}={value}")])]);
        let options = ListContainersOptionsBuilder::default()
            .all(true)
            .filters(&filters)
            .build();
        let list = self
            .api
            .list_containers(Some(options))
            .await
            .map_err(|e| docker_error(e, msg!("docker-list-containers")))?;
        Ok(list
            .into_iter()
            .map(|c| ContainerSummary {
                id: c.id.unwrap_or_default(),
                name: c
                    .names
                    .and_then(|n| n.into_iter().next())
                    .unwrap_or_default()
                    .trim_start_matches('/')
                    .to_owned(),
                state: c.state.map(|s| s.to_string()).unwrap_or_default(),
                labels: c.labels.unwrap_or_default(),
                created: c.created.unwrap_or_default(),
            })
            .collect())
    }

    async fn logs_tail(&self, id: &str, lines: usize) -> String {
        let options = LogsOptionsBuilder::default()
            .stdout(true)
            .stderr(true)
            .tail(&lines.to_string())
            .build();
        let mut out = String::new();
        let mut stream = self.api.logs(id, Some(options));
        while let Some(Ok(chunk)) = stream.next().await {
            out.push_str(&String::from_utf8_lossy(&chunk.into_bytes()));
        }
        out
    }
}

fn container_body(spec: &ContainerSpec) -> Result<ContainerCreateBody> {
    let mut exposed = Vec::new();
    let mut bindings: HashMap<String, Option<Vec<PortBinding>>> = HashMap::new();
    for p in &spec.ports {
        let (host, container) = p
            .split_once(':')
            .with_context_msg(|| msg!("docker-bad-port-mapping", mapping = p))?;
        let container = if container.contains('/') {
            container.to_owned()
        } else {
            format!("{container}/tcp")
        };
        exposed.push(container.clone());
        bindings
            .entry(container)
            .or_insert_with(|| Some(Vec::new()))
            .get_or_insert_with(Vec::new)
            .push(PortBinding {
                host_ip: None,
                host_port: Some(host.to_owned()),
            });
    }
    let restart = match spec.restart.split(':').next().unwrap_or("") {
        "no" => RestartPolicyNameEnum::NO,
        "always" => RestartPolicyNameEnum::ALWAYS,
        "on-failure" => RestartPolicyNameEnum::ON_FAILURE,
        _ => RestartPolicyNameEnum::UNLESS_STOPPED,
    };
    let max_retry = spec.restart.split_once(':').and_then(|(_, n)| n.parse().ok());
    let host_config = HostConfig {
        init: Some(spec.init),
        memory: spec.memory,
        nano_cpus: spec.nano_cpus,
        restart_policy: Some(RestartPolicy {
            name: Some(restart),
            maximum_retry_count: max_retry,
        }),
        port_bindings: (!bindings.is_empty()).then_some(bindings),
        network_mode: Some(spec.network.clone()),
        mounts: spec.volume.as_ref().map(|(volume, target)| {
            vec![Mount {
                target: Some(target.clone()),
                source: Some(volume.clone()),
                typ: Some(MountType::VOLUME),
                read_only: Some(false),
                ..Default::default()
            }]
        }),
        ..Default::default()
    };
    Ok(ContainerCreateBody {
        image: Some(spec.image.clone()),
        env: Some(spec.env.clone()),
        cmd: spec.command.clone(),
        labels: Some(spec.labels.clone()),
        exposed_ports: (!exposed.is_empty()).then_some(exposed),
        stop_timeout: Some(i64::try_from(spec.stop_timeout_s).unwrap_or(i64::MAX)),
        host_config: Some(host_config),
        networking_config: Some(NetworkingConfig {
            endpoints_config: Some(HashMap::from([(spec.network.clone(), EndpointSettings::default())])),
        }),
        ..Default::default()
    })
}

pub fn short(id: &str) -> &str {
    let id = id.strip_prefix("sha256:").unwrap_or(id);
    id.get(..12).unwrap_or(id)
}

pub fn status_of(e: &bollard::errors::Error) -> Option<u16> {
    match e {
        bollard::errors::Error::DockerResponseServerError { status_code, .. } => Some(*status_code),
        _ => None,
    }
}

/// One line: what berth was doing and the daemon's own message.
pub fn docker_error(e: bollard::errors::Error, doing: Msg) -> anyhow::Error {
    match e {
        bollard::errors::Error::DockerResponseServerError { status_code, message } => anyhow!(msg!(
            "docker-said",
            doing = doing,
            status = status_code,
            message = message.trim()
        )),
        other => anyhow!(msg!("docker-failed", doing = doing, error = other.to_string())),
    }
}

fn unreachable_daemon(host: &str, local: bool, e: &bollard::errors::Error) -> anyhow::Error {
    let text = e.to_string();
    let lower = text.to_lowercase();
    if !local {
        anyhow!(msg!("docker-remote-unreachable", host = host, error = &text))
    } else if lower.contains("permission denied") {
        anyhow!(msg!("docker-permission-denied", host = host))
    } else if lower.contains("no such file") || lower.contains("connection refused") || lower.contains("connect") {
        anyhow!(msg!("docker-unreachable", host = host, error = &text))
    } else {
        anyhow!(msg!("docker-no-answer", host = host, error = &text))
    }
}
