//! `berth logs`: the live container's output, stdout and stderr kept apart
//! as Docker gives them. With `follow`, the workload is followed, not the
//! container: when a deploy replaces it, the next running container's
//! output follows from its first line, and a container that comes back
//! (a restart) resumes after the last line already shown, never repeating
//! one.

use std::collections::HashMap;
use std::io::{self, Write};
use std::time::Duration;

use anyhow::Result;
use bollard::container::LogOutput;
use bollard::query_parameters::LogsOptionsBuilder;

use super::{ReaderCheck, ReaderGone, Target};
use crate::docker::Engine as _;
use crate::docker::{ContainerSummary, Docker};

/// What to show.
#[derive(Debug, Clone, Default)]
pub struct LogsRequest {
    /// Keep following the workload until interrupted.
    pub follow: bool,
    /// Only lines newer than this, seconds since the epoch (first container only).
    pub since: Option<i64>,
    /// Only the last N lines (first container only).
    pub tail: Option<u64>,
    /// Keep Docker's RFC 3339 timestamp in front of each line.
    pub timestamps: bool,
    /// One JSON object per line on stdout (NDJSON), both streams:
    /// `{container, stream: "stdout"|"stderr", ts, line}`.
    pub json: bool,
}

/// How often a follow looks for the workload's next container, after the
/// one it followed stopped.
const POLL: Duration = Duration::from_millis(200);

/// Whether nobody reads the logs any more: stdout's reader, or the reader
/// of stderr's pipe (the app's stderr is data too).
fn reader_gone() -> bool {
    crate::output::stdout_reader_gone() || crate::output::stderr_reader_gone()
}

/// Prints the logs of `target` (see the module docs). `notice` gets the
/// lines for people about which container is followed (berth prints them on
/// stderr). A closed stdout ends it quietly with `Ok`.
///
/// # Errors
/// Not found when the workload has no container; daemon errors on the first
/// container (later ones, while following, are retried).
pub async fn logs(docker: &Docker, target: &Target, req: &LogsRequest, notice: impl Fn(&str)) -> Result<()> {
    let mut current = target.running_or_last(docker).await?;
    // Per container: the timestamp (ns since the epoch) of the last line shown.
    let mut shown: HashMap<String, i128> = HashMap::new();
    let mut first = true;
    loop {
        let resumed = shown.get(&current.id).copied();
        let (since, tail) = match (first, resumed) {
            (true, _) => (req.since.unwrap_or(0), req.tail),
            // Docker's `since` has whole seconds: lines of the same second
            // come again and are dropped by their timestamp below.
            (false, Some(last)) => (i64::try_from(last / 1_000_000_000).unwrap_or(0), None),
            (false, None) => (0, None),
        };
        first = false;
        let (last, failed) = match stream(docker, &current, req, since, tail, resumed).await {
            Streamed::ClosedPipe => return Ok(()),
            Streamed::Ended(last) => (last, None),
            Streamed::Failed(e, last) => (last, Some(e)),
        };
        if let Some(last) = last {
            shown.insert(current.id.clone(), last);
        }
        if let Some(e) = failed {
            // A container that still runs but cannot give its logs (a
            // logging driver without read support) fails; one that went
            // away mid-stream is a swap to follow.
            let still_running = matches!(docker.inspect(&current.id).await, Ok(Some(c)) if c.running);
            if !req.follow || still_running {
                return Err(e);
            }
        }
        if !req.follow {
            return Ok(());
        }
        current = next_container(docker, target, &current, &notice).await?;
    }
}

/// Waits for a running container of the workload after `previous` stopped.
async fn next_container(
    docker: &Docker,
    target: &Target,
    previous: &ContainerSummary,
    notice: &impl Fn(&str),
) -> Result<ContainerSummary> {
    let mut waiting_said = false;
    loop {
        if reader_gone() {
            return Err(crate::error::BerthError::ClosedPipe.into());
        }
        // A daemon hiccup while waiting is retried, as a follow should.
        if let Ok(Some(next)) = target.running(docker).await {
            if next.id != previous.id {
                notice(&crate::t!(
                    "logs-now-following",
                    workload = target.workload(),
                    container = &next.name,
                    previous = &previous.name
                ));
            } else if waiting_said {
                notice(&crate::t!(
                    "logs-running-again",
                    workload = target.workload(),
                    container = &next.name
                ));
            }
            return Ok(next);
        }
        if !waiting_said {
            notice(&crate::t!(
                "logs-waiting",
                workload = target.workload(),
                container = &previous.name
            ));
            waiting_said = true;
        }
        tokio::time::sleep(POLL).await;
    }
}

