//! Reading untrusted files and ZIP archives with hard caps.
//!
//! Every byte Satchel takes from disk or from an archive comes through here:
//! a file is read up to [`MAX_FILE_BYTES`] whatever its size claims, a ZIP is
//! opened with a cap on its entries and on everything it inflates, and entries
//! are read into memory only: nothing is ever written to disk by an entry's
//! name. Even so, an archive whose names could mean something outside it is
//! not trusted: an entry named with `..` or an absolute path, or stored as a
//! symbolic link, is refused when read ([`Hazard`]), and an archive holding
//! two entries of the same name, or declaring more than
//! [`MAX_ZIP_TOTAL_BYTES`] in all, is refused when opened.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::outcome::{Coded, ErrorCode};

/// Largest single file (or ZIP entry, once inflated) that is read.
pub const MAX_FILE_BYTES: u64 = 32 * 1024 * 1024;
/// Most entries read from one ZIP archive.
pub const MAX_ZIP_ENTRIES: usize = 20_000;
/// Most bytes inflated from one ZIP archive in total.
pub const MAX_ZIP_TOTAL_BYTES: u64 = 2 * 1024 * 1024 * 1024;

/// The lower-case extension of a file name, or "".
pub fn extension(name: &str) -> String {
    Path::new(name)
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default()
}

/// Why a file or an archive entry could not be read.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("{} does not exist", path.display())]
    Missing { path: PathBuf },
    #[error("{} cannot be read (permission denied)", path.display())]
    Denied { path: PathBuf },
    #[error("{} cannot be read: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "{what} is larger than {} MiB, far more than any badge needs; it was not read",
        MAX_FILE_BYTES / 1024 / 1024
    )]
    TooLarge { what: String },
    #[error(
        "{} holds {count} entries, more than the {MAX_ZIP_ENTRIES} Satchel reads from one archive; split it into smaller ones",
        path.display()
    )]
    TooManyEntries { path: PathBuf, count: usize },
    #[error(
        "{} inflates to more than {} GiB in all, far more than any set of badges; it was refused before that much was read",
        path.display(),
        MAX_ZIP_TOTAL_BYTES >> 30
    )]
    Inflates { path: PathBuf },
    #[error("{} is not a readable ZIP archive: {reason}", path.display())]
    NotZip { path: PathBuf, reason: String },
    #[error(
        "{} holds more than one entry under the same name, so which one is meant cannot be told; it was not read",
        path.display()
    )]
    DuplicateNames { path: PathBuf },
    #[error("{label} was not read: {hazard}")]
    Refused { label: String, hazard: Hazard },
}

/// What makes an archive entry unsafe to take, whatever it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Hazard {
    /// A `..` in its name climbs out of the folder it is in.
    #[error("its name climbs out of the archive with `..`, which no badge file needs")]
    ParentDir,
    /// Its name starts at the root of a disk (`/…`, `\\…` or `C:…`).
    #[error("its name is an absolute path, which no badge file needs")]
    Absolute,
    /// It is stored as a symbolic link: its content is where the link points.
    #[error("it is a symbolic link, and a badge is never one")]
    Symlink,
}

impl Hazard {
    /// What, if anything, is unsafe about an entry of this name and kind.
    fn of(name: &str, symlink: bool) -> Option<Hazard> {
        let bytes = name.as_bytes();
        let drive = bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':';
        if name.starts_with(['/', '\\']) || drive {
            Some(Hazard::Absolute)
        } else if name.split(['/', '\\']).any(|part| part == "..") {
            Some(Hazard::ParentDir)
        } else if symlink {
            Some(Hazard::Symlink)
        } else {
            None
        }
    }
}

