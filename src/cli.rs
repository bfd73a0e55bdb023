//! The command line, defined once: parsing, help, man pages and completions
//! all come from these types.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::config::Kind;
use crate::output::OutputFormat;

#[derive(Debug, Parser)]
#[command(
    name = "berth",
    version,
    about = "Deploy workloads to a Docker host with zero-downtime swaps",
    long_about = "berth keeps workload configs in a local SQLite store and deploys them to Docker \
(the local daemon, or each workload's own host over SSH or TCP) with `recreate` or `blue-green`, \
gating new containers on readiness, repointing routes in place (Nginx Proxy Manager, nginx or \
Caddy) and recording a queryable event history.",
    propagate_version = true
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    /// The command line with its help in the language of human output:
    /// every command's description (`help-<path>`, its long one
    /// `help-<path>-long`), every argument's help (`arg-<path>-<id>`,
    /// `arg-<id>` for global ones) and the help of its possible values
    /// (`<argument's id>-value-<value>`) come from the messages, and so do
    /// the section headings and clap's annotations (`[default: ..]`,
    /// `[env: ..]`, `[possible values: ..]`, `Possible values:`), which
    /// berth writes itself outside English. Completions and man pages are
    /// generated from [`Cli::command`], in English.
    ///
    /// Left to clap, in English: its parse errors (`error: unexpected
    /// argument`), which clap builds from fixed English text.
    pub fn localized_command() -> clap::Command {
        Self::command_in(crate::i18n::lang())
    }

    /// [`Cli::localized_command`] in `lang`.
    pub fn command_in(lang: crate::i18n::Lang) -> clap::Command {
        let mut command = <Cli as clap::CommandFactory>::command();
        if lang == crate::i18n::Lang::En {
            return command;
        }
        // Built, so that -h/-V and the `help` subcommand exist to be translated.
        command.build();
        localize(command, "", lang)
    }
}

/// The message id of a command's description: `help-berth` for berth
/// itself, `help-deploy`, `help-workload-add`; clap's `help` subcommand
/// has one id wherever it appears.
pub fn help_id(path: &str) -> String {
    match path.rsplit('-').next() {
        _ if path.is_empty() => "help-berth".to_owned(),
        Some("help") => "help-help-command".to_owned(),
        _ => format!("help-{path}"),
    }
}

/// The message id of an argument's help: `arg-deploy-dry_run`; global
/// arguments and clap's -h/-V have one id everywhere (`arg-db`, `arg-help`).
pub fn arg_help_id(path: &str, arg: &clap::Arg) -> String {
    let id = arg.get_id().as_str();
    if path.is_empty() || arg.is_global_set() || matches!(id, "help" | "version") {
        format!("arg-{id}")
    } else {
        format!("arg-{path}-{id}")
    }
}

/// The message id of a possible value's help: `arg-proxy-set-router-value-npm`.
pub fn value_help_id(arg_help_id: &str, value: &str) -> String {
    format!("{arg_help_id}-value-{value}")
}

/// Message `id` in `lang`, English where `lang` lacks it.
fn text(id: &str, lang: crate::i18n::Lang) -> Option<String> {
    crate::i18n::text_in(id, lang).or_else(|| crate::i18n::text_in(id, crate::i18n::Lang::En))
}

fn localize(mut cmd: clap::Command, path: &str, lang: crate::i18n::Lang) -> clap::Command {
    if let Some(about) = text(&help_id(path), lang) {
        let long = text(&format!("{}-long", help_id(path)), lang);
        cmd = match long {
            Some(long) => cmd.about(about).long_about(long),
            // The long description is English prose: the short one replaces it.
            None => cmd.about(about).long_about(None::<&str>),
        };
    }
    if let Some(after) = text(&format!("{}-after", help_id(path)), lang) {
        cmd = cmd.after_help(after);
    }
    let args: Vec<(String, String)> = cmd
        .get_arguments()
        .map(|a| (a.get_id().to_string(), arg_help_id(path, a)))
        .collect();
    for (id, message) in args {
        if let Some(help) = text(&message, lang) {
            cmd = cmd.mut_arg(id, |a| annotated(a, help, &message, lang));
        }
    }
    let names: Vec<String> = cmd.get_subcommands().map(|c| c.get_name().to_owned()).collect();
    for name in names {
        let child = if path.is_empty() {
            name.clone()
        } else {
            format!("{path}-{name}")
        };
        cmd = cmd.mut_subcommand(&name, |sub| localize(sub, &child, lang));
    }
    let template = help_template(&cmd, lang);
    cmd.help_template(template)
}

