//! A fake Nginx Proxy Manager (v2.15.1) for berth's tests.
//!
//! Control plane: an axum server on `127.0.0.1:<random port>` that follows
//! `shared/NPM_API.md` to the letter (schema rules, status codes, error bodies
//! `{"error":{"code":N,"message":"..."}}`, soft delete, partial PUT, duplicate
//! domains, token expiry answering 400).
//!
//! Data plane: a REAL nginx master (`/usr/sbin/nginx`, Debian's `nginx-light`)
//! with its own prefix in a temp dir. Every successful write renders the host
//! to `conf/proxy_host/<id>.conf`, runs `nginx -t`, and on failure removes the
//! file and sets `meta.nginx_online=false` + `meta.nginx_err` (still answering
//! 200/201, as NPM does); then it reloads nginx gracefully (SIGHUP to the
//! master) and answers before the new workers serve. Clients reach the routes
//! at [`FakeNpm::data_url`] with a `Host: <domain>` header; unknown hosts (and
//! hosts whose config failed) fall to a default server answering 404.
//!
//! Usage from a sync test that spawns berth:
//!
//! ```ignore
//! let npm = FakeNpm::start_blocking();          // exits naming scripts/test if nginx is missing
//! let mut ctx = TestContext::new();
//! for (k, v) in npm.berth_env() { ctx.env(&k, &v); }
//! // ... and berth's forward_by=ip setting (the host's nginx reaches
//! // containers by their bridge IP, not by name)
//! npm.create_host_by_hand(&["app.test"], "10.0.0.1", 80, json!({"certificate_id": 5}));
//! // ... run berth ...
//! assert!(npm.request_log().iter().all(|r| r.method != "DELETE"));
//! // drop(npm) stops the server and nginx and removes the temp dir.
//! ```
//!
//! What the fake does not do: certificates (certificate_id is stored and
//! expanded as a stub, no TLS is served), access lists (stored only),
//! redirection/404 hosts (only [`FakeNpm::reserve_domain`] to occupy a name),
//! and NPM's first `nginx -t` on the current config before a write (the fake's
//! config is only ever changed by the fake itself).
//!
//! Enabled vs serving: NPM renders a host on POST, PUT and `/enable`, and
//! removes its file on `/disable` and DELETE; `PUT {"enabled":false}` changes
//! the stored flag but does not take the host offline. The fake keeps an
//! internal "live" flag to the same effect: POST sets it from `enabled`, only
//! `/enable` and `/disable` change it afterwards.
//!
//! Timing: on SIGHUP the nginx master starts new workers and waits 100 ms
//! before telling the old ones to quit, so the old config keeps serving for
//! about 100 ms after a write answers (NPM was seen at 7-35 ms): a swap must
//! keep the old upstream alive at least that long (berth's `drain_ms`).
//! Old workers close idle keep-alive connections when they quit.
//!
//! Auth: a missing token answers 404 `Not Found - <id>` on `/{id}` paths and
//! 500 `Internal Error` elsewhere; an unknown (malformed, foreign) token 500;
//! an expired one 400 `Token has expired`.
//!
//! The request log is in order of completion. nginx runs in the foreground
//! as a child of the test process: Drop stops it (SIGQUIT, then SIGKILL to
//! the master and its workers); a test process killed with SIGKILL leaves it.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener as StdTcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::body::Body;
use axum::extract::{Request, State as AxumState};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

/// Settings for [`FakeNpm::start`]. `Default` gives a plain admin account.
#[derive(Debug, Clone)]
pub struct FakeNpmOptions {
    pub email: String,
    pub password: String,
    /// The account has 2FA: a correct login answers
    /// `{requires_2fa:true, challenge_token}` instead of a token.
    pub two_factor: bool,
    /// Lifetime of issued tokens (NPM: 1 day).
    pub token_ttl: Duration,
}

impl Default for FakeNpmOptions {
    fn default() -> Self {
        FakeNpmOptions {
            email: "admin@example.com".to_owned(),
            password: "fake-npm-secret".to_owned(),
            two_factor: false,
            token_ttl: Duration::from_secs(24 * 3600),
        }
    }
}

/// One request the control plane received (requests refused while
/// unreachable never arrive, so they are not logged).
#[derive(Debug, Clone, PartialEq)]
pub struct LoggedRequest {
    /// `GET`, `POST`, `PUT`, `DELETE`...
    pub method: String,
    /// Path without the query string, e.g. `/api/nginx/proxy-hosts/3`.
    pub path: String,
    pub query: Option<String>,
    /// The JSON body; `Null` when there was none; a `String` holding the raw
    /// text when it was not JSON.
    pub body: Value,
    /// The Bearer token sent, if any.
    pub bearer: Option<String>,
    /// The status the fake answered.
    pub status: u16,
}

impl LoggedRequest {
    /// Top-level keys of a JSON object body, sorted (empty otherwise).
    pub fn body_keys(&self) -> Vec<String> {
        let mut keys: Vec<String> = self
            .body
            .as_object()
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default();
        keys.sort();
        keys
    }

    /// Whether this is a call on the proxy-hosts API (list, one, or action).
    pub fn is_proxy_hosts(&self) -> bool {
        self.path.starts_with("/api/nginx/proxy-hosts")
    }
}

/// The writable proxy-host fields, in the order NPM returns them.
const WRITABLE: &[&str] = &[
    "domain_names",
    "forward_scheme",
    "forward_host",
    "forward_port",
    "access_list_id",
    "certificate_id",
    "ssl_forced",
    "caching_enabled",
    "block_exploits",
    "advanced_config",
    "meta",
    "allow_websocket_upgrade",
    "http2_support",
    "enabled",
    "locations",
    "hsts_enabled",
    "hsts_subdomains",
    "trust_forwarded_proto",
];

