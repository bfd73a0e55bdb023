//! Zero-drop swaps: through the fake NPM's real nginx, blue-green beside
//! recreate (`bench/zero-drop.sh`), and per router (BENCHMARKS.md
//! "Zero-drop swaps per router").

use std::collections::BTreeMap;
use std::thread;
use std::time::{Duration, Instant};

use crate::bench_proxy;
use crate::common::fake_npm::{FakeNpm, new_domain, routed};
use crate::common::load::{Load, LoadSpec, LoadStats, quantile_ms};
use crate::common::routed::{deploy_v1, domain, redeploy, setup};
use serde_json::json;

/// `bench/zero-drop.sh` runs it (`cargo bench --bench proxies -- zero-drop`) and
/// prints requests sent, failed and p50/p99 latency through nginx for
/// blue-green vs recreate redeploys. Env: BENCH_ROUNDS (5), BENCH_CLIENTS
/// (4), BENCH_PAUSE_MS (2), BENCH_DRAIN_MS (1500).
pub fn through_nginx() {
    let env_u64 = |k: &str, d: u64| std::env::var(k).ok().and_then(|v| v.parse().ok()).unwrap_or(d);
    let rounds = env_u64("BENCH_ROUNDS", 5);
    let spec = LoadSpec {
        clients: usize::try_from(env_u64("BENCH_CLIENTS", 4)).unwrap_or(4),
        max_per_client: 10_000_000,
        max_time: Duration::from_secs(1800),
        pause: Duration::from_millis(env_u64("BENCH_PAUSE_MS", 2)),
        slow_ms: 0,
    };
    let drain = env_u64("BENCH_DRAIN_MS", 1500);
    let npm = FakeNpm::start_blocking();
    let mut c = setup("rt-bench", &npm);
    let name = c.name("rt-bench");
    let domain = new_domain("bench");
    c.add(&name, "image", routed("berth-test/app:v1", &[&domain], drain));
    c.run(&["deploy", &name]).success();
    crate::common::proxies::assert_settled(npm.data_port(), &domain, "v1\n");

    let deploy = |image: &str, strategy: &str| {
        let mut config = routed(image, &[&domain], drain);
        config["deploy_strategy"] = json!(strategy);
        c.set(&name, config);
        let t = Instant::now();
        c.run(&["deploy", &name]).success();
        t.elapsed()
    };

    // Steady state: no deploy, the same load, for the latency baseline.
    let load = Load::start(npm.data_port(), &domain, spec);
    thread::sleep(Duration::from_secs(5));
    let steady = load.finish();

    let mut results = Vec::new();
    for strategy in ["blue-green", "recreate"] {
        let mut deploy_times = Vec::new();
        let load = Load::start(npm.data_port(), &domain, spec);
        thread::sleep(Duration::from_millis(500));
        for round in 0..rounds {
            let image = ["berth-test/app:v2", "berth-test/app:v3", "berth-test/app:v1"][(round % 3) as usize];
            deploy_times.push(deploy(image, strategy));
            thread::sleep(Duration::from_millis(500));
        }
        let stats = load.finish();
        results.push((strategy, deploy_times, stats));
    }

    println!();
    println!(
        "zero-drop benchmark: {rounds} redeploys per strategy, {} keep-alive clients ({} ms pause), drain_ms {drain}, \
         through nginx ({})",
        spec.clients,
        spec.pause.as_millis(),
        npm.data_url()
    );
    println!(
        "{:<12} {:>8} {:>9} {:>7} {:>8} {:>9} {:>9} {:>9} {:>11}",
        "strategy", "sent", "failed", "retried", "req/s", "p50 ms", "p99 ms", "max ms", "deploy s"
    );
    let row = |label: &str, s: &LoadStats, deploy_s: Option<f64>| {
        println!(
            "{:<12} {:>8} {:>9} {:>7} {:>8.0} {:>9.2} {:>9.2} {:>9.2} {:>11}",
            label,
            s.sent,
            s.failed,
            s.retried,
            s.sent as f64 / s.elapsed.as_secs_f64().max(0.001),
            s.quantile_ms(0.5),
            s.quantile_ms(0.99),
            s.quantile_ms(1.0),
            deploy_s.map_or_else(|| "-".to_owned(), |d| format!("{d:.2}"))
        );
    };
    row("steady", &steady, None);
    for (strategy, times, stats) in &results {
        let mean = times.iter().map(Duration::as_secs_f64).sum::<f64>() / times.len().max(1) as f64;
        row(strategy, stats, Some(mean));
    }
    println!();
    for (strategy, _, stats) in &results {
        if stats.failed > 0 {
            println!(
                "{strategy}: failures by kind {:?}; a failed request took p50 {:.0} ms, max {:.0} ms",
                stats.kinds,
                quantile_ms(&stats.failed_latencies_us, 0.5),
                quantile_ms(&stats.failed_latencies_us, 1.0)
            );
        }
    }
    println!(
        "nginx upstream errors (whole run): {:?}",
        upstream_errors(&npm.nginx_error_log())
    );
    assert_eq!(
        results[0].2.failed, 0,
        "blue-green dropped requests: {:#?}",
        results[0].2.failures
    );
}

