//! berth's proxy benchmarks: measurements to record in BENCHMARKS.md, not
//! tests (they assert nothing about time). Each runs the real `berth`
//! binary against the real Docker daemon and a real proxy on loopback,
//! with the test suite's helpers (`tests/it/common`), after `scripts/test`
//! set the machine up.
//!
//!   cargo bench --bench proxies -- zero-drop          (bench/zero-drop.sh)
//!   cargo bench --bench proxies -- router-zero-drop   (BENCH_ROUTERS=npm-real,npm,nginx,caddy)
//!   cargo bench --bench proxies -- drain              (bench/drain.sh)
//!   cargo bench --bench proxies -- swarm-zero-drop    (BENCH_CLIENTS=4,32)

#[path = "../tests/it/common/mod.rs"]
mod common;
mod drain;
mod swarm;
mod zero_drop;

use common::fake_npm::FakeNpm;
use common::proxies::{CaddyProxy, NginxProxy, Proxy, RealNpm};

// ---- benchmarks -----------------------------------------------------------------------------

/// A benchmark's proxy by its BENCH_ROUTERS name: `npm-real` (the real NPM
/// 2.15.1 of ../shared/npm-real; None when this machine skips it), `npm`
/// (the fake NPM, whose data plane is a real nginx), `nginx`, `caddy`.
pub fn bench_proxy(router: &str) -> Option<Box<dyn Proxy>> {
    Some(match router {
        "npm" => Box::new(FakeNpm::start_blocking()),
        "npm-real" => Box::new(RealNpm::start()?),
        "nginx" => Box::new(NginxProxy::start()),
        "caddy" => Box::new(CaddyProxy::start()),
        other => panic!("BENCH_ROUTERS: unknown router {other}"),
    })
}

fn main() {
    // `cargo bench` passes `--bench`; the benchmark's name is the first
    // argument that is not a flag.
    let which = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    match which.as_deref() {
        Some("zero-drop") => zero_drop::through_nginx(),
        Some("router-zero-drop") => zero_drop::per_router(),
        Some("drain") => drain::per_router(),
        Some("swarm-zero-drop") => swarm::failed_requests(),
        other => {
            eprintln!(
                "which benchmark? {other:?}: cargo bench --bench proxies -- zero-drop | router-zero-drop | drain | swarm-zero-drop"
            );
            std::process::exit(2);
        }
    }
}
