//! Operator features against the real Docker daemon (issue 8): `history`,
//! `rollback`, artifact pruning, `deploy --dry-run`, fleet deploys
//! (`deploy A B C --jobs N`, `deploy --all`), the phase timeline of the human
//! summary and the readiness gate's probe schedule, driven through the real
//! `berth` binary.
//!
//! Needs a daemon on /var/run/docker.sock (`scripts/ensure-docker.sh`) and
//! the local test images (`scripts/test-images.sh`). Like tests/it/deploy.rs,
//! every test uses unique workload names, labels what it creates with
//! `berth-test-case=<id>` and cleans up through [`Case`]'s guard, pass or
//! fail; the tests run one at a time (`LOCK`).
//!
//! Run: `cargo test --test it -- operator:: --test-threads=1`.

use crate::common;

use std::collections::BTreeSet;
use std::path::Path;

use common::docker::{
    Case, assert_serves, db, docker, image_present, is_green_name, last_deploy, only_container, state_of,
    workload_containers,
};
use serde_json::{Value, json};

// ---- configs ----------------------------------------------------------------------

/// A prepared local image, probed on /healthz; no drain, short grace, so a
/// deploy costs about one container start.
fn image_config(image: &str) -> Value {
    json!({
        "image": image,
        "pull": "missing",
        "port": 8080,
        "healthcheck": { "path": "/healthz", "interval_ms": 200, "deadline_ms": 5000 },
        "drain_ms": 0,
        "stop_timeout_s": 2,
    })
}

/// `image_config` for an image that never gets ready (berth-test/app:bad
/// answers 500 on /healthz): it fails its gate after `deadline_ms`.
fn broken_config(deadline_ms: u64) -> Value {
    let mut config = image_config("berth-test/app:bad");
    config["healthcheck"]["deadline_ms"] = json!(deadline_ms);
    config
}

fn dockerfile_config(context: &Path) -> Value {
    json!({
        "context": context.to_str().expect("utf-8 temp path"),
        "port": 8080,
        "healthcheck": { "path": "/healthz", "interval_ms": 200, "deadline_ms": 5000 },
        "drain_ms": 0,
        "stop_timeout_s": 2,
    })
}

// ---- store and daemon helpers -----------------------------------------------------------

fn deploy_count(c: &Case, workload: &str) -> i64 {
    db(&c.t)
        .query_row(
            "SELECT COUNT(*) FROM deploys d JOIN workloads w ON w.id = d.workload_id WHERE w.name = ?1",
            [workload],
            |r| r.get(0),
        )
        .expect("count deploys")
}

fn event_count(c: &Case, workload: &str) -> i64 {
    db(&c.t)
        .query_row("SELECT COUNT(*) FROM event_log WHERE workload = ?1", [workload], |r| {
            r.get(0)
        })
        .expect("count events")
}

