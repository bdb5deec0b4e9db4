//! Where backpack tokens live: the OS keyring, never the wallet.
//!
//! [`Secrets`] wraps one `keyring-core` credential store. On a desktop it is
//! the Secret Service (GNOME Keyring, KWallet), which keeps secrets across
//! reboots; tests hand in the in-memory mock store instead. Each backpack's
//! access token, refresh token and client secret are kept together as one
//! JSON secret under a random entry name that the wallet remembers.
//!
//! A desktop with no Secret Service gets a session-only store instead
//! ([`Secrets::session`]): a map in memory that lives as long as the
//! process (the window, or one CLI command) and is never written anywhere.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use keyring_core::CredentialStore;
use serde::{Deserialize, Serialize};

use super::BackpackError;

/// The keyring service name every Satchel entry is filed under.
pub const SERVICE: &str = "Satchel backpack sign-in";

/// What the learner is told when a sign-in is kept in a session-only store.
pub const SESSION_ONLY: &str = "no keyring is running on this desktop, so this sign-in is kept in memory only while Satchel runs and is never written anywhere; you will be asked for it again next time (install or unlock GNOME Keyring or KWallet, with its Secret Service, to keep it)";

/// The secrets of one backpack sign-in. `Debug` never shows them.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tokens {
    pub access_token: String,
    pub refresh_token: Option<String>,
    /// When the access token stops working, in Unix seconds.
    pub expires_at: Option<i64>,
    /// The client secret a dynamic registration gave Satchel.
    pub client_secret: Option<String>,
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokens")
            .field("expires_at", &self.expires_at)
            .field("has_refresh_token", &self.refresh_token.is_some())
            .finish_non_exhaustive()
    }
}

/// A secret store for backpack tokens.
#[derive(Clone)]
pub struct Secrets {
    store: Store,
}

/// Where the secrets go.
#[derive(Clone)]
enum Store {
    /// A `keyring-core` store: the Secret Service, or a test's mock.
    Keyring(Arc<CredentialStore>),
    /// This session's memory only, by entry name; clones share it.
    Session(Arc<Mutex<HashMap<String, String>>>),
}

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let store = match &self.store {
            Store::Keyring(store) => store.vendor(),
            Store::Session(_) => "this session's memory".to_owned(),
        };
        f.debug_struct("Secrets").field("store", &store).finish()
    }
}

impl Secrets {
    /// The desktop's Secret Service keyring (GNOME Keyring, KWallet, …).
    /// A desktop where none answers on the session bus gets
    /// [`BackpackError::NoKeyring`], with the bus's own words as evidence.
    pub fn system() -> Result<Self, BackpackError> {
        let store = zbus_secret_service_keyring_store::Store::new().map_err(|e| {
            BackpackError::NoKeyring {
                reason: e.to_string(),
            }
        })?;
        Ok(Secrets::with_store(store))
    }

    /// A store that keeps sign-ins in this process's memory only, for a
    /// desktop without a keyring: nothing is written anywhere, and every
    /// sign-in is gone when the process ends.
    pub fn session() -> Self {
        Secrets {
            store: Store::Session(Arc::default()),
        }
    }

    /// Whether sign-ins kept here last only as long as this process.
    pub fn is_session_only(&self) -> bool {
        matches!(self.store, Store::Session(_))
    }

    /// An in-memory store that forgets everything when dropped, for tests.
    pub fn mock() -> Self {
        let store = keyring_core::mock::Store::new().expect("the mock store always starts");
        Secrets::with_store(store)
    }

    /// Any `keyring-core` store.
    pub fn with_store(store: Arc<CredentialStore>) -> Self {
        Secrets {
            store: Store::Keyring(store),
        }
    }

    /// A fresh, random entry name for a new sign-in.
    pub fn new_key() -> Result<String, BackpackError> {
        let mut bytes = [0u8; 16];
        getrandom::fill(&mut bytes).map_err(|e| BackpackError::Keyring {
            action: "name a new entry",
            reason: e.to_string(),
        })?;
        Ok(hex::encode(bytes))
    }

