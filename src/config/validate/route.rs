//! Route and readiness: `domains`, `port`, `ports` and `healthcheck`.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use serde_json::{Map, Value};

use super::HEALTHCHECK_KEYS;
use super::report::Report;
use crate::config::Kind;
use crate::config::hints::shown;
use crate::i18n::Msg;
use crate::msg;

const MAX_DOMAINS: usize = 100;

pub(super) fn check_route(report: &mut Report<'_>, kind: Kind, config: &Map<String, Value>) {
    let has_domains = config.get("domains").is_some_and(|v| check_domains(report, v));
    // Only the HTTP probe needs the port; Docker's own health check does not.
    let has_healthcheck = config
        .get("healthcheck")
        .is_some_and(|h| h.get("mode").and_then(Value::as_str) != Some("docker"));
    match config.get("port") {
        Some(port) => {
            report.integer("port", port, 1, u64::from(u16::MAX));
        }
        // A static site's server listens on 80; other kinds must say.
        None if kind != Kind::Static && (has_domains || has_healthcheck) => {
            let id = match (has_domains, has_healthcheck) {
                (true, true) => "config-port-required-domains-healthcheck",
                (true, false) => "config-port-required-domains",
                _ => "config-port-required-healthcheck",
            };
            report.error_hint(
                "port",
                Msg::new(id),
                Some(msg!("config-add-example", example = "\"port\": 8080")),
            );
        }
        None => {}
    }
    if let Some(ports) = config.get("ports") {
        check_ports(report, ports);
    }
    if let Some(healthcheck) = config.get("healthcheck") {
        check_healthcheck(report, healthcheck);
    }
}

/// Returns whether the workload has at least one domain (a route).
fn check_domains(report: &mut Report<'_>, value: &Value) -> bool {
    let Some(domains) = report.array("domains", value, "[\"example.com\"]") else {
        return false;
    };
    if domains.len() > MAX_DOMAINS {
        report.error(
            "domains",
            msg!("config-too-many-domains", count = domains.len(), max = MAX_DOMAINS),
        );
    }
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, item) in domains.iter().enumerate() {
        let path = format!("domains[{i}]");
        let Some(domain) = report.string(&path, item) else {
            continue;
        };
        if let Err(why) = check_hostname(domain) {
            report.error(&path, msg!("config-not-a-domain", domain = shown(domain), why = why));
            continue;
        }
        match seen.entry(domain.to_ascii_lowercase()) {
            Entry::Occupied(first) => report.error_hint(
                &path,
                msg!("config-duplicate-domain", domain = shown(domain), first = *first.get()),
                Some(msg!("config-remove-duplicate")),
            ),
            Entry::Vacant(slot) => {
                slot.insert(i);
            }
        }
    }
    !domains.is_empty()
}

fn check_hostname(domain: &str) -> Result<(), Msg> {
    if domain.is_empty() {
        return Err(msg!("domain-empty"));
    }
    if domain.contains("://") || domain.contains('/') {
        return Err(msg!("domain-with-scheme"));
    }
    let host = domain.strip_prefix("*.").unwrap_or(domain);
    if host.is_empty() {
        return Err(msg!("domain-bare-wildcard"));
    }
    if host.len() > 253 {
        return Err(msg!("domain-too-long"));
    }
    for label in host.split('.') {
        if label.is_empty() {
            return Err(msg!("domain-empty-label"));
        }
        if label.len() > 63 {
            return Err(msg!("domain-label-too-long"));
        }
        if !label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(msg!("domain-bad-characters"));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(msg!("domain-label-hyphen"));
        }
    }
    Ok(())
}

fn check_ports(report: &mut Report<'_>, value: &Value) {
    let Some(ports) = report.array("ports", value, "[\"8080:80\"]") else {
        return;
    };
    for (i, item) in ports.iter().enumerate() {
        let path = format!("ports[{i}]");
        let Some(mapping) = report.string(&path, item) else {
            continue;
        };
        if !is_port_mapping(mapping) {
            report.error_hint(
                &path,
                msg!("config-not-a-port-mapping", mapping = shown(mapping)),
                Some(msg!("config-port-mapping-example")),
            );
        }
    }
}

fn is_port_mapping(s: &str) -> bool {
    let mapping = s.strip_suffix("/tcp").or_else(|| s.strip_suffix("/udp")).unwrap_or(s);
    mapping
        .split_once(':')
        .is_some_and(|(host, container)| is_port_number(host) && is_port_number(container))
}

fn is_port_number(s: &str) -> bool {
    (1..=5).contains(&s.len())
        && s.bytes().all(|b| b.is_ascii_digit())
        && s.parse::<u32>().is_ok_and(|p| (1..=65535).contains(&p))
}

fn check_healthcheck(report: &mut Report<'_>, value: &Value) {
    let Some(healthcheck) = report.object("healthcheck", value, "{\"path\": \"/health\"}") else {
        return;
    };
    for key in healthcheck.keys() {
        if !HEALTHCHECK_KEYS.contains(&key.as_str()) {
            report.unknown_key(&format!("healthcheck.{key}"), key, HEALTHCHECK_KEYS, "healthcheck");
        }
    }
    let mode = healthcheck.get("mode");
    if let Some(mode) = mode {
        report.one_of("healthcheck.mode", mode, &["http", "docker"]);
    }
    if mode.and_then(Value::as_str) == Some("docker") {
        // The container's own health check runs: nothing of berth's probe applies.
        for key in ["path", "interval_ms", "timeout_ms", "healthy_threshold"] {
            if healthcheck.contains_key(key) {
                report.error_hint(
                    &format!("healthcheck.{key}"),
                    msg!("config-http-only-field"),
                    Some(msg!("config-http-only-field-hint", key = key)),
                );
            }
        }
    } else {
        match healthcheck.get("path") {
            None => report.missing("healthcheck.path", msg!("what-probe-path"), "\"path\": \"/health\""),
            Some(path) => {
                if let Some(path) = report.string("healthcheck.path", path) {
                    check_probe_path(report, path);
                }
            }
        }
    }
    for (key, min) in [
        ("interval_ms", 1),
        ("timeout_ms", 1),
        ("deadline_ms", 1),
        ("start_period_ms", 0),
    ] {
        if let Some(v) = healthcheck.get(key) {
            report.integer(&format!("healthcheck.{key}"), v, min, u64::MAX);
        }
    }
    if let Some(v) = healthcheck.get("healthy_threshold") {
        report.integer("healthcheck.healthy_threshold", v, 1, u64::from(u32::MAX));
    }
}

fn check_probe_path(report: &mut Report<'_>, path: &str) {
    if !path.starts_with('/') {
        report.error_hint(
            "healthcheck.path",
            msg!("config-path-must-start-with-slash", path = shown(path)),
            Some(msg!("config-use", value = format!("\"/{}\"", shown(path)))),
        );
    } else if path.chars().any(|c| c.is_whitespace() || c.is_control()) {
        report.error("healthcheck.path", msg!("config-probe-path-spaces"));
    }
}
