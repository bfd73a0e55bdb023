//! Recreate (DESIGN §3): stop blue and park it under another name, start the
//! new container under the stable name, gate it, route, persist, and only
//! then remove blue. Until the persist the state row still names blue, so a
//! crash anywhere before it is repaired by starting blue again.

use std::time::Instant;

use anyhow::Result;

use super::container::{failed_name, new_container_name, parked_name};
use super::faults::{FaultPoint, fault_point};
use super::steps::Step;
use super::{Deployment, RolledBack, gate};
use crate::docker::ContainerInfo;
use crate::i18n::Context as _;
use crate::msg;

pub(super) async fn run(d: &mut Deployment<'_>) -> Result<String> {
    let blue = d.blue.clone();
    let new = match replace_and_gate(d, blue.as_ref()).await {
        Ok(new) => new,
        Err(e) => return Err(restore_blue(d, blue.as_ref(), e).await),
    };

    // 6. Route, then persist the new container into the state row. From
    // here on the deploy completes, signal or not.
    if d.plan.is_routed() {
        d.step(Step::Route);
    }
    let t = Instant::now();
    if let Err(e) = d.point_route(&new).await {
        if blue.is_none() {
            // Nothing to route back to, and the failed write may have landed:
            // keep the new container so the route never names a removed one.
            return Err(msg!("recreate-first-route-failed", container = &new.name).wrap(e));
        }
        return Err(restore_blue(d, blue.as_ref(), msg!("recreate-route-failed").wrap(e)).await);
    }
    d.record_phase("route", t);
    fault_point(FaultPoint::AfterRouteWrite);
    d.step(Step::Persist);
    let t = Instant::now();
    let blue_state = d.store.runtime_state(d.workload.id)?;
    d.persist_runtime_state(&new)?;
    d.record_phase("persist", t);
    fault_point(FaultPoint::AfterStatePersist);

    // 7. Watch the new container (`watch_ms`, else `drain_ms`) while blue,
    // stopped and parked, can still come back; then remove blue.
    if let Some(blue) = &blue {
        d.step(Step::RemoveBlue);
        let t = Instant::now();
        d.status(&crate::t!(
            "recreate-watching",
            container = &new.name,
            ms = d.config.common.recreate_watch_ms(),
            old = crate::docker::short(&blue.id)
        ));
        let window = std::time::Duration::from_millis(d.config.common.recreate_watch_ms());
        if let Err(why) = gate::watch(&d.env.docker, &new, d.config, window).await {
            return Err(roll_back(d, &new, blue, blue_state, why).await);
        }
        d.record_phase("watch", t);
        let t = Instant::now();
        d.reap(blue, false).await;
        d.record_phase("reap", t);
        fault_point(FaultPoint::AfterBlueRemove);
    }
    Ok(new.name)
}

/// Steps 4-5. Any error (a signal included) is undone by [`restore_blue`].
async fn replace_and_gate(d: &mut Deployment<'_>, blue: Option<&ContainerInfo>) -> Result<ContainerInfo> {
    let env = d.env;
    let docker = &env.docker;
    let name = new_container_name(d.name(), d.strategy);

    // 4. Stop blue with its grace period and park it under another name.
    let t = Instant::now();
    if let Some(blue) = blue {
        d.step(Step::StopBlue);
        d.status(&crate::t!("deploy-stopping", container = &blue.name));
        // Not cut short by a signal: Docker's SIGTERM is already on its way,
        // and starting blue again mid-grace would be a no-op that leaves it
        // exiting. The stop is bounded by `stop_timeout_s`.
        docker.stop(&blue.id, d.config.common.stop_timeout_s).await?;
        d.check_cancelled()?;
        if blue.name == name {
            docker.rename(&blue.id, &parked_name(d.name())).await?;
        }
    }
    d.record_phase("stop", t);
    fault_point(FaultPoint::AfterBlueStop);

    // 5. Create, start and gate the new container.
    d.step(Step::Start);
    let t = Instant::now();
    let spec = d.container_spec(&name);
    d.status(&crate::t!("deploy-starting", container = &name));
    let new_id = d.interruptible(docker.create_container(&spec)).await?;
    fault_point(FaultPoint::AfterNewCreate);
    d.interruptible(docker.start(&new_id)).await?;
    fault_point(FaultPoint::AfterNewStart);
    d.record_phase("start", t);
    d.step(Step::Gate);
    let t = Instant::now();
    d.status(&crate::t!("deploy-gate-waiting-new"));
    match d.interruptible(d.gate(&new_id)).await {
        Ok(why) => d.status(&crate::t!("deploy-gate-passed", why = why)),
        Err(e) if super::cancel::is_interrupt(&e) => return Err(e),
        Err(e) if gate::is_not_ready(&e) => {
            d.show_logs(&new_id).await;
            return Err(msg!("recreate-gate-failed", container = &name).wrap(e));
        }
        Err(e) => return Err(msg!("recreate-not-gated", container = &name).wrap(e)),
    }
    d.record_phase("gate", t);
    fault_point(FaultPoint::AfterGate);
    d.check_cancelled()?;
    docker
        .inspect(&new_id)
        .await?
        .context_msg(msg!("recreate-disappeared", container = &name))
}

