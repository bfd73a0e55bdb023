//! A load loop through a proxy: several keep-alive HTTP/1.1 clients asking
//! for one domain, counting every request that failed. What the zero-drop
//! tests of `routes.rs` and `stores.rs` measure a deploy with.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use super::wait_until;

/// The bodies the test images answer `GET /` with.
pub const VALID_BODIES: &[&str] = &["v1\n", "v2\n", "v3\n"];

/// Load-loop totals. A request that failed on a reused keep-alive
/// connection before any response byte and succeeded on one immediate retry
/// is `served` (and counted in `retried`).
#[derive(Debug, Default)]
pub struct LoadStats {
    pub sent: u64,
    pub served: u64,
    pub retried: u64,
    pub failed: u64,
    /// The first failures, for the assertion message.
    pub failures: Vec<String>,
    /// Failure kind (`status 502`, `new connection: connect`...) -> count.
    pub kinds: BTreeMap<String, u64>,
    /// Latencies of the failed requests alone, microseconds.
    pub failed_latencies_us: Vec<u64>,
    /// Body -> count, for 2xx answers.
    pub versions: BTreeMap<String, u64>,
    /// Per request (retry included), microseconds.
    pub latencies_us: Vec<u64>,
    /// Whether a client stopped on its count or time bound before being told to.
    pub bounded_out: bool,
    pub elapsed: Duration,
}

impl LoadStats {
    pub fn merge(&mut self, o: LoadStats) {
        self.sent += o.sent;
        self.served += o.served;
        self.retried += o.retried;
        self.failed += o.failed;
        for f in o.failures {
            if self.failures.len() < 20 {
                self.failures.push(f);
            }
        }
        for (k, v) in o.versions {
            *self.versions.entry(k).or_default() += v;
        }
        for (k, v) in o.kinds {
            *self.kinds.entry(k).or_default() += v;
        }
        self.latencies_us.extend(o.latencies_us);
        self.failed_latencies_us.extend(o.failed_latencies_us);
        self.bounded_out |= o.bounded_out;
        self.elapsed = self.elapsed.max(o.elapsed);
    }

    pub fn fail(&mut self, why: String, latency_us: u64) {
        self.failed += 1;
        self.failed_latencies_us.push(latency_us);
        let kind = if why.starts_with("status ") {
            why.split(':').next().unwrap_or_default().to_owned()
        } else {
            why.splitn(3, ": ").take(2).collect::<Vec<_>>().join(": ")
        };
        *self.kinds.entry(kind).or_default() += 1;
        if self.failures.len() < 20 {
            self.failures.push(why);
        }
    }

    /// The `q` quantile (0..=1) of the latencies, in ms.
    pub fn quantile_ms(&self, q: f64) -> f64 {
        quantile_ms(&self.latencies_us, q)
    }

    pub fn summary(&self) -> String {
        format!(
            "sent {} served {} failed {} (retried on a fresh connection and served: {}), p50 {:.2} ms, p99 {:.2} \
             ms, max {:.2} ms, versions {:?}, failure kinds {:?}, {:.1} s",
            self.sent,
            self.served,
            self.failed,
            self.retried,
            self.quantile_ms(0.5),
            self.quantile_ms(0.99),
            self.quantile_ms(1.0),
            self.versions,
            self.kinds,
            self.elapsed.as_secs_f64()
        )
    }
}

/// The `q` quantile (0..=1) of `us` (microseconds), in ms.
pub fn quantile_ms(us: &[u64], q: f64) -> f64 {
    if us.is_empty() {
        return 0.0;
    }
    let mut v = us.to_vec();
    v.sort_unstable();
    let idx = ((v.len() - 1) as f64 * q).round() as usize;
    v[idx.min(v.len() - 1)] as f64 / 1000.0
}

/// Bounds and pacing of a load loop.
#[derive(Debug, Clone, Copy)]
pub struct LoadSpec {
    pub clients: usize,
    pub max_per_client: u64,
    pub max_time: Duration,
    /// Pause between two requests of one client.
    pub pause: Duration,
    /// 0: `GET /`; else `GET /cgi-bin/slow?ms=<slow_ms>`, answered after
    /// that many milliseconds by [`slow_app`]'s containers.
    pub slow_ms: u64,
}

impl LoadSpec {
    fn path(&self) -> String {
        if self.slow_ms == 0 {
            "/".to_owned()
        } else {
            format!("/cgi-bin/slow?ms={}", self.slow_ms)
        }
    }
}

