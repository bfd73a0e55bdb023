//! `berth proxy set|show`: which router routes the domains, and its
//! settings (for NPM: where it is and how to log in).

use anyhow::Result;
use serde_json::json;

use super::Ctx;
use crate::cli::ProxySetArgs;
use crate::error::BerthError;
use crate::proxy::caddy::{self, CaddySettings};
use crate::proxy::nginx::{self, NginxSettings};
use crate::proxy::npm::{EMAIL_KEY, FORWARD_BY_KEY, ForwardBy, NpmSettings, Source, URL_KEY};
use crate::proxy::{ROUTER_KEY, RouterKind};
use crate::{msg, t};

pub fn set(ctx: &Ctx, args: &ProxySetArgs) -> Result<()> {
    let plain = [
        (&args.nginx_dir, nginx::DIR_KEY, "--nginx-dir"),
        (&args.nginx_conf, nginx::CONF_KEY, "--nginx-conf"),
        (&args.nginx_bin, nginx::BIN_KEY, "--nginx-bin"),
        (&args.nginx_reload, nginx::RELOAD_KEY, "--nginx-reload"),
        (&args.nginx_listen, nginx::LISTEN_KEY, "--nginx-listen"),
        (&args.caddy_admin, caddy::ADMIN_KEY, "--caddy-admin"),
        (&args.caddy_server, caddy::SERVER_KEY, "--caddy-server"),
    ];
    if args.url.is_none()
        && args.email.is_none()
        && args.forward_by.is_none()
        && args.router.is_none()
        && plain.iter().all(|(v, _, _)| v.is_none())
    {
        return Err(BerthError::Usage(msg!("proxy-nothing-to-set")).into());
    }
    if let Some(dir) = &args.nginx_dir
        && !std::path::Path::new(dir).is_absolute()
    {
        return Err(BerthError::Usage(msg!("proxy-nginx-dir-not-absolute", dir = dir)).into());
    }
    if let Some(url) = &args.caddy_admin
        && !(url.starts_with("http://") || url.starts_with("https://"))
    {
        return Err(BerthError::Usage(msg!("proxy-caddy-admin-not-http", url = url)).into());
    }
    let store = ctx.store()?;
    if let Some(router) = args.router {
        store.set_setting(ROUTER_KEY, router.as_str())?;
    }
    for (value, key, _) in plain {
        if let Some(v) = value {
            store.set_setting(key, v.trim_end_matches('/'))?;
        }
    }
    if let Some(url) = &args.url {
        let parsed = reqwest::Url::parse(url)
            .map_err(|e| BerthError::Usage(msg!("proxy-url-invalid", url = url, reason = e.to_string())))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(BerthError::Usage(msg!("proxy-url-not-http", url = url)).into());
        }
        if !parsed.username().is_empty() || parsed.password().is_some() {
            return Err(BerthError::Usage(msg!("proxy-url-credentials")).into());
        }
        store.set_setting(URL_KEY, url.trim_end_matches('/'))?;
    }
    if let Some(email) = &args.email {
        store.set_setting(EMAIL_KEY, email)?;
    }
    if let Some(by) = args.forward_by {
        store.set_setting(FORWARD_BY_KEY, if by == ForwardBy::Ip { "ip" } else { "name" })?;
    }
    ctx.printer.status(&match RouterKind::load(&store)?.0 {
        RouterKind::Npm => t!("proxy-saved-npm"),
        RouterKind::Nginx | RouterKind::Caddy => t!("proxy-saved"),
    });
    show(ctx)
}

