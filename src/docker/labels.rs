//! The labels on every container berth creates: how reconcile tells ours
//! from everyone else's.

pub const WORKLOAD: &str = "berth.workload";
pub const DEPLOY: &str = "berth.deploy";
pub const MANAGED: &str = "berth.managed";
/// The id of the store that created the container (`Store::store_id`).
/// Containers of a berth older than schema 4 do not carry it.
pub const STORE: &str = "berth.store";

/// On the daemon-wide deploy lock container (`deploy::daemon_lock`): the
/// workload it locks, and who holds it. Never on a workload's containers.
pub const LOCK_WORKLOAD: &str = "berth.lock.workload";
pub const LOCK_STORE: &str = "berth.lock.store";
pub const LOCK_HOST: &str = "berth.lock.host";
pub const LOCK_BOOT_ID: &str = "berth.lock.boot_id";
pub const LOCK_PID: &str = "berth.lock.pid";
pub const LOCK_PID_START: &str = "berth.lock.pid_start";
pub const LOCK_SINCE: &str = "berth.lock.since";
