//! The readiness gate (DESIGN §4): a new container takes traffic only after
//! it proved it is ready, and it is watched the whole time: an exit, a
//! restart or an OOM kill at any moment fails the gate, even after a probe
//! answered.
//!
//! Which proof counts, first match wins:
//! 1. `healthcheck` (mode `http`, the default): berth's HTTP probe of `path`
//!    on the container's address, `healthy_threshold` answers in a row.
//! 2. `healthcheck.mode: "docker"`, or no `healthcheck` and a container
//!    with a Docker health check of its own (image, compose file or run
//!    options): Docker reports `healthy` within the deadline.
//! 3. No health check at all but a `port`: the container ran for
//!    `liveness_window_ms` AND its port accepts TCP connections.
//! 4. Nothing to probe: the container ran for `liveness_window_ms`.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Result;

use crate::config::{HealthMode, Healthcheck, SourceConfig};
use crate::docker::{ContainerInfo, Engine, HealthCheck};
use crate::i18n::{Context as _, Msg};
use crate::msg;

/// The container did not prove it is ready (as opposed to the gate not
/// being able to ask: a Docker error passes through as itself). Display is
/// English (events, JSON); people read [`NotReady::human`].
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct NotReady(pub Msg);

impl NotReady {
    pub fn human(&self) -> String {
        self.0.localized()
    }
}

macro_rules! not_ready {
    ($($arg:tt)*) => {
        return Err(NotReady(msg!($($arg)*)).into())
    };
}

/// Whether an error is the gate's verdict rather than a failure to run it.
pub fn is_not_ready(err: &anyhow::Error) -> bool {
    err.chain().any(|c| c.is::<NotReady>())
}

/// Where the gate reports progress (a spinner message or a status line)
/// and warnings (stderr).
pub struct GateUi<'a> {
    pub progress: &'a dyn Fn(&str),
    pub warn: &'a dyn Fn(&str),
}

/// First retry after this, doubling up to the configured interval: a ready
/// app is seen within milliseconds without hammering a slow one.
const FIRST_RETRY: Duration = Duration::from_millis(10);
const POLL: Duration = Duration::from_millis(50);
/// Longest pause between probes while the app does not accept connections.
const NOT_LISTENING_POLL: Duration = Duration::from_millis(80);
/// How long one TCP connect attempt may take.
const TCP_CONNECT_TIMEOUT: Duration = Duration::from_secs(1);
/// How long a connection through an SSH tunnel must stay open to count as
/// accepted (the tunnel closes at once when the far end refuses).
const TUNNEL_SETTLE: Duration = Duration::from_millis(500);
/// How often the watch after the gate inspects the container.
const WATCH_POLL: Duration = Duration::from_millis(100);
/// The longest pause between two HTTP probes of the watch.
const WATCH_PROBE_EVERY: Duration = Duration::from_millis(500);
/// Refused connections in a row that fail the watch of a port.
const TCP_FAILURES: u32 = 2;
/// How often a long wait says where it is.
const PROGRESS_EVERY: Duration = Duration::from_secs(1);

/// The User-Agent of berth's HTTP probe, so an app's logs can tell it apart.
pub fn probe_user_agent() -> String {
    format!("berth/{} (readiness probe)", env!("CARGO_PKG_VERSION"))
}

