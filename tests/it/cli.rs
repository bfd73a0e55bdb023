//! The workload and validate commands, driven through the real binary.

use crate::common;

use std::io::Read;
use std::os::unix::fs::PermissionsExt;
use std::process::Stdio;

use common::TestContext;
use serde_json::json;

fn image_config() -> serde_json::Value {
    json!({ "image": "127.0.0.1:5000/app:v1", "port": 8080, "env": { "API_KEY": "hunter2-secret" } })
}

#[test]
fn add_list_show_rm_round_trip() {
    let t = TestContext::new();
    t.add("web", "image", &image_config()).success();
    let list = t.run(&["workload", "list"]).success();
    assert!(list.stdout.contains("web"), "{}", list.stdout);
    assert!(
        list.stdout.contains("blue-green"),
        "image defaults to blue-green: {}",
        list.stdout
    );

    let json = t.run(&["--output", "json", "workload", "list"]).success().json();
    assert_eq!(json["workloads"][0]["name"], "web");
    assert_eq!(json["workloads"][0]["kind"], "image");
    assert_eq!(json["workloads"][0]["strategy"], "blue-green");

    let show = t.run(&["--output", "json", "workload", "show", "web"]).success().json();
    assert_eq!(show["config"]["image"], "127.0.0.1:5000/app:v1");

    t.run(&["workload", "rm", "web"]).success();
    t.run(&["workload", "show", "web"]).code(4);
    let json = t.run(&["--output", "json", "workload", "list"]).success().json();
    assert_eq!(json["workloads"], json!([]));
}

#[test]
fn show_masks_secrets_unless_asked() {
    let t = TestContext::new();
    t.add("web", "image", &image_config()).success();
    for args in [
        vec!["workload", "show", "web"],
        vec!["--output", "json", "workload", "show", "web"],
        vec!["--output", "json", "workload", "list"],
    ] {
        let run = t.run(&args).success();
        assert!(
            !run.stdout.contains("hunter2"),
            "secret leaked by {args:?}: {}",
            run.stdout
        );
        assert!(
            !run.stderr.contains("hunter2"),
            "secret leaked by {args:?}: {}",
            run.stderr
        );
    }
    let shown = t.run(&["--output", "json", "workload", "show", "web"]).success().json();
    assert_eq!(shown["config"]["env"]["API_KEY"], "********");
    let revealed = t
        .run(&["--output", "json", "workload", "show", "web", "--show-secrets"])
        .success()
        .json();
    assert_eq!(revealed["config"]["env"]["API_KEY"], "hunter2-secret");
}

#[test]
fn invalid_config_is_never_saved_and_names_workload_path_and_fix() {
    let t = TestContext::new();
    let bad = json!({ "image": "app:v1", "deploy_stratgy": "blue-green", "healthcheck": { "path": "healthz" } });
    let run = t.add("web", "image", &bad).code(3);
    assert!(run.stderr.contains("web"), "{}", run.stderr);
    assert!(run.stderr.contains("deploy_stratgy"), "{}", run.stderr);
    assert!(
        run.stderr.contains("deploy_strategy"),
        "did-you-mean missing: {}",
        run.stderr
    );
    assert!(
        run.stderr.contains("healthcheck.path"),
        "all errors reported: {}",
        run.stderr
    );
    t.run(&["workload", "show", "web"]).code(4);

    let run = t.run_stdin(
        &[
            "--output", "json", "workload", "add", "web", "--kind", "image", "--config", "-",
        ],
        &bad.to_string(),
    );
    assert_eq!(run.code, 3);
    let err = run.json();
    assert_eq!(err["error"]["code"], "invalid_config");
    let errors = err["error"]["errors"].as_array().expect("errors array");
    assert!(errors.len() >= 2, "{errors:?}");
    let unknown = errors
        .iter()
        .find(|e| e["path"] == "deploy_stratgy")
        .expect("unknown key reported with its path");
    assert_eq!(unknown["workload"], "web");
    assert!(unknown["suggestion"].as_str().unwrap_or("").contains("deploy_strategy"));
}

#[test]
fn not_json_is_an_invalid_config() {
    let t = TestContext::new();
    let run = t.run_stdin(
        &["workload", "add", "web", "--kind", "image", "--config", "-"],
        "{ not json",
    );
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(run.stderr.contains("not valid JSON"), "{}", run.stderr);
}

