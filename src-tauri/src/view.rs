//! The view the window showed last (Backpack or Settings, and which
//! collection), kept in a small file in the app's config folder so the next
//! start opens where the learner left off. The window's size and position
//! are kept beside it by `tauri-plugin-window-state`.
//!
//! A missing or unreadable file means the default view: losing it loses
//! nothing of the wallet. The file is written to a temporary name and renamed,
//! so it is never half written.

use std::io;
use std::path::Path;

use serde::{Deserialize, Serialize};

/// The file's name in the app's config folder.
pub const FILE: &str = "last-view.json";

/// The top-level views.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tab {
    #[default]
    Backpack,
    Settings,
}

/// What the window showed: the tab, and the collection selected in the
/// sidebar (`None`: all badges).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LastView {
    pub tab: Tab,
    pub collection: Option<i64>,
}

/// The view kept in `dir`, or the default when there is none to read.
pub fn load(dir: &Path) -> LastView {
    std::fs::read(dir.join(FILE))
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default()
}

/// Keeps `view` in `dir` (created when missing).
pub fn save(dir: &Path, view: &LastView) -> io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let part = dir.join(format!("{FILE}.part"));
    std::fs::write(&part, serde_json::to_vec(view)?)?;
    std::fs::rename(part, dir.join(FILE))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_saved_view_reads_back_and_a_bad_file_means_the_default() {
        let dir = tempfile::tempdir().unwrap();
        let inner = dir.path().join("config");
        assert_eq!(load(&inner), LastView::default());
        let view = LastView {
            tab: Tab::Settings,
            collection: Some(7),
        };
        save(&inner, &view).unwrap();
        assert_eq!(load(&inner), view);
        std::fs::write(inner.join(FILE), br#"{"tab": "elsewhere"}"#).unwrap();
        assert_eq!(load(&inner), LastView::default());
        std::fs::write(inner.join(FILE), b"\x00not json").unwrap();
        assert_eq!(load(&inner), LastView::default());
    }
}
