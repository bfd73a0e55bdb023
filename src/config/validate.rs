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
            format!("the config must be a JSON object, got {}", json_type(raw)),
            Some(format!("write it as {{ ... }}, e.g. {}", example_config(kind))),
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
            report.error(
                "",
                "the config passed validation but could not be read (this is a berth bug; please report it)",
            );
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

    /// A translatable error.
    fn error_msg(&mut self, path: &str, message: Msg, suggestion: Option<Msg>) {
        let issue = ConfigIssue::localizable(self.workload, path, message, suggestion);
        self.errors.push(issue);
    }

    fn issue(&self, path: &str, message: String, suggestion: Option<String>) -> ConfigIssue {
        ConfigIssue {
            text: None,
            workload: self.workload.to_owned(),
            path: path.to_owned(),
            message,
            suggestion,
        }
    }

    fn error(&mut self, path: &str, message: impl Into<String>) {
        self.error_hint(path, message, None);
    }

    fn error_hint(&mut self, path: &str, message: impl Into<String>, suggestion: Option<String>) {
        let issue = self.issue(path, message.into(), suggestion);
        self.errors.push(issue);
    }

    fn warning(&mut self, path: &str, message: impl Into<String>, suggestion: Option<String>) {
        let issue = self.issue(path, message.into(), suggestion);
        self.warnings.push(issue);
    }

    /// A required key is missing.
    fn missing(&mut self, path: &str, what: &str, example: &str) {
        self.error_msg(
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
            self.error_msg(path, msg!("config-must-be-string", got = json_type_msg(value)), None);
        }
        s
    }

    fn non_empty_string<'v>(&mut self, path: &str, value: &'v Value) -> Option<&'v str> {
        let s = self.string(path, value)?;
        if s.is_empty() {
            self.error_msg(path, msg!("config-must-not-be-empty"), None);
            return None;
        }
        Some(s)
    }

    fn object<'v>(&mut self, path: &str, value: &'v Value, like: &str) -> Option<&'v Map<String, Value>> {
        let object = value.as_object();
        if object.is_none() {
            self.error_msg(
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
            self.error_msg(
                path,
                msg!("config-must-be-array", like = like, got = json_type_msg(value)),
                None,
            );
        }
        array
    }

    fn boolean(&mut self, path: &str, value: &Value) {
        if !value.is_boolean() {
            self.error_msg(path, msg!("config-must-be-bool", got = json_type_msg(value)), None);
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
            self.error_msg(path, msg!("config-must-be-integer", range = range, got = got), None);
            return None;
        };
        let id = match number.as_u64() {
            Some(n) if (min..=max).contains(&n) => return Some(n),
            Some(_) => "config-must-be-in-range",
            None if number.is_i64() => "config-must-be-in-range-not-negative",
            None => "config-must-be-whole-in-range",
        };
        self.error_msg(path, Msg::new(id).arg("range", range), None);
        None
    }

    /// A string among `allowed`, with a did-you-mean when one is close.
    fn one_of(&mut self, path: &str, value: &Value, allowed: &[&str]) {
        let Some(s) = self.string(path, value) else {
            return;
        };
        if !allowed.contains(&s) {
            self.error_msg(
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
        self.error_msg(
            path,
            msg!("config-unknown-field", key = shown(key), section = section),
            Some(suggestion),
        );
    }

    /// An absolute path that must exist on this host as a directory or a file.
    /// Returns it when it does.
    fn existing_path<'v>(&mut self, path: &str, value: &'v str, want: HostEntry) -> Option<&'v Path> {
        if value.is_empty() {
            self.error(path, "must not be empty");
            return None;
        }
        let host_path = Path::new(value);
        if !host_path.is_absolute() {
            self.error(
                path,
                format!(
                    "`{}` must be an absolute path (berth resolves relative paths against the \
                     current directory at `workload add`/`set`)",
                    shown(value)
                ),
            );
            return None;
        }
        match (std::fs::metadata(host_path), want) {
            (Ok(meta), HostEntry::Directory) if meta.is_dir() => Some(host_path),
            (Ok(meta), HostEntry::File) if meta.is_file() => Some(host_path),
            (Ok(_), want) => {
                self.error(path, format!("`{}` is not a {}", shown(value), want.noun()));
                None
            }
            (Err(e), want) if e.kind() == std::io::ErrorKind::NotFound => {
                self.error(path, format!("{} `{}` does not exist", want.noun(), shown(value)));
                None
            }
            (Err(e), _) => {
                self.error(path, format!("`{}` cannot be read: {e}", shown(value)));
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

impl HostEntry {
    fn noun(self) -> &'static str {
        match self {
            HostEntry::Directory => "directory",
            HostEntry::File => "file",
        }
    }
}

// ---------------------------------------------------------------------------
// Keys

fn check_keys(report: &mut Report<'_>, kind: Kind, config: &Map<String, Value>) {
    let allowed: Vec<&str> = COMMON_KEYS.iter().chain(kind_keys(kind)).copied().collect();
    let section = format!("{} workload", a_kind(kind));
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
                format!("`{key}` is not a field of {section} (it belongs to {owner} workloads)"),
                Some(format!("remove `{key}`, or add the workload with --kind {owner}")),
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
            report.error_msg(
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
            format!("has {} names; one route takes at most {MAX_DOMAINS}", domains.len()),
        );
    }
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, item) in domains.iter().enumerate() {
        let path = format!("domains[{i}]");
        let Some(domain) = report.string(&path, item) else {
            continue;
        };
        if let Err(why) = check_hostname(domain) {
            report.error(&path, format!("`{}` is not a domain name: {why}", shown(domain)));
            continue;
        }
        match seen.entry(domain.to_ascii_lowercase()) {
            Entry::Occupied(first) => report.error_hint(
                &path,
                format!(
                    "`{}` repeats domains[{}] (domain names are case-insensitive)",
                    shown(domain),
                    first.get()
                ),
                Some("remove the duplicate".to_owned()),
            ),
            Entry::Vacant(slot) => {
                slot.insert(i);
            }
        }
    }
    !domains.is_empty()
}

