//! `meta`: facts about the store itself, written by migrations.

use crate::i18n::Context as _;
use anyhow::Result;

use super::Store;

impl Store {
    /// This store's id: 16 hex characters generated once, when the store was
    /// created (or upgraded to schema 4), and never changed. Every container
    /// this store creates carries it in the `berth.store` label.
    ///
    /// Errors: the store cannot be read, or the row is missing (a damaged store).
    pub fn store_id(&self) -> Result<String> {
        self.conn()
            .query_row("SELECT value FROM meta WHERE key = 'store_id'", [], |r| r.get(0))
            .with_context_msg(|| crate::msg!("store-id-unreadable", path = self.path().display().to_string()))
    }
}
