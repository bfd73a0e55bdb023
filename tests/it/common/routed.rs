//! The set-up shared by the tests and benchmarks that deploy through a
//! router (`routers` tests, `bench/`): a case whose berth talks to a given
//! proxy, a first deploy checked through it, a redeploy.

use serde_json::Value;

use super::docker::{Case, only_container};
use super::fake_npm::routed;
use super::proxies::{Proxy, assert_through};

/// One case whose berth is configured for `proxy`.
pub fn setup(test: &str, proxy: &dyn Proxy) -> Case {
    let mut c = Case::new(test);
    for (k, v) in proxy.berth_env() {
        c.t.env(&k, &v);
    }
    c
}

pub fn domain(prefix: &str) -> String {
    super::fake_npm::new_domain(prefix)
}

/// `IP:8080` of the workload's one container.
pub fn address_of(container: &super::docker::Container) -> String {
    let ip = container
        .ip
        .clone()
        .unwrap_or_else(|| panic!("{} has no IP on the workload network", container.name));
    format!("{ip}:8080")
}

/// Adds the workload, deploys v1 and checks the route: its container.
pub fn deploy_v1(c: &Case, proxy: &dyn Proxy, name: &str, domain: &str) -> super::docker::Container {
    c.add(name, "image", routed("berth-test/app:v1", &[domain], 1500));
    let result = c.run(&["--output", "json", "deploy", name]).success().json();
    assert_eq!(
        result["router"],
        proxy.router(),
        "the result names the router: {result}"
    );
    assert!(result["route"].is_string(), "the result names the route: {result}");
    let blue = only_container(name);
    assert_eq!(
        proxy.route_target(name, domain),
        Some(address_of(&blue)),
        "the route forwards to blue's literal address"
    );
    assert_through(proxy, domain, "v1\n");
    blue
}

/// Sets the image and deploys (blue-green).
pub fn redeploy(c: &Case, name: &str, domain: &str, image: &str) -> Value {
    c.set(name, routed(image, &[domain], 1500));
    c.run(&["--output", "json", "deploy", name]).success().json()
}
