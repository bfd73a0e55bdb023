//! Event history, `berth events`, webhooks and secrets (DESIGN §7, issue 6),
//! driven through the real `berth` binary.
//!
//! The filter, pagination, plan and cap tests need no Docker: they write
//! `event_log` rows straight into a store berth created (the same columns
//! berth writes), or call `berth::events::emit_event`. The follow, webhook
//! and secrets tests deploy to the real daemon (`scripts/ensure-docker.sh`,
//! `scripts/test-images.sh`; the secrets test also the local registry:
//! BERTH_TEST_REGISTRY, or `scripts/test-registry.sh start`), one at a time
//! (`LOCK`), cleaning up with the [`Case`] guard.
//!
//! Run: `cargo test --test it -- events:: --test-threads=1`.

use crate::common;

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use berth::events::{EventFilter, Severity, emit_event};
use berth::store::Store;
use common::docker::{Case, TEST_LABEL, random_suffix, registry};
use common::receiver::{Receiver, closed_port};
use common::{Run, TestContext};
use hmac::{KeyInit, Mac};
use rusqlite::types::ValueRef;
use serde_json::{Value, json};

// ---- helpers --------------------------------------------------------------------

fn open_db(path: &Path) -> rusqlite::Connection {
    let conn = rusqlite::Connection::open(path).expect("open the test store");
    conn.busy_timeout(Duration::from_secs(10)).expect("busy timeout");
    conn
}

fn workload_id(t: &TestContext, name: &str) -> i64 {
    open_db(&t.db)
        .query_row("SELECT id FROM workloads WHERE name = ?1", [name], |r| r.get(0))
        .unwrap_or_else(|e| panic!("no workload {name} in the store: {e}"))
}

/// Runs berth with extra environment variables.
fn run_env(t: &TestContext, args: &[&str], envs: &[(&str, &str)]) -> Run {
    let mut cmd = t.command(args);
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run berth");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `events ARGS --output json`: (events, next_before).
#[track_caller]
fn events_json(t: &TestContext, args: &[&str]) -> (Vec<Value>, Option<i64>) {
    let mut all = vec!["--output", "json", "events"];
    all.extend_from_slice(args);
    let doc = t.run(&all).success().json();
    let events = doc["events"].as_array().expect("events array").clone();
    let next = match &doc["next_before"] {
        Value::Null => None,
        v => Some(v.as_i64().unwrap_or_else(|| panic!("next_before is not an id: {doc}"))),
    };
    (events, next)
}

fn ids(events: &[Value]) -> Vec<i64> {
    events
        .iter()
        .map(|e| e["id"].as_i64().unwrap_or_else(|| panic!("event without id: {e}")))
        .collect()
}

/// The data lines of a human table (the header dropped).
fn table_rows(stdout: &str) -> Vec<Vec<String>> {
    let mut lines = stdout.lines().filter(|l| !l.trim().is_empty());
    let header = lines.next().unwrap_or_default();
    assert!(
        header
            .split_whitespace()
            .eq(["TIME", "WORKLOAD", "SEVERITY", "ACTION", "STATUS"]),
        "unexpected table header: {header:?}\n{stdout}"
    );
    lines
        .map(|l| l.split_whitespace().map(str::to_owned).collect())
        .collect()
}

/// The `next page: berth events ...` line on stderr, as the arguments after
/// `berth`.
fn next_page_command(stderr: &str) -> Option<Vec<String>> {
    let line = stderr.lines().find_map(|l| l.trim().strip_prefix("next page:"))?;
    let mut words = line.split_whitespace();
    assert_eq!(
        words.next(),
        Some("berth"),
        "the next-page command starts with berth: {line}"
    );
    Some(words.map(str::to_owned).collect())
}

/// One event row written the way `emit_event` writes it, without Docker.
struct Row<'a> {
    ts: String,
    workload_id: i64,
    workload: &'a str,
    action: &'a str,
    severity: &'a str,
    status: String,
}

