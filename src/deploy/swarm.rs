//! A workload run as a Docker Swarm service (issue 13, docs/clusters.md
//! §2). The first deploy creates the service `berth-<workload>`; later
//! deploys update its spec and Swarm replaces the tasks server-side:
//! blue-green is Swarm's `start-first` order (a new task is healthy before
//! an old one stops), recreate is `stop-first`, and a task that fails
//! during the monitor window makes Swarm roll the whole update back. berth
//! follows the update until Swarm says how it ended, then records it.
//!
//! The route forwards to the service's name on its overlay network, which
//! an update does not change: it is written on the first deploy and when
//! the domains change, never during a rolling update.

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

use anyhow::{Result, anyhow, bail};
use bollard::models::{
    EndpointSpec, EndpointSpecModeEnum, HealthConfig, Limit, NetworkAttachmentConfig, Service, ServiceSpec,
    ServiceSpecMode, ServiceSpecModeReplicated, ServiceSpecRollbackConfig, ServiceSpecRollbackConfigFailureActionEnum,
    ServiceSpecRollbackConfigOrderEnum, ServiceSpecUpdateConfig, ServiceSpecUpdateConfigFailureActionEnum,
    ServiceSpecUpdateConfigOrderEnum, ServiceUpdateStatusStateEnum, Task, TaskSpec, TaskSpecContainerSpec,
    TaskSpecPlacement, TaskSpecResources, TaskState,
};
use sha2::{Digest, Sha256};

use super::faults::{FaultPoint, fault_point};
use super::steps::Step;
use super::{DeployEnv, Deployment, RolledBack};
use crate::config::{EndpointMode, HealthMode, SourceConfig, Strategy, SwarmConfig};
use crate::docker::labels;
use crate::msg;
use crate::proxy::RouteTarget;
use crate::store::{DeployStatus, RuntimeState, now_rfc3339};

/// The label that carries a digest of the spec berth last sent: the same
/// digest means the same artifact and config, so nothing is updated.
const SPEC_LABEL: &str = "berth.spec";

/// How often the update is polled.
const POLL: Duration = Duration::from_millis(250);

/// Failed tasks of a new service (none serving yet) after which the first
/// deploy gives up before its deadline: Swarm would retry forever.
const MAX_FAILED_TASKS_ON_CREATE: usize = 3;

/// The longest berth follows one update (Swarm goes on without it).
const MAX_FOLLOW: Duration = Duration::from_secs(30 * 60);

/// The service of `workload`: also its name on the overlay network, and
/// so the route's forward host.
pub fn service_name(workload: &str) -> String {
    format!("berth-{workload}")
}

/// What a Swarm deploy did.
pub(super) struct SwarmOutcome {
    /// The service's name.
    pub service: String,
    /// The spec was already what this deploy asked for: nothing changed.
    pub unchanged: bool,
}