#[test]
fn bad_names_and_duplicates_are_refused() {
    let t = TestContext::new();
    t.add("Web_1", "image", &image_config()).code(2);
    t.add("web", "image", &image_config()).success();
    let dup = t.add("web", "image", &image_config()).code(1);
    assert!(dup.stderr.contains("already exists"), "{}", dup.stderr);
}

#[test]
fn set_strategy_toggle_and_invalid_strategy_keeps_old_config() {
    let t = TestContext::new();
    t.add("web", "image", &image_config()).success();
    let run = t
        .run(&["--output", "json", "workload", "set", "web", "--strategy", "recreate"])
        .success()
        .json();
    assert_eq!(run["strategy"], "recreate");
    assert_eq!(run["config"]["deploy_strategy"], "recreate");

    let bad = t.run(&["workload", "set", "web", "--strategy", "bluegreen"]).code(3);
    assert!(bad.stderr.contains("blue-green"), "{}", bad.stderr);
    let show = t.run(&["--output", "json", "workload", "show", "web"]).success().json();
    assert_eq!(show["config"]["deploy_strategy"], "recreate");

    t.run(&["workload", "set", "web", "--strategy", ""]).success();
    let show = t.run(&["--output", "json", "workload", "show", "web"]).success().json();
    assert_eq!(show["strategy"], "blue-green");
    t.run(&["workload", "set", "nope", "--strategy", "recreate"]).code(4);
}

#[test]
fn add_and_set_confirm_on_stderr_and_print_the_config_only_as_json() {
    let t = TestContext::new();
    let add = t.add("web", "image", &image_config()).success();
    assert_eq!(add.stdout, "", "the config is not printed back to a person");
    assert_eq!(add.stderr.lines().count(), 1, "{}", add.stderr);
    assert!(add.stderr.contains("added workload `web`"), "{}", add.stderr);
    let set = t.run(&["workload", "set", "web", "--strategy", "recreate"]).success();
    assert_eq!(set.stdout, "");
    assert_eq!(set.stderr.lines().count(), 1, "{}", set.stderr);
    assert!(
        t.run(&["-q", "workload", "set", "web", "--strategy", ""])
            .success()
            .stderr
            .is_empty()
    );
    let json = t
        .run(&["--output", "json", "workload", "set", "web", "--strategy", "recreate"])
        .success()
        .json();
    assert_eq!(json["name"], "web");
}

