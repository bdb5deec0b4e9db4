//! Turning what a learner named (files, folders, ZIP archives, URLs) into
//! items to import, without reading any badge yet: folders recursively
//! (badge file endings only, hidden files skipped, links to folders inside
//! them not followed), ZIP archives entry by entry (listed, nothing
//! inflated), URLs as text.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, sync_channel};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::vec::IntoIter;

use super::IntakeError;
use crate::files::{self, Archive};

/// File endings looked at when a folder or ZIP is imported; a file named
/// directly is always tried, whatever its name.
const BADGE_EXTENSIONS: &[&str] = &["png", "svg", "json", "jws", "jwt", "txt"];

/// Where one item's bytes come from.
#[derive(Debug)]
pub(super) enum Source {
    File(PathBuf),
    ZipEntry { path: PathBuf, index: usize },
    Text(String),
    Failed(IntakeError),
}

/// One thing to import, with the label its result carries.
#[derive(Debug)]
pub(super) struct Item {
    pub label: String,
    pub source: Source,
}

/// Reads items one after another, keeping the archive of the last ZIP
/// entry open for the next.
#[derive(Debug, Default)]
struct Reader {
    archive: Option<Archive>,
}

impl Reader {
    /// The bytes of one item (a file, an entry, or text).
    fn read(&mut self, source: Source) -> Result<Vec<u8>, IntakeError> {
        match source {
            Source::File(path) => Ok(files::read_file(&path)?),
            Source::Text(text) => Ok(text.into_bytes()),
            Source::Failed(e) => Err(e),
            Source::ZipEntry { path, index } => {
                if self.archive.as_ref().is_none_or(|a| a.path() != path) {
                    self.archive = Some(Archive::open(&path)?);
                }
                Ok(self.archive.as_mut().expect("opened above").read(index)?)
            }
        }
    }

    /// The next item of `items` with its bytes, or `None` when all are read.
    fn next(&mut self, items: &Mutex<IntoIter<Item>>) -> Option<ItemBytes> {
        let item = items
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .next()?;
        Some((item.label, self.read(item.source)))
    }
}

/// An item's label with its bytes, or why they could not be had.
pub(super) type ItemBytes = (String, Result<Vec<u8>, IntakeError>);

/// At most this many items wait, read, for the importer: two batches' worth
/// of badges, so that the reader can read the whole next batch while the
/// importer stores this one. With 64, a folder of small files stopped the
/// reader a quarter of the way into each next batch, and the importer then
/// waited for it file by file (about 40 ms of an import of the bench's
/// 1,000 files; 7 ms with this)…
const AHEAD_ITEMS: usize = 2 * super::batch::DUE_BADGES;
/// …and the reader starts no new one while this many of their bytes wait,
/// so a folder of large images never fills memory.
const AHEAD_BYTES: usize = 16 << 20;

/// What the reader and the importer share about the items waiting.
#[derive(Debug, Default)]
struct Waiting {
    state: Mutex<WaitingState>,
    changed: Condvar,
}

#[derive(Debug, Default)]
struct WaitingState {
    /// The bytes read that the importer has not taken yet.
    bytes: usize,
    /// Set when the importer stops taking items.
    importer_gone: bool,
}

