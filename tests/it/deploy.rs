//! Deploys against the real Docker daemon (DESIGN §3-§4), driven through the
//! real `berth` binary.
//!
//! Needs a daemon on /var/run/docker.sock (`scripts/ensure-docker.sh`), the
//! local test images (`scripts/test-images.sh`: berth-test/app:v1|v2|v3|env|
//! bad|crash) and, for the pull tests, the local registry (BERTH_TEST_REGISTRY,
//! or `scripts/test-registry.sh start`, which these tests run themselves).
//!
//! Crash safety is observed with fault points: `BERTH_FAULT_POINT=<name>`
//! makes berth abort right there, and the test looks at the daemon and the
//! store at that precise moment.
//!
//! Every test uses unique workload names and labels everything it creates
//! with `berth-test-case=<id>`; a guard removes it all at the end, pass or
//! fail. The tests share one daemon and run one at a time (`LOCK`). The
//! shared helpers live in `tests/it/common/docker.rs`.

use crate::common;

use std::path::Path;
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::Duration;

use berth::deploy::faults::FaultPoint;
use common::docker::{
    Case, TEST_LABEL, assert_serves, docker, docker_output, http_get, image_present, inspect, is_green_name,
    last_deploy, last_event, must_inspect, only_container, registry, state_of, store_id, workload_containers,
};
use serde_json::{Value, json};

/// A Docker timestamp (RFC 3339, trailing zeros of the fraction trimmed, so
/// strings do not compare as times).
#[track_caller]
fn docker_time(ts: &str) -> time::OffsetDateTime {
    time::OffsetDateTime::parse(ts, &time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|e| panic!("bad Docker timestamp {ts:?}: {e}"))
}

// ---- configs ------------------------------------------------------------------

fn healthcheck() -> Value {
    json!({ "path": "/healthz", "interval_ms": 200, "deadline_ms": 4000 })
}

fn image_config(image: &str) -> Value {
    json!({
        "image": image,
        "pull": "missing",
        "port": 8080,
        "healthcheck": healthcheck(),
        "drain_ms": 100,
        "stop_timeout_s": 2,
    })
}

fn dockerfile_config(context: &Path) -> Value {
    json!({
        "context": context.to_str().expect("utf-8 temp path"),
        "port": 8080,
        "healthcheck": healthcheck(),
        "drain_ms": 100,
        "stop_timeout_s": 2,
    })
}

// ---- 1. image blue-green ------------------------------------------------------------

#[test]
fn image_blue_green_v1_to_v2_swaps_with_one_container_left() {
    let mut c = Case::new("bg-swap");
    let name = c.name("bg-v1v2");
    c.add(&name, "image", image_config("berth-test/app:v1"));
    c.run(&["deploy", &name]).success();
    let blue = only_container(&name);
    assert!(blue.running, "blue should run: {blue:?}");
    assert!(
        is_green_name(&name, &blue.name),
        "a blue-green container is named <workload>-<6 [a-z0-9]>: {}",
        blue.name
    );
    assert_serves(&blue, "v1");
    assert_eq!(state_of(&c.t, &name), (blue.id.clone(), blue.name.clone()));

    c.set(&name, image_config("berth-test/app:v2"));
    let run = c.run(&["--output", "json", "deploy", &name]).success();
    let result = run.json();

    let green = only_container(&name);
    assert!(green.running, "green should run: {green:?}");
    assert!(
        is_green_name(&name, &green.name),
        "green is named <workload>-<6 [a-z0-9]>: {}",
        green.name
    );
    assert_ne!(green.name, blue.name, "green needs a name of its own");
    assert_ne!(green.id, blue.id);
    assert!(inspect(&blue.id).is_none(), "blue should be removed");
    assert_serves(&green, "v2");
    assert_eq!(state_of(&c.t, &name), (green.id.clone(), green.name.clone()));

    // The result object of DESIGN §8.
    let (deploy_id, status) = last_deploy(&c.t, &name);
    assert_eq!(status, "succeeded");
    assert_eq!(result["workload"], json!(name), "{result}");
    assert_eq!(result["deploy_id"], json!(deploy_id), "{result}");
    assert_eq!(result["strategy"], "blue-green", "{result}");
    assert_eq!(result["strategy_forced"], false, "{result}");
    assert_eq!(result["container"], json!(green.name), "{result}");
    assert_eq!(result["image"], "berth-test/app:v2", "{result}");
    assert_eq!(result["status"], "succeeded", "{result}");
    assert!(result["duration_ms"].is_u64(), "{result}");
    let phases = result["phases"].as_array().expect("phases array");
    for phase in phases {
        assert!(phase["name"].is_string(), "{phase}");
        assert!(phase["duration_ms"].is_u64(), "{phase}");
    }
    let names: Vec<&str> = phases.iter().filter_map(|p| p["name"].as_str()).collect();
    for want in ["prepare", "start", "gate", "persist", "drain", "reap"] {
        assert!(names.contains(&want), "phase {want} missing: {names:?}");
    }
    let (action, severity) = last_event(&c.t, &name);
    assert_eq!((action.as_str(), severity.as_str()), ("deploy.succeeded", "info"));
}