/// An argument with its translated help and clap's annotations written
/// by berth in `lang`, laid out as clap lays out its own: after the help
/// in `-h` (`[env: ..] [default: ..] [possible values: ..]`), below it in
/// `--help`, where values with a help of their own are listed one a line.
fn annotated(arg: clap::Arg, help: String, message: &str, lang: crate::i18n::Lang) -> clap::Arg {
    let word = |id: &str| text(id, lang).unwrap_or_default();
    let mut specs = Vec::new();
    if let Some(name) = arg.get_env().filter(|_| !arg.is_hide_env_set()) {
        let name = name.to_string_lossy();
        let value = if arg.is_hide_env_values_set() {
            String::new()
        } else {
            format!("={}", std::env::var_os(&*name).unwrap_or_default().to_string_lossy())
        };
        specs.push(format!("[{} {name}{value}]", word("help-annotation-env")));
    }
    let defaults: Vec<String> = arg
        .get_default_values()
        .iter()
        .map(|v| v.to_string_lossy().into_owned())
        .collect();
    if arg.get_action().takes_values() && !arg.is_hide_default_value_set() && !defaults.is_empty() {
        specs.push(format!("[{} {}]", word("help-annotation-default"), defaults.join(" ")));
    }
    let values: Vec<clap::builder::PossibleValue> = if arg.is_hide_possible_values_set() {
        Vec::new()
    } else {
        arg.get_possible_values()
            .into_iter()
            .filter(|v| !v.is_hide_set())
            .collect()
    };
    let listed = values.iter().any(|v| v.get_help().is_some());
    let mut long = help.clone();
    if listed {
        let width = values.iter().map(|v| v.get_name().chars().count()).max().unwrap_or(0);
        long.push_str(&format!("\n\n{}", word("help-heading-possible-values")));
        for value in &values {
            let name = value.get_name();
            let id = value_help_id(message, name);
            match text(&id, lang).or_else(|| value.get_help().map(ToString::to_string)) {
                Some(h) => long.push_str(&format!("\n- {:width$} {h}", format!("{name}:"), width = width + 1)),
                None => long.push_str(&format!("\n- {name}")),
            }
        }
    }
    // `-h` shows every annotation on the help's line, the values by name.
    let mut short_specs = specs.clone();
    if !values.is_empty() {
        let names: Vec<&str> = values.iter().map(|v| v.get_name()).collect();
        let spec = format!("[{} {}]", word("help-annotation-possible-values"), names.join(", "));
        short_specs.push(spec.clone());
        if !listed {
            specs.push(spec);
        }
    }
    let mut short = help;
    if !short_specs.is_empty() {
        short.push_str(&format!(" {}", short_specs.join(" ")));
    }
    if !specs.is_empty() {
        long.push_str(&format!("\n\n{}", specs.join("\n")));
    }
    let arg = if long == short {
        arg.long_help(None::<&str>)
    } else {
        arg.long_help(long)
    };
    arg.help(short)
        .hide_env(true)
        .hide_default_value(true)
        .hide_possible_values(true)
}

