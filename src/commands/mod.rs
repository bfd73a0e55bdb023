//! One thin file per subcommand: parse nothing, decide nothing, call the
//! library and print the result.

mod completions;
mod deploy;
mod events;
mod exec;
mod history;
mod logs;
mod proxy;
mod reconcile;
mod status;
mod validate;
mod webhook;
mod workload;

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Result;

use crate::cli::{Cli, Command, GlobalArgs, ProxyCommand, WebhookCommand, WorkloadCommand};
use crate::deploy::Session;
use crate::deploy::cancel::Cancel;
use crate::docker::Daemons;
use crate::output::Printer;
use crate::proxy::caddy::{CaddyRouter, CaddySettings};
use crate::proxy::nginx::{NginxRouter, NginxSettings};
use crate::proxy::npm::{NpmRouter, NpmSettings};
use crate::proxy::{NoRouter, Router, RouterKind};
use crate::store::Store;

/// What every command gets: how to print, and where the store is.
pub struct Ctx {
    pub printer: Printer,
    db: Option<PathBuf>,
}

impl Ctx {
    pub fn new(global: &GlobalArgs, printer: Printer) -> Self {
        Ctx {
            printer,
            db: global.db.clone(),
        }
    }

    /// The store path given with `--db` or `BERTH_DB`, if any.
    pub fn db_flag(&self) -> Option<&std::path::Path> {
        self.db.as_deref()
    }

    pub fn db_path(&self) -> Result<PathBuf> {
        match &self.db {
            Some(p) => Ok(p.clone()),
            None => Store::default_path(),
        }
    }

    pub fn store(&self) -> Result<Store> {
        Store::open(&self.db_path()?)
    }

    /// Picks the router and prepares the daemons (each connected when a
    /// workload on it first needs it): what every command that touches
    /// containers needs.
    pub fn session(&self) -> Result<Session> {
        let db_path = self.db_path()?;
        // Open once so a broken or newer store fails before Docker is touched.
        let store = Store::open(&db_path)?;
        let router = router(&store, &db_path)?;
        Ok(Session {
            daemons: Daemons::new(),
            router,
            printer: self.printer,
            db_path,
            cancel: Cancel::new(),
            progress: self.printer.show_progress().then(indicatif::MultiProgress::new),
        })
    }
}

/// The router the settings choose (`npm` without a URL: no router).
pub fn router(store: &Store, db_path: &std::path::Path) -> Result<Arc<dyn Router>> {
    let db_path = db_path.to_path_buf();
    Ok(match RouterKind::load(store)?.0 {
        RouterKind::Npm => match NpmRouter::new(&NpmSettings::load(store)?, db_path)? {
            Some(npm) => Arc::new(npm),
            None => Arc::new(NoRouter),
        },
        RouterKind::Nginx => Arc::new(NginxRouter::new(&NginxSettings::load(store)?, db_path)?),
        RouterKind::Caddy => Arc::new(CaddyRouter::new(&CaddySettings::load(store)?, db_path)?),
    })
}

pub async fn run(cli: Cli, printer: Printer) -> Result<()> {
    let result = dispatch(cli, printer).await;
    // Webhook deliveries run beside the command; each is bounded by its
    // timeouts, and none may be cut off by the process exiting.
    crate::events::webhooks::flush().await;
    result
}

async fn dispatch(cli: Cli, printer: Printer) -> Result<()> {
    let ctx = Ctx::new(&cli.global, printer);
    match cli.command {
        Command::Workload(cmd) => match cmd {
            WorkloadCommand::Add(args) => workload::add(&ctx, &args),
            WorkloadCommand::Set(args) => workload::set(&ctx, &args),
            WorkloadCommand::Edit(args) => workload::edit(&ctx, &args.name),
            WorkloadCommand::List => workload::list(&ctx),
            WorkloadCommand::Show(args) => workload::show(&ctx, &args),
            WorkloadCommand::Rm(args) => workload::rm(&ctx, &args).await,
        },
        Command::Deploy(args) => deploy::exec(&ctx, &args).await,
        Command::History(args) => history::history(&ctx, &args),
        Command::Rollback(args) => history::rollback(&ctx, &args).await,
        Command::Status(args) => status::exec(&ctx, &args).await,
        Command::Reconcile(args) => reconcile::exec(&ctx, &args).await,
        Command::Proxy(cmd) => match cmd {
            ProxyCommand::Set(args) => proxy::set(&ctx, &args),
            ProxyCommand::Show => proxy::show(&ctx),
        },
        Command::Webhook(cmd) => match cmd {
            WebhookCommand::Add(args) => webhook::add(&ctx, &args),
            WebhookCommand::List => webhook::list(&ctx),
            WebhookCommand::Rm(args) => webhook::rm(&ctx, args.id),
        },
        Command::Events(args) => events::exec(&ctx, &args).await,
        Command::Logs(args) => logs::exec(&ctx, &args).await,
        Command::Exec(args) => exec::exec(&ctx, &args).await,
        Command::Validate(args) => validate::exec(&ctx, &args).await,
        Command::Completions(args) => completions::completions(&ctx, args.shell),
        Command::Man => completions::man(&ctx),
    }
}
