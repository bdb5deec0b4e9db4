//! What the window keeps between commands: where the wallet is, one reading
//! connection, the shared HTTP client and the keyring backpack sign-ins live
//! in — or, on a desktop with no keyring, the memory they are kept in until
//! the window closes.
//!
//! Short reads (the list, one badge, identities, images) share one connection
//! behind a mutex that is never held across network I/O. Long work (checks,
//! backpack transfers), which fetches from issuers between its writes, opens
//! its own connection to the same file (SQLite in WAL mode lets the reader go
//! on meanwhile). An import instead borrows the reading connection: with no
//! other connection open, the wallet can leave WAL for the import's length
//! and write each image once (`satchel::wallet::Run`). A read that comes
//! while the connection is lent opens a new one, which brings the wallet
//! back to WAL; the import goes on that way.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use satchel::ErrorCode;
use satchel::backpack::Secrets;
use satchel::http::{Fetcher, HttpPolicy};
use satchel::ops;
use satchel::wallet::Wallet;

use crate::error::CommandError;

/// The environment variable naming the wallet file (as for the CLI).
pub const WALLET_ENV: &str = "SATCHEL_WALLET";
/// The environment variable allowing fetches from private addresses (as for the CLI).
pub const PRIVATE_NETWORK_ENV: &str = "SATCHEL_ALLOW_PRIVATE_NETWORK";

/// The reading connection, locked for one short query.
pub struct Reader<'a>(MutexGuard<'a, Option<Wallet>>);

impl std::ops::Deref for Reader<'_> {
    type Target = Wallet;

    fn deref(&self) -> &Wallet {
        self.0
            .as_ref()
            .expect("a reader is open while it is locked")
    }
}

impl std::ops::DerefMut for Reader<'_> {
    fn deref_mut(&mut self) -> &mut Wallet {
        self.0
            .as_mut()
            .expect("a reader is open while it is locked")
    }
}

/// The window's shared state, managed by Tauri.
#[derive(Debug)]
pub struct Desktop {
    path: PathBuf,
    /// The reading connection; `None` while an import has borrowed it.
    reader: Mutex<Option<Wallet>>,
    fetcher: Fetcher,
    /// Where sign-ins are kept; `None` means the desktop's Secret Service,
    /// opened when a backpack is used (a desktop without one can still do
    /// everything else). The first sign-in on a desktop without one puts a
    /// session-only store here for the rest of the window's life.
    secrets: Mutex<Option<Secrets>>,
    /// Files handed to the window from outside (its command line, or a
    /// second start), waiting for the page to import them.
    opened: Mutex<Vec<String>>,
}

impl Desktop {
    /// Opens the wallet at `path` with the given HTTP policy.
    pub fn open(path: &Path, policy: HttpPolicy) -> Result<Self, CommandError> {
        let reader = Wallet::open(path)?;
        let fetcher = Fetcher::new(policy);
        Ok(Desktop {
            path: path.to_owned(),
            reader: Mutex::new(Some(reader)),
            fetcher,
            secrets: Mutex::new(None),
            opened: Mutex::new(Vec::new()),
        })
    }

    /// Queues `paths` (files, folders or URLs from outside) for the page to import.
    pub fn open_later(&self, paths: Vec<String>) {
        let mut opened = self.opened.lock().unwrap_or_else(|e| e.into_inner());
        opened.extend(paths);
    }

