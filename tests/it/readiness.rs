//! The readiness gate against apps that misbehave the way real ones do,
//! on the real daemon. The apps are `berth-test/app:sh` (busybox, entrypoint
//! `/bin/sh -c`) scripted through the workload's `command`.

use crate::common;

use std::time::{Duration, Instant};

use berth::deploy::faults::FaultPoint;
use common::docker::{
    Case, compose_cli, docker, http_get, inspect, last_deploy, only_container, state_of, workload_containers,
};
use serde_json::{Value, json};

/// An app scripted by `script`, blue-green, quick to stop.
fn scripted(script: &str) -> Value {
    json!({
        "image": "berth-test/app:sh",
        "pull": "missing",
        "command": [script],
        "port": 8080,
        "deploy_strategy": "blue-green",
        "drain_ms": 100,
        "stop_timeout_s": 1,
    })
}

/// Serves /healthz in the background, then dies after 1 s: the first probe
/// passes, the restart policy brings it back, again and again. The fixed
/// 3 s drain (its watch window; an idle blue would end a drain until idle,
/// and the watch, after 1 s) sees it restart.
fn crash_looping() -> Value {
    let mut config = scripted("httpd -p 8080 -h /www; sleep 1; exit 1");
    config["healthcheck"] = json!({ "path": "/healthz", "interval_ms": 100, "deadline_ms": 5000 });
    config["drain_ms"] = json!(3000);
    config["drain_until_idle"] = json!(false);
    config
}

/// A well-behaved blue serving v1, gated on /healthz.
fn v1() -> Value {
    json!({
        "image": "berth-test/app:v1",
        "pull": "missing",
        "port": 8080,
        "deploy_strategy": "blue-green",
        "healthcheck": { "path": "/healthz", "interval_ms": 100, "deadline_ms": 5000 },
        "drain_ms": 100,
        "stop_timeout_s": 1,
    })
}

/// Whether a deploy's stderr warns that green's connections cannot be
/// seen (blue's own drain may say so of blue where they cannot be read).
fn unseen_green(stderr: &str) -> bool {
    let green = stderr
        .lines()
        .find_map(|l| l.split_once("starting green ").map(|(_, name)| name.trim()))
        .unwrap_or_else(|| panic!("no green started:\n{stderr}"));
    stderr.contains(&format!("cannot see the connections of `{green}`"))
}

/// The events of `name`, newest first.
fn events(c: &Case, name: &str) -> Vec<Value> {
    let run = c.run(&["events", name, "--output", "json", "--limit", "100"]).success();
    run.json()["events"].as_array().cloned().unwrap_or_default()
}

/// The last deploy.failed event of `name` says it was rolled back.
#[track_caller]
fn assert_rolled_back_event(c: &Case, name: &str) {
    let evs = events(c, name);
    let failed = evs
        .iter()
        .find(|e| e["action"] == "deploy.failed")
        .unwrap_or_else(|| panic!("no deploy.failed event: {evs:?}"));
    assert_eq!(failed["metadata"]["rolled_back"], json!(true), "{failed}");
}

/// A v1 blue is deployed; returns (name, blue id, state row).
fn with_blue(c: &mut Case, prefix: &str) -> (String, String, (String, String)) {
    let name = c.name(prefix);
    c.add(&name, "image", v1());
    c.run(&["deploy", &name]).success();
    let blue = only_container(&name);
    (name.clone(), blue.id, state_of(&c.t, &name))
}

/// After a failed deploy: blue is the only container, running, and the
/// state row still names it.
#[track_caller]
fn blue_kept(c: &Case, name: &str, blue_id: &str, state: &(String, String)) {
    let now = only_container(name);
    assert_eq!(now.id, blue_id, "blue is the only container left");
    assert!(now.running, "blue runs");
    assert_eq!(&state_of(&c.t, name), state, "the state row still names blue");
    let ip = now.ip.expect("blue has an address");
    assert_eq!(http_get(&ip, "/"), Ok((200, "v1".to_owned())), "blue serves v1");
}