    fn entry(
        store: &Arc<CredentialStore>,
        key: &str,
    ) -> Result<keyring_core::Entry, BackpackError> {
        store
            .build(SERVICE, key, None)
            .map_err(|e| keyring_error("open an entry", e))
    }

    /// This session's map; a panic elsewhere leaves it usable.
    fn memory(map: &Mutex<HashMap<String, String>>) -> MutexGuard<'_, HashMap<String, String>> {
        map.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Stores the tokens of one sign-in, replacing earlier ones.
    pub fn save(&self, key: &str, tokens: &Tokens) -> Result<(), BackpackError> {
        let text = serde_json::to_string(tokens).expect("tokens always serialize");
        match &self.store {
            Store::Keyring(store) => Secrets::entry(store, key)?
                .set_password(&text)
                .map_err(|e| keyring_error("store the sign-in", e)),
            Store::Session(map) => {
                Secrets::memory(map).insert(key.to_owned(), text);
                Ok(())
            }
        }
    }

    /// The tokens stored under `key`, if any.
    pub fn load(&self, key: &str) -> Result<Option<Tokens>, BackpackError> {
        let text = match &self.store {
            Store::Keyring(store) => match Secrets::entry(store, key)?.get_password() {
                Ok(text) => text,
                Err(keyring_core::Error::NoEntry) => return Ok(None),
                Err(e) => return Err(keyring_error("read the sign-in", e)),
            },
            Store::Session(map) => match Secrets::memory(map).get(key) {
                Some(text) => text.clone(),
                None => return Ok(None),
            },
        };
        serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| BackpackError::Keyring {
                action: "read the sign-in",
                reason: format!("the stored entry is not Satchel's ({e})"),
            })
    }

    /// Deletes the tokens stored under `key`. Returns whether there were any.
    pub fn delete(&self, key: &str) -> Result<bool, BackpackError> {
        match &self.store {
            Store::Keyring(store) => match Secrets::entry(store, key)?.delete_credential() {
                Ok(()) => Ok(true),
                Err(keyring_core::Error::NoEntry) => Ok(false),
                Err(e) => Err(keyring_error("delete the sign-in", e)),
            },
            Store::Session(map) => Ok(Secrets::memory(map).remove(key).is_some()),
        }
    }
}

fn keyring_error(action: &'static str, error: keyring_core::Error) -> BackpackError {
    BackpackError::Keyring {
        action,
        reason: error.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_are_deleted() {
        for secrets in [Secrets::mock(), Secrets::session()] {
            round_trip(&secrets);
        }
    }

    #[test]
    fn a_session_store_is_shared_by_its_clones_and_by_no_other() {
        let secrets = Secrets::session();
        assert!(secrets.is_session_only());
        assert!(!Secrets::mock().is_session_only());
        let tokens = Tokens {
            access_token: "a".into(),
            refresh_token: None,
            expires_at: None,
            client_secret: None,
        };
        secrets.save("k", &tokens).unwrap();
        assert_eq!(secrets.clone().load("k").unwrap(), Some(tokens));
        assert_eq!(Secrets::session().load("k").unwrap(), None);
    }

    fn round_trip(secrets: &Secrets) {
        let key = Secrets::new_key().unwrap();
        assert_eq!(key.len(), 32);
        assert_eq!(secrets.load(&key).unwrap(), None);
        let tokens = Tokens {
            access_token: "a".into(),
            refresh_token: Some("r".into()),
            expires_at: Some(10),
            client_secret: None,
        };
        secrets.save(&key, &tokens).unwrap();
        assert_eq!(secrets.load(&key).unwrap(), Some(tokens.clone()));
        assert!(secrets.delete(&key).unwrap());
        assert_eq!(secrets.load(&key).unwrap(), None);
        assert!(!secrets.delete(&key).unwrap());
    }

    #[test]
    fn debug_never_shows_a_token() {
        let tokens = Tokens {
            access_token: "SECRET-ACCESS".into(),
            refresh_token: Some("SECRET-REFRESH".into()),
            expires_at: None,
            client_secret: Some("SECRET-CLIENT".into()),
        };
        assert!(!format!("{tokens:?}").contains("SECRET"));
    }
}
