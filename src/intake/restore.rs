//! The restore half of Satchel's export bundle (see [`crate::export::bundle`]
//! for the layout): an archive holding `satchel-export.json` is restored
//! whole, collections, identities, checks and backpacks included, in one
//! transaction: all of it, or nothing.
//!
//! Reading goes through [`crate::files::Archive`] (entry, total and count
//! caps), looks entries up by exact name only and never writes them to disk.
//! Satchel never writes an entry with a [`crate::files::Hazard`], so an
//! export holding one has been altered, and is refused whole.

use std::collections::HashMap;
use std::path::Path;

use sha2::{Digest, Sha256};

use super::IntakeError;
use crate::export::bundle::{BadgeEntry, FORMAT, FORMAT_VERSION, MANIFEST, Manifest, Original};
use crate::files::{Archive, FileError};
use crate::outcome::{ImportResult, ImportStatus};
use crate::wallet::{BadgeWithOriginal, RestoredBadge, Wallet};

/// Whether a ZIP whose entries are `names` is a Satchel export (it holds
/// Satchel's manifest).
pub(super) fn is_export(names: &[String]) -> bool {
    names.iter().any(|name| name == MANIFEST)
}

/// An archive being restored, with its entries by name.
struct Reader {
    archive: Archive,
    index: HashMap<String, usize>,
}

impl Reader {
    fn manifest_error(&self, message: String) -> IntakeError {
        IntakeError::BadExport {
            path: self.archive.path().to_owned(),
            message,
        }
    }

    fn read(&mut self, name: &str) -> Result<Vec<u8>, IntakeError> {
        let index = *self
            .index
            .get(name)
            .ok_or_else(|| self.manifest_error(format!("the entry {name} is missing")))?;
        Ok(self.archive.read(index)?)
    }

    fn read_json<T: serde::de::DeserializeOwned>(&mut self, name: &str) -> Result<T, IntakeError> {
        let bytes = self.read(name)?;
        serde_json::from_slice(&bytes).map_err(|e| self.manifest_error(format!("{name}: {e}")))
    }

    /// The original bytes of a badge entry, checked against their hash.
    fn original(&mut self, entry: BadgeEntry) -> Result<BadgeWithOriginal, IntakeError> {
        let bytes = match &entry.original {
            Original::Image { file } => self.read(file)?,
            Original::RawText => entry.record.raw_text.clone().into_bytes(),
            Original::Text { text } => text.clone().into_bytes(),
        };
        if hex::encode(Sha256::digest(&bytes)) != entry.original_sha256 {
            return Err(self.manifest_error(format!(
                "the original of badge {} does not match its checksum",
                entry.record.id
            )));
        }
        Ok((entry.record, bytes))
    }
}

/// Badges read part by part, so only one part is in memory at a time. Ends
/// with an error if the parts hold another number of badges than announced,
/// so the restore's transaction is rolled back.
struct Badges<'a> {
    reader: &'a mut Reader,
    parts: std::vec::IntoIter<String>,
    current: std::vec::IntoIter<BadgeEntry>,
    expected: usize,
    seen: usize,
}

impl Iterator for Badges<'_> {
    type Item = Result<BadgeWithOriginal, IntakeError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(entry) = self.current.next() {
                self.seen += 1;
                return Some(self.reader.original(entry));
            }
            let Some(part) = self.parts.next() else {
                let (expected, seen) = (
                    self.expected,
                    std::mem::replace(&mut self.seen, self.expected),
                );
                return (seen != expected).then(|| {
                    Err(self
                        .reader
                        .manifest_error(format!("it announces {expected} badges but holds {seen}")))
                });
            };
            match self.reader.read_json::<Vec<BadgeEntry>>(&part) {
                Ok(entries) => self.current = entries.into_iter(),
                Err(e) => return Some(Err(e)),
            }
        }
    }
}

/// Restores a Satchel export into `wallet` in one transaction (see
/// [`Wallet::restore`]): all of it, or nothing.
fn restore(wallet: &mut Wallet, path: &Path) -> Result<Vec<RestoredBadge>, IntakeError> {
    let mut archive = Archive::open(path)?;
    let entries = archive.entries()?;
    if let Some((entry, hazard)) = entries
        .iter()
        .find_map(|e| e.hazard.map(|hazard| (e, hazard)))
    {
        return Err(FileError::Refused {
            label: archive.label(&entry.name),
            hazard,
        }
        .into());
    }
    let index = entries.into_iter().map(|e| (e.name, e.index)).collect();
    let mut reader = Reader { archive, index };
    let manifest: Manifest = reader.read_json(MANIFEST)?;
    if manifest.format != FORMAT {
        return Err(reader.manifest_error(format!(
            "its manifest is of format {:?}, not {FORMAT:?}",
            manifest.format
        )));
    }
    if manifest.version > FORMAT_VERSION {
        return Err(IntakeError::ExportTooNew {
            path: path.to_owned(),
            found: manifest.version,
            known: FORMAT_VERSION,
        });
    }
    let badges = Badges {
        reader: &mut reader,
        parts: manifest.badge_parts.into_iter(),
        current: Vec::new().into_iter(),
        expected: manifest.badge_count,
        seen: 0,
    };
    wallet.restore(&manifest.wallet, badges)
}

/// Restores the export at `input`: one result per badge (imported, perhaps
/// beside one with its id but other content, or a duplicate of one already
/// here), or one error result when nothing was changed.
pub(super) fn restore_export(wallet: &mut Wallet, input: &str) -> Vec<ImportResult> {
    let label = |old_id: i64| format!("{input}!/badge-{old_id}");
    match restore(wallet, Path::new(input)) {
        Ok(restored) => restored
            .into_iter()
            .map(|r| {
                let path = label(r.old_id);
                if r.duplicate {
                    return ImportResult::duplicate(path, r.badge_id);
                }
                ImportResult::stored(path, ImportStatus::Imported, r.badge_id)
                    .with_same_id_as(r.beside)
            })
            .collect(),
        Err(e) => vec![ImportResult::failed(input.to_owned(), &e)],
    }
}
