//! Tests of config validation and of the strategy a validated config gets.

use std::fs;
use std::path::Path;

use proptest::prelude::*;
use proptest::strategy::Strategy as _;
use serde_json::{Value, json};
use tempfile::TempDir;

use super::*;
use crate::config::hints::{did_you_mean, edit_distance};
use crate::config::{PullPolicy, SecretRef, SecretValue, Strategy, resolve_paths};

const WORKLOAD: &str = "web";

/// Host paths the path-checked kinds need: a build context with a
/// Dockerfile, a site root and a compose file.
struct Fixture {
    dir: TempDir,
}

impl Fixture {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        fs::create_dir(dir.path().join("app")).expect("context dir");
        fs::write(dir.path().join("app/Dockerfile"), "FROM scratch\n").expect("Dockerfile");
        fs::create_dir(dir.path().join("public")).expect("root dir");
        fs::write(dir.path().join("compose.yml"), "services: {}\n").expect("compose file");
        Fixture { dir }
    }

    fn path(&self, relative: &str) -> String {
        self.dir
            .path()
            .join(relative)
            .to_str()
            .expect("utf-8 temp path")
            .to_owned()
    }

    /// The smallest valid config of each kind.
    fn minimal(&self, kind: Kind) -> Value {
        match kind {
            Kind::Image => json!({ "image": "nginx:1.27" }),
            Kind::Dockerfile => json!({ "context": self.path("app") }),
            Kind::Static => json!({ "root": self.path("public") }),
            Kind::Compose => json!({ "file": self.path("compose.yml") }),
        }
    }

    /// The minimal config of `kind` with `extra` keys merged in.
    fn with(&self, kind: Kind, extra: Value) -> Value {
        let mut config = self.minimal(kind);
        if let (Some(config), Some(extra)) = (config.as_object_mut(), extra.as_object()) {
            config.extend(extra.clone());
        }
        config
    }
}

fn valid(kind: Kind, raw: &Value) -> Validated {
    match validate(WORKLOAD, kind, raw) {
        Ok(validated) => validated,
        Err(errors) => panic!("expected {raw} to be a valid {kind} config, got {errors:#?}"),
    }
}

fn invalid(kind: Kind, raw: &Value) -> Vec<ConfigIssue> {
    match validate(WORKLOAD, kind, raw) {
        Ok(_) => panic!("expected {raw} to be an invalid {kind} config"),
        Err(errors) => errors,
    }
}

fn paths(issues: &[ConfigIssue]) -> Vec<&str> {
    issues.iter().map(|i| i.path.as_str()).collect()
}

/// The single error of `raw`, asserting its path.
fn only_error(kind: Kind, raw: &Value, path: &str) -> ConfigIssue {
    let errors = invalid(kind, raw);
    assert_eq!(paths(&errors), [path], "{errors:#?}");
    errors.into_iter().next().expect("one error")
}

// ---------------------------------------------------------------------------
// Minimal configs and defaults

#[test]
fn image_minimal_config_is_valid_with_the_documented_defaults() {
    let validated = valid(Kind::Image, &json!({ "image": "nginx" }));
    assert!(validated.warnings.is_empty());
    let config = validated.config;
    assert_eq!(config.kind(), Kind::Image);
    assert_eq!(config.common, CommonConfig::default());
    assert_eq!(config.common.network, "berth");
    assert!(config.common.init);
    assert_eq!(config.common.restart, "unless-stopped");
    assert_eq!(config.common.keep_artifacts, 3);
    assert_eq!(config.port(), None);
    let KindConfig::Image(image) = config.source else {
        panic!("image config expected");
    };
    assert_eq!(image.image, "nginx");
    assert_eq!(image.pull, PullPolicy::Always);
    assert_eq!(image.registry_auth, None);
}

#[test]
fn dockerfile_minimal_config_is_valid() {
    let fixture = Fixture::new();
    let config = valid(Kind::Dockerfile, &fixture.minimal(Kind::Dockerfile)).config;
    let KindConfig::Dockerfile(build) = config.source else {
        panic!("dockerfile config expected");
    };
    assert_eq!(build.context, fixture.path("app"));
    assert_eq!(build.dockerfile, "Dockerfile");
    assert!(build.build_args.is_empty());
    assert_eq!(build.target, None);
}

#[test]
fn static_minimal_config_is_valid_and_its_port_defaults_to_80() {
    let fixture = Fixture::new();
    let raw = fixture.with(Kind::Static, json!({ "domains": ["example.com"] }));
    let config = valid(Kind::Static, &raw).config;
    assert_eq!(config.port(), Some(80));
    let KindConfig::Static(site) = config.source else {
        panic!("static config expected");
    };
    assert_eq!(site.root, Some(fixture.path("public")));
    assert_eq!(site.server_image, "nginx:alpine");
    assert_eq!(site.server_root, "/usr/share/nginx/html");
    assert!(!site.storage_backed());
}

#[test]
fn compose_minimal_config_is_valid() {
    let fixture = Fixture::new();
    let config = valid(Kind::Compose, &fixture.minimal(Kind::Compose)).config;
    let KindConfig::Compose(stack) = config.source else {
        panic!("compose config expected");
    };
    assert_eq!(stack.file, fixture.path("compose.yml"));
    assert_eq!(stack.project, None);
    assert_eq!(stack.service, None);
}

#[test]
fn storage_backed_static_site_needs_no_root() {
    let raw = json!({ "runtime": "deno", "storage": "site-data" });
    let config = valid(Kind::Static, &raw).config;
    let KindConfig::Static(site) = &config.source else {
        panic!("static config expected");
    };
    assert!(site.storage_backed());
    assert_eq!(site.root, None);
}