// ---- 2. blue serves throughout green's gate --------------------------------------------

/// Requests `ip:8080/` every ~20 ms until stopped; returns what each
/// answered. The first request is made before this returns and the last
/// one after `stop` is set, so the answers span whatever ran in between.
fn hammer(ip: String, stop: Arc<AtomicBool>) -> thread::JoinHandle<Vec<Result<(u16, String), String>>> {
    let first = http_get(&ip, "/");
    thread::spawn(move || {
        let mut answers = vec![first];
        loop {
            let last = stop.load(Ordering::SeqCst);
            answers.push(http_get(&ip, "/"));
            if last {
                return answers;
            }
            thread::sleep(Duration::from_millis(20));
        }
    })
}

#[test]
fn blue_keeps_serving_throughout_greens_gate() {
    let mut c = Case::new("bg-gate");
    let name = c.name("bg-serve");
    c.add(&name, "image", image_config("berth-test/app:v1"));
    c.run(&["deploy", &name]).success();
    let blue = only_container(&name);
    let blue_ip = blue.ip.clone().expect("blue has an IP");
    let state_before = state_of(&c.t, &name);

    c.set(&name, image_config("berth-test/app:v2"));
    let stop = Arc::new(AtomicBool::new(false));
    let requests = hammer(blue_ip, Arc::clone(&stop));
    c.run_until(FaultPoint::AfterGate, &["deploy", &name]);
    stop.store(true, Ordering::SeqCst);
    let answers = requests.join().expect("request thread");

    assert!(
        answers.len() >= 5,
        "too few requests to blue to prove anything: {answers:?}"
    );
    let bad: Vec<_> = answers
        .iter()
        .filter(|a| !matches!(a, Ok((200, body)) if body == "v1"))
        .collect();
    assert!(
        bad.is_empty(),
        "blue must answer 200 v1 throughout green's gate; {} of {} did not: {bad:?}",
        bad.len(),
        answers.len()
    );

    // The moment after the gate: blue untouched, green up beside it.
    let blue_now = must_inspect(&blue.id);
    assert!(blue_now.running, "blue should still run");
    assert_eq!(blue_now.name, blue.name);
    let all = workload_containers(&name);
    assert_eq!(all.len(), 2, "blue and green: {all:?}");
    let green = all.iter().find(|x| x.id != blue.id).expect("green exists").clone();
    assert!(green.running, "green passed its gate and runs: {green:?}");
    assert!(is_green_name(&name, &green.name), "{}", green.name);
    assert_eq!(state_of(&c.t, &name), state_before, "state still names blue");

    // Reconcile removes the abandoned green and leaves blue.
    let run = c.run(&["reconcile", &name]).success();
    assert!(run.stdout.contains(&green.name), "{}", run.stdout);
    let left = only_container(&name);
    assert_eq!(left.id, blue.id);
    assert!(left.running);
    assert_serves(&left, "v1");
    assert!(inspect(&green.id).is_none(), "green should be removed");
    assert_eq!(state_of(&c.t, &name), state_before, "state unchanged");
    let (_, status) = last_deploy(&c.t, &name);
    assert_eq!(status, "abandoned", "the crashed deploy is marked abandoned");
}

