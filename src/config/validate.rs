//! Validation of a workload's raw JSON config (DESIGN §2).
//!
//! Every check works on the raw JSON, so that each problem can name its JSON
//! path and all of a config's problems are reported at once. Only a config
//! without errors is turned into the typed [`SourceConfig`]; the checks here
//! are strict enough that this last step cannot fail.
//!
//! Env and build-arg values are secrets: no message here ever contains one.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::path::{Component, Path};

use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

use super::hints::{did_you_mean, json_type_msg, shown};
use super::paths::path_key;
use super::strategy::{self, Strategy};
use super::{
    CommonConfig, ComposeConfig, ConfigIssue, DockerfileConfig, ImageConfig, Kind, KindConfig, SourceConfig,
    StaticConfig, Validated,
};
use crate::i18n::{Arg, Msg};
use crate::msg;

#[cfg(test)]
#[path = "tests.rs"]
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
/// More tasks than a single service sensibly runs; a typo guard.
const MAX_REPLICAS: u64 = 1000;

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

const MAX_DOMAINS: usize = 100;
/// Docker refuses a memory limit below 6 MiB.
const MIN_MEMORY: i64 = 6 * 1024 * 1024;
const MAX_CPUS: f64 = 1024.0;
const MAX_STOP_TIMEOUT_S: u64 = 3600;
const MAX_KEEP_ARTIFACTS: u64 = 100;
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
    check_strategy_fit(&mut report, kind, config);

    if !report.errors.is_empty() {
        return Err(report.errors);
    }
    match typed(kind, raw) {
        Ok(config) => Ok(Validated {
            config,
            warnings: report.warnings,
        }),
        // The serde error is left out on purpose: it can quote a value.
        Err(_) => {
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

/// Checks a workload name: `^[a-z0-9][a-z0-9-]{0,55}$`.
pub fn validate_workload_name(name: &str) -> Result<(), String> {
    const MAX_LEN: usize = 56;
    let why = if name.is_empty() {
        "a workload name must not be empty".to_owned()
    } else if name.len() > MAX_LEN {
        format!(
            "workload name `{}` is {} characters long; at most {MAX_LEN} are allowed \
             (leaving room for the 7-character green suffix within Docker's and DNS's 63)",
            shown(name),
            name.chars().count()
        )
    } else if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
    {
        format!(
            "workload name `{}` contains `{}`: use lowercase letters, digits and hyphens",
            shown(name),
            bad.escape_debug()
        )
    } else if name.starts_with('-') {
        format!(
            "workload name `{}` must start with a lowercase letter or a digit",
            shown(name)
        )
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
// Collecting issues

/// The errors and warnings of one config, all naming its workload.
struct Report<'a> {
    workload: &'a str,
    errors: Vec<ConfigIssue>,
    warnings: Vec<ConfigIssue>,
}

impl<'a> Report<'a> {
    fn new(workload: &'a str) -> Self {
        Report {
            workload,
            errors: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// Every message is a [`Msg`]: English in JSON and the editor, in the
    /// language of human output on stderr.
    fn error(&mut self, path: &str, message: Msg) {
        self.error_hint(path, message, None);
    }

    fn error_hint(&mut self, path: &str, message: Msg, suggestion: Option<Msg>) {
        let issue = ConfigIssue::localizable(self.workload, path, message, suggestion);
        self.errors.push(issue);
    }

    fn warning(&mut self, path: &str, message: Msg, suggestion: Option<Msg>) {
        let issue = ConfigIssue::localizable(self.workload, path, message, suggestion);
        self.warnings.push(issue);
    }

    /// A required key is missing.
    fn missing(&mut self, path: &str, what: Msg, example: &str) {
        self.error_hint(
            path,
            msg!("config-is-required", what = what),
            Some(msg!("config-add-example", example = example)),
        );
    }

    // Typed readers: each reports a value of the wrong type and returns the
    // value only when it has the right one.

    fn string<'v>(&mut self, path: &str, value: &'v Value) -> Option<&'v str> {
        let s = value.as_str();
        if s.is_none() {
            self.error_hint(path, msg!("config-must-be-string", got = json_type_msg(value)), None);
        }
        s
    }

    fn non_empty_string<'v>(&mut self, path: &str, value: &'v Value) -> Option<&'v str> {
        let s = self.string(path, value)?;
        if s.is_empty() {
            self.error_hint(path, msg!("config-must-not-be-empty"), None);
            return None;
        }
        Some(s)
    }

    fn object<'v>(&mut self, path: &str, value: &'v Value, like: &str) -> Option<&'v Map<String, Value>> {
        let object = value.as_object();
        if object.is_none() {
            self.error_hint(
                path,
                msg!("config-must-be-object", like = like, got = json_type_msg(value)),
                None,
            );
        }
        object
    }

    fn array<'v>(&mut self, path: &str, value: &'v Value, like: &str) -> Option<&'v Vec<Value>> {
        let array = value.as_array();
        if array.is_none() {
            self.error_hint(
                path,
                msg!("config-must-be-array", like = like, got = json_type_msg(value)),
                None,
            );
        }
        array
    }

    fn boolean(&mut self, path: &str, value: &Value) {
        if !value.is_boolean() {
            self.error_hint(path, msg!("config-must-be-bool", got = json_type_msg(value)), None);
        }
    }

    /// An integer within `min..=max` (`u64::MAX`: no upper bound).
    fn integer(&mut self, path: &str, value: &Value, min: u64, max: u64) -> Option<u64> {
        // Numbers as text: Fluent would group the digits of 65535.
        let range = if max == u64::MAX {
            msg!("config-range-at-least", min = min.to_string())
        } else {
            msg!("config-range-between", min = min.to_string(), max = max.to_string())
        };
        let Some(number) = value.as_number() else {
            let got = json_type_msg(value);
            self.error_hint(path, msg!("config-must-be-integer", range = range, got = got), None);
            return None;
        };
        let id = match number.as_u64() {
            Some(n) if (min..=max).contains(&n) => return Some(n),
            Some(_) => "config-must-be-in-range",
            None if number.is_i64() => "config-must-be-in-range-not-negative",
            None => "config-must-be-whole-in-range",
        };
        self.error_hint(path, Msg::new(id).arg("range", range), None);
        None
    }

    /// A string among `allowed`, with a did-you-mean when one is close.
    fn one_of(&mut self, path: &str, value: &Value, allowed: &[&str]) {
        let Some(s) = self.string(path, value) else {
            return;
        };
        if !allowed.contains(&s) {
            self.error_hint(
                path,
                msg!("config-not-one-of", value = shown(s), allowed = quoted_list(allowed)),
                did_you_mean(s, allowed).map(|c| msg!("config-did-you-mean-value", candidate = c)),
            );
        }
    }

    /// A key that is not in `allowed`.
    /// `section` names where the key was found: a message, or a key name
    /// as it is (`"healthcheck"`).
    fn unknown_key(&mut self, path: &str, key: &str, allowed: &[&str], section: impl Into<Arg>) {
        let section: Arg = section.into();
        let suggestion = match did_you_mean(key, allowed) {
            Some(close) => msg!("config-did-you-mean-key", candidate = close),
            None => msg!(
                "config-fields-are",
                section = section.clone(),
                fields = allowed.join(", ")
            ),
        };
        self.error_hint(
            path,
            msg!("config-unknown-field", key = shown(key), section = section),
            Some(suggestion),
        );
    }

    /// An absolute path that must exist on this host as a directory or a file.
    /// Returns it when it does.
    fn existing_path<'v>(&mut self, path: &str, value: &'v str, want: HostEntry) -> Option<&'v Path> {
        if value.is_empty() {
            self.error(path, msg!("config-must-not-be-empty"));
            return None;
        }
        let host_path = Path::new(value);
        if !host_path.is_absolute() {
            self.error(path, msg!("config-path-not-absolute", path = shown(value)));
            return None;
        }
        let (not_a, missing) = match want {
            HostEntry::Directory => ("config-not-a-directory", "config-directory-missing"),
            HostEntry::File => ("config-not-a-file", "config-file-missing"),
        };
        match (std::fs::metadata(host_path), want) {
            (Ok(meta), HostEntry::Directory) if meta.is_dir() => Some(host_path),
            (Ok(meta), HostEntry::File) if meta.is_file() => Some(host_path),
            (Ok(_), _) => {
                self.error(path, Msg::new(not_a).arg("path", shown(value)));
                None
            }
            (Err(e), _) if e.kind() == std::io::ErrorKind::NotFound => {
                self.error(path, Msg::new(missing).arg("path", shown(value)));
                None
            }
            (Err(e), _) => {
                self.error(
                    path,
                    msg!("config-path-unreadable", path = shown(value), reason = e.to_string()),
                );
                None
            }
        }
    }
}

