//! `berth deploy NAME...`

use anyhow::Result;

use super::Ctx;
use crate::cli::DeployArgs;
use crate::deploy::{DeployOptions, DeployResult, deploy};
use crate::output::Style;

pub async fn exec(ctx: &Ctx, args: &DeployArgs) -> Result<()> {
    let env = ctx.deploy_env().await?;
    env.cancel.listen();
    let opts = DeployOptions { wait: args.wait };
    let mut results = Vec::new();
    let mut first_error = None;
    for name in &args.names {
        match deploy(&env, name, opts).await {
            Ok(result) => {
                print_summary(ctx, &result);
                results.push(result);
            }
            Err(e) if args.names.len() == 1 || crate::deploy::cancel::is_interrupt(&e) => {
                return Err(e);
            }
            Err(e) => {
                ctx.printer
                    .report_error(&e.context(format!("deploy of `{name}` failed")));
                first_error.get_or_insert_with(|| anyhow::anyhow!("{} of {} deploys failed", 1, args.names.len()));
            }
        }
    }
    if ctx.printer.is_json() {
        if results.len() == 1 && args.names.len() == 1 {
            ctx.printer.json(&results[0]);
        } else {
            ctx.printer.json(&results);
        }
    }
    match first_error {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// The human summary: what is live now, and where the time went.
fn print_summary(ctx: &Ctx, r: &DeployResult) {
    if ctx.printer.is_json() {
        return;
    }
    let p = &ctx.printer;
    let ok = p.paint("deployed", Style::Green);
    p.data(&format!(
        "{ok} {} -> {} ({}{}, {} ms)",
        r.workload,
        r.container,
        r.strategy,
        if r.strategy_forced { ", forced" } else { "" },
        r.duration_ms
    ));
    let timeline: Vec<String> = r
        .phases
        .iter()
        .map(|ph| format!("{} {}ms", ph.name, ph.duration_ms))
        .collect();
    p.status(&format!("  {}", p.paint(&timeline.join(" · "), Style::Dim)));
}
