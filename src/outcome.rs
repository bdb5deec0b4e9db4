//! What every report is made of: stable error codes, the per-item result,
//! progress, and the one advice table.
//!
//! This module depends on nothing else in the crate, so every other module
//! (intake, verify, backpack, export, the CLI and the window) can speak the
//! same words without depending on each other. Each module keeps its own
//! typed error and says which [`ErrorCode`] it carries through [`Coded`].

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
    /// Every code, in the order of the enum (the README's list and the
    /// window's switch are checked against it).
    pub const ALL: [ErrorCode; 13] = [
        ErrorCode::NotBaked,
        ErrorCode::MalformedImage,
        ErrorCode::MalformedCredential,
        ErrorCode::TooLarge,
        ErrorCode::Unsupported,
        ErrorCode::Unreachable,
        ErrorCode::Duplicate,
        ErrorCode::Io,
        ErrorCode::Wallet,
        ErrorCode::NotFound,
        ErrorCode::InvalidInput,
        ErrorCode::AuthRequired,
        ErrorCode::Refused,
    ];

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

    /// What a learner can do about an item that failed with this code, for
    /// the codes whose sentences only say what is wrong. One table for
    /// every report: import, migration, restore and pull.
    pub fn advice(self) -> Option<&'static str> {
        Some(match self {
            ErrorCode::NotBaked => {
                "import the badge file the issuer sent you (or ask them for it), not a picture or screenshot of it"
            }
            ErrorCode::MalformedImage => {
                "the file is damaged, cut short or not what its name says; download it again from the issuer, or import another copy"
            }
            ErrorCode::Unsupported => {
                "Satchel reads badges baked into PNG or SVG images, or given as JSON, JWS or a hosted URL; ask the issuer for one of those"
            }
            ErrorCode::TooLarge => {
                "it is far larger than any badge, so it is most likely not a badge; check that you picked the badge itself"
            }
            ErrorCode::MalformedCredential => {
                "check that this file is the badge itself; the issuer can send it again as a baked image or as its JSON"
            }
            ErrorCode::Io => "check the name and path, and that you may read the file",
            ErrorCode::Unreachable => {
                "the issuer could not be reached; the badge can be tried again later"
            }
            _ => return None,
        })
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error that carries a stable code: every module's typed error is one.
pub trait Coded: std::fmt::Display {
    /// The stable code of this error.
    fn code(&self) -> ErrorCode;

    /// What a learner can do about it: the code's general advice, unless the
    /// error knows something more fitting.
    fn advice(&self) -> Option<&'static str> {
        self.code().advice()
    }
}

/// A code and a sentence, as errors cross to the CLI's JSON and the window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ErrorBody {
    pub code: ErrorCode,
    pub message: String,
}

impl ErrorBody {
    /// The body of any coded error: its code and its sentence.
    pub fn of(e: &(impl Coded + ?Sized)) -> Self {
        ErrorBody {
            code: e.code(),
            message: e.to_string(),
        }
    }
}

/// What happened to one input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportStatus {
    Imported,
    Duplicate,
    Error,
}

/// The outcome for one input: a file, an archive entry, a URL, pasted
/// text, a restored badge or a pulled one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportResult {
    /// The file, `archive.zip!/entry`, or `pasted`.
    pub path: String,
    pub status: ImportStatus,
    pub badge_id: Option<i64>,
    pub error: Option<ErrorBody>,
    /// Set when the badge was kept but its issuer could not be reached yet.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub awaiting_details: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// For a badge kept beside another with the same id (or hosted URL) but
    /// other content: that badge, which a warning names too.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub same_id_as: Option<i64>,
    /// For an error: what the learner can do, which also ends the error's
    /// message (kept apart for reports that show it on its own line).
    #[serde(skip)]
    pub advice: Option<&'static str>,
}

impl ImportResult {
    /// A badge that came in (`Imported`) or was there already (`Duplicate`).
    pub fn stored(path: String, status: ImportStatus, badge_id: i64) -> Self {
        ImportResult {
            path,
            status,
            badge_id: Some(badge_id),
            error: None,
            awaiting_details: None,
            warnings: Vec::new(),
            same_id_as: None,
            advice: None,
        }
    }

    /// When this imported badge was kept beside badge `other`, which has the
    /// same id but other content: says so in a warning, and names it.
    pub fn with_same_id_as(mut self, other: Option<i64>) -> Self {
        let Some(other) = other else {
            return self;
        };
        self.warnings.push(format!(
            "it has the same id as badge {other} but different content, so both are kept: \
             the issuer may have issued it again, or one of the two copies was altered"
        ));
        self.same_id_as = Some(other);
        self
    }

    /// A badge already in the wallet: a duplicate result whose sentence says so.
    pub fn duplicate(path: String, badge_id: i64) -> Self {
        let message =
            format!("{path} is already in the wallet as badge {badge_id}; nothing was changed");
        ImportResult {
            error: Some(ErrorBody {
                code: ErrorCode::Duplicate,
                message,
            }),
            ..ImportResult::stored(path, ImportStatus::Duplicate, badge_id)
        }
    }

    /// An error result whose sentence names the item and ends with what to
    /// do (the error's own advice, else the advice table's).
    pub fn failed(path: String, error: &(impl Coded + ?Sized)) -> Self {
        let code = error.code();
        let mut message = error.to_string();
        if !message.contains(&path) {
            message = format!("{path}: {message}");
        }
        let advice = error.advice();
        if let Some(advice) = advice {
            message = format!("{message}; {advice}");
        }
        ImportResult {
            error: Some(ErrorBody { code, message }),
            path,
            status: ImportStatus::Error,
            badge_id: None,
            awaiting_details: None,
            warnings: Vec::new(),
            same_id_as: None,
            advice,
        }
    }

    /// The error's sentence without the advice that ends it.
    pub fn error_without_advice(&self) -> Option<&str> {
        let message = self.error.as_ref()?.message.as_str();
        Some(match self.advice {
            Some(advice) => message
                .strip_suffix(advice)
                .and_then(|m| m.strip_suffix("; "))
                .unwrap_or(message),
            None => message,
        })
    }
}

/// Progress of a batch, reported after each item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Progress {
    pub done: usize,
    pub total: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Plain(ErrorCode, &'static str);

    impl std::fmt::Display for Plain {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(self.1)
        }
    }

    impl Coded for Plain {
        fn code(&self) -> ErrorCode {
            self.0
        }
    }

    #[test]
    fn a_failure_names_its_item_once_and_ends_with_the_advice() {
        let r = ImportResult::failed("a.png".into(), &Plain(ErrorCode::NotBaked, "no data"));
        let message = &r.error.as_ref().unwrap().message;
        assert!(message.starts_with("a.png: no data; import the badge file"));
        assert_eq!(r.error_without_advice(), Some("a.png: no data"));
        let named = ImportResult::failed("a.png".into(), &Plain(ErrorCode::Wallet, "a.png is x"));
        assert_eq!(named.error.unwrap().message, "a.png is x");
        assert_eq!(named.advice, None);
    }

    #[test]
    fn codes_are_listed_once_each_with_distinct_names() {
        let mut names: Vec<&str> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
        for (code, name) in ErrorCode::ALL.iter().zip(&names) {
            let json = serde_json::to_string(code).unwrap();
            assert_eq!(json, format!("\"{name}\""));
        }
        names.sort();
        names.dedup();
        assert_eq!(names.len(), ErrorCode::ALL.len());
    }
}
