//! The plain-nginx router: one berth-written server block per workload,
//! `<dir>/berth-<workload>.conf`, in a directory the operator's nginx
//! config includes (`include /etc/nginx/berth/*.conf;` inside `http {}`).
//!
//! A route switch writes the file atomically (temp + rename), runs
//! `nginx -T` with the operator's config (a failed test restores the
//! previous file byte for byte: the route never changed), checks the dump
//! shows the file (a directory nothing includes, or a name the include glob
//! misses, would pass `nginx -t` and never serve), reloads gracefully and
//! confirms the master started new workers (a rejected reload, e.g. a listen
//! address in use, is not reported by the test). `proxy_pass` carries the
//! container's literal IP: nginx resolves a name once at start, and a
//! replaced container's address may be reused by another container.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Result, anyhow, bail};
use async_trait::async_trait;

use super::{NeverSent, Pointed, RoutePlan, RouteTarget, Router, Source, setting};
use crate::i18n::{Context as _, Msg};
use crate::msg;
use crate::store::Store;

pub const DIR_KEY: &str = "nginx.dir";
pub const CONF_KEY: &str = "nginx.conf";
pub const BIN_KEY: &str = "nginx.bin";
pub const RELOAD_KEY: &str = "nginx.reload";
pub const LISTEN_KEY: &str = "nginx.listen";

/// The first line of every file berth writes; a file without it is the
/// operator's and is never touched.
const MARKER: &str = "# managed by berth:";

/// How long a reload may take to start new workers.
const RELOAD_DEADLINE: Duration = Duration::from_secs(10);
/// How long `nginx -T` or the reload command may run.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(30);

/// The nginx router's settings (`berth proxy set --router nginx ...`).
#[derive(Debug, Clone)]
pub struct NginxSettings {
    /// The directory of berth's server blocks (BERTH_NGINX_DIR).
    pub dir: Option<(String, Source)>,
    /// The operator's main config, given to nginx as `-c` (BERTH_NGINX_CONF);
    /// unset: nginx's compiled-in default.
    pub conf: Option<(String, Source)>,
    /// The nginx binary (BERTH_NGINX_BIN) [`nginx`].
    pub bin: (String, Source),
    /// A shell command that reloads nginx (BERTH_NGINX_RELOAD), e.g.
    /// `systemctl reload nginx`; unset: `nginx [-c CONF] -s reload`.
    pub reload: Option<(String, Source)>,
    /// The `listen` parameters of berth's server blocks (BERTH_NGINX_LISTEN) [`80`].
    pub listen: (String, Source),
}

impl NginxSettings {
    /// Environment over store.
    pub fn load(store: &Store) -> Result<NginxSettings> {
        let or_default = |v: Option<(String, Source)>, d: &str| v.unwrap_or_else(|| (d.to_owned(), Source::Default));
        Ok(NginxSettings {
            dir: setting(store, "BERTH_NGINX_DIR", DIR_KEY)?,
            conf: setting(store, "BERTH_NGINX_CONF", CONF_KEY)?,
            bin: or_default(setting(store, "BERTH_NGINX_BIN", BIN_KEY)?, "nginx"),
            reload: setting(store, "BERTH_NGINX_RELOAD", RELOAD_KEY)?,
            listen: or_default(setting(store, "BERTH_NGINX_LISTEN", LISTEN_KEY)?, "80"),
        })
    }
}

/// The plain-nginx router (see the module docs).
pub struct NginxRouter {
    dir: PathBuf,
    conf: Option<PathBuf>,
    bin: String,
    reload: Option<String>,
    listen: String,
    /// The store, for the cross-process nginx write lock.
    db_path: PathBuf,
}

impl NginxRouter {
    /// Errors when the directory is not set or not absolute.
    pub fn new(settings: &NginxSettings, db_path: PathBuf) -> Result<NginxRouter> {
        let Some((dir, _)) = &settings.dir else {
            bail!(msg!("nginx-no-dir"));
        };
        let dir = PathBuf::from(dir);
        if !dir.is_absolute() {
            bail!(msg!("nginx-dir-not-absolute", dir = dir.display().to_string()));
        }
        Ok(NginxRouter {
            dir,
            conf: settings.conf.as_ref().map(|(c, _)| PathBuf::from(c)),
            bin: settings.bin.0.clone(),
            reload: settings.reload.as_ref().map(|(r, _)| r.clone()),
            listen: settings.listen.0.clone(),
            db_path,
        })
    }

