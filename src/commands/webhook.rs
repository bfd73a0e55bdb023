//! `berth webhook add|list|rm`.

use anyhow::Result;

use super::Ctx;
use crate::cli::WebhookAddArgs;
use crate::error::BerthError;
use crate::events::webhooks::{FAILED_ACTION, mask_url};

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
    let url = reqwest::Url::parse(&args.url)
        .map_err(|e| BerthError::Usage(format!("`{}` is not a URL: {e}", mask_url(&args.url))))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(BerthError::Usage(format!(
            "webhook URLs must be http:// or https://, not {}://",
            url.scheme()
        ))
        .into());
    }
    if let Some(var) = &args.secret_env
        && (var.is_empty() || !var.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
    {
        return Err(BerthError::Usage(format!(
            "--secret-env takes the NAME of an environment variable (like WEBHOOK_SECRET), not `{var}`"
        ))
        .into());
    }
    for action in &args.on {
        if action == FAILED_ACTION {
            return Err(BerthError::Usage(format!(
                "`{FAILED_ACTION}` events are never delivered (a failing hook would feed itself)"
            ))
            .into());
        }
        if !ACTIONS.contains(&action.as_str()) {
            return Err(BerthError::Usage(format!(
                "unknown action `{action}` for --on: one of {}",
                ACTIONS.join(", ")
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
        .status(&format!("added webhook {id} -> {}", mask_url(&args.url)));
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
        ctx.printer.status("no webhooks");
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
                h.secret_env.map_or_else(|| "no".to_owned(), |v| format!("yes (${v})")),
            ]
        }),
    );
    Ok(())
}

pub fn rm(ctx: &Ctx, id: i64) -> Result<()> {
    ctx.store()?.remove_webhook(id)?;
    ctx.printer.status(&format!("removed webhook {id}"));
    if ctx.printer.is_json() {
        ctx.printer.json(&serde_json::json!({ "removed": id }));
    }
    Ok(())
}
