//! `docker build` with a streamed context.
//!
//! The context directory is written as a tar on a blocking thread, in
//! fixed-size chunks through a bounded channel that is the request body, so
//! memory stays flat whatever the size of the context. `.dockerignore` is
//! honoured with Docker's semantics, and symlinks travel as symlinks: nothing
//! outside the context gets in.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::ffi::OsString;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Result, bail};
use bollard::errors::Error as BollardError;
use bollard::models::BuildInfo;
use bollard::query_parameters::{BuildImageOptions, BuildImageOptionsBuilder, BuilderVersion};
use futures_util::{Stream, StreamExt};
use tokio::sync::mpsc;

use super::{Docker, docker_error};
use crate::error::RedactedFailure;
use crate::i18n::{Context as _, Msg};
use crate::msg;

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

/// The request body: the chunks the context writer sends, as they come.
fn body_chunks(rx: mpsc::Receiver<io::Result<Vec<u8>>>) -> impl Stream<Item = io::Result<Vec<u8>>> {
    futures_util::stream::unfold(rx, |mut rx| async move {
        let chunk = rx.recv().await?;
        Some((chunk, rx))
    })
}

/// Everything the context writer needs, owned so it can move to a blocking
/// thread.
struct BuildContext {
    root: PathBuf,
    /// "" or the directory (e.g. `site`) the files go under in the tar.
    prefix: PathBuf,
    ignore: IgnoreRules,
    extra_files: Vec<(String, Vec<u8>)>,
}

impl BuildContext {
    async fn load(req: BuildRequest<'_>) -> Result<BuildContext> {
        let root = req.context.to_path_buf();
        match tokio::fs::metadata(&root).await {
            Ok(meta) if meta.is_dir() => {}
            Ok(_) => bail!(msg!("build-context-not-dir", path = root.display().to_string())),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                bail!(msg!("build-context-missing", path = root.display().to_string()))
            }
            Err(e) => {
                return Err(e).with_context_msg(|| msg!("build-context-unreadable", path = root.display().to_string()));
            }
        }

        let ignore_file = root.join(".dockerignore");
        let mut ignore = match tokio::fs::read_to_string(&ignore_file).await {
            Ok(text) => IgnoreRules::parse(&text).map_err(|e| {
                msg!(
                    "build-ignore-invalid",
                    path = ignore_file.display().to_string(),
                    error = e
                )
            })?,
            Err(e) if e.kind() == io::ErrorKind::NotFound => IgnoreRules::default(),
            Err(e) => {
                return Err(e).with_context_msg(|| msg!("build-unreadable", path = ignore_file.display().to_string()));
            }
        };

        // Like the docker CLI, send the Dockerfile and .dockerignore even
        // when ignored: the daemon reads them, then drops them itself.
        let prefix = clean_path(req.context_prefix);
        let prefix = if prefix == "." { String::new() } else { prefix };
        let dockerfile = clean_path(req.dockerfile);
        let generated = req.extra_files.iter().any(|(name, _)| clean_path(name) == dockerfile);
        let in_context = if prefix.is_empty() {
            Some(dockerfile.as_str())
        } else {
            dockerfile
                .strip_prefix(prefix.as_str())
                .and_then(|rest| rest.strip_prefix('/'))
        };
        if let (Some(relative), false) = (in_context, generated) {
            if tokio::fs::symlink_metadata(root.join(relative)).await.is_err() {
                bail!(msg!(
                    "build-dockerfile-missing",
                    dockerfile = relative,
                    path = root.display().to_string()
                ));
            }
            ignore.always_send(relative);
        }
        if prefix.is_empty() {
            ignore.always_send(".dockerignore");
        }

        Ok(BuildContext {
            root,
            prefix: PathBuf::from(prefix),
            ignore,
            extra_files: req.extra_files,
        })
    }
}

/// Runs on a blocking thread: writes the context into the channel.
fn send_context(context: &BuildContext, tx: mpsc::Sender<io::Result<Vec<u8>>>) -> Result<()> {
    let sink = ChunkSender::new(tx.clone());
    let sent =
        write_context(context, sink).and_then(|mut sink| sink.send_chunk().context_msg(msg!("build-context-unsent")));
    match sent {
        Ok(()) => Ok(()),
        // The daemon hung up (it refused the build, or died): its own answer
        // says why.
        Err(_) if tx.is_closed() => Ok(()),
        Err(e) => {
            // Cut the upload with an error: a body that simply ended would
            // hand the daemon a short context as if it were complete.
            let _ = tx.blocking_send(Err(io::Error::other("the build context could not be read")));
            Err(e)
        }
    }
}

/// Writes the context as a tar: the directory (minus what `.dockerignore`
/// excludes) under the prefix, then the extra files.
fn write_context<W: Write>(context: &BuildContext, out: W) -> Result<W> {
    let mut tar = tar::Builder::new(Sealable {
        inner: out,
        sealed: false,
    });
    match add_context(context, &mut tar) {
        Ok(()) => Ok(tar.into_inner().context_msg(msg!("build-context-unfinished"))?.inner),
        Err(e) => {
            tar.get_mut().sealed = true;
            Err(e)
        }
    }
}