/// What a host path must be.
#[derive(Clone, Copy)]
enum HostEntry {
    Directory,
    File,
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
// Route and readiness: domains, port, ports, healthcheck

fn check_route(report: &mut Report<'_>, kind: Kind, config: &Map<String, Value>) {
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

// ---------------------------------------------------------------------------
// Environment (values are secrets)

fn check_env(report: &mut Report<'_>, config: &Map<String, Value>) {
    let Some(value) = config.get("env") else {
        return;
    };
    let Some(env) = report.object("env", value, "{\"NAME\": \"value\"}") else {
        return;
    };
    for (key, value) in env {
        let path = format!("env.{key}");
        if let Some(why) = env_name_problem(key) {
            report.error(&path, why);
        }
        check_secret_value(report, &path, value);
    }
}

/// The keys a secret reference may have: exactly one of them.
const SECRET_REF_KEYS: &[&str] = &["from_env", "from_file"];

/// An `env` or `build_args` value: a string, or a reference
/// `{"from_env": "VAR"}` / `{"from_file": "/absolute/path"}` (DESIGN §9).
/// Only the shape is checked here: the variable or file must exist where
/// the deploy runs, which `resolve_secrets` checks then.
fn check_secret_value(report: &mut Report<'_>, path: &str, value: &Value) {
    let like = "\"value\", {\"from_env\": \"VAR\"} or {\"from_file\": \"/run/secrets/name\"}";
    let reference = match value {
        Value::String(_) => return,
        Value::Object(reference) => reference,
        other => {
            report.error_hint(
                path,
                msg!("secret-value-type", got = json_type_msg(other)),
                Some(msg!("secret-value-type-hint", like = like)),
            );
            return;
        }
    };
    for key in reference.keys().filter(|k| !SECRET_REF_KEYS.contains(&k.as_str())) {
        report.unknown_key(
            &format!("{path}.{key}"),
            key,
            SECRET_REF_KEYS,
            msg!("config-section-secret-reference"),
        );
    }
    let present: Vec<&str> = SECRET_REF_KEYS
        .iter()
        .copied()
        .filter(|k| reference.contains_key(*k))
        .collect();
    match present.as_slice() {
        [] if reference.is_empty() => report.error_hint(
            path,
            msg!("secret-empty-ref"),
            Some(msg!("secret-write-as", like = like)),
        ),
        [] => {}
        [_, _, ..] => report.error_hint(path, msg!("secret-both-sources"), Some(msg!("secret-keep-one"))),
        ["from_env"] => {
            let key_path = format!("{path}.from_env");
            if let Some(Some(why)) = report.string(&key_path, &reference["from_env"]).map(env_name_problem) {
                report.error_hint(&key_path, why, Some(msg!("secret-name-the-variable")));
            }
        }
        [_] => {
            let key_path = format!("{path}.from_file");
            if let Some(file) = report.non_empty_string(&key_path, &reference["from_file"])
                && !Path::new(file).is_absolute()
            {
                report.error_hint(
                    &key_path,
                    msg!("secret-file-not-absolute", file = shown(file)),
                    Some(msg!("secret-file-example")),
                );
            }
        }
    }
}

/// Why `name` cannot be an environment variable name. Never quotes the name,
/// since `registry_auth.password_env` may hold a password by mistake.
fn env_name_problem(name: &str) -> Option<Msg> {
    let mut chars = name.chars();
    let Some(first) = chars.next() else {
        return Some(msg!("env-name-empty"));
    };
    if name.contains('=') {
        Some(msg!("env-name-equals"))
    } else if name.contains('\0') {
        Some(msg!("env-name-nul"))
    } else if !(first.is_ascii_alphabetic() || first == '_') || !chars.all(|c| c.is_ascii_alphanumeric() || c == '_') {
        Some(msg!("env-name-invalid"))
    } else {
        None
    }
}

// ---------------------------------------------------------------------------
// Container: network, init, command, labels, memory, cpus, restart

fn check_container(report: &mut Report<'_>, config: &Map<String, Value>) {
    if let Some(v) = config.get("network") {
        check_docker_name(report, "network", v, "network");
    }
    if let Some(v) = config.get("init") {
        report.boolean("init", v);
    }
    if let Some(v) = config.get("command") {
        check_command(report, v);
    }
    if let Some(v) = config.get("labels") {
        check_labels(report, v);
    }
    if let Some(v) = config.get("memory") {
        check_memory(report, v);
    }
    if let Some(v) = config.get("cpus") {
        check_cpus(report, v);
    }
    if let Some(v) = config.get("restart") {
        check_restart(report, v);
    }
}

// ---------------------------------------------------------------------------
// Daemon: docker_host | docker_context (DESIGN §8)

fn check_daemon(report: &mut Report<'_>, config: &Map<String, Value>) {
    let host = config.get("docker_host");
    let context = config.get("docker_context");
    if host.is_some() && context.is_some() {
        report.error_hint(
            "docker_context",
            msg!("config-daemon-named-twice"),
            Some(msg!("config-daemon-named-twice-hint")),
        );
    }
    if let Some(v) = host
        && let Some(url) = report.non_empty_string("docker_host", v)
        && let Err(e) = crate::docker::endpoint::parse_host(url)
    {
        report.error_hint(
            "docker_host",
            e.downcast_ref::<crate::i18n::Msg>()
                .cloned()
                .unwrap_or_else(|| msg!("verbatim", text = format!("{e:#}"))),
            Some(msg!("config-docker-host-example")),
        );
    }
    if let Some(v) = context
        && let Some(name) = report.non_empty_string("docker_context", v)
        && !is_docker_name(name)
    {
        report.error_hint(
            "docker_context",
            msg!("config-docker-context-invalid", name = shown(name)),
            Some(msg!("config-docker-context-hint")),
        );
    }
}

// ---------------------------------------------------------------------------
// Swarm: the service berth creates and updates (docs/clusters.md §2)

fn check_swarm(report: &mut Report<'_>, kind: Kind, config: &Map<String, Value>, value: &Value) {
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

/// A Docker network or volume name: `^[a-zA-Z0-9][a-zA-Z0-9_.-]*$`.
/// `what` is `network` or `volume`.
fn check_docker_name(report: &mut Report<'_>, path: &str, value: &Value, what: &str) {
    let Some(name) = report.non_empty_string(path, value) else {
        return;
    };
    if !is_docker_name(name) {
        report.error(path, msg!("config-not-a-docker-name", name = shown(name), what = what));
    }
}

fn is_docker_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

fn check_command(report: &mut Report<'_>, value: &Value) {
    let Some(command) = report.array("command", value, "[\"bin/server\", \"--port\", \"8080\"]") else {
        return;
    };
    if command.is_empty() {
        report.error_hint(
            "command",
            msg!("config-must-not-be-empty"),
            Some(msg!("config-command-leave-out")),
        );
    }
    for (i, arg) in command.iter().enumerate() {
        report.string(&format!("command[{i}]"), arg);
    }
}

fn check_labels(report: &mut Report<'_>, value: &Value) {
    let Some(labels) = report.object("labels", value, "{\"team\": \"web\"}") else {
        return;
    };
    for (key, value) in labels {
        let path = format!("labels.{key}");
        if key.is_empty() {
            report.error(&path, msg!("config-label-key-empty"));
        } else if key.starts_with("berth.") {
            report.error_hint(
                &path,
                msg!("config-label-reserved"),
                Some(msg!("config-label-other-prefix")),
            );
        }
        report.string(&path, value);
    }
}

fn check_memory(report: &mut Report<'_>, value: &Value) {
    let hint = || Some(msg!("config-memory-hint"));
    let bytes = match value {
        Value::String(size) => match parse_memory(size) {
            Some(bytes) => bytes,
            None => {
                report.error_hint("memory", msg!("config-not-a-memory-size", size = shown(size)), hint());
                return;
            }
        },
        Value::Number(n) => match n.as_i64() {
            Some(bytes) => bytes,
            None if n.is_u64() => {
                report.error_hint("memory", msg!("config-memory-too-large"), hint());
                return;
            }
            None => {
                report.error_hint("memory", msg!("config-memory-whole-bytes"), hint());
                return;
            }
        },
        other => {
            report.error_hint("memory", msg!("config-memory-type", got = json_type_msg(other)), hint());
            return;
        }
    };
    if bytes < MIN_MEMORY {
        report.error("memory", msg!("config-memory-too-small"));
    }
}

fn check_cpus(report: &mut Report<'_>, value: &Value) {
    match value.as_f64() {
        Some(cpus) if cpus > 0.0 && cpus <= MAX_CPUS => {}
        Some(_) => report.error("cpus", msg!("config-cpus-range", max = MAX_CPUS.to_string())),
        None => report.error("cpus", msg!("config-cpus-type", got = json_type_msg(value))),
    }
}

fn check_restart(report: &mut Report<'_>, value: &Value) {
    const POLICIES: &[&str] = &["no", "always", "unless-stopped", "on-failure"];
    let Some(policy) = report.string("restart", value) else {
        return;
    };
    let retries_ok = policy
        .strip_prefix("on-failure:")
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) && n.parse::<u32>().is_ok());
    if !POLICIES.contains(&policy) && !retries_ok {
        report.error_hint(
            "restart",
            msg!("config-not-a-restart-policy", policy = shown(policy)),
            did_you_mean(policy, POLICIES).map(|c| msg!("config-did-you-mean-value", candidate = c)),
        );
    }
}

// ---------------------------------------------------------------------------
// Timings and retention

fn check_timings(report: &mut Report<'_>, config: &Map<String, Value>) {
    for (key, max) in [
        ("liveness_window_ms", u64::MAX),
        ("drain_ms", u64::MAX),
        ("stop_timeout_s", MAX_STOP_TIMEOUT_S),
        ("keep_artifacts", MAX_KEEP_ARTIFACTS),
    ] {
        if let Some(v) = config.get(key) {
            report.integer(key, v, 0, max);
        }
    }
    if let Some(v) = config.get("drain_until_idle") {
        report.boolean("drain_until_idle", v);
    }
}

// ---------------------------------------------------------------------------
// Per kind

fn check_image(report: &mut Report<'_>, config: &Map<String, Value>) {
    match config.get("image") {
        None => report.missing("image", msg!("what-image"), "\"image\": \"ghcr.io/acme/web:1.4\""),
        Some(v) => check_reference_field(report, "image", v),
    }
    if let Some(v) = config.get("pull") {
        report.one_of("pull", v, &["always", "missing"]);
    }
    if let Some(v) = config.get("registry_auth") {
        check_registry_auth(report, v);
    }
}

fn check_reference_field(report: &mut Report<'_>, path: &str, value: &Value) {
    let Some(reference) = report.non_empty_string(path, value) else {
        return;
    };
    if let Err(why) = super::ImageRef::split(reference).validate(reference) {
        report.error_hint(
            path,
            msg!("config-not-a-reference", reference = shown(reference), why = why),
            Some(msg!("config-reference-example")),
        );
    }
}

fn check_registry_auth(report: &mut Report<'_>, value: &Value) {
    let like = "{\"username\": \"ci\", \"password_env\": \"REGISTRY_PASSWORD\"}";
    let Some(auth) = report.object("registry_auth", value, like) else {
        return;
    };
    for key in auth.keys() {
        let path = format!("registry_auth.{key}");
        if REGISTRY_AUTH_KEYS.contains(&key.as_str()) {
            continue;
        }
        if matches!(key.as_str(), "password" | "token" | "secret") {
            report.error_hint(
                &path,
                msg!("config-no-registry-passwords"),
                Some(msg!("config-no-registry-passwords-hint", key = key)),
            );
        } else {
            report.unknown_key(&path, key, REGISTRY_AUTH_KEYS, "registry_auth");
        }
    }
    match auth.get("username") {
        None => report.missing(
            "registry_auth.username",
            msg!("what-registry-user"),
            "\"username\": \"ci\"",
        ),
        Some(v) => {
            report.non_empty_string("registry_auth.username", v);
        }
    }
    match auth.get("password_env") {
        None => report.missing(
            "registry_auth.password_env",
            msg!("what-password-env"),
            "\"password_env\": \"REGISTRY_PASSWORD\"",
        ),
        Some(v) => {
            if let Some(Some(why)) = report.string("registry_auth.password_env", v).map(env_name_problem) {
                report.error_hint(
                    "registry_auth.password_env",
                    msg!("config-password-env-name", why = why),
                    Some(msg!("config-password-env-example")),
                );
            }
        }
    }
}

fn check_dockerfile(report: &mut Report<'_>, config: &Map<String, Value>) {
    let context = match config.get("context") {
        None => {
            report.missing(
                "context",
                msg!("what-build-context"),
                "\"context\": \".\" (relative paths are resolved at `workload add`/`set`)",
            );
            None
        }
        Some(v) => report
            .string("context", v)
            .and_then(|dir| report.existing_path("context", dir, HostEntry::Directory)),
    };
    if let Some(v) = config.get("dockerfile")
        && let Some(file) = report.non_empty_string("dockerfile", v)
    {
        check_dockerfile_path(report, file, context);
    }
    if let Some(v) = config.get("build_args") {
        check_build_args(report, v);
    }
    if let Some(v) = config.get("target")
        && let Some(target) = report.non_empty_string("target", v)
        && target.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        report.error("target", msg!("config-target-spaces"));
    }
}

