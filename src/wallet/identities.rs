//! The identity table: the emails, URLs and phone numbers badges are issued to.

use chrono::{DateTime, Utc};
use rusqlite::params;
use serde::Serialize;

use super::{Wallet, WalletError, timestamp};

/// The kinds of identity a learner can claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum IdentityKind {
    Email,
    Url,
    Telephone,
}

impl IdentityKind {
    fn as_str(self) -> &'static str {
        match self {
            IdentityKind::Email => "email",
            IdentityKind::Url => "url",
            IdentityKind::Telephone => "telephone",
        }
    }
}

/// One of the learner's identities.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Identity {
    pub kind: IdentityKind,
    pub value: String,
    pub added_at: String,
}

impl Identity {
    /// `email`, `url` or `telephone`.
    pub fn kind_name(&self) -> &'static str {
        self.kind.as_str()
    }

    /// Recognises what kind of identity a string is: an email address, an
    /// http(s) URL, or a telephone number (`tel:` or `+` and digits).
    pub fn classify(value: &str) -> Result<(IdentityKind, String), WalletError> {
        let v = value.trim();
        let bad = |why: &str| WalletError::BadIdentity(format!("{v:?} {why}"));
        if let Some(rest) = v.strip_prefix("tel:").or(v.strip_prefix("+").map(|_| v)) {
            let digits = rest
                .chars()
                .filter(|c| !matches!(c, ' ' | '-' | '(' | ')' | '.'))
                .collect::<String>();
            let body = digits.strip_prefix('+').unwrap_or(&digits);
            if body.len() < 3 || !body.chars().all(|c| c.is_ascii_digit()) {
                return Err(bad("is not a telephone number; write it as +15551234567"));
            }
            return Ok((IdentityKind::Telephone, format!("+{body}")));
        }
        if v.starts_with("http://") || v.starts_with("https://") {
            return url::Url::parse(v)
                .map(|u| (IdentityKind::Url, u.to_string()))
                .map_err(|e| bad(&format!("is not a valid URL ({e})")));
        }
        let email = v.strip_prefix("mailto:").unwrap_or(v);
        match email.split_once('@') {
            Some((local, domain))
                if !local.is_empty()
                    && domain.contains('.')
                    && !email.contains(char::is_whitespace) =>
            {
                Ok((IdentityKind::Email, email.to_owned()))
            }
            _ => Err(bad(
                "is not an email address, http(s) URL or telephone number",
            )),
        }
    }
}
impl Wallet {
    /// Adds an identity; adding one that is there already changes nothing.
    /// Returns the identity as stored.
    pub fn add_identity(
        &mut self,
        value: &str,
        now: DateTime<Utc>,
    ) -> Result<Identity, WalletError> {
        let (kind, value) = Identity::classify(value)?;
        self.conn.execute(
            "INSERT INTO identity (kind, value, added_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (kind, value) DO NOTHING",
            params![kind.as_str(), value, timestamp(now)],
        )?;
        let added_at = self.conn.query_row(
            "SELECT added_at FROM identity WHERE kind = ?1 AND value = ?2",
            params![kind.as_str(), value],
            |r| r.get(0),
        )?;
        Ok(Identity {
            kind,
            value,
            added_at,
        })
    }

    /// Removes an identity; returns whether one was there.
    pub fn remove_identity(&mut self, value: &str) -> Result<bool, WalletError> {
        let (kind, value) = Identity::classify(value)?;
        let n = self.conn.execute(
            "DELETE FROM identity WHERE kind = ?1 AND value = ?2",
            params![kind.as_str(), value],
        )?;
        Ok(n > 0)
    }

    /// The learner's identities, oldest first.
    pub fn identities(&self) -> Result<Vec<Identity>, WalletError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT kind, value, added_at FROM identity ORDER BY id")?;
        let rows = stmt.query_map([], |r| {
            let kind: String = r.get(0)?;
            Ok(Identity {
                kind: match kind.as_str() {
                    "url" => IdentityKind::Url,
                    "telephone" => IdentityKind::Telephone,
                    _ => IdentityKind::Email,
                },
                value: r.get(1)?,
                added_at: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identities_are_recognised_and_normalised() {
        assert_eq!(
            Identity::classify(" Ann@Example.org ").unwrap(),
            (IdentityKind::Email, "Ann@Example.org".to_owned())
        );
        assert_eq!(
            Identity::classify("tel:+1 (555) 123-4567").unwrap(),
            (IdentityKind::Telephone, "+15551234567".to_owned())
        );
        assert_eq!(
            Identity::classify("https://ann.example.org").unwrap().0,
            IdentityKind::Url
        );
        let err = Identity::classify("ann").unwrap_err().to_string();
        assert!(err.contains("\"ann\""), "{err}");
    }
}