// ---- 3. state names green before blue goes --------------------------------------------

#[test]
fn state_names_green_before_blue_is_removed() {
    let mut c = Case::new("bg-persist");
    let name = c.name("bg-state");
    c.add(&name, "image", image_config("berth-test/app:v1"));
    c.run(&["deploy", &name]).success();
    let blue = only_container(&name);

    c.set(&name, image_config("berth-test/app:v2"));
    c.run_until(FaultPoint::AfterStatePersist, &["deploy", &name]);
    let all = workload_containers(&name);
    assert_eq!(all.len(), 2, "blue and green: {all:?}");
    let green = all.iter().find(|x| x.id != blue.id).expect("green exists").clone();
    assert_eq!(
        state_of(&c.t, &name),
        (green.id.clone(), green.name.clone()),
        "the state names green before blue is touched"
    );
    let blue_now = must_inspect(&blue.id);
    assert!(blue_now.running, "blue is not touched before the persist");
    assert!(green.running);

    // The next deploy's reconcile reaps blue; the deploy itself ends with one.
    c.run(&["deploy", &name]).success();
    let left = only_container(&name);
    assert!(left.running);
    assert_serves(&left, "v2");
    assert_eq!(state_of(&c.t, &name), (left.id.clone(), left.name.clone()));
    assert!(inspect(&blue.id).is_none(), "blue is gone");
    assert!(inspect(&green.id).is_none(), "the interrupted green is replaced");
}

// ---- 4. gate failures ---------------------------------------------------------------

#[test]
fn gate_failure_keeps_blue_and_state() {
    let mut c = Case::new("bg-gatefail");
    for (tag, why) in [("bad", &["500"][..]), ("crash", &["exit", "code 1"][..])] {
        let name = c.name(&format!("bg-{tag}"));
        let mut config = image_config("berth-test/app:v1");
        config["healthcheck"]["deadline_ms"] = json!(3000);
        c.add(&name, "image", config.clone());
        c.run(&["deploy", &name]).success();
        let blue = only_container(&name);
        let state_before = state_of(&c.t, &name);

        config["image"] = json!(format!("berth-test/app:{tag}"));
        c.set(&name, config);
        let run = c.run(&["deploy", &name]).code(1);
        for word in why {
            assert!(
                run.stderr.contains(word),
                "{tag}: stderr should say why ({word}):\n{}",
                run.stderr
            );
        }
        if tag == "crash" {
            assert!(
                run.stderr.contains("exiting with status 1"),
                "the failed container's last log lines go to stderr:\n{}",
                run.stderr
            );
        }
        let left = only_container(&name);
        assert_eq!(left.id, blue.id, "{tag}: green is removed, blue stays");
        assert!(left.running, "{tag}: blue still runs");
        assert_serves(&left, "v1");
        assert_eq!(state_of(&c.t, &name), state_before, "{tag}: state unchanged");
        let (action, severity) = last_event(&c.t, &name);
        assert_eq!(
            (action.as_str(), severity.as_str()),
            ("deploy.failed", "error"),
            "{tag}"
        );
        let (_, status) = last_deploy(&c.t, &name);
        assert_eq!(status, "failed", "{tag}");
    }
}

// ---- 5-7. dockerfile workloads ----------------------------------------------------------

