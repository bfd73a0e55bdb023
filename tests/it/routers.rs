//! The routers beyond NPM (issue 14), end to end: the real `berth` binary,
//! the real Docker daemon, and a REAL nginx or Caddy the test starts on
//! loopback (`tests/it/common/proxies.rs`). The same scenarios run against
//! every router: first deploy, three blue-green swaps under load with 0
//! failed requests, a refused route that keeps blue, a crash between route
//! write and persist repaired by `berth reconcile` under load. Then each
//! router's own pitfalls.
//!
//!   cargo test --test it -- routers:: --test-threads=1

use crate::common;

use std::time::Duration;

use berth::deploy::faults::FaultPoint;
use common::docker::{
    Case, containers_created_since, docker_now, drain_phase, last_succeeded_event, only_container, state_row,
    workload_containers,
};
use common::fake_npm::{FakeNpm, routed};
use common::load::{Load, LoadSpec, LoadStats, TEST_LOAD, VALID_BODIES, slow_app_config};
use common::proxies::{CaddyProxy, NginxProxy, Proxy, RealNpm, assert_settled, assert_through, fetch};
use common::routed::{address_of, deploy_v1, domain, redeploy, setup};
use common::wait_until;
use serde_json::{Value, json};

// ---- set-up ------------------------------------------------------------------------

/// The newest event of the workload, as `berth events --output json` shows it.
fn newest_event(c: &Case, name: &str) -> Value {
    let all = c
        .run(&["--output", "json", "events", name, "--limit", "1"])
        .success()
        .json();
    all["events"][0].clone()
}

/// `route_state` of `berth status NAME --output json`.
fn route_state(c: &Case, name: &str) -> String {
    let status = c.run(&["--output", "json", "status", name]).success().json();
    let row = &status["workloads"][0];
    row["route_state"]
        .as_str()
        .unwrap_or_else(|| panic!("no route_state: {row}"))
        .to_owned()
}

#[track_caller]
fn assert_zero_drop(stats: &LoadStats, what: &str) {
    assert!(
        !stats.bounded_out,
        "{what}: the load stopped on its bound: {}",
        stats.summary()
    );
    assert!(
        stats.sent >= 100,
        "{what}: too few requests to prove anything: {}",
        stats.summary()
    );
    assert_eq!(
        stats.failed,
        0,
        "{what}: no request may fail; failures: {:#?}\n{}",
        stats.failures,
        stats.summary()
    );
}

// ---- the shared scenarios ------------------------------------------------------------

fn first_deploy_routes_through_the_proxy(proxy: &dyn Proxy, test: &str) {
    let mut c = setup(test, proxy);
    let name = c.name(test);
    let d = domain(test);
    deploy_v1(&c, proxy, &name, &d);
    assert_eq!(route_state(&c, &name), "ok", "status agrees with the route");
    let event = newest_event(&c, &name);
    assert_eq!(event["action"], "deploy.succeeded", "{event}");
    assert_eq!(
        event["metadata"]["router"],
        proxy.router(),
        "the event names the router: {event}"
    );
    assert!(
        event["metadata"]["route"].is_string(),
        "the event names the route: {event}"
    );

    // `workload rm --purge`: the containers go, and the route with them
    // where all of it is berth's; an NPM proxy host is kept, and said so.
    let purged = c.run(&["workload", "rm", &name, "--purge"]).success();
    assert!(workload_containers(&name).is_empty(), "the containers are gone");
    if proxy.router() == "npm" {
        assert!(proxy.route_target(&name, &d).is_some(), "the NPM host is kept");
        assert!(
            purged.stdout.contains("proxy host is kept") || purged.stderr.contains("proxy host is kept"),
            "the note says so:\n{}{}",
            purged.stdout,
            purged.stderr
        );
    } else {
        assert_eq!(proxy.route_target(&name, &d), None, "the route is gone");
        assert!(
            purged.stdout.contains("route removed") || purged.stderr.contains("route removed"),
            "berth says the route went:\n{}{}",
            purged.stdout,
            purged.stderr
        );
        assert!(
            wait_until(Duration::from_secs(5), || fetch(proxy.data_port(), &d)
                .map_or(true, |(_, body)| body != "v1\n")),
            "the proxy no longer serves the workload"
        );
    }
}

/// Three blue-green swaps under load: 0 failed requests, every version seen.
fn swaps_under_load_drop_no_request(proxy: &dyn Proxy, test: &str) -> LoadStats {
    let mut c = setup(test, proxy);
    let name = c.name(test);
    let d = domain(test);
    deploy_v1(&c, proxy, &name, &d);
    assert_settled(proxy.data_port(), &d, "v1\n");
    let load = Load::start(proxy.data_port(), &d, TEST_LOAD);
    assert!(load.wait_for(50), "the load never got going");
    let mut flowing = true;
    for image in ["berth-test/app:v2", "berth-test/app:v3", "berth-test/app:v1"] {
        let result = redeploy(&c, &name, &d, image);
        assert_eq!(result["strategy"], "blue-green", "{result}");
        flowing &= load.wait_for(50);
        let live = only_container(&name);
        assert_eq!(
            proxy.route_target(&name, &d),
            Some(address_of(&live)),
            "the route follows the live container"
        );
    }
    let stats = load.finish();
    assert!(flowing, "requests hung after a swap: {}", stats.summary());
    eprintln!("zero-drop ({}): blue-green x3: {}", proxy.router(), stats.summary());
    assert_zero_drop(&stats, "three blue-green swaps");
    for v in VALID_BODIES {
        assert!(
            stats.versions.contains_key(*v),
            "version {v:?} never answered: {}",
            stats.summary()
        );
    }
    stats
}

