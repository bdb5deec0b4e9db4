//! The few steps both faces of Satchel (the `satchel` CLI and the window)
//! would otherwise each spell out: how a backpack session is set up and
//! signed in to (and where a sign-in is kept when no keyring runs), what a push selects, "no ids means every badge", the
//! sentence for an identity that is not there, and a pull brought in
//! through [`crate::intake`]. CLI handlers and window commands are each a
//! few lines over these and the modules below.

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::backpack::{
    self, BackpackError, BackpackKind, Browser, Context, Secrets, Selection, SignIn,
};
use crate::http::Fetcher;
use crate::intake;
use crate::outcome::{Coded, ErrorCode, ImportResult, Progress};
use crate::verify::{self, CheckRecord, VerifyError, VerifyOptions};
use crate::wallet::{Wallet, WalletError};

/// How long a browser sign-in may take before Satchel gives up.
pub const BROWSER_WAIT: Duration = Duration::from_secs(300);

/// Why one of these steps could not be done.
#[derive(Debug, thiserror::Error)]
pub enum OpsError {
    #[error(transparent)]
    Wallet(#[from] WalletError),
    #[error(transparent)]
    Verify(#[from] VerifyError),
    #[error(transparent)]
    Backpack(#[from] BackpackError),
    #[error("{0} is not one of your identities; the identities list shows the ones you have")]
    NoSuchIdentity(String),
    #[error("say what to push: badge ids, a collection, or every badge")]
    NothingSelected,
}

impl Coded for OpsError {
    fn code(&self) -> ErrorCode {
        match self {
            OpsError::Wallet(e) => e.code(),
            OpsError::Verify(e) => e.code(),
            OpsError::Backpack(e) => e.code(),
            OpsError::NoSuchIdentity(_) => ErrorCode::NotFound,
            OpsError::NothingSelected => ErrorCode::InvalidInput,
        }
    }
}

/// What a backpack session needs: the HTTP client, the secret store, and now.
pub fn context<'a>(fetcher: &'a Fetcher, secrets: &'a Secrets, now: DateTime<Utc>) -> Context<'a> {
    Context {
        fetcher,
        secrets,
        now,
    }
}

/// Where a new sign-in is kept: the desktop's keyring, or, when none is
/// running, this session's memory ([`Secrets::session`]) together with the
/// [`BackpackError::NoKeyring`] that says why. Commands that only use a
/// stored sign-in open [`Secrets::system`] instead and report that error.
pub fn keyring_or_session() -> (Secrets, Option<BackpackError>) {
    match Secrets::system() {
        Ok(secrets) => (secrets, None),
        Err(why) => (Secrets::session(), Some(why)),
    }
}

/// How to sign in to a backpack of `kind`: Badgr with a username and
/// password when they were given (as the OAuth client `client_id`, Badgr's
/// `public` one when none is named), else the system browser (Badge
/// Connect, OB 3.0), given up after [`BROWSER_WAIT`].
pub fn sign_in<'a>(
    kind: BackpackKind,
    password: Option<(&'a str, &'a str)>,
    client_id: Option<&'a str>,
    browser: &'a dyn Browser,
) -> SignIn<'a> {
    match password {
        Some((username, password)) if kind == BackpackKind::Badgr => SignIn::Password {
            username,
            password,
            client_id,
        },
        _ => SignIn::Browser {
            browser,
            wait: BROWSER_WAIT,
        },
    }
}

/// What a push sends: a collection when one is named, else the badge ids
/// given, else every badge when `all` is set; nothing named is refused.
pub fn selection(ids: &[i64], collection: Option<&str>, all: bool) -> Result<Selection, OpsError> {
    match (collection, ids.is_empty(), all) {
        (Some(c), _, _) => Ok(Selection::Collection(c.to_owned())),
        (None, false, _) => Ok(Selection::Ids(ids.to_vec())),
        (None, true, true) => Ok(Selection::All),
        (None, true, false) => Err(OpsError::NothingSelected),
    }
}

/// The badges named, or every badge in the wallet when none are.
pub fn badges_or_all(wallet: &Wallet, ids: Option<Vec<i64>>) -> Result<Vec<i64>, WalletError> {
    match ids {
        Some(ids) => Ok(ids),
        None => wallet.badge_ids(),
    }
}

/// Checks the badges named (every badge when none are) against their issuers.
pub async fn verify(
    wallet: &mut Wallet,
    fetcher: &Fetcher,
    ids: Option<Vec<i64>>,
    now: DateTime<Utc>,
    progress: &mut dyn FnMut(Progress),
) -> Result<Vec<CheckRecord>, OpsError> {
    let ids = badges_or_all(wallet, ids)?;
    let options = VerifyOptions::default();
    Ok(verify::verify_badges(wallet, fetcher, &ids, now, options, progress).await?)
}

/// Removes one of the learner's identities, saying so when it is not there.
pub fn remove_identity(wallet: &mut Wallet, value: &str) -> Result<(), OpsError> {
    match wallet.remove_identity(value)? {
        true => Ok(()),
        false => Err(OpsError::NoSuchIdentity(value.to_owned())),
    }
}

/// Brings every badge a backpack holds into the wallet through the normal
/// import path (de-duplicated, checked like any import), and remembers that
/// the backpack holds them so they are not pushed back. A listing cut off
/// part-way keeps what the pages read gave and ends with one error result.
pub async fn pull(
    wallet: &mut Wallet,
    ctx: &Context<'_>,
    name: &str,
) -> Result<Vec<ImportResult>, BackpackError> {
    let mut listed = backpack::list_held(wallet, ctx, name).await?;
    let items = std::mem::take(&mut listed.items);
    let mut results = Vec::with_capacity(items.len() + 1);
    for (label, item) in items {
        let bytes = item.text.into_bytes();
        let result = intake::import_bytes(wallet, ctx.fetcher, label, bytes, ctx.now).await;
        if let Some(id) = result.badge_id {
            listed.remember(wallet, id, item.remote_id, ctx.now)?;
        }
        results.push(result);
    }
    if let Some(e) = &listed.stopped {
        let label = format!("{name}: the badges after the first {}", results.len());
        results.push(ImportResult::failed(label, e));
    }
    Ok(results)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_push_selects_a_collection_first_then_ids_then_all() {
        let c = selection(&[1], Some("Work"), true).unwrap();
        assert!(matches!(c, Selection::Collection(n) if n == "Work"));
        assert!(
            matches!(selection(&[1, 2], None, true).unwrap(), Selection::Ids(v) if v == [1, 2])
        );
        assert!(matches!(
            selection(&[], None, true).unwrap(),
            Selection::All
        ));
        let none = selection(&[], None, false).unwrap_err();
        assert_eq!(none.code(), ErrorCode::InvalidInput);
    }

    #[test]
    fn no_ids_means_every_badge_and_a_missing_identity_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let mut wallet = Wallet::open(&dir.path().join("w.db")).unwrap();
        assert_eq!(badges_or_all(&wallet, None).unwrap(), Vec::<i64>::new());
        assert_eq!(badges_or_all(&wallet, Some(vec![7])).unwrap(), vec![7]);
        let e = remove_identity(&mut wallet, "ann@example.org").unwrap_err();
        assert_eq!(e.code(), ErrorCode::NotFound);
        assert!(
            e.to_string()
                .starts_with("ann@example.org is not one of your identities")
        );
    }
}
