//! `berth deploy NAME... | --all [--jobs N] [--dry-run] [--wait]`

use anyhow::Result;
use serde_json::{Value, json};

use super::Ctx;
use crate::cli::DeployArgs;
use crate::deploy::cancel::is_interrupt;
use crate::deploy::fleet::{FleetOutcome, deploy_fleet};
use crate::deploy::{DeployOptions, DeployResult, deploy, plan};
use crate::output::Style;
use crate::{msg, t};

pub async fn exec(ctx: &Ctx, args: &DeployArgs) -> Result<()> {
    let names: Vec<String> = if args.all {
        ctx.store()?.workloads()?.into_iter().map(|w| w.name).collect()
    } else {
        args.names.clone()
    };
    if args.dry_run {
        return dry_run(ctx, &names);
    }
    let env = ctx.session()?;
    env.cancel.listen();
    let opts = DeployOptions {
        wait: args.wait,
        artifact: None,
        no_adopt: args.no_adopt,
    };

    // One workload: its own result or its own error (and exit code).
    if names.len() == 1 && !args.all {
        let result = deploy(&env, &names[0], opts).await?;
        print_result(ctx, &result);
        if ctx.printer.is_json() {
            ctx.printer.json(&result);
        }
        return completed_after_signal(ctx, &env);
    }

    // A fleet: independent workloads in parallel, results in the given order.
    let outcomes = deploy_fleet(&env, &names, &opts, usize::from(args.jobs)).await;

    let mut failed = 0;
    let mut interrupted = None;
    let mut json_results: Vec<Value> = Vec::new();
    let mut rows = Vec::new();
    for FleetOutcome { workload: name, result } in outcomes {
        match result {
            Ok(result) => {
                print_result(ctx, &result);
                rows.push(vec![
                    name,
                    t!("deploy-fleet-succeeded"),
                    result.container.clone(),
                    t!("duration-ms", ms = result.duration_ms),
                ]);
                json_results.push(serde_json::to_value(&result)?);
            }
            Err(e) => {
                failed += 1;
                if is_interrupt(&e) {
                    interrupted = Some(e);
                    continue;
                }
                if !ctx.printer.is_json() {
                    ctx.printer.item_failed(&name, &e);
                }
                rows.push(vec![
                    name.clone(),
                    t!("deploy-fleet-failed-row"),
                    "-".into(),
                    "-".into(),
                ]);
                json_results.push(json!({
                    "workload": name, "status": "failed", "error": crate::output::Printer::error_json(&e),
                }));
            }
        }
    }
    if ctx.printer.is_json() {
        ctx.printer.json(&json_results);
    } else if !rows.is_empty() {
        let columns = [
            "column-workload",
            "column-status",
            "column-container",
            "column-duration",
        ];
        ctx.printer.table(&columns, rows);
    }
    if let Some(e) = interrupted {
        return Err(e);
    }
    if failed > 0 {
        if ctx.printer.is_json() {
            // The array above is the one JSON document; each failure is in it.
            return Err(crate::error::BerthError::Exit(crate::error::exit::FAILED).into());
        }
        anyhow::bail!(msg!("deploy-fleet-failed", failed = failed, total = names.len()));
    }
    completed_after_signal(ctx, &env)
}

/// A signal that came after the state persist let the deploy complete; the
/// process still exits 130/143, as an interrupted command does.
pub fn completed_after_signal(ctx: &Ctx, env: &crate::deploy::Session) -> Result<()> {
    match env.cancel.error() {
        Some(e) => {
            ctx.printer
                .warn(&t!("deploy-completed-after-signal", signal = e.human()));
            Err(crate::error::BerthError::Exit(e.exit_code()).into())
        }
        None => Ok(()),
    }
}

fn dry_run(ctx: &Ctx, names: &[String]) -> Result<()> {
    let store = ctx.store()?;
    let plans = names.iter().map(|n| plan(&store, n)).collect::<Result<Vec<_>>>()?;
    if ctx.printer.is_json() {
        if plans.len() == 1 {
            ctx.printer.json(&plans[0]);
        } else {
            ctx.printer.json(&plans);
        }
        return Ok(());
    }
    for p in &plans {
        let id = if p.strategy_forced {
            "dry-run-plan-forced"
        } else {
            "dry-run-plan"
        };
        ctx.printer.data(
            &crate::i18n::Msg::new(id)
                .arg("workload", &p.workload)
                .arg("strategy", p.strategy.as_str())
                .arg("reason", p.strategy_reason.localized())
                .localized(),
        );
        for (i, step) in p.steps.iter().enumerate() {
            ctx.printer.data(&format!("  {}. {}", i + 1, step.localized()));
        }
    }
    ctx.printer.status(&t!("deploy-dry-run-done"));
    Ok(())
}

/// The human summary: what is live now, and where the time went.
pub fn print_result(ctx: &Ctx, r: &DeployResult) {
    if ctx.printer.is_json() {
        return;
    }
    let p = &ctx.printer;
    // A Swarm service that already ran this spec was not touched.
    let ok = if r.status == crate::deploy::ResultStatus::Unchanged {
        p.paint(&t!("deploy-unchanged"), Style::Green)
    } else {
        p.paint(&t!("deploy-deployed"), Style::Green)
    };
    let summary = if r.strategy_forced {
        msg!(
            "deploy-summary-forced",
            workload = &r.workload,
            container = &r.container
        )
    } else {
        msg!("deploy-summary", workload = &r.workload, container = &r.container)
    };
    let summary = summary
        .arg("strategy", r.strategy.as_str())
        .arg("ms", r.duration_ms)
        .localized();
    p.data(&format!("{ok} {summary}"));
    let timeline: Vec<String> = r
        .phases
        .iter()
        .map(|ph| {
            let name = phase_name(ph.name);
            match (ph.ended, ph.open_at_end) {
                (Some(ended), Some(open)) if open > 0 => t!(
                    "timeline-phase-ended-open",
                    name = name,
                    ms = ph.duration_ms,
                    ended = drain_end_name(ended),
                    open = open
                ),
                (Some(ended), _) => t!(
                    "timeline-phase-ended",
                    name = name,
                    ms = ph.duration_ms,
                    ended = drain_end_name(ended)
                ),
                (None, _) => t!("timeline-phase", name = name, ms = ph.duration_ms),
            }
        })
        .collect();
    p.status(&format!("  {}", p.paint(&timeline.join(" · "), Style::Dim)));
}

/// A phase's name for people (the JSON keeps berth's own: `drain`, `gate`...).
fn phase_name(name: &str) -> String {
    match name {
        "reconcile" => t!("phase-reconcile"),
        "prepare" => t!("phase-prepare"),
        "start" => t!("phase-start"),
        "stop" => t!("phase-stop"),
        "gate" => t!("phase-gate"),
        "route" => t!("phase-route"),
        "persist" => t!("phase-persist"),
        "drain" => t!("phase-drain"),
        "watch" => t!("phase-watch"),
        "reap" => t!("phase-reap"),
        "update" => t!("phase-update"),
        other => other.to_owned(),
    }
}

/// How a drain ended, for people (JSON and events keep `idle`, `deadline`, `fixed`).
fn drain_end_name(ended: crate::deploy::drain::DrainEnd) -> String {
    match ended {
        crate::deploy::drain::DrainEnd::Idle => t!("drain-ended-idle"),
        crate::deploy::drain::DrainEnd::Deadline => t!("drain-ended-deadline"),
        crate::deploy::drain::DrainEnd::Fixed => t!("drain-ended-fixed"),
    }
}