#[test]
fn a_full_config_of_every_field_deserializes_into_the_typed_config() {
    let fixture = Fixture::new();
    let raw = fixture.with(
        Kind::Image,
        json!({
            "deploy_strategy": "recreate",
            "domains": ["example.com", "*.Example.org"],
            "port": 8080,
            "ports": ["8080:80", "5353:53/udp"],
            "env": { "DATABASE_URL": "postgres://x", "_LOG": "debug" },
            "healthcheck": {
                "path": "/health", "interval_ms": 500, "timeout_ms": 1000,
                "healthy_threshold": 2, "start_period_ms": 0, "deadline_ms": 30000
            },
            "liveness_window_ms": 0,
            "network": "edge.net",
            "drain_ms": 0,
            "drain_until_idle": false,
            "stop_timeout_s": 3600,
            "init": false,
            "command": ["bin/server", "--port", "8080"],
            "labels": { "team": "web" },
            "memory": "512m",
            "cpus": 1.5,
            "restart": "on-failure:3",
            "keep_artifacts": 0,
            "image": "ghcr.io/acme/web:1.4",
            "pull": "missing",
            "registry_auth": { "username": "ci", "password_env": "GHCR_TOKEN" }
        }),
    );
    let config = valid(Kind::Image, &raw).config;
    let common = &config.common;
    assert_eq!(common.domains, ["example.com", "*.Example.org"]);
    assert_eq!(common.port, Some(8080));
    assert_eq!(common.ports, ["8080:80", "5353:53/udp"]);
    assert_eq!(common.env.len(), 2);
    let healthcheck = common.healthcheck.as_ref().expect("healthcheck");
    assert_eq!(healthcheck.path, "/health");
    assert_eq!(healthcheck.healthy_threshold, 2);
    assert_eq!(healthcheck.deadline_ms, 30_000);
    assert_eq!(common.network, "edge.net");
    assert_eq!(common.stop_timeout_s, 3600);
    assert!(!common.init);
    assert_eq!(common.command.as_deref().map(<[String]>::len), Some(3));
    assert_eq!(common.memory, Some(512 * 1024 * 1024));
    assert_eq!(common.cpus, Some(1.5));
    assert_eq!(common.restart, "on-failure:3");
    assert_eq!(common.keep_artifacts, 0);
    let KindConfig::Image(image) = &config.source else {
        panic!("image config expected");
    };
    assert_eq!(image.pull, PullPolicy::Missing);
    let auth = image.registry_auth.as_ref().expect("registry_auth");
    assert_eq!(auth.password_env, "GHCR_TOKEN");

    let memory_in_bytes = valid(Kind::Image, &json!({ "image": "nginx", "memory": 67_108_864 }));
    assert_eq!(memory_in_bytes.config.common.memory, Some(64 * 1024 * 1024));
}

// ---------------------------------------------------------------------------
// Strategy: the backward-compatibility lock, defaults and the storage gate

#[test]
fn missing_and_empty_deploy_strategy_validate_and_deploy_identically() {
    let fixture = Fixture::new();
    for kind in Kind::ALL {
        let without_key = fixture.minimal(kind);
        let with_empty = fixture.with(kind, json!({ "deploy_strategy": "" }));
        let a = valid(kind, &without_key);
        let b = valid(kind, &with_empty);
        assert_eq!(a.config, b.config, "{kind}");
        assert_eq!(a.warnings, b.warnings, "{kind}");
        let (a, b) = (a.strategy, b.strategy);
        assert_eq!(a, b, "{kind}");
        let default = if kind == Kind::Image {
            Strategy::BlueGreen
        } else {
            Strategy::Recreate
        };
        assert_eq!(a.strategy, default, "{kind}");
        assert!(!a.forced);
    }
}

#[test]
fn effective_strategy_defaults_and_explicit_values_for_every_kind() {
    let fixture = Fixture::new();
    for kind in Kind::ALL {
        let effective = valid(kind, &fixture.minimal(kind)).strategy;
        assert_eq!(effective.reason.english(), format!("default for {kind} workloads"));

        let recreate = fixture.with(kind, json!({ "deploy_strategy": "recreate" }));
        let effective = valid(kind, &recreate).strategy;
        assert_eq!(effective.strategy, Strategy::Recreate, "{kind}");
        assert_eq!(effective.reason.english(), "set in deploy_strategy");

        let blue_green = fixture.with(kind, json!({ "deploy_strategy": "blue-green" }));
        if kind == Kind::Compose {
            let error = only_error(kind, &blue_green, "deploy_strategy");
            assert!(error.message.contains("docker compose up"), "{}", error.message);
        } else {
            let effective = valid(kind, &blue_green).strategy;
            assert_eq!(effective.strategy, Strategy::BlueGreen, "{kind}");
            assert!(!effective.forced);
        }
    }
}

#[test]
fn storage_backed_static_blue_green_is_forced_to_recreate_with_a_warning() {
    let raw = json!({ "runtime": "deno", "storage": "data", "deploy_strategy": "blue-green" });
    let validated = valid(Kind::Static, &raw);
    let [warning] = validated.warnings.as_slice() else {
        panic!("one warning expected, got {:#?}", validated.warnings);
    };
    assert_eq!(warning.workload, WORKLOAD);
    assert_eq!(warning.path, "deploy_strategy");
    assert_eq!(
        warning.message,
        "forced to recreate: blue-green would mount volume `data` read-write into two containers at once"
    );
    let effective = validated.strategy;
    assert_eq!(effective.strategy, Strategy::Recreate);
    assert!(effective.forced);
    assert!(
        effective.reason.english().contains("volume `data`"),
        "{}",
        effective.reason
    );

    for asked in [json!(""), json!("recreate")] {
        let raw = json!({ "runtime": "deno", "storage": "data", "deploy_strategy": asked });
        let validated = valid(Kind::Static, &raw);
        assert!(validated.warnings.is_empty(), "{asked}: nothing was overridden");
        let effective = validated.strategy;
        assert_eq!(effective.strategy, Strategy::Recreate);
        assert!(!effective.forced);
    }

    // Without the deno runtime the volume is not the site: no gate.
    let fixture = Fixture::new();
    let plain = fixture.with(
        Kind::Static,
        json!({ "storage": "data", "deploy_strategy": "blue-green" }),
    );
    let validated = valid(Kind::Static, &plain);
    assert!(validated.warnings.is_empty());
    assert_eq!(validated.strategy.strategy, Strategy::BlueGreen);
}

