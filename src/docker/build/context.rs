//! The build context as a tar stream: the context directory written on a
//! blocking thread in fixed-size chunks through a bounded channel (the
//! request body), `.dockerignore` applied, symlinks kept as symlinks.

use std::ffi::OsString;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use anyhow::{Result, bail};
use futures_util::Stream;
use tokio::sync::mpsc;

use crate::i18n::Context as _;
use crate::msg;

use super::*;

/// The request body: the chunks the context writer sends, as they come.
pub(super) fn body_chunks(rx: mpsc::Receiver<io::Result<Vec<u8>>>) -> impl Stream<Item = io::Result<Vec<u8>>> {
    futures_util::stream::unfold(rx, |mut rx| async move {
        let chunk = rx.recv().await?;
        Some((chunk, rx))
    })
}

/// Everything the context writer needs, owned so it can move to a blocking
/// thread.
pub(super) struct BuildContext {
    pub(super) root: PathBuf,
    /// "" or the directory (e.g. `site`) the files go under in the tar.
    pub(super) prefix: PathBuf,
    pub(super) ignore: IgnoreRules,
    pub(super) extra_files: Vec<(String, Vec<u8>)>,
}

impl BuildContext {
    pub(super) async fn load(req: BuildRequest<'_>) -> Result<BuildContext> {
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
pub(super) fn send_context(context: &BuildContext, tx: mpsc::Sender<io::Result<Vec<u8>>>) -> Result<()> {
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
pub(super) fn write_context<W: Write>(context: &BuildContext, out: W) -> Result<W> {
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

pub(super) fn add_context<W: Write>(context: &BuildContext, tar: &mut tar::Builder<W>) -> Result<()> {
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
pub(super) fn add_dir_contents<W: Write>(
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

pub(super) fn sorted_names(dir: &Path) -> Result<Vec<OsString>> {
    let cannot_list = || msg!("build-dir-unreadable", path = dir.display().to_string());
    let mut names = fs::read_dir(dir)
        .with_context_msg(cannot_list)?
        .map(|entry| entry.map(|e| e.file_name()))
        .collect::<io::Result<Vec<_>>>()
        .with_context_msg(cannot_list)?;
    names.sort();
    Ok(names)
}

pub(super) fn append_dir<W: Write>(tar: &mut tar::Builder<W>, name: &Path, meta: &fs::Metadata) -> io::Result<()> {
    let mut header = header_from(meta);
    tar.append_data(&mut header, name, io::empty())
}

/// Streams one file into the tar, never holding more than a copy buffer.
pub(super) fn append_file<W: Write>(tar: &mut tar::Builder<W>, path: &Path, name: &Path) -> Result<()> {
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
pub(super) fn header_from(meta: &fs::Metadata) -> tar::Header {
    let mut header = tar::Header::new_gnu();
    header.set_metadata_in_mode(meta, tar::HeaderMode::Complete);
    header.set_mode(meta.mode() & 0o7777);
    header.set_uid(0);
    header.set_gid(0);
    header
}

/// A file's content cut to the size its header announced: a file that grows
/// while it is sent would corrupt the tar, one that shrinks is an error.
pub(super) struct ExactLength {
    pub(super) file: File,
    pub(super) remaining: u64,
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
pub(super) struct Sealable<W> {
    pub(super) inner: W,
    pub(super) sealed: bool,
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
pub(super) struct ChunkSender {
    pub(super) tx: mpsc::Sender<io::Result<Vec<u8>>>,
    pub(super) chunk: Vec<u8>,
}

impl ChunkSender {
    pub(super) fn new(tx: mpsc::Sender<io::Result<Vec<u8>>>) -> ChunkSender {
        ChunkSender {
            tx,
            chunk: Vec::with_capacity(CHUNK_SIZE),
        }
    }

    pub(super) fn send_chunk(&mut self) -> io::Result<()> {
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
