//! Why something handed to Satchel could not be taken in.

use std::path::PathBuf;

use crate::bake::BakeError;
use crate::credential::CredentialError;
use crate::files::FileError;
use crate::http::FetchError;
use crate::outcome::{Coded, ErrorCode};
use crate::verify::VerifyError;
use crate::wallet::{CollectionError, WalletError};

use super::mozilla::DisplayerError;

/// Why an input, or one item of it, did not come in.
#[derive(Debug, thiserror::Error)]
pub enum IntakeError {
    #[error(transparent)]
    File(#[from] FileError),
    #[error(transparent)]
    Bake(#[from] BakeError),
    #[error(transparent)]
    Credential(#[from] CredentialError),
    #[error(transparent)]
    Fetch(#[from] FetchError),
    #[error(transparent)]
    Wallet(#[from] WalletError),
    #[error(transparent)]
    Collection(#[from] CollectionError),
    #[error(transparent)]
    Verify(#[from] VerifyError),
    #[error(transparent)]
    Displayer(#[from] DisplayerError),
    #[error(
        "{name} is not {kind} image (it starts with {opening}); download the badge again from the issuer, or, if it is a badge's JSON or JWS text, name it .json or .jws"
    )]
    NotAnImage {
        name: String,
        kind: &'static str,
        opening: String,
    },
    #[error("unrecognised file")]
    Unrecognised,
    #[error(
        "the issuer's address {url} answered with something that is not a badge ({source}); the badge is kept with its address and image, and `satchel refresh` tries again once the issuer serves it"
    )]
    NotABadge {
        url: String,
        source: CredentialError,
    },
    #[error("{url} did not answer with valid JSON ({reason})")]
    NotJson { url: String, reason: String },
    #[error("{label} is a ZIP inside a ZIP; unpack the outer one and import the inner archive")]
    NestedZip { label: String },
    #[error("{} is not a readable Satchel export: {message}", path.display())]
    BadExport { path: PathBuf, message: String },
    #[error(
        "{} was written by a newer Satchel (export format {found}, this one reads up to {known}); update Satchel to import it",
        path.display()
    )]
    ExportTooNew {
        path: PathBuf,
        found: u32,
        known: u32,
    },
    #[error(
        "{} is a link to a folder; Satchel does not follow links inside a folder (one can lead back up the tree), so import the folder it points to by itself",
        path.display()
    )]
    LinkedFolder { path: PathBuf },
    #[error("{name} is not there")]
    Missing { name: String },
    #[error(
        "groups.json lists the group \"{group}\" (id {id}), but group/{id}.json is not beside it"
    )]
    GroupFileMissing { group: String, id: String },
}

impl Coded for IntakeError {
    fn code(&self) -> ErrorCode {
        match self {
            IntakeError::File(e) => e.code(),
            IntakeError::Bake(e) => e.code(),
            IntakeError::Credential(e) | IntakeError::NotABadge { source: e, .. } => e.code(),
            IntakeError::Fetch(e) => e.code(),
            IntakeError::Wallet(e) => e.code(),
            IntakeError::Collection(e) => e.code(),
            IntakeError::Verify(e) => e.code(),
            IntakeError::Displayer(e) => e.code(),
            IntakeError::NotAnImage { .. } => ErrorCode::MalformedImage,
            IntakeError::Unrecognised
            | IntakeError::NestedZip { .. }
            | IntakeError::LinkedFolder { .. }
            | IntakeError::ExportTooNew { .. } => ErrorCode::Unsupported,
            IntakeError::NotJson { .. } | IntakeError::BadExport { .. } => {
                ErrorCode::MalformedCredential
            }
            IntakeError::Missing { .. } | IntakeError::GroupFileMissing { .. } => {
                ErrorCode::NotFound
            }
        }
    }

    fn advice(&self) -> Option<&'static str> {
        match self {
            IntakeError::File(e) => e.advice(),
            _ => self.code().advice(),
        }
    }
}
