//! `berth deploy NAME... | --all [--jobs N]`: several workloads deployed
//! side by side, each on its own and unaffected by the others' failures.

use anyhow::Result;
use futures_util::StreamExt;

use super::{DeployOptions, DeployResult, Session, deploy};

/// One workload's outcome in a fleet deploy.
#[derive(Debug)]
pub struct FleetOutcome {
    pub workload: String,
    /// The deploy's result, or why it failed (an interrupt included:
    /// [`super::cancel::is_interrupt`] tells).
    pub result: Result<DeployResult>,
}

/// Deploys each of `names` with `opts`, at most `jobs` at a time (`--jobs`,
/// 1 to 64; 0 counts as 1). Every deploy runs to its own outcome; a
/// failure stops none of the others (the README's `deploy --all`: a
/// summary table, exit 1 if any failed). Returns one outcome per name, in
/// the order of `names` whatever the order they finished in.
pub async fn deploy_fleet(session: &Session, names: &[String], opts: &DeployOptions, jobs: usize) -> Vec<FleetOutcome> {
    let mut outcomes: Vec<(usize, FleetOutcome)> = futures_util::stream::iter(names.iter().enumerate())
        .map(|(i, name)| {
            let opts = opts.clone();
            async move {
                let result = deploy(session, name, opts).await;
                (
                    i,
                    FleetOutcome {
                        workload: name.clone(),
                        result,
                    },
                )
            }
        })
        .buffer_unordered(jobs.max(1))
        .collect()
        .await;
    outcomes.sort_by_key(|(i, _)| *i);
    outcomes.into_iter().map(|(_, outcome)| outcome).collect()
}