#[test]
fn invalid_deploy_strategy_is_reported_by_validate_for_every_kind() {
    let fixture = Fixture::new();
    for kind in Kind::ALL {
        for value in [json!("bluegreen"), json!("Blue-Green"), json!(" "), json!(2)] {
            let raw = fixture.with(kind, json!({ "deploy_strategy": value }));
            let error = only_error(kind, &raw, "deploy_strategy");
            assert!(error.message.contains("\"recreate\""), "{}", error.message);
        }
    }
}

#[test]
fn ports_are_refused_with_blue_green_and_accepted_with_recreate() {
    let fixture = Fixture::new();
    let ports = json!({ "ports": ["8080:80"] });

    // Image workloads are blue-green by default.
    let error = only_error(Kind::Image, &fixture.with(Kind::Image, ports.clone()), "ports");
    assert!(
        error
            .message
            .contains("two containers cannot bind one host port; use deploy_strategy \"recreate\" or remove `ports`"),
        "{}",
        error.message
    );
    assert!(
        error.message.contains("default for image workloads"),
        "{}",
        error.message
    );

    let explicit = fixture.with(
        Kind::Dockerfile,
        json!({ "ports": ["8080:80"], "deploy_strategy": "blue-green" }),
    );
    only_error(Kind::Dockerfile, &explicit, "ports");

    let recreate = fixture.with(
        Kind::Image,
        json!({ "ports": ["8080:80"], "deploy_strategy": "recreate" }),
    );
    valid(Kind::Image, &recreate);
    valid(Kind::Dockerfile, &fixture.with(Kind::Dockerfile, ports.clone()));
    valid(Kind::Image, &fixture.with(Kind::Image, json!({ "ports": [] })));
}

// ---------------------------------------------------------------------------
// Keys

#[test]
fn unknown_key_gets_a_did_you_mean() {
    let raw = json!({ "image": "nginx", "deploy_stratgy": "recreate" });
    let error = only_error(Kind::Image, &raw, "deploy_stratgy");
    assert_eq!(error.workload, WORKLOAD);
    assert!(
        error.message.contains("unknown field `deploy_stratgy`"),
        "{}",
        error.message
    );
    assert_eq!(error.suggestion.as_deref(), Some("did you mean `deploy_strategy`?"));

    let typos = [
        ("prot", "port"),
        ("evn", "env"),
        ("Domains", "domains"),
        ("imag", "image"),
    ];
    for (typo, meant) in typos {
        let raw = json!({ "image": "nginx", typo: 1 });
        let error = only_error(Kind::Image, &raw, typo);
        assert_eq!(error.suggestion, Some(format!("did you mean `{meant}`?")), "{typo}");
    }

    let far = only_error(Kind::Image, &json!({ "image": "nginx", "zzzzzzzz": 1 }), "zzzzzzzz");
    let listing = far.suggestion.expect("the valid fields are listed instead");
    assert!(
        listing.contains("deploy_strategy") && listing.contains("registry_auth"),
        "{listing}"
    );
}

#[test]
fn a_key_of_another_kind_is_named_as_such() {
    let fixture = Fixture::new();
    let raw = fixture.with(Kind::Dockerfile, json!({ "image": "nginx" }));
    let error = only_error(Kind::Dockerfile, &raw, "image");
    assert!(
        error
            .message
            .contains("`image` is not a field of a dockerfile workload"),
        "{}",
        error.message
    );
    assert!(error.message.contains("image workloads"), "{}", error.message);

    let raw = json!({ "image": "nginx", "root": "/srv" });
    let error = only_error(Kind::Image, &raw, "root");
    assert!(
        error.message.contains("not a field of an image workload"),
        "{}",
        error.message
    );
}

#[test]
fn unknown_keys_inside_healthcheck_and_registry_auth_get_a_did_you_mean() {
    let raw = json!({
        "image": "nginx",
        "port": 80,
        "healthcheck": { "path": "/", "interval": 5 },
        "registry_auth": { "username": "ci", "password_env": "TOKEN", "pasword_env": "X" }
    });
    let errors = invalid(Kind::Image, &raw);
    assert_eq!(
        paths(&errors),
        ["healthcheck.interval", "registry_auth.pasword_env"],
        "{errors:#?}"
    );
    assert_eq!(errors[0].suggestion.as_deref(), Some("did you mean `interval_ms`?"));
    assert_eq!(errors[1].suggestion.as_deref(), Some("did you mean `password_env`?"));
}

#[test]
fn all_errors_of_a_config_are_reported_together() {
    let raw = json!({
        "image": "nginx",
        "deploy_stratgy": "recreate",
        "healthcheck": { "path": "health" },
        "port": 80,
        "domains": ["example.com", "bad domain"]
    });
    let errors = invalid(Kind::Image, &raw);
    let mut found = paths(&errors);
    found.sort_unstable();
    assert_eq!(
        found,
        ["deploy_stratgy", "domains[1]", "healthcheck.path"],
        "{errors:#?}"
    );
    assert!(errors.iter().all(|e| e.workload == WORKLOAD && !e.message.is_empty()));
}

#[test]
fn top_level_that_is_not_an_object_is_one_error_for_the_whole_config() {
    for raw in [json!([]), json!("image"), json!(null), json!(3)] {
        for kind in Kind::ALL {
            let error = only_error(kind, &raw, "");
            assert!(error.message.contains("must be a JSON object"), "{}", error.message);
        }
    }
}