impl Waiting {
    fn state(&self) -> MutexGuard<'_, WaitingState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits until another item may be read; false once the importer has gone.
    fn room(&self) -> bool {
        let mut state = self.state();
        while state.bytes >= AHEAD_BYTES && !state.importer_gone {
            state = self
                .changed
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
        !state.importer_gone
    }

    fn read(&self, bytes: usize) {
        self.state().bytes += bytes;
    }

    fn taken(&self, bytes: usize) {
        let mut state = self.state();
        // The reader waits only while the limit is reached.
        let full = state.bytes >= AHEAD_BYTES;
        state.bytes -= bytes;
        if full {
            self.changed.notify_one();
        }
    }

    fn importer_gone(&self) {
        self.state().importer_gone = true;
        self.changed.notify_one();
    }
}

/// The size of what an item read holds.
fn size(read: &ItemBytes) -> usize {
    read.1.as_ref().map_or(0, Vec::len)
}

/// Items read in order on a thread of their own, ahead of the importer (up
/// to [`AHEAD_ITEMS`] and [`AHEAD_BYTES`]), so that the next files are read
/// while this batch is stored and flushed. Reads in the caller's thread
/// when no thread can be started.
pub(super) struct ReadAhead {
    items: Arc<Mutex<IntoIter<Item>>>,
    ahead: Option<(Receiver<ItemBytes>, JoinHandle<()>)>,
    waiting: Arc<Waiting>,
    inline: Reader,
}

impl ReadAhead {
    pub fn new(items: Vec<Item>) -> Self {
        let items = Arc::new(Mutex::new(items.into_iter()));
        let (send, receive) = sync_channel(AHEAD_ITEMS);
        let waiting = Arc::new(Waiting::default());
        let (shared, reported) = (Arc::clone(&items), Arc::clone(&waiting));
        let thread = std::thread::Builder::new()
            .name("satchel-read".into())
            .spawn(move || {
                let mut reader = Reader::default();
                while reported.room() {
                    let Some(read) = reader.next(&shared) else {
                        return;
                    };
                    reported.read(size(&read));
                    if send.send(read).is_err() {
                        return; // the importer stopped
                    }
                }
            });
        ReadAhead {
            items,
            ahead: thread.ok().map(|handle| (receive, handle)),
            waiting,
            inline: Reader::default(),
        }
    }
}

impl Iterator for ReadAhead {
    type Item = ItemBytes;

    fn next(&mut self) -> Option<ItemBytes> {
        if let Some((receive, _)) = &self.ahead {
            if let Ok(read) = receive.recv() {
                self.waiting.taken(size(&read));
                return Some(read);
            }
            // The thread has read everything, or died: pass a panic on.
            let (_, handle) = self.ahead.take().expect("matched above");
            if let Err(panic) = handle.join() {
                std::panic::resume_unwind(panic);
            }
        }
        self.inline.next(&self.items)
    }
}

impl Drop for ReadAhead {
    /// Stops the reader, waiting for room or to hand over an item, and
    /// waits for it to end (it ends after the item it is reading, if any).
    fn drop(&mut self) {
        if let Some((receive, handle)) = self.ahead.take() {
            self.waiting.importer_gone();
            drop(receive);
            let _ = handle.join();
        }
    }
}

/// Expands inputs into items: folders recursively (badge file endings only,
/// hidden files skipped), ZIP archives entry by entry, URLs as pasted text.
pub(super) fn expand(inputs: &[String]) -> Vec<Item> {
    let mut items = Vec::new();
    for input in inputs {
        let trimmed = input.trim();
        if trimmed.starts_with("http://") || trimmed.starts_with("https://") {
            items.push(Item {
                label: trimmed.to_owned(),
                source: Source::Text(trimmed.to_owned()),
            });
            continue;
        }
        expand_path(Path::new(input), &mut items);
    }
    items
}

/// Expands a path the learner named: a folder is walked (through a link,
/// too, since the learner chose it), any other file is an item whatever its
/// name (a ZIP is listed).
fn expand_path(path: &Path, items: &mut Vec<Item>) {
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_dir() => walk(path, items),
        Ok(_) => expand_file(path, true, items),
        Err(e) => failed(path, files::io_error(path, e).into(), items),
    }
}

/// Expands the files below `dir`, in name order: hidden ones skipped, and
/// a link to a folder refused, since it may lead anywhere, back up the tree
/// included. The kind of each entry comes with the folder's listing, so
/// only links are looked up.
fn walk(dir: &Path, items: &mut Vec<Item>) {
    let mut entries: Vec<(PathBuf, Option<std::fs::FileType>)> = match std::fs::read_dir(dir) {
        Ok(rd) => rd
            .filter_map(|e| e.ok().map(|e| (e.path(), e.file_type().ok())))
            .collect(),
        Err(e) => return failed(dir, files::io_error(dir, e).into(), items),
    };
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    for (path, kind) in entries {
        let hidden = path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'));
        if hidden {
            continue;
        }
        let link = kind.is_some_and(|k| k.is_symlink());
        let folder = match kind {
            Some(k) if !link => k.is_dir(),
            _ => path.is_dir(),
        };
        match (folder, link) {
            (true, true) => failed(
                &path,
                IntakeError::LinkedFolder { path: path.clone() },
                items,
            ),
            (true, false) => walk(&path, items),
            (false, _) => expand_file(&path, false, items),
        }
    }
}

