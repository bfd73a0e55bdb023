//! The drain until idle per router, beside the fixed drain and the docker
//! CLI (`bench/drain.sh`, BENCHMARKS.md "Drain until idle, per router").

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use crate::bench_proxy;
use crate::common::docker::{Case, NETWORK, TEST_LABEL, docker, drain_phase, only_container};
use crate::common::load::{Load, LoadSpec, LoadStats, slow_app, slow_app_config};
use crate::common::proxies::{Proxy, assert_settled};
use crate::common::routed::{domain, setup};
use crate::common::wait_until;
use serde_json::{Value, json};

// ---- the drain table -------------------------------------------------------------------------

/// One row of the drain benchmark: a load, how blue was drained, what the
/// clients saw and what the swaps cost.
struct DrainRow {
    load: &'static str,
    drain: &'static str,
    stats: LoadStats,
    /// Wall time of each swap (`berth deploy` as a process, or the script).
    deploy_s: Vec<f64>,
    /// The `drain` phase of each swap (the script: its sleep).
    drain_ms: Vec<f64>,
    /// How the drains ended: `idle`, `deadline`, `fixed` -> count.
    ended: BTreeMap<String, u64>,
    /// Phase name -> total ms over the row's swaps, in the order they ran.
    phases: Vec<(String, u64)>,
}

impl DrainRow {
    fn new(load: &'static str, drain: &'static str) -> DrainRow {
        DrainRow {
            load,
            drain,
            stats: LoadStats::default(),
            deploy_s: Vec::new(),
            drain_ms: Vec::new(),
            ended: BTreeMap::new(),
            phases: Vec::new(),
        }
    }

    /// Adds one `berth deploy` that took `took`, from its JSON result.
    fn add_deploy(&mut self, took: Duration, result: &Value) {
        self.deploy_s.push(took.as_secs_f64());
        let drain = drain_phase(result);
        *self
            .ended
            .entry(drain["ended"].as_str().unwrap_or("?").to_owned())
            .or_default() += 1;
        self.drain_ms.push(drain["duration_ms"].as_f64().unwrap_or(0.0));
        for ph in result["phases"].as_array().into_iter().flatten() {
            let (name, ms) = (
                ph["name"].as_str().unwrap_or("?"),
                ph["duration_ms"].as_u64().unwrap_or(0),
            );
            match self.phases.iter_mut().find(|(n, _)| n == name) {
                Some((_, total)) => *total += ms,
                None => self.phases.push((name.to_owned(), ms)),
            }
        }
    }

    fn mean_deploy_s(&self) -> f64 {
        mean(&self.deploy_s)
    }
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len().max(1) as f64
}

/// `clients` keep-alive clients on `domain`, `slow` of them on
/// `/cgi-bin/slow?ms=` 1000, 2500 and 5000 in turn, the rest on `/`.
fn mixed_load(port: u16, domain: &str, base: LoadSpec, clients: usize, slow: usize) -> Vec<Load> {
    let mut loads = vec![Load::start(
        port,
        domain,
        LoadSpec {
            clients: clients - slow,
            ..base
        },
    )];
    for i in 0..slow {
        loads.push(Load::start(
            port,
            domain,
            LoadSpec {
                slow_ms: [1000, 2500, 5000][i % 3],
                ..base
            },
        ));
    }
    loads
}

fn finish(loads: Vec<Load>) -> LoadStats {
    let mut stats = LoadStats::default();
    for l in loads {
        stats.merge(l.finish());
    }
    stats
}

