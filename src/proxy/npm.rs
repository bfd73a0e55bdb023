//! The Nginx Proxy Manager client behind [`Router`]. Follows the API facts
//! in NPM_API.md: PUT is partial (send only what changed, never a GET object
//! back), an expired token answers 400 `Token has expired`, a write can
//! answer 200 with `meta.nginx_online = false`, and NPM does not lock its
//! config writes (berth serialises its own, across processes).

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Result, anyhow, bail};
use async_trait::async_trait;
use reqwest::{Method, StatusCode};
use serde_json::{Map, Value, json};
use tokio::sync::Mutex;

pub use super::Source;
use super::{NeverSent, Pointed, RoutePlan, RouteTarget, Router, setting};
use crate::i18n::{Arg, Context as _, Msg};
use crate::msg;
use crate::store::Store;

/// How berth reaches the workload from NPM's nginx.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ForwardBy {
    /// The container name: NPM runs in Docker on the workload's network.
    Name,
    /// The container's IP on its network: NPM on the host, or no resolver.
    Ip,
}

#[derive(Debug, Clone)]
pub struct NpmSettings {
    pub url: Option<(String, Source)>,
    pub email: Option<(String, Source)>,
    pub forward_by: (ForwardBy, Source),
    /// Never stored: only from the environment.
    pub password: Option<String>,
    pub token: Option<String>,
}

pub const URL_KEY: &str = "npm.url";
pub const EMAIL_KEY: &str = "npm.email";
pub const FORWARD_BY_KEY: &str = "npm.forward_by";

impl NpmSettings {
    /// Environment over store (DESIGN §5); `berth proxy set` writes the store.
    pub fn load(store: &Store) -> Result<NpmSettings> {
        let pick = |env: &str, key: &str| setting(store, env, key);
        let forward_by = match pick("BERTH_NPM_FORWARD_BY", FORWARD_BY_KEY)? {
            Some((v, src)) => (parse_forward_by(&v)?, src),
            None => (ForwardBy::Name, Source::Default),
        };
        Ok(NpmSettings {
            url: pick("BERTH_NPM_URL", URL_KEY)?,
            email: pick("BERTH_NPM_EMAIL", EMAIL_KEY)?,
            forward_by,
            password: std::env::var("BERTH_NPM_PASSWORD").ok().filter(|v| !v.is_empty()),
            token: std::env::var("BERTH_NPM_TOKEN").ok().filter(|v| !v.is_empty()),
        })
    }
}

pub fn parse_forward_by(v: &str) -> Result<ForwardBy> {
    match v {
        "name" => Ok(ForwardBy::Name),
        "ip" => Ok(ForwardBy::Ip),
        other => bail!(msg!("npm-bad-forward-by", value = other)),
    }
}

pub struct NpmRouter {
    http: reqwest::Client,
    /// API root, `http://host:81/api`.
    api: String,
    email: Option<String>,
    password: Option<String>,
    forward_by: ForwardBy,
    token: Mutex<Option<String>>,
    /// A token given in BERTH_NPM_TOKEN is refreshed (and so checked) once,
    /// before its first use: a bad one fails the pre-flight with a clear
    /// message instead of a confusing error mid-deploy.
    given_token_checked: std::sync::atomic::AtomicBool,
    /// The store, for the cross-process NPM write lock.
    db_path: PathBuf,
}

/// Attempts for idempotent calls (GET, PUT) on connect errors and 5xx.
const ATTEMPTS: u32 = 3;

impl NpmRouter {
    pub fn new(settings: &NpmSettings, db_path: PathBuf) -> Result<Option<NpmRouter>> {
        let Some((url, _)) = &settings.url else {
            return Ok(None);
        };
        let base = url.trim_end_matches('/');
        let api = if base.ends_with("/api") {
            base.to_owned()
        } else {
            format!("{base}/api")
        };
        Ok(Some(NpmRouter {
            http: crate::http::client(Duration::from_secs(15))?,
            api,
            email: settings.email.as_ref().map(|(e, _)| e.clone()),
            password: settings.password.clone(),
            forward_by: settings.forward_by.0,
            token: Mutex::new(settings.token.clone()),
            given_token_checked: std::sync::atomic::AtomicBool::new(settings.token.is_none()),
            db_path,
        }))
    }

