//! Failed requests during Swarm start-first updates (issue 13): a service
//! of 3 replicas (`endpoint_mode: dnsrr`) routed by berth's nginx router,
//! nginx running as a container on the overlay network, beside berth's own
//! single-host blue-green deploy of the same app through a host nginx;
//! the same keep-alive load from the host for both, at each client count.

use std::time::{Duration, Instant};

use crate::common::load::{Load, LoadSpec, LoadStats};
use crate::common::proxies::{NginxProxy, Proxy, assert_settled};
use crate::common::routed::{deploy_v1, domain, redeploy, setup};
use crate::common::swarm::{OverlayNginx, case};
use serde_json::{Value, json};

const IMAGES: [&str; 3] = ["berth-test/app:v2", "berth-test/app:v3", "berth-test/app:v1"];

struct Row {
    clients: usize,
    deploy: &'static str,
    stats: LoadStats,
    deploy_s: Vec<f64>,
}

fn swarm_config(image: &str, replicas: u64, domain: &str) -> Value {
    json!({
        "image": image,
        "pull": "missing",
        "port": 8080,
        "healthcheck": { "path": "/healthz", "interval_ms": 200, "deadline_ms": 20000 },
        "stop_timeout_s": 2,
        "domains": [domain],
        "swarm": { "replicas": replicas, "endpoint_mode": "dnsrr" },
    })
}

fn spec(clients: usize) -> LoadSpec {
    LoadSpec {
        clients,
        max_per_client: 10_000_000,
        max_time: Duration::from_secs(1800),
        pause: Duration::from_millis(2),
        slow_ms: 0,
    }
}

/// `rounds` start-first updates of 3 replicas under `clients` clients.
fn swarm_row(clients: usize, rounds: usize) -> Row {
    let (mut c, mut services) = case("bench-swarm");
    let nginx = OverlayNginx::start(&c.id);
    for (k, v) in nginx.berth_env() {
        c.t.env(&k, &v);
    }
    let name = c.name("bswz");
    services.of(&name);
    let d = domain("bswz");
    c.add(&name, "image", swarm_config("berth-test/app:v1", 3, &d));
    c.run(&["deploy", &name]).success();
    let label = "Swarm start-first, 3 replicas (overlay nginx)";
    under_load(nginx.data_port(), &d, clients, rounds, label, |image| {
        c.set(&name, swarm_config(image, 3, &d));
        c.run(&["deploy", &name]).success();
    })
}

/// Waits until `domain` serves v1 through `port`, starts `clients`, then
/// times `deploy` of each of `rounds` images in turn: the row `label`.
fn under_load(
    port: u16,
    domain: &str,
    clients: usize,
    rounds: usize,
    label: &'static str,
    mut deploy: impl FnMut(&str),
) -> Row {
    assert_settled(port, domain, "v1\n");
    let load = Load::start(port, domain, spec(clients));
    assert!(load.wait_for(50), "the load never got going");
    let mut deploy_s = Vec::new();
    for round in 0..rounds {
        let t = Instant::now();
        deploy(IMAGES[round % 3]);
        deploy_s.push(t.elapsed().as_secs_f64());
        assert!(load.wait_for(50), "requests hung after a deploy");
    }
    Row {
        clients,
        deploy: label,
        stats: load.finish(),
        deploy_s,
    }
}

/// `rounds` blue-green swaps of one container through a host nginx.
fn blue_green_row(clients: usize, rounds: usize) -> Row {
    let proxy = NginxProxy::start();
    let mut c = setup("bench-swbg", &proxy);
    let name = c.name("bswbg");
    let d = domain("bswbg");
    deploy_v1(&c, &proxy, &name, &d);
    let label = "blue-green, one container (host nginx)";
    under_load(proxy.data_port(), &d, clients, rounds, label, |image| {
        redeploy(&c, &name, &d, image);
    })
}

/// Not a timed test: prints the table (BENCHMARKS.md "Swarm: failed
/// requests during start-first updates"). Env: BENCH_ROUNDS (5),
/// BENCH_CLIENTS (4,32).
pub fn failed_requests() {
    let rounds: usize = std::env::var("BENCH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);
    let clients = std::env::var("BENCH_CLIENTS").unwrap_or_else(|_| "4,32".into());
    let mut rows = Vec::new();
    for n in clients.split(',') {
        let n: usize = n.trim().parse().expect("BENCH_CLIENTS: numbers, comma-separated");
        rows.push(swarm_row(n, rounds));
        rows.push(blue_green_row(n, rounds));
    }
    println!("\n{rounds} deploys per row (images v2, v3, v1 in turn), keep-alive clients with a 2 ms pause");
    println!("| clients | deploy | requests | failed | retried | p50 ms | p99 ms | max ms | deploy s (mean) |");
    println!("|---:|---|---:|---:|---:|---:|---:|---:|---:|");
    for r in &rows {
        let s = &r.stats;
        println!(
            "| {} | {} | {} | **{}** | {} | {:.2} | {:.2} | {:.2} | {:.2} |",
            r.clients,
            r.deploy,
            s.sent,
            s.failed,
            s.retried,
            s.quantile_ms(0.5),
            s.quantile_ms(0.99),
            s.quantile_ms(1.0),
            r.deploy_s.iter().sum::<f64>() / r.deploy_s.len().max(1) as f64
        );
    }
    for r in &rows {
        if r.stats.failed > 0 {
            println!("{} clients, {}: failure kinds {:?}", r.clients, r.deploy, r.stats.kinds);
        }
    }
}
