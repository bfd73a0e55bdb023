//! Store schema upgrades and refusals.

use crate::common;

use berth::store::{SCHEMA_VERSION, Store, migrate_to};
use common::TestContext;

fn user_version(path: &std::path::Path) -> i64 {
    let conn = rusqlite::Connection::open(path).expect("open");
    conn.query_row("PRAGMA user_version", [], |r| r.get(0))
        .expect("user_version")
}

#[test]
fn an_older_store_is_upgraded_without_losing_rows() {
    let t = TestContext::new();
    {
        let conn = Store::open_connection(&t.db).expect("open raw");
        migrate_to(&conn, 1).expect("schema v1");
        conn.execute(
            "INSERT INTO workloads (name, kind, config, created_at, updated_at)
             VALUES ('old', 'image', '{\"image\":\"app:v1\"}', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')",
            [],
        )
        .expect("insert workload");
        conn.execute(
            "INSERT INTO event_log (ts, workload_id, workload, action, severity, status, metadata)
             VALUES ('2026-01-01T00:00:00.000Z', 1, 'old', 'deploy.succeeded', 'info', 'ok', '{}')",
            [],
        )
        .expect("insert event");
    }
    assert_eq!(user_version(&t.db), 1);

    let list = t.run(&["--output", "json", "workload", "list"]).success().json();
    assert_eq!(list["workloads"][0]["name"], "old");
    assert_eq!(user_version(&t.db), SCHEMA_VERSION);

    let conn = rusqlite::Connection::open(&t.db).expect("open");
    let events: i64 = conn
        .query_row("SELECT count(*) FROM event_log WHERE workload_id = 1", [], |r| r.get(0))
        .expect("count");
    assert_eq!(events, 1);
    let indexed: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'event_log_workload'",
            [],
            |r| r.get(0),
        )
        .expect("index");
    assert_eq!(indexed, 1);
}

#[test]
fn a_store_from_a_newer_berth_is_refused_untouched() {
    let t = TestContext::new();
    t.add("web", "image", &serde_json::json!({ "image": "app:v1" }))
        .success();
    {
        let conn = rusqlite::Connection::open(&t.db).expect("open");
        conn.execute_batch(&format!("PRAGMA user_version = {}", SCHEMA_VERSION + 7))
            .expect("bump");
    }
    let run = t.run(&["workload", "list"]).code(1);
    assert!(run.stderr.contains("newer berth"), "{}", run.stderr);
    assert_eq!(user_version(&t.db), SCHEMA_VERSION + 7);
}

#[test]
fn opening_twice_is_idempotent_and_uses_wal() {
    let t = TestContext::new();
    drop(Store::open(&t.db).expect("first open"));
    let store = Store::open(&t.db).expect("second open");
    let mode: String = store
        .conn()
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .expect("mode");
    assert_eq!(mode, "wal");
    let fk: i64 = store
        .conn()
        .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
        .expect("fk");
    assert_eq!(fk, 1);
}
