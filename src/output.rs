//! What goes where: data on stdout (human text or one JSON document),
//! status and diagnostics on stderr, progress only on a terminal.

use std::io::{self, IsTerminal, Write};
use std::os::fd::AsFd;
use std::sync::atomic::{AtomicU8, Ordering};

use serde::Serialize;

use crate::config::ConfigIssue;
use crate::error::{BerthError, classify, exit, human_chain};
use crate::i18n::Msg;
use crate::t;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum OutputFormat {
    #[default]
    Human,
    Json,
}

#[derive(Debug, Clone, Copy)]
pub struct Printer {
    format: OutputFormat,
    quiet: bool,
    color: bool,
    stderr_tty: bool,
}

#[derive(Debug, Clone, Copy)]
pub enum Style {
    Bold,
    Dim,
    Green,
    Yellow,
    Red,
}

impl Printer {
    pub fn new(format: OutputFormat, quiet: bool, no_color: bool) -> Self {
        let stderr_tty = io::stderr().is_terminal();
        let no_color_env = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Printer {
            format,
            quiet,
            color: stderr_tty && !no_color && !no_color_env,
            stderr_tty,
        }
    }

    pub fn format(&self) -> OutputFormat {
        self.format
    }

    pub fn is_json(&self) -> bool {
        self.format == OutputFormat::Json
    }

    /// Progress bars and live output: only for a person watching a terminal.
    pub fn show_progress(&self) -> bool {
        self.stderr_tty && !self.quiet && !self.is_json()
    }

    /// One line of data on stdout. Once stdout's reader has gone (`berth
    /// ... | head -1`), this and every later write to stdout is dropped;
    /// [`stdout_error`] then tells `main` how to exit.
    pub fn data(&self, line: &str) {
        write_stdout(format_args!("{line}\n"));
    }

    /// The command's JSON document on stdout.
    pub fn json<T: Serialize + ?Sized>(&self, value: &T) {
        match serde_json::to_string_pretty(value) {
            Ok(s) => write_stdout(format_args!("{s}\n")),
            Err(e) => self.warn(&t!("output-json-failed", reason = e.to_string())),
        }
    }

    /// One compact JSON object per line (NDJSON), flushed at once.
    pub fn json_line<T: Serialize + ?Sized>(&self, value: &T) {
        match serde_json::to_string(value) {
            Ok(s) => write_stdout(format_args!("{s}\n")),
            Err(e) => self.warn(&t!("output-json-failed", reason = e.to_string())),
        }
    }

