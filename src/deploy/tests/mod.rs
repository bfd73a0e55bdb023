//! The ordering rules of the deploy flows, against an in-memory daemon and
//! router ([`fakes`]): no Docker, no proxy, milliseconds per test. Each test
//! asserts the whole log of effects (container calls, route writes, state
//! row changes) in the order they happened.

mod fakes;

use std::sync::Arc;
use std::time::Instant;

use serde_json::json;

use super::steps::{Flow, Step, When};
use super::{DeployEnv, DeployOptions, DeployResult, Session, cancel::Cancel, deploy_locked, is_rolled_back};
use crate::config::{EffectiveStrategy, Kind, SourceConfig, resolve_secrets};
use crate::docker::Daemons;
use crate::output::{OutputFormat, Printer};
use crate::source::Artifact;
use crate::store::{RuntimeState, Store, Workload, now_rfc3339};
use fakes::{FakeEngine, FakeRouter, RouteFault, Shared, our_labels};

const NEW_IMAGE: &str = "sha256:v2";

/// A workload `web` in a temp store, its daemon and router in memory.
struct Fixture {
    _dir: tempfile::TempDir,
    shared: Shared,
    env: DeployEnv,
    store: Store,
    workload: Workload,
    config: SourceConfig,
    /// The strategy validation resolved for `config`.
    strategy: EffectiveStrategy,
    store_id: String,
}

impl Fixture {
    /// `strategy`: `blue-green` or `recreate`. The gate asks Docker's
    /// health check (the fake reports it); drains and watches are 20 ms.
    fn new(strategy: &str) -> Fixture {
        Fixture::with_config(config_of(strategy))
    }

    /// `web` with config `cfg` (an image workload).
    fn with_config(cfg: serde_json::Value) -> Fixture {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("berth.db");
        let store = Store::open(&db).expect("store opens");
        let workload = store
            .insert_workload("web", Kind::Image, &cfg)
            .expect("workload inserted");
        let validated = workload.validate().expect("valid config");
        let (config, strategy) = (validated.config, validated.strategy);
        let store_id = store.store_id().expect("store id");
        let shared = Shared::default();
        shared.world().images.push(NEW_IMAGE.to_owned());
        let env = DeployEnv {
            docker: Arc::new(FakeEngine(shared.clone())),
            session: Session {
                daemons: Daemons::new(),
                router: Arc::new(FakeRouter(shared.clone())),
                printer: Printer::new(OutputFormat::Human, true, true),
                db_path: db,
                cancel: Cancel::new(),
                progress: None,
            },
        };
        Fixture {
            _dir: dir,
            shared,
            env,
            store,
            workload,
            config,
            strategy,
            store_id,
        }
    }

    /// A running `web` of an earlier deploy, named by the state row, the
    /// route on it; from here on the log records what happens.
    fn with_blue(self) -> Fixture {
        let id = self
            .shared
            .world()
            .add_running("web", "sha256:v1", our_labels("web", &self.store_id, 0));
        self.persist("web", &id);
        self.shared.world().route = Some("web".to_owned());
        self.shared.watch_state(&self.env.db_path, self.workload.id);
        self
    }

    fn persist(&self, name: &str, id: &str) {
        self.store
            .persist_runtime_state(&RuntimeState {
                workload_id: self.workload.id,
                container_id: id.to_owned(),
                container_name: name.to_owned(),
                image_ref: "app:v1".to_owned(),
                strategy: crate::config::Strategy::BlueGreen,
                deploy_id: None,
                route_id: Some(1),
                deployed_at: now_rfc3339(),
            })
            .expect("state persisted");
    }

    /// Deploys `app:v2` (already on the daemon) the way `berth deploy` does
    /// once it holds the locks.
    async fn deploy(&self) -> anyhow::Result<DeployResult> {
        let secrets = resolve_secrets("web", &self.config).expect("no secrets to resolve");
        let opts = DeployOptions {
            artifact: Some(Artifact {
                image_id: NEW_IMAGE.to_owned(),
                reference: "app:v2".to_owned(),
            }),
            ..Default::default()
        };
        deploy_locked(
            &self.env,
            &self.store,
            &self.workload,
            &self.config,
            &secrets,
            &self.strategy,
            &self.store_id,
            &opts,
            Instant::now(),
        )
        .await
    }

