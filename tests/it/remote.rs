//! Remote daemons (issue 13, DESIGN §8): a workload names its own daemon
//! (`docker_host`, `docker_context`), and berth deploys there over SSH the
//! docker CLI's way (`ssh HOST docker system dial-stdio`) or over tcp.
//!
//! This machine has one dockerd; the "remote host" is an sshd on 127.0.0.1
//! (`scripts/test-sshd.sh`, a throwaway key for root) in front of it, and
//! a `socat` TCP listener on 127.0.0.1 in front of its socket. berth cannot
//! tell either from another host: it treats them as remote (no /proc
//! drain, probes through the SSH connection).

use crate::common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

use common::docker::{Case, assert_serves, only_container};
use common::wait_until;
use serde_json::{Value, json};

/// The test sshd: (`root@127.0.0.1:PORT`, its client ssh_config).
fn sshd() -> &'static (String, String) {
    static SSHD: OnceLock<(String, String)> = OnceLock::new();
    SSHD.get_or_init(|| {
        let stdout = common::docker::setup_script("test-sshd.sh", "the test sshd");
        let setting = |key: &str| {
            stdout
                .lines()
                .find_map(|l| l.strip_prefix(key))
                .unwrap_or_else(|| panic!("scripts/test-sshd.sh printed no {key}: {stdout}"))
                .trim()
                .to_owned()
        };
        (setting("BERTH_TEST_SSH="), setting("BERTH_TEST_SSH_CONFIG="))
    })
}

fn ssh_host() -> String {
    format!("ssh://{}", sshd().0)
}

fn sshd_dir() -> PathBuf {
    Path::new(&sshd().1).parent().expect("the sshd dir").to_path_buf()
}

/// A case whose berth uses the test sshd's key and known_hosts.
fn case(test: &str) -> Case {
    let mut c = Case::new(test);
    c.t.env("BERTH_SSH_CONFIG", &sshd().1);
    c
}

fn config(image: &str, docker_host: Option<&str>) -> Value {
    let mut config = json!({
        "image": image,
        "pull": "missing",
        "port": 8080,
        "healthcheck": { "path": "/healthz", "interval_ms": 200, "deadline_ms": 8000 },
        "drain_ms": 200,
        "stop_timeout_s": 2,
    });
    if let Some(host) = docker_host {
        config["docker_host"] = json!(host);
    }
    config
}

/// Processes running `docker system dial-stdio` that the test sshd started.
fn dial_stdio_left() -> Vec<String> {
    let Ok(pid) = std::fs::read_to_string(sshd_dir().join("sshd.pid")) else {
        return Vec::new();
    };
    let sshd: u32 = pid.trim().parse().unwrap_or(0);
    let mut left = Vec::new();
    for entry in std::fs::read_dir("/proc").expect("/proc").flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
        let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
        if cmdline.contains("system dial-stdio") && descends_from(pid, sshd) {
            left.push(format!("{pid} {cmdline}"));
        }
    }
    left
}

fn descends_from(mut pid: u32, ancestor: u32) -> bool {
    for _ in 0..32 {
        if pid == ancestor {
            return true;
        }
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            return false;
        };
        // `pid (comm) state ppid ...`; comm may hold spaces.
        let Some(ppid) = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().nth(1))
            .and_then(|p| p.parse().ok())
        else {
            return false;
        };
        if ppid <= 1 {
            return false;
        }
        pid = ppid;
    }
    false
}

