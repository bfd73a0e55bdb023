//! The Caddy router, through Caddy 2's admin API: one route per workload,
//! identified by an `@id` berth owns (`berth-<workload>`), in one HTTP
//! server of the operator's config.
//!
//! Caddy's admin API does not stop a client from breaking the invariants,
//! so berth keeps them itself: a POST to `/id/<id>` would append a second
//! route, so the upstream is replaced in place with PATCH; `@id` uniqueness
//! is not enforced, so a duplicated id fails the pre-flight; nothing is
//! written when the route is already right; a route that vanished (Caddy
//! restarted or reloaded from its Caddyfile without `--resume`) is added
//! again, once, at the top of the server's routes; the operator's own
//! routes and the rest of the config are never replaced. Every write is
//! read back.

use std::time::Duration;

use anyhow::{Result, anyhow, bail};
use async_trait::async_trait;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::{NeverSent, Pointed, RoutePlan, RouteTarget, Router, Source, setting};
use crate::i18n::{Arg, Msg};
use crate::msg;
use crate::store::Store;

pub const ADMIN_KEY: &str = "caddy.admin";
pub const SERVER_KEY: &str = "caddy.server";

/// The Caddy router's settings (`berth proxy set --router caddy ...`).
#[derive(Debug, Clone)]
pub struct CaddySettings {
    /// The admin API (BERTH_CADDY_ADMIN) [`http://127.0.0.1:2019`].
    pub admin: (String, Source),
    /// The `apps.http.servers` entry that gets berth's routes
    /// (BERTH_CADDY_SERVER); unset: the only server there is.
    pub server: Option<(String, Source)>,
}

impl CaddySettings {
    /// Environment over store.
    pub fn load(store: &Store) -> Result<CaddySettings> {
        Ok(CaddySettings {
            admin: setting(store, "BERTH_CADDY_ADMIN", ADMIN_KEY)?
                .unwrap_or_else(|| ("http://127.0.0.1:2019".to_owned(), Source::Default)),
            server: setting(store, "BERTH_CADDY_SERVER", SERVER_KEY)?,
        })
    }
}

/// The Caddy router (see the module docs).
pub struct CaddyRouter {
    http: reqwest::Client,
    admin: String,
    server: Option<String>,
    db_path: std::path::PathBuf,
}

/// The `@id` of the workload's route.
pub fn route_id(workload: &str) -> String {
    format!("berth-{workload}")
}

impl CaddyRouter {
    /// A client of the admin API in `settings` (15 s timeout per call;
    /// nothing is contacted yet). Errors only when the HTTP client cannot
    /// be built.
    pub fn new(settings: &CaddySettings, db_path: std::path::PathBuf) -> Result<CaddyRouter> {
        Ok(CaddyRouter {
            // A config load can restart Caddy's admin endpoint and close a
            // kept-alive connection under the next call (the read-back after
            // a route write failed so under load): one connection per call.
            http: crate::http::client_without_keepalive(Duration::from_secs(15))?,
            admin: settings.admin.0.trim_end_matches('/').to_owned(),
            server: settings.server.as_ref().map(|(s, _)| s.clone()),
            db_path,
        })
    }

    /// `detail`: the proxy's own words (a string) or berth's (a message).
    fn caddy_error(&self, what: Msg, detail: impl Into<Arg>) -> anyhow::Error {
        anyhow!(msg!("caddy-error", admin = &self.admin, what = what, detail = detail))
    }

    /// One admin call: (status, JSON body or Null). A connection that never
    /// opened is [`NeverSent`].
    async fn call(&self, method: Method, path: &str, body: Option<&Value>) -> Result<(StatusCode, Value)> {
        let mut req = self.http.request(method.clone(), format!("{}{path}", self.admin));
        if let Some(b) = body {
            req = req.json(b);
        }
        let resp = req.send().await.map_err(|e| {
            let err = self.caddy_error(
                msg!("verbatim", text = format!("{method} {path}")),
                crate::http::describe(&e),
            );
            if e.is_connect() { NeverSent::wrap(err) } else { err }
        })?;
        let status = resp.status();
        let text = resp.text().await.unwrap_or_default();
        let value = serde_json::from_str(&text).unwrap_or(Value::String(text));
        Ok((status, value))
    }

    async fn get(&self, path: &str) -> Result<Value> {
        let (status, body) = self.call(Method::GET, path, None).await?;
        if !status.is_success() {
            return Err(self.caddy_error(
                msg!("caddy-get-failed", path = path, status = status.to_string()),
                error_text(&body),
            ));
        }
        Ok(body)
    }