    fn log(&self) -> Vec<String> {
        self.shared.log()
    }

    /// The name of the container this deploy created beside `web`.
    fn green(&self) -> String {
        self.log()
            .iter()
            .find_map(|e| e.strip_prefix("create "))
            .expect("a container was created")
            .to_owned()
    }

    fn state_names(&self) -> String {
        self.store
            .runtime_state(self.workload.id)
            .expect("state readable")
            .map(|s| s.container_name)
            .unwrap_or_default()
    }

    fn route(&self) -> Option<String> {
        self.shared.world().route.clone()
    }

    /// Blue runs, the route and the state row name it: as before the deploy.
    fn assert_blue_serves(&self) {
        assert_eq!(self.route().as_deref(), Some("web"), "the route is on blue");
        assert_eq!(self.state_names(), "web", "the state row names blue");
        assert!(self.running("web"), "blue runs");
    }

    fn running(&self, name: &str) -> bool {
        self.shared.world().container(name).is_some_and(|c| c.running)
    }
}

/// The config of [`Fixture::new`]: `app:v2` routed on `web.example.test`.
fn config_of(strategy: &str) -> serde_json::Value {
    json!({
        "image": "app:v2",
        "port": 8080,
        "domains": ["web.example.test"],
        "deploy_strategy": strategy,
        "healthcheck": { "mode": "docker", "deadline_ms": 2000 },
        "drain_ms": 20,
        "liveness_window_ms": 20,
        "stop_timeout_s": 1,
    })
}

/// The log with `green` written as `GREEN`, for exact comparisons.
fn shown(log: &[String], green: &str) -> Vec<String> {
    log.iter().map(|e| e.replace(green, "GREEN")).collect()
}

/// A recreate up to its gate: blue stopped and parked, the new one started
/// under the stable name (reconcile first confirmed the route on blue).
const PARKED_AND_REPLACED: [&str; 5] = ["route web", "stop web", "rename web PARKED", "create web", "start web"];

/// Recreate's restore: park the failed new container, give blue its name
/// back, start it, confirm the route on it, only then remove the failed one.
const RESTORED: [&str; 6] = [
    "stop web",
    "rename web FAILED",
    "rename PARKED web",
    "start web",
    "route web",
    "remove FAILED",
];

/// The log of a recreate, with the names `web` was parked under written
/// `PARKED` (blue, `web-xxxxxx-old`) and `FAILED` (a failed new one,
/// `web-xxxxxx-failed`).
fn recreate_log(f: &Fixture) -> Vec<String> {
    let log = f.log();
    let renamed: Vec<String> = log
        .iter()
        .filter_map(|e| e.strip_prefix("rename web "))
        .map(str::to_owned)
        .collect();
    log.into_iter()
        .map(|e| {
            renamed.iter().fold(e, |e, name| {
                let shown = if name.ends_with("-old") { "PARKED" } else { "FAILED" };
                e.replace(name.as_str(), shown)
            })
        })
        .collect()
}

#[tokio::test]
async fn blue_green_persists_and_routes_to_green_before_blue_is_stopped_and_removed() {
    let f = Fixture::new("blue-green").with_blue();
    let result = f.deploy().await.expect("deploy succeeds");
    let green = f.green();
    assert_eq!(result.container, green);
    assert_eq!(
        shown(&f.log(), &green),
        [
            // reconcile confirms the route on blue (no write: it is there)
            "route web",
            "create GREEN",
            "start GREEN",
            "route GREEN",
            "state GREEN (app:v2)",
            "stop web",
            "remove web",
        ]
    );
    assert_eq!(f.route().as_deref(), Some(green.as_str()));
    assert!(f.running(&green));
}

#[tokio::test]
async fn blue_green_keeps_blue_serving_when_green_fails_readiness() {
    let f = Fixture::new("blue-green").with_blue();
    f.shared.world().unhealthy_images.push(NEW_IMAGE.to_owned());
    let err = f.deploy().await.expect_err("green is unhealthy");
    assert!(super::gate::is_not_ready(&err), "{err:#}");
    let green = f.green();
    assert_eq!(
        shown(&f.log(), &green),
        ["route web", "create GREEN", "start GREEN", "remove GREEN"]
    );
    f.assert_blue_serves();
}

