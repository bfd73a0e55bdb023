//! `berth workload add|set|edit|list|show|rm`.

use std::io::{IsTerminal, Read};
use std::path::Path;

use anyhow::{Context, Result, bail};
use serde::Serialize;
use serde_json::Value;

use super::Ctx;
use crate::cli::{WorkloadAddArgs, WorkloadRmArgs, WorkloadSetArgs, WorkloadShowArgs};
use crate::config::{self, ConfigIssue, Kind, Validated, effective_strategy, mask_secrets};
use crate::docker::labels;
use crate::error::BerthError;
use crate::output::Printer;
use crate::store::Workload;
use crate::t;

pub fn add(ctx: &Ctx, args: &WorkloadAddArgs) -> Result<()> {
    config::validate_workload_name(&args.name)
        .map_err(|m| BerthError::Usage(format!("invalid workload name `{}`: {m}", args.name)))?;
    let raw = match &args.config {
        Some(path) => read_config_source(&args.name, path)?,
        None => Value::Object(Default::default()),
    };
    let (raw, validated) = check_config(&args.name, args.kind, raw)?;
    let store = ctx.store()?;
    let workload = store.insert_workload(&args.name, args.kind, &raw)?;
    report_warnings(&ctx.printer, &validated.warnings);
    let strategy = effective_strategy(&validated.config);
    let line = t!(
        "workload-added",
        workload = &workload.name,
        kind = workload.kind.as_str(),
        strategy = strategy.strategy.as_str()
    );
    confirm_saved(ctx, &workload, &validated, &line);
    Ok(())
}

pub fn set(ctx: &Ctx, args: &WorkloadSetArgs) -> Result<()> {
    if args.config.is_none() && args.strategy.is_none() {
        return Err(BerthError::Usage(format!(
            "nothing to change: pass --config FILE and/or --strategy \"\"|recreate|blue-green \
             (or edit interactively with `berth workload edit {}`)",
            args.name
        ))
        .into());
    }
    let store = ctx.store()?;
    let workload = store.workload(&args.name)?;
    let mut raw = match &args.config {
        Some(path) => read_config_source(&args.name, path)?,
        None => workload.config.clone(),
    };
    if let Some(strategy) = &args.strategy {
        let Value::Object(map) = &mut raw else {
            // check_config reports the non-object config with its path.
            return check_config(&args.name, workload.kind, raw).map(|_| ());
        };
        map.insert("deploy_strategy".into(), Value::String(strategy.clone()));
    }
    let (raw, validated) = check_config(&args.name, workload.kind, raw)?;
    store.update_workload_config(&args.name, &raw)?;
    report_warnings(&ctx.printer, &validated.warnings);
    let updated = store.workload(&args.name)?;
    let strategy = effective_strategy(&validated.config);
    let line = t!(
        "workload-updated",
        workload = &updated.name,
        strategy = strategy.strategy.as_str(),
        reason = &strategy.reason
    );
    confirm_saved(ctx, &updated, &validated, &line);
    Ok(())
}

pub fn edit(ctx: &Ctx, name: &str) -> Result<()> {
    let store = ctx.store()?;
    let workload = store.workload(name)?;
    let editor = editor_command()?;
    let interactive = std::io::stdin().is_terminal();

    let original = serde_json::to_string_pretty(&workload.config)? + "\n";
    let file = tempfile::Builder::new()
        .prefix(&format!("berth-{name}-"))
        .suffix(".json")
        .tempfile()
        .context("could not create a temporary file to edit")?;
    let mut text = original.clone();
    loop {
        std::fs::write(file.path(), &text).context("could not write the temporary file to edit")?;
        run_editor(&editor, file.path())?;
        let edited = std::fs::read_to_string(file.path()).context("could not read the edited file")?;
        let body = strip_comment_lines(&edited);
        if body.trim() == original.trim() {
            ctx.printer.status(&format!("workload `{name}` unchanged"));
            return Ok(());
        }
        let outcome = parse_config_text(name, &body).and_then(|raw| check_config(name, workload.kind, raw));
        match outcome {
            Ok((raw, validated)) => {
                store.update_workload_config(name, &raw)?;
                report_warnings(&ctx.printer, &validated.warnings);
                let updated = store.workload(name)?;
                confirm_saved(
                    ctx,
                    &updated,
                    &validated,
                    &t!("workload-updated-short", workload = name),
                );
                return Ok(());
            }
            Err(err) if interactive => {
                // Reopen with the errors on top, as `kubectl edit` does; the
                // stored config is untouched until a valid one is saved.
                let mut header = String::from("// berth: this config is invalid and was not saved. Fix it, or\n");
                header.push_str("// empty the file to cancel. Lines starting with // are ignored.\n");
                for line in issue_lines(&err) {
                    header.push_str(&format!("// {line}\n"));
                }
                if body.trim().is_empty() {
                    ctx.printer
                        .status(&format!("edit of `{name}` cancelled; config unchanged"));
                    return Ok(());
                }
                text = header + &body;
                ctx.printer.warn("the edited config is invalid; reopening the editor");
            }
            Err(err) => {
                return Err(err.context(format!("edit of `{name}` not saved; the stored config is unchanged")));
            }
        }
    }
}

