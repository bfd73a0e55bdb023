//! `berth exec NAME -- CMD...`: runs a command in the workload's running
//! container, as `docker exec` does: a TTY only when berth's stdin is a
//! terminal (otherwise plain pipes, so `\n` stays `\n` in captured output),
//! stdout and stderr kept apart, and the command's exit code returned.

use std::io::{self, Read, Write};
use std::time::{Duration, Instant};

use anyhow::{Result, anyhow};
use bollard::container::LogOutput;
use bollard::exec::{CreateExecOptions, StartExecOptions, StartExecResults};
use tokio::io::AsyncWriteExt;

use super::{ReaderCheck, ReaderGone, Target};
use crate::docker::Docker;
use crate::error::BerthError;
use crate::i18n::Context as _;

/// Exit code when the command could not be run (not executable, or the
/// daemon reported no code), as docker's 126.
pub const CANNOT_RUN: i32 = 126;
/// Exit code when the command was not found, as `docker run` (and a shell)
/// give 127; the daemon itself reports 126 for both.
pub const NOT_FOUND: i32 = 127;

/// How much of the end of the output is kept to tell "not found" from
/// "cannot run" (the runtime's message is the last thing the stream says).
const TAIL_BYTES: usize = 1024;

/// Exit code when berth's stdout closed before the command ended
/// (`berth exec web -- yes | head -1`): 128 + SIGPIPE, as a shell reports a
/// writer killed by its closed pipe, and as `docker exec` exits.
pub const CLOSED_PIPE: i32 = 141;

/// How long berth waits, after the command's output ended, for the daemon
/// to record its exit code.
const EXIT_CODE_DEADLINE: Duration = Duration::from_secs(10);

/// How long berth waits for the daemon to record a running exec's process
/// id (it does so a moment after the start).
const PID_DEADLINE: Duration = Duration::from_secs(2);

/// Runs `command` in the running container of `target`, with a TTY when
/// `tty` (the caller checks that stdin is a terminal). Returns the
/// command's exit code (0..=255).
///
/// # Errors
/// [`BerthError::NoRunningContainer`] (exit 69) when nothing of the
/// workload runs; [`BerthError::ExecFailed`] (exit 125) when the daemon
/// refuses the exec.
pub async fn exec(docker: &Docker, target: &Target, command: &[String], tty: bool) -> Result<i32> {
    let name = target.workload();
    let Some(container) = target.running(docker).await? else {
        if let Some(e) = target.unknown_service(docker).await {
            return Err(e);
        }
        return Err(BerthError::NoRunningContainer(crate::msg!("exec-no-running-container", workload = name)).into());
    };
    let exec_failed = |e: bollard::errors::Error| {
        anyhow!(BerthError::ExecFailed(crate::msg!(
            "exec-could-not-run",
            workload = name,
            container = &container.name,
            reason = e.to_string()
        )))
    };
    let created = docker
        .api()
        .create_exec(
            &container.id,
            CreateExecOptions {
                attach_stdin: Some(true),
                attach_stdout: Some(true),
                attach_stderr: Some(true),
                tty: Some(tty),
                cmd: Some(command.to_vec()),
                ..Default::default()
            },
        )
        .await
        .map_err(exec_failed)?;
    let start = StartExecOptions {
        detach: false,
        tty,
        output_capacity: None,
    };
    let StartExecResults::Attached { mut output, mut input } = docker
        .api()
        .start_exec(&created.id, Some(start))
        .await
        .map_err(exec_failed)?
    else {
        return Err(anyhow!(BerthError::ExecFailed(crate::msg!("exec-detached"))));
    };
    let _raw = if tty {
        RawMode::enable(docker, &created.id).await
    } else {
        None
    };
    // A resized terminal resizes the command's TTY (SIGWINCH).
    let resizer = tty.then(|| {
        let docker = docker.clone();
        let exec_id = created.id.clone();
        tokio::spawn(async move {
            let Ok(mut winch) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::window_change()) else {
                return;
            };
            while winch.recv().await.is_some() {
                resize(&docker, &exec_id).await;
            }
        })
    });

    // stdin is read on a thread of its own: a blocking read of an open
    // stdin must not keep berth alive once the command has exited.
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Vec<u8>>(16);
    std::thread::spawn(move || {
        let mut stdin = io::stdin();
        let mut buf = vec![0u8; 8192];
        loop {
            match stdin.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    if tx.blocking_send(buf[..n].to_vec()).is_err() {
                        break;
                    }
                }
            }
        }
    });
    let pump = tokio::spawn(async move {
        while let Some(chunk) = rx.recv().await {
            if input.write_all(&chunk).await.is_err() || input.flush().await.is_err() {
                return;
            }
        }
        // stdin ended: the command sees EOF (`berth exec web -- cat < file`).
        let _ = input.shutdown().await;
    });

    let mut tail: Vec<u8> = Vec::new();
    let mut reader = ReaderCheck::new(crate::output::stdout_reader_gone);
    loop {
        let item = match reader.next(&mut output).await {
            Ok(Some(item)) => item,
            Ok(None) => break,
            Err(ReaderGone) => return Ok(closed_pipe(docker, &created.id, &container.id, pump, resizer).await),
        };
        let (to_stderr, message) = match item {
            Ok(LogOutput::StdErr { message }) => (true, message),
            Ok(LogOutput::StdOut { message } | LogOutput::Console { message }) => (false, message),
            Ok(LogOutput::StdIn { .. }) => continue,
            // The connection ended badly; the exit code below still tells.
            Err(_) => break,
        };
        tail.extend_from_slice(&message);
        let excess = tail.len().saturating_sub(TAIL_BYTES);
        tail.drain(..excess);
        if to_stderr {
            let mut err = io::stderr().lock();
            let _ = err.write_all(&message).and_then(|()| err.flush());
        } else {
            let mut out = io::stdout().lock();
            // Another failure (a full disk) loses the output; the command's
            // exit code still counts.
            if let Err(e) = out.write_all(&message).and_then(|()| out.flush())
                && e.kind() == io::ErrorKind::BrokenPipe
            {
                return Ok(closed_pipe(docker, &created.id, &container.id, pump, resizer).await);
            }
        }
    }
    pump.abort();
    if let Some(resizer) = resizer {
        resizer.abort();
    }
    let code = exit_code(docker, &created.id).await?;
    Ok(refine_cannot_run(code, &String::from_utf8_lossy(&tail)))
}

