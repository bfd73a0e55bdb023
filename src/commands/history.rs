//! `berth history NAME` and `berth rollback NAME [--to DEPLOY]`.

use anyhow::Result;
use serde::Serialize;

use super::Ctx;
use super::deploy::print_result;
use crate::cli::{HistoryArgs, RollbackArgs};
use crate::deploy::{DeployOptions, deploy, rollback};
use crate::store::DeployRecord;

#[derive(Serialize)]
struct HistoryRow<'a> {
    id: i64,
    started_at: &'a str,
    finished_at: Option<&'a str>,
    strategy: &'a str,
    artifact: Option<&'a str>,
    image: Option<&'a str>,
    container: Option<&'a str>,
    outcome: &'a str,
    duration_ms: Option<i64>,
    error: Option<&'a str>,
    live: bool,
}

pub fn history(ctx: &Ctx, args: &HistoryArgs) -> Result<()> {
    let store = ctx.store()?;
    let workload = store.workload(&args.name)?;
    let live = store.runtime_state(workload.id)?.and_then(|s| s.deploy_id);
    let deploys = store.deploys_of(workload.id, args.limit)?;
    let rows: Vec<HistoryRow<'_>> = deploys
        .iter()
        .map(|d| HistoryRow {
            id: d.id,
            started_at: &d.started_at,
            finished_at: d.finished_at.as_deref(),
            strategy: d.strategy.as_str(),
            artifact: d.artifact.as_deref().filter(|a| !a.is_empty()),
            image: d.image_ref.as_deref(),
            container: d.container_name.as_deref(),
            outcome: d.status.as_str(),
            duration_ms: duration_ms(d),
            error: d.error.as_deref(),
            live: Some(d.id) == live,
        })
        .collect();
    if ctx.printer.is_json() {
        ctx.printer
            .json(&serde_json::json!({ "workload": workload.name, "deploys": rows }));
        return Ok(());
    }
    if rows.is_empty() {
        ctx.printer
            .status(&crate::t!("history-not-deployed-yet", workload = &workload.name));
        return Ok(());
    }
    ctx.printer.table(
        &[
            "column-id",
            "column-started",
            "column-strategy",
            "column-image",
            "column-outcome",
            "column-duration",
            "",
        ],
        rows.iter().map(|r| {
            vec![
                r.id.to_string(),
                r.started_at.to_owned(),
                r.strategy.to_owned(),
                r.image.unwrap_or("-").to_owned(),
                crate::i18n::value_text("outcome", r.outcome),
                r.duration_ms
                    .map_or_else(|| "-".to_owned(), |ms| crate::t!("duration-ms", ms = ms.to_string())),
                if r.live {
                    crate::t!("history-live")
                } else {
                    String::new()
                },
            ]
        }),
    );
    Ok(())
}

fn duration_ms(d: &DeployRecord) -> Option<i64> {
    let fmt = time::format_description::well_known::Rfc3339;
    let start = time::OffsetDateTime::parse(&d.started_at, &fmt).ok()?;
    let end = time::OffsetDateTime::parse(d.finished_at.as_deref()?, &fmt).ok()?;
    i64::try_from((end - start).whole_milliseconds()).ok()
}

pub async fn rollback(ctx: &Ctx, args: &RollbackArgs) -> Result<()> {
    let store = ctx.store()?;
    let workload = store.workload(&args.name)?;
    let target = rollback::target(&store, &workload, args.to)?;
    drop(store);
    let env = ctx.session()?;
    env.cancel.listen();
    ctx.printer.status(&crate::t!(
        "rollback-rolling-back",
        workload = &workload.name,
        id = target.deploy_id,
        image = &target.artifact.reference
    ));
    let opts = DeployOptions {
        wait: args.wait,
        artifact: Some(target.artifact),
        no_adopt: false,
    };
    let result = deploy(&env, &workload.name, opts).await?;
    print_result(ctx, &result);
    if ctx.printer.is_json() {
        ctx.printer.json(&result);
    }
    super::deploy::completed_after_signal(ctx, &env)
}