/// Slow requests (1.5 s) always in flight beside fast ones across three
/// swaps with the default drain (until idle): every request is answered,
/// slow ones included (counts, not times), some slow ones were on blue at a
/// switch, and every drain ended `idle` with nothing left open.
fn slow_requests_in_flight_across_swaps_are_answered(proxy: &dyn Proxy, test: &str) {
    let mut c = setup(test, proxy);
    let name = c.name(test);
    let d = domain(test);
    c.add(&name, "image", slow_app_config(&d, "v1"));
    c.run(&["deploy", &name]).success();
    assert_settled(proxy.data_port(), &d, "v1\n");

    let fast = Load::start(proxy.data_port(), &d, TEST_LOAD);
    let slow = Load::start(
        proxy.data_port(),
        &d,
        LoadSpec {
            clients: 4,
            slow_ms: 1500,
            ..TEST_LOAD
        },
    );
    assert!(fast.wait_for(50) && slow.wait_for(4), "the load never got going");
    let mut in_flight_at_switch = 0;
    let mut flowing = true;
    for version in ["v2", "v3", "v1"] {
        c.set(&name, slow_app_config(&d, version));
        let result = c.run(&["--output", "json", "deploy", &name]).success().json();
        let drain = drain_phase(&result);
        assert_eq!(
            drain["ended"], "idle",
            "the drain should end when blue is idle: {result}"
        );
        assert_eq!(drain["open_at_end"], 0, "{result}");
        in_flight_at_switch += drain["open_at_start"].as_u64().unwrap_or_else(|| panic!("{result}"));
        flowing &= fast.wait_for(50) && slow.wait_for(4);
    }
    let (fast, slow) = (fast.finish(), slow.finish());
    eprintln!("drain ({}): fast clients: {}", proxy.router(), fast.summary());
    eprintln!("drain ({}): slow clients: {}", proxy.router(), slow.summary());
    assert!(flowing, "requests hung after a swap");
    assert!(
        in_flight_at_switch > 0,
        "no request was in flight on blue at any switch: the test proves nothing"
    );
    assert_zero_drop(&fast, "fast requests across three swaps");
    assert!(!slow.bounded_out, "the slow load stopped on its bound");
    assert_eq!(slow.failed, 0, "slow requests cut: {:#?}", slow.failures);
    for v in VALID_BODIES {
        assert!(
            slow.versions.contains_key(*v),
            "no slow request answered {v:?}: {}",
            slow.summary()
        );
    }
    let succeeded = last_succeeded_event(&c, &name);
    assert_eq!(succeeded["metadata"]["drain"]["ended"], "idle", "{succeeded}");
}

/// A crash between the route write and the persist leaves the route on
/// green while the state names blue; `berth reconcile`, under load, puts
/// the route back on blue, drains green and removes it: 0 failed requests.
fn crash_after_route_write_is_repaired_by_reconcile(proxy: &dyn Proxy, test: &str) {
    let mut c = setup(test, proxy);
    let name = c.name(test);
    let d = domain(test);
    let blue = deploy_v1(&c, proxy, &name, &d);
    let before = state_row(&c.t, &name);

    c.set(&name, routed("berth-test/app:v2", &[&d], 1000));
    c.run_until(FaultPoint::AfterRouteWrite, &["deploy", &name]);
    let all = workload_containers(&name);
    assert_eq!(all.len(), 2, "blue and green: {all:?}");
    let green = all.iter().find(|x| x.id != blue.id).expect("green").clone();
    assert_eq!(
        proxy.route_target(&name, &d),
        Some(address_of(&green)),
        "the crash left the route on green"
    );
    assert_eq!(state_row(&c.t, &name), before, "while the state names blue");
    assert_through(proxy, &d, "v2\n");
    assert_eq!(
        route_state(&c, &name),
        "stale",
        "status sees the route forwards elsewhere"
    );

    let load = Load::start(proxy.data_port(), &d, TEST_LOAD);
    assert!(load.wait_for(20), "the load never got going");
    let run = c.run(&["reconcile", &name]).success();
    let flowing = load.wait_for(20);
    let stats = load.finish();
    eprintln!("reconcile under load ({}): {}", proxy.router(), stats.summary());
    assert!(flowing, "requests hung after reconcile: {}", stats.summary());
    assert_eq!(stats.failed, 0, "reconcile must drop no request: {:#?}", stats.failures);
    assert!(
        run.stderr.contains("draining"),
        "reconcile drains green before removing it:\n{}",
        run.stderr
    );
    assert_eq!(only_container(&name).id, blue.id, "green is gone, blue stays");
    assert_eq!(
        proxy.route_target(&name, &d),
        Some(address_of(&blue)),
        "the route is back on blue"
    );
    assert_through(proxy, &d, "v1\n");
}

/// After a route the proxy refused: blue is the one container, the state
/// and the route still name it, and it answers.
#[track_caller]
fn assert_blue_kept(c: &Case, proxy: &dyn Proxy, name: &str, domain: &str, blue: &common::docker::Container) {
    assert_eq!(only_container(name).id, blue.id, "green is removed, blue stays");
    assert_eq!(
        state_row(&c.t, name).map(|s| s.0),
        Some(blue.id.clone()),
        "the state names blue"
    );
    assert_eq!(
        proxy.route_target(name, domain),
        Some(address_of(blue)),
        "the route names blue"
    );
    assert_through(proxy, domain, "v1\n");
}