const BOOLEANS: &[&str] = &[
    "ssl_forced",
    "caching_enabled",
    "block_exploits",
    "allow_websocket_upgrade",
    "http2_support",
    "enabled",
    "hsts_enabled",
    "hsts_subdomains",
    "trust_forwarded_proto",
];

const REQUIRED_ON_CREATE: &[&str] = &["domain_names", "forward_scheme", "forward_host", "forward_port"];

const LOCATION_KEYS: &[&str] = &[
    "id",
    "path",
    "forward_scheme",
    "forward_host",
    "forward_port",
    "forward_path",
    "advanced_config",
    "location_type",
];

/// NPM's pattern for a domain name (characters that may not appear).
const DOMAIN_FORBIDDEN: &str = "&| @!#%^();:/\\}{=+?<>,~`'\"";

const BROKEN_DIRECTIVE: &str = "fake_npm_broken_directive on;";

// ---------------------------------------------------------------- errors ---

#[derive(Debug, Clone)]
struct ApiError {
    status: u16,
    message: String,
}

fn err(status: u16, message: impl Into<String>) -> ApiError {
    ApiError {
        status,
        message: message.into(),
    }
}

fn bad(message: impl Into<String>) -> ApiError {
    err(400, message)
}

fn internal() -> ApiError {
    err(500, "Internal Error")
}

fn error_body(status: u16, message: &str) -> Value {
    json!({ "error": { "code": status, "message": message } })
}

// ----------------------------------------------------------------- state ---

#[derive(Debug, Clone)]
struct Host {
    id: i64,
    created_on: String,
    modified_on: String,
    deleted: bool,
    /// Whether the host's conf should be rendered (see the module docs).
    live: bool,
    /// All writable fields, in `WRITABLE` order.
    fields: Map<String, Value>,
}

impl Host {
    fn json(&self) -> Value {
        let mut m = Map::new();
        m.insert("id".into(), json!(self.id));
        m.insert("created_on".into(), json!(self.created_on));
        m.insert("modified_on".into(), json!(self.modified_on));
        m.insert("owner_user_id".into(), json!(1));
        for k in WRITABLE {
            if let Some(v) = self.fields.get(*k) {
                m.insert((*k).to_owned(), v.clone());
            }
        }
        Value::Object(m)
    }

    fn domains(&self) -> Vec<String> {
        str_list(self.fields.get("domain_names"))
    }

    fn enabled(&self) -> bool {
        self.fields.get("enabled").and_then(Value::as_bool).unwrap_or(true)
    }

    fn meta_mut(&mut self) -> &mut Map<String, Value> {
        let meta = self.fields.entry("meta").or_insert_with(|| Value::Object(Map::new()));
        if !meta.is_object() {
            *meta = Value::Object(Map::new());
        }
        match meta {
            Value::Object(m) => m,
            _ => unreachable!("meta was just made an object"),
        }
    }
}

fn str_list(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| a.iter().filter_map(|d| d.as_str().map(str::to_owned)).collect())
        .unwrap_or_default()
}

#[derive(Debug, Clone)]
enum Action {
    Fail(u16),
    ExpireTokens,
}

#[derive(Debug, Clone)]
struct Rule {
    method: String,
    path_contains: String,
    remaining: usize,
    action: Action,
}

#[derive(Debug, Clone, Copy)]
struct TokenInfo {
    serial: u64,
    expires: Instant,
}

#[derive(Debug, Default)]
struct State {
    hosts: BTreeMap<i64, Host>,
    next_id: i64,
    tokens: HashMap<String, TokenInfo>,
    next_serial: u64,
    /// Tokens with a serial below this are expired.
    expired_below: u64,
    log: Vec<LoggedRequest>,
    rules: Vec<Rule>,
    broken: HashSet<i64>,
    next_write_offline: bool,
    reserved: Vec<String>,
    reloads: u64,
}

impl State {
    fn live_host(&self, id: i64) -> Result<&Host, ApiError> {
        match self.hosts.get(&id) {
            Some(h) if !h.deleted => Ok(h),
            _ => Err(err(404, format!("Not Found - {id}"))),
        }
    }

    fn live_host_mut(&mut self, id: i64) -> Result<&mut Host, ApiError> {
        match self.hosts.get_mut(&id) {
            Some(h) if !h.deleted => Ok(h),
            _ => Err(err(404, format!("Not Found - {id}"))),
        }
    }

    /// NPM: a domain used by another (non-deleted) host, enabled or not.
    fn check_domains(&self, domains: &[String], own: Option<i64>) -> Result<(), ApiError> {
        for d in domains {
            let lower = d.to_lowercase();
            let taken_by_host = self
                .hosts
                .values()
                .any(|h| !h.deleted && Some(h.id) != own && h.domains().iter().any(|x| x.to_lowercase() == lower));
            let reserved = self.reserved.iter().any(|x| x.to_lowercase() == lower);
            if taken_by_host || reserved {
                return Err(bad(format!("{d} is already in use")));
            }
        }
        Ok(())
    }

    fn token_status(&self, token: &str) -> Result<(), ApiError> {
        match self.tokens.get(token) {
            None => Err(internal()),
            Some(t) if t.serial < self.expired_below || Instant::now() >= t.expires => Err(bad("Token has expired")),
            Some(_) => Ok(()),
        }
    }

