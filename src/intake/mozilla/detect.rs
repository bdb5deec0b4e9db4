//! Telling a Mozilla Backpack export apart from other folders and ZIPs, by
//! the names of the files it holds, and reading its files by those names.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::displayer::MANIFEST;
use crate::files::{self, Archive};
use crate::intake::IntakeError;

/// What kind of Mozilla material was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Shape {
    /// The shutdown export: `manifest.txt` and baked images.
    ShutdownExport,
    /// Saved Displayer API answers: `groups.json` and `group/<id>.json`.
    Displayer,
    /// Baked images with no index.
    LooseImages,
}

impl Shape {
    /// The shape in words, for the report.
    pub fn describe(self) -> &'static str {
        match self {
            Shape::ShutdownExport => "a Mozilla Backpack shutdown export",
            Shape::Displayer => "saved Mozilla Displayer answers",
            Shape::LooseImages => "a folder of badge images",
        }
    }
}

/// Where the files of a migration come from: a ZIP or a folder, read by the
/// names they have inside it.
pub(super) enum Bundle {
    Zip(Box<Archive>, BTreeMap<String, usize>),
    Folder(PathBuf, Vec<String>),
}

impl Bundle {
    pub fn open(path: &Path) -> Result<Bundle, IntakeError> {
        let meta = std::fs::metadata(path).map_err(|e| files::io_error(path, e))?;
        if meta.is_dir() {
            let mut names = Vec::new();
            walk_folder(path, path, &mut names)?;
            names.sort();
            return Ok(Bundle::Folder(path.to_owned(), names));
        }
        let mut archive = Archive::open(path)?;
        let entries = archive
            .entries()?
            .into_iter()
            .map(|e| (e.name, e.index))
            .collect();
        Ok(Bundle::Zip(Box::new(archive), entries))
    }

    pub fn names(&self) -> Vec<String> {
        match self {
            Bundle::Zip(_, entries) => entries.keys().cloned().collect(),
            Bundle::Folder(_, names) => names.clone(),
        }
    }

    pub fn contains(&self, name: &str) -> bool {
        match self {
            Bundle::Zip(_, entries) => entries.contains_key(name),
            Bundle::Folder(_, names) => names.iter().any(|n| n == name),
        }
    }

    pub fn label(&self, name: &str) -> String {
        match self {
            Bundle::Zip(archive, _) => archive.label(name),
            Bundle::Folder(root, _) => root.join(name).display().to_string(),
        }
    }

    pub fn read(&mut self, name: &str) -> Result<Vec<u8>, IntakeError> {
        match self {
            Bundle::Zip(archive, entries) => match entries.get(name) {
                Some(&index) => Ok(archive.read(index)?),
                None => Err(missing(name)),
            },
            Bundle::Folder(root, names) => {
                if !names.iter().any(|n| n == name) {
                    return Err(missing(name));
                }
                Ok(files::read_file(&root.join(name))?)
            }
        }
    }
}

fn missing(name: &str) -> IntakeError {
    IntakeError::Missing {
        name: name.to_owned(),
    }
}

/// Lists files below `dir` by their path relative to `root`, skipping hidden ones.
fn walk_folder(root: &Path, dir: &Path, out: &mut Vec<String>) -> Result<(), IntakeError> {
    let entries = std::fs::read_dir(dir).map_err(|e| files::io_error(dir, e))?;
    for entry in entries.flatten() {
        let path = entry.path();
        // Hidden files are skipped, and so are links to folders, which may
        // lead back up the tree. The listing gives each entry's kind, so
        // only links are looked up.
        let kind = entry.file_type().ok();
        let linked_folder = kind.is_some_and(|t| t.is_symlink()) && path.is_dir();
        if entry.file_name().to_string_lossy().starts_with('.') || linked_folder {
            continue;
        }
        if kind.map_or_else(|| path.is_dir(), |t| t.is_dir()) {
            walk_folder(root, &path, out)?;
        } else if let Ok(relative) = path.strip_prefix(root) {
            out.push(relative.to_string_lossy().replace('\\', "/"));
        }
    }
    Ok(())
}

/// The names of the files in a folder or ZIP at `path` (relative to it),
/// listed without reading any of them; `None` for anything else, or for
/// what cannot be listed (import then says why).
pub(crate) fn names_in(path: &Path) -> Option<Vec<String>> {
    let candidate = path.is_dir() || files::extension(&path.to_string_lossy()) == "zip";
    candidate.then(|| Bundle::open(path).ok().map(|b| b.names()))?
}

/// Whether `names` (a folder's or a ZIP's) make a Mozilla Backpack export: a
/// `manifest.txt` shutdown export or saved Displayer answers.
pub(crate) fn is_mozilla_export(names: &[String]) -> bool {
    landmarks(names).2 != Shape::LooseImages
}

/// The shutdown manifest and the Displayer `groups.json` nearest the top of
/// `names`, and the shape they make.
pub(super) fn landmarks(names: &[String]) -> (Option<String>, Option<String>, Shape) {
    let nearest = |file: &str| {
        names
            .iter()
            .filter(|n| n.rsplit('/').next() == Some(file))
            .min_by_key(|n| n.len())
            .cloned()
    };
    let (manifest, groups) = (nearest(MANIFEST), nearest("groups.json"));
    let shape = match (&manifest, &groups) {
        (Some(_), _) => Shape::ShutdownExport,
        (None, Some(_)) => Shape::Displayer,
        (None, None) => Shape::LooseImages,
    };
    (manifest, groups, shape)
}
