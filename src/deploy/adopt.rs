//! Adoption (issue 18): the daemon is the shared truth for what runs, each
//! store one view of it. A deploy whose store names no live container for
//! the workload, while the daemon runs one that another store (or a berth
//! from before store ids) created, takes that container over as blue: a
//! blue-green deploy then replaces it with no downtime, instead of starting
//! beside it and leaving two running.

use anyhow::Result;
use serde_json::json;

use super::DeployEnv;
use crate::docker::{ContainerInfo, ContainerSummary, labels};
use crate::error::BerthError;
use crate::events::{DeployEventContext, Severity, emit_deploy_event};
use crate::store::{RuntimeState, Store, Workload, now_rfc3339};

/// A running container of the workload that another store created.
pub struct Foreign {
    pub container: ContainerInfo,
    /// The creating store's id; None for a berth older than store ids.
    pub store: Option<String>,
    /// The workload's other containers that this store did not create (a
    /// dead deploy's green, a parked old container): superseded once this
    /// deploy succeeds, and removed then.
    pub superseded: Vec<ContainerSummary>,
}

impl Foreign {
    /// `store 1a2b...` or `a berth without store ids`, for messages.
    pub fn owner(&self) -> crate::i18n::Msg {
        describe_store(self.store.as_deref())
    }
}

/// What a deploy's result says it adopted.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Adopted {
    pub container: String,
    /// The creating store's id; null for an older berth without store ids.
    pub store: Option<String>,
}

/// How a container's creator reads in messages.
pub fn describe_store(store: Option<&str>) -> crate::i18n::Msg {
    match store {
        Some(id) => crate::msg!("owner-store", store = id),
        None => crate::msg!("owner-older-berth"),
    }
}

/// Whether a labelled container was created by store `store_id`. Containers
/// without the store label (an older berth) are nobody's we can prove.
pub fn created_by(labels_of: &std::collections::HashMap<String, String>, store_id: &str) -> bool {
    labels_of.get(labels::STORE).map(String::as_str) == Some(store_id)
}

/// The running container of `workload` that another store created, when
/// this store's state names no existing container (never deployed here, or
/// replaced from elsewhere since). With several, the oldest: a deploy that
/// died beside it leaves a newer green that may never have passed its gate,
/// while the older one is the one that was serving.
pub async fn running_elsewhere(
    env: &DeployEnv,
    store_id: &str,
    workload: &str,
    state: Option<&RuntimeState>,
) -> Result<Option<Foreign>> {
    let docker = &env.docker;
    if let Some(s) = state
        && docker.inspect(&s.container_id).await?.is_some()
    {
        return Ok(None);
    }
    let others: Vec<ContainerSummary> = docker
        .containers_with_label(labels::WORKLOAD, workload)
        .await?
        .into_iter()
        .filter(|c| !created_by(&c.labels, store_id))
        .collect();
    let Some(oldest) = others
        .iter()
        .filter(|c| c.state == "running")
        .min_by_key(|c| c.created)
        .cloned()
    else {
        return Ok(None);
    };
    let Some(container) = docker.inspect(&oldest.id).await? else {
        return Ok(None);
    };
    Ok(Some(Foreign {
        store: container.labels.get(labels::STORE).cloned(),
        superseded: others.into_iter().filter(|c| c.id != oldest.id).collect(),
        container,
    }))
}

/// Takes `foreign` over as this store's live container: names it in the
/// runtime state (so the usual crash-safety rules protect it from here on)
/// and emits `deploy.adopted`. With `refuse` (`deploy --no-adopt`), fails
/// instead, naming the container and its store.
pub fn adopt(
    env: &DeployEnv,
    store: &Store,
    workload: &Workload,
    events: &DeployEventContext,
    foreign: &Foreign,
    refuse: bool,
) -> Result<()> {
    let name = &workload.name;
    let c = &foreign.container;
    if refuse {
        return Err(BerthError::AdoptionRefused(crate::msg!(
            "adopt-refused",
            workload = name,
            container = &c.name,
            owner = foreign.owner()
        ))
        .into());
    }
    env.printer.warn(&crate::t!(
        "adopt-adopting",
        workload = name,
        container = &c.name,
        owner = foreign.owner()
    ));
    let previous_route = store.runtime_state(workload.id)?.and_then(|s| s.route_id);
    store.persist_runtime_state(&RuntimeState {
        workload_id: workload.id,
        container_id: c.id.clone(),
        container_name: c.name.clone(),
        image_ref: c.image.clone(),
        strategy: events.strategy,
        deploy_id: None,
        route_id: previous_route,
        deployed_at: now_rfc3339(),
    })?;
    emit_deploy_event(
        store,
        events,
        "deploy.adopted",
        Severity::Warning,
        &format!("adopted {} (created by {}) as blue", c.name, foreign.owner()),
        Some(json!({
            "adopted_container": c.name,
            "from_store": foreign.store,
            "superseded": foreign.superseded.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(),
        })),
    )?;
    Ok(())
}

/// Takes over `service`, the workload's Swarm service that another store
/// (`from`; None: an older berth) created: warns and emits
/// `deploy.adopted`; the deploy then updates it, and its state row names
/// it. With `refuse` (`deploy --no-adopt`), fails instead.
pub fn adopt_service(
    env: &DeployEnv,
    store: &Store,
    workload: &Workload,
    events: &DeployEventContext,
    service: &str,
    from: Option<&str>,
    refuse: bool,
) -> Result<()> {
    let name = &workload.name;
    let owner = describe_store(from);
    if refuse {
        return Err(BerthError::AdoptionRefused(crate::msg!(
            "swarm-service-adopt-refused",
            workload = name,
            service = service,
            owner = owner
        ))
        .into());
    }
    env.printer.warn(&crate::t!(
        "swarm-service-adopting",
        workload = name,
        service = service,
        owner = describe_store(from)
    ));
    emit_deploy_event(
        store,
        events,
        "deploy.adopted",
        Severity::Warning,
        &format!("adopted service {service} (created by {owner}) to update it"),
        Some(json!({ "adopted_service": service, "from_store": from })),
    )?;
    Ok(())
}