fn insert_events(db: &Path, rows: &[Row<'_>]) -> Vec<i64> {
    let mut conn = open_db(db);
    let tx = conn.transaction().expect("begin");
    let mut ids = Vec::new();
    {
        let mut stmt = tx
            .prepare(
                "INSERT INTO event_log (ts, workload_id, workload, action, severity, status, metadata)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )
            .expect("prepare insert");
        for r in rows {
            let metadata = json!({ "workload_id": r.workload_id, "deploy_id": null, "kind": "image" });
            stmt.execute(rusqlite::params![
                r.ts,
                r.workload_id,
                r.workload,
                r.action,
                r.severity,
                r.status,
                metadata.to_string()
            ])
            .expect("insert event");
            ids.push(tx.last_insert_rowid());
        }
    }
    tx.commit().expect("commit");
    ids
}

fn image_workload() -> Value {
    json!({ "image": "berth-test/app:v1", "port": 8080 })
}

/// Every value of every row of `table`, as text (blobs lossily).
fn all_cells(db: &Path, table: &str) -> Vec<String> {
    let conn = open_db(db);
    let mut stmt = conn.prepare(&format!("SELECT * FROM {table}")).expect("select all");
    let n = stmt.column_count();
    let mut rows = stmt.query([]).expect("query all");
    let mut cells = Vec::new();
    while let Some(row) = rows.next().expect("next row") {
        for i in 0..n {
            let text = match row.get_ref(i).expect("cell") {
                ValueRef::Null => continue,
                ValueRef::Integer(v) => v.to_string(),
                ValueRef::Real(v) => v.to_string(),
                ValueRef::Text(b) | ValueRef::Blob(b) => String::from_utf8_lossy(b).into_owned(),
            };
            cells.push(text);
        }
    }
    cells
}

fn healthcheck() -> Value {
    json!({ "path": "/healthz", "interval_ms": 200, "deadline_ms": 3000 })
}

fn deploy_config(image: &str) -> Value {
    json!({
        "image": image,
        "pull": "missing",
        "port": 8080,
        "healthcheck": healthcheck(),
        "drain_ms": 100,
        "stop_timeout_s": 2,
    })
}

/// A `berth events --follow --output json` process whose stdout lines
/// arrive on a channel; killed when dropped, pass or fail.
struct Follower {
    child: Child,
    lines: mpsc::Receiver<String>,
    seen: Vec<Value>,
}

impl Follower {
    fn start(t: &TestContext, args: &[&str]) -> Follower {
        let mut all = vec!["--output", "json", "events", "--follow"];
        all.extend_from_slice(args);
        let mut child = t
            .command(&all)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn the follower");
        let stdout = child.stdout.take().expect("follower stdout");
        let (tx, lines) = mpsc::channel();
        thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Follower {
            child,
            lines,
            seen: Vec::new(),
        }
    }

    /// Waits until an event satisfying `pred` has been printed; returns it.
    #[track_caller]
    fn wait_for(&mut self, what: &str, within: Duration, pred: impl Fn(&Value) -> bool) -> Value {
        if let Some(e) = self.seen.iter().find(|e| pred(e)) {
            return e.clone();
        }
        let deadline = Instant::now() + within;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    let event: Value = serde_json::from_str(&line)
                        .unwrap_or_else(|e| panic!("follower printed a line that is not JSON ({e}): {line:?}"));
                    assert!(event.is_object(), "NDJSON lines are event objects: {line}");
                    self.seen.push(event.clone());
                    if pred(&event) {
                        return event;
                    }
                }
                Err(_) => panic!(
                    "the follower did not print {what} within {within:?}; it printed:\n{}",
                    self.seen.iter().map(Value::to_string).collect::<Vec<_>>().join("\n")
                ),
            }
        }
    }
}