/// Waits until the container is ready, or says why it is not. Errors: a
/// [`NotReady`] verdict (exit, restart, OOM, probe failures, deadline), or
/// the Docker error that kept the gate from asking.
pub async fn wait_ready(
    docker: &Arc<dyn Engine>,
    container_id: &str,
    config: &SourceConfig,
    ui: &GateUi<'_>,
) -> Result<Msg> {
    let first = inspect(docker, container_id).await?;
    let watch = Watch::new(&first);
    watch.check(&first)?;
    // Docker's own health check: asked for, or the container has one.
    let docker_deadline = match &config.common.healthcheck {
        Some(hc) if hc.mode == HealthMode::Http => {
            let port = config.port().context_msg(msg!("gate-no-port"))?;
            let host = config.common.domains.first().map(String::as_str);
            return http_probe(docker, &watch, container_id, &config.common.network, port, host, hc, ui).await;
        }
        Some(hc) => Some((hc.deadline_ms.max(hc.start_period_ms), msg!("gate-deadline-configured"))),
        None if first.health_check.is_some() => {
            Some((Healthcheck::default().deadline_ms, msg!("gate-deadline-default")))
        }
        None => None,
    };
    if let Some((deadline_ms, deadline_from)) = docker_deadline {
        let Some(health) = &first.health_check else {
            not_ready!("gate-docker-mode-without-health-check");
        };
        let deadline = Duration::from_millis(deadline_ms);
        return docker_health(docker, &watch, container_id, health, deadline, deadline_from, ui).await;
    }
    let window = Duration::from_millis(config.common.liveness_window_ms);
    match config.port() {
        Some(port) => {
            let deadline = Duration::from_millis(Healthcheck::default().deadline_ms).max(window);
            tcp_listening(
                docker,
                &watch,
                container_id,
                &config.common.network,
                port,
                window,
                deadline,
                ui,
            )
            .await
        }
        None => liveness_window(docker, &watch, container_id, window).await,
    }
}

/// Watches a container that passed its gate for `window` (blue-green's
/// drain, while the old container still runs): Ok when it stayed up; a
/// [`NotReady`] when it exited, restarted, was OOM-killed, turned unhealthy
/// (Docker health check), or failed `healthy_threshold` HTTP probes in a
/// row (with no health check at all: `port` refused connections twice in a
/// row). A Docker error is no verdict: the watch goes on until the window ends.
pub async fn watch(
    docker: &Arc<dyn Engine>,
    target: &ContainerInfo,
    config: &SourceConfig,
    window: Duration,
) -> Result<()> {
    let watch = Watch::new(target);
    let http = config
        .common
        .healthcheck
        .as_ref()
        .filter(|hc| hc.mode == HealthMode::Http);
    let mut probe = match (http, config.port()) {
        (Some(hc), Some(port)) => Some((
            Probe::new(
                docker,
                &config.common.network,
                port,
                config.common.domains.first().map(String::as_str),
                hc,
            )?,
            hc,
        )),
        _ => None,
    };
    // With no health check at all, the port is what the gate proved: it
    // must keep accepting connections.
    let tcp_port = match (&config.common.healthcheck, &target.health_check) {
        (None, None) => config.port(),
        _ => None,
    };
    let started = Instant::now();
    let mut failed_in_a_row = 0u32;
    let mut next_probe = Instant::now();
    loop {
        match docker.inspect(&target.id).await {
            Ok(Some(info)) => {
                watch.check(&info)?;
                if info.health.as_deref() == Some("unhealthy") {
                    not_ready!("gate-unhealthy");
                }
                if let Some(port) = tcp_port
                    && Instant::now() >= next_probe
                    && let Some(ip) = info
                        .ip_on(&config.common.network)
                        .and_then(|ip| ip.parse::<std::net::IpAddr>().ok())
                {
                    next_probe = Instant::now() + WATCH_PROBE_EVERY;
                    if accepts(docker, SocketAddr::new(ip, port)).await {
                        failed_in_a_row = 0;
                    } else {
                        failed_in_a_row += 1;
                        if failed_in_a_row >= TCP_FAILURES {
                            not_ready!("gate-port-stopped-accepting", port = port, tries = failed_in_a_row);
                        }
                    }
                }
                if let Some((probe, hc)) = probe.as_mut()
                    && Instant::now() >= next_probe
                {
                    next_probe = Instant::now() + Duration::from_millis(hc.interval_ms).min(WATCH_PROBE_EVERY);
                    match probe.once(&info).await {
                        Ok(_) => failed_in_a_row = 0,
                        Err((why, _)) => {
                            failed_in_a_row += 1;
                            if failed_in_a_row >= hc.healthy_threshold {
                                not_ready!("gate-probes-failed", count = failed_in_a_row, why = why);
                            }
                        }
                    }
                }
            }
            Ok(None) => not_ready!("gate-container-disappeared"),
            Err(_) => {}
        }
        let left = window.saturating_sub(started.elapsed());
        if left.is_zero() {
            return Ok(());
        }
        tokio::time::sleep(left.min(WATCH_POLL)).await;
    }
}

