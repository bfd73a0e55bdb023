//! Validation of a workload's raw JSON config (DESIGN §2).
//!
//! Every check works on the raw JSON, so that each problem can name its JSON
//! path and all of a config's problems are reported at once. Only a config
//! without errors is turned into the typed [`SourceConfig`]; the checks here
//! are strict enough that this last step cannot fail.
//!
//! Env and build-arg values are secrets: no message here ever contains one.
//!
//! This file holds the entry points, the keys each kind accepts and the
//! rules that span fields (unknown keys, the effective strategy). The
//! checks live beside it: [`report`] collects the issues, [`route`] checks
//! domains, ports and the healthcheck, [`common`] the other fields every
//! kind accepts, [`swarm`] the Swarm service, [`kinds`] each kind's own.

mod common;
mod kinds;
mod report;
mod route;
mod swarm;

use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

use super::hints::{json_type_msg, shown};
use super::paths::path_key;
use super::strategy::{self, EffectiveStrategy, Strategy};
use super::{
    CommonConfig, ComposeConfig, ConfigIssue, DockerfileConfig, ImageConfig, Kind, KindConfig, SourceConfig,
    StaticConfig, Validated,
};
use crate::i18n::Msg;
use crate::msg;
use common::{check_container, check_daemon, check_env, check_timings};
use kinds::{check_compose, check_dockerfile, check_image, check_static, storage_volume};
use report::Report;
use route::check_route;
use swarm::check_swarm;

#[cfg(test)]
#[path = "../tests.rs"]
mod tests;

/// Keys every kind accepts.
const COMMON_KEYS: &[&str] = &[
    "deploy_strategy",
    "domains",
    "port",
    "ports",
    "env",
    "healthcheck",
    "liveness_window_ms",
    "network",
    "drain_ms",
    "drain_until_idle",
    "watch_ms",
    "stop_timeout_s",
    "init",
    "command",
    "labels",
    "memory",
    "cpus",
    "restart",
    "keep_artifacts",
    "docker_host",
    "docker_context",
    "swarm",
];

const SWARM_KEYS: &[&str] = &["replicas", "placement", "update", "endpoint_mode", "network"];
const SWARM_UPDATE_KEYS: &[&str] = &["parallelism", "delay_ms", "monitor_ms"];

const HEALTHCHECK_KEYS: &[&str] = &[
    "mode",
    "path",
    "interval_ms",
    "timeout_ms",
    "healthy_threshold",
    "start_period_ms",
    "deadline_ms",
];

const REGISTRY_AUTH_KEYS: &[&str] = &["username", "password_env"];

/// Keys only one kind accepts.
fn kind_keys(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Image => &["image", "pull", "registry_auth"],
        Kind::Dockerfile => &["context", "dockerfile", "build_args", "target"],
        Kind::Static => &["root", "server_image", "server_root", "runtime", "storage"],
        Kind::Compose => &["file", "project", "service"],
    }
}

/// Every key the validator knows, at any level, each once: the keys every
/// kind accepts, then those of `healthcheck` and `registry_auth`, each
/// kind's own (in [`Kind::ALL`] order), and those of `swarm` and
/// `swarm.update`. Where a key belongs is not said: `network`, say, is both
/// a top-level key and one of `swarm`. For tests that generate configs.
pub fn known_keys() -> Vec<&'static str> {
    let mut keys: Vec<&'static str> = Vec::new();
    let levels = [COMMON_KEYS, HEALTHCHECK_KEYS, REGISTRY_AUTH_KEYS]
        .into_iter()
        .chain(Kind::ALL.map(kind_keys))
        .chain([SWARM_KEYS, SWARM_UPDATE_KEYS]);
    for key in levels.flatten() {
        if !keys.contains(key) {
            keys.push(key);
        }
    }
    keys
}

const SECRET_MASK: &str = "********";

