//! The workload's live container, for the commands that act on it after a
//! deploy: `berth logs` (following it across swaps) and `berth exec`.

pub mod exec;
pub mod logs;

use anyhow::{Result, anyhow};

use crate::config::{KindConfig, SourceConfig};
use crate::deploy::compose::{PROJECT_LABEL, SERVICE_LABEL, project_name};
use crate::docker::Engine as _;
use crate::docker::{ContainerSummary, Docker, labels};
use crate::error::BerthError;
use crate::store::{Store, Workload};

/// How often a stream with nothing to print looks whether the reader of
/// berth's output has gone.
const READER_CHECK: std::time::Duration = std::time::Duration::from_millis(250);

/// The reader of berth's output went away (`berth exec web -- yes | head
/// -1`, `berth logs -f web | head -1`).
struct ReaderGone;

/// Reads a container's attached stream while looking, every
/// [`READER_CHECK`] the stream is quiet, whether berth's reader has gone:
/// a command or a container that prints nothing for long still lets berth
/// end when nobody reads any more.
struct ReaderCheck {
    tick: tokio::time::Interval,
    gone: fn() -> bool,
}

impl ReaderCheck {
    /// Checks with `gone` (see [`crate::output::stdout_reader_gone`]).
    fn new(gone: fn() -> bool) -> ReaderCheck {
        ReaderCheck {
            tick: tokio::time::interval(READER_CHECK),
            gone,
        }
    }

    /// The next item of `stream`; None at its end.
    async fn next<S: futures_util::Stream + Unpin>(&mut self, stream: &mut S) -> Result<Option<S::Item>, ReaderGone> {
        use futures_util::StreamExt;
        loop {
            tokio::select! {
                item = stream.next() => return Ok(item),
                _ = self.tick.tick() => {
                    if (self.gone)() {
                        return Err(ReaderGone);
                    }
                }
            }
        }
    }
}

/// Which containers make up a workload on the daemon.
#[derive(Debug, Clone)]
pub struct Target {
    workload: String,
    /// The container the runtime state names, preferred when it runs.
    state_container: Option<String>,
    selector: Selector,
}

#[derive(Debug, Clone)]
enum Selector {
    /// Containers labelled `berth.workload=<name>` (from any store).
    Berth,
    /// The compose service's containers, found by compose's own labels.
    Compose { project: String, service: String },
}

impl Target {
    /// The target of `workload`; `service` picks a compose service other
    /// than the routed one.
    ///
    /// # Errors
    /// Usage (exit 2) when `service` is given for a kind other than compose,
    /// or a compose workload has no `service` and none is given.
    pub fn of(store: &Store, workload: &Workload, config: &SourceConfig, service: Option<&str>) -> Result<Target> {
        let name = &workload.name;
        let selector = match (&config.source, service) {
            (KindConfig::Compose(c), _) => {
                let service = service
                    .or(c.service.as_deref())
                    .ok_or_else(|| BerthError::Usage(crate::msg!("live-compose-needs-service", workload = name)))?;
                Selector::Compose {
                    project: project_name(name, c),
                    service: service.to_owned(),
                }
            }
            (_, Some(_)) => {
                return Err(BerthError::Usage(crate::msg!(
                    "live-service-not-compose",
                    workload = name,
                    kind = workload.kind.as_str()
                ))
                .into());
            }
            _ => Selector::Berth,
        };
        Ok(Target {
            workload: name.clone(),
            state_container: store.runtime_state(workload.id)?.map(|s| s.container_id),
            selector,
        })
    }

    /// The workload's name.
    pub fn workload(&self) -> &str {
        &self.workload
    }

    /// The running container serving the workload now: the one the state
    /// names when it runs, else the newest running one (a deploy from
    /// another store, or a recreate between its stop and its persist).
    /// `None` when nothing of the workload runs.
    ///
    /// # Errors
    /// When the daemon cannot list containers.
    pub async fn running(&self, docker: &Docker) -> Result<Option<ContainerSummary>> {
        let mut running: Vec<ContainerSummary> = self
            .candidates(docker)
            .await?
            .into_iter()
            .filter(|c| c.state == "running")
            .collect();
        if let Some(i) = running
            .iter()
            .position(|c| Some(&c.id) == self.state_container.as_ref())
        {
            return Ok(Some(running.swap_remove(i)));
        }
        Ok(running.into_iter().max_by_key(|c| c.created))
    }

    /// The running container, or the stopped one the state names (its logs
    /// still say why it stopped).
    ///
    /// # Errors
    /// Not found (exit 4) when the workload has no container at all.
    pub async fn running_or_last(&self, docker: &Docker) -> Result<ContainerSummary> {
        if let Some(c) = self.running(docker).await? {
            return Ok(c);
        }
        let all = self.candidates(docker).await?;
        if let Some(found) = all
            .iter()
            .find(|c| Some(&c.id) == self.state_container.as_ref())
            .or_else(|| all.iter().max_by_key(|c| c.created))
        {
            return Ok(found.clone());
        }
        Err(match self.unknown_service(docker).await {
            Some(e) => e,
            None => self.no_container(),
        })
    }

    /// Not found (exit 4) naming the compose services there are, when the
    /// project has containers but none of the asked service (a mistyped
    /// `--service`); None otherwise.
    pub async fn unknown_service(&self, docker: &Docker) -> Option<anyhow::Error> {
        let Selector::Compose { project, service } = &self.selector else {
            return None;
        };
        let all = docker.containers_with_label(PROJECT_LABEL, project).await.ok()?;
        let mut services: Vec<&str> = all
            .iter()
            .filter_map(|c| c.labels.get(SERVICE_LABEL).map(String::as_str))
            .collect();
        services.sort_unstable();
        services.dedup();
        if services.is_empty() || services.contains(&service.as_str()) {
            return None;
        }
        Some(anyhow!(BerthError::NotFound(crate::msg!(
            "live-unknown-service",
            workload = &self.workload,
            service = service,
            project = project,
            services = services.join(", ")
        ))))
    }

    /// The error for a workload with no container on the daemon.
    pub fn no_container(&self) -> anyhow::Error {
        let name = &self.workload;
        anyhow!(BerthError::NotFound(crate::msg!("live-no-container", workload = name)))
    }

    async fn candidates(&self, docker: &Docker) -> Result<Vec<ContainerSummary>> {
        Ok(match &self.selector {
            Selector::Berth => docker.containers_with_label(labels::WORKLOAD, &self.workload).await?,
            Selector::Compose { project, service } => docker
                .containers_with_label(PROJECT_LABEL, project)
                .await?
                .into_iter()
                .filter(|c| c.labels.get(SERVICE_LABEL) == Some(service))
                .collect(),
        })
    }
}