enum Streamed {
    /// The stream ended (the container stopped); the last line's timestamp.
    Ended(Option<i128>),
    Failed(anyhow::Error, Option<i128>),
    /// stdout is closed (`berth logs web | head`).
    ClosedPipe,
}

/// Streams one container's logs to stdout and stderr. Lines at or before
/// `after` (ns since the epoch) were shown already and are dropped.
async fn stream(
    docker: &Docker,
    container: &ContainerSummary,
    req: &LogsRequest,
    since: i64,
    tail: Option<u64>,
    after: Option<i128>,
) -> Streamed {
    let tail = tail.map_or_else(|| "all".to_owned(), |n| n.to_string());
    let options = LogsOptionsBuilder::default()
        .follow(req.follow)
        .stdout(true)
        .stderr(true)
        // Always asked for: the timestamps make a resumed stream exact.
        .timestamps(true)
        .since(i32::try_from(since).unwrap_or(i32::MAX))
        .tail(&tail)
        .build();
    let id = &container.id;
    let mut logs = docker.api().logs(id, Some(options));
    let mut last = None;
    let mut reader = ReaderCheck::new(reader_gone);
    loop {
        let item = match reader.next(&mut logs).await {
            Ok(Some(item)) => item,
            Ok(None) => break,
            Err(ReaderGone) => return Streamed::ClosedPipe,
        };
        let (to_stderr, message) = match item {
            Ok(LogOutput::StdErr { message }) => (true, message),
            Ok(LogOutput::StdOut { message } | LogOutput::Console { message }) => (false, message),
            Ok(LogOutput::StdIn { .. }) => continue,
            Err(e) => {
                return Streamed::Failed(crate::msg!("logs-unreadable", container = id).wrap(e), last);
            }
        };
        let (ts, line) = split_timestamp(&message);
        if let (Some(ts), Some(after)) = (ts, after)
            && ts <= after
        {
            continue;
        }
        if ts.is_some() {
            last = ts;
        }
        if let Err(e) = emit(req, &container.name, to_stderr, &message, line) {
            if e.kind() == io::ErrorKind::BrokenPipe {
                return Streamed::ClosedPipe;
            }
            return Streamed::Failed(crate::msg!("logs-stdout-unwritable").wrap(e), last);
        }
    }
    Streamed::Ended(last)
}

/// Writes one line where it belongs: the app's stdout to stdout, its
/// stderr to stderr, or (JSON) both as objects on stdout. `message` is the
/// line as Docker gave it (timestamp first), `line` the line without it.
fn emit(req: &LogsRequest, container: &str, to_stderr: bool, message: &[u8], line: &[u8]) -> io::Result<()> {
    if req.json {
        let ts = &message[..message.len() - line.len()];
        let text = String::from_utf8_lossy(line);
        let object = serde_json::json!({
            "container": container,
            "stream": if to_stderr { "stderr" } else { "stdout" },
            "ts": String::from_utf8_lossy(ts).trim_end(),
            "line": text.strip_suffix('\n').unwrap_or(&text),
        });
        let mut out = io::stdout().lock();
        return writeln!(out, "{object}").and_then(|()| out.flush());
    }
    let shown = if req.timestamps { message } else { line };
    if to_stderr {
        // The app's stderr is data too (`berth logs -f web 2>&1 >/dev/null |
        // head -1`): its closed pipe ends the logs as stdout's does.
        match io::stderr().lock().write_all(shown) {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Err(e),
            _ => Ok(()),
        }
    } else {
        let mut out = io::stdout().lock();
        out.write_all(shown).and_then(|()| out.flush())
    }
}

/// Splits Docker's `2026-01-02T03:04:05.123456789Z ` prefix off a line:
/// the timestamp in ns since the epoch (when it parses) and the rest.
fn split_timestamp(message: &[u8]) -> (Option<i128>, &[u8]) {
    let Some(space) = message.iter().position(|b| *b == b' ') else {
        return (None, message);
    };
    let parsed = std::str::from_utf8(&message[..space])
        .ok()
        .and_then(|s| time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).ok());
    match parsed {
        Some(ts) => (Some(ts.unix_timestamp_nanos()), &message[space + 1..]),
        None => (None, message),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docker_timestamps_are_split_off_and_kept_exact() {
        let (ts, rest) = split_timestamp(b"2026-11-29T22:04:08.123456789Z hello world\n");
        assert_eq!(rest, b"hello world\n");
        assert_eq!(ts, Some(1_795_989_848_123_456_789));
        let (ts, rest) = split_timestamp(b"no timestamp here\n");
        assert_eq!((ts, rest), (None, &b"no timestamp here\n"[..]));
    }
}