/// Validates the raw config of one workload and builds its typed form.
///
/// Returns every error found, or the typed config with its warnings.
pub fn validate(workload: &str, kind: Kind, raw: &Value) -> Result<Validated, Vec<ConfigIssue>> {
    let mut report = Report::new(workload);
    let Some(config) = raw.as_object() else {
        report.error_hint(
            "",
            msg!("config-not-an-object", got = json_type_msg(raw)),
            Some(msg!("config-write-as-object", example = example_config(kind))),
        );
        return Err(report.errors);
    };

    check_keys(&mut report, kind, config);
    if let Err(issue) = strategy::validate_strategy(workload, kind, config.get("deploy_strategy")) {
        report.errors.push(issue);
    }
    check_route(&mut report, kind, config);
    check_env(&mut report, config);
    check_container(&mut report, config);
    check_daemon(&mut report, config);
    if let Some(swarm) = config.get("swarm") {
        check_swarm(&mut report, kind, config, swarm);
    }
    check_timings(&mut report, config);
    match kind {
        Kind::Image => check_image(&mut report, config),
        Kind::Dockerfile => check_dockerfile(&mut report, config),
        Kind::Static => check_static(&mut report, config),
        Kind::Compose => check_compose(&mut report, config),
    }
    let strategy = check_strategy_fit(&mut report, kind, config);

    if !report.errors.is_empty() {
        return Err(report.errors);
    }
    match (typed(kind, raw), strategy) {
        (Ok(config), Some(strategy)) => Ok(Validated {
            config,
            strategy,
            warnings: report.warnings,
        }),
        // The serde error is left out on purpose: it can quote a value.
        // No strategy without an error cannot happen: validate_strategy
        // refuses every value check_strategy_fit does not resolve.
        _ => {
            report.error("", msg!("config-unreadable-bug"));
            Err(report.errors)
        }
    }
}

/// Builds the typed config from JSON that passed the checks above. The
/// serde types ignore keys of other kinds, so both halves read one object.
fn typed(kind: Kind, raw: &Value) -> Result<SourceConfig, serde_json::Error> {
    let common = CommonConfig::deserialize(raw)?;
    let source = match kind {
        Kind::Image => KindConfig::Image(ImageConfig::deserialize(raw)?),
        Kind::Dockerfile => KindConfig::Dockerfile(DockerfileConfig::deserialize(raw)?),
        Kind::Static => KindConfig::Static(StaticConfig::deserialize(raw)?),
        Kind::Compose => KindConfig::Compose(ComposeConfig::deserialize(raw)?),
    };
    Ok(SourceConfig { common, source })
}

/// Checks a workload name: `^[a-z0-9][a-z0-9-]{0,55}$`. The reason is a
/// message: people read it localized, JSON and the store English.
pub fn validate_workload_name(name: &str) -> Result<(), Msg> {
    const MAX_LEN: usize = 56;
    let why = if name.is_empty() {
        msg!("workload-name-empty")
    } else if name.len() > MAX_LEN {
        msg!(
            "workload-name-too-long",
            workload = shown(name),
            length = name.chars().count(),
            max = MAX_LEN
        )
    } else if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
    {
        msg!(
            "workload-name-bad-character",
            workload = shown(name),
            character = bad.escape_debug().to_string()
        )
    } else if name.starts_with('-') {
        msg!("workload-name-bad-start", workload = shown(name))
    } else {
        return Ok(());
    };
    Err(why)
}

/// A copy of `raw` with every plain `env` and `build_args` value masked,
/// keys kept: what `workload show` prints without `--show-secrets`.
/// References (`{"from_env": ..}`, `{"from_file": ..}`) hold no secret and
/// are shown as they are stored.
pub fn mask_secrets(raw: &Value) -> Value {
    let mut masked = raw.clone();
    if let Some(config) = masked.as_object_mut() {
        for key in ["env", "build_args"] {
            if let Some(Value::Object(secrets)) = config.get_mut(key) {
                for value in secrets.values_mut().filter(|v| !v.is_object()) {
                    *value = Value::String(SECRET_MASK.to_owned());
                }
            }
        }
    }
    masked
}

