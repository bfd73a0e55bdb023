//! `berth validate [NAME...] [--file FILE --kind KIND]`: check configs and
//! report every problem at once, without saving or deploying anything.

use anyhow::Result;
use serde_json::{Value, json};

use super::Ctx;
use super::workload::read_config_source;
use crate::cli::ValidateArgs;
use crate::config::{self, ConfigIssue, Kind};
use crate::error::BerthError;
use crate::output::{JsonIssue, Style};

struct Checked {
    name: String,
    kind: Kind,
    outcome: Result<config::Validated, Vec<ConfigIssue>>,
}

pub async fn exec(ctx: &Ctx, args: &ValidateArgs) -> Result<()> {
    let checked = match (&args.file, args.kind) {
        (Some(file), Some(kind)) => {
            if args.names.len() > 1 {
                return Err(BerthError::Usage(crate::msg!("validate-file-one-name")).into());
            }
            let name = args.names.first().cloned().unwrap_or_else(|| {
                file.file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .filter(|s| s != "-")
                    .unwrap_or_else(|| "stdin".to_owned())
            });
            let mut raw: Value = read_config_source(&name, file)?;
            let cwd = std::env::current_dir()?;
            config::resolve_paths(kind, &mut raw, &cwd);
            let outcome = config::validate(&name, kind, &raw);
            vec![Checked { name, kind, outcome }]
        }
        _ => {
            let store = ctx.store()?;
            let workloads = if args.names.is_empty() {
                store.workloads()?
            } else {
                args.names
                    .iter()
                    .map(|n| store.workload(n))
                    .collect::<Result<Vec<_>>>()?
            };
            workloads
                .into_iter()
                .map(|w| Checked {
                    outcome: w.validate(),
                    name: w.name,
                    kind: w.kind,
                })
                .collect()
        }
    };

    let errors: Vec<ConfigIssue> = checked
        .iter()
        .filter_map(|c| c.outcome.as_ref().err())
        .flatten()
        .cloned()
        .collect();
    let warnings: Vec<&ConfigIssue> = checked
        .iter()
        .filter_map(|c| c.outcome.as_ref().ok())
        .flat_map(|v| &v.warnings)
        .collect();

    for w in &warnings {
        ctx.printer.warn(&w.human());
    }
    for c in &checked {
        if let Ok(v) = &c.outcome {
            health_interval_warning(ctx, &c.name, &v.config).await;
        }
    }
    if !errors.is_empty() {
        let invalid = checked.iter().filter(|c| c.outcome.is_err()).count();
        let message = crate::msg!("validate-invalid-configs", configs = invalid, count = errors.len());
        return Err(BerthError::InvalidConfig { message, errors }.into());
    }

    if ctx.printer.is_json() {
        let results: Vec<Value> = checked
            .iter()
            .filter_map(|c| c.outcome.as_ref().ok().map(|v| (c, v)))
            .map(|(c, v)| {
                let s = &v.strategy;
                json!({
                    "workload": c.name,
                    "kind": c.kind,
                    "valid": true,
                    "strategy": s.strategy,
                    "strategy_forced": s.forced,
                    "strategy_reason": s.reason,
                    "warnings": v.warnings.iter().map(JsonIssue::from).collect::<Vec<_>>(),
                })
            })
            .collect();
        ctx.printer.json(&json!({ "valid": true, "workloads": results }));
    } else {
        if checked.is_empty() {
            ctx.printer.status(&crate::t!("validate-nothing"));
        }
        for c in &checked {
            if let Ok(v) = &c.outcome {
                let s = &v.strategy;
                let ok = ctx.printer.paint(&crate::t!("validate-ok"), Style::Green);
                let line = crate::t!(
                    "validate-valid",
                    workload = &c.name,
                    kind = c.kind.as_str(),
                    strategy = s.strategy.as_str(),
                    reason = s.reason.clone()
                );
                ctx.printer.data(&format!("{}: {ok} {line}", c.name));
            }
        }
    }
    Ok(())
}

/// Warns when the Docker health check the gate would wait for probes less
/// often than the gate waits (issue 12: a 60 s interval against a 60 s
/// deadline fails before Docker probes once): an image's own HEALTHCHECK,
/// or a compose service's `healthcheck:` (else its image's). Images are
/// looked at only when present on a reachable local daemon: `validate`
/// never pulls, and works offline. Also warns when `mode: docker` names an
/// image that has no check at all.
async fn health_interval_warning(ctx: &Ctx, name: &str, config: &config::SourceConfig) {
    use config::compose_health::{DeclaredHealth, declared_health};
    let deadline_ms = match &config.common.healthcheck {
        None => config::Healthcheck::default().deadline_ms,
        Some(hc) if hc.mode == config::HealthMode::Docker => hc.deadline_ms.max(hc.start_period_ms),
        Some(_) => return, // berth's HTTP probe decides, not the image's check
    };
    let image = match &config.source {
        config::KindConfig::Image(image) => image.image.clone(),
        config::KindConfig::Compose(compose) => {
            let Some(service) = &compose.service else {
                return; // only the routed service is gated
            };
            match declared_health(std::path::Path::new(&compose.file), service) {
                Some(DeclaredHealth::Interval(interval)) => {
                    if interval >= deadline_ms {
                        ctx.printer.warn(&crate::t!(
                            "validate-compose-health-interval-too-long",
                            workload = name,
                            service = service.as_str(),
                            file = &compose.file,
                            interval = interval,
                            deadline = deadline_ms
                        ));
                    }
                    return;
                }
                Some(DeclaredHealth::FromImage(Some(image))) => image,
                _ => return,
            }
        }
        _ => return,
    };
    // The workload's own daemon, when it is this machine's: validate
    // never waits on a remote host.
    let daemon = config.common.daemon();
    if !crate::docker::Endpoint::resolve(&daemon).is_ok_and(|ep| ep.is_local()) {
        return;
    }
    let Ok(docker) = crate::docker::Docker::connect_to(&daemon).await else {
        return;
    };
    let Ok(check) = docker.image_health_check(&image).await else {
        return;
    };
    let Some(check) = check else {
        // `mode: docker` asked for an image that is here and has no check:
        // the gate would fail at once.
        let docker_mode = config
            .common
            .healthcheck
            .as_ref()
            .is_some_and(|hc| hc.mode == config::HealthMode::Docker);
        if docker_mode
            && matches!(config.source, config::KindConfig::Image(_))
            && matches!(docker.image_id(&image).await, Ok(Some(_)))
        {
            ctx.printer.warn(&crate::t!(
                "validate-docker-mode-no-check",
                workload = name,
                image = &image
            ));
        }
        return;
    };
    if check.interval_ms >= deadline_ms {
        ctx.printer.warn(&crate::t!(
            "validate-health-interval-too-long",
            workload = name,
            image = &image,
            interval = check.interval_ms,
            deadline = deadline_ms
        ));
    }
}
