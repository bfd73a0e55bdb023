//! `static` and `compose` workloads against the real Docker daemon (DESIGN
//! §2, §3, §7; issue 4), driven through the real `berth` binary.
//!
//! Needs a daemon (`scripts/ensure-docker.sh`), the local test images
//! (`scripts/test-images.sh`) and a compose CLI (`docker compose` or Debian's
//! `docker-compose`). Nothing is pulled: every static site is served by
//! `berth-test/app:v1` (busybox httpd on :8080, docroot `/www`), every stack
//! runs the local test images.
//!
//! Every test labels what it creates with `berth-test-case=<id>` and
//! registers its compose projects and volumes with its [`Case`], which
//! removes it all at the end, pass or fail.

use crate::common;

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use berth::deploy::faults::FaultPoint;
use common::TestContext;
use common::docker::{
    COMPOSE_PROJECT_LABEL, COMPOSE_SERVICE_LABEL, Case, Container, TEST_LABEL, assert_serves, compose_cli, db, docker,
    docker_output, http_get, inspect, is_green_name, only_container, random_suffix, state_of,
};
use serde_json::{Value, json};

// ---- configs --------------------------------------------------------------------

fn healthcheck() -> Value {
    json!({ "path": "/healthz", "interval_ms": 200, "deadline_ms": 3000 })
}

/// What every workload here shares: short deadlines, quick stops.
fn common_fields(mut config: Value) -> Value {
    config["port"] = json!(8080);
    config["healthcheck"] = healthcheck();
    config["drain_ms"] = json!(100);
    config["stop_timeout_s"] = json!(2);
    config["liveness_window_ms"] = json!(500);
    config
}

/// A static site in `root`, served by the local busybox image.
fn static_config(root: &Path, server_image: &str) -> Value {
    common_fields(json!({
        "root": root.to_str().expect("utf-8 temp path"),
        "server_image": server_image,
        "server_root": "/www",
    }))
}

fn compose_config(file: &Path) -> Value {
    common_fields(json!({
        "file": file.to_str().expect("utf-8 temp path"),
        "service": "web",
    }))
}

/// Writes `site/index.html` (the whole site) and returns the site's root.
fn write_site(t: &TestContext, body: &str) -> PathBuf {
    t.write("site/index.html", &format!("{body}\n"));
    t.path().join("site")
}

/// A two-service stack: `web` (the routed one, with a container name that
/// follows neither compose v1's `proj_web_1` nor v2's `proj-web-1`, so only
/// a lookup by labels finds it) and `side`. The test images' PID 1 ignores
/// SIGTERM and compose runs no init: a short grace keeps recreates quick.
fn write_stack(t: &TestContext, file: &str, web_image: &str, web_container_name: &str) -> PathBuf {
    t.write(
        file,
        &format!(
            "version: \"3\"\nservices:\n  web:\n    image: \"{web_image}\"\n    container_name: \"{web_container_name}\"\n    \
             stop_grace_period: 1s\n  side:\n    image: \"berth-test/app:v2\"\n    stop_grace_period: 1s\n"
        ),
    )
}

// ---- the store --------------------------------------------------------------------

fn workload_id(t: &TestContext, workload: &str) -> i64 {
    db(t)
        .query_row("SELECT id FROM workloads WHERE name = ?1", [workload], |r| r.get(0))
        .unwrap_or_else(|e| panic!("no workload row for {workload}: {e}"))
}

fn image_ref(t: &TestContext, workload: &str) -> String {
    db(t)
        .query_row(
            "SELECT r.image_ref FROM runtime_state r JOIN workloads w ON w.id = r.workload_id WHERE w.name = ?1",
            [workload],
            |r| r.get(0),
        )
        .unwrap_or_else(|e| panic!("no runtime_state row for {workload}: {e}"))
}

/// One event row, as stored.
#[derive(Debug)]
struct EventRow {
    workload_id: Option<i64>,
    action: String,
    status: String,
    metadata: Value,
}

/// Every `deploy.*` event of `workload`, found by its name or by its id (so
/// a row with a wrong `workload_id` still shows up), oldest first.
fn deploy_events(t: &TestContext, workload: &str) -> Vec<EventRow> {
    let id = workload_id(t, workload);
    let conn = db(t);
    let mut stmt = conn
        .prepare(
            "SELECT workload_id, action, status, metadata FROM event_log
             WHERE (workload = ?1 OR workload_id = ?2) AND action LIKE 'deploy.%' ORDER BY id",
        )
        .expect("prepare");
    stmt.query_map(rusqlite::params![workload, id], |r| {
        let metadata: String = r.get(3)?;
        Ok(EventRow {
            workload_id: r.get(0)?,
            action: r.get(1)?,
            status: r.get(2)?,
            metadata: serde_json::from_str(&metadata).unwrap_or(Value::String(metadata)),
        })
    })
    .expect("query event_log")
    .collect::<Result<_, _>>()
    .expect("read event_log")
}

