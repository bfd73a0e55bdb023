//! `runtime_state`: one row per workload naming the live container. The
//! single source of truth for "what is deployed".

use crate::config::Strategy;
use crate::i18n::Context as _;
use anyhow::Result;
use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use super::{Store, now_rfc3339};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuntimeState {
    pub workload_id: i64,
    pub container_id: String,
    pub container_name: String,
    pub image_ref: String,
    pub strategy: Strategy,
    pub deploy_id: Option<i64>,
    pub route_id: Option<i64>,
    pub deployed_at: String,
}

impl Store {
    pub fn runtime_state(&self, workload_id: i64) -> Result<Option<RuntimeState>> {
        self.conn()
            .query_row(
                "SELECT workload_id, container_id, container_name, image_ref, strategy, deploy_id, route_id,
                        deployed_at
                 FROM runtime_state WHERE workload_id = ?1",
                [workload_id],
                |r| {
                    Ok(RuntimeState {
                        workload_id: r.get(0)?,
                        container_id: r.get(1)?,
                        container_name: r.get(2)?,
                        image_ref: r.get(3)?,
                        strategy: r.get(4)?,
                        deploy_id: r.get(5)?,
                        route_id: r.get(6)?,
                        deployed_at: r.get(7)?,
                    })
                },
            )
            .optional()
            .context_msg(crate::msg!("store-state-unreadable"))
    }

    pub fn has_runtime_state(&self, workload_id: i64) -> Result<bool> {
        Ok(self.runtime_state(workload_id)?.is_some())
    }

    /// Names the new live container. Written before the old one is touched,
    /// so the row never points at a removed container.
    pub fn persist_runtime_state(&self, state: &RuntimeState) -> Result<()> {
        self.conn()
            .execute(
                "INSERT INTO runtime_state
                    (workload_id, container_id, container_name, image_ref, strategy, deploy_id, route_id, deployed_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                 ON CONFLICT(workload_id) DO UPDATE SET
                    container_id = excluded.container_id, container_name = excluded.container_name,
                    image_ref = excluded.image_ref, strategy = excluded.strategy,
                    deploy_id = excluded.deploy_id, route_id = excluded.route_id,
                    deployed_at = excluded.deployed_at",
                params![
                    state.workload_id,
                    state.container_id,
                    state.container_name,
                    state.image_ref,
                    state.strategy,
                    state.deploy_id,
                    state.route_id,
                    if state.deployed_at.is_empty() {
                        now_rfc3339()
                    } else {
                        state.deployed_at.clone()
                    },
                ],
            )
            .context_msg(crate::msg!("store-state-unwritten"))?;
        Ok(())
    }

    pub fn set_route_id(&self, workload_id: i64, route_id: Option<i64>) -> Result<()> {
        self.conn().execute(
            "UPDATE runtime_state SET route_id = ?2 WHERE workload_id = ?1",
            params![workload_id, route_id],
        )?;
        Ok(())
    }

    pub fn clear_runtime_state(&self, workload_id: i64) -> Result<()> {
        self.conn()
            .execute("DELETE FROM runtime_state WHERE workload_id = ?1", [workload_id])?;
        Ok(())
    }
}
