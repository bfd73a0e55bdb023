//! An in-memory Docker daemon and router for the flow tests. Every call
//! that changes something is written to one shared log, in order, together
//! with every change of the workload's state row seen between two calls,
//! so a test asserts the order of effects and not only the end state.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

use anyhow::{Result, anyhow};
use async_trait::async_trait;

use crate::docker::{ContainerInfo, ContainerSpec, ContainerSummary, Docker, Engine, HealthCheck, labels};
use crate::msg;
use crate::proxy::{NeverSent, Pointed, RoutePlan, RouteTarget, Router};
use crate::store::Store;

/// How a route write fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RouteFault {
    /// The proxy refused before applying it: the route did not move.
    NeverSent,
    /// The proxy applied it, then answered with an error.
    LandedThenFailed,
}

/// One container of the fake daemon.
#[derive(Debug, Clone)]
pub struct FakeContainer {
    pub id: String,
    pub name: String,
    pub image: String,
    pub running: bool,
    pub exit_code: i64,
    pub labels: HashMap<String, String>,
}

/// What the fake daemon and router hold, and the faults they inject.
#[derive(Default)]
pub struct World {
    pub log: Vec<String>,
    pub containers: Vec<FakeContainer>,
    pub images: Vec<String>,
    pub route: Option<String>,
    next_id: u32,
    /// The daemon locks' marker containers (their create and remove are
    /// not the flow's effects: left out of the log).
    locks: Vec<String>,
    /// Images whose containers report `unhealthy` (the gate fails).
    pub unhealthy_images: Vec<String>,
    /// The first route write to a container of this image fails this way.
    pub route_fault: Option<(String, RouteFault)>,
    /// A container of one of these images exits right after the route is
    /// pointed at it (a green that dies during the drain's watch).
    pub exit_when_routed: Vec<String>,
    /// The state row, read between calls: (store, workload id, the
    /// container id last seen).
    state: Option<(Store, i64, Option<String>)>,
}

impl World {
    /// Notes a change of the state row since the last entry, then `entry`.
    fn record(&mut self, entry: String) {
        self.note_state();
        self.log.push(entry);
    }

    /// Writes `state NAME (IMAGE)` when the state row names another
    /// container than last seen.
    pub fn note_state(&mut self) {
        let Some((store, workload_id, seen)) = &mut self.state else {
            return;
        };
        let now = store.runtime_state(*workload_id).expect("the test store answers");
        let id = now.as_ref().map(|s| s.container_id.clone());
        if id != *seen {
            let entry = now.map_or_else(|| "-".to_owned(), |s| format!("{} ({})", s.container_name, s.image_ref));
            self.log.push(format!("state {entry}"));
            *seen = id;
        }
    }

    fn find(&self, id_or_name: &str) -> Option<usize> {
        self.containers
            .iter()
            .position(|c| c.id == id_or_name || c.name == id_or_name)
    }

    fn name_of(&self, id: &str) -> String {
        self.find(id)
            .map_or_else(|| id.to_owned(), |i| self.containers[i].name.clone())
    }

    /// Adds a running container, as if an earlier deploy had created it.
    pub fn add_running(&mut self, name: &str, image: &str, labels: HashMap<String, String>) -> String {
        self.add(name, image, true, labels)
    }

    /// Adds a container; returns its id.
    fn add(&mut self, name: &str, image: &str, running: bool, labels: HashMap<String, String>) -> String {
        self.next_id += 1;
        let id = format!("c{}", self.next_id);
        self.containers.push(FakeContainer {
            id: id.clone(),
            name: name.to_owned(),
            image: image.to_owned(),
            running,
            exit_code: 0,
            labels,
        });
        id
    }

    pub fn container(&self, name: &str) -> Option<&FakeContainer> {
        self.containers.iter().find(|c| c.name == name)
    }
}

/// The shared world, and the log's order in assertions.
#[derive(Clone, Default)]
pub struct Shared(pub Arc<Mutex<World>>);