    /// The workload's route, or None when Caddy knows no such `@id`.
    async fn route(&self, workload: &str) -> Result<Option<Value>> {
        let path = format!("/id/{}", route_id(workload));
        let (status, body) = self.call(Method::GET, &path, None).await?;
        if status.is_success() && !body.is_null() {
            return Ok(Some(body));
        }
        if status == StatusCode::NOT_FOUND || error_text(&body).contains("unknown object ID") {
            return Ok(None);
        }
        Err(self.caddy_error(
            msg!("caddy-get-failed", path = &path, status = status.to_string()),
            error_text(&body),
        ))
    }

    /// The server that holds berth's routes: the configured one, or the
    /// only one. Returns (name, every server).
    async fn server(&self, workload: &str) -> Result<(String, serde_json::Map<String, Value>)> {
        let servers = match self.get("/config/apps/http/servers").await? {
            Value::Object(m) => m,
            _ => serde_json::Map::new(),
        };
        let names: Vec<&String> = servers.keys().collect();
        let name = match &self.server {
            Some(s) if servers.contains_key(s) => s.clone(),
            Some(s) => bail!(msg!(
                "caddy-no-server",
                workload = workload,
                server = s,
                servers = list(&names)
            )),
            None if names.len() == 1 => names[0].clone(),
            None => bail!(msg!(
                "caddy-many-servers",
                workload = workload,
                count = names.len(),
                servers = list(&names)
            )),
        };
        Ok((name, servers))
    }

    fn wanted_route(workload: &str, domains: &[String], target: &RouteTarget) -> Value {
        let host = if target.host.contains(':') {
            format!("[{}]", target.host)
        } else {
            target.host.clone()
        };
        json!({
            "@id": route_id(workload),
            "match": [{ "host": domains }],
            "handle": [{
                "handler": "reverse_proxy",
                "upstreams": [{ "dial": format!("{host}:{}", target.port) }],
            }],
            "terminal": true,
        })
    }
}

fn list(names: &[&String]) -> String {
    if names.is_empty() {
        "none".to_owned()
    } else {
        names.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
    }
}

fn error_text(body: &Value) -> String {
    body.get("error")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .unwrap_or_else(|| match body {
            Value::String(s) => s.trim().to_owned(),
            other => other.to_string(),
        })
}

/// The hosts a route matches (lower-case), from every matcher set.
fn route_hosts(route: &Value) -> Vec<String> {
    route
        .get("match")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|m| m.get("host").and_then(Value::as_array))
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_lowercase)
        .collect()
}

fn matches_domain(host: &str, domain: &str) -> bool {
    let domain = domain.to_lowercase();
    match host.strip_prefix("*.") {
        Some(suffix) => {
            domain.ends_with(&format!(".{suffix}")) && !domain[..domain.len() - suffix.len() - 1].contains('.')
        }
        None => host == domain,
    }
}

/// Whether the route read back is the one berth wants: same hosts (as a
/// case-insensitive set), same single upstream, and berth's handler.
fn same_route(have: &Value, want: &Value) -> bool {
    let set = |v: &Value| route_hosts(v).into_iter().collect::<std::collections::BTreeSet<_>>();
    have.get("handle") == want.get("handle") && set(have) == set(want) && have.get("terminal") == want.get("terminal")
}

#[async_trait]
impl Router for CaddyRouter {
    async fn preflight(&self, workload: &str, domains: &[String], remembered: Option<i64>) -> Result<RoutePlan> {
        if domains.is_empty() {
            return Ok(RoutePlan {
                domains: Vec::new(),
                route_id: remembered,
            });
        }
        let (_, servers) = self.server(workload).await?;
        let ours = route_id(workload);
        let mut copies = 0;
        for (server, config) in &servers {
            for route in config.get("routes").and_then(Value::as_array).into_iter().flatten() {
                if route.get("@id").and_then(Value::as_str) == Some(ours.as_str()) {
                    copies += 1;
                    continue;
                }
                let hosts = route_hosts(route);
                if let Some(taken) = domains.iter().find(|d| hosts.iter().any(|h| matches_domain(h, d))) {
                    let id = route
                        .get("@id")
                        .and_then(Value::as_str)
                        .map(|id| format!(" (@id {id})"))
                        .unwrap_or_default();
                    bail!(msg!(
                        "caddy-domain-taken",
                        workload = workload,
                        domain = taken,
                        id = id,
                        server = server
                    ));
                }
            }
        }
        if copies > 1 {
            bail!(msg!(
                "caddy-duplicate-id",
                workload = workload,
                count = copies,
                id = &ours,
                admin = &self.admin
            ));
        }
        Ok(RoutePlan {
            domains: domains.to_vec(),
            route_id: None,
        })
    }

