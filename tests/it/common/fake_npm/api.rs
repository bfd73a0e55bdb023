//! The API itself: auth, the proxy-host routes, expansion, and the helpers they use.

use std::io::ErrorKind;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use axum::body::Body;
use axum::extract::{Request, State as AxumState};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::*;

// ------------------------------------------------------------ helpers ---

pub(super) fn now_str() -> String {
    let fmt = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    time::OffsetDateTime::now_utc().format(&fmt).unwrap_or_default()
}

pub(super) fn b64url(data: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let b0 = chunk.first().copied().unwrap_or(0);
        let b1 = chunk.get(1).copied().unwrap_or(0);
        let b2 = chunk.get(2).copied().unwrap_or(0);
        let n = (u32::from(b0) << 16) | (u32::from(b1) << 8) | u32::from(b2);
        for i in 0..=chunk.len() {
            out.push(char::from(T[((n >> (18 - 6 * i)) & 63) as usize]));
        }
    }
    out
}

pub(super) static NONCE: AtomicU64 = AtomicU64::new(0);

pub(super) fn random_bytes(n: usize) -> Vec<u8> {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0);
    let mut x = nanos ^ NONCE.fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed) ^ u64::from(std::process::id());
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        // splitmix64
        x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = x;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        out.extend_from_slice(&z.to_le_bytes());
    }
    out.truncate(n);
    out
}

