//! Listing entries kept between builds, in the cache folder beside the search ledger.
//!
//! With Hugo's page numbering one new article moves every entry of every listing it is
//! in: at 100,000 articles a publish build renders 11,500 listing pages, and rendering
//! each article's entry again (and making the ref it is rendered from) was a sixth of
//! such a build's CPU time. An entry depends only on its article's ref and on what every
//! page depends on (this program, the templates, the config, the theme's strings), so it
//! is kept under a key made of the two hashes the page fingerprints already compute: an
//! entry whose key is found is the one the build would render.
//!
//! The file is a header, then records of `key (u64) · length (u32) · HTML`, a later record
//! of a key replacing an earlier one. A build appends the entries it rendered, and writes
//! the file anew when most of its records are stale (edited or deleted articles) or it
//! did not read whole (a build stopped mid-append). Being a cache, a file that cannot be
//! read is an empty store: every entry is rendered again.

use std::collections::HashMap;
use std::io::Write;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// The first bytes of the file: its format, bumped when a record changes shape.
const HEADER: &[u8; 16] = b"sitegen cards 1\n";
/// Bytes before a record's HTML: its key and length.
const RECORD_HEAD: usize = 12;

/// The entries a previous build kept, as read from the cache folder.
pub struct Store {
    path: PathBuf,
    bytes: Vec<u8>,
    /// Key → where its entry's HTML is in `bytes` (the last record of the key).
    at: HashMap<u64, Range<usize>>,
    /// Records in the file, stale ones included.
    records: usize,
    /// Whether the file was read to its end as records: appending to it is safe.
    whole: bool,
}

impl Store {
    /// The store at `path`: empty when there is none or it is of another format.
    pub fn read(path: &Path) -> Store {
        let bytes = std::fs::read(path).unwrap_or_default();
        let mut store = Store {
            path: path.to_path_buf(),
            bytes: Vec::new(),
            at: HashMap::new(),
            records: 0,
            whole: false,
        };
        if !bytes.starts_with(HEADER) {
            return store;
        }
        let mut pos = HEADER.len();
        while let Some(head) = bytes.get(pos..pos + RECORD_HEAD) {
            let (key, len) = head.split_at(8);
            let key = u64::from_le_bytes(key.try_into().unwrap_or_default());
            let len = u32::from_le_bytes(len.try_into().unwrap_or_default()) as usize;
            let html = pos + RECORD_HEAD..pos + RECORD_HEAD + len;
            if html.end > bytes.len() {
                break;
            }
            pos = html.end;
            store.at.insert(key, html);
            store.records += 1;
        }
        store.whole = pos == bytes.len();
        store.bytes = bytes;
        store
    }

    /// The HTML kept under `key`.
    pub fn get(&self, key: u64) -> Option<&str> {
        let bytes = self.bytes.get(self.at.get(&key)?.clone())?;
        simdutf8::basic::from_utf8(bytes).ok()
    }

    /// Saves the entries of this build's articles: `live` holds each article's key and,
    /// for those this build rendered, their HTML. Appends what the store lacks, or writes
    /// the file anew (live entries only) when stale records would outnumber live ones.
    /// Best effort: a store not saved only means entries rendered again.
    pub fn save<'a>(&self, live: impl Iterator<Item = (u64, Option<&'a str>)>) {
        let mut new = Vec::new();
        let mut keep = Vec::new();
        for (key, rendered) in live {
            match (self.get(key), rendered) {
                (Some(kept), _) => keep.push((key, kept)),
                (None, Some(html)) => new.push((key, html)),
                (None, None) => {}
            }
        }
        if new.is_empty() && self.whole {
            return;
        }
        let live = keep.len() + new.len();
        if self.whole && self.records + new.len() <= 2 * live.max(1) {
            let _ = self.append(&new);
        } else {
            let mut bytes = HEADER.to_vec();
            for (key, html) in keep.iter().chain(&new) {
                push_record(&mut bytes, *key, html);
            }
            if let Some(dir) = self.path.parent() {
                let _ = std::fs::create_dir_all(dir);
            }
            crate::content::cache::write_atomically(&self.path, &bytes);
        }
    }

    /// Adds `records` at the end of the file (a build stopped mid-write leaves a part
    /// record, which the next read leaves out, and the next save writes the file anew).
    fn append(&self, records: &[(u64, &str)]) -> std::io::Result<()> {
        let mut bytes = Vec::new();
        for (key, html) in records {
            push_record(&mut bytes, *key, html);
        }
        let mut file = std::fs::OpenOptions::new().append(true).open(&self.path)?;
        file.write_all(&bytes)
    }
}

fn push_record(bytes: &mut Vec<u8>, key: u64, html: &str) {
    // An entry is a few hundred bytes; one past 4 GB is not kept.
    let Ok(len) = u32::try_from(html.len()) else {
        return;
    };
    bytes.extend_from_slice(&key.to_le_bytes());
    bytes.extend_from_slice(&len.to_le_bytes());
    bytes.extend_from_slice(html.as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn saved(path: &Path, live: &[(u64, Option<&str>)]) -> Store {
        Store::read(path).save(live.iter().copied());
        Store::read(path)
    }

    #[test]
    fn entries_are_kept_by_key_and_new_ones_appended() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("generated/cards-x.bin");
        let store = saved(&path, &[(1, Some("<li>一</li>")), (2, Some("<li>二</li>"))]);
        assert_eq!(
            (store.get(1), store.get(2)),
            (Some("<li>一</li>"), Some("<li>二</li>"))
        );
        let before = std::fs::metadata(&path).expect("file").len();
        // Entry 1 kept, 3 new: appended, not written anew.
        let store = saved(&path, &[(1, None), (2, None), (3, Some("<li>三</li>"))]);
        assert_eq!(store.get(3), Some("<li>三</li>"));
        assert_eq!(store.records, 3);
        let after = std::fs::metadata(&path).expect("file").len();
        assert_eq!(after, before + 12 + "<li>三</li>".len() as u64);
        // Nothing new: the file is left as it is.
        saved(&path, &[(1, None), (3, None)]);
        assert_eq!(std::fs::metadata(&path).expect("file").len(), after);
    }

    #[test]
    fn stale_entries_are_dropped_once_they_outnumber_live_ones() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("cards.bin");
        saved(&path, &[(1, Some("a")), (2, Some("b")), (3, Some("c"))]);
        // Articles 1-3 edited away: their records stay until they outnumber the live.
        let store = saved(&path, &[(4, Some("d"))]);
        assert_eq!(store.records, 1, "written anew with the live entry only");
        assert_eq!((store.get(1), store.get(4)), (None, Some("d")));
    }

    #[test]
    fn a_part_record_or_another_format_reads_as_what_is_whole() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("cards.bin");
        saved(&path, &[(1, Some("整条")), (2, Some("半条"))]);
        let bytes = std::fs::read(&path).expect("file");
        std::fs::write(&path, &bytes[..bytes.len() - 2]).expect("cut");
        let store = Store::read(&path);
        assert_eq!((store.get(1), store.get(2)), (Some("整条"), None));
        assert!(!store.whole);
        // The next save writes it anew, whole.
        let store = saved(&path, &[(1, None), (2, Some("半条"))]);
        assert!(store.whole && store.get(2) == Some("半条"));
        std::fs::write(&path, b"sitegen cards 0\n").expect("old format");
        assert_eq!(Store::read(&path).records, 0);
    }
}
