//! `berth status [NAME]`: what is deployed, and is it running.

use anyhow::Result;
use serde::Serialize;

use super::Ctx;
use crate::cli::StatusArgs;
use crate::deploy::adopt::created_by;
use crate::docker::Engine as _;
use crate::docker::labels;

#[derive(Serialize)]
struct StatusRow {
    workload: String,
    kind: String,
    /// The daemon the workload runs on (`unix:///var/run/docker.sock`,
    /// `ssh://deploy@web-1`, `... (context NAME)`); never credentials.
    docker_host: String,
    /// Whether that daemon answered (false: the row is the store's view).
    reachable: bool,
    deployed: bool,
    container: Option<String>,
    container_id: Option<String>,
    image: Option<String>,
    /// The id (`sha256:...`) of the image the container runs: a tag can
    /// move after a deploy, the id cannot. Null without a daemon or a container.
    image_id: Option<String>,
    strategy: Option<String>,
    deploy_id: Option<i64>,
    since: Option<String>,
    /// running, exited, ... or `missing` when the container is gone.
    state: Option<String>,
    health: Option<String>,
    /// Whose container runs the workload on the daemon (issue 18): `this`
    /// (this store's), `other` (another store's, or an older berth's),
    /// `none`, or `unknown` without a daemon.
    owner: Owner,
    /// The running container `owner` refers to.
    running_container: Option<String>,
    /// The id of the store that created it; null for an older berth or `none`.
    running_store: Option<String>,
    /// The router of a workload with domains (`npm`, `nginx`, `caddy`).
    router: Option<&'static str>,
    /// The route in it (`proxy host #3`, a file, `@id berth-web`).
    route: Option<String>,
    /// Whether the route agrees with the state: `ok`, `missing` (it
    /// vanished: `berth reconcile` adds it again), `stale` (it forwards
    /// elsewhere: `berth reconcile` repoints it), `unknown` (the router
    /// could not be read, or nothing is deployed).
    route_state: Option<&'static str>,
    /// Where the route forwards now, when it exists.
    route_target: Option<String>,
}

#[derive(Serialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
enum Owner {
    This,
    Other,
    None,
    Unknown,
}