impl Coded for FileError {
    fn code(&self) -> ErrorCode {
        match self {
            FileError::Missing { .. } | FileError::Denied { .. } | FileError::Io { .. } => {
                ErrorCode::Io
            }
            FileError::TooLarge { .. }
            | FileError::TooManyEntries { .. }
            | FileError::Inflates { .. } => ErrorCode::TooLarge,
            FileError::NotZip { .. }
            | FileError::DuplicateNames { .. }
            | FileError::Refused { .. } => ErrorCode::MalformedImage,
        }
    }

    fn advice(&self) -> Option<&'static str> {
        match self {
            FileError::Refused { .. } => Some(
                "Satchel never unpacks such an entry, and read the rest of the archive; \
                 if you expected a badge there, ask whoever made the archive for the badge file itself",
            ),
            _ => self.code().advice(),
        }
    }
}

/// An I/O failure on `path`, in words a learner can act on.
pub fn io_error(path: &Path, e: std::io::Error) -> FileError {
    let path = path.to_owned();
    match e.kind() {
        std::io::ErrorKind::NotFound => FileError::Missing { path },
        std::io::ErrorKind::PermissionDenied => FileError::Denied { path },
        _ => FileError::Io { path, source: e },
    }
}

fn too_large(what: &str) -> FileError {
    FileError::TooLarge {
        what: what.to_owned(),
    }
}

/// Reads a whole file, refusing one larger than [`MAX_FILE_BYTES`].
pub fn read_file(path: &Path) -> Result<Vec<u8>, FileError> {
    let file = File::open(path).map_err(|e| io_error(path, e))?;
    // The size the file claims sizes the buffer once (no regrowing and
    // copying a large file); the read itself still stops at the cap.
    let claimed = file
        .metadata()
        .map_or(0, |m| m.len().min(MAX_FILE_BYTES + 1));
    read_capped_into(file, Vec::with_capacity(claimed as usize)).map_err(|e| match e {
        CappedRead::TooLarge => too_large(&path.display().to_string()),
        CappedRead::Io(e) => io_error(path, e),
    })
}

/// Why [`read_capped`] stopped; callers turn it into a sentence naming the source.
#[derive(Debug, thiserror::Error)]
pub enum CappedRead {
    /// The source holds more than [`MAX_FILE_BYTES`].
    #[error("the source holds more than {MAX_FILE_BYTES} bytes")]
    TooLarge,
    /// The source failed to read.
    #[error(transparent)]
    Io(std::io::Error),
}

/// Reads at most [`MAX_FILE_BYTES`], whatever sizes the source claims.
///
/// Public so the fuzz targets can check that a source read in small pieces
/// gives the same bytes as one read at once.
pub fn read_capped(reader: impl Read) -> Result<Vec<u8>, CappedRead> {
    read_capped_into(reader, Vec::new())
}

/// [`read_capped`] into `bytes`, a buffer sized by the caller.
fn read_capped_into(reader: impl Read, mut bytes: Vec<u8>) -> Result<Vec<u8>, CappedRead> {
    reader
        .take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(CappedRead::Io)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(CappedRead::TooLarge);
    }
    Ok(bytes)
}

/// An open ZIP archive whose entries are read with caps.
pub struct Archive {
    path: PathBuf,
    zip: zip::ZipArchive<File>,
    inflated: u64,
}

impl std::fmt::Debug for Archive {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Archive").field("path", &self.path).finish()
    }
}

/// One file entry of an archive, as listed (nothing inflated yet).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub index: usize,
    /// The name as stored in the archive; only ever used as a label or a key.
    pub name: String,
    /// Why the entry is refused when read, if it is.
    pub hazard: Option<Hazard>,
}