/// Expands one file: a ZIP is listed entry by entry; any other is an item
/// when the learner `named` it or its ending is a badge file's.
fn expand_file(path: &Path, named: bool, items: &mut Vec<Item>) {
    let label = path.display().to_string();
    let ext = files::extension(&label);
    if ext == "zip" {
        match list_zip(path) {
            Ok(entries) => items.extend(entries),
            Err(e) => failed(path, e, items),
        }
    } else if named || BADGE_EXTENSIONS.contains(&ext.as_str()) {
        items.push(Item {
            label,
            source: Source::File(path.to_owned()),
        });
    }
}

/// An item for `path` that failed before it was read.
fn failed(path: &Path, e: IntakeError, items: &mut Vec<Item>) {
    items.push(Item {
        label: path.display().to_string(),
        source: Source::Failed(e),
    });
}

/// Lists the badge entries of a ZIP without inflating anything.
fn list_zip(path: &Path) -> Result<Vec<Item>, IntakeError> {
    let mut archive = Archive::open(path)?;
    let mut items = Vec::new();
    for entry in archive.entries()? {
        let base = entry.name.rsplit('/').next().unwrap_or(&entry.name);
        let hidden = base.starts_with('.') || entry.name.starts_with("__MACOSX/");
        let ext = files::extension(&entry.name);
        if hidden || !(BADGE_EXTENSIONS.contains(&ext.as_str()) || ext == "zip") {
            continue;
        }
        let label = archive.label(&entry.name);
        let source = if ext == "zip" {
            Source::Failed(IntakeError::NestedZip {
                label: label.clone(),
            })
        } else {
            Source::ZipEntry {
                path: path.to_owned(),
                index: entry.index,
            }
        };
        items.push(Item { label, source });
    }
    Ok(items)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_are_read_ahead_in_order_with_failures_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let mut items = Vec::new();
        for n in 0..50 {
            let path = dir.path().join(format!("{n:02}.json"));
            // Every fifth file is named but never written.
            if n % 5 != 0 {
                std::fs::write(&path, format!("{{\"n\": {n}}}")).unwrap();
            }
            items.push(Item {
                label: n.to_string(),
                source: Source::File(path),
            });
        }
        items.push(Item {
            label: "pasted".into(),
            source: Source::Text("https://b.example/a/1".into()),
        });
        let read: Vec<ItemBytes> = ReadAhead::new(items).collect();
        assert_eq!(read.len(), 51);
        for (n, (label, bytes)) in read.iter().take(50).enumerate() {
            assert_eq!(label, &n.to_string());
            match bytes {
                Ok(bytes) => assert_eq!(bytes, format!("{{\"n\": {n}}}").as_bytes()),
                Err(e) => assert!(n % 5 == 0, "{n}: {e}"),
            }
            assert_eq!(bytes.is_err(), n % 5 == 0, "{n}");
        }
        assert_eq!(read[50].1.as_deref().unwrap(), b"https://b.example/a/1");
    }

    #[test]
    fn the_reader_waits_at_the_byte_limit_and_stops_when_the_importer_goes() {
        let dir = tempfile::tempdir().unwrap();
        let half = vec![7u8; AHEAD_BYTES / 2];
        let items = (0..4)
            .map(|n| {
                let path = dir.path().join(format!("{n}.png"));
                std::fs::write(&path, &half).unwrap();
                Item {
                    label: n.to_string(),
                    source: Source::File(path),
                }
            })
            .collect();
        let mut ahead = ReadAhead::new(items);
        assert_eq!(ahead.next().unwrap().1.unwrap().len(), half.len());
        // The next two fill the limit; the fourth is not read meanwhile.
        let waiting = Arc::clone(&ahead.waiting);
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while waiting.state().bytes < AHEAD_BYTES {
            assert!(std::time::Instant::now() < deadline, "the reader is stuck");
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
        assert_eq!(
            waiting.state().bytes,
            AHEAD_BYTES,
            "two files wait, no third"
        );
        // Dropping it ends the waiting reader (or this test never ends).
        drop(ahead);
        assert!(waiting.state().importer_gone);
    }
}
