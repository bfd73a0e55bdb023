//! `settings`: small key/value configuration (never passwords or tokens).

use crate::i18n::Context as _;
use anyhow::Result;
use rusqlite::{OptionalExtension, params};

use super::Store;

impl Store {
    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        self.conn()
            .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| r.get(0))
            .optional()
            .with_context_msg(|| crate::msg!("store-setting-unreadable", key = key))
    }

    pub fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        self.conn()
            .execute(
                "INSERT INTO settings (key, value) VALUES (?1, ?2)
                 ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                params![key, value],
            )
            .with_context_msg(|| crate::msg!("store-setting-unsaved", key = key))?;
        Ok(())
    }
}