/// Parses a Docker memory size: bytes (`1024`, `1024b`) or a number with a
/// binary unit `k`, `m`, `g`, `t` (case-insensitive, optionally followed by
/// `b` or `ib`, as docker accepts: `512m`, `1.5g`, `256KiB`).
pub fn parse_memory(s: &str) -> Option<i64> {
    let s = s.trim().to_ascii_lowercase();
    let number_end = s.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(s.len());
    let (number, unit) = s.split_at(number_end);
    let unit = unit.strip_prefix(' ').unwrap_or(unit);
    let multiplier: i64 = match unit {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        "t" | "tb" | "tib" => 1 << 40,
        _ => return None,
    };
    if number.contains('.') {
        let value: f64 = number.parse().ok()?;
        let bytes = value * multiplier as f64;
        // `i64::MAX as f64` rounds up to 2^63, which itself does not fit.
        (bytes.is_finite() && bytes < i64::MAX as f64).then_some(bytes as i64)
    } else {
        number.parse::<i64>().ok()?.checked_mul(multiplier)
    }
}

/// `CommonConfig.memory`: a size string (`"512m"`) or a number of bytes.
pub(crate) fn deserialize_memory<'de, D>(d: D) -> Result<Option<i64>, D::Error>
where
    D: Deserializer<'de>,
{
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Memory {
        Bytes(i64),
        Size(String),
    }
    match Option::<Memory>::deserialize(d)? {
        None => Ok(None),
        Some(Memory::Bytes(bytes)) => Ok(Some(bytes)),
        Some(Memory::Size(size)) => parse_memory(&size).map(Some).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "invalid memory size `{}`: use e.g. \"512m\" or \"1g\"",
                shown(&size)
            ))
        }),
    }
}

// ---------------------------------------------------------------------------
// Keys

fn check_keys(report: &mut Report<'_>, kind: Kind, config: &Map<String, Value>) {
    let allowed: Vec<&str> = COMMON_KEYS.iter().chain(kind_keys(kind)).copied().collect();
    for key in config.keys() {
        if allowed.contains(&key.as_str()) {
            continue;
        }
        let owner = Kind::ALL
            .into_iter()
            .find(|other| kind_keys(*other).contains(&key.as_str()));
        match owner {
            Some(owner) => report.error_hint(
                key,
                msg!(
                    "config-field-of-other-kind",
                    key = key,
                    section = msg!("config-section-workload", kind = kind.as_str()),
                    owner = owner.as_str()
                ),
                Some(msg!(
                    "config-field-of-other-kind-hint",
                    key = key,
                    owner = owner.as_str()
                )),
            ),
            None => report.unknown_key(
                key,
                key,
                &allowed,
                msg!("config-section-workload", kind = kind.as_str()),
            ),
        }
    }
}

// ---------------------------------------------------------------------------
// Rules that depend on the effective strategy

/// Checks the rules that depend on the effective strategy and returns it:
/// the one resolution a validated config carries ([`Validated::strategy`]).
/// None only for a `deploy_strategy` validate_strategy already refused.
fn check_strategy_fit(report: &mut Report<'_>, kind: Kind, config: &Map<String, Value>) -> Option<EffectiveStrategy> {
    let requested = match config.get("deploy_strategy") {
        None => "",
        Some(Value::String(s)) if matches!(s.as_str(), "" | "recreate" | "blue-green") => s.as_str(),
        // Already reported by validate_strategy.
        Some(_) => return None,
    };
    let volume = if kind == Kind::Static {
        storage_volume(config)
    } else {
        None
    };
    let effective = strategy::resolve(kind, requested, volume);
    if let (true, Some(volume)) = (effective.forced, volume) {
        report.warning(
            "deploy_strategy",
            msg!("config-forced-recreate", volume = shown(volume)),
            Some(msg!("config-forced-recreate-hint")),
        );
    }
    let publishes_ports = config
        .get("ports")
        .and_then(Value::as_array)
        .is_some_and(|ports| !ports.is_empty());
    if effective.strategy == Strategy::BlueGreen && publishes_ports {
        report.error(
            "ports",
            msg!("config-ports-blue-green", reason = effective.reason.clone()),
        );
    }
    Some(effective)
}

// ---------------------------------------------------------------------------
// Small helpers

fn example_config(kind: Kind) -> String {
    let (key, value) = match path_key(kind) {
        Some(key) => (key, "./path"),
        None => ("image", "nginx:1.27"),
    };
    format!("{{\"{key}\": \"{value}\"}}")
}