    /// Takes everything queued by [`Desktop::open_later`], leaving none.
    pub fn take_opened(&self) -> Vec<String> {
        std::mem::take(&mut *self.opened.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// Keeps backpack sign-ins in `secrets` instead of the desktop's keyring.
    pub fn with_secrets(self, secrets: Secrets) -> Self {
        *self.kept() = Some(secrets);
        self
    }

    /// Opens the wallet the environment names (`SATCHEL_WALLET`, else the
    /// default location), with private addresses allowed only when
    /// `SATCHEL_ALLOW_PRIVATE_NETWORK` is `true` or `1`.
    pub fn from_env() -> Result<Self, CommandError> {
        let path = match std::env::var_os(WALLET_ENV).filter(|p| !p.is_empty()) {
            Some(p) => PathBuf::from(p),
            None => Wallet::default_path().ok_or_else(|| {
                CommandError::new(
                    ErrorCode::Io,
                    format!("no home directory to keep the wallet in; set {WALLET_ENV}"),
                )
            })?,
        };
        let allow_private = std::env::var(PRIVATE_NETWORK_ENV)
            .is_ok_and(|v| matches!(v.trim(), "1" | "true" | "yes"));
        Desktop::open(&path, HttpPolicy::with_private(allow_private))
    }

    /// Where the wallet lives.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The reading connection, for one short query (opened anew while an
    /// import has borrowed the usual one).
    pub fn wallet(&self) -> Result<Reader<'_>, CommandError> {
        // A panic while reading leaves the connection usable: SQLite rolls back.
        let mut reader = self.reader.lock().unwrap_or_else(|e| e.into_inner());
        if reader.is_none() {
            *reader = Some(Wallet::open(&self.path)?);
        }
        Ok(Reader(reader))
    }

    /// A new connection for long work that must not hold the reader.
    pub fn open_writer(&self) -> Result<Wallet, CommandError> {
        Ok(Wallet::open(&self.path)?)
    }

    /// The reading connection for an import to write with, or a new one
    /// when another import has it; hand it back with [`Desktop::give_back`].
    pub fn borrow_for_import(&self) -> Result<Wallet, CommandError> {
        let lent = self.reader.lock().unwrap_or_else(|e| e.into_inner()).take();
        lent.map_or_else(|| self.open_writer(), Ok)
    }

    /// Takes back a connection [`Desktop::borrow_for_import`] gave out; kept
    /// as the reader unless a read opened a new one meanwhile.
    pub fn give_back(&self, wallet: Wallet) {
        let mut reader = self.reader.lock().unwrap_or_else(|e| e.into_inner());
        reader.get_or_insert(wallet);
    }

    /// The shared HTTP client.
    pub fn fetcher(&self) -> &Fetcher {
        &self.fetcher
    }

    fn kept(&self) -> MutexGuard<'_, Option<Secrets>> {
        self.secrets.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Where the backpack tokens already signed in to are: the keyring, or
    /// this window's memory; with neither, the sentence that no keyring runs.
    pub fn secrets(&self) -> Result<Secrets, CommandError> {
        match &*self.kept() {
            Some(s) => Ok(s.clone()),
            None => Ok(Secrets::system()?),
        }
    }

    /// Where a new sign-in is kept: as [`Desktop::secrets`], except that a
    /// desktop with no keyring keeps it (and every later one) in memory
    /// until the window closes.
    pub fn secrets_for_sign_in(&self) -> Secrets {
        let mut kept = self.kept();
        match &*kept {
            Some(s) => s.clone(),
            None => {
                let (secrets, no_keyring) = ops::keyring_or_session();
                if no_keyring.is_some() {
                    *kept = Some(secrets.clone());
                }
                secrets
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_import_borrows_the_reader_so_the_wallet_can_leave_wal() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("wallet.sqlite3");
        let desktop = Desktop::open(&path, HttpPolicy::default()).unwrap();
        let mut import = desktop.borrow_for_import().unwrap();
        let run = import.start_run(100);
        assert!(run.journaled(), "the window's reader no longer holds it");
        // A second import meanwhile gets a connection of its own.
        let other = desktop.borrow_for_import().unwrap();
        drop(other);
        // A read meanwhile opens a new reader (which brings back WAL).
        assert_eq!(desktop.wallet().unwrap().badge_count().unwrap(), 0);
        import.end_run(run);
        desktop.give_back(import);
        assert_eq!(desktop.wallet().unwrap().badge_count().unwrap(), 0);
        // Beside a connection still open, an import stays in WAL.
        let mut again = desktop.borrow_for_import().unwrap();
        let beside = desktop.open_writer().unwrap();
        let run = again.start_run(100);
        assert!(!run.journaled(), "another connection is open");
        again.end_run(run);
        drop(beside);
        desktop.give_back(again);
        assert!(desktop.reader.lock().unwrap().is_some());
    }
}