pub(super) async fn run(d: &mut Deployment<'_>) -> Result<SwarmOutcome> {
    let config = d.config;
    let Some(swarm) = &config.common.swarm else {
        bail!(msg!("swarm-not-swarm"));
    };
    let docker = swarm_daemon(d.env.docker.as_ref())?;
    let name = service_name(d.name());
    d.step(Step::Service);
    let t = Instant::now();
    let (spec, digest) = service_spec(d, swarm, &name);
    let current = docker.service(&name).await?;
    let outcome = match current {
        None => {
            d.status(&crate::t!(
                "swarm-creating",
                service = name.as_str(),
                replicas = swarm.replicas.to_string()
            ));
            docker.create_service(spec).await?;
            d.step(Step::Follow);
            if let Err(e) = follow(d, swarm, &name, true).await {
                // Nothing served from it yet: a first deploy leaves nothing
                // behind, as a failed green is removed.
                let removed = match docker.remove_service(&name).await {
                    Ok(()) => msg!("swarm-new-service-removed"),
                    Err(re) => msg!("swarm-new-service-not-removed", reason = &re, service = &name),
                };
                return Err(msg!("swarm-not-ready", service = &name, removed = removed).wrap(e));
            }
            SwarmOutcome {
                service: name.clone(),
                unchanged: false,
            }
        }
        Some(service) if spec_digest(&service).as_deref() == Some(digest.as_str()) => {
            d.status(&crate::t!("swarm-unchanged", service = name.as_str()));
            SwarmOutcome {
                service: name.clone(),
                unchanged: true,
            }
        }
        Some(service) => {
            let version = service
                .version
                .as_ref()
                .and_then(|v| v.index)
                .ok_or_else(|| anyhow!(msg!("swarm-no-version", service = &name)))?;
            let order = match d.strategy {
                Strategy::BlueGreen => "start-first",
                Strategy::Recreate => "stop-first",
            };
            d.status(&crate::t!("swarm-updating", service = name.as_str(), order = order));
            for warning in docker.update_service(&name, spec, version).await? {
                d.env.printer.warn(&format!("{}: {warning}", d.name()));
            }
            // Killed here, berth leaves the update to Swarm; reconcile
            // records how it ended.
            fault_point(FaultPoint::AfterServiceUpdate);
            d.step(Step::Follow);
            follow(d, swarm, &name, false).await?;
            SwarmOutcome {
                service: name.clone(),
                unchanged: false,
            }
        }
    };
    d.record_phase("update", t);

    if !outcome.unchanged && swarm.endpoint_mode == EndpointMode::Dnsrr {
        refresh_router(d, &name).await;
    }

    // The route names the service, which an update does not change: this
    // writes only on the first deploy or when the domains changed (each
    // router's point is a no-op when its route already says this).
    let t = Instant::now();
    if d.plan.is_routed() {
        d.step(Step::Route);
        let port = d
            .config
            .port()
            .ok_or_else(|| anyhow!(msg!("swarm-domains-no-port", workload = d.name())))?;
        let target = RouteTarget {
            host: name.clone(),
            port,
        };
        let pointed = d.env.router.point(d.name(), &d.plan, &target).await?;
        d.plan.route_id = pointed.route_id;
        d.record_phase("route", t);
    }

    // The state row names the service (its id and name), as it names the
    // live container of the other flows.
    d.step(Step::Persist);
    let service = docker
        .service(&name)
        .await?
        .ok_or_else(|| anyhow!(msg!("swarm-service-disappeared", service = &name)))?;
    d.store.persist_runtime_state(&RuntimeState {
        workload_id: d.workload.id,
        container_id: service.id.clone().unwrap_or_else(|| name.clone()),
        container_name: name.clone(),
        image_ref: d.artifact.reference.clone(),
        strategy: d.strategy,
        deploy_id: Some(d.deploy_id),
        route_id: d.plan.route_id,
        deployed_at: now_rfc3339(),
    })?;
    Ok(outcome)
}

