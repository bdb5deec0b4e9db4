//! Where backpack tokens live: the OS keyring, never the wallet.
//!
//! [`Secrets`] wraps one `keyring-core` credential store. On a desktop it is
//! the Secret Service (GNOME Keyring, KWallet), which keeps secrets across
//! reboots; tests hand in the in-memory mock store instead. Each backpack's
//! access token, refresh token and client secret are kept together as one
//! JSON secret under a random entry name that the wallet remembers.

use std::sync::Arc;

use keyring_core::CredentialStore;
use serde::{Deserialize, Serialize};

use super::BackpackError;

/// The keyring service name every Satchel entry is filed under.
pub const SERVICE: &str = "Satchel backpack sign-in";

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
    store: Arc<CredentialStore>,
}

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Secrets")
            .field("store", &self.store.vendor())
            .finish()
    }
}

impl Secrets {
    /// The desktop's Secret Service keyring (GNOME Keyring, KWallet, …).
    pub fn system() -> Result<Self, BackpackError> {
        let store = zbus_secret_service_keyring_store::Store::new()
            .map_err(|e| keyring_error("be opened", e))?;
        Ok(Secrets::with_store(store))
    }

    /// An in-memory store that forgets everything when dropped, for tests.
    pub fn mock() -> Self {
        let store = keyring_core::mock::Store::new().expect("the mock store always starts");
        Secrets::with_store(store)
    }

    /// Any `keyring-core` store.
    pub fn with_store(store: Arc<CredentialStore>) -> Self {
        Secrets { store }
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

    fn entry(&self, key: &str) -> Result<keyring_core::Entry, BackpackError> {
        self.store
            .build(SERVICE, key, None)
            .map_err(|e| keyring_error("open an entry", e))
    }

    /// Stores the tokens of one sign-in, replacing earlier ones.
    pub fn save(&self, key: &str, tokens: &Tokens) -> Result<(), BackpackError> {
        let text = serde_json::to_string(tokens).expect("tokens always serialize");
        self.entry(key)?
            .set_password(&text)
            .map_err(|e| keyring_error("store the sign-in", e))
    }

    /// The tokens stored under `key`, if any.
    pub fn load(&self, key: &str) -> Result<Option<Tokens>, BackpackError> {
        match self.entry(key)?.get_password() {
            Ok(text) => serde_json::from_str(&text)
                .map(Some)
                .map_err(|e| BackpackError::Keyring {
                    action: "read the sign-in",
                    reason: format!("the stored entry is not Satchel's ({e})"),
                }),
            Err(keyring_core::Error::NoEntry) => Ok(None),
            Err(e) => Err(keyring_error("read the sign-in", e)),
        }
    }

    /// Deletes the tokens stored under `key`. Returns whether there were any.
    pub fn delete(&self, key: &str) -> Result<bool, BackpackError> {
        match self.entry(key)?.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring_core::Error::NoEntry) => Ok(false),
            Err(e) => Err(keyring_error("delete the sign-in", e)),
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
        let secrets = Secrets::mock();
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
