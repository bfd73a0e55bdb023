//! Blue-green (DESIGN §3): green starts beside blue, takes the route only
//! after its gate, is written into the state row, and only then is blue
//! drained and removed. At every step a crash leaves blue serving or green
//! recorded, never a route or state naming a removed container.

use std::time::{Duration, Instant};

use anyhow::Result;

use super::cancel::is_interrupt;
use super::container::new_container_name;
use super::drain::Drained;
use super::faults::{FaultPoint, fault_point};
use super::steps::Step;
use super::{Deployment, RolledBack, gate};
use crate::docker::ContainerInfo;
use crate::i18n::{Context as _, Msg};
use crate::msg;

pub(super) async fn run(d: &mut Deployment<'_>) -> Result<String> {
    let (green, started) = match start_and_gate_green(d).await {
        Ok(started) => started,
        Err(e) => {
            // A signal may have cut a create request short: whatever this
            // deploy created goes, found by its label.
            if is_interrupt(&e) {
                d.remove_this_deploys_containers().await;
            }
            return Err(e);
        }
    };
    switch_and_reap(d, green, started).await
}

/// Steps 4-5: until green passed its gate, a signal removes green. Ok:
/// green, and when it was started (its watch began with its gate).
async fn start_and_gate_green(d: &mut Deployment<'_>) -> Result<(ContainerInfo, Instant)> {
    let env = d.env;
    let docker = &env.docker;

    // 4. Create green under a unique name; blue keeps serving, untouched.
    d.step(Step::Start);
    let t = Instant::now();
    let green_name = new_container_name(d.name(), d.strategy);
    let spec = d.container_spec(&green_name);
    d.status(&crate::t!("deploy-starting-green", container = &green_name));
    let green_id = d.interruptible(docker.create_container(&spec)).await?;
    fault_point(FaultPoint::AfterGreenCreate);

    // 5. Start and gate green. A failed gate removes green; blue, route and
    // state stay as they were.
    if let Err(e) = d.interruptible(docker.start(&green_id)).await {
        d.remove_new_container(&green_id).await;
        return Err(e);
    }
    fault_point(FaultPoint::AfterGreenStart);
    d.record_phase("start", t);
    d.step(Step::Gate);
    let t = Instant::now();
    let started = t;
    d.status(&crate::t!("deploy-gate-waiting-green"));
    match d.interruptible(d.gate(&green_id)).await {
        Ok(why) => d.status(&crate::t!("deploy-gate-passed", why = why)),
        Err(e) if is_interrupt(&e) => {
            d.remove_new_container(&green_id).await;
            return Err(e);
        }
        Err(e) => {
            let verdict = gate::is_not_ready(&e);
            if verdict {
                d.show_logs(&green_id).await;
            }
            let removed = removed_it(d.remove_new_container(&green_id).await);
            let id = if verdict {
                "bg-green-gate-failed"
            } else {
                "bg-green-not-gated"
            };
            let kept = if d.blue.is_some() {
                msg!("bg-blue-keeps-serving")
            } else {
                msg!("bg-nothing-routed-to-it")
            };
            let context = Msg::new(id)
                .arg("container", &green_name)
                .arg("removed", removed)
                .arg("kept", kept);
            return Err(context.wrap(e));
        }
    }
    d.record_phase("gate", t);
    fault_point(FaultPoint::AfterGate);
    d.check_cancelled()?;
    let green = docker
        .inspect(&green_id)
        .await?
        .context_msg(msg!("bg-green-disappeared", container = &green_name))?;
    Ok((green, started))
}

/// Steps 6-8: once the route switch begins, the deploy completes.
/// `started`: when green was started.
async fn switch_and_reap(d: &mut Deployment<'_>, green: ContainerInfo, started: Instant) -> Result<String> {
    let green_id = green.id.clone();
    let green_name = green.name.clone();

    // 6. Repoint the route in place. On failure, put it back on blue and
    // remove green; if blue's route cannot be confirmed, keep green running.
    if d.plan.is_routed() {
        d.step(Step::Route);
    }
    let t = Instant::now();
    if let Err(e) = d.point_route(&green).await {
        if crate::proxy::never_sent(&e) {
            // The switch provably never took effect (the proxy was
            // unreachable, or refused the new route before applying it):
            // the route is where it was, and green never served.
            let removed = if d.remove_new_container(&green_id).await {
                msg!("bg-green-removed")
            } else {
                msg!("bg-green-not-removed")
            };
            let kept = if d.blue.is_some() {
                msg!("bg-route-still-on-blue")
            } else {
                msg!("bg-nothing-routed")
            };
            return Err(msg!("bg-switch-never-took-effect", removed = removed, kept = kept).wrap(e));
        }
        let Some(blue) = d.blue.clone() else {
            // A first deploy: there is no earlier container to route back to,
            // and a write that failed may still have landed (NPM saves the
            // row before its nginx check): keep green, so the route never
            // points at a removed container. The next deploy replaces it.
            return Err(msg!("bg-first-route-failed", container = &green_name).wrap(e));
        };
        let restored = d.point_route(&blue).await.map(|_| ());
        return match restored {
            Ok(()) => {
                // The failed write may have landed and moved traffic to
                // green: drain it before it goes.
                d.drain_failed(&green).await;
                d.remove_new_container(&green_id).await;
                Err(msg!("bg-switch-failed-restored").wrap(e))
            }
            Err(restore_err) => Err(msg!(
                "bg-switch-failed-not-restored",
                reason = &restore_err,
                container = &green_name,
                workload = d.name()
            )
            .wrap(e)),
        };
    }
    d.record_phase("route", t);
    fault_point(FaultPoint::AfterRouteWrite);

    // 7. Persist green BEFORE touching blue.
    d.step(Step::Persist);
    let t = Instant::now();
    let blue_state = d.store.runtime_state(d.workload.id)?;
    d.persist_runtime_state(&green)?;
    d.record_phase("persist", t);
    fault_point(FaultPoint::AfterStatePersist);

    // 8. Drain blue while green is watched (the drain is also green's watch
    // window); if green fails, go back to blue. Then stop and remove blue.
    if let Some(blue) = d.blue.clone() {
        d.step(Step::DrainBlue);
        let t = Instant::now();
        let (drained, drain_took) = match drain_and_watch(d, &blue, &green, started).await {
            Ok(done) => done,
            Err(why) => return Err(roll_back(d, &green, &blue, blue_state, why).await),
        };
        d.record_drain(drain_took, drained);
        let watched_on = t.elapsed().saturating_sub(drain_took);
        if !watched_on.is_zero() {
            d.phases.push(super::Phase::new("watch", super::ms_of(watched_on)));
        }
        fault_point(FaultPoint::AfterDrain);
        let t = Instant::now();
        d.reap(&blue, true).await;
        d.record_phase("reap", t);
        fault_point(FaultPoint::AfterBlueRemove);
    }
    Ok(green.name)
}