/// The spec berth wants for the service, and its digest.
fn service_spec(d: &Deployment<'_>, swarm: &SwarmConfig, name: &str) -> (ServiceSpec, String) {
    let config = d.config;
    let common = &config.common;
    let user_labels: HashMap<String, String> = common.labels.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    let mut service_labels = user_labels.clone();
    service_labels.insert(labels::WORKLOAD.to_owned(), d.name().to_owned());
    service_labels.insert(labels::MANAGED.to_owned(), "true".to_owned());
    service_labels.insert(labels::STORE.to_owned(), d.store_id.clone());
    let ns = |ms: u64| i64::try_from(ms.saturating_mul(1_000_000)).unwrap_or(i64::MAX);
    let (update_order, rollback_order) = match d.strategy {
        Strategy::BlueGreen => (
            ServiceSpecUpdateConfigOrderEnum::START_FIRST,
            ServiceSpecRollbackConfigOrderEnum::START_FIRST,
        ),
        Strategy::Recreate => (
            ServiceSpecUpdateConfigOrderEnum::STOP_FIRST,
            ServiceSpecRollbackConfigOrderEnum::STOP_FIRST,
        ),
    };
    let monitor = ns(swarm.monitor_ms(common.healthcheck.as_ref()));
    let parallelism = i64::try_from(swarm.update.parallelism).unwrap_or(1);
    let delay = ns(swarm.update.delay_ms);
    let resources = (common.memory.is_some() || common.cpus.is_some()).then(|| TaskSpecResources {
        limits: Some(Limit {
            memory_bytes: common.memory,
            nano_cpus: common.cpus.map(|c| (c * 1e9) as i64),
            ..Default::default()
        }),
        ..Default::default()
    });
    let mut spec = ServiceSpec {
        name: Some(name.to_owned()),
        labels: Some(service_labels),
        task_template: Some(TaskSpec {
            container_spec: Some(TaskSpecContainerSpec {
                // The image id: unique per artifact (a rebuild under the
                // same tag is still a new spec), and a node never asks a
                // registry to resolve it (no stall without one).
                image: Some(d.artifact.image_id.clone()),
                labels: Some(user_labels),
                args: common.command.clone(),
                env: Some(d.secrets.env.iter().map(|(k, v)| format!("{k}={v}")).collect()),
                init: Some(common.init),
                stop_grace_period: Some(ns(common.stop_timeout_s.saturating_mul(1000))),
                health_check: health_check(config),
                ..Default::default()
            }),
            resources,
            placement: (!swarm.placement.is_empty()).then(|| TaskSpecPlacement {
                constraints: Some(swarm.placement.clone()),
                ..Default::default()
            }),
            networks: Some(vec![NetworkAttachmentConfig {
                target: Some(swarm.network.clone()),
                ..Default::default()
            }]),
            ..Default::default()
        }),
        mode: Some(ServiceSpecMode {
            replicated: Some(ServiceSpecModeReplicated {
                replicas: Some(i64::try_from(swarm.replicas).unwrap_or(i64::MAX)),
            }),
            ..Default::default()
        }),
        update_config: Some(ServiceSpecUpdateConfig {
            parallelism: Some(parallelism),
            delay: Some(delay),
            failure_action: Some(ServiceSpecUpdateConfigFailureActionEnum::ROLLBACK),
            monitor: Some(monitor),
            max_failure_ratio: Some(0.0),
            order: Some(update_order),
        }),
        rollback_config: Some(ServiceSpecRollbackConfig {
            parallelism: Some(parallelism),
            delay: Some(delay),
            failure_action: Some(ServiceSpecRollbackConfigFailureActionEnum::PAUSE),
            monitor: Some(monitor),
            max_failure_ratio: Some(0.0),
            order: Some(rollback_order),
        }),
        endpoint_spec: Some(EndpointSpec {
            mode: Some(match swarm.endpoint_mode {
                EndpointMode::Vip => EndpointSpecModeEnum::VIP,
                EndpointMode::Dnsrr => EndpointSpecModeEnum::DNSRR,
            }),
            ports: None,
        }),
        ..Default::default()
    };
    let digest = digest_of(&spec);
    if let Some(labels) = spec.labels.as_mut() {
        labels.insert(SPEC_LABEL.to_owned(), digest.clone());
    }
    (spec, digest)
}

/// The service's health check: the workload's HTTP `healthcheck` as an
/// exec-form probe with the image's own `wget` (busybox or GNU; exec form
/// because an image without `/bin/sh` cannot run a shell-form one), else
/// None: the image's own HEALTHCHECK, if it has one, applies.
fn health_check(config: &SourceConfig) -> Option<HealthConfig> {
    let h = config
        .common
        .healthcheck
        .as_ref()
        .filter(|h| h.mode == HealthMode::Http)?;
    let port = config.port()?;
    let ns = |ms: u64| i64::try_from(ms.saturating_mul(1_000_000)).unwrap_or(i64::MAX);
    Some(HealthConfig {
        test: Some(vec![
            "CMD".to_owned(),
            "wget".to_owned(),
            // No `-T`: Debian's static busybox 1.35 wget segfaults with
            // it; Docker's own `timeout` ends a hung probe anyway.
            "-q".to_owned(),
            "-O".to_owned(),
            "/dev/null".to_owned(),
            format!("http://127.0.0.1:{port}{}", h.path),
        ]),
        interval: Some(ns(h.interval_ms)),
        timeout: Some(ns(h.timeout_ms)),
        retries: i64::try_from(crate::config::SWARM_HEALTH_RETRIES).ok(),
        start_period: Some(ns(h.start_period_ms)),
        start_interval: None,
    })
}

/// A digest of `spec` that does not depend on map order.
fn digest_of(spec: &ServiceSpec) -> String {
    fn canonical(v: serde_json::Value) -> serde_json::Value {
        match v {
            serde_json::Value::Object(map) => {
                let sorted: BTreeMap<String, serde_json::Value> =
                    map.into_iter().map(|(k, v)| (k, canonical(v))).collect();
                serde_json::Value::Object(sorted.into_iter().collect())
            }
            serde_json::Value::Array(items) => serde_json::Value::Array(items.into_iter().map(canonical).collect()),
            other => other,
        }
    }
    let value = serde_json::to_value(spec).map(canonical).unwrap_or_default();
    hex::encode(Sha256::digest(value.to_string().as_bytes()))
}

