//! Routes: the proxy host that forwards a workload's domains to its live
//! container. Behind the [`Router`] trait so the deploy flows do not care
//! which proxy routes (Nginx Proxy Manager, plain nginx, Caddy) or whether
//! one is configured at all.

pub mod caddy;
pub mod nginx;
pub mod npm;
mod settings;

use anyhow::{Result, bail};
use async_trait::async_trait;

pub use settings::{ROUTER_KEY, RouterKind, Source, setting};

/// Where a route should forward to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteTarget {
    /// Container name (`forward_by=name`) or its IP on the network (`ip`).
    pub host: String,
    pub port: u16,
}

/// The outcome of the route pre-flight: which proxy host (if any) the
/// workload's route is, found before any container is touched.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoutePlan {
    /// The workload's domains; empty means no route.
    pub domains: Vec<String>,
    /// The existing proxy host, when there is one; None: it will be created.
    pub route_id: Option<i64>,
}

impl RoutePlan {
    pub fn is_routed(&self) -> bool {
        !self.domains.is_empty()
    }
}

/// A proxy call that provably never reached the proxy (connection refused,
/// a name that does not resolve, a TLS handshake that failed): no write of
/// it can have landed, so the route is as it was.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct NeverSent(pub crate::i18n::Msg);

impl NeverSent {
    /// Marks `err` (a call that could not connect) as never sent; its
    /// message is kept whole.
    pub fn wrap(err: anyhow::Error) -> anyhow::Error {
        anyhow::Error::new(NeverSent(crate::msg!("proxy-never-sent", error = &err)))
    }

    /// Marks `err`, a failure of a step before the route write (taking the
    /// router's lock, reading the host to change), as never sent: whatever
    /// happened to that step, the write itself was not made. An error
    /// already marked is returned as it is.
    pub fn before_write(err: anyhow::Error) -> anyhow::Error {
        if never_sent(&err) {
            return err;
        }
        anyhow::Error::new(NeverSent(crate::msg!("proxy-not-written", error = &err)))
    }

    pub fn human(&self) -> String {
        self.0.localized()
    }
}

/// Whether a failed route write provably never reached the proxy.
pub fn never_sent(err: &anyhow::Error) -> bool {
    err.chain().any(|c| c.is::<NeverSent>())
}

/// What [`Router::point`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pointed {
    /// The proxy host id (None without a route).
    pub route_id: Option<i64>,
    /// Whether this call wrote the proxy host (created it, changed its
    /// target, or rendered it again). After a write the proxy may still send
    /// new requests to the previous target for a short while: NPM answers
    /// once it has signalled nginx to reload, and nginx's old workers keep
    /// accepting until the new ones run (about 100 ms on an idle host, more
    /// under load). A caller that removes the previous target drains first.
    pub written: bool,
}

#[async_trait]
pub trait Router: Send + Sync {
    /// DESIGN §3 step 2: check the proxy is reachable and find the host.
    async fn preflight(&self, workload: &str, domains: &[String], remembered: Option<i64>) -> Result<RoutePlan>;

    /// Points the route at `target` in place and confirms it is live.
    async fn point(&self, workload: &str, plan: &RoutePlan, target: &RouteTarget) -> Result<Pointed>;

    /// Whether the route is configured to forward by container IP.
    fn forwards_by_ip(&self) -> bool;

    /// Makes the proxy resolve the route's forward host again, without
    /// changing the route: for a Swarm service in `dnsrr` mode, whose name
    /// resolves to its tasks' addresses, which an update replaces (nginx:
    /// a reload; NPM: a PUT that renders the host again). A no-op for
    /// routers that resolve on every connection (Caddy), and when the
    /// router holds no route for `workload`.
    async fn refresh(&self, _workload: &str, _plan: &RoutePlan) -> Result<()> {
        Ok(())
    }

    /// `workload rm --purge`: removes the route berth wrote for `workload`
    /// when all of it is berth's (nginx: berth's file for it; Caddy: the
    /// route with berth's `@id`) and returns where it was; None when there
    /// was none. The default keeps it: an NPM proxy host can hold the
    /// operator's certificate, access list and advanced config, so berth
    /// never deletes one (DESIGN §9). Errors: the proxy refused the change
    /// or could not be reached (the route is then as it was).
    async fn remove_route(&self, _workload: &str) -> Result<Option<String>> {
        Ok(None)
    }

    /// The router's name for events and JSON: `npm`, `nginx`, `caddy`
    /// (None without a router).
    fn name(&self) -> Option<&'static str> {
        None
    }

    /// Where the workload's route forwards now, as the router's config says
    /// (`HOST:PORT`); None when the router holds no route for it (never
    /// created, or vanished). Reads only.
    async fn current_target(&self, _workload: &str, _plan: &RoutePlan) -> Result<Option<String>> {
        Ok(None)
    }

    /// The workload's route as an operator finds it in the proxy, e.g.
    /// `proxy host #3`, `/etc/nginx/berth/berth-web.conf`, `@id berth-web`.
    fn route_name(&self, _workload: &str, _plan: &RoutePlan) -> Option<String> {
        None
    }
}

/// Takes the store's lock `name` (blocking until free): one berth process
/// at a time writes a router's config, since neither NPM nor nginx nor
/// Caddy orders concurrent writers. Held until the guard drops. Taken
/// before any write, so a failure to take it is [`NeverSent`].
pub(crate) async fn lock_router(db_path: &std::path::Path, name: &'static str) -> Result<crate::store::LockGuard> {
    let db_path = db_path.to_path_buf();
    tokio::task::spawn_blocking(move || crate::store::Store::open(&db_path)?.lock_named(name))
        .await
        .map_err(|e| crate::msg!("proxy-lock-task-failed", name = name).wrap(e))
        .and_then(|locked| locked)
        .map_err(NeverSent::before_write)
}

impl Pointed {
    /// Nothing was written.
    pub fn unchanged(route_id: Option<i64>) -> Pointed {
        Pointed {
            route_id,
            written: false,
        }
    }
}

/// No proxy configured: routes are skipped.
pub struct NoRouter;

#[async_trait]
impl Router for NoRouter {
    async fn preflight(&self, workload: &str, domains: &[String], remembered: Option<i64>) -> Result<RoutePlan> {
        if !domains.is_empty() {
            bail!(crate::msg!(
                "proxy-not-configured",
                workload = workload,
                domains = domains.join(", ")
            ));
        }
        Ok(RoutePlan {
            domains: Vec::new(),
            route_id: remembered,
        })
    }

    async fn point(&self, _workload: &str, plan: &RoutePlan, _target: &RouteTarget) -> Result<Pointed> {
        Ok(Pointed {
            route_id: plan.route_id,
            written: false,
        })
    }

    fn forwards_by_ip(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A step before the write that failed in any way (here a 502 while
    /// NPM's backend stops) proves the route unchanged; marking it twice
    /// does not repeat the note, and an unmarked error stays unmarked.
    #[test]
    fn a_failure_before_the_write_is_never_sent_and_marked_once() {
        let read = anyhow::anyhow!("GET /nginx/proxy-hosts/1: 502 Bad Gateway");
        assert!(!never_sent(&read));
        let marked = NeverSent::before_write(read);
        assert!(never_sent(&marked));
        let text = marked.to_string();
        let again = NeverSent::before_write(marked);
        assert!(never_sent(&again));
        assert_eq!(again.to_string(), text, "marked once");
        assert!(text.contains("502 Bad Gateway"), "the cause is kept: {text}");
    }
}
