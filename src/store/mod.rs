//! The SQLite store (DESIGN §6): one file, WAL, versioned migrations.

pub mod deploys;
pub mod locks;
mod meta;
mod migrations;
pub mod settings;
pub mod state;
pub mod webhooks;
pub mod workloads;

use std::fs::{DirBuilder, OpenOptions};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::config::Strategy;
use crate::i18n::{Context as _, Msg};
use anyhow::{Result, bail};
use rusqlite::Connection;
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};

pub use deploys::{DeployRecord, DeployStatus};
pub use locks::LockGuard;
pub use migrations::{SCHEMA_VERSION, migrate_to};
pub use state::RuntimeState;
pub use webhooks::Webhook;
pub use workloads::Workload;

/// How long a writer waits for another berth process's transaction before
/// giving up. Deploy transactions are short; this only has to outlast them.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl Store {
    /// `$XDG_DATA_HOME/berth/berth.db`, or `~/.local/share/berth/berth.db`.
    pub fn default_path() -> Result<PathBuf> {
        let data_home = match std::env::var_os("XDG_DATA_HOME").filter(|v| !v.is_empty()) {
            Some(d) => PathBuf::from(d),
            None => {
                let home = std::env::var_os("HOME")
                    .filter(|v| !v.is_empty())
                    .context_msg(crate::msg!("store-no-home"))?;
                PathBuf::from(home).join(".local/share")
            }
        };
        Ok(data_home.join("berth").join("berth.db"))
    }

    /// Opens (creating when missing, mode 0600) and migrates the store.
    pub fn open(path: &Path) -> Result<Store> {
        let conn = Self::open_connection(path)?;
        migrations::migrate(&conn, path)?;
        Ok(Store {
            conn,
            path: path.to_owned(),
        })
    }

    /// Opens without migrating: for tests that build an older schema by hand.
    pub fn open_connection(path: &Path) -> Result<Connection> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
            && !dir.exists()
        {
            DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(dir)
                .with_context_msg(|| crate::msg!("store-dir-uncreatable", path = dir.display().to_string()))?;
        }
        // Create the file ourselves so it is 0600 from its first byte: it holds
        // env values, which are secrets.
        OpenOptions::new()
            .create(true)
            .append(true)
            .mode(0o600)
            .open(path)
            .with_context_msg(|| crate::msg!("store-unopenable", path = path.display().to_string()))?;
        let conn = Connection::open(path)
            .with_context_msg(|| crate::msg!("store-unopenable", path = path.display().to_string()))?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        let mode: String = conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
            .with_context_msg(|| crate::msg!("store-not-a-store", path = path.display().to_string()))?;
        if !mode.eq_ignore_ascii_case("wal") {
            bail!(crate::msg!(
                "store-no-wal",
                path = path.display().to_string(),
                mode = mode
            ));
        }
        conn.execute_batch("PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;")?;
        Ok(conn)
    }

    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// TEXT columns that hold a type's `as_str` word: `deploys.strategy` and
/// `runtime_state.strategy` ([`Strategy`]), `deploys.status`
/// ([`DeployStatus`]). A word the type does not know (a store edited by
/// hand) fails the read with the type's own `FromStr` message, which the
/// caller's "could not read ..." context wraps; it never panics.
macro_rules! text_columns {
    ($($t:ty),+) => {$(
        impl ToSql for $t {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                Ok(ToSqlOutput::from(self.as_str()))
            }
        }

        impl FromSql for $t {
            fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
                value
                    .as_str()?
                    .parse()
                    .map_err(|e: Msg| FromSqlError::Other(Box::new(e)))
            }
        }
    )+};
}

text_columns!(Strategy, DeployStatus);

/// Now, as RFC 3339 UTC with milliseconds: sortable as text.
pub fn now_rfc3339() -> String {
    format_ts(time::OffsetDateTime::now_utc())
}

/// A time as the store writes it: `2026-11-27T08:16:09.656Z`.
pub fn format_ts(t: time::OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    let fmt = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");
    t.format(&fmt).unwrap_or_else(|_| t.unix_timestamp().to_string())
}
