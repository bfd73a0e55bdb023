//! Real proxies the router tests start on loopback, each on free ports in a
//! temp dir, as the tests' own children (a system nginx or caddy service is
//! never touched):
//!
//! - [`NginxProxy`]: an nginx master whose config includes berth's
//!   directory (`<prefix>/berth/*.conf`) and the operator's
//!   (`<prefix>/operator/*.conf`), with a default site.
//! - [`CaddyProxy`]: `caddy run` with its admin API on 127.0.0.1 and one
//!   HTTP server (`srv0`, automatic HTTPS off) holding an operator route.
//!
//! Both give berth its settings through the environment ([`Proxy::berth_env`]).

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{Value, json};

use super::fake_npm::{FakeNpm, Nginx, find_nginx, free_port, main_conf_prologue, start_nginx, stop_nginx_child};
use super::load::one_request;
use super::wait_until;

/// What the shared router scenarios need from a proxy.
pub trait Proxy {
    /// `nginx` or `caddy`: what berth's events and JSON call the router.
    fn router(&self) -> &'static str;
    /// The loopback port clients reach the domains on.
    fn data_port(&self) -> u16;
    /// berth's settings for this proxy (BERTH_ROUTER and the router's own).
    fn berth_env(&self) -> Vec<(String, String)>;
    /// Where the route of `workload` for `domain` forwards (`IP:PORT`), as
    /// the proxy's config says; None when there is no route.
    fn route_target(&self, workload: &str, domain: &str) -> Option<String>;
    /// Repoints the route of `workload` for `domain` at `ip:port` the way an
    /// operator's script would without berth (the proxy's own API, or a
    /// file edit and a reload), and returns once the proxy accepted it: the
    /// route switch of the docker-CLI swap the drain benchmark compares
    /// berth with.
    fn switch_by_hand(&self, workload: &str, domain: &str, ip: &str, port: u16);
}

/// One `GET /` through the proxy with `Host: <domain>`: (status, body).
pub fn fetch(port: u16, domain: &str) -> Result<(u16, String), String> {
    let mut conn = None;
    one_request(&mut conn, port, domain, "/").map(|(status, body, _)| (status, body))
}

/// Waits (5 s at most) until the proxy answers 200 `body` for `domain`.
#[track_caller]
pub fn assert_through(proxy: &dyn Proxy, domain: &str, body: &str) {
    let mut last = String::new();
    let ok = wait_until(Duration::from_secs(5), || match fetch(proxy.data_port(), domain) {
        Ok((200, got)) if got == body => true,
        other => {
            last = format!("{other:?}");
            false
        }
    });
    assert!(
        ok,
        "{} should answer 200 {body:?} for {domain}; last answer {last}",
        proxy.router()
    );
}

