//! `berth exec NAME [--service S] -- CMD...`

use std::io::IsTerminal;

use anyhow::Result;

use super::Ctx;
use crate::cli::ExecArgs;
use crate::docker::Docker;
use crate::error::BerthError;
use crate::live::Target;

pub async fn exec(ctx: &Ctx, args: &ExecArgs) -> Result<()> {
    let store = ctx.store()?;
    let workload = store.workload(&args.name)?;
    let config = workload.validate().map_err(BerthError::invalid_config)?.config;
    let target = Target::of(&store, &workload, &config, args.service.as_deref())?;
    let docker = Docker::connect_to(&config.common.daemon()).await?;
    // A TTY only for a person typing: with pipes, a TTY would turn `\n`
    // into `\r\n` and merge stderr into stdout.
    let tty = std::io::stdin().is_terminal() && std::io::stdout().is_terminal();
    let code = crate::live::exec::exec(&docker, &target, &args.command, tty).await?;
    match code {
        0 => Ok(()),
        // The command printed its own output; only its code is left to give.
        code => Err(BerthError::Exit(code).into()),
    }
}
