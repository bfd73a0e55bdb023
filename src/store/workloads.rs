//! The `workloads` table: name, kind and the JSON config blob.

use crate::i18n::Context as _;
use anyhow::Result;
use rusqlite::{OptionalExtension, Row, params};
use serde_json::Value;

use super::{Store, now_rfc3339};
use crate::config::{ConfigIssue, Kind, Validated};
use crate::error::BerthError;

#[derive(Debug, Clone)]
pub struct Workload {
    pub id: i64,
    pub name: String,
    pub kind: Kind,
    /// The stored config; `Value::Null` when it could not be read (see
    /// `config_error`).
    pub config: Value,
    /// Why the stored text is not a readable config (SQLite's `json_valid`
    /// accepts numbers serde cannot hold, such as `1e400`). The workload is
    /// still listed, shown, replaced and removed; validating it reports this.
    pub config_error: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

impl Workload {
    /// Validates the stored config (DESIGN §2); an unreadable one is an
    /// error for the whole config that says how to replace it.
    pub fn validate(&self) -> Result<Validated, Vec<ConfigIssue>> {
        if let Some(err) = &self.config_error {
            let message = crate::msg!(
                "config-stored-unreadable",
                workload = &self.name,
                reason = err.to_string()
            );
            return Err(vec![ConfigIssue::localizable(&self.name, "", message, None)]);
        }
        crate::config::validate(&self.name, self.kind, &self.config)
    }
}

const COLUMNS: &str = "id, name, kind, config, created_at, updated_at";

fn from_row(row: &Row<'_>) -> rusqlite::Result<Workload> {
    let kind: String = row.get(2)?;
    let text: String = row.get(3)?;
    let (config, config_error) = match serde_json::from_str::<Value>(&text) {
        Ok(v) => (v, None),
        Err(e) => (Value::Null, Some(e.to_string())),
    };
    Ok(Workload {
        id: row.get(0)?,
        name: row.get(1)?,
        kind: kind
            .parse::<Kind>()
            .map_err(|e| rusqlite::Error::FromSqlConversionFailure(2, rusqlite::types::Type::Text, e.into()))?,
        config,
        config_error,
        created_at: row.get(4)?,
        updated_at: row.get(5)?,
    })
}

impl Store {
    /// Inserts a workload whose config already passed validation.
    pub fn insert_workload(&self, name: &str, kind: Kind, config: &Value) -> Result<Workload> {
        let now = now_rfc3339();
        let inserted = self.conn().execute(
            "INSERT INTO workloads (name, kind, config, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4)
             ON CONFLICT(name) DO NOTHING",
            params![name, kind.as_str(), config.to_string(), now],
        )?;
        if inserted == 0 {
            anyhow::bail!(crate::msg!("workload-exists", workload = name));
        }
        self.workload(name)
    }

    /// The workload called `name`, or a not-found error (exit 4).
    pub fn workload(&self, name: &str) -> Result<Workload> {
        self.find_workload(name)?
            .ok_or_else(|| BerthError::NotFound(crate::msg!("no-such-workload", workload = name)).into())
    }

    pub fn find_workload(&self, name: &str) -> Result<Option<Workload>> {
        self.conn()
            .query_row(
                &format!("SELECT {COLUMNS} FROM workloads WHERE name = ?1"),
                [name],
                from_row,
            )
            .optional()
            .with_context_msg(|| crate::msg!("store-workload-unreadable", workload = name))
    }

    pub fn workloads(&self) -> Result<Vec<Workload>> {
        let mut stmt = self
            .conn()
            .prepare(&format!("SELECT {COLUMNS} FROM workloads ORDER BY name"))?;
        let rows = stmt.query_map([], from_row)?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .context_msg(crate::msg!("store-workloads-unreadable"))
    }

    /// Replaces the config of a workload (already validated).
    pub fn update_workload_config(&self, name: &str, config: &Value) -> Result<()> {
        let n = self.conn().execute(
            "UPDATE workloads SET config = ?2, updated_at = ?3 WHERE name = ?1",
            params![name, config.to_string(), now_rfc3339()],
        )?;
        if n == 0 {
            return Err(BerthError::NotFound(crate::msg!("no-such-workload", workload = name)).into());
        }
        Ok(())
    }

    pub fn delete_workload(&self, name: &str) -> Result<()> {
        let n = self.conn().execute("DELETE FROM workloads WHERE name = ?1", [name])?;
        if n == 0 {
            return Err(BerthError::NotFound(crate::msg!("no-such-workload", workload = name)).into());
        }
        Ok(())
    }
}