#[test]
fn dockerfile_recreate_stops_old_before_starting_new_and_removes_it_after_persist() {
    let mut c = Case::new("df-recreate");
    let name = c.name("df-rc");
    let ctx = c.context("berth-test/app:v1", "build-1");
    c.add(&name, "dockerfile", dockerfile_config(&ctx));
    let result = c.run(&["--output", "json", "deploy", &name]).success().json();
    assert_eq!(result["strategy"], "recreate", "the dockerfile default: {result}");
    let old = only_container(&name);
    assert_eq!(old.name, name, "recreate uses the stable name");
    assert!(old.running);
    assert_serves(&old, "build-1");
    let state_before = state_of(&c.t, &name);
    assert_eq!(state_before, (old.id.clone(), old.name.clone()));

    // Stopped before anything new starts.
    c.context("berth-test/app:v1", "build-2");
    c.run_until(FaultPoint::AfterBlueStop, &["deploy", &name]);
    let parked = only_container(&name);
    assert_eq!(parked.id, old.id, "no new container before the old one stopped");
    assert!(!parked.running, "the old container is stopped: {parked:?}");
    assert_eq!(state_of(&c.t, &name), state_before);

    // Reconcile starts the state's container again, under its name.
    c.run(&["reconcile", &name]).success();
    let back = only_container(&name);
    assert_eq!(back.id, old.id);
    assert!(back.running, "reconcile starts the old container again");
    assert_eq!(back.name, name, "and gives it its name back");
    assert_serves(&back, "build-1");

    // The state names the new container before the old one is removed.
    c.run_until(FaultPoint::AfterStatePersist, &["deploy", &name]);
    let all = workload_containers(&name);
    assert_eq!(all.len(), 2, "old and new: {all:?}");
    let new = all.iter().find(|x| x.id != old.id).expect("the new container").clone();
    assert_eq!(new.name, name, "the new container takes the stable name");
    assert!(new.running);
    assert_serves(&new, "build-2");
    assert_eq!(state_of(&c.t, &name), (new.id.clone(), new.name.clone()));
    let old_now = must_inspect(&old.id);
    assert!(!old_now.running, "the old container is stopped, not yet removed");
    assert!(
        docker_time(&old_now.finished_at) <= docker_time(&new.started_at),
        "old stopped ({}) before new started ({})",
        old_now.finished_at,
        new.started_at
    );

    // A normal deploy ends with exactly one container.
    c.context("berth-test/app:v1", "build-3");
    c.run(&["deploy", &name]).success();
    let last = only_container(&name);
    assert_eq!(last.name, name);
    assert!(last.running);
    assert_serves(&last, "build-3");
    assert_eq!(state_of(&c.t, &name), (last.id.clone(), last.name.clone()));
}

#[test]
fn recreate_whose_new_container_fails_the_gate_brings_the_old_one_back() {
    let mut c = Case::new("df-gatefail");
    let name = c.name("df-back");
    let ctx = c.context("berth-test/app:v1", "build-1");
    let mut config = dockerfile_config(&ctx);
    config["healthcheck"]["deadline_ms"] = json!(3000);
    c.add(&name, "dockerfile", config);
    c.run(&["deploy", &name]).success();
    let old = only_container(&name);
    let state_before = state_of(&c.t, &name);

    c.context("berth-test/app:bad", "build-2");
    let run = c.run(&["deploy", &name]).code(1);
    assert!(run.stderr.contains("500"), "stderr says why:\n{}", run.stderr);
    let back = only_container(&name);
    assert_eq!(back.id, old.id, "the failed new container is removed");
    assert_eq!(back.name, name, "the old container has its name back");
    assert!(back.running, "the old container runs again");
    assert_serves(&back, "build-1");
    assert_eq!(state_of(&c.t, &name), state_before, "state unchanged");
    let (action, severity) = last_event(&c.t, &name);
    assert_eq!((action.as_str(), severity.as_str()), ("deploy.failed", "error"));
}

#[test]
fn dockerfile_blue_green_keeps_blue_until_green_passed_the_gate() {
    let mut c = Case::new("df-bg");
    let name = c.name("df-bg");
    let ctx = c.context("berth-test/app:v1", "build-1");
    let mut config = dockerfile_config(&ctx);
    config["deploy_strategy"] = json!("blue-green");
    c.add(&name, "dockerfile", config);
    let result = c.run(&["--output", "json", "deploy", &name]).success().json();
    assert_eq!(result["strategy"], "blue-green", "{result}");
    let blue = only_container(&name);
    assert!(is_green_name(&name, &blue.name), "{}", blue.name);
    let state_before = state_of(&c.t, &name);

    c.context("berth-test/app:v1", "build-2");
    c.run_until(FaultPoint::AfterGreenStart, &["deploy", &name]);
    let blue_now = must_inspect(&blue.id);
    assert!(blue_now.running, "blue runs while green is not yet gated");
    assert_serves(&blue_now, "build-1");
    let all = workload_containers(&name);
    assert_eq!(all.len(), 2, "blue and green: {all:?}");
    let green = all.iter().find(|x| x.id != blue.id).expect("green exists").clone();
    assert!(is_green_name(&name, &green.name), "{}", green.name);
    assert_ne!(green.name, blue.name);
    assert_eq!(state_of(&c.t, &name), state_before);

    c.run(&["reconcile", &name]).success();
    let left = only_container(&name);
    assert_eq!(left.id, blue.id, "reconcile removes green, keeps blue");
    assert!(left.running);
    assert_serves(&left, "build-1");
    assert_eq!(state_of(&c.t, &name), state_before);
}

