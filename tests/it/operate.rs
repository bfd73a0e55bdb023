//! What operators reach for after a deploy (issue 16), against the real
//! Docker daemon through the real `berth` binary: secrets by reference,
//! `berth logs` (following the workload across a blue-green swap),
//! `berth exec` (exit codes, plain pipes) and Russian output.
//!
//! Needs a daemon and the local test images (`scripts/test`). Every test
//! uses unique workload names and cleans up through [`Case`]'s guard.
//!
//! Run: `cargo test --test it operate::`.

use crate::common;

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::docker::{Case, db, docker, docker_output, is_green_name, only_container, state_of, workload_containers};
use common::{exit_code_within, wait_until};
use serde_json::{Value, json};

/// A local image probed on /healthz, no drain, short grace.
fn image_config(image: &str) -> Value {
    json!({
        "image": image,
        "pull": "missing",
        "port": 8080,
        "healthcheck": { "path": "/healthz", "interval_ms": 100, "deadline_ms": 10000 },
        "drain_ms": 0,
        "stop_timeout_s": 1,
    })
}

/// Every row of every table of the store, as text: what anyone who can
/// read the store file sees.
fn store_dump(c: &Case) -> String {
    let conn = db(&c.t);
    let mut tables = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        .expect("list tables");
    let names: Vec<String> = tables
        .query_map([], |r| r.get(0))
        .expect("query tables")
        .collect::<Result<_, _>>()
        .expect("table names");
    let mut dump = String::new();
    for table in names {
        let mut rows = conn.prepare(&format!("SELECT * FROM \"{table}\"")).expect("select");
        let columns = rows.column_count();
        let mut query = rows.query([]).expect("rows");
        while let Some(row) = query.next().expect("row") {
            for i in 0..columns {
                let value: rusqlite::types::Value = row.get(i).expect("column");
                dump.push_str(&format!("{value:?}\t"));
            }
            dump.push('\n');
        }
    }
    // And the file itself, WAL included, for whatever SQL cannot see.
    for suffix in ["", "-wal"] {
        let mut path = c.t.db.clone().into_os_string();
        path.push(suffix);
        if let Ok(bytes) = std::fs::read(&path) {
            dump.push_str(&String::from_utf8_lossy(&bytes));
        }
    }
    dump
}

// ---- secrets by reference ------------------------------------------------------------