pub async fn exec(ctx: &Ctx, args: &StatusArgs) -> Result<()> {
    let store = ctx.store()?;
    let workloads = match &args.name {
        Some(name) => vec![store.workload(name)?],
        None => store.workloads()?,
    };
    // Each workload on its own daemon, each daemon connected once; without
    // one, still show what the store says is deployed there.
    let daemons = crate::docker::Daemons::new();
    let mut warned: Vec<crate::docker::DaemonRef> = Vec::new();
    let store_id = store.store_id()?;
    let router = match super::router(&store, &ctx.db_path()?) {
        Ok(r) => Some(r),
        Err(e) => {
            ctx.printer.warn(&crate::t!("status-no-router", reason = &e));
            None
        }
    };
    let mut rows = Vec::new();
    for w in workloads {
        let state = store.runtime_state(w.id)?;
        let daemon = w
            .validate()
            .map(|v| v.config.common.daemon())
            .unwrap_or(crate::docker::DaemonRef::Default);
        let docker = match daemons.get(&daemon).await {
            Ok(d) => Some(d),
            Err(e) => {
                if !warned.contains(&daemon) {
                    ctx.printer.warn(&crate::t!("status-no-daemon", reason = &e));
                    warned.push(daemon.clone());
                }
                None
            }
        };
        let mut row = StatusRow {
            workload: w.name.clone(),
            kind: w.kind.to_string(),
            docker_host: match &docker {
                Some(d) => d.host(),
                None => daemon.shown(),
            },
            reachable: docker.is_some(),
            deployed: state.is_some(),
            container: None,
            container_id: None,
            image: None,
            image_id: None,
            strategy: None,
            deploy_id: None,
            since: None,
            state: None,
            health: None,
            owner: Owner::Unknown,
            running_container: None,
            running_store: None,
            router: None,
            route: None,
            route_state: None,
            route_target: None,
        };
        if let Some(d) = &docker {
            running_owner(d, &store_id, &w, state.as_ref(), &mut row).await?;
        }
        let swarm = w.validate().ok().is_some_and(|v| v.config.common.swarm.is_some());
        if let Some(s) = state.as_ref().filter(|_| swarm) {
            // A Swarm workload's state names its service: its tasks' state.
            row.state = Some(match &docker {
                None => "unknown".to_owned(),
                Some(d) => d
                    .service_state(&s.container_name)
                    .await?
                    .unwrap_or_else(|| "missing".to_owned()),
            });
            if let Some(router) = &router {
                check_route(router.as_ref(), &w, s, None, &mut row).await;
            }
        }
        if let Some(s) = state {
            let info = match &docker {
                _ if swarm => None,
                Some(d) => d.inspect(&s.container_id).await?,
                None => None,
            };
            row.state = Some(match (&docker, &info) {
                _ if swarm => row.state.take().unwrap_or_default(),
                (None, _) => "unknown".to_owned(),
                (Some(_), None) => "missing".to_owned(),
                (Some(_), Some(i)) => i.status.clone(),
            });
            row.health = info.as_ref().and_then(|i| i.health.clone());
            row.image_id = info.as_ref().map(|i| i.image.clone()).filter(|id| !id.is_empty());
            if let Some(router) = router.as_ref().filter(|_| !swarm) {
                check_route(router.as_ref(), &w, &s, info.as_ref(), &mut row).await;
            }
            row.container = Some(s.container_name);
            row.container_id = Some(s.container_id);
            row.image = Some(s.image_ref);
            row.strategy = Some(s.strategy.to_string());
            row.deploy_id = s.deploy_id;
            row.since = Some(s.deployed_at);
        }
        rows.push(row);
    }
    if ctx.printer.is_json() {
        ctx.printer.json(&serde_json::json!({ "workloads": rows }));
        return Ok(());
    }
    let dash = || "-".to_owned();
    ctx.printer.table(
        &[
            "column-workload",
            "column-kind",
            "column-host",
            "column-container",
            "column-state",
            "column-health",
            "column-image",
            "column-strategy",
            "column-since",
            "column-running-from",
            "column-route",
        ],
        rows.into_iter().map(|r: StatusRow| {
            vec![
                r.workload,
                r.kind,
                short_host(&r.docker_host, r.reachable),
                r.container.unwrap_or_else(dash),
                r.state
                    .map_or_else(|| crate::t!("status-not-deployed"), |s| state_text(&s)),
                r.health.map_or_else(dash, |h| crate::i18n::value_text("health", &h)),
                match (r.image, r.image_id) {
                    (Some(image), Some(id)) => format!("{image} ({})", crate::docker::short(&id)),
                    (Some(image), None) => image,
                    (None, _) => dash(),
                },
                r.strategy.unwrap_or_else(dash),
                r.since.unwrap_or_else(dash),
                owner_text(r.owner, r.running_container.as_deref(), r.running_store.as_deref()),
                match (r.route_state, r.route_target) {
                    (Some("stale"), Some(t)) => crate::t!("status-route-stale-to", target = t),
                    (Some(state), _) => state_text(state),
                    (None, _) => dash(),
                },
            ]
        }),
    );
    Ok(())
}

/// The HOST column: `local` for the local socket, else the address;
/// `(unreachable)` after one that did not answer.
fn short_host(host: &str, reachable: bool) -> String {
    let name = if host == crate::docker::endpoint::DEFAULT_HOST {
        crate::t!("status-host-local")
    } else {
        host.to_owned()
    };
    if reachable {
        name
    } else {
        format!("{name} ({})", crate::t!("status-host-unreachable"))
    }
}

/// A state for people: one berth names itself (`unknown`, `missing`, a
/// route's `ok` or `stale`) or Docker's (`running`, `exited`), in the
/// language of human output; JSON keeps the value.
fn state_text(state: &str) -> String {
    match state {
        "unknown" => crate::t!("status-unknown"),
        "missing" => crate::t!("status-missing"),
        "ok" => crate::t!("status-route-ok"),
        "stale" => crate::t!("status-route-stale"),
        // Docker's state, or a service's update state and its tasks
        // (`updating 2/3`).
        other => match other.split_once(' ') {
            Some((word, tasks)) => format!("{} {tasks}", crate::i18n::value_text("state", word)),
            None => crate::i18n::value_text("state", other),
        },
    }
}

