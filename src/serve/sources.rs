//! The parse cache: every Markdown file under `content/` as last read.
//!
//! A save re-reads only the files the watcher named; after a folder change (or the first
//! time) `content/` is walked and only files whose modification time or size changed are
//! read. Each new parse gets a new version number, which page fingerprints use.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use rayon::prelude::*;

use super::rebuild::Changes;
use crate::config::SiteConfig;
use crate::content::shortcodes::Shortcodes;
use crate::diagnostics::Diagnostic;
use crate::load::{self, LoadOptions};
use crate::model::{Article, TextStore};
use crate::paths::is_markdown;

/// A file's modification time and size: a change in either means "read it again".
type Stamp = (Option<SystemTime>, u64);

/// One Markdown file as last read.
pub(crate) struct Source {
    stamp: Stamp,
    pub version: u64,
    pub parsed: Parsed,
    /// What its last parse warned about.
    pub warnings: Vec<Diagnostic>,
}

pub(crate) enum Parsed {
    /// Its article is in the model.
    InSite,
    /// Parsed, not yet in the model: just saved, or dated in the future.
    Waiting(Box<Article>),
    /// A standalone page or an `_index.md`: kept here, and copied into every model
    /// assembled (they are few, and no model is updated in place for them).
    Other(Box<load::Item>),
    /// A draft, left out.
    Draft,
    Failed(Diagnostic),
}

pub(crate) struct Sources {
    pub root: PathBuf,
    drafts: bool,
    pub files: HashMap<PathBuf, Source>,
    /// Files added, changed or removed since the model last took them in.
    pub dirty: HashSet<PathBuf>,
    /// `content/` has been walked since the cache was last cleared.
    scanned: bool,
    next_version: u64,
    /// The shortcode templates every article was expanded with.
    shortcodes: Shortcodes,
    /// What the set of files says about each (see [`crate::content::kinds::Layout`]):
    /// kept while no file comes or goes (at 100,000 files it takes 30 ms to learn).
    layout: Option<crate::content::kinds::Layout>,
    /// Where each article's plain text goes as soon as it is read (see [`LazyText`]):
    /// only the search index reads it, and a session holds the model for hours. None
    /// until first needed, and when it cannot be made (a read-only site): then the texts
    /// stay in memory.
    ///
    /// [`LazyText`]: crate::model::LazyText
    texts: Option<Arc<TextStore>>,
}

impl Sources {
    pub fn new(root: PathBuf, drafts: bool) -> Self {
        Sources {
            root,
            drafts,
            files: HashMap::new(),
            dirty: HashSet::new(),
            scanned: false,
            next_version: 1,
            shortcodes: Shortcodes::default(),
            layout: None,
            texts: None,
        }
    }

    /// Takes the shortcode templates as now on disk; when they changed, every article is
    /// read again, since their output is part of the article. Returns whether they changed.
    pub fn set_shortcodes(&mut self, shortcodes: Shortcodes) -> bool {
        let changed = shortcodes != self.shortcodes;
        if changed {
            self.shortcodes = shortcodes;
            self.clear();
        }
        changed
    }

    /// Forgets every file (the config changed: time zone, permalink pattern and CJK
    /// spacing shape every parsed article).
    pub fn clear(&mut self) {
        self.files.clear();
        self.dirty.clear();
        self.scanned = false;
        self.layout = None;
        // Every text is read again: a new store, and the old one goes (its file with it)
        // once the model it fed is gone, rather than growing by the whole site each time.
        self.texts = None;
    }

