//! The one place that names containers and decides what goes on them.

use std::collections::HashMap;

use crate::config::{KindConfig, ResolvedSecrets, SourceConfig, Strategy};
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

/// A fresh name for a green container: `<workload>-<6 chars [a-z0-9]>`.
///
/// Workload names are at most 56 characters, so the result stays within the
/// 63 that Docker and DNS allow.
pub fn green_name(workload: &str) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let suffix: String = (0..6)
        .map(|_| char::from(ALPHABET[rand::random_range(0..ALPHABET.len())]))
        .collect();
    format!("{workload}-{suffix}")
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn green_name_is_the_workload_with_six_lowercase_alphanumerics() {
        let name = green_name("web");
        let suffix = name.strip_prefix("web-").expect("workload prefix");
        assert_eq!(suffix.len(), 6);
        assert!(suffix.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()));
        assert_ne!(green_name("web"), green_name("web"), "two greens, two names");
        let longest = "a".repeat(56);
        assert_eq!(green_name(&longest).len(), 63);
    }
}