impl Shared {
    pub fn world(&self) -> MutexGuard<'_, World> {
        self.0.lock().expect("no test thread panicked holding the world")
    }

    /// Watches workload `workload_id`'s state row in the store at `db`.
    pub fn watch_state(&self, db: &Path, workload_id: i64) {
        let store = Store::open(db).expect("the test store opens");
        let seen = store
            .runtime_state(workload_id)
            .expect("the test store answers")
            .map(|s| s.container_id);
        self.world().state = Some((store, workload_id, seen));
    }

    /// The log, with the last state change noted.
    pub fn log(&self) -> Vec<String> {
        let mut w = self.world();
        w.note_state();
        w.log.clone()
    }
}

/// A daemon on another host (no `/proc` to read: the drain is fixed).
pub struct FakeEngine(pub Shared);

#[async_trait]
impl Engine for FakeEngine {
    fn host(&self) -> String {
        "fake://daemon".to_owned()
    }

    fn is_local(&self) -> bool {
        false
    }

    async fn reach(&self, addr: SocketAddr) -> Result<SocketAddr> {
        Ok(addr)
    }

    fn reaches_containers_directly(&self) -> bool {
        true
    }

    fn tunnels(&self) -> bool {
        false
    }

    fn bollard(&self) -> Option<&Docker> {
        None
    }

    fn cli_env(&self) -> Vec<(String, String)> {
        Vec::new()
    }

    async fn ensure_network(&self, _name: &str) -> Result<()> {
        Ok(())
    }

    async fn image_id(&self, reference: &str) -> Result<Option<String>> {
        let w = self.0.world();
        Ok(w.images.iter().any(|i| i == reference).then(|| reference.to_owned()))
    }

    async fn create_container(&self, spec: &ContainerSpec) -> Result<String> {
        let mut w = self.0.world();
        if w.find(&spec.name).is_some() {
            return Err(anyhow!(msg!("docker-create-container", container = &spec.name)));
        }
        let id = w.add(&spec.name, &spec.image, false, spec.labels.clone());
        w.record(format!("create {}", spec.name));
        Ok(id)
    }

    async fn create_marker(&self, name: &str, image: &str, labels: HashMap<String, String>) -> Result<Option<String>> {
        let mut w = self.0.world();
        if w.find(name).is_some() {
            return Ok(None);
        }
        let id = w.add(name, image, false, labels);
        w.locks.push(id.clone());
        Ok(Some(id))
    }

    async fn import_empty_image(&self, reference: &str) -> Result<()> {
        self.0.world().images.push(reference.to_owned());
        Ok(())
    }

    async fn start(&self, id: &str) -> Result<()> {
        let mut w = self.0.world();
        let i = w
            .find(id)
            .ok_or_else(|| anyhow!(msg!("docker-start", container = id)))?;
        w.containers[i].running = true;
        w.containers[i].exit_code = 0;
        let name = w.name_of(id);
        w.record(format!("start {name}"));
        Ok(())
    }

    async fn stop(&self, id: &str, _timeout_s: u64) -> Result<()> {
        let mut w = self.0.world();
        if let Some(i) = w.find(id) {
            w.containers[i].running = false;
            let name = w.name_of(id);
            w.record(format!("stop {name}"));
        }
        Ok(())
    }

    async fn rename(&self, id: &str, new_name: &str) -> Result<()> {
        let mut w = self.0.world();
        let i = w
            .find(id)
            .ok_or_else(|| anyhow!(msg!("docker-rename", container = id, name = new_name)))?;
        let old = std::mem::replace(&mut w.containers[i].name, new_name.to_owned());
        w.record(format!("rename {old} {new_name}"));
        Ok(())
    }

    async fn remove(&self, id: &str) -> Result<()> {
        let mut w = self.0.world();
        if let Some(i) = w.find(id) {
            let gone = w.containers.remove(i);
            if !w.locks.contains(&gone.id) {
                w.record(format!("remove {}", gone.name));
            }
        }
        Ok(())
    }

    async fn remove_image(&self, reference: &str) -> Result<()> {
        self.0.world().images.retain(|i| i != reference);
        Ok(())
    }