pub fn show(ctx: &Ctx) -> Result<()> {
    let store = ctx.store()?;
    let (router, router_source) = RouterKind::load(&store)?;
    let ngx = NginxSettings::load(&store)?;
    let cdy = CaddySettings::load(&store)?;
    let s = NpmSettings::load(&store)?;
    let value = |v: &Option<(String, Source)>| v.as_ref().map(|(v, _)| v.clone());
    let source = |v: &Option<(String, Source)>| v.as_ref().map_or(Source::Unset, |(_, s)| *s);
    let password = if s.password.is_some() {
        t!("proxy-set-from", var = "BERTH_NPM_PASSWORD")
    } else {
        t!("proxy-not-set")
    };
    let token = if s.token.is_some() {
        t!("proxy-set-from", var = "BERTH_NPM_TOKEN")
    } else {
        t!("proxy-not-set")
    };
    if ctx.printer.is_json() {
        ctx.printer.json(&json!({
            "router": router, "router_source": router_source,
            "nginx": {
                "dir": value(&ngx.dir), "dir_source": source(&ngx.dir),
                "conf": value(&ngx.conf), "conf_source": source(&ngx.conf),
                "bin": ngx.bin.0, "bin_source": ngx.bin.1,
                "reload": value(&ngx.reload), "reload_source": source(&ngx.reload),
                "listen": ngx.listen.0, "listen_source": ngx.listen.1,
            },
            "caddy": {
                "admin": cdy.admin.0, "admin_source": cdy.admin.1,
                "server": value(&cdy.server), "server_source": source(&cdy.server),
            },
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
        None => t!("proxy-not-set"),
    };
    let fixed = |v: &(String, Source)| format!("{} ({})", v.0, source_name(v.1));
    let forward_by = format!(
        "{} ({})",
        if s.forward_by.0 == ForwardBy::Ip { "ip" } else { "name" },
        source_name(s.forward_by.1)
    );
    let router_line = (
        t!("proxy-show-router"),
        fixed(&(router.as_str().to_owned(), router_source)),
    );
    let mut lines = vec![router_line];
    match router {
        RouterKind::Nginx => lines.extend([
            (t!("proxy-show-dir"), show(&ngx.dir)),
            (t!("proxy-show-conf"), show(&ngx.conf)),
            (t!("proxy-show-bin"), fixed(&ngx.bin)),
            (t!("proxy-show-reload"), show(&ngx.reload)),
            (t!("proxy-show-listen"), fixed(&ngx.listen)),
        ]),
        RouterKind::Caddy => lines.extend([
            (t!("proxy-show-admin"), fixed(&cdy.admin)),
            (t!("proxy-show-server"), show(&cdy.server)),
        ]),
        RouterKind::Npm => lines.extend([
            (t!("proxy-show-url"), show(&s.url)),
            (t!("proxy-show-email"), show(&s.email)),
            (t!("proxy-show-forward-by"), forward_by),
            (t!("proxy-show-password"), password),
            (t!("proxy-show-token"), token),
        ]),
    }
    for line in aligned(&lines) {
        ctx.printer.data(&line);
    }
    Ok(())
}

/// The labels of every router's settings, for one width whichever router
/// is shown (English: `forward_by:` and a space, as before).
const SHOW_LABELS: &[&str] = &[
    "proxy-show-router",
    "proxy-show-dir",
    "proxy-show-conf",
    "proxy-show-bin",
    "proxy-show-reload",
    "proxy-show-listen",
    "proxy-show-admin",
    "proxy-show-server",
    "proxy-show-url",
    "proxy-show-email",
    "proxy-show-forward-by",
    "proxy-show-password",
    "proxy-show-token",
];

/// `label: value` lines, the values in one column (as `workload show`).
fn aligned(lines: &[(String, String)]) -> Vec<String> {
    let width = SHOW_LABELS
        .iter()
        .filter_map(|id| crate::i18n::text(id))
        .chain(lines.iter().map(|(label, _)| label.clone()))
        .map(|label| label.chars().count())
        .max()
        .unwrap_or(0)
        + 1;
    lines
        .iter()
        .map(|(label, value)| format!("{:width$} {value}", format!("{label}:")))
        .collect()
}

/// Where a setting comes from, for people (JSON names the source in English).
fn source_name(s: Source) -> String {
    match s {
        Source::Env => t!("proxy-source-env"),
        Source::Store => t!("proxy-source-store"),
        Source::Default => t!("proxy-source-default"),
        Source::Unset => t!("proxy-source-unset"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn show_labels_keep_the_english_column_and_name_the_setting_in_russian() {
        // Tests run in English: the lines `proxy show` always printed.
        let lines = [
            ("router".to_owned(), "npm (default)".to_owned()),
            ("forward_by".to_owned(), "ip (default)".to_owned()),
        ];
        assert_eq!(
            aligned(&lines),
            ["router:     npm (default)", "forward_by: ip (default)"]
        );
        for id in SHOW_LABELS {
            let en = crate::i18n::text_in(id, crate::i18n::Lang::En).unwrap_or_default();
            let ru = crate::i18n::text_in(id, crate::i18n::Lang::Ru).unwrap_or_default();
            assert!(!en.is_empty() && ru.ends_with(&format!("({en})")), "{id}: {ru}");
        }
    }
}