#[tokio::test]
async fn blue_green_rolls_back_to_blue_when_green_exits_during_the_drain() {
    let f = Fixture::new("blue-green").with_blue();
    f.shared.world().exit_when_routed.push(NEW_IMAGE.to_owned());
    let err = f.deploy().await.expect_err("green exits after the switch");
    assert!(is_rolled_back(&err), "{err:#}");
    let green = f.green();
    assert_eq!(
        shown(&f.log(), &green),
        [
            "route web",
            "create GREEN",
            "start GREEN",
            "route GREEN",
            "state GREEN (app:v2)",
            // blue back in the state row first, then the route, then green goes
            "state web (app:v1)",
            "route web",
            "remove GREEN",
        ]
    );
    f.assert_blue_serves();
}

#[tokio::test]
async fn blue_green_removes_green_when_the_route_write_was_never_sent() {
    let f = Fixture::new("blue-green").with_blue();
    f.shared.world().route_fault = Some((NEW_IMAGE.to_owned(), RouteFault::NeverSent));
    let err = f.deploy().await.expect_err("the switch never took effect");
    assert!(crate::proxy::never_sent(&err), "{err:#}");
    let green = f.green();
    assert_eq!(
        shown(&f.log(), &green),
        [
            "route web",
            "create GREEN",
            "start GREEN",
            "route-never-sent GREEN",
            "remove GREEN"
        ]
    );
    f.assert_blue_serves();
}

#[tokio::test]
async fn blue_green_routes_back_to_blue_before_removing_green_when_a_failed_write_may_have_landed() {
    let f = Fixture::new("blue-green").with_blue();
    f.shared.world().route_fault = Some((NEW_IMAGE.to_owned(), RouteFault::LandedThenFailed));
    f.deploy().await.expect_err("the route write failed");
    let green = f.green();
    assert_eq!(
        shown(&f.log(), &green),
        [
            "route web",
            "create GREEN",
            "start GREEN",
            "route GREEN",
            "route web",
            "remove GREEN"
        ]
    );
    f.assert_blue_serves();
}

#[tokio::test]
async fn recreate_parks_blue_and_removes_it_only_after_the_new_one_is_recorded() {
    let f = Fixture::new("recreate").with_blue();
    let result = f.deploy().await.expect("deploy succeeds");
    assert_eq!(result.container, "web");
    assert_eq!(
        recreate_log(&f),
        [
            "route web",
            "stop web",
            "rename web PARKED",
            "create web",
            "start web",
            "route web",
            "state web (app:v2)",
            "remove PARKED",
        ]
    );
}

#[tokio::test]
async fn recreate_restores_blue_when_the_new_container_fails_its_gate() {
    let f = Fixture::new("recreate").with_blue();
    f.shared.world().unhealthy_images.push(NEW_IMAGE.to_owned());
    let err = f.deploy().await.expect_err("the new container is unhealthy");
    assert!(super::gate::is_not_ready(&err), "{err:#}");
    assert_eq!(recreate_log(&f), [&PARKED_AND_REPLACED[..], &RESTORED[..]].concat());
    f.assert_blue_serves();
}

#[tokio::test]
async fn recreate_writes_blue_back_then_restores_it_when_the_new_container_exits_in_its_watch() {
    let f = Fixture::new("recreate").with_blue();
    f.shared.world().exit_when_routed.push(NEW_IMAGE.to_owned());
    let err = f.deploy().await.expect_err("the new container exits after the switch");
    assert!(is_rolled_back(&err), "{err:#}");
    let switched = ["route web", "state web (app:v2)", "state web (app:v1)"];
    // Blue is back in the state row before anything is undone.
    assert_eq!(
        recreate_log(&f),
        [&PARKED_AND_REPLACED[..], &switched[..], &RESTORED[..]].concat()
    );
    f.assert_blue_serves();
}

#[tokio::test]
async fn a_first_blue_green_deploy_is_routed_then_recorded() {
    let f = Fixture::new("blue-green");
    f.shared.watch_state(&f.env.db_path, f.workload.id);
    let result = f.deploy().await.expect("deploy succeeds");
    let green = f.green();
    assert_eq!(result.container, green);
    assert_eq!(
        shown(&f.log(), &green),
        ["create GREEN", "start GREEN", "route GREEN", "state GREEN (app:v2)"]
    );
}