/// The `deploys` rows of `workload`, oldest first: (id, started_at, finished_at, status).
fn deploy_rows(c: &Case, workload: &str) -> Vec<(i64, String, Option<String>, String)> {
    let conn = db(&c.t);
    let mut stmt = conn
        .prepare(
            "SELECT d.id, d.started_at, d.finished_at, d.status FROM deploys d
             JOIN workloads w ON w.id = d.workload_id WHERE w.name = ?1 ORDER BY d.id",
        )
        .expect("prepare");
    stmt.query_map([workload], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .expect("query deploys")
        .collect::<rusqlite::Result<Vec<_>>>()
        .expect("read deploys")
}

/// The tags of `docker images <repository>`.
fn image_tags(repository: &str) -> BTreeSet<String> {
    docker(&["images", repository, "--format", "{{.Tag}}"])
        .lines()
        .map(|l| l.trim().to_owned())
        .filter(|l| !l.is_empty())
        .collect()
}

#[track_caller]
fn rfc3339(ts: &str) -> time::OffsetDateTime {
    time::OffsetDateTime::parse(ts, &time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|e| panic!("not an RFC 3339 time: {ts:?}: {e}"))
}

/// The `deploys` array of `berth --output json history NAME`.
#[track_caller]
fn history_json(c: &Case, name: &str) -> Vec<Value> {
    let doc = c.run(&["--output", "json", "history", name]).success().json();
    assert_eq!(doc["workload"], json!(name), "{doc}");
    doc["deploys"].as_array().expect("deploys array").clone()
}

/// The phase timeline line of a human deploy summary (stderr), e.g.
/// `  reconcile 2ms · prepare 3ms · start 951ms · gate 12ms · ...`, parsed
/// into (phase, ms) in order.
#[track_caller]
fn timeline(stderr: &str) -> Vec<(String, u64)> {
    let line = stderr
        .lines()
        .find(|l| l.contains(" · ") && l.contains("prepare "))
        .unwrap_or_else(|| panic!("no phase timeline in the human deploy output:\n{stderr}"));
    line.split(" · ")
        .map(|part| {
            // A phase may end with a note: `drain 612ms (idle)`.
            let part = part.trim();
            let part = match part.rsplit_once(" (") {
                Some((head, note)) if note.ends_with(')') => head,
                _ => part,
            };
            let (name, ms) = part
                .rsplit_once(' ')
                .unwrap_or_else(|| panic!("timeline entry without a duration: {part:?} in {line:?}"));
            let ms = ms
                .strip_suffix("ms")
                .and_then(|n| n.trim().parse().ok())
                .unwrap_or_else(|| panic!("timeline entry {part:?} is not `<phase> <n>ms` in {line:?}"));
            (name.to_owned(), ms)
        })
        .collect()
}

/// Position of `phase` in a timeline, which must hold it.
#[track_caller]
fn position(phases: &[(String, u64)], phase: &str) -> usize {
    phases
        .iter()
        .position(|(n, _)| n == phase)
        .unwrap_or_else(|| panic!("phase {phase} missing from the timeline {phases:?}"))
}

/// `duration_ms` of the phase `name` of a deploy result object.
#[track_caller]
fn phase_ms(result: &Value, name: &str) -> u64 {
    result["phases"]
        .as_array()
        .expect("phases array")
        .iter()
        .find(|p| p["name"] == name)
        .and_then(|p| p["duration_ms"].as_u64())
        .unwrap_or_else(|| panic!("no phase {name} in {result}"))
}

// ---- 1. history ------------------------------------------------------------------------

#[test]
fn history_lists_every_deploy_with_outcome_and_json() {
    let mut c = Case::new("op-history");
    let name = c.name("op-hist");
    c.add(&name, "image", image_config("berth-test/app:v1"));
    c.run(&["deploy", &name]).success();
    c.set(&name, image_config("berth-test/app:v2"));
    c.run(&["deploy", &name]).success();
    let live = only_container(&name);
    c.set(&name, broken_config(1500));
    c.run(&["deploy", &name]).code(1);

    let deploys = history_json(&c, &name);
    assert_eq!(deploys.len(), 3, "three deploys: {deploys:#?}");
    let ids: Vec<i64> = deploys
        .iter()
        .map(|d| d["id"].as_i64().expect("id is an integer"))
        .collect();
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "newest first: {ids:?}");
    let images: Vec<&str> = deploys.iter().map(|d| d["image"].as_str().unwrap_or("?")).collect();
    assert_eq!(
        images,
        ["berth-test/app:bad", "berth-test/app:v2", "berth-test/app:v1"],
        "{deploys:#?}"
    );
    let outcomes: Vec<&str> = deploys.iter().map(|d| d["outcome"].as_str().unwrap_or("?")).collect();
    assert_eq!(outcomes, ["failed", "succeeded", "succeeded"], "{deploys:#?}");
    let live_flags: Vec<bool> = deploys
        .iter()
        .map(|d| d["live"].as_bool().expect("live flag"))
        .collect();
    assert_eq!(
        live_flags,
        [false, true, false],
        "only the v2 deploy is live: {deploys:#?}"
    );
    assert_eq!(
        deploys[1]["container"],
        json!(live.name),
        "the live row names the live container"
    );
    assert_eq!(ids[0], last_deploy(&c.t, &name).0);
    let mut previous_start = None;
    for d in &deploys {
        assert_eq!(d["strategy"], "blue-green", "{d}");
        let started = rfc3339(d["started_at"].as_str().expect("started_at"));
        if let Some(later) = previous_start {
            assert!(started <= later, "newest first by started_at too: {deploys:#?}");
        }
        previous_start = Some(started);
        let ms = d["duration_ms"].as_u64().expect("a finished deploy has a duration");
        let finished = rfc3339(d["finished_at"].as_str().expect("finished_at"));
        let span = u64::try_from((finished - started).whole_milliseconds()).expect("finished after started");
        assert!(
            ms.abs_diff(span) <= 1,
            "duration_ms {ms} agrees with the times ({span}): {d}"
        );
    }
    assert!(
        deploys[0]["duration_ms"].as_u64().unwrap_or(0) >= 1500,
        "the failed deploy waited its 1500 ms deadline: {}",
        deploys[0]
    );
    let error = deploys[0]["error"].as_str().expect("the failed deploy says why");
    assert!(error.contains("readiness gate"), "{error}");

    // The human table: one line per deploy under the header, live marked.
    let run = c.run(&["history", &name]).success();
    let lines: Vec<&str> = run.stdout.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 4, "header + 3 deploys:\n{}", run.stdout);
    let header: Vec<&str> = lines[0].split_whitespace().collect();
    for column in ["ID", "STARTED", "STRATEGY", "IMAGE", "OUTCOME", "DURATION"] {
        assert!(header.contains(&column), "column {column} missing: {}", lines[0]);
    }
    for (line, (id, outcome)) in lines[1..].iter().zip(ids.iter().zip(&outcomes)) {
        let words: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(words.first(), Some(&id.to_string().as_str()), "{line}");
        assert!(words.contains(outcome), "{line} should say {outcome}");
        assert!(words.contains(&"blue-green"), "{line}");
        assert!(line.contains(" ms"), "duration in ms: {line}");
    }
    assert!(
        lines[2].split_whitespace().any(|w| w == "live"),
        "v2 is live: {}",
        lines[2]
    );
    assert!(
        !lines[1].contains("live") && !lines[3].contains("live"),
        "{}",
        run.stdout
    );

    // Unknown workloads are not found.
    c.run(&["history", "op-no-such-workload"]).code(4);
}