/// Waits (20 s at most) until every request through the proxy on `port`
/// answers 200 `body` for `domain` for one whole second (each on a fresh
/// connection, 10 ms apart): the point from which a load may count every
/// other answer as a failure. After a reload that created the route,
/// nginx's old workers keep accepting with the old config (the proxy's
/// default site) until the master tells them to quit: at least 100 ms
/// after the new ones started, longer on a busy machine; the first right
/// answer comes before that.
#[track_caller]
pub fn assert_settled(port: u16, domain: &str, body: &str) {
    let started = std::time::Instant::now();
    let mut right_since: Option<std::time::Instant> = None;
    let mut last = String::new();
    while started.elapsed() < Duration::from_secs(20) {
        match fetch(port, domain) {
            Ok((200, got)) if got == body => {
                let since = *right_since.get_or_insert_with(std::time::Instant::now);
                if since.elapsed() >= Duration::from_secs(1) {
                    return;
                }
            }
            other => {
                last = format!("{other:?}");
                right_since = None;
            }
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    panic!("port {port} never answered 200 {body:?} for {domain} for a whole second; last other answer {last}");
}

// ------------------------------------------------------------- fake NPM ---

/// The NPM proxy hosts among `hosts` that hold `domain` (case-insensitive).
pub fn hosts_with_domain(hosts: Vec<Value>, domain: &str) -> Vec<Value> {
    hosts
        .into_iter()
        .filter(|h| {
            h["domain_names"].as_array().is_some_and(|d| {
                d.iter()
                    .any(|x| x.as_str().is_some_and(|x| x.eq_ignore_ascii_case(domain)))
            })
        })
        .collect()
}

/// `forward_host:forward_port` of the one proxy host holding `domain`.
fn forward_of_host_with(hosts: Vec<Value>, domain: &str) -> Option<String> {
    let hosts = hosts_with_domain(hosts, domain);
    assert!(hosts.len() <= 1, "one proxy host per domain: {hosts:?}");
    let h = hosts.first()?;
    Some(format!(
        "{}:{}",
        h["forward_host"].as_str()?,
        h["forward_port"].as_i64()?
    ))
}

/// The fake NPM (its data plane is a real nginx), forwarding by IP.
impl Proxy for FakeNpm {
    fn router(&self) -> &'static str {
        "npm"
    }

    fn data_port(&self) -> u16 {
        FakeNpm::data_port(self)
    }

    fn berth_env(&self) -> Vec<(String, String)> {
        let mut env = FakeNpm::berth_env(self);
        env.push(("BERTH_NPM_FORWARD_BY".into(), "ip".into()));
        env
    }

    fn route_target(&self, _workload: &str, domain: &str) -> Option<String> {
        forward_of_host_with(self.hosts(), domain)
    }

    fn switch_by_hand(&self, _workload: &str, domain: &str, ip: &str, port: u16) {
        let id = host_id_with(self.hosts(), domain);
        self.update_host_by_hand(id, json!({ "forward_host": ip, "forward_port": port }));
    }
}

/// The id of the one proxy host holding `domain`.
#[track_caller]
fn host_id_with(hosts: Vec<Value>, domain: &str) -> i64 {
    let found = hosts_with_domain(hosts, domain);
    match found.as_slice() {
        [host] => host["id"]
            .as_i64()
            .unwrap_or_else(|| panic!("a host without an id: {host}")),
        other => panic!("want one proxy host for {domain}, found {}", other.len()),
    }
}

// ---------------------------------------------------------------- nginx ---

pub struct NginxProxy {
    pub nginx: Nginx,
    child: Option<Child>,
    _dir: tempfile::TempDir,
}

fn nginx_conf(prefix: &Path, port: u16, as_root: bool) -> String {
    let p = prefix.display();
    format!(
        "{}\
         \x20   access_log off;\n\
         \x20   server {{\n\
         \x20       listen 127.0.0.1:{port} default_server;\n\
         \x20       server_name _;\n\
         \x20       location / {{ return 404 \"operator default site\\n\"; }}\n\
         \x20   }}\n\
         \x20   include {p}/operator/*.conf;\n\
         \x20   include {p}/berth/*.conf;\n\
         }}\n",
        main_conf_prologue(prefix, as_root, "the operator's nginx (a berth router test)")
    )
}

impl NginxProxy {
    pub fn start() -> NginxProxy {
        let bin = find_nginx();
        let dir = tempfile::Builder::new()
            .prefix("berth-nginx-")
            .tempdir()
            .expect("nginx router test: temp dir");
        for sub in ["berth", "operator", "logs", "temp"] {
            std::fs::create_dir_all(dir.path().join(sub)).expect("nginx router test: mkdir");
        }
        std::fs::create_dir_all(dir.path().join("conf")).expect("nginx router test: mkdir conf");
        let (child, nginx) = start_nginx(&bin, dir.path(), &nginx_conf);
        NginxProxy {
            nginx,
            child: Some(child),
            _dir: dir,
        }
    }

    /// berth's directory of server blocks.
    pub fn berth_dir(&self) -> PathBuf {
        self.nginx.prefix.join("berth")
    }

    /// The operator's directory of server blocks (also included).
    pub fn operator_dir(&self) -> PathBuf {
        self.nginx.prefix.join("operator")
    }

    pub fn berth_file(&self, workload: &str) -> PathBuf {
        self.berth_dir().join(format!("berth-{workload}.conf"))
    }

    pub fn error_log(&self) -> String {
        std::fs::read_to_string(&self.nginx.error_log).unwrap_or_default()
    }

    /// The master's worker pids now.
    pub fn workers(&self) -> Vec<u32> {
        let mut w = super::fake_npm::child_pids(self.nginx.master_pid);
        w.sort_unstable();
        w
    }
}

impl Proxy for NginxProxy {
    fn router(&self) -> &'static str {
        "nginx"
    }

    fn data_port(&self) -> u16 {
        self.nginx.data_port
    }

    fn berth_env(&self) -> Vec<(String, String)> {
        vec![
            ("BERTH_ROUTER".into(), "nginx".into()),
            ("BERTH_NGINX_DIR".into(), self.berth_dir().display().to_string()),
            ("BERTH_NGINX_CONF".into(), self.nginx.conf.display().to_string()),
            ("BERTH_NGINX_BIN".into(), self.nginx.bin.display().to_string()),
            (
                "BERTH_NGINX_LISTEN".into(),
                format!("127.0.0.1:{}", self.nginx.data_port),
            ),
        ]
    }

    fn route_target(&self, workload: &str, _domain: &str) -> Option<String> {
        let text = std::fs::read_to_string(self.berth_file(workload)).ok()?;
        let at = text.find("proxy_pass http://")? + "proxy_pass http://".len();
        Some(text[at..].split(';').next()?.to_owned())
    }

    /// Rewrites the `proxy_pass` of berth's file and signals a reload
    /// (`nginx -s reload`: SIGHUP to the master), which returns before the
    /// new workers serve, as it does for an operator.
    fn switch_by_hand(&self, workload: &str, _domain: &str, ip: &str, port: u16) {
        let path = self.berth_file(workload);
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
        let old = self
            .route_target(workload, "")
            .unwrap_or_else(|| panic!("no proxy_pass in {}", path.display()));
        let text = text.replace(
            &format!("proxy_pass http://{old};"),
            &format!("proxy_pass http://{ip}:{port};"),
        );
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
        super::fake_npm::signal(self.nginx.master_pid, "HUP").expect("nginx reload (SIGHUP)");
    }
}

