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
use std::time::{Duration, Instant};

use anyhow::{Result, anyhow};

use crate::config::{HealthMode, Healthcheck, SourceConfig};
use crate::docker::{ContainerInfo, Docker, HealthCheck};

/// The container did not prove it is ready (as opposed to the gate not
/// being able to ask: a Docker error passes through as itself).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct NotReady(pub String);

macro_rules! not_ready {
    ($($arg:tt)*) => {
        return Err(NotReady(format!($($arg)*)).into())
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
pub async fn wait_ready(docker: &Docker, container_id: &str, config: &SourceConfig, ui: &GateUi<'_>) -> Result<String> {
    let first = inspect(docker, container_id).await?;
    let watch = Watch::new(&first);
    watch.check(&first)?;
    // Docker's own health check: asked for, or the container has one.
    let docker_deadline = match &config.common.healthcheck {
        Some(hc) if hc.mode == HealthMode::Http => {
            let port = config
                .port()
                .ok_or_else(|| anyhow!("healthcheck set but no `port` to probe"))?;
            let host = config.common.domains.first().map(String::as_str);
            return http_probe(docker, &watch, container_id, &config.common.network, port, host, hc, ui).await;
        }
        Some(hc) => Some((hc.deadline_ms.max(hc.start_period_ms), "healthcheck.deadline_ms")),
        None if first.health_check.is_some() => Some((Healthcheck::default().deadline_ms, "the default deadline")),
        None => None,
    };
    if let Some((deadline_ms, deadline_from)) = docker_deadline {
        let Some(health) = &first.health_check else {
            not_ready!(
                "`healthcheck.mode` is \"docker\" but the container has no Docker health check (none in the \
                 image, the compose file or the run options): add one, or probe over HTTP with `healthcheck.path`"
            );
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
pub async fn watch(docker: &Docker, target: &ContainerInfo, config: &SourceConfig, window: Duration) -> Result<()> {
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
                    not_ready!("the container's Docker health check reports unhealthy");
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
                            not_ready!("port {port} stopped accepting connections ({failed_in_a_row} tries in a row)");
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
                                not_ready!("{failed_in_a_row} probe(s) in a row failed: {why}");
                            }
                        }
                    }
                }
            }
            Ok(None) => not_ready!("the container disappeared"),
            Err(_) => {}
        }
        let left = window.saturating_sub(started.elapsed());
        if left.is_zero() {
            return Ok(());
        }
        tokio::time::sleep(left.min(WATCH_POLL)).await;
    }
}

async fn inspect(docker: &Docker, id: &str) -> Result<ContainerInfo> {
    docker
        .inspect(id)
        .await?
        .ok_or_else(|| NotReady("the container disappeared during the readiness gate".to_owned()).into())
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
            not_ready!(
                "the container was killed for running out of memory (OOM, exit code {}): raise `memory` or fix \
                 the leak",
                info.exit_code
            );
        }
        let restarts = info.restart_count - self.restarts_at_start;
        if restarts > 0 {
            // Docker resets the exit code once the restart ran (0 then).
            let code = match info.exit_code {
                0 => String::new(),
                137 => " (last exit code 137: killed by SIGKILL, as the kernel's OOM killer does)".to_owned(),
                c => format!(" (last exit code {c})"),
            };
            not_ready!(
                "the container restarted {restarts} time{}{code}: it crashes after starting",
                if restarts == 1 { "" } else { "s" }
            );
        }
        if info.restarting {
            not_ready!("the container is restarting (last exit code {})", info.exit_code);
        }
        if !info.running {
            let extra = if info.error.is_empty() {
                String::new()
            } else {
                format!(": {}", info.error)
            };
            not_ready!("the container exited with code {}{extra}", info.exit_code);
        }
        Ok(())
    }
}

/// One HTTP probe: Ok(status line) for a 2xx/3xx answer, Err(what went
/// wrong; whether the app does not listen yet) otherwise.
pub struct Probe {
    client: reqwest::Client,
    /// The daemon: a remote one's containers are reached through it
    /// ([`Docker::reach`]).
    docker: Docker,
    /// The URL people see (the container's address) and the one dialled
    /// (the same, or a local tunnel to it).
    url: Option<(String, String)>,
    host: Option<String>,
    port: u16,
    path: String,
    network: String,
}

