//! Reconcile (DESIGN §3): repair what a crashed deploy left behind. Always
//! under the workload's deploy lock, so it never reaps the green of a deploy
//! in progress. It only ever stops or removes this store's containers:
//! another store sharing the daemon (issue 18) may be serving with its own,
//! which reconcile reports and leaves alone.

use anyhow::Result;
use serde::Serialize;
use serde_json::json;

use super::DeployEnv;
use super::adopt::{created_by, describe_store};
use crate::config::SourceConfig;
use crate::docker::{ContainerInfo, labels};
use crate::events::{Severity, emit_event};
use crate::store::{DeployStatus, Store, Workload};

/// What a reconcile did, for `berth reconcile` to print.
#[derive(Debug, Default, Clone, Serialize)]
pub struct ReconcileReport {
    pub workload: String,
    pub abandoned_deploys: Vec<i64>,
    /// Deploys of a Swarm service left `running` by a dead berth, finished
    /// `succeeded` or `failed` by what Swarm made of their update.
    pub finished_deploys: Vec<i64>,
    pub started: Option<String>,
    pub removed: Vec<String>,
    /// The state row names a container that no longer exists.
    pub missing: Option<String>,
    /// Containers of the workload another store (or an older berth without
    /// store ids) created: never stopped or removed here.
    pub other_stores: Vec<OtherStoreContainer>,
}

/// A container of the workload that this store did not create.
#[derive(Debug, Clone, Serialize)]
pub struct OtherStoreContainer {
    pub container: String,
    /// The creating store's id; null for an older berth without store ids.
    pub store: Option<String>,
    pub state: String,
}

impl ReconcileReport {
    pub fn changed(&self) -> bool {
        !self.abandoned_deploys.is_empty()
            || !self.finished_deploys.is_empty()
            || self.started.is_some()
            || !self.removed.is_empty()
    }
}

/// Reconciles one workload; the caller holds its deploy lock.
pub async fn reconcile_locked(
    env: &DeployEnv,
    store: &Store,
    workload: &Workload,
    config: &SourceConfig,
) -> Result<ReconcileReport> {
    let docker = &env.docker;
    let name = workload.name.as_str();
    let store_id = store.store_id()?;
    let mut report = ReconcileReport {
        workload: name.to_owned(),
        ..Default::default()
    };

    // 1. A deploy left `running` by a dead process is abandoned; a Swarm
    // update runs server-side, so its outcome is Swarm's when it is known.
    for dead in store.dead_running_deploys(workload.id)? {
        if config.common.swarm.is_some()
            && let Some((status, reason)) = super::swarm::outcome_of_dead_deploy(
                super::swarm::swarm_daemon(docker.as_ref())?,
                store,
                workload,
                &dead,
            )
            .await?
        {
            let failed = status == DeployStatus::Failed;
            store.finish_deploy(dead.id, status, failed.then_some(reason.as_str()))?;
            let severity = if failed { Severity::Error } else { Severity::Info };
            emit_event(
                store,
                Some(workload.id),
                name,
                status.event_action(),
                severity,
                &format!("deploy {} (its berth process died): {reason}", dead.id),
                &json!({ "workload_id": workload.id, "deploy_id": dead.id, "kind": workload.kind,
                         "strategy": dead.strategy, "reconciled": true }),
            )?;
            report.finished_deploys.push(dead.id);
            continue;
        }
        store.finish_deploy(
            dead.id,
            DeployStatus::Abandoned,
            Some("the berth process running this deploy died"),
        )?;
        emit_event(
            store,
            Some(workload.id),
            name,
            DeployStatus::Abandoned.event_action(),
            Severity::Warning,
            &format!(
                "deploy {} was interrupted (its berth process died); reconciled",
                dead.id
            ),
            &json!({ "workload_id": workload.id, "deploy_id": dead.id, "kind": workload.kind, "strategy": dead.strategy }),
        )?;
        report.abandoned_deploys.push(dead.id);
    }

    // Compose stacks are compose's: berth neither starts nor reaps their containers.
    if workload.kind == crate::config::Kind::Compose {
        return Ok(report);
    }

    // A Swarm service is Swarm's to keep running: only say when the
    // service the state names is gone.
    if config.common.swarm.is_some() {
        if let Some(s) = store.runtime_state(workload.id)?
            && super::swarm::swarm_daemon(docker.as_ref())?
                .service(&s.container_id)
                .await?
                .is_none()
        {
            env.printer.warn(&crate::t!(
                "reconcile-service-missing",
                workload = name,
                service = &s.container_name
            ));
            report.missing = Some(s.container_name.clone());
        }
        return Ok(report);
    }

    // 2. The state's container exists but is stopped (a crash mid-recreate):
    // start it. The new container the dead deploy left is stopped first, so
    // the two never run at once (they could share a volume or a host port);
    // it is removed only in step 4, once the route is off it.
    let state = store.runtime_state(workload.id)?;
    let live = match &state {
        Some(s) => match docker.inspect(&s.container_id).await? {
            Some(info) => Some(info),
            None => {
                env.printer.warn(&crate::t!(
                    "reconcile-live-container-gone",
                    workload = name,
                    container = &s.container_name,
                    id = crate::docker::short(&s.container_id)
                ));
                report.missing = Some(s.container_name.clone());
                None
            }
        },
        None => None,
    };
    let live_id = live.as_ref().map(|i| i.id.clone());
    if let (Some(s), Some(info)) = (&state, &live)
        && !info.running
    {
        for c in docker.containers_with_label(labels::WORKLOAD, name).await? {
            if Some(c.id.as_str()) != live_id.as_deref() && c.state == "running" && created_by(&c.labels, &store_id) {
                docker.stop(&c.id, config.common.stop_timeout_s).await?;
            }
        }
        docker.start(&info.id).await?;
        emit_event(
            store,
            Some(workload.id),
            name,
            "reconcile.started",
            Severity::Warning,
            &format!("started the live container {} again (it was stopped)", s.container_name),
            &json!({ "workload_id": workload.id, "container": s.container_name }),
        )?;
        report.started = Some(s.container_name.clone());
    }

    // 3. The route agrees with the state row (a crash between route write
    // and persist leaves the route on green while the state names blue).
    // When that moves the route, the proxy may still send requests to the
    // old target until its reload completes: drain before step 4 removes it.
    if let (Some(s), Some(id)) = (&state, &live_id)
        && !config.common.domains.is_empty()
        && let Some(mut live) = docker.inspect(id).await?
    {
        // Route to the name it gets back below, not a parked one.
        live.name.clone_from(&s.container_name);
        let plan = env.router.preflight(name, &config.common.domains, s.route_id).await?;
        let target = super::route_target(env.router.as_ref(), name, config, &live)?;
        let pointed = env.router.point(name, &plan, &target).await?;
        if pointed.route_id != s.route_id {
            store.set_route_id(workload.id, pointed.route_id)?;
        }
        if pointed.written && has_leftovers(env, &store_id, name, id).await? {
            super::drain_fixed(config, crate::msg!("reconcile-moved-off"), |msg| {
                env.printer.status(&format!("{name}: {msg}"));
            })
            .await;
        }
    }

    // 4. Remove every container labelled for the workload that the state
    // does not name; then the live one can have its stable name back.
    remove_leftovers(env, store, workload, live_id.as_deref(), &mut report).await?;
    if let (Some(s), Some(info)) = (&state, &live) {
        give_name_back(env, name, info, &s.container_name).await;
    }
    Ok(report)
}