// ---------------------------------------------------------------------------
// Common fields

#[test]
fn port_is_required_with_domains_or_healthcheck_except_for_static() {
    let fixture = Fixture::new();
    for kind in [Kind::Image, Kind::Dockerfile, Kind::Compose] {
        for extra in [
            json!({ "domains": ["example.com"] }),
            json!({ "healthcheck": { "path": "/" } }),
        ] {
            let error = only_error(kind, &fixture.with(kind, extra.clone()), "port");
            assert!(error.message.contains("is required"), "{}", error.message);
            let mut with_port = extra;
            with_port["port"] = json!(3000);
            valid(kind, &fixture.with(kind, with_port));
        }
        valid(kind, &fixture.with(kind, json!({ "domains": [] })));
    }
    valid(
        Kind::Static,
        &fixture.with(Kind::Static, json!({ "healthcheck": { "path": "/" } })),
    );
    for bad in [json!(0), json!(65536), json!(-1), json!(80.5), json!("80")] {
        let raw = json!({ "image": "nginx", "port": bad });
        only_error(Kind::Image, &raw, "port");
    }
}

#[test]
fn domains_are_checked_one_by_one_and_must_be_unique_ignoring_case() {
    let raw = json!({
        "image": "nginx",
        "port": 80,
        "domains": ["example.com", "*.example.com", "Example.COM", "https://x.io", "a..b", 7, "-a.io", ""]
    });
    let errors = invalid(Kind::Image, &raw);
    assert_eq!(
        paths(&errors),
        [
            "domains[2]",
            "domains[3]",
            "domains[4]",
            "domains[5]",
            "domains[6]",
            "domains[7]"
        ],
        "{errors:#?}"
    );
    assert!(
        errors[0].message.contains("repeats domains[0]"),
        "{}",
        errors[0].message
    );
    assert!(errors[3].message.contains("must be a string"), "{}", errors[3].message);

    let many: Vec<String> = (0..101).map(|i| format!("h{i}.example.com")).collect();
    only_error(
        Kind::Image,
        &json!({ "image": "nginx", "port": 80, "domains": many }),
        "domains",
    );
    only_error(
        Kind::Image,
        &json!({ "image": "nginx", "domains": "example.com" }),
        "domains",
    );
}

#[test]
fn ports_must_be_host_container_mappings() {
    let raw = json!({
        "image": "nginx",
        "deploy_strategy": "recreate",
        "ports": ["8080:80", "53:53/udp", "80", "0:80", "8080:70000", "8080:80/sctp", "a:b", 8080]
    });
    let errors = invalid(Kind::Image, &raw);
    assert_eq!(
        paths(&errors),
        ["ports[2]", "ports[3]", "ports[4]", "ports[5]", "ports[6]", "ports[7]"],
        "{errors:#?}"
    );
}

#[test]
fn env_names_must_be_shell_names_and_values_strings() {
    let raw = json!({
        "image": "nginx",
        "env": { "GOOD_1": "x", "_ok": "y", "1BAD": "z", "A=B": "v", "": "w", "WITH SPACE": "u", "NUM": 5 }
    });
    let errors = invalid(Kind::Image, &raw);
    let mut found = paths(&errors);
    found.sort_unstable();
    assert_eq!(
        found,
        ["env.", "env.1BAD", "env.A=B", "env.NUM", "env.WITH SPACE"],
        "{errors:#?}"
    );
    only_error(Kind::Image, &json!({ "image": "nginx", "env": ["A=1"] }), "env");
}

#[test]
fn healthcheck_needs_a_path_and_sane_numbers() {
    let base = json!({ "image": "nginx", "port": 80 });
    let with = |healthcheck: Value| {
        let mut raw = base.clone();
        raw["healthcheck"] = healthcheck;
        raw
    };
    let error = only_error(Kind::Image, &with(json!({})), "healthcheck.path");
    assert!(error.message.contains("required"), "{}", error.message);
    only_error(Kind::Image, &with(json!({ "path": "health" })), "healthcheck.path");
    only_error(Kind::Image, &with(json!({ "path": 1 })), "healthcheck.path");
    only_error(Kind::Image, &with(json!("/health")), "healthcheck");
    let errors = invalid(
        Kind::Image,
        &with(json!({
            "path": "/",
            "interval_ms": 0,
            "timeout_ms": -5,
            "deadline_ms": 1.5,
            "healthy_threshold": 0,
            "start_period_ms": "0"
        })),
    );
    let mut found = paths(&errors);
    found.sort_unstable();
    assert_eq!(
        found,
        [
            "healthcheck.deadline_ms",
            "healthcheck.healthy_threshold",
            "healthcheck.interval_ms",
            "healthcheck.start_period_ms",
            "healthcheck.timeout_ms"
        ],
        "{errors:#?}"
    );
    valid(
        Kind::Image,
        &with(json!({ "path": "/", "start_period_ms": 0, "healthy_threshold": 3 })),
    );
}

