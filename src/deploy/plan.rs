//! `deploy --dry-run`: the plan, from the store alone. Neither Docker nor
//! NPM is touched, so it also works where the daemon is unreachable.

use anyhow::Result;
use serde::Serialize;

use super::container::new_container_name;
use crate::config::{self, KindConfig, PullPolicy, SecretRef, SecretValue, Strategy, effective_strategy};
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
    let cfg = validated.config;
    // A reference the real deploy could not resolve fails the plan the
    // same way (exit 3); the values themselves are dropped at once.
    config::resolve_secrets(name, &cfg).map_err(BerthError::invalid_config)?;
    let eff = effective_strategy(&cfg);
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

    let mut steps = Vec::new();
    let references = secret_references(&cfg);
    if !references.is_empty() {
        steps.push(msg!("plan-resolve-secrets", references = references.join(", ")));
    }
    steps.push(msg!("plan-reconcile", workload = name));
    if !matches!(cfg.source, KindConfig::Compose(_)) {
        steps.push(msg!("plan-adopt", workload = name));
    }
    if let Some(r) = &route {
        let domains = r.domains.join(", ");
        steps.push(match r.router {
            RouterKind::Npm => match r.proxy_host_id {
                Some(id) => msg!("plan-preflight-npm-host", domains = &domains, id = id),
                None => msg!("plan-preflight-npm", domains = &domains),
            },
            RouterKind::Nginx => msg!("plan-preflight-nginx", domains = &domains, workload = name),
            RouterKind::Caddy => msg!("plan-preflight-caddy", domains = &domains, workload = name),
        });
    }
    steps.push(match &cfg.source {
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
    });
    let gate = match &cfg.common.healthcheck {
        Some(h) => msg!(
            "plan-gate-http",
            path = &h.path,
            count = h.healthy_threshold,
            ms = h.deadline_ms
        ),
        None => msg!("plan-gate-docker-or-liveness", ms = cfg.common.liveness_window_ms),
    };
    let route_step = route.as_ref().map(|r| {
        let how = match r.router {
            RouterKind::Npm if r.proxy_host_id.is_some() => msg!("plan-how-npm-put"),
            RouterKind::Npm => msg!("plan-how-npm-put-or-post"),
            RouterKind::Nginx => msg!("plan-how-nginx", workload = name),
            RouterKind::Caddy => msg!("plan-how-caddy"),
        };
        msg!(
            "plan-route",
            domains = r.domains.join(", "),
            host = r.forward_host.clone(),
            port = r.forward_port.unwrap_or(0),
            how = how
        )
    });
    let persist = msg!("plan-persist", container = &container_name);
    if let Some(swarm) = &cfg.common.swarm {
        let order = match eff.strategy {
            Strategy::BlueGreen => "start-first",
            Strategy::Recreate => "stop-first",
        };
        steps.push(msg!(
            "plan-swarm-service",
            service = &container_name,
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
        ));
        steps.push(msg!("plan-swarm-follow"));
        if let Some(r) = route_step {
            steps.push(msg!("plan-swarm-route", route = r));
        }
        steps.push(msg!("plan-swarm-persist", service = &container_name));
    } else if let KindConfig::Compose(_) = cfg.source {
        steps.push(gate);
        steps.extend(route_step);
        steps.push(msg!("plan-record-service"));
    } else if eff.strategy == Strategy::BlueGreen {
        let beside = match &current {
            Some(c) => msg!("verbatim", text = c),
            None => msg!("plan-nothing"),
        };
        steps.push(msg!("plan-start-green", container = &container_name, beside = beside));
        steps.push(gate);
        steps.extend(route_step);
        steps.push(persist);
        if let Some(c) = &current {
            steps.push(msg!(
                "plan-drain",
                container = c,
                quiet = u64::try_from(super::drain::QUIET.as_millis()).unwrap_or(u64::MAX),
                bound = cfg.common.drain_bound_ms(),
                fixed = cfg.common.drain_fixed_ms(),
                grace = cfg.common.stop_timeout_s
            ));
        }
    } else {
        if let Some(c) = &current {
            steps.push(msg!("plan-stop-park", container = c, grace = cfg.common.stop_timeout_s));
        }
        steps.push(msg!("plan-start", container = &container_name));
        steps.push(gate);
        steps.extend(route_step);
        steps.push(persist);
        if let Some(c) = &current {
            steps.push(msg!("plan-remove", container = c));
        }
    }
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

/// `env.DB_PASSWORD <- $DB_PASSWORD`, `build_args.TOKEN <- /run/secrets/token`:
/// where each reference of `cfg` comes from (never a value).
fn secret_references(cfg: &config::SourceConfig) -> Vec<String> {
    let build_args = match &cfg.source {
        KindConfig::Dockerfile(d) => Some(&d.build_args),
        _ => None,
    };
    let sections = [("env", Some(&cfg.common.env)), ("build_args", build_args)];
    let mut out = Vec::new();
    for (section, values) in sections {
        for (key, value) in values.into_iter().flatten() {
            match value {
                SecretValue::Ref(SecretRef::FromEnv(var)) => out.push(format!("{section}.{key} <- ${var}")),
                SecretValue::Ref(SecretRef::FromFile(file)) => out.push(format!("{section}.{key} <- {file}")),
                SecretValue::Plain(_) => {}
            }
        }
    }
    out
}