/// `dockerfile` is relative to the context and stays inside it.
fn check_dockerfile_path(report: &mut Report<'_>, file: &str, context: Option<&Path>) {
    let relative = Path::new(file);
    if relative.is_absolute() {
        report.error("dockerfile", msg!("config-dockerfile-absolute", file = shown(file)));
        return;
    }
    if relative.components().any(|c| c == Component::ParentDir) {
        report.error("dockerfile", msg!("config-dockerfile-outside", file = shown(file)));
        return;
    }
    let Some(context) = context else {
        return;
    };
    let is_file = std::fs::metadata(context.join(relative)).is_ok_and(|m| m.is_file());
    if !is_file {
        report.error(
            "dockerfile",
            msg!(
                "config-dockerfile-missing",
                file = shown(file),
                context = shown(&context.to_string_lossy())
            ),
        );
    }
}

fn check_build_args(report: &mut Report<'_>, value: &Value) {
    let Some(args) = report.object("build_args", value, "{\"VERSION\": \"1.4\"}") else {
        return;
    };
    for (key, value) in args {
        let path = format!("build_args.{key}");
        if key.is_empty() || key.contains(['=', '\0']) {
            report.error(&path, msg!("config-build-arg-name"));
        }
        check_secret_value(report, &path, value);
    }
}

