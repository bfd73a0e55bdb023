//! The fake NPM's data plane: a real nginx master, its config, and process helpers the real proxies share.

use std::net::{SocketAddr, TcpListener as StdTcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::*;

// ----------------------------------------------------------------- nginx ---

/// A real nginx master the tests started (`daemon off`: their child).
#[derive(Debug)]
pub struct Nginx {
    pub bin: PathBuf,
    pub prefix: PathBuf,
    pub conf: PathBuf,
    pub(super) hosts_dir: PathBuf,
    pub error_log: PathBuf,
    pub data_port: u16,
    pub master_pid: u32,
}

impl Nginx {
    pub(super) fn host_file(&self, id: i64) -> PathBuf {
        self.hosts_dir.join(format!("{id}.conf"))
    }

    /// `nginx -t`; Err carries nginx's message.
    pub(super) fn test(&self) -> Result<(), String> {
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
    pub(super) fn reload(&self) -> Result<(), String> {
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
    crate::common::missing_test_env(
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

/// The start of a test nginx's main config, shared by the fake NPM and
/// the operator's nginx of the router tests: a foreground master with 2
/// workers, pid/error log/temp paths under `prefix`, old workers given at
/// most 10 s to finish (`worker_shutdown_timeout`), and `http {` left open
/// for the caller's own directives and servers.
pub fn main_conf_prologue(prefix: &Path, as_root: bool, title: &str) -> String {
    let p = prefix.display();
    let user = if as_root { "user root root;\n" } else { "" };
    format!(
        "# {title}\n\
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
         \x20   client_body_temp_path {p}/temp/client_body;\n\
         \x20   proxy_temp_path {p}/temp/proxy;\n\
         \x20   server_names_hash_bucket_size 128;\n\
         \x20   keepalive_timeout 75s;\n"
    )
}

pub(super) fn main_conf(prefix: &Path, port: u16, as_root: bool) -> String {
    let p = prefix.display();
    format!(
        "{}\
         \x20   log_format berth '$time_iso8601 pid=$pid $host \"$request\" $status $body_bytes_sent \
         upstream=$upstream_addr upstream_status=$upstream_status rt=$request_time';\n\
         \x20   access_log {p}/logs/access.log berth;\n\
         \x20   server_names_hash_max_size 8192;\n\
         \x20   # the default site: unknown hosts and offline hosts land here\n\
         \x20   server {{\n\
         \x20       listen 127.0.0.1:{port} default_server;\n\
         \x20       server_name _;\n\
         \x20       location / {{ return 404 \"fake-npm default site\\n\"; }}\n\
         \x20   }}\n\
         \x20   include {p}/conf/proxy_host/*.conf;\n\
         }}\n",
        main_conf_prologue(prefix, as_root, "fake NPM data plane")
    )
}

pub(super) fn render_host(h: &Host, port: u16, broken: bool) -> String {
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
