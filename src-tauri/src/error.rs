//! The one error type every command returns.
//!
//! Errors cross IPC as `{code, message}`: `code` is the core's stable
//! [`ErrorCode`] (the UI switches on it), `message` the core's sentence for
//! the learner. This module only adapts; the codes and sentences belong to
//! the core.

use satchel::ErrorCode;
use satchel::outcome::ErrorBody;
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

/// Every core error crosses as its code and its sentence.
macro_rules! from_core {
    ($($error:ty),* $(,)?) => {
        $(impl From<$error> for CommandError {
            fn from(e: $error) -> Self {
                CommandError(ErrorBody::of(&e))
            }
        })*
    };
}

from_core!(
    satchel::Error,
    satchel::backpack::BackpackError,
    satchel::export::ExportError,
    satchel::http::FetchError,
    satchel::intake::IntakeError,
    satchel::ops::OpsError,
    satchel::share::ShareError,
    satchel::verify::VerifyError,
    satchel::wallet::CollectionError,
    satchel::wallet::WalletError,
);
