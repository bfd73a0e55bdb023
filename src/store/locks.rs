//! Locks that hold across berth processes: one deploy per workload at a
//! time, and one NPM writer at a time. A lock row names its holder (pid and
//! the process's start time, so a recycled pid is not mistaken for it); a
//! lock left by a dead process is taken over.

use std::path::Path;
use std::time::Duration;

use crate::i18n::Context as _;
use anyhow::Result;
use rusqlite::{Connection, OptionalExtension, params};

use super::{Store, now_rfc3339};
use crate::error::BerthError;

/// Who holds a lock.
#[derive(Debug, Clone)]
pub struct LockHolder {
    pub pid: i64,
    pub since: String,
}

/// Held while alive; released on drop (or by the holder's death).
pub struct LockGuard {
    conn: Connection,
    table: &'static str,
    key_column: &'static str,
    key: rusqlite::types::Value,
    pid: i64,
}

impl Drop for LockGuard {
    fn drop(&mut self) {
        let sql = format!("DELETE FROM {} WHERE {} = ?1 AND pid = ?2", self.table, self.key_column);
        // If this fails the row names a process that is about to exit, and the
        // next deploy takes the lock over.
        let _ = self.conn.execute(&sql, params![self.key, self.pid]);
    }
}

impl Store {
    /// Takes the deploy lock of a workload. Busy: exit 5 naming the holder,
    /// or with `wait`, poll until it is free.
    pub fn lock_deploy(&self, workload_id: i64, workload: &str, wait: bool) -> Result<LockGuard> {
        let key = rusqlite::types::Value::Integer(workload_id);
        self.lock("deploy_locks", "workload_id", key, wait, |holder| {
            crate::msg!(
                "lock-deploy-busy",
                workload = workload,
                pid = holder.pid,
                since = &holder.since
            )
        })
    }

    /// Serialises calls to NPM across berth processes.
    pub fn lock_named(&self, name: &str) -> Result<LockGuard> {
        let key = rusqlite::types::Value::Text(name.to_owned());
        self.lock("named_locks", "name", key, true, |h| {
            crate::msg!("lock-named-busy", name = name, pid = h.pid)
        })
    }

    fn lock(
        &self,
        table: &'static str,
        key_column: &'static str,
        key: rusqlite::types::Value,
        wait: bool,
        busy_message: impl Fn(&LockHolder) -> crate::i18n::Msg,
    ) -> Result<LockGuard> {
        let conn = lock_connection(self.path())?;
        let (pid, start) = current_process();
        loop {
            match try_lock(&conn, table, key_column, &key, pid, start)? {
                None => {
                    return Ok(LockGuard {
                        conn,
                        table,
                        key_column,
                        key,
                        pid,
                    });
                }
                Some(holder) if !wait => {
                    return Err(BerthError::Locked(busy_message(&holder)).into());
                }
                Some(_) => std::thread::sleep(Duration::from_millis(200)),
            }
        }
    }
}

fn lock_connection(path: &Path) -> Result<Connection> {
    let conn = Connection::open(path)
        .with_context_msg(|| crate::msg!("store-unopenable", path = path.display().to_string()))?;
    conn.busy_timeout(Duration::from_secs(30))?;
    Ok(conn)
}

/// None: taken. Some(holder): a live process holds it.
fn try_lock(
    conn: &Connection,
    table: &str,
    key_column: &str,
    key: &rusqlite::types::Value,
    pid: i64,
    start: Option<i64>,
) -> Result<Option<LockHolder>> {
    conn.execute_batch("BEGIN IMMEDIATE")?;
    let result = (|| -> Result<Option<LockHolder>> {
        let holder: Option<(i64, Option<i64>, String)> = conn
            .query_row(
                &format!("SELECT pid, pid_start, acquired_at FROM {table} WHERE {key_column} = ?1"),
                [key],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        if let Some((hpid, hstart, since)) = holder
            && process_alive(hpid, hstart)
        {
            return Ok(Some(LockHolder { pid: hpid, since }));
        }
        conn.execute(
            &format!(
                "INSERT OR REPLACE INTO {table} ({key_column}, pid, pid_start, acquired_at) VALUES (?1, ?2, ?3, ?4)"
            ),
            params![key, pid, start, now_rfc3339()],
        )?;
        Ok(None)
    })();
    match &result {
        Ok(_) => conn.execute_batch("COMMIT")?,
        Err(_) => {
            let _ = conn.execute_batch("ROLLBACK");
        }
    }
    result
}

/// This process: pid and start time (clock ticks since boot).
pub fn current_process() -> (i64, Option<i64>) {
    let pid = i64::from(std::process::id());
    (pid, process_start(pid))
}

/// Whether the process that wrote (pid, start) is still running.
pub fn process_alive(pid: i64, start: Option<i64>) -> bool {
    match (process_start(pid), start) {
        (None, _) => false,
        (Some(now), Some(then)) => now == then,
        (Some(_), None) => true,
    }
}

/// Field 22 of /proc/PID/stat: when the process started. With the pid it
/// names one process for the life of the machine.
fn process_start(pid: i64) -> Option<i64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) may contain spaces and parentheses: split after the last ')'.
    let rest = &stat[stat.rfind(')')? + 1..];
    let state = rest.split_whitespace().next()?;
    if state == "Z" || state == "X" {
        return None;
    }
    rest.split_whitespace().nth(19)?.parse().ok()
}
