//! The labels on every container berth creates: how reconcile tells ours
//! from everyone else's.

pub const WORKLOAD: &str = "berth.workload";
pub const DEPLOY: &str = "berth.deploy";
pub const MANAGED: &str = "berth.managed";