/// clap's default help layout with the headings translated (clap writes
/// `Usage:`, `Commands:`, `Arguments:` and `Options:` itself otherwise).
fn help_template(cmd: &clap::Command, lang: crate::i18n::Lang) -> String {
    let heading = |id: &'static str| crate::i18n::Msg::new(id).format(lang);
    let mut template = format!(
        "{{before-help}}{{about-with-newline}}\n{} {{usage}}\n",
        heading("help-heading-usage")
    );
    if cmd.get_subcommands().any(|s| !s.is_hide_set()) {
        template.push_str(&format!("\n{}\n{{subcommands}}\n", heading("help-heading-commands")));
    }
    if cmd.get_positionals().any(|a| !a.is_hide_set()) {
        template.push_str(&format!("\n{}\n{{positionals}}\n", heading("help-heading-arguments")));
    }
    if cmd.get_arguments().any(|a| !a.is_positional() && !a.is_hide_set()) {
        template.push_str(&format!("\n{}\n{{options}}\n", heading("help-heading-options")));
    }
    // clap puts the blank line before an after-help text itself.
    let mut template = template.trim_end_matches('\n').to_owned();
    template.push_str("{after-help}");
    template
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Path of the store [default: $XDG_DATA_HOME/berth/berth.db]
    #[arg(long, global = true, env = "BERTH_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,

    /// Output format: `human` for people, `json` for pipelines (one document per command)
    #[arg(long, global = true, value_enum, default_value_t = OutputFormat::Human, value_name = "FORMAT")]
    pub output: OutputFormat,

    /// Print only data and errors, no status lines
    #[arg(short, long, global = true)]
    pub quiet: bool,

    /// Never color output (NO_COLOR is honoured too)
    #[arg(long, global = true)]
    pub no_color: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Add, change, list, show and remove workloads
    #[command(subcommand)]
    Workload(WorkloadCommand),

    /// Check workload configs without saving or deploying anything
    Validate(ValidateArgs),

    /// Deploy workloads: prepare, start, gate, route, persist, reap
    Deploy(DeployArgs),

    /// List a workload's deploys, newest first
    History(HistoryArgs),

    /// Redeploy an earlier artifact with the current config
    Rollback(RollbackArgs),

    /// Show what is deployed and whether it is running
    Status(StatusArgs),

    /// Repair what an interrupted deploy left behind
    Reconcile(ReconcileArgs),

    /// Configure the router (Nginx Proxy Manager, nginx or Caddy) that routes workload domains
    #[command(subcommand)]
    Proxy(ProxyCommand),

    /// Show the event history, newest first
    Events(EventsArgs),

    /// Print the live container's logs (stdout and stderr kept apart; NDJSON with --output json)
    Logs(LogsArgs),

    /// Run a command in the live container; its exit code becomes berth's
    #[command(after_help = "Exit codes: the command's own; 69 when the workload has no running \
container (nothing ran); 125 when the daemon refused the command; 126 when the command cannot be run; \
127 when it is not found; 141 when berth's stdout closed before the command ended.")]
    Exec(ExecArgs),

    /// POST matching events to a URL
    #[command(subcommand)]
    Webhook(WebhookCommand),

    /// Print a shell completion script
    Completions(CompletionsArgs),

    /// Print the berth(1) man page
    Man,
}

#[derive(Debug, Subcommand)]
pub enum WorkloadCommand {
    /// Add a workload (its config is validated; an invalid config is never saved)
    Add(WorkloadAddArgs),
    /// Replace a workload's config or switch its deploy strategy
    Set(WorkloadSetArgs),
    /// Edit a workload's config in $VISUAL / $EDITOR
    Edit(WorkloadNameArg),
    /// List workloads
    List,
    /// Show one workload (env and build_args values are masked)
    Show(WorkloadShowArgs),
    /// Remove a workload
    Rm(WorkloadRmArgs),
}

#[derive(Debug, Args)]
pub struct WorkloadNameArg {
    /// Workload name
    pub name: String,
}