/// Every cell of every row of `table`, as text (NULLs and blobs included).
fn all_cells(t: &TestContext, table: &str) -> Vec<String> {
    let conn = db(t);
    let mut stmt = conn.prepare(&format!("SELECT * FROM {table}")).expect("prepare");
    let columns = stmt.column_count();
    let mut rows = stmt.query([]).expect("query");
    let mut cells = Vec::new();
    while let Some(row) = rows.next().expect("row") {
        for i in 0..columns {
            use rusqlite::types::ValueRef;
            cells.push(match row.get_ref(i).expect("cell") {
                ValueRef::Null => String::new(),
                ValueRef::Integer(n) => n.to_string(),
                ValueRef::Real(f) => f.to_string(),
                ValueRef::Text(b) | ValueRef::Blob(b) => String::from_utf8_lossy(b).into_owned(),
            });
        }
    }
    cells
}

/// The deploy ids of `workload`'s `deploys` rows.
fn deploy_ids(t: &TestContext, workload: &str) -> Vec<i64> {
    let conn = db(t);
    let mut stmt = conn
        .prepare("SELECT d.id FROM deploys d JOIN workloads w ON w.id = d.workload_id WHERE w.name = ?1")
        .expect("prepare");
    stmt.query_map([workload], |r| r.get(0))
        .expect("query deploys")
        .collect::<Result<_, _>>()
        .expect("read deploys")
}

// ---- containers -----------------------------------------------------------------

/// Labels of a container.
fn labels_of(id: &str) -> Value {
    let raw = docker(&["container", "inspect", "--format", "{{json .Config.Labels}}", id]);
    serde_json::from_str(&raw).unwrap_or_else(|e| panic!("labels of {id}: {e}: {raw}"))
}

/// Ids of every container of a compose project (running or not), by label.
fn stack_containers(project: &str) -> Vec<String> {
    let ids = docker(&[
        "ps",
        "-a",
        "-q",
        "--no-trunc",
        "--filter",
        &format!("label={COMPOSE_PROJECT_LABEL}={project}"),
    ]);
    let mut ids: Vec<String> = ids
        .lines()
        .map(|l| l.trim().to_owned())
        .filter(|l| !l.is_empty())
        .collect();
    ids.sort();
    ids
}

/// The one container of `service` in `project`, found by compose's labels.
#[track_caller]
fn service_container(project: &str, service: &str) -> Container {
    let ids = docker(&[
        "ps",
        "-a",
        "-q",
        "--no-trunc",
        "--filter",
        &format!("label={COMPOSE_PROJECT_LABEL}={project}"),
        "--filter",
        &format!("label={COMPOSE_SERVICE_LABEL}={service}"),
    ]);
    let ids: Vec<&str> = ids.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    assert_eq!(ids.len(), 1, "want one container of {project}/{service}, got {ids:?}");
    inspect(ids[0]).unwrap_or_else(|| panic!("container {} vanished", ids[0]))
}

/// The container's first IP on any network (compose stacks live on their
/// own network, not on `berth`).
fn any_ip(id: &str) -> String {
    let ips = docker(&[
        "container",
        "inspect",
        "--format",
        "{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}",
        id,
    ]);
    ips.split_whitespace()
        .next()
        .unwrap_or_else(|| panic!("container {id} has no IP"))
        .to_owned()
}

#[track_caller]
fn assert_serves_any_network(id: &str, body: &str) {
    let ip = any_ip(id);
    let started = Instant::now();
    loop {
        let got = http_get(&ip, "/");
        if matches!(&got, Ok((200, b)) if b == body) {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{id} ({ip}) should answer 200 {body:?}, last got {got:?}"
        );
        thread::sleep(Duration::from_millis(50));
    }
}

// ---- volumes --------------------------------------------------------------------------

/// The Docker API socket, when the daemon is reached through one.
fn docker_socket() -> Option<PathBuf> {
    match std::env::var("DOCKER_HOST") {
        Ok(host) if host.starts_with("unix://") => Some(PathBuf::from(host.trim_start_matches("unix://"))),
        Ok(host) if !host.is_empty() => None,
        _ => Some(PathBuf::from("/var/run/docker.sock")),
    }
}

/// Ids of the RUNNING containers that mount `volume`. Asks the API socket
/// directly (a few ms, so a poller sees short overlaps), else the CLI.
fn running_with_volume(volume: &str) -> Vec<String> {
    if let Some(socket) = docker_socket()
        && let Some(ids) = api_running_with_volume(&socket, volume)
    {
        return ids;
    }
    let out = docker_output(&["ps", "-q", "--no-trunc", "--filter", &format!("volume={volume}")]);
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| l.trim().to_owned())
        .filter(|l| !l.is_empty())
        .collect()
}