impl Probe {
    pub fn new(docker: &Docker, network: &str, port: u16, host: Option<&str>, hc: &Healthcheck) -> Result<Probe> {
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
    pub async fn once(&mut self, info: &ContainerInfo) -> std::result::Result<String, (String, bool)> {
        if self.url.is_none()
            && let Some(addr) = info
                .ip_on(&self.network)
                .and_then(|ip| ip.parse::<std::net::IpAddr>().ok())
                .map(|ip| SocketAddr::new(ip, self.port))
        {
            let dial = self
                .docker
                .reach(addr)
                .await
                .map_err(|e| (format!("cannot reach {addr} on {}: {e:#}", self.docker.host()), true))?;
            self.url = Some((
                format!("http://{addr}{}", self.path),
                format!("http://{dial}{}", self.path),
            ));
        }
        let Some((url, dial)) = &self.url else {
            return Err((
                format!("the container has no address on network `{}`", self.network),
                true,
            ));
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
            Ok(resp) if resp.status().is_success() || resp.status().is_redirection() => {
                Ok(format!("{url} answered {}", resp.status().as_u16()))
            }
            Ok(resp) => Err((format!("{url} answered {}", resp.status().as_u16()), false)),
            Err(e) if e.is_connect() && !self.docker.is_local() && self.docker.reaches_containers_directly() => Err((
                format!(
                    "{url}: {} (the daemon {} is remote over tcp: its containers are probed at their address from \
                     this machine, which must route there; else use an ssh:// daemon or `healthcheck.mode: \"docker\"`)",
                    crate::http::describe(&e),
                    self.docker.host()
                ),
                true,
            )),
            Err(e) => Err((format!("{url}: {}", crate::http::describe(&e)), e.is_connect())),
        }
    }
}

#[allow(clippy::too_many_arguments)]
async fn http_probe(
    docker: &Docker,
    watch: &Watch,
    id: &str,
    network: &str,
    port: u16,
    host: Option<&str>,
    hc: &Healthcheck,
    ui: &GateUi<'_>,
) -> Result<String> {
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
            not_ready!(
                "not ready after {} ms (healthcheck.deadline_ms): last probe: {last}",
                deadline.as_millis()
            );
        }
        if shown.elapsed() >= PROGRESS_EVERY {
            shown = Instant::now();
            (ui.progress)(&format!(
                "gate: {last}, {} s of {} s",
                started.elapsed().as_secs(),
                deadline.as_secs()
            ));
        }
        tokio::time::sleep(wait.min(deadline.saturating_sub(started.elapsed()))).await;
        wait = (wait * 2).min(cap);
    }
}

async fn docker_health(
    docker: &Docker,
    watch: &Watch,
    id: &str,
    health: &HealthCheck,
    deadline: Duration,
    deadline_from: &str,
    ui: &GateUi<'_>,
) -> Result<String> {
    if u128::from(health.interval_ms) > deadline.as_millis() {
        (ui.warn)(&format!(
            "the container's Docker health check runs every {} ms, longer than the gate's {} ms deadline ({}): it \
             can fail before Docker probes even once; set `healthcheck: {{\"mode\": \"docker\", \"deadline_ms\": \
             ...}}` above the interval, or shorten the interval (HEALTHCHECK --interval, or --start-interval)",
            health.interval_ms,
            deadline.as_millis(),
            deadline_from
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
            "healthy" => return Ok("Docker's health check reports healthy".to_owned()),
            "unhealthy" => not_ready!("the container's Docker health check reports unhealthy"),
            _ => {}
        }
        if started.elapsed() >= deadline {
            not_ready!(
                "the container's Docker health check did not report healthy within {} ms ({deadline_from}; \
                 still `{status}`)",
                deadline.as_millis()
            );
        }
        if shown.elapsed() >= PROGRESS_EVERY {
            shown = Instant::now();
            (ui.progress)(&format!(
                "gate: health: {status}, {} s of {} s",
                started.elapsed().as_secs(),
                deadline.as_secs()
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
    docker: &Docker,
    watch: &Watch,
    id: &str,
    network: &str,
    port: u16,
    window: Duration,
    deadline: Duration,
    ui: &GateUi<'_>,
) -> Result<String> {
    let started = Instant::now();
    let mut shown = Instant::now();
    loop {
        let info = inspect(docker, id).await?;
        watch.check(&info)?;
        let Some(ip) = info.ip_on(network).and_then(|ip| ip.parse::<std::net::IpAddr>().ok()) else {
            (ui.warn)(&format!(
                "the container has no address on network `{network}`: port {port} cannot be checked, only that it \
                 keeps running"
            ));
            return liveness_window(docker, watch, id, window.saturating_sub(started.elapsed())).await;
        };
        let addr = SocketAddr::new(ip, port);
        // Every round: a port that closes again is not ready either.
        let listening = accepts(docker, addr).await;
        if listening && started.elapsed() >= window {
            return Ok(format!(
                "{addr} accepts connections and the container ran for {} ms (liveness_window_ms)",
                window.as_millis()
            ));
        }
        if started.elapsed() >= deadline {
            not_ready!(
                "nothing listens on port {port} ({addr}) after {} ms: with no `healthcheck`, berth waits for the \
                 port to accept TCP connections; check `port`, or set `healthcheck`",
                deadline.as_millis()
            );
        }
        if shown.elapsed() >= PROGRESS_EVERY {
            shown = Instant::now();
            let what = if listening { "listening" } else { "not listening yet" };
            (ui.progress)(&format!(
                "gate: port {port} {what}, {} s of {} s",
                started.elapsed().as_secs(),
                deadline.as_secs()
            ));
        }
        tokio::time::sleep(NOT_LISTENING_POLL).await;
    }
}

/// Whether `addr` (on the daemon's host) accepts a TCP connection within
/// [`TCP_CONNECT_TIMEOUT`]. Through an SSH tunnel the local connect always
/// succeeds: a far end that refused closes the tunnel at once, so the
/// connection must also stay open for [`TUNNEL_SETTLE`].
async fn accepts(docker: &Docker, addr: SocketAddr) -> bool {
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

async fn liveness_window(docker: &Docker, watch: &Watch, id: &str, window: Duration) -> Result<String> {
    let started = Instant::now();
    loop {
        let info = inspect(docker, id).await?;
        watch.check(&info)?;
        if started.elapsed() >= window {
            return Ok(format!("running for {} ms (liveness_window_ms)", window.as_millis()));
        }
        tokio::time::sleep(POLL.min(window.saturating_sub(started.elapsed()))).await;
    }
}
