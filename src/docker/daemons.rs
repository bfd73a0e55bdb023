//! The daemons one berth command talks to: connected on first use, once
//! per daemon (a fleet deploy of ten workloads on one SSH host opens one
//! SSH connection), and a daemon that cannot be reached fails only the
//! workloads on it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use anyhow::{Result, anyhow};
use tokio::sync::OnceCell;

use super::{DaemonRef, Docker};

type Slot = Arc<OnceCell<std::result::Result<Docker, String>>>;

/// A lazily connected pool of daemons, keyed by how they are named.
#[derive(Clone, Default)]
pub struct Daemons {
    slots: Arc<Mutex<HashMap<DaemonRef, Slot>>>,
}

impl Daemons {
    pub fn new() -> Daemons {
        Daemons::default()
    }

    /// The connected daemon `daemon` names. The first caller connects;
    /// the others wait for that outcome, a failure included (its error
    /// names the daemon).
    pub async fn get(&self, daemon: &DaemonRef) -> Result<Docker> {
        let slot = {
            let mut slots = self
                .slots
                .lock()
                .map_err(|_| anyhow!("the daemon pool is poisoned (a berth bug)"))?;
            Arc::clone(slots.entry(daemon.clone()).or_default())
        };
        let outcome = slot
            .get_or_init(|| async { Docker::connect_to(daemon).await.map_err(|e| format!("{e:#}")) })
            .await;
        outcome.clone().map_err(|e| anyhow!(e))
    }
}
