//! `berth workload rm NAME [--purge]`: the workload leaves the store; with
//! `--purge` its containers (or its compose stack) and its state leave the
//! daemon first, and so does its route where all of it is berth's (an
//! nginx file, a Caddy route); an NPM proxy host is never deleted (DESIGN
//! §9).

use std::collections::HashMap;

use anyhow::{Result, bail};

use super::{DeployEnv, Session, adopt, compose};
use crate::config::{ComposeConfig, KindConfig};
use crate::docker::{DaemonRef, labels};
use crate::error::RedactedFailure;
use crate::i18n::Context as _;
use crate::store::{Store, Workload};
use crate::{msg, t};

/// What removing a workload did.
#[derive(Debug, Clone, Default)]
pub struct Removed {
    /// The containers `--purge` removed, by name, in the daemon's order.
    pub containers: Vec<String>,
    /// Whether the workload had been deployed.
    pub was_deployed: bool,
}

/// Removes `workload` from `store`. A deployed workload is removed only
/// with `purge` (DESIGN §9), which first takes the stack down (compose),
/// removes the containers this store created and the one its state names,
/// and clears that state, all under the workload's deploy lock so a deploy
/// in progress is not pulled from under. `session` is called once, with
/// `purge` only, after the lock is taken. Progress, the compose output of a
/// failed `down` and each container left to another store go to the
/// session's printer.
///
/// Errors: the workload is deployed and `purge` is false (exit 1); another
/// deploy holds the lock (exit 5); the session cannot be made; the daemon
/// cannot be reached; `compose down` or a container removal fails (the
/// workload stays in the store); the store cannot be read or written.
pub async fn remove_workload(
    store: &Store,
    workload: &Workload,
    purge: bool,
    session: impl FnOnce() -> Result<Session>,
) -> Result<Removed> {
    let was_deployed = store.has_runtime_state(workload.id)?;
    if was_deployed && !purge {
        bail!(msg!("workload-rm-deployed", workload = &workload.name));
    }
    let containers = if purge {
        purge_from_daemon(store, workload, session).await?
    } else {
        Vec::new()
    };
    store.delete_workload(&workload.name)?;
    Ok(Removed {
        containers,
        was_deployed,
    })
}

/// The daemon side of `--purge`, under the deploy lock: returns the names
/// of the containers removed.
async fn purge_from_daemon(
    store: &Store,
    workload: &Workload,
    session: impl FnOnce() -> Result<Session>,
) -> Result<Vec<String>> {
    let _lock = store.lock_deploy(workload.id, &workload.name, false)?;
    // A config stored by an older berth with looser rules: still purged,
    // from the default daemon.
    let validated = workload.validate().ok();
    let daemon = validated
        .as_ref()
        .map(|v| v.config.common.daemon())
        .unwrap_or(DaemonRef::Default);
    let env = session()?.on(&daemon).await?;
    if let Some(v) = &validated
        && let KindConfig::Compose(c) = &v.config.source
    {
        // compose interpolates from berth's environment, where a
        // `from_env` secret may be: its output is shown masked.
        let mask = crate::config::resolve_secrets(&workload.name, &v.config)
            .map(|s| s.mask())
            .unwrap_or_default();
        compose_down(&env, &workload.name, c, &mask).await?;
    }
    let store_id = store.store_id()?;
    let live = store.runtime_state(workload.id)?.map(|s| s.container_id);
    let mut removed = Vec::new();
    let mut shared = false;
    for c in env
        .docker
        .containers_with_label(labels::WORKLOAD, &workload.name)
        .await?
    {
        if !purge_removes(&c.labels, &c.id, &store_id, live.as_deref()) {
            env.printer.warn(&t!(
                "workload-kept-foreign-container",
                workload = &workload.name,
                container = &c.name
            ));
            shared |= c.state == "running";
            continue;
        }
        env.docker.remove(&c.id).await?;
        removed.push(c.name);
    }
    if validated.as_ref().is_some_and(|v| v.config.common.swarm.is_some()) {
        match super::swarm::purge_service(&env, &store_id, &workload.name, live.as_deref()).await? {
            super::swarm::PurgedService::Removed(service) => removed.push(service),
            super::swarm::PurgedService::OtherStore => {
                env.printer.warn(&t!(
                    "workload-kept-foreign-container",
                    workload = &workload.name,
                    container = super::swarm::service_name(&workload.name)
                ));
                shared = true;
            }
            super::swarm::PurgedService::Absent => {}
        }
    }
    store.clear_runtime_state(workload.id)?;
    let routed = validated.as_ref().is_some_and(|v| !v.config.common.domains.is_empty());
    remove_route(&env, &workload.name, shared, routed).await;
    Ok(removed)
}

