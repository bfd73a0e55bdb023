//! `berth status [NAME]`: what is deployed, and is it running.

use anyhow::Result;
use serde::Serialize;

use super::Ctx;
use crate::cli::StatusArgs;

#[derive(Serialize)]
struct StatusRow {
    workload: String,
    kind: String,
    deployed: bool,
    container: Option<String>,
    container_id: Option<String>,
    image: Option<String>,
    strategy: Option<String>,
    deploy_id: Option<i64>,
    since: Option<String>,
    /// running, exited, ... or `missing` when the container is gone.
    state: Option<String>,
    health: Option<String>,
}

pub async fn exec(ctx: &Ctx, args: &StatusArgs) -> Result<()> {
    let store = ctx.store()?;
    let workloads = match &args.name {
        Some(name) => vec![store.workload(name)?],
        None => store.workloads()?,
    };
    // Without a daemon, still show what the store says is deployed.
    let docker = match crate::docker::Docker::connect().await {
        Ok(d) => Some(d),
        Err(e) => {
            ctx.printer.warn(&format!("{e:#}; showing the store's view only"));
            None
        }
    };
    let mut rows = Vec::new();
    for w in workloads {
        let state = store.runtime_state(w.id)?;
        let mut row = StatusRow {
            workload: w.name.clone(),
            kind: w.kind.to_string(),
            deployed: state.is_some(),
            container: None,
            container_id: None,
            image: None,
            strategy: None,
            deploy_id: None,
            since: None,
            state: None,
            health: None,
        };
        if let Some(s) = state {
            let info = match &docker {
                Some(d) => d.inspect(&s.container_id).await?,
                None => None,
            };
            row.state = Some(match (&docker, &info) {
                (None, _) => "unknown".to_owned(),
                (Some(_), None) => "missing".to_owned(),
                (Some(_), Some(i)) => i.status.clone(),
            });
            row.health = info.as_ref().and_then(|i| i.health.clone());
            row.container = Some(s.container_name);
            row.container_id = Some(s.container_id);
            row.image = Some(s.image_ref);
            row.strategy = Some(s.strategy);
            row.deploy_id = s.deploy_id;
            row.since = Some(s.deployed_at);
        }
        rows.push(row);
    }
    if ctx.printer.is_json() {
        ctx.printer.json(&serde_json::json!({ "workloads": rows }));
        return Ok(());
    }
    let dash = || "-".to_owned();
    ctx.printer.table(
        &[
            "WORKLOAD",
            "KIND",
            "CONTAINER",
            "STATE",
            "HEALTH",
            "IMAGE",
            "STRATEGY",
            "SINCE",
        ],
        rows.into_iter().map(|r| {
            vec![
                r.workload,
                r.kind,
                r.container.unwrap_or_else(dash),
                r.state.unwrap_or_else(|| "not deployed".to_owned()),
                r.health.unwrap_or_else(dash),
                r.image.unwrap_or_else(dash),
                r.strategy.unwrap_or_else(dash),
                r.since.unwrap_or_else(dash),
            ]
        }),
    );
    Ok(())
}
