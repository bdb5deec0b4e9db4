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

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zip::CompressionMethod;
use zip::write::SimpleFileOptions;

use super::{BakeSource, ExportError, baked_image, write_atomically};
use crate::bake::ImageKind;
use crate::credential::Credential;
use crate::files;
use crate::wallet::{BadgeRecord, Snapshot, Wallet, timestamp};

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
pub(crate) struct Manifest {
    pub format: String,
    pub version: u32,
    pub generator: String,
    pub exported_at: String,
    pub badge_count: usize,
    /// The `satchel/badges-<n>.json` entries, in order.
    pub badge_parts: Vec<String>,
    pub wallet: Snapshot,
}

/// Where a badge's original bytes are kept in the archive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "stored", rename_all = "snake_case")]
pub(crate) enum Original {
    /// The baked image file is the original, byte for byte.
    Image { file: String },
    /// The original is exactly the badge's `raw_text`.
    RawText,
    /// The original text, when it differs from `raw_text` (white space, BOM).
    Text { text: String },
}

/// One badge in a part file.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct BadgeEntry {
    #[serde(flatten)]
    pub record: BadgeRecord,
    /// The baked image file in the archive.
    pub image: String,
    pub original: Original,
    /// Hex SHA-256 of the original bytes, checked on restore.
    pub original_sha256: String,
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
    fn add(&mut self, name: &str, bytes: &[u8], compress: bool) -> Result<(), ExportError> {
        let method = if compress {
            CompressionMethod::Deflated
        } else {
            CompressionMethod::Stored
        };
        let zip_error = |e: &dyn std::fmt::Display| -> ExportError {
            ExportError::Zip {
                path: self.path.to_owned(),
                message: e.to_string(),
            }
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
            });
        }
        Ok(())
    }

    fn push_entry(&mut self, entry: &BadgeEntry) -> Result<(), ExportError> {
        self.part
            .push(if self.part.is_empty() { b'[' } else { b',' });
        serde_json::to_writer(&mut self.part, entry).expect("records serialize");
        if self.part.len() >= PART_BYTES {
            self.close_part()?;
        }
        Ok(())
    }

    fn close_part(&mut self) -> Result<(), ExportError> {
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
) -> Result<ExportSummary, ExportError> {
    let snapshot = wallet.snapshot()?;
    let count = wallet.badge_count()? as usize;
    let limit = files::MAX_ZIP_ENTRIES - 3;
    if count > limit {
        return Err(ExportError::TooManyBadges { count, limit });
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