#[test]
fn container_fields_are_checked() {
    let cases = [
        ("network", json!("-bad")),
        ("network", json!("")),
        ("init", json!("yes")),
        ("command", json!([])),
        ("command", json!("bin/server")),
        ("memory", json!("5m")),
        ("memory", json!("lots")),
        ("memory", json!(-1)),
        ("memory", json!(true)),
        ("cpus", json!(0)),
        ("cpus", json!(1025)),
        ("cpus", json!("2")),
        ("restart", json!("sometimes")),
        ("restart", json!("on-failure:")),
        ("liveness_window_ms", json!(-1)),
        ("drain_ms", json!("2s")),
        ("drain_until_idle", json!("no")),
        ("stop_timeout_s", json!(3601)),
        ("keep_artifacts", json!(101)),
    ];
    for (key, value) in cases {
        let raw = json!({ "image": "nginx", key: value });
        only_error(Kind::Image, &raw, key);
    }
    only_error(
        Kind::Image,
        &json!({ "image": "nginx", "command": ["ok", 1] }),
        "command[1]",
    );
    only_error(
        Kind::Image,
        &json!({ "image": "nginx", "labels": { "berth.workload": "x" } }),
        "labels.berth.workload",
    );
    only_error(
        Kind::Image,
        &json!({ "image": "nginx", "labels": { "a": 1 } }),
        "labels.a",
    );
    let restart = only_error(
        Kind::Image,
        &json!({ "image": "nginx", "restart": "allways" }),
        "restart",
    );
    assert_eq!(restart.suggestion.as_deref(), Some("did you mean \"always\"?"));

    valid(
        Kind::Image,
        &json!({
            "image": "nginx", "memory": "6m", "cpus": 0.25, "restart": "on-failure",
            "labels": { "berthing": "ok" }, "network": "Net_1.a-b"
        }),
    );
}

#[test]
fn null_is_not_a_default_but_a_type_error() {
    for key in [
        "domains",
        "port",
        "env",
        "healthcheck",
        "network",
        "memory",
        "restart",
        "pull",
    ] {
        let raw = json!({ "image": "nginx", key: null });
        let errors = invalid(Kind::Image, &raw);
        assert!(errors.iter().any(|e| e.path == key), "{key}: {errors:#?}");
    }
}

// ---------------------------------------------------------------------------
// Per-kind errors

#[test]
fn image_reports_missing_image_bad_references_pull_and_registry_auth() {
    let error = only_error(Kind::Image, &json!({}), "image");
    assert!(error.message.contains("is required"), "{}", error.message);
    only_error(Kind::Image, &json!({ "image": "" }), "image");
    only_error(Kind::Image, &json!({ "image": 5 }), "image");

    let valid_references = [
        "nginx",
        "nginx:1.27-alpine",
        "library/nginx:latest",
        "ghcr.io/acme/web:1.4",
        "localhost:5000/web",
        "registry.example.com:5000/team/web:v2_0",
        "My.Registry.io/web",
        "nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        "nginx:1.27@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    ];
    for reference in valid_references {
        valid(Kind::Image, &json!({ "image": reference }));
    }
    let invalid_references = [
        "Nginx",
        "acme/Web:1",
        "nginx:",
        "nginx latest",
        "nginx:tag with space",
        ":1.0",
        "nginx@sha256:abc",
        "nginx@md5:0123",
        "acme//web",
        "web/",
        "-web",
        "nginx:-bad",
    ];
    for reference in invalid_references {
        let error = only_error(Kind::Image, &json!({ "image": reference }), "image");
        assert!(
            error.message.contains("not an image reference"),
            "{reference}: {}",
            error.message
        );
    }

    let pull = only_error(Kind::Image, &json!({ "image": "nginx", "pull": "alway" }), "pull");
    assert_eq!(pull.suggestion.as_deref(), Some("did you mean \"always\"?"));

    let errors = invalid(Kind::Image, &json!({ "image": "nginx", "registry_auth": {} }));
    assert_eq!(
        paths(&errors),
        ["registry_auth.username", "registry_auth.password_env"],
        "{errors:#?}"
    );
    let raw = json!({
        "image": "nginx",
        "registry_auth": { "username": "", "password_env": "9lives" }
    });
    let errors = invalid(Kind::Image, &raw);
    assert_eq!(
        paths(&errors),
        ["registry_auth.username", "registry_auth.password_env"],
        "{errors:#?}"
    );
    only_error(
        Kind::Image,
        &json!({ "image": "nginx", "registry_auth": "ci" }),
        "registry_auth",
    );
}

#[test]
fn dockerfile_reports_missing_relative_or_absent_context_and_escaping_dockerfile() {
    let fixture = Fixture::new();
    only_error(Kind::Dockerfile, &json!({}), "context");
    let relative = only_error(Kind::Dockerfile, &json!({ "context": "app" }), "context");
    assert!(
        relative.message.contains("must be an absolute path"),
        "{}",
        relative.message
    );
    let absent = only_error(Kind::Dockerfile, &json!({ "context": fixture.path("nope") }), "context");
    assert!(absent.message.contains("does not exist"), "{}", absent.message);
    let not_a_dir = only_error(
        Kind::Dockerfile,
        &json!({ "context": fixture.path("compose.yml") }),
        "context",
    );
    assert!(not_a_dir.message.contains("not a directory"), "{}", not_a_dir.message);

    for dockerfile in ["../Dockerfile", "/etc/Dockerfile", "Dockerfile.prod", ""] {
        let raw = fixture.with(Kind::Dockerfile, json!({ "dockerfile": dockerfile }));
        only_error(Kind::Dockerfile, &raw, "dockerfile");
    }
    fs::create_dir(fixture.dir.path().join("app/docker")).expect("dir");
    fs::write(fixture.dir.path().join("app/docker/prod.Dockerfile"), "FROM scratch\n").expect("write");
    let raw = fixture.with(
        Kind::Dockerfile,
        json!({ "dockerfile": "./docker/prod.Dockerfile", "target": "runtime", "build_args": { "V": "1" } }),
    );
    valid(Kind::Dockerfile, &raw);

    let raw = fixture.with(Kind::Dockerfile, json!({ "target": "", "build_args": { "V": 1 } }));
    let errors = invalid(Kind::Dockerfile, &raw);
    let mut found = paths(&errors);
    found.sort_unstable();
    assert_eq!(found, ["build_args.V", "target"], "{errors:#?}");
}

