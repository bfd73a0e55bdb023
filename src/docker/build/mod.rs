//! `docker build` with a streamed context.
//!
//! The context directory is written as a tar on a blocking thread, in
//! fixed-size chunks through a bounded channel that is the request body, so
//! memory stays flat whatever the size of the context. `.dockerignore` is
//! honoured with Docker's semantics, and symlinks travel as symlinks: nothing
//! outside the context gets in.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::path::Path;
use std::time::Duration;

use anyhow::Result;
use bollard::errors::Error as BollardError;
use bollard::models::BuildInfo;
use bollard::query_parameters::{BuildImageOptions, BuildImageOptionsBuilder, BuilderVersion};
use futures_util::{Stream, StreamExt};
use tokio::sync::mpsc;

use super::{Docker, docker_error};
use crate::error::RedactedFailure;
use crate::i18n::Context as _;
use crate::msg;

mod context;
mod ignore;
#[cfg(test)]
mod tests;

use context::*;
use ignore::*;

/// One chunk of the request body. With `CHANNEL_CHUNKS` in flight, this
/// bounds what the upload holds in memory.
const CHUNK_SIZE: usize = 64 * 1024;
const CHANNEL_CHUNKS: usize = 4;
/// Output lines kept for the detail of a failed build.
const TAIL_LINES: usize = 50;
/// Output without a newline is passed on once it grows this long (a progress
/// bar redrawn with `\r` never ends its line).
const MAX_PENDING_OUTPUT: usize = 64 * 1024;
/// How long a finished build waits for the context writer to report.
const WRITER_GRACE: Duration = Duration::from_secs(5);

pub struct BuildRequest<'a> {
    /// Directory sent as the build context (already an absolute path).
    pub context: &'a Path,
    /// Where the context dir's files go inside the tar: "" for the root, or
    /// e.g. "site" (static sites: the tar then holds `site/...` plus a
    /// generated Dockerfile).
    pub context_prefix: &'a str,
    /// Extra in-memory files added to the tar root (e.g. a generated
    /// "Dockerfile"), added after the directory.
    pub extra_files: Vec<(String, Vec<u8>)>,
    /// Dockerfile path inside the tar.
    pub dockerfile: &'a str,
    pub tag: &'a str,
    pub build_args: &'a BTreeMap<String, String>,
    pub target: Option<&'a str>,
    pub labels: HashMap<String, String>,
}

/// Builds the image and returns its image id (`sha256:...`). Each line of
/// build output goes to `on_output` as it arrives.
///
/// A failed build is a [`RedactedFailure`]: its Display is only "docker build
/// failed" (with the exit code when there is one), since build output can
/// echo build args; the daemon's message and the last output lines are in its
/// `detail`.
pub async fn build_image(docker: &Docker, req: BuildRequest<'_>, mut on_output: impl FnMut(&str)) -> Result<String> {
    let options = build_options(&req);
    let tag = req.tag.to_owned();
    let context = BuildContext::load(req).await?;

    let (tx, rx) = mpsc::channel(CHANNEL_CHUNKS);
    let writer = tokio::task::spawn_blocking(move || send_context(&context, tx));
    let built = {
        let body = bollard::body_try_stream(body_chunks(rx).map(|chunk| chunk.map(Into::into)));
        let stream = docker.api().build_image(options, None, Some(body));
        follow_build(stream, &tag, &mut on_output).await
        // Dropping the stream drops the body: a writer the daemon stopped
        // reading wakes up and ends.
    };
    // An unreadable file explains a failed build better than the daemon's
    // view of a cut-off upload, so the writer's error comes first.
    if let Ok(joined) = tokio::time::timeout(WRITER_GRACE, writer).await {
        joined.map_err(|e| msg!("build-writer-crashed").wrap(e))??;
    }
    match built? {
        Some(id) => Ok(id),
        None => docker
            .image_id(&tag)
            .await?
            .with_context_msg(|| msg!("build-image-not-listed", image = &tag)),
    }
}

fn build_options(req: &BuildRequest<'_>) -> BuildImageOptions {
    let build_args: HashMap<&str, &str> = req.build_args.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let mut options = BuildImageOptionsBuilder::default()
        .dockerfile(req.dockerfile)
        .t(req.tag)
        .buildargs(&build_args)
        .labels(&req.labels)
        .rm(true)
        .forcerm(true)
        // The classic builder: BuildKit needs a session bollard cannot give
        // a 20.10 daemon.
        .version(BuilderVersion::BuilderV1);
    if let Some(target) = req.target {
        options = options.target(target);
    }
    options.build()
}