impl Drop for Follower {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ---- 1. filters and pagination ------------------------------------------------------

#[test]
fn filters_and_pages_return_every_event_exactly_once() {
    let t = TestContext::new();
    let names = ["alpha", "beta", "gamma"];
    for n in names {
        t.add(n, "image", &image_workload()).success();
    }
    let wids: Vec<i64> = names.iter().map(|n| workload_id(&t, n)).collect();

    // 61 events: alpha gets every third one (21, a multiple of the page
    // size 7, so its last full page must still say next_before null),
    // severities cycle info/error/warning/info.
    let base = time::OffsetDateTime::now_utc() - time::Duration::minutes(10);
    let rows: Vec<Row<'_>> = (0..61)
        .map(|i: i64| {
            let w = usize::try_from(i % 3).expect("index");
            Row {
                ts: berth::store::format_ts(base + time::Duration::seconds(i)),
                workload_id: wids[w],
                workload: names[w],
                action: if i % 4 == 1 {
                    "deploy.failed"
                } else {
                    "deploy.succeeded"
                },
                severity: match i % 4 {
                    1 => "error",
                    2 => "warning",
                    _ => "info",
                },
                status: format!("evt-{i:03}"),
            }
        })
        .collect();
    let all_ids = insert_events(&t.db, &rows);
    let mut newest_first = all_ids.clone();
    newest_first.reverse();
    let expect_errors: Vec<i64> = newest_first
        .iter()
        .copied()
        .filter(|id| rows[all_ids.iter().position(|x| x == id).expect("id")].severity == "error")
        .collect();
    let expect_alpha: Vec<i64> = newest_first
        .iter()
        .copied()
        .filter(|id| rows[all_ids.iter().position(|x| x == id).expect("id")].workload == "alpha")
        .collect();
    assert_eq!(expect_alpha.len(), 21);

    // --errors: only errors, JSON and human; --severity errors is the same.
    let (errors, next) = events_json(&t, &["--errors", "--limit", "100"]);
    assert_eq!(ids(&errors), expect_errors, "--errors, newest first");
    assert_eq!(next, None);
    assert!(errors.iter().all(|e| e["severity"] == "error"), "{errors:?}");
    let (same, _) = events_json(&t, &["--severity", "errors", "--limit", "100"]);
    assert_eq!(ids(&same), expect_errors, "--severity errors == --errors");
    let human = t.run(&["events", "--errors", "--limit", "100"]).success();
    let rows_h = table_rows(&human.stdout);
    assert_eq!(rows_h.len(), expect_errors.len(), "{}", human.stdout);
    assert!(
        rows_h.iter().all(|r| r[2] == "error" && r[3] == "deploy.failed"),
        "human --errors shows only errors:\n{}",
        human.stdout
    );

    // events W: only W's, with its id, as JSON and human.
    let (alpha, next) = events_json(&t, &["alpha", "--limit", "100"]);
    assert_eq!(ids(&alpha), expect_alpha);
    assert_eq!(next, None);
    for e in &alpha {
        assert_eq!(e["workload"], "alpha", "{e}");
        assert_eq!(e["workload_id"], json!(wids[0]), "{e}");
        assert_eq!(e["metadata"]["workload_id"], json!(wids[0]), "{e}");
        for key in [
            "id",
            "ts",
            "workload",
            "workload_id",
            "action",
            "severity",
            "status",
            "metadata",
        ] {
            assert!(e.get(key).is_some(), "event object lacks {key}: {e}");
        }
        let ts = e["ts"].as_str().expect("ts");
        time::OffsetDateTime::parse(ts, &time::format_description::well_known::Rfc3339)
            .unwrap_or_else(|err| panic!("ts {ts} is not RFC 3339: {err}"));
        assert!(ts.ends_with('Z'), "ts is UTC: {ts}");
    }
    let human = t.run(&["events", "beta", "--limit", "100"]).success();
    let rows_h = table_rows(&human.stdout);
    assert_eq!(rows_h.len(), 20, "{}", human.stdout);
    assert!(rows_h.iter().all(|r| r[1] == "beta"), "{}", human.stdout);
    let (alpha_errors, _) = events_json(&t, &["alpha", "--errors", "--limit", "100"]);
    assert!(
        alpha_errors
            .iter()
            .all(|e| e["workload"] == "alpha" && e["severity"] == "error")
    );
    assert_eq!(
        ids(&alpha_errors),
        expect_alpha
            .iter()
            .copied()
            .filter(|id| expect_errors.contains(id))
            .collect::<Vec<_>>()
    );

    // Walking JSON pages of 7 with --before: every event exactly once, newest
    // first, next_before null on the last page and no empty page after it.
    for (filter, expected) in [
        (vec![], newest_first.clone()),
        (vec!["alpha"], expect_alpha.clone()),
        (vec!["--errors"], expect_errors.clone()),
    ] {
        let mut seen: Vec<i64> = Vec::new();
        let mut before: Option<i64> = None;
        let mut pages = 0;
        loop {
            let mut args: Vec<String> = filter.iter().map(|s| (*s).to_owned()).collect();
            args.extend(["--limit".into(), "7".into()]);
            if let Some(b) = before {
                args.extend(["--before".into(), b.to_string()]);
            }
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let (page, next) = events_json(&t, &args);
            pages += 1;
            assert!(page.len() <= 7, "a page holds at most --limit events");
            assert!(
                !page.is_empty(),
                "{filter:?}: page {pages} is empty (the previous page should have ended the walk)"
            );
            seen.extend(ids(&page));
            match next {
                Some(n) => {
                    assert_eq!(page.len(), 7, "only a full page can have a next one");
                    assert_eq!(Some(n), ids(&page).last().copied(), "next_before is the page's last id");
                    before = Some(n);
                }
                None => break,
            }
            assert!(pages < 100, "paging does not end");
        }
        assert_eq!(
            seen, expected,
            "{filter:?}: pages of 7 give every event once, newest first"
        );
        assert_eq!(pages, expected.len().div_ceil(7), "{filter:?}: page count");
        let unique: BTreeSet<i64> = seen.iter().copied().collect();
        assert_eq!(unique.len(), seen.len(), "no event twice");
    }

    // Human: the table ends with the next-page command on stderr, and
    // running exactly that command gives the next page, to the end.
    for first in [
        vec!["events", "--limit", "7"],
        vec!["events", "alpha", "--errors", "--limit", "7"],
    ] {
        let mut cmd: Vec<String> = first.iter().map(|s| (*s).to_owned()).collect();
        let mut statuses: Vec<String> = Vec::new();
        let mut pages = 0;
        loop {
            let args: Vec<&str> = cmd.iter().map(String::as_str).collect();
            let run = t.run(&args).success();
            pages += 1;
            let rows_h = table_rows(&run.stdout);
            assert!(!rows_h.is_empty() && rows_h.len() <= 7, "{cmd:?}:\n{}", run.stdout);
            // The JSON of the same page shows the same events, in order.
            let mut json_args = vec!["--output", "json"];
            json_args.extend(args.iter().copied());
            let page = t.run(&json_args).success().json();
            let want: Vec<String> = page["events"]
                .as_array()
                .expect("events")
                .iter()
                .map(|e| e["status"].as_str().expect("status").to_owned())
                .collect();
            let got: Vec<String> = rows_h.iter().map(|r| r[4].clone()).collect();
            assert_eq!(got, want, "{cmd:?}: table and JSON show the same page");
            statuses.extend(got);
            match next_page_command(&run.stderr) {
                Some(next) => {
                    assert_eq!(rows_h.len(), 7);
                    assert!(
                        !run.stdout.contains("next page"),
                        "the next-page command goes to stderr, not stdout"
                    );
                    let before = page["next_before"]
                        .as_i64()
                        .expect("JSON next_before on a non-last page");
                    assert_eq!(
                        next.last().map(String::as_str),
                        Some(before.to_string().as_str()),
                        "{next:?}"
                    );
                    cmd = next;
                }
                None => {
                    assert_eq!(page["next_before"], Value::Null, "{cmd:?}: last page");
                    break;
                }
            }
            assert!(pages < 100, "paging does not end");
        }
        let expected: Vec<i64> = if first.contains(&"alpha") {
            expect_alpha
                .iter()
                .copied()
                .filter(|id| expect_errors.contains(id))
                .collect()
        } else {
            newest_first.clone()
        };
        let expected_statuses: Vec<String> = expected
            .iter()
            .map(|id| rows[all_ids.iter().position(|x| x == id).expect("id")].status.clone())
            .collect();
        assert_eq!(
            statuses, expected_statuses,
            "{first:?}: human pages cover everything once"
        );
    }

    // An unknown workload is not found (exit 4).
    t.run(&["events", "nope"]).code(4);
}

// ---- 2. the query seeks the workload_id index -------------------------------------------

#[test]
fn workload_queries_seek_the_workload_index() {
    let t = TestContext::new();
    for n in ["one", "two", "three"] {
        t.add(n, "image", &image_workload()).success();
    }
    let wids: Vec<i64> = ["one", "two", "three"].iter().map(|n| workload_id(&t, n)).collect();
    let rows: Vec<Row<'_>> = (0..3000)
        .map(|i: usize| Row {
            ts: berth::store::now_rfc3339(),
            workload_id: wids[i % 3],
            workload: ["one", "two", "three"][i % 3],
            action: "deploy.succeeded",
            severity: if i.is_multiple_of(50) { "error" } else { "info" },
            status: format!("e{i}"),
        })
        .collect();
    insert_events(&t.db, &rows);

    let store = Store::open(&t.db).expect("open the store");
    let cases = [
        // berth events two --errors --limit 50 (one row more: is there a next page?)
        EventFilter {
            workload_id: Some(wids[1]),
            errors_only: true,
            ..Default::default()
        },
        // ... --before ID (the next page)
        EventFilter {
            workload_id: Some(wids[1]),
            errors_only: true,
            before: Some(2000),
            ..Default::default()
        },
        // berth events two
        EventFilter {
            workload_id: Some(wids[1]),
            ..Default::default()
        },
        // --follow's poll
        EventFilter {
            workload_id: Some(wids[1]),
            after: Some(2500),
            ..Default::default()
        },
    ];
    for (i, filter) in cases.iter().enumerate() {
        for limit in [50, 51] {
            let (sql, args) = filter.sql(limit, i == 3);
            let mut stmt = store
                .conn()
                .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
                .expect("prepare EXPLAIN QUERY PLAN");
            let plan: Vec<String> = stmt
                .query_map(rusqlite::params_from_iter(args.iter()), |r| r.get::<_, String>(3))
                .expect("explain")
                .collect::<rusqlite::Result<_>>()
                .expect("plan rows");
            let text = plan.join("\n");
            assert!(
                plan.iter()
                    .any(|d| d.contains("USING INDEX event_log_workload_severity")
                        || d.contains("USING INDEX event_log_workload ")
                        || d.ends_with("USING INDEX event_log_workload")
                        || d.contains("USING COVERING INDEX event_log_workload")),
                "{sql}\nshould use a workload_id index; plan:\n{text}"
            );
            assert!(
                plan.iter().all(|d| !d.starts_with("SCAN event_log")),
                "{sql}\nmust not scan event_log; plan:\n{text}"
            );
            assert!(
                plan.iter().all(|d| !d.contains("TEMP B-TREE")),
                "{sql}\nthe index gives the order, no sort; plan:\n{text}"
            );
            if filter.errors_only {
                assert!(
                    text.contains("event_log_workload_severity") && text.contains("severity=?"),
                    "--errors with a workload seeks (workload_id, severity); plan:\n{text}"
                );
            }
        }
    }

    // And the command gives the right answer on this data.
    let (events, _) = events_json(&t, &["two", "--errors", "--limit", "50"]);
    assert_eq!(
        events.len(),
        20,
        "3000 events, every 50th an error, a third of them two's"
    );
    assert!(
        events
            .iter()
            .all(|e| e["workload"] == "two" && e["severity"] == "error")
    );
}

// ---- 3. the 256-character cap ----------------------------------------------------------------

#[test]
fn a_thousand_emoji_reason_is_capped_at_256_chars_of_valid_utf8() {
    let t = TestContext::new();
    t.add("capped", "image", &image_workload()).success();
    let wid = workload_id(&t, "capped");
    let store = Store::open(&t.db).expect("open the store");
    // An odd-length ASCII prefix, so a byte cut would land mid-emoji.
    let reason = format!("deploy failed: {}", "🚀".repeat(1000));
    let id = emit_event(
        &store,
        Some(wid),
        "capped",
        "deploy.failed",
        Severity::Error,
        &reason,
        &json!({ "workload_id": wid }),
    )
    .expect("emit the event");
    // And through the deploy helper every kind uses.
    let ctx = berth::events::DeployEventContext {
        workload_id: wid,
        workload: "capped".into(),
        deploy_id: 1,
        kind: berth::config::Kind::Image,
        strategy: berth::config::Strategy::BlueGreen,
        strategy_forced: false,
        image: Some("berth-test/app:v1".into()),
        container: None,
        docker_host: "unix:///var/run/docker.sock".into(),
        started: Instant::now(),
    };
    let id2 = berth::events::emit_deploy_event(&store, &ctx, "deploy.failed", Severity::Error, &reason, None)
        .expect("emit the deploy event");
    drop(store);

    // The raw column is valid UTF-8 of at most 256 scalar values.
    let conn = open_db(&t.db);
    for event_id in [id, id2] {
        let raw: Vec<u8> = conn
            .query_row(
                "SELECT CAST(status AS BLOB) FROM event_log WHERE id = ?1",
                [event_id],
                |r| r.get(0),
            )
            .expect("read the status");
        let text = String::from_utf8(raw).expect("the stored status is valid UTF-8");
        assert!(text.chars().count() <= 256, "{} chars", text.chars().count());
        assert!(text.starts_with("deploy failed: 🚀🚀"), "{text}");
    }

    // As `berth events --output json` shows it.
    let (events, _) = events_json(&t, &["capped"]);
    assert_eq!(ids(&events), vec![id2, id]);
    for e in &events {
        let status = e["status"].as_str().expect("status");
        let n = status.chars().count();
        assert!(n <= 256, "status has {n} chars");
        assert!(n >= 200, "the cap keeps most of the reason: {n} chars");
        assert!(
            status.trim_end_matches('…').chars().skip(15).all(|c| c == '🚀'),
            "no emoji is split: {status}"
        );
        assert_eq!(e["metadata"]["workload_id"], json!(wid), "{e}");
        assert_eq!(e["severity"], "error");
    }
    assert_eq!(events[0]["metadata"]["deploy_id"], 1);
    assert_eq!(events[0]["metadata"]["kind"], "image");
    // The human table shows it too (and is valid UTF-8).
    let human = t.run(&["events", "capped"]).success();
    assert!(human.stdout.contains("deploy failed: 🚀"), "{}", human.stdout);
}

// ---- 4. --follow sees another process's deploy --------------------------------------------------

#[test]
fn follow_prints_the_events_of_a_deploy_in_another_process() {
    let mut c = Case::new("ev-follow");
    let name = c.name("follow");
    c.add(&name, "image", deploy_config("berth-test/app:v1"));
    let wid = workload_id(&c.t, &name);

    let mut follower = Follower::start(&c.t, &[]);
    // Prove the follower is polling before the deploy starts: it prints an
    // event written after it started.
    let marker = format!("marker-{}", random_suffix());
    thread::sleep(Duration::from_millis(300));
    {
        let store = Store::open(&c.t.db).expect("open the store");
        emit_event(
            &store,
            None,
            &marker,
            "test.marker",
            Severity::Info,
            "marker",
            &json!({}),
        )
        .expect("emit the marker");
    }
    follower.wait_for("the marker event", Duration::from_secs(10), |e| {
        e["workload"] == json!(marker)
    });

    let started = Instant::now();
    c.run(&["deploy", &name]).success();
    let deploy_took = started.elapsed();
    let within = Duration::from_secs(10);
    let is = |action: &'static str| {
        let name = name.clone();
        move |e: &Value| e["workload"] == json!(name) && e["action"] == action
    };
    let s = follower.wait_for("deploy.started", within, is("deploy.started"));
    let done = follower.wait_for("deploy.succeeded", within, is("deploy.succeeded"));
    let waited_after = started.elapsed().saturating_sub(deploy_took);
    assert!(waited_after < within, "{waited_after:?}");
    for e in [&s, &done] {
        assert_eq!(e["workload_id"], json!(wid), "{e}");
        assert_eq!(e["metadata"]["workload_id"], json!(wid), "{e}");
        assert_eq!(e["severity"], "info", "{e}");
    }
    assert!(s["id"].as_i64() < done["id"].as_i64(), "printed oldest first");
    // The follower's objects are the ones `events --output json` shows.
    let (events, _) = events_json(&c.t, &[&name]);
    let shown = events
        .iter()
        .find(|e| e["id"] == done["id"])
        .expect("the followed event is in the history");
    assert_eq!(shown, &done, "one mapper for both");
    // No event is printed twice.
    let printed: Vec<i64> = ids(&follower.seen);
    let unique: BTreeSet<i64> = printed.iter().copied().collect();
    assert_eq!(unique.len(), printed.len(), "{printed:?}");
    drop(follower);
}