/// A workload `command` for `berth-test/app:sh`: busybox httpd answering
/// `GET /` and `GET /cgi-bin/slow?ms=N` (after N ms) with `$VERSION\n`, so
/// slow requests can be in flight across a swap.
pub fn slow_app() -> serde_json::Value {
    let script = r#"printf '%s\n' "$VERSION" > /www/index.html
cat > /www/cgi-bin/slow <<'EOF'
#!/bin/sh
usleep $((${QUERY_STRING#ms=} * 1000))
printf 'Content-Type: text/plain\r\n\r\n%s\n' "$VERSION"
EOF
chmod 0755 /www/cgi-bin/slow
exec httpd -f -p 8080 -h /www"#;
    serde_json::json!([script])
}

/// A workload config for `berth-test/app:sh` + [`slow_app`] answering
/// `$VERSION` (`version`) on `domain`, with the default drain (no
/// `drain_ms`: until blue is idle, at most 30 s).
pub fn slow_app_config(domain: &str, version: &str) -> serde_json::Value {
    let mut config = super::fake_npm::routed("berth-test/app:sh", &[domain], 0);
    if let Some(fields) = config.as_object_mut() {
        fields.remove("drain_ms");
        fields.insert("command".to_owned(), slow_app());
        fields.insert("env".to_owned(), serde_json::json!({ "VERSION": version }));
    }
    config
}

/// Several clients, each on its own keep-alive HTTP/1.1 connection to nginx.
pub struct Load {
    stop: Arc<AtomicBool>,
    /// Requests answered so far (any outcome), all clients together.
    done: Arc<AtomicU64>,
    pub clients: Vec<thread::JoinHandle<LoadStats>>,
}

impl Load {
    pub fn start(port: u16, domain: &str, spec: LoadSpec) -> Load {
        let stop = Arc::new(AtomicBool::new(false));
        let done = Arc::new(AtomicU64::new(0));
        let clients = (0..spec.clients)
            .map(|_| {
                let stop = Arc::clone(&stop);
                let done = Arc::clone(&done);
                let domain = domain.to_owned();
                thread::spawn(move || client_loop(port, &domain, spec, &stop, &done))
            })
            .collect();
        Load { stop, done, clients }
    }

    /// Requests that completed so far (served or failed).
    pub fn done(&self) -> u64 {
        self.done.load(Ordering::SeqCst)
    }

    /// Waits (10 s at most) until `n` more requests complete; false when
    /// the load stalled (requests hang somewhere).
    pub fn wait_for(&self, n: u64) -> bool {
        let from = self.done();
        wait_until(Duration::from_secs(10), || self.done() >= from + n)
    }

    pub fn finish(self) -> LoadStats {
        self.stop.store(true, Ordering::SeqCst);
        let mut total = LoadStats::default();
        for c in self.clients {
            total.merge(c.join().expect("load client thread"));
        }
        total
    }
}

/// One HTTP/1.1 keep-alive connection; `used` once it carried a response.
pub struct Conn {
    reader: BufReader<TcpStream>,
    used: bool,
}

/// Why a request failed: before any response byte arrived (the connection
/// was closed or reset under it), or later / otherwise.
pub enum ReqError {
    BeforeResponse(String),
    Other(String),
}

pub fn connect(port: u16) -> Result<Conn, String> {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let s = TcpStream::connect_timeout(&addr, Duration::from_secs(5)).map_err(|e| format!("connect: {e}"))?;
    s.set_nodelay(true).map_err(|e| e.to_string())?;
    s.set_read_timeout(Some(Duration::from_secs(10)))
        .map_err(|e| e.to_string())?;
    s.set_write_timeout(Some(Duration::from_secs(5)))
        .map_err(|e| e.to_string())?;
    Ok(Conn {
        reader: BufReader::new(s),
        used: false,
    })
}

pub fn is_timeout(e: &std::io::Error) -> bool {
    matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut)
}

/// `GET <path>` on `conn`: (status, body, whether the server closes the connection).
pub fn request(conn: &mut Conn, domain: &str, path: &str) -> Result<(u16, String, bool), ReqError> {
    let req = format!("GET {path} HTTP/1.1\r\nHost: {domain}\r\nUser-Agent: berth-zero-drop\r\nAccept: */*\r\n\r\n");
    if let Err(e) = conn.reader.get_mut().write_all(req.as_bytes()) {
        return Err(if is_timeout(&e) {
            ReqError::Other(format!("write timed out: {e}"))
        } else {
            ReqError::BeforeResponse(format!("write: {e}"))
        });
    }
    // The first byte decides whether anything of a response arrived.
    match conn.reader.fill_buf() {
        Ok([]) => return Err(ReqError::BeforeResponse("closed before any response byte".into())),
        Ok(_) => {}
        Err(e) if is_timeout(&e) => return Err(ReqError::Other(format!("no answer within 10 s: {e}"))),
        Err(e) => return Err(ReqError::BeforeResponse(format!("read: {e}"))),
    }
    read_response(&mut conn.reader).map_err(ReqError::Other)
}

pub fn read_response(r: &mut BufReader<TcpStream>) -> Result<(u16, String, bool), String> {
    let mut line = String::new();
    r.read_line(&mut line).map_err(|e| format!("status line: {e}"))?;
    let mut parts = line.split_whitespace();
    let version = parts.next().unwrap_or_default().to_owned();
    let status: u16 = parts
        .next()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("bad status line {line:?}"))?;
    let mut length: Option<usize> = None;
    let mut chunked = false;
    let mut close = version == "HTTP/1.0";
    loop {
        let mut h = String::new();
        let n = r.read_line(&mut h).map_err(|e| format!("header: {e}"))?;
        if n == 0 {
            return Err("connection closed inside the headers".into());
        }
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        let Some((k, v)) = h.split_once(':') else {
            return Err(format!("bad header {h:?}"));
        };
        let (k, v) = (k.trim().to_ascii_lowercase(), v.trim().to_ascii_lowercase());
        match k.as_str() {
            "content-length" => length = Some(v.parse().map_err(|_| format!("bad content-length {v:?}"))?),
            "transfer-encoding" => chunked = v.contains("chunked"),
            "connection" if v.contains("close") => close = true,
            "connection" if v.contains("keep-alive") => close = false,
            _ => {}
        }
    }
    let mut body = Vec::new();
    if chunked {
        loop {
            let mut size = String::new();
            r.read_line(&mut size).map_err(|e| format!("chunk size: {e}"))?;
            let size = usize::from_str_radix(size.trim().split(';').next().unwrap_or_default(), 16)
                .map_err(|_| format!("bad chunk size {size:?}"))?;
            let mut chunk = vec![0; size + 2];
            r.read_exact(&mut chunk).map_err(|e| format!("chunk: {e}"))?;
            if size == 0 {
                break;
            }
            body.extend_from_slice(&chunk[..size]);
        }
    } else if let Some(n) = length {
        body.resize(n, 0);
        r.read_exact(&mut body).map_err(|e| format!("body: {e}"))?;
    } else {
        r.read_to_end(&mut body).map_err(|e| format!("body: {e}"))?;
        close = true;
    }
    Ok((status, String::from_utf8_lossy(&body).into_owned(), close))
}

pub fn client_loop(port: u16, domain: &str, spec: LoadSpec, stop: &AtomicBool, done: &AtomicU64) -> LoadStats {
    let mut stats = LoadStats::default();
    let started = Instant::now();
    let mut conn: Option<Conn> = None;
    while !stop.load(Ordering::SeqCst) {
        if stats.sent >= spec.max_per_client || started.elapsed() >= spec.max_time {
            stats.bounded_out = true;
            break;
        }
        stats.sent += 1;
        let t = Instant::now();
        let outcome = one_request(&mut conn, port, domain, &spec.path());
        done.fetch_add(1, Ordering::SeqCst);
        let us = u64::try_from(t.elapsed().as_micros()).unwrap_or(u64::MAX);
        stats.latencies_us.push(us);
        match outcome {
            Ok((status, body, retried)) => {
                if !(200..300).contains(&status) {
                    stats.fail(format!("status {status}: {body:?}"), us);
                } else if !VALID_BODIES.contains(&body.as_str()) {
                    stats.fail(format!("invalid body {body:?}"), us);
                } else {
                    stats.served += 1;
                    stats.retried += u64::from(retried);
                    *stats.versions.entry(body).or_default() += 1;
                }
            }
            Err(why) => stats.fail(why, us),
        }
        if !spec.pause.is_zero() {
            thread::sleep(spec.pause);
        }
    }
    stats.elapsed = started.elapsed();
    stats
}

/// One logical request: on a reused connection that failed before any
/// response byte, one immediate retry on a new connection (what HTTP clients
/// do for idempotent requests). Ok: (status, body, retried).
pub fn one_request(
    conn: &mut Option<Conn>,
    port: u16,
    domain: &str,
    path: &str,
) -> Result<(u16, String, bool), String> {
    let mut retried = false;
    loop {
        let mut c = match conn.take() {
            Some(c) => c,
            None => connect(port)?,
        };
        match request(&mut c, domain, path) {
            Ok((status, body, close)) => {
                c.used = true;
                if !close {
                    *conn = Some(c);
                }
                return Ok((status, body, retried));
            }
            Err(ReqError::BeforeResponse(_)) if c.used && !retried => retried = true,
            Err(ReqError::BeforeResponse(why) | ReqError::Other(why)) => {
                let which = if c.used { "reused" } else { "new" };
                let again = if retried { " (after one retry)" } else { "" };
                return Err(format!("{which} connection{again}: {why}"));
            }
        }
    }
}

pub const TEST_LOAD: LoadSpec = LoadSpec {
    clients: 4,
    max_per_client: 20_000,
    max_time: Duration::from_secs(60),
    pause: Duration::from_millis(5),
    slow_ms: 0,
};