    /// `<dir>/berth-<workload>.conf`.
    pub fn file_for(&self, workload: &str) -> PathBuf {
        self.dir.join(format!("berth-{workload}.conf"))
    }

    fn nginx(&self) -> tokio::process::Command {
        let mut cmd = tokio::process::Command::new(&self.bin);
        // berth reads nginx's output (`-t`, `-T`).
        cmd.envs(crate::i18n::CHILD_LOCALE);
        if let Some(conf) = &self.conf {
            cmd.arg("-c").arg(conf);
        }
        cmd.stdin(std::process::Stdio::null()).kill_on_drop(true);
        cmd
    }

    /// `nginx -T`: tests the whole config and dumps it. Err carries nginx's
    /// own message.
    async fn dump(&self) -> Result<Dump> {
        let mut cmd = self.nginx();
        // `-e stderr`: the test must not need the default error log's file.
        cmd.args(["-T", "-e", "stderr"]);
        let out = run(cmd, &format!("{} -T", self.bin)).await?;
        if !out.status.success() {
            bail!(msg!(
                "nginx-test-failed",
                command = format!("{} -T{}", self.bin, self.conf_arg()),
                output = String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
        Ok(Dump::parse(&String::from_utf8_lossy(&out.stdout)))
    }

    fn conf_arg(&self) -> String {
        self.conf
            .as_ref()
            .map(|c| format!(" -c {}", c.display()))
            .unwrap_or_default()
    }

    /// The operator's reload command, or `nginx [-c CONF] -s reload`.
    async fn signal_reload(&self) -> Result<()> {
        let (cmd, shown) = match &self.reload {
            Some(line) => {
                let mut cmd = tokio::process::Command::new("sh");
                cmd.args(["-c", line])
                    .envs(crate::i18n::CHILD_LOCALE)
                    .stdin(std::process::Stdio::null())
                    .kill_on_drop(true);
                (cmd, line.clone())
            }
            None => {
                let mut cmd = self.nginx();
                cmd.args(["-s", "reload"]);
                (cmd, format!("{}{} -s reload", self.bin, self.conf_arg()))
            }
        };
        let out = run(cmd, &shown).await?;
        if !out.status.success() {
            bail!(msg!(
                "nginx-reload-failed",
                command = &shown,
                status = crate::i18n::exit_status(out.status),
                output = String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
        Ok(())
    }

    /// The running master's pid, from the pid file the config names.
    async fn master_pid(&self, dump: &Dump) -> Result<u32> {
        let pid_file = match &dump.pid_file {
            Some(p) => PathBuf::from(p),
            None => self.default_pid_path().await,
        };
        let shown = pid_file.display().to_string();
        let text =
            std::fs::read_to_string(&pid_file).with_context_msg(|| msg!("nginx-pid-file-unreadable", path = &shown))?;
        let pid: u32 = text
            .trim()
            .parse()
            .map_err(|_| anyhow!(msg!("nginx-pid-file-invalid", path = &shown, text = text.trim())))?;
        if !Path::new(&format!("/proc/{pid}")).exists() {
            bail!(msg!("nginx-pid-gone", path = &shown, pid = pid));
        }
        Ok(pid)
    }

    /// `--pid-path` from `nginx -V`, else Debian's `/run/nginx.pid`.
    async fn default_pid_path(&self) -> PathBuf {
        let mut cmd = tokio::process::Command::new(&self.bin);
        cmd.arg("-V")
            .envs(crate::i18n::CHILD_LOCALE)
            .stdin(std::process::Stdio::null());
        if let Ok(out) = run(cmd, &format!("{} -V", self.bin)).await {
            let text = String::from_utf8_lossy(&out.stderr);
            if let Some(p) = text.split_whitespace().find_map(|w| w.strip_prefix("--pid-path=")) {
                return PathBuf::from(p);
            }
        }
        PathBuf::from("/run/nginx.pid")
    }

    /// The config must include `file` (checked against the include globs
    /// before the file exists, and in the dump once it does).
    fn includes(&self, dump: &Dump, file: &Path) -> bool {
        let shown = file.to_string_lossy();
        if dump.files.iter().any(|f| f.path == shown) {
            return true;
        }
        let conf_dir = self
            .conf
            .as_ref()
            .and_then(|c| c.parent().map(Path::to_path_buf))
            .unwrap_or_else(|| PathBuf::from("/etc/nginx"));
        dump.includes.iter().any(|pattern| {
            let full = if Path::new(pattern).is_absolute() {
                PathBuf::from(pattern)
            } else {
                conf_dir.join(pattern)
            };
            glob_match(&full.to_string_lossy(), &shown)
        })
    }

    fn not_included(&self, file: &Path) -> Msg {
        msg!(
            "nginx-not-included",
            conf = self.conf_arg(),
            file = file.display().to_string(),
            dir = self.dir.display().to_string()
        )
    }

    /// Tests the config (`nginx -T`, which also names the master) and
    /// reloads, confirmed. Errors: the test, or the reload, failed.
    async fn test_and_reload(&self) -> Result<()> {
        let dump = self.dump().await?;
        let master = self.master_pid(&dump).await?;
        self.reload_and_confirm(master).await
    }

    /// After a reload that failed or was not confirmed (it may still land
    /// late): puts `path` back as it was and reloads again, so nginx
    /// converges on the previous route either way; what happened, for the
    /// error message.
    async fn restore_and_reload(&self, path: &Path, previous: Option<&[u8]>) -> Msg {
        match Self::restore(path, previous) {
            Ok(()) => match self.signal_reload().await {
                Ok(()) => msg!("nginx-restored-reloaded"),
                Err(re) => msg!("nginx-restored-reload-failed", reason = &re),
            },
            Err(re) => msg!("nginx-restore-failed", reason = &re),
        }
    }

    /// Puts `previous` back at `path` (removes it when there was none),
    /// atomically.
    fn restore(path: &Path, previous: Option<&[u8]>) -> Result<()> {
        match previous {
            Some(bytes) => write_atomic(path, bytes),
            None => match std::fs::remove_file(path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    Err(e).with_context_msg(|| msg!("nginx-removing", path = path.display().to_string()))
                }
                _ => Ok(()),
            },
        }
    }

    /// Reloads and waits until the master runs a worker it did not run
    /// before: the signal alone says nothing (a new config whose listen
    /// address is in use is rejected by the master, not by `nginx -t`).
    async fn reload_and_confirm(&self, master: u32) -> Result<()> {
        let before: BTreeSet<u32> = child_pids(master).into_iter().collect();
        self.signal_reload().await?;
        let deadline = Instant::now() + RELOAD_DEADLINE;
        loop {
            // New workers run the new config; the route is live once no
            // old worker accepts new connections any more: an old worker
            // retitles itself "worker process is shutting down" as it
            // closes its listening sockets (in-flight requests go on: the
            // caller drains).
            let now = child_pids(master);
            if now.iter().any(|p| !before.contains(p))
                && before.iter().all(|p| !now.contains(p) || !accepts_connections(*p))
            {
                return Ok(());
            }
            if !Path::new(&format!("/proc/{master}")).exists() {
                bail!(msg!("nginx-master-exited", pid = master));
            }
            if Instant::now() >= deadline {
                if now.iter().any(|p| !before.contains(p)) {
                    bail!(msg!("nginx-old-workers", seconds = RELOAD_DEADLINE.as_secs()));
                }
                bail!(msg!("nginx-no-new-workers", seconds = RELOAD_DEADLINE.as_secs()));
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    fn render(&self, workload: &str, domains: &[String], target: &RouteTarget) -> String {
        let host = if target.host.contains(':') {
            format!("[{}]", target.host)
        } else {
            target.host.clone()
        };
        format!(
            "{MARKER} workload `{workload}`. Do not edit: berth rewrites this file at every deploy.\n\
             server {{\n\
             \x20   listen {listen};\n\
             \x20   server_name {names};\n\
             \x20   location / {{\n\
             \x20       proxy_pass http://{host}:{port};\n\
             \x20       proxy_http_version 1.1;\n\
             \x20       proxy_set_header Host $host;\n\
             \x20       proxy_set_header X-Real-IP $remote_addr;\n\
             \x20       proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n\
             \x20       proxy_set_header X-Forwarded-Proto $scheme;\n\
             \x20       proxy_set_header Upgrade $http_upgrade;\n\
             \x20       proxy_set_header Connection $http_connection;\n\
             \x20   }}\n\
             }}\n",
            listen = self.listen,
            names = domains.join(" "),
            port = target.port,
        )
    }

    /// The file's current bytes; refuses a file berth did not write.
    fn read_own(&self, workload: &str, path: &Path) -> Result<Option<Vec<u8>>> {
        match std::fs::read(path) {
            Ok(bytes) if bytes.starts_with(MARKER.as_bytes()) => Ok(Some(bytes)),
            Ok(_) => bail!(msg!(
                "nginx-foreign-file",
                workload = workload,
                path = path.display().to_string(),
                marker = MARKER
            )),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e)
                .with_context_msg(|| msg!("nginx-reading", workload = workload, path = path.display().to_string())),
        }
    }
}

async fn run(mut cmd: tokio::process::Command, shown: &str) -> Result<std::process::Output> {
    match tokio::time::timeout(COMMAND_TIMEOUT, cmd.output()).await {
        Ok(out) => out.with_context_msg(|| msg!("nginx-could-not-run", command = shown)),
        Err(_) => bail!(msg!(
            "nginx-timeout",
            command = shown,
            seconds = COMMAND_TIMEOUT.as_secs()
        )),
    }
}

/// Writes `bytes` to `path` through a hidden temp file beside it and a
/// rename: nginx never reads half a file, and the temp name (leading dot,
/// `.tmp`) matches no include glob.
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let dir = path
        .parent()
        .with_context_msg(|| msg!("nginx-no-parent", path = path.display().to_string()))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let write = || -> std::io::Result<()> {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    };
    write().map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        msg!(
            "nginx-writing",
            path = path.display().to_string(),
            tmp = tmp.display().to_string()
        )
        .wrap(e)
    })
}

/// Whether nginx process `pid` is a worker that still accepts connections
/// (not one that is shutting down, nor a cache manager or loader).
fn accepts_connections(pid: u32) -> bool {
    let title = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
    let title = String::from_utf8_lossy(&title);
    title.contains("worker process") && !title.contains("shutting down")
}

/// Direct children of `ppid` (an nginx master's workers), from /proc.
fn child_pids(ppid: u32) -> Vec<u32> {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    dir.flatten()
        .filter_map(|entry| {
            let pid = entry.file_name().to_str()?.parse::<u32>().ok()?;
            let stat = std::fs::read_to_string(entry.path().join("stat")).ok()?;
            // "pid (comm) state ppid ...": comm may hold spaces and ')'.
            let rest = &stat[stat.rfind(')')? + 1..];
            let parent = rest.split_whitespace().nth(1)?.parse::<u32>().ok()?;
            (parent == ppid).then_some(pid)
        })
        .collect()
}

/// What `nginx -T` shows: each file with its statements, the include
/// patterns and the pid file.
#[derive(Debug, Default)]
struct Dump {
    files: Vec<DumpedFile>,
    includes: Vec<String>,
    pid_file: Option<String>,
}

#[derive(Debug)]
struct DumpedFile {
    path: String,
    /// The file's first line (berth's marker, when berth wrote it).
    first_line: String,
    server_names: Vec<String>,
}

impl Dump {
    fn parse(text: &str) -> Dump {
        let mut dump = Dump::default();
        let mut sections: Vec<(String, String)> = Vec::new();
        for line in text.lines() {
            if let Some(path) = line
                .strip_prefix("# configuration file ")
                .and_then(|l| l.strip_suffix(':'))
            {
                sections.push((path.to_owned(), String::new()));
            } else if let Some((_, body)) = sections.last_mut() {
                body.push_str(line);
                body.push('\n');
            }
        }
        for (path, body) in sections {
            let first_line = body.lines().next().unwrap_or_default().to_owned();
            let mut server_names = Vec::new();
            for statement in statements(&body) {
                let mut words = statement.split_whitespace();
                match words.next() {
                    Some("server_name") => server_names.extend(words.map(|w| w.trim_matches('"').to_lowercase())),
                    Some("include") => dump.includes.extend(words.map(|w| w.trim_matches('"').to_owned())),
                    Some("pid") => dump.pid_file = words.next().map(|w| w.trim_matches('"').to_owned()),
                    _ => {}
                }
            }
            dump.files.push(DumpedFile {
                path,
                first_line,
                server_names,
            });
        }
        dump
    }
}

/// A config text's statements, comments removed, split at `;`, `{`, `}`
/// (quoting is rare in the directives berth reads, and ignored).
fn statements(body: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for line in body.lines() {
        let line = line.split('#').next().unwrap_or_default();
        for ch in line.chars() {
            if matches!(ch, ';' | '{' | '}') {
                out.push(std::mem::take(&mut current).trim().to_owned());
            } else {
                current.push(ch);
            }
        }
        current.push(' ');
    }
    out.retain(|s| !s.is_empty());
    out
}

/// Whether nginx's `server_name` entry `name` serves `domain`: the same
/// name (case-insensitive), or a wildcard (`*.example.com`,
/// `.example.com`) covering it. Regex names are not interpreted.
fn serves(name: &str, domain: &str) -> bool {
    let domain = domain.to_lowercase();
    if let Some(suffix) = name.strip_prefix("*.") {
        return domain.ends_with(&format!(".{suffix}"));
    }
    if let Some(base) = name.strip_prefix('.') {
        return domain == base || domain.ends_with(&format!(".{base}"));
    }
    name == domain
}

/// Shell-style glob match with `*` and `?` (what nginx's include uses for
/// the usual `dir/*.conf`); `*` and `?` do not match a leading dot.
fn glob_match(pattern: &str, path: &str) -> bool {
    fn inner(p: &[char], s: &[char], at_start: bool) -> bool {
        match (p.first(), s.first()) {
            (None, None) => true,
            (Some('*'), _) => {
                if at_start && s.first() == Some(&'.') {
                    return inner(&p[1..], s, false);
                }
                inner(&p[1..], s, false) || (!s.is_empty() && s[0] != '/' && inner(p, &s[1..], false))
            }
            (Some('?'), Some(c)) => *c != '/' && !(at_start && *c == '.') && inner(&p[1..], &s[1..], false),
            (Some(a), Some(b)) => a == b && inner(&p[1..], &s[1..], *b == '/'),
            _ => false,
        }
    }
    let p: Vec<char> = pattern.chars().collect();
    let s: Vec<char> = path.chars().collect();
    inner(&p, &s, true)
}

#[async_trait]
impl Router for NginxRouter {
    async fn preflight(&self, workload: &str, domains: &[String], remembered: Option<i64>) -> Result<RoutePlan> {
        if domains.is_empty() {
            return Ok(RoutePlan {
                domains: Vec::new(),
                route_id: remembered,
            });
        }
        let file = self.file_for(workload);
        self.read_own(workload, &file)?;
        let dump = self
            .dump()
            .await
            .with_context_msg(|| msg!("nginx-config-fails-test", workload = workload))?;
        if !self.includes(&dump, &file) {
            bail!(msg!(
                "workload-prefix",
                workload = workload,
                text = self.not_included(&file)
            ));
        }
        self.master_pid(&dump)
            .await
            .with_context_msg(|| msg!("workload-name", workload = workload))?;
        let own = file.to_string_lossy();
        for f in &dump.files {
            if f.path == own {
                continue;
            }
            let Some(taken) = domains
                .iter()
                .find(|d| f.server_names.iter().any(|name| serves(name, d)))
            else {
                continue;
            };
            let holder = match f.first_line.strip_prefix(MARKER) {
                Some(rest) => msg!("nginx-holder-berth", path = &f.path, route = rest.trim()),
                None => msg!("nginx-holder-foreign", path = &f.path),
            };
            bail!(msg!(
                "nginx-domain-taken",
                workload = workload,
                domain = taken,
                holder = holder
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
        // One writer at a time: two berths must not interleave write, test
        // and reload of the same nginx.
        let _lock = super::lock_router(&self.db_path, "nginx").await?;

        let path = self.file_for(workload);
        let previous = self.read_own(workload, &path).map_err(NeverSent::before_write)?;
        let wanted = self.render(workload, &plan.domains, target);
        if previous.as_deref() == Some(wanted.as_bytes()) {
            return Ok(unchanged);
        }
        write_atomic(&path, wanted.as_bytes()).with_context_msg(|| msg!("workload-name", workload = workload))?;

        // Until the reload, nginx serves what it served before: a failure
        // here puts the file back and the route provably never changed.
        let checked = async {
            let dump = self.dump().await?;
            if !self.includes(&dump, &path) {
                bail!(self.not_included(&path));
            }
            self.master_pid(&dump).await
        }
        .await;
        let master = match checked {
            Ok(pid) => pid,
            Err(e) => {
                // Never sent only with the file back as it was: a file left
                // naming green would go live at the next reload by anyone.
                let (restored, back) = match Self::restore(&path, previous.as_deref()) {
                    Ok(()) => (msg!("nginx-restored"), true),
                    Err(re) => (msg!("nginx-restore-failed-too", reason = &re), false),
                };
                let refused = msg!(
                    "nginx-refused-route",
                    workload = workload,
                    path = path.display().to_string(),
                    reason = &e,
                    restored = restored
                );
                return Err(if back {
                    anyhow::Error::new(NeverSent(refused))
                } else {
                    anyhow!(refused)
                });
            }
        };
        if let Err(e) = self.reload_and_confirm(master).await {
            let restored = self.restore_and_reload(&path, previous.as_deref()).await;
            bail!(msg!(
                "nginx-not-live",
                workload = workload,
                path = path.display().to_string(),
                reason = &e,
                restored = restored
            ));
        }
        Ok(Pointed {
            route_id: None,
            written: true,
        })
    }

    async fn current_target(&self, workload: &str, _plan: &RoutePlan) -> Result<Option<String>> {
        let Some(bytes) = self.read_own(workload, &self.file_for(workload))? else {
            return Ok(None);
        };
        let text = String::from_utf8_lossy(&bytes);
        Ok(statements(&text).iter().find_map(|st| {
            let target = st.strip_prefix("proxy_pass")?.trim();
            let target = target.strip_prefix("http://").unwrap_or(target);
            Some(target.trim_start_matches('[').replacen("]:", ":", 1))
        }))
    }

    /// Reloads nginx (it resolves `proxy_pass` names at load only) when
    /// berth's file for `workload` exists. Errors: the test or the reload
    /// failed (the route itself is unchanged).
    async fn refresh(&self, workload: &str, plan: &RoutePlan) -> Result<()> {
        if !plan.is_routed() {
            return Ok(());
        }
        let _lock = super::lock_router(&self.db_path, "nginx").await?;
        if self.read_own(workload, &self.file_for(workload))?.is_none() {
            return Ok(());
        }
        self.test_and_reload().await
    }

    /// Deletes berth's file for `workload`, then tests and reloads nginx;
    /// a failed test or reload puts the file back (and reloads again).
    async fn remove_route(&self, workload: &str) -> Result<Option<String>> {
        let _lock = super::lock_router(&self.db_path, "nginx").await?;
        let path = self.file_for(workload);
        let Some(previous) = self.read_own(workload, &path)? else {
            return Ok(None);
        };
        Self::restore(&path, None)?;
        if let Err(e) = self.test_and_reload().await {
            let restored = self.restore_and_reload(&path, Some(&previous)).await;
            bail!(msg!(
                "nginx-not-removed",
                workload = workload,
                path = path.display().to_string(),
                reason = &e,
                restored = restored
            ));
        }
        Ok(Some(path.display().to_string()))
    }

    fn forwards_by_ip(&self) -> bool {
        true
    }

    fn name(&self) -> Option<&'static str> {
        Some("nginx")
    }

    fn route_name(&self, workload: &str, _plan: &RoutePlan) -> Option<String> {
        Some(self.file_for(workload).display().to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_matches_the_usual_include_and_never_a_hidden_temp_file() {
        assert!(glob_match("/etc/nginx/berth/*.conf", "/etc/nginx/berth/berth-web.conf"));
        assert!(!glob_match(
            "/etc/nginx/berth/*.conf",
            "/etc/nginx/berth/.berth-web.conf.7.tmp"
        ));
        assert!(!glob_match(
            "/etc/nginx/berth/*.conf",
            "/etc/nginx/berth/berth-web.conf.7.tmp"
        ));
        assert!(!glob_match(
            "/etc/nginx/berth/*.conf",
            "/etc/nginx/other/berth-web.conf"
        ));
        assert!(glob_match(
            "/etc/nginx/berth/berth-?eb.conf",
            "/etc/nginx/berth/berth-web.conf"
        ));
        assert!(!glob_match("/etc/nginx/*/x.conf", "/etc/nginx/a/b/x.conf"));
    }

    #[test]
    fn dump_finds_server_names_includes_and_the_pid_file() {
        let text = "nginx: the configuration file /x/nginx.conf syntax is ok\n\
                    # configuration file /x/nginx.conf:\n\
                    pid /x/nginx.pid;\nhttp {\n  include /x/berth/*.conf; # ours\n  server { server_name A.test\n    b.test; }\n}\n\
                    # configuration file /x/berth/berth-web.conf:\n\
                    # managed by berth: workload `web`.\nserver { server_name c.test; }\n";
        let dump = Dump::parse(text);
        assert_eq!(dump.pid_file.as_deref(), Some("/x/nginx.pid"));
        assert_eq!(dump.includes, vec!["/x/berth/*.conf"]);
        assert_eq!(dump.files[0].server_names, vec!["a.test", "b.test"]);
        assert_eq!(dump.files[1].server_names, vec!["c.test"]);
        assert!(dump.files[1].first_line.starts_with(MARKER));
    }

    #[test]
    fn restore_puts_the_previous_bytes_back_or_removes_a_new_file() -> Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("berth-web.conf");
        let previous = b"# managed by berth: workload `web`.\nserver { listen 80; }\n\xff no newline";
        write_atomic(&path, previous)?;
        write_atomic(&path, b"# managed by berth: new\n")?;
        NginxRouter::restore(&path, Some(previous))?;
        assert_eq!(std::fs::read(&path)?, previous.to_vec(), "byte for byte");
        NginxRouter::restore(&path, None)?;
        assert!(!path.exists(), "a file that was not there before is removed");
        NginxRouter::restore(&path, None)?;
        let names: Vec<_> = std::fs::read_dir(dir.path())?
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert!(names.is_empty(), "no temp file left: {names:?}");
        Ok(())
    }

    #[test]
    fn a_file_without_berths_first_line_is_never_taken_as_berths() -> Result<()> {
        let dir = tempfile::tempdir()?;
        let settings = NginxSettings {
            dir: Some((dir.path().display().to_string(), Source::Store)),
            conf: None,
            bin: ("nginx".into(), Source::Default),
            reload: None,
            listen: ("80".into(), Source::Default),
        };
        let router = NginxRouter::new(&settings, dir.path().join("berth.db"))?;
        let path = router.file_for("web");
        std::fs::write(&path, "server { server_name web.test; }\n")?;
        let err = router
            .read_own("web", &path)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("berth did not write it"), "{err}");
        Ok(())
    }

    #[test]
    fn wildcard_server_names_cover_their_subdomains() {
        assert!(serves("*.example.com", "App.Example.com"));
        assert!(!serves("*.example.com", "example.com"));
        assert!(serves(".example.com", "example.com"));
        assert!(serves("web.test", "WEB.test"));
        assert!(!serves("web.test", "web.test.evil"));
    }
}