// ---- 2. rollback ----------------------------------------------------------------------------

#[test]
fn rollback_redeploys_the_previous_artifact_through_the_strategy() {
    let mut c = Case::new("op-rollback");
    let name = c.name("op-rb");
    c.add(&name, "image", image_config("berth-test/app:v1"));
    c.run(&["deploy", &name]).success();
    let (first_id, _) = last_deploy(&c.t, &name);
    let first = only_container(&name);
    c.set(&name, image_config("berth-test/app:v2"));
    c.run(&["deploy", &name]).success();
    let (second_id, _) = last_deploy(&c.t, &name);
    let second = only_container(&name);
    assert_serves(&second, "v2");

    // Plain rollback: the previous artifact, through blue-green.
    let result = c.run(&["--output", "json", "rollback", &name]).success().json();
    let rolled = only_container(&name);
    assert!(rolled.running);
    assert_serves(&rolled, "v1");
    assert!(
        is_green_name(&name, &rolled.name),
        "blue-green names green: {}",
        rolled.name
    );
    assert!(
        rolled.name != first.name && rolled.name != second.name,
        "a new unique container: {} (before: {}, {})",
        rolled.name,
        first.name,
        second.name
    );
    assert_eq!(state_of(&c.t, &name), (rolled.id.clone(), rolled.name.clone()));
    let (rollback_id, status) = last_deploy(&c.t, &name);
    assert!(rollback_id > second_id, "a rollback is a deploy of its own");
    assert_eq!(status, "succeeded");
    assert_eq!(result["deploy_id"], json!(rollback_id), "{result}");
    assert_eq!(result["strategy"], "blue-green", "{result}");
    assert_eq!(result["container"], json!(rolled.name), "{result}");
    assert_eq!(result["image"], "berth-test/app:v1", "{result}");
    assert_eq!(result["status"], "succeeded", "{result}");
    let deploys = history_json(&c, &name);
    assert_eq!(deploys.len(), 3, "{deploys:#?}");
    assert_eq!(deploys[0]["id"], json!(rollback_id));
    assert_eq!(deploys[0]["live"], true);
    assert_eq!(deploys[0]["image"], "berth-test/app:v1");
    assert_eq!(
        deploys[0]["artifact"], deploys[2]["artifact"],
        "the very image of the first deploy"
    );
    // The current config still says v2: rollback did not rewrite it.
    let show = c.run(&["--output", "json", "workload", "show", &name]).success().json();
    assert!(show.to_string().contains("berth-test/app:v2"), "{show}");

    // --to: forward to the second deploy, then back to the first.
    c.run(&["rollback", &name, "--to", &second_id.to_string()]).success();
    let now = only_container(&name);
    assert_serves(&now, "v2");
    assert_ne!(now.id, rolled.id);
    c.run(&["rollback", &name, "--to", &first_id.to_string()]).success();
    let now = only_container(&name);
    assert_serves(&now, "v1");
    assert!(is_green_name(&name, &now.name), "{}", now.name);

    // Not found: an unknown deploy id; nothing changes.
    let before = deploy_count(&c, &name);
    let run = c.run(&["rollback", &name, "--to", "999999"]).code(4);
    assert!(run.stderr.contains("999999"), "names the id: {}", run.stderr);
    assert_eq!(only_container(&name).id, now.id, "nothing was touched");
    assert_eq!(deploy_count(&c, &name), before, "no deploy row for a refused rollback");

    // A deploy that failed is no rollback target.
    c.set(&name, broken_config(1000));
    c.run(&["deploy", &name]).code(1);
    let (failed_id, status) = last_deploy(&c.t, &name);
    assert_eq!(status, "failed");
    let run = c.run(&["rollback", &name, "--to", &failed_id.to_string()]);
    assert_ne!(
        run.code, 0,
        "rolling back to a failed deploy is refused: {}",
        run.stderr
    );
    assert_eq!(only_container(&name).id, now.id);

    // Nothing to go back to: deployed once, or never.
    let once = c.name("op-rb-once");
    c.add(&once, "image", image_config("berth-test/app:v1"));
    c.run(&["rollback", &once]).code(4);
    c.run(&["deploy", &once]).success();
    let only = only_container(&once);
    let run = c.run(&["rollback", &once]).code(4);
    assert!(!run.stderr.trim().is_empty(), "says why");
    assert_eq!(only_container(&once).id, only.id, "the live container is untouched");
    assert_eq!(deploy_count(&c, &once), 1);
    c.run(&["rollback", "op-no-such-workload"]).code(4);

    // Dockerfile workloads roll back to the tag berth built, which still exists.
    let built = c.name("op-rb-df");
    let ctx = c.context("berth-test/app:v1", "build-1");
    c.add(&built, "dockerfile", dockerfile_config(&ctx));
    c.run(&["deploy", &built]).success();
    let (build_1, _) = last_deploy(&c.t, &built);
    c.context("berth-test/app:v1", "build-2");
    c.run(&["deploy", &built]).success();
    assert_serves(&only_container(&built), "build-2");
    let tag = format!("berth/{built}:{build_1}");
    let result = c.run(&["--output", "json", "rollback", &built]).success().json();
    assert_eq!(result["image"], json!(tag), "{result}");
    assert_eq!(
        result["strategy"], "recreate",
        "the dockerfile default strategy: {result}"
    );
    let back = only_container(&built);
    assert_eq!(back.name, built, "recreate keeps the stable name");
    assert_serves(&back, "build-1");
    assert!(image_present(&tag), "{tag} is kept for rollback");
    assert_eq!(history_json(&c, &built)[0]["image"], json!(tag));
}

