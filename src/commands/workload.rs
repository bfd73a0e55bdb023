//! `berth workload add|set|edit|list|show|rm`.

use std::io::{IsTerminal, Read};
use std::path::Path;

use anyhow::{Result, bail};
use serde::Serialize;
use serde_json::Value;

use super::Ctx;
use crate::cli::{WorkloadAddArgs, WorkloadRmArgs, WorkloadSetArgs, WorkloadShowArgs};
use crate::config::{self, ConfigIssue, Kind, Validated, mask_secrets};
use crate::deploy::remove::remove_workload;
use crate::error::BerthError;
use crate::i18n::Context as _;
use crate::output::Printer;
use crate::store::Workload;
use crate::{msg, t};

pub fn add(ctx: &Ctx, args: &WorkloadAddArgs) -> Result<()> {
    config::validate_workload_name(&args.name)
        .map_err(|m| BerthError::Usage(msg!("workload-invalid-name", workload = &args.name, reason = m)))?;
    let raw = match &args.config {
        Some(path) => read_config_source(&args.name, path)?,
        None => Value::Object(Default::default()),
    };
    let (raw, validated) = check_config(&args.name, args.kind, raw)?;
    let store = ctx.store()?;
    let workload = store.insert_workload(&args.name, args.kind, &raw)?;
    report_warnings(&ctx.printer, &validated.warnings);
    let strategy = &validated.strategy;
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
        return Err(BerthError::Usage(msg!("workload-nothing-to-change", workload = &args.name)).into());
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
    let strategy = &validated.strategy;
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
        .context_msg(msg!("workload-edit-tempfile-create"))?;
    let mut text = original.clone();
    loop {
        std::fs::write(file.path(), &text).context_msg(msg!("workload-edit-tempfile-write"))?;
        run_editor(&editor, file.path())?;
        let edited = std::fs::read_to_string(file.path()).context_msg(msg!("workload-edit-read"))?;
        let body = strip_comment_lines(&edited);
        if body.trim() == original.trim() {
            ctx.printer.status(&t!("workload-unchanged", workload = name));
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
                let mut header = String::new();
                for line in t!("workload-edit-header").lines() {
                    header.push_str(&format!("// {line}\n"));
                }
                for line in issue_lines(&err) {
                    header.push_str(&format!("// {line}\n"));
                }
                if body.trim().is_empty() {
                    ctx.printer.status(&t!("workload-edit-cancelled", workload = name));
                    return Ok(());
                }
                text = header + &body;
                ctx.printer.warn(&t!("workload-edit-reopening"));
            }
            Err(err) => {
                return Err(err).context_msg(msg!("workload-edit-not-saved", workload = name));
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
    let removed = remove_workload(&store, &workload, args.purge, || ctx.session()).await?;
    for c in &removed.containers {
        ctx.printer.status(&t!("workload-removed-container", container = c));
    }
    ctx.printer.status(&t!("workload-removed", workload = &workload.name));
    if ctx.printer.is_json() {
        ctx.printer
            .json(&serde_json::json!({ "removed": workload.name, "containers": removed.containers }));
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
            Ok(v) => (v.strategy.strategy.to_string(), v.config.common.domains.clone()),
            // A data field: JSON names it in English; the table shows it as is.
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
    let strategy = &validated.strategy;
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
    let strategy = format!("{} ({})", strategy.strategy, strategy.reason.localized());
    let fields = [
        (t!("workload-show-name"), workload.name.clone()),
        (t!("workload-show-kind"), workload.kind.to_string()),
        (t!("workload-show-strategy"), strategy),
        (t!("workload-show-updated"), workload.updated_at.clone()),
    ];
    let width = fields.iter().map(|(label, _)| label.chars().count()).max().unwrap_or(0) + 1;
    for (label, value) in &fields {
        p.data(&format!("{:width$} {value}", format!("{label}:")));
    }
    p.data(&format!("{}:", t!("workload-show-config")));
    let pretty = serde_json::to_string_pretty(&config).unwrap_or_else(|_| config.to_string());
    for line in pretty.lines() {
        p.data(&format!("  {line}"));
    }
}

/// Resolves relative paths against the current directory, then validates.
/// Returns the config to store (with absolute paths) and the typed result.
pub(crate) fn check_config(name: &str, kind: Kind, mut raw: Value) -> Result<(Value, Validated)> {
    let cwd = std::env::current_dir().context_msg(msg!("cwd-unreadable"))?;
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
            .context_msg(msg!("workload-config-stdin-unreadable"))?;
        s
    } else {
        std::fs::read_to_string(path).map_err(|e| {
            BerthError::Usage(msg!(
                "workload-config-file-unreadable",
                file = path.display().to_string(),
                reason = e.to_string()
            ))
        })?
    };
    parse_config_text(name, &text)
}

fn parse_config_text(name: &str, text: &str) -> Result<Value> {
    serde_json::from_str(text).map_err(|e| {
        let message = msg!(
            "config-not-json",
            line = e.line(),
            column = e.column(),
            reason = e.to_string()
        );
        BerthError::invalid_config(vec![ConfigIssue::localizable(name, "", message, None)]).into()
    })
}

fn report_warnings(printer: &Printer, warnings: &[ConfigIssue]) {
    for w in warnings {
        printer.warn(&w.human());
    }
}

fn issue_lines(err: &anyhow::Error) -> Vec<String> {
    match err.downcast_ref::<BerthError>() {
        Some(BerthError::InvalidConfig { errors, .. }) => errors.iter().map(ConfigIssue::human).collect(),
        _ => vec![crate::error::human_chain(err)],
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
    Err(BerthError::Usage(msg!("workload-no-editor")).into())
}

fn run_editor(editor: &[String], file: &Path) -> Result<()> {
    let (program, args) = editor.split_first().context_msg(msg!("workload-editor-empty"))?;
    let status = std::process::Command::new(program)
        .args(args)
        .arg(file)
        .status()
        .with_context_msg(|| msg!("workload-editor-not-started", editor = program))?;
    if !status.success() {
        bail!(msg!(
            "workload-editor-failed",
            editor = program,
            status = crate::i18n::exit_status(status)
        ));
    }
    Ok(())
}
