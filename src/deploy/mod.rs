//! A deploy, top to bottom (DESIGN §3): the shared start (reconcile under
//! the workload's lock, route pre-flight, prepare), then the strategy's own
//! steps in [`recreate`] or [`blue_green`], then the record and the event.

pub mod adopt;
mod blue_green;
pub mod cancel;
pub mod compose;
mod container;
pub mod daemon_lock;
pub mod drain;
pub mod faults;
mod gate;
pub use gate::NotReady;
mod plan;
mod prune;
pub mod reconcile;
mod recreate;
pub mod swarm;
#[cfg(test)]
mod tests;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Result, anyhow};
use serde::Serialize;

use crate::config::{KindConfig, ResolvedSecrets, SourceConfig, Strategy, effective_strategy, resolve_secrets};
use crate::docker::{ContainerInfo, DaemonRef, Daemons, Engine};
use crate::error::BerthError;
use crate::events::{DeployEventContext, Severity, emit_deploy_event};
use crate::i18n::Context as _;
use crate::output::Printer;
use crate::proxy::{Pointed, RoutePlan, RouteTarget, Router};
use crate::source::{self, Artifact};
use crate::store::{RuntimeState, Store, Workload, now_rfc3339};
use cancel::Cancel;
use daemon_lock::DaemonLock;
use drain::{DrainEnd, Drained};
use faults::fault_point;
pub use plan::{DeployPlan, plan};

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
    pub status: &'static str,
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
}

/// One deploy in progress: what the flows read and the phases they record.
pub(crate) struct Deployment<'a> {
    pub env: &'a DeployEnv,
    pub store: &'a Store,
    /// This store's id, the `berth.store` label of every container it creates.
    pub store_id: String,
    pub workload: &'a Workload,
    pub config: &'a SourceConfig,
    /// `env` and `build_args` with every reference resolved (memory only).
    pub secrets: &'a ResolvedSecrets,
    pub strategy: Strategy,
    pub deploy_id: i64,
    pub artifact: Artifact,
    pub plan: RoutePlan,
    /// The container the state row names, if it still exists.
    pub blue: Option<ContainerInfo>,
    pub phases: Vec<Phase>,
    pub spinner: Option<crate::output::Spinner>,
}

