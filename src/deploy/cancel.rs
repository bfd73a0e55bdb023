//! Ctrl-C and SIGTERM during a deploy. The first signal asks the deploy to
//! stop at its next safe point: before the state persist it removes the new
//! container and leaves (or brings back) blue; after it, the deploy
//! completes. A second signal exits at once; the next run's reconcile
//! repairs.

use std::sync::Arc;
use std::sync::atomic::{AtomicI32, Ordering};

use tokio::sync::Notify;

use crate::error::{BerthError, exit};

#[derive(Default)]
pub struct Cancel {
    /// 0, or the exit code the signal asks for (130 SIGINT, 143 SIGTERM).
    code: AtomicI32,
    notify: Notify,
}

impl Cancel {
    pub fn new() -> Arc<Cancel> {
        Arc::new(Cancel::default())
    }

    /// Records a signal; returns true when it is the second one.
    pub fn trigger(&self, code: i32) -> bool {
        let first = self
            .code
            .compare_exchange(0, code, Ordering::SeqCst, Ordering::SeqCst)
            .is_ok();
        self.notify.notify_waiters();
        !first
    }

    /// The error for the signal received, if any.
    pub fn error(&self) -> Option<BerthError> {
        match self.code.load(Ordering::SeqCst) {
            0 => None,
            exit::TERMINATED => Some(BerthError::Terminated),
            _ => Some(BerthError::Interrupted),
        }
    }

    /// Resolves when a signal arrives (at once if one already did).
    pub async fn cancelled(&self) -> BerthError {
        loop {
            let notified = self.notify.notified();
            if let Some(e) = self.error() {
                return e;
            }
            notified.await;
        }
    }

    /// Listens for SIGINT and SIGTERM for the life of the process.
    pub fn listen(self: &Arc<Self>) {
        let cancel = Arc::clone(self);
        tokio::spawn(async move {
            use tokio::signal::unix::{SignalKind, signal};
            let (Ok(mut int), Ok(mut term)) = (signal(SignalKind::interrupt()), signal(SignalKind::terminate())) else {
                return;
            };
            loop {
                let code = tokio::select! {
                    _ = int.recv() => exit::INTERRUPTED,
                    _ = term.recv() => exit::TERMINATED,
                };
                if cancel.trigger(code) {
                    eprintln!("berth: {}", crate::t!("signal-second"));
                    std::process::exit(code);
                }
                eprintln!("berth: {}", crate::t!("signal-first"));
            }
        });
    }
}

/// Whether an error is a signal's, not a failure's.
pub fn is_interrupt(err: &anyhow::Error) -> bool {
    err.chain().any(|c| {
        matches!(
            c.downcast_ref::<BerthError>(),
            Some(BerthError::Interrupted | BerthError::Terminated)
        )
    })
}
