//! `berth events [WORKLOAD] [--errors] [--limit N] [--before ID] [--since D] [--follow]`

use std::time::Duration;

use anyhow::Result;

use super::Ctx;
use crate::cli::{EventsArgs, SeverityFilter};
use crate::error::BerthError;
use crate::events::{EventFilter, EventView};
use crate::store::format_ts;

/// How often `--follow` looks for new rows: well inside its 200 ms target.
const FOLLOW_POLL: Duration = Duration::from_millis(100);

pub async fn exec(ctx: &Ctx, args: &EventsArgs) -> Result<()> {
    let store = ctx.store()?;
    let mut filter = EventFilter {
        errors_only: args.errors || args.severity == SeverityFilter::Errors,
        before: args.before,
        ..Default::default()
    };
    if let Some(name) = &args.workload {
        filter.workload_id = Some(store.workload(name)?.id);
    }
    if let Some(since) = &args.since {
        filter.since = Some(format_ts(parse_since(since)?));
    }

    if args.follow {
        return follow(ctx, &store, filter, args.limit).await;
    }

    // One row more than the page: it exists only when there is a next page,
    // so the last page says null even when it is full.
    let mut events = store.events(&filter, args.limit + 1, false)?;
    let next_before = if events.len() as i64 > args.limit {
        events.truncate(usize::try_from(args.limit).unwrap_or(usize::MAX));
        events.last().map(|e| e.id)
    } else {
        None
    };
    if ctx.printer.is_json() {
        ctx.printer
            .json(&serde_json::json!({ "events": events, "next_before": next_before }));
        return Ok(());
    }
    if events.is_empty() {
        ctx.printer.status(&crate::t!("events-none"));
        return Ok(());
    }
    ctx.printer
        .table(&EventView::COLUMNS, events.iter().map(EventView::table_row));
    if let Some(before) = next_before {
        ctx.printer.status(&crate::t!(
            "events-next-page",
            command = next_page_command(ctx, args, before)
        ));
    }
    Ok(())
}

/// Prints the newest `limit` events oldest first, then every new one as it
/// is written (by this or any other berth process) until interrupted.
async fn follow(ctx: &Ctx, store: &crate::store::Store, mut filter: EventFilter, limit: i64) -> Result<()> {
    // The newest id before the backlog query: an event written between the
    // two is then either in the backlog or found by the first poll, never lost.
    let mut last = store.last_event_id()?;
    let mut backlog = store.events(&filter, limit, false)?;
    backlog.reverse();
    if let Some(newest) = backlog.last() {
        last = last.max(newest.id);
    }
    let print = |e: &EventView| {
        if ctx.printer.is_json() {
            ctx.printer.json_line(e);
        } else {
            ctx.printer.data(&e.table_row().join("  "));
        }
    };
    backlog.iter().for_each(print);
    filter.before = None;
    loop {
        // Nobody reads any more (`berth events --follow | head -1`).
        ctx.printer.check_stdout()?;
        filter.after = Some(last);
        for e in store.events(&filter, 1000, true)? {
            last = last.max(e.id);
            print(&e);
        }
        tokio::time::sleep(FOLLOW_POLL).await;
    }
}

fn next_page_command(ctx: &Ctx, args: &EventsArgs, before: i64) -> String {
    let mut cmd = String::from("berth");
    // The page is in this store: say which, when it was chosen explicitly.
    if let Some(db) = ctx.db_flag() {
        cmd.push_str(&format!(" --db {}", shell_quote(&db.display().to_string())));
    }
    cmd.push_str(" events");
    if let Some(w) = &args.workload {
        cmd.push_str(&format!(" {w}"));
    }
    if args.errors || args.severity == SeverityFilter::Errors {
        cmd.push_str(" --errors");
    }
    if args.limit != 50 {
        cmd.push_str(&format!(" --limit {}", args.limit));
    }
    if let Some(s) = &args.since {
        cmd.push_str(&format!(" --since {s}"));
    }
    cmd.push_str(&format!(" --before {before}"));
    cmd
}

/// The instant `--since TEXT` names: now minus [`parse_duration`]'s
/// duration, no earlier than the Unix epoch (nothing berth or Docker
/// records is older; `--since 99999999d` means "everything", not an error).
pub fn parse_since(text: &str) -> Result<time::OffsetDateTime> {
    let d = parse_duration(text)?;
    let epoch = time::OffsetDateTime::UNIX_EPOCH;
    Ok(time::OffsetDateTime::now_utc()
        .checked_sub(d)
        .map_or(epoch, |t| t.max(epoch)))
}

/// `30s`, `15m`, `2h`, `7d`.
pub fn parse_duration(text: &str) -> Result<time::Duration> {
    let bad = || BerthError::Usage(crate::msg!("usage-invalid-duration", text = text));
    let text = text.trim();
    let split = text.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?;
    let (num, unit) = text.split_at(split);
    let n: i64 = num.parse().map_err(|_| bad())?;
    let secs = match unit {
        "s" => n,
        "m" => n.checked_mul(60).ok_or_else(bad)?,
        "h" => n.checked_mul(3600).ok_or_else(bad)?,
        "d" => n.checked_mul(86_400).ok_or_else(bad)?,
        _ => return Err(bad().into()),
    };
    Ok(time::Duration::seconds(secs))
}

/// Quotes a path for a shell when it needs it.
fn shell_quote(s: &str) -> String {
    if s.chars().all(|c| c.is_ascii_alphanumeric() || "/._-+:@".contains(c)) {
        s.to_owned()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_reaches_back_at_most_to_the_epoch_and_never_panics() {
        let epoch = time::OffsetDateTime::UNIX_EPOCH;
        for far in ["99999999d", "9223372036854775807s", "106751991167300d"] {
            assert_eq!(parse_since(far).ok(), Some(epoch), "{far}");
        }
        let hour_ago = parse_since("1h").expect("1h");
        let age = time::OffsetDateTime::now_utc() - hour_ago;
        assert!(age >= time::Duration::hours(1) && age < time::Duration::hours(1) + time::Duration::minutes(1));
        for bad in ["", "h", "1w", "-1h", "9999999999999999999d"] {
            assert!(parse_since(bad).is_err(), "{bad}");
        }
    }
}