fn check_hostname(domain: &str) -> Result<(), &'static str> {
    if domain.is_empty() {
        return Err("it is empty");
    }
    if domain.contains("://") || domain.contains('/') {
        return Err("write the host name only, without scheme or path");
    }
    let host = domain.strip_prefix("*.").unwrap_or(domain);
    if host.is_empty() {
        return Err("a wildcard needs a domain after `*.`");
    }
    if host.len() > 253 {
        return Err("it is longer than 253 characters");
    }
    for label in host.split('.') {
        if label.is_empty() {
            return Err("it has an empty label (a leading, trailing or double dot)");
        }
        if label.len() > 63 {
            return Err("a label is longer than 63 characters");
        }
        if !label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err("use letters, digits, hyphens and dots only, with an optional leading `*.`");
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err("a label must not start or end with a hyphen");
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
                format!(
                    "`{}` is not a port mapping: use \"HOST:CONTAINER\" with ports 1-65535, \
                     optionally ending in /tcp or /udp",
                    shown(mapping)
                ),
                Some("e.g. \"8080:80\" or \"5353:53/udp\"".to_owned()),
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
                    "applies to the HTTP probe only, and `healthcheck.mode` is \"docker\" (the container's own \
                     HEALTHCHECK decides)",
                    Some(format!("remove `{key}`, or set \"mode\": \"http\"")),
                );
            }
        }
    } else {
        match healthcheck.get("path") {
            None => report.missing("healthcheck.path", "the HTTP path to probe", "\"path\": \"/health\""),
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
        report.error_msg(
            "healthcheck.path",
            msg!("config-path-must-start-with-slash", path = shown(path)),
            Some(msg!("config-use", value = format!("\"/{}\"", shown(path)))),
        );
    } else if path.chars().any(|c| c.is_whitespace() || c.is_control()) {
        report.error(
            "healthcheck.path",
            "must not contain spaces or control characters (percent-encode them)",
        );
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
            report.error_msg(
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
        [] if reference.is_empty() => report.error_msg(
            path,
            msg!("secret-empty-ref"),
            Some(msg!("secret-write-as", like = like)),
        ),
        [] => {}
        [_, _, ..] => report.error_msg(path, msg!("secret-both-sources"), Some(msg!("secret-keep-one"))),
        ["from_env"] => {
            let key_path = format!("{path}.from_env");
            if let Some(Some(why)) = report.string(&key_path, &reference["from_env"]).map(env_name_problem) {
                report.error_hint(&key_path, why, Some(msg!("secret-name-the-variable").english()));
            }
        }
        [_] => {
            let key_path = format!("{path}.from_file");
            if let Some(file) = report.non_empty_string(&key_path, &reference["from_file"])
                && !Path::new(file).is_absolute()
            {
                report.error_msg(
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
fn env_name_problem(name: &str) -> Option<&'static str> {
    let mut chars = name.chars();
    let Some(first) = chars.next() else {
        return Some("an environment variable name must not be empty");
    };
    if name.contains('=') {
        Some("an environment variable name cannot contain `=`")
    } else if name.contains('\0') {
        Some("an environment variable name cannot contain a NUL character")
    } else if !(first.is_ascii_alphabetic() || first == '_') || !chars.all(|c| c.is_ascii_alphanumeric() || c == '_') {
        Some(
            "not a valid environment variable name: use letters, digits and underscores, \
             not starting with a digit",
        )
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
            "`docker_host` and `docker_context` both name the daemon",
            Some("keep one: a host URL (`ssh://deploy@web-1`) or a docker context name".to_owned()),
        );
    }
    if let Some(v) = host
        && let Some(url) = report.non_empty_string("docker_host", v)
        && let Err(e) = crate::docker::endpoint::parse_host(url)
    {
        report.error_hint(
            "docker_host",
            format!("{e:#}"),
            Some("e.g. \"ssh://deploy@web-1\", \"tcp://10.0.0.5:2376\" or \"unix:///var/run/docker.sock\"".to_owned()),
        );
    }
    if let Some(v) = context
        && let Some(name) = report.non_empty_string("docker_context", v)
        && !is_docker_name(name)
    {
        report.error_hint(
            "docker_context",
            format!("`{}` is not a docker context name", shown(name)),
            Some("use the name `docker context ls` shows (letters, digits, `_`, `.`, `-`)".to_owned()),
        );
    }
}

// ---------------------------------------------------------------------------
// Swarm: the service berth creates and updates (docs/clusters.md §2)

fn check_swarm(report: &mut Report<'_>, kind: Kind, config: &Map<String, Value>, value: &Value) {
    if !matches!(kind, Kind::Image | Kind::Dockerfile) {
        report.error_msg(
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
        report.error_msg(
            "ports",
            msg!("config-swarm-ports"),
            Some(msg!("config-swarm-ports-fix")),
        );
    }
    if config.contains_key("network") {
        report.error_msg(
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
                report.error_msg(
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
            report.error_msg(
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
fn check_docker_name(report: &mut Report<'_>, path: &str, value: &Value, what: &str) {
    let Some(name) = report.non_empty_string(path, value) else {
        return;
    };
    if !is_docker_name(name) {
        report.error(
            path,
            format!(
                "`{}` is not a Docker {what} name: start with a letter or digit, then use \
                 letters, digits, `_`, `.` or `-`",
                shown(name)
            ),
        );
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
            "must not be empty",
            Some("leave `command` out to run the image's default command".to_owned()),
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
            report.error(&path, "a label key must not be empty");
        } else if key.starts_with("berth.") {
            report.error_hint(
                &path,
                "keys starting with `berth.` are reserved: berth uses them to track its containers",
                Some("use another prefix".to_owned()),
            );
        }
        report.string(&path, value);
    }
}

fn check_memory(report: &mut Report<'_>, value: &Value) {
    let hint = || Some("use e.g. \"512m\", \"1g\" or a number of bytes".to_owned());
    let bytes = match value {
        Value::String(size) => match parse_memory(size) {
            Some(bytes) => bytes,
            None => {
                report.error_hint("memory", format!("`{}` is not a memory size", shown(size)), hint());
                return;
            }
        },
        Value::Number(n) => match n.as_i64() {
            Some(bytes) => bytes,
            None if n.is_u64() => {
                report.error_hint("memory", "is too large", hint());
                return;
            }
            None => {
                report.error_hint("memory", "must be a whole number of bytes", hint());
                return;
            }
        },
        other => {
            report.error_hint(
                "memory",
                format!("must be a size string or a number of bytes, got {}", json_type(other)),
                hint(),
            );
            return;
        }
    };
    if bytes < MIN_MEMORY {
        report.error("memory", "must be at least 6m (6 MiB), the least Docker accepts");
    }
}

fn check_cpus(report: &mut Report<'_>, value: &Value) {
    match value.as_f64() {
        Some(cpus) if cpus > 0.0 && cpus <= MAX_CPUS => {}
        Some(_) => report.error(
            "cpus",
            format!("must be more than 0 and at most {MAX_CPUS}, e.g. 0.5 or 2"),
        ),
        None => report.error(
            "cpus",
            format!("must be a number of CPUs like 0.5 or 2, got {}", json_type(value)),
        ),
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
            format!(
                "`{}` is not a restart policy: use \"no\", \"always\", \"unless-stopped\", \
                 \"on-failure\" or \"on-failure:N\"",
                shown(policy)
            ),
            did_you_mean(policy, POLICIES).map(|c| format!("did you mean \"{c}\"?")),
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
        None => report.missing("image", "the image to deploy", "\"image\": \"ghcr.io/acme/web:1.4\""),
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
    if let Err(why) = check_reference(reference) {
        report.error_hint(
            path,
            format!("`{}` is not an image reference: {why}", shown(reference)),
            Some("e.g. \"nginx:1.27\" or \"ghcr.io/acme/web@sha256:<64 hex digits>\"".to_owned()),
        );
    }
}

/// A plausible Docker image reference: `[host[:port]/]path[:tag][@sha256:hex]`.
/// No tag means `:latest`, as docker does.
fn check_reference(reference: &str) -> Result<(), String> {
    if reference.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("it must not contain spaces".to_owned());
    }
    let (name_and_tag, digest) = match reference.split_once('@') {
        Some((name, digest)) => (name, Some(digest)),
        None => (reference, None),
    };
    if let Some(digest) = digest {
        let hex = digest.strip_prefix("sha256:");
        if !hex.is_some_and(|h| h.len() == 64 && h.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))) {
            return Err("the digest after `@` must be `sha256:` and 64 lowercase hex digits".to_owned());
        }
    }
    // A `:` after the last `/` starts the tag; one before it is a registry port.
    let last_segment = name_and_tag.rfind('/').map_or(0, |i| i + 1);
    let (name, tag) = match name_and_tag[last_segment..].find(':') {
        Some(colon) => {
            let (name, tag) = name_and_tag.split_at(last_segment + colon);
            (name, tag.strip_prefix(':'))
        }
        None => (name_and_tag, None),
    };
    if let Some(tag) = tag {
        let mut chars = tag.chars();
        let valid = tag.len() <= 128
            && chars.next().is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
            && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
        if !valid {
            return Err(format!(
                "the tag `{}` must be 1-128 letters, digits, `_`, `.` or `-`",
                shown(tag)
            ));
        }
    }
    if name.is_empty() {
        return Err("it names no repository".to_owned());
    }
    let segments: Vec<&str> = name.split('/').collect();
    let repository = match segments.split_first() {
        // Like docker: a first segment with `.` or `:`, or `localhost`, is a registry.
        Some((host, rest)) if !rest.is_empty() && (host.contains(['.', ':']) || *host == "localhost") => {
            let valid_host = host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':'));
            if !valid_host {
                return Err(format!("`{}` is not a registry host", shown(host)));
            }
            rest
        }
        _ => &segments[..],
    };
    for segment in repository {
        check_repository_segment(segment)?;
    }
    Ok(())
}

fn check_repository_segment(segment: &str) -> Result<(), String> {
    if segment.is_empty() {
        return Err("the repository has an empty part (`//` or a trailing `/`)".to_owned());
    }
    if segment.chars().any(|c| c.is_ascii_uppercase()) {
        return Err(format!("repository names must be lowercase (`{}`)", shown(segment)));
    }
    let alnum = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    let valid = segment.starts_with(alnum)
        && segment.ends_with(alnum)
        && segment.chars().all(|c| alnum(c) || matches!(c, '.' | '_' | '-'));
    if valid {
        Ok(())
    } else {
        Err(format!(
            "`{}` may contain only lowercase letters, digits, `.`, `_` and `-`, \
             starting and ending with a letter or digit",
            shown(segment)
        ))
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
                "berth never stores registry passwords",
                Some(format!(
                    "remove `{key}`, put the password in an environment variable and name that variable in `password_env`"
                )),
            );
        } else {
            report.unknown_key(&path, key, REGISTRY_AUTH_KEYS, "registry_auth");
        }
    }
    match auth.get("username") {
        None => report.missing("registry_auth.username", "the registry user", "\"username\": \"ci\""),
        Some(v) => {
            report.non_empty_string("registry_auth.username", v);
        }
    }
    match auth.get("password_env") {
        None => report.missing(
            "registry_auth.password_env",
            "the name of the environment variable that holds the password",
            "\"password_env\": \"REGISTRY_PASSWORD\"",
        ),
        Some(v) => {
            if let Some(Some(why)) = report.string("registry_auth.password_env", v).map(env_name_problem) {
                report.error_hint(
                    "registry_auth.password_env",
                    format!("{why} (it holds the variable's name, never the password itself)"),
                    Some("e.g. \"REGISTRY_PASSWORD\"".to_owned()),
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
                "the directory to build",
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
        report.error("target", "a build stage name must not contain spaces");
    }
}

/// `dockerfile` is relative to the context and stays inside it.
fn check_dockerfile_path(report: &mut Report<'_>, file: &str, context: Option<&Path>) {
    let relative = Path::new(file);
    if relative.is_absolute() {
        report.error("dockerfile", format!("`{}` must be relative to `context`", shown(file)));
        return;
    }
    if relative.components().any(|c| c == Component::ParentDir) {
        report.error(
            "dockerfile",
            format!("`{}` must stay inside the build context: remove `..`", shown(file)),
        );
        return;
    }
    let Some(context) = context else {
        return;
    };
    let is_file = std::fs::metadata(context.join(relative)).is_ok_and(|m| m.is_file());
    if !is_file {
        report.error(
            "dockerfile",
            format!(
                "`{}` is not a file in the build context `{}`",
                shown(file),
                shown(&context.to_string_lossy())
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
            report.error(&path, "a build argument name must be non-empty, without `=` or NUL");
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
            "the directory to serve (unless the site is storage-backed: `runtime: \"deno\"` with `storage`)",
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
            format!("`{}` must be an absolute path inside the container", shown(dir)),
            Some("e.g. \"/usr/share/nginx/html\"".to_owned()),
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
            "the compose file",
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
        report.error(
            "project",
            format!(
                "`{}` is not a compose project name: use lowercase letters, digits, `_` \
                 and `-`, starting with a letter or digit",
                shown(project)
            ),
        );
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
            format!(
                "forced to recreate: blue-green would mount volume `{}` read-write into two \
                 containers at once",
                shown(volume)
            ),
            Some("set deploy_strategy to \"recreate\" to say so in the config".to_owned()),
        );
    }
    let publishes_ports = config
        .get("ports")
        .and_then(Value::as_array)
        .is_some_and(|ports| !ports.is_empty());
    if effective.strategy == Strategy::BlueGreen && publishes_ports {
        report.error(
            "ports",
            format!(
                "cannot publish host ports with blue-green ({}): two containers cannot bind one \
                 host port; use deploy_strategy \"recreate\" or remove `ports`",
                effective.reason
            ),
        );
    }
}

// ---------------------------------------------------------------------------
// Small helpers

/// The JSON type of a value, for "must be a string, got a number".
pub(super) fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// [`json_type`] as a translatable message, for messages that show it.
fn json_type_msg(value: &Value) -> Msg {
    Msg::new(match value {
        Value::Null => "json-null",
        Value::Bool(_) => "json-boolean",
        Value::Number(_) => "json-number",
        Value::String(_) => "json-string",
        Value::Array(_) => "json-array",
        Value::Object(_) => "json-object",
    })
}

fn a_kind(kind: Kind) -> &'static str {
    match kind {
        Kind::Image => "an image",
        Kind::Dockerfile => "a dockerfile",
        Kind::Static => "a static",
        Kind::Compose => "a compose",
    }
}

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

/// A user-written (non-secret) value as it appears in a message: escaped to
/// one line and cut short.
fn shown(value: &str) -> String {
    const MAX_CHARS: usize = 80;
    let escaped: String = value.escape_debug().collect();
    if escaped.chars().count() <= MAX_CHARS {
        escaped
    } else {
        let cut: String = escaped.chars().take(MAX_CHARS).collect();
        format!("{cut}…")
    }
}

/// The candidate closest to `input` (case-insensitive), if close enough to be
/// a likely typo.
pub(super) fn did_you_mean<'c>(input: &str, candidates: &[&'c str]) -> Option<&'c str> {
    let input = input.to_lowercase();
    let len = input.chars().count();
    if len > 64 {
        return None;
    }
    let limit = (len / 3).clamp(1, 3);
    candidates
        .iter()
        .map(|c| {
            let candidate = c.to_lowercase();
            // `interval` for `interval_ms`: a forgotten suffix is no typo,
            // but still the likely meaning.
            let distance = edit_distance(&input, &candidate);
            let distance = if len >= 4 && candidate.starts_with(&input) {
                distance.min(limit)
            } else {
                distance
            };
            (distance, *c)
        })
        .filter(|(distance, _)| *distance <= limit)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, c)| c)
}

/// Damerau-Levenshtein distance (optimal string alignment): insertions,
/// deletions, substitutions and swaps of two neighbours each cost one.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // rows[i][j]: distance between the first i chars of a and the first j of b.
    let mut rows: Vec<Vec<usize>> = (0..=a.len())
        .map(|i| (0..=b.len()).map(|j| if i == 0 { j } else { i }).collect())
        .collect();
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let substitution = rows[i - 1][j - 1] + usize::from(a[i - 1] != b[j - 1]);
            let mut best = substitution.min(rows[i - 1][j] + 1).min(rows[i][j - 1] + 1);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = best;
        }
    }
    rows[a.len()][b.len()]
}