    /// Every file's parse error and warnings.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        let mut all = Vec::new();
        for source in self.files.values() {
            if let Parsed::Failed(e) = &source.parsed {
                all.push(e.clone());
            }
            all.extend(source.warnings.iter().cloned());
        }
        all
    }

    /// Re-reads what changed under `content/`. Returns how many files were read and the
    /// walk's own errors.
    pub fn refresh(&mut self, changes: &Changes, config: &SiteConfig) -> (usize, Vec<Diagnostic>) {
        let mut walk = changes.walk || !self.scanned;
        let mut named: Vec<PathBuf> = Vec::new();
        for rel in &changes.content {
            let ignored = rel
                .strip_prefix(load::CONTENT_DIR)
                .is_ok_and(|under| config.ignore.is_ignored(under));
            if crate::paths::is_hidden(rel) || ignored {
                continue; // as the walk skips it (an editor's `.#a.md`, `.obsidian/`)
            } else if is_markdown(rel) {
                named.push(rel.clone());
            } else if self.files.keys().any(|p| p.starts_with(rel)) {
                // A folder holding articles vanished or was renamed.
                walk = true;
            }
        }
        let (candidates, errors) = if walk {
            self.walk(config)
        } else {
            (named, Vec::new())
        };
        // What the saved files are depends on the others (a new `index.md` makes a bundle).
        let known = !walk
            && candidates
                .iter()
                .all(|rel| self.files.contains_key(rel) && self.root.join(rel).is_file());
        if !known || self.layout.is_none() {
            self.layout = Some(crate::content::kinds::Layout::new(
                &self.root,
                self.files.keys().chain(candidates.iter()),
            ));
        }
        let layout = self.layout.clone().unwrap_or_default();
        let root = &self.root;
        let files = &self.files;
        let changed: Vec<(PathBuf, Option<Stamp>)> = candidates
            .into_par_iter()
            .map(|rel| {
                let stamp = stamp(&root.join(&rel));
                (rel, stamp)
            })
            .filter(|(rel, stamp)| match (files.get(rel), stamp) {
                (Some(source), Some(stamp)) => source.stamp != *stamp,
                (None, None) => false,
                _ => true,
            })
            .collect();
        // Future articles are parsed too and held back by the model, against the clock of
        // each build: one dated an hour ahead appears by itself an hour later.
        let options = LoadOptions {
            drafts: self.drafts,
            future: true,
            now: crate::site::now(config.offset),
            shortcodes: &self.shortcodes,
        };
        if self.texts.is_none() && !changed.is_empty() {
            // In the cache folder, on the site's disk (a temporary folder may be memory).
            let folder = config.root.join(&config.raw.images.cache_dir);
            self.texts = TextStore::create_in(&folder).ok();
        }
        let texts = self.texts.as_ref();
        type Read = (Stamp, Parsed, Vec<Diagnostic>);
        let fresh: Vec<(PathBuf, Option<Read>)> = changed
            .into_par_iter()
            .map(|(rel, stamp)| {
                let parsed = stamp.map(|stamp| {
                    let (parsed, warnings) =
                        match load::load_file(root, &rel, config, options, &layout) {
                            Ok((Some(load::Item::Article(mut article)), warnings)) => {
                                if let Some(store) = texts {
                                    // Kept in memory if it cannot be written.
                                    let _ = article.text.store_in(store);
                                }
                                (Parsed::Waiting(article), warnings)
                            }
                            Ok((Some(load::Item::Skipped(_)) | None, warnings)) => {
                                (Parsed::Draft, warnings)
                            }
                            Ok((Some(other), warnings)) => {
                                (Parsed::Other(Box::new(other)), warnings)
                            }
                            Err(e) => (Parsed::Failed(e), Vec::new()),
                        };
                    (stamp, parsed, warnings)
                });
                (rel, parsed)
            })
            .collect();
        let mut read = 0;
        for (rel, parsed) in fresh {
            self.dirty.insert(rel.clone());
            let Some((stamp, parsed, warnings)) = parsed else {
                self.files.remove(&rel);
                continue;
            };
            read += 1;
            let version = self.next_version;
            self.next_version += 1;
            let source = Source {
                stamp,
                version,
                parsed,
                warnings,
            };
            self.files.insert(rel, source);
        }
        (read, errors)
    }

    /// Every Markdown file under `content/`, after dropping the cached ones now gone.
    fn walk(&mut self, config: &SiteConfig) -> (Vec<PathBuf>, Vec<Diagnostic>) {
        let (found, errors) = load::find_markdown(&self.root, &config.ignore);
        let present: HashSet<&PathBuf> = found.iter().collect();
        let gone: Vec<PathBuf> = self
            .files
            .keys()
            .filter(|p| !present.contains(p))
            .cloned()
            .collect();
        for path in gone {
            self.files.remove(&path);
            self.dirty.insert(path);
        }
        self.scanned = true;
        (found, errors)
    }
}

