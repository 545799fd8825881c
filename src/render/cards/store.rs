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
//! Two files: the entries (`.bin`: a header, then records of `key (u64) · length (u32) ·
//! HTML`), and an index of the live ones (`.idx`: `key · offset (u64) · length (u32)`).
//! A build reads the index (2 MB at 100,000 articles) and each entry it needs where it
//! lies: with stable numbering a publish needs a few hundred of the 129 MB. It appends
//! the entries it rendered and writes the index anew; the entries' file is written anew
//! when stale records would outweigh live ones. Each record repeats its key, checked on
//! reading, so an index that points elsewhere (a build stopped between the two files)
//! finds nothing, never another article's entry. Being a cache, what cannot be read is
//! rendered again.

use std::collections::HashMap;
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The first bytes of the entries' file: its format, bumped when a record changes shape.
const HEADER: &[u8; 16] = b"sitegen cards 2\n";
/// The first bytes of the index.
const INDEX_HEADER: &[u8; 16] = b"sitegen cardx 2\n";
/// Bytes before a record's HTML: its key and length.
const RECORD_HEAD: usize = 12;
/// Bytes of an index entry: key, offset, length.
const INDEX_ENTRY: usize = 20;

/// The entries a previous build kept, as its index lists them.
pub struct Store {
    path: PathBuf,
    file: Option<File>,
    /// Key → its record's offset and HTML length in the entries' file.
    at: HashMap<u64, (u64, u32)>,
    /// The entries' file's length, stale records included.
    len: u64,
}

impl Store {
    /// The store at `path` (its index beside it): empty when there is none or it is of
    /// another format.
    pub fn read(path: &Path) -> Store {
        let mut store = Store {
            path: path.to_path_buf(),
            file: None,
            at: HashMap::new(),
            len: 0,
        };
        let Ok(file) = File::open(path) else {
            return store;
        };
        let mut header = [0; HEADER.len()];
        let len = file.metadata().map_or(0, |m| m.len());
        if read_at(&file, &mut header, 0).is_err() || &header != HEADER {
            return store;
        }
        let index = std::fs::read(index_path(path)).unwrap_or_default();
        if let Some(entries) = index.strip_prefix(INDEX_HEADER) {
            for e in entries.chunks_exact(INDEX_ENTRY) {
                let (key, rest) = e.split_at(8);
                let (offset, html) = rest.split_at(8);
                let (key, offset, html) = (le_u64(key), le_u64(offset), le_u32(html));
                if offset + (RECORD_HEAD as u64) + u64::from(html) <= len {
                    store.at.insert(key, (offset, html));
                }
            }
        }
        store.file = Some(file);
        store.len = len;
        store
    }

    /// The HTML kept under `key`.
    pub fn get(&self, key: u64) -> Option<String> {
        let (offset, len) = *self.at.get(&key)?;
        let mut buf = vec![0; RECORD_HEAD + len as usize];
        read_at(self.file.as_ref()?, &mut buf, offset).ok()?;
        let (head, html) = buf.split_at(RECORD_HEAD);
        let (stored_key, stored_len) = head.split_at(8);
        if le_u64(stored_key) != key || le_u32(stored_len) != len {
            return None;
        }
        simdutf8::basic::from_utf8(html).ok()?;
        buf.drain(..RECORD_HEAD);
        // SAFETY: checked as UTF-8 just above (simdutf8, fast on Chinese text).
        Some(unsafe { String::from_utf8_unchecked(buf) })
    }