    /// A borderless table on stdout, one data line per row (pipe-friendly).
    /// `columns` are the message ids of the headers (`column-workload`; an
    /// empty id is an empty header), shown in the language of human output.
    pub fn table(&self, columns: &[&'static str], rows: impl IntoIterator<Item = Vec<String>>) {
        let mut table = comfy_table::Table::new();
        table.load_style(comfy_table::presets::NOTHING);
        table.force_no_tty();
        let header: Vec<String> = columns
            .iter()
            .map(|id| {
                if id.is_empty() {
                    String::new()
                } else {
                    Msg::new(id).localized()
                }
            })
            .collect();
        table.set_header(header);
        for row in rows {
            table.add_row(row);
        }
        for line in table.lines() {
            self.data(line.trim());
        }
    }

    /// Err([`BerthError::ClosedPipe`]) once stdout's reader has gone
    /// (Err(`Exit(1)`) once stdout failed another way), so a command that
    /// writes in a loop (`events --follow`) stops instead of writing on
    /// into nothing. Commands that end by themselves need not ask: `main`
    /// does, after them.
    pub fn check_stdout(&self) -> anyhow::Result<()> {
        if stdout_reader_gone() {
            let _ = STDOUT_STATE.compare_exchange(STDOUT_OPEN, STDOUT_CLOSED, Ordering::SeqCst, Ordering::SeqCst);
        }
        match stdout_error() {
            Some(e) => Err(e.into()),
            None => Ok(()),
        }
    }

    /// A status line for people on stderr; silent with `-q`.
    pub fn status(&self, msg: &str) {
        if !self.quiet {
            write_stderr(format_args!("{msg}\n"));
        }
    }

    pub fn warn(&self, msg: &str) {
        let label = self.paint(&t!("label-warning"), Style::Yellow);
        write_stderr(format_args!("{label}: {msg}\n"));
    }

    /// Raw diagnostic text on stderr (build output, container logs), even with `-q`.
    pub fn diagnostic(&self, text: &str) {
        write_stderr(format_args!("{text}"));
    }

    pub fn paint(&self, text: &str, style: Style) -> String {
        if !self.color {
            return text.to_owned();
        }
        let code = match style {
            Style::Bold => "1",
            Style::Dim => "2",
            Style::Green => "32",
            Style::Yellow => "33",
            Style::Red => "31",
        };
        format!("\x1b[{code}m{text}\x1b[0m")
    }

    /// Reports a failed command: the JSON error object on stdout with
    /// `--output json`, a readable message on stderr otherwise.
    pub fn report_error(&self, err: &anyhow::Error) -> i32 {
        let (code, name, issues) = classify(err);
        if matches!(name, "exit" | "closed_pipe") {
            return code;
        }
        // With stdout closed, the error goes to stderr as a person reads it.
        if self.is_json() && stdout_error().is_none() {
            self.json(&serde_json::json!({ "error": Printer::error_json(err) }));
        } else {
            let label = self.paint(&t!("label-error"), Style::Red);
            write_stderr(format_args!("{label}: {}\n", human_chain(err)));
            for issue in issues.unwrap_or_default() {
                self.issue_line(issue, Style::Red);
            }
        }
        code
    }

    /// One failed item of a command that goes on with the others (a fleet
    /// deploy): `error: NAME: <reason>` in the language of human output,
    /// with the config problems below it, on stderr.
    pub fn item_failed(&self, name: &str, err: &anyhow::Error) {
        let (_, _, issues) = classify(err);
        let label = self.paint(&t!("label-error"), Style::Red);
        write_stderr(format_args!("{label}: {name}: {}\n", human_chain(err)));
        for issue in issues.unwrap_or_default() {
            self.issue_line(issue, Style::Red);
        }
    }

    /// The JSON `error` object of a failure (as [`Printer::report_error`]
    /// prints it): code, exit code, English message, config problems.
    pub fn error_json(err: &anyhow::Error) -> serde_json::Value {
        let (code, name, issues) = classify(err);
        let issues: Vec<JsonIssue<'_>> = issues.unwrap_or_default().iter().map(JsonIssue::from).collect();
        serde_json::json!({
            "code": name,
            "exit_code": code,
            "message": format!("{err:#}"),
            "errors": issues,
        })
    }

    /// One config problem as an indented line: `  web: healthcheck.path: must start with / (hint)`.
    pub fn issue_line(&self, issue: &ConfigIssue, style: Style) {
        let path = if issue.path.is_empty() {
            "(config)"
        } else {
            issue.path.as_str()
        };
        let mut line = format!(
            "  {}: {}: {}",
            issue.workload,
            self.paint(path, style),
            issue.human_message()
        );
        if let Some(s) = issue.human_suggestion() {
            line.push_str(&format!(" ({s})"));
        }
        write_stderr(format_args!("{line}\n"));
    }
}

/// The JSON form of a config problem (DESIGN §8).
#[derive(Serialize)]
pub struct JsonIssue<'a> {
    pub workload: &'a str,
    pub path: &'a str,
    pub message: &'a str,
    pub suggestion: Option<&'a str>,
}

impl<'a> From<&'a ConfigIssue> for JsonIssue<'a> {
    fn from(i: &'a ConfigIssue) -> Self {
        JsonIssue {
            workload: &i.workload,
            path: &i.path,
            message: &i.message,
            suggestion: i.suggestion.as_deref(),
        }
    }
}

/// What became of stdout: [`STDOUT_OPEN`] until a write fails, then
/// [`STDOUT_CLOSED`] (its reader went away: EPIPE) or [`STDOUT_FAILED`]
/// (any other error). Process-wide, as stdout is; the first failure stays.
static STDOUT_STATE: AtomicU8 = AtomicU8::new(STDOUT_OPEN);
const STDOUT_OPEN: u8 = 0;
const STDOUT_CLOSED: u8 = 1;
const STDOUT_FAILED: u8 = 2;

