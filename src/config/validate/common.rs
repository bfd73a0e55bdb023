//! Fields every kind accepts, apart from the route (`route.rs`): the
//! environment, the container's settings, the daemon, timings and retention.
//!
//! Env values are secrets: no message here ever contains one.

use std::path::Path;

use serde_json::{Map, Value};

use super::parse_memory;
use super::report::Report;
use crate::config::hints::{did_you_mean, json_type_msg, shown};
use crate::i18n::Msg;
use crate::msg;

/// Docker refuses a memory limit below 6 MiB.
const MIN_MEMORY: i64 = 6 * 1024 * 1024;
const MAX_CPUS: f64 = 1024.0;
const MAX_STOP_TIMEOUT_S: u64 = 3600;
const MAX_KEEP_ARTIFACTS: u64 = 100;

// ---------------------------------------------------------------------------
// Environment (values are secrets)

pub(super) fn check_env(report: &mut Report<'_>, config: &Map<String, Value>) {
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
pub(super) fn check_secret_value(report: &mut Report<'_>, path: &str, value: &Value) {
    let like = msg!(
        "secret-value-forms",
        string = "\"value\"",
        env = "{\"from_env\": \"VAR\"}",
        file = "{\"from_file\": \"/run/secrets/name\"}"
    );
    let reference = match value {
        Value::String(_) => return,
        Value::Object(reference) => reference,
        other => {
            report.error_hint(
                path,
                msg!("secret-value-type", got = json_type_msg(other)),
                Some(msg!("secret-value-type-hint", like = &like)),
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
            Some(msg!("secret-write-as", like = &like)),
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
pub(super) fn env_name_problem(name: &str) -> Option<Msg> {
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

pub(super) fn check_container(report: &mut Report<'_>, config: &Map<String, Value>) {
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

/// A Docker network or volume name: `^[a-zA-Z0-9][a-zA-Z0-9_.-]*$`.
/// `what` is `network` or `volume`.
pub(super) fn check_docker_name(report: &mut Report<'_>, path: &str, value: &Value, what: &str) {
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
// Daemon: docker_host | docker_context (DESIGN §8)

pub(super) fn check_daemon(report: &mut Report<'_>, config: &Map<String, Value>) {
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
// Timings and retention

pub(super) fn check_timings(report: &mut Report<'_>, config: &Map<String, Value>) {
    for (key, max) in [
        ("liveness_window_ms", u64::MAX),
        ("drain_ms", u64::MAX),
        ("watch_ms", u64::MAX),
        ("stop_timeout_s", MAX_STOP_TIMEOUT_S),
        ("keep_artifacts", MAX_KEEP_ARTIFACTS),
    ] {
        if let Some(v) = config.get(key) {
            report.integer(key, v, 0, max);
        }
    }
    // Allowed (a deploy that must not wait), but it turns off the watch of
    // the new container after the switch (issue 12's crash-loop case).
    if config.get("drain_ms").and_then(Value::as_u64) == Some(0) && config.get("watch_ms").is_none() {
        report.warning(
            "drain_ms",
            msg!("config-drain-zero-no-watch"),
            Some(msg!("config-drain-zero-no-watch-hint")),
        );
    }
    if let Some(v) = config.get("drain_until_idle") {
        report.boolean("drain_until_idle", v);
    }
}
