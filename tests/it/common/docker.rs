//! Shared helpers of the tests that drive the real Docker daemon: the
//! daemon check, the docker CLI, container inspection, plain HTTP, the
//! store's rows, and [`Case`], one test's names, labels and cleanup.
//!
//! Needs a daemon on /var/run/docker.sock (`scripts/ensure-docker.sh`) and
//! the local test images (`scripts/test-images.sh`: berth-test/app:v1|v2|v3|
//! env|bad|crash). The tests share one daemon and run one at a time (`LOCK`).

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::os::unix::net::UnixStream;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::thread;
use std::time::{Duration, Instant};

use berth::deploy::faults::FaultPoint;
use serde_json::{Value, json};

use super::{Run, TestContext};

/// Docker tests share one daemon: one at a time keeps timing stable.
pub static LOCK: Mutex<()> = Mutex::new(());

pub const NETWORK: &str = "berth";
pub const TEST_LABEL: &str = "berth-test-case";
pub const SIGABRT: i32 = 6;
pub const COMPOSE_PROJECT_LABEL: &str = "com.docker.compose.project";
pub const COMPOSE_SERVICE_LABEL: &str = "com.docker.compose.service";

// ---- the daemon and the images ----------------------------------------------

/// Fails (never skips) when no daemon answers: CI always has one.
pub fn require_docker() {
    static CHECKED: OnceLock<()> = OnceLock::new();
    CHECKED.get_or_init(|| {
        let socket = match std::env::var("DOCKER_HOST") {
            Ok(host) if host.starts_with("unix://") => PathBuf::from(host.trim_start_matches("unix://")),
            Ok(host) if !host.is_empty() => {
                // A TCP daemon: let the docker CLI say whether it answers.
                let out = docker_output(&["version", "--format", "{{.Server.Version}}"]);
                if !out.status.success() {
                    super::missing_test_env(&format!(
                        "the Docker daemon at DOCKER_HOST={host} does not answer ({})",
                        String::from_utf8_lossy(&out.stderr).trim()
                    ));
                }
                return check_images();
            }
            _ => PathBuf::from("/var/run/docker.sock"),
        };
        if let Err(e) = ping(&socket) {
            super::missing_test_env(&format!("no Docker daemon answers on {} ({e})", socket.display()));
        }
        check_images();
    });
}

pub fn ping(socket: &Path) -> std::io::Result<()> {
    let mut s = UnixStream::connect(socket)?;
    s.set_read_timeout(Some(Duration::from_secs(10)))?;
    s.set_write_timeout(Some(Duration::from_secs(10)))?;
    s.write_all(b"GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n")?;
    let mut answer = String::new();
    s.read_to_string(&mut answer)?;
    if answer.starts_with("HTTP/1.") && answer.contains(" 200 ") {
        Ok(())
    } else {
        Err(std::io::Error::other(format!(
            "unexpected answer to /_ping: {:?}",
            answer.lines().next().unwrap_or_default()
        )))
    }
}

pub fn check_images() {
    for tag in ["v1", "v2", "v3", "env", "bad", "crash", "sh"] {
        let image = format!("berth-test/app:{tag}");
        if !image_present(&image) {
            super::missing_test_env(&format!("the test image {image} is missing"));
        }
    }
}

// ---- docker CLI -------------------------------------------------------------

pub fn docker_output(args: &[&str]) -> Output {
    Command::new("docker")
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| super::missing_test_env(&format!("the docker CLI could not run ({e})")))
}

/// Runs `docker ARGS`, which must succeed; returns its trimmed stdout.
#[track_caller]
pub fn docker(args: &[&str]) -> String {
    let out = docker_output(args);
    assert!(
        out.status.success(),
        "docker {} failed:\n{}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

pub fn image_present(reference: &str) -> bool {
    docker_output(&["image", "inspect", "--format", "{{.Id}}", reference])
        .status
        .success()
}

/// The compose CLI of this machine: the `docker compose` plugin when it
/// answers, else Debian's `docker-compose`; None when neither is installed.
pub fn compose_cli() -> Option<&'static [&'static str]> {
    static CLI: OnceLock<Option<&'static [&'static str]>> = OnceLock::new();
    *CLI.get_or_init(|| {
        let answers = |program: &str, args: &[&str]| {
            Command::new(program)
                .args(args)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        };
        if answers("docker", &["compose", "version"]) {
            Some(&["docker", "compose"][..])
        } else if answers("docker-compose", &["version"]) {
            Some(&["docker-compose"][..])
        } else {
            None
        }
    })
}

