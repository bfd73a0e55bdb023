//! `berth proxy set|show`: where Nginx Proxy Manager is and how to log in.

use anyhow::Result;
use serde_json::json;

use super::Ctx;
use crate::cli::ProxySetArgs;
use crate::error::BerthError;
use crate::proxy::npm::{EMAIL_KEY, FORWARD_BY_KEY, ForwardBy, NpmSettings, Source, URL_KEY};

pub fn set(ctx: &Ctx, args: &ProxySetArgs) -> Result<()> {
    if args.url.is_none() && args.email.is_none() && args.forward_by.is_none() {
        return Err(BerthError::Usage("nothing to set: pass --url, --email and/or --forward-by".into()).into());
    }
    let store = ctx.store()?;
    if let Some(url) = &args.url {
        let parsed = reqwest::Url::parse(url)
            .map_err(|e| BerthError::Usage(format!("--url `{url}` is not a URL ({e}); e.g. http://npm:81")))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(BerthError::Usage(format!("--url `{url}` must be http:// or https://")).into());
        }
        if !parsed.username().is_empty() || parsed.password().is_some() {
            return Err(BerthError::Usage(
                "--url must not carry credentials: use --email and BERTH_NPM_PASSWORD".into(),
            )
            .into());
        }
        store.set_setting(URL_KEY, url.trim_end_matches('/'))?;
    }
    if let Some(email) = &args.email {
        store.set_setting(EMAIL_KEY, email)?;
    }
    if let Some(by) = args.forward_by {
        store.set_setting(FORWARD_BY_KEY, if by == ForwardBy::Ip { "ip" } else { "name" })?;
    }
    ctx.printer
        .status("saved (the password is never stored: export BERTH_NPM_PASSWORD, or BERTH_NPM_TOKEN)");
    show(ctx)
}

pub fn show(ctx: &Ctx) -> Result<()> {
    let store = ctx.store()?;
    let s = NpmSettings::load(&store)?;
    let value = |v: &Option<(String, Source)>| v.as_ref().map(|(v, _)| v.clone());
    let source = |v: &Option<(String, Source)>| v.as_ref().map_or(Source::Unset, |(_, s)| *s);
    let password = if s.password.is_some() {
        "set (BERTH_NPM_PASSWORD)"
    } else {
        "not set"
    };
    let token = if s.token.is_some() {
        "set (BERTH_NPM_TOKEN)"
    } else {
        "not set"
    };
    if ctx.printer.is_json() {
        ctx.printer.json(&json!({
            "url": value(&s.url), "url_source": source(&s.url),
            "email": value(&s.email), "email_source": source(&s.email),
            "forward_by": s.forward_by.0, "forward_by_source": s.forward_by.1,
            "password_set": s.password.is_some(),
            "token_set": s.token.is_some(),
        }));
        return Ok(());
    }
    let show = |v: &Option<(String, Source)>| match v {
        Some((v, src)) => format!("{v} ({})", source_name(*src)),
        None => "not set".to_owned(),
    };
    let p = &ctx.printer;
    p.data(&format!("url:        {}", show(&s.url)));
    p.data(&format!("email:      {}", show(&s.email)));
    p.data(&format!(
        "forward_by: {} ({})",
        if s.forward_by.0 == ForwardBy::Ip { "ip" } else { "name" },
        source_name(s.forward_by.1)
    ));
    p.data(&format!("password:   {password}"));
    p.data(&format!("token:      {token}"));
    Ok(())
}

fn source_name(s: Source) -> &'static str {
    match s {
        Source::Env => "environment",
        Source::Store => "store",
        Source::Default => "default",
        Source::Unset => "unset",
    }
}