fn add_context<W: Write>(context: &BuildContext, tar: &mut tar::Builder<W>) -> Result<()> {
    if !context.prefix.as_os_str().is_empty() {
        let meta = fs::metadata(&context.root)
            .with_context_msg(|| msg!("build-context-unreadable", path = context.root.display().to_string()))?;
        append_dir(tar, &context.prefix, &meta)
            .with_context_msg(|| msg!("build-cannot-add", path = context.root.display().to_string()))?;
    }
    add_dir_contents(context, tar, &context.root, Path::new(""))?;
    for (name, data) in &context.extra_files {
        let mut header = tar::Header::new_gnu();
        header.set_entry_type(tar::EntryType::Regular);
        header.set_mode(0o644);
        header.set_size(data.len() as u64);
        header.set_mtime(0);
        header.set_uid(0);
        header.set_gid(0);
        tar.append_data(&mut header, name, data.as_slice())
            .with_context_msg(|| msg!("build-cannot-add-generated", name = name.to_string()))?;
    }
    Ok(())
}

/// Adds the entries of `dir` (`relative` to the context root), in name order
/// so the same tree always makes the same tar.
fn add_dir_contents<W: Write>(
    context: &BuildContext,
    tar: &mut tar::Builder<W>,
    dir: &Path,
    relative: &Path,
) -> Result<()> {
    for name in sorted_names(dir)? {
        let path = dir.join(&name);
        let relative = relative.join(&name);
        let meta = match fs::symlink_metadata(&path) {
            Ok(meta) => meta,
            // Deleted since the directory was listed (an editor's temp file).
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e).with_context_msg(|| msg!("build-unreadable", path = path.display().to_string())),
        };
        let ignore_path = relative.to_string_lossy();
        let name_in_tar = context.prefix.join(&relative);
        let kind = meta.file_type();

        if context.ignore.excludes(&ignore_path) {
            // An exception (`!docs/keep.md`) can bring back something below
            // an excluded directory: look inside and decide per entry; the
            // directory's own entry stays out.
            if kind.is_dir() && context.ignore.may_include_below(&ignore_path) {
                add_dir_contents(context, tar, &path, &relative)?;
            }
            continue;
        }

        if kind.is_dir() {
            append_dir(tar, &name_in_tar, &meta)
                .with_context_msg(|| msg!("build-cannot-add", path = path.display().to_string()))?;
            add_dir_contents(context, tar, &path, &relative)?;
        } else if kind.is_symlink() {
            // Stored as a link, never followed: its target may be outside.
            let target = fs::read_link(&path)
                .with_context_msg(|| msg!("build-link-unreadable", path = path.display().to_string()))?;
            let mut header = header_from(&meta);
            tar.append_link(&mut header, &name_in_tar, &target)
                .with_context_msg(|| msg!("build-cannot-add", path = path.display().to_string()))?;
        } else if kind.is_file() {
            append_file(tar, &path, &name_in_tar)?;
        }
        // Sockets, fifos and devices are not build material: skipped.
    }
    Ok(())
}

fn sorted_names(dir: &Path) -> Result<Vec<OsString>> {
    let cannot_list = || msg!("build-dir-unreadable", path = dir.display().to_string());
    let mut names = fs::read_dir(dir)
        .with_context_msg(cannot_list)?
        .map(|entry| entry.map(|e| e.file_name()))
        .collect::<io::Result<Vec<_>>>()
        .with_context_msg(cannot_list)?;
    names.sort();
    Ok(names)
}

fn append_dir<W: Write>(tar: &mut tar::Builder<W>, name: &Path, meta: &fs::Metadata) -> io::Result<()> {
    let mut header = header_from(meta);
    tar.append_data(&mut header, name, io::empty())
}

/// Streams one file into the tar, never holding more than a copy buffer.
fn append_file<W: Write>(tar: &mut tar::Builder<W>, path: &Path, name: &Path) -> Result<()> {
    let cannot_read = || msg!("build-file-unreadable", path = path.display().to_string());
    // O_NOFOLLOW: a file swapped for a symlink since the walk must not bring
    // its target in. O_NONBLOCK: nor may a fifo swapped in hang the build.
    let opened = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path);
    let file = match opened {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e).with_context_msg(cannot_read),
    };
    let meta = file.metadata().with_context_msg(cannot_read)?;
    if !meta.is_file() {
        return Ok(());
    }
    let mut header = header_from(&meta);
    let content = ExactLength {
        file,
        remaining: meta.len(),
    };
    tar.append_data(&mut header, name, content)
        .with_context_msg(cannot_read)
}