fn spec_digest(service: &Service) -> Option<String> {
    service.spec.as_ref()?.labels.as_ref()?.get(SPEC_LABEL).cloned()
}

/// How long to follow one update or creation: every batch may take the
/// health check's start period and deadline, the monitor window and the
/// delay; a rollback as long again.
fn follow_deadline(config: &SourceConfig, swarm: &SwarmConfig) -> Duration {
    let common = &config.common;
    let per_task_ms = match &common.healthcheck {
        Some(h) => h.start_period_ms.saturating_add(h.deadline_ms),
        None => common.liveness_window_ms.max(10_000),
    };
    let batches = swarm.replicas.max(1).div_ceil(swarm.update.parallelism.max(1));
    let per_batch = per_task_ms
        .saturating_add(swarm.monitor_ms(common.healthcheck.as_ref()))
        .saturating_add(swarm.update.delay_ms);
    let ms = per_batch
        .saturating_mul(batches)
        .saturating_mul(2)
        .saturating_add(30_000);
    Duration::from_millis(ms).min(MAX_FOLLOW)
}

/// Follows service `name` until Swarm reports the update completed (or,
/// for a new service, its replicas all run the spec). Errors: Swarm paused
/// or rolled the update back (a [`RolledBack`] naming Swarm's reason and
/// the failing task's error), or the deadline passed (naming the tasks
/// that are not running, e.g. one no node can schedule).
async fn follow(d: &Deployment<'_>, swarm: &SwarmConfig, name: &str, create: bool) -> Result<()> {
    let docker = swarm_daemon(d.env.docker.as_ref())?;
    let deadline = follow_deadline(d.config, swarm);
    let started = Instant::now();
    let image = d.artifact.image_id.as_str();
    let want = usize::try_from(swarm.replicas).unwrap_or(usize::MAX);
    // Swarm's reason for a rollback is in the status while it rolls back;
    // once done, the message only says "rollback completed".
    let mut reason = String::new();
    let mut serving = std::collections::BTreeSet::new();
    loop {
        d.check_cancelled()?;
        let service = docker
            .service(name)
            .await?
            .ok_or_else(|| anyhow!(msg!("swarm-service-removed-during", service = name)))?;
        let tasks = docker.service_tasks(name).await?;
        show_progress(d, &tasks, image);
        refresh_when_tasks_changed(d, swarm, name, &tasks, &mut serving).await;
        let status = service.update_status.as_ref();
        let state = status.and_then(|s| s.state);
        let message = status.and_then(|s| s.message.clone()).unwrap_or_default();
        match state {
            // Swarm calls an update complete once the last new task ran
            // its monitor window; the old task beside it may still be
            // stopping (start-first). Done when it has stopped, as a
            // blue-green deploy is done once blue is gone.
            Some(ServiceUpdateStatusStateEnum::COMPLETED) => {
                if converged(&tasks, image, want) && !tasks.iter().any(|t| !is_current(t, image) && is_live(t)) {
                    return Ok(());
                }
            }
            Some(ServiceUpdateStatusStateEnum::PAUSED) => {
                return Err(anyhow::Error::new(RolledBack(msg!(
                    "swarm-paused",
                    service = name,
                    message = &message,
                    task = task_error(&tasks, image)
                ))));
            }
            Some(ServiceUpdateStatusStateEnum::ROLLBACK_COMPLETED | ServiceUpdateStatusStateEnum::ROLLBACK_PAUSED) => {
                let how = if state == Some(ServiceUpdateStatusStateEnum::ROLLBACK_COMPLETED) {
                    msg!("swarm-rollback-completed")
                } else {
                    msg!("swarm-rollback-paused")
                };
                let why = if reason.is_empty() {
                    message
                } else {
                    format!("{reason}; {message}")
                };
                return Err(anyhow::Error::new(RolledBack(msg!(
                    "swarm-rolled-back",
                    service = name,
                    how = how,
                    why = &why,
                    task = task_error(&tasks, image)
                ))));
            }
            Some(ServiceUpdateStatusStateEnum::ROLLBACK_STARTED) => {
                if reason.is_empty() {
                    reason = message.clone();
                }
            }
            // Updating: wait for the end (bounded below).
            Some(_) => {}
            // No rolling update (a new service, or only the replica count
            // changed): done when the tasks of this spec all run.
            None => {
                if converged(&tasks, image, want) {
                    return Ok(());
                }
                if create {
                    let failed = tasks.iter().filter(|t| is_failed(t)).count();
                    if failed >= MAX_FAILED_TASKS_ON_CREATE.max(want) {
                        return Err(anyhow!(msg!(
                            "swarm-tasks-failed",
                            count = failed,
                            service = name,
                            task = task_error(&tasks, image)
                        )));
                    }
                }
            }
        }
        if started.elapsed() >= deadline {
            return Err(anyhow!(msg!(
                "swarm-update-timeout",
                service = name,
                seconds = deadline.as_secs(),
                state = state.map_or_else(|| "-".to_owned(), |s| s.to_string()),
                pending = pending_tasks(&tasks, image)
            )));
        }
        tokio::time::sleep(POLL).await;
    }
}

