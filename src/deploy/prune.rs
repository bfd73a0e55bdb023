//! Which of a workload's built images a deploy may remove: a pure rule
//! over the deploy history, so it is tested without a daemon.

use crate::store::{DeployRecord, DeployStatus};

/// The image references to remove after a deploy of `workload`: the tags
/// berth built for it (`berth/<workload>:...`) whose image is neither the
/// live one (the deploy `live` names, from the runtime state) nor one of
/// the `keep` newest other successful deploys' (what `berth rollback` can
/// return to). Images of failed or abandoned deploys were never live and go
/// too, unless a kept deploy uses the same image; pulled images are the
/// operator's and never listed; a deploy still `running` is left alone.
/// `deploys` is newest first, as the store lists them; each reference is
/// listed once.
pub fn images_to_prune(deploys: &[DeployRecord], live: Option<i64>, workload: &str, keep: u32) -> Vec<String> {
    let own_prefix = format!("berth/{workload}:");
    let mut kept: Vec<&str> = deploys
        .iter()
        .filter(|d| Some(d.id) == live)
        .filter_map(|d| d.artifact.as_deref())
        .collect();
    for d in deploys.iter().filter(|d| d.status == DeployStatus::Succeeded) {
        if let Some(id) = d.artifact.as_deref().filter(|a| !a.is_empty())
            && !kept.contains(&id)
            && kept.len() <= keep as usize
        {
            kept.push(id);
        }
    }
    let mut prune: Vec<String> = Vec::new();
    for d in deploys.iter().filter(|d| d.status != DeployStatus::Running) {
        let (Some(id), Some(reference)) = (&d.artifact, &d.image_ref) else {
            continue;
        };
        if id.is_empty() || kept.contains(&id.as_str()) || !reference.starts_with(&own_prefix) {
            continue;
        }
        if !prune.contains(reference) {
            prune.push(reference.clone());
        }
    }
    prune
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A deploy of `web`: id, status, image id, reference.
    fn deploy(id: i64, status: DeployStatus, image: &str, reference: &str) -> DeployRecord {
        DeployRecord::for_test(id, status, Some(image), Some(reference))
    }

    #[test]
    fn keeps_the_live_image_and_the_keep_newest_successful_ones_before_it() {
        // Newest first, as the store lists them.
        let deploys: Vec<DeployRecord> = (1..=5)
            .rev()
            .map(|i| {
                deploy(
                    i,
                    DeployStatus::Succeeded,
                    &format!("sha256:{i}"),
                    &format!("berth/web:d{i}"),
                )
            })
            .collect();
        assert_eq!(
            images_to_prune(&deploys, Some(5), "web", 2),
            ["berth/web:d2", "berth/web:d1"]
        );
        assert_eq!(images_to_prune(&deploys, Some(5), "web", 10), Vec::<String>::new());
        assert_eq!(
            images_to_prune(&deploys, Some(5), "web", 0),
            ["berth/web:d4", "berth/web:d3", "berth/web:d2", "berth/web:d1"],
            "keep 0: only the live image stays"
        );
    }

    #[test]
    fn a_rolled_back_live_deploy_keeps_its_older_image() {
        // Deploy 3 rolled back to deploy 1's image: the live deploy is 3,
        // its image is d1's, which stays whatever its age.
        let deploys = vec![
            deploy(3, DeployStatus::Succeeded, "sha256:1", "berth/web:d1"),
            deploy(2, DeployStatus::Succeeded, "sha256:2", "berth/web:d2"),
            deploy(1, DeployStatus::Succeeded, "sha256:1", "berth/web:d1"),
        ];
        assert_eq!(images_to_prune(&deploys, Some(3), "web", 0), ["berth/web:d2"]);
    }

    #[test]
    fn failed_images_go_pulled_images_and_running_deploys_stay() {
        let deploys = vec![
            deploy(5, DeployStatus::Running, "sha256:5", "berth/web:d5"),
            deploy(4, DeployStatus::Succeeded, "sha256:4", "berth/web:d4"),
            deploy(3, DeployStatus::Failed, "sha256:3", "berth/web:d3"),
            deploy(2, DeployStatus::Abandoned, "sha256:2", "nginx:1.27"),
            deploy(1, DeployStatus::Failed, "sha256:1", "berth/other:d1"),
        ];
        assert_eq!(
            images_to_prune(&deploys, Some(4), "web", 1),
            ["berth/web:d3"],
            "the failed build goes; the running deploy's, the pulled image and another workload's stay"
        );
    }

    #[test]
    fn an_abandoned_deploy_that_is_live_is_kept() {
        // A crash after the persist leaves the live deploy `abandoned`.
        let deploys = vec![
            deploy(2, DeployStatus::Abandoned, "sha256:2", "berth/web:d2"),
            deploy(1, DeployStatus::Succeeded, "sha256:1", "berth/web:d1"),
        ];
        assert_eq!(images_to_prune(&deploys, Some(2), "web", 0), ["berth/web:d1"]);
        assert_eq!(images_to_prune(&deploys, Some(2), "web", 1), Vec::<String>::new());
    }
}