    /// The first matching rule, consumed.
    fn take_rule(&mut self, method: &str, path: &str) -> Option<Action> {
        let rule = self.rules.iter_mut().find(|r| {
            r.remaining > 0
                && (r.method == "*" || r.method.eq_ignore_ascii_case(method))
                && path.contains(&r.path_contains)
        })?;
        rule.remaining -= 1;
        let action = rule.action.clone();
        self.rules.retain(|r| r.remaining > 0);
        Some(action)
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

// ----------------------------------------------------------------- nginx ---

/// A real nginx master the tests started (`daemon off`: their child).
#[derive(Debug)]
pub struct Nginx {
    pub bin: PathBuf,
    pub prefix: PathBuf,
    pub conf: PathBuf,
    hosts_dir: PathBuf,
    pub error_log: PathBuf,
    pub data_port: u16,
    pub master_pid: u32,
}

impl Nginx {
    fn host_file(&self, id: i64) -> PathBuf {
        self.hosts_dir.join(format!("{id}.conf"))
    }

    /// `nginx -t`; Err carries nginx's message.
    fn test(&self) -> Result<(), String> {
        let out = Command::new(&self.bin)
            .arg("-t")
            .arg("-q")
            .args(["-e", "stderr"])
            .arg("-p")
            .arg(&self.prefix)
            .arg("-c")
            .arg(&self.conf)
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("could not run nginx -t: {e}"))?;
        if out.status.success() {
            Ok(())
        } else {
            let stderr = String::from_utf8_lossy(&out.stderr).trim().to_owned();
            Err(format!("Command failed: nginx -t\n{stderr}"))
        }
    }

    /// Graceful reload: SIGHUP to the master (what `nginx -s reload` does).
    fn reload(&self) -> Result<(), String> {
        signal(self.master_pid, "HUP")
    }
}

pub fn signal(pid: u32, sig: &str) -> Result<(), String> {
    let out = Command::new("kill")
        .arg(format!("-{sig}"))
        .arg(pid.to_string())
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("could not run kill: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "kill -{sig} {pid}: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// Direct children of `ppid` (nginx workers of a master).
pub fn child_pids(ppid: u32) -> Vec<u32> {
    let mut pids = Vec::new();
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return pids;
    };
    for entry in dir.flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // "pid (comm) state ppid ..." ; comm may contain spaces and ')'.
        let Some(rest) = stat.rfind(')').map(|i| &stat[i + 1..]) else {
            continue;
        };
        let parent = rest.split_whitespace().nth(1).and_then(|s| s.parse::<u32>().ok());
        if parent == Some(ppid) {
            pids.push(pid);
        }
    }
    pids
}

/// The nginx binary: `$BERTH_TEST_NGINX`, `/usr/sbin/nginx`, or `nginx` on PATH.
pub fn find_nginx() -> PathBuf {
    if let Some(p) = std::env::var_os("BERTH_TEST_NGINX") {
        return PathBuf::from(p);
    }
    let sbin = PathBuf::from("/usr/sbin/nginx");
    if sbin.is_file() {
        return sbin;
    }
    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path) {
            let candidate = dir.join("nginx");
            if candidate.is_file() {
                return candidate;
            }
        }
    }
    super::missing_test_env(
        "the fake NPM needs a real nginx as its data plane, and none was found (not at /usr/sbin/nginx, not on \
         PATH, BERTH_TEST_NGINX unset)",
    );
}

pub fn free_port() -> u16 {
    StdTcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("fake NPM: bind 127.0.0.1:0 to pick a port")
}

fn main_conf(prefix: &Path, port: u16, as_root: bool) -> String {
    let p = prefix.display();
    let user = if as_root { "user root root;\n" } else { "" };
    format!(
        "# fake NPM data plane\n\
         daemon off;\n\
         master_process on;\n\
         worker_processes 2;\n\
         {user}\
         pid {p}/logs/nginx.pid;\n\
         error_log {p}/logs/error.log notice;\n\
         worker_shutdown_timeout 10s;\n\
         events {{ worker_connections 1024; }}\n\
         http {{\n\
         \x20   default_type text/plain;\n\
         \x20   log_format berth '$time_iso8601 pid=$pid $host \"$request\" $status $body_bytes_sent \
         upstream=$upstream_addr upstream_status=$upstream_status rt=$request_time';\n\
         \x20   access_log {p}/logs/access.log berth;\n\
         \x20   client_body_temp_path {p}/temp/client_body;\n\
         \x20   proxy_temp_path {p}/temp/proxy;\n\
         \x20   server_names_hash_bucket_size 128;\n\
         \x20   server_names_hash_max_size 8192;\n\
         \x20   keepalive_timeout 75s;\n\
         \x20   # the default site: unknown hosts and offline hosts land here\n\
         \x20   server {{\n\
         \x20       listen 127.0.0.1:{port} default_server;\n\
         \x20       server_name _;\n\
         \x20       location / {{ return 404 \"fake-npm default site\\n\"; }}\n\
         \x20   }}\n\
         \x20   include {p}/conf/proxy_host/*.conf;\n\
         }}\n"
    )
}

