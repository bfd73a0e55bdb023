//! `deploy --dry-run`: the plan, from the store alone. Neither Docker nor
//! NPM is touched, so it also works where the daemon is unreachable. Its
//! steps are the deploy's flow's list ([`super::steps`]), each said with
//! this workload's details (issue 15).

use anyhow::Result;
use serde::Serialize;

use super::container::new_container_name;
use super::steps::{Flow, Step, When};
use crate::config::{self, KindConfig, PullPolicy, Strategy, secret_references};
use crate::error::BerthError;
use crate::i18n::Msg;
use crate::msg;
use crate::proxy::RouterKind;
use crate::proxy::npm::{ForwardBy, NpmSettings};
use crate::store::Store;

#[derive(Debug, Serialize)]
pub struct DeployPlan {
    pub workload: String,
    pub kind: config::Kind,
    pub strategy: Strategy,
    pub strategy_forced: bool,
    pub strategy_reason: Msg,
    /// The container the state names now, if any.
    pub current: Option<String>,
    /// The name the new container would get.
    pub container_name: String,
    pub route: Option<RoutePlanView>,
    /// English in JSON, localized for people (see [`Msg`]).
    pub steps: Vec<Msg>,
}

#[derive(Debug, Serialize)]
pub struct RoutePlanView {
    /// `npm`, `nginx` or `caddy`.
    pub router: RouterKind,
    pub domains: Vec<String>,
    pub forward_host: Msg,
    pub forward_port: Option<u16>,
    pub proxy_host_id: Option<i64>,
}

pub fn plan(store: &Store, name: &str) -> Result<DeployPlan> {
    let workload = store.workload(name)?;
    let validated = workload.validate().map_err(BerthError::invalid_config)?;
    let (cfg, eff) = (validated.config, validated.strategy);
    // A reference the real deploy could not resolve fails the plan the
    // same way (exit 3); the values themselves are dropped at once.
    config::resolve_secrets(name, &cfg).map_err(BerthError::invalid_config)?;
    let state = store.runtime_state(workload.id)?;
    let current = state.as_ref().map(|s| s.container_name.clone());
    let container_name = match &cfg.source {
        KindConfig::Compose(c) => {
            let service = c.service.as_deref().unwrap_or("-");
            let project = super::compose::project_name(name, c);
            // A container name: English on purpose, it names compose's objects.
            format!("{service} (service `{service}` of stack `{project}`)")
        }
        _ if cfg.common.swarm.is_some() => super::swarm::service_name(name),
        _ => new_container_name(name, eff.strategy),
    };
    let router = RouterKind::load(store)?.0;
    // nginx and Caddy always forward to the container's literal IP.
    let forward_by = match router {
        RouterKind::Npm => NpmSettings::load(store)?.forward_by.0,
        RouterKind::Nginx | RouterKind::Caddy => ForwardBy::Ip,
    };
    let route = (!cfg.common.domains.is_empty()).then(|| RoutePlanView {
        router,
        domains: cfg.common.domains.clone(),
        forward_host: match forward_by {
            // A service is reached by its name on its overlay network.
            _ if cfg.common.swarm.is_some() => msg!("verbatim", text = &container_name),
            ForwardBy::Name => msg!("verbatim", text = &container_name),
            ForwardBy::Ip => msg!("plan-ip-of", container = &container_name, network = &cfg.common.network),
        },
        forward_port: cfg.port(),
        proxy_host_id: state.as_ref().and_then(|s| s.route_id),
    });

    let references = secret_references(&cfg);
    let flow = Flow::of(&cfg, eff.strategy);
    let holds = |when: When| match when {
        When::SecretRefs => !references.is_empty(),
        When::Routed => route.is_some(),
        When::Blue => current.is_some(),
        // Known only once the deploy runs: these steps' messages say when
        // ("if the daemon runs ...", "nothing when the spec is unchanged").
        When::Foreign | When::Changed => true,
        // The plan lists the gate and the record of a compose stack
        // without a `service` too, though its deploy ends after `up`
        // (kept as it was in issue 15).
        When::ComposeService => true,
    };
    let details = Details {
        name,
        cfg: &cfg,
        strategy: eff.strategy,
        flow,
        current: current.as_deref(),
        container_name: &container_name,
        route: route.as_ref(),
        references: &references,
    };
    let steps = flow
        .steps_where(holds)
        .filter_map(|step| details.message(step))
        .collect();
    Ok(DeployPlan {
        workload: workload.name,
        kind: workload.kind,
        strategy: eff.strategy,
        strategy_forced: eff.forced,
        strategy_reason: eff.reason,
        current,
        container_name,
        route,
        steps,
    })
}

/// What the plan's step messages say of one workload.
struct Details<'a> {
    name: &'a str,
    cfg: &'a config::SourceConfig,
    strategy: Strategy,
    flow: Flow,
    /// The container the state names now (blue).
    current: Option<&'a str>,
    /// The name the new container (or service) would get.
    container_name: &'a str,
    route: Option<&'a RoutePlanView>,
    references: &'a [String],
}