fn check_static(report: &mut Report<'_>, config: &Map<String, Value>) {
    if let Some(v) = config.get("runtime") {
        report.one_of("runtime", v, &["", "deno"]);
    }
    // An empty `storage` means none.
    if let Some(v) = config.get("storage")
        && v.as_str() != Some("")
    {
        check_docker_name(report, "storage", v, "volume");
    }
    match config.get("root") {
        None if storage_volume(config).is_none() => report.missing(
            "root",
            msg!("what-static-root"),
            "\"root\": \"./public\" (relative paths are resolved at `workload add`/`set`)",
        ),
        None => {}
        Some(v) => {
            if let Some(dir) = report.string("root", v) {
                report.existing_path("root", dir, HostEntry::Directory);
            }
        }
    }
    if let Some(v) = config.get("server_image") {
        check_reference_field(report, "server_image", v);
    }
    if let Some(v) = config.get("server_root")
        && let Some(dir) = report.string("server_root", v)
        && (!dir.starts_with('/') || dir.contains('\0'))
    {
        report.error_hint(
            "server_root",
            msg!("config-server-root-not-absolute", path = shown(dir)),
            Some(msg!("config-server-root-example")),
        );
    }
}

/// The volume of a storage-backed static site (`runtime: "deno"` + `storage`).
fn storage_volume(config: &Map<String, Value>) -> Option<&str> {
    let deno = config.get("runtime").and_then(Value::as_str) == Some("deno");
    config
        .get("storage")
        .and_then(Value::as_str)
        .filter(|volume| deno && !volume.is_empty())
}