/// At least `want` tasks of `image` run, and no task of another spec is
/// meant to.
fn converged(tasks: &[Task], image: &str, want: usize) -> bool {
    let running = tasks
        .iter()
        .filter(|t| is_current(t, image) && t.status.as_ref().and_then(|s| s.state) == Some(TaskState::RUNNING))
        .count();
    let others = tasks
        .iter()
        .filter(|t| desired_running(t) && !is_current(t, image))
        .count();
    running >= want && others == 0
}

fn is_current(task: &Task, image: &str) -> bool {
    desired_running(task)
        && task
            .spec
            .as_ref()
            .and_then(|s| s.container_spec.as_ref())
            .and_then(|c| c.image.as_deref())
            == Some(image)
}

fn desired_running(task: &Task) -> bool {
    task.desired_state == Some(TaskState::RUNNING)
}

fn is_failed(task: &Task) -> bool {
    matches!(
        task.status.as_ref().and_then(|s| s.state),
        Some(TaskState::FAILED | TaskState::REJECTED)
    )
}

/// `; task berth-web.2: task: non-zero exit (1)`: the newest failed task of
/// this deploy's image and Swarm's error for it ("" when none failed).
fn task_error(tasks: &[Task], image: &str) -> String {
    let failed = tasks.iter().find(|t| {
        is_failed(t)
            && t.spec
                .as_ref()
                .and_then(|s| s.container_spec.as_ref())
                .and_then(|c| c.image.as_deref())
                == Some(image)
    });
    match failed {
        Some(t) => {
            let status = t.status.clone().unwrap_or_default();
            let why = status.err.or(status.message).unwrap_or_default();
            format!("; task {}: {why}", task_label(t))
        }
        None => String::new(),
    }
}

/// `; not running: berth-web.1 (pending: no suitable node ...)`.
fn pending_tasks(tasks: &[Task], image: &str) -> String {
    let waiting: Vec<String> = tasks
        .iter()
        .filter(|t| is_current(t, image) && t.status.as_ref().and_then(|s| s.state) != Some(TaskState::RUNNING))
        .map(|t| {
            let status = t.status.clone().unwrap_or_default();
            let state = status.state.map(|s| s.to_string()).unwrap_or_default();
            let why = status.err.or(status.message).unwrap_or_default();
            format!("{} ({state}: {why})", task_label(t))
        })
        .collect();
    if waiting.is_empty() {
        String::new()
    } else {
        format!("; not running: {}", waiting.join(", "))
    }
}

fn task_label(task: &Task) -> String {
    match task.slot {
        Some(slot) => format!("slot {slot}"),
        None => task.id.as_deref().map(crate::docker::short).unwrap_or("?").to_owned(),
    }
}

/// Who made the workload's existing service.
pub(super) enum Claim {
    /// No service of that name, or this store's.
    Free,
    /// Another store's (a CI job's fresh store), or an older berth's
    /// (None): a deploy takes it over, as a container is adopted.
    OtherStore(Option<String>),
}

/// An existing service of the workload's name is updated only when berth
/// made it for this workload (`berth.workload`); an operator's own service
/// of that name is never touched: an error says so. Errors also: the
/// daemon is not a swarm manager, or cannot be asked.
pub(super) async fn claim(env: &DeployEnv, store_id: &str, workload: &str) -> Result<Claim> {
    let docker = swarm_daemon(env.docker.as_ref())?;
    docker.require_swarm_manager().await?;
    let name = service_name(workload);
    let Some(service) = docker.service(&name).await? else {
        return Ok(Claim::Free);
    };
    Ok(match maker(&service, workload) {
        Maker::NotBerth => bail!(msg!("swarm-service-foreign", workload = workload, service = &name)),
        Maker::Store(Some(store)) if store == store_id => Claim::Free,
        Maker::Store(other) => Claim::OtherStore(other),
    })
}

