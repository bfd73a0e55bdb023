//! Errors that carry their exit code (DESIGN §8).
//!
//! Library code returns `anyhow::Error`; the few errors a caller (or the exit
//! code) must tell apart are [`BerthError`] values inside it.

use crate::config::ConfigIssue;
use crate::i18n::{Msg, MsgContext};
use crate::msg;

/// Exit codes of DESIGN §8.
pub mod exit {
    pub const OK: i32 = 0;
    pub const FAILED: i32 = 1;
    pub const USAGE: i32 = 2;
    pub const INVALID_CONFIG: i32 = 3;
    pub const NOT_FOUND: i32 = 4;
    pub const LOCKED: i32 = 5;
    /// `berth exec`: the workload has no running container; nothing ran
    /// (sysexits' EX_UNAVAILABLE, outside the codes commands usually use).
    pub const NO_RUNNING_CONTAINER: i32 = 69;
    /// `berth exec`: the daemon refused to run the command (as docker's 125).
    pub const EXEC_FAILED: i32 = 125;
    pub const INTERRUPTED: i32 = 130;
    pub const TERMINATED: i32 = 143;
}

/// Every text here is a translatable [`Msg`]: Display gives the English
/// (JSON, the store), [`BerthError::human`] the language of human output.
#[derive(Debug, thiserror::Error)]
pub enum BerthError {
    #[error("{message}")]
    InvalidConfig { message: Msg, errors: Vec<ConfigIssue> },
    #[error("{0}")]
    NotFound(Msg),
    #[error("{0}")]
    Usage(Msg),
    #[error("{0}")]
    Locked(Msg),
    /// `deploy --no-adopt` found the workload running from another store.
    #[error("{0}")]
    AdoptionRefused(Msg),
    /// `berth exec` found no running container of the workload.
    #[error("{0}")]
    NoRunningContainer(Msg),
    /// `berth exec`: the daemon would not create or start the command.
    #[error("{0}")]
    ExecFailed(Msg),
    #[error("deploy interrupted (SIGINT)")]
    Interrupted,
    #[error("deploy terminated (SIGTERM)")]
    Terminated,
    /// The command already printed its outcome and only the exit code is
    /// left to give (a deploy that completed after Ctrl-C still exits 130).
    #[error("exit {0}")]
    Exit(i32),
    /// stdout's reader went away (`berth events | head -1`): exit 0 with
    /// nothing more said, as ripgrep does (STYLE.md). Never shown, so its
    /// text stays English.
    #[error("stdout was closed")]
    ClosedPipe,
}

impl BerthError {
    pub fn invalid_config(errors: Vec<ConfigIssue>) -> Self {
        let message = invalid_config_msg(&errors);
        BerthError::InvalidConfig { message, errors }
    }

    /// The message in the language of human output (Display is English,
    /// for JSON and the store).
    pub fn human(&self) -> String {
        match self {
            BerthError::InvalidConfig { message: m, .. }
            | BerthError::NotFound(m)
            | BerthError::Usage(m)
            | BerthError::Locked(m)
            | BerthError::AdoptionRefused(m)
            | BerthError::NoRunningContainer(m)
            | BerthError::ExecFailed(m) => m.localized(),
            BerthError::Interrupted => msg!("deploy-interrupted").localized(),
            BerthError::Terminated => msg!("deploy-terminated").localized(),
            BerthError::Exit(_) | BerthError::ClosedPipe => self.to_string(),
        }
    }

    pub fn exit_code(&self) -> i32 {
        match self {
            BerthError::InvalidConfig { .. } => exit::INVALID_CONFIG,
            BerthError::NotFound(_) => exit::NOT_FOUND,
            BerthError::Usage(_) => exit::USAGE,
            BerthError::Locked(_) => exit::LOCKED,
            BerthError::AdoptionRefused(_) => exit::FAILED,
            BerthError::NoRunningContainer(_) => exit::NO_RUNNING_CONTAINER,
            BerthError::ExecFailed(_) => exit::EXEC_FAILED,
            BerthError::Interrupted => exit::INTERRUPTED,
            BerthError::Terminated => exit::TERMINATED,
            BerthError::Exit(code) => *code,
            BerthError::ClosedPipe => exit::OK,
        }
    }

    /// The stable machine-readable code of the JSON error object.
    pub fn code(&self) -> &'static str {
        match self {
            BerthError::InvalidConfig { .. } => "invalid_config",
            BerthError::NotFound(_) => "not_found",
            BerthError::Usage(_) => "usage",
            BerthError::Locked(_) => "locked",
            BerthError::AdoptionRefused(_) => "adoption_refused",
            BerthError::NoRunningContainer(_) => "no_running_container",
            BerthError::ExecFailed(_) => "exec_failed",
            BerthError::Interrupted => "interrupted",
            BerthError::Terminated => "terminated",
            BerthError::Exit(_) => "exit",
            BerthError::ClosedPipe => "closed_pipe",
        }
    }
}

/// The headline of an invalid config: the workload and how many errors.
fn invalid_config_msg(errors: &[ConfigIssue]) -> Msg {
    let workload = errors.first().map(|e| e.workload.clone()).unwrap_or_default();
    msg!("invalid-config", workload = workload, count = errors.len())
}

/// The text of `err` and its causes (`outer: inner`, as `{err:#}`), each
/// berth error in the language of human output.
pub fn human_chain(err: &anyhow::Error) -> String {
    err.chain()
        .map(|cause| {
            if let Some(b) = cause.downcast_ref::<BerthError>() {
                b.human()
            } else if let Some(m) = cause.downcast_ref::<Msg>() {
                m.localized()
            } else if let Some(c) = cause.downcast_ref::<MsgContext>() {
                c.msg().localized()
            } else if let Some(u) = cause.downcast_ref::<crate::docker::daemons::Unreachable>() {
                u.human()
            } else if let Some(r) = cause.downcast_ref::<RedactedFailure>() {
                r.human()
            } else if let Some(n) = cause.downcast_ref::<crate::deploy::NotReady>() {
                n.human()
            } else if let Some(r) = cause.downcast_ref::<crate::deploy::RolledBack>() {
                r.human()
            } else if let Some(n) = cause.downcast_ref::<crate::proxy::NeverSent>() {
                n.human()
            } else {
                cause.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(": ")
}

/// Exit code and JSON code of any error: a [`BerthError`] anywhere in the
/// chain decides, everything else is "operation failed".
pub fn classify(err: &anyhow::Error) -> (i32, &'static str, Option<&[ConfigIssue]>) {
    for cause in err.chain() {
        if let Some(b) = cause.downcast_ref::<BerthError>() {
            let issues = match b {
                BerthError::InvalidConfig { errors, .. } => Some(errors.as_slice()),
                _ => None,
            };
            return (b.exit_code(), b.code(), issues);
        }
    }
    (exit::FAILED, "failed", None)
}

/// A failure whose raw detail may echo secrets (build output can print
/// build args, compose output can print env values). Its Display is only the
/// generic `reason`, which is what events, webhooks, `deploys.error` and JSON
/// get; the `detail` goes to the caller's stderr alone.
#[derive(Debug, thiserror::Error)]
#[error("{reason}")]
pub struct RedactedFailure {
    pub reason: Msg,
    pub detail: String,
}

impl RedactedFailure {
    /// The generic reason in the language of human output.
    pub fn human(&self) -> String {
        self.reason.localized()
    }
}
