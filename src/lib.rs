//! berth: deploy workloads to a Docker host with zero-downtime swaps.
//!
//! The layout follows the architecture: [`cli`] defines the command line,
//! [`commands`] holds one thin file per subcommand, [`config`] the
//! SourceConfig and its validation, [`store`] the SQLite store.

pub mod cli;
pub mod commands;
pub mod config;
pub mod deploy;
pub mod docker;
pub mod error;
pub mod events;
pub mod generated;
pub mod http;
pub mod i18n;
pub mod live;
pub mod output;
pub mod proxy;
pub mod source;
pub mod store;

use crate::cli::Cli;
use crate::output::Printer;

/// Parses the command line, runs the command and returns the exit code.
pub fn main_exit_code() -> i32 {
    i18n::init();
    let matches = Cli::localized_command().get_matches();
    let cli = match <Cli as clap::FromArgMatches>::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    http::init_tls();
    let printer = Printer::new(cli.global.output, cli.global.quiet, cli.global.no_color);
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            return printer.report_error(&crate::msg!("runtime-failed").wrap(e));
        }
    };
    let result = runtime.block_on(commands::run(cli, printer));
    // stdout's reader went away while a command that succeeded ran
    // (`berth status | head -1`; or stdout failed otherwise): that decides
    // the exit (0, nothing said; 1), as the closed pipe ends ripgrep. A
    // command that failed keeps its error (on stderr, still open) and its
    // exit code. The command ran to its end, its webhook deliveries
    // included.
    let failed = result.is_err();
    let result = match output::stdout_error() {
        Some(closed) if !failed => Err(closed.into()),
        _ => result,
    };
    let code = match result {
        Ok(()) => error::exit::OK,
        Err(err) => printer.report_error(&err),
    };
    if failed {
        return code;
    }
    output::stdout_error().map_or(code, |closed| closed.exit_code())
}