#[test]
fn a_container_that_restarts_during_the_gate_fails_it_even_after_a_good_probe() {
    let mut c = Case::new("rd-restart");
    let (name, blue, state) = with_blue(&mut c, "rd-rst");
    // Answers /healthz at once, dies 300 ms later; the restart policy
    // brings it back. Three probes 400 ms apart cannot all land in one life.
    let mut config = scripted("httpd -p 8080 -h /www; sleep 0.3; exit 3");
    config["healthcheck"] =
        json!({ "path": "/healthz", "interval_ms": 400, "healthy_threshold": 3, "deadline_ms": 8000 });
    c.set(&name, config);
    let run = c.run(&["deploy", &name]).code(1);
    assert!(
        run.stderr.contains("restarted") || run.stderr.contains("exited with code 3"),
        "the failure says the container restarted or exited:\n{}",
        run.stderr
    );
    blue_kept(&c, &name, &blue, &state);
    assert_eq!(last_deploy(&c.t, &name).1, "failed");
}

#[test]
fn an_oom_killed_container_fails_the_gate_and_says_so() {
    let mut c = Case::new("rd-oom");
    let (name, blue, state) = with_blue(&mut c, "rd-oom");
    let mut config = scripted("httpd -p 8080 -h /www; sleep 0.5; exec tail /dev/zero");
    config["memory"] = json!("16m");
    config["liveness_window_ms"] = json!(4000);
    c.set(&name, config);
    let run = c.run(&["deploy", &name]).code(1);
    assert!(
        run.stderr.contains("OOM"),
        "the failure names the OOM kill:\n{}",
        run.stderr
    );
    blue_kept(&c, &name, &blue, &state);
}

#[test]
fn without_a_healthcheck_a_port_must_accept_connections_before_the_gate_passes() {
    let mut c = Case::new("rd-late");
    let name = c.name("rd-late");
    // Binds its port only after 4 s; the liveness window alone is 500 ms.
    let mut config = scripted("sleep 4; exec httpd -f -p 8080 -h /www");
    config["liveness_window_ms"] = json!(500);
    c.add(&name, "image", config);
    let started = Instant::now();
    let run = c.run(&["--output", "json", "deploy", &name]).success();
    let took = started.elapsed();
    assert!(
        took >= Duration::from_secs(4),
        "the gate passed after {took:?}, before the app listened:\n{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("accepts connections"),
        "the gate says why it passed:\n{}",
        run.stderr
    );
    // The first request after berth returned is served: nothing to retry.
    let live = only_container(&name);
    let ip = live.ip.expect("an address");
    assert_eq!(http_get(&ip, "/"), Ok((200, "sh".to_owned())));
}

/// A compose file with one service `web` whose health check (the compose
/// file's, not the image's: the image has none) turns healthy after
/// `healthy_after` seconds and is probed every `interval`.
fn health_stack(c: &Case, healthy_after: u32, interval: &str) -> std::path::PathBuf {
    c.t.write(
        "stack/compose.yml",
        &format!(
            "version: \"2.4\"\n\
             services:\n\
             \x20 web:\n\
             \x20   image: berth-test/app:sh\n\
             \x20   command: [\"sleep {healthy_after}; touch /tmp/ready; exec httpd -f -p 8080 -h /www\"]\n\
             \x20   labels:\n\
             \x20     berth-test: \"1\"\n\
             \x20   healthcheck:\n\
             \x20     test: [\"CMD\", \"test\", \"-f\", \"/tmp/ready\"]\n\
             \x20     interval: {interval}\n\
             \x20     timeout: 1s\n\
             \x20     retries: 30\n"
        ),
    )
}

/// A compose workload on [`health_stack`], with `extra` config fields.
fn compose_case(test: &str, healthy_after: u32, interval: &str, extra: Value) -> (Case, String) {
    assert!(
        compose_cli().is_some(),
        "no compose CLI: scripts/test installs docker-compose"
    );
    let mut c = Case::new(test);
    let name = c.name("rd-cmp");
    let file = health_stack(&c, healthy_after, interval);
    c.projects.push((name.clone(), file.clone()));
    let mut config = json!({ "file": file.to_str().expect("utf-8 path"), "service": "web" });
    if let (Some(config), Value::Object(extra)) = (config.as_object_mut(), extra) {
        config.extend(extra);
    }
    c.add(&name, "compose", config);
    (c, name)
}

#[test]
fn a_compose_services_own_health_check_gates_the_deploy() {
    let (c, name) = compose_case(
        "rd-compose",
        4,
        "1s",
        json!({ "port": 8080, "liveness_window_ms": 500 }),
    );
    let run = c.run(&["deploy", &name]).success();
    let id = state_of(&c.t, &name).0;
    let health = docker(&["inspect", "--format", "{{.State.Health.Status}}", &id]);
    assert_eq!(
        health, "healthy",
        "berth reported deployed while Docker said {health}:\n{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("healthy"),
        "the gate says why it passed:\n{}",
        run.stderr
    );
}

