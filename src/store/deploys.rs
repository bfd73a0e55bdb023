//! `deploys`: one row per deploy, `running` until it ends. A row left
//! `running` by a dead process is marked `abandoned` by reconcile.

use crate::i18n::Context as _;
use crate::msg;
use anyhow::Result;
use rusqlite::{OptionalExtension, Row, params};
use serde::Serialize;

use super::locks::{current_process, process_alive};
use super::{Store, now_rfc3339};

#[derive(Debug, Clone, Serialize)]
pub struct DeployRecord {
    pub id: i64,
    pub workload_id: i64,
    pub started_at: String,
    pub finished_at: Option<String>,
    pub strategy: String,
    pub status: String,
    pub artifact: Option<String>,
    pub image_ref: Option<String>,
    pub container_name: Option<String>,
    pub error: Option<String>,
}

const COLUMNS: &str =
    "id, workload_id, started_at, finished_at, strategy, status, artifact, container_name, error, image_ref";

fn from_row(r: &Row<'_>) -> rusqlite::Result<DeployRecord> {
    Ok(DeployRecord {
        id: r.get(0)?,
        workload_id: r.get(1)?,
        started_at: r.get(2)?,
        finished_at: r.get(3)?,
        strategy: r.get(4)?,
        status: r.get(5)?,
        artifact: r.get(6)?,
        container_name: r.get(7)?,
        error: r.get(8)?,
        image_ref: r.get(9)?,
    })
}

impl Store {
    /// Records a deploy as `running`, owned by this process.
    pub fn start_deploy(&self, workload_id: i64, strategy: &str) -> Result<i64> {
        let (pid, start) = current_process();
        self.conn()
            .execute(
                "INSERT INTO deploys (workload_id, started_at, strategy, status, pid, pid_start)
                 VALUES (?1, ?2, ?3, 'running', ?4, ?5)",
                params![workload_id, now_rfc3339(), strategy, pid, start],
            )
            .context_msg(msg!("store-deploy-unrecorded"))?;
        Ok(self.conn().last_insert_rowid())
    }

    /// Records what the deploy runs: the image id and its readable reference.
    pub fn set_deploy_artifact(
        &self,
        id: i64,
        image_id: &str,
        image_ref: &str,
        container_name: Option<&str>,
    ) -> Result<()> {
        self.conn().execute(
            "UPDATE deploys SET artifact = ?2, image_ref = ?3, container_name = coalesce(?4, container_name)
             WHERE id = ?1",
            params![id, image_id, image_ref, container_name],
        )?;
        Ok(())
    }

    /// Ends a deploy; `error` is the generic reason only (never raw output).
    pub fn finish_deploy(&self, id: i64, status: &str, error: Option<&str>) -> Result<()> {
        self.conn()
            .execute(
                "UPDATE deploys SET status = ?2, error = ?3, finished_at = ?4 WHERE id = ?1 AND status = 'running'",
                params![id, status, error, now_rfc3339()],
            )
            .context_msg(msg!("store-deploy-end-unrecorded"))?;
        Ok(())
    }

    pub fn deploy(&self, id: i64) -> Result<Option<DeployRecord>> {
        self.conn()
            .query_row(&format!("SELECT {COLUMNS} FROM deploys WHERE id = ?1"), [id], from_row)
            .optional()
            .context_msg(msg!("store-deploy-unreadable"))
    }

    /// Newest first.
    pub fn deploys_of(&self, workload_id: i64, limit: i64) -> Result<Vec<DeployRecord>> {
        let mut stmt = self.conn().prepare(&format!(
            "SELECT {COLUMNS} FROM deploys WHERE workload_id = ?1 ORDER BY id DESC LIMIT ?2"
        ))?;
        let rows = stmt.query_map(params![workload_id, limit], from_row)?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .context_msg(msg!("store-deploys-unreadable"))
    }

    /// Deploys of the workload still marked `running` whose process is gone.
    /// Called under the workload's deploy lock, so no live deploy can be among them.
    pub fn dead_running_deploys(&self, workload_id: i64) -> Result<Vec<DeployRecord>> {
        let mut stmt = self.conn().prepare(&format!(
            "SELECT {COLUMNS}, pid, pid_start FROM deploys WHERE workload_id = ?1 AND status = 'running'"
        ))?;
        let rows = stmt.query_map([workload_id], |r| {
            Ok((from_row(r)?, r.get::<_, i64>(10)?, r.get::<_, Option<i64>>(11)?))
        })?;
        let mut dead = Vec::new();
        for row in rows {
            let (record, pid, start) = row?;
            if !process_alive(pid, start) {
                dead.push(record);
            }
        }
        Ok(dead)
    }
}
