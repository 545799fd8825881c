//! The pages being served: each planned page's fingerprint, and a bounded cache of the
//! pages rendered so far.
//!
//! Holding every rendered page costs as much memory as the whole output (380 MB at 10,000
//! articles), for pages nobody opens during an editing session; and an edit that shows on
//! every page (a tag count in the side column) would have to render them all before the
//! writer sees it. So a page is rendered when it is asked for, and the most recently asked
//! for are kept, up to a budget in bytes. A cached copy is served only while its
//! fingerprint is the page's current one: a rebuild that changes a page's inputs makes its
//! copy unreachable at once, and drops it.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::body::Bytes;

/// The cache's budget when `SITEGEN_SERVE_CACHE_KB` does not set one: about 1,500 article
/// pages, far more than a writer opens between two edits.
const DEFAULT_BUDGET: usize = 32 << 20;

/// A planned page: what its inputs hash to, and where it is in the plan being served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Planned {
    pub fingerprint: u64,
    pub at: usize,
}

/// What the table knows of a file.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Lookup {
    /// No page is planned at that path.
    NotAPage,
    /// The page, as last rendered with its current inputs.
    Hit(Bytes),
    /// A page, not rendered since its inputs last changed.
    Miss,
}

struct Cached {
    fingerprint: u64,
    bytes: Bytes,
    /// When it was last served, on [`PageTable::clock`]: the least recent goes first.
    used: AtomicU64,
}

pub(crate) struct PageTable {
    /// Output file (`tags/马斯克/index.html`) → the page planned there.
    index: HashMap<String, Planned>,
    cache: HashMap<String, Cached>,
    cached_bytes: usize,
    budget: usize,
    /// Counts lookups; readers bump it under the read lock.
    clock: AtomicU64,
}

impl PageTable {
    pub fn new(budget: usize) -> Self {
        PageTable {
            index: HashMap::new(),
            cache: HashMap::new(),
            cached_bytes: 0,
            budget,
            clock: AtomicU64::new(0),
        }
    }

    /// The budget set by `SITEGEN_SERVE_CACHE_KB` (read here only; tests shrink it), else
    /// [`DEFAULT_BUDGET`].
    pub fn budget_from_env() -> usize {
        std::env::var("SITEGEN_SERVE_CACHE_KB")
            .ok()
            .and_then(|kb| kb.trim().parse::<usize>().ok())
            .map_or(DEFAULT_BUDGET, |kb| kb.saturating_mul(1024))
    }

    pub fn lookup(&self, file: &str) -> Lookup {
        let Some(planned) = self.index.get(file) else {
            return Lookup::NotAPage;
        };
        match self.cache.get(file) {
            Some(c) if c.fingerprint == planned.fingerprint => {
                let now = self.clock.fetch_add(1, Ordering::Relaxed);
                c.used.store(now, Ordering::Relaxed);
                Lookup::Hit(c.bytes.clone())
            }
            _ => Lookup::Miss,
        }
    }

    pub fn planned(&self, file: &str) -> Option<Planned> {
        self.index.get(file).copied()
    }

    pub fn is_page(&self, file: &str) -> bool {
        self.index.contains_key(file)
    }

    pub fn len(&self) -> usize {
        self.index.len()
    }

    /// Takes a new plan's pages, each output file (`files`) with its fingerprint
    /// (`prints`), in plan order. Returns how many are new or changed, and how many are
    /// gone; their cached copies are dropped. When the plan has the same files as the last
    /// (any edit but an added, deleted or moved page) the table is updated in place.
    pub fn replace(&mut self, files: &[String], prints: Vec<u64>) -> (usize, usize) {
        let same_files = files.len() == self.index.len()
            && files.iter().all(|file| self.index.contains_key(file));
        let (mut changed, mut removed) = (0, 0);
        if same_files {
            for (at, (file, fingerprint)) in files.iter().zip(prints).enumerate() {
                if let Some(planned) = self.index.get_mut(file) {
                    changed += usize::from(planned.fingerprint != fingerprint);
                    *planned = Planned { fingerprint, at };
                }
            }
        } else {
            let index: HashMap<String, Planned> = files
                .iter()
                .zip(prints)
                .enumerate()
                .map(|(at, (file, fingerprint))| (file.clone(), Planned { fingerprint, at }))
                .collect();
            changed = index
                .iter()
                .filter(|(file, p)| {
                    self.index
                        .get(*file)
                        .is_none_or(|old| old.fingerprint != p.fingerprint)
                })
                .count();
            removed = self
                .index
                .keys()
                .filter(|file| !index.contains_key(*file))
                .count();
            self.index = index;
        }
        let index = &self.index;
        let mut freed = 0;
        self.cache.retain(|file, c| {
            let current = index
                .get(file)
                .is_some_and(|p| p.fingerprint == c.fingerprint);
            if !current {
                freed += c.bytes.len();
            }
            current
        });
        self.cached_bytes -= freed;
        (changed, removed)
    }