#[test]
fn docker_health_mode_has_its_own_deadline_and_warns_when_the_interval_exceeds_it() {
    // Docker would first probe after 60 s; the gate gives it 2 s.
    let (c, name) = compose_case(
        "rd-interval",
        0,
        "60s",
        json!({ "healthcheck": { "mode": "docker", "deadline_ms": 2000 } }),
    );
    // validate reads the compose file's interval before any deploy.
    let checked = c.run(&["validate", &name]).success();
    assert!(
        checked.stderr.contains("service `web`")
            && checked.stderr.contains("60000 ms")
            && checked.stderr.contains("2000 ms"),
        "validate warns that the compose service's 60 s interval exceeds the 2 s deadline:\n{}",
        checked.stderr
    );
    let started = Instant::now();
    let run = c.run(&["deploy", &name]).code(1);
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "the gate ignored its 2 s deadline ({:?})",
        started.elapsed()
    );
    assert!(
        run.stderr.contains("warning") && run.stderr.contains("60000 ms"),
        "a warning names the 60 s interval:\n{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("within 2000 ms"),
        "the failure names the deadline:\n{}",
        run.stderr
    );
}

#[test]
fn validate_refuses_probe_fields_in_docker_mode_and_an_unknown_mode_at_once() {
    let c = Case::new("rd-validate");
    let mut config = scripted("exec httpd -f -p 8080 -h /www");
    config["healthcheck"] = json!({ "mode": "docker", "path": "/healthz", "interval_ms": 100 });
    let run = c.t.add("rd-val-1", "image", &config).code(3);
    for field in ["healthcheck.path", "healthcheck.interval_ms"] {
        assert!(run.stderr.contains(field), "{field} is named:\n{}", run.stderr);
    }
    config["healthcheck"] = json!({ "mode": "tcp", "path": "/healthz" });
    let run = c.t.add("rd-val-2", "image", &config).code(3);
    assert!(run.stderr.contains("healthcheck.mode"), "{}", run.stderr);
    assert!(workload_containers("rd-val-1").is_empty() && inspect("rd-val-1").is_none());
}

#[test]
fn a_crash_looping_green_that_passed_its_probe_is_rolled_back_during_the_drain() {
    let mut c = Case::new("rd-loop");
    let (name, blue, state) = with_blue(&mut c, "rd-loop");
    c.set(&name, crash_looping());
    let run = c.run(&["deploy", &name]).code(1);
    assert!(
        run.stderr.contains("rolled back") && run.stderr.contains("during the drain"),
        "the failure says green was rolled back during the drain:\n{}",
        run.stderr
    );
    blue_kept(&c, &name, &blue, &state);
    assert_rolled_back_event(&c, &name);
}

#[test]
fn recreate_brings_blue_back_when_the_new_container_crashes_within_its_watch_window() {
    let mut c = Case::new("rd-rc-loop");
    let name = c.name("rd-rcl");
    let mut config = v1();
    config["deploy_strategy"] = json!("recreate");
    c.add(&name, "image", config);
    c.run(&["deploy", &name]).success();
    let blue = only_container(&name);
    let state = state_of(&c.t, &name);

    let mut config = crash_looping();
    config["deploy_strategy"] = json!("recreate");
    c.set(&name, config);
    let run = c.run(&["deploy", &name]).code(1);
    assert!(run.stderr.contains("rolled back"), "{}", run.stderr);
    blue_kept(&c, &name, &blue.id, &state);
    assert_eq!(only_container(&name).name, name, "blue has its stable name back");
    assert_rolled_back_event(&c, &name);
}