/// The new container failed after the persist, within its watch window:
/// write blue back into the state row first (a crash from here on is
/// repaired toward blue), then restore it as [`restore_blue`] does. A
/// [`RolledBack`] when blue serves again.
async fn roll_back(
    d: &mut Deployment<'_>,
    new: &ContainerInfo,
    blue: &ContainerInfo,
    blue_state: Option<crate::store::RuntimeState>,
    why: anyhow::Error,
) -> anyhow::Error {
    d.status(&crate::t!(
        "recreate-rolling-back",
        container = &new.name,
        reason = &why,
        old = &blue.name
    ));
    if let Err(e) = d.begin_rollback(new, &why, blue_state).await {
        let context = msg!(
            "recreate-rollback-state-failed",
            container = &new.name,
            old = &blue.name,
            reason = &e,
            workload = d.name()
        );
        return context.wrap(why);
    }
    let what = msg!("recreate-failed-in-watch", container = &new.name, reason = &why);
    match restore(d, Some(blue), anyhow::Error::new(what)).await {
        (err, true) => anyhow::Error::new(RolledBack(msg!("deploy-rolled-back", detail = &err))),
        (err, false) => err,
    }
}

/// The new container failed (or a signal came): park what this deploy
/// created (stopped, off the stable name), give blue its name back and
/// start it, confirm the route on it, and only then remove what this deploy
/// created. Until the last step, reconcile can repair any crash toward
/// blue (the state row names it). Returns the original error with what was
/// done.
async fn restore_blue(d: &mut Deployment<'_>, blue: Option<&ContainerInfo>, err: anyhow::Error) -> anyhow::Error {
    restore(d, blue, err).await.0
}

/// [`restore_blue`], and whether blue runs again with the route confirmed
/// on it.
async fn restore(d: &mut Deployment<'_>, blue: Option<&ContainerInfo>, err: anyhow::Error) -> (anyhow::Error, bool) {
    let env = d.env;
    let docker = &env.docker;
    let Some(blue) = blue else {
        d.remove_this_deploys_containers().await;
        return (err, false);
    };
    // 1. Park what this deploy created: stopped, and off blue's name.
    let created = d.this_deploys_containers().await;
    for c in &created {
        // Whatever its state (running, or restarting in a crash loop): a
        // stopped container is not restarted by its policy.
        if let Err(e) = docker.stop(&c.id, d.config.common.stop_timeout_s).await {
            env.printer.warn(&crate::t!(
                "recreate-could-not-stop-new",
                workload = d.name(),
                container = &c.name,
                reason = &e
            ));
        }
        if c.name == blue.name
            && let Err(e) = docker.rename(&c.id, &failed_name(d.name())).await
        {
            env.printer.warn(&crate::t!(
                "recreate-could-not-move-new",
                workload = d.name(),
                container = &blue.name,
                reason = &e
            ));
        }
    }
    fault_point(FaultPoint::AfterRestorePark);
    // 2. Blue gets its name back (parked in step 4 when it held it) and starts.
    let parked = docker
        .inspect(&blue.id)
        .await
        .ok()
        .flatten()
        .is_some_and(|now| now.name != blue.name);
    if parked && let Err(e) = docker.rename(&blue.id, &blue.name).await {
        env.printer.warn(&crate::t!(
            "recreate-could-not-rename-old",
            workload = d.name(),
            container = &blue.name,
            reason = &e
        ));
    }
    let outcome = match docker.start(&blue.id).await {
        Ok(()) => {
            fault_point(FaultPoint::AfterRestoreStart);
            // 3. The route may have moved during a failed switch: point it back.
            if d.plan.is_routed()
                && let Some(fresh) = docker.inspect(&blue.id).await.ok().flatten()
                && let Err(e) = d.point_route(&fresh).await
            {
                let context = msg!(
                    "recreate-old-started-route-unconfirmed",
                    container = &blue.name,
                    reason = &e,
                    workload = d.name()
                );
                (context.wrap(err), false)
            } else {
                (msg!("recreate-old-started", container = &blue.name).wrap(err), true)
            }
        }
        Err(e) => {
            let context = msg!(
                "recreate-old-not-started",
                container = &blue.name,
                reason = &e,
                workload = d.name()
            );
            (context.wrap(err), false)
        }
    };
    // 4. Only now what this deploy created goes; when the route could not
    // be confirmed on blue it may still name the new container: that stays
    // (stopped, parked) for `berth reconcile`.
    if outcome.1 || !d.plan.is_routed() {
        for c in &created {
            d.remove_new_container(&c.id).await;
        }
    }
    outcome
}
