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

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener as StdTcpListener, TcpStream};
use std::path::Path;
use std::process::Child;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

mod api;
mod model;
mod nginx;
mod validate;

use api::*;
use model::*;
pub use nginx::*;
use validate::*;

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
