//! Swarm services (issue 13, docs/clusters.md §2): a workload with
//! `"swarm": {...}` runs as the service `berth-<workload>`; the first
//! deploy creates it, later deploys update it (blue-green = start-first,
//! recreate = stop-first) and Swarm rolls back an update whose tasks fail
//! their health check.
//!
//! The daemon is a single-node swarm on loopback (`scripts/test-swarm.sh`,
//! idempotent). Its kernel has no IPVS, so the services use
//! `endpoint_mode: dnsrr`, and routing is shown the way a router attached
//! to the overlay network sees it: a container on `berth-swarm` asks for
//! `http://berth-<workload>:8080/`.

use crate::common;

use std::time::Duration;

use berth::deploy::faults::FaultPoint;
use common::docker::{Case, docker, docker_output};
use common::proxies::{CaddyProxy, Proxy, RealNpm};
use common::swarm::{NETWORK, OverlayNginx, case};
use common::wait_until;
use serde_json::{Value, json};
const SECRET: &str = "swarm-secret-d41d8cd98f";

fn config(image: &str, replicas: u64, strategy: &str) -> Value {
    json!({
        "image": image,
        "pull": "missing",
        "port": 8080,
        "deploy_strategy": strategy,
        "env": { "TOKEN": SECRET },
        "healthcheck": { "path": "/healthz", "interval_ms": 200, "deadline_ms": 20000 },
        "stop_timeout_s": 2,
        "swarm": { "replicas": replicas, "endpoint_mode": "dnsrr" },
    })
}

fn image_id(reference: &str) -> String {
    docker(&["image", "inspect", "--format", "{{.Id}}", reference])
}

/// One task of a service, as `docker inspect` of the task and its container say.
#[derive(Debug)]
struct TaskView {
    slot: u64,
    image: String,
    desired: String,
    state: String,
    container: String,
}

fn tasks(service: &str) -> Vec<TaskView> {
    let ids = docker(&["service", "ps", "-q", "--no-trunc", service]);
    ids.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|id| {
            let v: Value =
                serde_json::from_str(&docker(&["inspect", id, "--format", "{{json .}}"])).expect("task JSON");
            TaskView {
                slot: v["Slot"].as_u64().unwrap_or(0),
                image: v["Spec"]["ContainerSpec"]["Image"].as_str().unwrap_or("").to_owned(),
                desired: v["DesiredState"].as_str().unwrap_or("").to_owned(),
                state: v["Status"]["State"].as_str().unwrap_or("").to_owned(),
                container: v["Status"]["ContainerStatus"]["ContainerID"]
                    .as_str()
                    .unwrap_or("")
                    .to_owned(),
            }
        })
        .collect()
}

/// The running tasks' images, one per running task.
fn running_images(service: &str) -> Vec<String> {
    tasks(service)
        .into_iter()
        .filter(|t| t.desired == "running" && t.state == "running")
        .map(|t| t.image)
        .collect()
}

fn container_health(id: &str) -> String {
    docker(&["inspect", "--format", "{{.State.Health.Status}}", id])
}

/// (StartedAt, FinishedAt) of a container, RFC 3339 with nanoseconds.
fn container_times(id: &str) -> (String, String) {
    let out = docker(&["inspect", "--format", "{{.State.StartedAt}} {{.State.FinishedAt}}", id]);
    let (a, b) = out.split_once(' ').expect("two times");
    (a.to_owned(), b.to_owned())
}

