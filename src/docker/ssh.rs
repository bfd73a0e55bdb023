//! `ssh://` daemons, the docker CLI's way: `ssh HOST docker system
//! dial-stdio` carries the Docker API over one SSH channel per HTTP
//! connection. What berth adds so that peers' pitfalls cannot happen:
//!
//! - One SSH connection per host and process: a master (`ssh -M`, OpenSSH
//!   connection sharing) that every channel rides on, so a fleet deploy
//!   never runs into sshd's `MaxStartups`; at most [`MAX_CHANNELS`]
//!   channels at once (under sshd's default `MaxSessions` of 10), and
//!   idle HTTP connections are kept and reused for [`IDLE_REUSE`].
//! - Host keys: `StrictHostKeyChecking=yes` and `BatchMode=yes`: an
//!   unknown or changed key is refused, never accepted silently. Trusting
//!   a host is explicit: its key in `known_hosts`.
//! - `ConnectTimeout` (also bounding the banner exchange, so a host that
//!   accepts TCP but never speaks SSH fails in seconds), and keep-alives.
//! - Nothing left running: every ssh process is in its own process group
//!   (a terminal's Ctrl-C reaches berth, which still needs the daemon to
//!   clean up) and killed when berth drops the transport; the remote
//!   `dial-stdio` ends when its channel closes. A master left by a berth
//!   that was killed (-9) is told to exit by the next berth (its directory
//!   records the owner's pid).
//! - A remote side without `docker` on its PATH is said plainly.
//!
//! `BERTH_SSH_CONFIG` names an ssh_config file passed as `ssh -F` (the
//! tests use it for their throwaway key and known_hosts).

use std::collections::HashMap;
use std::future::Future;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::task::{Context as TaskContext, Poll};
use std::time::{Duration, Instant};

use anyhow::{Result, anyhow};
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::io::AsyncReadExt;
use tokio::process::{Child, Command};
use tokio::sync::Semaphore;

use super::endpoint::SshTarget;

use crate::msg;

/// Most SSH channels (HTTP connections and probe tunnels) open at once per host.
pub const MAX_CHANNELS: usize = 8;
/// How long an idle HTTP connection to the daemon is kept for reuse.
const IDLE_REUSE: Duration = Duration::from_secs(30);
/// The SSH connect (and banner exchange) timeout, seconds.
pub const CONNECT_TIMEOUT_S: u64 = 10;
/// How long the master may take to log in before berth gives up.
const LOGIN_DEADLINE: Duration = Duration::from_secs(CONNECT_TIMEOUT_S + 10);
/// The prefix of each master's private directory in the temp dir.
const DIR_PREFIX: &str = "berth-ssh-";

/// One SSH master connection to a host, and what rides on it.
pub struct SshTransport {
    target: SshTarget,
    /// `ssh://...`, for messages.
    display: String,
    /// Holds the control socket and the owner's pid; removed on drop.
    dir: tempfile::TempDir,
    master: Mutex<Option<Child>>,
    channels: Arc<Semaphore>,
    /// Why the last channel failed (e.g. no `docker` on the remote PATH).
    last_failure: Arc<Mutex<Option<String>>>,
    /// Local listeners that forward to addresses on the daemon's host.
    tunnels: Mutex<HashMap<SocketAddr, (SocketAddr, tokio::task::JoinHandle<()>)>>,
}