pub fn list(ctx: &Ctx) -> Result<()> {
    let store = ctx.store()?;
    let workloads = store.workloads()?;
    let rows: Vec<ListRow> = workloads.iter().map(ListRow::from).collect();
    if ctx.printer.is_json() {
        ctx.printer.json(&serde_json::json!({ "workloads": rows }));
        return Ok(());
    }
    if rows.is_empty() {
        ctx.printer.status(&t!("workload-none-yet"));
        return Ok(());
    }
    ctx.printer.table(
        &[
            "column-name",
            "column-kind",
            "column-strategy",
            "column-domains",
            "column-updated",
        ],
        rows.iter().map(|r| {
            vec![
                r.name.clone(),
                r.kind.to_string(),
                r.strategy.clone(),
                r.domains.join(","),
                r.updated_at.clone(),
            ]
        }),
    );
    Ok(())
}

pub fn show(ctx: &Ctx, args: &WorkloadShowArgs) -> Result<()> {
    let store = ctx.store()?;
    let workload = store.workload(&args.name)?;
    match workload.validate() {
        Ok(validated) => print_workload(ctx, &workload, &validated, args.show_secrets),
        Err(ref issues) => {
            // Stored by an older berth with looser rules: still show it.
            report_warnings(&ctx.printer, issues);
            let config = shown_config(&workload.config, args.show_secrets);
            if ctx.printer.is_json() {
                ctx.printer.json(&serde_json::json!({
                    "name": workload.name, "kind": workload.kind, "strategy": null,
                    "strategy_forced": false, "config": config,
                    "created_at": workload.created_at, "updated_at": workload.updated_at,
                }));
            } else {
                ctx.printer.data(&serde_json::to_string_pretty(&config)?);
            }
        }
    }
    Ok(())
}

pub async fn rm(ctx: &Ctx, args: &WorkloadRmArgs) -> Result<()> {
    let store = ctx.store()?;
    let workload = store.workload(&args.name)?;
    let deployed = store.has_runtime_state(workload.id)?;
    if deployed && !args.purge {
        bail!(
            "workload `{}` is deployed; `berth workload rm {} --purge` also removes its containers and runtime \
             state (berth never deletes an NPM proxy host: remove that by hand if you want it gone)",
            workload.name,
            workload.name
        );
    }
    let mut removed = Vec::new();
    if args.purge {
        // Under the deploy lock, so a deploy in progress is not pulled from under.
        let _lock = store.lock_deploy(workload.id, &workload.name, false)?;
        let daemon = workload
            .validate()
            .map(|v| v.config.common.daemon())
            .unwrap_or(crate::docker::DaemonRef::Default);
        let env = ctx.session()?.on(&daemon).await?;
        if let Ok(validated) = workload.validate()
            && let crate::config::KindConfig::Compose(c) = &validated.config.source
        {
            // The stack is compose's: take it down the way it came up.
            if let Err(e) = crate::deploy::compose::down(&workload.name, c, env.docker.endpoint()).await {
                if let Some(f) = e.downcast_ref::<crate::error::RedactedFailure>() {
                    ctx.printer.diagnostic(&format!("{}\n", f.detail.trim_end()));
                }
                return Err(e.context(format!("workload `{}` was not removed", workload.name)));
            }
            let project = crate::deploy::compose::project_name(&workload.name, c);
            ctx.printer.status(&format!("took compose project {project} down"));
        }
        // This store's containers and the one its state names (possibly
        // adopted); another store's containers are that store's to remove.
        let store_id = store.store_id()?;
        let live = store.runtime_state(workload.id)?.map(|s| s.container_id);
        for c in env
            .docker
            .containers_with_label(labels::WORKLOAD, &workload.name)
            .await?
        {
            if !crate::deploy::adopt::created_by(&c.labels, &store_id) && live.as_deref() != Some(c.id.as_str()) {
                ctx.printer.warn(&format!(
                    "{}: kept `{}`: another berth store created it",
                    workload.name, c.name
                ));
                continue;
            }
            env.docker.remove(&c.id).await?;
            removed.push(c.name);
        }
        store.clear_runtime_state(workload.id)?;
    }
    store.delete_workload(&workload.name)?;
    for c in &removed {
        ctx.printer.status(&t!("workload-removed-container", container = c));
    }
    ctx.printer.status(&t!("workload-removed", workload = &workload.name));
    if deployed {
        ctx.printer.status(&t!("workload-removed-route-note"));
    }
    if ctx.printer.is_json() {
        ctx.printer
            .json(&serde_json::json!({ "removed": workload.name, "containers": removed }));
    }
    Ok(())
}

#[derive(Serialize)]
struct ListRow {
    name: String,
    kind: Kind,
    strategy: String,
    domains: Vec<String>,
    created_at: String,
    updated_at: String,
}

