//! The one error type for callers that cross module lines (the CLI, the
//! window): it only wraps the modules' own typed errors, and nothing in the
//! core returns it.

use crate::outcome::{Coded, ErrorCode};

/// Any error of the core, wrapped.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Bake(#[from] crate::bake::BakeError),
    #[error(transparent)]
    Credential(#[from] crate::credential::CredentialError),
    #[error(transparent)]
    Fetch(#[from] crate::http::FetchError),
    #[error(transparent)]
    File(#[from] crate::files::FileError),
    #[error(transparent)]
    Wallet(#[from] crate::wallet::WalletError),
    #[error(transparent)]
    Collection(#[from] crate::wallet::CollectionError),
    #[error(transparent)]
    Verify(#[from] crate::verify::VerifyError),
    #[error(transparent)]
    Share(#[from] crate::share::ShareError),
    #[error(transparent)]
    Export(#[from] crate::export::ExportError),
    #[error(transparent)]
    Backpack(#[from] crate::backpack::BackpackError),
    #[error(transparent)]
    Intake(#[from] crate::intake::IntakeError),
    #[error(transparent)]
    Ops(#[from] crate::ops::OpsError),
}

impl Coded for Error {
    fn code(&self) -> ErrorCode {
        match self {
            Error::Bake(e) => e.code(),
            Error::Credential(e) => e.code(),
            Error::Fetch(e) => e.code(),
            Error::File(e) => e.code(),
            Error::Wallet(e) => e.code(),
            Error::Collection(e) => e.code(),
            Error::Verify(e) => e.code(),
            Error::Share(e) => e.code(),
            Error::Export(e) => e.code(),
            Error::Backpack(e) => e.code(),
            Error::Intake(e) => e.code(),
            Error::Ops(e) => e.code(),
        }
    }
}