/// A recreate deploy moves the route to the new container (blue stopped
/// first: the outage is recreate's, not the router's).
fn recreate_moves_the_route_to_the_new_container(proxy: &dyn Proxy, test: &str) {
    let mut c = setup(test, proxy);
    let name = c.name(test);
    let d = domain(test);
    let blue = deploy_v1(&c, proxy, &name, &d);
    let mut config = routed("berth-test/app:v2", &[&d], 500);
    config["deploy_strategy"] = json!("recreate");
    c.set(&name, config);
    let result = c.run(&["--output", "json", "deploy", &name]).success().json();
    assert_eq!(result["strategy"], "recreate", "{result}");
    let new = only_container(&name);
    assert_ne!(new.id, blue.id, "a new container");
    assert_eq!(
        proxy.route_target(&name, &d),
        Some(address_of(&new)),
        "the route follows it"
    );
    assert_through(proxy, &d, "v2\n");
}

/// The first request after each deploy returns reaches the new container.
/// (Not for NPM: it answers its write before nginx has reloaded.)
fn route_serves_the_moment_the_deploy_returns(proxy: &dyn Proxy, test: &str) {
    let mut c = setup(test, proxy);
    let name = c.name(test);
    let d = domain(test);
    c.add(&name, "image", routed("berth-test/app:v1", &[&d], 500));
    for image in ["berth-test/app:v1", "berth-test/app:v2", "berth-test/app:v3"] {
        c.set(&name, routed(image, &[&d], 500));
        c.run(&["deploy", &name]).success();
        let want = format!("{}\n", &image[image.len() - 2..]);
        assert_eq!(
            fetch(proxy.data_port(), &d),
            Ok((200, want)),
            "at once after deploying {image}"
        );
    }
}

// ---- Nginx Proxy Manager (the fake, with its real nginx data plane) -------------------------

#[test]
fn npm_first_deploy_routes_through_npm() {
    first_deploy_routes_through_the_proxy(&FakeNpm::start_blocking(), "npm-first");
}

#[test]
fn npm_blue_green_swaps_under_load_drop_no_request() {
    swaps_under_load_drop_no_request(&FakeNpm::start_blocking(), "npm-zd");
}

#[test]
fn npm_crash_after_route_write_is_repaired_by_reconcile() {
    crash_after_route_write_is_repaired_by_reconcile(&FakeNpm::start_blocking(), "npm-crash");
}

#[test]
fn npm_slow_requests_in_flight_across_swaps_are_answered_and_each_drain_ends_idle() {
    slow_requests_in_flight_across_swaps_are_answered(&FakeNpm::start_blocking(), "npm-slow");
}

#[test]
fn npm_an_offline_route_after_the_write_keeps_blue() {
    let proxy = FakeNpm::start_blocking();
    let mut c = setup("npm-offline", &proxy);
    let name = c.name("npm-off");
    let d = domain("npm-off");
    let blue = deploy_v1(&c, &proxy, &name, &d);
    // NPM's `nginx -t` fails on the new config (an operator's broken
    // advanced config): the write answers 200 with the host offline.
    proxy.make_next_write_offline();
    c.set(&name, routed("berth-test/app:v2", &[&d], 1000));
    let run = c.run(&["deploy", &name]).code(1);
    assert!(
        run.stderr.contains("offline"),
        "says the route went offline:\n{}",
        run.stderr
    );
    assert!(run.stderr.contains("route restored to blue"), "{}", run.stderr);
    assert_blue_kept(&c, &proxy, &name, &d, &blue);
}

// ---- the real Nginx Proxy Manager 2.15.1 (../shared/npm-real) --------------------------------

#[test]
fn real_npm_first_deploy_routes_through_npm() {
    let Some(npm) = RealNpm::start() else { return };
    first_deploy_routes_through_the_proxy(&npm, "rnpm-first");
}

#[test]
fn real_npm_blue_green_swaps_under_load_drop_no_request_on_one_host() {
    let Some(npm) = RealNpm::start() else { return };
    swaps_under_load_drop_no_request(&npm, "rnpm-zd");
    let hosts = npm.hosts();
    assert_eq!(
        hosts.len(),
        1,
        "one proxy host throughout (updated in place): {hosts:?}"
    );
    assert_eq!(
        hosts[0]["id"], 1,
        "the first host, never deleted and re-created: {hosts:?}"
    );
}

#[test]
fn real_npm_crash_after_route_write_is_repaired_by_reconcile() {
    let Some(npm) = RealNpm::start() else { return };
    crash_after_route_write_is_repaired_by_reconcile(&npm, "rnpm-crash");
}

#[test]
fn real_npm_slow_requests_in_flight_across_swaps_are_answered_and_each_drain_ends_idle() {
    let Some(npm) = RealNpm::start() else { return };
    slow_requests_in_flight_across_swaps_are_answered(&npm, "rnpm-slow");
}