impl Deployment<'_> {
    pub fn name(&self) -> &str {
        &self.workload.name
    }

    /// What goes on this deploy's new container, named `name`
    /// ([`container::container_spec`]).
    pub fn container_spec(&self, name: &str) -> crate::docker::ContainerSpec {
        container::container_spec(
            self.name(),
            &self.store_id,
            self.config,
            self.secrets,
            &self.artifact.image_id,
            name,
            self.deploy_id,
            self.strategy,
        )
    }

    /// What the deploy is doing now: the spinner's message on a terminal,
    /// a status line otherwise.
    pub fn status(&self, msg: &str) {
        match &self.spinner {
            Some(s) => s.say(msg),
            None => self.env.printer.status(&format!("{}: {msg}", self.workload.name)),
        }
    }

    pub fn record_phase(&mut self, name: &'static str, since: Instant) {
        self.phases.push(Phase::new(name, ms(since)));
    }

    /// Where the route should forward for `container`: its name, or its IP
    /// on the workload's network when the proxy cannot resolve names.
    pub fn route_target(&self, container: &ContainerInfo) -> Result<Option<RouteTarget>> {
        if !self.plan.is_routed() {
            return Ok(None);
        }
        route_target(self.env.router.as_ref(), self.name(), self.config, container).map(Some)
    }

    /// Points the route at `container` (a no-op without domains).
    pub async fn point_route(&mut self, container: &ContainerInfo) -> Result<Pointed> {
        match self.route_target(container)? {
            Some(target) => {
                let pointed = self.env.router.point(self.name(), &self.plan, &target).await?;
                self.plan.route_id = pointed.route_id;
                Ok(pointed)
            }
            None => Ok(Pointed {
                route_id: self.plan.route_id,
                written: false,
            }),
        }
    }

    /// Runs the readiness gate on `id` (see [`gate`]), its progress on the
    /// spinner and its warnings on stderr.
    pub async fn gate(&self, id: &str) -> Result<crate::i18n::Msg> {
        // Progress ticks every second: on a terminal's spinner only, never
        // as a flood of status lines in a CI log.
        let progress = |msg: &str| {
            if let Some(s) = &self.spinner {
                s.say(msg);
            }
        };
        let warn = |msg: &str| self.env.printer.warn(&format!("{}: {msg}", self.name()));
        let ui = gate::GateUi {
            progress: &progress,
            warn: &warn,
        };
        let why = gate::wait_ready(&self.env.docker, id, self.config, &ui).await?;
        // With no earlier container to fall back to (a first deploy, or a
        // compose stack, whose old container compose already replaced), a
        // lucky probe would be final: watch the container a while before it
        // takes the route. With a blue, the drain is the watch window.
        if self.blue.is_none() {
            let window = std::time::Duration::from_millis(
                self.config
                    .common
                    .liveness_window_ms
                    .min(self.config.common.drain_fixed_ms()),
            );
            if !window.is_zero() {
                let info = self
                    .env
                    .docker
                    .inspect(id)
                    .await?
                    .ok_or_else(|| gate::NotReady(crate::msg!("gate-container-disappeared-after")))?;
                self.status(&crate::t!(
                    "deploy-gate-passed-watching",
                    why = why.clone(),
                    ms = ms_of(window)
                ));
                gate::watch(&self.env.docker, &info, self.config, window).await?;
            }
        }
        Ok(why)
    }

    /// The first steps of a rollback after the switch: shows the failed
    /// container's last log lines (for a gate verdict) and writes the old
    /// container's state row back, so a crash from here on is repaired
    /// toward it. Errors: no earlier row, or the store's write failed.
    pub async fn begin_rollback(
        &self,
        failed: &ContainerInfo,
        why: &anyhow::Error,
        old_state: Option<RuntimeState>,
    ) -> Result<()> {
        if gate::is_not_ready(why) {
            self.show_logs(&failed.id).await;
        }
        let state = old_state.context_msg(crate::msg!("rollback-no-earlier-state"))?;
        self.store.persist_runtime_state(&state)?;
        fault_point("after_rollback_persist");
        Ok(())
    }

    /// Drains `old` after the route moved off it (see [`drain`]): until it
    /// has been idle for [`drain::QUIET`], at most `drain_ms`; the fixed
    /// `drain_ms` where its connections cannot be seen (said once). The
    /// proxy may still send it requests until its reload completes (see
    /// [`Pointed::written`]). Warns when connections were still open at the
    /// bound (they are cut when `old` stops).
    pub async fn drain(&self, old: &ContainerInfo) -> Drained {
        let common = &self.config.common;
        let bound = std::time::Duration::from_millis(common.drain_bound_ms());
        let fixed = std::time::Duration::from_millis(common.drain_fixed_ms());
        if !common.drain_until_idle || bound.is_zero() {
            if !fixed.is_zero() {
                self.status(&crate::t!("deploy-draining", container = &old.name, ms = ms_of(fixed)));
            }
            return drain::until_idle(None, bound, fixed).await;
        }
        let seen = match self.config.port() {
            Some(port) => drain::Connections::of(self.env.docker.as_ref(), old, port),
            None => Err(crate::msg!("drain-no-port")),
        };
        let conns = match seen {
            Ok(conns) => {
                self.status(&crate::t!(
                    "deploy-draining-until-idle",
                    container = &old.name,
                    quiet = ms_of(drain::QUIET),
                    ms = ms_of(bound)
                ));
                Some(conns)
            }
            Err(why) => {
                drain::say_once(
                    &self.env.docker.host(),
                    &crate::msg!(
                        "drain-connections-unseen",
                        container = &old.name,
                        why = why,
                        ms = ms_of(fixed)
                    ),
                    |msg| self.env.printer.warn(&format!("{}: {msg}", self.name())),
                );
                self.status(&crate::t!("deploy-draining", container = &old.name, ms = ms_of(fixed)));
                None
            }
        };
        let drained = drain::until_idle(conns.as_ref(), bound, fixed).await;
        if let Some(open) = drained.open_at_end.filter(|n| *n > 0) {
            self.env.printer.warn(&crate::t!(
                "drain-open-connections-left",
                workload = self.name(),
                container = &old.name,
                open = open,
                ms = ms_of(bound)
            ));
        }
        drained
    }

    /// Records the `drain` phase, `took` long, and why it ended.
    pub fn record_drain(&mut self, took: std::time::Duration, drained: Drained) {
        self.phases.push(Phase {
            ended: Some(drained.ended),
            open_at_start: drained.open_at_start,
            open_at_end: drained.open_at_end,
            ..Phase::new("drain", ms_of(took))
        });
    }

    /// Names `container` in the runtime-state row. Every flow calls this
    /// before it touches the old container: the row never points at a
    /// removed one.
    pub fn persist_runtime_state(&self, container: &ContainerInfo) -> Result<()> {
        self.store.persist_runtime_state(&RuntimeState {
            workload_id: self.workload.id,
            container_id: container.id.clone(),
            container_name: container.name.clone(),
            image_ref: self.artifact.reference.clone(),
            strategy: self.strategy.as_str().to_owned(),
            deploy_id: Some(self.deploy_id),
            route_id: self.plan.route_id,
            deployed_at: now_rfc3339(),
        })
    }

    /// Runs one step that a signal may cut short. The step's future is
    /// dropped then, so whatever it was creating is found by label later.
    pub async fn interruptible<T>(&self, step: impl std::future::Future<Output = Result<T>>) -> Result<T> {
        tokio::select! {
            biased;
            e = self.env.cancel.cancelled() => Err(e.into()),
            r = step => r,
        }
    }

    /// Fails with the signal's error when one arrived.
    pub fn check_cancelled(&self) -> Result<()> {
        match self.env.cancel.error() {
            Some(e) => Err(e.into()),
            None => Ok(()),
        }
    }

    /// Removes every container of this deploy, by label: a create request
    /// cut off by a signal may still have created one.
    pub async fn remove_this_deploys_containers(&self) {
        for c in self.this_deploys_containers().await {
            self.remove_new_container(&c.id).await;
        }
    }

    /// The containers this deploy created, found by label (empty when the
    /// daemon does not answer).
    pub async fn this_deploys_containers(&self) -> Vec<crate::docker::ContainerSummary> {
        let docker = &self.env.docker;
        let Ok(list) = docker
            .containers_with_label(crate::docker::labels::DEPLOY, &self.deploy_id.to_string())
            .await
        else {
            return Vec::new();
        };
        list.into_iter()
            .filter(|c| c.labels.get(crate::docker::labels::WORKLOAD).map(String::as_str) == Some(self.name()))
            .collect()
    }

    /// Stops (with its grace period, when `graceful`) and removes the old
    /// container once the new one is live and recorded. The deploy has
    /// succeeded by then: a failure here only warns, and the next reconcile
    /// removes what is left.
    pub async fn reap(&self, old: &ContainerInfo, graceful: bool) {
        let docker = &self.env.docker;
        let result = async {
            if graceful {
                docker.stop(&old.id, self.config.common.stop_timeout_s).await?;
                fault_point("after_blue_stop");
            }
            docker.remove(&old.id).await
        }
        .await;
        if let Err(e) = result {
            self.env.printer.warn(&crate::t!(
                "deploy-reap-failed",
                workload = self.name(),
                container = &old.name,
                reason = &e
            ));
        }
    }

    /// Best-effort removal of a container this deploy created; a leftover
    /// carries the workload's label and is reaped by the next reconcile.
    /// Returns whether it is gone.
    pub async fn remove_new_container(&self, id: &str) -> bool {
        match self.env.docker.remove(id).await {
            Ok(()) => true,
            Err(e) => {
                self.env.printer.warn(&crate::t!(
                    "deploy-remove-new-failed",
                    workload = self.name(),
                    container = crate::docker::short(id),
                    reason = &e
                ));
                false
            }
        }
    }

    /// Prints the last lines of a failed container's output to stderr
    /// (never into events or JSON: logs can hold secrets).
    pub async fn show_logs(&self, id: &str) {
        let logs = self.env.docker.logs_tail(id, 20).await;
        if !logs.trim().is_empty() {
            self.env.printer.diagnostic(&format!(
                "--- {} ---\n{}\n---\n",
                crate::t!("deploy-last-log-lines", workload = self.name()),
                logs.trim_end()
            ));
        }
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
    let config = validated.config;
    // References resolve now, before any lock is taken or container
    // touched: a missing CI secret costs nothing (exit 3).
    let secrets = resolve_secrets(name, &config).map_err(BerthError::invalid_config)?;
    let effective = effective_strategy(&config);
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
    let deploy_id = store.start_deploy(workload.id, effective.strategy.as_str())?;
    let reason = format!("{err:#}");
    store.finish_deploy(deploy_id, "failed", Some(&crate::events::cap_status(&reason)))?;
    let events = event_context(workload, deploy_id, effective, daemon.shown(), started);
    emit_deploy_event(store, &events, "deploy.failed", Severity::Error, &reason, None)?;
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
        strategy: effective.strategy.as_str().to_owned(),
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
    let deploy_id = store.start_deploy(workload.id, effective.strategy.as_str())?;
    let mut events = event_context(workload, deploy_id, effective, env.docker.host(), started);
    emit_deploy_event(
        store,
        &events,
        "deploy.started",
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
        }) => {
            store.finish_deploy(deploy_id, "succeeded", None)?;
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
            emit_deploy_event(store, &events, "deploy.succeeded", Severity::Info, &status, extra)?;
            prune_artifacts(env, store, workload, config.common.keep_artifacts).await;
            Ok(DeployResult {
                workload: workload.name.clone(),
                deploy_id,
                strategy: effective.strategy,
                strategy_forced: effective.forced,
                container,
                image,
                status: if unchanged { "unchanged" } else { "succeeded" },
                duration_ms: ms(started),
                phases,
                adopted,
                router,
                route,
                docker_host: env.docker.host(),
            })
        }
        Err(err) => {
            // `{err:#}` is safe to record: raw build/compose output only
            // lives in RedactedFailure's detail, which Display leaves out.
            let reason = format!("{err:#}");
            let capped = crate::events::cap_status(&reason);
            store.finish_deploy(deploy_id, "failed", Some(&capped))?;
            let mut extra = route_meta;
            if is_rolled_back(&err) {
                let meta = extra.get_or_insert_with(|| serde_json::json!({}));
                meta["rolled_back"] = serde_json::json!(true);
            }
            emit_deploy_event(store, &events, "deploy.failed", Severity::Error, &reason, extra)?;
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
    // Step 1: repair what an interrupted deploy left, under our lock. Our
    // own deploy row names a live process, so it is not taken as abandoned.
    let t = Instant::now();
    reconcile::reconcile_locked(env, store, workload, config).await?;
    let mut phases = vec![Phase::new("reconcile", ms(t))];

    // The workload runs on the daemon, but not from this store (a fresh CI
    // store, or another machine deployed since): adopt that container as
    // blue, so it keeps serving until the new one takes over. Compose
    // stacks are compose's and carry no berth labels.
    let mut superseded = Vec::new();
    let mut adopted = None;
    if workload.kind != crate::config::Kind::Compose {
        let state = store.runtime_state(workload.id)?;
        if let Some(foreign) = adopt::running_elsewhere(env, store_id, name, state.as_ref()).await? {
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
        fault_point("after_prepare");
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
        spinner: env.progress.as_ref().map(|m| crate::output::Spinner::new(m, name)),
    };
    let mut unchanged = false;
    let container = match (&config.source, strategy, &config.common.swarm) {
        (KindConfig::Compose(_), _, _) => compose::run(&mut d).await?,
        (_, _, Some(swarm)) => {
            let outcome = swarm::run(&mut d, swarm).await?;
            unchanged = outcome.unchanged;
            outcome.service
        }
        (_, Strategy::BlueGreen, None) => blue_green::run(&mut d).await?,
        (_, Strategy::Recreate, None) => recreate::run(&mut d).await?,
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