impl Drop for NginxProxy {
    fn drop(&mut self) {
        if let Some(child) = self.child.take() {
            stop_nginx_child(child);
        }
    }
}

// ---------------------------------------------------------------- caddy ---

pub struct CaddyProxy {
    pub admin_port: u16,
    pub data_port: u16,
    /// The config Caddy started with (the operator's).
    pub initial: Value,
    child: Option<Child>,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

/// The Caddy binary: `$BERTH_TEST_CADDY` or `caddy` on PATH.
fn find_caddy() -> PathBuf {
    if let Some(p) = std::env::var_os("BERTH_TEST_CADDY") {
        return PathBuf::from(p);
    }
    for dir in std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()) {
        if dir.join("caddy").is_file() {
            return dir.join("caddy");
        }
    }
    super::missing_test_env("the Caddy router tests need caddy (Debian's `caddy`), and none is on PATH")
}

impl CaddyProxy {
    pub fn start() -> CaddyProxy {
        let bin = find_caddy();
        let dir = tempfile::Builder::new()
            .prefix("berth-caddy-")
            .tempdir()
            .expect("caddy router test: temp dir");
        let mut last = String::new();
        for _attempt in 0..5 {
            let (admin_port, data_port) = (free_port(), free_port());
            let initial = json!({
                "admin": { "listen": format!("127.0.0.1:{admin_port}"), "config": { "persist": false } },
                "apps": { "http": { "servers": { "srv0": {
                    "listen": [format!("127.0.0.1:{data_port}")],
                    "automatic_https": { "disable": true },
                    "routes": [{
                        "@id": "operator-site",
                        "match": [{ "host": ["operator.test"] }],
                        "handle": [{ "handler": "static_response", "status_code": 200, "body": "operator\n" }],
                        "terminal": true
                    }]
                } } } }
            });
            let config = dir.path().join("caddy.json");
            std::fs::write(&config, initial.to_string()).expect("caddy router test: write config");
            let log = dir.path().join("caddy.log");
            let stderr = std::fs::File::create(&log).expect("caddy router test: log file");
            let mut child = Command::new(&bin)
                .args(["run", "--config"])
                .arg(&config)
                .env("HOME", dir.path())
                .env("XDG_DATA_HOME", dir.path().join("data"))
                .env("XDG_CONFIG_HOME", dir.path().join("config"))
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(stderr)
                .spawn()
                .unwrap_or_else(|e| panic!("could not start {}: {e}", bin.display()));
            let up = wait_until(Duration::from_secs(10), || {
                matches!(child.try_wait(), Ok(Some(_)))
                    || (admin(admin_port, "GET", "/config/", None).is_ok_and(|(s, _)| s == 200)
                        && TcpStream::connect(SocketAddr::from(([127, 0, 0, 1], data_port))).is_ok())
            });
            if up && matches!(child.try_wait(), Ok(None)) {
                return CaddyProxy {
                    admin_port,
                    data_port,
                    initial,
                    child: Some(child),
                    log,
                    _dir: dir,
                };
            }
            let _ = child.kill();
            let _ = child.wait();
            last = std::fs::read_to_string(&log).unwrap_or_default();
            if !last.contains("address already in use") {
                break;
            }
        }
        panic!("caddy ({}) failed to start:\n{last}", bin.display());
    }