/// An operator's existing host (its domain in other case) is adopted in
/// place: the same id, and every setting berth does not own kept.
#[test]
fn real_npm_adopts_an_operators_host_in_place_keeping_its_settings() {
    let Some(npm) = RealNpm::start() else { return };
    let mut c = setup("rnpm-adopt", &npm);
    let name = c.name("rnpm-ad");
    let d = domain("rnpm-ad");
    let advanced = "add_header X-Operator kept always;";
    let (status, host) = npm.api(
        "POST",
        "/nginx/proxy-hosts",
        Some(&json!({
            "domain_names": [d.to_uppercase()],
            "forward_scheme": "http",
            "forward_host": "127.0.0.1",
            "forward_port": 9,
            "advanced_config": advanced,
            "block_exploits": true,
            "allow_websocket_upgrade": true,
            "caching_enabled": true,
            "meta": { "operator_note": "keep me" },
        })),
    );
    assert_eq!(status, 201, "{host}");
    let id = host["id"].as_i64().expect("host id");

    c.add(&name, "image", routed("berth-test/app:v1", &[&d], 1500));
    c.run(&["deploy", &name]).success();
    assert_through(&npm, &d, "v1\n");
    let hosts = npm.hosts();
    assert_eq!(hosts.len(), 1, "adopted, not duplicated: {hosts:?}");
    let h = &hosts[0];
    assert_eq!(h["id"].as_i64(), Some(id), "the same host: {h}");
    assert_eq!(h["advanced_config"], advanced, "{h}");
    assert_eq!(h["block_exploits"], true, "{h}");
    assert_eq!(h["allow_websocket_upgrade"], true, "{h}");
    assert_eq!(h["caching_enabled"], true, "{h}");
    assert_eq!(h["meta"]["nginx_online"], true, "{h}");
    let blue = only_container(&name);
    assert_eq!(npm.route_target(&name, &d), Some(address_of(&blue)));
}

/// The operator breaks the host's advanced config: the real NPM takes the
/// host offline at once (and keeps it so on every write). The next deploy
/// fails before any container is touched; once the operator fixes it, the
/// deploy goes through on the same host.
#[test]
fn real_npm_a_broken_advanced_config_fails_the_deploy_before_any_container_is_touched() {
    let Some(npm) = RealNpm::start() else { return };
    let mut c = setup("rnpm-broken", &npm);
    let name = c.name("rnpm-br");
    let d = domain("rnpm-br");
    let blue = deploy_v1(&c, &npm, &name, &d);
    let id = npm.hosts_with(&d)[0]["id"].as_i64().expect("host id");
    let (status, host) = npm.api(
        "PUT",
        &format!("/nginx/proxy-hosts/{id}"),
        Some(&json!({ "advanced_config": "this_is_not_a_directive on;" })),
    );
    assert_eq!(status, 200, "{host}");
    assert_eq!(host["meta"]["nginx_online"], false, "NPM took the host offline: {host}");

    c.set(&name, routed("berth-test/app:v2", &[&d], 1000));
    let run = c.run(&["deploy", &name]).code(1);
    assert!(
        run.stderr.contains("offline"),
        "says the route is offline:\n{}",
        run.stderr
    );
    assert_eq!(only_container(&name).id, blue.id, "no green was created; blue runs");
    assert_eq!(
        state_row(&c.t, &name).map(|s| s.0),
        Some(blue.id.clone()),
        "the state names blue"
    );

    let (status, host) = npm.api(
        "PUT",
        &format!("/nginx/proxy-hosts/{id}"),
        Some(&json!({ "advanced_config": "" })),
    );
    assert_eq!(status, 200, "{host}");
    assert_through(&npm, &d, "v1\n");
    c.run(&["deploy", &name]).success();
    assert_through(&npm, &d, "v2\n");
    assert_eq!(npm.hosts().len(), 1, "the same host throughout");
}

/// A token given in BERTH_NPM_TOKEN that expired: with email and password
/// berth logs in again and deploys; without, it fails before any container
/// is touched, saying so.
#[test]
fn real_npm_an_expired_token_logs_in_again_or_fails_up_front() {
    let Some(npm) = RealNpm::start() else { return };
    let mut c = setup("rnpm-token", &npm);
    let name = c.name("rnpm-tk");
    let d = domain("rnpm-tk");
    deploy_v1(&c, &npm, &name, &d);
    let token = npm.short_token(1);
    let expired = wait_until(Duration::from_secs(10), || {
        let (status, body) = npm.api_with(&token, "GET", "/nginx/proxy-hosts");
        status == 400 && body.to_string().contains("Token has expired")
    });
    assert!(expired, "the real NPM should answer 400 `Token has expired`");
    c.t.env("BERTH_NPM_TOKEN", &token);

    c.set(&name, routed("berth-test/app:v2", &[&d], 500));
    c.run(&["deploy", &name]).success();
    assert_through(&npm, &d, "v2\n");

    c.t.env("BERTH_NPM_PASSWORD", "");
    let before = only_container(&name);
    c.set(&name, routed("berth-test/app:v3", &[&d], 500));
    let run = c.run(&["deploy", &name]).code(1);
    assert!(
        run.stderr.contains("has expired"),
        "says the token expired:\n{}",
        run.stderr
    );
    assert_eq!(only_container(&name).id, before.id, "no container was touched");
}

/// NPM down before a deploy: the deploy fails before any container is
/// touched; once NPM is back, it goes through on the same host.
#[test]
fn real_npm_stopped_before_a_deploy_fails_it_before_any_container_is_touched() {
    let Some(npm) = RealNpm::start() else { return };
    let mut c = setup("rnpm-down", &npm);
    let name = c.name("rnpm-dn");
    let d = domain("rnpm-dn");
    let blue = deploy_v1(&c, &npm, &name, &d);
    npm.stop();
    c.set(&name, routed("berth-test/app:v2", &[&d], 500));
    let run = c.run(&["deploy", &name]).code(1);
    assert!(run.stderr.contains("Nginx Proxy Manager"), "names NPM:\n{}", run.stderr);
    assert_eq!(only_container(&name).id, blue.id, "no container was touched");
    npm.restart();
    assert_through(&npm, &d, "v1\n");
    c.run(&["deploy", &name]).success();
    assert_through(&npm, &d, "v2\n");
    assert_eq!(npm.hosts().len(), 1, "the same host");
}