impl From<&Workload> for ListRow {
    fn from(w: &Workload) -> Self {
        let (strategy, domains) = match w.validate() {
            Ok(v) => (
                effective_strategy(&v.config).strategy.to_string(),
                v.config.common.domains.clone(),
            ),
            Err(_) => ("invalid".to_owned(), Vec::new()),
        };
        ListRow {
            name: w.name.clone(),
            kind: w.kind,
            strategy,
            domains,
            created_at: w.created_at.clone(),
            updated_at: w.updated_at.clone(),
        }
    }
}

fn shown_config(config: &Value, show_secrets: bool) -> Value {
    if show_secrets {
        config.clone()
    } else {
        mask_secrets(config)
    }
}

/// After `add`, `set` or `edit`: one confirmation line on stderr; the stored
/// config (secrets masked) on stdout only with `--output json`, so a
/// script can read what was saved and a person is not shown it again.
fn confirm_saved(ctx: &Ctx, workload: &Workload, validated: &Validated, line: &str) {
    ctx.printer.status(line);
    if ctx.printer.is_json() {
        print_workload(ctx, workload, validated, false);
    }
}

fn print_workload(ctx: &Ctx, workload: &Workload, validated: &Validated, show_secrets: bool) {
    let strategy = effective_strategy(&validated.config);
    let config = shown_config(&workload.config, show_secrets);
    if ctx.printer.is_json() {
        ctx.printer.json(&serde_json::json!({
            "name": workload.name,
            "kind": workload.kind,
            "strategy": strategy.strategy,
            "strategy_forced": strategy.forced,
            "strategy_reason": strategy.reason,
            "config": config,
            "warnings": validated.warnings.iter().map(crate::output::JsonIssue::from).collect::<Vec<_>>(),
            "created_at": workload.created_at,
            "updated_at": workload.updated_at,
        }));
        return;
    }
    let p = &ctx.printer;
    p.data(&format!("name:     {}", workload.name));
    p.data(&format!("kind:     {}", workload.kind));
    p.data(&format!("strategy: {} ({})", strategy.strategy, strategy.reason));
    p.data(&format!("updated:  {}", workload.updated_at));
    p.data("config:");
    let pretty = serde_json::to_string_pretty(&config).unwrap_or_else(|_| config.to_string());
    for line in pretty.lines() {
        p.data(&format!("  {line}"));
    }
}

/// Resolves relative paths against the current directory, then validates.
/// Returns the config to store (with absolute paths) and the typed result.
pub(crate) fn check_config(name: &str, kind: Kind, mut raw: Value) -> Result<(Value, Validated)> {
    let cwd = std::env::current_dir().context("could not read the current directory")?;
    config::resolve_paths(kind, &mut raw, &cwd);
    match config::validate(name, kind, &raw) {
        Ok(validated) => Ok((raw, validated)),
        Err(issues) => Err(BerthError::invalid_config(issues).into()),
    }
}

/// Reads a config from a file, or stdin for `-`.
pub(crate) fn read_config_source(name: &str, path: &Path) -> Result<Value> {
    let text = if path.as_os_str() == "-" {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .context("could not read the config from stdin")?;
        s
    } else {
        std::fs::read_to_string(path)
            .map_err(|e| BerthError::Usage(format!("could not read config file {}: {e}", path.display())))?
    };
    parse_config_text(name, &text)
}

fn parse_config_text(name: &str, text: &str) -> Result<Value> {
    serde_json::from_str(text).map_err(|e| {
        BerthError::invalid_config(vec![ConfigIssue {
            text: None,
            workload: name.to_owned(),
            path: String::new(),
            message: format!("not valid JSON (line {}, column {}): {e}", e.line(), e.column()),
            suggestion: None,
        }])
        .into()
    })
}

fn report_warnings(printer: &Printer, warnings: &[ConfigIssue]) {
    for w in warnings {
        printer.warn(&w.human());
    }
}

fn issue_lines(err: &anyhow::Error) -> Vec<String> {
    match err.downcast_ref::<BerthError>() {
        Some(BerthError::InvalidConfig { errors, .. }) => errors.iter().map(ToString::to_string).collect(),
        _ => vec![format!("{err:#}")],
    }
}

fn strip_comment_lines(text: &str) -> String {
    text.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// `$VISUAL`, then `$EDITOR`, split into program and arguments (no shell).
fn editor_command() -> Result<Vec<String>> {
    for var in ["VISUAL", "EDITOR"] {
        if let Ok(value) = std::env::var(var) {
            let parts: Vec<String> = value.split_whitespace().map(str::to_owned).collect();
            if !parts.is_empty() {
                return Ok(parts);
            }
        }
    }
    if std::io::stdin().is_terminal() {
        return Ok(vec!["vi".to_owned()]);
    }
    Err(
        BerthError::Usage("no editor: set VISUAL or EDITOR, or use `berth workload set NAME --config FILE`".to_owned())
            .into(),
    )
}

fn run_editor(editor: &[String], file: &Path) -> Result<()> {
    let (program, args) = editor.split_first().context("empty editor command")?;
    let status = std::process::Command::new(program)
        .args(args)
        .arg(file)
        .status()
        .with_context(|| format!("could not start the editor `{program}`"))?;
    if !status.success() {
        bail!("the editor `{program}` exited with {status}; the stored config is unchanged");
    }
    Ok(())
}