impl Details<'_> {
    /// What `step` of the plan's flow would do. None only where the step's
    /// condition does not hold (no blue, no route, no `swarm`), which
    /// [`Flow::steps_where`] already left out.
    fn message(&self, step: Step) -> Option<Msg> {
        let name = self.name;
        let cfg = self.cfg;
        Some(match step {
            Step::ResolveSecrets => msg!("plan-resolve-secrets", references = self.references.join(", ")),
            Step::Reconcile => msg!("plan-reconcile", workload = name),
            Step::Adopt => msg!("plan-adopt", workload = name),
            Step::Preflight => {
                let r = self.route?;
                let domains = r.domains.join(", ");
                match r.router {
                    RouterKind::Npm => match r.proxy_host_id {
                        Some(id) => msg!("plan-preflight-npm-host", domains = &domains, id = id),
                        None => msg!("plan-preflight-npm", domains = &domains),
                    },
                    RouterKind::Nginx => msg!("plan-preflight-nginx", domains = &domains, workload = name),
                    RouterKind::Caddy => msg!("plan-preflight-caddy", domains = &domains, workload = name),
                }
            }
            Step::Prepare | Step::ComposeUp => self.prepare(),
            Step::StopBlue => msg!(
                "plan-stop-park",
                container = self.current?,
                grace = cfg.common.stop_timeout_s
            ),
            Step::Start if self.flow == Flow::BlueGreen => {
                let beside = match self.current {
                    Some(c) => msg!("verbatim", text = c),
                    None => msg!("plan-nothing"),
                };
                msg!("plan-start-green", container = self.container_name, beside = beside)
            }
            Step::Start => msg!("plan-start", container = self.container_name),
            Step::Gate => match &cfg.common.healthcheck {
                Some(h) => msg!(
                    "plan-gate-http",
                    path = &h.path,
                    count = h.healthy_threshold,
                    ms = h.deadline_ms
                ),
                None => msg!("plan-gate-docker-or-liveness", ms = cfg.common.liveness_window_ms),
            },
            Step::Route if self.flow == Flow::Swarm => msg!("plan-swarm-route", route = self.route()?),
            Step::Route => self.route()?,
            Step::Persist => match self.flow {
                Flow::Compose => msg!("plan-record-service"),
                Flow::Swarm => msg!("plan-swarm-persist", service = self.container_name),
                Flow::BlueGreen | Flow::Recreate => msg!("plan-persist", container = self.container_name),
            },
            Step::DrainBlue => msg!(
                "plan-drain",
                container = self.current?,
                quiet = u64::try_from(super::drain::QUIET.as_millis()).unwrap_or(u64::MAX),
                bound = cfg.common.drain_bound_ms(),
                fixed = cfg.common.drain_fixed_ms(),
                grace = cfg.common.stop_timeout_s,
                watch = cfg.common.green_watch_ms()
            ),
            Step::RemoveBlue => msg!(
                "plan-watch-remove",
                container = self.current?,
                watch = cfg.common.recreate_watch_ms()
            ),
            Step::Service => {
                let swarm = cfg.common.swarm.as_ref()?;
                let order = match self.strategy {
                    Strategy::BlueGreen => "start-first",
                    Strategy::Recreate => "stop-first",
                };
                msg!(
                    "plan-swarm-service",
                    service = self.container_name,
                    replicas = swarm.replicas,
                    network = &swarm.network,
                    mode = match swarm.endpoint_mode {
                        crate::config::EndpointMode::Vip => "vip",
                        crate::config::EndpointMode::Dnsrr => "dnsrr",
                    },
                    order = order,
                    parallelism = swarm.update.parallelism,
                    delay = swarm.update.delay_ms,
                    monitor = swarm.monitor_ms(cfg.common.healthcheck.as_ref())
                )
            }
            Step::Follow => msg!("plan-swarm-follow"),
        })
    }

    /// Step 3 for the workload's kind; for a compose stack, its `up`.
    fn prepare(&self) -> Msg {
        let name = self.name;
        match &self.cfg.source {
            KindConfig::Image(i) => match i.pull {
                PullPolicy::Always => msg!("plan-pull", image = crate::source::normalize_reference(&i.image)),
                PullPolicy::Missing => msg!(
                    "plan-pull-missing",
                    image = crate::source::normalize_reference(&i.image)
                ),
            },
            KindConfig::Dockerfile(d) => msg!(
                "plan-build",
                context = &d.context,
                dockerfile = &d.dockerfile,
                workload = name
            ),
            KindConfig::Static(s) => match &s.root {
                Some(root) => msg!(
                    "plan-package",
                    root = root,
                    image = &s.server_image,
                    path = &s.server_root
                ),
                None => msg!(
                    "plan-storage",
                    image = &s.server_image,
                    volume = s.storage.as_deref().unwrap_or("")
                ),
            },
            KindConfig::Compose(c) => msg!(
                "verbatim",
                text = format!(
                    "docker compose -p {} -f {} up -d --remove-orphans",
                    super::compose::project_name(name, c),
                    c.file
                )
            ),
        }
    }

    /// Step 6: where the route would point, and how the router writes it.
    fn route(&self) -> Option<Msg> {
        let r = self.route?;
        let how = match r.router {
            RouterKind::Npm if r.proxy_host_id.is_some() => msg!("plan-how-npm-put"),
            RouterKind::Npm => msg!("plan-how-npm-put-or-post"),
            RouterKind::Nginx => msg!("plan-how-nginx", workload = self.name),
            RouterKind::Caddy => msg!("plan-how-caddy"),
        };
        Some(msg!(
            "plan-route",
            domains = r.domains.join(", "),
            host = r.forward_host.clone(),
            port = r.forward_port.unwrap_or(0),
            how = how
        ))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::plan;
    use crate::config::Kind;
    use crate::store::{RuntimeState, Store, now_rfc3339};

    /// The message ids of the plan of `cfg` (a `kind` workload `web`),
    /// with `web-old` live when `live`, on `router`.
    fn ids(router: &str, kind: Kind, cfg: Value, live: bool) -> Vec<&'static str> {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::open(&dir.path().join("berth.db")).expect("store opens");
        store.set_setting(crate::proxy::ROUTER_KEY, router).expect("router set");
        let workload = store.insert_workload("web", kind, &cfg).expect("workload inserted");
        if live {
            store
                .persist_runtime_state(&RuntimeState {
                    workload_id: workload.id,
                    container_id: "c1".to_owned(),
                    container_name: "web-old".to_owned(),
                    image_ref: "app:v1".to_owned(),
                    strategy: crate::config::Strategy::BlueGreen,
                    deploy_id: None,
                    route_id: Some(3),
                    deployed_at: now_rfc3339(),
                })
                .expect("state persisted");
        }
        let plan = plan(&store, "web").expect("a plan");
        plan.steps.iter().map(crate::i18n::Msg::id).collect()
    }

    /// The dry run's steps, flow by flow, as they were before they came
    /// from [`crate::deploy::steps`] (issue 15).
    #[test]
    fn each_flow_plans_its_steps_in_order() {
        let routed = |mut cfg: Value| {
            cfg["domains"] = json!(["web.example.test"]);
            cfg["port"] = json!(8080);
            cfg
        };
        let bg = routed(json!({ "image": "app:v2" }));
        assert_eq!(
            ids("npm", Kind::Image, bg, true),
            [
                "plan-reconcile",
                "plan-adopt",
                "plan-preflight-npm-host",
                "plan-pull",
                "plan-start-green",
                "plan-gate-docker-or-liveness",
                "plan-route",
                "plan-persist",
                "plan-drain",
            ]
        );
        let recreate = json!({ "image": "app:v2", "deploy_strategy": "recreate", "pull": "missing" });
        assert_eq!(
            ids("npm", Kind::Image, recreate.clone(), true),
            [
                "plan-reconcile",
                "plan-adopt",
                "plan-pull-missing",
                "plan-stop-park",
                "plan-start",
                "plan-gate-docker-or-liveness",
                "plan-persist",
                "plan-watch-remove",
            ]
        );
        assert_eq!(
            ids("nginx", Kind::Image, routed(recreate), false),
            [
                "plan-reconcile",
                "plan-adopt",
                "plan-preflight-nginx",
                "plan-pull-missing",
                "plan-start",
                "plan-gate-docker-or-liveness",
                "plan-route",
                "plan-persist",
            ]
        );
        let swarm = routed(json!({ "image": "app:v2", "swarm": { "replicas": 2 } }));
        assert_eq!(
            ids("caddy", Kind::Image, swarm, true),
            [
                "plan-reconcile",
                "plan-adopt",
                "plan-preflight-caddy",
                "plan-pull",
                "plan-swarm-service",
                "plan-swarm-follow",
                "plan-swarm-route",
                "plan-swarm-persist",
            ]
        );
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("compose.yml");
        std::fs::write(&file, "services: {}\n").expect("compose file");
        let secret = dir.path().join("secret");
        std::fs::write(&secret, "s3cret\n").expect("secret");
        let mut compose = routed(json!({ "file": file, "service": "web" }));
        compose["env"] = json!({ "DB": { "from_file": secret } });
        assert_eq!(
            ids("npm", Kind::Compose, compose, false),
            [
                "plan-resolve-secrets",
                "plan-reconcile",
                "plan-preflight-npm",
                "verbatim",
                "plan-gate-docker-or-liveness",
                "plan-route",
                "plan-record-service",
            ]
        );
    }
}