impl Archive {
    /// Opens a ZIP archive, refusing one with more than [`MAX_ZIP_ENTRIES`]
    /// entries, two entries of the same name, or entries that declare more
    /// than [`MAX_ZIP_TOTAL_BYTES`] in all (an entry never inflates past what
    /// it declares, so nothing more is ever inflated).
    pub fn open(path: &Path) -> Result<Archive, FileError> {
        let file = File::open(path).map_err(|e| io_error(path, e))?;
        let zip = zip::ZipArchive::new(file).map_err(|e| zip_error(path, e))?;
        if zip.len() > MAX_ZIP_ENTRIES {
            return Err(FileError::TooManyEntries {
                path: path.to_owned(),
                count: zip.len(),
            });
        }
        if zip.has_duplicate_names() {
            return Err(FileError::DuplicateNames {
                path: path.to_owned(),
            });
        }
        let mut declared: u64 = 0;
        for index in 0..zip.len() {
            let entry = zip.by_index_data(index).map_err(|e| zip_error(path, e))?;
            declared = declared.saturating_add(entry.size());
        }
        if declared > MAX_ZIP_TOTAL_BYTES {
            return Err(FileError::Inflates {
                path: path.to_owned(),
            });
        }
        Ok(Archive {
            path: path.to_owned(),
            zip,
            inflated: 0,
        })
    }

    /// The archive's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A label for an entry: `archive.zip!/name`.
    pub fn label(&self, name: &str) -> String {
        format!("{}!/{name}", self.path.display())
    }

    /// The file entries (not folders), in archive order.
    pub fn entries(&mut self) -> Result<Vec<Entry>, FileError> {
        let mut out = Vec::new();
        for index in 0..self.zip.len() {
            let entry = self
                .zip
                .by_index_raw(index)
                .map_err(|e| zip_error(&self.path, e))?;
            if entry.is_dir() {
                continue;
            }
            let name = entry
                .name()
                .map_err(|e| zip_error(&self.path, e))?
                .into_owned();
            let hazard = Hazard::of(&name, entry.is_symlink());
            out.push(Entry {
                index,
                name,
                hazard,
            });
        }
        Ok(out)
    }

    /// Inflates one entry into memory, with the per-entry cap and the
    /// archive's running total cap; an entry with a [`Hazard`] is refused.
    pub fn read(&mut self, index: usize) -> Result<Vec<u8>, FileError> {
        let entry = self
            .zip
            .by_index(index)
            .map_err(|e| zip_error(&self.path, e))?;
        let name = entry.name().unwrap_or_default();
        let label = format!("{}!/{name}", self.path.display());
        if let Some(hazard) = Hazard::of(&name, entry.is_symlink()) {
            return Err(FileError::Refused { label, hazard });
        }
        let bytes = read_capped(entry).map_err(|e| match e {
            CappedRead::TooLarge => too_large(&label),
            CappedRead::Io(e) => zip_error(&self.path, format!("{label}: {e}")),
        })?;
        self.inflated += bytes.len() as u64;
        if self.inflated > MAX_ZIP_TOTAL_BYTES {
            return Err(FileError::Inflates {
                path: self.path.clone(),
            });
        }
        Ok(bytes)
    }
}

fn zip_error(archive: &Path, e: impl std::fmt::Display) -> FileError {
    FileError::NotZip {
        path: archive.to_owned(),
        reason: e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::Hazard;

    #[test]
    fn names_that_could_reach_outside_an_archive_are_hazards() {
        for (name, hazard) in [
            ("../x.png", Some(Hazard::ParentDir)),
            ("a/../../x.png", Some(Hazard::ParentDir)),
            ("a\\..\\x.png", Some(Hazard::ParentDir)),
            ("/etc/x.png", Some(Hazard::Absolute)),
            ("\\\\server\\x.png", Some(Hazard::Absolute)),
            ("C:x.png", Some(Hazard::Absolute)),
            ("a/b..c.png", None),
            ("..hidden.png", None),
            ("a/x.png", None),
        ] {
            assert_eq!(Hazard::of(name, false), hazard, "{name}");
        }
        assert_eq!(Hazard::of("a/x.png", true), Some(Hazard::Symlink));
        assert_eq!(Hazard::of("../x.png", true), Some(Hazard::ParentDir));
    }
}