/// The entry's real type, permissions, size and mtime. Owner 0:0, as the
/// docker CLI sends it: the daemon's cache key includes the owner, and the
/// same tree should hit the cache from any checkout.
fn header_from(meta: &fs::Metadata) -> tar::Header {
    let mut header = tar::Header::new_gnu();
    header.set_metadata_in_mode(meta, tar::HeaderMode::Complete);
    header.set_mode(meta.mode() & 0o7777);
    header.set_uid(0);
    header.set_gid(0);
    header
}

/// A file's content cut to the size its header announced: a file that grows
/// while it is sent would corrupt the tar, one that shrinks is an error.
struct ExactLength {
    file: File,
    remaining: u64,
}

impl Read for ExactLength {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.remaining == 0 || buf.is_empty() {
            return Ok(0);
        }
        let room = usize::try_from(self.remaining).unwrap_or(usize::MAX).min(buf.len());
        let n = self.file.read(&mut buf[..room])?;
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the file shrank while the build context was being sent",
            ));
        }
        self.remaining -= n as u64;
        Ok(n)
    }
}

/// Refuses writes once sealed. `tar::Builder` writes the end-of-archive
/// marker when dropped; after a failed entry that marker must not go out, or
/// the daemon could take a cut-short context for a complete one.
struct Sealable<W> {
    inner: W,
    sealed: bool,
}

impl<W: Write> Write for Sealable<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.sealed {
            return Err(io::Error::other("the build context was abandoned"));
        }
        self.inner.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Collects writes into `CHUNK_SIZE` chunks and sends each full one down the
/// channel, waiting while the channel is full (the daemon reads slower than
/// the disk).
struct ChunkSender {
    tx: mpsc::Sender<io::Result<Vec<u8>>>,
    chunk: Vec<u8>,
}

impl ChunkSender {
    fn new(tx: mpsc::Sender<io::Result<Vec<u8>>>) -> ChunkSender {
        ChunkSender {
            tx,
            chunk: Vec::with_capacity(CHUNK_SIZE),
        }
    }

    fn send_chunk(&mut self) -> io::Result<()> {
        if self.chunk.is_empty() {
            return Ok(());
        }
        let chunk = std::mem::replace(&mut self.chunk, Vec::with_capacity(CHUNK_SIZE));
        self.tx.blocking_send(Ok(chunk)).map_err(|_| {
            io::Error::new(
                io::ErrorKind::BrokenPipe,
                "the Docker daemon stopped reading the build context",
            )
        })
    }
}

impl Write for ChunkSender {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = buf.len().min(CHUNK_SIZE - self.chunk.len());
        self.chunk.extend_from_slice(&buf[..n]);
        if self.chunk.len() == CHUNK_SIZE {
            self.send_chunk()?;
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.send_chunk()
    }
}

/// `.dockerignore` rules, matched as Docker does: the last matching rule
/// wins, `!` re-includes, and a rule that matches a directory covers
/// everything below it.
#[derive(Debug, Default)]
struct IgnoreRules {
    rules: Vec<IgnoreRule>,
}

#[derive(Debug)]
struct IgnoreRule {
    exception: bool,
    glob: Glob,
}

impl IgnoreRules {
    fn parse(text: &str) -> Result<IgnoreRules, Msg> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut rules = Vec::new();
        for line in text.lines() {
            // As in docker, a comment starts the line: `#` after spaces is a
            // pattern.
            if line.starts_with('#') {
                continue;
            }
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            let (exception, pattern) = match line.strip_prefix('!') {
                Some(rest) => (true, rest.trim()),
                None => (false, line),
            };
            if pattern.is_empty() {
                return Err(msg!("ignore-bare-bang"));
            }
            let pattern = clean_path(pattern);
            let glob =
                Glob::compile(&pattern).map_err(|e| msg!("ignore-bad-pattern", pattern = &pattern, error = e))?;
            rules.push(IgnoreRule { exception, glob });
        }
        Ok(IgnoreRules { rules })
    }

    /// Whether the path (relative to the context, `/`-separated) stays out.
    fn excludes(&self, path: &str) -> bool {
        let mut excluded = false;
        for rule in &self.rules {
            // Only a rule that would flip the verdict needs matching.
            if rule.exception != excluded {
                continue;
            }
            if rule.glob.matches_path_or_parent(path) {
                excluded = !rule.exception;
            }
        }
        excluded
    }

    /// Whether an exception could re-include something below the directory.
    fn may_include_below(&self, dir: &str) -> bool {
        let below = format!("{dir}/");
        self.rules
            .iter()
            .any(|rule| rule.exception && rule.glob.may_match_below(&below))
    }

    /// Makes sure the path is sent, with an exception appended when a rule
    /// excludes it (what the docker CLI does for the Dockerfile).
    fn always_send(&mut self, path: &str) {
        if self.excludes(path) {
            self.rules.push(IgnoreRule {
                exception: true,
                glob: Glob::literal(path),
            });
        }
    }
}

