//! The one HTTP client for every remote document.
use crate::ErrorCode;

/// Why a remote document could not be fetched.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    #[error("could not reach {url}: {reason}")]
    Unreachable { url: String, reason: String },
}

impl FetchError {
    /// The stable code of this error.
    pub fn code(&self) -> ErrorCode {
        ErrorCode::Unreachable
    }
}
