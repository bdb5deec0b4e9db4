//! The ZIP backup: a Mozilla-style bundle that also restores a wallet exactly.
//!
//! Layout of an export:
//! - `badge-<id>.png` / `.svg`: every badge as a baked image (the original file
//!   when it came as one, else its credential baked into a picture);
//! - `manifest.txt`: the Mozilla Backpack shutdown-export shape, a JSON object
//!   mapping an email address to the image files of badges issued to it, so
//!   other backpacks' Mozilla importers accept the archive;
//! - `satchel/badges-<n>.json`: every badge row, in parts of a few MiB, with
//!   where its original bytes are (the image file, or inline text);
//! - `satchel-export.json`: the versioned manifest, with identities,
//!   collections, check history, publishing state, connected backpacks (no
//!   tokens: those stay in the OS keyring) and the list of parts.
//!
//! The archive is written to a temporary file and renamed into place. Reading
//! goes through [`crate::files::Archive`] (entry, total and count caps), looks
//! entries up by exact name only and never writes them to disk.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zip::CompressionMethod;
use zip::write::SimpleFileOptions;

use super::{BakeSource, ExportError, baked_image, write_atomically};
use crate::Error;
use crate::bake::ImageKind;
use crate::credential::Credential;
use crate::files::{self, Archive};
use crate::wallet::{BadgeRecord, BadgeWithOriginal, RestoredBadge, Snapshot, Wallet, timestamp};

/// The name of Satchel's own manifest; its presence marks an archive as a Satchel export.
pub const MANIFEST: &str = "satchel-export.json";
/// The Mozilla-style manifest: email → image file names.
pub const MOZILLA_MANIFEST: &str = "manifest.txt";
/// The value of the manifest's `format` field.
pub const FORMAT: &str = "satchel-export";
/// The newest manifest version this Satchel writes and reads.
/// Version 2 added the connected backpacks; version 1 archives still restore.
pub const FORMAT_VERSION: u32 = 2;
/// The key for badges when the learner has no email identity and the badge
/// names no plain email.
pub const UNKNOWN_EMAIL: &str = "unknown";
/// A badge part is closed once its JSON passes this size, well under the
/// per-entry read cap.
const PART_BYTES: usize = 8 * 1024 * 1024;

/// The versioned manifest, `satchel-export.json`.
#[derive(Debug, Serialize, Deserialize)]
struct Manifest {
    format: String,
    version: u32,
    generator: String,
    exported_at: String,
    badge_count: usize,
    /// The `satchel/badges-<n>.json` entries, in order.
    badge_parts: Vec<String>,
    wallet: Snapshot,
}

/// Where a badge's original bytes are kept in the archive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "stored", rename_all = "snake_case")]
enum Original {
    /// The baked image file is the original, byte for byte.
    Image { file: String },
    /// The original is exactly the badge's `raw_text`.
    RawText,
    /// The original text, when it differs from `raw_text` (white space, BOM).
    Text { text: String },
}

/// One badge in a part file.
#[derive(Debug, Serialize, Deserialize)]
struct BadgeEntry {
    #[serde(flatten)]
    record: BadgeRecord,
    /// The baked image file in the archive.
    image: String,
    original: Original,
    /// Hex SHA-256 of the original bytes, checked on restore.
    original_sha256: String,
}

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExportSummary {
    pub path: PathBuf,
    pub badges: usize,
    pub collections: usize,
    pub identities: usize,
    pub checks: usize,
    pub backpacks: usize,
}

/// The archive being written, with what it has gathered so far.
struct Writer<'a, W: Write + std::io::Seek> {
    zip: zip::ZipWriter<W>,
    path: &'a Path,
    entries: usize,
    part: Vec<u8>,
    parts: Vec<String>,
}

