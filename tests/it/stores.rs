//! Many stores, one daemon (issue 18): a CI runner with a fresh store per
//! job, a laptop and the host all deploy the same workload to one Docker
//! daemon. The real `berth` binary, the real daemon, and for the routed
//! cases the fake NPM's real nginx data plane, traffic sent with
//! `Host: <domain>` the way a client sees a swap.
//!
//!   cargo test --test it -- stores:: --test-threads=1
//!   cargo test --release --test it stores::ci_style_loop -- --nocapture   (the BENCHMARKS.md figures)

use crate::common;

use std::process::{Child, Stdio};
use std::time::Duration;

use common::TestContext;
use common::docker::{Case, TEST_LABEL, inspect, state_row, store_id, workload_containers};
use common::fake_npm::{FakeNpm, assert_through_nginx, new_domain, routed};
use common::load::{Load, TEST_LOAD};
use common::wait_until;
use serde_json::{Value, json};

// ---- set-up ---------------------------------------------------------------------

/// Another store on the same daemon (and the same NPM, when given): its own
/// directory and database, as a CI job or a second machine has.
fn another_store(npm: Option<&FakeNpm>) -> TestContext {
    let mut t = TestContext::new();
    if let Some(npm) = npm {
        for (k, v) in npm.berth_env() {
            t.env(&k, &v);
        }
        t.env("BERTH_NPM_FORWARD_BY", "ip");
    }
    t
}

/// Adds `name` to store `t` with the case's label (cleaned up with the case).
fn add_to(c: &Case, t: &TestContext, name: &str, mut config: Value) {
    config["labels"] = json!({ TEST_LABEL: c.id });
    t.add(name, "image", &config).success();
}

/// An unrouted image workload gated on /healthz.
fn plain(image: &str) -> Value {
    json!({
        "image": image,
        "pull": "missing",
        "port": 8080,
        "healthcheck": { "path": "/healthz", "interval_ms": 100, "deadline_ms": 5000 },
        "drain_ms": 100,
        "stop_timeout_s": 2,
    })
}

/// An unrouted workload whose deploy holds its locks for about `window_ms`:
/// no healthcheck, so the gate is the liveness window.
fn slow(image: &str, window_ms: u64) -> Value {
    json!({
        "image": image,
        "pull": "missing",
        "liveness_window_ms": window_ms,
        "drain_ms": 0,
        "stop_timeout_s": 2,
    })
}

/// The workload's running containers, by name.
fn running(workload: &str) -> Vec<String> {
    workload_containers(workload)
        .into_iter()
        .filter(|c| c.running)
        .map(|c| c.name)
        .collect()
}

fn label_of(container: &str, label: &str) -> String {
    common::docker::docker(&[
        "inspect",
        "-f",
        &format!("{{{{index .Config.Labels \"{label}\"}}}}"),
        container,
    ])
    .trim()
    .to_owned()
}

const LOCK_WORKLOAD_LABEL: &str = "berth.lock.workload";

fn lock_name(workload: &str) -> String {
    format!("berth-lock.{workload}")
}

