//! Prepare the artifact of a deploy (DESIGN §3 step 3): pull, build or
//! package. Nothing here touches a running container, so a failed prepare
//! costs no downtime.

mod static_site;

use std::collections::{HashMap, VecDeque};

use anyhow::{Result, bail};
use serde::Serialize;

use crate::config::{DockerfileConfig, ImageConfig, KindConfig, PullPolicy, ResolvedSecrets, SourceConfig};
use crate::docker::{BuildRequest, Docker, build_image, labels};
use crate::error::RedactedFailure;
use crate::output::Printer;
use crate::{msg, t};

/// What a deploy runs: an immutable image id, and the reference people read.
#[derive(Debug, Clone, Serialize)]
pub struct Artifact {
    /// `sha256:...`: containers are created from the id, so a tag moving
    /// later does not change what a restart runs, and rollback has a target.
    pub image_id: String,
    /// The reference as configured or built (`registry/app:v2`, `berth/web:17`).
    pub reference: String,
}

pub async fn prepare(
    docker: &Docker,
    printer: &Printer,
    workload: &str,
    config: &SourceConfig,
    secrets: &ResolvedSecrets,
    deploy_id: i64,
) -> Result<Artifact> {
    match &config.source {
        KindConfig::Image(image) => pull_image(docker, printer, workload, image).await,
        KindConfig::Dockerfile(df) => build_dockerfile(docker, printer, workload, df, secrets, deploy_id).await,
        KindConfig::Static(site) => static_site::package(docker, printer, workload, site).await,
        KindConfig::Compose(_) => bail!(msg!("source-compose-own-flow")),
    }
}

async fn pull_image(docker: &Docker, printer: &Printer, workload: &str, cfg: &ImageConfig) -> Result<Artifact> {
    let reference = normalize_reference(&cfg.image);
    if cfg.pull == PullPolicy::Missing
        && let Some(id) = docker.image_id(&reference).await?
    {
        printer.status(&t!("source-image-present", workload = workload, image = &reference));
        return Ok(Artifact {
            image_id: id,
            reference,
        });
    }
    let credentials = match &cfg.registry_auth {
        Some(auth) => {
            let password = std::env::var(&auth.password_env).map_err(|_| {
                anyhow::anyhow!(msg!(
                    "source-password-env-unset",
                    workload = workload,
                    var = &auth.password_env
                ))
            })?;
            Some(bollard::auth::DockerCredentials {
                username: Some(auth.username.clone()),
                password: Some(password),
                serveraddress: Some(crate::config::ImageRef::split(&reference).auth_server()),
                ..Default::default()
            })
        }
        None => None,
    };
    printer.status(&t!("source-pulling", workload = workload, image = &reference));
    let bars = PullProgress::new(printer);
    let pulled = docker
        .pull(&reference, credentials, |layer, status, current, total| {
            bars.update(layer, status, current, total);
        })
        .await;
    bars.finish();
    let id = match pulled {
        Ok(id) => id,
        // An image built or loaded on this daemon, with the default `pull:
        // always` and no registry to ask: say how to deploy it as it is.
        Err(e) if matches!(docker.image_id(&reference).await, Ok(Some(_))) => {
            return Err(msg!("source-pull-failed-present", workload = workload, image = &reference).wrap(e));
        }
        Err(e) => return Err(msg!("source-pull-failed", workload = workload).wrap(e)),
    };
    Ok(Artifact {
        image_id: id,
        reference,
    })
}

async fn build_dockerfile(
    docker: &Docker,
    printer: &Printer,
    workload: &str,
    cfg: &DockerfileConfig,
    secrets: &crate::config::ResolvedSecrets,
    deploy_id: i64,
) -> Result<Artifact> {
    let build_args = &secrets.build_args;
    let tag = format!("berth/{workload}:{deploy_id}");
    printer.status(&t!(
        "source-building",
        workload = workload,
        image = &tag,
        context = &cfg.context
    ));
    let live = printer.show_progress();
    // The build's output can echo a build argument.
    let mask = secrets.mask();
    let mut tail: VecDeque<String> = VecDeque::new();
    let request = BuildRequest {
        context: std::path::Path::new(&cfg.context),
        context_prefix: "",
        extra_files: Vec::new(),
        dockerfile: &cfg.dockerfile,
        tag: &tag,
        build_args,
        target: cfg.target.as_deref(),
        labels: HashMap::from([(labels::WORKLOAD.to_owned(), workload.to_owned())]),
    };
    let result = build_image(docker, request, |line| {
        let line = mask.apply(line);
        if live {
            printer.diagnostic(&format!("  {line}\n"));
        } else {
            tail.push_back(line);
            if tail.len() > 50 {
                tail.pop_front();
            }
        }
    })
    .await;
    match result {
        Ok(id) => Ok(Artifact {
            image_id: id,
            reference: tag,
        }),
        Err(e) => {
            if !show_build_failure(printer, &e, &mask) && !live && !tail.is_empty() {
                printer.diagnostic(&format!("{}\n", Vec::from(tail).join("\n")));
            }
            Err(msg!("source-build-failed", workload = workload).wrap(e))
        }
    }
}

/// Build output can echo build args: it goes to the caller's stderr only,
/// masked, never into the error that becomes an event. Returns whether it
/// showed it.
fn show_build_failure(printer: &Printer, err: &anyhow::Error, mask: &crate::config::SecretMask) -> bool {
    match err.downcast_ref::<RedactedFailure>() {
        Some(failure) => {
            printer.diagnostic(&format!("{}\n", mask.apply(failure.detail.trim_end())));
            true
        }
        None => false,
    }
}

/// No tag means `:latest`, as docker does; never "all tags".
pub fn normalize_reference(image: &str) -> String {
    crate::config::ImageRef::split(image).normalized()
}

/// One bar per layer on a terminal; nothing otherwise.
struct PullProgress {
    multi: Option<indicatif::MultiProgress>,
    bars: std::sync::Mutex<HashMap<String, indicatif::ProgressBar>>,
}

impl PullProgress {
    fn new(printer: &Printer) -> Self {
        PullProgress {
            multi: printer.show_progress().then(indicatif::MultiProgress::new),
            bars: std::sync::Mutex::new(HashMap::new()),
        }
    }

    fn update(&self, layer: &str, status: &str, current: Option<i64>, total: Option<i64>) {
        let Some(multi) = &self.multi else { return };
        if layer.is_empty() {
            return;
        }
        let Ok(mut bars) = self.bars.lock() else {
            return;
        };
        let bar = bars.entry(layer.to_owned()).or_insert_with(|| {
            let bar = multi.add(indicatif::ProgressBar::new(0));
            bar.set_style(
                indicatif::ProgressStyle::with_template("  {prefix} {msg:<12} {bar:30} {bytes}/{total_bytes}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            bar.set_prefix(crate::docker::short(layer).to_owned());
            bar
        });
        if let Some(t) = total.and_then(|t| u64::try_from(t).ok()) {
            bar.set_length(t);
        }
        if let Some(c) = current.and_then(|c| u64::try_from(c).ok()) {
            bar.set_position(c);
        }
        bar.set_message(status.to_owned());
    }

    fn finish(&self) {
        if let Ok(bars) = self.bars.lock() {
            for bar in bars.values() {
                bar.finish_and_clear();
            }
        }
    }
}