impl<W: Write + std::io::Seek> Writer<'_, W> {
    fn add(&mut self, name: &str, bytes: &[u8], compress: bool) -> Result<(), Error> {
        let method = if compress {
            CompressionMethod::Deflated
        } else {
            CompressionMethod::Stored
        };
        let zip_error = |e: &dyn std::fmt::Display| -> Error {
            ExportError::Zip {
                path: self.path.to_owned(),
                message: e.to_string(),
            }
            .into()
        };
        self.zip
            .start_file(
                name,
                SimpleFileOptions::default().compression_method(method),
            )
            .map_err(|e| zip_error(&e))?;
        self.zip.write_all(bytes).map_err(|e| zip_error(&e))?;
        self.entries += 1;
        if self.entries > files::MAX_ZIP_ENTRIES {
            return Err(ExportError::TooManyBadges {
                count: self.entries,
                limit: files::MAX_ZIP_ENTRIES - 2,
            }
            .into());
        }
        Ok(())
    }

    fn push_entry(&mut self, entry: &BadgeEntry) -> Result<(), Error> {
        self.part
            .push(if self.part.is_empty() { b'[' } else { b',' });
        serde_json::to_writer(&mut self.part, entry).expect("records serialize");
        if self.part.len() >= PART_BYTES {
            self.close_part()?;
        }
        Ok(())
    }

    fn close_part(&mut self) -> Result<(), Error> {
        if self.part.is_empty() {
            return Ok(());
        }
        let mut part = std::mem::take(&mut self.part);
        part.push(b']');
        let name = format!("satchel/badges-{:04}.json", self.parts.len() + 1);
        self.add(&name, &part, true)?;
        self.parts.push(name);
        Ok(())
    }
}

/// The email a badge is filed under in `manifest.txt`: the learner's email
/// identity it was issued to, else the plain email it names, else the
/// learner's first email identity.
fn mozilla_email(credential: Option<&Credential>, emails: &[String]) -> String {
    if let Some(r) = credential.and_then(|c| c.recipient.as_ref()) {
        if let Some(e) = emails.iter().find(|e| r.matches(e)) {
            return e.clone();
        }
        if !r.hashed && r.identity.contains('@') {
            return r.identity.trim_start_matches("mailto:").to_owned();
        }
    }
    emails
        .first()
        .cloned()
        .unwrap_or_else(|| UNKNOWN_EMAIL.to_owned())
}

/// Writes the whole wallet to the ZIP archive `path`, atomically.
pub fn export_wallet(
    wallet: &mut Wallet,
    path: &Path,
    now: DateTime<Utc>,
) -> Result<ExportSummary, Error> {
    let snapshot = wallet.snapshot()?;
    let count = wallet.badge_count()? as usize;
    let limit = files::MAX_ZIP_ENTRIES - 3;
    if count > limit {
        return Err(ExportError::TooManyBadges { count, limit }.into());
    }
    let summary = ExportSummary {
        path: path.to_owned(),
        badges: count,
        collections: snapshot.collections.len(),
        identities: snapshot.identities.len(),
        checks: snapshot.checks.len(),
        backpacks: snapshot.backpacks.len(),
    };
    let emails: Vec<String> = snapshot
        .identities
        .iter()
        .filter(|i| i.kind == "email")
        .map(|i| i.value.clone())
        .collect();
    write_atomically(path, |file| {
        let mut w = Writer {
            zip: zip::ZipWriter::new(file),
            path,
            entries: 0,
            part: Vec::new(),
            parts: Vec::new(),
        };
        let mut mozilla: BTreeMap<String, Vec<String>> = BTreeMap::new();
        wallet.for_each_badge_record(&mut |record, original| {
            let credential: Option<Credential> = serde_json::from_str(&record.credential).ok();
            let image_field = credential.as_ref().and_then(|c| c.image.as_deref());
            let (kind, image) =
                baked_image(BakeSource::of_record(&record, &original, image_field), None)?;
            let ext = match kind {
                ImageKind::Png => "png",
                ImageKind::Svg => "svg",
            };
            let file = format!("badge-{}.{ext}", record.id);
            w.add(&file, &image, kind == ImageKind::Svg)?;
            mozilla
                .entry(mozilla_email(credential.as_ref(), &emails))
                .or_default()
                .push(file.clone());
            let stored = if image == original {
                Original::Image { file: file.clone() }
            } else if original == record.raw_text.as_bytes() {
                Original::RawText
            } else {
                match String::from_utf8(original.clone()) {
                    Ok(text) => Original::Text { text },
                    Err(_) => {
                        // Neither the image nor text: keep the bytes as their own entry.
                        let own = format!("satchel/original-{}", record.id);
                        w.add(&own, &original, true)?;
                        Original::Image { file: own }
                    }
                }
            };
            w.push_entry(&BadgeEntry {
                original_sha256: hex::encode(Sha256::digest(&original)),
                image: file,
                original: stored,
                record,
            })
        })?;
        w.close_part()?;
        let manifest_txt = serde_json::to_vec_pretty(&mozilla).expect("maps serialize");
        w.add(MOZILLA_MANIFEST, &manifest_txt, true)?;
        let manifest = Manifest {
            format: FORMAT.to_owned(),
            version: FORMAT_VERSION,
            generator: format!("satchel {}", env!("CARGO_PKG_VERSION")),
            exported_at: timestamp(now),
            badge_count: count,
            badge_parts: std::mem::take(&mut w.parts),
            wallet: snapshot,
        };
        let bytes = serde_json::to_vec_pretty(&manifest).expect("manifests serialize");
        w.add(MANIFEST, &bytes, true)?;
        w.zip.finish().map_err(|e| ExportError::Zip {
            path: path.to_owned(),
            message: e.to_string(),
        })?;
        Ok(())
    })?;
    Ok(summary)
}