/// Reads the build's output until the daemon is done; the image id when the
/// daemon announced it.
async fn follow_build(
    stream: impl Stream<Item = Result<BuildInfo, BollardError>>,
    tag: &str,
    on_output: &mut impl FnMut(&str),
) -> Result<Option<String>> {
    let mut stream = std::pin::pin!(stream);
    let mut output = BuildOutput::default();
    let mut image_id = None;
    while let Some(item) = stream.next().await {
        let info = match item {
            Ok(info) => info,
            // The build itself failed (bollard turns `errorDetail` into this).
            Err(BollardError::DockerStreamError { error }) => {
                return Err(output.failure(&error, on_output));
            }
            // The daemon refused the build (a Dockerfile it cannot parse or find).
            Err(e @ BollardError::DockerResponseServerError { .. }) => {
                let message = crate::error::human_chain(&docker_error(e, msg!("build-refused")));
                return Err(output.failure(&message, on_output));
            }
            Err(e) => return Err(docker_error(e, msg!("build-could-not-build", image = tag))),
        };
        if let Some(text) = &info.stream {
            output.push(text, on_output);
        }
        if let Some(status) = &info.status {
            // Per-layer download ticks of a base image would flood the
            // output; the phase changes are enough.
            let ticking = info.progress_detail.as_ref().is_some_and(|p| p.current.is_some());
            if !ticking {
                let line = match &info.id {
                    Some(id) => format!("{id}: {status}"),
                    None => status.clone(),
                };
                output.line(&line, on_output);
            }
        }
        if let Some(detail) = info.error_detail {
            let message = detail.message.unwrap_or_else(|| crate::t!("build-daemon-error"));
            return Err(output.failure(&message, on_output));
        }
        if let Some(id) = info.aux.and_then(|aux| aux.id) {
            image_id = Some(id);
        }
    }
    output.flush(on_output);
    Ok(image_id)
}

/// Splits the daemon's output chunks into lines and keeps the last ones for
/// the failure detail.
#[derive(Default)]
struct BuildOutput {
    pending: String,
    tail: VecDeque<String>,
}

impl BuildOutput {
    fn push(&mut self, text: &str, on_output: &mut impl FnMut(&str)) {
        self.pending.push_str(text);
        while let Some(end) = self.pending.find('\n') {
            let line: String = self.pending.drain(..=end).collect();
            self.line(&line, on_output);
        }
        if self.pending.len() > MAX_PENDING_OUTPUT {
            self.flush(on_output);
        }
    }

    fn flush(&mut self, on_output: &mut impl FnMut(&str)) {
        let rest = std::mem::take(&mut self.pending);
        self.line(&rest, on_output);
    }

    fn line(&mut self, raw: &str, on_output: &mut impl FnMut(&str)) {
        // A line redrawn with `\r` shows its last version, as on a terminal.
        let line = raw.trim_end().rsplit('\r').next().unwrap_or_default();
        if line.trim().is_empty() {
            return;
        }
        on_output(line);
        if self.tail.len() == TAIL_LINES {
            self.tail.pop_front();
        }
        self.tail.push_back(line.to_owned());
    }

    /// The failure of a build: a generic reason (output can echo build args,
    /// which are secrets) and the full story in the detail.
    fn failure(&mut self, message: &str, on_output: &mut impl FnMut(&str)) -> anyhow::Error {
        self.flush(on_output);
        let reason = match exit_code_in(message) {
            Some(code) => msg!("build-failed-exit", code = code),
            None => msg!("build-failed"),
        };
        let mut detail = message.trim().to_owned();
        if !self.tail.is_empty() {
            detail.push_str(&format!("\n{}:", crate::t!("build-last-lines")));
            for line in &self.tail {
                detail.push_str("\n  ");
                detail.push_str(line);
            }
        }
        RedactedFailure { reason, detail }.into()
    }
}

/// The exit code in the classic builder's "The command '...' returned a
/// non-zero code: 2".
fn exit_code_in(message: &str) -> Option<i64> {
    let (_, rest) = message.split_once("returned a non-zero code: ")?;
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}
