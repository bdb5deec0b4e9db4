//! The one error type every command returns.
//!
//! Errors cross IPC as `{code, message}`: `code` is the core's stable
//! [`ErrorCode`] (the UI switches on it), `message` the core's sentence for
//! the learner, and, when there is more to read, `details`: the words behind
//! the sentence (a backpack's answer, the keyring's raw error), which the
//! window shows collapsed. This module only adapts; the codes and sentences
//! belong to the core.

use satchel::ErrorCode;
use satchel::outcome::ErrorBody;
use serde::Serialize;

/// A command's failure, serialized as `{"code": "...", "message": "..."}`
/// and `"details"` when there are any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{}", .body.message)]
pub struct CommandError {
    #[serde(flatten)]
    pub body: ErrorBody,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<String>,
}

impl CommandError {
    /// An error with a code and a sentence, for failures of the window itself.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        CommandError {
            body: ErrorBody {
                code,
                message: message.into(),
            },
            details: None,
        }
    }

    /// The stable code.
    pub fn code(&self) -> ErrorCode {
        self.body.code
    }
}

/// A backpack's failure keeps its evidence as the details.
impl From<satchel::backpack::BackpackError> for CommandError {
    fn from(e: satchel::backpack::BackpackError) -> Self {
        CommandError {
            body: ErrorBody::of(&e),
            details: e.evidence().map(str::to_owned),
        }
    }
}

/// Every core error crosses as its code and its sentence.
macro_rules! from_core {
    ($($error:ty),* $(,)?) => {
        $(impl From<$error> for CommandError {
            fn from(e: $error) -> Self {
                CommandError {
                    body: ErrorBody::of(&e),
                    details: None,
                }
            }
        })*
    };
}

from_core!(
    satchel::Error,
    satchel::export::ExportError,
    satchel::http::FetchError,
    satchel::intake::IntakeError,
    satchel::ops::OpsError,
    satchel::share::ShareError,
    satchel::verify::VerifyError,
    satchel::wallet::CollectionError,
    satchel::wallet::WalletError,
);