/// Fills the route fields of a routed workload: where its route forwards,
/// and whether that is the state's container. A failure to read the
/// router only marks the route `unknown` (status never fails on it).
async fn check_route(
    router: &dyn crate::proxy::Router,
    w: &crate::store::Workload,
    s: &crate::store::RuntimeState,
    info: Option<&crate::docker::ContainerInfo>,
    row: &mut StatusRow,
) {
    let Ok(validated) = w.validate() else { return };
    let config = validated.config;
    if config.common.domains.is_empty() {
        return;
    }
    let plan = crate::proxy::RoutePlan {
        domains: config.common.domains.clone(),
        route_id: s.route_id,
    };
    row.router = router.name();
    row.route = router.route_name(&w.name, &plan);
    let current = router.current_target(&w.name, &plan).await;
    let expected = match (info, &config.common.swarm) {
        // A service's route forwards to its name (see deploy::swarm).
        (_, Some(_)) => config.port().map(|port| {
            Ok(crate::proxy::RouteTarget {
                host: s.container_name.clone(),
                port,
            })
        }),
        (Some(i), None) => {
            let mut i = i.clone();
            i.name.clone_from(&s.container_name);
            Some(crate::deploy::route_target(router, &w.name, &config, &i))
        }
        (None, None) => None,
    };
    row.route_state = Some(match (&current, expected) {
        (Err(_), _) | (_, None) | (_, Some(Err(_))) => "unknown",
        (Ok(None), _) => "missing",
        (Ok(Some(now)), Some(Ok(want))) if *now == format!("{}:{}", want.host, want.port) => "ok",
        (Ok(Some(_)), _) => "stale",
    });
    row.route_target = current.ok().flatten();
}

/// Fills `owner`: which running container serves the workload on the
/// daemon, and which store created it. Another store's container shows
/// even when this store never deployed the workload.
async fn running_owner(
    docker: &crate::docker::Docker,
    store_id: &str,
    w: &crate::store::Workload,
    state: Option<&crate::store::RuntimeState>,
    row: &mut StatusRow,
) -> Result<()> {
    let running: Vec<_> = if w.kind == crate::config::Kind::Compose {
        // Compose stacks carry no berth labels: the state's view is all there is.
        Vec::new()
    } else {
        docker
            .containers_with_label(labels::WORKLOAD, &w.name)
            .await?
            .into_iter()
            .filter(|c| c.state == "running")
            .collect()
    };
    let ours = running
        .iter()
        .find(|c| state.is_some_and(|s| s.container_id == c.id) || created_by(&c.labels, store_id));
    let (owner, c) = match ours {
        Some(c) => (Owner::This, Some(c)),
        None => match running.iter().max_by_key(|c| c.created) {
            Some(c) => (Owner::Other, Some(c)),
            None if w.kind == crate::config::Kind::Compose && state.is_some() => (Owner::This, None),
            None => (Owner::None, None),
        },
    };
    row.owner = owner;
    row.running_container = c.map(|c| c.name.clone());
    row.running_store = c.and_then(|c| c.labels.get(labels::STORE).cloned());
    Ok(())
}

/// `this store`, `store 1a2b… (web-k3f9q2)`, `older berth (web)`, `none`, `-`.
fn owner_text(owner: Owner, container: Option<&str>, store: Option<&str>) -> String {
    match owner {
        Owner::This => crate::t!("status-owner-this"),
        Owner::None => crate::t!("status-owner-none"),
        Owner::Unknown => "-".to_owned(),
        Owner::Other => {
            let container = container.unwrap_or("?");
            match store {
                Some(id) => crate::t!("status-owner-store", store = id, container = container),
                None => crate::t!("status-owner-older", container = container),
            }
        }
    }
}
