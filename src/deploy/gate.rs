//! The readiness gate (DESIGN §4): a new container takes traffic only after
//! it proved it is ready.

use std::time::{Duration, Instant};

use anyhow::{Result, anyhow};

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

use crate::config::{Healthcheck, SourceConfig};
use crate::docker::{ContainerInfo, Docker};

/// First retry after this, doubling up to the configured interval: a ready
/// app is seen within milliseconds without hammering a slow one.
const FIRST_RETRY: Duration = Duration::from_millis(10);
const POLL: Duration = Duration::from_millis(50);
/// Longest pause between probes while the app does not accept connections.
const NOT_LISTENING_POLL: Duration = Duration::from_millis(80);

/// Waits until the container is ready, or says why it is not.
pub async fn wait_ready(docker: &Docker, container_id: &str, config: &SourceConfig) -> Result<String> {
    if let Some(hc) = &config.common.healthcheck {
        let port = config
            .port()
            .ok_or_else(|| anyhow!("healthcheck set but no `port` to probe"))?;
        return http_probe(docker, container_id, &config.common.network, port, hc).await;
    }
    let info = inspect(docker, container_id).await?;
    if docker.image_has_healthcheck(&info.image).await? {
        return docker_healthcheck(
            docker,
            container_id,
            Duration::from_millis(Healthcheck::default().deadline_ms),
        )
        .await;
    }
    liveness_window(
        docker,
        container_id,
        Duration::from_millis(config.common.liveness_window_ms),
    )
    .await
}

async fn inspect(docker: &Docker, id: &str) -> Result<ContainerInfo> {
    docker
        .inspect(id)
        .await?
        .ok_or_else(|| NotReady("the container disappeared during the readiness gate".to_owned()).into())
}

/// Fails when the container has exited or is restarting.
fn still_running(info: &ContainerInfo) -> Result<()> {
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

async fn http_probe(docker: &Docker, id: &str, network: &str, port: u16, hc: &Healthcheck) -> Result<String> {
    let started = Instant::now();
    let deadline = Duration::from_millis(hc.deadline_ms.max(hc.start_period_ms));
    let client = crate::http::client(Duration::from_millis(hc.timeout_ms))?;
    let max_interval = Duration::from_millis(hc.interval_ms);
    let mut wait = FIRST_RETRY.min(max_interval);
    let mut streak = 0u32;
    let mut last;
    let mut url: Option<String> = None;
    loop {
        // Until the app listens, a probe is a refused connection the app never
        // sees: poll those at a short pace so readiness is noticed within
        // ~100 ms. Once it answers, back off up to `interval_ms`.
        let mut cap = max_interval;
        let info = inspect(docker, id).await?;
        still_running(&info)?;
        if url.is_none() {
            url = info.ip_on(network).map(|ip| format!("http://{ip}:{port}{}", hc.path));
        }
        if let Some(url) = &url {
            match client.get(url).send().await {
                Ok(resp) if resp.status().is_success() || resp.status().is_redirection() => {
                    streak += 1;
                    if streak >= hc.healthy_threshold {
                        return Ok(format!("{url} answered {}", resp.status().as_u16()));
                    }
                    last = format!("{url} answered {}", resp.status().as_u16());
                    // Consecutive successes are counted at the configured pace.
                    wait = max_interval;
                }
                Ok(resp) => {
                    streak = 0;
                    last = format!("{url} answered {}", resp.status().as_u16());
                }
                Err(e) => {
                    streak = 0;
                    if e.is_connect() {
                        cap = cap.min(NOT_LISTENING_POLL);
                    }
                    last = format!("{url}: {}", crate::http::describe(&e));
                }
            }
        } else {
            cap = cap.min(NOT_LISTENING_POLL);
            last = format!("the container has no address on network `{network}`");
        }
        if started.elapsed() >= deadline {
            not_ready!(
                "not ready after {} ms (healthcheck.deadline_ms): last probe: {last}",
                deadline.as_millis()
            );
        }
        tokio::time::sleep(wait.min(deadline.saturating_sub(started.elapsed()))).await;
        wait = (wait * 2).min(cap);
    }
}

async fn docker_healthcheck(docker: &Docker, id: &str, deadline: Duration) -> Result<String> {
    let started = Instant::now();
    let mut wait = FIRST_RETRY;
    loop {
        let info = inspect(docker, id).await?;
        still_running(&info)?;
        match info.health.as_deref() {
            Some("healthy") => return Ok("Docker HEALTHCHECK reports healthy".to_owned()),
            Some("unhealthy") => not_ready!("the image's Docker HEALTHCHECK reports unhealthy"),
            _ => {}
        }
        if started.elapsed() >= deadline {
            not_ready!(
                "the image's Docker HEALTHCHECK did not report healthy within {} ms",
                deadline.as_millis()
            );
        }
        tokio::time::sleep(wait).await;
        wait = (wait * 2).min(Duration::from_millis(500));
    }
}

async fn liveness_window(docker: &Docker, id: &str, window: Duration) -> Result<String> {
    let started = Instant::now();
    loop {
        let info = inspect(docker, id).await?;
        still_running(&info)?;
        if started.elapsed() >= window {
            return Ok(format!("running for {} ms (liveness_window_ms)", window.as_millis()));
        }
        tokio::time::sleep(POLL.min(window.saturating_sub(started.elapsed()))).await;
    }
}