// ---- 3. pruning -------------------------------------------------------------------------------

#[test]
fn old_artifacts_are_pruned_beyond_keep_artifacts() {
    let mut c = Case::new("op-prune");
    let name = c.name("op-prune");
    let repository = format!("berth/{name}");
    let ctx = c.context("berth-test/app:v1", "build-1");
    let mut config = dockerfile_config(&ctx);
    config["keep_artifacts"] = json!(1);
    c.add(&name, "dockerfile", config);

    let mut ids = Vec::new();
    for i in 1..=4 {
        c.context("berth-test/app:v1", &format!("build-{i}"));
        c.run(&["deploy", &name]).success();
        let (id, status) = last_deploy(&c.t, &name);
        assert_eq!(status, "succeeded");
        ids.push(id);
        let tags = image_tags(&repository);
        // The live artifact and at most one before it.
        let want: BTreeSet<String> = ids.iter().rev().take(2).map(i64::to_string).collect();
        assert_eq!(tags, want, "after deploy {i} (ids {ids:?})");
    }
    assert_serves(&only_container(&name), "build-4");

    // The kept one is what `rollback` goes back to; the pruned one is gone
    // and refusing it changes nothing.
    c.run(&["rollback", &name]).success();
    assert_serves(&only_container(&name), "build-3");
    let want: BTreeSet<String> = [ids[2], ids[3]].iter().map(i64::to_string).collect();
    assert_eq!(image_tags(&repository), want, "a rollback prunes nothing it needs");
    let live = only_container(&name);
    let run = c.run(&["rollback", &name, "--to", &ids[0].to_string()]).code(1);
    assert!(run.stderr.contains("no longer on this host"), "{}", run.stderr);
    let after = only_container(&name);
    assert_eq!(after.id, live.id, "a failed prepare costs no downtime");
    assert!(after.running);
}