/// `berth events --follow | head -1` ends once `head` has its line, not at
/// the next event, which may never come: the follow looks for its reader.
#[test]
fn follow_ends_quietly_when_its_reader_goes_even_with_no_new_event() {
    let t = TestContext::new();
    {
        let store = Store::open(&t.db).expect("open the store");
        emit_event(&store, None, "quiet", "test.marker", Severity::Info, "one", &json!({})).expect("emit an event");
    }
    let mut child = t
        .command(&["events", "--follow"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn the follower");
    let mut reader = BufReader::new(child.stdout.take().expect("stdout"));
    let mut first = String::new();
    reader.read_line(&mut first).expect("read the first line");
    assert!(first.contains("test.marker"), "{first}");
    // What `head -1` does once it has its line.
    drop(reader);
    let code = common::exit_code_within(&mut child, Duration::from_secs(10));
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().expect("stderr"), &mut stderr).expect("stderr");
    assert_eq!(
        code,
        Some(0),
        "events --follow exits 0 within 10 s of its reader going, with no new event: {stderr}"
    );
    assert!(stderr.is_empty(), "and quietly: {stderr}");
}

// ---- 5. webhooks ---------------------------------------------------------------------

fn hmac_hex(secret: &[u8], body: &[u8]) -> String {
    let mut mac = <hmac::Hmac<sha2::Sha256> as KeyInit>::new_from_slice(secret).expect("any key length");
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

#[test]
fn webhooks_are_signed_filtered_and_never_fail_the_deploy() {
    let mut c = Case::new("ev-hooks");
    let name = c.name("hooked");
    let other = c.name("other");
    c.add(&name, "image", deploy_config("berth-test/app:v1"));
    c.add(&other, "image", deploy_config("berth-test/app:v1"));
    let rx = Receiver::start();
    let secret = format!("whsec-{}", random_suffix());

    let add = |args: &[&str]| -> i64 {
        let mut all = vec!["--output", "json", "webhook", "add"];
        all.extend_from_slice(args);
        let doc = c.run(&all).success().json();
        doc["id"]
            .as_i64()
            .unwrap_or_else(|| panic!("webhook add gives an id: {doc}"))
    };
    let signed = add(&[&rx.url("/signed"), "--on", "deploy.succeeded", "--secret-env", "WHSEC"]);
    let other_only = add(&[&rx.url("/other"), "--workload", &other]);
    let down = add(&[&format!("http://127.0.0.1:{}/down", closed_port())]);
    let everything = add(&[&rx.url("/all")]);

    let started = Instant::now();
    let run = run_env(&c.t, &["--output", "json", "deploy", &name], &[("WHSEC", &secret)]).success();
    let took = started.elapsed();
    assert_eq!(run.json()["status"], "succeeded", "{}", run.stdout);
    // Three tries with backoff against a closed port: well under the 3 x 5 s
    // bound per event, but the deploy waited for them.
    assert!(took < Duration::from_secs(60), "deploy took {took:?}");

    let (events, _) = events_json(&c.t, &[&name, "--limit", "100"]);
    let by_id = |id: &Value| events.iter().find(|e| &e["id"] == id).cloned();

    // The signed hook got exactly deploy.succeeded, the same object, signed.
    let got = rx.at("/signed");
    assert_eq!(
        got.len(),
        1,
        "want exactly one delivery (deploy.succeeded): {:?}",
        got.iter().map(|r| r.body_text()).collect::<Vec<_>>()
    );
    let req = &got[0];
    assert_eq!(req.method, "POST");
    let body = req.json();
    assert_eq!(body["action"], "deploy.succeeded", "{body}");
    assert_eq!(body["workload"], json!(name));
    let shown = by_id(&body["id"]).unwrap_or_else(|| panic!("the delivered event is in `events`: {body}"));
    assert_eq!(body, shown, "the body is the object `events --output json` shows");
    assert!(
        req.header("content-type")
            .is_some_and(|v| v.starts_with("application/json")),
        "{:?}",
        req.headers
    );
    let sig = req
        .header("x-berth-signature-256")
        .unwrap_or_else(|| panic!("no X-Berth-Signature-256 header: {:?}", req.headers));
    assert_eq!(sig, format!("sha256={}", hmac_hex(secret.as_bytes(), &req.body)));
    assert!(
        !req.body_text().contains(&secret),
        "the secret signs the body, it is not in it"
    );

    // --workload: the hook for another workload got nothing.
    assert!(rx.at("/other").is_empty(), "{:?}", rx.at("/other"));

    // The unfiltered live hook got started and succeeded, unsigned, and
    // never a webhook.failed.
    let all = rx.at("/all");
    let actions: Vec<String> = all
        .iter()
        .map(|r| r.json()["action"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert!(
        actions.contains(&"deploy.started".to_owned()) && actions.contains(&"deploy.succeeded".to_owned()),
        "{actions:?}"
    );
    assert!(!actions.iter().any(|a| a == "webhook.failed"), "{actions:?}");
    for r in &all {
        assert!(r.header("x-berth-signature-256").is_none(), "unsigned hook");
        let b = r.json();
        assert_eq!(Some(&b), by_id(&b["id"]).as_ref(), "same object as `events`");
    }
    assert!(
        rx.received().iter().all(|r| r.json()["action"] != "webhook.failed"),
        "a webhook.failed event is never delivered"
    );

    // The dead receiver: warning events, naming the hook, and the deploy
    // still succeeded above.
    let failed: Vec<&Value> = events.iter().filter(|e| e["action"] == "webhook.failed").collect();
    assert!(
        !failed.is_empty(),
        "a failed delivery records webhook.failed: {events:?}"
    );
    for e in &failed {
        assert_eq!(e["severity"], "warning", "{e}");
        assert_eq!(e["workload"], json!(name), "{e}");
        assert_eq!(e["metadata"]["webhook_id"], json!(down), "{e}");
        assert_eq!(e["metadata"]["workload_id"], json!(workload_id(&c.t, &name)), "{e}");
    }
    assert_eq!(
        failed.len(),
        actions.len(),
        "one webhook.failed per event the dead hook should have had"
    );
    let _ = (signed, other_only, everything);

    // `webhook list` masks credentials, human and JSON; so does `add`.
    let password = format!("pw-{}", random_suffix());
    let cred_url = format!("http://alice:{password}@127.0.0.1:{}/masked", closed_port());
    let added = c.run(&["webhook", "add", &cred_url]).success();
    assert!(
        !added.stdout.contains(&password) && !added.stderr.contains(&password),
        "{}{}",
        added.stdout,
        added.stderr
    );
    let masked = added.stdout.trim().parse::<i64>().expect("human add prints the id");
    let list = c.run(&["webhook", "list"]).success();
    assert!(!list.stdout.contains(&password), "{}", list.stdout);
    assert!(list.stdout.contains("****@127.0.0.1"), "{}", list.stdout);
    let list_json = c.run(&["--output", "json", "webhook", "list"]).success();
    assert!(!list_json.stdout.contains(&password), "{}", list_json.stdout);
    let hooks = list_json.json()["webhooks"].as_array().expect("webhooks").clone();
    assert_eq!(hooks.len(), 5);
    let m = hooks
        .iter()
        .find(|h| h["id"] == json!(masked))
        .expect("the masked hook");
    assert!(m["url"].as_str().is_some_and(|u| u.contains("****@127.0.0.1")), "{m}");
    let s = hooks.iter().find(|h| h["id"] == json!(signed)).expect("signed hook");
    assert_eq!(s["secret_env"], "WHSEC", "{s}");
    assert_eq!(s["actions"], json!(["deploy.succeeded"]), "{s}");

    // Only http(s): usage error.
    c.run(&["webhook", "add", "ftp://x"]).code(2);
    c.run(&["webhook", "add", "not a url"]).code(2);

    // rm every hook: the list is empty; an unknown id is not found.
    for h in &hooks {
        let id = h["id"].as_i64().expect("id").to_string();
        c.run(&["webhook", "rm", &id]).success();
    }
    let empty = c.run(&["--output", "json", "webhook", "list"]).success().json();
    assert_eq!(empty["webhooks"], json!([]), "{empty}");
    let human = c.run(&["webhook", "list"]).success();
    assert!(human.stdout.trim().is_empty(), "{}", human.stdout);
    c.run(&["webhook", "rm", &masked.to_string()]).code(4);
    c.run(&["webhook", "rm", "987654"]).code(4);
}

// ---- 6. planted secrets appear nowhere --------------------------------------------------------

#[test]
fn planted_secrets_appear_in_no_event_deploy_row_webhook_or_json_output() {
    let mut c = Case::new("ev-secrets");
    let reg = registry();
    let good = c.name("sec-ok");
    let bad = c.name("sec-bad");
    let env_secret = format!("zz-secret-{}{}", random_suffix(), random_suffix());
    let pw_secret = format!("zz-secret-{}{}", random_suffix(), random_suffix());
    let envs = [("REG_PW", pw_secret.as_str())];
    let rx = Receiver::start();
    let mut outputs: Vec<(String, String)> = Vec::new();

    let config = |image: &str| {
        let mut config = deploy_config(image);
        config["pull"] = json!("always");
        config["env"] = json!({ "PLANTED": env_secret });
        config["registry_auth"] = json!({ "username": "ci", "password_env": "REG_PW" });
        config["labels"] = json!({ TEST_LABEL: c.id });
        config
    };
    for (name, image) in [
        (&good, format!("{reg}/berth-test/app:v1")),
        (&bad, format!("{reg}/berth-test/app:bad")),
    ] {
        let add = c.t.run_stdin(
            &[
                "--output", "json", "workload", "add", name, "--kind", "image", "--config", "-",
            ],
            &config(&image).to_string(),
        );
        let add = add.success();
        outputs.push((format!("workload add {name}"), add.stdout));
    }
    c.run(&["webhook", "add", &rx.url("/all")]).success();

    let ok = run_env(&c.t, &["--output", "json", "deploy", &good], &envs).success();
    assert_eq!(ok.json()["status"], "succeeded", "{}", ok.stdout);
    outputs.push(("deploy good".into(), ok.stdout));
    // Positive controls: the planted env value is real (in the container and
    // behind --show-secrets), so its absence below means something.
    let live = common::docker::only_container(&good);
    let container_env = common::docker::docker(&["inspect", "--format", "{{json .Config.Env}}", &live.id]);
    assert!(container_env.contains(&env_secret), "{container_env}");
    let shown = c
        .run(&["--output", "json", "workload", "show", &good, "--show-secrets"])
        .success();
    assert!(shown.stdout.contains(&env_secret), "{}", shown.stdout);
    let failed = run_env(&c.t, &["--output", "json", "deploy", &bad], &envs);
    assert_eq!(
        failed.code, 1,
        "the never-healthy deploy fails:\n{}\n{}",
        failed.stdout, failed.stderr
    );
    assert!(failed.json()["error"].is_object(), "{}", failed.stdout);
    outputs.push(("deploy bad".into(), failed.stdout));

    let json_commands: Vec<Vec<&str>> = vec![
        vec!["status"],
        vec!["status", &good],
        vec!["events", "--limit", "1000"],
        vec!["events", "--errors"],
        vec!["events", &bad],
        vec!["workload", "show", &good],
        vec!["workload", "show", &bad],
        vec!["workload", "list"],
        vec!["history", &good],
        vec!["history", &bad],
        vec!["webhook", "list"],
    ];
    for args in &json_commands {
        let mut all = vec!["--output", "json"];
        all.extend(args.iter().copied());
        let run = run_env(&c.t, &all, &envs);
        assert!(run.code == 0, "{args:?} failed:\n{}\n{}", run.stdout, run.stderr);
        run.json();
        outputs.push((args.join(" "), run.stdout));
    }
    // The human event table too.
    outputs.push((
        "events (human)".into(),
        run_env(&c.t, &["events"], &envs).success().stdout,
    ));

    // The deploys really happened: a failure event, a success event.
    let (events, _) = events_json(&c.t, &["--limit", "1000"]);
    assert!(
        events
            .iter()
            .any(|e| e["workload"] == json!(good) && e["action"] == "deploy.succeeded")
    );
    assert!(
        events
            .iter()
            .any(|e| e["workload"] == json!(bad) && e["action"] == "deploy.failed")
    );

    let secrets = [&env_secret, &pw_secret];
    for cell in all_cells(&c.t.db, "event_log") {
        for s in secrets {
            assert!(
                !cell.contains(s.as_str()),
                "an event_log row holds a planted secret: {cell}"
            );
        }
    }
    let deploy_cells = all_cells(&c.t.db, "deploys");
    assert!(!deploy_cells.is_empty());
    for cell in deploy_cells {
        for s in secrets {
            assert!(
                !cell.contains(s.as_str()),
                "a deploys row holds a planted secret: {cell}"
            );
        }
    }
    let bodies = rx.received();
    assert!(
        bodies.len() >= 4,
        "the hook got both deploys' events: {:?}",
        bodies.iter().map(|r| r.body_text()).collect::<Vec<_>>()
    );
    for r in &bodies {
        for s in secrets {
            assert!(
                !r.body_text().contains(s.as_str()),
                "a webhook body holds a planted secret: {}",
                r.body_text()
            );
            for v in r.headers.values() {
                assert!(!v.contains(s.as_str()), "a webhook header holds a planted secret: {v}");
            }
        }
    }
    for (what, stdout) in &outputs {
        for s in secrets {
            assert!(
                !stdout.contains(s.as_str()),
                "stdout of `{what}` holds a planted secret:\n{stdout}"
            );
        }
    }
}