#[test]
fn recreate_restores_blue_before_it_removes_the_failed_new_container() {
    let mut c = Case::new("rd-rc-order");
    let name = c.name("rd-rco");
    let mut config = v1();
    config["deploy_strategy"] = json!("recreate");
    c.add(&name, "image", config.clone());
    c.run(&["deploy", &name]).success();
    let blue = only_container(&name);
    let state = state_of(&c.t, &name);

    // `bad` never passes its gate; berth dies right after blue started again.
    config["image"] = json!("berth-test/app:bad");
    config["healthcheck"]["deadline_ms"] = json!(1000);
    c.set(&name, config);
    c.run_until(FaultPoint::AfterRestoreStart, &["deploy", &name]);
    let all = workload_containers(&name);
    let now_blue = all.iter().find(|x| x.id == blue.id).expect("blue exists");
    assert!(now_blue.running, "blue runs again before the new container goes");
    assert_eq!(now_blue.name, name, "blue has its stable name back");
    let failed = all
        .iter()
        .find(|x| x.id != blue.id)
        .unwrap_or_else(|| panic!("the failed new container is still there, parked: {all:?}"));
    assert!(!failed.running, "the failed new container is stopped");
    assert!(
        failed.name.ends_with("-failed"),
        "and off the stable name: {}",
        failed.name
    );

    c.run(&["reconcile", &name]).success();
    blue_kept(&c, &name, &blue.id, &state);
}

#[test]
fn a_compose_gate_failure_after_up_leaves_no_state_naming_a_removed_container() {
    assert!(
        compose_cli().is_some(),
        "no compose CLI: scripts/test installs docker-compose"
    );
    let mut c = Case::new("rd-cmp-fail");
    let name = c.name("rd-cmpf");
    let stack = |image: &str| {
        format!("version: \"2.4\"\nservices:\n  web:\n    image: {image}\n    labels:\n      berth-test: \"1\"\n")
    };
    let file = c.t.write("stack/compose.yml", &stack("berth-test/app:v1"));
    c.projects.push((name.clone(), file.clone()));
    let config = json!({
        "file": file.to_str().expect("utf-8 path"),
        "service": "web",
        "port": 8080,
        "healthcheck": { "path": "/healthz", "interval_ms": 100, "deadline_ms": 1500 },
    });
    c.add(&name, "compose", config);
    c.run(&["deploy", &name]).success();
    let (old_id, _) = state_of(&c.t, &name);

    // `up` replaces the service's container with one that never gets ready.
    c.t.write("stack/compose.yml", &stack("berth-test/app:bad"));
    let run = c.run(&["deploy", &name]).code(1);
    assert!(inspect(&old_id).is_none(), "compose removed the old container");
    let (now_id, _) = state_of(&c.t, &name);
    assert!(
        inspect(&now_id).is_some(),
        "the state names a container that exists, not the removed one:\n{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("replaced"),
        "the error says compose replaced it:\n{}",
        run.stderr
    );
}

#[test]
fn a_first_deploy_of_a_crash_looping_app_fails_and_routes_nothing() {
    let mut c = Case::new("rd-first-loop");
    let name = c.name("rd-fl");
    // No blue to fall back to: the container is watched before it counts.
    c.add(&name, "image", crash_looping());
    let run = c.run(&["deploy", &name]).code(1);
    assert!(
        run.stderr.contains("restarted") || run.stderr.contains("exited"),
        "the failure says it crashed:\n{}",
        run.stderr
    );
    assert!(workload_containers(&name).is_empty(), "the failed container is removed");
    assert!(common::docker::state_row(&c.t, &name).is_none(), "nothing is recorded");
}

#[test]
fn a_port_that_closes_again_after_the_gate_is_rolled_back_during_the_drain() {
    let mut c = Case::new("rd-port-close");
    let (name, blue, state) = with_blue(&mut c, "rd-pc");
    // Listens (no health check: the port is the proof), then closes it and
    // keeps running.
    let mut config = scripted("httpd -p 8080 -h /www; sleep 1; killall httpd; exec sleep 1000");
    config["liveness_window_ms"] = json!(500);
    // A fixed 3 s drain: the watch window outlasts the port's closing (an
    // idle drain could end before it).
    config["drain_ms"] = json!(3000);
    config["drain_until_idle"] = json!(false);
    c.set(&name, config);
    let run = c.run(&["deploy", &name]).code(1);
    assert!(
        run.stderr.contains("stopped accepting connections"),
        "the failure names the closed port:\n{}",
        run.stderr
    );
    blue_kept(&c, &name, &blue, &state);
    assert_rolled_back_event(&c, &name);
}

