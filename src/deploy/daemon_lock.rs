//! The deploy lock that holds across stores and machines sharing one Docker
//! daemon (issue 18). The SQLite lock only orders the berth processes of one
//! store; two stores (a CI runner and a laptop) must not deploy one workload
//! at once either.
//!
//! The mutex is a container named `berth-lock.<workload>` that is created
//! and never started: the daemon keeps container names unique, so exactly
//! one create wins and every other gets 409 Conflict. It is created from
//! `berth/lock:1`, an image with an empty filesystem that berth imports from
//! an empty tar archive when missing, so taking the lock never needs a
//! registry. (The dot keeps the name apart from every workload and green
//! name, which are `[a-z0-9-]`.) Its labels name the holder: store id,
//! hostname, kernel boot id, pid, the pid's start time, and since when.
//!
//! Stale takeover: a lock is taken over only when its holder provably died:
//! same hostname and boot id as ours (the same machine, same boot) and its
//! pid no longer runs with the recorded start time (so a recycled pid is not
//! mistaken for it). A lock held from another machine is never taken over
//! automatically: berth cannot see that process. The busy error says how to
//! remove it by hand once the holder is known to be gone.

use std::collections::HashMap;
use std::time::Duration;

use anyhow::Result;

use super::cancel::Cancel;
use std::sync::Arc;

use crate::docker::{Engine, labels};
use crate::error::BerthError;
use crate::i18n::Context as _;
use crate::store::locks::{current_process, process_alive};
use crate::store::now_rfc3339;

/// The image lock containers are created from (imported empty when missing).
pub const LOCK_IMAGE: &str = "berth/lock:1";

/// How often `--wait` looks whether the holder let go.
const POLL: Duration = Duration::from_millis(200);

/// The daemon-wide lock container's name for `workload`.
pub fn lock_container_name(workload: &str) -> String {
    format!("berth-lock.{workload}")
}

/// Who holds a workload's daemon lock, read from the lock container's labels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    pub store: String,
    pub host: String,
    pub boot_id: String,
    pub pid: i64,
    pub pid_start: Option<i64>,
    pub since: String,
}

impl Holder {
    /// This process, as it writes itself into the labels.
    fn me(store_id: &str) -> Holder {
        let (pid, pid_start) = current_process();
        Holder {
            store: store_id.to_owned(),
            host: hostname(),
            boot_id: boot_id(),
            pid,
            pid_start,
            since: now_rfc3339(),
        }
    }

    fn to_labels(&self, workload: &str) -> HashMap<String, String> {
        let mut l = HashMap::from([
            (labels::LOCK_WORKLOAD.to_owned(), workload.to_owned()),
            (labels::LOCK_STORE.to_owned(), self.store.clone()),
            (labels::LOCK_HOST.to_owned(), self.host.clone()),
            (labels::LOCK_BOOT_ID.to_owned(), self.boot_id.clone()),
            (labels::LOCK_PID.to_owned(), self.pid.to_string()),
            (labels::LOCK_SINCE.to_owned(), self.since.clone()),
        ]);
        if let Some(start) = self.pid_start {
            l.insert(labels::LOCK_PID_START.to_owned(), start.to_string());
        }
        l
    }

    /// None when the labels are not a berth lock's (someone else's container
    /// holds the name): then it is never taken over.
    fn from_labels(l: &HashMap<String, String>) -> Option<Holder> {
        let get = |k: &str| l.get(k).cloned();
        Some(Holder {
            store: get(labels::LOCK_STORE)?,
            host: get(labels::LOCK_HOST)?,
            boot_id: get(labels::LOCK_BOOT_ID).unwrap_or_default(),
            pid: get(labels::LOCK_PID)?.parse().ok()?,
            pid_start: get(labels::LOCK_PID_START).and_then(|s| s.parse().ok()),
            since: get(labels::LOCK_SINCE).unwrap_or_default(),
        })
    }

    /// Provably dead: recorded on this machine in this boot, and its process
    /// is gone. Anything else may still be alive.
    fn is_provably_dead(&self, me: &Holder) -> bool {
        !self.host.is_empty()
            && self.host == me.host
            && !self.boot_id.is_empty()
            && self.boot_id == me.boot_id
            && !process_alive(self.pid, self.pid_start)
    }
}

/// A held daemon lock. Release it with [`DaemonLock::release`] on every path;
/// a drop without it removes the container in the background (best effort),
/// and a process killed outright leaves a lock the next deploy on this
/// machine takes over.
pub struct DaemonLock {
    docker: Arc<dyn Engine>,
    id: String,
    released: bool,
    /// The dead holder whose lock this one replaced, if any.
    took_over: Option<Holder>,
}