fn render_host(h: &Host, port: u16, broken: bool) -> String {
    let f = &h.fields;
    let s = |k: &str| f.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
    let domains = h.domains().join(" ");
    let scheme = s("forward_scheme");
    let fhost = s("forward_host");
    let fport = f.get("forward_port").and_then(Value::as_i64).unwrap_or(80);
    let websocket = f
        .get("allow_websocket_upgrade")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let connection = if websocket {
        "proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Connection $http_connection;"
    } else {
        "proxy_set_header Connection \"\";"
    };
    let mut out = format!(
        "# ------------------------------------------------------------\n\
         # {domains}\n\
         # ------------------------------------------------------------\n\
         server {{\n\
         \x20   listen 127.0.0.1:{port};\n\
         \x20   server_name {domains};\n"
    );
    if broken {
        out.push_str(&format!("    {BROKEN_DIRECTIVE}\n"));
    }
    let advanced = s("advanced_config");
    if !advanced.trim().is_empty() {
        out.push_str(&advanced);
        out.push('\n');
    }
    if let Some(locations) = f.get("locations").and_then(Value::as_array) {
        for loc in locations {
            let ls = |k: &str| loc.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
            let lport = loc.get("forward_port").and_then(Value::as_i64).unwrap_or(80);
            let lscheme = match ls("forward_scheme").as_str() {
                "" => "http".to_owned(),
                other => other.to_owned(),
            };
            out.push_str(&format!(
                "    location {} {{\n        proxy_pass {lscheme}://{}:{lport}{};\n        {}\n    }}\n",
                ls("path"),
                ls("forward_host"),
                ls("forward_path"),
                ls("advanced_config"),
            ));
        }
    }
    out.push_str(&format!(
        "    location / {{\n\
         \x20       proxy_pass {scheme}://{fhost}:{fport};\n\
         \x20       proxy_http_version 1.1;\n\
         \x20       {connection}\n\
         \x20       proxy_set_header Host $host;\n\
         \x20       proxy_set_header X-Real-IP $remote_addr;\n\
         \x20       proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n\
         \x20       proxy_set_header X-Forwarded-Proto $scheme;\n\
         \x20   }}\n\
         }}\n"
    ));
    out
}

// ------------------------------------------------------------ validation ---

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Create,
    Update,
}

fn validate_host_body(body: &Value, mode: Mode) -> Result<Map<String, Value>, ApiError> {
    let Some(obj) = body.as_object() else {
        return Err(bad("data must be object"));
    };
    if obj.keys().any(|k| !WRITABLE.contains(&k.as_str())) {
        return Err(bad("data must NOT have additional properties"));
    }
    match mode {
        Mode::Create => {
            for r in REQUIRED_ON_CREATE {
                if !obj.contains_key(*r) {
                    return Err(bad(format!("data must have required property '{r}'")));
                }
            }
        }
        Mode::Update => {
            if obj.is_empty() {
                return Err(bad("data must NOT have fewer than 1 properties"));
            }
        }
    }
    let mut out = obj.clone();
    for (k, v) in obj {
        let at = format!("data/{k}");
        match k.as_str() {
            "domain_names" => {
                let sorted = validate_domains(v)?;
                out.insert(k.clone(), json!(sorted));
            }
            "forward_scheme" => validate_scheme(v, &at)?,
            "forward_host" => validate_string(v, &at, 1, 255)?,
            // The real NPM coerces types (ajv `coerceTypes`): "8080" is
            // stored as 8080.
            "forward_port" => {
                let n = validate_int(v, &at, 1, Some(65535))?;
                out.insert(k.clone(), json!(n));
            }
            "certificate_id" | "access_list_id" => {
                let n = validate_int(v, &at, 0, None)?;
                out.insert(k.clone(), json!(n));
            }
            "advanced_config" => validate_string(v, &at, 0, usize::MAX)?,
            "meta" if !v.is_object() => return Err(bad(format!("{at} must be object"))),
            "locations" => validate_locations(v)?,
            b if BOOLEANS.contains(&b) && !v.is_boolean() => {
                return Err(bad(format!("{at} must be boolean")));
            }
            _ => {}
        }
    }
    Ok(out)
}

/// Returns the names sorted (NPM stores them sorted).
fn validate_domains(v: &Value) -> Result<Vec<String>, ApiError> {
    let Some(arr) = v.as_array() else {
        return Err(bad("data/domain_names must be array"));
    };
    if arr.is_empty() {
        return Err(bad("data/domain_names must NOT have fewer than 1 items"));
    }
    if arr.len() > 100 {
        return Err(bad("data/domain_names must NOT have more than 100 items"));
    }
    let mut names: Vec<String> = Vec::new();
    for (i, d) in arr.iter().enumerate() {
        let Some(s) = d.as_str() else {
            return Err(bad(format!("data/domain_names/{i} must be string")));
        };
        if s.is_empty() || s.chars().any(|c| DOMAIN_FORBIDDEN.contains(c)) {
            return Err(bad(format!(
                "data/domain_names/{i} must match pattern \"^[^{DOMAIN_FORBIDDEN}]+$\""
            )));
        }
        if let Some(j) = names.iter().position(|n| n.to_lowercase() == s.to_lowercase()) {
            return Err(bad(format!(
                "data/domain_names must NOT have duplicate items (items ## {i} and {j} are identical)"
            )));
        }
        names.push(s.to_owned());
    }
    names.sort();
    Ok(names)
}

fn validate_scheme(v: &Value, at: &str) -> Result<(), ApiError> {
    match v.as_str() {
        Some("http" | "https") => Ok(()),
        Some(_) => Err(bad(format!("{at} must be equal to one of the allowed values"))),
        None => Err(bad(format!("{at} must be string"))),
    }
}

fn validate_string(v: &Value, at: &str, min: usize, max: usize) -> Result<(), ApiError> {
    let Some(s) = v.as_str() else {
        return Err(bad(format!("{at} must be string")));
    };
    let n = s.chars().count();
    if n < min {
        return Err(bad(format!("{at} must NOT have fewer than {min} characters")));
    }
    if n > max {
        return Err(bad(format!("{at} must NOT have more than {max} characters")));
    }
    Ok(())
}

/// An integer, or a string holding one (coerced, as the real NPM does).
fn validate_int(v: &Value, at: &str, min: i64, max: Option<i64>) -> Result<i64, ApiError> {
    let n = match v {
        Value::String(s) => s.trim().parse::<i64>().ok(),
        other => other.as_i64(),
    };
    let Some(n) = n else {
        return Err(bad(format!("{at} must be integer")));
    };
    if n < min {
        return Err(bad(format!("{at} must be >= {min}")));
    }
    if let Some(max) = max
        && n > max
    {
        return Err(bad(format!("{at} must be <= {max}")));
    }
    Ok(n)
}

