//! Reconcile (DESIGN §3): repair what a crashed deploy left behind. Always
//! under the workload's deploy lock, so it never reaps the green of a deploy
//! in progress.

use anyhow::Result;
use serde::Serialize;
use serde_json::json;

use super::DeployEnv;
use crate::config::SourceConfig;
use crate::docker::labels;
use crate::events::{Severity, emit_event};
use crate::store::{Store, Workload};

/// What a reconcile did, for `berth reconcile` to print.
#[derive(Debug, Default, Clone, Serialize)]
pub struct ReconcileReport {
    pub workload: String,
    pub abandoned_deploys: Vec<i64>,
    pub started: Option<String>,
    pub removed: Vec<String>,
    /// The state row names a container that no longer exists.
    pub missing: Option<String>,
}

impl ReconcileReport {
    pub fn changed(&self) -> bool {
        !self.abandoned_deploys.is_empty() || self.started.is_some() || !self.removed.is_empty()
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
    let mut report = ReconcileReport {
        workload: name.to_owned(),
        ..Default::default()
    };

    // 1. A deploy left `running` by a dead process is abandoned.
    for dead in store.dead_running_deploys(workload.id)? {
        store.finish_deploy(dead.id, "abandoned", Some("the berth process running this deploy died"))?;
        emit_event(
            store,
            Some(workload.id),
            name,
            "deploy.abandoned",
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

    // 2. The state's container exists but is stopped (a crash mid-recreate): start it.
    let state = store.runtime_state(workload.id)?;
    let mut rename_back = None;
    let live_id = match &state {
        Some(s) => match docker.inspect(&s.container_id).await? {
            Some(info) => {
                if info.name != s.container_name {
                    // Parked by a recreate that died: it gets its name back
                    // once step 4 has removed the container holding it.
                    rename_back = Some((info.id.clone(), s.container_name.clone()));
                }
                if !info.running {
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
                Some(info.id)
            }
            None => {
                env.printer.warn(&format!(
                    "{name}: the runtime state names container {} ({}), which no longer exists; the next deploy \
                     replaces it",
                    s.container_name,
                    crate::docker::short(&s.container_id)
                ));
                report.missing = Some(s.container_name.clone());
                None
            }
        },
        None => None,
    };

    // 3. The route agrees with the state row (a crash between route write
    // and persist leaves the route on green while the state names blue).
    if let (Some(s), Some(id)) = (&state, &live_id)
        && !config.common.domains.is_empty()
        && let Some(mut live) = docker.inspect(id).await?
    {
        // Route to the name it is about to get back, not its parked one.
        live.name.clone_from(&s.container_name);
        let plan = env.router.preflight(name, &config.common.domains, s.route_id).await?;
        let target = super::route_target(env.router.as_ref(), name, config, &live)?;
        let route_id = env.router.point(name, &plan, &target).await?;
        if route_id != s.route_id {
            store.set_route_id(workload.id, route_id)?;
        }
    }

    // 4. Remove every container labelled for the workload that the state does not name.
    for c in docker.containers_with_label(labels::WORKLOAD, name).await? {
        if Some(&c.id) == live_id.as_ref() {
            continue;
        }
        docker.remove(&c.id).await?;
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
    if let Some((id, stable_name)) = rename_back
        && let Err(e) = docker.rename(&id, &stable_name).await
    {
        env.printer.warn(&format!(
            "{name}: could not give the live container its name `{stable_name}` back: {e:#}"
        ));
    }
    Ok(report)
}