/// Drains blue (see [`Deployment::drain`]) while green is watched
/// ([`gate::watch`]) for as long as the drain lasts, and until green has
/// run `watch_ms` since `started` ([`CommonConfig::green_watch_ms`]).
/// Counted from green's start, not from the switch, because the gate
/// already watched green (an exit or a restart fails it): what catches a
/// crash loop is how long green has run, and a slow route write (the real
/// NPM's ~0.7 s) is watched time too. The watch goes on alone (the `watch`
/// phase) after a drain that ended sooner. Ok: how the drain ended and how
/// long it took (the watch may have gone on after it). Err: green's watch
/// failed, blue still runs.
///
/// [`CommonConfig::green_watch_ms`]: crate::config::CommonConfig::green_watch_ms
async fn drain_and_watch(
    d: &Deployment<'_>,
    blue: &ContainerInfo,
    green: &ContainerInfo,
    started: Instant,
) -> Result<(Drained, Duration)> {
    let t = Instant::now();
    let common = &d.config.common;
    let least = Duration::from_millis(common.green_watch_ms());
    let window = Duration::from_millis(common.drain_bound_ms().max(common.drain_fixed_ms())).max(least);
    let watch = gate::watch(&d.env.docker, green, d.config, window);
    let drain = d.drain(blue);
    tokio::pin!(watch, drain);
    let (drained, watched) = tokio::select! {
        watched = &mut watch => {
            watched?;
            ((&mut drain).await, true)
        }
        drained = &mut drain => (drained, false),
    };
    let drain_took = t.elapsed();
    let left = least.saturating_sub(started.elapsed());
    if !watched
        && !left.is_zero()
        && let Ok(Err(why)) = tokio::time::timeout(left, &mut watch).await
    {
        return Err(why);
    }
    Ok((drained, drain_took))
}

/// Green failed during the drain while blue still runs: write blue back
/// into the state row (first: a crash from here on is repaired toward
/// blue), put the route back on blue, drain green (when it still runs),
/// remove it. Returns the deploy's error, a [`RolledBack`] when all of
/// that held.
async fn roll_back(
    d: &mut Deployment<'_>,
    green: &ContainerInfo,
    blue: &ContainerInfo,
    blue_state: Option<crate::store::RuntimeState>,
    why: anyhow::Error,
) -> anyhow::Error {
    let name = d.name().to_owned();
    d.status(&crate::t!("bg-rolling-back", container = &green.name, reason = &why));
    if let Err(e) = d.begin_rollback(green, &why, blue_state).await {
        let context = msg!(
            "bg-rollback-state-failed",
            container = &green.name,
            reason = &e,
            workload = &name
        );
        return context.wrap(why);
    }
    if let Err(e) = d.point_route(blue).await {
        let context = msg!(
            "bg-rollback-route-failed",
            container = &green.name,
            blue = &blue.name,
            reason = &e,
            workload = &name
        );
        return context.wrap(why);
    }
    fault_point(FaultPoint::AfterRollbackRoute);
    // Drained as it is now: a crash loop gives it a new process (pid) at
    // each restart. One with no process (exited, or between two restarts)
    // holds no connection: nothing to drain, nothing to warn about. A
    // daemon that does not answer: drained as it was seen.
    match d.env.docker.inspect(&green.id).await {
        Ok(Some(now)) if now.running && !now.restarting && now.pid != 0 => {
            d.drain_failed(&now).await;
        }
        Ok(_) => {}
        Err(_) => {
            d.drain_failed(green).await;
        }
    }
    let removed = removed_it(d.remove_new_container(&green.id).await);
    anyhow::Error::new(RolledBack(msg!(
        "bg-rolled-back",
        container = &green.name,
        reason = &why,
        blue = &blue.name,
        removed = removed
    )))
}

/// "removed it", or how the container that could not be removed goes.
pub(super) fn removed_it(removed: bool) -> Msg {
    if removed {
        msg!("deploy-removed-it")
    } else {
        msg!("deploy-could-not-remove-it")
    }
}