#[tokio::test]
async fn reconcile_after_a_crash_past_the_route_write_routes_back_to_blue_before_removing_green() {
    let f = Fixture::new("blue-green").with_blue();
    // The deploy died between its route write and its persist: green runs,
    // the route names it, the state row still names blue.
    f.shared
        .world()
        .add_running("web-abc123", NEW_IMAGE, our_labels("web", &f.store_id, 7));
    f.shared.world().route = Some("web-abc123".to_owned());
    let report = super::reconcile::reconcile_locked(&f.env, &f.store, &f.workload, &f.config)
        .await
        .expect("reconcile succeeds");
    assert_eq!(report.removed, ["web-abc123"]);
    assert_eq!(f.log(), ["route web", "remove web-abc123"]);
    f.assert_blue_serves();
}

// ---- The flows take the steps of their lists (issue 15) -------------------------------------

/// What held for one deploy: which conditional steps of its flow's list
/// (see [`super::steps`]) it should have taken.
#[derive(Clone, Copy, Default)]
struct Held {
    secrets: bool,
    routed: bool,
    blue: bool,
    foreign: bool,
}

/// The steps of `flow`'s list that a deploy where `held` takes, in order:
/// what `deploy --dry-run` says, less what the plan cannot know.
fn listed(flow: Flow, held: Held) -> Vec<Step> {
    flow.steps_where(|when| match when {
        When::SecretRefs => held.secrets,
        When::Routed => held.routed,
        When::Blue => held.blue,
        When::Foreign => held.foreign,
        // Neither is in the blue-green or recreate list.
        When::ComposeService | When::Changed => false,
    })
    .collect()
}

/// Deploys `web` (`strategy`, routed or not, over a blue or not) and
/// asserts that the steps it took are its flow's list.
async fn assert_takes_its_steps(strategy: &str, flow: Flow, routed: bool, blue: bool) {
    let mut cfg = config_of(strategy);
    if !routed && let Some(obj) = cfg.as_object_mut() {
        obj.remove("domains");
    }
    let mut f = Fixture::with_config(cfg);
    if blue {
        f = f.with_blue();
    }
    let result = f.deploy().await.expect("deploy succeeds");
    let held = Held {
        routed,
        blue,
        ..Held::default()
    };
    assert_eq!(
        result.steps,
        listed(flow, held),
        "{strategy}, routed: {routed}, blue: {blue}; log: {:?}",
        f.log()
    );
}

#[tokio::test]
async fn a_blue_green_deploy_takes_the_steps_of_its_list() {
    for (routed, blue) in [(true, false), (true, true), (false, false), (false, true)] {
        assert_takes_its_steps("blue-green", Flow::BlueGreen, routed, blue).await;
    }
}

#[tokio::test]
async fn a_recreate_deploy_takes_the_steps_of_its_list() {
    for (routed, blue) in [(true, false), (true, true), (false, false), (false, true)] {
        assert_takes_its_steps("recreate", Flow::Recreate, routed, blue).await;
    }
}

#[tokio::test]
async fn an_adopting_deploy_with_secrets_takes_the_steps_of_its_list() {
    let secret = tempfile::NamedTempFile::new().expect("temp file");
    std::fs::write(secret.path(), "s3cret\n").expect("secret written");
    for (strategy, flow) in [("blue-green", Flow::BlueGreen), ("recreate", Flow::Recreate)] {
        let mut cfg = config_of(strategy);
        cfg["env"] = json!({ "DB": { "from_file": secret.path() } });
        let f = Fixture::with_config(cfg);
        // Another store's `web` runs: this deploy takes it over as blue.
        f.shared
            .world()
            .add_running("web", "sha256:v1", our_labels("web", "another-store", 3));
        let result = f.deploy().await.expect("deploy succeeds");
        assert!(result.adopted.is_some(), "{strategy}: web was adopted");
        let held = Held {
            secrets: true,
            routed: true,
            blue: true,
            foreign: true,
        };
        assert_eq!(result.steps, listed(flow, held), "{strategy}; log: {:?}", f.log());
    }
}
