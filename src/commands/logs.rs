//! `berth logs NAME [--follow] [--since D] [--tail N] [--timestamps] [--service S]`

use anyhow::Result;

use super::Ctx;
use super::events::parse_since;
use crate::cli::LogsArgs;
use crate::docker::Docker;
use crate::error::BerthError;
use crate::live::Target;
use crate::live::logs::{LogsRequest, logs};

pub async fn exec(ctx: &Ctx, args: &LogsArgs) -> Result<()> {
    let since = match &args.since {
        Some(text) => Some(parse_since(text)?.unix_timestamp()),
        None => None,
    };
    let store = ctx.store()?;
    let workload = store.workload(&args.name)?;
    let config = workload.validate().map_err(BerthError::invalid_config)?.config;
    let target = Target::of(&store, &workload, &config, args.service.as_deref())?;
    let docker = Docker::connect_to(&config.common.daemon()).await?;
    let request = LogsRequest {
        follow: args.follow,
        since,
        tail: args.tail,
        timestamps: args.timestamps,
        json: ctx.printer.is_json(),
    };
    logs(&docker, &target, &request, |line| ctx.printer.status(line)).await
}
