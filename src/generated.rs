//! The completions and man pages, rendered from the clap definition: both
//! the checked-in `completions/` and `man/` files and what `berth
//! completions SHELL` and `berth man` print come from here, so they cannot
//! drift apart. `tests/it/generated.rs` fails when the files in the repo
//! differ; `BERTH_REGENERATE=1 cargo test --test it generated::` rewrites them.

use std::path::PathBuf;

use anyhow::Result;
use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::Cli;

/// Every generated file: path relative to the repo root, and its content.
///
/// Errors: a man page cannot be rendered (roff output into memory).
pub fn render_all() -> Result<Vec<(PathBuf, Vec<u8>)>> {
    let mut files = Vec::new();
    for shell in [Shell::Bash, Shell::Zsh, Shell::Fish, Shell::PowerShell, Shell::Elvish] {
        let name = match shell {
            Shell::Bash => "berth.bash".to_owned(),
            Shell::Zsh => "_berth".to_owned(),
            Shell::Fish => "berth.fish".to_owned(),
            Shell::PowerShell => "_berth.ps1".to_owned(),
            _ => "berth.elv".to_owned(),
        };
        files.push((PathBuf::from("completions").join(name), completion(shell)));
    }
    render_man(&built_command(), "berth", &mut files)?;
    Ok(files)
}

/// The completion script for `shell`: what `berth completions SHELL`
/// prints and `completions/` holds.
pub fn completion(shell: Shell) -> Vec<u8> {
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "berth", &mut buf);
    buf
}

/// `berth.1`: what `berth man` prints and `man/berth.1` holds.
///
/// Errors: the page cannot be rendered (roff output into memory).
pub fn man_page() -> Result<Vec<u8>> {
    render_page(&built_command(), "berth")
}

/// The clap definition as the man pages show it: built, so the pages list
/// what `berth --help` does (clap's `-h`, `-V` and `help` included).
fn built_command() -> clap::Command {
    let mut root = Cli::command();
    root.build();
    root
}

/// The page of `cmd` under `name` (`berth-workload-add`), titled with the
/// command line that runs it (`berth workload add`).
fn render_page(cmd: &clap::Command, name: &str) -> Result<Vec<u8>> {
    let page = cmd.clone().name(name.to_owned()).display_name(name.replace('-', " "));
    let mut buf = Vec::new();
    clap_mangen::Man::new(page).render(&mut buf)?;
    Ok(buf)
}

/// `berth.1`, then `berth-workload.1`, `berth-workload-add.1`, ...
fn render_man(cmd: &clap::Command, name: &str, files: &mut Vec<(PathBuf, Vec<u8>)>) -> Result<()> {
    files.push((PathBuf::from("man").join(format!("{name}.1")), render_page(cmd, name)?));
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        render_man(sub, &format!("{name}-{}", sub.get_name()), files)?;
    }
    Ok(())
}
