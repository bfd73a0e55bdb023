//! Recreate (DESIGN §3): stop blue and park it under another name, start the
//! new container under the stable name, gate it, route, persist, and only
//! then remove blue. Until the persist the state row still names blue, so a
//! crash anywhere before it is repaired by starting blue again.

use std::time::Instant;

use anyhow::{Result, anyhow};

use super::container::{container_spec, new_container_name, parked_name};
use super::faults::fault_point;
use super::{Deployment, gate};
use crate::docker::ContainerInfo;

pub(super) async fn run(d: &mut Deployment<'_>) -> Result<String> {
    let blue = d.blue.clone();
    let new = match replace_and_gate(d, blue.as_ref()).await {
        Ok(new) => new,
        Err(e) => return Err(restore_blue(d, blue.as_ref(), e).await),
    };

    // 6. Route, then persist the new container into the state row. From
    // here on the deploy completes, signal or not.
    let t = Instant::now();
    if let Err(e) = d.point_route(&new).await {
        if blue.is_none() {
            // Nothing to route back to, and the failed write may have landed:
            // keep the new container so the route never names a removed one.
            return Err(e.context(format!(
                "route switch to `{}` failed; there is no earlier container to route back to, so it is left \
                 running (not recorded): fix the proxy and deploy again",
                new.name
            )));
        }
        return Err(restore_blue(d, blue.as_ref(), e.context("route switch failed")).await);
    }
    d.record_phase("route", t);
    fault_point("after_route_write");
    let t = Instant::now();
    d.persist_runtime_state(&new)?;
    d.record_phase("persist", t);
    fault_point("after_state_persist");

    // 7. Remove blue.
    if let Some(blue) = &blue {
        let t = Instant::now();
        d.reap(blue, false).await;
        d.record_phase("reap", t);
        fault_point("after_blue_remove");
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
    fault_point("after_blue_stop");

    // 5. Create, start and gate the new container.
    let t = Instant::now();
    let spec = container_spec(
        d.name(),
        &d.store_id,
        d.config,
        d.secrets,
        &d.artifact.image_id,
        &name,
        d.deploy_id,
        d.strategy,
    );
    d.status(&crate::t!("deploy-starting", container = &name));
    let new_id = d.interruptible(docker.create_container(&spec)).await?;
    fault_point("after_new_create");
    d.interruptible(docker.start(&new_id)).await?;
    fault_point("after_new_start");
    d.record_phase("start", t);
    let t = Instant::now();
    d.status(&crate::t!("deploy-gate-waiting-new"));
    match d.interruptible(d.gate(&new_id)).await {
        Ok(why) => d.status(&crate::t!("deploy-gate-passed", why = why)),
        Err(e) if super::cancel::is_interrupt(&e) => return Err(e),
        Err(e) if gate::is_not_ready(&e) => {
            d.show_logs(&new_id).await;
            return Err(e.context(format!("`{name}` failed its readiness gate")));
        }
        Err(e) => return Err(e.context(format!("`{name}` could not be gated"))),
    }
    d.record_phase("gate", t);
    fault_point("after_gate");
    d.check_cancelled()?;
    docker
        .inspect(&new_id)
        .await?
        .ok_or_else(|| anyhow!("`{name}` disappeared after its gate"))
}

/// The new container failed (or a signal came): remove what this deploy
/// created, give blue its name back, start it again (best effort) and put
/// the route back on it. Returns the original error with what was done.
async fn restore_blue(d: &mut Deployment<'_>, blue: Option<&ContainerInfo>, err: anyhow::Error) -> anyhow::Error {
    let env = d.env;
    let docker = &env.docker;
    d.remove_this_deploys_containers().await;
    let Some(blue) = blue else {
        return err;
    };
    // Parked under another name in step 4 when it held the stable name.
    let parked = docker
        .inspect(&blue.id)
        .await
        .ok()
        .flatten()
        .is_some_and(|now| now.name != blue.name);
    if parked && let Err(e) = docker.rename(&blue.id, &blue.name).await {
        env.printer.warn(&format!(
            "{}: could not rename the old container back to `{}`: {e:#}",
            d.name(),
            blue.name
        ));
    }
    match docker.start(&blue.id).await {
        Ok(()) => {
            // The route may have moved during a failed switch: point it back.
            if d.plan.is_routed()
                && let Some(fresh) = docker.inspect(&blue.id).await.ok().flatten()
                && let Err(e) = d.point_route(&fresh).await
            {
                return err.context(format!(
                    "the old container `{}` was started again, BUT the route could not be confirmed back on it \
                     ({e:#}): it may point at the removed new container; fix the proxy, then run `berth \
                     reconcile {}`",
                    blue.name,
                    d.name()
                ));
            }
            err.context(format!("the old container `{}` was started again", blue.name))
        }
        Err(e) => err.context(format!(
            "the old container `{}` could not be started again ({e:#}); run `berth reconcile {}`",
            blue.name,
            d.name()
        )),
    }
}
