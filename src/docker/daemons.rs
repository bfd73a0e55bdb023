//! The daemons one berth command talks to: connected on first use, once
//! per daemon (a fleet deploy of ten workloads on one SSH host opens one
//! SSH connection), and a daemon that cannot be reached fails only the
//! workloads on it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use anyhow::{Result, anyhow};
use tokio::sync::OnceCell;

use super::{DaemonRef, Docker};

type Slot = Arc<OnceCell<std::result::Result<Docker, Unreachable>>>;

/// Why a daemon could not be reached, kept for every workload on it: the
/// English text (JSON, events, the store) and the one for people.
#[derive(Debug, Clone)]
pub struct Unreachable {
    english: String,
    human: String,
}

impl Unreachable {
    fn of(e: &anyhow::Error) -> Unreachable {
        Unreachable {
            english: format!("{e:#}"),
            human: crate::error::human_chain(e),
        }
    }

    /// The text for a person, in the language of human output.
    pub fn human(&self) -> String {
        self.human.clone()
    }
}

impl std::fmt::Display for Unreachable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.english)
    }
}

impl std::error::Error for Unreachable {}

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
                .map_err(|_| anyhow!(crate::msg!("daemon-pool-poisoned")))?;
            Arc::clone(slots.entry(daemon.clone()).or_default())
        };
        let outcome = slot
            .get_or_init(|| async { Docker::connect_to(daemon).await.map_err(|e| Unreachable::of(&e)) })
            .await;
        outcome.clone().map_err(|e| anyhow!(e))
    }
}