#[test]
fn deploys_through_ssh_and_status_names_the_host() {
    let mut c = case("remote-ssh");
    let name = c.name("rssh");
    let host = ssh_host();
    c.add(&name, "image", config("berth-test/app:v1", Some(&host)));
    let first = c.run(&["deploy", &name, "--output", "json"]).success();
    assert_eq!(first.json()["docker_host"], json!(host), "{}", first.stdout);
    assert_serves(&only_container(&name), "v1");

    // A blue-green swap: the old container's connections cannot be read
    // on another host, so the drain is the fixed one, said once.
    c.set(&name, config("berth-test/app:v2", Some(&host)));
    let second = c.run(&["deploy", &name]).success();
    assert!(
        second
            .stderr
            .contains(&format!("the Docker daemon ({host}) is another host's")),
        "the drain should say why it waits the fixed time: {}",
        second.stderr
    );
    assert_eq!(
        second.stderr.matches("cannot see the connections").count(),
        1,
        "{}",
        second.stderr
    );
    assert!(second.stderr.contains("(fixed)"), "{}", second.stderr);
    assert_serves(&only_container(&name), "v2");

    // The readiness probe went through the SSH connection (a forward the
    // sshd logged), not straight to the container's address.
    let ip = only_container(&name).ip.expect("an address");
    let log = std::fs::read_to_string(sshd_dir().join("sshd.log")).unwrap_or_default();
    assert!(
        log.contains(&format!("to {ip} port 8080")),
        "the sshd should have forwarded the probe to {ip}:8080"
    );

    let status = c.run(&["status", &name, "--output", "json"]).success().json();
    let row = &status["workloads"][0];
    assert_eq!(row["docker_host"], json!(host), "{row}");
    assert_eq!(row["state"], json!("running"), "{row}");
    let table = c.run(&["status"]).success();
    assert!(
        table.stdout.contains("HOST") && table.stdout.contains(&host),
        "{}",
        table.stdout
    );

    let events = c.run(&["events", &name, "--output", "json"]).success().json();
    let succeeded: Vec<&Value> = events["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter(|e| e["action"] == "deploy.succeeded")
        .collect();
    assert_eq!(succeeded.len(), 2, "{events}");
    for e in succeeded {
        assert_eq!(e["metadata"]["docker_host"], json!(host), "{e}");
    }
    let history = c.run(&["history", &name, "--output", "json"]).success();
    assert!(history.stdout.contains("succeeded"), "{}", history.stdout);

    // berth has exited: nothing of it runs on the "remote" side.
    assert!(
        wait_until(Duration::from_secs(10), || dial_stdio_left().is_empty()),
        "dial-stdio processes left on the server: {:?}",
        dial_stdio_left()
    );
}

#[test]
fn a_fleet_deploy_fails_only_the_workload_on_an_unreachable_host() {
    let mut c = case("remote-fleet");
    let here = c.name("rlocal");
    let over_ssh = c.name("rssh");
    let gone = c.name("rgone");
    c.add(&here, "image", config("berth-test/app:v1", None));
    c.add(&over_ssh, "image", config("berth-test/app:v1", Some(&ssh_host())));
    // Port 1 on loopback: nothing listens, the connect is refused.
    let dead = "ssh://root@127.0.0.1:1";
    c.add(&gone, "image", config("berth-test/app:v1", Some(dead)));
    let run = c.run(&["deploy", "--all", "-j", "3", "--output", "json"]).code(1);
    let results = run.json();
    let by_name = |n: &str| {
        results
            .as_array()
            .expect("an array")
            .iter()
            .find(|r| r["workload"] == n)
            .unwrap_or_else(|| panic!("no result for {n}: {results}"))
            .clone()
    };
    assert_eq!(by_name(&here)["status"], json!("succeeded"), "{results}");
    assert_eq!(by_name(&over_ssh)["status"], json!("succeeded"), "{results}");
    let failed = by_name(&gone);
    assert_eq!(failed["status"], json!("failed"), "{results}");
    let message = failed["error"]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains(&format!("cannot reach the Docker daemon at {dead}")),
        "{message}"
    );
    assert_serves(&only_container(&here), "v1");
    assert_serves(&only_container(&over_ssh), "v1");

    // The failure is on record, naming the host.
    let errors = c
        .run(&["events", &gone, "--errors", "--output", "json"])
        .success()
        .json();
    let event = &errors["events"][0];
    assert_eq!(event["action"], json!("deploy.failed"), "{errors}");
    assert_eq!(event["metadata"]["docker_host"], json!(dead), "{errors}");

    // status shows every workload, the unreachable one from the store's view.
    let status = c.run(&["status", "--output", "json"]).success().json();
    let rows = status["workloads"].as_array().expect("rows");
    assert_eq!(rows.len(), 3, "{status}");
    let gone_row = rows.iter().find(|r| r["workload"] == gone.as_str()).expect("the row");
    assert_eq!(gone_row["reachable"], json!(false), "{gone_row}");
    assert_eq!(gone_row["docker_host"], json!(dead), "{gone_row}");
}