/// berth's stdout closed before the command ended: the command gets what a
/// writer in a shell pipeline gets, SIGPIPE, when its process can be
/// reached from here (a daemon on this host, sharing its pid namespace:
/// Docker has no API to signal an exec'd process); berth drops its attached
/// streams as `docker exec` does and exits [`CLOSED_PIPE`].
async fn closed_pipe(
    docker: &Docker,
    exec_id: &str,
    container_id: &str,
    pump: tokio::task::JoinHandle<()>,
    resizer: Option<tokio::task::JoinHandle<()>>,
) -> i32 {
    pump.abort();
    if let Some(resizer) = resizer {
        resizer.abort();
    }
    if crate::docker::Engine::is_local(docker)
        && let Some(pid) = exec_pid(docker, exec_id).await
        // The pid is this host's only when it sits in the container's cgroup.
        && std::fs::read_to_string(format!("/proc/{pid}/cgroup")).is_ok_and(|c| c.contains(container_id))
        && let Some(pid) = rustix::process::Pid::from_raw(pid)
    {
        let _ = rustix::process::kill_process(pid, rustix::process::Signal::PIPE);
    }
    CLOSED_PIPE
}

/// The running exec's process id as the daemon reports it; None once it
/// has exited. The daemon records the pid a moment after the command
/// started (0 until then: `yes | head -1` closes berth's stdout sooner),
/// so it is asked again for at most [`PID_DEADLINE`].
async fn exec_pid(docker: &Docker, exec_id: &str) -> Option<i32> {
    let deadline = Instant::now() + PID_DEADLINE;
    loop {
        let inspected = docker.api().inspect_exec(exec_id).await.ok()?;
        if inspected.running != Some(true) {
            return None;
        }
        if let Some(pid) = inspected.pid.and_then(|p| i32::try_from(p).ok()).filter(|p| *p > 0) {
            return Some(pid);
        }
        if Instant::now() >= deadline {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The daemon reports 126 both when the command is not executable and when
/// it does not exist; the runtime's message tells them apart.
fn refine_cannot_run(code: i32, output_tail: &str) -> i32 {
    let runtime_failed = output_tail.contains("exec failed");
    let missing =
        output_tail.contains("executable file not found") || output_tail.contains("no such file or directory");
    if code == CANNOT_RUN && runtime_failed && missing {
        NOT_FOUND
    } else {
        code
    }
}

/// The exit code the daemon recorded for exec `id`, waiting (bounded) for
/// the process to be reported as finished.
async fn exit_code(docker: &Docker, id: &str) -> Result<i32> {
    let deadline = Instant::now() + EXIT_CODE_DEADLINE;
    let mut pause = Duration::from_millis(5);
    loop {
        let inspect = docker
            .api()
            .inspect_exec(id)
            .await
            .context_msg(crate::msg!("exec-exit-code-unreadable"))?;
        if inspect.running != Some(true) {
            return Ok(match inspect.exit_code {
                Some(code) => i32::try_from(code).unwrap_or(CANNOT_RUN),
                // Never started: the daemon could not run it at all.
                None => CANNOT_RUN,
            });
        }
        if Instant::now() >= deadline {
            return Err(anyhow!(BerthError::ExecFailed(crate::msg!("exec-still-running"))));
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(Duration::from_millis(200));
    }
}

/// Gives the command's TTY the size of berth's terminal (best effort).
async fn resize(docker: &Docker, exec_id: &str) {
    if let Ok((width, height)) = crossterm::terminal::size() {
        let size = bollard::query_parameters::ResizeExecOptionsBuilder::default()
            .w(i32::from(width))
            .h(i32::from(height))
            .build();
        let _ = docker.api().resize_exec(exec_id, size).await;
    }
}

/// The terminal in raw mode for an interactive TTY session, restored on drop.
struct RawMode;

impl RawMode {
    async fn enable(docker: &Docker, exec_id: &str) -> Option<RawMode> {
        resize(docker, exec_id).await;
        crossterm::terminal::enable_raw_mode().ok().map(|()| RawMode)
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        let _ = crossterm::terminal::disable_raw_mode();
    }
}
