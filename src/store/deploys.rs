//! `deploys`: one row per deploy, `running` until it ends. A row left
//! `running` by a dead process is marked `abandoned` by reconcile.

use std::fmt;
use std::str::FromStr;

use crate::config::Strategy;
use crate::i18n::{Context as _, Msg};
use crate::msg;
use anyhow::Result;
use rusqlite::{OptionalExtension, Row, params};
use serde::{Serialize, Serializer};

use super::locks::{current_process, process_alive};
use super::{Store, now_rfc3339};

/// Where a deploy is: the `deploys.status` column, whose values migration 1
/// fixes with a CHECK (`src/store/migrations.rs`); history, the JSON
/// output and the event actions show the same lowercase words.
///
/// A value outside the four cannot be written (the CHECK refuses it); one
/// read back anyway (a store edited by hand) is a read error naming the
/// value ([`FromStr`]), never a panic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeployStatus {
    /// Started and not ended; left so by a dead process until reconcile.
    Running,
    Succeeded,
    Failed,
    /// Its berth process died mid-deploy; reconcile marked it.
    Abandoned,
}

impl DeployStatus {
    pub const ALL: [DeployStatus; 4] = [
        DeployStatus::Running,
        DeployStatus::Succeeded,
        DeployStatus::Failed,
        DeployStatus::Abandoned,
    ];

    /// The stored (and shown) word.
    pub fn as_str(self) -> &'static str {
        match self {
            DeployStatus::Running => "running",
            DeployStatus::Succeeded => "succeeded",
            DeployStatus::Failed => "failed",
            DeployStatus::Abandoned => "abandoned",
        }
    }

    /// The action of the event a deploy emits on reaching this status (the
    /// `deploy.*` actions `berth webhook add --on` names): `deploy.started`
    /// for a running one, `deploy.<status>` once it ends.
    pub fn event_action(self) -> &'static str {
        match self {
            DeployStatus::Running => "deploy.started",
            DeployStatus::Succeeded => "deploy.succeeded",
            DeployStatus::Failed => "deploy.failed",
            DeployStatus::Abandoned => "deploy.abandoned",
        }
    }
}

impl fmt::Display for DeployStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for DeployStatus {
    type Err = Msg;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        DeployStatus::ALL
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or_else(|| msg!("deploy-status-unknown", value = s))
    }
}

impl Serialize for DeployStatus {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct DeployRecord {
    pub id: i64,
    pub workload_id: i64,
    pub started_at: String,
    pub finished_at: Option<String>,
    pub strategy: Strategy,
    pub status: DeployStatus,
    pub artifact: Option<String>,
    pub image_ref: Option<String>,
    pub container_name: Option<String>,
    pub error: Option<String>,
}

const COLUMNS: &str =
    "id, workload_id, started_at, finished_at, strategy, status, artifact, container_name, error, image_ref";

#[cfg(test)]
impl DeployRecord {
    /// A blue-green deploy of workload 1, for the unit tests of the rules
    /// over the deploy history: only these four fields set.
    pub fn for_test(id: i64, status: DeployStatus, artifact: Option<&str>, image_ref: Option<&str>) -> DeployRecord {
        DeployRecord {
            id,
            workload_id: 1,
            started_at: String::new(),
            finished_at: None,
            strategy: Strategy::BlueGreen,
            status,
            artifact: artifact.map(str::to_owned),
            image_ref: image_ref.map(str::to_owned),
            container_name: None,
            error: None,
        }
    }
}

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
    pub fn start_deploy(&self, workload_id: i64, strategy: Strategy) -> Result<i64> {
        let (pid, start) = current_process();
        self.conn()
            .execute(
                "INSERT INTO deploys (workload_id, started_at, strategy, status, pid, pid_start)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![workload_id, now_rfc3339(), strategy, DeployStatus::Running, pid, start],
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
    pub fn finish_deploy(&self, id: i64, status: DeployStatus, error: Option<&str>) -> Result<()> {
        self.conn()
            .execute(
                "UPDATE deploys SET status = ?2, error = ?3, finished_at = ?4 WHERE id = ?1 AND status = ?5",
                params![id, status, error, now_rfc3339(), DeployStatus::Running],
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
            "SELECT {COLUMNS}, pid, pid_start FROM deploys WHERE workload_id = ?1 AND status = ?2"
        ))?;
        let rows = stmt.query_map(params![workload_id, DeployStatus::Running], |r| {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Kind;

    #[test]
    fn statuses_keep_their_stored_words() {
        for status in DeployStatus::ALL {
            let word = status.as_str();
            assert_eq!(word.parse::<DeployStatus>().ok(), Some(status));
            assert_eq!(serde_json::json!(status), serde_json::json!(word));
            if status != DeployStatus::Running {
                assert_eq!(status.event_action(), format!("deploy.{word}"));
            }
        }
        // The words are exact: no case folding.
        assert_eq!("Succeeded".parse::<DeployStatus>().ok(), None);
    }

    #[test]
    fn an_unknown_stored_word_is_a_read_error() -> Result<()> {
        let dir = tempfile::tempdir()?;
        let store = Store::open(&dir.path().join("berth.db"))?;
        let workload = store.insert_workload("web", Kind::Image, &serde_json::json!({}))?;
        let id = store.start_deploy(workload.id, Strategy::BlueGreen)?;
        store.finish_deploy(id, DeployStatus::Failed, Some("boom"))?;
        let read = store.deploy(id)?.map(|d| (d.strategy, d.status));
        assert_eq!(read, Some((Strategy::BlueGreen, DeployStatus::Failed)));

        store.conn().execute("UPDATE deploys SET strategy = 'sideways'", [])?;
        let err = store
            .deploys_of(workload.id, 10)
            .expect_err("a deploy with an unknown strategy is not read");
        assert!(format!("{err:#}").contains("`sideways`"), "{err:#}");
        Ok(())
    }
}
