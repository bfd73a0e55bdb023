//! `berth completions SHELL` and `berth man`: generated from the clap
//! definition, the same way the checked-in `completions/` and `man/` are.

use anyhow::Result;
use clap::CommandFactory;

use super::Ctx;
use crate::cli::Cli;

pub fn completions(ctx: &Ctx, shell: clap_complete::Shell) -> Result<()> {
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "berth", &mut buf);
    ctx.printer.data(String::from_utf8_lossy(&buf).trim_end());
    Ok(())
}

pub fn man(ctx: &Ctx) -> Result<()> {
    let mut buf = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut buf)?;
    ctx.printer.data(String::from_utf8_lossy(&buf).trim_end());
    Ok(())
}
