//! A deploy, top to bottom (DESIGN §3): the shared start (reconcile under
//! the workload's lock, route pre-flight, prepare), then the strategy's own
//! steps in [`recreate`] or [`blue_green`], then the record and the event.
//! [`steps`] lists the steps of each flow, in order.

pub mod adopt;
mod blue_green;
pub mod cancel;
pub mod compose;
mod container;
pub mod daemon_lock;
mod deployment;
pub mod drain;
pub mod faults;
pub mod fleet;
mod gate;
pub use gate::NotReady;
mod plan;
mod prune;
pub mod reconcile;
mod recreate;
pub mod remove;
pub mod rollback;
pub mod steps;
pub mod swarm;
#[cfg(test)]
mod tests;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Result, anyhow};
use serde::Serialize;

use crate::config::{KindConfig, ResolvedSecrets, SourceConfig, Strategy, resolve_secrets};
use crate::docker::{ContainerInfo, DaemonRef, Daemons, Engine};
use crate::error::BerthError;
use crate::events::{DeployEventContext, Severity, emit_deploy_event};
use crate::i18n::Context as _;
use crate::output::Printer;
use crate::proxy::{RoutePlan, RouteTarget, Router};
use crate::source::{self, Artifact};
use crate::store::{DeployStatus, Store, Workload};
use cancel::Cancel;
use daemon_lock::DaemonLock;
pub(crate) use deployment::Deployment;
use drain::DrainEnd;
use faults::{FaultPoint, fault_point};
pub use plan::{DeployPlan, plan};
use steps::{Flow, Step};

/// What the deploys of one command share: the daemons (connected on first
/// use, once each), the router, how to print, the store, the signals.
#[derive(Clone)]
pub struct Session {
    pub daemons: Daemons,
    pub router: Arc<dyn Router>,
    pub printer: Printer,
    pub db_path: PathBuf,
    pub cancel: Arc<Cancel>,
    /// One spinner line per deploy, on a terminal only.
    pub progress: Option<indicatif::MultiProgress>,
}

impl Session {
    /// What a deploy on `daemon` needs. Errors: the daemon cannot be
    /// reached (the error names it; other daemons are unaffected).
    pub async fn on(&self, daemon: &DaemonRef) -> Result<DeployEnv> {
        Ok(DeployEnv {
            docker: Arc::new(self.daemons.get(daemon).await?),
            session: self.clone(),
        })
    }
}

/// What a deploy of one workload needs from the outside world: its
/// daemon, and (through `Deref`) the [`Session`]'s shared parts.
pub struct DeployEnv {
    pub docker: Arc<dyn Engine>,
    session: Session,
}

impl std::ops::Deref for DeployEnv {
    type Target = Session;

    fn deref(&self) -> &Session {
        &self.session
    }
}

#[derive(Debug, Clone, Default)]
pub struct DeployOptions {
    /// Queue behind a deploy of the same workload instead of exiting 5.
    pub wait: bool,
    /// Run this earlier artifact instead of preparing a new one (rollback).
    pub artifact: Option<Artifact>,
    /// Fail instead of adopting a container of the workload that another
    /// store created (`deploy --no-adopt`).
    pub no_adopt: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Phase {
    pub name: &'static str,
    pub duration_ms: u64,
    /// The drain phase only: why it ended (`idle`, `deadline`, `fixed`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ended: Option<DrainEnd>,
    /// The drain phase only: connections to the old container open when
    /// the drain began (absent when they could not be seen).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub open_at_start: Option<u32>,
    /// The drain phase only: connections still open when it ended, cut
    /// when the old container stopped (absent when they could not be seen).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub open_at_end: Option<u32>,
}

impl Phase {
    pub fn new(name: &'static str, duration_ms: u64) -> Phase {
        Phase {
            name,
            duration_ms,
            ended: None,
            open_at_start: None,
            open_at_end: None,
        }
    }

