//! Reading events back: filters that seek the `workload_id` index, pages
//! by `--before`, and the one mapper from a row to the table line and the
//! JSON object.

use anyhow::Result;

use crate::i18n::Context as _;
use rusqlite::types::Value as SqlValue;
use serde::Serialize;
use serde_json::Value;

use crate::store::Store;

/// An event as every output shows it (DESIGN §7).
#[derive(Debug, Clone, Serialize)]
pub struct EventView {
    pub id: i64,
    pub ts: String,
    pub workload: String,
    pub workload_id: Option<i64>,
    pub action: String,
    pub severity: String,
    pub status: String,
    pub metadata: Value,
}

impl EventView {
    /// The human table's column headers, in order, as message ids.
    pub const COLUMNS: [&'static str; 5] = [
        "column-time",
        "column-workload",
        "column-severity",
        "column-action",
        "column-status",
    ];

    /// The human table's row: the severity in the language of human
    /// output; the action and the stored status text stay as written (data).
    pub fn table_row(&self) -> Vec<String> {
        vec![
            self.ts.clone(),
            self.workload.clone(),
            crate::i18n::value_text("severity", &self.severity),
            self.action.clone(),
            self.status.clone(),
        ]
    }
}

#[derive(Debug, Clone, Default)]
pub struct EventFilter {
    pub workload_id: Option<i64>,
    pub errors_only: bool,
    /// Only events with an id below this (exclusive): the next page.
    pub before: Option<i64>,
    /// Only events with an id above this: for `--follow`.
    pub after: Option<i64>,
    /// Only events at or after this RFC 3339 time.
    pub since: Option<String>,
}

impl EventFilter {
    /// The SQL (and its parameters) [`Store::events`] runs for this filter:
    /// public so a test can check its plan with EXPLAIN QUERY PLAN.
    pub fn sql(&self, limit: i64, oldest_first: bool) -> (String, Vec<SqlValue>) {
        // Only the predicates in use go into the SQL, so SQLite can seek
        // (workload_id, severity, id) instead of scanning the log.
        let mut sql = String::from(
            "SELECT id, ts, workload, workload_id, action, severity, status, metadata FROM event_log WHERE 1 = 1",
        );
        let mut args: Vec<SqlValue> = Vec::new();
        if let Some(id) = self.workload_id {
            args.push(SqlValue::Integer(id));
            sql.push_str(&format!(" AND workload_id = ?{}", args.len()));
        }
        if self.errors_only {
            sql.push_str(" AND severity = 'error'");
        }
        if let Some(before) = self.before {
            args.push(SqlValue::Integer(before));
            sql.push_str(&format!(" AND id < ?{}", args.len()));
        }
        if let Some(after) = self.after {
            args.push(SqlValue::Integer(after));
            sql.push_str(&format!(" AND id > ?{}", args.len()));
        }
        if let Some(since) = &self.since {
            args.push(SqlValue::Text(since.clone()));
            sql.push_str(&format!(" AND ts >= ?{}", args.len()));
        }
        args.push(SqlValue::Integer(limit));
        sql.push_str(&format!(
            " ORDER BY id {} LIMIT ?{}",
            if oldest_first { "ASC" } else { "DESC" },
            args.len()
        ));
        (sql, args)
    }
}

impl Store {
    /// Events matching `filter`: newest first, or oldest first when following.
    pub fn events(&self, filter: &EventFilter, limit: i64, oldest_first: bool) -> Result<Vec<EventView>> {
        let (sql, args) = filter.sql(limit, oldest_first);
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(args), |r| {
            let metadata: String = r.get(7)?;
            Ok(EventView {
                id: r.get(0)?,
                ts: r.get(1)?,
                workload: r.get(2)?,
                workload_id: r.get(3)?,
                action: r.get(4)?,
                severity: r.get(5)?,
                status: r.get(6)?,
                metadata: serde_json::from_str(&metadata).unwrap_or(Value::Null),
            })
        })?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .context_msg(crate::msg!("store-events-unreadable"))
    }

    /// One event by id.
    pub fn event(&self, id: i64) -> Result<Option<EventView>> {
        let filter = EventFilter {
            after: Some(id - 1),
            before: Some(id + 1),
            ..Default::default()
        };
        Ok(self.events(&filter, 1, true)?.into_iter().next())
    }

    /// The newest event id, for `--follow` to start after.
    pub fn last_event_id(&self) -> Result<i64> {
        Ok(self
            .conn()
            .query_row("SELECT coalesce(max(id), 0) FROM event_log", [], |r| r.get(0))?)
    }
}
