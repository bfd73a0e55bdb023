//! Which earlier deploy `berth rollback NAME [--to DEPLOY]` runs again.
//! The deploy itself is an ordinary [`super::deploy`] of the chosen
//! artifact; only the choice is rollback's own.

use anyhow::{Result, bail};

use crate::error::BerthError;
use crate::msg;
use crate::source::Artifact;
use crate::store::{DeployRecord, DeployStatus, Store, Workload};

/// How many of the workload's deploys, newest first, the choice looks at.
const DEPLOYS_LOOKED_AT: i64 = 10_000;

/// The deploy a rollback runs again, and what it runs.
#[derive(Debug, Clone)]
pub struct RollbackTarget {
    /// The id of the earlier deploy (`berth history` shows it).
    pub deploy_id: i64,
    /// Its image, by id and by the reference it had.
    pub artifact: Artifact,
}

/// Reads the workload's deploys and live state from `store`, then
/// chooses as [`choose_target`] does.
///
/// Errors: the store cannot be read, or those of [`choose_target`].
pub fn target(store: &Store, workload: &Workload, to: Option<i64>) -> Result<RollbackTarget> {
    let live = store.runtime_state(workload.id)?.and_then(|s| s.deploy_id);
    let deploys = store.deploys_of(workload.id, DEPLOYS_LOOKED_AT)?;
    choose_target(&workload.name, &deploys, live, to)
}

/// The deploy to run again among `deploys` (newest first, as
/// [`Store::deploys_of`] gives them) of `workload`, whose live container
/// came from deploy `live` (None: nothing is live, or the state names no
/// deploy).
///
/// With `to`, that deploy, which must have succeeded. Without, the newest
/// succeeded deploy that recorded an artifact other than the live deploy's:
/// "the previous successful artifact" (README, History and rollback), so a
/// redeploy of the live image is no earlier version (DESIGN §9).
///
/// Errors: `to` is not a deploy of the workload (not found, exit 4); it did
/// not succeed (exit 1); without `to`, no earlier artifact exists (not
/// found, exit 4); the chosen deploy recorded no image to run (exit 1).
pub fn choose_target(
    workload: &str,
    deploys: &[DeployRecord],
    live: Option<i64>,
    to: Option<i64>,
) -> Result<RollbackTarget> {
    let target = match to {
        Some(id) => {
            let d = deploys
                .iter()
                .find(|d| d.id == id)
                .ok_or_else(|| BerthError::NotFound(msg!("rollback-no-such-deploy", workload = workload, id = id)))?;
            if d.status != DeployStatus::Succeeded {
                bail!(msg!(
                    "rollback-deploy-did-not-succeed",
                    workload = workload,
                    id = id,
                    status = crate::i18n::value_arg("outcome", d.status.as_str())
                ));
            }
            d
        }
        None => {
            let live_artifact = deploys
                .iter()
                .find(|d| live == Some(d.id))
                .and_then(|d| d.artifact.clone());
            deploys
                .iter()
                .filter(|d| d.status == DeployStatus::Succeeded && d.artifact.as_deref().is_some_and(|a| !a.is_empty()))
                .find(|d| d.artifact != live_artifact)
                .ok_or_else(|| BerthError::NotFound(msg!("rollback-nothing-earlier", workload = workload)))?
        }
    };
    let (Some(image_id), Some(reference)) = (target.artifact.clone(), target.image_ref.clone()) else {
        bail!(msg!("rollback-no-artifact", workload = workload, id = target.id));
    };
    Ok(RollbackTarget {
        deploy_id: target.id,
        artifact: Artifact { image_id, reference },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::classify;

    /// A deploy row: `artifact` doubles as the image reference.
    fn row(id: i64, status: &str, artifact: Option<&str>) -> DeployRecord {
        let status = status.parse::<DeployStatus>().expect("a deploy status");
        let image_ref = artifact.map(|a| format!("app:{a}"));
        DeployRecord::for_test(id, status, artifact, image_ref.as_deref())
    }

    fn chosen(deploys: &[DeployRecord], live: Option<i64>, to: Option<i64>) -> Result<i64> {
        choose_target("web", deploys, live, to).map(|t| t.deploy_id)
    }

    fn exit_code(err: anyhow::Error) -> i32 {
        classify(&err).0
    }

    #[test]
    fn the_newest_succeeded_deploy_of_another_artifact_is_chosen() {
        let deploys = [
            row(5, "succeeded", Some("sha256:c")),
            row(4, "failed", Some("sha256:b")),
            row(3, "succeeded", Some("sha256:c")),
            row(2, "succeeded", Some("sha256:a")),
            row(1, "succeeded", Some("sha256:z")),
        ];
        let target = choose_target("web", &deploys, Some(5), None).expect("a target");
        assert_eq!(target.deploy_id, 2, "a redeploy of c and a failed b are skipped");
        assert_eq!(target.artifact.image_id, "sha256:a");
        assert_eq!(target.artifact.reference, "app:sha256:a");
    }

    #[test]
    fn the_live_artifact_comes_from_the_live_deploy_not_the_newest() {
        // Live is deploy 2 (a rollback already ran): the newest other
        // artifact is deploy 3's.
        let deploys = [
            row(3, "succeeded", Some("sha256:b")),
            row(2, "succeeded", Some("sha256:a")),
        ];
        assert_eq!(chosen(&deploys, Some(2), None).expect("a target"), 3);
    }

    #[test]
    fn without_anything_live_the_newest_succeeded_deploy_is_chosen() {
        let deploys = [
            row(2, "abandoned", Some("sha256:b")),
            row(1, "succeeded", Some("sha256:a")),
        ];
        assert_eq!(chosen(&deploys, None, None).expect("a target"), 1);
    }

    #[test]
    fn deploys_without_an_artifact_are_never_chosen() {
        let deploys = [
            row(3, "succeeded", Some("sha256:b")),
            row(2, "succeeded", None),
            row(1, "succeeded", Some("")),
        ];
        let err = chosen(&deploys, Some(3), None).expect_err("nothing earlier");
        assert_eq!(exit_code(err), crate::error::exit::NOT_FOUND);
    }

    #[test]
    fn to_names_a_succeeded_deploy_even_the_live_one() {
        let deploys = [
            row(2, "succeeded", Some("sha256:b")),
            row(1, "failed", Some("sha256:a")),
        ];
        assert_eq!(chosen(&deploys, Some(2), Some(2)).expect("a target"), 2);
        let failed = chosen(&deploys, Some(2), Some(1)).expect_err("did not succeed");
        assert_eq!(exit_code(failed), crate::error::exit::FAILED);
        let missing = chosen(&deploys, Some(2), Some(7)).expect_err("no such deploy");
        assert_eq!(exit_code(missing), crate::error::exit::NOT_FOUND);
    }

    #[test]
    fn to_a_deploy_that_recorded_no_image_fails() {
        let deploys = [row(1, "succeeded", None)];
        let err = chosen(&deploys, None, Some(1)).expect_err("no artifact");
        assert!(format!("{err:#}").contains("web"), "{err:#}");
        assert_eq!(exit_code(err), crate::error::exit::FAILED);
    }
}