/// nginx's error-log lines about upstreams, counted by cause, e.g.
/// `connect() failed (113: No route to host)`.
fn upstream_errors(log: &str) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    for line in log.lines().filter(|l| l.contains("upstream")) {
        let Some(at) = line.find("] ") else { continue };
        let msg = &line[at + 2..];
        let msg = msg.split_once(": ").map_or(msg, |(_, m)| m);
        // `*45 connect() failed ...`: drop the connection number.
        let msg = match msg.strip_prefix('*') {
            Some(rest) => rest.split_once(' ').map_or(rest, |(_, m)| m),
            None => msg,
        };
        let cause = msg.split(" while ").next().unwrap_or(msg).trim().to_owned();
        *out.entry(cause).or_default() += 1;
    }
    out
}

// ---- 2. upsert keeps the operator's settings -----------------------------------------------

// ---- the zero-drop table -------------------------------------------------------------------

/// Not a timed test: prints the zero-drop row per router (BENCHMARKS.md).
/// Env: BENCH_ROUNDS (6), BENCH_ROUTERS (npm-real,npm,nginx,caddy; npm is
/// the fake NPM, whose data plane is a real nginx; npm-real the real NPM
/// 2.15.1 of ../shared/npm-real).
pub fn per_router() {
    let rounds: usize = std::env::var("BENCH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(6);
    let routers = std::env::var("BENCH_ROUTERS").unwrap_or_else(|_| "npm-real,npm,nginx,caddy".into());
    let spec = LoadSpec {
        clients: 4,
        max_per_client: 10_000_000,
        max_time: Duration::from_secs(1800),
        pause: Duration::from_millis(2),
        slow_ms: 0,
    };
    let mut rows = Vec::new();
    for router in routers.split(',') {
        let Some(proxy) = bench_proxy(router) else { continue };
        let mut c = setup("bench", proxy.as_ref());
        let name = c.name("bench");
        let d = domain("bench");
        deploy_v1(&c, proxy.as_ref(), &name, &d);
        crate::common::proxies::assert_settled(proxy.data_port(), &d, "v1\n");
        let load = Load::start(proxy.data_port(), &d, spec);
        assert!(load.wait_for(50), "the load never got going");
        let mut route_ms = Vec::new();
        let mut deploy_s = Vec::new();
        for round in 0..rounds {
            let image = ["berth-test/app:v2", "berth-test/app:v3", "berth-test/app:v1"][round % 3];
            let t = Instant::now();
            let result = redeploy(&c, &name, &d, image);
            deploy_s.push(t.elapsed().as_secs_f64());
            let phases = result["phases"].as_array().cloned().unwrap_or_default();
            let route = phases
                .iter()
                .find(|p| p["name"] == "route")
                .and_then(|p| p["duration_ms"].as_u64());
            route_ms.push(route.expect("a route phase") as f64);
            assert!(load.wait_for(50), "requests hung after a swap");
        }
        let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
        rows.push((router.to_owned(), load.finish(), mean(&route_ms), mean(&deploy_s)));
    }
    println!(
        "\n{rounds} blue-green swaps per router, {} keep-alive clients ({} ms pause), drain_ms 1500",
        spec.clients,
        spec.pause.as_millis()
    );
    println!(
        "| router | requests | failed | retried | p50 ms | p99 ms | max ms | route write ms (mean) | deploy s (mean) |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (router, s, route, deploy) in &rows {
        println!(
            "| {router} | {} | **{}** | {} | {:.2} | {:.2} | {:.2} | {route:.0} | {deploy:.2} |",
            s.sent,
            s.failed,
            s.retried,
            s.quantile_ms(0.5),
            s.quantile_ms(0.99),
            s.quantile_ms(1.0)
        );
    }
    for (router, s, _, _) in &rows {
        assert_eq!(s.failed, 0, "{router} dropped requests: {:#?}", s.failures);
    }
}