fn validate_locations(v: &Value) -> Result<(), ApiError> {
    if v.is_null() {
        return Ok(());
    }
    let Some(arr) = v.as_array() else {
        return Err(bad("data/locations must be array,null"));
    };
    for (i, loc) in arr.iter().enumerate() {
        let at = format!("data/locations/{i}");
        let Some(o) = loc.as_object() else {
            return Err(bad(format!("{at} must be object")));
        };
        if o.keys().any(|k| !LOCATION_KEYS.contains(&k.as_str())) {
            return Err(bad(format!("{at} must NOT have additional properties")));
        }
        for r in ["path", "forward_host", "forward_port"] {
            if !o.contains_key(r) {
                return Err(bad(format!("{at} must have required property '{r}'")));
            }
        }
        validate_string(&o["path"], &format!("{at}/path"), 1, usize::MAX)?;
        validate_string(&o["forward_host"], &format!("{at}/forward_host"), 1, 255)?;
        validate_int(&o["forward_port"], &format!("{at}/forward_port"), 1, Some(65535))?;
        if let Some(s) = o.get("forward_scheme") {
            validate_scheme(s, &format!("{at}/forward_scheme"))?;
        }
    }
    Ok(())
}

// ------------------------------------------------------------ helpers ---

fn now_str() -> String {
    let fmt = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    time::OffsetDateTime::now_utc().format(&fmt).unwrap_or_default()
}