/// The workload's route goes with it where all of it is berth's (nginx,
/// Caddy); an NPM proxy host is kept (DESIGN §9), and so is any route while
/// another store's container of the workload still runs (it serves that
/// route). A failure only warns: the containers are gone already.
async fn remove_route(env: &DeployEnv, workload: &str, shared: bool, routed: bool) {
    if shared {
        if routed {
            env.printer
                .status(&t!("workload-route-kept-shared", workload = workload));
        }
        return;
    }
    match env.router.remove_route(workload).await {
        Ok(Some(route)) => env.printer.status(&t!("workload-route-removed", route = route)),
        Ok(None) if routed && env.router.name() == Some("npm") => {
            env.printer.status(&t!("workload-removed-route-note"))
        }
        Ok(None) => {}
        Err(e) if routed => env
            .printer
            .warn(&t!("workload-route-not-removed", workload = workload, reason = &e)),
        // No domains in its config: no route is expected, nor a warning.
        Err(_) => {}
    }
}

/// The stack is compose's: take it down the way it came up. A failure
/// shows compose's output (it may echo env values, so only on stderr).
async fn compose_down(
    env: &DeployEnv,
    workload: &str,
    config: &ComposeConfig,
    mask: &crate::config::SecretMask,
) -> Result<()> {
    if let Err(e) = compose::down(workload, config, env.docker.as_ref()).await {
        if let Some(f) = e.downcast_ref::<RedactedFailure>() {
            env.printer
                .diagnostic(&format!("{}\n", mask.apply(f.detail.trim_end())));
        }
        return Err(e).context_msg(msg!("workload-not-removed", workload = workload));
    }
    let project = compose::project_name(workload, config);
    env.printer.status(&t!("workload-compose-down", project = project));
    Ok(())
}

/// Whether `--purge` removes the container `id` with `labels_of`: this
/// store's containers and the one its state names (`live`, possibly
/// adopted); another store's containers are that store's to remove.
fn purge_removes(labels_of: &HashMap<String, String>, id: &str, store_id: &str, live: Option<&str>) -> bool {
    adopt::created_by(labels_of, store_id) || live == Some(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labelled_by(store: Option<&str>) -> HashMap<String, String> {
        store
            .map(|s| HashMap::from([(labels::STORE.to_owned(), s.to_owned())]))
            .unwrap_or_default()
    }

    #[test]
    fn purge_removes_this_stores_containers_and_the_live_one_only() {
        let ours = labelled_by(Some("store-a"));
        let theirs = labelled_by(Some("store-b"));
        let older_berth = labelled_by(None);
        assert!(purge_removes(&ours, "c1", "store-a", None));
        assert!(!purge_removes(&theirs, "c2", "store-a", None));
        assert!(!purge_removes(&older_berth, "c3", "store-a", Some("c1")));
        // Adopted: another store's, but this store's state runs it.
        assert!(purge_removes(&theirs, "c2", "store-a", Some("c2")));
        assert!(purge_removes(&older_berth, "c3", "store-a", Some("c3")));
    }
}