impl SshTransport {
    /// Logs in to `target` (one master connection) and returns the
    /// transport. Errors: ssh missing, host key unknown or changed,
    /// authentication refused, host unreachable or silent; each names the host.
    pub async fn connect(target: &SshTarget, display: &str) -> Result<Arc<SshTransport>> {
        reap_orphaned_masters().await;
        let dir = tempfile::Builder::new()
            .prefix(DIR_PREFIX)
            .tempdir()
            .map_err(|e| msg!("ssh-no-dir", host = display).wrap(e))?;
        std::fs::write(dir.path().join("owner"), std::process::id().to_string())
            .map_err(|e| msg!("ssh-cannot-write", path = dir.path().display().to_string()).wrap(e))?;
        let ctl = dir.path().join("ctl");
        let mut cmd = ssh_command(target, &ctl);
        cmd.args(["-M", "-N", "-o", "ControlPersist=no"])
            .arg(target.destination())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        let mut master = cmd
            .spawn()
            .map_err(|e| anyhow!(msg!("ssh-not-runnable", host = display, error = e.to_string())))?;
        let started = Instant::now();
        // The control socket appears once the master has logged in.
        loop {
            if ctl.exists() {
                break;
            }
            if let Ok(Some(status)) = master.try_wait() {
                let mut err = String::new();
                if let Some(mut e) = master.stderr.take() {
                    let _ = e.read_to_string(&mut err).await;
                }
                return Err(login_failure(display, target, status.code(), &err));
            }
            if started.elapsed() > LOGIN_DEADLINE {
                return Err(anyhow!(msg!(
                    "ssh-login-timeout",
                    host = display,
                    seconds = LOGIN_DEADLINE.as_secs()
                )));
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        Ok(Arc::new(SshTransport {
            target: target.clone(),
            display: display.to_owned(),
            dir,
            master: Mutex::new(Some(master)),
            channels: Arc::new(Semaphore::new(MAX_CHANNELS)),
            last_failure: Arc::new(Mutex::new(None)),
            tunnels: Mutex::new(HashMap::new()),
        }))
    }

    fn ctl(&self) -> PathBuf {
        self.dir.path().join("ctl")
    }

    /// Why the last channel to the daemon failed, if one did: the cause
    /// behind an HTTP error such as "connection closed".
    pub fn last_failure(&self) -> Option<String> {
        self.last_failure.lock().ok().and_then(|f| f.clone())
    }

    /// A bollard client whose HTTP connections are `docker system
    /// dial-stdio` channels on this master.
    pub fn docker_client(self: &Arc<Self>, timeout_s: u64) -> Result<bollard::Docker> {
        let client = hyper_util::client::legacy::Client::builder(TokioExecutor::new())
            .pool_idle_timeout(IDLE_REUSE)
            .pool_max_idle_per_host(MAX_CHANNELS)
            .build(DialStdio {
                transport: Arc::clone(self),
            });
        let api = bollard::Docker::connect_with_custom_transport(
            move |req: bollard::BollardRequest| {
                let client = client.clone();
                async move { client.request(req).await.map_err(bollard::errors::Error::from) }
            },
            Some("http://docker.sock"),
            timeout_s,
            bollard::API_DEFAULT_VERSION,
        )
        .map_err(|e| msg!("ssh-client-setup", host = &self.display).wrap(e))?;
        Ok(api)
    }

    /// Opens one channel running `command` on the host (or `-W addr`,
    /// a TCP forward, when `forward` is set), its stdio piped to a local
    /// socket; the channel closes when that socket does.
    async fn channel(&self, forward: Option<SocketAddr>, command: &[&str]) -> std::io::Result<tokio::net::UnixStream> {
        let permit = Arc::clone(&self.channels)
            .acquire_owned()
            .await
            .map_err(std::io::Error::other)?;
        let mut cmd = ssh_command(&self.target, &self.ctl());
        cmd.args(["-o", "ControlMaster=no"]);
        if let Some(addr) = forward {
            cmd.arg("-W").arg(addr.to_string());
        }
        cmd.arg(self.target.destination())
            .args(command)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn()?;
        let (ours, theirs) = tokio::net::UnixStream::pair()?;
        let (Some(stdin), Some(stdout), Some(mut stderr)) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take())
        else {
            return Err(std::io::Error::other("ssh without pipes"));
        };
        let failure = Arc::clone(&self.last_failure);
        let display = self.display.clone();
        tokio::spawn(async move {
            let _permit = permit;
            let mut theirs = theirs;
            let mut pipe = tokio::io::join(stdout, stdin);
            let mut err = String::new();
            let (_, _) = tokio::join!(
                tokio::io::copy_bidirectional(&mut theirs, &mut pipe),
                stderr.read_to_string(&mut err)
            );
            drop(pipe);
            let status = match tokio::time::timeout(Duration::from_secs(5), child.wait()).await {
                Ok(Ok(s)) => s.code(),
                _ => {
                    let _ = child.kill().await;
                    None
                }
            };
            if let Some(why) = channel_failure(&display, forward, status, &err)
                && let Ok(mut slot) = failure.lock()
            {
                *slot = Some(why);
            }
        });
        Ok(ours)
    }

    /// A local address that reaches `remote` (an address on the daemon's
    /// host, e.g. a container's) through this connection: the readiness
    /// probe's way to a remote container. One listener per address, kept
    /// for the transport's life.
    pub async fn tunnel(self: &Arc<Self>, remote: SocketAddr) -> Result<SocketAddr> {
        if let Some(local) = self.tunnels.lock().ok().and_then(|t| t.get(&remote).map(|(l, _)| *l)) {
            return Ok(local);
        }
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
            .await
            .map_err(|e| msg!("ssh-tunnel-port", address = remote.to_string()).wrap(e))?;
        let local = listener.local_addr()?;
        let weak = Arc::downgrade(self);
        let task = tokio::spawn(async move {
            while let Ok((mut conn, _)) = listener.accept().await {
                let Some(transport) = weak.upgrade() else { return };
                tokio::spawn(async move {
                    if let Ok(mut chan) = transport.channel(Some(remote), &[]).await {
                        let _ = tokio::io::copy_bidirectional(&mut conn, &mut chan).await;
                    }
                });
            }
        });
        if let Ok(mut t) = self.tunnels.lock() {
            t.insert(remote, (local, task));
        }
        Ok(local)
    }
}

impl Drop for SshTransport {
    fn drop(&mut self) {
        if let Ok(mut t) = self.tunnels.lock() {
            for (_, (_, task)) in t.drain() {
                task.abort();
            }
        }
        // Killing the master closes every channel on it; sshd then ends
        // the remote `dial-stdio` processes' sessions.
        if let Ok(mut m) = self.master.lock()
            && let Some(mut master) = m.take()
        {
            let _ = master.start_kill();
        }
    }
}

/// The hyper connector: each new HTTP connection is a `dial-stdio` channel.
#[derive(Clone)]
struct DialStdio {
    transport: Arc<SshTransport>,
}

impl tower_service::Service<hyper::Uri> for DialStdio {
    type Response = TokioIo<tokio::net::UnixStream>;
    type Error = std::io::Error;
    type Future = Pin<Box<dyn Future<Output = std::io::Result<Self::Response>> + Send>>;