    /// The deploy event's `drain` metadata: how long the drain waited, why
    /// it ended and what was still open; None for other phases.
    pub fn drain_metadata(&self) -> Option<serde_json::Value> {
        let ended = self.ended?;
        Some(serde_json::json!({
            "waited_ms": self.duration_ms,
            "ended": ended,
            "open_at_start": self.open_at_start,
            "open_at_end": self.open_at_end,
        }))
    }
}

/// The result object of DESIGN §8.
#[derive(Debug, Clone, Serialize)]
pub struct DeployResult {
    pub workload: String,
    pub deploy_id: i64,
    pub strategy: Strategy,
    pub strategy_forced: bool,
    pub container: String,
    pub image: String,
    pub status: ResultStatus,
    pub duration_ms: u64,
    pub phases: Vec<Phase>,
    /// The container of another store (or an older berth) this deploy took
    /// over as blue and replaced; null when there was none.
    pub adopted: Option<adopt::Adopted>,
    /// The router that routes the workload's domains (`npm`, `nginx`,
    /// `caddy`); null without domains.
    pub router: Option<&'static str>,
    /// The route in that router (`proxy host #3`, the server block's file,
    /// `@id berth-web`); null without domains.
    pub route: Option<String>,
    /// The daemon the workload runs on (`unix:///var/run/docker.sock`,
    /// `ssh://deploy@web-1`, `... (context NAME)`).
    pub docker_host: String,
    /// The steps this deploy took, in order (see [`steps`]); not in JSON.
    #[serde(skip)]
    pub steps: Vec<Step>,
}

/// The `status` of a [`DeployResult`] (DESIGN §8): `succeeded`, or
/// `unchanged` when the workload already ran this artifact and config (the
/// README's Swarm section). The deploy row says `succeeded` either way; a
/// failed deploy returns an error, not a result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResultStatus {
    Succeeded,
    Unchanged,
}

impl ResultStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ResultStatus::Succeeded => DeployStatus::Succeeded.as_str(),
            ResultStatus::Unchanged => "unchanged",
        }
    }
}

