//! The Swarm side of the daemon: services, their tasks, overlay networks
//! (issue 13, docs/clusters.md §2). Only what a berth deploy needs.

use std::collections::HashMap;

use anyhow::{Result, anyhow, bail};
use bollard::models::{LocalNodeState, Service, ServiceSpec, ServiceUpdateStatusStateEnum, Task, TaskState};
use bollard::query_parameters::{
    InspectNetworkOptions, InspectServiceOptions, ListTasksOptionsBuilder, UpdateServiceOptionsBuilder,
};

use super::engine::Engine as _;
use super::{Docker, docker_error, status_of};
use crate::msg;

impl Docker {
    /// Fails unless this daemon is an active Swarm manager, saying how to
    /// make it one. Errors: the daemon does not answer.
    /// Whether the daemon is in a swarm at all (as a manager or a worker).
    pub async fn in_swarm(&self) -> Result<bool> {
        let info = self
            .api
            .info()
            .await
            .map_err(|e| docker_error(e, msg!("docker-info")))?;
        let state = info.swarm.unwrap_or_default().local_node_state;
        Ok(state == Some(LocalNodeState::ACTIVE))
    }

    pub async fn require_swarm_manager(&self) -> Result<()> {
        let info = self
            .api
            .info()
            .await
            .map_err(|e| docker_error(e, msg!("docker-info")))?;
        let swarm = info.swarm.unwrap_or_default();
        let state = swarm.local_node_state.unwrap_or(LocalNodeState::EMPTY);
        if state != LocalNodeState::ACTIVE {
            bail!(msg!(
                "swarm-not-in-swarm",
                host = self.host(),
                state = state.to_string()
            ));
        }
        if swarm.control_available != Some(true) {
            bail!(msg!("swarm-worker-not-manager", host = self.host()));
        }
        Ok(())
    }

    /// Creates the overlay network `name` (attachable, so a router running
    /// as a plain container can join it) unless it exists. Errors: a
    /// network of that name exists with another driver (named in the
    /// message), or the daemon refused.
    pub async fn ensure_overlay_network(&self, name: &str) -> Result<()> {
        match self.api.inspect_network(name, None::<InspectNetworkOptions>).await {
            Ok(net) => {
                let driver = net.driver.unwrap_or_default();
                if driver != "overlay" {
                    bail!(msg!("swarm-network-not-overlay", name = name, driver = &driver));
                }
                return Ok(());
            }
            Err(e) if status_of(&e) == Some(404) => {}
            Err(e) => return Err(docker_error(e, msg!("docker-inspect-network", name = name))),
        }
        self.create_network(name, "overlay").await
    }

    /// The service `name` (or id), None when there is none.
    pub async fn service(&self, name: &str) -> Result<Option<Service>> {
        match self.api.inspect_service(name, None::<InspectServiceOptions>).await {
            Ok(s) => Ok(Some(s)),
            Err(e) if status_of(&e) == Some(404) => Ok(None),
            Err(e) => Err(docker_error(e, msg!("docker-inspect-service", service = name))),
        }
    }

    /// Creates a service; its id. Errors: the daemon refused the spec.
    pub async fn create_service(&self, spec: ServiceSpec) -> Result<String> {
        let name = spec.name.clone().unwrap_or_default();
        let created = self
            .api
            .create_service(spec, None)
            .await
            .map_err(|e| docker_error(e, msg!("docker-create-service", service = &name)))?;
        created
            .id
            .ok_or_else(|| anyhow!(msg!("docker-service-no-id", service = &name)))
    }

    /// Replaces the spec of service `name`, whose current version is
    /// `version` (a concurrent writer makes this fail rather than be
    /// overwritten). Returns the daemon's warnings.
    pub async fn update_service(&self, name: &str, spec: ServiceSpec, version: u64) -> Result<Vec<String>> {
        let version = i32::try_from(version).map_err(|_| {
            anyhow!(msg!(
                "docker-service-version-too-big",
                service = name,
                version = version.to_string()
            ))
        })?;
        let options = UpdateServiceOptionsBuilder::default().version(version).build();
        let answer = self
            .api
            .update_service(name, spec, options, None)
            .await
            .map_err(|e| docker_error(e, msg!("docker-update-service", service = name)))?;
        Ok(answer.warnings.unwrap_or_default())
    }

    /// Every task of service `name`, old and new, newest first.
    pub async fn service_tasks(&self, name: &str) -> Result<Vec<Task>> {
        let filters = HashMap::from([("service", vec![name])]);
        let options = ListTasksOptionsBuilder::default().filters(&filters).build();
        let mut tasks = self
            .api
            .list_tasks(Some(options))
            .await
            .map_err(|e| docker_error(e, msg!("docker-list-tasks", service = name)))?;
        tasks.sort_by(|a, b| b.created_at.cmp(&a.created_at));
        Ok(tasks)
    }

    /// `running 3/3`, or `updating 2/3`, `rollback_completed 3/3`, ...
    /// while or after an update that did not complete: the running tasks of
    /// service `name` against its replicas. None: no such service.
    pub async fn service_state(&self, name: &str) -> Result<Option<String>> {
        let Some(service) = self.service(name).await? else {
            return Ok(None);
        };
        let replicas = service
            .spec
            .as_ref()
            .and_then(|s| s.mode.as_ref())
            .and_then(|m| m.replicated.as_ref())
            .and_then(|r| r.replicas)
            .unwrap_or(0);
        let running = self
            .service_tasks(name)
            .await?
            .iter()
            .filter(|t| {
                t.desired_state == Some(TaskState::RUNNING)
                    && t.status.as_ref().and_then(|s| s.state) == Some(TaskState::RUNNING)
            })
            .count();
        let update = service.update_status.and_then(|u| u.state);
        let word = match update {
            None | Some(ServiceUpdateStatusStateEnum::COMPLETED | ServiceUpdateStatusStateEnum::EMPTY) => {
                "running".to_owned()
            }
            Some(other) => other.to_string(),
        };
        Ok(Some(format!("{word} {running}/{replicas}")))
    }

    /// Removes service `name`; a service already gone is not an error.
    pub async fn remove_service(&self, name: &str) -> Result<()> {
        match self.api.delete_service(name).await {
            Ok(()) => Ok(()),
            Err(e) if status_of(&e) == Some(404) => Ok(()),
            Err(e) => Err(docker_error(e, msg!("docker-remove-service", service = name))),
        }
    }
}
