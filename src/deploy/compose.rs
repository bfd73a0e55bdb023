//! `compose` workloads: the stack is compose's. berth runs `docker compose
//! up` (or Debian's `docker-compose`), finds the routed service's container
//! by compose's own labels, gates and routes it, and records it; it never
//! labels, swaps or reaps compose's containers.

use std::process::Stdio;
use std::time::Instant;

use anyhow::{Result, bail};
use tokio::process::Command;

use super::steps::Step;
use super::{Deployment, gate};
use crate::config::{ComposeConfig, KindConfig};
use crate::docker::ContainerInfo;
use crate::error::RedactedFailure;
use crate::i18n::Context as _;
use crate::msg;

pub const PROJECT_LABEL: &str = "com.docker.compose.project";
pub const SERVICE_LABEL: &str = "com.docker.compose.service";

/// The compose project: as configured, else derived from the workload name
/// (lower-case letters, digits, `-` and `_`, starting with a letter or digit).
pub fn project_name(workload: &str, cfg: &ComposeConfig) -> String {
    let raw = cfg.project.clone().unwrap_or_else(|| workload.to_owned());
    let cleaned: String = raw
        .to_lowercase()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let trimmed = cleaned.trim_start_matches(['-', '_']);
    if trimmed.is_empty() {
        "berth".to_owned()
    } else {
        trimmed.to_owned()
    }
}

/// `down --remove-orphans` for `workload rm --purge`; the output goes to
/// stderr only when it fails (it can echo env values).
/// `docker` is the workload's daemon (compose talks to it itself).
pub async fn down(workload: &str, cfg: &ComposeConfig, docker: &dyn crate::docker::Engine) -> Result<()> {
    let project = project_name(workload, cfg);
    let cli = compose_cli().await?;
    let (program, base) = cli.split_first().context_msg(msg!("compose-empty-command"))?;
    let output = Command::new(program)
        .envs(crate::i18n::CHILD_LOCALE)
        .args(base)
        .args(["-p", &project, "-f", &cfg.file, "down", "--remove-orphans"])
        .envs(docker.cli_env())
        .stdin(Stdio::null())
        .output()
        .await
        .context_msg(msg!("compose-could-not-run"))?;
    if !output.status.success() {
        return Err(failure("down", &output).into());
    }
    Ok(())
}

/// A failed compose run: the generic reason for events, the full output
/// (which can echo env values) only as the detail for the caller's stderr.
fn failure(verb: &str, output: &std::process::Output) -> RedactedFailure {
    let code = output
        .status
        .code()
        .map_or_else(|| "signal".to_owned(), |c| c.to_string());
    let mut detail = String::from_utf8_lossy(&output.stdout).into_owned();
    detail.push_str(&String::from_utf8_lossy(&output.stderr));
    RedactedFailure {
        reason: msg!("compose-failed", verb = verb, code = code),
        detail,
    }
}