/// Issue 12, case 5, on the real NPM: an operator disabled the proxy host
/// (`/disable`: NPM stops rendering it, the domain serves NPM's default
/// page, yet PUTs still answer 200). The deploy fails before any container
/// is touched, naming the host and how to enable it; once enabled, the
/// deploy goes through on the same host.
#[test]
fn real_npm_a_disabled_host_fails_the_deploy_before_any_container_is_touched() {
    let Some(npm) = RealNpm::start() else { return };
    let mut c = setup("rnpm-disabled", &npm);
    let name = c.name("rnpm-dis");
    let d = domain("rnpm-dis");
    let blue = deploy_v1(&c, &npm, &name, &d);
    let id = npm.hosts_with(&d)[0]["id"].as_i64().expect("host id");
    let (status, body) = npm.api("POST", &format!("/nginx/proxy-hosts/{id}/disable"), None);
    assert_eq!(status, 200, "the real NPM disables the host: {body}");

    c.set(&name, routed("berth-test/app:v2", &[&d], 500));
    let since = docker_now();
    let run = c.run(&["deploy", &name]).code(1);
    assert!(
        run.stderr.contains("disabled") && run.stderr.contains(&format!("#{id}")) && run.stderr.contains("enable"),
        "the error names the disabled host and how to enable it:\n{}",
        run.stderr
    );
    assert_eq!(containers_created_since(&name, &since), 0, "no green was created");
    let now = only_container(&name);
    assert!(now.id == blue.id && now.running, "blue runs, alone");
    assert_eq!(
        state_row(&c.t, &name).map(|s| s.0),
        Some(blue.id.clone()),
        "the state names blue"
    );
    let host = &npm.hosts_with(&d)[0];
    assert_eq!(
        host["enabled"], false,
        "berth does not enable an operator's host behind their back: {host}"
    );
    assert_eq!(
        npm.route_target(&name, &d),
        Some(address_of(&blue)),
        "the host still forwards to blue"
    );

    let (status, body) = npm.api("POST", &format!("/nginx/proxy-hosts/{id}/enable"), None);
    assert_eq!(status, 200, "the real NPM enables the host: {body}");
    assert_through(&npm, &d, "v1\n");
    c.run(&["deploy", &name]).success();
    assert_through(&npm, &d, "v2\n");
    assert_eq!(npm.hosts().len(), 1, "the same host throughout");
}

/// Issue 12, case 6, on the real NPM: NPM goes away (connection refused)
/// after the pre-flight, while green starts. A refused connection proves
/// the write never landed: berth removes green, keeps blue and its state,
/// and exits 1; once NPM is back the route still serves blue, and the next
/// deploy goes through.
#[test]
fn real_npm_refusing_connections_at_the_switch_is_a_clean_failure() {
    let Some(npm) = RealNpm::start() else { return };
    let mut c = setup("rnpm-refused", &npm);
    let name = c.name("rnpm-ref");
    let d = domain("rnpm-ref");
    let blue = deploy_v1(&c, &npm, &name, &d);

    c.deploy_losing_npm_at_the_switch(&name, &d, || npm.stop());
    let now = only_container(&name);
    assert!(
        now.id == blue.id && now.running,
        "only blue is left, running: no green kept 'in case the write landed'"
    );
    assert_eq!(
        state_row(&c.t, &name).map(|s| s.0),
        Some(blue.id.clone()),
        "the state names blue"
    );

    npm.restart();
    assert_eq!(
        npm.route_target(&name, &d),
        Some(address_of(&blue)),
        "the host forwards to blue"
    );
    assert_through(&npm, &d, "v1\n");
    c.set(&name, routed("berth-test/app:v2", &[&d], 500));
    c.run(&["deploy", &name]).success();
    assert_through(&npm, &d, "v2\n");
    assert_eq!(npm.hosts().len(), 1, "the same host throughout");
}

// ---- NPM's API: the fake agrees with the real one --------------------------------------------

