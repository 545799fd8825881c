//! Watching the site folder: saves become [`Changes`] for the rebuild thread.
//!
//! Editors save in bursts (a temp file, a rename, a metadata touch); the debouncer merges a
//! burst into one batch [`DEBOUNCE`] after its last event, and hands it to the rebuild
//! thread in the same queue as the page requests ([`Message::Files`]). The site root is watched without
//! recursion (for `config.toml`, and for `content/`, `templates/` or `static/` appearing
//! later), each of those three folders recursively. `public/` and anything else in the root
//! is ignored, so a `sitegen build` in another terminal does not trigger rebuilds.

use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;
use std::time::Duration;

use notify_debouncer_full::notify::{EventKind, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};

use super::Message;
use super::rebuild::Changes;
use crate::config::CONFIG_FILE;
use crate::diagnostics::Diagnostic;

/// What the watcher reports at once.
pub(crate) type Batch = DebounceEventResult;

/// Quiet time after the last event of a burst before it is handled.
const DEBOUNCE: Duration = Duration::from_millis(50);
/// The folders whose contents are watched.
const WATCHED: [&str; 4] = ["content", "templates", "static", crate::data::DATA_DIR];

/// The running watcher.
pub(crate) struct Events {
    debouncer: Debouncer<RecommendedWatcher, RecommendedCache>,
    pub root: PathBuf,
    /// Which of [`WATCHED`] are being watched right now.
    watching: [bool; 4],
}

/// Starts watching `root` (an absolute, canonical path); batches go to `rebuilds`.
pub(crate) fn start(root: &Path, rebuilds: Sender<Message>) -> Result<Events, Diagnostic> {
    let cannot = |e: notify_debouncer_full::notify::Error| {
        Diagnostic::new(root, format!("cannot watch the site for changes: {e}"))
    };
    let send = move |batch: Batch| {
        let _ = rebuilds.send(Message::Files(batch));
    };
    let mut debouncer = new_debouncer(DEBOUNCE, None, send).map_err(cannot)?;
    debouncer
        .watch(root, RecursiveMode::NonRecursive)
        .map_err(cannot)?;
    let mut events = Events {
        debouncer,
        root: root.to_path_buf(),
        watching: [false; 4],
    };
    events.watch_folders();
    Ok(events)
}

impl Events {
    /// Watches each of [`WATCHED`] that exists and is not watched yet (a folder created
    /// after start, or deleted and created again).
    pub fn watch_folders(&mut self) {
        for (i, name) in WATCHED.iter().enumerate() {
            let dir = self.root.join(name);
            let exists = dir.is_dir();
            if exists && !self.watching[i] {
                match self.debouncer.watch(&dir, RecursiveMode::Recursive) {
                    Ok(()) => self.watching[i] = true,
                    Err(e) => {
                        let warning = Diagnostic::warning(*name, format!("cannot watch it: {e}"))
                            .hint("saves in this folder will not rebuild the preview");
                        eprintln!("{warning}");
                    }
                }
            } else if !exists {
                self.watching[i] = false;
            }
        }
    }
}

/// What a batch of events touched. Watcher errors (an overflowing event queue) count as
/// "everything may have changed".
pub(crate) fn classify(root: &Path, batch: Batch) -> Changes {
    let mut changes = Changes::default();
    let events = match batch {
        Ok(events) => events,
        Err(errors) => {
            for e in errors {
                eprintln!(
                    "{}",
                    Diagnostic::warning(root, format!("file watcher: {e}"))
                );
            }
            return Changes::everything();
        }
    };
    for event in events {
        if matches!(event.kind, EventKind::Access(_)) {
            continue;
        }
        for path in &event.paths {
            touch(&mut changes, root, path);
        }
    }
    changes
}

fn touch(changes: &mut Changes, root: &Path, path: &Path) {
    let Ok(rel) = path.strip_prefix(root) else {
        return;
    };
    let mut parts = rel.components();
    let Some(first) = parts.next() else { return };
    let first = first.as_os_str();
    if first == "content" {
        content_path(changes, rel, path);
    } else if first == "templates" {
        changes.templates = true;
    } else if first == "static" {
        changes.statics = true;
    } else if first == crate::data::DATA_DIR {
        changes.data = true;
    } else if first == CONFIG_FILE && parts.next().is_none() {
        changes.config = true;
    }
}

/// A Markdown file is re-read by name; a folder means "walk again"; anything else that
/// vanished may have been a folder of articles (the builder checks); other files (editor
/// swap and backup files) are ignored.
fn content_path(changes: &mut Changes, rel: &Path, path: &Path) {
    let markdown = crate::paths::is_markdown(rel);
    if path.is_dir() {
        changes.walk = true;
    } else if (markdown || !path.exists()) && !changes.content.iter().any(|p| p == rel) {
        changes.content.push(rel.to_path_buf());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_site_sources_count() {
        let root = Path::new("/site");
        let mut c = Changes::default();
        touch(&mut c, root, Path::new("/site/public/index.html"));
        touch(&mut c, root, Path::new("/site/notes.txt"));
        touch(&mut c, root, Path::new("/elsewhere/content/a.md"));
        assert!(!c.any());
        touch(&mut c, root, Path::new("/site/content/资讯/a.md"));
        touch(&mut c, root, Path::new("/site/config.toml"));
        assert_eq!(c.content, vec![PathBuf::from("content/资讯/a.md")]);
        assert!(c.config && !c.templates && !c.statics && !c.walk && !c.data);
        touch(&mut c, root, Path::new("/site/data/hot.toml"));
        assert!(c.data);
    }
}