#[test]
fn static_reports_missing_root_bad_runtime_storage_and_server_fields() {
    let fixture = Fixture::new();
    let error = only_error(Kind::Static, &json!({}), "root");
    assert!(error.message.contains("storage-backed"), "{}", error.message);
    only_error(Kind::Static, &json!({ "runtime": "deno" }), "root");
    only_error(Kind::Static, &json!({ "runtime": "deno", "storage": "" }), "root");
    only_error(Kind::Static, &json!({ "root": fixture.path("missing") }), "root");

    let runtime = only_error(
        Kind::Static,
        &fixture.with(Kind::Static, json!({ "runtime": "Deno" })),
        "runtime",
    );
    assert_eq!(runtime.suggestion.as_deref(), Some("did you mean \"deno\"?"));
    for (key, value) in [
        ("storage", json!("bad volume")),
        ("server_image", json!("Nginx:alpine")),
        ("server_root", json!("srv")),
    ] {
        only_error(Kind::Static, &fixture.with(Kind::Static, json!({ key: value })), key);
    }
}

#[test]
fn compose_reports_missing_file_bad_project_and_blue_green() {
    let fixture = Fixture::new();
    only_error(Kind::Compose, &json!({}), "file");
    let not_a_file = only_error(Kind::Compose, &json!({ "file": fixture.path("app") }), "file");
    assert!(not_a_file.message.contains("not a file"), "{}", not_a_file.message);
    only_error(Kind::Compose, &json!({ "file": "compose.yml" }), "file");
    for project in ["My-Stack", "-stack", ""] {
        let raw = fixture.with(Kind::Compose, json!({ "project": project }));
        only_error(Kind::Compose, &raw, "project");
    }
    only_error(
        Kind::Compose,
        &fixture.with(Kind::Compose, json!({ "service": "" })),
        "service",
    );
    valid(
        Kind::Compose,
        &fixture.with(
            Kind::Compose,
            json!({ "project": "shop_2-a", "service": "web", "port": 80, "domains": ["shop.example.com"] }),
        ),
    );

    let raw = fixture.with(Kind::Compose, json!({ "deploy_strategy": "blue-green" }));
    let error = only_error(Kind::Compose, &raw, "deploy_strategy");
    assert!(error.message.contains("side by side"), "{}", error.message);
}

// ---------------------------------------------------------------------------
// Secrets

#[test]
fn secrets_never_appear_in_messages() {
    const SECRET: &str = "s3cr3t-hunter2";
    let raw = json!({
        "image": "nginx",
        "env": { "1BAD": SECRET, "OK": { "nested": SECRET }, "LIST": [SECRET] },
        "evn": { "A": SECRET },
        "registry_auth": { "username": "ci", "password_env": SECRET, "password": SECRET },
    });
    let errors = invalid(Kind::Image, &raw);
    assert!(errors.len() >= 5, "{errors:#?}");
    let dockerfile = json!({ "context": "/nonexistent-berth", "build_args": { "=": SECRET, "N": [SECRET] } });
    let all = errors.into_iter().chain(
        super::validate(WORKLOAD, Kind::Dockerfile, &dockerfile)
            .err()
            .unwrap_or_default(),
    );
    for issue in all {
        let text = format!("{issue} {:?}", issue.suggestion);
        assert!(!text.contains(SECRET), "secret leaked: {text}");
    }
}

#[test]
fn secret_references_are_checked_by_shape_all_errors_at_once() {
    let raw = json!({
        "image": "nginx",
        "env": {
            "PLAIN": "x",
            "FROM_ENV": { "from_env": "DB_PASSWORD" },
            "FROM_FILE": { "from_file": "/run/secrets/db" },
            "BAD_VAR": { "from_env": "1BAD" },
            "RELATIVE": { "from_file": "secrets/db" },
            "BOTH": { "from_env": "A", "from_file": "/a" },
            "TYPO": { "from_evn": "A" },
            "EMPTY": {},
            "NUMBER": { "from_env": 5 },
        }
    });
    let errors = invalid(Kind::Image, &raw);
    let mut found = paths(&errors);
    found.sort_unstable();
    assert_eq!(
        found,
        [
            "env.BAD_VAR.from_env",
            "env.BOTH",
            "env.EMPTY",
            "env.NUMBER.from_env",
            "env.RELATIVE.from_file",
            "env.TYPO.from_evn",
        ],
        "{errors:#?}"
    );
    let typo = errors
        .iter()
        .find(|e| e.path == "env.TYPO.from_evn")
        .expect("typo error");
    assert_eq!(typo.suggestion.as_deref(), Some("did you mean `from_env`?"));

    let fixture = Fixture::new();
    let valid = json!({
        "context": fixture.path("app"),
        "env": { "A": { "from_env": "A" } },
        "build_args": { "TOKEN": { "from_file": "/run/secrets/token" }, "V": "1" },
    });
    let config = super::validate(WORKLOAD, Kind::Dockerfile, &valid)
        .expect("references validate")
        .config;
    assert_eq!(
        config.common.env["A"],
        SecretValue::Ref(SecretRef::FromEnv("A".to_owned()))
    );
    let KindConfig::Dockerfile(d) = &config.source else {
        panic!("dockerfile config expected");
    };
    assert_eq!(d.build_args["V"], SecretValue::Plain("1".to_owned()));
}

#[test]
fn mask_secrets_shows_references_as_references() {
    let raw = json!({ "env": { "A": "plain", "B": { "from_env": "B_VAR" } } });
    assert_eq!(
        mask_secrets(&raw)["env"],
        json!({ "A": "********", "B": { "from_env": "B_VAR" } })
    );
}

#[test]
fn mask_secrets_hides_env_and_build_arg_values_only() {
    let raw = json!({
        "image": "nginx",
        "env": { "TOKEN": "abc", "N": 1 },
        "build_args": { "NPM_TOKEN": "xyz" },
        "labels": { "team": "web" }
    });
    let masked = mask_secrets(&raw);
    assert_eq!(masked["env"], json!({ "TOKEN": "********", "N": "********" }));
    assert_eq!(masked["build_args"], json!({ "NPM_TOKEN": "********" }));
    assert_eq!(masked["labels"], raw["labels"]);
    assert_eq!(masked["image"], raw["image"]);
    assert_eq!(mask_secrets(&json!([1])), json!([1]));
    assert_eq!(mask_secrets(&json!({ "env": "x" })), json!({ "env": "x" }));
}