    /// One admin API call: (status, body).
    pub fn admin(&self, method: &str, path: &str, body: Option<&Value>) -> (u16, String) {
        admin(self.admin_port, method, path, body).unwrap_or_else(|e| panic!("caddy admin {method} {path}: {e}"))
    }

    /// The routes of `srv0`, in order.
    pub fn routes(&self) -> Vec<Value> {
        let (status, body) = self.admin("GET", "/config/apps/http/servers/srv0/routes", None);
        assert_eq!(status, 200, "GET routes: {body}");
        serde_json::from_str::<Value>(&body)
            .ok()
            .and_then(|v| v.as_array().cloned())
            .unwrap_or_default()
    }

    /// The routes of `srv0` whose `@id` is `id`.
    pub fn routes_with_id(&self, id: &str) -> Vec<Value> {
        self.routes()
            .into_iter()
            .filter(|r| r["@id"].as_str() == Some(id))
            .collect()
    }

    /// Loads the operator's initial config again, as a restart or a reload
    /// from a Caddyfile does: every route added through the API is gone.
    pub fn reload_initial(&self) {
        let (status, body) = self.admin("POST", "/load", Some(&self.initial));
        assert_eq!(status, 200, "POST /load: {body}");
    }

    /// The admin API writes Caddy logged so far: `METHOD URI` lines.
    pub fn admin_writes(&self) -> Vec<String> {
        let log = std::fs::read_to_string(&self.log).unwrap_or_default();
        log.lines()
            .filter_map(|l| serde_json::from_str::<Value>(l).ok())
            .filter(|v| v["logger"] == "admin.api" && v["msg"] == "received request")
            .filter(|v| v["method"] != "GET")
            .map(|v| {
                format!(
                    "{} {}",
                    v["method"].as_str().unwrap_or("?"),
                    v["uri"].as_str().unwrap_or("?")
                )
            })
            .collect()
    }
}

/// A blocking HTTP/1.1 request to Caddy's admin API on 127.0.0.1:`port`.
fn admin(port: u16, method: &str, path: &str, body: Option<&Value>) -> Result<(u16, String), String> {
    http_json(port, method, path, None, body)
}

/// A blocking HTTP/1.1 JSON request to 127.0.0.1:`port` (with a bearer
/// token when given): (status, body).
pub fn http_json(
    port: u16,
    method: &str,
    path: &str,
    bearer: Option<&str>,
    body: Option<&Value>,
) -> Result<(u16, String), String> {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(2)).map_err(|e| format!("connect: {e}"))?;
    s.set_read_timeout(Some(Duration::from_secs(30)))
        .map_err(|e| e.to_string())?;
    let body = body.map(Value::to_string).unwrap_or_default();
    let auth = bearer
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{auth}Content-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).map_err(|e| format!("write: {e}"))?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).map_err(|e| format!("read: {e}"))?;
    let text = String::from_utf8_lossy(&raw);
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| format!("no status line in {text:?}"))?;
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    // Chunked answers: keep the JSON between the chunk sizes.
    let body = if head.to_ascii_lowercase().contains("transfer-encoding: chunked") {
        dechunk(body)
    } else {
        body.to_owned()
    };
    Ok((status, body))
}

fn dechunk(mut s: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = s.split_once("\r\n") {
        let Ok(n) = usize::from_str_radix(size.trim(), 16) else {
            break;
        };
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        s = rest[n..].trim_start_matches("\r\n");
    }
    out
}