/// A deploy whose build succeeded but whose container failed its gate leaves
/// a `berth/<w>:<id>` tag behind. It is never a rollback target (rollback
/// refuses deploys that did not succeed), so once `keep_artifacts` newer
/// artifacts exist it must be pruned like any older artifact.
#[test]
fn built_images_of_failed_deploys_are_pruned_too() {
    let mut c = Case::new("op-prune-failed");
    let name = c.name("op-prunef");
    let repository = format!("berth/{name}");
    let ctx = c.context("berth-test/app:v1", "build-1");
    let mut config = dockerfile_config(&ctx);
    config["keep_artifacts"] = json!(1);
    config["healthcheck"]["deadline_ms"] = json!(1000);
    c.add(&name, "dockerfile", config);

    let mut ids = Vec::new();
    for (i, base) in [
        (1, "berth-test/app:v1"),
        (2, "berth-test/app:bad"),
        (3, "berth-test/app:v1"),
        (4, "berth-test/app:v1"),
    ] {
        c.context(base, &format!("build-{i}"));
        let run = c.run(&["deploy", &name]);
        assert_eq!(run.code, if i == 2 { 1 } else { 0 }, "deploy {i}:\n{}", run.stderr);
        ids.push(last_deploy(&c.t, &name).0);
    }
    assert_serves(&only_container(&name), "build-4");
    let want: BTreeSet<String> = [ids[2], ids[3]].iter().map(i64::to_string).collect();
    assert_eq!(
        image_tags(&repository),
        want,
        "only the live build and 1 before it may stay; the failed deploy {}'s build is never a rollback target",
        ids[1]
    );
}

// ---- 4. dry run ---------------------------------------------------------------------------------