    fn poll_ready(&mut self, _: &mut TaskContext<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _: hyper::Uri) -> Self::Future {
        let transport = Arc::clone(&self.transport);
        Box::pin(async move {
            let stream = transport.channel(None, &["docker", "system", "dial-stdio"]).await?;
            Ok(TokioIo::new(stream))
        })
    }
}

/// `ssh` with berth's options for `target`, sharing the master at `ctl`.
fn ssh_command(target: &SshTarget, ctl: &Path) -> Command {
    let mut cmd = Command::new("ssh");
    // berth reads ssh's errors (login_failure).
    cmd.envs(crate::i18n::CHILD_LOCALE);
    if let Some(config) = std::env::var_os("BERTH_SSH_CONFIG").filter(|c| !c.is_empty()) {
        cmd.arg("-F").arg(config);
    }
    if let Some(port) = target.port {
        cmd.arg("-p").arg(port.to_string());
    }
    cmd.arg("-S").arg(ctl);
    for opt in [
        "BatchMode=yes".to_owned(),
        "StrictHostKeyChecking=yes".to_owned(),
        format!("ConnectTimeout={CONNECT_TIMEOUT_S}"),
        "ServerAliveInterval=10".to_owned(),
        "ServerAliveCountMax=3".to_owned(),
        "LogLevel=ERROR".to_owned(),
    ] {
        cmd.arg("-o").arg(opt);
    }
    // -T: no terminal; -x, -a: no X11 or agent forwarding to the daemon's host.
    cmd.args(["-T", "-x", "-a"]);
    // Its own process group: Ctrl-C on a terminal reaches berth only,
    // which still needs the daemon to clean up.
    cmd.process_group(0).kill_on_drop(true);
    cmd
}

/// Why the master could not log in, in words that say what to do.
fn login_failure(display: &str, target: &SshTarget, code: Option<i32>, stderr: &str) -> anyhow::Error {
    let detail = stderr.trim();
    let lower = detail.to_lowercase();
    let host = &target.host;
    if lower.contains("host key verification failed") || lower.contains("no matching host key") {
        let keyscan = match target.port {
            Some(p) => format!("ssh-keyscan -p {p} {host}"),
            None => format!("ssh-keyscan {host}"),
        };
        anyhow!(msg!("ssh-host-key", host = display, name = host, keyscan = keyscan))
    } else if lower.contains("permission denied") {
        anyhow!(msg!("ssh-auth-refused", host = display, detail = detail))
    } else {
        let detail = if detail.is_empty() {
            crate::t!("ssh-exited", code = code.map_or("?".to_owned(), |c| c.to_string()))
        } else {
            detail.to_owned()
        };
        anyhow!(msg!("docker-remote-unreachable", host = display, error = detail))
    }
}

/// What a failed channel says, when it failed in a way worth saying.
fn channel_failure(display: &str, forward: Option<SocketAddr>, code: Option<i32>, stderr: &str) -> Option<String> {
    let detail = stderr.trim();
    if forward.is_none() && (code == Some(127) || (detail.contains("docker") && detail.contains("not found"))) {
        return Some(crate::t!("ssh-no-remote-docker", host = display, detail = detail));
    }
    match code {
        Some(0) | None => None,
        Some(_) if detail.is_empty() => None,
        Some(_) => Some(format!("{display}: {detail}")),
    }
}

/// Tells the masters that berths killed with SIGKILL left behind to exit,
/// and removes their directories. Best effort, bounded.
async fn reap_orphaned_masters() {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        if !name.to_string_lossy().starts_with(DIR_PREFIX) {
            continue;
        }
        let dir = entry.path();
        let Some(owner) = std::fs::read_to_string(dir.join("owner"))
            .ok()
            .and_then(|p| p.trim().parse::<u32>().ok())
        else {
            continue;
        };
        if Path::new(&format!("/proc/{owner}")).exists() {
            continue;
        }
        let ctl = dir.join("ctl");
        if ctl.exists() {
            let exit = Command::new("ssh")
                .envs(crate::i18n::CHILD_LOCALE)
                .arg("-S")
                .arg(&ctl)
                .args(["-O", "exit", "berth-orphan"])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .kill_on_drop(true)
                .status();
            let _ = tokio::time::timeout(Duration::from_secs(5), exit).await;
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target() -> SshTarget {
        SshTarget {
            user: Some("deploy".into()),
            host: "web-1".into(),
            port: Some(2222),
        }
    }

    #[test]
    fn ssh_runs_in_the_c_locale_whose_errors_berth_reads() {
        let cmd = ssh_command(&target(), Path::new("/tmp/berth-ctl"));
        let envs: Vec<_> = cmd.as_std().get_envs().collect();
        assert!(
            envs.contains(&(std::ffi::OsStr::new("LC_ALL"), Some(std::ffi::OsStr::new("C")))),
            "{envs:?}"
        );
    }

    #[test]
    fn an_unknown_host_key_says_how_to_trust_it() {
        let e = login_failure(
            "ssh://deploy@web-1:2222",
            &target(),
            Some(255),
            "Host key verification failed.\n",
        );
        let text = format!("{e:#}");
        assert!(text.contains("ssh-keyscan -p 2222 web-1"), "{text}");
        assert!(text.contains("never accepts one silently"), "{text}");
    }

    #[test]
    fn a_missing_remote_docker_is_said_plainly() {
        let why =
            channel_failure("ssh://h", None, Some(127), "bash: line 1: docker: command not found").expect("a failure");
        assert!(why.contains("no `docker` on its PATH"), "{why}");
    }
}