/// Docker's pattern cleaning (`filepath.Clean`, then no leading `/`):
/// `./a//b/` -> `a/b`, `/build` -> `build`.
fn clean_path(path: &str) -> String {
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => match parts.last() {
                Some(&last) if last != ".." => {
                    parts.pop();
                }
                _ if rooted => {}
                _ => parts.push(".."),
            },
            part => parts.push(part),
        }
    }
    if parts.is_empty() {
        ".".to_owned()
    } else {
        parts.join("/")
    }
}

/// One `.dockerignore` pattern. `*`, `?` and `[...]` stay within a path
/// segment; `**/` matches any number of whole directories (even none) and
/// any other `**` anything at all; `\` escapes the next character.
#[derive(Debug)]
struct Glob {
    tokens: Vec<Token>,
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Char(char),
    /// `?`
    AnyChar,
    /// `*`
    Star,
    /// `**/`
    AnyDirs,
    /// `**` not followed by `/`
    AnyString,
    /// `[a-z]`, `[^0-9]`
    Class {
        negated: bool,
        ranges: Vec<(char, char)>,
    },
}

impl Glob {
    fn compile(pattern: &str) -> Result<Glob, Msg> {
        let chars: Vec<char> = pattern.chars().collect();
        let mut tokens = Vec::new();
        let mut i = 0;
        while let Some(&c) = chars.get(i) {
            i += 1;
            let token = match c {
                '*' if chars.get(i) == Some(&'*') => {
                    i += 1;
                    if chars.get(i) == Some(&'/') {
                        i += 1;
                        Token::AnyDirs
                    } else {
                        Token::AnyString
                    }
                }
                '*' => Token::Star,
                '?' => Token::AnyChar,
                '[' => {
                    let (class, next) = parse_class(&chars, i)?;
                    i = next;
                    class
                }
                '\\' => match chars.get(i) {
                    Some(&escaped) => {
                        i += 1;
                        Token::Char(escaped)
                    }
                    None => Token::Char('\\'),
                },
                c => Token::Char(c),
            };
            tokens.push(token);
        }
        Ok(Glob { tokens })
    }

    /// A pattern that matches exactly this path.
    fn literal(path: &str) -> Glob {
        Glob {
            tokens: path.chars().map(Token::Char).collect(),
        }
    }

    fn matches(&self, path: &str) -> bool {
        let text: Vec<char> = path.chars().collect();
        match_tokens(&self.tokens, &text, false)
    }

    /// A pattern matching a directory matches everything below it.
    fn matches_path_or_parent(&self, path: &str) -> bool {
        self.matches(path) || path.match_indices('/').any(|(slash, _)| self.matches(&path[..slash]))
    }

    /// Whether some path starting with `prefix` could match.
    fn may_match_below(&self, prefix: &str) -> bool {
        let text: Vec<char> = prefix.chars().collect();
        match_tokens(&self.tokens, &text, true)
    }
}

/// Parses the body of a `[...]` class starting at `start` (after the `[`);
/// returns the class and the index after its `]`.
fn parse_class(chars: &[char], start: usize) -> Result<(Token, usize), Msg> {
    let unclosed = || msg!("ignore-unclosed-class");
    let mut i = start;
    let negated = chars.get(i) == Some(&'^');
    if negated {
        i += 1;
    }
    let body_start = i;
    let mut ranges = Vec::new();
    loop {
        let c = *chars.get(i).ok_or_else(unclosed)?;
        // A `]` right after the `[` is a member, as in Go's regexps.
        if c == ']' && i > body_start {
            return Ok((Token::Class { negated, ranges }, i + 1));
        }
        i += 1;
        let mut low = c;
        if low == '\\' {
            low = *chars.get(i).ok_or_else(unclosed)?;
            i += 1;
        }
        let mut high = low;
        if chars.get(i) == Some(&'-') && chars.get(i + 1).is_some_and(|&next| next != ']') {
            i += 1;
            high = *chars.get(i).ok_or_else(unclosed)?;
            i += 1;
            if high == '\\' {
                high = *chars.get(i).ok_or_else(unclosed)?;
                i += 1;
            }
            if high < low {
                return Err(msg!(
                    "ignore-range-order",
                    low = low.to_string(),
                    high = high.to_string()
                ));
            }
        }
        ranges.push((low, high));
    }
}