impl DaemonLock {
    /// Takes `workload`'s daemon-wide deploy lock for store `store_id`.
    /// Busy: a `Locked` error (exit 5) naming the holder; with `wait`, polls
    /// every 200 ms until it is free (a signal ends the wait).
    ///
    /// Errors: the daemon refuses the create or the import of the lock image.
    pub async fn acquire(
        docker: &Arc<dyn Engine>,
        workload: &str,
        store_id: &str,
        wait: bool,
        cancel: &Cancel,
    ) -> Result<DaemonLock> {
        let name = lock_container_name(workload);
        let context = || crate::msg!("daemon-lock-failed", workload = workload, lock = &name);
        if docker.image_id(LOCK_IMAGE).await.with_context_msg(context)?.is_none() {
            docker.import_empty_image(LOCK_IMAGE).await.with_context_msg(context)?;
        }
        let mut took_over = None;
        loop {
            let me = Holder::me(store_id);
            if let Some(id) = docker
                .create_marker(&name, LOCK_IMAGE, me.to_labels(workload))
                .await
                .with_context_msg(context)?
            {
                return Ok(DaemonLock {
                    docker: docker.clone(),
                    id,
                    released: false,
                    took_over,
                });
            }
            // Taken. Gone again by now (released between the two calls):
            // try again at once.
            let Some(held) = docker.inspect(&name).await.with_context_msg(context)? else {
                continue;
            };
            let holder = Holder::from_labels(&held.labels);
            if let Some(h) = &holder
                && h.is_provably_dead(&me)
            {
                // By id, never by name: a lock a live berth created after our
                // inspect is never removed.
                docker.remove(&held.id).await.with_context_msg(context)?;
                took_over = holder;
                continue;
            }
            if !wait {
                return Err(BerthError::Locked(busy_message(workload, &name, holder.as_ref(), &me)).into());
            }
            tokio::select! {
                e = cancel.cancelled() => return Err(e.into()),
                () = tokio::time::sleep(POLL) => {}
            }
        }
    }

    /// `took over the deploy lock of a dead berth (store …, pid …, since …)`
    /// when this lock replaced a provably stale one, for a warning.
    pub fn takeover_note(&self) -> Option<String> {
        self.took_over.as_ref().map(|h| {
            crate::t!(
                "daemon-lock-took-over",
                store = &h.store,
                host = &h.host,
                pid = h.pid.to_string(),
                since = &h.since
            )
        })
    }

    /// Removes the lock container. A failure only leaves a lock whose holder
    /// is dead once this process exits, which the next deploy on this
    /// machine takes over.
    pub async fn release(mut self) {
        self.released = true;
        let _ = self.docker.remove(&self.id).await;
    }
}

impl Drop for DaemonLock {
    fn drop(&mut self) {
        if self.released {
            return;
        }
        if let Ok(handle) = tokio::runtime::Handle::try_current() {
            let docker = self.docker.clone();
            let id = std::mem::take(&mut self.id);
            handle.spawn(async move {
                let _ = docker.remove(&id).await;
            });
        }
    }
}

fn busy_message(workload: &str, name: &str, holder: Option<&Holder>, me: &Holder) -> crate::i18n::Msg {
    let Some(h) = holder else {
        return crate::msg!("daemon-lock-foreign-container", workload = workload, lock = name);
    };
    let id = match (h.store == me.store, h.host != me.host || h.boot_id != me.boot_id) {
        (true, false) => "daemon-lock-busy-this-store",
        (false, false) => "daemon-lock-busy",
        (true, true) => "daemon-lock-busy-this-store-elsewhere",
        (false, true) => "daemon-lock-busy-elsewhere",
    };
    crate::i18n::Msg::new(id)
        .arg("workload", workload)
        .arg("store", &h.store)
        .arg("host", &h.host)
        .arg("pid", h.pid.to_string())
        .arg("since", &h.since)
        .arg("lock", name)
}

/// This machine's hostname (empty when unreadable).
fn hostname() -> String {
    read_trimmed("/proc/sys/kernel/hostname")
}

/// Changes at every boot, so a pid recorded before a reboot is never
/// mistaken for a live one; shared by containers on one kernel, which is
/// why the hostname is compared too.
fn boot_id() -> String {
    read_trimmed("/proc/sys/kernel/random/boot_id")
}

fn read_trimmed(path: &str) -> String {
    std::fs::read_to_string(path)
        .map(|s| s.trim().to_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn holder(host: &str, boot: &str, pid: i64, start: Option<i64>) -> Holder {
        Holder {
            store: "s1".into(),
            host: host.into(),
            boot_id: boot.into(),
            pid,
            pid_start: start,
            since: "t".into(),
        }
    }

    #[test]
    fn labels_round_trip() {
        let h = holder("h", "b", 42, Some(7));
        assert_eq!(Holder::from_labels(&h.to_labels("web")), Some(h));
    }

    #[test]
    fn a_live_holder_on_this_machine_is_never_stale() {
        let me = Holder::me("s2");
        let live = holder(&me.host, &me.boot_id, me.pid, me.pid_start);
        assert!(!live.is_provably_dead(&me));
    }

    #[test]
    fn a_dead_pid_on_this_machine_is_stale() {
        let me = Holder::me("s2");
        // A start time no process of ours has: the pid is (or was) another process.
        let dead = holder(&me.host, &me.boot_id, me.pid, Some(me.pid_start.unwrap_or(0) + 1));
        assert!(dead.is_provably_dead(&me));
    }

    #[test]
    fn a_holder_on_another_machine_or_boot_is_never_stale() {
        let me = Holder::me("s2");
        let gone_pid = i64::from(i32::MAX);
        assert!(!holder("elsewhere", &me.boot_id, gone_pid, None).is_provably_dead(&me));
        assert!(!holder(&me.host, "other-boot", gone_pid, None).is_provably_dead(&me));
    }

    #[test]
    fn a_foreign_container_holding_the_name_is_not_a_lock() {
        assert_eq!(Holder::from_labels(&HashMap::new()), None);
    }
}