/// `None` when the file is gone (or is not a file).
fn stamp(path: &Path) -> Option<Stamp> {
    let meta = std::fs::metadata(path).ok()?;
    meta.is_file().then(|| (meta.modified().ok(), meta.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(root: &Path) -> SiteConfig {
        std::fs::write(
            root.join("config.toml"),
            "title = \"t\"\nbase_url = \"https://t.example.com/\"\n",
        )
        .unwrap();
        SiteConfig::load(root, None).unwrap()
    }

    fn article(title: &str) -> String {
        format!("+++\ntitle = \"{title}\"\ndate = 2024-03-11T09:30:00+08:00\n+++\n正文\n")
    }

    #[test]
    fn only_named_or_changed_files_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let config = config(root);
        std::fs::create_dir_all(root.join("content/资讯")).unwrap();
        std::fs::write(root.join("content/资讯/a.md"), article("甲")).unwrap();
        std::fs::write(root.join("content/资讯/b.md"), article("乙")).unwrap();
        let mut sources = Sources::new(root.to_path_buf(), false);
        let (read, errors) = sources.refresh(&Changes::everything(), &config);
        assert_eq!((read, errors.len()), (2, 0));
        sources.dirty.clear();

        // Nothing changed: a walk reads nothing.
        assert_eq!(sources.refresh(&Changes::everything(), &config).0, 0);
        // A named file that changed is read; a swap file is not.
        std::fs::write(root.join("content/资讯/a.md"), article("甲二")).unwrap();
        let named = Changes {
            content: vec![
                PathBuf::from("content/资讯/a.md"),
                PathBuf::from("content/资讯/.a.md.swp"),
            ],
            ..Changes::default()
        };
        assert_eq!(sources.refresh(&named, &config).0, 1);
        let a = PathBuf::from("content/资讯/a.md");
        assert!(sources.dirty.contains(&a));
        let version = sources.files[&a].version;

        // A vanished folder of articles means a walk, which drops them.
        std::fs::remove_dir_all(root.join("content/资讯")).unwrap();
        let vanished = Changes {
            content: vec![PathBuf::from("content/资讯")],
            ..Changes::default()
        };
        sources.refresh(&vanished, &config);
        assert!(sources.files.is_empty() && sources.dirty.len() == 2);
        assert!(version > 2);
    }

    #[test]
    fn a_changed_shortcode_template_rereads_every_article() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let config = config(root);
        std::fs::create_dir_all(root.join("content")).unwrap();
        std::fs::write(root.join("content/a.md"), article("甲")).unwrap();
        let mut sources = Sources::new(root.to_path_buf(), false);
        sources.refresh(&Changes::everything(), &config);
        // The same templates: nothing to read again.
        assert!(!sources.set_shortcodes(Shortcodes::load(root)));
        assert_eq!(sources.files.len(), 1);
        std::fs::create_dir_all(root.join("templates/shortcodes")).unwrap();
        std::fs::write(root.join("templates/shortcodes/x.html"), "x").unwrap();
        assert!(sources.set_shortcodes(Shortcodes::load(root)));
        assert!(sources.files.is_empty());
        assert_eq!(sources.refresh(&Changes::default(), &config).0, 1);
    }
}
