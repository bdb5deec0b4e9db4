//! The one error type every command returns.
//!
//! Errors cross IPC as `{code, message}`: `code` is the core's stable
//! [`ErrorCode`] (the UI switches on it), `message` the core's sentence for
//! the learner. This module only adapts; the codes and sentences belong to
//! the core.

use satchel::ErrorCode;
use satchel::import::ErrorBody;
use serde::Serialize;

/// A command's failure, serialized as `{"code": "...", "message": "..."}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{}", .0.message)]
#[serde(transparent)]
pub struct CommandError(pub ErrorBody);

impl CommandError {
    /// An error with a code and a sentence, for failures of the window itself.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        CommandError(ErrorBody {
            code,
            message: message.into(),
        })
    }

    /// The stable code.
    pub fn code(&self) -> ErrorCode {
        self.0.code
    }
}

impl From<satchel::Error> for CommandError {
    fn from(e: satchel::Error) -> Self {
        CommandError(ErrorBody::from(&e))
    }
}

impl From<satchel::wallet::WalletError> for CommandError {
    fn from(e: satchel::wallet::WalletError) -> Self {
        satchel::Error::from(e).into()
    }
}

impl From<satchel::wallet::CollectionError> for CommandError {
    fn from(e: satchel::wallet::CollectionError) -> Self {
        satchel::Error::from(e).into()
    }
}

impl From<satchel::share::ShareError> for CommandError {
    fn from(e: satchel::share::ShareError) -> Self {
        satchel::Error::from(e).into()
    }
}

impl From<satchel::verify::VerifyError> for CommandError {
    fn from(e: satchel::verify::VerifyError) -> Self {
        match e {
            satchel::verify::VerifyError::Wallet(e) => e.into(),
        }
    }
}

impl From<satchel::backpack::BackpackError> for CommandError {
    fn from(e: satchel::backpack::BackpackError) -> Self {
        satchel::Error::from(e).into()
    }
}