/// Whether `tokens` match all of `text`; with `open_end`, whether they could
/// match some text that starts with `text`.
fn match_tokens(tokens: &[Token], text: &[char], open_end: bool) -> bool {
    if open_end && text.is_empty() {
        return true;
    }
    let Some((token, rest)) = tokens.split_first() else {
        return text.is_empty();
    };
    let one_char = |accepts: &dyn Fn(char) -> bool| match text.split_first() {
        Some((&c, after)) if c != '/' && accepts(c) => match_tokens(rest, after, open_end),
        _ => false,
    };
    match token {
        Token::Char('/') => match text.split_first() {
            Some(('/', after)) => match_tokens(rest, after, open_end),
            _ => false,
        },
        Token::Char(want) => one_char(&|c| c == *want),
        Token::AnyChar => one_char(&|_| true),
        Token::Class { negated, ranges } => {
            one_char(&|c| ranges.iter().any(|&(low, high)| low <= c && c <= high) != *negated)
        }
        Token::Star => {
            let segment_end = text.iter().position(|&c| c == '/').unwrap_or(text.len());
            (0..=segment_end).any(|n| match_tokens(rest, &text[n..], open_end))
        }
        Token::AnyDirs => {
            match_tokens(rest, text, open_end)
                || text
                    .iter()
                    .enumerate()
                    .filter(|&(_, &c)| c == '/')
                    .any(|(slash, _)| match_tokens(rest, &text[slash + 1..], open_end))
        }
        Token::AnyString => (0..=text.len()).any(|n| match_tokens(rest, &text[n..], open_end)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(text: &str) -> IgnoreRules {
        IgnoreRules::parse(text).expect("valid .dockerignore")
    }

    #[test]
    fn star_stays_within_one_directory() {
        let ignore = rules("*.log\n");
        assert!(ignore.excludes("debug.log"));
        assert!(!ignore.excludes("logs/debug.log"));
    }

    #[test]
    fn double_star_matches_any_number_of_directories() {
        let ignore = rules("**/*.log\nbuild/**/cache\n");
        assert!(ignore.excludes("debug.log"));
        assert!(ignore.excludes("a/b/c/debug.log"));
        assert!(ignore.excludes("build/cache"));
        assert!(ignore.excludes("build/x/y/cache"));
        assert!(!ignore.excludes("build/cachet"));
        assert!(!ignore.excludes("debug.txt"));
    }

    #[test]
    fn trailing_double_star_matches_everything_below() {
        let ignore = rules("dist/**\n");
        assert!(ignore.excludes("dist/a/b.js"));
        assert!(!ignore.excludes("distribution"));
    }

    #[test]
    fn question_mark_and_classes_match_one_character() {
        let ignore = rules("file?.txt\n[a-c].md\n[^x]y\n");
        assert!(ignore.excludes("file1.txt"));
        assert!(!ignore.excludes("file10.txt"));
        assert!(!ignore.excludes("file/.txt"));
        assert!(ignore.excludes("b.md"));
        assert!(!ignore.excludes("d.md"));
        assert!(ignore.excludes("zy"));
        assert!(!ignore.excludes("xy"));
    }

    #[test]
    fn exceptions_re_include_and_the_last_match_wins() {
        let ignore = rules("*.md\n!README.md\n");
        assert!(ignore.excludes("CHANGES.md"));
        assert!(!ignore.excludes("README.md"));

        let reversed = rules("!README.md\n*.md\n");
        assert!(reversed.excludes("README.md"));
    }

    #[test]
    fn a_directory_rule_excludes_everything_below_it() {
        let ignore = rules("node_modules\n");
        assert!(ignore.excludes("node_modules"));
        assert!(ignore.excludes("node_modules/left-pad/index.js"));
        assert!(!ignore.excludes("src/node_modules_notes.txt"));
        assert!(!ignore.may_include_below("node_modules"));
    }

    #[test]
    fn an_exception_below_an_excluded_directory_is_looked_for() {
        let ignore = rules("docs\n!docs/keep.md\n");
        assert!(ignore.excludes("docs"));
        assert!(ignore.may_include_below("docs"));
        assert!(!ignore.excludes("docs/keep.md"));
        assert!(ignore.excludes("docs/other.md"));

        let wildcard = rules("vendor\n!**/LICENSE\n");
        assert!(wildcard.may_include_below("vendor"));
        assert!(!wildcard.excludes("vendor/lib/LICENSE"));
        assert!(wildcard.excludes("vendor/lib/lib.go"));

        let elsewhere = rules("vendor\n!*.md\n");
        assert!(!elsewhere.may_include_below("vendor"));
    }

    #[test]
    fn comments_blank_lines_and_path_noise_are_handled_like_docker() {
        let ignore = rules("\u{feff}# a comment\n\n   \n/build\n./dist/\ntmp//cache\n  secret.env  \r\n");
        assert!(ignore.excludes("build"));
        assert!(ignore.excludes("dist/app.js"));
        assert!(ignore.excludes("tmp/cache"));
        assert!(ignore.excludes("secret.env"));
        assert!(!ignore.excludes("# a comment"));
        assert_eq!(ignore.rules.len(), 4);
    }

    #[test]
    fn escaped_characters_are_literal() {
        let ignore = rules("\\*.txt\n");
        assert!(ignore.excludes("*.txt"));
        assert!(!ignore.excludes("a.txt"));
    }

    #[test]
    fn malformed_patterns_are_errors() {
        assert!(IgnoreRules::parse("!\n").is_err());
        let err = IgnoreRules::parse("[abc\n").expect_err("unclosed class");
        assert!(err.english().contains("[abc"), "{err}");
    }

    #[test]
    fn the_dockerfile_and_dockerignore_are_always_sent() {
        let mut ignore = rules("*\ndocker\n");
        ignore.always_send("docker/Dockerfile.prod");
        ignore.always_send(".dockerignore");
        assert!(!ignore.excludes("docker/Dockerfile.prod"));
        assert!(!ignore.excludes(".dockerignore"));
        assert!(ignore.may_include_below("docker"));
        assert!(ignore.excludes("docker/other"));
        assert!(ignore.excludes("src"));
    }

    #[test]
    fn clean_path_follows_filepath_clean() {
        assert_eq!(clean_path("./a//b/"), "a/b");
        assert_eq!(clean_path("/build"), "build");
        assert_eq!(clean_path("a/../b"), "b");
        assert_eq!(clean_path("../x"), "../x");
        assert_eq!(clean_path("/"), ".");
    }

    #[test]
    fn exit_code_is_read_from_the_classic_builder_message() {
        let message = "The command '/bin/sh -c make' returned a non-zero code: 2";
        assert_eq!(exit_code_in(message), Some(2));
        assert_eq!(exit_code_in("COPY failed: no such file"), None);
    }

    #[test]
    fn a_failure_says_only_the_generic_reason() {
        let mut output = BuildOutput::default();
        let mut seen = Vec::new();
        output.push("Step 1/2 : FROM alpine\nhunter2 partial", &mut |l: &str| {
            seen.push(l.to_owned())
        });
        let err = output.failure(
            "The command 'echo hunter2' returned a non-zero code: 7",
            &mut |l: &str| seen.push(l.to_owned()),
        );
        assert_eq!(err.to_string(), "docker build failed (exit 7)");
        let failure = err.downcast_ref::<RedactedFailure>().expect("a RedactedFailure");
        assert!(failure.detail.contains("hunter2 partial"));
        assert_eq!(seen, ["Step 1/2 : FROM alpine", "hunter2 partial"]);
    }

    #[test]
    fn output_lines_are_split_across_chunks() {
        let mut output = BuildOutput::default();
        let mut seen = Vec::new();
        let mut sink = |l: &str| seen.push(l.to_owned());
        output.push("Step 1/", &mut sink);
        output.push("2 : FROM scratch\n ---> Running\n\n50%\r100%\r\n", &mut sink);
        output.flush(&mut sink);
        assert_eq!(seen, ["Step 1/2 : FROM scratch", " ---> Running", "100%"]);
    }

    #[test]
    fn chunk_sender_sends_full_chunks_then_the_rest() {
        let (tx, mut rx) = mpsc::channel(16);
        let mut sender = ChunkSender::new(tx);
        sender.write_all(&vec![7u8; CHUNK_SIZE * 2 + 10]).expect("write");
        sender.flush().expect("flush");
        drop(sender);
        let mut sizes = Vec::new();
        while let Some(Ok(chunk)) = rx.blocking_recv() {
            sizes.push(chunk.len());
        }
        assert_eq!(sizes, [CHUNK_SIZE, CHUNK_SIZE, 10]);
    }

    /// A context with a Dockerfile, a file, a symlink pointing outside, a
    /// subdirectory and things `.dockerignore` excludes.
    struct Fixture {
        _dir: tempfile::TempDir,
        context: PathBuf,
        outside_secret: PathBuf,
    }

    const OUTSIDE_CONTENT: &str = "TOP-SECRET-OUTSIDE-THE-CONTEXT";

    fn fixture(dockerignore: &str) -> Fixture {
        let dir = tempfile::tempdir().expect("tempdir");
        let context = dir.path().join("context");
        let outside_secret = dir.path().join("secret.txt");
        fs::write(&outside_secret, OUTSIDE_CONTENT).expect("write secret");
        fs::create_dir_all(context.join("src/nested")).expect("mkdir");
        fs::create_dir_all(context.join("node_modules/pkg")).expect("mkdir");
        fs::write(context.join("Dockerfile"), "FROM scratch\nCOPY hello.txt /\n").expect("write");
        fs::write(context.join("hello.txt"), "hello\n").expect("write");
        fs::write(context.join("src/nested/main.rs"), "fn main() {}\n").expect("write");
        fs::write(context.join("node_modules/pkg/index.js"), "x").expect("write");
        fs::write(context.join("debug.log"), "noise").expect("write");
        fs::write(context.join(".dockerignore"), dockerignore).expect("write");
        std::os::unix::fs::symlink(&outside_secret, context.join("link")).expect("symlink");
        Fixture {
            _dir: dir,
            context,
            outside_secret,
        }
    }

    fn request<'a>(context: &'a Path, args: &'a BTreeMap<String, String>) -> BuildRequest<'a> {
        BuildRequest {
            context,
            context_prefix: "",
            extra_files: Vec::new(),
            dockerfile: "Dockerfile",
            tag: "berth-test/unit:latest",
            build_args: args,
            target: None,
            labels: HashMap::new(),
        }
    }

    async fn tar_of(req: BuildRequest<'_>) -> Result<Vec<u8>> {
        let context = BuildContext::load(req).await?;
        write_context(&context, Vec::new())
    }

    /// (path, entry type, link target) of every entry.
    fn entries(tar_bytes: &[u8]) -> Vec<(String, tar::EntryType, Option<String>)> {
        let mut archive = tar::Archive::new(tar_bytes);
        archive
            .entries()
            .expect("entries")
            .map(|entry| {
                let entry = entry.expect("entry");
                let path = entry.path().expect("path").to_string_lossy().into_owned();
                let link = entry
                    .link_name()
                    .expect("link name")
                    .map(|l| l.to_string_lossy().into_owned());
                (path, entry.header().entry_type(), link)
            })
            .collect()
    }

    fn names(tar_bytes: &[u8]) -> Vec<String> {
        entries(tar_bytes).into_iter().map(|(path, _, _)| path).collect()
    }

    #[tokio::test]
    async fn the_tar_holds_symlinks_as_links_and_leaves_ignored_files_out() {
        let f = fixture("node_modules\n*.log\n");
        let args = BTreeMap::new();
        let tar_bytes = tar_of(request(&f.context, &args)).await.expect("tar");

        assert_eq!(
            names(&tar_bytes),
            [
                ".dockerignore",
                "Dockerfile",
                "hello.txt",
                "link",
                "src",
                "src/nested",
                "src/nested/main.rs"
            ]
        );
        let link = entries(&tar_bytes)
            .into_iter()
            .find(|(path, _, _)| path == "link")
            .expect("link entry");
        assert_eq!(link.1, tar::EntryType::Symlink);
        assert_eq!(link.2.as_deref(), Some(f.outside_secret.to_string_lossy().as_ref()));
        let needle = OUTSIDE_CONTENT.as_bytes();
        assert!(
            !tar_bytes.windows(needle.len()).any(|w| w == needle),
            "the link's target content leaked into the context"
        );
    }

    #[tokio::test]
    async fn file_content_and_mode_are_kept() {
        let f = fixture("");
        let script = f.context.join("run.sh");
        fs::write(&script, "#!/bin/sh\n").expect("write");
        fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o754)).expect("chmod");
        let args = BTreeMap::new();
        let tar_bytes = tar_of(request(&f.context, &args)).await.expect("tar");
        let mut archive = tar::Archive::new(tar_bytes.as_slice());
        let mut found = false;
        for entry in archive.entries().expect("entries") {
            let mut entry = entry.expect("entry");
            if entry.path().expect("path").as_ref() == Path::new("run.sh") {
                assert_eq!(entry.header().mode().expect("mode"), 0o754);
                let mut content = String::new();
                entry.read_to_string(&mut content).expect("read");
                assert_eq!(content, "#!/bin/sh\n");
                found = true;
            }
        }
        assert!(found, "run.sh missing from the tar");
    }

    #[tokio::test]
    async fn the_same_tree_makes_the_same_tar() {
        let f = fixture("*.log\n");
        let args = BTreeMap::new();
        let first = tar_of(request(&f.context, &args)).await.expect("tar");
        let second = tar_of(request(&f.context, &args)).await.expect("tar");
        assert!(first == second, "two tars of one tree differ");
    }

    #[tokio::test]
    async fn an_ignored_dockerfile_and_dockerignore_are_still_sent() {
        let f = fixture("*\n");
        let args = BTreeMap::new();
        let tar_bytes = tar_of(request(&f.context, &args)).await.expect("tar");
        assert_eq!(names(&tar_bytes), [".dockerignore", "Dockerfile"]);
    }

    #[tokio::test]
    async fn an_exception_reaches_into_an_excluded_directory() {
        let f = fixture("src\n!src/nested/main.rs\n");
        let args = BTreeMap::new();
        let tar_bytes = tar_of(request(&f.context, &args)).await.expect("tar");
        let names = names(&tar_bytes);
        assert!(names.contains(&"src/nested/main.rs".to_owned()), "{names:?}");
        assert!(!names.contains(&"src".to_owned()), "{names:?}");
    }

    #[tokio::test]
    async fn a_prefixed_context_goes_under_its_directory_with_the_extra_files_last() {
        let f = fixture("*.log\nnode_modules\n.dockerignore\n");
        let args = BTreeMap::new();
        let mut req = request(&f.context, &args);
        req.context_prefix = "site";
        req.extra_files = vec![(
            "Dockerfile".to_owned(),
            b"FROM nginx:alpine\nCOPY site/ /srv/\n".to_vec(),
        )];
        let tar_bytes = tar_of(req).await.expect("tar");
        assert_eq!(
            names(&tar_bytes),
            [
                "site",
                "site/Dockerfile",
                "site/hello.txt",
                "site/link",
                "site/src",
                "site/src/nested",
                "site/src/nested/main.rs",
                "Dockerfile"
            ]
        );
    }

    #[tokio::test]
    async fn sockets_are_skipped() {
        let f = fixture("");
        let _listener = std::os::unix::net::UnixListener::bind(f.context.join("app.sock")).expect("bind");
        let args = BTreeMap::new();
        let tar_bytes = tar_of(request(&f.context, &args)).await.expect("tar");
        assert!(!names(&tar_bytes).contains(&"app.sock".to_owned()));
    }

    #[tokio::test]
    async fn a_missing_context_or_dockerfile_is_a_clear_error() {
        let f = fixture("");
        let args = BTreeMap::new();
        let missing = f.context.join("nope");
        let err = tar_of(request(&missing, &args)).await.expect_err("missing context");
        assert!(err.to_string().contains("does not exist"), "{err:#}");
        assert!(err.to_string().contains(&*missing.to_string_lossy()), "{err:#}");

        let mut req = request(&f.context, &args);
        req.dockerfile = "Dockerfile.prod";
        let err = tar_of(req).await.expect_err("missing Dockerfile");
        assert!(err.to_string().contains("Dockerfile.prod"), "{err:#}");
    }

    #[tokio::test]
    async fn an_unreadable_file_is_an_error_naming_it() {
        let f = fixture("");
        let locked = f.context.join("locked.txt");
        fs::write(&locked, "x").expect("write");
        fs::set_permissions(&locked, std::os::unix::fs::PermissionsExt::from_mode(0o000)).expect("chmod");
        if fs::read(&locked).is_ok() {
            // Privileged (root): permissions cannot make a file unreadable.
            return;
        }
        let args = BTreeMap::new();
        let err = tar_of(request(&f.context, &args)).await.expect_err("unreadable");
        assert!(format!("{err:#}").contains(&*locked.to_string_lossy()), "{err:#}");
    }

    #[tokio::test]
    async fn the_streamed_context_is_the_same_tar_in_bounded_chunks() {
        let f = fixture("");
        fs::write(f.context.join("big.bin"), vec![42u8; 5 * CHUNK_SIZE + 123]).expect("write");
        let args = BTreeMap::new();
        let expected = tar_of(request(&f.context, &args)).await.expect("tar");

        let context = BuildContext::load(request(&f.context, &args)).await.expect("load");
        let (tx, mut rx) = mpsc::channel(CHANNEL_CHUNKS);
        let writer = tokio::task::spawn_blocking(move || send_context(&context, tx));
        let mut streamed = Vec::new();
        while let Some(chunk) = rx.recv().await {
            let chunk = chunk.expect("chunk");
            assert!(chunk.len() <= CHUNK_SIZE);
            streamed.extend_from_slice(&chunk);
        }
        writer.await.expect("join").expect("send");
        assert!(streamed == expected, "the streamed tar differs from the written one");
    }

    #[tokio::test]
    async fn a_context_that_cannot_be_read_cuts_the_stream_with_an_error() {
        let f = fixture("");
        let args = BTreeMap::new();
        let context = BuildContext::load(request(&f.context, &args)).await.expect("load");
        fs::remove_dir_all(&f.context).expect("remove the context");
        let (tx, mut rx) = mpsc::channel(CHANNEL_CHUNKS);
        let writer = tokio::task::spawn_blocking(move || send_context(&context, tx));
        let mut last = None;
        while let Some(item) = rx.recv().await {
            last = Some(item);
        }
        assert!(matches!(last, Some(Err(_))), "the body must end with an error");
        let err = writer.await.expect("join").expect_err("the writer fails");
        assert!(format!("{err:#}").contains(&*f.context.to_string_lossy()), "{err:#}");
    }

    #[test]
    fn build_options_use_the_classic_builder_and_the_request() {
        let dir = tempfile::tempdir().expect("tempdir");
        let args = BTreeMap::from([("TOKEN".to_owned(), "s3cret".to_owned())]);
        let mut req = request(dir.path(), &args);
        req.target = Some("runtime");
        req.labels = HashMap::from([("berth.workload".to_owned(), "web".to_owned())]);
        let options = build_options(&req);
        assert_eq!(options.version, BuilderVersion::BuilderV1);
        assert_eq!(options.t.as_deref(), Some("berth-test/unit:latest"));
        assert_eq!(options.target, "runtime");
        assert!(options.rm && options.forcerm);
        assert_eq!(options.pull, None);
        assert_eq!(
            options
                .buildargs
                .as_ref()
                .and_then(|a| a.get("TOKEN"))
                .map(String::as_str),
            Some("s3cret")
        );
        assert_eq!(options.labels.as_ref().map(HashMap::len), Some(1));
    }
}