impl Proxy for CaddyProxy {
    fn router(&self) -> &'static str {
        "caddy"
    }

    fn data_port(&self) -> u16 {
        self.data_port
    }

    fn berth_env(&self) -> Vec<(String, String)> {
        vec![
            ("BERTH_ROUTER".into(), "caddy".into()),
            (
                "BERTH_CADDY_ADMIN".into(),
                format!("http://127.0.0.1:{}", self.admin_port),
            ),
        ]
    }

    fn route_target(&self, workload: &str, _domain: &str) -> Option<String> {
        let routes = self.routes_with_id(&format!("berth-{workload}"));
        assert!(routes.len() <= 1, "one route per workload: {routes:?}");
        routes.first()?["handle"][0]["upstreams"][0]["dial"]
            .as_str()
            .map(str::to_owned)
    }

    /// Replaces the upstream of berth's route in place through the admin
    /// API (`PATCH /id/<route>/handle/0/upstreams/0/dial`).
    fn switch_by_hand(&self, workload: &str, _domain: &str, ip: &str, port: u16) {
        let path = format!("/id/berth-{workload}/handle/0/upstreams/0/dial");
        let (status, body) = self.admin("PATCH", &path, Some(&json!(format!("{ip}:{port}"))));
        assert_eq!(status, 200, "caddy PATCH {path}: {body}");
    }
}

impl Drop for CaddyProxy {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = super::fake_npm::signal(child.id(), "TERM");
            if !super::fake_npm::wait_exit(&mut child, Duration::from_secs(5)) {
                let _ = child.kill();
                let _ = child.wait();
            }
        }
    }
}

// ------------------------------------------------------------- real NPM ---

/// The real Nginx Proxy Manager 2.15.1 (`../shared/npm-real`, built by
/// `scripts/test` into `$BERTH_TEST_NPM_REAL`), started fresh (`RESET=1`)
/// on free loopback ports, stopped when dropped.
pub struct RealNpm {
    /// One build directory runs one instance: the tests of a binary take
    /// turns (the guard drops after `Drop` stopped it).
    _one_at_a_time: std::sync::MutexGuard<'static, ()>,
    home: PathBuf,
    pub api_port: u16,
    pub http_port: u16,
    https_port: u16,
    token: String,
}

pub const REAL_NPM_EMAIL: &str = "admin@example.com";
pub const REAL_NPM_PASSWORD: &str = "changeme";

impl RealNpm {
    /// The build directory: `$BERTH_TEST_NPM_REAL`, else `npm-real` in the
    /// cargo target directory of this test binary. Err(reason) when the
    /// tests must be skipped (`BERTH_TEST_NPM_REAL=skip:<reason>`, set by
    /// scripts/test on a machine that cannot build the kit).
    fn home() -> Result<PathBuf, String> {
        if let Ok(v) = std::env::var("BERTH_TEST_NPM_REAL") {
            if let Some(reason) = v.strip_prefix("skip") {
                return Err(reason.trim_start_matches(':').trim().to_owned());
            }
            return Ok(PathBuf::from(v));
        }
        // <target>/debug/deps/routers-*: the build sits in <target>/npm-real.
        let exe = std::env::current_exe().map_err(|e| e.to_string())?;
        let target = exe.ancestors().nth(3).ok_or("no target dir")?;
        Ok(target.join("npm-real"))
    }

    /// Starts it; None (with a note on stderr) when this machine skips the
    /// real-NPM tests. Panics naming scripts/test when it is not built.
    pub fn start() -> Option<RealNpm> {
        static ONE: std::sync::Mutex<()> = std::sync::Mutex::new(());
        let guard = ONE.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let home = match RealNpm::home() {
            Ok(h) => h,
            Err(reason) => {
                eprintln!("SKIPPED: the real-NPM tests do not run on this machine: {reason}");
                return None;
            }
        };
        assert!(
            home.join("start.sh").is_file(),
            "the real NPM is not built at {} : run scripts/test (it builds ../shared/npm-real once), or set \
             BERTH_TEST_NPM_REAL to a build directory",
            home.display()
        );
        let _ = Command::new(home.join("stop.sh")).output();
        let mut last = String::new();
        for _attempt in 0..3 {
            let (api_port, http_port, https_port) = (free_port(), free_port(), free_port());
            let out = Command::new(home.join("start.sh"))
                .env("RESET", "1")
                .env("NPM_API_PORT", api_port.to_string())
                .env("NPM_HTTP_PORT", http_port.to_string())
                .env("NPM_HTTPS_PORT", https_port.to_string())
                .env("NPM_ADMIN_EMAIL", REAL_NPM_EMAIL)
                .env("NPM_ADMIN_PASSWORD", REAL_NPM_PASSWORD)
                .stdin(Stdio::null())
                .output()
                .expect("run npm-real start.sh");
            if out.status.success() {
                let login = json!({ "identity": REAL_NPM_EMAIL, "secret": REAL_NPM_PASSWORD });
                let (status, body) =
                    http_json(api_port, "POST", "/api/tokens", None, Some(&login)).expect("real NPM: log in");
                assert_eq!(status, 200, "real NPM login: {body}");
                let token = serde_json::from_str::<Value>(&body)
                    .ok()
                    .and_then(|v| v["token"].as_str().map(str::to_owned));
                return Some(RealNpm {
                    _one_at_a_time: guard,
                    home,
                    api_port,
                    http_port,
                    https_port,
                    token: token.expect("real NPM: a token"),
                });
            }
            last = format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            let _ = Command::new(home.join("stop.sh")).output();
        }
        panic!("the real NPM did not start:\n{last}");
    }