#[test]
fn dry_run_prints_the_plan_without_touching_docker() {
    let mut c = Case::new("op-dry");
    let name = c.name("op-dry");
    let mut config = image_config("berth-test/app:v1");
    config["domains"] = json!(["dry.example.test"]);
    c.add(&name, "image", config);
    let events_before = event_count(&c, &name);
    // No NPM configured, and no daemon either: the plan needs neither.
    let run_dry = |args: &[&str], docker_host: Option<&str>| {
        let mut cmd = c.t.command(args);
        for var in [
            "BERTH_NPM_URL",
            "BERTH_NPM_EMAIL",
            "BERTH_NPM_PASSWORD",
            "BERTH_NPM_TOKEN",
        ] {
            cmd.env_remove(var);
        }
        if let Some(host) = docker_host {
            cmd.env("DOCKER_HOST", host);
        }
        let out = cmd.output().expect("run berth");
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };

    for docker_host in [None, Some("unix:///nonexistent.sock")] {
        // Human.
        let (code, stdout, stderr) = run_dry(&["deploy", &name, "--dry-run"], docker_host);
        assert_eq!(
            code,
            Some(0),
            "DOCKER_HOST={docker_host:?}\nstdout:\n{stdout}\nstderr:\n{stderr}"
        );
        assert!(stdout.contains("blue-green"), "the strategy: {stdout}");
        assert!(stdout.contains("default for image workloads"), "and why: {stdout}");
        assert!(stdout.contains("  1. "), "numbered steps: {stdout}");
        let green = stdout
            .split(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '-'))
            .find(|w| is_green_name(&name, w))
            .unwrap_or_else(|| panic!("no green name `{name}-<6 [a-z0-9]>` in the plan:\n{stdout}"));
        assert!(stdout.contains("dry.example.test"), "the route change: {stdout}");
        assert!(
            stdout.contains(&format!("{green}:8080")),
            "the route's forward host is green's name: {stdout}"
        );
        assert!(stdout.contains("/healthz"), "the gate: {stdout}");
        assert!(stderr.contains("dry run"), "says nothing was changed: {stderr}");

        // JSON.
        let (code, stdout, stderr) = run_dry(&["--output", "json", "deploy", &name, "--dry-run"], docker_host);
        assert_eq!(code, Some(0), "stdout:\n{stdout}\nstderr:\n{stderr}");
        let p: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"));
        assert_eq!(p["workload"], json!(name), "{p}");
        assert_eq!(p["strategy"], "blue-green", "{p}");
        assert_eq!(p["strategy_forced"], false, "{p}");
        assert!(!p["strategy_reason"].as_str().unwrap_or("").is_empty(), "{p}");
        let green = p["container_name"].as_str().expect("container_name");
        assert!(is_green_name(&name, green), "{green}");
        assert_eq!(p["current"], Value::Null, "nothing deployed yet: {p}");
        assert_eq!(p["route"]["domains"], json!(["dry.example.test"]), "{p}");
        assert_eq!(p["route"]["forward_host"], json!(green), "{p}");
        assert_eq!(p["route"]["forward_port"], 8080, "{p}");
        let steps = p["steps"].as_array().expect("steps");
        assert!(steps.len() >= 4, "{p}");
        assert!(steps.iter().all(Value::is_string), "{p}");
        assert!(
            steps.iter().any(|s| s.as_str().is_some_and(|s| s.contains(green))),
            "{p}"
        );
    }
    assert!(workload_containers(&name).is_empty(), "no container was created");
    assert_eq!(deploy_count(&c, &name), 0, "no deploy row");
    assert_eq!(event_count(&c, &name), events_before, "no event");

    // With a live container the plan names it, and leaves it alone.
    let live_name = c.name("op-dry-live");
    c.add(&live_name, "image", image_config("berth-test/app:v1"));
    c.run(&["deploy", &live_name]).success();
    let live = only_container(&live_name);
    c.set(&live_name, image_config("berth-test/app:v2"));
    let (deploys, events) = (deploy_count(&c, &live_name), event_count(&c, &live_name));
    let p = c
        .run(&["--output", "json", "deploy", &live_name, "--dry-run"])
        .success()
        .json();
    assert_eq!(p["current"], json!(live.name), "{p}");
    assert_eq!(p["route"], Value::Null, "no domains, no route: {p}");
    let green = p["container_name"].as_str().expect("container_name");
    assert!(is_green_name(&live_name, green) && green != live.name, "{p}");
    let steps = p["steps"].to_string();
    assert!(steps.contains(&live.name), "the plan says blue goes: {steps}");
    assert!(steps.contains("berth-test/app:v2"), "the new image: {steps}");
    let now = only_container(&live_name);
    assert_eq!(now.id, live.id, "the live container is untouched");
    assert!(now.running);
    assert_serves(&now, "v1");
    assert_eq!(deploy_count(&c, &live_name), deploys);
    assert_eq!(event_count(&c, &live_name), events);
}

// ---- 5. fleet deploys -----------------------------------------------------------------------------