/// Whether a container of this store labelled for the workload, other than
/// `keep`, runs.
async fn has_leftovers(env: &DeployEnv, store_id: &str, workload: &str, keep: &str) -> Result<bool> {
    let all = env.docker.containers_with_label(labels::WORKLOAD, workload).await?;
    Ok(all
        .iter()
        .any(|c| c.id != keep && c.state == "running" && created_by(&c.labels, store_id)))
}

/// Removes every container of this store labelled for the workload except
/// `keep`; reports (and keeps) the ones other stores created.
async fn remove_leftovers(
    env: &DeployEnv,
    store: &Store,
    workload: &Workload,
    keep: Option<&str>,
    report: &mut ReconcileReport,
) -> Result<()> {
    let name = workload.name.as_str();
    let store_id = store.store_id()?;
    for c in env.docker.containers_with_label(labels::WORKLOAD, name).await? {
        if Some(c.id.as_str()) == keep {
            continue;
        }
        if !created_by(&c.labels, &store_id) {
            let other = c.labels.get(labels::STORE).cloned();
            env.printer.warn(&crate::t!(
                "reconcile-foreign-container",
                workload = name,
                container = &c.name,
                state = &c.state,
                owner = describe_store(other.as_deref())
            ));
            report.other_stores.push(OtherStoreContainer {
                container: c.name,
                store: other,
                state: c.state,
            });
            continue;
        }
        env.docker.remove(&c.id).await?;
        emit_event(
            store,
            Some(workload.id),
            name,
            "reconcile.removed",
            Severity::Info,
            &format!("removed leftover container {} (not the live one)", c.name),
            &json!({ "workload_id": workload.id, "container": c.name }),
        )?;
        report.removed.push(c.name);
    }
    Ok(())
}

/// A recreate that died left the live container parked under another
/// name: rename it back once nothing else holds the name (cosmetic: a
/// failure only warns).
async fn give_name_back(env: &DeployEnv, workload: &str, live: &ContainerInfo, stable_name: &str) {
    let Ok(Some(now)) = env.docker.inspect(&live.id).await else {
        return;
    };
    if now.name == stable_name {
        return;
    }
    if let Err(e) = env.docker.rename(&live.id, stable_name).await {
        env.printer.warn(&crate::t!(
            "reconcile-rename-failed",
            workload = workload,
            container = stable_name,
            reason = &e
        ));
    }
}