// ---- 8. image + explicit recreate, pulled from the local registry ------------------------

#[test]
fn image_explicit_recreate_stops_old_after_pull_before_new_starts() {
    let mut c = Case::new("img-recreate");
    let reg = registry();
    let name = c.name("img-rc");
    let v1 = format!("{reg}/berth-test/app:v1");
    let v2 = format!("{reg}/berth-test/app:v2");
    let config = |image: &str| {
        let mut config = image_config(image);
        config["pull"] = json!("always");
        config["deploy_strategy"] = json!("recreate");
        config
    };
    c.add(&name, "image", config(&v1));
    let result = c.run(&["--output", "json", "deploy", &name]).success().json();
    assert_eq!(result["strategy"], "recreate", "{result}");
    assert_eq!(result["image"], json!(v1), "{result}");
    let old = only_container(&name);
    assert_eq!(old.name, name);
    assert_serves(&old, "v1");
    let state_before = state_of(&c.t, &name);

    c.set(&name, config(&v2));
    // The pull must really happen: the tag is not here.
    let _ = docker_output(&["rmi", &v2]);
    assert!(!image_present(&v2), "{v2} should be gone locally");
    c.run_until(FaultPoint::AfterPrepare, &["deploy", &name]);
    assert!(image_present(&v2), "prepare pulled {v2}");
    let still = only_container(&name);
    assert_eq!(still.id, old.id);
    assert!(still.running, "nothing is stopped before the pull is done");

    let _ = docker_output(&["rmi", &v2]);
    assert!(!image_present(&v2), "{v2} should be gone locally");
    c.run_until(FaultPoint::AfterBlueStop, &["deploy", &name]);
    assert!(image_present(&v2), "the pull happened before the stop");
    let parked = only_container(&name);
    assert_eq!(parked.id, old.id, "no new container exists yet");
    assert!(!parked.running, "the old container is stopped after the pull");
    assert_eq!(state_of(&c.t, &name), state_before);

    // The next deploy repairs and completes.
    c.run(&["deploy", &name]).success();
    let new = only_container(&name);
    assert_ne!(new.id, old.id);
    assert_eq!(new.name, name);
    assert!(new.running);
    assert_serves(&new, "v2");
    assert_eq!(state_of(&c.t, &name), (new.id.clone(), new.name.clone()));
}

// ---- 9. reconcile ----------------------------------------------------------------------

