//! The checked-in `completions/` and `man/` files, rendered from the clap
//! definition. `tests/it/generated.rs` fails when the files in the repo differ;
//! `BERTH_REGENERATE=1 cargo test --test it generated::` rewrites them.

use std::path::PathBuf;

use anyhow::Result;
use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::Cli;

/// Every generated file: path relative to the repo root, and its content.
pub fn render_all() -> Result<Vec<(PathBuf, Vec<u8>)>> {
    let mut files = Vec::new();
    for shell in [Shell::Bash, Shell::Zsh, Shell::Fish, Shell::PowerShell, Shell::Elvish] {
        let mut buf = Vec::new();
        clap_complete::generate(shell, &mut Cli::command(), "berth", &mut buf);
        let name = match shell {
            Shell::Bash => "berth.bash".to_owned(),
            Shell::Zsh => "_berth".to_owned(),
            Shell::Fish => "berth.fish".to_owned(),
            Shell::PowerShell => "_berth.ps1".to_owned(),
            _ => "berth.elv".to_owned(),
        };
        files.push((PathBuf::from("completions").join(name), buf));
    }
    let mut root = Cli::command();
    root.build();
    render_man(&root, "berth", &mut files)?;
    Ok(files)
}

/// `berth.1`, then `berth-workload.1`, `berth-workload-add.1`, ...
fn render_man(cmd: &clap::Command, name: &str, files: &mut Vec<(PathBuf, Vec<u8>)>) -> Result<()> {
    let page = cmd.clone().name(name.to_owned()).display_name(name.replace('-', " "));
    let mut buf = Vec::new();
    clap_mangen::Man::new(page).render(&mut buf)?;
    files.push((PathBuf::from("man").join(format!("{name}.1")), buf));
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        render_man(sub, &format!("{name}-{}", sub.get_name()), files)?;
    }
    Ok(())
}
