//! `berth webhook add|list|rm`.

use anyhow::Result;

use super::Ctx;
use crate::cli::WebhookAddArgs;
use crate::error::BerthError;
use crate::events::webhooks::{FAILED_ACTION, mask_url};
use crate::{msg, t};

/// The actions berth emits that a webhook can be triggered by.
const ACTIONS: &[&str] = &[
    "deploy.started",
    "deploy.succeeded",
    "deploy.failed",
    "deploy.abandoned",
    "reconcile.started",
    "reconcile.removed",
];

pub fn add(ctx: &Ctx, args: &WebhookAddArgs) -> Result<()> {
    let url = reqwest::Url::parse(&args.url).map_err(|e| {
        BerthError::Usage(msg!(
            "webhook-not-a-url",
            url = mask_url(&args.url),
            reason = e.to_string()
        ))
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(BerthError::Usage(msg!("webhook-not-http", scheme = url.scheme())).into());
    }
    if let Some(var) = &args.secret_env
        && (var.is_empty() || !var.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
    {
        return Err(BerthError::Usage(msg!("webhook-secret-env-not-a-name", var = var)).into());
    }
    for action in &args.on {
        if action == FAILED_ACTION {
            return Err(BerthError::Usage(msg!("webhook-failed-never-delivered", action = FAILED_ACTION)).into());
        }
        if !ACTIONS.contains(&action.as_str()) {
            return Err(BerthError::Usage(msg!(
                "webhook-unknown-action",
                action = action,
                allowed = ACTIONS.join(", ")
            ))
            .into());
        }
    }
    let store = ctx.store()?;
    if let Some(w) = &args.workload {
        store.workload(w)?;
    }
    let id = store.add_webhook(
        &args.url,
        &args.on,
        args.workload.as_deref(),
        args.secret_env.as_deref(),
    )?;
    ctx.printer
        .status(&t!("webhook-added", id = id, url = mask_url(&args.url)));
    if ctx.printer.is_json() {
        ctx.printer
            .json(&serde_json::json!({ "id": id, "url": mask_url(&args.url) }));
    } else {
        ctx.printer.data(&id.to_string());
    }
    Ok(())
}

pub fn list(ctx: &Ctx) -> Result<()> {
    let store = ctx.store()?;
    let mut hooks = store.webhooks()?;
    for h in &mut hooks {
        h.url = mask_url(&h.url);
    }
    if ctx.printer.is_json() {
        ctx.printer.json(&serde_json::json!({ "webhooks": hooks }));
        return Ok(());
    }
    if hooks.is_empty() {
        ctx.printer.status(&t!("webhook-none"));
        return Ok(());
    }
    ctx.printer.table(
        &[
            "column-id",
            "column-url",
            "column-on",
            "column-workload",
            "column-signed",
        ],
        hooks.into_iter().map(|h| {
            vec![
                h.id.to_string(),
                h.url,
                if h.actions.is_empty() {
                    "*".to_owned()
                } else {
                    h.actions.join(",")
                },
                h.workload.unwrap_or_else(|| "*".to_owned()),
                h.secret_env
                    .map_or_else(|| t!("webhook-unsigned"), |v| t!("webhook-signed-with", var = v)),
            ]
        }),
    );
    Ok(())
}

pub fn rm(ctx: &Ctx, id: i64) -> Result<()> {
    ctx.store()?.remove_webhook(id)?;
    ctx.printer.status(&t!("webhook-removed", id = id));
    if ctx.printer.is_json() {
        ctx.printer.json(&serde_json::json!({ "removed": id }));
    }
    Ok(())
}