async fn inspect(docker: &Arc<dyn Engine>, id: &str) -> Result<ContainerInfo> {
    docker
        .inspect(id)
        .await?
        .ok_or_else(|| NotReady(msg!("gate-container-disappeared-during")).into())
}

/// What the gate watches on every poll, whatever the mode: the container
/// must keep running, never restart and never be OOM-killed.
pub struct Watch {
    /// Docker's restart count when the watch began.
    restarts_at_start: i64,
}

impl Watch {
    pub fn new(first: &ContainerInfo) -> Watch {
        Watch {
            restarts_at_start: first.restart_count,
        }
    }

    /// Fails when the container was OOM-killed, restarted, is restarting
    /// or has exited; the message says which.
    pub fn check(&self, info: &ContainerInfo) -> Result<()> {
        if info.oom_killed {
            not_ready!("gate-oom-killed", code = info.exit_code);
        }
        let restarts = info.restart_count - self.restarts_at_start;
        if restarts > 0 {
            // Docker resets the exit code once the restart ran (0 then).
            let id = match info.exit_code {
                0 => "gate-restarted",
                137 => "gate-restarted-sigkill",
                _ => "gate-restarted-with-code",
            };
            return Err(NotReady(Msg::new(id).arg("restarts", restarts).arg("code", info.exit_code)).into());
        }
        if info.restarting {
            not_ready!("gate-restarting", code = info.exit_code);
        }
        if !info.running {
            if info.error.is_empty() {
                not_ready!("gate-exited", code = info.exit_code);
            }
            // Docker's own words about why the process could not run.
            not_ready!("gate-exited-with-error", code = info.exit_code, error = &info.error);
        }
        Ok(())
    }
}

/// One HTTP probe: Ok(status line) for a 2xx/3xx answer, Err(what went
/// wrong; whether the app does not listen yet) otherwise.
pub struct Probe {
    client: reqwest::Client,
    /// The daemon: a remote one's containers are reached through it
    /// ([`Engine::reach`]).
    docker: Arc<dyn Engine>,
    /// The URL people see (the container's address) and the one dialled
    /// (the same, or a local tunnel to it).
    url: Option<(String, String)>,
    host: Option<String>,
    port: u16,
    path: String,
    network: String,
}

impl Probe {
    pub fn new(
        docker: &Arc<dyn Engine>,
        network: &str,
        port: u16,
        host: Option<&str>,
        hc: &Healthcheck,
    ) -> Result<Probe> {
        Ok(Probe {
            client: crate::http::client(Duration::from_millis(hc.timeout_ms))?,
            docker: docker.clone(),
            url: None,
            host: host.map(str::to_owned),
            port,
            path: hc.path.clone(),
            network: network.to_owned(),
        })
    }

    /// Probes `info`'s address once.
    pub async fn once(&mut self, info: &ContainerInfo) -> std::result::Result<Msg, (Msg, bool)> {
        if self.url.is_none()
            && let Some(addr) = info
                .ip_on(&self.network)
                .and_then(|ip| ip.parse::<std::net::IpAddr>().ok())
                .map(|ip| SocketAddr::new(ip, self.port))
        {
            let dial = self.docker.reach(addr).await.map_err(|e| {
                (
                    msg!(
                        "gate-cannot-reach",
                        address = addr.to_string(),
                        host = self.docker.host(),
                        error = format!("{e:#}")
                    ),
                    true,
                )
            })?;
            self.url = Some((
                format!("http://{addr}{}", self.path),
                format!("http://{dial}{}", self.path),
            ));
        }
        let Some((url, dial)) = &self.url else {
            return Err((msg!("gate-no-address", network = &self.network), true));
        };
        let mut req = self
            .client
            .get(dial)
            .header(reqwest::header::USER_AGENT, probe_user_agent());
        if let Some(host) = &self.host {
            // Apps that check the Host header answer the probe as they
            // answer the route.
            req = req.header(reqwest::header::HOST, host.as_str());
        } else if dial != url {
            // Through a tunnel: the app sees the Host it would see direct.
            let authority = url.trim_start_matches("http://").split('/').next().unwrap_or_default();
            req = req.header(reqwest::header::HOST, authority);
        }
        match req.send().await {
            Ok(resp) if resp.status().is_success() || resp.status().is_redirection() => Ok(msg!(
                "gate-answered",
                url = url,
                status = i64::from(resp.status().as_u16())
            )),
            Ok(resp) => Err((
                msg!("gate-answered", url = url, status = i64::from(resp.status().as_u16())),
                false,
            )),
            Err(e) if e.is_connect() && !self.docker.is_local() && self.docker.reaches_containers_directly() => Err((
                msg!(
                    "gate-probe-error-remote-tcp",
                    url = url,
                    error = crate::http::describe(&e),
                    host = self.docker.host()
                ),
                true,
            )),
            Err(e) => Err((
                msg!("gate-probe-error", url = url, error = crate::http::describe(&e)),
                e.is_connect(),
            )),
        }
    }
}

