//! Swarm: the service berth creates and updates (docs/clusters.md §2).

use serde::Deserialize;
use serde_json::{Map, Value};

use super::common::check_docker_name;
use super::report::Report;
use super::{SWARM_KEYS, SWARM_UPDATE_KEYS};
use crate::config::Kind;
use crate::config::hints::shown;
use crate::msg;

/// More tasks than a single service sensibly runs; a typo guard.
const MAX_REPLICAS: u64 = 1000;

pub(super) fn check_swarm(report: &mut Report<'_>, kind: Kind, config: &Map<String, Value>, value: &Value) {
    if !matches!(kind, Kind::Image | Kind::Dockerfile) {
        report.error_hint(
            "swarm",
            msg!("config-swarm-kind", kind = kind.as_str()),
            Some(msg!("config-swarm-kind-fix")),
        );
        return;
    }
    let Some(swarm) = report.object("swarm", value, "{\"replicas\": 3}") else {
        return;
    };
    for key in swarm.keys() {
        if !SWARM_KEYS.contains(&key.as_str()) {
            report.unknown_key(&format!("swarm.{key}"), key, SWARM_KEYS, "swarm");
        }
    }
    if config
        .get("ports")
        .and_then(Value::as_array)
        .is_some_and(|p| !p.is_empty())
    {
        report.error_hint(
            "ports",
            msg!("config-swarm-ports"),
            Some(msg!("config-swarm-ports-fix")),
        );
    }
    if config.contains_key("network") {
        report.error_hint(
            "network",
            msg!("config-swarm-network"),
            Some(msg!("config-swarm-network-fix")),
        );
    }
    if let Some(v) = swarm.get("replicas") {
        report.integer("swarm.replicas", v, 0, MAX_REPLICAS);
    }
    if let Some(v) = swarm.get("placement")
        && let Some(items) = report.array("swarm.placement", v, "[\"node.role==worker\"]")
    {
        for (i, item) in items.iter().enumerate() {
            let path = format!("swarm.placement[{i}]");
            if let Some(c) = report.non_empty_string(&path, item)
                && !is_placement_constraint(c)
            {
                report.error_hint(
                    &path,
                    msg!("config-swarm-placement", value = shown(c)),
                    Some(msg!("config-swarm-placement-fix")),
                );
            }
        }
    }
    if let Some(v) = swarm.get("endpoint_mode") {
        report.one_of("swarm.endpoint_mode", v, &["vip", "dnsrr"]);
    }
    if let Some(v) = swarm.get("network") {
        check_docker_name(report, "swarm.network", v, "network");
    }
    let Some(update) = swarm.get("update") else {
        return;
    };
    let Some(update) = report.object("swarm.update", update, "{\"parallelism\": 1}") else {
        return;
    };
    for key in update.keys() {
        if !SWARM_UPDATE_KEYS.contains(&key.as_str()) {
            report.unknown_key(&format!("swarm.update.{key}"), key, SWARM_UPDATE_KEYS, "swarm.update");
        }
    }
    if let Some(v) = update.get("parallelism") {
        report.integer("swarm.update.parallelism", v, 1, MAX_REPLICAS);
    }
    if let Some(v) = update.get("delay_ms") {
        report.integer("swarm.update.delay_ms", v, 0, u64::MAX);
    }
    if let Some(v) = update.get("monitor_ms")
        && let Some(monitor) = report.integer("swarm.update.monitor_ms", v, 1, u64::MAX)
    {
        // Only a valid healthcheck has numbers to compare with.
        let healthcheck = config
            .get("healthcheck")
            .and_then(|h| crate::config::Healthcheck::deserialize(h).ok());
        let needed = crate::config::swarm_min_monitor_ms(healthcheck.as_ref());
        if monitor < needed {
            report.error_hint(
                "swarm.update.monitor_ms",
                msg!(
                    "config-swarm-monitor-short",
                    monitor = monitor.to_string(),
                    retries = crate::config::SWARM_HEALTH_RETRIES.to_string(),
                    needed = needed.to_string()
                ),
                Some(msg!("config-swarm-monitor-fix", needed = needed.to_string())),
            );
        }
    }
}

/// `node.role==worker`, `node.labels.zone != eu`: an attribute, `==` or
/// `!=`, a value.
fn is_placement_constraint(c: &str) -> bool {
    let split = c.split_once("==").or_else(|| c.split_once("!="));
    split.is_some_and(|(attr, value)| {
        let attr = attr.trim();
        !attr.is_empty()
            && !value.trim().is_empty()
            && attr
                .chars()
                .all(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '.' | '_' | '-'))
    })
}