/// What a test needs to know about one container.
#[derive(Debug, Clone)]
pub struct Container {
    pub id: String,
    pub name: String,
    pub running: bool,
    pub ip: Option<String>,
    pub started_at: String,
    pub finished_at: String,
}

/// None when the container does not exist.
pub fn inspect(id_or_name: &str) -> Option<Container> {
    let out = docker_output(&["container", "inspect", id_or_name]);
    if !out.status.success() {
        return None;
    }
    let v: Value = serde_json::from_slice(&out.stdout).expect("docker inspect JSON");
    let c = &v[0];
    let ip = c["NetworkSettings"]["Networks"][NETWORK]["IPAddress"]
        .as_str()
        .filter(|ip| !ip.is_empty())
        .map(str::to_owned);
    Some(Container {
        id: c["Id"].as_str().unwrap_or_default().to_owned(),
        name: c["Name"]
            .as_str()
            .unwrap_or_default()
            .trim_start_matches('/')
            .to_owned(),
        running: c["State"]["Running"].as_bool().unwrap_or(false),
        ip,
        started_at: c["State"]["StartedAt"].as_str().unwrap_or_default().to_owned(),
        finished_at: c["State"]["FinishedAt"].as_str().unwrap_or_default().to_owned(),
    })
}

#[track_caller]
pub fn must_inspect(id: &str) -> Container {
    inspect(id).unwrap_or_else(|| panic!("container {id} does not exist"))
}

/// Every container (running or not) labelled `berth.workload=<workload>`.
pub fn workload_containers(workload: &str) -> Vec<Container> {
    containers_with_label(&format!("berth.workload={workload}"))
}

pub fn containers_with_label(label: &str) -> Vec<Container> {
    let ids = docker(&["ps", "-a", "-q", "--no-trunc", "--filter", &format!("label={label}")]);
    ids.lines().filter_map(|id| inspect(id.trim())).collect()
}

#[track_caller]
pub fn only_container(workload: &str) -> Container {
    let all = workload_containers(workload);
    assert_eq!(
        all.len(),
        1,
        "want exactly one container labelled for {workload}, got {:?}",
        all.iter().map(|c| &c.name).collect::<Vec<_>>()
    );
    all.into_iter().next().expect("one container")
}

// ---- HTTP -------------------------------------------------------------------

/// One plain HTTP/1.0 GET: (status, body).
pub fn http_get(ip: &str, path: &str) -> Result<(u16, String), String> {
    let addr: SocketAddr = format!("{ip}:8080")
        .parse()
        .map_err(|e| format!("bad address {ip}: {e}"))?;
    let mut s =
        TcpStream::connect_timeout(&addr, Duration::from_secs(2)).map_err(|e| format!("connect {addr}: {e}"))?;
    s.set_read_timeout(Some(Duration::from_secs(2)))
        .map_err(|e| e.to_string())?;
    s.set_write_timeout(Some(Duration::from_secs(2)))
        .map_err(|e| e.to_string())?;
    s.write_all(format!("GET {path} HTTP/1.0\r\nHost: {ip}\r\n\r\n").as_bytes())
        .map_err(|e| format!("write {addr}: {e}"))?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).map_err(|e| format!("read {addr}: {e}"))?;
    let raw = String::from_utf8_lossy(&raw);
    let (head, body) = raw
        .split_once("\r\n\r\n")
        .ok_or_else(|| format!("no HTTP header from {addr}: {raw:?}"))?;
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| format!("no status line from {addr}: {head:?}"))?;
    Ok((status, body.trim().to_owned()))
}

/// Asserts that the container answers 200 `body` on `/`, retrying briefly (a
/// container just started again may need a moment to listen).
#[track_caller]
pub fn assert_serves(c: &Container, body: &str) {
    let ip =
        c.ip.clone()
            .or_else(|| inspect(&c.id).and_then(|c| c.ip))
            .unwrap_or_else(|| panic!("{} has no IP on network {NETWORK}", c.name));
    let started = Instant::now();
    let mut last;
    loop {
        match http_get(&ip, "/") {
            Ok((200, got)) if got == body => return,
            other => last = other,
        }
        if started.elapsed() > Duration::from_secs(5) {
            panic!("{} ({ip}) should answer 200 {body:?}, last got {last:?}", c.name);
        }
        thread::sleep(Duration::from_millis(50));
    }
}