    /// `detail`: the proxy's own words (a string) or berth's (a message).
    fn npm_error(&self, what: Msg, detail: impl Into<Arg>) -> anyhow::Error {
        anyhow!(msg!("npm-error", api = &self.api, what = what, detail = detail))
    }

    /// A login or token request that failed to reach NPM; a connection that
    /// never opened is marked [`NeverSent`].
    fn unreachable(&self, e: &reqwest::Error) -> anyhow::Error {
        let err = self.npm_error(msg!("npm-unreachable"), crate::http::describe(e));
        if e.is_connect() { NeverSent::wrap(err) } else { err }
    }

    /// POST /api/tokens with exactly {identity, secret}.
    async fn login(&self) -> Result<String> {
        let (Some(email), Some(password)) = (&self.email, &self.password) else {
            bail!(msg!("npm-no-credentials", api = &self.api));
        };
        let resp = self
            .http
            .post(format!("{}/tokens", self.api))
            .json(&json!({ "identity": email, "secret": password }))
            .send()
            .await
            .map_err(|e| self.unreachable(&e))?;
        let status = resp.status();
        let body: Value = resp.json().await.unwrap_or(Value::Null);
        if body.get("requires_2fa").and_then(Value::as_bool) == Some(true) {
            bail!(msg!("npm-2fa", api = &self.api, email = email));
        }
        if !status.is_success() {
            return Err(self.npm_error(
                msg!("npm-login-failed", email = email, status = status.to_string()),
                error_message(&body),
            ));
        }
        body.get("token")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| self.npm_error(msg!("npm-login"), msg!("npm-no-token-in-answer")))
    }

    async fn token(&self, refresh: bool) -> Result<String> {
        let mut guard = self.token.lock().await;
        if !refresh
            && let Some(given) = guard.clone()
            && !self.given_token_checked.swap(true, std::sync::atomic::Ordering::SeqCst)
        {
            *guard = Some(self.refresh_given(&given).await?);
        }
        if refresh || guard.is_none() {
            *guard = Some(self.login().await?);
        }
        guard.clone().context_msg(msg!("npm-no-token"))
    }

    /// `GET /api/tokens` with the given token: a fresh one when it is valid;
    /// when it expired, a login with email and password if berth has them.
    async fn refresh_given(&self, given: &str) -> Result<String> {
        let resp = self
            .http
            .get(format!("{}/tokens", self.api))
            .bearer_auth(given)
            .send()
            .await
            .map_err(|e| self.unreachable(&e))?;
        let status = resp.status();
        let body: Value = resp.json().await.unwrap_or(Value::Null);
        if status.is_success()
            && let Some(token) = body.get("token").and_then(Value::as_str)
        {
            return Ok(token.to_owned());
        }
        let message = error_message(&body);
        if self.email.is_some() && self.password.is_some() {
            return self.login().await;
        }
        if message.contains("Token has expired") {
            bail!(msg!("npm-token-expired", api = &self.api));
        }
        Err(self.npm_error(msg!("npm-token-refused", status = status.to_string()), message))
    }

    /// One API call with the bearer token; logs in again once on `Token has
    /// expired` (a 400, not a 401); retries idempotent calls on connect
    /// errors and 5xx with backoff. POST is never retried.
    async fn call(&self, method: Method, path: &str, body: Option<&Value>) -> Result<(StatusCode, Value)> {
        let idempotent = method == Method::GET || method == Method::PUT;
        let mut relogged = false;
        let mut attempt = 0;
        // Whether any attempt may have reached NPM (it answered, or timed
        // out after connecting): then a later refused connection proves nothing.
        let mut maybe_sent = false;
        // A login that fails after an earlier attempt may have landed
        // proves nothing about that attempt: its error loses the mark.
        let unmarked = |e: anyhow::Error, maybe_sent: bool| {
            if maybe_sent && super::never_sent(&e) {
                anyhow!(msg!("verbatim", text = format!("{e:#}")))
            } else {
                e
            }
        };
        loop {
            attempt += 1;
            let token = self.token(false).await.map_err(|e| unmarked(e, maybe_sent))?;
            let mut req = self
                .http
                .request(method.clone(), format!("{}{path}", self.api))
                .bearer_auth(&token);
            if let Some(b) = body {
                req = req.json(b);
            }
            let resp = match req.send().await {
                Ok(r) => r,
                Err(e) if idempotent && attempt < ATTEMPTS && (e.is_connect() || e.is_timeout()) => {
                    maybe_sent |= !e.is_connect();
                    tokio::time::sleep(backoff(attempt)).await;
                    continue;
                }
                Err(e) => {
                    let err = self.npm_error(
                        msg!("verbatim", text = format!("{method} {path}")),
                        crate::http::describe(&e),
                    );
                    // A read writes nothing, whatever earlier attempts met:
                    // refused now, NPM is unreachable and nothing changed.
                    if e.is_connect() && (!maybe_sent || method == Method::GET) {
                        return Err(NeverSent::wrap(err));
                    }
                    return Err(err);
                }
            };
            maybe_sent = true;
            let status = resp.status();
            let value: Value = resp.json().await.unwrap_or(Value::Null);
            if status == StatusCode::BAD_REQUEST && error_message(&value).contains("Token has expired") && !relogged {
                relogged = true;
                self.token(true).await.map_err(|e| unmarked(e, maybe_sent))?;
                continue;
            }
            if status.is_server_error() && idempotent && attempt < ATTEMPTS {
                tokio::time::sleep(backoff(attempt)).await;
                continue;
            }
            return Ok((status, value));
        }
    }

    async fn hosts(&self) -> Result<Vec<Value>> {
        let (status, body) = self.call(Method::GET, "/nginx/proxy-hosts", None).await?;
        if !status.is_success() {
            return Err(self.npm_error(
                msg!("npm-list-hosts-failed", status = status.to_string()),
                error_message(&body),
            ));
        }
        Ok(body.as_array().cloned().unwrap_or_default())
    }

    /// Redirection and 404 hosts: NPM refuses a domain any host type holds.
    async fn other_hosts(&self) -> Result<Vec<(&'static str, Value)>> {
        let mut all = Vec::new();
        for (kind, path) in [
            ("redirection host", "/nginx/redirection-hosts"),
            ("404 host", "/nginx/dead-hosts"),
        ] {
            let (status, body) = self.call(Method::GET, path, None).await?;
            if status == StatusCode::NOT_FOUND {
                continue;
            }
            if !status.is_success() {
                return Err(self.npm_error(
                    msg!("npm-list-failed", kind = kind, status = status.to_string()),
                    error_message(&body),
                ));
            }
            all.extend(
                body.as_array()
                    .cloned()
                    .unwrap_or_default()
                    .into_iter()
                    .map(|h| (kind, h)),
            );
        }
        Ok(all)
    }

    async fn host(&self, id: i64) -> Result<Option<Value>> {
        let (status, body) = self
            .call(Method::GET, &format!("/nginx/proxy-hosts/{id}"), None)
            .await?;
        match status {
            s if s.is_success() => Ok(Some(body)),
            StatusCode::NOT_FOUND => Ok(None),
            s => Err(self.npm_error(
                msg!("npm-read-host-failed", id = id, status = s.to_string()),
                error_message(&body),
            )),
        }
    }

    /// `PUT /nginx/proxy-hosts/<id>` with `changes` (only the keys to
    /// change: NPM's PUT is partial). Errors: NPM unreachable or refusing.
    async fn update_host(&self, id: i64, workload: &str, changes: Value) -> Result<()> {
        let (status, body) = self
            .call(Method::PUT, &format!("/nginx/proxy-hosts/{id}"), Some(&changes))
            .await?;
        if !status.is_success() {
            return Err(self.npm_error(
                msg!(
                    "npm-update-failed",
                    id = id,
                    workload = workload,
                    status = status.to_string()
                ),
                error_message(&body),
            ));
        }
        Ok(())
    }

    /// The route's proxy host: the one the plan names, else the one holding
    /// exactly the plan's domains; None when there is none.
    async fn host_of(&self, plan: &RoutePlan) -> Result<Option<Value>> {
        match plan.route_id {
            Some(id) => self.host(id).await,
            None => {
                let wanted = wanted_set(&plan.domains);
                Ok(self.hosts().await?.into_iter().find(|h| domain_set(h) == wanted))
            }
        }
    }

    /// After every write: the host must be there and `meta.nginx_online`.
    async fn confirm_online(&self, id: i64, domains: &[String]) -> Result<()> {
        let host = self
            .host(id)
            .await?
            .ok_or_else(|| self.npm_error(msg!("npm-after-write"), msg!("npm-host-gone", id = id)))?;
        let online = host.pointer("/meta/nginx_online").and_then(Value::as_bool) == Some(true);
        if !online {
            let err: Arg = match host.pointer("/meta/nginx_err").and_then(Value::as_str) {
                Some(nginx_says) => nginx_says.into(),
                None => msg!("npm-no-detail").into(),
            };
            bail!(msg!(
                "npm-offline",
                api = &self.api,
                domains = domains.join(", "),
                id = id,
                error = err
            ));
        }
        Ok(())
    }
}

