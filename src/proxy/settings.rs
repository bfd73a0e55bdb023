//! Which router berth uses, and where each setting comes from. Precedence:
//! environment over store (`berth proxy set` writes the store); secrets
//! (NPM's password and token) are only ever read from the environment.

use anyhow::{Result, bail};

use crate::store::Store;

/// Where a setting came from, for `proxy show`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    Env,
    Store,
    Default,
    Unset,
}

/// The proxy that routes the workloads' domains.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RouterKind {
    /// Nginx Proxy Manager, through its API (the default).
    Npm,
    /// Plain nginx: one berth-written server block per workload.
    Nginx,
    /// Caddy 2, through its admin API: one route per workload.
    Caddy,
}

impl RouterKind {
    /// The name `proxy set --router` and BERTH_ROUTER take.
    pub fn as_str(self) -> &'static str {
        match self {
            RouterKind::Npm => "npm",
            RouterKind::Nginx => "nginx",
            RouterKind::Caddy => "caddy",
        }
    }

    /// `BERTH_ROUTER` over the store's `proxy.router`; `npm` by default.
    pub fn load(store: &Store) -> Result<(RouterKind, Source)> {
        match setting(store, "BERTH_ROUTER", ROUTER_KEY)? {
            Some((v, src)) => Ok((RouterKind::parse(&v)?, src)),
            None => Ok((RouterKind::Npm, Source::Default)),
        }
    }

    /// `npm`, `nginx` or `caddy`; anything else is an error naming them.
    pub fn parse(v: &str) -> Result<RouterKind> {
        match v {
            "npm" => Ok(RouterKind::Npm),
            "nginx" => Ok(RouterKind::Nginx),
            "caddy" => Ok(RouterKind::Caddy),
            other => {
                bail!(crate::msg!("proxy-unknown-router", router = other))
            }
        }
    }
}

pub const ROUTER_KEY: &str = "proxy.router";

/// One setting: the environment variable `env` when set and not empty,
/// else the store's `key`, else None.
pub fn setting(store: &Store, env: &str, key: &str) -> Result<Option<(String, Source)>> {
    if let Some(v) = std::env::var(env).ok().filter(|v| !v.is_empty()) {
        return Ok(Some((v, Source::Env)));
    }
    Ok(store.setting(key)?.map(|v| (v, Source::Store)))
}