fn api_running_with_volume(socket: &Path, volume: &str) -> Option<Vec<String>> {
    // filters={"volume":["<volume>"]}, URL-encoded (volume names need no escaping here).
    let path = format!("/containers/json?filters=%7B%22volume%22%3A%5B%22{volume}%22%5D%7D");
    let mut s = UnixStream::connect(socket).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    s.write_all(format!("GET {path} HTTP/1.0\r\nHost: docker\r\n\r\n").as_bytes())
        .ok()?;
    let mut raw = String::new();
    s.read_to_string(&mut raw).ok()?;
    let (head, body) = raw.split_once("\r\n\r\n")?;
    if !head.contains(" 200 ") {
        return None;
    }
    let list: Value = serde_json::from_str(body).ok()?;
    Some(
        list.as_array()?
            .iter()
            .filter_map(|c| c["Id"].as_str().map(str::to_owned))
            .collect(),
    )
}

/// Every container (running or not) mounting `volume`: (id, running).
fn all_with_volume(volume: &str) -> Vec<(String, bool)> {
    let ids = docker(&["ps", "-a", "-q", "--no-trunc", "--filter", &format!("volume={volume}")]);
    ids.lines()
        .filter_map(|id| inspect(id.trim()))
        .map(|c| (c.id, c.running))
        .collect()
}

/// Samples the running containers that mount `volume` every ~20 ms until
/// stopped; returns every sample. The first sample is taken before this
/// returns and the last one after `stop` is set.
fn watch_volume(volume: String, stop: Arc<AtomicBool>) -> thread::JoinHandle<Vec<Vec<String>>> {
    let first = running_with_volume(&volume);
    thread::spawn(move || {
        let mut samples = vec![first];
        loop {
            let last = stop.load(Ordering::SeqCst);
            samples.push(running_with_volume(&volume));
            if last {
                return samples;
            }
            thread::sleep(Duration::from_millis(20));
        }
    })
}

/// Runs `args` while watching `volume`; asserts that no sample saw two
/// running containers mounting it. `roles` names known container ids in the
/// failure message. Returns berth's exit code and stderr.
#[track_caller]
fn run_watching_volume(c: &Case, volume: &str, args: &[&str], what: &str, roles: &[(&str, &str)]) -> (i32, String) {
    let stop = Arc::new(AtomicBool::new(false));
    let watcher = watch_volume(volume.to_owned(), Arc::clone(&stop));
    let run = c.run(args);
    stop.store(true, Ordering::SeqCst);
    let samples = watcher.join().expect("volume watcher");
    assert!(
        samples.len() >= 5,
        "{what}: too few samples to prove anything: {}",
        samples.len()
    );
    let doubled: Vec<&Vec<String>> = samples.iter().filter(|s| s.len() > 1).collect();
    let role = |id: &String| {
        let role = roles
            .iter()
            .find(|(known, _)| known == id)
            .map_or("another container", |(_, r)| r);
        format!("{} ({role})", &id[..12.min(id.len())])
    };
    assert!(
        doubled.is_empty(),
        "{what}: two running containers mounted volume `{volume}` at once ({} of {} samples), e.g. {:?}\nberth \
         stderr:\n{}",
        doubled.len(),
        samples.len(),
        doubled.first().map(|ids| ids.iter().map(role).collect::<Vec<_>>()),
        run.stderr
    );
    (run.code, run.stderr)
}

// ---- 1. a static site -------------------------------------------------------------------

#[test]
fn static_site_deploys_and_serves_its_files() {
    let mut c = Case::new("st-serve");
    let name = c.name("st-serve");
    let root = write_site(&c.t, "site-1");
    c.add(&name, "static", static_config(&root, "berth-test/app:v1"));

    let result = c.run(&["--output", "json", "deploy", &name]).success().json();
    assert_eq!(result["strategy"], "recreate", "the static default: {result}");
    assert_eq!(result["strategy_forced"], false, "{result}");
    assert_eq!(result["status"], "succeeded", "{result}");
    let image = result["image"].as_str().expect("image in the result");
    assert!(
        image.starts_with(&format!("berth/{name}:static-")),
        "a static site is packaged as berth/<workload>:static-<hash>: {image}"
    );

    let container = only_container(&name);
    assert!(container.running, "{container:?}");
    assert_eq!(container.name, name, "recreate uses the stable name");
    assert_eq!(state_of(&c.t, &name), (container.id.clone(), container.name.clone()));
    assert_eq!(image_ref(&c.t, &name), image);

    // `berth status` names the same container, running.
    let status = c.run(&["--output", "json", "status", &name]).success().json();
    let row = &status["workloads"][0];
    assert_eq!(row["workload"], json!(name), "{status}");
    assert_eq!(row["kind"], "static", "{status}");
    assert_eq!(row["container_id"], json!(container.id), "{status}");
    assert_eq!(row["state"], "running", "{status}");

    // Its IP on network `berth` serves the site's file.
    assert!(
        container.ip.is_some(),
        "the container is on network `berth`: {container:?}"
    );
    assert_serves(&container, "site-1");
}

