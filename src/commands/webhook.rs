//! `berth webhook add|list|rm`.

use anyhow::Result;

use super::Ctx;
use crate::cli::WebhookAddArgs;
use crate::error::BerthError;
use crate::events::webhooks::mask_url;

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
        &["ID", "URL", "ON", "WORKLOAD", "SIGNED"],
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