#[test]
fn reconcile_removes_a_planted_orphan_and_nothing_else() {
    let mut c = Case::new("reconcile");
    let name = c.name("rc-orphan");
    let other = c.name("rc-other");
    c.add(&name, "image", image_config("berth-test/app:v1"));
    c.run(&["deploy", &name]).success();
    let live = only_container(&name);
    let state_before = state_of(&c.t, &name);

    let test_label = format!("{TEST_LABEL}={}", c.id);
    let plant = |container: &str, labels: &[String]| -> String {
        let mut args = vec!["run", "-d", "--name", container];
        for l in labels {
            args.push("--label");
            args.push(l);
        }
        args.push("berth-test/app:v1");
        docker(&args)
    };
    let orphan_name = format!("{name}-orphan");
    // This store's orphan: another store's container is never reconcile's
    // to remove (tests/it/stores.rs).
    let orphan = plant(
        &orphan_name,
        &[
            format!("berth.workload={name}"),
            "berth.managed=true".to_owned(),
            format!("berth.store={}", store_id(&c.t)),
            test_label.clone(),
        ],
    );
    let bystander = plant(&format!("{name}-bystander"), std::slice::from_ref(&test_label));
    let neighbour = plant(
        &format!("{other}-neighbour"),
        &[
            format!("berth.workload={other}"),
            "berth.managed=true".to_owned(),
            test_label.clone(),
        ],
    );

    let report = c.run(&["--output", "json", "reconcile", &name]).success().json();
    let removed = &report["workloads"][0]["removed"];
    assert_eq!(removed, &json!([orphan_name]), "{report}");
    assert_eq!(report["workloads"][0]["workload"], json!(name), "{report}");

    assert!(inspect(&orphan).is_none(), "the orphan is removed");
    assert!(must_inspect(&bystander).running, "unlabelled: left alone");
    assert!(
        must_inspect(&neighbour).running,
        "another workload's container: left alone"
    );
    let left = only_container(&name);
    assert_eq!(left.id, live.id, "the live container stays");
    assert!(left.running);
    assert_eq!(state_of(&c.t, &name), state_before);

    // Nothing left to do.
    let again = c.run(&["--output", "json", "reconcile", &name]).success().json();
    assert_eq!(again["workloads"][0]["removed"], json!([]), "{again}");
}

// ---- 10. the deploy lock ------------------------------------------------------------------