    async fn point(&self, workload: &str, plan: &RoutePlan, target: &RouteTarget) -> Result<Pointed> {
        let unchanged = Pointed::unchanged(None);
        if !plan.is_routed() {
            return Ok(unchanged);
        }
        // Two berths must not interleave a read and a write of Caddy's config.
        let _lock = super::lock_router(&self.db_path, "caddy").await?;

        let want = Self::wanted_route(workload, &plan.domains, target);
        let id = route_id(workload);
        match self.route(workload).await.map_err(NeverSent::before_write)? {
            Some(have) if same_route(&have, &want) => return Ok(unchanged),
            // In place: PATCH replaces the object with that @id (a POST to
            // /id/... would append a second route).
            Some(_) => {
                let (status, body) = self.call(Method::PATCH, &format!("/id/{id}"), Some(&want)).await?;
                if !status.is_success() {
                    return Err(self.caddy_error(
                        msg!(
                            "caddy-replace-failed",
                            id = &id,
                            workload = workload,
                            status = status.to_string()
                        ),
                        error_text(&body),
                    ));
                }
            }
            // New, or vanished: insert it once, ahead of the operator's
            // routes (a catch-all of theirs would otherwise shadow it).
            None => {
                let (server, servers) = self.server(workload).await.map_err(NeverSent::before_write)?;
                let base = format!("/config/apps/http/servers/{server}/routes");
                let has_routes = servers
                    .get(&server)
                    .and_then(|s| s.get("routes"))
                    .is_some_and(Value::is_array);
                let (path, body) = if has_routes {
                    (format!("{base}/0"), want.clone())
                } else {
                    (base, json!([want]))
                };
                let (status, answer) = self.call(Method::PUT, &path, Some(&body)).await?;
                if !status.is_success() {
                    return Err(self.caddy_error(
                        msg!(
                            "caddy-add-failed",
                            id = &id,
                            workload = workload,
                            status = status.to_string()
                        ),
                        error_text(&answer),
                    ));
                }
            }
        }
        // Caddy answers once the new config runs; read it back anyway.
        match self.route(workload).await {
            Ok(Some(have)) if same_route(&have, &want) => Ok(Pointed {
                route_id: None,
                written: true,
            }),
            Ok(other) => Err(self.caddy_error(
                msg!("caddy-reads-back-differently", id = &id, workload = workload),
                other.map_or_else(
                    || msg!("caddy-route-missing"),
                    |v| msg!("verbatim", text = v.to_string()),
                ),
            )),
            Err(e) => Err(anyhow!(msg!("verbatim", text = &e))),
        }
    }

    async fn current_target(&self, workload: &str, _plan: &RoutePlan) -> Result<Option<String>> {
        Ok(self.route(workload).await?.and_then(|r| {
            r.pointer("/handle/0/upstreams/0/dial")
                .and_then(Value::as_str)
                .map(|d| d.trim_start_matches('[').replacen("]:", ":", 1))
        }))
    }

    fn forwards_by_ip(&self) -> bool {
        true
    }

    fn name(&self) -> Option<&'static str> {
        Some("caddy")
    }

    fn route_name(&self, workload: &str, _plan: &RoutePlan) -> Option<String> {
        Some(format!("@id {}", route_id(workload)))
    }

    /// `DELETE /id/berth-<workload>`: Caddy drops the route from its
    /// config (and nothing else of the operator's).
    async fn remove_route(&self, workload: &str) -> Result<Option<String>> {
        let _lock = super::lock_router(&self.db_path, "caddy").await?;
        if self.route(workload).await?.is_none() {
            return Ok(None);
        }
        let id = route_id(workload);
        let (status, body) = self.call(Method::DELETE, &format!("/id/{id}"), None).await?;
        if !status.is_success() {
            return Err(self.caddy_error(
                msg!(
                    "caddy-remove-failed",
                    id = &id,
                    workload = workload,
                    status = status.to_string()
                ),
                error_text(&body),
            ));
        }
        Ok(Some(format!("Caddy route @id {id}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wildcard_host_covers_one_label() {
        assert!(matches_domain("*.example.com", "App.example.com"));
        assert!(!matches_domain("*.example.com", "a.b.example.com"));
        assert!(matches_domain("web.test", "WEB.test"));
    }

    #[test]
    fn the_same_route_ignores_host_order_and_case() {
        let target = RouteTarget {
            host: "10.0.0.2".into(),
            port: 8080,
        };
        let want = CaddyRouter::wanted_route("web", &["a.test".into(), "b.test".into()], &target);
        let mut have = want.clone();
        have["match"] = json!([{ "host": ["B.test", "a.test"] }]);
        assert!(same_route(&have, &want));
        have["handle"][0]["upstreams"][0]["dial"] = json!("10.0.0.3:8080");
        assert!(!same_route(&have, &want));
    }
}