#[derive(Debug, Args)]
pub struct WorkloadAddArgs {
    /// Workload name: lower-case letters, digits and `-`, at most 56 characters
    pub name: String,
    /// Kind of workload
    #[arg(long, value_enum)]
    pub kind: Kind,
    /// Config file (JSON), or `-` for stdin [default: an empty config]
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct WorkloadSetArgs {
    /// Workload name
    pub name: String,
    /// New config file (JSON), or `-` for stdin; replaces the whole config
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Set `deploy_strategy`: "" (the kind's default), recreate or blue-green
    #[arg(long, value_name = "STRATEGY")]
    pub strategy: Option<String>,
}

#[derive(Debug, Args)]
pub struct WorkloadShowArgs {
    /// Workload name
    pub name: String,
    /// Show env and build_args values instead of masking them
    #[arg(long)]
    pub show_secrets: bool,
}

#[derive(Debug, Args)]
pub struct WorkloadRmArgs {
    /// Workload name
    pub name: String,
    /// Also remove a deployed workload's containers (or service), runtime state and nginx/Caddy route
    #[arg(long)]
    pub purge: bool,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Stored workloads to validate [default: all]; with --file, the name used in messages
    pub names: Vec<String>,
    /// Validate a config file (JSON, or `-` for stdin) instead of stored workloads
    #[arg(long, value_name = "FILE", requires = "kind")]
    pub file: Option<PathBuf>,
    /// Kind of the config given with --file
    #[arg(long, value_enum, requires = "file")]
    pub kind: Option<Kind>,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// Shell to generate completions for
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct DeployArgs {
    /// Workloads to deploy
    #[arg(required_unless_present = "all", conflicts_with = "all")]
    pub names: Vec<String>,
    /// Deploy every workload
    #[arg(long)]
    pub all: bool,
    /// How many workloads to deploy at once
    #[arg(long, short, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub jobs: u16,
    /// Print the plan (strategy and why, steps, container name, route change) without touching Docker or the router
    #[arg(long)]
    pub dry_run: bool,
    /// Wait for another deploy of the same workload to finish instead of exiting 5
    #[arg(long)]
    pub wait: bool,
    /// Fail (exit 1) instead of adopting a running container of the workload that another berth store created
    #[arg(long, env = "BERTH_NO_ADOPT")]
    pub no_adopt: bool,
}

#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// Workload name
    pub name: String,
    /// How many deploys to list
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(i64).range(1..=10_000))]
    pub limit: i64,
}

#[derive(Debug, Args)]
pub struct RollbackArgs {
    /// Workload name
    pub name: String,
    /// Deploy id to go back to [default: the previous successful deploy]
    #[arg(long, value_name = "DEPLOY")]
    pub to: Option<i64>,
    /// Wait for another deploy of the same workload to finish instead of exiting 5
    #[arg(long)]
    pub wait: bool,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Workload [default: all]
    pub name: Option<String>,
}

#[derive(Debug, Args)]
pub struct ReconcileArgs {
    /// Workload [default: all]
    pub name: Option<String>,
}

#[derive(Debug, Args)]
pub struct EventsArgs {
    /// Only events of this workload
    pub workload: Option<String>,
    /// Only errors (same as --severity errors)
    #[arg(long, conflicts_with = "severity")]
    pub errors: bool,
    /// Which events to show
    #[arg(long, value_enum, default_value_t = SeverityFilter::All)]
    pub severity: SeverityFilter,
    /// How many events per page
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(i64).range(1..=10_000))]
    pub limit: i64,
    /// Only events older than this event id (the next page)
    #[arg(long, value_name = "ID")]
    pub before: Option<i64>,
    /// Only events newer than this: 30s, 15m, 2h, 7d
    #[arg(long, value_name = "DURATION")]
    pub since: Option<String>,
    /// Keep printing new events as they are written, until interrupted
    #[arg(long, short)]
    pub follow: bool,
}

#[derive(Debug, Args)]
pub struct LogsArgs {
    /// Workload name
    pub name: String,
    /// Keep printing new lines; follows the workload to its next container when a deploy replaces it
    #[arg(long, short)]
    pub follow: bool,
    /// Only lines newer than this: 30s, 10m, 2h, 7d
    #[arg(long, value_name = "DURATION")]
    pub since: Option<String>,
    /// Only the last N lines
    #[arg(long, short = 'n', value_name = "N")]
    pub tail: Option<u64>,
    /// Show Docker's timestamp (RFC 3339, UTC) in front of each line
    #[arg(long, short)]
    pub timestamps: bool,
    /// Compose workloads: this service instead of the routed one
    #[arg(long, value_name = "SERVICE")]
    pub service: Option<String>,
}

