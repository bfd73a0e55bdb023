//! A Docker socket proxy the test owns: a unix socket in a temp dir that
//! forwards every connection byte-for-byte to the real daemon socket, so a
//! test can point berth at it with `DOCKER_HOST=unix://<path>` and then
//! "kill the daemon" ([`SockProxy::kill`]: the listener closes and every
//! open connection is shut down) without touching dockerd.
//!
//! With [`SockProxy::fail_requests`] the proxy parses the client's HTTP/1.1
//! requests (request line, headers, `Content-Length` or chunked body) and
//! answers the ones whose request line matches with a canned response
//! instead of forwarding them: a daemon error (`no space left on device`)
//! on demand. Everything else is forwarded unchanged.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::Shutdown;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::Duration;

/// The real daemon socket.
pub const DOCKER_SOCK: &str = "/var/run/docker.sock";

/// Requests answered by the proxy itself: (method, path fragment, raw response).
#[derive(Clone)]
struct FailRule {
    method: String,
    path_contains: String,
    response: Vec<u8>,
}

struct Shared {
    stop: AtomicBool,
    /// Every socket opened (client and daemon side), to shut down on kill.
    sockets: Mutex<Vec<UnixStream>>,
    rules: Mutex<Vec<FailRule>>,
    /// Request lines seen, in order (for diagnostics).
    seen: Mutex<Vec<String>>,
    /// Request lines answered by a rule.
    failed: Mutex<Vec<String>>,
}

pub struct SockProxy {
    dir: Option<tempfile::TempDir>,
    path: PathBuf,
    shared: Arc<Shared>,
    acceptor: Option<JoinHandle<()>>,
}