    /// Stops NPM and its nginx (data kept).
    pub fn stop(&self) {
        let out = Command::new(self.home.join("stop.sh"))
            .output()
            .expect("run npm-real stop.sh");
        assert!(
            out.status.success(),
            "npm-real stop.sh: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Starts it again on the same ports, with its data.
    pub fn restart(&self) {
        let out = Command::new(self.home.join("start.sh"))
            .env("NPM_API_PORT", self.api_port.to_string())
            .env("NPM_HTTP_PORT", self.http_port.to_string())
            .env("NPM_HTTPS_PORT", self.https_port.to_string())
            .stdin(Stdio::null())
            .output()
            .expect("run npm-real start.sh");
        assert!(
            out.status.success(),
            "npm-real start.sh: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// A token of the admin that expires in `secs` seconds
    /// (`GET /api/tokens?expiry=<secs>s`).
    pub fn short_token(&self, secs: u32) -> String {
        let (status, body) = self.api("GET", &format!("/tokens?expiry={secs}s"), None);
        assert_eq!(status, 200, "{body}");
        body["token"].as_str().expect("a token").to_owned()
    }

    /// One API call with `token`: (status, JSON body).
    pub fn api_with(&self, token: &str, method: &str, path: &str) -> (u16, Value) {
        let (status, text) = http_json(self.api_port, method, &format!("/api{path}"), Some(token), None)
            .unwrap_or_else(|e| panic!("real NPM {method} {path}: {e}"));
        (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }

    /// One API call with the admin's token: (status, JSON body).
    pub fn api(&self, method: &str, path: &str, body: Option<&Value>) -> (u16, Value) {
        let (status, text) = http_json(self.api_port, method, &format!("/api{path}"), Some(&self.token), body)
            .unwrap_or_else(|e| panic!("real NPM {method} {path}: {e}"));
        (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }

    /// Every proxy host.
    pub fn hosts(&self) -> Vec<Value> {
        let (status, body) = self.api("GET", "/nginx/proxy-hosts", None);
        assert_eq!(status, 200, "{body}");
        body.as_array().cloned().unwrap_or_default()
    }

    /// The proxy hosts that hold `domain` (case-insensitive).
    pub fn hosts_with(&self, domain: &str) -> Vec<Value> {
        hosts_with_domain(self.hosts(), domain)
    }
}

impl Proxy for RealNpm {
    fn router(&self) -> &'static str {
        "npm"
    }

    fn data_port(&self) -> u16 {
        self.http_port
    }

    fn berth_env(&self) -> Vec<(String, String)> {
        vec![
            ("BERTH_ROUTER".into(), "npm".into()),
            ("BERTH_NPM_URL".into(), format!("http://127.0.0.1:{}", self.api_port)),
            ("BERTH_NPM_EMAIL".into(), REAL_NPM_EMAIL.into()),
            ("BERTH_NPM_PASSWORD".into(), REAL_NPM_PASSWORD.into()),
            ("BERTH_NPM_FORWARD_BY".into(), "ip".into()),
        ]
    }

    fn route_target(&self, _workload: &str, domain: &str) -> Option<String> {
        forward_of_host_with(self.hosts(), domain)
    }

    /// A PUT of the forward fields, as `curl -X PUT` from a script would
    /// (NPM answers once it reloaded its nginx, before the new workers serve).
    fn switch_by_hand(&self, _workload: &str, domain: &str, ip: &str, port: u16) {
        let id = host_id_with(self.hosts(), domain);
        let (status, body) = self.api(
            "PUT",
            &format!("/nginx/proxy-hosts/{id}"),
            Some(&json!({ "forward_host": ip, "forward_port": port })),
        );
        assert_eq!(status, 200, "real NPM PUT: {body}");
    }
}

impl Drop for RealNpm {
    fn drop(&mut self) {
        let _ = Command::new(self.home.join("stop.sh")).output();
    }
}
