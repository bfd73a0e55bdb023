//! Swarm test helpers shared by `tests/it/swarm.rs` and the Swarm
//! benchmark: a case on the single-node test swarm, the services it
//! created, and nginx as a container on the overlay network.

use std::time::Duration;

use super::docker::{Case, docker, docker_output, setup_script};
use super::fake_npm::free_port;
use super::wait_until;

/// The attachable overlay network berth's services join by default.
pub const NETWORK: &str = "berth-swarm";

/// [`NETWORK`], as berth's first deploy of a service creates it (overlay,
/// attachable), for a test that attaches something to it first: a swarm
/// made anew (`scripts/test` leaves the swarm it made) has none.
fn ensure_network() {
    let exists = || docker_output(&["network", "inspect", NETWORK]).status.success();
    if !exists() {
        let out = docker_output(&["network", "create", "--driver", "overlay", "--attachable", NETWORK]);
        // A concurrent test may have created it meanwhile.
        assert!(
            out.status.success() || exists(),
            "docker network create {NETWORK}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// A case on a daemon that is a swarm manager, with [`NETWORK`].
pub fn case(test: &str) -> (Case, Services) {
    let c = Case::new(test);
    setup_script("test-swarm.sh", "the single-node test swarm");
    ensure_network();
    (c, Services(Vec::new()))
}

/// The services a test created, removed when it ends, pass or fail
/// (before the case removes its containers).
pub struct Services(Vec<String>);

impl Services {
    /// The service of `workload` (`berth-<workload>`), removed at the end.
    pub fn of(&mut self, workload: &str) -> String {
        let service = format!("berth-{workload}");
        self.0.push(service.clone());
        service
    }
}

impl Drop for Services {
    fn drop(&mut self) {
        for s in &self.0 {
            let _ = docker_output(&["service", "rm", s]);
        }
    }
}

/// berth's plain-nginx router, with nginx running as a container on the
/// overlay network (`berth-test/nginx`: Debian's nginx FROM scratch), the
/// way a router reaches a service in a cluster. berth drives it as it
/// drives a host nginx: `BERTH_NGINX_BIN` runs nginx inside the container
/// (`docker exec`), the config directory is bind-mounted at the same path,
/// and `--pid host` makes the pid file hold a pid berth can see in /proc.
pub struct OverlayNginx {
    pub dir: tempfile::TempDir,
    container: String,
    /// nginx's listen port published on 127.0.0.1 (a plain container
    /// port, not the routing mesh): where host-side clients reach it.
    published: u16,
}

pub const NGINX_LISTEN: u16 = 8081;

impl OverlayNginx {
    pub fn start(case_id: &str) -> OverlayNginx {
        let dir = tempfile::Builder::new()
            .prefix("berth-ovl-nginx-")
            .tempdir()
            .expect("tempdir");
        let d = dir.path().display().to_string();
        std::fs::create_dir_all(dir.path().join("berth")).expect("mkdir berth");
        std::fs::write(
            dir.path().join("nginx.conf"),
            format!(
                "daemon off;\npid {d}/nginx.pid;\nerror_log stderr;\nworker_processes 1;\nevents {{}}\nhttp {{\n    \
                 access_log off;\n    include {d}/berth/*.conf;\n}}\n"
            ),
        )
        .expect("nginx.conf");
        let container = format!("berth-ovl-nginx-{}", super::docker::random_suffix());
        let published = free_port();
        docker(&[
            "run",
            "-d",
            "-p",
            &format!("127.0.0.1:{published}:{NGINX_LISTEN}"),
            "--name",
            &container,
            "--pid",
            "host",
            "--network",
            NETWORK,
            "--label",
            "berth-test=1",
            "--label",
            &format!("berth-test-case={case_id}"),
            "-v",
            &format!("{d}:{d}"),
            "berth-test/nginx",
            "-c",
            &format!("{d}/nginx.conf"),
        ]);
        let bin = dir.path().join("nginx-bin");
        std::fs::write(
            &bin,
            format!("#!/bin/sh\nexec docker exec -i {container} /usr/sbin/nginx \"$@\"\n"),
        )
        .expect("nginx-bin");
        std::fs::set_permissions(
            &bin,
            <std::fs::Permissions as std::os::unix::fs::PermissionsExt>::from_mode(0o755),
        )
        .expect("chmod");
        let pid = dir.path().join("nginx.pid");
        assert!(
            wait_until(Duration::from_secs(15), || pid.exists()),
            "nginx in {container} did not start"
        );
        OverlayNginx {
            dir,
            container,
            published,
        }
    }

    /// The port on 127.0.0.1 that reaches nginx's listen port.
    pub fn data_port(&self) -> u16 {
        self.published
    }

    pub fn berth_env(&self) -> Vec<(String, String)> {
        let d = self.dir.path().display().to_string();
        vec![
            ("BERTH_ROUTER".into(), "nginx".into()),
            ("BERTH_NGINX_DIR".into(), format!("{d}/berth")),
            ("BERTH_NGINX_CONF".into(), format!("{d}/nginx.conf")),
            ("BERTH_NGINX_BIN".into(), format!("{d}/nginx-bin")),
            ("BERTH_NGINX_LISTEN".into(), NGINX_LISTEN.to_string()),
        ]
    }

    /// `GET /` with `Host: domain` through nginx, from inside its container.
    pub fn fetch(&self, domain: &str) -> String {
        let out = docker_output(&[
            "exec",
            &self.container,
            "wget",
            "-q",
            "-O-",
            "--header",
            &format!("Host: {domain}"),
            &format!("http://127.0.0.1:{NGINX_LISTEN}/"),
        ]);
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }

    /// Requests `domain` through nginx in a loop until [`Self::stop_load`]:
    /// a running `docker exec` whose output is `requests failures`.
    pub fn start_load(&self, domain: &str) -> std::process::Child {
        let stop = self.dir.path().join("stop");
        let script = format!(
            "n=0; f=0; while [ ! -e {stop} ]; do n=$((n+1)); wget -q -O /dev/null --header 'Host: {domain}' \
             http://127.0.0.1:{NGINX_LISTEN}/ 2>/dev/null || f=$((f+1)); done; echo $n $f",
            stop = stop.display()
        );
        std::process::Command::new("docker")
            .args(["exec", &self.container, "sh", "-c", &script])
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("start the load")
    }

    /// Ends the load; (requests, failed requests).
    pub fn stop_load(&self, load: std::process::Child) -> (u64, u64) {
        std::fs::write(self.dir.path().join("stop"), "").expect("stop file");
        let out = load.wait_with_output().expect("the load ends");
        let text = String::from_utf8_lossy(&out.stdout);
        let mut nums = text.split_whitespace().map(|n| n.parse::<u64>().unwrap_or(u64::MAX));
        (nums.next().unwrap_or(0), nums.next().unwrap_or(u64::MAX))
    }
}

impl Drop for OverlayNginx {
    fn drop(&mut self) {
        let _ = docker_output(&["rm", "-f", &self.container]);
    }
}