impl SockProxy {
    /// Listens on `<temp dir>/docker.sock`, forwarding to [`DOCKER_SOCK`].
    pub fn start() -> SockProxy {
        let dir = tempfile::Builder::new()
            .prefix("berth-sockproxy-")
            .tempdir()
            .expect("sockproxy: temp dir");
        let path = dir.path().join("docker.sock");
        let listener = UnixListener::bind(&path).expect("sockproxy: bind");
        listener.set_nonblocking(true).expect("sockproxy: nonblocking");
        let shared = Arc::new(Shared {
            stop: AtomicBool::new(false),
            sockets: Mutex::new(Vec::new()),
            rules: Mutex::new(Vec::new()),
            seen: Mutex::new(Vec::new()),
            failed: Mutex::new(Vec::new()),
        });
        let acceptor = {
            let shared = Arc::clone(&shared);
            thread::Builder::new()
                .name("sockproxy-accept".into())
                .spawn(move || accept_loop(listener, &shared))
                .expect("sockproxy: spawn")
        };
        SockProxy {
            dir: Some(dir),
            path,
            shared,
            acceptor: Some(acceptor),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// `unix://<path>`, for `DOCKER_HOST`.
    pub fn docker_host(&self) -> String {
        format!("unix://{}", self.path.display())
    }

    /// Answers every request whose method is `method` and whose path
    /// contains `path_contains` with `status` and the JSON body `body`
    /// (`Connection: close`), instead of forwarding it.
    pub fn fail_requests(&self, method: &str, path_contains: &str, status: u16, body: &str) {
        let response = format!(
            "HTTP/1.1 {status} Injected\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
             Connection: close\r\n\r\n{body}",
            body.len()
        );
        lock(&self.shared.rules).push(FailRule {
            method: method.to_owned(),
            path_contains: path_contains.to_owned(),
            response: response.into_bytes(),
        });
    }

    /// Request lines seen so far.
    pub fn seen(&self) -> Vec<String> {
        lock(&self.shared.seen).clone()
    }

    /// Request lines the proxy answered itself.
    pub fn failed(&self) -> Vec<String> {
        lock(&self.shared.failed).clone()
    }

    /// "The daemon is gone": stops accepting, removes the socket file, and
    /// shuts down every open connection (both sides). Idempotent.
    pub fn kill(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
        }
        let _ = std::fs::remove_file(&self.path);
        for s in lock(&self.shared.sockets).drain(..) {
            let _ = s.shutdown(Shutdown::Both);
        }
    }
}

impl Drop for SockProxy {
    fn drop(&mut self) {
        self.kill();
        drop(self.dir.take());
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn accept_loop(listener: UnixListener, shared: &Arc<Shared>) {
    while !shared.stop.load(Ordering::SeqCst) {
        match listener.accept() {
            Ok((client, _)) => {
                let _ = client.set_nonblocking(false);
                let Ok(daemon) = UnixStream::connect(DOCKER_SOCK) else {
                    let _ = client.shutdown(Shutdown::Both);
                    continue;
                };
                {
                    let mut sockets = lock(&shared.sockets);
                    if shared.stop.load(Ordering::SeqCst) {
                        let _ = client.shutdown(Shutdown::Both);
                        let _ = daemon.shutdown(Shutdown::Both);
                        return;
                    }
                    for s in [&client, &daemon] {
                        if let Ok(clone) = s.try_clone() {
                            sockets.push(clone);
                        }
                    }
                }
                spawn_pair(client, daemon, shared);
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => thread::sleep(Duration::from_millis(5)),
            Err(_) => thread::sleep(Duration::from_millis(5)),
        }
    }
    // The listener is dropped here: new connections are refused.
}

fn spawn_pair(client: UnixStream, daemon: UnixStream, shared: &Arc<Shared>) {
    let (Ok(client_w), Ok(daemon_r)) = (client.try_clone(), daemon.try_clone()) else {
        return;
    };
    // daemon -> client: raw bytes.
    let _ = thread::Builder::new().name("sockproxy-down".into()).spawn(move || {
        let mut daemon_r = daemon_r;
        let mut client_w = client_w;
        let _ = io::copy(&mut daemon_r, &mut client_w);
        let _ = client_w.shutdown(Shutdown::Write);
    });
    // client -> daemon: request by request, so a rule can answer one.
    let shared = Arc::clone(shared);
    let _ = thread::Builder::new().name("sockproxy-up".into()).spawn(move || {
        let _ = forward_requests(client, daemon, &shared);
    });
}

fn forward_requests(client: UnixStream, mut daemon: UnixStream, shared: &Shared) -> io::Result<()> {
    let mut client_w = client.try_clone()?;
    let mut reader = BufReader::new(client);
    loop {
        // The head: request line and headers, up to the empty line.
        let mut head: Vec<u8> = Vec::new();
        let mut line = Vec::new();
        loop {
            line.clear();
            let n = reader.read_until(b'\n', &mut line)?;
            if n == 0 {
                let _ = daemon.shutdown(Shutdown::Write);
                return Ok(());
            }
            head.extend_from_slice(&line);
            if line == b"\r\n" || line == b"\n" {
                break;
            }
        }
        let text = String::from_utf8_lossy(&head).into_owned();
        let request_line = text.lines().next().unwrap_or_default().to_owned();
        lock(&shared.seen).push(request_line.clone());
        let mut parts = request_line.split_whitespace();
        let method = parts.next().unwrap_or_default().to_owned();
        let target = parts.next().unwrap_or_default().to_owned();
        let header = |name: &str| {
            text.lines().skip(1).find_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.trim().eq_ignore_ascii_case(name).then(|| v.trim().to_owned())
            })
        };
        let chunked = header("transfer-encoding").is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
        let length: usize = header("content-length").and_then(|v| v.parse().ok()).unwrap_or(0);
        let upgrade = header("upgrade").is_some();

        let rule = lock(&shared.rules)
            .iter()
            .find(|r| r.method == method && target.contains(&r.path_contains))
            .cloned();
        let mut body = Vec::new();
        if chunked {
            read_chunked(&mut reader, &mut body)?;
        } else if length > 0 {
            let mut buf = vec![0u8; length];
            reader.read_exact(&mut buf)?;
            body = buf;
        }
        if let Some(rule) = rule {
            lock(&shared.failed).push(request_line);
            client_w.write_all(&rule.response)?;
            client_w.flush()?;
            let _ = client_w.shutdown(Shutdown::Both);
            let _ = daemon.shutdown(Shutdown::Both);
            return Ok(());
        }
        daemon.write_all(&head)?;
        daemon.write_all(&body)?;
        daemon.flush()?;
        if upgrade {
            // A hijacked stream (attach, exec): raw bytes from here on.
            let _ = io::copy(&mut reader, &mut daemon);
            let _ = daemon.shutdown(Shutdown::Write);
            return Ok(());
        }
    }
}

/// Reads a chunked body, keeping its framing (it is forwarded as is).
fn read_chunked(reader: &mut BufReader<UnixStream>, out: &mut Vec<u8>) -> io::Result<()> {
    loop {
        let mut size_line = Vec::new();
        reader.read_until(b'\n', &mut size_line)?;
        if size_line.is_empty() {
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "chunked body cut off"));
        }
        out.extend_from_slice(&size_line);
        let size_text = String::from_utf8_lossy(&size_line);
        let size_hex = size_text.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(size_hex, 16)
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, format!("bad chunk size: {e}")))?;
        if size == 0 {
            // Trailers, up to the empty line.
            loop {
                let mut trailer = Vec::new();
                reader.read_until(b'\n', &mut trailer)?;
                out.extend_from_slice(&trailer);
                if trailer.is_empty() || trailer == b"\r\n" || trailer == b"\n" {
                    return Ok(());
                }
            }
        }
        let mut chunk = vec![0u8; size + 2];
        reader.read_exact(&mut chunk)?;
        out.extend_from_slice(&chunk);
    }
}