/// Why stdout takes no more data, as the error `main` exits with: None
/// while it is writable; [`BerthError::ClosedPipe`] (exit 0, nothing
/// printed) once its reader went away, as ripgrep's closed pipe (STYLE.md,
/// DESIGN §9: "a closed pipe exits quietly"); `Exit(1)` once a write failed
/// otherwise (a full disk): there is nowhere sensible left to say so.
pub fn stdout_error() -> Option<BerthError> {
    match STDOUT_STATE.load(Ordering::SeqCst) {
        STDOUT_OPEN => None,
        STDOUT_CLOSED => Some(BerthError::ClosedPipe),
        _ => Some(BerthError::Exit(exit::FAILED)),
    }
}

/// Whether stdout's reader has gone (`berth events --follow | head -1`
/// after `head` exited), known without writing: poll(2) reports POLLERR on
/// a pipe with no reader left and POLLHUP on a hung-up terminal or socket.
/// A loop that waits for something to print asks this, so it ends when its
/// reader does, not at its next line.
pub fn stdout_reader_gone() -> bool {
    use rustix::event::PollFlags;
    reader_gone(io::stdout().as_fd(), PollFlags::ERR | PollFlags::HUP)
}

/// [`stdout_reader_gone`] for stderr, a pipe's only (POLLERR): `berth logs
/// -f web 2>&1 >/dev/null | head -1` reads only the app's stderr. A hung-up
/// terminal on stderr does not count: `berth logs -f web > app.log &` goes
/// on writing the file after its terminal closed.
pub fn stderr_reader_gone() -> bool {
    reader_gone(io::stderr().as_fd(), rustix::event::PollFlags::ERR)
}

fn reader_gone(fd: std::os::fd::BorrowedFd<'_>, gone: rustix::event::PollFlags) -> bool {
    use rustix::event::{PollFd, PollFlags, Timespec, poll};
    let mut fds = [PollFd::new(&fd, PollFlags::empty())];
    let now = Timespec { tv_sec: 0, tv_nsec: 0 };
    matches!(poll(&mut fds, Some(&now)), Ok(n) if n > 0) && fds[0].revents().intersects(gone)
}

/// Writes to stdout, or drops the text once stdout takes no more (see
/// [`STDOUT_STATE`]). Never exits: the command runs to its end, so its
/// webhook deliveries and destructors are not cut off.
fn write_stdout(args: std::fmt::Arguments<'_>) {
    if STDOUT_STATE.load(Ordering::SeqCst) != STDOUT_OPEN {
        return;
    }
    let mut out = io::stdout().lock();
    if let Err(e) = out.write_fmt(args).and_then(|()| out.flush()) {
        let state = if e.kind() == io::ErrorKind::BrokenPipe {
            STDOUT_CLOSED
        } else {
            STDOUT_FAILED
        };
        let _ = STDOUT_STATE.compare_exchange(STDOUT_OPEN, state, Ordering::SeqCst, Ordering::SeqCst);
    }
}

fn write_stderr(args: std::fmt::Arguments<'_>) {
    // A closed stderr must not turn into a panic; the message is lost either way.
    let _ = io::stderr().lock().write_fmt(args);
}

/// A deploy's spinner line: the step it is at, cleared when it ends (the
/// summary with the phase timeline follows).
pub struct Spinner(indicatif::ProgressBar);

impl Spinner {
    /// A spinner for `workload` in `multi`, ticking every 100 ms.
    pub fn new(multi: &indicatif::MultiProgress, workload: &str) -> Spinner {
        let bar = multi.add(indicatif::ProgressBar::new_spinner());
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {prefix}: {msg} ({elapsed})")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        bar.set_prefix(workload.to_owned());
        bar.enable_steady_tick(std::time::Duration::from_millis(100));
        Spinner(bar)
    }

    /// Shows `msg` as the step the deploy is at.
    pub fn say(&self, msg: &str) {
        self.0.set_message(msg.to_owned());
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        self.0.finish_and_clear();
    }
}