#[derive(Debug, Args)]
pub struct ExecArgs {
    /// Workload name
    pub name: String,
    /// Compose workloads: this service instead of the routed one
    #[arg(long, value_name = "SERVICE")]
    pub service: Option<String>,
    /// The command and its arguments (after `--`)
    #[arg(required = true, last = true, value_name = "CMD")]
    pub command: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SeverityFilter {
    All,
    Errors,
}

#[derive(Debug, Subcommand)]
pub enum ProxyCommand {
    /// Save the router and its settings in the store (never NPM's password: use BERTH_NPM_PASSWORD or BERTH_NPM_TOKEN)
    Set(Box<ProxySetArgs>),
    /// Show the router and settings in effect and where each comes from
    Show,
}

#[derive(Debug, Args)]
pub struct ProxySetArgs {
    /// Which proxy routes the domains: npm (Nginx Proxy Manager), nginx (plain nginx), caddy (admin API)
    #[arg(long, value_enum, value_name = "ROUTER")]
    pub router: Option<crate::proxy::RouterKind>,
    /// nginx: the directory berth writes one server block per workload into (your config includes DIR/*.conf)
    #[arg(long, value_name = "DIR")]
    pub nginx_dir: Option<String>,
    /// nginx: your main config file, passed as `-c` to `nginx -T` and `nginx -s reload` [default: nginx's own]
    #[arg(long, value_name = "FILE")]
    pub nginx_conf: Option<String>,
    /// nginx: the nginx binary [default: nginx]
    #[arg(long, value_name = "PATH")]
    pub nginx_bin: Option<String>,
    /// nginx: a shell command that reloads nginx, e.g. "systemctl reload nginx" [default: nginx -s reload]
    #[arg(long, value_name = "COMMAND")]
    pub nginx_reload: Option<String>,
    /// nginx: the `listen` parameters of berth's server blocks [default: 80]
    #[arg(long, value_name = "LISTEN")]
    pub nginx_listen: Option<String>,
    /// caddy: the admin API address [default: http://127.0.0.1:2019]
    #[arg(long, value_name = "URL")]
    pub caddy_admin: Option<String>,
    /// caddy: the HTTP server (apps.http.servers NAME) that gets berth's routes [default: the only one]
    #[arg(long, value_name = "NAME")]
    pub caddy_server: Option<String>,
    /// NPM base URL, e.g. http://npm:81
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,
    /// NPM login email
    #[arg(long, value_name = "EMAIL")]
    pub email: Option<String>,
    /// How NPM reaches containers: `name` (NPM in Docker on the workload network) or `ip`
    #[arg(long, value_enum, value_name = "HOW")]
    pub forward_by: Option<crate::proxy::npm::ForwardBy>,
}

#[derive(Debug, Subcommand)]
pub enum WebhookCommand {
    /// Add a webhook: matching events are POSTed as JSON
    Add(WebhookAddArgs),
    /// List webhooks (credentials in URLs are masked)
    List,
    /// Remove a webhook
    Rm(WebhookRmArgs),
}

#[derive(Debug, Args)]
pub struct WebhookAddArgs {
    /// http:// or https:// URL to POST to
    pub url: String,
    /// Only these actions (repeatable), e.g. --on deploy.failed [default: every action]
    #[arg(long = "on", value_name = "ACTION")]
    pub on: Vec<String>,
    /// Only events of this workload
    #[arg(long, value_name = "NAME")]
    pub workload: Option<String>,
    /// Sign bodies with the secret in this environment variable (X-Berth-Signature-256)
    #[arg(long, value_name = "VAR")]
    pub secret_env: Option<String>,
}

#[derive(Debug, Args)]
pub struct WebhookRmArgs {
    /// Webhook id (see `berth webhook list`)
    pub id: i64,
}