/// The operator's blue-green swap without berth, the baseline of issue 17:
/// `docker run` green, poll its /healthz with curl, repoint the route by
/// hand ([`Proxy::switch_by_hand`]), sleep `linger` (long enough for the
/// slowest request), `docker stop -t 2` and `docker rm` blue. Returns
/// green's container id.
fn docker_cli_swap(
    c: &Case,
    proxy: &dyn Proxy,
    workload: &str,
    domain: &str,
    blue: &str,
    version: &str,
    linger: Duration,
) -> String {
    let script = slow_app()[0]
        .as_str()
        .map(str::to_owned)
        .expect("slow_app() is one script");
    let green = docker(&[
        "run",
        "-d",
        "--init",
        "--network",
        NETWORK,
        "--label",
        &format!("{TEST_LABEL}={}", c.id),
        "-e",
        &format!("VERSION={version}"),
        "berth-test/app:sh",
        &script,
    ]);
    let ip = docker(&[
        "inspect",
        "-f",
        &format!("{{{{(index .NetworkSettings.Networks \"{NETWORK}\").IPAddress}}}}"),
        &green,
    ]);
    let healthz = format!("http://{ip}:8080/healthz");
    let healthy = wait_until(Duration::from_secs(30), || {
        std::process::Command::new("curl")
            .args(["-fsS", "-o", "/dev/null", "--max-time", "1", &healthz])
            .status()
            .is_ok_and(|s| s.success())
    });
    assert!(healthy, "the CLI's green never answered {healthz}");
    proxy.switch_by_hand(workload, domain, &ip, 8080);
    std::thread::sleep(linger);
    docker(&["stop", "-t", "2", blue]);
    docker(&["rm", blue]);
    green
}