/// Starts `berth deploy` in the background.
fn spawn_deploy(t: &TestContext, args: &[&str]) -> Child {
    t.command(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn berth deploy")
}

/// Waits (10 s at most) until the daemon-wide lock of `workload` is held.
#[track_caller]
fn wait_for_lock(workload: &str) {
    assert!(
        wait_until(Duration::from_secs(10), || inspect(&lock_name(workload)).is_some()),
        "the deploy never took the daemon lock `{}`",
        lock_name(workload)
    );
}

/// The `status --output json` row of `workload` in store `t`.
fn status_row(t: &TestContext, workload: &str) -> Value {
    let status = t.run(&["--output", "json", "status", workload]).success().json();
    status["workloads"][0].clone()
}

/// The `deploy.adopted` event of `workload` in store `t`.
#[track_caller]
fn adopted_event(t: &TestContext, workload: &str) -> Value {
    let events = t.run(&["--output", "json", "events", workload]).success().json();
    events["events"]
        .as_array()
        .and_then(|e| e.iter().find(|e| e["action"] == "deploy.adopted"))
        .unwrap_or_else(|| panic!("no deploy.adopted event: {events}"))
        .clone()
}

// ---- zero downtime ----------------------------------------------------------------

#[test]
fn a_second_store_adopts_the_live_container_and_drops_no_request() {
    let mut c = Case::new("st-adopt");
    let npm = FakeNpm::start_blocking();
    for (k, v) in npm.berth_env() {
        c.t.env(&k, &v);
    }
    c.t.env("BERTH_NPM_FORWARD_BY", "ip");
    let name = c.name("st-ad");
    let domain = new_domain("adopt");
    c.add(&name, "image", routed("berth-test/app:v1", &[&domain], 1500));
    c.run(&["deploy", &name]).success();
    common::proxies::assert_settled(npm.data_port(), &domain, "v1\n");
    let hosts_before = npm.hosts().len();

    // Store B: empty, as a CI job's; its config carries a secret env value.
    let b = another_store(Some(&npm));
    let mut config = routed("berth-test/app:v2", &[&domain], 1500);
    config["env"] = json!({ "API_TOKEN": "s3cr3t-never-in-events" });
    add_to(&c, &b, &name, config);

    let load = Load::start(npm.data_port(), &domain, TEST_LOAD);
    assert!(load.wait_for(50), "the load never got going");
    let result = b.run(&["--output", "json", "deploy", &name]).success().json();
    let flowing = load.wait_for(50);
    let stats = load.finish();
    eprintln!("second store through nginx: {}", stats.summary());
    assert!(flowing, "requests hung after the swap: {}", stats.summary());
    assert!(!stats.bounded_out, "{}", stats.summary());
    assert_eq!(
        stats.failed, 0,
        "adopting and replacing must drop no request: {:#?}",
        stats.failures
    );
    assert!(stats.versions.contains_key("v2\n"), "{}", stats.summary());
    assert_eq!(result["adopted"]["store"], store_id(&c.t), "{result}");

    // One running container, B's, and the one proxy host repointed in place.
    assert_eq!(
        running(&name),
        vec![result["container"].as_str().unwrap_or_default().to_owned()]
    );
    assert_eq!(label_of(&running(&name)[0], "berth.store"), store_id(&b));
    assert_eq!(npm.hosts().len(), hosts_before, "the proxy host was duplicated");
    assert_through_nginx(&npm, &domain, "v2\n");

    // B recorded the adoption, naming A's store and never the secret.
    let adopted = adopted_event(&b, &name);
    assert_eq!(adopted["metadata"]["from_store"], store_id(&c.t), "{adopted}");
    let events = b.run(&["--output", "json", "events", &name]).success().stdout;
    assert!(!events.contains("s3cr3t"), "a secret reached the events");

    // A sees that another store runs it now.
    let row = status_row(&c.t, &name);
    assert_eq!(row["owner"], "other", "{row}");
    assert_eq!(row["running_store"], store_id(&b), "{row}");
}

// ---- reconcile and status across stores ------------------------------------------

#[test]
fn reconcile_from_either_store_never_removes_the_others_live_container() {
    let mut c = Case::new("st-reconcile");
    let name = c.name("st-rc");
    c.add(&name, "image", plain("berth-test/app:v1"));
    c.run(&["deploy", &name]).success();
    let (a_id, a_name) = state_row(&c.t, &name).expect("A's state row");

    // B never deployed: its status sees A's container, its reconcile keeps it.
    let b = another_store(None);
    add_to(&c, &b, &name, plain("berth-test/app:v2"));
    let row = status_row(&b, &name);
    assert_eq!(row["deployed"], false, "{row}");
    assert_eq!(row["owner"], "other", "{row}");
    assert_eq!(row["running_container"], a_name.as_str(), "{row}");
    assert_eq!(row["running_store"], store_id(&c.t), "{row}");
    let report = b.run(&["--output", "json", "reconcile", &name]).success().json();
    assert_eq!(report["workloads"][0]["removed"], json!([]), "{report}");
    assert_eq!(
        report["workloads"][0]["other_stores"][0]["container"],
        a_name.as_str(),
        "{report}"
    );
    assert!(
        inspect(&a_id).is_some_and(|x| x.running),
        "B's reconcile touched A's container"
    );

    // --no-adopt: a hard error naming the container and its store.
    let refused = b.run(&["deploy", &name, "--no-adopt"]).code(1);
    assert!(
        refused.stderr.contains(&a_name) && refused.stderr.contains(&store_id(&c.t)),
        "{}",
        refused.stderr
    );
    assert_eq!(running(&name), vec![a_name.clone()]);

    // B adopts and replaces; then A's reconcile keeps B's container.
    b.run(&["deploy", &name]).success();
    let (b_id, b_name) = state_row(&b, &name).expect("B's state row");
    assert_eq!(running(&name), vec![b_name.clone()]);
    let report = c.run(&["--output", "json", "reconcile", &name]).success().json();
    assert_eq!(report["workloads"][0]["removed"], json!([]), "{report}");
    assert_eq!(report["workloads"][0]["missing"], a_name.as_str(), "{report}");
    assert!(
        inspect(&b_id).is_some_and(|x| x.running),
        "A's reconcile touched B's container"
    );
    let row = status_row(&c.t, &name);
    assert_eq!(row["owner"], "other", "{row}");
    assert_eq!(status_row(&b, &name)["owner"], "this");
}

// ---- the daemon-wide lock ----------------------------------------------------------

#[test]
fn two_stores_deploying_at_once_one_waits_or_exits_5_naming_the_holder() {
    let mut c = Case::new("st-lock");
    let name = c.name("st-lk");
    c.add(&name, "image", slow("berth-test/app:v1", 3000));
    let b = another_store(None);
    add_to(&c, &b, &name, slow("berth-test/app:v2", 500));

    let a = spawn_deploy(&c.t, &["deploy", &name]);
    wait_for_lock(&name);
    let busy = b.run(&["deploy", &name]).code(5);
    assert!(
        busy.stderr.contains(&store_id(&c.t)) && busy.stderr.contains(&format!("pid {}", a.id())),
        "the busy error should name the holder's store and pid: {}",
        busy.stderr
    );
    // --wait queues behind A and then adopts what A deployed.
    let waiting = spawn_deploy(&b, &["deploy", &name, "--wait"]);
    let a_out = a.wait_with_output().expect("wait for A");
    assert!(a_out.status.success(), "{}", String::from_utf8_lossy(&a_out.stderr));
    let b_out = waiting.wait_with_output().expect("wait for B");
    let b_err = String::from_utf8_lossy(&b_out.stderr);
    assert!(b_out.status.success(), "{b_err}");
    assert!(
        b_err.contains("adopting"),
        "B should have adopted A's container: {b_err}"
    );
    let (_, b_name) = state_row(&b, &name).expect("B's state row");
    assert_eq!(running(&name), vec![b_name]);
    assert!(inspect(&lock_name(&name)).is_none(), "the lock was not released");
}

#[test]
fn a_killed_lock_holders_lock_is_taken_over_by_the_next_deploy() {
    let mut c = Case::new("st-stale");
    let name = c.name("st-st");
    c.add(&name, "image", slow("berth-test/app:v1", 500));
    c.run(&["deploy", &name]).success();
    c.set(&name, slow("berth-test/app:v2", 30_000));

    let mut a = spawn_deploy(&c.t, &["deploy", &name]);
    let killed_pid = a.id();
    wait_for_lock(&name);
    // Killed mid-gate: its green runs beside blue.
    assert!(
        wait_until(Duration::from_secs(10), || running(&name).len() == 2),
        "A's green never started: {:?}",
        running(&name)
    );
    a.kill().expect("kill -9 the deploy");
    a.wait().expect("reap the killed deploy");
    let lock = inspect(&lock_name(&name)).expect("a killed holder leaves its lock");

    // Another store on this machine: the holder's pid is provably dead.
    let b = another_store(None);
    add_to(&c, &b, &name, slow("berth-test/app:v3", 500));
    let took = b.run(&["deploy", &name]).success();
    assert!(
        took.stderr.contains("took over the deploy lock") && took.stderr.contains(&format!("pid {killed_pid}")),
        "the takeover should be reported, naming the dead holder: {}",
        took.stderr
    );
    let (_, b_name) = state_row(&b, &name).expect("B's state row");
    assert!(
        inspect(&lock.id).is_none(),
        "the stale lock container should have been replaced"
    );
    assert!(inspect(&lock_name(&name)).is_none(), "B did not release the lock");
    // A's killed green was superseded by B's deploy: one container runs.
    assert_eq!(running(&name), vec![b_name]);
    let lock_label = common::docker::containers_with_label(&format!("{LOCK_WORKLOAD_LABEL}={name}"));
    assert!(lock_label.is_empty(), "{lock_label:?}");
}

#[test]
fn a_deploy_stopped_by_sigterm_releases_the_daemon_lock() {
    let mut c = Case::new("st-term");
    let name = c.name("st-tm");
    c.add(&name, "image", slow("berth-test/app:v1", 30_000));
    let a = spawn_deploy(&c.t, &["deploy", &name]);
    wait_for_lock(&name);
    let status = std::process::Command::new("kill")
        .args(["-s", "TERM", &a.id().to_string()])
        .status()
        .expect("run kill");
    assert!(status.success());
    let out = a.wait_with_output().expect("wait for the deploy");
    assert_eq!(out.status.code(), Some(143), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        inspect(&lock_name(&name)).is_none(),
        "SIGTERM left the daemon lock behind"
    );
    // And the next deploy, from another store, does not wait for anything.
    let b = another_store(None);
    add_to(&c, &b, &name, slow("berth-test/app:v2", 200));
    b.run(&["deploy", &name]).success();
}

// ---- a CI-style loop -----------------------------------------------------------------

/// Done-when of issue 18: a fresh store per iteration (a CI job each), five
/// iterations, clients requesting through the proxy the whole time.
#[test]
fn ci_style_loop_with_a_fresh_store_each_job_drops_no_request() {
    let mut c = Case::new("st-ci");
    let npm = FakeNpm::start_blocking();
    let name = c.name("st-ci");
    let domain = new_domain("ci");
    let images = ["berth-test/app:v1", "berth-test/app:v2", "berth-test/app:v3"];

    // The first job brings the site up; the load starts once it serves.
    let first = another_store(Some(&npm));
    add_to(&c, &first, &name, routed(images[0], &[&domain], 1500));
    first.run(&["deploy", &name]).success();
    common::proxies::assert_settled(npm.data_port(), &domain, "v1\n");

    let load = Load::start(npm.data_port(), &domain, TEST_LOAD);
    assert!(load.wait_for(50), "the load never got going");
    let mut flowing = true;
    let mut deploy_ms = Vec::new();
    for i in 1..=5 {
        let job = another_store(Some(&npm));
        add_to(&c, &job, &name, routed(images[i % 3], &[&domain], 1500));
        let result = job.run(&["--output", "json", "deploy", &name]).success().json();
        deploy_ms.push(result["duration_ms"].as_u64().unwrap_or_default());
        assert!(
            result["adopted"]["container"].is_string(),
            "job {i} adopted nothing: {result}"
        );
        assert_eq!(running(&name).len(), 1, "after job {i}: {:?}", running(&name));
        flowing &= load.wait_for(50);
    }
    let stats = load.finish();
    println!(
        "ci-style loop: 5 fresh-store deploys through nginx, {} clients: {}; deploy ms {deploy_ms:?}; running at the \
         end: {:?}; proxy hosts: {}",
        TEST_LOAD.clients,
        stats.summary(),
        running(&name),
        npm.hosts().len()
    );
    assert!(flowing, "requests hung after a swap: {}", stats.summary());
    assert!(!stats.bounded_out, "{}", stats.summary());
    assert!(
        stats.sent >= 200,
        "too few requests to prove anything: {}",
        stats.summary()
    );
    assert_eq!(stats.failed, 0, "failures: {:#?}\n{}", stats.failures, stats.summary());
    assert_eq!(running(&name).len(), 1);
    assert_eq!(npm.hosts().len(), 1, "one proxy host, repointed in place");
}

#[test]
fn a_container_of_an_older_berth_without_a_store_id_is_adopted_too() {
    let mut c = Case::new("st-legacy");
    let name = c.name("st-lg");
    // What a berth from before store ids left running: labelled for the
    // workload, no `berth.store`.
    common::docker::docker(&[
        "run",
        "-d",
        "--name",
        &name,
        "--network",
        common::docker::NETWORK,
        "--label",
        &format!("berth.workload={name}"),
        "--label",
        "berth.managed=true",
        "--label",
        &format!("{TEST_LABEL}={}", c.id),
        "berth-test/app:v1",
    ]);
    c.add(&name, "image", plain("berth-test/app:v2"));
    let row = status_row(&c.t, &name);
    assert_eq!(row["owner"], "other", "{row}");
    assert_eq!(row["running_store"], Value::Null, "{row}");

    c.run(&["deploy", &name]).success();
    let (_, live) = state_row(&c.t, &name).expect("state row");
    assert_eq!(running(&name), vec![live.clone()]);
    assert_ne!(live, name, "the old container should have been replaced");
    let adopted = adopted_event(&c.t, &name);
    assert_eq!(adopted["metadata"]["from_store"], Value::Null, "{adopted}");
    assert_eq!(adopted["metadata"]["adopted_container"], name.as_str(), "{adopted}");
}