/// The API facts berth relies on (NPM_API.md), checked against an NPM on
/// 127.0.0.1:`port`; returns what was seen, one line per check, so two
/// NPMs can be compared line by line.
fn npm_api_shape(port: u16, email: &str, password: &str) -> Vec<String> {
    use common::proxies::http_json;
    let call = |method: &str, path: &str, token: Option<&str>, body: Option<Value>| -> (u16, Value) {
        let (status, text) = http_json(port, method, &format!("/api{path}"), token, body.as_ref())
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    };
    let message = |v: &Value| v["error"]["message"].as_str().unwrap_or_default().to_owned();
    let mut seen = Vec::new();

    let (status, root) = call("GET", "/", None, None);
    seen.push(format!("GET / -> {status} {} {}", root["status"], root["version"]));
    let (status, body) = call(
        "POST",
        "/tokens",
        None,
        Some(json!({ "identity": email, "secret": password, "expiry": "1h" })),
    );
    seen.push(format!(
        "POST /tokens + expiry -> {status} additional: {}",
        message(&body).contains("additional properties")
    ));
    let (status, body) = call(
        "POST",
        "/tokens",
        None,
        Some(json!({ "identity": email, "secret": "wrong" })),
    );
    seen.push(format!("POST /tokens wrong secret -> {status} {}", message(&body)));
    let (status, body) = call(
        "POST",
        "/tokens",
        None,
        Some(json!({ "identity": email, "secret": password })),
    );
    seen.push(format!(
        "POST /tokens -> {status} has token: {}",
        body["token"].is_string()
    ));
    let token = body["token"].as_str().unwrap_or_default().to_owned();
    let t = Some(token.as_str());
    let (status, _) = call("GET", "/nginx/proxy-hosts", None, None);
    seen.push(format!("GET proxy-hosts without token -> {status}"));

    let d = domain("shape");
    let host = json!({ "domain_names": [d], "forward_scheme": "http", "forward_host": "127.0.0.1", "forward_port": 9 });
    let (status, created) = call("POST", "/nginx/proxy-hosts", t, Some(host.clone()));
    seen.push(format!(
        "POST proxy-hosts -> {status} nginx_online in answer: {}",
        !created["meta"]["nginx_online"].is_null()
    ));
    let id = created["id"].as_i64().unwrap_or_default();
    let path = format!("/nginx/proxy-hosts/{id}");
    let (status, got) = call("GET", &path, t, None);
    seen.push(format!(
        "GET host -> {status} online {} enabled {}",
        got["meta"]["nginx_online"], got["enabled"]
    ));
    let (status, body) = call("PUT", &path, t, Some(json!({})));
    seen.push(format!("PUT {{}} -> {status} {}", message(&body)));
    let (status, body) = call("PUT", &path, t, Some(json!({ "id": id, "forward_port": 10 })));
    seen.push(format!(
        "PUT with id -> {status} additional: {}",
        message(&body).contains("additional properties")
    ));
    let (status, body) = call("PUT", &path, t, Some(json!({ "forward_port": "8080" })));
    seen.push(format!(
        "PUT forward_port string -> {status} {} online {}",
        body["forward_port"], body["meta"]["nginx_online"]
    ));
    let (status, body) = call("POST", "/nginx/proxy-hosts", t, Some(host));
    seen.push(format!(
        "POST same domain -> {status} in use: {}",
        message(&body).contains("is already in use")
    ));
    let (status, _) = call("GET", "/nginx/proxy-hosts/99999", t, None);
    seen.push(format!("GET unknown host -> {status}"));
    let (status, body) = call("DELETE", &path, t, None);
    seen.push(format!("DELETE host -> {status} {body}"));
    seen
}

#[test]
fn the_fake_npm_answers_like_the_real_one() {
    let fake = FakeNpm::start_blocking();
    let fake_port: u16 = fake
        .url()
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .expect("fake NPM port");
    let fake_seen = npm_api_shape(fake_port, fake.email(), fake.password());
    let Some(real) = RealNpm::start() else { return };
    let real_seen = npm_api_shape(
        real.api_port,
        common::proxies::REAL_NPM_EMAIL,
        common::proxies::REAL_NPM_PASSWORD,
    );
    for (f, r) in fake_seen.iter().zip(&real_seen) {
        assert_eq!(
            f, r,
            "the fake NPM differs from the real one (the real one wins: fix the fake)"
        );
    }
    assert_eq!(fake_seen.len(), real_seen.len());
}

// ---- nginx ----------------------------------------------------------------------------

#[test]
fn nginx_first_deploy_routes_through_nginx() {
    first_deploy_routes_through_the_proxy(&NginxProxy::start(), "ngx-first");
}

#[test]
fn nginx_recreate_moves_the_route_to_the_new_container() {
    recreate_moves_the_route_to_the_new_container(&NginxProxy::start(), "ngx-rc");
}

/// berth confirms the reload took effect (new workers, and no old worker
/// still accepting connections) before the deploy returns: the very first
/// request after it reaches the new container, with no waiting.
#[test]
fn nginx_a_route_serves_the_moment_the_deploy_returns() {
    route_serves_the_moment_the_deploy_returns(&NginxProxy::start(), "ngx-now");
}

#[test]
fn nginx_blue_green_swaps_under_load_drop_no_request() {
    let proxy = NginxProxy::start();
    let workers = proxy.workers();
    swaps_under_load_drop_no_request(&proxy, "ngx-zd");
    assert_ne!(proxy.workers(), workers, "the swaps reloaded nginx (new workers)");
}

#[test]
fn nginx_slow_requests_in_flight_across_swaps_are_answered_and_each_drain_ends_idle() {
    slow_requests_in_flight_across_swaps_are_answered(&NginxProxy::start(), "ngx-slow");
}

#[test]
fn nginx_crash_after_route_write_is_repaired_by_reconcile() {
    crash_after_route_write_is_repaired_by_reconcile(&NginxProxy::start(), "ngx-crash");
}

#[test]
fn nginx_failed_test_restores_the_file_byte_for_byte_and_keeps_blue() {
    let proxy = NginxProxy::start();
    let mut c = setup("ngx-badtest", &proxy);
    let name = c.name("ngx-bad");
    let d = domain("ngx-bad");
    let blue = deploy_v1(&c, &proxy, &name, &d);
    let file = proxy.berth_file(&name);
    let before = std::fs::read(&file).expect("berth's server block");
    let workers = proxy.workers();

    // An operator's mistake that only the new file carries: a listen port
    // nginx rejects. `nginx -T` fails after the write, before any reload.
    c.set(&name, routed("berth-test/app:v2", &[&d], 1000));
    let run =
        c.t.command(&["deploy", &name])
            .env("BERTH_NGINX_LISTEN", "127.0.0.1:99999")
            .output()
            .expect("run berth");
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "the deploy fails:\n{stderr}");
    assert!(
        stderr.contains("nginx refused the new route"),
        "says nginx refused it:\n{stderr}"
    );
    assert!(
        stderr.contains("previous file was restored"),
        "says the file was restored:\n{stderr}"
    );
    assert_eq!(
        std::fs::read(&file).expect("berth's server block"),
        before,
        "restored byte for byte"
    );
    assert_eq!(proxy.workers(), workers, "nginx was not reloaded");
    assert_blue_kept(&c, &proxy, &name, &d, &blue);
    let leftovers: Vec<_> = std::fs::read_dir(proxy.berth_dir())
        .expect("berth dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        leftovers,
        vec![format!("berth-{name}.conf")],
        "no temp file left behind"
    );
}

