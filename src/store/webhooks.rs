//! `webhooks`: where matching events are POSTed.

use crate::i18n::Context as _;
use anyhow::Result;
use rusqlite::params;
use serde::Serialize;

use super::{Store, now_rfc3339};
use crate::error::BerthError;

#[derive(Debug, Clone, Serialize)]
pub struct Webhook {
    pub id: i64,
    pub url: String,
    /// Actions that trigger it; empty: every action.
    pub actions: Vec<String>,
    /// Only events of this workload, when set.
    pub workload: Option<String>,
    /// Name of the environment variable holding the signing secret.
    pub secret_env: Option<String>,
    pub created_at: String,
}

impl Webhook {
    pub fn matches(&self, workload: &str, action: &str) -> bool {
        (self.actions.is_empty() || self.actions.iter().any(|a| a == action))
            && self.workload.as_deref().is_none_or(|w| w == workload)
    }
}

impl Store {
    pub fn add_webhook(
        &self,
        url: &str,
        actions: &[String],
        workload: Option<&str>,
        secret_env: Option<&str>,
    ) -> Result<i64> {
        self.conn()
            .execute(
                "INSERT INTO webhooks (url, actions, workload, secret_env, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    url,
                    serde_json::to_string(actions)?,
                    workload,
                    secret_env,
                    now_rfc3339()
                ],
            )
            .context_msg(crate::msg!("store-webhook-unsaved"))?;
        Ok(self.conn().last_insert_rowid())
    }

    pub fn webhooks(&self) -> Result<Vec<Webhook>> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT id, url, actions, workload, secret_env, created_at FROM webhooks ORDER BY id")?;
        let rows = stmt.query_map([], |r| {
            let actions: String = r.get(2)?;
            Ok(Webhook {
                id: r.get(0)?,
                url: r.get(1)?,
                actions: serde_json::from_str(&actions).unwrap_or_default(),
                workload: r.get(3)?,
                secret_env: r.get(4)?,
                created_at: r.get(5)?,
            })
        })?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .context_msg(crate::msg!("store-webhooks-unreadable"))
    }

    pub fn remove_webhook(&self, id: i64) -> Result<()> {
        let n = self.conn().execute("DELETE FROM webhooks WHERE id = ?1", [id])?;
        if n == 0 {
            return Err(BerthError::NotFound(crate::msg!("webhook-not-found", id = id)).into());
        }
        Ok(())
    }
}