pub(super) fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => {
                let hex = std::str::from_utf8(&b[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(v) => {
                        out.push(v);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

pub(super) fn query_param(query: Option<&str>, name: &str) -> Option<String> {
    query?.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (percent_decode(k) == name).then(|| percent_decode(v))
    })
}

/// Parses `?expand=`; any relation other than owner/certificate/access_list
/// makes NPM answer 500.
pub(super) fn parse_expand(query: Option<&str>) -> Result<Vec<String>, ApiError> {
    let Some(raw) = query_param(query, "expand") else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for item in raw.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        if !["owner", "certificate", "access_list"].contains(&item) {
            return Err(err(500, format!("unknown relation \"{item}\" in an eager expression")));
        }
        out.push(item.to_owned());
    }
    Ok(out)
}

pub(super) fn expand_host(h: &Host, expand: &[String], email: &str) -> Value {
    let mut v = h.json();
    let Some(obj) = v.as_object_mut() else {
        return v;
    };
    for e in expand {
        match e.as_str() {
            "owner" => {
                obj.insert(
                    "owner".into(),
                    json!({
                        "id": 1,
                        "created_on": "2024-01-01 00:00:00",
                        "modified_on": "2024-01-01 00:00:00",
                        "is_disabled": false,
                        "email": email,
                        "name": "Administrator",
                        "nickname": "Admin",
                        "avatar": "",
                        "roles": ["admin"]
                    }),
                );
            }
            "certificate" => {
                let id = h.fields.get("certificate_id").and_then(Value::as_i64).unwrap_or(0);
                let cert = if id > 0 {
                    json!({
                        "id": id,
                        "provider": "other",
                        "nice_name": format!("certificate {id}"),
                        "domain_names": h.domains(),
                        "expires_on": "2099-01-01 00:00:00",
                        "meta": {}
                    })
                } else {
                    Value::Null
                };
                obj.insert("certificate".into(), cert);
            }
            "access_list" => {
                let id = h.fields.get("access_list_id").and_then(Value::as_i64).unwrap_or(0);
                let list = if id > 0 {
                    json!({ "id": id, "name": format!("access list {id}"), "items": [], "clients": [] })
                } else {
                    Value::Null
                };
                obj.insert("access_list".into(), list);
            }
            _ => {}
        }
    }
    v
}

pub(super) const WRITE_EXPAND: &[&str] = &["owner", "certificate", "access_list"];

// ----------------------------------------------------------------- inner ---

pub(super) struct Inner {
    pub(super) opts: FakeNpmOptions,
    pub(super) state: Mutex<State>,
    /// Serialises every write and its render/test/reload.
    pub(super) write_lock: Mutex<()>,
    pub(super) nginx: Nginx,
}

impl Inner {
    pub(super) fn state(&self) -> MutexGuard<'_, State> {
        lock(&self.state)
    }

    pub(super) fn issue_token(&self) -> Value {
        let mut st = self.state();
        let serial = st.next_serial;
        st.next_serial += 1;
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        let ttl = self.opts.token_ttl;
        let header = b64url(br#"{"alg":"RS256","typ":"JWT"}"#);
        let payload = b64url(
            json!({
                "attrs": { "id": 1 },
                "scope": ["user"],
                "jti": b64url(&random_bytes(12)),
                "iat": now,
                "exp": now + ttl.as_secs(),
            })
            .to_string()
            .as_bytes(),
        );
        let token = format!("{header}.{payload}.{}", b64url(&random_bytes(64)));
        st.tokens.insert(
            token.clone(),
            TokenInfo {
                serial,
                expires: Instant::now() + ttl,
            },
        );
        let expires = time::OffsetDateTime::now_utc() + time::Duration::try_from(ttl).unwrap_or(time::Duration::DAY);
        let expires = expires
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default();
        json!({ "token": token, "expires": expires })
    }

    pub(super) fn login(&self, body: &Value) -> Result<Value, ApiError> {
        let Some(obj) = body.as_object() else {
            return Err(bad("data must be object"));
        };
        if obj
            .keys()
            .any(|k| !["identity", "secret", "scope"].contains(&k.as_str()))
        {
            return Err(bad("data must NOT have additional properties"));
        }
        for r in ["identity", "secret"] {
            if !obj.contains_key(r) {
                return Err(bad(format!("data must have required property '{r}'")));
            }
        }
        let Some(identity) = obj["identity"].as_str() else {
            return Err(bad("data/identity must be string"));
        };
        let Some(secret) = obj["secret"].as_str() else {
            return Err(bad("data/secret must be string"));
        };
        if let Some(scope) = obj.get("scope")
            && scope.as_str() != Some("user")
        {
            return Err(bad("data/scope must be equal to one of the allowed values"));
        }
        if identity.to_lowercase() != self.opts.email.to_lowercase() || secret != self.opts.password {
            return Err(bad("Invalid email or password"));
        }
        if self.opts.two_factor {
            return Ok(json!({
                "requires_2fa": true,
                "challenge_token": b64url(&random_bytes(24)),
            }));
        }
        Ok(self.issue_token())
    }

    /// Bearer check. Missing token: 404 `Not Found - <what>`, as the real
    /// NPM answers (`/nginx/proxy-hosts` for the list, the id on a `/{id}`
    /// path), never a 401.
    pub(super) fn auth(&self, bearer: Option<&str>, what: &str) -> Result<(), ApiError> {
        match bearer {
            None => Err(err(404, format!("Not Found - {what}"))),
            Some(t) => self.state().token_status(t),
        }
    }

    pub(super) fn expanded(&self, id: i64, expand: &[String]) -> Result<Value, ApiError> {
        let st = self.state();
        let h = st.live_host(id)?;
        Ok(expand_host(h, expand, &self.opts.email))
    }

    pub(super) fn write_expanded(&self, id: i64) -> Result<Value, ApiError> {
        let expand: Vec<String> = WRITE_EXPAND.iter().map(|s| (*s).to_owned()).collect();
        self.expanded(id, &expand)
    }

    pub(super) fn list(&self, query: Option<&str>) -> Result<Value, ApiError> {
        let expand = parse_expand(query)?;
        let search = query_param(query, "query").map(|q| q.to_lowercase());
        let st = self.state();
        let mut hosts: Vec<&Host> = st
            .hosts
            .values()
            .filter(|h| !h.deleted)
            .filter(|h| match &search {
                Some(q) if !q.is_empty() => h.domains().iter().any(|d| d.to_lowercase().contains(q)),
                _ => true,
            })
            .collect();
        hosts.sort_by_key(|h| {
            (
                serde_json::to_string(&h.fields.get("domain_names")).unwrap_or_default(),
                h.id,
            )
        });
        Ok(Value::Array(
            hosts
                .into_iter()
                .map(|h| expand_host(h, &expand, &self.opts.email))
                .collect(),
        ))
    }

    pub(super) fn create(&self, body: &Value) -> Result<Value, ApiError> {
        let _w = lock(&self.write_lock);
        let fields = validate_host_body(body, Mode::Create)?;
        let id = {
            let mut st = self.state();
            st.check_domains(&str_list(fields.get("domain_names")), None)?;
            st.next_id += 1;
            let id = st.next_id;
            let mut all = defaults();
            for (k, v) in fields {
                all.insert(k, v);
            }
            let now = now_str();
            let mut host = Host {
                id,
                created_on: now.clone(),
                modified_on: now,
                deleted: false,
                live: true,
                fields: all,
            };
            host.live = host.enabled();
            st.hosts.insert(id, host);
            id
        };
        // The real NPM answers the row as read before nginx was set up:
        // its `meta` is what was sent, with no `nginx_online` (NPM_API.md).
        let mut answer = self.write_expanded(id)?;
        answer["meta"] = body.get("meta").cloned().unwrap_or_else(|| json!({}));
        self.apply_nginx(id, true)?;
        Ok(answer)
    }

    pub(super) fn update(&self, id: i64, body: &Value) -> Result<Value, ApiError> {
        let _w = lock(&self.write_lock);
        let fields = validate_host_body(body, Mode::Update)?;
        {
            let mut st = self.state();
            st.live_host(id)?;
            if let Some(d) = fields.get("domain_names") {
                st.check_domains(&str_list(Some(d)), Some(id))?;
            }
            let host = st.live_host_mut(id)?;
            for (k, v) in fields {
                host.fields.insert(k, v);
            }
            host.modified_on = now_str();
        }
        self.apply_nginx(id, true)?;
        self.write_expanded(id)
    }

    pub(super) fn delete(&self, id: i64) -> Result<Value, ApiError> {
        let _w = lock(&self.write_lock);
        {
            let mut st = self.state();
            let host = st.live_host_mut(id)?;
            host.deleted = true;
            host.live = false;
            host.modified_on = now_str();
        }
        self.apply_nginx(id, false)?;
        Ok(Value::Bool(true))
    }

    pub(super) fn set_enabled(&self, id: i64, on: bool) -> Result<Value, ApiError> {
        let _w = lock(&self.write_lock);
        {
            let mut st = self.state();
            let host = st.live_host_mut(id)?;
            if host.enabled() == on {
                let word = if on { "enabled" } else { "disabled" };
                return Err(bad(format!("Host is already {word}")));
            }
            host.fields.insert("enabled".into(), Value::Bool(on));
            host.live = on;
            host.modified_on = now_str();
        }
        self.apply_nginx(id, on)?;
        Ok(Value::Bool(true))
    }

    /// Re-renders host `id` (removing its file when it is not live), tests
    /// the config, records the outcome in `meta`, and reloads nginx.
    /// Caller holds `write_lock`.
    pub(super) fn apply_nginx(&self, id: i64, is_render: bool) -> Result<(), ApiError> {
        let (conf, live) = {
            let mut st = self.state();
            let offline_once = is_render && std::mem::take(&mut st.next_write_offline);
            let broken = offline_once || st.broken.contains(&id);
            let Some(h) = st.hosts.get(&id) else {
                return Err(err(404, format!("Not Found - {id}")));
            };
            (render_host(h, self.nginx.data_port, broken), h.live && !h.deleted)
        };
        let file = self.nginx.host_file(id);
        match std::fs::remove_file(&file) {
            Ok(()) => {}
            Err(e) if e.kind() == ErrorKind::NotFound => {}
            Err(e) => return Err(err(500, format!("could not remove {}: {e}", file.display()))),
        }
        let mut outcome = None;
        if live {
            std::fs::write(&file, conf).map_err(|e| err(500, format!("could not write {}: {e}", file.display())))?;
            let tested = self.nginx.test();
            if tested.is_err() {
                let _ = std::fs::remove_file(&file);
            }
            outcome = Some(tested);
        }
        if let Some(outcome) = outcome {
            let mut st = self.state();
            if let Some(h) = st.hosts.get_mut(&id) {
                let meta = h.meta_mut();
                match outcome {
                    Ok(()) => {
                        meta.insert("nginx_online".into(), Value::Bool(true));
                        meta.insert("nginx_err".into(), Value::Null);
                    }
                    Err(e) => {
                        meta.insert("nginx_online".into(), Value::Bool(false));
                        meta.insert("nginx_err".into(), Value::String(e));
                    }
                }
            }
        }
        self.nginx
            .reload()
            .map_err(|e| err(500, format!("nginx reload failed: {e}")))?;
        self.state().reloads += 1;
        Ok(())
    }

    /// Routes one request. Returns (status, JSON body).
    pub(super) async fn route(
        self: &Arc<Self>,
        method: &str,
        path: &str,
        query: Option<&str>,
        bearer: Option<&str>,
        body: Result<Value, String>,
    ) -> Result<(u16, Value), ApiError> {
        let rule = self.state().take_rule(method, path);
        match rule {
            Some(Action::Fail(status)) => {
                let message = if status == 500 {
                    "Internal Error".to_owned()
                } else {
                    StatusCode::from_u16(status)
                        .ok()
                        .and_then(|s| s.canonical_reason())
                        .unwrap_or("Error")
                        .to_owned()
                };
                return Err(err(status, message));
            }
            Some(Action::ExpireTokens) => {
                let mut st = self.state();
                st.expired_below = st.next_serial;
            }
            None => {}
        }
        let trimmed = path.trim_end_matches('/');
        let segs: Vec<&str> = trimmed.split('/').filter(|s| !s.is_empty()).collect();
        let body = || body.clone().map_err(bad);
        match (method, segs.as_slice()) {
            ("GET", ["api"]) => Ok((
                200,
                json!({
                    "status": "OK",
                    "setup": true,
                    "version": { "major": 2, "minor": 15, "revision": 1 }
                }),
            )),
            ("POST", ["api", "tokens"]) => Ok((200, self.login(&body()?)?)),
            ("GET", ["api", "tokens"]) => {
                self.auth(bearer, "/tokens")?;
                Ok((200, self.issue_token()))
            }
            ("GET", ["api", "nginx", "proxy-hosts"]) => {
                self.auth(bearer, "/nginx/proxy-hosts")?;
                Ok((200, self.list(query)?))
            }
            // Domains held by other host types (see `reserve_domain`) show up
            // as redirection hosts, as they would on a real NPM.
            ("GET", ["api", "nginx", "redirection-hosts"]) => {
                self.auth(bearer, "/nginx/redirection-hosts")?;
                let reserved = self.state().reserved.clone();
                let hosts: Vec<Value> = reserved
                    .iter()
                    .enumerate()
                    .map(|(i, d)| {
                        json!({
                            "id": i + 1,
                            "domain_names": [d.to_lowercase()],
                            "forward_scheme": "auto",
                            "forward_domain_name": "example.com",
                            "forward_http_code": 301,
                            "enabled": true,
                            "meta": {},
                        })
                    })
                    .collect();
                Ok((200, Value::Array(hosts)))
            }
            ("GET", ["api", "nginx", "dead-hosts"]) => {
                self.auth(bearer, "/nginx/dead-hosts")?;
                Ok((200, json!([])))
            }
            ("POST", ["api", "nginx", "proxy-hosts"]) => {
                self.auth(bearer, "/nginx/proxy-hosts")?;
                let body = body()?;
                let me = Arc::clone(self);
                let v = blocking(move || me.create(&body)).await?;
                Ok((201, v))
            }
            (_, ["api", "nginx", "proxy-hosts", raw_id, rest @ ..]) => {
                let raw_id = *raw_id;
                let (is_get, is_put, is_delete) = (method == "GET", method == "PUT", method == "DELETE");
                let action = match rest {
                    [] if is_get || is_put || is_delete => None,
                    [a @ ("enable" | "disable")] if method == "POST" => Some(*a == "enable"),
                    _ => return Err(err(404, "Not Found")),
                };
                self.auth(bearer, raw_id)?;
                let Ok(id) = raw_id.parse::<i64>() else {
                    return Err(bad("data/host_id must be integer"));
                };
                let me = Arc::clone(self);
                if let Some(on) = action {
                    let v = blocking(move || me.set_enabled(id, on)).await?;
                    return Ok((200, v));
                }
                if is_get {
                    let expand = parse_expand(query)?;
                    return Ok((200, self.expanded(id, &expand)?));
                }
                if is_put {
                    let body = body()?;
                    let v = blocking(move || me.update(id, &body)).await?;
                    return Ok((200, v));
                }
                let v = blocking(move || me.delete(id)).await?;
                Ok((200, v))
            }
            _ => Err(err(404, "Not Found")),
        }
    }
}

async fn blocking<F>(f: F) -> Result<Value, ApiError>
where
    F: FnOnce() -> Result<Value, ApiError> + Send + 'static,
{
    tokio::task::spawn_blocking(f)
        .await
        .unwrap_or_else(|e| Err(err(500, format!("fake NPM handler panicked: {e}"))))
}

pub(super) fn defaults() -> Map<String, Value> {
    let v = json!({
        "domain_names": [],
        "forward_scheme": "http",
        "forward_host": "",
        "forward_port": 80,
        "access_list_id": 0,
        "certificate_id": 0,
        "ssl_forced": false,
        "caching_enabled": false,
        "block_exploits": false,
        "advanced_config": "",
        "meta": {
            "letsencrypt_agree": false,
            "dns_challenge": false,
            "nginx_online": true,
            "nginx_err": null
        },
        "allow_websocket_upgrade": false,
        "http2_support": false,
        "enabled": true,
        "locations": [],
        "hsts_enabled": false,
        "hsts_subdomains": false,
        "trust_forwarded_proto": false
    });
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

pub(super) async fn handle(AxumState(inner): AxumState<Arc<Inner>>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, 16 << 20).await.unwrap_or_default();
    let method = parts.method.as_str().to_owned();
    let path = parts.uri.path().to_owned();
    let query = parts.uri.query().map(str::to_owned);
    let bearer = bearer_of(&parts.headers);
    let is_json = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().contains("json"));
    // Express' JSON parser: only for JSON content types; an empty body is {}.
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let (logged_body, parsed): (Value, Result<Value, String>) = if bytes.is_empty() {
        (Value::Null, Ok(json!({})))
    } else if !is_json {
        (Value::String(text), Ok(json!({})))
    } else {
        match serde_json::from_slice::<Value>(&bytes) {
            Ok(v) => (v.clone(), Ok(v)),
            Err(e) => (Value::String(text), Err(format!("Unexpected token in JSON: {e}"))),
        }
    };
    let result = inner
        .route(&method, &path, query.as_deref(), bearer.as_deref(), parsed)
        .await;
    let (status, out) = match result {
        Ok(ok) => ok,
        Err(e) => (e.status, error_body(e.status, &e.message)),
    };
    inner.state().log.push(LoggedRequest {
        method,
        path,
        query,
        body: logged_body,
        bearer,
        status,
    });
    let code = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (
        code,
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        Body::from(out.to_string()),
    )
        .into_response()
}

pub(super) fn bearer_of(headers: &HeaderMap) -> Option<String> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = v.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then(|| token.to_owned())
}