    /// Saves the entries of this build's articles: `live` holds each article's key and,
    /// for those this build rendered, their HTML. Appends the entries the store lacks and
    /// writes the index of the live ones; writes the entries' file anew when its stale
    /// records would outweigh the live. Best effort: a store not saved only means entries
    /// rendered again.
    pub fn save<'a>(&self, live: impl Iterator<Item = (u64, Option<&'a str>)>) {
        let mut kept = Vec::new();
        let mut new = Vec::new();
        for (key, rendered) in live {
            // An entry rendered though the index has it: its record did not check out.
            match (rendered, self.at.get(&key)) {
                (Some(html), _) => new.push((key, html)),
                (None, Some(&at)) => kept.push((key, at)),
                (None, None) => {}
            }
        }
        if new.is_empty() && kept.len() == self.at.len() {
            return;
        }
        let new_bytes = records_len(new.iter().copied()) as u64;
        let live_bytes = new_bytes
            + kept
                .iter()
                .map(|(_, (_, l))| record_len(*l as usize) as u64)
                .sum::<u64>();
        if let Some(dir) = self.path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let stale_bytes = (self.len + new_bytes).saturating_sub(live_bytes + HEADER.len() as u64);
        let appendable = self.file.is_some() && stale_bytes <= live_bytes;
        let index = if appendable {
            self.append(kept, &new)
        } else {
            self.rewrite(kept, &new)
        };
        if let Some(index) = index {
            crate::content::cache::write_atomically(&index_path(&self.path), &index);
        }
    }

    /// Appends `new` to the entries' file; returns the index of `kept` and `new`.
    fn append(&self, kept: Vec<(u64, (u64, u32))>, new: &[(u64, &str)]) -> Option<Vec<u8>> {
        let mut file = std::fs::OpenOptions::new()
            .append(true)
            .open(&self.path)
            .ok()?;
        let offset = file.metadata().ok()?.len();
        let mut bytes = Vec::with_capacity(records_len(new.iter().copied()));
        let mut index = kept;
        for &(key, html) in new {
            let len = u32::try_from(html.len()).ok()?;
            index.push((key, (offset + bytes.len() as u64, len)));
            push_record(&mut bytes, key, html, len);
        }
        file.write_all(&bytes).ok()?;
        Some(index_bytes(&index))
    }

    /// Writes the entries' file anew with `kept` (read back) and `new` only; returns its
    /// index.
    fn rewrite(&self, kept: Vec<(u64, (u64, u32))>, new: &[(u64, &str)]) -> Option<Vec<u8>> {
        let mut index = Vec::with_capacity(kept.len() + new.len());
        let kept_html = kept
            .into_iter()
            .filter_map(|(key, _)| Some((key, self.get(key)?)));
        let kept_html: Vec<(u64, String)> = kept_html.collect();
        let all = || {
            let kept = kept_html.iter().map(|(k, h)| (*k, h.as_str()));
            kept.chain(new.iter().copied())
        };
        let mut bytes = Vec::with_capacity(HEADER.len() + records_len(all()));
        bytes.extend_from_slice(HEADER);
        for (key, html) in all() {
            let Ok(len) = u32::try_from(html.len()) else {
                continue;
            };
            index.push((key, (bytes.len() as u64, len)));
            push_record(&mut bytes, key, html, len);
        }
        crate::content::cache::write_atomically(&self.path, &bytes).then(|| index_bytes(&index))
    }
}

fn index_path(path: &Path) -> PathBuf {
    path.with_extension("idx")
}

fn index_bytes(index: &[(u64, (u64, u32))]) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(INDEX_HEADER.len() + index.len() * INDEX_ENTRY);
    bytes.extend_from_slice(INDEX_HEADER);
    for (key, (offset, len)) in index {
        bytes.extend_from_slice(&key.to_le_bytes());
        bytes.extend_from_slice(&offset.to_le_bytes());
        bytes.extend_from_slice(&len.to_le_bytes());
    }
    bytes
}

/// The bytes `records` take in the entries' file: reserved up front, since a cold build
/// writes every article's entry (13 MB at 10,000 articles) and a buffer grown by doubling
/// faults in and copies twice that.
fn records_len<'a>(records: impl Iterator<Item = (u64, &'a str)>) -> usize {
    records.map(|(_, html)| record_len(html.len())).sum()
}

/// The bytes of one record holding `html_len` bytes of HTML.
fn record_len(html_len: usize) -> usize {
    RECORD_HEAD + html_len
}

fn push_record(bytes: &mut Vec<u8>, key: u64, html: &str, len: u32) {
    bytes.extend_from_slice(&key.to_le_bytes());
    bytes.extend_from_slice(&len.to_le_bytes());
    bytes.extend_from_slice(html.as_bytes());
}

fn le_u64(bytes: &[u8]) -> u64 {
    u64::from_le_bytes(bytes.try_into().unwrap_or_default())
}