fn backoff(attempt: u32) -> Duration {
    Duration::from_millis(200 * 2u64.pow(attempt.saturating_sub(1)))
}

fn error_message(body: &Value) -> String {
    body.pointer("/error/message")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .unwrap_or_else(|| body.to_string())
}

fn domain_set(v: &Value) -> BTreeSet<String> {
    v.get("domain_names")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).map(str::to_lowercase).collect())
        .unwrap_or_default()
}

/// A proxy host's `enabled` (NPM answers a boolean; older ones 0/1);
/// missing means enabled.
fn is_enabled(host: &Value) -> bool {
    match host.get("enabled") {
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(n)) => n.as_i64() != Some(0),
        _ => true,
    }
}

/// A host's domains, for messages.
fn plan_domains(host: &Value) -> String {
    domain_set(host).into_iter().collect::<Vec<_>>().join(", ")
}

fn wanted_set(domains: &[String]) -> BTreeSet<String> {
    domains.iter().map(|d| d.to_lowercase()).collect()
}

#[async_trait]
impl Router for NpmRouter {
    async fn preflight(&self, workload: &str, domains: &[String], remembered: Option<i64>) -> Result<RoutePlan> {
        if domains.is_empty() {
            return Ok(RoutePlan {
                domains: Vec::new(),
                route_id: remembered,
            });
        }
        let hosts = self.hosts().await?;
        let wanted = wanted_set(domains);
        let id_of = |h: &Value| h.get("id").and_then(Value::as_i64);
        let ours = hosts
            .iter()
            .find(|h| remembered.is_some() && id_of(h) == remembered)
            .or_else(|| hosts.iter().find(|h| domain_set(h) == wanted));
        let our_id = ours.and_then(id_of);
        if let Some(host) = ours
            && !is_enabled(host)
        {
            let id = our_id.unwrap_or(0);
            bail!(msg!(
                "npm-host-disabled",
                workload = workload,
                id = id,
                domains = plan_domains(host),
                api = &self.api
            ));
        }
        for h in &hosts {
            if id_of(h) == our_id {
                continue;
            }
            if let Some(taken) = domain_set(h).intersection(&wanted).next() {
                bail!(msg!(
                    "npm-domain-taken",
                    workload = workload,
                    domain = taken.as_str(),
                    id = id_of(h).unwrap_or(0),
                    host = h.get("forward_host").and_then(Value::as_str).unwrap_or("?"),
                    port = h.get("forward_port").and_then(Value::as_i64).unwrap_or(0)
                ));
            }
        }
        for (kind, h) in self.other_hosts().await? {
            if let Some(taken) = domain_set(&h).intersection(&wanted).next() {
                bail!(msg!(
                    "npm-domain-taken-other",
                    workload = workload,
                    domain = taken.as_str(),
                    kind = kind,
                    id = h.get("id").and_then(Value::as_i64).unwrap_or(0)
                ));
            }
        }
        Ok(RoutePlan {
            domains: domains.to_vec(),
            route_id: our_id,
        })
    }