fn check_compose(report: &mut Report<'_>, config: &Map<String, Value>) {
    match config.get("file") {
        None => report.missing(
            "file",
            msg!("what-compose-file"),
            "\"file\": \"./compose.yml\" (relative paths are resolved at `workload add`/`set`)",
        ),
        Some(v) => {
            if let Some(file) = report.string("file", v) {
                report.existing_path("file", file, HostEntry::File);
            }
        }
    }
    if let Some(v) = config.get("project")
        && let Some(project) = report.non_empty_string("project", v)
        && !is_compose_project(project)
    {
        report.error("project", msg!("config-not-a-project", project = shown(project)));
    }
    if let Some(v) = config.get("service") {
        report.non_empty_string("service", v);
    }
}

/// `^[a-z0-9][a-z0-9_-]*$`, what `docker compose -p` accepts.
fn is_compose_project(name: &str) -> bool {
    let lower_or_digit = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    let mut chars = name.chars();
    chars.next().is_some_and(lower_or_digit) && chars.all(|c| lower_or_digit(c) || matches!(c, '_' | '-'))
}

// ---------------------------------------------------------------------------
// Rules that depend on the effective strategy

fn check_strategy_fit(report: &mut Report<'_>, kind: Kind, config: &Map<String, Value>) {
    let requested = match config.get("deploy_strategy") {
        None => "",
        Some(Value::String(s)) if matches!(s.as_str(), "" | "recreate" | "blue-green") => s.as_str(),
        // Already reported by validate_strategy.
        Some(_) => return,
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
        report.error("ports", msg!("config-ports-blue-green", reason = effective.reason));
    }
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

fn quoted_list(values: &[&str]) -> String {
    values.iter().map(|v| format!("\"{v}\"")).collect::<Vec<_>>().join(", ")
}
