//! `settings`: small key/value configuration (never passwords or tokens).

use anyhow::{Context, Result};
use rusqlite::{OptionalExtension, params};

use super::Store;

impl Store {
    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        self.conn()
            .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| r.get(0))
            .optional()
            .with_context(|| format!("could not read setting `{key}`"))
    }

    pub fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        self.conn()
            .execute(
                "INSERT INTO settings (key, value) VALUES (?1, ?2)
                 ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                params![key, value],
            )
            .with_context(|| format!("could not save setting `{key}`"))?;
        Ok(())
    }
}