// ---- the store ----------------------------------------------------------------

pub fn db(t: &TestContext) -> rusqlite::Connection {
    let conn = rusqlite::Connection::open(&t.db).expect("open the test store");
    conn.busy_timeout(Duration::from_secs(10)).expect("busy timeout");
    conn
}

/// The store's id: the `berth.store` label of the containers it creates.
pub fn store_id(t: &TestContext) -> String {
    db(t)
        .query_row("SELECT value FROM meta WHERE key = 'store_id'", [], |r| r.get(0))
        .expect("read the store id")
}

/// The runtime-state row of `workload`: (container_id, container_name).
pub fn state_row(t: &TestContext, workload: &str) -> Option<(String, String)> {
    use rusqlite::OptionalExtension;
    db(t)
        .query_row(
            "SELECT r.container_id, r.container_name FROM runtime_state r
             JOIN workloads w ON w.id = r.workload_id WHERE w.name = ?1",
            [workload],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
        .expect("read runtime_state")
}

#[track_caller]
pub fn state_of(t: &TestContext, workload: &str) -> (String, String) {
    state_row(t, workload).unwrap_or_else(|| panic!("no runtime_state row for {workload}"))
}

pub fn last_event(t: &TestContext, workload: &str) -> (String, String) {
    db(t)
        .query_row(
            "SELECT action, severity FROM event_log WHERE workload = ?1 ORDER BY id DESC LIMIT 1",
            [workload],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("read event_log")
}

/// (id, status) of the newest `deploys` row of `workload`.
pub fn last_deploy(t: &TestContext, workload: &str) -> (i64, String) {
    db(t)
        .query_row(
            "SELECT d.id, d.status FROM deploys d JOIN workloads w ON w.id = d.workload_id
             WHERE w.name = ?1 ORDER BY d.id DESC LIMIT 1",
            [workload],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("read deploys")
}

/// Containers created for `workload` since `since` (a `docker events`
/// timestamp), so a test sees a container that was created and removed again.
pub fn containers_created_since(workload: &str, since: &str) -> usize {
    let until = docker(&["system", "info", "--format", "{{.SystemTime}}"]);
    let out = docker(&[
        "events",
        "--since",
        since,
        "--until",
        until.trim(),
        "--filter",
        "type=container",
        "--filter",
        "event=create",
        "--filter",
        &format!("label=berth.workload={workload}"),
        "--format",
        "{{.ID}}",
    ]);
    out.lines().filter(|l| !l.trim().is_empty()).count()
}

/// The daemon's clock now, for `docker events --since`.
pub fn docker_now() -> String {
    docker(&["system", "info", "--format", "{{.SystemTime}}"])
        .trim()
        .to_owned()
}

/// A command for `berth-test/app:sh` (its entrypoint is `/bin/sh -c`):
/// the app listens on 8080 only once [`release_green`] was called, so a
/// test can take NPM away between green's start and its route switch,
/// whatever the machine's load.
pub const HELD_GREEN: &str = "until [ -e /tmp/release ]; do sleep 0.05; done; exec httpd -f -p 8080 -h /www";

/// Lets a container running [`HELD_GREEN`] start listening.
#[track_caller]
pub fn release_green(id: &str) {
    let out = docker_output(&["exec", id, "touch", "/tmp/release"]);
    assert!(
        out.status.success(),
        "release green {id}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

// ---- one test case: names, labels, cleanup ----------------------------------------

pub fn random_suffix() -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut h = RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default(),
    );
    let mut n = h.finish();
    (0..4)
        .map(|_| {
            let c = char::from(ALPHABET[(n % 36) as usize]);
            n /= 36;
            c
        })
        .collect()
}

/// One test: holds the global lock, a temp store, and removes every
/// container carrying its label (and every image built for its workloads)
/// when dropped, pass or fail.
pub struct Case {
    pub t: TestContext,
    pub id: String,
    pub workloads: Vec<String>,
    /// Local image tags this case created (untagged at the end).
    pub tags: Vec<String>,
    /// Compose stacks this case started: (project, compose file); their
    /// containers and default network are removed at the end.
    pub projects: Vec<(String, PathBuf)>,
    /// Named volumes this case created (removed at the end).
    pub volumes: Vec<String>,
    _serial: MutexGuard<'static, ()>,
}

impl Case {
    pub fn new(test: &str) -> Case {
        let serial = LOCK.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        require_docker();
        let id = format!("{test}-{}", random_suffix());
        Case {
            t: TestContext::new(),
            id,
            workloads: Vec::new(),
            tags: Vec::new(),
            projects: Vec::new(),
            volumes: Vec::new(),
            _serial: serial,
        }
    }

    /// A unique workload name: `<prefix>-<4 random chars>`.
    pub fn name(&mut self, prefix: &str) -> String {
        let name = format!("{prefix}-{}", random_suffix());
        self.workloads.push(name.clone());
        name
    }

    /// Adds the test label to `config` and stores the workload.
    pub fn add(&self, name: &str, kind: &str, mut config: Value) {
        config["labels"] = json!({ TEST_LABEL: self.id });
        self.t.add(name, kind, &config).success();
    }

    pub fn set(&self, name: &str, mut config: Value) {
        config["labels"] = json!({ TEST_LABEL: self.id });
        self.t
            .run_stdin(&["workload", "set", name, "--config", "-"], &config.to_string())
            .success();
    }

    pub fn run(&self, args: &[&str]) -> Run {
        self.t.run(args)
    }

    /// Starts `berth deploy NAME` in the background (stdout and stderr
    /// piped) and returns once its green container exists (20 s deadline),
    /// with green's id: the moment a test takes something away mid-deploy.
    /// A green running [`HELD_GREEN`] waits for [`release_green`] before it
    /// listens, so the test decides when its gate can pass.
    #[track_caller]
    pub fn deploy_until_green(&self, name: &str) -> (std::process::Child, String) {
        let blue = state_row(&self.t, name).map(|s| s.0);
        let child = self
            .t
            .command(&["deploy", name])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn berth");
        let mut green = None;
        let appeared = super::wait_until(Duration::from_secs(20), || {
            green = workload_containers(name)
                .into_iter()
                .find(|c| Some(&c.id) != blue.as_ref())
                .map(|c| c.id);
            green.is_some()
        });
        assert!(appeared, "green of {name} never appeared");
        (child, green.unwrap_or_default())
    }

    /// Issue 12's case 6 for any NPM: redeploys `name` (routed to
    /// `domain`) with a green held by [`HELD_GREEN`], runs `take_npm_away`
    /// once green exists (after the pre-flight, before the switch), then
    /// releases green. The deploy must exit 1 saying NPM was unreachable
    /// and green is gone; returns its stderr.
    #[track_caller]
    pub fn deploy_losing_npm_at_the_switch(&self, name: &str, domain: &str, take_npm_away: impl FnOnce()) -> String {
        let mut config = super::fake_npm::routed("berth-test/app:sh", &[domain], 500);
        config["command"] = json!([HELD_GREEN]);
        config["healthcheck"]["deadline_ms"] = json!(60_000);
        self.set(name, config);
        let (child, green) = self.deploy_until_green(name);
        take_npm_away();
        release_green(&green);
        let out = child.wait_with_output().expect("wait for berth");
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(1), "exit 1:\n{stderr}");
        assert!(
            stderr.contains("unreachable") && stderr.contains("green removed"),
            "the error says NPM was unreachable and green is gone:\n{stderr}"
        );
        stderr
    }

    /// Runs berth with `BERTH_FAULT_POINT=point`, which must kill it with SIGABRT.
    #[track_caller]
    pub fn run_until(&self, point: FaultPoint, args: &[&str]) -> Output {
        let out = self
            .t
            .command(args)
            .env("BERTH_FAULT_POINT", point.as_str())
            .output()
            .expect("run berth");
        assert_eq!(
            out.status.signal(),
            Some(SIGABRT),
            "berth should die at fault point {point} (status {:?})\nstdout:\n{}\nstderr:\n{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(point.as_str()),
            "stderr should name the fault point {point}: {stderr}"
        );
        out
    }

    /// A build context with a Dockerfile `FROM <base>` + an index.html saying `page`.
    pub fn context(&self, base: &str, page: &str) -> PathBuf {
        self.t.write(
            "ctx/Dockerfile",
            &format!("FROM {base}\nCOPY index.html /www/index.html\n"),
        );
        self.t.write("ctx/index.html", &format!("{page}\n"));
        self.t.path().join("ctx")
    }
}

impl Drop for Case {
    fn drop(&mut self) {
        let mut ids: Vec<String> = Vec::new();
        let mut label_filters = vec![format!("label={TEST_LABEL}={}", self.id)];
        label_filters.extend(self.workloads.iter().map(|w| format!("label=berth.workload={w}")));
        // A daemon-wide deploy lock a failed test may have left.
        label_filters.extend(self.workloads.iter().map(|w| format!("label=berth.lock.workload={w}")));
        // Compose stacks: their containers by compose's project label
        // (quicker than `down`, and works for an invalid file too).
        label_filters.extend(
            self.projects
                .iter()
                .map(|(p, _)| format!("label={COMPOSE_PROJECT_LABEL}={p}")),
        );
        for filter in &label_filters {
            let out = docker_output(&["ps", "-a", "-q", "--no-trunc", "--filter", filter]);
            ids.extend(
                String::from_utf8_lossy(&out.stdout)
                    .lines()
                    .map(|l| l.trim().to_owned())
                    .filter(|l| !l.is_empty()),
            );
        }
        ids.sort();
        ids.dedup();
        if !ids.is_empty() {
            let mut args = vec!["rm", "-f", "-v"];
            args.extend(ids.iter().map(String::as_str));
            let _ = docker_output(&args);
        }
        // Images built for this case's workloads (labelled by berth's build).
        let mut images: Vec<String> = Vec::new();
        for w in &self.workloads {
            let out = docker_output(&[
                "images",
                "-q",
                "--no-trunc",
                "--filter",
                &format!("label=berth.workload={w}"),
            ]);
            images.extend(
                String::from_utf8_lossy(&out.stdout)
                    .lines()
                    .map(|l| l.trim().to_owned())
                    .filter(|l| !l.is_empty()),
            );
        }
        images.sort();
        images.dedup();
        if !images.is_empty() {
            let mut args = vec!["rmi", "-f"];
            args.extend(images.iter().map(String::as_str));
            let _ = docker_output(&args);
        }
        for (project, _) in &self.projects {
            let _ = docker_output(&["network", "rm", &format!("{project}_default")]);
        }
        for volume in &self.volumes {
            let _ = docker_output(&["volume", "rm", "-f", volume]);
        }
        for tag in &self.tags {
            let _ = docker_output(&["rmi", tag]);
        }
    }
}

/// `<workload>-<6 chars [a-z0-9]>`
pub fn is_green_name(workload: &str, name: &str) -> bool {
    name.strip_prefix(workload)
        .and_then(|rest| rest.strip_prefix('-'))
        .is_some_and(|s| s.len() == 6 && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
}

/// Runs `scripts/<script> start` (idempotent set-up of a test service)
/// and returns what it printed; ends the test process with a one-line
/// note naming `what` when it fails.
pub fn setup_script(script: &str, what: &str) -> String {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts").join(script);
    let out = Command::new(&script)
        .arg("start")
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("could not run {}: {e}", script.display()));
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let last = stderr.lines().rfind(|l| !l.trim().is_empty()).unwrap_or_default();
        super::missing_test_env(&format!("{what} did not start ({last})"));
    }
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The local registry's address: BERTH_TEST_REGISTRY, or the one
/// `scripts/test-registry.sh start` starts (idempotent) and prints last.
pub fn registry() -> String {
    static ADDR: OnceLock<String> = OnceLock::new();
    ADDR.get_or_init(|| {
        if let Ok(addr) = std::env::var("BERTH_TEST_REGISTRY")
            && !addr.trim().is_empty()
        {
            return addr.trim().to_owned();
        }
        setup_script("test-registry.sh", "the local test registry")
            .lines()
            .rfind(|l| !l.trim().is_empty())
            .unwrap_or_else(|| panic!("scripts/test-registry.sh start printed no address"))
            .trim()
            .to_owned()
    })
    .clone()
}

/// The `drain` phase of a deploy's JSON result.
#[track_caller]
pub fn drain_phase(result: &Value) -> Value {
    result["phases"]
        .as_array()
        .and_then(|p| p.iter().find(|ph| ph["name"] == "drain"))
        .cloned()
        .unwrap_or_else(|| panic!("no drain phase: {result}"))
}

/// The newest `deploy.succeeded` event of `name`.
#[track_caller]
pub fn last_succeeded_event(c: &Case, name: &str) -> Value {
    let events = c.run(&["--output", "json", "events", name]).success().json();
    events["events"]
        .as_array()
        .and_then(|e| e.iter().find(|ev| ev["action"] == "deploy.succeeded"))
        .cloned()
        .unwrap_or_else(|| panic!("no deploy.succeeded event: {events}"))
}
