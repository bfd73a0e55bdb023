//! Versioned migrations keyed on `PRAGMA user_version`. Each runs in its own
//! transaction together with the version bump, so a crash mid-migration
//! leaves the store at the previous version, never half-upgraded.

use std::path::Path;

use crate::i18n::Context as _;
use anyhow::{Result, bail};
use rusqlite::Connection;

/// Migration N (1-based) takes a store from version N-1 to N.
const MIGRATIONS: &[&str] = &[
    // 1: workloads, settings, runtime state, deploys, events, locks.
    r#"
    CREATE TABLE workloads (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL CHECK (kind IN ('image', 'dockerfile', 'static', 'compose')),
        config TEXT NOT NULL CHECK (json_valid(config)),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    CREATE TABLE runtime_state (
        workload_id INTEGER PRIMARY KEY REFERENCES workloads(id) ON DELETE CASCADE,
        container_id TEXT NOT NULL,
        container_name TEXT NOT NULL,
        image_ref TEXT NOT NULL,
        strategy TEXT NOT NULL,
        deploy_id INTEGER,
        route_id INTEGER,
        deployed_at TEXT NOT NULL
    );
    CREATE TABLE deploys (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        workload_id INTEGER NOT NULL REFERENCES workloads(id) ON DELETE CASCADE,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        strategy TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'abandoned')),
        artifact TEXT,
        container_name TEXT,
        error TEXT,
        pid INTEGER NOT NULL,
        pid_start INTEGER
    );
    CREATE TABLE event_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        ts TEXT NOT NULL,
        workload_id INTEGER,
        workload TEXT NOT NULL,
        action TEXT NOT NULL,
        severity TEXT NOT NULL CHECK (severity IN ('info', 'warning', 'error')),
        status TEXT NOT NULL,
        metadata TEXT NOT NULL CHECK (json_valid(metadata))
    );
    CREATE TABLE deploy_locks (
        workload_id INTEGER PRIMARY KEY,
        pid INTEGER NOT NULL,
        pid_start INTEGER,
        acquired_at TEXT NOT NULL
    );
    "#,
    // 2: indexes for workload-scoped history, webhooks and named locks.
    r#"
    CREATE INDEX event_log_workload ON event_log(workload_id, id);
    CREATE INDEX event_log_workload_severity ON event_log(workload_id, severity, id);
    CREATE INDEX event_log_severity ON event_log(severity, id);
    CREATE INDEX deploys_workload ON deploys(workload_id, id);
    CREATE INDEX deploys_status ON deploys(status);
    CREATE TABLE webhooks (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        url TEXT NOT NULL,
        actions TEXT NOT NULL CHECK (json_valid(actions)),
        workload TEXT,
        secret_env TEXT,
        created_at TEXT NOT NULL
    );
    CREATE TABLE named_locks (
        name TEXT PRIMARY KEY,
        pid INTEGER NOT NULL,
        pid_start INTEGER,
        acquired_at TEXT NOT NULL
    );
    "#,
    // 3: the artifact's readable reference, for history and rollback.
    r#"
    ALTER TABLE deploys ADD COLUMN image_ref TEXT;
    "#,
    // 4: the store's own id, generated once: containers carry it so several
    // stores sharing one daemon tell theirs from each other's (issue 18).
    r#"
    CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    INSERT INTO meta (key, value) VALUES ('store_id', lower(hex(randomblob(8))));
    "#,
];

/// The schema version this berth writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

pub(super) fn migrate(conn: &Connection, path: &Path) -> Result<()> {
    let current: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if current > SCHEMA_VERSION {
        bail!(crate::msg!(
            "store-too-new",
            path = path.display().to_string(),
            version = current,
            known = SCHEMA_VERSION
        ));
    }
    migrate_to(conn, SCHEMA_VERSION)
        .with_context_msg(|| crate::msg!("store-upgrade-failed", path = path.display().to_string()))
}

/// Applies the migrations up to `target`, each with its version bump in one
/// IMMEDIATE transaction (so two processes opening a new store at once do not
/// both migrate: the second one re-reads the version under the lock).
pub fn migrate_to(conn: &Connection, target: i64) -> Result<()> {
    for (i, sql) in MIGRATIONS.iter().enumerate() {
        let version = i as i64 + 1;
        if version > target {
            break;
        }
        conn.execute_batch("BEGIN IMMEDIATE")?;
        let result = (|| -> Result<()> {
            let current: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
            if current >= version {
                return Ok(());
            }
            conn.execute_batch(sql)
                .with_context_msg(|| crate::msg!("store-migration-failed", version = version))?;
            conn.execute_batch(&format!("PRAGMA user_version = {version}"))?;
            Ok(())
        })();
        match result {
            Ok(()) => conn.execute_batch("COMMIT")?,
            Err(e) => {
                let _ = conn.execute_batch("ROLLBACK");
                return Err(e);
            }
        }
    }
    Ok(())
}