/// What a router on the overlay network gets for `http://<service>:8080/`:
/// a container attached to `berth-swarm` resolves the service name (dnsrr:
/// the healthy tasks' addresses) and fetches the page.
fn fetch_through_overlay(service: &str) -> String {
    let out = docker_output(&[
        "run",
        "--rm",
        "--network",
        NETWORK,
        "--label",
        "berth-test=1",
        "--entrypoint",
        "/bin/wget",
        "berth-test/app:v1",
        "-q",
        "-O-",
        &format!("http://{service}:8080/"),
    ]);
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// Asserts every slot's new task started before its old one stopped.
fn assert_start_first(service: &str, old_image: &str, new_image: &str, replicas: u64) {
    let all = tasks(service);
    for slot in 1..=replicas {
        let find = |image: &str| {
            all.iter()
                .find(|t| t.slot == slot && t.image == image && !t.container.is_empty())
                .unwrap_or_else(|| panic!("slot {slot}: no task of {image}: {all:?}"))
        };
        let (new_started, _) = container_times(&find(new_image).container);
        let (_, old_finished) = container_times(&find(old_image).container);
        assert!(
            new_started < old_finished,
            "slot {slot}: start-first starts the new task ({new_started}) before the old one stops \
             ({old_finished})"
        );
    }
}

fn assert_no_secret(run: &common::Run, c: &Case, name: &str) {
    assert!(
        !run.stdout.contains(SECRET),
        "stdout carries the env value: {}",
        run.stdout
    );
    let events = c.run(&["events", name, "--output", "json", "--limit", "100"]).success();
    assert!(
        !events.stdout.contains(SECRET),
        "events carry the env value: {}",
        events.stdout
    );
}

#[test]
fn three_replicas_deploy_healthy_then_update_start_first_and_route_by_service_name() {
    let (mut c, mut services) = case("swarm-start-first");
    let name = c.name("sw3");
    let service = services.of(&name);
    let (v1, v2) = (image_id("berth-test/app:v1"), image_id("berth-test/app:v2"));

    c.add(&name, "image", config("berth-test/app:v1", 3, ""));
    let first = c.run(&["deploy", &name, "--output", "json"]).success();
    let result = first.json();
    assert_eq!(result["container"], json!(service), "{}", first.stdout);
    assert_eq!(result["status"], json!("succeeded"), "{}", first.stdout);
    assert_no_secret(&first, &c, &name);
    // berth returns once Swarm runs all three, each healthy by its probe.
    assert_eq!(running_images(&service), vec![v1.clone(); 3], "{:?}", tasks(&service));
    for t in tasks(&service) {
        assert_eq!(container_health(&t.container), "healthy", "{t:?}");
    }
    assert_eq!(
        docker(&[
            "service",
            "inspect",
            "--format",
            "{{.Spec.UpdateConfig.Order}} {{.Spec.UpdateConfig.FailureAction}} {{.Spec.EndpointSpec.Mode}}",
            &service
        ]),
        "start-first rollback dnsrr"
    );
    assert_eq!(fetch_through_overlay(&service), "v1");

    c.set(&name, config("berth-test/app:v2", 3, ""));
    let second = c.run(&["deploy", &name, "--output", "json"]).success();
    assert_eq!(second.json()["strategy"], json!("blue-green"), "{}", second.stdout);
    assert_eq!(running_images(&service), vec![v2.clone(); 3], "{:?}", tasks(&service));
    assert_start_first(&service, &v1, &v2, 3);
    assert!(
        wait_until(Duration::from_secs(10), || fetch_through_overlay(&service) == "v2"),
        "the service name serves v2 after the update"
    );
    let events = c.run(&["events", &name, "--output", "json", "--limit", "1"]).success();
    assert_eq!(
        events.json()["events"][0]["action"],
        json!("deploy.succeeded"),
        "{}",
        events.stdout
    );

    // The same artifact and config again: Swarm is not asked to update.
    let third = c.run(&["deploy", &name, "--output", "json"]).success();
    assert_eq!(third.json()["status"], json!("unchanged"), "{}", third.stdout);
    let updated_at = docker(&["service", "inspect", "--format", "{{.UpdatedAt}}", &service]);
    assert_eq!(running_images(&service), vec![v2; 3]);
    assert_eq!(
        docker(&["service", "inspect", "--format", "{{.UpdatedAt}}", &service]),
        updated_at
    );
}

#[test]
fn an_update_that_fails_its_health_check_is_rolled_back_by_swarm_and_fails_the_deploy() {
    let (mut c, mut services) = case("swarm-rollback");
    let name = c.name("swrb");
    let service = services.of(&name);
    let v1 = image_id("berth-test/app:v1");

    c.add(&name, "image", config("berth-test/app:v1", 2, ""));
    c.run(&["deploy", &name]).success();

    // berth-test/app:bad answers 500 on /healthz: its tasks turn unhealthy.
    c.set(&name, config("berth-test/app:bad", 2, ""));
    let failed = c.run(&["deploy", &name, "--output", "json"]).code(1);
    let message = failed.json()["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(message.contains("rolled the update"), "{message}");
    assert!(message.contains("unhealthy"), "Swarm's own reason: {message}");
    assert_no_secret(&failed, &c, &name);

    let events = c.run(&["events", &name, "--errors", "--output", "json"]).success();
    let event = &events.json()["events"][0];
    assert_eq!(event["action"], json!("deploy.failed"), "{}", events.stdout);
    let status = event["status"].as_str().unwrap_or_default();
    assert!(
        status.contains("unhealthy"),
        "the event carries Swarm's reason: {status}"
    );
    assert_eq!(event["metadata"]["rolled_back"], json!(true), "{}", events.stdout);
    // The old tasks serve on.
    assert_eq!(running_images(&service), vec![v1.clone(); 2], "{:?}", tasks(&service));
    assert_eq!(fetch_through_overlay(&service), "v1");
    let history = c.run(&["history", &name, "--output", "json"]).success();
    assert!(history.stdout.contains("failed"), "{}", history.stdout);
}

#[test]
fn recreate_maps_to_stop_first() {
    let (mut c, mut services) = case("swarm-stop-first");
    let name = c.name("swsf");
    let service = services.of(&name);
    let (v1, v2) = (image_id("berth-test/app:v1"), image_id("berth-test/app:v2"));

    c.add(&name, "image", config("berth-test/app:v1", 1, "recreate"));
    c.run(&["deploy", &name]).success();
    assert_eq!(
        docker(&[
            "service",
            "inspect",
            "--format",
            "{{.Spec.UpdateConfig.Order}} {{.Spec.RollbackConfig.Order}}",
            &service
        ]),
        "stop-first stop-first"
    );
    c.set(&name, config("berth-test/app:v2", 1, "recreate"));
    let run = c.run(&["deploy", &name, "--output", "json"]).success();
    assert_eq!(run.json()["strategy"], json!("recreate"), "{}", run.stdout);
    assert_eq!(running_images(&service), vec![v2.clone()]);
    let all = tasks(&service);
    let container = |image: &str| {
        all.iter()
            .find(|t| t.image == image && !t.container.is_empty())
            .map(|t| t.container.clone())
            .unwrap_or_else(|| panic!("no task of {image}: {all:?}"))
    };
    let (_, old_finished) = container_times(&container(&v1));
    let (new_started, _) = container_times(&container(&v2));
    assert!(
        old_finished <= new_started,
        "stop-first stops the old task ({old_finished}) before the new one starts ({new_started})"
    );
}

#[test]
fn swarm_config_errors_are_reported_at_once_naming_each_field() {
    let c = common::TestContext::new();
    let bad = json!({
        "image": "berth-test/app:v1",
        "port": 8080,
        "ports": ["8080:8080"],
        "network": "berth",
        "healthcheck": { "path": "/healthz", "interval_ms": 1000, "start_period_ms": 2000 },
        "swarm": {
            "replicas": -1,
            "placement": ["node.role"],
            "endpoint_mode": "vipp",
            "update": { "parallelism": 0, "monitor_ms": 1000, "delai_ms": 5 },
            "replica": 3
        }
    });
    let file = c.write("bad.json", &bad.to_string());
    let file = file.to_str().expect("utf-8 path");
    let run = c
        .run(&["validate", "--file", file, "--kind", "image", "--output", "json"])
        .code(3);
    let errors = run.json()["error"]["errors"].clone();
    let paths: Vec<&str> = errors
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["path"].as_str())
        .collect();
    for path in [
        "ports",
        "network",
        "swarm.replicas",
        "swarm.placement[0]",
        "swarm.endpoint_mode",
        "swarm.update.parallelism",
        "swarm.update.monitor_ms",
        "swarm.update.delai_ms",
        "swarm.replica",
    ] {
        assert!(paths.contains(&path), "no error at {path}: {}", run.stdout);
    }
    // The monitor window names both numbers and the fix.
    let monitor = errors
        .as_array()
        .into_iter()
        .flatten()
        .find(|e| e["path"] == json!("swarm.update.monitor_ms"))
        .expect("monitor error");
    assert!(
        monitor["message"].as_str().unwrap_or("").contains("6000 ms"),
        "{monitor}"
    );
    assert!(
        monitor["suggestion"].as_str().unwrap_or("").contains("6000"),
        "{monitor}"
    );

    let static_site = json!({ "root": c.path().to_str(), "swarm": { "replicas": 2 } });
    let file = c.write("static.json", &static_site.to_string());
    let run = c
        .run(&[
            "validate",
            "--file",
            file.to_str().expect("utf-8"),
            "--kind",
            "static",
            "--output",
            "json",
        ])
        .code(3);
    assert_eq!(
        run.json()["error"]["errors"][0]["path"],
        json!("swarm"),
        "{}",
        run.stdout
    );
}

#[test]
fn the_route_names_the_service_and_a_rolling_update_never_writes_it() {
    let proxy = CaddyProxy::start();
    let (mut c, mut services) = case("swarm-route");
    for (k, v) in proxy.berth_env() {
        c.t.env(&k, &v);
    }
    let name = c.name("swrt");
    let service = services.of(&name);
    let domain = common::fake_npm::new_domain("swrt");
    let mut v1 = config("berth-test/app:v1", 2, "");
    v1["domains"] = json!([domain]);
    c.add(&name, "image", v1);
    c.run(&["deploy", &name]).success();
    // The route forwards to the service's name on the overlay network,
    // which a router attached to it resolves to the healthy tasks.
    assert_eq!(proxy.route_target(&name, &domain), Some(format!("{service}:8080")));
    assert_eq!(fetch_through_overlay(&service), "v1");
    let writes = proxy.admin_writes();
    assert!(!writes.is_empty(), "the first deploy writes the route");

    let mut v2 = config("berth-test/app:v2", 2, "");
    v2["domains"] = json!([domain]);
    c.set(&name, v2);
    c.run(&["deploy", &name]).success();
    assert_eq!(proxy.admin_writes(), writes, "the rolling update wrote no route");
    assert_eq!(proxy.route_target(&name, &domain), Some(format!("{service}:8080")));
    assert!(wait_until(Duration::from_secs(10), || fetch_through_overlay(&service) == "v2"));
}

#[test]
fn a_berth_killed_mid_update_leaves_it_to_swarm_and_reconcile_records_the_outcome() {
    let (mut c, mut services) = case("swarm-crash");
    let name = c.name("swkl");
    let service = services.of(&name);
    let v2 = image_id("berth-test/app:v2");
    c.add(&name, "image", config("berth-test/app:v1", 2, ""));
    c.run(&["deploy", &name]).success();

    c.set(&name, config("berth-test/app:v2", 2, ""));
    c.run_until(FaultPoint::AfterServiceUpdate, &["deploy", &name]);
    // Swarm goes on without berth.
    assert!(
        wait_until(Duration::from_secs(60), || {
            // UpdateStatus is absent for a moment after the update request.
            let format = "{{if .UpdateStatus}}{{.UpdateStatus.State}}{{end}}";
            docker(&["service", "inspect", "--format", format, &service]) == "completed"
        }),
        "Swarm completes the update on its own"
    );
    let report = c.run(&["reconcile", &name, "--output", "json"]).success();
    let (id, status) = common::docker::last_deploy(&c.t, &name);
    assert_eq!(status, "succeeded", "deploy {id}: {}", report.stdout);
    assert_eq!(running_images(&service), vec![v2.clone(); 2]);
    let status = c.run(&["status", &name, "--output", "json"]).success();
    let row = &status.json()["workloads"][0];
    assert_eq!(row["image"], json!("berth-test/app:v2"), "{}", status.stdout);
    assert_eq!(row["state"], json!("running 2/2"), "{}", status.stdout);
}

#[test]
fn an_nginx_router_on_the_overlay_serves_the_service_and_start_first_updates_drop_no_request() {
    let (mut c, mut services) = case("swarm-nginx");
    let nginx = OverlayNginx::start(&c.id);
    for (k, v) in nginx.berth_env() {
        c.t.env(&k, &v);
    }
    let name = c.name("swng");
    let service = services.of(&name);
    let domain = common::fake_npm::new_domain("swng");
    let routed = |image: &str| {
        let mut v = config(image, 3, "");
        v["domains"] = json!([domain]);
        v
    };
    c.add(&name, "image", routed("berth-test/app:v1"));
    c.run(&["deploy", &name]).success();
    let file = std::fs::read_to_string(nginx.dir.path().join(format!("berth/berth-{name}.conf"))).expect("route file");
    assert!(file.contains(&format!("proxy_pass http://{service}:8080;")), "{file}");
    assert_eq!(nginx.fetch(&domain), "v1", "the route serves the service through nginx");

    // Two start-first updates under load: nginx resolved the name to the
    // old tasks; berth reloads it as the tasks change (dnsrr).
    for image in ["berth-test/app:v2", "berth-test/app:v3"] {
        let load = nginx.start_load(&domain);
        assert!(
            wait_until(Duration::from_secs(5), || nginx.fetch(&domain).starts_with('v')),
            "serving before the update"
        );
        c.set(&name, routed(image));
        c.run(&["deploy", &name]).success();
        let (requests, failed) = nginx.stop_load(load);
        let _ = std::fs::remove_file(nginx.dir.path().join("stop"));
        let tag = image.rsplit(':').next().unwrap_or_default();
        eprintln!("update to {tag} under load: {failed} of {requests} requests failed");
        assert_eq!(nginx.fetch(&domain), tag, "nginx serves the new tasks after the update");
        assert!(requests > 20, "the load ran: {requests} requests");
        assert_eq!(
            failed, 0,
            "{failed} of {requests} requests failed during the update to {image}"
        );
    }
}

#[test]
fn a_replica_change_alone_scales_the_service_and_waits_for_the_tasks() {
    let (mut c, mut services) = case("swarm-scale");
    let name = c.name("swsc");
    let service = services.of(&name);
    let v2 = image_id("berth-test/app:v2");
    c.add(&name, "image", config("berth-test/app:v1", 1, ""));
    c.run(&["deploy", &name]).success();
    // An update first, so Swarm's last update status says `completed`.
    c.set(&name, config("berth-test/app:v2", 1, ""));
    c.run(&["deploy", &name]).success();

    c.set(&name, config("berth-test/app:v2", 3, ""));
    let scaled = c.run(&["deploy", &name, "--output", "json"]).success();
    assert_eq!(scaled.json()["status"], json!("succeeded"), "{}", scaled.stdout);
    assert_eq!(running_images(&service), vec![v2.clone(); 3], "{:?}", tasks(&service));

    c.set(&name, config("berth-test/app:v2", 1, ""));
    c.run(&["deploy", &name]).success();
    assert!(
        wait_until(Duration::from_secs(20), || running_images(&service).len() == 1),
        "scaled down to 1: {:?}",
        tasks(&service)
    );
}

/// With `dnsrr`, NPM's nginx keeps the task addresses it resolved (its
/// `resolver` caches them for 10 s) while a start-first update replaces the
/// tasks: berth makes NPM render the host again (a PUT of the forward host
/// as it is, which reloads its nginx) whenever the running tasks change.
/// Against the real NPM: the host is written during the update, and still
/// names the service, online.
#[test]
fn npm_renders_the_service_route_again_when_an_update_replaces_the_tasks() {
    let Some(npm) = RealNpm::start() else { return };
    let (mut c, mut services) = case("swarm-npm");
    for (k, v) in npm.berth_env() {
        c.t.env(&k, &v);
    }
    let name = c.name("swnpm");
    let service = services.of(&name);
    let domain = common::fake_npm::new_domain("swnpm");
    let routed = |image: &str| {
        let mut v = config(image, 2, "");
        v["domains"] = json!([domain]);
        v
    };
    c.add(&name, "image", routed("berth-test/app:v1"));
    c.run(&["deploy", &name]).success();
    let host = npm.hosts_with(&domain).pop().expect("the proxy host");
    assert_eq!(host["forward_host"], json!(service), "{host}");
    let before = host["modified_on"].clone();

    c.set(&name, routed("berth-test/app:v2"));
    let run = c.run(&["--output", "json", "deploy", &name]).success();
    assert!(
        !run.stderr.contains("could not be reloaded"),
        "NPM took the render: {}",
        run.stderr
    );
    let hosts = npm.hosts_with(&domain);
    assert_eq!(hosts.len(), 1, "the same host: {hosts:?}");
    let after = &hosts[0];
    assert_eq!(after["id"], host["id"], "the same host");
    assert_eq!(after["forward_host"], json!(service), "{after}");
    assert_eq!(after["meta"]["nginx_online"], json!(true), "{after}");
    assert_ne!(
        after["modified_on"], before,
        "NPM rendered the host again during the update: {after}"
    );
}

/// A service of the workload's name that berth did not create (an
/// operator's own) is never updated: the deploy fails naming it and the
/// label it lacks, and the service keeps its image. One that another store
/// created (a CI job's fresh store) is taken over with a warning and
/// updated.
#[test]
fn a_service_berth_did_not_create_is_refused_and_another_stores_is_taken_over() {
    let (mut c, mut services) = case("swarm-claim");
    let name = c.name("swcl");
    let service = services.of(&name);
    docker(&[
        "service",
        "create",
        "--detach",
        "--name",
        &service,
        "--endpoint-mode",
        "dnsrr",
        "--network",
        NETWORK,
        "berth-test/app:v1",
    ]);
    c.add(&name, "image", config("berth-test/app:v2", 1, ""));
    let run = c.run(&["deploy", &name]).code(1);
    assert!(
        run.stderr.contains(&service) && run.stderr.contains(&format!("berth.workload={name}")),
        "the error names the service and the label it lacks:\n{}",
        run.stderr
    );
    let image = docker(&[
        "service",
        "inspect",
        "--format",
        "{{.Spec.TaskTemplate.ContainerSpec.Image}}",
        &service,
    ]);
    assert!(image.starts_with("berth-test/app:v1"), "left as it was: {image}");
    docker(&["service", "rm", &service]);

    // Store A deploys; store B, which has never heard of it, updates it.
    c.run(&["deploy", &name]).success();
    let b = common::TestContext::new();
    let mut v3 = config("berth-test/app:v3", 1, "");
    v3["labels"] = json!({ common::docker::TEST_LABEL: c.id });
    b.add(&name, "image", &v3).success();
    let refused = b.run(&["deploy", &name, "--no-adopt"]).code(1);
    assert!(
        refused.stderr.contains(&service) && refused.stderr.contains("--no-adopt"),
        "--no-adopt refuses, naming the service:\n{}",
        refused.stderr
    );
    let run = b.run(&["deploy", &name]).success();
    assert!(
        run.stderr.contains(&format!("taking over service `{service}`")),
        "a warning says it takes the service over:\n{}",
        run.stderr
    );
    assert_eq!(running_images(&service), vec![image_id("berth-test/app:v3")]);
    let events = b.run(&["--output", "json", "events", &name]).success().json();
    let adopted = events["events"]
        .as_array()
        .and_then(|e| e.iter().find(|e| e["action"] == "deploy.adopted"))
        .unwrap_or_else(|| panic!("a deploy.adopted event: {events}"));
    assert_eq!(adopted["metadata"]["adopted_service"], json!(service), "{adopted}");

    // `--purge` from store A, whose service store B has taken over, leaves
    // it to B; B's purge removes it.
    let kept = c.run(&["workload", "rm", &name, "--purge"]).success();
    assert!(
        kept.stderr.contains(&service),
        "A says it keeps B's service:\n{}",
        kept.stderr
    );
    assert_eq!(running_images(&service), vec![image_id("berth-test/app:v3")]);
    b.run(&["workload", "rm", &name, "--purge"]).success();
    assert!(
        !docker_output(&["service", "inspect", &service]).status.success(),
        "B's purge removed the service"
    );
}