// ---- 2. the content hash ------------------------------------------------------------------

#[test]
fn unchanged_site_reuses_its_image_and_a_changed_site_gets_a_new_one() {
    let mut c = Case::new("st-hash");
    let name = c.name("st-hash");
    let root = write_site(&c.t, "site-1");
    c.add(&name, "static", static_config(&root, "berth-test/app:v1"));

    let first = c.run(&["--output", "json", "deploy", &name]).success().json();
    let tag = image_ref(&c.t, &name);
    assert_eq!(first["image"], json!(tag), "{first}");
    let image_id = docker(&["image", "inspect", "--format", "{{.Id}}", &tag]);

    // Same content, fresh mtime: the same artifact.
    thread::sleep(Duration::from_millis(20));
    write_site(&c.t, "site-1");
    let second = c.run(&["--output", "json", "deploy", &name]).success().json();
    assert_eq!(image_ref(&c.t, &name), tag, "an unchanged site reuses its image tag");
    assert_eq!(second["image"], json!(tag), "{second}");
    assert_eq!(
        docker(&["image", "inspect", "--format", "{{.Id}}", &tag]),
        image_id,
        "an unchanged site reuses its image, not a rebuild under the same tag"
    );
    let live_now = only_container(&name);
    assert!(live_now.running);
    assert_serves(&live_now, "site-1");

    // Changed content: a new tag, served after the redeploy.
    write_site(&c.t, "site-2");
    let third = c.run(&["--output", "json", "deploy", &name]).success().json();
    let new_tag = image_ref(&c.t, &name);
    assert_ne!(new_tag, tag, "a changed site gets a new image");
    assert!(new_tag.starts_with(&format!("berth/{name}:static-")), "{new_tag}");
    assert_eq!(third["image"], json!(new_tag), "{third}");
    assert_ne!(docker(&["image", "inspect", "--format", "{{.Id}}", &new_tag]), image_id);

    let container = only_container(&name);
    assert!(container.running);
    assert_eq!(state_of(&c.t, &name), (container.id.clone(), container.name.clone()));
    assert_serves(&container, "site-2");
}

// ---- 3. static blue-green --------------------------------------------------------------------

#[test]
fn static_blue_green_works_like_dockerfile() {
    let mut c = Case::new("st-bg");
    let name = c.name("st-bg");
    let root = write_site(&c.t, "site-1");
    let mut config = static_config(&root, "berth-test/app:v1");
    config["deploy_strategy"] = json!("blue-green");
    c.add(&name, "static", config);

    let result = c.run(&["--output", "json", "deploy", &name]).success().json();
    assert_eq!(result["strategy"], "blue-green", "{result}");
    assert_eq!(result["strategy_forced"], false, "{result}");
    let blue = only_container(&name);
    assert!(is_green_name(&name, &blue.name), "{}", blue.name);
    assert_serves(&blue, "site-1");

    write_site(&c.t, "site-2");
    let result = c.run(&["--output", "json", "deploy", &name]).success().json();
    assert_eq!(result["strategy"], "blue-green", "{result}");
    let green = only_container(&name);
    assert!(green.running, "{green:?}");
    assert!(
        is_green_name(&name, &green.name),
        "green is named <workload>-<6 [a-z0-9]>: {}",
        green.name
    );
    assert_ne!(green.name, blue.name, "green has a name of its own");
    assert_ne!(green.id, blue.id);
    assert!(inspect(&blue.id).is_none(), "blue is removed");
    assert_eq!(result["container"], json!(green.name), "{result}");
    assert_eq!(state_of(&c.t, &name), (green.id.clone(), green.name.clone()));
    assert_serves(&green, "site-2");
}

// ---- 4. storage-backed (deno) sites are forced to recreate ------------------------------------