#[allow(clippy::too_many_arguments)]
async fn http_probe(
    docker: &Arc<dyn Engine>,
    watch: &Watch,
    id: &str,
    network: &str,
    port: u16,
    host: Option<&str>,
    hc: &Healthcheck,
    ui: &GateUi<'_>,
) -> Result<Msg> {
    let started = Instant::now();
    let deadline = Duration::from_millis(hc.deadline_ms.max(hc.start_period_ms));
    let mut probe = Probe::new(docker, network, port, host, hc)?;
    let max_interval = Duration::from_millis(hc.interval_ms);
    let mut wait = FIRST_RETRY.min(max_interval);
    let mut streak = 0u32;
    let mut last;
    let mut shown = Instant::now();
    loop {
        // Until the app listens, a probe is a refused connection the app never
        // sees: poll those at a short pace so readiness is noticed within
        // ~100 ms. Once it answers, back off up to `interval_ms`.
        let mut cap = max_interval;
        let info = inspect(docker, id).await?;
        watch.check(&info)?;
        match probe.once(&info).await {
            Ok(answer) => {
                streak += 1;
                if streak >= hc.healthy_threshold {
                    return Ok(answer);
                }
                last = answer;
                // Consecutive successes are counted at the configured pace.
                wait = max_interval;
            }
            Err((why, not_listening)) => {
                streak = 0;
                if not_listening {
                    cap = cap.min(NOT_LISTENING_POLL);
                }
                last = why;
            }
        }
        if started.elapsed() >= deadline {
            not_ready!("gate-http-deadline", ms = millis(deadline), last = last);
        }
        if shown.elapsed() >= PROGRESS_EVERY {
            shown = Instant::now();
            (ui.progress)(&crate::t!(
                "gate-progress-http",
                last = last.clone(),
                elapsed = started.elapsed().as_secs(),
                total = deadline.as_secs()
            ));
        }
        tokio::time::sleep(wait.min(deadline.saturating_sub(started.elapsed()))).await;
        wait = (wait * 2).min(cap);
    }
}

async fn docker_health(
    docker: &Arc<dyn Engine>,
    watch: &Watch,
    id: &str,
    health: &HealthCheck,
    deadline: Duration,
    deadline_from: Msg,
    ui: &GateUi<'_>,
) -> Result<Msg> {
    if u128::from(health.interval_ms) >= deadline.as_millis() {
        (ui.warn)(&crate::t!(
            "gate-health-interval-too-long",
            interval = health.interval_ms,
            deadline = millis(deadline),
            from = deadline_from.clone()
        ));
    }
    let started = Instant::now();
    let mut wait = FIRST_RETRY;
    let mut shown = Instant::now();
    loop {
        let info = inspect(docker, id).await?;
        watch.check(&info)?;
        let status = info.health.as_deref().unwrap_or("starting");
        match status {
            "healthy" => return Ok(msg!("gate-healthy")),
            "unhealthy" => not_ready!("gate-unhealthy"),
            _ => {}
        }
        if started.elapsed() >= deadline {
            not_ready!(
                "gate-health-deadline",
                ms = millis(deadline),
                from = deadline_from,
                status = status
            );
        }
        if shown.elapsed() >= PROGRESS_EVERY {
            shown = Instant::now();
            (ui.progress)(&crate::t!(
                "gate-progress-health",
                status = status,
                elapsed = started.elapsed().as_secs(),
                total = deadline.as_secs()
            ));
        }
        tokio::time::sleep(wait).await;
        wait = (wait * 2).min(Duration::from_millis(500));
    }
}

