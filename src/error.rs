//! Stable error codes shared by the CLI and the window.
//!
//! Each module has its own typed error; this module gives every one of them a
//! machine-readable [`ErrorCode`] (the UI switches on the code, never on text)
//! and gathers them in [`Error`] for callers that cross module lines.

use serde::Serialize;

/// A stable, machine-readable error code. The string forms are part of the
/// CLI's `--json` output and the window's `{code, message}` errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The image carries no Open Badges data.
    NotBaked,
    /// The file is not a readable PNG or SVG.
    MalformedImage,
    /// The credential text cannot be understood.
    MalformedCredential,
    /// A size, depth or count limit was exceeded.
    TooLarge,
    /// A recognised but unsupported format or feature.
    Unsupported,
    /// A remote document could not be fetched.
    Unreachable,
    /// The badge is already in the wallet.
    Duplicate,
    /// The wallet or a file could not be read or written.
    Io,
    /// The wallet database is damaged, foreign or too new.
    Wallet,
    /// Something the learner asked for does not exist.
    NotFound,
    /// The learner's request itself is not valid.
    InvalidInput,
    /// A backpack needs the learner to sign in (again).
    AuthRequired,
    /// A backpack refused what was sent; the message says what to do.
    Refused,
}

impl ErrorCode {
    /// The code as it appears in JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::NotBaked => "not_baked",
            ErrorCode::MalformedImage => "malformed_image",
            ErrorCode::MalformedCredential => "malformed_credential",
            ErrorCode::TooLarge => "too_large",
            ErrorCode::Unsupported => "unsupported",
            ErrorCode::Unreachable => "unreachable",
            ErrorCode::Duplicate => "duplicate",
            ErrorCode::Io => "io",
            ErrorCode::Wallet => "wallet",
            ErrorCode::NotFound => "not_found",
            ErrorCode::InvalidInput => "invalid_input",
            ErrorCode::AuthRequired => "auth_required",
            ErrorCode::Refused => "refused",
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Any error the core returns across module lines.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Bake(#[from] crate::bake::BakeError),
    #[error(transparent)]
    Credential(#[from] crate::credential::CredentialError),
    #[error(transparent)]
    Fetch(#[from] crate::http::FetchError),
    #[error(transparent)]
    Wallet(#[from] crate::wallet::WalletError),
    #[error(transparent)]
    Collection(#[from] crate::wallet::CollectionError),
    #[error(transparent)]
    Share(#[from] crate::share::ShareError),
    #[error(transparent)]
    Export(#[from] crate::export::ExportError),
    #[error(transparent)]
    Backpack(#[from] crate::backpack::BackpackError),
    #[error("{message}")]
    Other { code: ErrorCode, message: String },
}

impl Error {
    /// An error with a code and a sentence, for cases no module error covers.
    pub fn other(code: ErrorCode, message: impl Into<String>) -> Self {
        Error::Other {
            code,
            message: message.into(),
        }
    }

    /// The stable code of this error.
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Bake(e) => e.code(),
            Error::Credential(e) => e.code(),
            Error::Fetch(e) => e.code(),
            Error::Wallet(e) => e.code(),
            Error::Collection(e) => e.code(),
            Error::Share(e) => e.code(),
            Error::Export(e) => e.code(),
            Error::Backpack(e) => e.code(),
            Error::Other { code, .. } => *code,
        }
    }
}