#[test]
fn nginx_a_reload_that_does_not_take_effect_keeps_blue() {
    let proxy = NginxProxy::start();
    let mut c = setup("ngx-reload", &proxy);
    let name = c.name("ngx-rl");
    let d = domain("ngx-rl");
    let blue = deploy_v1(&c, &proxy, &name, &d);
    let before = std::fs::read(proxy.berth_file(&name)).expect("berth's server block");

    // `nginx -t` does not bind: a listen address another process holds
    // passes the test and makes the master reject the reload.
    let squatter = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a squatter");
    let taken = squatter.local_addr().expect("addr");
    c.set(&name, routed("berth-test/app:v2", &[&d], 1000));
    let run =
        c.t.command(&["deploy", &name])
            .env("BERTH_NGINX_LISTEN", taken.to_string())
            .output()
            .expect("run berth");
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "the deploy fails:\n{stderr}");
    assert!(
        stderr.contains("did not go live"),
        "says the route did not go live:\n{stderr}"
    );
    assert_eq!(
        std::fs::read(proxy.berth_file(&name)).expect("file"),
        before,
        "the previous file is back"
    );
    assert_blue_kept(&c, &proxy, &name, &d, &blue);
    drop(squatter);
}

#[test]
fn nginx_a_domain_of_an_operator_server_block_is_refused_before_any_container_is_touched() {
    let proxy = NginxProxy::start();
    let mut c = setup("ngx-taken", &proxy);
    let name = c.name("ngx-tk");
    let d = domain("ngx-tk");
    let theirs = proxy.operator_dir().join("site.conf");
    let content = format!(
        "server {{ listen 127.0.0.1:{}; server_name other.test {}; return 200 \"operator\\n\"; }}\n",
        proxy.nginx.data_port,
        d.to_uppercase()
    );
    std::fs::write(&theirs, &content).expect("operator's server block");
    c.add(&name, "image", routed("berth-test/app:v1", &[&d], 1000));
    let run = c.run(&["deploy", &name]).code(1);
    assert!(
        run.stderr.contains(&format!("domain {d} is already served")),
        "names the domain:\n{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("site.conf"),
        "names the operator's file:\n{}",
        run.stderr
    );
    assert!(workload_containers(&name).is_empty(), "no container was created");
    assert!(!proxy.berth_file(&name).exists(), "berth wrote nothing");
    assert_eq!(
        std::fs::read_to_string(&theirs).expect("theirs"),
        content,
        "the operator's file is untouched"
    );
}

#[test]
fn nginx_a_file_berth_did_not_write_is_never_touched() {
    let proxy = NginxProxy::start();
    let mut c = setup("ngx-notours", &proxy);
    let name = c.name("ngx-no");
    let d = domain("ngx-no");
    let content = "# hand-written\n";
    std::fs::write(proxy.berth_file(&name), content).expect("a hand-written file");
    c.add(&name, "image", routed("berth-test/app:v1", &[&d], 1000));
    let run = c.run(&["deploy", &name]).code(1);
    assert!(run.stderr.contains("berth did not write it"), "{}", run.stderr);
    assert!(workload_containers(&name).is_empty(), "no container was created");
    assert_eq!(std::fs::read_to_string(proxy.berth_file(&name)).expect("file"), content);
}

#[test]
fn nginx_a_directory_nothing_includes_is_refused_before_any_container_is_touched() {
    let proxy = NginxProxy::start();
    let mut c = setup("ngx-noinc", &proxy);
    let elsewhere = proxy.nginx.prefix.join("not-included");
    std::fs::create_dir_all(&elsewhere).expect("mkdir");
    c.t.env("BERTH_NGINX_DIR", &elsewhere.display().to_string());
    let name = c.name("ngx-ni");
    let d = domain("ngx-ni");
    c.add(&name, "image", routed("berth-test/app:v1", &[&d], 1000));
    let run = c.run(&["deploy", &name]).code(1);
    assert!(run.stderr.contains("does not include"), "{}", run.stderr);
    assert!(run.stderr.contains("include "), "says what to add:\n{}", run.stderr);
    assert!(workload_containers(&name).is_empty(), "no container was created");
}

// ---- Caddy ------------------------------------------------------------------------------

#[test]
fn caddy_first_deploy_routes_through_caddy() {
    let proxy = CaddyProxy::start();
    first_deploy_routes_through_the_proxy(&proxy, "cdy-first");
    assert_eq!(
        fetch(proxy.data_port, "operator.test"),
        Ok((200, "operator\n".into())),
        "the operator's route serves"
    );
    assert_eq!(
        proxy.routes_with_id("operator-site").len(),
        1,
        "the operator's route is kept"
    );
}

#[test]
fn caddy_recreate_moves_the_route_to_the_new_container() {
    recreate_moves_the_route_to_the_new_container(&CaddyProxy::start(), "cdy-rc");
}

