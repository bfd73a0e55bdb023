//! `berth completions SHELL` and `berth man`: the same bytes as the
//! checked-in `completions/` and `man/berth.1` ([`crate::generated`]).

use anyhow::Result;

use super::Ctx;
use crate::generated;

pub fn completions(ctx: &Ctx, shell: clap_complete::Shell) -> Result<()> {
    let script = generated::completion(shell);
    ctx.printer.data(String::from_utf8_lossy(&script).trim_end());
    Ok(())
}

pub fn man(ctx: &Ctx) -> Result<()> {
    let page = generated::man_page()?;
    ctx.printer.data(String::from_utf8_lossy(&page).trim_end());
    Ok(())
}