#[test]
fn concurrent_deploys_of_one_workload_one_wins_the_other_exits_5() {
    let mut c = Case::new("lock");
    let name = c.name("lock");
    let mut config = image_config("berth-test/app:v1");
    // Long enough that the second deploy surely finds the first one's lock.
    config["drain_ms"] = json!(1500);
    c.add(&name, "image", config.clone());
    c.run(&["deploy", &name]).success();

    config["image"] = json!("berth-test/app:v2");
    c.set(&name, config.clone());
    let spawn = |args: &[&str]| {
        c.t.command(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn berth")
    };
    let a = spawn(&["deploy", &name]);
    let b = spawn(&["deploy", &name]);
    let pids = [a.id(), b.id()];
    let outs = [
        a.wait_with_output().expect("wait berth"),
        b.wait_with_output().expect("wait berth"),
    ];
    let codes: Vec<Option<i32>> = outs.iter().map(|o| o.status.code()).collect();
    let describe = || {
        outs.iter()
            .map(|o| {
                format!(
                    "exit {:?}\nstderr:\n{}",
                    o.status.code(),
                    String::from_utf8_lossy(&o.stderr)
                )
            })
            .collect::<Vec<_>>()
            .join("\n---\n")
    };
    let winner = codes
        .iter()
        .position(|code| *code == Some(0))
        .unwrap_or_else(|| panic!("one deploy should win:\n{}", describe()));
    let loser = 1 - winner;
    assert_eq!(codes[loser], Some(5), "the other exits 5:\n{}", describe());
    let loser_err = String::from_utf8_lossy(&outs[loser].stderr);
    assert!(
        loser_err.contains(&format!("pid {}", pids[winner])),
        "the loser names the holder (pid {}):\n{loser_err}",
        pids[winner]
    );
    let live = only_container(&name);
    assert!(live.running);
    assert_serves(&live, "v2");

    // With --wait the second queues behind the first: both succeed.
    config["image"] = json!("berth-test/app:v3");
    c.set(&name, config);
    let a = spawn(&["deploy", "--wait", &name]);
    let b = spawn(&["deploy", "--wait", &name]);
    let outs = [
        a.wait_with_output().expect("wait berth"),
        b.wait_with_output().expect("wait berth"),
    ];
    for o in &outs {
        assert_eq!(
            o.status.code(),
            Some(0),
            "both --wait deploys succeed:\n{}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    let live = only_container(&name);
    assert!(live.running);
    assert_serves(&live, "v3");
    assert_eq!(state_of(&c.t, &name), (live.id.clone(), live.name.clone()));
}

// ---- 11. no tag means :latest ----------------------------------------------------------------

#[test]
fn pull_of_an_untagged_reference_means_latest() {
    let mut c = Case::new("latest");
    let reg = registry();
    let name = c.name("latest");
    // A repository of this test's own: `latest` is v1, another tag is v2.
    let repo = format!("{reg}/berth-test/{}", c.id);
    let latest = format!("{repo}:latest");
    let other = format!("{repo}:v2");
    c.tags.push(latest.clone());
    c.tags.push(other.clone());
    docker(&["tag", "berth-test/app:v1", &latest]);
    docker(&["tag", "berth-test/app:v2", &other]);
    docker(&["push", &latest]);
    docker(&["push", &other]);
    docker(&["rmi", &latest]);
    docker(&["rmi", &other]);
    assert!(!image_present(&latest) && !image_present(&other));

    let mut config = image_config(&repo);
    config["pull"] = json!("always");
    c.add(&name, "image", config);
    let result = c.run(&["--output", "json", "deploy", &name]).success().json();
    assert_eq!(result["image"], json!(latest), "{result}");
    assert!(image_present(&latest), "{latest} was pulled");
    assert!(
        !image_present(&other),
        "no tag means :latest, never all tags: {other} was pulled too"
    );
    let live = only_container(&name);
    assert_serves(&live, "v1");
}

/// A locally built image with the default `pull: always` and a registry
/// that does not answer: the deploy fails before any container starts and
/// says how to deploy the local image.
#[test]
fn a_failed_pull_of_an_image_the_daemon_has_says_how_to_deploy_it_without_pulling() {
    let mut c = Case::new("pull-hint");
    let name = c.name("pull-hint");
    let port = common::receiver::closed_port();
    let tag = format!("127.0.0.1:{port}/berth-test/{}:v1", c.id);
    c.tags.push(tag.clone());
    docker(&["tag", "berth-test/app:v1", &tag]);
    let mut config = image_config(&tag);
    config["pull"] = json!("always");
    c.add(&name, "image", config);
    let run = c.run(&["deploy", &name]).code(1);
    assert!(
        run.stderr.contains(&format!("`{tag}` is present on the daemon"))
            && run.stderr.contains(r#""pull": "missing""#),
        "{}",
        run.stderr
    );
    assert!(workload_containers(&name).is_empty(), "nothing started");
    assert!(image_present(&tag), "the local image is kept");
}

// ---- 12. a recreate that died mid-way, repaired by reconcile -----------------------------------

#[test]
fn reconcile_after_a_recreate_crash_gives_the_old_container_its_name_back() {
    let mut c = Case::new("rc-crash");
    for point in [FaultPoint::AfterNewCreate, FaultPoint::AfterGate] {
        let name = c.name("rc-crash");
        let mut config = image_config("berth-test/app:v1");
        config["deploy_strategy"] = json!("recreate");
        c.add(&name, "image", config.clone());
        c.run(&["deploy", &name]).success();
        let old = only_container(&name);
        assert_eq!(old.name, name);
        let state_before = state_of(&c.t, &name);

        config["image"] = json!("berth-test/app:v2");
        c.set(&name, config);
        c.run_until(point, &["deploy", &name]);
        let all = workload_containers(&name);
        assert_eq!(all.len(), 2, "{point}: old (parked) and new: {all:?}");
        let new = all.iter().find(|x| x.id != old.id).expect("the new container").clone();
        assert_eq!(new.name, name, "{point}: the new one holds the stable name");
        assert!(!must_inspect(&old.id).running, "{point}: old is stopped");
        assert_eq!(state_of(&c.t, &name), state_before, "{point}");

        // Reconcile: the new container goes, the old one runs again under
        // the name the state row (and `berth status`) shows for it.
        c.run(&["reconcile", &name]).success();
        let back = only_container(&name);
        assert_eq!(back.id, old.id, "{point}: the new container is removed");
        assert!(back.running, "{point}: the old container runs again");
        assert_serves(&back, "v1");
        assert_eq!(state_of(&c.t, &name), state_before, "{point}");
        assert_eq!(
            back.name, name,
            "{point}: after reconcile the live container should have its name back (the state row calls it \
             `{name}`)"
        );
    }
}