#[test]
fn an_unknown_host_key_is_refused() {
    let mut c = Case::new("remote-hostkey");
    // The right key, but a known_hosts that does not know the server.
    let dir = sshd_dir();
    let config_file = c.t.write(
        "ssh_config",
        &format!(
            "Host *\n    IdentityFile {}\n    IdentitiesOnly yes\n    UserKnownHostsFile {}\n    \
             GlobalKnownHostsFile /dev/null\n",
            dir.join("id_ed25519").display(),
            c.t.path().join("empty_known_hosts").display()
        ),
    );
    c.t.env("BERTH_SSH_CONFIG", config_file.to_str().expect("utf-8"));
    let name = c.name("rkey");
    c.add(&name, "image", config("berth-test/app:v1", Some(&ssh_host())));
    let run = c.run(&["deploy", &name]).code(1);
    assert!(
        run.stderr.contains("host key of 127.0.0.1 is unknown or has changed"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("ssh-keyscan -p"), "{}", run.stderr);
    assert!(common::docker::workload_containers(&name).is_empty());
}

#[test]
fn a_docker_context_names_the_daemon_as_the_docker_cli_does() {
    let mut c = case("remote-context");
    // A docker CLI config of our own, with a context as
    // `docker context create edge --docker host=ssh://...` writes it.
    let config_dir = c.t.path().join("docker-config");
    let id = sha256_hex("edge");
    let meta = config_dir.join("contexts/meta").join(id);
    std::fs::create_dir_all(&meta).expect("mkdir");
    let host = ssh_host();
    std::fs::write(
        meta.join("meta.json"),
        json!({ "Name": "edge", "Metadata": {}, "Endpoints": { "docker": { "Host": host, "SkipTLSVerify": false } } })
            .to_string(),
    )
    .expect("write meta.json");
    c.t.env("DOCKER_CONFIG", config_dir.to_str().expect("utf-8"));
    c.t.env("DOCKER_HOST", "");

    // Named by the workload.
    let named = c.name("rctx");
    let mut cfg = config("berth-test/app:v1", None);
    cfg["docker_context"] = json!("edge");
    c.add(&named, "image", cfg);
    let run = c.run(&["deploy", &named, "--output", "json"]).success();
    assert_eq!(run.json()["docker_host"], json!(format!("{host} (context edge)")));

    // The CLI config's current context, for a workload that names none.
    std::fs::write(config_dir.join("config.json"), r#"{"currentContext":"edge"}"#).expect("config.json");
    let plain = c.name("rcur");
    c.add(&plain, "image", config("berth-test/app:v1", None));
    let run = c.run(&["deploy", &plain, "--output", "json"]).success();
    assert_eq!(run.json()["docker_host"], json!(format!("{host} (context edge)")));
    assert_serves(&only_container(&plain), "v1");

    // A context that does not exist: the deploy says which and how to list them.
    let missing = c.name("rnone");
    let mut cfg = config("berth-test/app:v1", None);
    cfg["docker_context"] = json!("nowhere");
    c.add(&missing, "image", cfg);
    let run = c.run(&["deploy", &missing]).code(1);
    assert!(
        run.stderr.contains("docker context `nowhere` does not exist"),
        "{}",
        run.stderr
    );
}

/// A `socat` that exposes the daemon's socket on 127.0.0.1:PORT; killed on drop.
struct TcpDaemon {
    child: Child,
    port: u16,
}

impl TcpDaemon {
    fn start() -> TcpDaemon {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let child = Command::new("socat")
            .arg(format!("TCP-LISTEN:{port},bind=127.0.0.1,reuseaddr,fork"))
            .arg("UNIX-CONNECT:/var/run/docker.sock")
            .stdin(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| common::missing_test_env(&format!("socat could not run ({e})")));
        let up = wait_until(Duration::from_secs(5), || {
            std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
        });
        assert!(up, "socat did not listen on 127.0.0.1:{port}");
        TcpDaemon { child, port }
    }
}

impl Drop for TcpDaemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn deploys_to_a_tcp_daemon() {
    let mut c = Case::new("remote-tcp");
    let daemon = TcpDaemon::start();
    let host = format!("tcp://127.0.0.1:{}", daemon.port);
    let name = c.name("rtcp");
    c.add(&name, "image", config("berth-test/app:v1", Some(&host)));
    let run = c.run(&["deploy", &name, "--output", "json"]).success();
    assert_eq!(run.json()["docker_host"], json!(host));
    assert_serves(&only_container(&name), "v1");
    let status = c.run(&["status", &name, "--output", "json"]).success().json();
    assert_eq!(status["workloads"][0]["docker_host"], json!(host), "{status}");
}

fn sha256_hex(s: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(s.as_bytes()))
}