fn b64url(data: &[u8]) -> String {
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

static NONCE: AtomicU64 = AtomicU64::new(0);

fn random_bytes(n: usize) -> Vec<u8> {
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

fn percent_decode(s: &str) -> String {
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

fn query_param(query: Option<&str>, name: &str) -> Option<String> {
    query?.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (percent_decode(k) == name).then(|| percent_decode(v))
    })
}

/// Parses `?expand=`; any relation other than owner/certificate/access_list
/// makes NPM answer 500.
fn parse_expand(query: Option<&str>) -> Result<Vec<String>, ApiError> {
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

fn expand_host(h: &Host, expand: &[String], email: &str) -> Value {
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

const WRITE_EXPAND: &[&str] = &["owner", "certificate", "access_list"];

// ----------------------------------------------------------------- inner ---

struct Inner {
    opts: FakeNpmOptions,
    state: Mutex<State>,
    /// Serialises every write and its render/test/reload.
    write_lock: Mutex<()>,
    nginx: Nginx,
}

impl Inner {
    fn state(&self) -> MutexGuard<'_, State> {
        lock(&self.state)
    }

    fn issue_token(&self) -> Value {
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

    fn login(&self, body: &Value) -> Result<Value, ApiError> {
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
    fn auth(&self, bearer: Option<&str>, what: &str) -> Result<(), ApiError> {
        match bearer {
            None => Err(err(404, format!("Not Found - {what}"))),
            Some(t) => self.state().token_status(t),
        }
    }

    fn expanded(&self, id: i64, expand: &[String]) -> Result<Value, ApiError> {
        let st = self.state();
        let h = st.live_host(id)?;
        Ok(expand_host(h, expand, &self.opts.email))
    }

    fn write_expanded(&self, id: i64) -> Result<Value, ApiError> {
        let expand: Vec<String> = WRITE_EXPAND.iter().map(|s| (*s).to_owned()).collect();
        self.expanded(id, &expand)
    }

    fn list(&self, query: Option<&str>) -> Result<Value, ApiError> {
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

    fn create(&self, body: &Value) -> Result<Value, ApiError> {
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

    fn update(&self, id: i64, body: &Value) -> Result<Value, ApiError> {
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

    fn delete(&self, id: i64) -> Result<Value, ApiError> {
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

    fn set_enabled(&self, id: i64, on: bool) -> Result<Value, ApiError> {
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
    fn apply_nginx(&self, id: i64, is_render: bool) -> Result<(), ApiError> {
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
    async fn route(
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

fn defaults() -> Map<String, Value> {
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

async fn handle(AxumState(inner): AxumState<Arc<Inner>>, req: Request) -> Response {
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

fn bearer_of(headers: &HeaderMap) -> Option<String> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = v.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then(|| token.to_owned())
}

// ---------------------------------------------------------------- handle ---

struct ServerTask {
    shutdown: tokio::sync::oneshot::Sender<()>,
    handle: tokio::task::JoinHandle<()>,
}

/// A running fake NPM: control plane + real nginx. Dropping it stops both
/// and removes its temp dir.
pub struct FakeNpm {
    inner: Arc<Inner>,
    addr: SocketAddr,
    rt: Option<tokio::runtime::Runtime>,
    server: Mutex<Option<ServerTask>>,
    nginx_child: Mutex<Option<Child>>,
    dir: Option<tempfile::TempDir>,
}

impl FakeNpm {
    /// Starts from async code. The fake always runs on its own runtime (so it
    /// may be dropped anywhere); this only moves the blocking start-up off
    /// the caller's. Panics (with the fix) when nginx is missing.
    pub async fn start(opts: FakeNpmOptions) -> FakeNpm {
        match tokio::task::spawn_blocking(move || FakeNpm::start_blocking_with(opts)).await {
            Ok(npm) => npm,
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            Err(e) => panic!("fake NPM start-up was cancelled: {e}"),
        }
    }

    /// Starts with default options, from sync code.
    pub fn start_blocking() -> FakeNpm {
        FakeNpm::start_blocking_with(FakeNpmOptions::default())
    }

    /// Starts from sync code. Panics (with the fix) when nginx is missing.
    pub fn start_blocking_with(opts: FakeNpmOptions) -> FakeNpm {
        let bin = find_nginx();
        let dir = tempfile::Builder::new()
            .prefix("fake-npm-")
            .tempdir()
            .expect("fake NPM: temp dir");
        let prefix = dir.path().to_path_buf();
        for sub in ["conf/proxy_host", "logs", "temp"] {
            std::fs::create_dir_all(prefix.join(sub)).expect("fake NPM: mkdir");
        }
        let (child, nginx) = start_nginx(&bin, &prefix, &main_conf);
        let inner = Arc::new(Inner {
            opts,
            state: Mutex::new(State::default()),
            write_lock: Mutex::new(()),
            nginx,
        });
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("fake-npm")
            .enable_all()
            .build()
            .expect("fake NPM: tokio runtime");
        let listener = StdTcpListener::bind("127.0.0.1:0").expect("fake NPM: bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("fake NPM: local addr");
        let npm = FakeNpm {
            inner,
            addr,
            rt: Some(rt),
            server: Mutex::new(None),
            nginx_child: Mutex::new(Some(child)),
            dir: Some(dir),
        };
        npm.serve(listener);
        npm
    }

    fn rt(&self) -> &tokio::runtime::Runtime {
        self.rt.as_ref().expect("fake NPM runtime is running")
    }

    fn serve(&self, listener: StdTcpListener) {
        listener.set_nonblocking(true).expect("fake NPM: nonblocking listener");
        let app = axum::Router::new().fallback(handle).with_state(Arc::clone(&self.inner));
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let handle = self.rt().spawn(async move {
            let listener = match tokio::net::TcpListener::from_std(listener) {
                Ok(l) => l,
                Err(e) => panic!("fake NPM: listener: {e}"),
            };
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = rx.await;
                })
                .await;
        });
        *lock(&self.server) = Some(ServerTask { shutdown: tx, handle });
    }

    fn stop_server(&self) {
        let Some(task) = lock(&self.server).take() else {
            return;
        };
        let _ = task.shutdown.send(());
        let abort = task.handle.abort_handle();
        let (tx, rx) = std::sync::mpsc::channel();
        let handle = task.handle;
        self.rt().spawn(async move {
            let _ = tokio::time::timeout(Duration::from_secs(5), handle).await;
            let _ = tx.send(());
        });
        let _ = rx.recv_timeout(Duration::from_secs(6));
        abort.abort();
    }

    // ------------------------------------------------------------ addresses

    /// `http://127.0.0.1:PORT` (the API is under `/api/`).
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `http://127.0.0.1:<data port>`: nginx; send `Host: <domain>`.
    pub fn data_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.inner.nginx.data_port)
    }

    pub fn data_port(&self) -> u16 {
        self.inner.nginx.data_port
    }

    pub fn email(&self) -> &str {
        &self.inner.opts.email
    }

    pub fn password(&self) -> &str {
        &self.inner.opts.password
    }

    /// `BERTH_NPM_URL`, `BERTH_NPM_EMAIL`, `BERTH_NPM_PASSWORD` for this fake.
    pub fn berth_env(&self) -> Vec<(String, String)> {
        vec![
            ("BERTH_NPM_URL".to_owned(), self.url()),
            ("BERTH_NPM_EMAIL".to_owned(), self.email().to_owned()),
            ("BERTH_NPM_PASSWORD".to_owned(), self.password().to_owned()),
        ]
    }

    /// A valid token, issued without a request (e.g. for `BERTH_NPM_TOKEN`).
    pub fn issue_token(&self) -> String {
        self.inner.issue_token()["token"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    // ------------------------------------------------------------- controls

    /// Every token issued so far answers 400 `Token has expired` from now on.
    pub fn expire_all_tokens(&self) {
        let mut st = self.inner.state();
        st.expired_below = st.next_serial;
    }

    /// When the next `PUT` arrives, expire all tokens first (so that PUT
    /// answers 400 `Token has expired`): re-login mid-deploy.
    pub fn expire_tokens_at_next_put(&self) {
        self.expire_tokens_at_next("PUT", "/api/nginx/proxy-hosts/");
    }

    /// When the next request with `method` (`"*"`: any) whose path contains
    /// `path_contains` arrives, expire all tokens issued so far first.
    pub fn expire_tokens_at_next(&self, method: &str, path_contains: &str) {
        self.push_rule(method, path_contains, 1, Action::ExpireTokens);
    }

    /// The next PUT on a proxy host answers `status` without applying.
    pub fn fail_next_put(&self, status: u16) {
        self.fail_puts(1, status);
    }

    /// The next `n` PUTs on proxy hosts answer `status` without applying.
    pub fn fail_puts(&self, n: usize, status: u16) {
        self.fail_requests("PUT", "/api/nginx/proxy-hosts/", n, status);
    }

    /// The next `n` requests with `method` (`"*"`: any) whose path contains
    /// `path_contains` answer `status` (`{"error":{...}}`) without effect.
    /// Rules are consumed in the order they were added.
    pub fn fail_requests(&self, method: &str, path_contains: &str, n: usize, status: u16) {
        self.push_rule(method, path_contains, n, Action::Fail(status));
    }

    /// Drops all pending failure/expiry rules.
    pub fn clear_failures(&self) {
        self.inner.state().rules.clear();
    }

    fn push_rule(&self, method: &str, path_contains: &str, n: usize, action: Action) {
        self.inner.state().rules.push(Rule {
            method: method.to_owned(),
            path_contains: path_contains.to_owned(),
            remaining: n,
            action,
        });
    }

    /// `true`: the API stops listening (the port is closed: new connections
    /// are refused; open keep-alive connections are closed once idle).
    /// `false`: listens again on the same port. nginx keeps serving.
    pub fn set_unreachable(&self, unreachable: bool) {
        if unreachable {
            self.stop_server();
            return;
        }
        if lock(&self.server).is_some() {
            return;
        }
        let deadline = Instant::now() + Duration::from_secs(5);
        let listener = loop {
            match StdTcpListener::bind(self.addr) {
                Ok(l) => break l,
                Err(e) if Instant::now() < deadline => {
                    let _ = e;
                    std::thread::sleep(Duration::from_millis(50));
                }
                Err(e) => panic!("fake NPM: could not listen on {} again: {e}", self.addr),
            }
        };
        self.serve(listener);
    }

    /// Every render of host `id` fails `nginx -t` (until [`Self::fix_nginx_for`]):
    /// writes answer 200/201 with `meta.nginx_online=false` and `nginx_err`;
    /// the host's conf file is removed so its traffic falls to the default site.
    pub fn break_nginx_for(&self, id: i64) {
        self.inner.state().broken.insert(id);
    }

    pub fn fix_nginx_for(&self, id: i64) {
        self.inner.state().broken.remove(&id);
    }

    /// The next rendering write (POST, PUT or enable) fails `nginx -t`, as
    /// [`Self::break_nginx_for`] does, once.
    pub fn make_next_write_offline(&self) {
        self.inner.state().next_write_offline = true;
    }

    /// Occupies a domain as if by a redirection or 404 host (not listed among
    /// proxy hosts): POST/PUT using it answer 400 `<domain> is already in use`.
    pub fn reserve_domain(&self, domain: &str) {
        self.inner.state().reserved.push(domain.to_owned());
    }

    // ------------------------------------------------------------ inspection

    /// Every request received so far, in order.
    pub fn request_log(&self) -> Vec<LoggedRequest> {
        self.inner.state().log.clone()
    }

    pub fn clear_request_log(&self) {
        self.inner.state().log.clear();
    }

    /// The host as `GET /api/nginx/proxy-hosts/{id}` shows it; None if missing or deleted.
    pub fn host(&self, id: i64) -> Option<Value> {
        self.inner.expanded(id, &[]).ok()
    }

    /// All non-deleted hosts, as `GET /api/nginx/proxy-hosts` lists them.
    pub fn hosts(&self) -> Vec<Value> {
        match self.inner.list(None) {
            Ok(Value::Array(a)) => a,
            _ => Vec::new(),
        }
    }

    /// Whether host `id` existed and was (soft-)deleted.
    pub fn is_deleted(&self, id: i64) -> bool {
        self.inner.state().hosts.get(&id).is_some_and(|h| h.deleted)
    }

    /// The rendered nginx server block of host `id`, if it is on disk.
    pub fn host_conf(&self, id: i64) -> Option<String> {
        std::fs::read_to_string(self.inner.nginx.host_file(id)).ok()
    }

    /// How many reloads nginx was sent.
    pub fn reloads(&self) -> u64 {
        self.inner.state().reloads
    }

    /// The nginx prefix (conf/, logs/, temp/).
    pub fn nginx_prefix(&self) -> &Path {
        &self.inner.nginx.prefix
    }

    /// nginx's error log so far.
    pub fn nginx_error_log(&self) -> String {
        std::fs::read_to_string(&self.inner.nginx.error_log).unwrap_or_default()
    }

    /// One blocking `GET <path>` through nginx with `Host: <domain>` on a
    /// fresh connection (HTTP/1.0, so the body ends at close): (status, body).
    pub fn fetch(&self, domain: &str, path: &str) -> std::io::Result<(u16, String)> {
        let addr = SocketAddr::from(([127, 0, 0, 1], self.inner.nginx.data_port));
        let mut conn = TcpStream::connect_timeout(&addr, Duration::from_secs(5))?;
        conn.set_read_timeout(Some(Duration::from_secs(10)))?;
        conn.write_all(format!("GET {path} HTTP/1.0\r\nHost: {domain}\r\n\r\n").as_bytes())?;
        let mut raw = Vec::new();
        conn.read_to_end(&mut raw)?;
        let text = String::from_utf8_lossy(&raw);
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        let status = head
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse::<u16>().ok())
            .ok_or_else(|| std::io::Error::new(ErrorKind::InvalidData, format!("not an HTTP answer: {head:?}")))?;
        Ok((status, body.to_owned()))
    }

    /// Creates a host as an operator would in NPM's UI (same validation and
    /// render as POST, not logged). `extra` holds more writable fields, e.g.
    /// `json!({"certificate_id": 5, "advanced_config": "# keep me"})`.
    /// Panics when NPM would refuse it. Returns the host as POST answers it.
    pub fn create_host_by_hand(&self, domains: &[&str], forward_host: &str, forward_port: u16, extra: Value) -> Value {
        let mut body = json!({
            "domain_names": domains,
            "forward_scheme": "http",
            "forward_host": forward_host,
            "forward_port": forward_port,
        });
        if let (Some(b), Value::Object(extra)) = (body.as_object_mut(), extra) {
            for (k, v) in extra {
                b.insert(k, v);
            }
        }
        self.inner
            .create(&body)
            .unwrap_or_else(|e| panic!("fake NPM refused the host ({}): {}", e.status, e.message))
    }

    /// Edits a host as an operator would (a PUT, not logged). Panics when
    /// NPM would refuse it.
    pub fn update_host_by_hand(&self, id: i64, patch: Value) -> Value {
        self.inner
            .update(id, &patch)
            .unwrap_or_else(|e| panic!("fake NPM refused the edit ({}): {}", e.status, e.message))
    }

    /// Disables a host as an operator would (NPM's `/disable`: the stored
    /// `enabled` turns false and its config is no longer rendered). Panics
    /// when NPM would refuse it.
    pub fn disable_host_by_hand(&self, id: i64) {
        self.inner
            .set_enabled(id, false)
            .unwrap_or_else(|e| panic!("fake NPM refused to disable #{id} ({}): {}", e.status, e.message));
    }

    /// Stops the API and nginx and removes the temp dir (what Drop does).
    pub fn stop(self) {}

    fn stop_nginx(&self) {
        if let Some(child) = lock(&self.nginx_child).take() {
            stop_nginx_child(child);
        }
    }
}

/// Stops an nginx master the test started: a graceful quit, then KILL for
/// it and its workers after 3 s.
pub fn stop_nginx_child(mut child: Child) {
    let pid = child.id();
    let _ = signal(pid, "QUIT");
    if wait_exit(&mut child, Duration::from_secs(3)) {
        return;
    }
    let workers = child_pids(pid);
    let _ = child.kill();
    let _ = child.wait();
    for w in workers {
        let _ = signal(w, "KILL");
    }
}

pub fn wait_exit(child: &mut Child, within: Duration) -> bool {
    let deadline = Instant::now() + within;
    loop {
        match child.try_wait() {
            Ok(Some(_)) => return true,
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(20)),
            Ok(None) => return false,
            Err(_) => return false,
        }
    }
}

impl Drop for FakeNpm {
    fn drop(&mut self) {
        self.stop_server();
        self.stop_nginx();
        if let Some(rt) = self.rt.take() {
            rt.shutdown_background();
        }
        if let Some(dir) = self.dir.take() {
            let _ = dir.close();
        }
    }
}

/// Starts the nginx master (`daemon off`, so it is our child) on a free
/// port, retrying when another process grabbed the port meanwhile.
/// `render(prefix, port, as_root)` is the main config, written to
/// `<prefix>/conf/nginx.conf`.
pub fn start_nginx(bin: &Path, prefix: &Path, render: &dyn Fn(&Path, u16, bool) -> String) -> (Child, Nginx) {
    let conf = prefix.join("conf/nginx.conf");
    let error_log = prefix.join("logs/error.log");
    let pid_file = prefix.join("logs/nginx.pid");
    let as_root = std::fs::metadata(prefix)
        .map(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0)
        .unwrap_or(false);
    let mut last_error = String::new();
    for _attempt in 0..5 {
        let port = free_port();
        std::fs::write(&conf, render(prefix, port, as_root)).expect("fake NPM: write nginx.conf");
        let _ = std::fs::remove_file(&pid_file);
        let stderr = std::fs::File::create(prefix.join("logs/stderr.log")).expect("fake NPM: nginx stderr file");
        let mut child = Command::new(bin)
            .arg("-p")
            .arg(prefix)
            .arg("-c")
            .arg(&conf)
            .arg("-e")
            .arg(&error_log)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(stderr)
            .spawn()
            .unwrap_or_else(|e| panic!("fake NPM: could not start {}: {e}", bin.display()));
        let pid = child.id();
        let deadline = Instant::now() + Duration::from_secs(10);
        let ready = loop {
            if let Ok(Some(status)) = child.try_wait() {
                last_error = format!(
                    "nginx exited ({status}):\n{}\n{}",
                    std::fs::read_to_string(&error_log).unwrap_or_default(),
                    std::fs::read_to_string(prefix.join("logs/stderr.log")).unwrap_or_default()
                );
                break false;
            }
            let pid_written = std::fs::read_to_string(&pid_file)
                .map(|s| s.trim() == pid.to_string())
                .unwrap_or(false);
            if pid_written
                && TcpStream::connect_timeout(&SocketAddr::from(([127, 0, 0, 1], port)), Duration::from_millis(200))
                    .is_ok()
            {
                break true;
            }
            if Instant::now() >= deadline {
                last_error = format!(
                    "nginx did not come up on 127.0.0.1:{port} within 10 s:\n{}",
                    std::fs::read_to_string(&error_log).unwrap_or_default()
                );
                let _ = child.kill();
                let _ = child.wait();
                break false;
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        if ready {
            let nginx = Nginx {
                bin: bin.to_path_buf(),
                prefix: prefix.to_path_buf(),
                conf,
                hosts_dir: prefix.join("conf/proxy_host"),
                error_log,
                data_port: port,
                master_pid: pid,
            };
            return (child, nginx);
        }
        if !last_error.contains("Address already in use") {
            break;
        }
    }
    panic!("fake NPM: nginx ({}) failed to start: {last_error}", bin.display());
}

// ---- helpers of the routed tests ----------------------------------------------------

/// A unique test domain: `<prefix>-<4 random chars>.test`.
pub fn new_domain(prefix: &str) -> String {
    format!("{prefix}-{}.test", super::docker::random_suffix())
}

/// An image workload on `domains`, gated on /healthz.
pub fn routed(image: &str, domains: &[&str], drain_ms: u64) -> Value {
    json!({
        "image": image,
        "pull": "missing",
        "port": 8080,
        "domains": domains,
        "healthcheck": { "path": "/healthz", "interval_ms": 100, "deadline_ms": 5000 },
        "drain_ms": drain_ms,
        "stop_timeout_s": 2,
    })
}

/// Waits (up to 5 s: a write answers before nginx's new workers serve) until
/// nginx answers 200 `body` for `domain`.
#[track_caller]
pub fn assert_through_nginx(npm: &FakeNpm, domain: &str, body: &str) {
    let started = Instant::now();
    let mut last;
    loop {
        match npm.fetch(domain, "/") {
            Ok((200, got)) if got == body => return,
            other => last = format!("{other:?}"),
        }
        if started.elapsed() > Duration::from_secs(5) {
            panic!("nginx should answer 200 {body:?} for {domain}; last answer {last}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}