    async fn point(&self, workload: &str, plan: &RoutePlan, target: &RouteTarget) -> Result<Pointed> {
        if !plan.is_routed() {
            return Ok(Pointed {
                route_id: plan.route_id,
                written: false,
            });
        }
        // NPM does not lock its config writes and reloads: one berth at a time.
        let _lock = super::lock_router(&self.db_path, "npm").await?;

        let existing = match plan.route_id {
            // Until the PUT or POST below is sent, nothing can have changed.
            Some(id) => self.host(id).await.map_err(NeverSent::before_write)?,
            None => None,
        };
        let mut written = true;
        let id = match existing {
            Some(host) => {
                let id = host.get("id").and_then(Value::as_i64).unwrap_or_default();
                // Only the changed forward fields: the operator's certificate,
                // access list and advanced config stay as they are.
                let mut changes = Map::new();
                if host.get("forward_host").and_then(Value::as_str) != Some(target.host.as_str()) {
                    changes.insert("forward_host".into(), json!(target.host));
                }
                if host.get("forward_port").and_then(Value::as_i64) != Some(i64::from(target.port)) {
                    changes.insert("forward_port".into(), json!(target.port));
                }
                if host.get("forward_scheme").and_then(Value::as_str) != Some("http") {
                    changes.insert("forward_scheme".into(), json!("http"));
                }
                if domain_set(&host) != wanted_set(&plan.domains) {
                    changes.insert("domain_names".into(), json!(plan.domains));
                }
                // An offline host (an earlier write's `nginx -t` failed) whose
                // fields are already right still needs a write: NPM renders
                // the host again on every PUT. Without it, restoring a route
                // whose failed write was saved (or reconciling it once the
                // proxy is fixed) could never bring it back online.
                let online = host.pointer("/meta/nginx_online").and_then(Value::as_bool) == Some(true);
                if changes.is_empty() && !online {
                    changes.insert("forward_host".into(), json!(target.host));
                }
                written = !changes.is_empty();
                if written {
                    self.update_host(id, workload, Value::Object(changes)).await?;
                }
                id
            }
            None => {
                let body = json!({
                    "domain_names": plan.domains,
                    "forward_scheme": "http",
                    "forward_host": target.host,
                    "forward_port": target.port,
                });
                let (status, body) = self.call(Method::POST, "/nginx/proxy-hosts", Some(&body)).await?;
                if !status.is_success() {
                    return Err(self.npm_error(
                        msg!("npm-create-failed", workload = workload, status = status.to_string()),
                        error_message(&body),
                    ));
                }
                body.get("id")
                    .and_then(Value::as_i64)
                    .ok_or_else(|| self.npm_error(msg!("npm-creating"), msg!("npm-no-id-in-answer")))?
            }
        };
        // The write went through: a failure to confirm it says nothing of
        // whether it landed, so it never counts as "never sent".
        self.confirm_online(id, &plan.domains)
            .await
            .map_err(|e| anyhow!(msg!("verbatim", text = &e)))?;
        Ok(Pointed {
            route_id: Some(id),
            written,
        })
    }