#[test]
fn secrets_from_the_environment_and_a_file_reach_the_container_but_never_the_store() {
    let mut c = Case::new("secret-refs");
    let name = c.name("sec");
    let env_value = format!("env-secret-{}", c.id);
    let file_value = format!("file-secret-{}", c.id);
    let file = c.t.write("secrets/db_password", &format!("{file_value}\n"));
    let mut config = image_config("berth-test/app:env");
    config["env"] = json!({
        "VERSION": { "from_env": "BERTH_TEST_VERSION_SECRET" },
        "DB_PASSWORD": { "from_file": file },
    });
    c.add(&name, "image", config);

    let deployed =
        c.t.command(&["--output", "json", "deploy", &name])
            .env("BERTH_TEST_VERSION_SECRET", &env_value)
            .output()
            .expect("run berth");
    let stdout = String::from_utf8_lossy(&deployed.stdout);
    let stderr = String::from_utf8_lossy(&deployed.stderr);
    assert!(deployed.status.success(), "{stdout}\n{stderr}");

    // Both values reach the container (the env image answers $VERSION).
    let live = only_container(&name);
    let env = docker(&["inspect", "--format", "{{json .Config.Env}}", &live.id]);
    assert!(env.contains(&format!("VERSION={env_value}")), "{env}");
    assert!(env.contains(&format!("DB_PASSWORD={file_value}")), "{env}");
    let ip = live.ip.clone().expect("container IP");
    assert_eq!(
        common::docker::http_get(&ip, "/").map(|(_, body)| body),
        Ok(env_value.clone())
    );

    // The dry run names where the references come from.
    let dry =
        c.t.command(&["deploy", &name, "--dry-run"])
            .env("BERTH_TEST_VERSION_SECRET", &env_value)
            .output()
            .expect("run berth");
    let dry = String::from_utf8_lossy(&dry.stdout);
    assert!(dry.contains("env.VERSION <- $BERTH_TEST_VERSION_SECRET"), "{dry}");
    assert!(!dry.contains(&env_value) && !dry.contains(&file_value), "{dry}");

    // ...and nowhere berth writes or prints.
    let shown = c
        .run(&["--output", "json", "workload", "show", &name, "--show-secrets"])
        .success();
    let events = c.run(&["--output", "json", "events", &name]).success();
    let dump = store_dump(&c);
    for (what, text) in [
        ("store", dump.as_str()),
        ("deploy output", &*stdout),
        ("deploy stderr", &*stderr),
        ("workload show --show-secrets", &shown.stdout),
        ("events", &events.stdout),
    ] {
        assert!(!text.contains(&env_value), "the env secret is in the {what}");
        assert!(!text.contains(&file_value), "the file secret is in the {what}");
    }
    // Positive control: the dump holds the references themselves.
    assert!(dump.contains("BERTH_TEST_VERSION_SECRET"), "the dump misses the config");
    // `workload show` prints references as references.
    assert_eq!(
        shown.json()["config"]["env"]["VERSION"],
        json!({ "from_env": "BERTH_TEST_VERSION_SECRET" })
    );
    // What an operator would run (scripts/test installs sqlite3).
    let out = std::process::Command::new("sqlite3")
        .arg(&c.t.db)
        .arg(".dump")
        .output()
        .expect("run sqlite3 (scripts/test installs it)");
    assert!(
        out.status.success(),
        "sqlite3 .dump: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let sql = String::from_utf8_lossy(&out.stdout);
    assert!(
        sql.contains("BERTH_TEST_VERSION_SECRET"),
        "sqlite3 .dump misses the config"
    );
    assert!(
        !sql.contains(&env_value) && !sql.contains(&file_value),
        "a secret is in sqlite3 .dump"
    );
}

#[test]
fn a_build_arg_from_a_file_reaches_the_build_but_not_the_store() {
    let mut c = Case::new("secret-build-arg");
    let name = c.name("bargs");
    let secret = format!("build-secret-{}", c.id);
    let file = c.t.write("secrets/npm_token", &format!("{secret}\n"));
    c.t.write(
        "ctx/Dockerfile",
        "FROM berth-test/app:v1\nARG NPM_TOKEN\nARG PLAIN\nRUN echo \"$NPM_TOKEN $PLAIN\" > /www/index.html\n",
    );
    let mut config = image_config("unused");
    config.as_object_mut().expect("object").remove("image");
    config.as_object_mut().expect("object").remove("pull");
    config["context"] = json!(c.t.path().join("ctx"));
    config["build_args"] = json!({ "NPM_TOKEN": { "from_file": file }, "PLAIN": "plain" });
    c.add(&name, "dockerfile", config);
    let deployed = c.run(&["deploy", &name]).success();

    let live = only_container(&name);
    let ip = live.ip.clone().expect("container IP");
    assert_eq!(
        common::docker::http_get(&ip, "/").map(|(_, body)| body),
        Ok(format!("{secret} plain"))
    );
    assert!(!deployed.stderr.contains(&secret) && !deployed.stdout.contains(&secret));
    assert!(!store_dump(&c).contains(&secret), "the build secret is in the store");

    // A build that echoes the secret and fails: berth shows the build's
    // output on stderr, with the value masked.
    c.t.write(
        "ctx/Dockerfile",
        "FROM berth-test/app:v1\nARG NPM_TOKEN\nRUN echo \"token=$NPM_TOKEN\" && exit 3\n",
    );
    let failed = c.run(&["deploy", &name]).code(1);
    assert!(!failed.stderr.contains(&secret), "{}", failed.stderr);
    assert!(failed.stderr.contains("token=********"), "{}", failed.stderr);
}

#[test]
fn an_unresolvable_reference_exits_3_naming_key_and_source_before_any_container_is_touched() {
    let mut c = Case::new("secret-missing");
    let name = c.name("sec");
    let file = c.t.path().join("secrets/token");
    c.t.write("secrets/token", "t0ken\n");
    let mut config = image_config("berth-test/app:env");
    config["env"] = json!({ "TOKEN": { "from_file": file } });
    c.add(&name, "image", config.clone());
    c.run(&["deploy", &name]).success();
    let blue = only_container(&name);

    // The file is gone and a variable is missing: both are named, exit 3,
    // blue untouched and no deploy recorded.
    std::fs::remove_file(&file).expect("remove secret file");
    config["env"]["API_KEY"] = json!({ "from_env": "BERTH_TEST_SURELY_UNSET" });
    c.set(&name, config.clone());
    let deploys = || -> i64 {
        db(&c.t)
            .query_row("SELECT COUNT(*) FROM deploys", [], |r| r.get(0))
            .expect("count deploys")
    };
    let deploys_before = deploys();
    let failed = c.run(&["deploy", &name]).code(3);
    assert!(failed.stderr.contains(&name), "{}", failed.stderr);
    assert!(failed.stderr.contains("env.API_KEY.from_env"), "{}", failed.stderr);
    assert!(failed.stderr.contains("BERTH_TEST_SURELY_UNSET"), "{}", failed.stderr);
    assert!(failed.stderr.contains("env.TOKEN.from_file"), "{}", failed.stderr);
    assert!(failed.stderr.contains(&*file.to_string_lossy()), "{}", failed.stderr);
    assert!(!failed.stderr.contains("t0ken"), "{}", failed.stderr);
    let after = only_container(&name);
    assert_eq!(
        (after.id, after.running, after.started_at),
        (blue.id, true, blue.started_at)
    );
    assert_eq!(deploys(), deploys_before);

    // The dry run says the same.
    let dry = c.run(&["deploy", &name, "--dry-run"]).code(3);
    assert!(dry.stderr.contains("env.API_KEY.from_env"), "{}", dry.stderr);

    let json = c.run(&["--output", "json", "deploy", &name]).code(3).json();
    assert_eq!(json["error"]["code"], "invalid_config");
    let paths: Vec<&str> = json["error"]["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["path"].as_str())
        .collect();
    assert_eq!(paths, ["env.API_KEY.from_env", "env.TOKEN.from_file"]);

    // Among several workloads the failure says as much: each config
    // problem, as an error, in the language of human output; in JSON the
    // same error object as a single deploy's.
    let other = c.name("secrets-b");
    c.add(&other, "image", config.clone());
    let fleet = c.run(&["--output", "json", "deploy", &name, &other]).code(1).json();
    let first = &fleet[0];
    assert_eq!(first["status"], "failed", "{fleet}");
    assert_eq!(first["error"]["code"], "invalid_config", "{fleet}");
    assert_eq!(first["error"]["exit_code"], 3, "{fleet}");
    assert_eq!(first["error"]["errors"].as_array().map(Vec::len), Some(2), "{fleet}");
    c.t.env("BERTH_LANG", "ru");
    let ru = c.run(&["deploy", &name, &other]).code(1);
    assert!(ru.stderr.contains(&format!("ошибка: {name}:")), "{}", ru.stderr);
    assert!(ru.stderr.contains("BERTH_TEST_SURELY_UNSET"), "{}", ru.stderr);
    assert!(!ru.stderr.contains("warning"), "{}", ru.stderr);
}

// ---- logs -----------------------------------------------------------------------------

/// A workload whose app prints a numbered line to stdout and one to stderr
/// every 100 ms, each naming its container (the hostname is the short id).
fn chatty_config() -> Value {
    let mut config = image_config("berth-test/app:sh");
    config["command"] = json!([
        "(i=0; while true; do echo \"$(hostname) out $i\"; echo \"$(hostname) err $i\" >&2; i=$((i+1)); \
         usleep 100000; done) & exec httpd -f -p 8080 -h /www"
    ]);
    config
}

/// Adds and deploys a chatty workload; its name and its live container.
fn deploy_chatty(c: &mut Case) -> (String, common::docker::Container) {
    let name = c.name("logs");
    c.add(&name, "image", chatty_config());
    c.run(&["deploy", &name]).success();
    let live = only_container(&name);
    (name, live)
}

/// Collects a child's stream, line by line, on a thread.
fn collect(stream: impl Read + Send + 'static) -> Arc<Mutex<Vec<String>>> {
    let lines = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&lines);
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            sink.lock().unwrap_or_else(|p| p.into_inner()).push(line);
        }
    });
    lines
}

