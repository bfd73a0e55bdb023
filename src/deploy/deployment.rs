//! [`Deployment`]: one deploy in progress, what the strategy flows
//! ([`recreate`](super::recreate), [`blue_green`](super::blue_green),
//! [`compose`](super::compose), [`swarm`](super::swarm)) read and the steps
//! they share: the container spec, the route, the gate, the drain, the
//! state row, cancellation and clean-up, and the record of the steps taken.

use std::time::Instant;

use anyhow::Result;

use super::drain::{self, Drained};
use super::faults::{FaultPoint, fault_point};
use super::steps::Step;
use super::{DeployEnv, Phase, container, gate, ms, ms_of, route_target};
use crate::config::{ResolvedSecrets, SourceConfig, Strategy};
use crate::docker::ContainerInfo;
use crate::i18n::Context as _;
use crate::proxy::{Pointed, RoutePlan, RouteTarget};
use crate::source::Artifact;
use crate::store::{RuntimeState, Store, Workload, now_rfc3339};

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
    /// The steps taken so far, in order ([`Deployment::step`]).
    pub steps: Vec<Step>,
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

    /// Records that the flow takes `step` now: the flows call this as each
    /// step of their list in [`super::steps`] begins, and the flow tests
    /// check the record against the list (the plan of `deploy --dry-run`
    /// walks the same list).
    pub fn step(&mut self, step: Step) {
        self.steps.push(step);
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
            let window = std::time::Duration::from_millis(self.config.common.first_watch_ms());
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
        fault_point(FaultPoint::AfterRollbackPersist);
        Ok(())
    }

    /// `old` as it is now, when its connections could not be read: None
    /// when it has no process any more (removed, stopped, between two
    /// restarts: nothing can reach it); Some with a new pid when it
    /// restarted since it was inspected (its new process is the one to
    /// drain); Some unchanged when the daemon does not answer.
    async fn current(&self, old: &ContainerInfo) -> Option<ContainerInfo> {
        match self.env.docker.inspect(&old.id).await {
            Ok(None) => None,
            Ok(Some(now)) if !now.running || now.restarting || now.pid == 0 => None,
            Ok(Some(now)) => Some(now),
            Err(_) => Some(old.clone()),
        }
    }

    /// Drains `old` after the route moved off it (see [`drain`]): until it
    /// has been idle for [`drain::QUIET`], at most `drain_ms`; the fixed
    /// `drain_ms` where its connections cannot be seen (said once). The
    /// proxy may still send it requests until its reload completes (see
    /// [`Pointed::written`]). Warns when connections were still open at the
    /// bound (they are cut when `old` stops).
    pub async fn drain(&self, old: &ContainerInfo) -> Drained {
        self.drain_warning(old, true).await
    }

    /// [`Deployment::drain`] of a new container that failed (its switch or
    /// its watch): without the warning that its connections cannot be
    /// seen, which a dying container's often cannot.
    pub async fn drain_failed(&self, new: &ContainerInfo) -> Drained {
        self.drain_warning(new, false).await
    }

    async fn drain_warning(&self, old: &ContainerInfo, warn_unseen: bool) -> Drained {
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
            Some(port) => match drain::Connections::of(self.env.docker.as_ref(), old, port) {
                Ok(conns) => Ok(conns),
                // Why not: it has no process any more (nothing to drain),
                // or it restarted since it was seen (its new process is).
                Err(why) => match self.current(old).await {
                    None => return Drained::GONE,
                    Some(now) if now.pid != old.pid => drain::Connections::of(self.env.docker.as_ref(), &now, port),
                    Some(_) => Err(why),
                },
            },
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
            Err(_) if !warn_unseen => {
                self.status(&crate::t!("deploy-draining", container = &old.name, ms = ms_of(fixed)));
                None
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
            strategy: self.strategy,
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
                fault_point(FaultPoint::AfterBlueStop);
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