/// Caddy answers an admin write once the new config runs.
#[test]
fn caddy_a_route_serves_the_moment_the_deploy_returns() {
    route_serves_the_moment_the_deploy_returns(&CaddyProxy::start(), "cdy-now");
}

#[test]
fn caddy_blue_green_swaps_under_load_drop_no_request() {
    let proxy = CaddyProxy::start();
    swaps_under_load_drop_no_request(&proxy, "cdy-zd");
    let writes = proxy.admin_writes();
    assert!(
        !writes.iter().any(|w| w.starts_with("POST")),
        "no POST, ever: {writes:?}"
    );
    assert_eq!(
        writes.iter().filter(|w| w.starts_with("PUT")).count(),
        1,
        "the route was added once (the first deploy), then replaced in place: {writes:?}"
    );
}

#[test]
fn caddy_slow_requests_in_flight_across_swaps_are_answered_and_each_drain_ends_idle() {
    slow_requests_in_flight_across_swaps_are_answered(&CaddyProxy::start(), "cdy-slow");
}

#[test]
fn caddy_crash_after_route_write_is_repaired_by_reconcile() {
    crash_after_route_write_is_repaired_by_reconcile(&CaddyProxy::start(), "cdy-crash");
}

#[test]
fn caddy_refusing_the_new_config_keeps_blue() {
    let proxy = CaddyProxy::start();
    let mut c = setup("cdy-refuse", &proxy);
    let name = c.name("cdy-rf");
    let d = domain("cdy-rf");
    let blue = deploy_v1(&c, &proxy, &name, &d);

    // The operator's config loads a certificate from files that are then
    // removed: Caddy re-provisions the whole config on every change, so it
    // refuses the next one and keeps running the current.
    let dir = tempfile::tempdir().expect("temp dir");
    let (cert, key) = (dir.path().join("c.pem"), dir.path().join("k.pem"));
    let made = std::process::Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
        ])
        .args(["-subj", "/CN=operator.test", "-days", "1", "-keyout"])
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .expect("run openssl");
    assert!(
        made.status.success(),
        "openssl: {}",
        String::from_utf8_lossy(&made.stderr)
    );
    let tls = json!({ "certificates": { "load_files": [{ "certificate": cert, "key": key }] } });
    let (status, body) = proxy.admin("POST", "/config/apps/tls", Some(&tls));
    assert_eq!(status, 200, "{body}");
    std::fs::remove_file(&cert).expect("rm cert");

    c.set(&name, routed("berth-test/app:v2", &[&d], 1000));
    let run = c.run(&["deploy", &name]).code(1);
    assert!(
        run.stderr.contains("replacing route @id"),
        "names the failed write:\n{}",
        run.stderr
    );
    assert!(run.stderr.contains("route restored to blue"), "{}", run.stderr);
    assert_blue_kept(&c, &proxy, &name, &d, &blue);
}

#[test]
fn caddy_reconcile_writes_nothing_when_the_route_agrees_and_re_adds_a_vanished_route_once() {
    let proxy = CaddyProxy::start();
    let mut c = setup("cdy-vanish", &proxy);
    let name = c.name("cdy-vn");
    let d = domain("cdy-vn");
    let blue = deploy_v1(&c, &proxy, &name, &d);
    let id = format!("berth-{name}");

    let writes = proxy.admin_writes().len();
    c.run(&["reconcile", &name]).success();
    c.run(&["reconcile", &name]).success();
    assert_eq!(
        proxy.admin_writes().len(),
        writes,
        "an agreeing route gets no admin write: {:?}",
        proxy.admin_writes()
    );

    // Caddy restarted from the operator's config: berth's route is gone.
    proxy.reload_initial();
    assert!(proxy.routes_with_id(&id).is_empty(), "the route vanished");
    assert_eq!(route_state(&c, &name), "missing", "status sees the route vanished");
    assert_ne!(
        fetch(proxy.data_port, &d).map(|r| r.1),
        Ok("v1\n".into()),
        "the domain no longer reaches blue"
    );
    let writes = proxy.admin_writes().len();
    c.run(&["reconcile", &name]).success();
    c.run(&["reconcile", &name]).success();
    let added: Vec<String> = proxy.admin_writes().split_off(writes);
    assert_eq!(added.len(), 1, "re-added exactly once: {added:?}");
    assert!(added[0].starts_with("PUT "), "inserted, not POSTed: {added:?}");
    assert_eq!(proxy.routes_with_id(&id).len(), 1, "one route for the workload");
    assert_eq!(proxy.route_target(&name, &d), Some(address_of(&blue)));
    assert_through(&proxy, &d, "v1\n");
    assert_eq!(proxy.routes()[0]["@id"], id.as_str(), "ahead of the operator's routes");
    assert_eq!(
        proxy.routes_with_id("operator-site").len(),
        1,
        "the operator's route is kept"
    );
}

#[test]
fn caddy_a_domain_of_an_operator_route_is_refused_before_any_container_is_touched() {
    let proxy = CaddyProxy::start();
    let mut c = setup("cdy-taken", &proxy);
    let name = c.name("cdy-tk");
    c.add(&name, "image", routed("berth-test/app:v1", &["Operator.test"], 1000));
    let run = c.run(&["deploy", &name]).code(1);
    assert!(
        run.stderr.contains("domain Operator.test is already routed"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("operator-site"),
        "names the route's @id:\n{}",
        run.stderr
    );
    assert!(workload_containers(&name).is_empty(), "no container was created");
    assert!(
        proxy.admin_writes().is_empty(),
        "no admin write: {:?}",
        proxy.admin_writes()
    );
}