/// No health check, but a port: ready once the liveness window passed and
/// the port accepts TCP connections on the container's address.
#[allow(clippy::too_many_arguments)]
async fn tcp_listening(
    docker: &Arc<dyn Engine>,
    watch: &Watch,
    id: &str,
    network: &str,
    port: u16,
    window: Duration,
    deadline: Duration,
    ui: &GateUi<'_>,
) -> Result<Msg> {
    let started = Instant::now();
    let mut shown = Instant::now();
    loop {
        let info = inspect(docker, id).await?;
        watch.check(&info)?;
        let Some(ip) = info.ip_on(network).and_then(|ip| ip.parse::<std::net::IpAddr>().ok()) else {
            (ui.warn)(&crate::t!(
                "gate-no-address-port-unchecked",
                network = network,
                port = port
            ));
            return liveness_window(docker, watch, id, window.saturating_sub(started.elapsed())).await;
        };
        let addr = SocketAddr::new(ip, port);
        // Every round: a port that closes again is not ready either.
        let listening = accepts(docker, addr).await;
        if listening && started.elapsed() >= window {
            return Ok(msg!("gate-tcp-ready", addr = addr.to_string(), ms = millis(window)));
        }
        if started.elapsed() >= deadline {
            not_ready!(
                "gate-tcp-deadline",
                port = port,
                addr = addr.to_string(),
                ms = millis(deadline)
            );
        }
        if shown.elapsed() >= PROGRESS_EVERY {
            shown = Instant::now();
            let id = if listening {
                "gate-progress-listening"
            } else {
                "gate-progress-not-listening"
            };
            (ui.progress)(
                &Msg::new(id)
                    .arg("port", port)
                    .arg("elapsed", started.elapsed().as_secs())
                    .arg("total", deadline.as_secs())
                    .localized(),
            );
        }
        tokio::time::sleep(NOT_LISTENING_POLL).await;
    }
}

/// A duration in whole milliseconds, for a message.
fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// Whether `addr` (on the daemon's host) accepts a TCP connection within
/// [`TCP_CONNECT_TIMEOUT`]. Through an SSH tunnel the local connect always
/// succeeds: a far end that refused closes the tunnel at once, so the
/// connection must also stay open for [`TUNNEL_SETTLE`].
async fn accepts(docker: &Arc<dyn Engine>, addr: SocketAddr) -> bool {
    let Ok(dial) = docker.reach(addr).await else {
        return false;
    };
    let Ok(Ok(mut conn)) = tokio::time::timeout(TCP_CONNECT_TIMEOUT, tokio::net::TcpStream::connect(dial)).await else {
        return false;
    };
    if !docker.tunnels() {
        return true;
    }
    let mut byte = [0u8; 1];
    match tokio::time::timeout(TUNNEL_SETTLE, tokio::io::AsyncReadExt::read(&mut conn, &mut byte)).await {
        // Still open (silent, as a server waiting for a request is), or it spoke first.
        Err(_) | Ok(Ok(1..)) => true,
        Ok(_) => false,
    }
}

async fn liveness_window(docker: &Arc<dyn Engine>, watch: &Watch, id: &str, window: Duration) -> Result<Msg> {
    let started = Instant::now();
    loop {
        let info = inspect(docker, id).await?;
        watch.check(&info)?;
        if started.elapsed() >= window {
            return Ok(msg!("gate-liveness-ready", ms = millis(window)));
        }
        tokio::time::sleep(POLL.min(window.saturating_sub(started.elapsed()))).await;
    }
}