#[test]
fn fleet_deploy_runs_workloads_in_parallel_and_reports_each() {
    let mut c = Case::new("op-fleet");
    let names: Vec<String> = ["fl-a", "fl-b", "fl-c", "fl-d"].iter().map(|p| c.name(p)).collect();
    let broken = names[2].clone();
    for name in &names {
        let config = if *name == broken {
            broken_config(1500)
        } else {
            image_config("berth-test/app:v1")
        };
        c.add(name, "image", config);
    }

    let mut args = vec!["--output", "json", "deploy"];
    args.extend(names.iter().map(String::as_str));
    args.extend(["--jobs", "4"]);
    let run = c.run(&args).code(1);
    let fleet_stdout = run.stdout;
    // Read the first JSON document; that it is the only one is checked last.
    let mut docs = serde_json::Deserializer::from_str(&fleet_stdout).into_iter::<Value>();
    let results = docs
        .next()
        .unwrap_or_else(|| panic!("no JSON on stdout; stderr:\n{}", run.stderr))
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{fleet_stdout}"));
    let results = results.as_array().expect("an array of result objects").clone();
    assert_eq!(results.len(), 4, "{results:#?}");
    for (result, name) in results.iter().zip(&names) {
        assert_eq!(result["workload"], json!(name), "in the given order: {results:#?}");
        if *name == broken {
            assert_eq!(result["status"], "failed", "{result}");
            assert_eq!(result["error"]["code"], "failed", "{result}");
            let message = result["error"]["message"].as_str().expect("error message");
            assert!(message.contains("readiness gate"), "{message}");
            assert!(workload_containers(name).is_empty(), "the failed green is removed");
            continue;
        }
        let live = only_container(name);
        assert!(live.running);
        assert_serves(&live, "v1");
        let (deploy_id, status) = last_deploy(&c.t, name);
        assert_eq!(status, "succeeded");
        // The result object of DESIGN §8.
        assert_eq!(result["deploy_id"], json!(deploy_id), "{result}");
        assert_eq!(result["strategy"], "blue-green", "{result}");
        assert_eq!(result["strategy_forced"], false, "{result}");
        assert_eq!(result["container"], json!(live.name), "{result}");
        assert_eq!(result["image"], "berth-test/app:v1", "{result}");
        assert_eq!(result["status"], "succeeded", "{result}");
        assert!(result["duration_ms"].is_u64(), "{result}");
        assert!(phase_ms(result, "gate") <= result["duration_ms"].as_u64().unwrap_or(0));
    }
    // In parallel: every deploy started before any of them finished.
    let rows: Vec<_> = names.iter().flat_map(|n| deploy_rows(&c, n)).collect();
    assert_eq!(rows.len(), 4, "{rows:?}");
    let last_start = rows.iter().map(|r| rfc3339(&r.1)).max().expect("starts");
    let first_finish = rows
        .iter()
        .map(|r| rfc3339(r.2.as_deref().expect("finished")))
        .min()
        .expect("finishes");
    assert!(
        last_start < first_finish,
        "with --jobs 4 all four deploys run at once: {rows:#?}"
    );

    // --all, human: every workload, one summary table at the end of stdout.
    let run = c.run(&["deploy", "--all", "--jobs", "4"]).code(1);
    let lines: Vec<&str> = run.stdout.lines().filter(|l| !l.trim().is_empty()).collect();
    assert!(lines.len() >= 5, "a summary table:\n{}", run.stdout);
    let table = &lines[lines.len() - 5..];
    let header: Vec<&str> = table[0].split_whitespace().collect();
    assert_eq!(
        header,
        ["WORKLOAD", "STATUS", "CONTAINER", "DURATION"],
        "{}",
        run.stdout
    );
    let mut seen = BTreeSet::new();
    for row in &table[1..] {
        let words: Vec<&str> = row.split_whitespace().collect();
        let name = words.first().copied().unwrap_or_default();
        seen.insert(name.to_owned());
        let want = if name == broken { "failed" } else { "succeeded" };
        assert_eq!(words.get(1).copied(), Some(want), "{row}");
        if name != broken {
            assert_eq!(words.get(2).copied(), Some(only_container(name).name.as_str()), "{row}");
        }
    }
    assert_eq!(seen, names.iter().cloned().collect::<BTreeSet<_>>(), "{}", run.stdout);
    for name in &names {
        let rows = deploy_rows(&c, name);
        assert_eq!(rows.len(), 2, "--all deployed {name} again: {rows:?}");
        let want = if *name == broken { "failed" } else { "succeeded" };
        assert_eq!(rows[1].3, want, "{name}");
    }
    assert!(run.stderr.contains(&broken), "the failure is reported: {}", run.stderr);

    // All fixed: --all exits 0.
    c.set(&broken, image_config("berth-test/app:v2"));
    c.run(&["deploy", "--all", "-j", "4"]).success();
    assert_serves(&only_container(&broken), "v2");

    // One JSON document per command (DESIGN §8), even when some deploys failed.
    let rest: Vec<_> = docs.collect();
    assert!(
        rest.is_empty(),
        "`--output json deploy A B C D` with a failure must print exactly one JSON document (the array); \
         it printed {} more after it:\n{fleet_stdout}",
        rest.len()
    );
}

// ---- 6. phase timeline ------------------------------------------------------------------------------