#[test]
fn deno_storage_site_is_forced_to_recreate_and_never_mounts_the_volume_twice() {
    let mut c = Case::new("st-deno");
    let name = c.name("st-deno");
    let volume = format!("berth-test-{}", c.id);
    c.volumes.push(volume.clone());
    docker(&[
        "volume",
        "create",
        "--label",
        &format!("{TEST_LABEL}={}", c.id),
        &volume,
    ]);
    let mut config = json!({
        "runtime": "deno",
        "storage": volume,
        "server_image": "berth-test/app:v1",
        "deploy_strategy": "blue-green",
    });
    config = common_fields(config);
    c.add(&name, "static", config);

    // validate: a warning, not an error.
    let run = c.run(&["validate", &name]).success();
    assert!(
        run.stderr.contains("warning") && run.stderr.contains("forced"),
        "validate warns that the strategy is forced:\n{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(&volume),
        "the warning names the volume:\n{}",
        run.stderr
    );
    let report = c.run(&["--output", "json", "validate", &name]).success().json();
    let entry = &report["workloads"][0];
    assert_eq!(entry["strategy"], "recreate", "{report}");
    assert_eq!(entry["strategy_forced"], true, "{report}");
    assert!(
        entry["warnings"].as_array().is_some_and(|w| !w.is_empty()),
        "the JSON report carries the warning: {report}"
    );

    // deploy: says so on stderr and in the result.
    let run = c.run(&["--output", "json", "deploy", &name]).success();
    assert!(
        run.stderr.contains("forced"),
        "the deploy says the strategy is forced:\n{}",
        run.stderr
    );
    let result = run.json();
    assert_eq!(result["strategy"], "recreate", "{result}");
    assert_eq!(result["strategy_forced"], true, "{result}");
    let run = c.run(&["deploy", &name]).success();
    assert!(
        run.stderr.contains("forced") || run.stdout.contains("forced"),
        "the human deploy output says forced:\nstdout:\n{}\nstderr:\n{}",
        run.stdout,
        run.stderr
    );

    let first = only_container(&name);
    assert!(first.running);
    assert_eq!(first.name, name, "recreate: the stable name");
    assert_serves(&first, "v1");
    let mount = docker(&[
        "container",
        "inspect",
        "--format",
        "{{range .Mounts}}{{if eq .Type \"volume\"}}{{.Name}} {{.Destination}} {{.RW}}{{end}}{{end}}",
        &first.id,
    ]);
    assert_eq!(
        mount,
        format!("{volume} /data true"),
        "the volume is mounted read-write at /data"
    );

    // Every deploy.* event says the strategy was forced.
    let events = deploy_events(&c.t, &name);
    assert!(events.len() >= 4, "two deploys, started + succeeded each: {events:?}");
    for e in &events {
        assert_eq!(e.metadata["strategy_forced"], true, "{} {}", e.action, e.metadata);
        assert_eq!(e.metadata["strategy"], "recreate", "{} {}", e.action, e.metadata);
    }

    // A normal redeploy never has two containers mounting the volume.
    let (code, stderr) = run_watching_volume(
        &c,
        &volume,
        &["deploy", &name],
        "a normal redeploy",
        &[(&first.id, "the live container")],
    );
    assert_eq!(code, 0, "{stderr}");
    let second = only_container(&name);
    assert_ne!(second.id, first.id, "recreate replaced the container");
    assert!(second.running);

    // Killed right after the new container started: the old one is stopped.
    c.run_until(FaultPoint::AfterNewStart, &["deploy", &name]);
    assert_eq!(
        state_of(&c.t, &name).0,
        second.id,
        "the state still names the old container"
    );
    let mounting = all_with_volume(&volume);
    let running: Vec<&String> = mounting.iter().filter(|(_, r)| *r).map(|(id, _)| id).collect();
    assert!(
        running.len() <= 1,
        "at the fault point at most one container mounting `{volume}` runs: {mounting:?}"
    );
    assert_eq!(mounting.len(), 2, "the stopped old and the new container: {mounting:?}");
    let crashed = mounting
        .iter()
        .map(|(id, _)| id.clone())
        .find(|id| *id != second.id)
        .expect("the crashed deploy's container");

    // The repair (reconcile at the start of the next deploy) must not run
    // both either.
    let (code, stderr) = run_watching_volume(
        &c,
        &volume,
        &["deploy", &name],
        "the deploy after a crash",
        &[
            (&second.id, "the state's stopped container"),
            (&crashed, "the crashed deploy's new container"),
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    let last = only_container(&name);
    assert!(last.running);
    assert_eq!(last.name, name);
    assert_eq!(state_of(&c.t, &name), (last.id.clone(), last.name.clone()));
    assert_serves(&last, "v1");
    assert_eq!(running_with_volume(&volume), vec![last.id.clone()]);
}

// ---- 5. a compose stack ------------------------------------------------------------------------

#[test]
fn compose_stack_deploys_and_routes_the_service_container_by_labels() {
    assert!(
        compose_cli().is_some(),
        "no compose CLI: install docker-compose (Debian) or the compose plugin"
    );
    let mut c = Case::new("cp-stack");
    let name = c.name("cp-stack");
    // The project defaults to the workload name.
    let project = name.clone();
    let front = format!("{name}-frontdoor");
    let file = write_stack(&c.t, "stack/docker-compose.yml", "berth-test/app:v1", &front);
    c.projects.push((project.clone(), file.clone()));
    c.add(&name, "compose", compose_config(&file));

    let result = c.run(&["--output", "json", "deploy", &name]).success().json();
    assert_eq!(result["strategy"], "recreate", "compose is stack-managed: {result}");
    assert_eq!(result["strategy_forced"], false, "{result}");

    let web = service_container(&project, "web");
    assert!(web.running, "{web:?}");
    assert_eq!(web.name, front, "the service container keeps compose's name for it");
    let side = service_container(&project, "side");
    assert!(side.running, "{side:?}");
    assert_eq!(
        state_of(&c.t, &name).0,
        web.id,
        "the state names the container labelled {COMPOSE_SERVICE_LABEL}=web"
    );
    assert_eq!(result["container"], json!(web.name), "{result}");
    assert_serves_any_network(&web.id, "v1");

    // berth neither labels nor adopts compose's containers.
    let stack = stack_containers(&project);
    assert_eq!(stack.len(), 2, "web and side: {stack:?}");
    for id in &stack {
        let labels = labels_of(id);
        assert!(
            labels.get("berth.workload").is_none(),
            "compose's container {id} got berth labels: {labels}"
        );
        assert!(
            labels.get("berth.managed").is_none(),
            "compose's container {id} got berth labels: {labels}"
        );
    }

    // An unchanged redeploy: compose keeps what is up to date.
    c.run(&["deploy", &name]).success();
    assert_eq!(stack_containers(&project), stack, "nothing changed, nothing recreated");
    assert_eq!(state_of(&c.t, &name).0, web.id);

    // Reconcile leaves the stack alone.
    let report = c.run(&["--output", "json", "reconcile", &name]).success().json();
    assert_eq!(report["workloads"][0]["removed"], json!([]), "{report}");
    assert_eq!(
        stack_containers(&project),
        stack,
        "reconcile keeps every container of the stack"
    );
    for id in &stack {
        assert!(
            inspect(id).is_some_and(|c| c.running),
            "{id} still runs after reconcile"
        );
    }

    // A changed stack: compose recreates web, the state follows it.
    write_stack(&c.t, "stack/docker-compose.yml", "berth-test/app:v2", &front);
    let result = c.run(&["--output", "json", "deploy", &name]).success().json();
    assert_eq!(result["strategy"], "recreate", "{result}");
    let new_web = service_container(&project, "web");
    assert_ne!(new_web.id, web.id, "compose recreated web");
    assert!(new_web.running);
    assert_eq!(
        state_of(&c.t, &name).0,
        new_web.id,
        "the state names the new web container"
    );
    assert_serves_any_network(&new_web.id, "v2");
    assert!(inspect(&web.id).is_none(), "the old web container is gone");
    assert_eq!(service_container(&project, "side").id, side.id, "side was unchanged");

    c.run(&["reconcile", &name]).success();
    assert_eq!(stack_containers(&project).len(), 2);
    assert_eq!(state_of(&c.t, &name).0, new_web.id);
}

// ---- 6. compose + blue-green --------------------------------------------------------------------

#[test]
fn compose_blue_green_is_rejected_at_validation() {
    let mut c = Case::new("cp-bg");
    let name = c.name("cp-bg");
    let file = write_stack(
        &c.t,
        "stack/docker-compose.yml",
        "berth-test/app:v1",
        &format!("{name}-web"),
    );
    let mut config = compose_config(&file);
    config["deploy_strategy"] = json!("blue-green");
    config["labels"] = json!({ TEST_LABEL: c.id });

    let run = c.t.add(&name, "compose", &config).code(3);
    assert!(
        run.stderr.contains("compose"),
        "the message says why (compose):\n{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("deploy_strategy"),
        "and names the field:\n{}",
        run.stderr
    );
    assert!(
        c.run(&["--output", "json", "workload", "show", &name]).code == 4,
        "the invalid workload was not stored"
    );

    let run =
        c.t.run_stdin(
            &[
                "--output", "json", "workload", "add", &name, "--kind", "compose", "--config", "-",
            ],
            &config.to_string(),
        )
        .code(3);
    let error = &run.json()["error"];
    assert_eq!(error["code"], "invalid_config", "{error}");
    let issues = error["errors"].as_array().expect("errors array");
    let issue = issues
        .iter()
        .find(|i| i["path"] == "deploy_strategy")
        .unwrap_or_else(|| panic!("an issue at deploy_strategy: {error}"));
    assert!(
        issue["message"].as_str().is_some_and(|m| m.contains("compose")),
        "{issue}"
    );
    assert_eq!(issue["workload"], json!(name), "{issue}");

    let config_file = c.t.write("compose-bg.json", &config.to_string());
    let run = c
        .run(&[
            "validate",
            &name,
            "--file",
            config_file.to_str().expect("utf-8"),
            "--kind",
            "compose",
        ])
        .code(3);
    assert!(run.stderr.contains("compose"), "{}", run.stderr);
}

// ---- 7. compose failure output stays out of events -------------------------------------------------

#[test]
fn compose_failure_never_leaks_the_secret_into_events_and_masks_it_on_stderr() {
    assert!(
        compose_cli().is_some(),
        "no compose CLI: install docker-compose (Debian) or the compose plugin"
    );
    let mut c = Case::new("cp-secret");
    let name = c.name("cp-secret");
    let secret = format!("s3cr3t-{}{}", random_suffix(), random_suffix());
    // The image does not exist: compose tries to pull it (offline: fails at
    // once) and its error names it, secret included.
    let file = c.t.write(
        "stack/docker-compose.yml",
        "version: \"3\"\nservices:\n  web:\n    image: \"berth-test/app:${APP_SECRET}\"\n",
    );
    c.projects.push((name.clone(), file.clone()));
    let mut config = compose_config(&file);
    config["env"] = json!({ "APP_SECRET": { "from_env": "BERTH_TEST_CP_SECRET" } });
    c.t.env("BERTH_TEST_CP_SECRET", &secret);
    c.add(&name, "compose", config);

    let started = Instant::now();
    let run = c.run(&["deploy", &name]).code(1);
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "the failing `up` should fail fast, took {:?}",
        started.elapsed()
    );
    assert!(
        run.stderr.contains("berth-test/app:********") && !run.stderr.contains(&secret),
        "the caller sees compose's output on stderr, the secret masked:\n{}",
        run.stderr
    );
    assert!(
        !run.stdout.contains(&secret),
        "stdout carries no secret:\n{}",
        run.stdout
    );

    let json_run = c.run(&["--output", "json", "deploy", &name]).code(1);
    assert!(
        !json_run.stdout.contains(&secret),
        "the JSON output carries no secret:\n{}",
        json_run.stdout
    );
    let error = &json_run.json()["error"];
    assert!(
        error["message"]
            .as_str()
            .is_some_and(|m| m.contains("docker compose up failed")),
        "{error}"
    );

    // Nothing stored carries it: no event column, no deploys column.
    for table in ["event_log", "deploys"] {
        let leaked: Vec<String> = all_cells(&c.t, table)
            .into_iter()
            .filter(|cell| cell.contains(&secret))
            .collect();
        assert!(leaked.is_empty(), "the secret leaked into {table}: {leaked:?}");
    }

    // Every deploy.failed says only the generic reason.
    let failed: Vec<EventRow> = deploy_events(&c.t, &name)
        .into_iter()
        .filter(|e| e.action == "deploy.failed")
        .collect();
    assert_eq!(failed.len(), 2, "one deploy.failed per deploy: {failed:?}");
    for e in &failed {
        let code = e
            .status
            .strip_prefix("docker compose up failed (exit ")
            .and_then(|rest| rest.strip_suffix(')'))
            .unwrap_or_else(|| panic!("the status is the generic reason, got {:?}", e.status));
        assert!(
            !code.is_empty() && code.bytes().all(|b| b.is_ascii_digit()),
            "exit N with a number: {:?}",
            e.status
        );
    }
    let errors: Vec<Option<String>> = {
        let conn = db(&c.t);
        let mut stmt = conn
            .prepare("SELECT d.error FROM deploys d JOIN workloads w ON w.id = d.workload_id WHERE w.name = ?1")
            .expect("prepare");
        stmt.query_map([&name], |r| r.get(0))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("read")
    };
    assert_eq!(errors.len(), 2, "{errors:?}");
    for e in &errors {
        let e = e.as_deref().unwrap_or_default();
        assert!(
            e.starts_with("docker compose up failed (exit "),
            "deploys.error is the generic reason: {e:?}"
        );
    }

    // Neither does anything berth prints about its events or the workload.
    for args in [
        &["--output", "json", "events", &name][..],
        &["events", &name][..],
        &["--output", "json", "events"][..],
        &["--output", "json", "history", &name][..],
        &["--output", "json", "workload", "show", &name][..],
    ] {
        let run = c.run(args);
        assert!(
            !run.stdout.contains(&secret) && !run.stderr.contains(&secret),
            "`berth {}` printed the secret:\nstdout:\n{}\nstderr:\n{}",
            args.join(" "),
            run.stdout,
            run.stderr
        );
    }
}

// ---- 8. every kind's events carry workload_id -----------------------------------------------------

/// Checks the deploy.* events of `name` after `deploys` deploys (one success, one failure).
#[track_caller]
fn check_deploy_events(c: &Case, name: &str, kind: &str, deploys: usize) {
    let id = workload_id(&c.t, name);
    let known = deploy_ids(&c.t, name);
    assert_eq!(known.len(), deploys, "{kind}: deploys rows of {name}: {known:?}");
    let events = deploy_events(&c.t, name);
    let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
    for want in ["deploy.started", "deploy.succeeded", "deploy.failed"] {
        assert!(actions.contains(&want), "{kind}: no {want} event: {actions:?}");
    }
    let mut seen_deploys = Vec::new();
    for e in &events {
        let m = &e.metadata;
        let what = format!("{kind} {} {m}", e.action);
        assert_eq!(e.workload_id, Some(id), "{what}: the event row's workload_id");
        assert_eq!(m["workload_id"], json!(id), "{what}: metadata.workload_id");
        let deploy_id = m["deploy_id"]
            .as_i64()
            .unwrap_or_else(|| panic!("{what}: metadata.deploy_id"));
        assert!(
            known.contains(&deploy_id),
            "{what}: deploy_id {deploy_id} is not one of {known:?}"
        );
        seen_deploys.push(deploy_id);
        assert_eq!(m["kind"], kind, "{what}: metadata.kind");
        assert!(
            matches!(m["strategy"].as_str(), Some("recreate" | "blue-green")),
            "{what}: metadata.strategy"
        );
        for key in ["strategy_forced", "image", "container", "duration_ms"] {
            assert!(m.get(key).is_some(), "{what}: metadata.{key} is missing");
        }
    }
    seen_deploys.sort_unstable();
    seen_deploys.dedup();
    assert_eq!(
        seen_deploys.len(),
        deploys,
        "{kind}: every deploy has its events: {seen_deploys:?}"
    );

    // `berth events` shows the same workload_id.
    let listed = c.run(&["--output", "json", "events", name]).success().json();
    let listed = listed["events"].as_array().expect("events array").clone();
    assert!(!listed.is_empty(), "{kind}: berth events lists nothing");
    for e in listed
        .iter()
        .filter(|e| e["action"].as_str().is_some_and(|a| a.starts_with("deploy.")))
    {
        assert_eq!(e["workload_id"], json!(id), "{kind}: {e}");
        assert_eq!(e["workload"], json!(name), "{kind}: {e}");
        assert_eq!(e["metadata"]["workload_id"], json!(id), "{kind}: {e}");
    }
}

#[test]
fn events_for_each_kind_carry_workload_id() {
    assert!(
        compose_cli().is_some(),
        "no compose CLI: install docker-compose (Debian) or the compose plugin"
    );
    let mut c = Case::new("ev-kinds");

    // image: v1 passes, bad fails its gate.
    let image = c.name("ev-image");
    let image_config =
        |tag: &str| common_fields(json!({ "image": format!("berth-test/app:{tag}"), "pull": "missing" }));
    c.add(&image, "image", image_config("v1"));
    c.run(&["deploy", &image]).success();
    c.set(&image, image_config("bad"));
    c.run(&["deploy", &image]).code(1);
    check_deploy_events(&c, &image, "image", 2);

    // dockerfile: FROM v1 passes, FROM bad fails its gate.
    let dockerfile = c.name("ev-dockerfile");
    let ctx = c.context("berth-test/app:v1", "df-1");
    let df_config = common_fields(json!({ "context": ctx.to_str().expect("utf-8 temp path") }));
    c.add(&dockerfile, "dockerfile", df_config);
    c.run(&["deploy", &dockerfile]).success();
    c.context("berth-test/app:bad", "df-2");
    c.run(&["deploy", &dockerfile]).code(1);
    check_deploy_events(&c, &dockerfile, "dockerfile", 2);

    // static: served by v1 passes, by bad fails its gate.
    let site = c.name("ev-static");
    let root = write_site(&c.t, "site-1");
    c.add(&site, "static", static_config(&root, "berth-test/app:v1"));
    c.run(&["deploy", &site]).success();
    c.set(&site, static_config(&root, "berth-test/app:bad"));
    c.run(&["deploy", &site]).code(1);
    check_deploy_events(&c, &site, "static", 2);

    // compose: a valid stack passes, an invalid compose file fails.
    let stack = c.name("ev-compose");
    let file = write_stack(
        &c.t,
        "stack/docker-compose.yml",
        "berth-test/app:v1",
        &format!("{stack}-web"),
    );
    c.projects.push((stack.clone(), file.clone()));
    c.add(&stack, "compose", compose_config(&file));
    c.run(&["deploy", &stack]).success();
    let broken = c.t.write(
        "stack/broken.yml",
        "version: \"3\"\nservices: [this is not a compose file\n",
    );
    c.set(&stack, compose_config(&broken));
    let run = c.run(&["deploy", &stack]).code(1);
    assert!(run.stderr.contains("docker compose up failed"), "{}", run.stderr);
    check_deploy_events(&c, &stack, "compose", 2);
}