impl Serialize for ResultStatus {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// A deploy that switched the route, then saw the new container fail
/// during the drain and put the workload back on the old one (the route,
/// the state row, the new container removed).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct RolledBack(pub crate::i18n::Msg);

impl RolledBack {
    pub fn human(&self) -> String {
        self.0.localized()
    }
}

/// Whether a failed deploy was rolled back after its route switch.
pub fn is_rolled_back(err: &anyhow::Error) -> bool {
    err.chain().any(|c| c.is::<RolledBack>())
}

/// Sleeps the workload's fixed drain (`drain_ms`, [2000]; 0 skips it)
/// after its route moved off `what`, so the requests the proxy still sends
/// there finish before it is stopped or removed. Reconcile's drain, where
/// several containers may be left; a deploy drains by connections
/// ([`Deployment::drain`]). `status` gets one progress line.
pub async fn drain_fixed(config: &SourceConfig, what: crate::i18n::Msg, status: impl Fn(&str)) {
    let drain = std::time::Duration::from_millis(config.common.drain_fixed_ms());
    if drain.is_zero() {
        return;
    }
    status(&crate::t!(
        "deploy-draining",
        container = what,
        ms = drain.as_millis() as u64
    ));
    tokio::time::sleep(drain).await;
}

/// Where a route forwards for `container`: its name, or its IP on the
/// workload's network when the proxy cannot resolve names.
pub fn route_target(
    router: &dyn Router,
    workload: &str,
    config: &SourceConfig,
    container: &ContainerInfo,
) -> Result<RouteTarget> {
    let port = config
        .port()
        .context_msg(crate::msg!("route-no-port", workload = workload))?;
    let host = if router.forwards_by_ip() {
        let network = &config.common.network;
        container
            .ip_on(network)
            .context_msg(crate::msg!(
                "route-no-ip",
                container = &container.name,
                network = network
            ))?
            .to_owned()
    } else {
        container.name.clone()
    };
    Ok(RouteTarget { host, port })
}

/// Deploys one workload on its daemon (`docker_host`/`docker_context`,
/// else the docker CLI's). Errors: invalid config (exit 3), locked (5),
/// the daemon unreachable (recorded as a failed deploy naming the host),
/// and every failure of the deploy itself.
pub async fn deploy(session: &Session, name: &str, opts: DeployOptions) -> Result<DeployResult> {
    let started = Instant::now();
    let store = Store::open(&session.db_path)?;
    let workload = store.workload(name)?;
    let validated = workload.validate().map_err(BerthError::invalid_config)?;
    let (config, effective) = (validated.config, validated.strategy);
    // References resolve now, before any lock is taken or container
    // touched: a missing CI secret costs nothing (exit 3).
    let secrets = resolve_secrets(name, &config).map_err(BerthError::invalid_config)?;
    if effective.forced {
        session
            .printer
            .warn(&format!("{name}: {}", effective.reason.localized()));
    }

    if opts.artifact.is_some() && workload.kind == crate::config::Kind::Compose {
        return Err(anyhow!(crate::msg!("rollback-compose", workload = name)));
    }
    let _lock = loop {
        match store.lock_deploy(workload.id, name, false) {
            Ok(lock) => break lock,
            // --wait: queue behind the holder without blocking other deploys
            // of this process (a fleet runs them on one task).
            Err(e) if opts.wait && matches!(e.downcast_ref::<BerthError>(), Some(BerthError::Locked(_))) => {
                tokio::select! {
                    e = session.cancel.cancelled() => return Err(e.into()),
                    () = tokio::time::sleep(std::time::Duration::from_millis(200)) => {}
                }
            }
            Err(e) => return Err(e),
        }
    };
    let daemon = config.common.daemon();
    let env = match session.on(&daemon).await {
        Ok(env) => env,
        Err(e) => {
            let e = crate::msg!("deploy-not-deployed", workload = name).wrap(e);
            record_unreachable(&store, &workload, &effective, &daemon, &e, started)?;
            return Err(e);
        }
    };
    let env = &env;
    // The SQLite lock orders this store's processes; the daemon lock orders
    // every store deploying to this daemon. Released on every path below.
    let store_id = store.store_id()?;
    let daemon_lock = DaemonLock::acquire(&env.docker, name, &store_id, opts.wait, &env.cancel).await?;
    if let Some(note) = daemon_lock.takeover_note() {
        env.printer.warn(&format!("{name}: {note}"));
    }
    let outcome = deploy_locked(
        env, &store, &workload, &config, &secrets, &effective, &store_id, &opts, started,
    )
    .await;
    daemon_lock.release().await;
    outcome
}

/// Records a deploy that could not start because its daemon could not be
/// reached: a failed deploy row and a `deploy.failed` event naming the host.
fn record_unreachable(
    store: &Store,
    workload: &Workload,
    effective: &crate::config::EffectiveStrategy,
    daemon: &DaemonRef,
    err: &anyhow::Error,
    started: Instant,
) -> Result<()> {
    let deploy_id = store.start_deploy(workload.id, effective.strategy)?;
    let reason = format!("{err:#}");
    let failed = DeployStatus::Failed;
    store.finish_deploy(deploy_id, failed, Some(&crate::events::cap_status(&reason)))?;
    let events = event_context(workload, deploy_id, effective, daemon.shown(), started);
    emit_deploy_event(store, &events, failed.event_action(), Severity::Error, &reason, None)?;
    Ok(())
}

/// What every event of deploy `deploy_id` carries, before it knows its
/// image and container.
fn event_context(
    workload: &Workload,
    deploy_id: i64,
    effective: &crate::config::EffectiveStrategy,
    docker_host: String,
    started: Instant,
) -> DeployEventContext {
    DeployEventContext {
        workload_id: workload.id,
        workload: workload.name.clone(),
        deploy_id,
        kind: workload.kind,
        strategy: effective.strategy,
        strategy_forced: effective.forced,
        image: None,
        container: None,
        docker_host,
        started,
    }
}

/// Deploys one workload whose locks (store and daemon) the caller holds.
#[allow(clippy::too_many_arguments)]
async fn deploy_locked(
    env: &DeployEnv,
    store: &Store,
    workload: &Workload,
    config: &SourceConfig,
    secrets: &ResolvedSecrets,
    effective: &crate::config::EffectiveStrategy,
    store_id: &str,
    opts: &DeployOptions,
    started: Instant,
) -> Result<DeployResult> {
    let deploy_id = store.start_deploy(workload.id, effective.strategy)?;
    let mut events = event_context(workload, deploy_id, effective, env.docker.host(), started);
    emit_deploy_event(
        store,
        &events,
        DeployStatus::Running.event_action(),
        Severity::Info,
        &format!("deploy {deploy_id} started ({})", effective.strategy),
        None,
    )?;

    let outcome = run(
        env,
        store,
        workload,
        config,
        secrets,
        effective.strategy,
        deploy_id,
        &mut events,
        store_id,
        opts,
    )
    .await;
    let (router, route) = route_names(env, store, workload, config)?;
    let route_meta = router.map(|r| serde_json::json!({ "router": r, "route": route }));
    match outcome {
        Ok(Ran {
            container,
            image,
            phases,
            adopted,
            unchanged,
            steps,
        }) => {
            let succeeded = DeployStatus::Succeeded;
            store.finish_deploy(deploy_id, succeeded, None)?;
            events.container = Some(container.clone());
            let status = if unchanged {
                format!("unchanged {container}: it already runs this artifact and config")
            } else {
                format!("deployed {} ({})", container, effective.strategy)
            };
            let drain = phases.iter().find_map(Phase::drain_metadata);
            let extra = match (route_meta, drain) {
                (None, None) => None,
                (route, drain) => {
                    let mut meta = route.unwrap_or_else(|| serde_json::json!({}));
                    if let (Some(obj), Some(d)) = (meta.as_object_mut(), drain) {
                        obj.insert("drain".to_owned(), d);
                    }
                    Some(meta)
                }
            };
            emit_deploy_event(store, &events, succeeded.event_action(), Severity::Info, &status, extra)?;
            prune_artifacts(env, store, workload, config.common.keep_artifacts).await;
            Ok(DeployResult {
                workload: workload.name.clone(),
                deploy_id,
                strategy: effective.strategy,
                strategy_forced: effective.forced,
                container,
                image,
                status: if unchanged {
                    ResultStatus::Unchanged
                } else {
                    ResultStatus::Succeeded
                },
                duration_ms: ms(started),
                phases,
                adopted,
                router,
                route,
                docker_host: env.docker.host(),
                steps,
            })
        }
        Err(err) => {
            // `{err:#}` is safe to record: raw build/compose output only
            // lives in RedactedFailure's detail, which Display leaves out.
            let reason = format!("{err:#}");
            let capped = crate::events::cap_status(&reason);
            let failed = DeployStatus::Failed;
            store.finish_deploy(deploy_id, failed, Some(&capped))?;
            let mut extra = route_meta;
            if is_rolled_back(&err) {
                let meta = extra.get_or_insert_with(|| serde_json::json!({}));
                meta["rolled_back"] = serde_json::json!(true);
            }
            emit_deploy_event(store, &events, failed.event_action(), Severity::Error, &reason, extra)?;
            Err(err)
        }
    }
}

/// The router and the route a routed workload's events and result name;
/// (None, None) without domains.
fn route_names(
    env: &DeployEnv,
    store: &Store,
    workload: &Workload,
    config: &SourceConfig,
) -> Result<(Option<&'static str>, Option<String>)> {
    if config.common.domains.is_empty() {
        return Ok((None, None));
    }
    let plan = RoutePlan {
        domains: config.common.domains.clone(),
        route_id: store.runtime_state(workload.id)?.and_then(|s| s.route_id),
    };
    Ok((env.router.name(), env.router.route_name(&workload.name, &plan)))
}

#[allow(clippy::too_many_arguments)]
async fn run(
    env: &DeployEnv,
    store: &Store,
    workload: &Workload,
    config: &SourceConfig,
    secrets: &ResolvedSecrets,
    strategy: Strategy,
    deploy_id: i64,
    events: &mut DeployEventContext,
    store_id: &str,
    opts: &DeployOptions,
) -> Result<Ran> {
    let name = &workload.name;
    let rollback = opts.artifact.as_ref();
    let flow = Flow::of(config, strategy);
    let mut steps = Vec::new();
    // Resolved by the caller (`deploy`) before any lock: the first step
    // when there was a reference to resolve.
    if !crate::config::secret_references(config).is_empty() {
        steps.push(Step::ResolveSecrets);
    }
    // Step 1: repair what an interrupted deploy left, under our lock. Our
    // own deploy row names a live process, so it is not taken as abandoned.
    let t = Instant::now();
    steps.push(Step::Reconcile);
    reconcile::reconcile_locked(env, store, workload, config).await?;
    let mut phases = vec![Phase::new("reconcile", ms(t))];

    // The workload runs on the daemon, but not from this store (a fresh CI
    // store, or another machine deployed since): adopt that container as
    // blue, so it keeps serving until the new one takes over. Compose
    // stacks are compose's and carry no berth labels.
    let mut superseded = Vec::new();
    let mut adopted = None;
    if flow == Flow::Swarm {
        if let swarm::Claim::OtherStore(from) = swarm::claim(env, store_id, name).await? {
            let service = swarm::service_name(name);
            steps.push(Step::Adopt);
            adopt::adopt_service(env, store, workload, events, &service, from.as_deref(), opts.no_adopt)?;
            adopted = Some(adopt::Adopted {
                container: service,
                store: from,
            });
        }
    } else if flow != Flow::Compose {
        let state = store.runtime_state(workload.id)?;
        if let Some(foreign) = adopt::running_elsewhere(env, store_id, name, state.as_ref()).await? {
            steps.push(Step::Adopt);
            adopt::adopt(env, store, workload, events, &foreign, opts.no_adopt)?;
            adopted = Some(adopt::Adopted {
                container: foreign.container.name.clone(),
                store: foreign.store.clone(),
            });
            superseded = foreign.superseded;
        }
    }

    // Step 2: the route pre-flight, before any container is touched.
    let t = Instant::now();
    let state = store.runtime_state(workload.id)?;
    if !config.common.domains.is_empty() {
        steps.push(Step::Preflight);
    }
    let plan = env
        .router
        .preflight(name, &config.common.domains, state.as_ref().and_then(|s| s.route_id))
        .await?;

    // Step 3: prepare the artifact. A failure here costs no downtime.
    // Compose stacks skip it: `up` pulls and builds what the file asks for.
    let artifact = if let KindConfig::Compose(c) = &config.source {
        Artifact {
            image_id: String::new(),
            reference: c.file.clone(),
        }
    } else {
        steps.push(Step::Prepare);
        match &config.common.swarm {
            // A service needs a manager and an overlay network: said
            // before anything is built or pulled.
            Some(swarm) => {
                let daemon = swarm::swarm_daemon(env.docker.as_ref())?;
                daemon.require_swarm_manager().await?;
                daemon.ensure_overlay_network(&swarm.network).await?;
            }
            None => env.docker.ensure_network(&config.common.network).await?,
        }
        let artifact = tokio::select! {
            biased;
            e = env.cancel.cancelled() => return Err(e.into()),
            r = prepare_or_reuse(env, name, config, secrets, deploy_id, rollback) => r?,
        };
        store.set_deploy_artifact(deploy_id, &artifact.image_id, &artifact.reference, None)?;
        phases.push(Phase::new("prepare", ms(t)));
        fault_point(FaultPoint::AfterPrepare);
        artifact
    };
    events.image = Some(artifact.reference.clone());

    let blue = match &state {
        Some(s) if workload.kind != crate::config::Kind::Compose => env.docker.inspect(&s.container_id).await?,
        _ => None,
    };
    let mut d = Deployment {
        env,
        store,
        workload,
        config,
        secrets,
        strategy,
        deploy_id,
        store_id: store_id.to_owned(),
        artifact,
        plan,
        blue,
        phases,
        steps,
        spinner: env.progress.as_ref().map(|m| crate::output::Spinner::new(m, name)),
    };
    let mut unchanged = false;
    let container = match flow {
        Flow::Compose => compose::run(&mut d).await?,
        Flow::Swarm => {
            let outcome = swarm::run(&mut d).await?;
            unchanged = outcome.unchanged;
            outcome.service
        }
        Flow::BlueGreen => blue_green::run(&mut d).await?,
        Flow::Recreate => recreate::run(&mut d).await?,
    };
    // Live and recorded: what the other stores left beside the adopted
    // container is superseded (this deploy holds the daemon lock, so none
    // of it belongs to a deploy in progress).
    for c in &superseded {
        if let Some(info) = env.docker.inspect(&c.id).await? {
            d.reap(&info, info.running).await;
        }
    }
    store.set_deploy_artifact(deploy_id, &d.artifact.image_id, &d.artifact.reference, Some(&container))?;
    Ok(Ran {
        container,
        image: d.artifact.reference,
        phases: d.phases,
        adopted,
        unchanged,
        steps: d.steps,
    })
}

/// What [`run`] did.
struct Ran {
    container: String,
    image: String,
    phases: Vec<Phase>,
    adopted: Option<adopt::Adopted>,
    /// A Swarm service already had this spec: nothing was updated.
    unchanged: bool,
    steps: Vec<Step>,
}

/// Removes the images [`prune::images_to_prune`] lists. Failures only
/// warn: the deploy succeeded.
async fn prune_artifacts(env: &DeployEnv, store: &Store, workload: &Workload, keep: u32) {
    let Ok(deploys) = store.deploys_of(workload.id, 10_000) else {
        return;
    };
    let live = store
        .runtime_state(workload.id)
        .ok()
        .flatten()
        .and_then(|s| s.deploy_id);
    for reference in prune::images_to_prune(&deploys, live, &workload.name, keep) {
        if let Err(e) = env.docker.remove_image(&reference).await {
            env.printer.warn(&crate::t!(
                "deploy-prune-failed",
                workload = &workload.name,
                image = &reference,
                reason = &e
            ));
        }
    }
}

/// Prepares a new artifact, or checks that a rollback's is still there.
async fn prepare_or_reuse(
    env: &DeployEnv,
    name: &str,
    config: &SourceConfig,
    secrets: &ResolvedSecrets,
    deploy_id: i64,
    rollback: Option<&Artifact>,
) -> Result<Artifact> {
    match rollback {
        None => {
            let docker = env
                .docker
                .bollard()
                .context_msg(crate::msg!("deploy-engine-cannot-prepare", host = env.docker.host()))?;
            source::prepare(docker, &env.printer, name, config, secrets, deploy_id).await
        }
        Some(artifact) => {
            if env.docker.image_id(&artifact.image_id).await?.is_none() {
                return Err(anyhow!(crate::msg!(
                    "rollback-image-gone",
                    workload = name,
                    image = &artifact.reference,
                    id = crate::docker::short(&artifact.image_id)
                )));
            }
            env.printer.status(&crate::t!(
                "rollback-to-image",
                workload = name,
                image = &artifact.reference,
                id = crate::docker::short(&artifact.image_id)
            ));
            Ok(artifact.clone())
        }
    }
}

fn ms(since: Instant) -> u64 {
    ms_of(since.elapsed())
}

/// `d` in whole milliseconds (saturating).
fn ms_of(d: std::time::Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}
