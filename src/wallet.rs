//! The SQLite wallet.
use crate::ErrorCode;

/// Why the wallet could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum WalletError {
    #[error("wallet database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
}

impl WalletError {
    /// The stable code of this error.
    pub fn code(&self) -> ErrorCode {
        ErrorCode::Wallet
    }
}