// ---------------------------------------------------------------------------
// Names, sizes, distance

#[test]
fn workload_names_follow_the_design_pattern() {
    for ok in ["web", "a", "0", "api-2", &"a".repeat(56)] {
        assert_eq!(validate_workload_name(ok), Ok(()), "{ok}");
    }
    for bad in ["", "-web", "Web", "web_1", "web.app", "wéb", &"a".repeat(57)] {
        let why = validate_workload_name(bad).expect_err(bad);
        assert!(!why.english().is_empty());
        // Each reason is a message of both languages, never English in Russian.
        let ru = why.format(crate::i18n::Lang::Ru);
        assert!(ru.contains("имя нагрузки"), "{bad}: {ru}");
    }
    let why = validate_workload_name(&"a".repeat(57)).expect_err("too long");
    assert_eq!(
        why.english(),
        format!(
            "workload name `{}` is 57 characters long; at most 56 are allowed \
             (leaving room for the 7-character green suffix within Docker's and DNS's 63)",
            "a".repeat(57)
        )
    );
    assert!(why.format(crate::i18n::Lang::Ru).contains("длиной 57 символов"));
    let why = validate_workload_name("Web").expect_err("uppercase");
    assert_eq!(
        why.english(),
        "workload name `Web` contains `W`: use lowercase letters, digits and hyphens"
    );
    assert_eq!(
        validate_workload_name("").expect_err("empty").english(),
        "a workload name must not be empty"
    );
    assert_eq!(
        validate_workload_name("-web").expect_err("hyphen").english(),
        "workload name `-web` must start with a lowercase letter or a digit"
    );
}

#[test]
fn parse_memory_understands_docker_units() {
    let mib = 1024 * 1024;
    let cases = [
        ("1024", Some(1024)),
        ("1024b", Some(1024)),
        ("256k", Some(256 * 1024)),
        ("512m", Some(512 * mib)),
        ("512M", Some(512 * mib)),
        ("512mb", Some(512 * mib)),
        ("512MiB", Some(512 * mib)),
        ("1g", Some(1024 * mib)),
        ("1.5g", Some(1536 * mib)),
        ("2 g", Some(2048 * mib)),
        ("", None),
        ("m", None),
        ("-1m", None),
        ("1x", None),
        ("1.2.3m", None),
        ("99999999999t", None),
    ];
    for (input, expected) in cases {
        assert_eq!(parse_memory(input), expected, "{input:?}");
    }
}

#[test]
fn edit_distance_counts_swaps_as_one() {
    assert_eq!(edit_distance("deploy_stratgy", "deploy_strategy"), 1);
    assert_eq!(edit_distance("evn", "env"), 1);
    assert_eq!(edit_distance("", "abc"), 3);
    assert_eq!(edit_distance("kitten", "sitting"), 3);
    assert_eq!(did_you_mean("xyz", &["port"]), None);
    assert_eq!(did_you_mean("timeout", &["path", "timeout_ms"]), Some("timeout_ms"));
    assert_eq!(did_you_mean("PORT", &["ports", "port"]), Some("port"));
}

#[test]
fn resolved_relative_paths_validate_against_the_base() {
    let fixture = Fixture::new();
    let mut raw = json!({ "context": "./app", "dockerfile": "Dockerfile" });
    resolve_paths(Kind::Dockerfile, &mut raw, fixture.dir.path());
    valid(Kind::Dockerfile, &raw);
    let mut raw = json!({ "file": "compose.yml" });
    resolve_paths(Kind::Compose, &mut raw, &fixture.dir.path().join("app"));
    only_error(Kind::Compose, &raw, "file");
    assert!(Path::new(raw["file"].as_str().expect("string")).is_absolute());
}

// ---------------------------------------------------------------------------
// Arbitrary input

/// Every key a config may hold at any level, so generated objects often hit
/// the real checks rather than only the unknown-key one. Not the public
/// [`super::known_keys`]: the keys inside `swarm` are left out here.
fn known_keys() -> Vec<&'static str> {
    let mut keys: Vec<&'static str> = COMMON_KEYS.to_vec();
    for kind in Kind::ALL {
        keys.extend_from_slice(kind_keys(kind));
    }
    keys.extend_from_slice(HEALTHCHECK_KEYS);
    keys.extend_from_slice(REGISTRY_AUTH_KEYS);
    keys
}

#[test]
fn the_public_known_keys_hold_every_key_of_every_level_once() {
    let keys = super::known_keys();
    let levels = [
        COMMON_KEYS,
        HEALTHCHECK_KEYS,
        REGISTRY_AUTH_KEYS,
        SWARM_KEYS,
        SWARM_UPDATE_KEYS,
    ];
    let every: std::collections::BTreeSet<&str> = levels
        .into_iter()
        .chain(Kind::ALL.map(kind_keys))
        .flatten()
        .copied()
        .collect();
    let once: std::collections::BTreeSet<&str> = keys.iter().copied().collect();
    assert_eq!(once, every);
    assert_eq!(keys.len(), once.len(), "a key listed twice: {keys:?}");
}

fn arb_key() -> impl proptest::strategy::Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(known_keys()).prop_map(str::to_owned),
        1 => ".{0,12}",
    ]
}