/// Who made an existing service `berth-<workload>`, by its labels.
enum Maker {
    /// Not berth for this workload (no `berth.workload=<workload>`): an
    /// operator's own, which berth never touches.
    NotBerth,
    /// berth, from the store its `berth.store` names (None: a berth older
    /// than store ids).
    Store(Option<String>),
}

fn maker(service: &Service, workload: &str) -> Maker {
    let labels = service.spec.as_ref().and_then(|s| s.labels.as_ref());
    let label = |key: &str| labels.and_then(|l| l.get(key));
    if label(labels::WORKLOAD).map(String::as_str) != Some(workload) {
        return Maker::NotBerth;
    }
    Maker::Store(label(labels::STORE).cloned())
}

/// What `workload rm --purge` did with the workload's service.
pub(crate) enum PurgedService {
    /// None there (or the daemon is in no swarm), or not berth's.
    Absent,
    /// This store's (or the one its state names): removed.
    Removed(String),
    /// Another store's: left to that store; it serves the route.
    OtherStore,
}

/// `workload rm --purge` of a Swarm workload: removes `berth-<workload>`
/// when this store made it or last updated it (its `berth.store`; for an
/// older berth's service without one, when `live`, the state's id, names
/// it);
/// another store's is that store's to remove; one berth did not make for
/// this workload is never touched. Errors: the daemon is a swarm worker, or
/// refused.
pub(crate) async fn purge_service(
    env: &DeployEnv,
    store_id: &str,
    workload: &str,
    live: Option<&str>,
) -> Result<PurgedService> {
    let docker = swarm_daemon(env.docker.as_ref())?;
    if !docker.in_swarm().await? {
        return Ok(PurgedService::Absent);
    }
    docker.require_swarm_manager().await?;
    let name = service_name(workload);
    let Some(service) = docker.service(&name).await? else {
        return Ok(PurgedService::Absent);
    };
    // A service keeps its id through updates: the state of a store whose
    // service another store has taken over since still names it, so the
    // store label decides; the state only for an older berth's service.
    let ours = match maker(&service, workload) {
        Maker::NotBerth => return Ok(PurgedService::Absent),
        Maker::Store(Some(store)) => store == store_id,
        Maker::Store(None) => live.is_some() && service.id.as_deref() == live,
    };
    if !ours {
        return Ok(PurgedService::OtherStore);
    }
    docker.remove_service(&name).await?;
    Ok(PurgedService::Removed(name))
}

/// Reloads the router once the update is done (dnsrr: the final set of
/// tasks); a failure only warns.
async fn refresh_router(d: &Deployment<'_>, name: &str) {
    if let Err(e) = d.env.router.refresh(d.name(), &d.plan).await {
        d.env.printer.warn(&crate::t!(
            "swarm-router-reload-failed",
            workload = d.name(),
            service = name,
            reason = &e
        ));
    }
}

/// With `dnsrr`, the service name resolves to the running tasks, and a
/// router that resolves at load (nginx, NPM's nginx) keeps the addresses
/// it found: reload it whenever the set of running tasks changed, so it
/// always knows a live one (it retries the next address of a name when one
/// refuses). A failed reload only warns: Swarm's update goes on.
async fn refresh_when_tasks_changed(
    d: &Deployment<'_>,
    swarm: &SwarmConfig,
    name: &str,
    tasks: &[Task],
    serving: &mut std::collections::BTreeSet<String>,
) {
    if swarm.endpoint_mode != EndpointMode::Dnsrr || !d.plan.is_routed() {
        return;
    }
    let now: std::collections::BTreeSet<String> = tasks
        .iter()
        .filter(|t| t.status.as_ref().and_then(|s| s.state) == Some(TaskState::RUNNING))
        .filter_map(|t| t.id.clone())
        .collect();
    if now == *serving {
        return;
    }
    let first = serving.is_empty();
    *serving = now;
    if first {
        return;
    }
    refresh_router(d, name).await;
}

