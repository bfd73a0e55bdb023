//! Per-kind checks: `image`, `dockerfile`, `static` and `compose`.

use std::path::{Component, Path};

use serde_json::{Map, Value};

use super::REGISTRY_AUTH_KEYS;
use super::common::{check_docker_name, check_secret_value, env_name_problem};
use super::report::{HostEntry, Report};
use crate::config::hints::shown;
use crate::msg;

pub(super) fn check_image(report: &mut Report<'_>, config: &Map<String, Value>) {
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
    if let Err(why) = crate::config::ImageRef::split(reference).validate(reference) {
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

pub(super) fn check_dockerfile(report: &mut Report<'_>, config: &Map<String, Value>) {
    let context = match config.get("context") {
        None => {
            report.missing(
                "context",
                msg!("what-build-context"),
                msg!("config-example-relative-path", example = "\"context\": \".\""),
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

pub(super) fn check_static(report: &mut Report<'_>, config: &Map<String, Value>) {
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
            msg!("config-example-relative-path", example = "\"root\": \"./public\""),
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
pub(super) fn storage_volume(config: &Map<String, Value>) -> Option<&str> {
    let deno = config.get("runtime").and_then(Value::as_str) == Some("deno");
    config
        .get("storage")
        .and_then(Value::as_str)
        .filter(|volume| deno && !volume.is_empty())
}

pub(super) fn check_compose(report: &mut Report<'_>, config: &Map<String, Value>) {
    match config.get("file") {
        None => report.missing(
            "file",
            msg!("what-compose-file"),
            msg!("config-example-relative-path", example = "\"file\": \"./compose.yml\""),
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