/// Whether `path` is a ZIP archive holding Satchel's manifest.
pub fn is_export(path: &Path) -> bool {
    Archive::open(path)
        .and_then(|mut a| a.entries())
        .is_ok_and(|entries| entries.iter().any(|e| e.name == MANIFEST))
}

/// An archive being restored, with its entries by name.
struct Reader {
    archive: Archive,
    index: HashMap<String, usize>,
}

impl Reader {
    fn manifest_error(&self, message: String) -> Error {
        ExportError::Manifest {
            path: self.archive.path().to_owned(),
            message,
        }
        .into()
    }

    fn read(&mut self, name: &str) -> Result<Vec<u8>, Error> {
        let index = *self
            .index
            .get(name)
            .ok_or_else(|| self.manifest_error(format!("the entry {name} is missing")))?;
        self.archive.read(index)
    }

    fn read_json<T: serde::de::DeserializeOwned>(&mut self, name: &str) -> Result<T, Error> {
        let bytes = self.read(name)?;
        serde_json::from_slice(&bytes).map_err(|e| self.manifest_error(format!("{name}: {e}")))
    }

    /// The original bytes of a badge entry, checked against their hash.
    fn original(&mut self, entry: BadgeEntry) -> Result<BadgeWithOriginal, Error> {
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
    type Item = Result<BadgeWithOriginal, Error>;

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
pub fn restore(wallet: &mut Wallet, path: &Path) -> Result<Vec<RestoredBadge>, Error> {
    let mut archive = Archive::open(path)?;
    let index = archive
        .entries()?
        .into_iter()
        .map(|e| (e.name, e.index))
        .collect();
    let mut reader = Reader { archive, index };
    let manifest: Manifest = reader.read_json(MANIFEST)?;
    if manifest.format != FORMAT {
        return Err(reader.manifest_error(format!(
            "its manifest is of format {:?}, not {FORMAT:?}",
            manifest.format
        )));
    }
    if manifest.version > FORMAT_VERSION {
        return Err(ExportError::TooNew {
            path: path.to_owned(),
            found: manifest.version,
            known: FORMAT_VERSION,
        }
        .into());
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credential::Recipient;

    fn credential_for(identity: &str, hashed: bool) -> Credential {
        Credential {
            recipient: Some(Recipient {
                identity: identity.to_owned(),
                kind: "email".into(),
                hashed,
                salt: None,
            }),
            ..Credential::default()
        }
    }

    #[test]
    fn badges_are_filed_under_the_right_email() {
        let emails = vec!["first@ex.example".to_owned(), "Ann@Ex.example".to_owned()];
        let plain = credential_for("ann@ex.example", false);
        assert_eq!(mozilla_email(Some(&plain), &emails), "Ann@Ex.example");
        let other = credential_for("bob@ex.example", false);
        assert_eq!(mozilla_email(Some(&other), &emails), "bob@ex.example");
        let hashed = credential_for("sha256$00", true);
        assert_eq!(mozilla_email(Some(&hashed), &emails), "first@ex.example");
        assert_eq!(mozilla_email(None, &[]), UNKNOWN_EMAIL);
    }
}
