//! `deploy --dry-run`: the plan, from the store alone. Neither Docker nor
//! NPM is touched, so it also works where the daemon is unreachable.

use anyhow::Result;
use serde::Serialize;

use super::container::new_container_name;
use crate::config::{self, KindConfig, PullPolicy, SecretRef, SecretValue, Strategy, effective_strategy};
use crate::error::BerthError;
use crate::proxy::RouterKind;
use crate::proxy::npm::{ForwardBy, NpmSettings};
use crate::store::Store;

#[derive(Debug, Serialize)]
pub struct DeployPlan {
    pub workload: String,
    pub kind: config::Kind,
    pub strategy: Strategy,
    pub strategy_forced: bool,
    pub strategy_reason: String,
    /// The container the state names now, if any.
    pub current: Option<String>,
    /// The name the new container would get.
    pub container_name: String,
    pub route: Option<RoutePlanView>,
    pub steps: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct RoutePlanView {
    /// `npm`, `nginx` or `caddy`.
    pub router: RouterKind,
    pub domains: Vec<String>,
    pub forward_host: String,
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
        KindConfig::Compose(c) => format!(
            "{} (service `{}` of stack `{}`)",
            c.service.as_deref().unwrap_or("-"),
            c.service.as_deref().unwrap_or("-"),
            super::compose::project_name(name, c)
        ),
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
            _ if cfg.common.swarm.is_some() => container_name.clone(),
            ForwardBy::Name => container_name.clone(),
            ForwardBy::Ip => format!("the IP of {container_name} on network `{}`", cfg.common.network),
        },
        forward_port: cfg.port(),
        proxy_host_id: state.as_ref().and_then(|s| s.route_id),
    });

    let mut steps = Vec::new();
    let references = secret_references(&cfg);
    if !references.is_empty() {
        steps.push(format!(
            "resolve the secret references (checked now: all resolve): {}",
            references.join(", ")
        ));
    }
    steps.push(format!(
        "reconcile `{name}` under its deploy lock (this store's and the Docker daemon's)"
    ));
    if !matches!(cfg.source, KindConfig::Compose(_)) {
        steps.push(format!(
            "if the daemon runs `{name}` from another store and this one has no record of it, adopt that container \
             as the current one (unless --no-adopt)"
        ));
    }
    if let Some(r) = &route {
        let domains = r.domains.join(", ");
        steps.push(match r.router {
            RouterKind::Npm => format!(
                "route pre-flight: log in to NPM, find the proxy host for {domains}{}",
                r.proxy_host_id.map(|id| format!(" (#{id})")).unwrap_or_default()
            ),
            RouterKind::Nginx => format!(
                "route pre-flight: `nginx -T` passes and includes berth-{name}.conf; no other server block \
                 serves {domains}; nginx runs"
            ),
            RouterKind::Caddy => format!(
                "route pre-flight: Caddy's admin API answers; no other route matches {domains}; at most one \
                 route has @id berth-{name}"
            ),
        });
    }
    steps.push(match &cfg.source {
        KindConfig::Image(i) => match i.pull {
            PullPolicy::Always => format!("pull {}", crate::source::normalize_reference(&i.image)),
            PullPolicy::Missing => format!("pull {} unless present", crate::source::normalize_reference(&i.image)),
        },
        KindConfig::Dockerfile(d) => format!("build {}/{} as berth/{name}:<deploy id>", d.context, d.dockerfile),
        KindConfig::Static(s) => match &s.root {
            Some(root) => format!("package {root} into {} at {}", s.server_image, s.server_root),
            None => format!(
                "use {} with volume `{}` at /data",
                s.server_image,
                s.storage.as_deref().unwrap_or("")
            ),
        },
        KindConfig::Compose(c) => format!(
            "docker compose -p {} -f {} up -d --remove-orphans",
            super::compose::project_name(name, c),
            c.file
        ),
    });
    let gate = match &cfg.common.healthcheck {
        Some(h) => format!(
            "gate: GET {} until {} answer(s) 2xx/3xx (deadline {} ms)",
            h.path, h.healthy_threshold, h.deadline_ms
        ),
        None => format!(
            "gate: the image's Docker HEALTHCHECK, else running for {} ms",
            cfg.common.liveness_window_ms
        ),
    };
    let route_step = route.as_ref().map(|r| {
        let how = match r.router {
            RouterKind::Npm if r.proxy_host_id.is_some() => "PUT in place",
            RouterKind::Npm => "PUT in place, or POST a new proxy host",
            RouterKind::Nginx => "write berth-<name>.conf atomically, nginx -T, reload, confirm new workers",
            RouterKind::Caddy => "PATCH the @id route in place, or insert it once; read it back",
        };
        format!(
            "point the route for {} at {}:{} ({})",
            r.domains.join(", "),
            r.forward_host,
            r.forward_port.unwrap_or(0),
            how.replace("<name>", name)
        )
    });
    if let Some(swarm) = &cfg.common.swarm {
        let order = match eff.strategy {
            Strategy::BlueGreen => "start-first",
            Strategy::Recreate => "stop-first",
        };
        steps.push(format!(
            "create service `{container_name}` ({} replicas, overlay network `{}`, endpoint mode {}), or update \
             it: {order}, parallelism {}, delay {} ms, monitor {} ms, failure_action rollback (nothing when the \
             spec is unchanged)",
            swarm.replicas,
            swarm.network,
            match swarm.endpoint_mode {
                crate::config::EndpointMode::Vip => "vip",
                crate::config::EndpointMode::Dnsrr => "dnsrr",
            },
            swarm.update.parallelism,
            swarm.update.delay_ms,
            swarm.monitor_ms(cfg.common.healthcheck.as_ref())
        ));
        steps.push(
            "follow the update until Swarm reports it completed (the old tasks stopped), paused or rolled back"
                .to_owned(),
        );
        if let Some(r) = &route_step {
            steps.push(format!("{r}; written only when it changed"));
        }
        steps.push(format!("persist `{container_name}` as the live service"));
    } else if let KindConfig::Compose(_) = cfg.source {
        steps.push(gate);
        steps.extend(route_step);
        steps.push("record the service container in the runtime state".to_owned());
    } else if eff.strategy == Strategy::BlueGreen {
        steps.push(format!(
            "create and start green `{container_name}` beside {}",
            current.as_deref().unwrap_or("(nothing)")
        ));
        steps.push(gate);
        steps.extend(route_step);
        steps.push(format!("persist `{container_name}` as the live container"));
        if let Some(c) = &current {
            steps.push(format!(
                "drain `{c}` until it is idle for {} ms (at most {} ms; a fixed {} ms where its connections cannot \
                 be seen), stop it ({} s grace), remove it",
                super::drain::QUIET.as_millis(),
                cfg.common.drain_bound_ms(),
                cfg.common.drain_fixed_ms(),
                cfg.common.stop_timeout_s
            ));
        }
    } else {
        if let Some(c) = &current {
            steps.push(format!(
                "stop `{c}` ({} s grace) and park it",
                cfg.common.stop_timeout_s
            ));
        }
        steps.push(format!("create and start `{container_name}`"));
        steps.push(gate);
        steps.extend(route_step);
        steps.push(format!("persist `{container_name}` as the live container"));
        if let Some(c) = &current {
            steps.push(format!("remove `{c}`"));
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
