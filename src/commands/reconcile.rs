//! `berth reconcile [NAME]`: repair interrupted deploys now.

use anyhow::Result;

use super::Ctx;
use crate::cli::ReconcileArgs;

use crate::deploy::daemon_lock::DaemonLock;
use crate::deploy::reconcile::{ReconcileReport, reconcile_locked};
use crate::error::BerthError;

pub async fn exec(ctx: &Ctx, args: &ReconcileArgs) -> Result<()> {
    let store = ctx.store()?;
    let workloads = match &args.name {
        Some(name) => vec![store.workload(name)?],
        None => store.workloads()?,
    };
    let session = ctx.session()?;
    let mut reports: Vec<ReconcileReport> = Vec::new();
    let mut unreachable = Vec::new();
    for w in workloads {
        let validated = w.validate().map_err(BerthError::invalid_config)?;
        let _lock = store.lock_deploy(w.id, &w.name, false)?;
        // Each workload on its own daemon; one that cannot be reached
        // leaves the others' repairs to run.
        let env = match session.on(&validated.config.common.daemon()).await {
            Ok(env) => env,
            Err(e) if args.name.is_none() => {
                ctx.printer.warn(&crate::t!(
                    "reconcile-workload-skipped",
                    workload = &w.name,
                    reason = &e
                ));
                unreachable.push(w.name.clone());
                continue;
            }
            Err(e) => return Err(e),
        };
        // Another store's deploy in progress has a green this one must not
        // judge: reconcile under the daemon-wide lock too.
        let daemon_lock = DaemonLock::acquire(&env.docker, &w.name, &store.store_id()?, false, &env.cancel).await?;
        let report = reconcile_locked(&env, &store, &w, &validated.config).await;
        daemon_lock.release().await;
        let report = report?;
        if !ctx.printer.is_json() {
            let p = &ctx.printer;
            if !report.changed() {
                p.data(&crate::t!("reconcile-nothing", workload = &w.name));
            }
            for id in &report.abandoned_deploys {
                p.data(&crate::t!("reconcile-marked-abandoned", workload = &w.name, id = *id));
            }
            if let Some(c) = &report.started {
                p.data(&crate::t!("reconcile-started-again", workload = &w.name, container = c));
            }
            for c in &report.removed {
                p.data(&crate::t!(
                    "reconcile-removed-leftover",
                    workload = &w.name,
                    container = c
                ));
            }
        }
        reports.push(report);
    }
    if ctx.printer.is_json() {
        ctx.printer
            .json(&serde_json::json!({ "workloads": reports, "unreachable": unreachable }));
    }
    if !unreachable.is_empty() {
        if ctx.printer.is_json() {
            return Err(BerthError::Exit(crate::error::exit::FAILED).into());
        }
        anyhow::bail!(crate::msg!(
            "reconcile-daemon-unreachable",
            count = unreachable.len(),
            workloads = unreachable.join(", ")
        ));
    }
    Ok(())
}