#[test]
fn validate_warns_when_the_images_health_interval_exceeds_the_gate_deadline() {
    let mut c = Case::new("rd-val-interval");
    let tag = format!("berth-test/health60:{}", common::docker::random_suffix());
    let dir = c.t.write(
        "health60/Dockerfile",
        "FROM berth-test/app:v1\nHEALTHCHECK --interval=60s CMD [\"test\", \"-f\", \"/www/healthz\"]\n",
    );
    let out = std::process::Command::new("docker")
        .args(["build", "-q", "--label", "berth-test=1", "-t", &tag])
        .arg(dir.parent().expect("the Dockerfile's folder"))
        .env("DOCKER_BUILDKIT", "0")
        .output()
        .expect("run docker build");
    assert!(
        out.status.success(),
        "docker build: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    c.tags.push(tag.clone());
    let name = c.name("rd-vi");
    c.add(
        &name,
        "image",
        json!({ "image": tag, "pull": "missing", "healthcheck": { "mode": "docker", "deadline_ms": 3000 } }),
    );
    let run = c.run(&["validate", &name]).success();
    assert!(
        run.stderr.contains("60000 ms") && run.stderr.contains("3000 ms"),
        "validate warns that the 60 s interval exceeds the 3 s deadline:\n{}",
        run.stderr
    );
    // The issue's own case: no `healthcheck`, so the default 60 s deadline,
    // as long as the interval: Docker's first probe races the deadline.
    let plain = c.name("rd-vi-default");
    c.add(&plain, "image", json!({ "image": tag, "pull": "missing" }));
    let run = c.run(&["validate", &plain]).success();
    assert!(
        run.stderr.contains("every 60000 ms") && run.stderr.contains("60000 ms deadline"),
        "validate warns that the 60 s interval is no shorter than the default 60 s deadline:\n{}",
        run.stderr
    );
    // `mode: docker` on an image without a check: the gate could never pass.
    let unchecked = c.name("rd-vi-none");
    c.add(
        &unchecked,
        "image",
        json!({ "image": "berth-test/app:v1", "pull": "missing", "healthcheck": { "mode": "docker" } }),
    );
    let run = c.run(&["validate", &unchecked]).success();
    assert!(
        run.stderr.contains("has no HEALTHCHECK"),
        "validate warns that the image has no check for mode docker:\n{}",
        run.stderr
    );
}

#[test]
fn with_the_default_drain_a_crash_looping_green_is_still_rolled_back() {
    let mut c = Case::new("rd-loop-default");
    let (name, blue, state) = with_blue(&mut c, "rd-lpd");
    // Issue 12's first case as a user writes it: no drain settings, so the
    // drain ends when blue is idle; green's watch still outlasts its crash.
    let mut config = scripted("httpd -p 8080 -h /www; sleep 1; exit 1");
    config["healthcheck"] = json!({ "path": "/healthz" });
    if let Some(obj) = config.as_object_mut() {
        obj.remove("drain_ms");
    }
    c.set(&name, config);
    let run = c.run(&["deploy", &name]).code(1);
    assert!(run.stderr.contains("rolled back"), "{}", run.stderr);
    // A green between two restarts has no process whose connections could
    // be read: it is removed without a drain (and without a warning).
    assert!(!unseen_green(&run.stderr), "{}", run.stderr);
    blue_kept(&c, &name, &blue, &state);
    assert_rolled_back_event(&c, &name);
}

/// An app that answers its probes and dies 4 s after it started passes the
/// default 2 s watch; `watch_ms` lengthens the watch (blue stays up that
/// long) and the deploy rolls back.
#[test]
fn watch_ms_keeps_blue_until_a_late_crash_is_seen() {
    let mut c = Case::new("rd-watch");
    let (name, blue, state) = with_blue(&mut c, "rd-watch");
    let mut config = scripted("httpd -p 8080 -h /www; sleep 4; exit 1");
    config["healthcheck"] = json!({ "path": "/healthz", "interval_ms": 100, "deadline_ms": 5000 });
    config["watch_ms"] = json!(6000);
    c.set(&name, config);
    let run = c.run(&["deploy", &name]).code(1);
    // Seen as a restart or as a failed probe, whichever comes first.
    assert!(
        run.stderr.contains("rolled back") && run.stderr.contains("during the drain"),
        "the crash 4 s after the start is seen within the 6 s watch:\n{}",
        run.stderr
    );
    assert!(
        !unseen_green(&run.stderr),
        "a green whose process died is not drained:\n{}",
        run.stderr
    );
    blue_kept(&c, &name, &blue, &state);
    assert_rolled_back_event(&c, &name);
}