const PLAUSIBLE_STRINGS: &[&str] = &[
    "",
    "recreate",
    "blue-green",
    "deno",
    "always",
    "missing",
    "/",
    "/tmp",
    "/health",
    "nginx:alpine",
    "ghcr.io/a/b:1",
    "512m",
    "1g",
    "example.com",
    "*.example.com",
    "8080:80",
    "..",
    "on-failure:3",
    "unless-stopped",
    "berth.x",
    "a=b",
    "data",
    "web",
    "HOME",
];

/// Values of the shapes configs hold: small numbers, known strings, arrays
/// of strings and objects of strings, so many generated configs are valid.
fn arb_plausible_json() -> impl proptest::strategy::Strategy<Value = Value> {
    let string = prop::sample::select(PLAUSIBLE_STRINGS).prop_map(Value::from);
    prop_oneof![
        any::<bool>().prop_map(Value::Bool),
        (0u64..70_000).prop_map(Value::from),
        (0.0f64..2000.0).prop_map(Value::from),
        string.clone(),
        prop::collection::vec(string.clone(), 0..3).prop_map(Value::Array),
        prop::collection::vec((arb_key(), string), 0..3)
            .prop_map(|entries| Value::Object(entries.into_iter().collect())),
    ]
}

fn arb_json() -> impl proptest::strategy::Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        (0u64..70_000).prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        ".{0,16}".prop_map(Value::String),
        prop::sample::select(PLAUSIBLE_STRINGS).prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((arb_key(), inner), 0..8)
                .prop_map(|entries| Value::Object(entries.into_iter().collect())),
        ]
    })
}

/// Mostly objects at the top, as configs are.
fn arb_config() -> impl proptest::strategy::Strategy<Value = Value> {
    prop_oneof![
        1 => arb_json(),
        4 => prop::collection::vec((arb_key(), arb_json()), 0..12)
            .prop_map(|entries| Value::Object(entries.into_iter().collect())),
    ]
}

fn path_is_accounted_for(path: &str, raw: &Value) -> bool {
    let starts_with_key =
        |key: &str| path == key || path.starts_with(&format!("{key}.")) || path.starts_with(&format!("{key}["));
    path.is_empty()
        || known_keys().into_iter().any(starts_with_key)
        || raw
            .as_object()
            .is_some_and(|config| config.keys().any(|key| starts_with_key(key)))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_json_never_panics_and_every_issue_is_well_formed(raw in arb_config()) {
        for kind in Kind::ALL {
            let mut resolved = raw.clone();
            resolve_paths(kind, &mut resolved, Path::new("/tmp"));
            let _ = mask_secrets(&resolved);
            let issues = match validate(WORKLOAD, kind, &resolved) {
                Ok(validated) => validated.warnings,
                Err(errors) => {
                    prop_assert!(!errors.is_empty());
                    errors
                }
            };
            for issue in issues {
                prop_assert_eq!(&issue.workload, WORKLOAD);
                prop_assert!(!issue.message.is_empty());
                prop_assert!(!issue.message.contains("berth bug"), "{}", issue.message);
                prop_assert!(
                    path_is_accounted_for(&issue.path, &resolved),
                    "path {:?} in {}", issue.path, resolved
                );
            }
        }
    }
}

/// Starting from a valid config, arbitrary extra fields either fail
/// validation with well-formed issues or pass it and read into the typed
/// config: the checks and the serde types never disagree.
#[test]
fn valid_config_plus_arbitrary_fields_is_rejected_cleanly_or_readable() {
    use proptest::test_runner::{Config, TestRunner};

    let fixture = Fixture::new();
    let mut top_level_keys: Vec<&'static str> = COMMON_KEYS.to_vec();
    for kind in Kind::ALL {
        top_level_keys.extend_from_slice(kind_keys(kind));
    }
    let key = prop::sample::select(top_level_keys).prop_map(str::to_owned);
    let extra_fields = prop::collection::vec((key, arb_plausible_json()), 1..4);
    let mut runner = TestRunner::new(Config {
        cases: 1024,
        failure_persistence: None,
        ..Config::default()
    });
    let accepted = std::cell::Cell::new(0);
    let result = runner.run(&extra_fields, |entries| {
        for kind in Kind::ALL {
            let mut raw = fixture.minimal(kind);
            if let Some(config) = raw.as_object_mut() {
                // Keys of other kinds are refused by name; leave them out
                // so that more configs get through to the typed read.
                let own = entries
                    .iter()
                    .filter(|(key, _)| COMMON_KEYS.contains(&key.as_str()) || kind_keys(kind).contains(&key.as_str()));
                config.extend(own.cloned());
            }
            match validate(WORKLOAD, kind, &raw) {
                Ok(_) => accepted.set(accepted.get() + 1),
                Err(errors) => {
                    for issue in errors {
                        prop_assert_eq!(&issue.workload, WORKLOAD);
                        prop_assert!(!issue.message.is_empty());
                        prop_assert!(!issue.message.contains("berth bug"), "{}: {}", raw, issue);
                        prop_assert!(path_is_accounted_for(&issue.path, &raw), "{}: {}", raw, issue);
                    }
                }
            }
        }
        Ok(())
    });
    if let Err(failure) = result {
        panic!("{failure}");
    }
    assert!(
        accepted.get() > 0,
        "no generated config was valid: the generator needs more plausible values"
    );
}

#[test]
fn drain_ms_zero_is_valid_but_warns_that_it_turns_off_the_watch() {
    let raw = json!({ "image": "web:1", "drain_ms": 0 });
    let validated = valid(Kind::Image, &raw);
    let [warning] = validated.warnings.as_slice() else {
        panic!("one warning expected, got {:#?}", validated.warnings);
    };
    assert_eq!(warning.path, "drain_ms");
    assert!(warning.message.contains("turns off"), "{}", warning.message);
    for drain in [json!(1), json!(2000)] {
        let validated = valid(Kind::Image, &json!({ "image": "web:1", "drain_ms": drain }));
        assert!(validated.warnings.is_empty(), "{drain}");
    }
}
