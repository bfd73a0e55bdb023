//! The one place that names containers and decides what goes on them.

use std::collections::HashMap;

use crate::config::{KindConfig, ResolvedSecrets, SourceConfig, Strategy, green_name};
use crate::docker::{ContainerSpec, labels};

/// The container name for a new container of `workload`: the stable name
/// with recreate, a unique `<workload>-<6 chars>` with blue-green (so blue
/// keeps its name and serves while green starts beside it).
pub fn new_container_name(workload: &str, strategy: Strategy) -> String {
    match strategy {
        Strategy::Recreate => workload.to_owned(),
        Strategy::BlueGreen => green_name(workload),
    }
}

/// Where recreate parks the old container while the new one takes the
/// stable name. Still labelled, still named by the state row until persist.
pub fn parked_name(workload: &str) -> String {
    format!("{}-old", green_name(workload))
}

/// Where recreate parks a failed new container while the old one gets the
/// stable name back (it is removed once the route is back on the old one).
pub fn failed_name(workload: &str) -> String {
    format!("{}-failed", green_name(workload))
}

/// What goes on a new container of `workload`. `store_id` is the creating
/// store's id (the `berth.store` label): reconcile in another store sharing
/// the daemon leaves the container alone.
#[allow(clippy::too_many_arguments)]
pub fn container_spec(
    workload: &str,
    store_id: &str,
    config: &SourceConfig,
    secrets: &ResolvedSecrets,
    image_id: &str,
    name: &str,
    deploy_id: i64,
    strategy: Strategy,
) -> ContainerSpec {
    let common = &config.common;
    let mut all_labels: HashMap<String, String> = common.labels.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    all_labels.insert(labels::WORKLOAD.to_owned(), workload.to_owned());
    all_labels.insert(labels::DEPLOY.to_owned(), deploy_id.to_string());
    all_labels.insert(labels::MANAGED.to_owned(), "true".to_owned());
    all_labels.insert(labels::STORE.to_owned(), store_id.to_owned());
    let volume = match &config.source {
        KindConfig::Static(s) if s.storage_backed() => s.storage.clone().map(|v| (v, "/data".to_owned())),
        _ => None,
    };
    ContainerSpec {
        name: name.to_owned(),
        image: image_id.to_owned(),
        env: secrets.env.iter().map(|(k, v)| format!("{k}={v}")).collect(),
        command: common.command.clone(),
        labels: all_labels,
        network: common.network.clone(),
        init: common.init,
        memory: common.memory,
        nano_cpus: common.cpus.map(|c| (c * 1e9) as i64),
        restart: common.restart.clone(),
        // Two containers cannot bind one host port: validation allows
        // `ports` only where the strategy is recreate.
        ports: if strategy == Strategy::Recreate {
            common.ports.clone()
        } else {
            Vec::new()
        },
        volume,
        stop_timeout_s: common.stop_timeout_s,
    }
}