fn le_u32(bytes: &[u8]) -> u32 {
    u32::from_le_bytes(bytes.try_into().unwrap_or_default())
}

/// Reads `buf.len()` bytes at `offset`, from any thread at once.
#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
}

#[cfg(windows)]
fn read_at(file: &File, mut buf: &mut [u8], mut offset: u64) -> std::io::Result<()> {
    while !buf.is_empty() {
        match std::os::windows::fs::FileExt::seek_read(file, buf, offset)? {
            0 => return Err(std::io::ErrorKind::UnexpectedEof.into()),
            n => {
                buf = &mut buf[n..];
                offset += n as u64;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn saved(path: &Path, live: &[(u64, Option<&str>)]) -> Store {
        Store::read(path).save(live.iter().copied());
        Store::read(path)
    }

    fn size(path: &Path) -> u64 {
        std::fs::metadata(path).expect("file").len()
    }

    #[test]
    fn entries_are_kept_by_key_and_new_ones_appended() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("generated/cards-x.bin");
        let store = saved(&path, &[(1, Some("<li>一</li>")), (2, Some("<li>二</li>"))]);
        assert_eq!(store.get(1).as_deref(), Some("<li>一</li>"));
        assert_eq!(store.get(2).as_deref(), Some("<li>二</li>"));
        let before = size(&path);
        // Entries 1 and 2 kept, 3 new: appended, not written anew.
        let store = saved(&path, &[(1, None), (2, None), (3, Some("<li>三</li>"))]);
        assert_eq!(store.get(3).as_deref(), Some("<li>三</li>"));
        let after = size(&path);
        assert_eq!(after, before + 12 + "<li>三</li>".len() as u64);
        // Nothing new, nothing gone: both files are left as they are.
        let index = std::fs::read(index_path(&path)).expect("index");
        saved(&path, &[(1, None), (2, None), (3, None)]);
        assert_eq!(size(&path), after);
        assert_eq!(std::fs::read(index_path(&path)).expect("index"), index);
        assert_eq!(store.get(4), None);
    }

    #[test]
    fn stale_entries_are_dropped_once_they_outweigh_live_ones() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("cards.bin");
        saved(
            &path,
            &[(1, Some("aaaa")), (2, Some("bbbb")), (3, Some("cccc"))],
        );
        // Article 1 gone: out of the index at once, its record left while it weighs less
        // than the live ones.
        let store = saved(&path, &[(2, None), (3, None)]);
        assert_eq!(
            (store.get(1), store.get(2).as_deref()),
            (None, Some("bbbb"))
        );
        assert_eq!(size(&path), 16 + 3 * 16);
        // Articles 2 and 3 edited away: written anew with the live entry only.
        let store = saved(&path, &[(4, Some("dddd"))]);
        assert_eq!(size(&path), 16 + 16);
        assert_eq!(
            (store.get(2), store.get(4).as_deref()),
            (None, Some("dddd"))
        );
    }

    #[test]
    fn a_cut_file_or_an_index_pointing_elsewhere_finds_nothing_wrong() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("cards.bin");
        saved(&path, &[(1, Some("整条")), (2, Some("半条"))]);
        let bytes = std::fs::read(&path).expect("file");
        std::fs::write(&path, &bytes[..bytes.len() - 2]).expect("cut");
        let store = Store::read(&path);
        assert_eq!(
            (store.get(1).as_deref(), store.get(2)),
            (Some("整条"), None)
        );
        // An index whose offsets are another file's: entry 1's offset now holds entry 2.
        std::fs::write(&path, &bytes).expect("whole again");
        let mut swapped = bytes[..16].to_vec();
        swapped.extend_from_slice(&bytes[16 + 12 + "整条".len()..]);
        std::fs::write(&path, &swapped).expect("entry 1 taken out");
        let store = Store::read(&path);
        assert_eq!((store.get(1), store.get(2)), (None, None));
        // The next save gives the missing entry its place again.
        let store = saved(&path, &[(1, Some("整条")), (2, Some("半条"))]);
        assert_eq!(store.get(1).as_deref(), Some("整条"));
        std::fs::write(&path, b"sitegen cards 0\n").expect("old format");
        assert_eq!(Store::read(&path).get(1), None);
    }
}