#[test]
fn deploy_summary_shows_the_phase_timeline() {
    let mut c = Case::new("op-timeline");
    let name = c.name("op-tl");
    c.add(&name, "image", image_config("berth-test/app:v1"));

    let run = c.run(&["deploy", &name]).success();
    let first = timeline(&run.stderr);
    for phase in ["prepare", "start", "gate", "persist"] {
        position(&first, phase);
    }
    assert!(
        position(&first, "prepare") < position(&first, "start")
            && position(&first, "start") < position(&first, "gate")
            && position(&first, "gate") < position(&first, "persist"),
        "in the order they ran: {first:?}"
    );
    assert!(
        !first.iter().any(|(n, _)| n == "drain" || n == "reap"),
        "nothing to drain or reap on a first deploy: {first:?}"
    );

    c.set(&name, image_config("berth-test/app:v2"));
    let run = c.run(&["deploy", &name]).success();
    let second = timeline(&run.stderr);
    for phase in ["prepare", "start", "gate", "persist", "drain", "reap"] {
        position(&second, phase);
    }
    assert!(
        position(&second, "persist") < position(&second, "drain")
            && position(&second, "drain") < position(&second, "reap"),
        "persist, then drain, then reap: {second:?}"
    );
    // The phases add up to at most the total of the summary line
    // (`deployed W -> C (blue-green, N ms)` on stdout).
    let total: u64 = run
        .stdout
        .lines()
        .find(|l| l.starts_with("deployed "))
        .and_then(|l| l.rsplit_once(", "))
        .and_then(|(_, tail)| tail.strip_suffix(" ms)"))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no `deployed ... (strategy, N ms)` line on stdout:\n{}", run.stdout));
    let sum: u64 = second.iter().map(|(_, ms)| ms).sum();
    assert!(
        sum <= total + second.len() as u64,
        "phases {second:?} sum to {sum} > total {total}"
    );

    // JSON carries the same phases.
    c.set(&name, image_config("berth-test/app:v1"));
    let result = c.run(&["--output", "json", "deploy", &name]).success().json();
    for phase in ["prepare", "start", "gate", "persist", "drain", "reap"] {
        phase_ms(&result, phase);
    }

    // People read it in their language; JSON keeps the English names.
    c.t.env("BERTH_LANG", "ru");
    c.set(&name, image_config("berth-test/app:v2"));
    let run = c.run(&["deploy", &name]).success();
    let line = run
        .stderr
        .lines()
        .find(|l| l.contains(" · "))
        .unwrap_or_else(|| panic!("no timeline on stderr:\n{}", run.stderr));
    assert!(
        line.contains("дренаж") && line.contains(" мс") && !line.contains("drain"),
        "the Russian timeline: {line}"
    );
    let result = c.run(&["--output", "json", "deploy", &name]).success().json();
    phase_ms(&result, "drain");
}

// ---- 7. readiness --------------------------------------------------------------------------------------

/// This checks the gate's probe SCHEDULE, not the machine's speed: with
/// `interval_ms: 1000` a gate that only probed every interval_ms (or waited
/// one interval before its first probe) would take >= 1000 ms whenever the
/// app is not listening at the very first probe. berth probes at once, then
/// after 10 ms doubling up to interval_ms (DESIGN §4), so for an app that is
/// ready within milliseconds of its start the gate takes a few tens of ms.
/// The 500 ms bound is deliberately generous (a loaded CI daemon), and the
/// median of three deploys is used so one slow Docker call does not decide.
#[test]
fn readiness_is_detected_quickly() {
    let mut c = Case::new("op-ready");
    let name = c.name("op-ready");
    let mut gates = Vec::new();
    for image in ["berth-test/app:v1", "berth-test/app:v2", "berth-test/app:v3"] {
        let mut config = image_config(image);
        config["healthcheck"]["interval_ms"] = json!(1000);
        if gates.is_empty() {
            c.add(&name, "image", config);
        } else {
            c.set(&name, config);
        }
        let result = c.run(&["--output", "json", "deploy", &name]).success().json();
        gates.push(phase_ms(&result, "gate"));
    }
    assert_serves(&only_container(&name), "v3");
    gates.sort_unstable();
    assert!(
        gates[1] < 500,
        "gate durations {gates:?} ms (median {}): a ready app should pass the gate well under one \
         interval_ms (1000) — is the first probe delayed or the backoff missing?",
        gates[1]
    );
}