    /// Keeps a page just rendered for `fingerprint`, unless its inputs changed meanwhile;
    /// then drops the least recently served pages until the cache fits its budget.
    pub fn keep(&mut self, file: &str, fingerprint: u64, bytes: Bytes) {
        if self
            .index
            .get(file)
            .is_none_or(|p| p.fingerprint != fingerprint)
        {
            return;
        }
        let now = self.clock.fetch_add(1, Ordering::Relaxed);
        self.cached_bytes += bytes.len();
        let cached = Cached {
            fingerprint,
            bytes,
            used: AtomicU64::new(now),
        };
        if let Some(old) = self.cache.insert(file.to_string(), cached) {
            self.cached_bytes -= old.bytes.len();
        }
        if self.cached_bytes > self.budget {
            self.evict();
        }
    }

    /// Drops the least recently served pages until the cache holds at most 7/8 of its
    /// budget, so that a full cache does not sort itself on every page rendered.
    fn evict(&mut self) {
        let target = self.budget / 8 * 7;
        let mut by_age: Vec<(u64, String)> = self
            .cache
            .iter()
            .map(|(file, c)| (c.used.load(Ordering::Relaxed), file.clone()))
            .collect();
        by_age.sort_unstable();
        for (_, file) in by_age {
            if self.cached_bytes <= target {
                break;
            }
            if let Some(c) = self.cache.remove(&file) {
                self.cached_bytes -= c.bytes.len();
            }
        }
    }

    /// Bytes held by cached pages.
    pub fn cached_bytes(&self) -> usize {
        self.cached_bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `table.replace` with a plan of these pages, each file with its fingerprint.
    fn replace(table: &mut PageTable, pages: &[(&str, u64)]) -> (usize, usize) {
        let files: Vec<String> = pages.iter().map(|(file, _)| file.to_string()).collect();
        table.replace(&files, pages.iter().map(|&(_, print)| print).collect())
    }

    fn page(n: usize) -> Bytes {
        Bytes::from(vec![b'x'; n])
    }

    #[test]
    fn a_cached_page_is_served_only_while_its_inputs_are_unchanged() {
        let mut table = PageTable::new(1 << 20);
        assert_eq!(replace(&mut table, &[("a.html", 1), ("b.html", 2)]), (2, 0));
        assert_eq!(table.lookup("a.html"), Lookup::Miss);
        assert_eq!(table.lookup("c.html"), Lookup::NotAPage);
        table.keep("a.html", 1, page(10));
        table.keep("b.html", 2, page(10));
        assert_eq!(table.lookup("a.html"), Lookup::Hit(page(10)));

        // The same pages, b changed: updated in place.
        assert_eq!(replace(&mut table, &[("b.html", 3), ("a.html", 1)]), (1, 0));
        assert_eq!(table.planned("a.html").map(|p| p.at), Some(1));
        assert_eq!(table.lookup("b.html"), Lookup::Miss);
        // c is new; nothing went away.
        let next = [("a.html", 1), ("b.html", 3), ("c.html", 4)];
        assert_eq!(replace(&mut table, &next), (1, 0));
        assert_eq!(table.lookup("a.html"), Lookup::Hit(page(10)));
        assert_eq!(table.lookup("b.html"), Lookup::Miss);
        assert_eq!(table.cached_bytes(), 10, "b's old copy is dropped");

        // A render of b's old inputs, finished after the change, is not kept.
        table.keep("b.html", 2, page(10));
        assert_eq!(table.lookup("b.html"), Lookup::Miss);

        // a is deleted: gone from the index and the cache.
        assert_eq!(replace(&mut table, &[("b.html", 3), ("c.html", 4)]), (0, 1));
        assert_eq!(table.lookup("a.html"), Lookup::NotAPage);
        assert_eq!(table.cached_bytes(), 0);
    }

    #[test]
    fn the_least_recently_served_pages_go_first() {
        let mut table = PageTable::new(100);
        let pages: Vec<(String, u64)> = (0..4).map(|i| (format!("{i}.html"), i)).collect();
        let named: Vec<(&str, u64)> = pages.iter().map(|(f, p)| (f.as_str(), *p)).collect();
        replace(&mut table, &named);
        table.keep("0.html", 0, page(40));
        table.keep("1.html", 1, page(40));
        // 0 is served again: 1 is now the least recent.
        assert!(matches!(table.lookup("0.html"), Lookup::Hit(_)));
        table.keep("2.html", 2, page(40));
        assert!(table.cached_bytes() <= 100);
        assert!(matches!(table.lookup("0.html"), Lookup::Hit(_)));
        assert_eq!(table.lookup("1.html"), Lookup::Miss);
        assert!(matches!(table.lookup("2.html"), Lookup::Hit(_)));

        // A budget of nothing keeps nothing.
        let mut none = PageTable::new(0);
        replace(&mut none, &named);
        none.keep("0.html", 0, page(1));
        assert_eq!(none.lookup("0.html"), Lookup::Miss);
        assert_eq!(none.cached_bytes(), 0);
    }
}