    async fn inspect(&self, id: &str) -> Result<Option<ContainerInfo>> {
        let mut w = self.0.world();
        // A look changes nothing, but shows the state row at this moment.
        w.note_state();
        Ok(w.find(id).map(|i| {
            let c = &w.containers[i];
            let health = if w.unhealthy_images.contains(&c.image) {
                "unhealthy"
            } else {
                "healthy"
            };
            ContainerInfo {
                id: c.id.clone(),
                name: c.name.clone(),
                image: c.image.clone(),
                running: c.running,
                restarting: false,
                status: if c.running { "running" } else { "exited" }.to_owned(),
                exit_code: c.exit_code,
                error: String::new(),
                health: c.running.then(|| health.to_owned()),
                health_check: Some(HealthCheck {
                    test: vec!["CMD".to_owned(), "true".to_owned()],
                    interval_ms: 10,
                    start_period_ms: 0,
                }),
                restart_count: 0,
                oom_killed: false,
                pid: 0,
                started_at: String::new(),
                labels: c.labels.clone(),
                ips: HashMap::from([("berth".to_owned(), "10.0.0.2".to_owned())]),
            }
        }))
    }

    async fn containers_with_label(&self, label: &str, value: &str) -> Result<Vec<ContainerSummary>> {
        let w = self.0.world();
        Ok(w.containers
            .iter()
            .filter(|c| c.labels.get(label).map(String::as_str) == Some(value))
            .map(|c| ContainerSummary {
                id: c.id.clone(),
                name: c.name.clone(),
                state: if c.running { "running" } else { "exited" }.to_owned(),
                labels: c.labels.clone(),
                created: 0,
            })
            .collect())
    }

    async fn logs_tail(&self, _id: &str, _lines: usize) -> String {
        String::new()
    }
}

/// A proxy that routes by container name, one route per workload.
pub struct FakeRouter(pub Shared);

#[async_trait]
impl Router for FakeRouter {
    async fn preflight(&self, _workload: &str, domains: &[String], remembered: Option<i64>) -> Result<RoutePlan> {
        Ok(RoutePlan {
            domains: domains.to_vec(),
            route_id: remembered.or(Some(1)),
        })
    }

    async fn point(&self, _workload: &str, plan: &RoutePlan, target: &RouteTarget) -> Result<Pointed> {
        let mut w = self.0.world();
        let image = w.find(&target.host).map(|i| w.containers[i].image.clone());
        let fault = match &w.route_fault {
            Some((faulty, _)) if Some(faulty) == image.as_ref() => w.route_fault.take().map(|(_, f)| f),
            _ => None,
        };
        if fault == Some(RouteFault::NeverSent) {
            w.record(format!("route-never-sent {}", target.host));
            return Err(NeverSent::wrap(anyhow!(msg!("docker-start", container = &target.host))));
        }
        let written = w.route.as_deref() != Some(target.host.as_str());
        w.route = Some(target.host.clone());
        w.record(format!("route {}", target.host));
        if let Some(i) = w.find(&target.host)
            && w.exit_when_routed.contains(&w.containers[i].image)
        {
            w.containers[i].running = false;
            w.containers[i].exit_code = 1;
        }
        if fault == Some(RouteFault::LandedThenFailed) {
            return Err(anyhow!(msg!("docker-start", container = &target.host)));
        }
        Ok(Pointed {
            route_id: plan.route_id,
            written,
        })
    }

    fn forwards_by_ip(&self) -> bool {
        false
    }

    fn name(&self) -> Option<&'static str> {
        Some("fake")
    }

    fn route_name(&self, _workload: &str, plan: &RoutePlan) -> Option<String> {
        plan.route_id.map(|id| format!("route #{id}"))
    }
}

/// The labels of a container this store's earlier deploy created.
pub fn our_labels(workload: &str, store_id: &str, deploy_id: i64) -> HashMap<String, String> {
    HashMap::from([
        (labels::WORKLOAD.to_owned(), workload.to_owned()),
        (labels::STORE.to_owned(), store_id.to_owned()),
        (labels::DEPLOY.to_owned(), deploy_id.to_string()),
        (labels::MANAGED.to_owned(), "true".to_owned()),
    ])
}