/// `docker compose` when the plugin answers, else `docker-compose`.
async fn compose_cli() -> Result<Vec<String>> {
    let plugin = Command::new("docker")
        .args(["compose", "version"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .await;
    if plugin.is_ok_and(|s| s.success()) {
        return Ok(vec!["docker".into(), "compose".into()]);
    }
    let standalone = Command::new("docker-compose")
        .arg("version")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .await;
    if standalone.is_ok_and(|s| s.success()) {
        return Ok(vec!["docker-compose".into()]);
    }
    bail!(msg!("compose-not-installed"))
}

pub(super) async fn run(d: &mut Deployment<'_>) -> Result<String> {
    let KindConfig::Compose(cfg) = &d.config.source else {
        bail!(msg!("compose-not-compose"));
    };
    let project = project_name(d.name(), cfg);

    // `up` converges the stack itself (compose recreates what changed).
    d.step(Step::ComposeUp);
    let t = Instant::now();
    let cli = compose_cli().await?;
    let (program, base) = cli.split_first().context_msg(msg!("compose-empty-command"))?;
    let mut cmd = Command::new(program);
    cmd.args(base)
        .args(["-p", &project, "-f", &cfg.file, "up", "-d", "--remove-orphans"])
        // berth reads and passes on compose's output.
        .envs(crate::i18n::CHILD_LOCALE)
        .envs(&d.secrets.env)
        // The workload's daemon, whatever the environment says.
        .envs(d.env.docker.cli_env())
        .stdin(Stdio::null())
        .kill_on_drop(true);
    if let Some(dir) = std::path::Path::new(&cfg.file).parent() {
        cmd.current_dir(dir);
    }
    d.status(&format!(
        "{} -p {project} -f {} up -d --remove-orphans",
        cli.join(" "),
        cfg.file
    ));
    let output = d
        .interruptible(async { cmd.output().await.context_msg(msg!("compose-could-not-run")) })
        .await?;
    if !output.status.success() {
        let failure = failure("up", &output);
        d.env
            .printer
            .diagnostic(&format!("{}\n", d.secrets.mask().apply(failure.detail.trim_end())));
        return Err(failure.into());
    }
    if d.env.printer.show_progress() {
        // compose's output can show an interpolated variable.
        d.env
            .printer
            .diagnostic(&d.secrets.mask().apply(&String::from_utf8_lossy(&output.stderr)));
    }
    d.record_phase("start", t);

    // The routed service's container, found by compose's labels (never by
    // name: v1 says proj_web_1, v2 proj-web-1).
    let Some(service) = cfg.service.as_deref() else {
        return Ok(project);
    };
    let container = service_container(d, &project, service).await?;
    d.step(Step::Gate);
    let t = Instant::now();
    let gated = d.interruptible(d.gate(&container.id)).await;
    if let Err(e) = &gated
        && gate::is_not_ready(e)
    {
        d.show_logs(&container.id).await;
    }
    let why = match gated {
        Ok(why) => why,
        Err(e) => {
            let e = msg!("compose-service-not-ready", service = service, project = &project).wrap(e);
            return Err(record_replacement(d, &container, e).await);
        }
    };
    d.status(&crate::t!("deploy-gate-passed", why = why));
    d.record_phase("gate", t);

    if d.plan.is_routed() {
        d.step(Step::Route);
    }
    let t = Instant::now();
    d.point_route(&container).await?;
    d.record_phase("route", t);
    d.step(Step::Persist);
    let t = Instant::now();
    d.persist_runtime_state(&container)?;
    d.record_phase("persist", t);
    Ok(container.name)
}

/// The gate failed after `up`: compose has already replaced the service's
/// container, so the one the state row names may be gone. Then the row and
/// the route move to what runs now (failing or not: it is all there is), so
/// neither names a removed container; the deploy still fails.
async fn record_replacement(d: &mut Deployment<'_>, running: &ContainerInfo, err: anyhow::Error) -> anyhow::Error {
    let recorded = d.store.runtime_state(d.workload.id).ok().flatten();
    let replaced = match &recorded {
        Some(old) => {
            old.container_id != running.id && matches!(d.env.docker.inspect(&old.container_id).await, Ok(None))
        }
        None => false,
    };
    if !replaced {
        return err;
    }
    if let Err(e) = d.persist_runtime_state(running) {
        return msg!("compose-replaced-unrecorded", reason = &e).wrap(err);
    }
    if let Err(e) = d.point_route(running).await {
        return msg!(
            "compose-replaced-unrouted",
            container = &running.name,
            workload = d.name(),
            reason = &e
        )
        .wrap(err);
    }
    msg!("compose-replaced-not-ready", container = &running.name).wrap(err)
}

async fn service_container(d: &Deployment<'_>, project: &str, service: &str) -> Result<ContainerInfo> {
    let docker = &d.env.docker;
    let candidates = docker.containers_with_label(PROJECT_LABEL, project).await?;
    // The running one; else whatever compose left (restarting in a crash
    // loop, or exited): the gate then says why it is not ready.
    let of_service: Vec<_> = candidates
        .into_iter()
        .filter(|c| c.labels.get(SERVICE_LABEL).map(String::as_str) == Some(service))
        .collect();
    let found = of_service
        .iter()
        .find(|c| c.state == "running")
        .or_else(|| of_service.first())
        .map(|c| c.id.clone());
    let id = found.context_msg(msg!(
        "compose-no-service-container",
        project = project,
        service = service
    ))?;
    docker
        .inspect(&id)
        .await?
        .context_msg(msg!("compose-service-container-gone", service = service))
}