#[test]
fn set_config_replaces_the_config() {
    let t = TestContext::new();
    t.add("web", "image", &image_config()).success();
    let file = t.write("new.json", r#"{"image": "app:v2", "port": 9090}"#);
    t.run(&["workload", "set", "web", "--config", file.to_str().expect("utf8")])
        .success();
    let show = t.run(&["--output", "json", "workload", "show", "web"]).success().json();
    assert_eq!(show["config"], json!({"image": "app:v2", "port": 9090}));
}

#[test]
fn compose_blue_green_is_rejected_with_the_reason() {
    let t = TestContext::new();
    t.write("stack/docker-compose.yml", "services: {}\n");
    let run = t.add(
        "stack",
        "compose",
        &json!({ "file": "stack/docker-compose.yml", "deploy_strategy": "blue-green" }),
    );
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(run.stderr.contains("deploy_strategy"), "{}", run.stderr);
    assert!(run.stderr.to_lowercase().contains("compose"), "{}", run.stderr);
}

#[test]
fn relative_paths_are_stored_absolute() {
    let t = TestContext::new();
    t.write("site/index.html", "hi");
    t.write("app/Dockerfile", "FROM scratch\n");
    t.add("site", "static", &json!({ "root": "site" })).success();
    t.add("app", "dockerfile", &json!({ "context": "./app" })).success();
    let site = t
        .run(&["--output", "json", "workload", "show", "site"])
        .success()
        .json();
    let root = site["config"]["root"].as_str().expect("root");
    assert_eq!(std::path::Path::new(root), t.path().join("site"));
    let app = t.run(&["--output", "json", "workload", "show", "app"]).success().json();
    assert_eq!(
        std::path::Path::new(app["config"]["context"].as_str().expect("ctx")),
        t.path().join("app")
    );
}

#[test]
fn validate_exit_codes_human_and_json() {
    let t = TestContext::new();
    t.add("web", "image", &image_config()).success();
    let ok = t.run(&["validate"]).success();
    assert!(ok.stdout.contains("web: ok"), "{}", ok.stdout);
    let ok = t.run(&["--output", "json", "validate", "web"]).success().json();
    assert_eq!(ok["valid"], true);
    assert_eq!(ok["workloads"][0]["strategy"], "blue-green");

    let bad = t.write(
        "bad.json",
        r#"{"image": "app", "port": 70000, "domains": ["ok.example.com", "bad domain"]}"#,
    );
    let bad = bad.to_str().expect("utf8");
    let run = t.run(&["validate", "--file", bad, "--kind", "image"]).code(3);
    assert!(run.stderr.contains("port"), "{}", run.stderr);
    assert!(run.stderr.contains("domains[1]"), "{}", run.stderr);
    let run = t.run(&["--output", "json", "validate", "--file", bad, "--kind", "image"]);
    assert_eq!(run.code, 3);
    let err = run.json();
    assert_eq!(err["error"]["code"], "invalid_config");
    let paths: Vec<&str> = err["error"]["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["path"].as_str())
        .collect();
    assert!(paths.contains(&"port") && paths.contains(&"domains[1]"), "{paths:?}");

    t.run(&["validate", "missing"]).code(4);
    let run = t.run(&["--output", "json", "validate", "missing"]);
    assert_eq!(run.code, 4);
    assert_eq!(run.json()["error"]["code"], "not_found");
}

#[test]
fn validate_reports_the_deno_storage_gate_as_a_warning() {
    let t = TestContext::new();
    let cfg = t.write(
        "deno.json",
        r#"{"runtime": "deno", "storage": "site-data", "deploy_strategy": "blue-green"}"#,
    );
    let run = t
        .run(&[
            "--output",
            "json",
            "validate",
            "--file",
            cfg.to_str().expect("utf8"),
            "--kind",
            "static",
        ])
        .success();
    let json = run.json();
    assert_eq!(json["workloads"][0]["strategy"], "recreate");
    assert_eq!(json["workloads"][0]["strategy_forced"], true);
    assert!(
        !json["workloads"][0]["warnings"]
            .as_array()
            .expect("warnings")
            .is_empty()
    );
    assert!(run.stderr.contains("warning"), "{}", run.stderr);
}

fn fake_editor(t: &TestContext, script: &str) -> String {
    let path = t.write("editor.sh", &format!("#!/bin/sh\n{script}\n"));
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    path.to_str().expect("utf8").to_owned()
}

#[test]
fn edit_saves_a_valid_edit() {
    let mut t = TestContext::new();
    t.add("web", "image", &image_config()).success();
    let editor = fake_editor(&t, r#"sed -i 's/app:v1/app:v2/' "$1""#);
    t.env("EDITOR", &editor);
    t.run(&["workload", "edit", "web"]).success();
    let show = t
        .run(&["--output", "json", "workload", "show", "web", "--show-secrets"])
        .success()
        .json();
    assert_eq!(show["config"]["image"], "127.0.0.1:5000/app:v2");
    assert_eq!(
        show["config"]["env"]["API_KEY"], "hunter2-secret",
        "secrets survive an edit"
    );
}

#[test]
fn edit_off_a_terminal_exits_3_and_keeps_the_old_config() {
    let mut t = TestContext::new();
    t.add("web", "image", &image_config()).success();
    let editor = fake_editor(&t, r#"sed -i 's/"port": 8080/"port": "eighty"/' "$1""#);
    t.env("VISUAL", &editor);
    let run = t.run(&["workload", "edit", "web"]).code(3);
    assert!(run.stderr.contains("port"), "{}", run.stderr);
    let show = t.run(&["--output", "json", "workload", "show", "web"]).success().json();
    assert_eq!(show["config"]["port"], 8080);
}

/// Runs berth with its stdout already closed by the reader (`berth ... |
/// head -0`): its exit code (None: killed by a signal) and its stderr.
/// Fails when berth has not exited within 10 s.
fn run_with_stdout_closed(t: &TestContext, args: &[&str]) -> (Option<i32>, String) {
    let mut child = t
        .command(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    drop(child.stdout.take());
    let mut stderr_pipe = child.stderr.take().expect("stderr");
    let reader = std::thread::spawn(move || {
        let mut stderr = String::new();
        stderr_pipe.read_to_string(&mut stderr).expect("read stderr");
        stderr
    });
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("berth {args:?} still ran 10 s after its stdout closed");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    (status.code(), reader.join().expect("stderr reader"))
}

#[test]
fn closed_stdout_pipe_exits_quietly() {
    let t = TestContext::new();
    for i in 0..20 {
        t.add(&format!("web-{i}"), "image", &image_config()).success();
    }
    let (code, stderr) = run_with_stdout_closed(&t, &["workload", "list"]);
    assert_eq!(code, Some(0), "stderr: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn status_and_events_exit_0_at_once_and_say_nothing_when_stdout_is_closed() {
    let t = TestContext::new();
    // One event, so that `events --follow` writes its backlog into the
    // closed pipe and must then stop following. No workload: `status`
    // asks no daemon.
    let store = berth::store::Store::open(&t.db).expect("open the store");
    berth::events::emit_event(
        &store,
        None,
        "web",
        "test.marker",
        berth::events::Severity::Info,
        "marker",
        &json!({}),
    )
    .expect("emit an event");
    drop(store);
    for args in [
        &["status"][..],
        &["--output", "json", "status"],
        &["events"],
        &["--output", "json", "events"],
        &["events", "--follow"],
        &["--output", "json", "events", "--follow"],
    ] {
        let (code, stderr) = run_with_stdout_closed(&t, args);
        assert_eq!(code, Some(0), "berth {args:?}: {stderr}");
        assert_eq!(stderr, "", "berth {args:?}");
    }
}

#[test]
fn store_is_created_private() {
    let t = TestContext::new();
    t.add("web", "image", &image_config()).success();
    let mode = std::fs::metadata(&t.db).expect("db exists").permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "store mode {mode:o}");
}

#[test]
fn missing_subcommand_is_a_usage_error() {
    let t = TestContext::new();
    t.run(&["workload"]).code(2);
    t.run(&["--output", "yaml", "workload", "list"]).code(2);
}

#[test]
fn help_speaks_russian_under_a_russian_locale_and_english_otherwise() {
    let mut t = TestContext::new();
    let english = t.run(&["--help"]).success();
    assert!(
        english
            .stdout
            .contains("Deploy workloads: prepare, start, gate, route, persist, reap"),
        "{}",
        english.stdout
    );
    t.env("LANG", "ru_RU.UTF-8");
    let russian = t.run(&["--help"]).success();
    assert!(russian.stdout.contains("Развернуть нагрузки"), "{}", russian.stdout);
    assert!(!russian.stdout.contains("Deploy workloads:"), "{}", russian.stdout);
    // Arguments and clap's headings too; the values clap lists stay as they are.
    for text in [
        "Использование: berth",
        "Команды:",
        "Параметры:",
        "Путь к хранилищу",
        "Показать справку",
    ] {
        assert!(russian.stdout.contains(text), "{text}: {}", russian.stdout);
    }
    let deploy = t.run(&["deploy", "--help"]).success();
    for text in ["Аргументы:", "Нагрузки для развёртывания", "Показать план", "--dry-run"]
    {
        assert!(deploy.stdout.contains(text), "{text}: {}", deploy.stdout);
    }
    assert!(!deploy.stdout.contains("Print the plan"), "{}", deploy.stdout);
}

#[test]
fn a_validation_error_speaks_russian_naming_the_workload_and_each_field_while_json_stays_english() {
    let mut t = TestContext::new();
    t.env("LANG", "ru_RU.UTF-8");
    let config = serde_json::json!({
        "image": "nginx:1.27",
        "port": 70000,
        "deploy_strategy": "bluegreen",
        "healthcheck": { "path": "health" },
    });
    let run = t.add("shop", "image", &config).code(3);
    let stderr = &run.stderr;
    assert!(
        stderr.contains("ошибка: неверная конфигурация нагрузки `shop`: 3 ошибки"),
        "{stderr}"
    );
    assert!(stderr.contains("shop: port: должно быть от 1 до 65535"), "{stderr}");
    assert!(
        stderr.contains("shop: deploy_strategy: `bluegreen` — не стратегия развёртывания"),
        "{stderr}"
    );
    assert!(stderr.contains("(может быть, \"blue-green\"?)"), "{stderr}");
    assert!(
        stderr.contains("shop: healthcheck.path: `health` должен начинаться с `/`"),
        "{stderr}"
    );
    assert!(!stderr.contains("must"), "no English left: {stderr}");

    let json = t.run_stdin(
        &[
            "--output", "json", "workload", "add", "shop", "--kind", "image", "--config", "-",
        ],
        &config.to_string(),
    );
    let json = json.code(3).json();
    assert_eq!(json["error"]["code"], "invalid_config");
    assert_eq!(json["error"]["message"], "invalid config for workload `shop`: 3 errors");
    let paths: Vec<&str> = json["error"]["errors"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["path"].as_str())
        .collect();
    assert_eq!(paths, ["deploy_strategy", "port", "healthcheck.path"], "{json}");
    assert!(
        json["error"]["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("`bluegreen` is not a deploy strategy")),
        "{json}"
    );
}
