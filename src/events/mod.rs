//! Workload-scoped events (DESIGN §7): one way to write them, one way to
//! read them.

mod query;
pub mod webhooks;

use std::time::Instant;

use anyhow::Result;

use crate::i18n::Context as _;
use rusqlite::params;
use serde::Serialize;
use serde_json::{Map, Value, json};

pub use query::{EventFilter, EventView};

use crate::config::{Kind, Strategy};
use crate::store::{Store, now_rfc3339};

/// Longest status text, in Unicode scalar values.
pub const STATUS_MAX_CHARS: usize = 256;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// Caps a status at [`STATUS_MAX_CHARS`] scalar values, never splitting one,
/// ending with `…` when it was cut.
pub fn cap_status(status: &str) -> String {
    if status.chars().count() <= STATUS_MAX_CHARS {
        return status.to_owned();
    }
    let mut capped: String = status.chars().take(STATUS_MAX_CHARS - 1).collect();
    capped.push('…');
    capped
}

/// Writes one event row. Every event goes through here.
pub fn emit_event(
    store: &Store,
    workload_id: Option<i64>,
    workload: &str,
    action: &str,
    severity: Severity,
    status: &str,
    metadata: &Value,
) -> Result<i64> {
    store
        .conn()
        .execute(
            "INSERT INTO event_log (ts, workload_id, workload, action, severity, status, metadata)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                now_rfc3339(),
                workload_id,
                workload,
                action,
                severity.as_str(),
                cap_status(status),
                metadata.to_string()
            ],
        )
        .with_context_msg(|| crate::msg!("event-unrecorded", action = action, workload = workload))?;
    let id = store.conn().last_insert_rowid();
    if let Some(view) = store.event(id)? {
        webhooks::dispatch(store, &view);
    }
    Ok(id)
}

/// What every event of one deploy carries in its metadata.
#[derive(Debug, Clone)]
pub struct DeployEventContext {
    pub workload_id: i64,
    pub workload: String,
    pub deploy_id: i64,
    pub kind: Kind,
    pub strategy: Strategy,
    pub strategy_forced: bool,
    pub image: Option<String>,
    pub container: Option<String>,
    /// The daemon the deploy runs on, as [`crate::docker::Engine::host`]
    /// shows it (never credentials).
    pub docker_host: String,
    pub started: Instant,
}

impl DeployEventContext {
    fn metadata(&self, extra: Option<Value>) -> Value {
        let mut meta = Map::new();
        meta.insert("workload_id".into(), json!(self.workload_id));
        meta.insert("deploy_id".into(), json!(self.deploy_id));
        meta.insert("kind".into(), json!(self.kind));
        meta.insert("strategy".into(), json!(self.strategy));
        meta.insert("strategy_forced".into(), json!(self.strategy_forced));
        meta.insert("image".into(), json!(self.image));
        meta.insert("container".into(), json!(self.container));
        meta.insert("docker_host".into(), json!(self.docker_host));
        meta.insert(
            "duration_ms".into(),
            json!(u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX)),
        );
        if let Some(Value::Object(extra)) = extra {
            meta.extend(extra);
        }
        Value::Object(meta)
    }
}

/// The one helper every kind's deploy uses for its events.
pub fn emit_deploy_event(
    store: &Store,
    ctx: &DeployEventContext,
    action: &str,
    severity: Severity,
    status: &str,
    extra: Option<Value>,
) -> Result<i64> {
    emit_event(
        store,
        Some(ctx.workload_id),
        &ctx.workload,
        action,
        severity,
        status,
        &ctx.metadata(extra),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cap_keeps_short_status() {
        assert_eq!(cap_status("ok"), "ok");
    }

    #[test]
    fn cap_never_splits_a_code_point() {
        let long = "🚀".repeat(1000);
        let capped = cap_status(&long);
        assert_eq!(capped.chars().count(), STATUS_MAX_CHARS);
        assert!(capped.ends_with('…'));
        assert!(capped.chars().take(STATUS_MAX_CHARS - 1).all(|c| c == '🚀'));
    }
}