/// Not a timed test: `bench/drain.sh [ROUTER...]` runs it (release build).
/// Per router, through the real proxy: BENCH_ROUNDS (5) blue-green swaps
/// per row of the slow app ([`slow_app_config`]) under BENCH_CLIENTS (32)
/// keep-alive clients, fast only or with BENCH_SLOW (8) of them on
/// `/cgi-bin/slow?ms=` 1000, 2500, 5000; berth with the drain until idle
/// (the default) or the old fixed 2 s drain; then the docker-CLI swap
/// ([`docker_cli_swap`], sleeping BENCH_CLI_LINGER_MS, 5500) on the mixed
/// load. Prints failed requests, mean deploy wall time, how each drain
/// ended and the mean phases. Env: BENCH_ROUTERS (npm-real,nginx,caddy),
/// BENCH_PAUSE_MS (10).
pub fn per_router() {
    let env_u64 = |k: &str, d: u64| std::env::var(k).ok().and_then(|v| v.parse().ok()).unwrap_or(d);
    let rounds = env_u64("BENCH_ROUNDS", 5);
    let clients = usize::try_from(env_u64("BENCH_CLIENTS", 32)).unwrap_or(32);
    let slow_clients = usize::try_from(env_u64("BENCH_SLOW", 8)).unwrap_or(8).min(clients);
    let linger = Duration::from_millis(env_u64("BENCH_CLI_LINGER_MS", 5500));
    let base = LoadSpec {
        clients: 1,
        max_per_client: 10_000_000,
        max_time: Duration::from_secs(1800),
        pause: Duration::from_millis(env_u64("BENCH_PAUSE_MS", 10)),
        slow_ms: 0,
    };
    let routers = std::env::var("BENCH_ROUTERS").unwrap_or_else(|_| "npm-real,nginx,caddy".into());
    let mut failed_idle = Vec::new();
    for router in routers.split(',') {
        let Some(proxy) = bench_proxy(router) else { continue };
        let proxy = proxy.as_ref();
        let mut c = setup("bench-drain", proxy);
        let name = c.name("bdrain");
        let d = domain("bdrain");
        c.add(&name, "image", slow_app_config(&d, "v1"));
        c.run(&["deploy", &name]).success();
        assert_settled(proxy.data_port(), &d, "v1\n");
        let mut version = 0usize;
        let mut rows = Vec::new();
        for (load, slow) in [("fast only", 0), ("fast + slow", slow_clients)] {
            for drain in ["until idle", "fixed 2 s"] {
                let loads = mixed_load(proxy.data_port(), &d, base, clients, slow);
                std::thread::sleep(Duration::from_millis(500));
                let mut row = DrainRow::new(load, drain);
                for _ in 0..rounds {
                    version += 1;
                    let mut config = slow_app_config(&d, ["v1", "v2", "v3"][version % 3]);
                    if drain == "fixed 2 s" {
                        config["drain_ms"] = json!(2000);
                        config["drain_until_idle"] = json!(false);
                    }
                    c.set(&name, config);
                    let t = Instant::now();
                    let result = c.run(&["--output", "json", "deploy", &name]).success().json();
                    row.add_deploy(t.elapsed(), &result);
                    std::thread::sleep(Duration::from_millis(300));
                }
                row.stats = finish(loads);
                rows.push(row);
            }
        }
        let loads = mixed_load(proxy.data_port(), &d, base, clients, slow_clients);
        std::thread::sleep(Duration::from_millis(500));
        let mut cli = DrainRow::new("fast + slow", "docker CLI");
        let mut blue = only_container(&name).id;
        for _ in 0..rounds {
            version += 1;
            let t = Instant::now();
            blue = docker_cli_swap(&c, proxy, &name, &d, &blue, ["v1", "v2", "v3"][version % 3], linger);
            cli.deploy_s.push(t.elapsed().as_secs_f64());
            cli.drain_ms.push(linger.as_secs_f64() * 1000.0);
            std::thread::sleep(Duration::from_millis(300));
        }
        cli.stats = finish(loads);
        rows.push(cli);

        println!(
            "\n{router}: {rounds} blue-green swaps per row, {clients} keep-alive clients ({} ms pause; with slow \
             ones: {slow_clients} of them on /cgi-bin/slow?ms=1000|2500|5000)",
            base.pause.as_millis()
        );
        println!(
            "| load | drain | requests | failed | retried | p99 ms | deploy s (mean) | drain ms (mean) | drain ended |"
        );
        println!("|---|---|---:|---:|---:|---:|---:|---:|---|");
        for r in &rows {
            let ended: Vec<String> = r.ended.iter().map(|(k, v)| format!("{k} {v}")).collect();
            println!(
                "| {} | {} | {} | **{}** | {} | {:.0} | {:.2} | {:.0} | {} |",
                r.load,
                r.drain,
                r.stats.sent,
                r.stats.failed,
                r.stats.retried,
                r.stats.quantile_ms(0.99),
                r.mean_deploy_s(),
                mean(&r.drain_ms),
                if ended.is_empty() {
                    "-".to_owned()
                } else {
                    ended.join(", ")
                }
            );
        }
        println!("mean phases of berth's deploys (ms):");
        for r in rows.iter().filter(|r| !r.phases.is_empty()) {
            let per: Vec<String> = r
                .phases
                .iter()
                .map(|(n, total)| format!("{n} {}", total / rounds.max(1)))
                .collect();
            println!("  {}, {}: {}", r.load, r.drain, per.join(" · "));
        }
        let mean_of = |load: &str, drain: &str| {
            rows.iter()
                .find(|r| r.load == load && r.drain == drain)
                .map(DrainRow::mean_deploy_s)
        };
        if let (Some(berth), Some(cli)) = (
            mean_of("fast + slow", "until idle"),
            mean_of("fast + slow", "docker CLI"),
        ) {
            println!(
                "fast + slow: mean deploy wall time, berth (until idle) / docker CLI (sleep {} ms): {berth:.2} s / \
                 {cli:.2} s = {:.2}",
                linger.as_millis(),
                berth / cli
            );
        }
        for r in rows.iter().filter(|r| r.stats.failed > 0) {
            println!("{}, {}: failures by kind {:?}", r.load, r.drain, r.stats.kinds);
        }
        for r in rows.iter().filter(|r| r.drain == "until idle" && r.stats.failed > 0) {
            failed_idle.push(format!("{router}, {}: {:#?}", r.load, r.stats.failures));
        }
    }
    assert!(
        failed_idle.is_empty(),
        "the idle drain dropped requests: {failed_idle:#?}"
    );
}