    /// NPM has no reload call, but every PUT renders the host again and
    /// reloads its nginx (NPM_API.md, "What the server does on create /
    /// PUT"), whose new workers resolve the forward host afresh (its
    /// `resolver ... valid=10s` would otherwise keep old task addresses
    /// for up to 10 s): a PUT of `forward_host` as it is. Errors: NPM
    /// unreachable, the PUT refused, or the host offline after it.
    async fn refresh(&self, workload: &str, plan: &RoutePlan) -> Result<()> {
        if !plan.is_routed() {
            return Ok(());
        }
        let _lock = super::lock_router(&self.db_path, "npm").await?;
        let Some(host) = self.host_of(plan).await? else {
            return Ok(());
        };
        let id = host.get("id").and_then(Value::as_i64).unwrap_or_default();
        let same = json!({ "forward_host": host.get("forward_host").cloned().unwrap_or(Value::Null) });
        self.update_host(id, workload, same).await?;
        self.confirm_online(id, &plan.domains).await
    }

    async fn current_target(&self, _workload: &str, plan: &RoutePlan) -> Result<Option<String>> {
        let host = self.host_of(plan).await?;
        Ok(host.and_then(|h| {
            let fhost = h.get("forward_host").and_then(Value::as_str)?;
            let port = h.get("forward_port").and_then(Value::as_i64)?;
            Some(format!("{fhost}:{port}"))
        }))
    }

    fn forwards_by_ip(&self) -> bool {
        self.forward_by == ForwardBy::Ip
    }

    fn name(&self) -> Option<&'static str> {
        Some("npm")
    }

    fn route_name(&self, _workload: &str, plan: &RoutePlan) -> Option<String> {
        plan.route_id.map(|id| format!("proxy host #{id}"))
    }
}