/// One line on a terminal's spinner: every slot with its new and old
/// task's state (`1:new running 2:new starting,old running 3:old running`).
/// Nothing off a terminal.
fn show_progress(d: &Deployment<'_>, tasks: &[Task], image: &str) {
    let Some(spinner) = &d.spinner else {
        return;
    };
    let mut slots: BTreeMap<i64, Vec<String>> = BTreeMap::new();
    for t in tasks.iter().filter(|t| desired_running(t) || is_live(t)) {
        let age = if is_current(t, image)
            || t.spec
                .as_ref()
                .and_then(|s| s.container_spec.as_ref())
                .and_then(|c| c.image.as_deref())
                == Some(image)
        {
            "new"
        } else {
            "old"
        };
        let state = t
            .status
            .as_ref()
            .and_then(|s| s.state)
            .map(|s| s.to_string())
            .unwrap_or_default();
        slots
            .entry(t.slot.unwrap_or(0))
            .or_default()
            .push(format!("{age} {state}"));
    }
    let line: Vec<String> = slots
        .iter()
        .map(|(slot, states)| format!("{slot}:{}", states.join(",")))
        .collect();
    spinner.say(&crate::t!("swarm-tasks-line", tasks = line.join("  ")));
}

/// The real daemon behind `engine`: services are a Swarm manager's, which
/// only a daemon has (never the in-memory engine of the flow tests).
pub(super) fn swarm_daemon(engine: &dyn crate::docker::Engine) -> Result<&crate::docker::Docker> {
    engine.bollard().ok_or_else(|| anyhow!(msg!("swarm-needs-daemon")))
}

/// A task whose container still runs (an old one being replaced).
fn is_live(task: &Task) -> bool {
    matches!(
        task.status.as_ref().and_then(|s| s.state),
        Some(TaskState::RUNNING | TaskState::STARTING | TaskState::PREPARING)
    )
}

/// What Swarm made of the update of a deploy whose berth died (its row is
/// still `running`): `(Succeeded, ..)` when the service runs the deploy's
/// artifact and its update completed (the state row is written for it, as
/// the deploy would have), `(Failed, Swarm's reason)` when Swarm paused
/// or rolled it back; None when that cannot be told (no service, the
/// update still running, or the deploy never reached Swarm): abandoned.
pub async fn outcome_of_dead_deploy(
    docker: &crate::docker::Docker,
    store: &crate::store::Store,
    workload: &crate::store::Workload,
    dead: &crate::store::DeployRecord,
) -> Result<Option<(DeployStatus, String)>> {
    let name = service_name(&workload.name);
    let Some(service) = docker.service(&name).await? else {
        return Ok(None);
    };
    let image = service
        .spec
        .as_ref()
        .and_then(|s| s.task_template.as_ref())
        .and_then(|t| t.container_spec.as_ref())
        .and_then(|c| c.image.clone());
    let artifact = dead.artifact.clone().filter(|a| !a.is_empty());
    let status = service.update_status.as_ref();
    let message = status.and_then(|s| s.message.clone()).unwrap_or_default();
    Ok(match status.and_then(|s| s.state) {
        Some(
            state @ (ServiceUpdateStatusStateEnum::PAUSED
            | ServiceUpdateStatusStateEnum::ROLLBACK_STARTED
            | ServiceUpdateStatusStateEnum::ROLLBACK_PAUSED
            | ServiceUpdateStatusStateEnum::ROLLBACK_COMPLETED),
        ) if artifact.is_some() && image != artifact => Some((
            DeployStatus::Failed,
            format!("Swarm's update of `{name}` ended {state}: {message}"),
        )),
        None | Some(ServiceUpdateStatusStateEnum::COMPLETED | ServiceUpdateStatusStateEnum::EMPTY)
            if artifact.is_some() && image == artifact =>
        {
            let previous = store.runtime_state(workload.id)?;
            store.persist_runtime_state(&RuntimeState {
                workload_id: workload.id,
                container_id: service.id.clone().unwrap_or_else(|| name.clone()),
                container_name: name.clone(),
                image_ref: dead.image_ref.clone().unwrap_or_default(),
                strategy: dead.strategy,
                deploy_id: Some(dead.id),
                route_id: previous.and_then(|p| p.route_id),
                deployed_at: now_rfc3339(),
            })?;
            Some((
                DeployStatus::Succeeded,
                format!("Swarm completed the update of `{name}`"),
            ))
        }
        _ => None,
    })
}