fn snapshot(lines: &Arc<Mutex<Vec<String>>>) -> Vec<String> {
    lines.lock().unwrap_or_else(|p| p.into_inner()).clone()
}

/// Kills the follower when the test ends, pass or fail.
struct Follower(Child);

impl Drop for Follower {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn logs_follow_the_workload_across_a_blue_green_swap_without_repeating_a_line() {
    let mut c = Case::new("logs-follow");
    let (name, blue) = deploy_chatty(&mut c);
    let blue_host = &blue.id[..12];

    let mut child =
        c.t.command(&["logs", &name, "--follow"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn berth logs");
    let stdout = collect(child.stdout.take().expect("stdout"));
    let stderr = collect(child.stderr.take().expect("stderr"));
    let _follower = Follower(child);
    assert!(
        wait_until(Duration::from_secs(10), || snapshot(&stdout)
            .iter()
            .any(|l| l.starts_with(&format!("{blue_host} out")))),
        "no line of blue: {:?} {:?}",
        snapshot(&stdout),
        snapshot(&stderr)
    );

    c.run(&["deploy", &name]).success();
    let (green_id, green_name) = state_of(&c.t, &name);
    assert!(is_green_name(&name, &green_name), "{green_name}");
    let green_host = green_id[..12].to_owned();
    assert!(
        wait_until(Duration::from_secs(15), || snapshot(&stdout)
            .iter()
            .any(|l| l.starts_with(&format!("{green_host} out 3")))),
        "the follow did not move to green: {:?} {:?}",
        snapshot(&stdout),
        snapshot(&stderr)
    );
    let out = snapshot(&stdout);
    let err = snapshot(&stderr);
    assert!(
        err.iter()
            .any(|l| l.contains("now following") && l.contains(&green_name)),
        "the switch is not said on stderr: {err:?}"
    );
    // stdout has only the app's stdout, stderr its stderr.
    assert!(out.iter().all(|l| l.contains(" out ")), "{out:?}");
    assert!(
        err.iter().any(|l| l.starts_with(&format!("{blue_host} err"))),
        "{err:?}"
    );
    // No line twice, and green is shown from its first line.
    let mut seen = std::collections::HashSet::new();
    for line in &out {
        assert!(seen.insert(line), "shown twice: {line}");
    }
    assert!(out.contains(&format!("{green_host} out 0")), "{out:?}");
    // Blue's lines run without a gap up to where it stopped.
    let blue_numbers: Vec<u64> = out
        .iter()
        .filter_map(|l| l.strip_prefix(&format!("{blue_host} out ")))
        .filter_map(|n| n.parse().ok())
        .collect();
    let first = blue_numbers.first().copied().unwrap_or_default();
    let expected: Vec<u64> = (first..first + blue_numbers.len() as u64).collect();
    assert_eq!(blue_numbers, expected);
}

#[test]
fn logs_tail_keeps_streams_apart_and_a_closed_pipe_exits_0() {
    let mut c = Case::new("logs-tail");
    let (name, live) = deploy_chatty(&mut c);
    let host = &live.id[..12];
    assert!(wait_until(Duration::from_secs(10), || {
        c.run(&["logs", &name]).stdout.contains(&format!("{host} out 5"))
    }));
    // As docker counts: the last lines of both streams together.
    let tail = c.run(&["logs", &name, "--tail", "4"]).success();
    assert_eq!(
        tail.stdout.lines().count() + tail.stderr.lines().count(),
        4,
        "{}\n{}",
        tail.stdout,
        tail.stderr
    );
    assert!(
        tail.stdout.lines().all(|l| l.starts_with(&format!("{host} out"))),
        "{}",
        tail.stdout
    );
    assert!(
        tail.stderr.lines().all(|l| l.starts_with(&format!("{host} err"))),
        "{}",
        tail.stderr
    );
    let stamped = c.run(&["logs", &name, "--tail", "4", "--timestamps"]).success();
    let lines: Vec<&str> = stamped.stdout.lines().chain(stamped.stderr.lines()).collect();
    assert_eq!(lines.len(), 4, "{lines:?}");
    assert!(
        lines
            .iter()
            .all(|l| l.starts_with("20") && l.contains(&format!("Z {host} "))),
        "{lines:?}"
    );

    // JSON: one object per line, both streams, on stdout.
    let json = c.run(&["--output", "json", "logs", &name, "--tail", "4"]).success();
    let objects: Vec<Value> = json
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("NDJSON line"))
        .collect();
    assert_eq!(objects.len(), 4, "{}", json.stdout);
    for o in &objects {
        let (stream, line) = (o["stream"].as_str(), o["line"].as_str().unwrap_or_default());
        let word = if stream == Some("stdout") { "out" } else { "err" };
        assert!(line.starts_with(&format!("{host} {word} ")), "{o}");
        assert_eq!(o["container"], json!(live.name));
        assert!(
            o["ts"]
                .as_str()
                .is_some_and(|t| t.starts_with("20") && t.ends_with('Z')),
            "{o}"
        );
    }

    // `berth logs -f | head -1`: exits 0, quietly, once head is gone.
    let mut child =
        c.t.command(&["logs", &name, "--follow"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn berth logs");
    let mut first = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut first)
        .expect("first line");
    // The pipe's read end is dropped with the reader: the next write fails.
    let code = exit_code_within(&mut child, Duration::from_secs(10));
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut stderr)
        .expect("stderr");
    assert_eq!(code, Some(0), "{stderr}");
    assert!(!stderr.contains("error") && !stderr.contains("panick"), "{stderr}");

    // `berth logs -f web 2>&1 >/dev/null | head -1`: the app's stderr is
    // the data read; its closed pipe ends the follow too.
    let mut child =
        c.t.command(&["logs", &name, "--follow"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn berth logs");
    let mut first = String::new();
    BufReader::new(child.stderr.take().expect("stderr"))
        .read_line(&mut first)
        .expect("first line");
    assert!(first.contains(&format!("{host} err")), "{first}");
    assert_eq!(
        exit_code_within(&mut child, Duration::from_secs(10)),
        Some(0),
        "logs -f ran on after its stderr's reader went"
    );
}

// ---- exec -----------------------------------------------------------------------------

#[test]
fn exec_gives_the_commands_exit_code_and_plain_piped_output() {
    let mut c = Case::new("exec");
    let name = c.name("exec");
    let never = c.name("never");
    c.add(&name, "image", image_config("berth-test/app:sh"));
    c.add(&never, "image", image_config("berth-test/app:sh"));
    c.run(&["deploy", &name]).success();

    let run = c.run(&[
        "exec",
        &name,
        "--",
        "sh",
        "-c",
        "printf 'a\\nb\\n'; echo oops >&2; exit 7",
    ]);
    assert_eq!(run.code, 7, "{}", run.stderr);
    assert_eq!(run.stdout, "a\nb\n", "no TTY: no \\r\\n");
    assert_eq!(run.stderr, "oops\n");
    c.run(&["exec", &name, "--", "true"]).success();
    assert_eq!(c.run(&["exec", &name, "--", "no-such-command"]).code, 127);
    assert_eq!(c.run(&["exec", &name, "--", "/tmp"]).code, 126);

    // A TTY only when stdin is a terminal: through pipes, none...
    let no_tty = c.run(&["exec", &name, "--", "tty"]);
    assert_eq!((no_tty.code, no_tty.stdout.as_str()), (1, "not a tty\n"));
    // ...and on a terminal (util-linux `script` gives berth one), a TTY.
    let berth = env!("CARGO_BIN_EXE_berth");
    let on_terminal = std::process::Command::new("script")
        .args([
            "-qec",
            &format!("{berth} exec {name} -- sh -c 'tty; exit 5'"),
            "/dev/null",
        ])
        .env("BERTH_DB", &c.t.db)
        .stdin(Stdio::null())
        .output()
        .expect("run script (util-linux)");
    let shown = String::from_utf8_lossy(&on_terminal.stdout);
    assert!(shown.starts_with("/dev/pts/"), "{shown}");
    assert_eq!(on_terminal.status.code(), Some(5), "{shown}");

    // stdin is passed through, and its end reaches the command.
    let cat =
        c.t.run_stdin(&["exec", &name, "--", "cat"], "line 1\nline 2\n")
            .success();
    assert_eq!(cat.stdout, "line 1\nline 2\n");

    // A stdin that stays open does not keep berth once the command exited.
    let mut child =
        c.t.command(&["exec", &name, "--", "sh", "-c", "exit 3"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn berth exec");
    let _open_stdin = child.stdin.take();
    assert_eq!(
        exit_code_within(&mut child, Duration::from_secs(15)),
        Some(3),
        "berth hung with stdin open"
    );

    // A closed stdout (`berth exec web -- yes | head -1`) ends berth with
    // 141, as a shell pipeline's writer, and the command with SIGPIPE.
    let mut child =
        c.t.command(&["exec", &name, "--", "yes"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn berth exec");
    let mut out = std::io::BufReader::new(child.stdout.take().expect("stdout"));
    let mut first = String::new();
    std::io::BufRead::read_line(&mut out, &mut first).expect("read a line");
    assert_eq!(first, "y\n");
    drop(out);
    assert_eq!(
        exit_code_within(&mut child, Duration::from_secs(15)),
        Some(141),
        "berth ran on after its stdout closed"
    );
    let live = only_container(&name);
    let mut left = String::new();
    let gone = wait_until(Duration::from_secs(10), || {
        left = String::from_utf8_lossy(&docker_output(&["exec", &live.id, "ps"]).stdout).into_owned();
        !left.lines().any(|l| l.contains("yes"))
    });
    assert!(gone, "the command runs on in the container:\n{left}");

    // No running container: the documented code, and nothing ran.
    let none = c.run(&["exec", &never, "--", "true"]);
    assert_eq!(none.code, 69, "{}", none.stderr);
    assert!(none.stderr.contains(&never), "{}", none.stderr);
    assert!(workload_containers(&never).is_empty());
}

// ---- status ---------------------------------------------------------------------------

#[test]
fn status_shows_the_image_id_beside_the_reference() {
    let mut c = Case::new("status-id");
    let name = c.name("st");
    c.add(&name, "image", image_config("berth-test/app:v1"));
    c.run(&["deploy", &name]).success();
    let live = only_container(&name);
    let image_id = docker(&["inspect", "--format", "{{.Image}}", &live.id]);
    assert!(image_id.starts_with("sha256:"), "{image_id}");

    let json = c.run(&["--output", "json", "status", &name]).success().json();
    assert_eq!(json["workloads"][0]["image"], "berth-test/app:v1");
    assert_eq!(json["workloads"][0]["image_id"], image_id.as_str());
    let human = c.run(&["status", &name]).success();
    let short = &image_id["sha256:".len()..][..12];
    assert!(
        human.stdout.contains(&format!("berth-test/app:v1 ({short})")),
        "{}",
        human.stdout
    );
}

// ---- Russian output -------------------------------------------------------------------

#[test]
fn a_failing_deploy_speaks_russian_under_a_russian_locale_and_json_stays_english() {
    let mut c = Case::new("russian");
    let name = c.name("ru");
    let mut config = image_config("berth-test/app:v1");
    config["env"] = json!({ "DB_PASSWORD": { "from_env": "BERTH_TEST_RU_UNSET" } });
    c.add(&name, "image", config);
    let russian = |args: &[&str], lang: &str| {
        let out = c.t.command(args).env("LANG", lang).output().expect("run berth");
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };

    let (code, _, stderr) = russian(&["deploy", &name], "ru_RU.UTF-8");
    assert_eq!(code, Some(3), "{stderr}");
    assert!(
        stderr.contains(&format!("ошибка: неверная конфигурация нагрузки `{name}`: 1 ошибка")),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("{name}: env.DB_PASSWORD.from_env:")),
        "{stderr}"
    );
    assert!(
        stderr.contains("переменная окружения `BERTH_TEST_RU_UNSET` не задана"),
        "{stderr}"
    );
    assert!(workload_containers(&name).is_empty());

    // Pipelines never see a translation.
    let (code, stdout, _) = russian(&["--output", "json", "deploy", &name], "ru_RU.UTF-8");
    assert_eq!(code, Some(3));
    let json: Value = serde_json::from_str(&stdout).expect("JSON error");
    assert_eq!(json["error"]["code"], "invalid_config");
    assert_eq!(
        json["error"]["message"],
        format!("invalid config for workload `{name}`: 1 error")
    );
    assert!(
        json["error"]["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("environment variable `BERTH_TEST_RU_UNSET` is not set")),
        "{stdout}"
    );

    // A terminal that cannot show Cyrillic, and C, get English.
    for lang in ["ru_RU.KOI8-R", "C"] {
        let (_, _, stderr) = russian(&["deploy", &name], lang);
        assert!(
            stderr.contains(&format!("error: invalid config for workload `{name}`")),
            "{lang}: {stderr}"
        );
    }
    // LC_ALL wins over LANG.
    let out =
        c.t.command(&["deploy", &name])
            .env("LANG", "en_US.UTF-8")
            .env("LC_ALL", "ru_RU.UTF-8")
            .output()
            .expect("run berth");
    assert!(String::from_utf8_lossy(&out.stderr).contains("неверная конфигурация"));

    // A successful deploy's summary is Russian too; the stored event is not.
    let mut fixed = image_config("berth-test/app:v1");
    fixed["env"] = json!({ "DB_PASSWORD": { "from_env": "BERTH_TEST_RU_SET" } });
    c.set(&name, fixed);
    let out =
        c.t.command(&["deploy", &name])
            .env("LANG", "ru_RU.UTF-8")
            .env("BERTH_TEST_RU_SET", "x")
            .output()
            .expect("run berth");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.starts_with(&format!("развёрнуто {name} -> ")), "{stdout}");
    let (action, status): (String, String) = db(&c.t)
        .query_row(
            "SELECT action, status FROM event_log WHERE workload = ?1 ORDER BY id DESC LIMIT 1",
            [&name],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("read event_log");
    assert_eq!(action, "deploy.succeeded");
    assert!(status.starts_with("deployed "), "{status}");

    // The tables' values are Russian too (the stored status text is data);
    // JSON keeps the words.
    let (_, history, _) = russian(&["history", &name], "ru_RU.UTF-8");
    let live = history.lines().nth(1).unwrap_or_default();
    assert!(
        live.contains("успешно") && live.contains(" мс") && live.contains("текущее"),
        "{history}"
    );
    let (_, state, _) = russian(&["status", &name], "ru_RU.UTF-8");
    assert!(state.contains("работает"), "{state}");
    let (_, events, _) = russian(&["events", &name], "ru_RU.UTF-8");
    assert!(
        events.contains("инфо  ") && events.contains(" deploy.succeeded "),
        "{events}"
    );
    assert!(!events.contains(" info "), "{events}");
    let (_, json, _) = russian(&["--output", "json", "history", &name], "ru_RU.UTF-8");
    assert!(json.contains("\"succeeded\""), "{json}");
}

#[test]
fn a_failing_readiness_gate_speaks_russian_naming_the_workload_and_the_field_while_json_and_events_stay_english() {
    let mut c = Case::new("russian-gate");
    let name = c.name("rugate");
    // The app answers 404 on this path: the gate fails at its deadline.
    let mut config = image_config("berth-test/app:v1");
    config["healthcheck"] = json!({ "path": "/no-such-page", "interval_ms": 100, "deadline_ms": 1500 });
    c.add(&name, "image", config);

    let out =
        c.t.command(&["deploy", &name])
            .env("LANG", "ru_RU.UTF-8")
            .output()
            .expect("run berth");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains(&format!("ошибка: зелёный `{name}-")), "{stderr}");
    assert!(stderr.contains("не прошёл проверку готовности"), "{stderr}");
    assert!(stderr.contains("трафик на него не направлялся"), "{stderr}");
    assert!(
        stderr.contains("не готов через 1500 мс (healthcheck.deadline_ms): последняя проверка: http://"),
        "{stderr}"
    );
    assert!(stderr.contains("/no-such-page ответил 404"), "{stderr}");
    assert!(
        !stderr.contains("failed its readiness gate"),
        "no English left: {stderr}"
    );
    assert!(workload_containers(&name).is_empty(), "green was removed");

    // The stored event and the JSON error are English.
    let out =
        c.t.command(&["--output", "json", "deploy", &name])
            .env("LANG", "ru_RU.UTF-8")
            .output()
            .expect("run berth");
    assert_eq!(out.status.code(), Some(1));
    let json: Value = serde_json::from_slice(&out.stdout).expect("JSON error");
    let message = json["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("failed its readiness gate"), "{json}");
    assert!(
        message.contains("not ready after 1500 ms (healthcheck.deadline_ms)"),
        "{json}"
    );
    let status: String = db(&c.t)
        .query_row(
            "SELECT status FROM event_log WHERE workload = ?1 AND action = 'deploy.failed' ORDER BY id DESC LIMIT 1",
            [&name],
            |r| r.get(0),
        )
        .expect("read event_log");
    assert!(status.contains("failed its readiness gate"), "{status}");
    assert!(!status.contains("проверку"), "{status}");
}

// ---- compose --------------------------------------------------------------------------

#[test]
fn logs_and_exec_reach_the_routed_compose_service_or_the_one_named() {
    assert!(
        common::docker::compose_cli().is_some(),
        "no compose CLI: install docker-compose (Debian) or the compose plugin"
    );
    let mut c = Case::new("compose-logs");
    let name = c.name("cpl");
    let service = |word: &str| {
        json!({
            "image": "berth-test/app:sh",
            "command": [format!("while true; do echo {word}-line; usleep 100000; done")],
            "labels": { "berth-test-case": c.id },
        })
    };
    let stack = json!({ "services": { "web": service("web"), "worker": service("worker") } });
    // JSON is YAML: compose reads it as it is.
    let file = c.t.write("stack/docker-compose.yml", &stack.to_string());
    c.projects.push((name.clone(), file.clone()));
    let config = json!({ "file": file, "service": "web", "liveness_window_ms": 200 });
    c.add(&name, "compose", config);
    c.run(&["deploy", &name]).success();

    let has = |args: &[&str], word: &str| c.run(args).stdout.contains(word);
    assert!(wait_until(Duration::from_secs(10), || has(
        &["logs", &name],
        "web-line"
    )));
    assert!(!has(&["logs", &name], "worker-line"));
    assert!(wait_until(Duration::from_secs(10), || has(
        &["logs", &name, "--service", "worker"],
        "worker-line"
    )));
    let exec = c.run(&[
        "exec",
        &name,
        "--service",
        "worker",
        "--",
        "sh",
        "-c",
        "echo from-worker",
    ]);
    assert_eq!(
        (exec.code, exec.stdout.as_str()),
        (0, "from-worker\n"),
        "{}",
        exec.stderr
    );

    // A mistyped service is named, with the services there are.
    for command in [
        &["logs", &name, "--service", "wrker"][..],
        &["exec", &name, "--service", "wrker", "--", "true"],
    ] {
        let run = c.run(command).code(4);
        assert!(
            run.stderr.contains("no service `wrker`") && run.stderr.contains("web, worker"),
            "{command:?}: {}",
            run.stderr
        );
    }

    // --service is for compose workloads only.
    let image = c.name("img");
    c.add(&image, "image", image_config("berth-test/app:v1"));
    let usage = c.run(&["logs", &image, "--service", "web"]).code(2);
    assert!(usage.stderr.contains("compose"), "{}", usage.stderr);
}
