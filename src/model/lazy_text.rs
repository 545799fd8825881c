//! An article's body, as HTML or as plain text, held in memory or read from a file when
//! asked for.
//!
//! Most builds need few bodies: a publish build renders the pages of the articles that
//! changed and keeps the rest, so the bodies of 100,000 unchanged articles (about 900 MB,
//! most of the parse cache) are not read back from the cache at all: each stays a place in
//! its cache shard ([`crate::content::cache`]) until a page, a feed or the search index
//! asks for it. `serve` keeps a site in memory for a whole session, so it moves each
//! article's plain text to a file of its own as soon as it reads the article and reads it
//! back when the search index is made ([`TextStore::create_in`]).

use std::borrow::Cow;
use std::cell::RefCell;
use std::fmt;
use std::fs::File;
use std::io::{self, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use crate::diagnostics::Diagnostic;

/// The text, held or stored.
#[derive(Clone)]
pub struct LazyText(Repr);

#[derive(Clone)]
enum Repr {
    Held(String),
    Stored {
        store: Arc<TextStore>,
        at: u64,
        len: u32,
        /// [`hash`] of the bytes, so that fingerprints need not read them.
        hash: u64,
    },
}

/// What tells two texts apart: XXH3 of the bytes (fast on bodies of a few kilobytes;
/// page fingerprints hash it again with the rest of a page's inputs).
fn hash(bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(bytes)
}

impl LazyText {
    pub fn new(text: String) -> Self {
        LazyText(Repr::Held(text))
    }

    /// The text: borrowed when held, read from its store otherwise. Fails only when the
    /// store's file cannot be read (the error says what to do).
    pub fn read(&self) -> io::Result<Cow<'_, str>> {
        match &self.0 {
            Repr::Held(text) => Ok(Cow::Borrowed(text)),
            Repr::Stored { store, at, len, .. } => store.read(*at, *len).map(Cow::Owned),
        }
    }

    /// The text when it is held (everything a build parses or rewrites).
    pub fn held(&self) -> Option<&str> {
        match &self.0 {
            Repr::Held(text) => Some(text),
            Repr::Stored { .. } => None,
        }
    }

    /// Its length in bytes.
    pub fn len(&self) -> usize {
        match &self.0 {
            Repr::Held(text) => text.len(),
            Repr::Stored { len, .. } => *len as usize,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Moves a held text to `store`; a stored one stays where it is.
    pub fn store_in(&mut self, store: &Arc<TextStore>) -> io::Result<()> {
        let Repr::Held(text) = &self.0 else {
            return Ok(());
        };
        let len = stored_len(text)?;
        let hash = hash(text.as_bytes());
        let at = store.append(text.as_bytes())?;
        self.0 = Repr::Stored {
            store: Arc::clone(store),
            at,
            len,
            hash,
        };
        Ok(())
    }

    /// What tells two texts apart for a fingerprint or the search index's ledger: a hash
    /// of the bytes, the same whether the text is held or stored, so that it is stable
    /// from one build to the next.
    pub fn identity(&self) -> u64 {
        match &self.0 {
            Repr::Held(text) => hash(text.as_bytes()),
            Repr::Stored { hash, .. } => *hash,
        }
    }

    /// The [`LazyText::identity`] `text` would have.
    pub fn identity_of(text: &str) -> u64 {
        hash(text.as_bytes())
    }
}

fn stored_len(text: &str) -> io::Result<u32> {
    u32::try_from(text.len())
        .map_err(|_| io::Error::other("a text of 4 GB or more cannot be stored"))
}

/// The error for a text [`LazyText::read`] could not read back, on `path` (the article,
/// or what was being made from it); the store's error says what to do.
pub fn unreadable(path: impl Into<PathBuf>, error: &io::Error) -> Diagnostic {
    Diagnostic::new(
        path,
        format!("could not read an article's text back: {error}"),
    )
}

/// Equal when the bytes are (compared by their hash unless both are held).
impl PartialEq for LazyText {
    fn eq(&self, other: &Self) -> bool {
        match (&self.0, &other.0) {
            (Repr::Held(a), Repr::Held(b)) => a == b,
            _ => self.len() == other.len() && self.identity() == other.identity(),
        }
    }
}

impl Eq for LazyText {}

impl std::hash::Hash for LazyText {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        state.write_u64(self.identity());
    }
}

impl Default for LazyText {
    fn default() -> Self {
        LazyText::new(String::new())
    }
}

impl From<String> for LazyText {
    fn from(text: String) -> Self {
        LazyText::new(text)
    }
}

impl From<&str> for LazyText {
    fn from(text: &str) -> Self {
        LazyText::new(text.to_string())
    }
}

impl fmt::Debug for LazyText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Repr::Held(text) => text.fmt(f),
            Repr::Stored { at, len, hash, .. } => {
                write!(f, "<stored at {at}, {len} bytes, {hash:016x}>")
            }
        }
    }
}

/// Where [`LazyText`]s are written to or read from while the parse cache encodes or
/// decodes a shard on this thread (see [`spill_texts`] and [`texts_from`]); none
/// elsewhere, where a text is written as a string.
enum Spill {
    Out {
        texts: Vec<u8>,
        /// Each text's place, by the text's address ([`Spilled`]).
        places: Vec<(usize, Place)>,
    },
    In {
        store: Arc<TextStore>,
        base: u64,
    },
}

thread_local! {
    static SPILL: RefCell<Option<Spill>> = const { RefCell::new(None) };
}

/// A text's place in a shard's texts, as the shard's entries record it.
#[derive(Debug, Clone, Copy, serde::Serialize, serde::Deserialize)]
struct Place {
    at: u64,
    len: u32,
    hash: u64,
}

/// Runs `encode` (which serializes a shard of the parse cache) with every [`LazyText`]
/// it meets written to one buffer instead of inline: returns what `encode` returned and
/// the texts, which the cache writes after the entries, so that reading the entries back
/// does not read the texts ([`texts_from`]), and where each text went ([`Spilled`]). The
/// texts go into `buffer`, emptied first: one reused from shard to shard stops growing
/// after the first few.
pub(crate) fn spill_texts<R>(
    mut buffer: Vec<u8>,
    encode: impl FnOnce() -> R,
) -> (R, Vec<u8>, Spilled) {
    buffer.clear();
    SPILL.with(|s| {
        *s.borrow_mut() = Some(Spill::Out {
            texts: buffer,
            places: Vec::new(),
        });
    });
    let result = encode();
    let (texts, mut places) = match SPILL.with(|s| s.borrow_mut().take()) {
        Some(Spill::Out { texts, places }) => (texts, places),
        _ => (Vec::new(), Vec::new()),
    };
    places.sort_unstable_by_key(|&(address, _)| address);
    (result, texts, Spilled { places })
}

/// Where [`spill_texts`] put each text it met, by the address of the [`LazyText`]: once
/// the texts are written, the very texts that were encoded can be moved to their places
/// ([`Spilled::settle`]) without decoding the entries back. By address, so the caller
/// must hold the texts it encoded where they were, borrowed, until it has settled them
/// (the parse cache holds `&mut` borrows of the results across both).
#[derive(Debug, Default)]
pub(crate) struct Spilled {
    places: Vec<(usize, Place)>,
}

impl Spilled {
    /// Moves `text`, when it is one that was spilled and is still held, to its place in
    /// `store`, whose texts start at `base`: its bytes in memory can go. A text the
    /// encoding did not meet is left as it is.
    pub(crate) fn settle(&self, text: &mut LazyText, store: &Arc<TextStore>, base: u64) {
        let address = std::ptr::from_ref(text) as usize;
        let Ok(i) = self.places.binary_search_by_key(&address, |&(a, _)| a) else {
            return;
        };
        let Place { at, len, hash } = self.places[i].1;
        let (Repr::Held(held), Some(at)) = (&text.0, base.checked_add(at)) else {
            return;
        };
        let fits = at.saturating_add(u64::from(len)) <= store.bytes_written();
        if !fits || held.len() != len as usize {
            return;
        }
        text.0 = Repr::Stored {
            store: Arc::clone(store),
            at,
            len,
            hash,
        };
    }
}

/// Runs `decode` (which deserializes the entries [`spill_texts`] wrote) with every
/// [`LazyText`] it meets left in `store`, whose texts start at `base`.
pub(crate) fn texts_from<R>(store: &Arc<TextStore>, base: u64, decode: impl FnOnce() -> R) -> R {
    SPILL.with(|s| {
        *s.borrow_mut() = Some(Spill::In {
            store: Arc::clone(store),
            base,
        });
    });
    let result = decode();
    SPILL.with(|s| s.borrow_mut().take());
    result
}

/// Written as a string, except while the parse cache spills texts ([`spill_texts`]).
impl serde::Serialize for LazyText {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let text = self.read().map_err(serde::ser::Error::custom)?;
        let place = SPILL.with(|spill| match &mut *spill.borrow_mut() {
            Some(Spill::Out { texts, places }) => {
                let place = Place {
                    at: texts.len() as u64,
                    len: stored_len(&text)?,
                    hash: self.identity(),
                };
                texts.extend_from_slice(text.as_bytes());
                places.push((std::ptr::from_ref(self) as usize, place));
                Ok(Some(place))
            }
            _ => Ok::<_, io::Error>(None),
        });
        match place.map_err(serde::ser::Error::custom)? {
            Some(place) => place.serialize(s),
            None => s.serialize_str(&text),
        }
    }
}

impl<'de> serde::Deserialize<'de> for LazyText {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let source = SPILL.with(|spill| match &*spill.borrow() {
            Some(Spill::In { store, base }) => Some((Arc::clone(store), *base)),
            _ => None,
        });
        let Some((store, base)) = source else {
            return crate::content::cache::fast_utf8(d).map(LazyText::new);
        };
        let Place { at, len, hash } = Place::deserialize(d)?;
        let at = base
            .checked_add(at)
            .filter(|at| at.saturating_add(u64::from(len)) <= store.bytes_written())
            .ok_or_else(|| serde::de::Error::custom("a text's place is past the file's end"))?;
        Ok(LazyText(Repr::Stored {
            store,
            at,
            len,
            hash,
        }))
    }
}

/// A file of texts: serve's, append-only and created unlinked (so that it vanishes with
/// the process, however it ends) in a folder on the site's disk; or a shard of the parse
/// cache, read only.
pub struct TextStore {
    file: File,
    /// Where the next text goes (the file's length); held while a text is appended.
    end: Mutex<u64>,
    /// What to do when a text cannot be read back.
    advice: Advice,
}

enum Advice {
    RestartServe,
    DeleteCache(PathBuf),
}

impl TextStore {
    /// serve's store, in `folder`.
    pub fn create_in(folder: &Path) -> io::Result<Arc<TextStore>> {
        std::fs::create_dir_all(folder)?;
        let file = tempfile::tempfile_in(folder)?;
        Ok(Arc::new(TextStore {
            file,
            end: Mutex::new(0),
            advice: Advice::RestartServe,
        }))
    }

    /// A parse cache shard at `path`, open as `file` (which is `len` bytes long), for
    /// reading its texts. The cache replaces a shard by renaming a new file over it, so
    /// this one's texts stay readable for as long as the build holds it.
    pub(crate) fn cache_shard(file: File, len: u64, path: &Path) -> Arc<TextStore> {
        Arc::new(TextStore {
            file,
            end: Mutex::new(len),
            advice: Advice::DeleteCache(path.to_path_buf()),
        })
    }

    /// Writes `bytes` at the end and returns where. (A few kilobytes into the page cache:
    /// one lock for the seek and the write costs less than the texts' memory did.)
    fn append(&self, bytes: &[u8]) -> io::Result<u64> {
        let mut end = self.end.lock().unwrap_or_else(PoisonError::into_inner);
        let at = *end;
        let mut file = &self.file;
        file.seek(SeekFrom::Start(at))?;
        file.write_all(bytes)?;
        *end += bytes.len() as u64;
        Ok(at)
    }

    fn read(&self, at: u64, len: u32) -> io::Result<String> {
        self.read_bytes(at, len).map_err(|e| {
            let advice = match &self.advice {
                Advice::RestartServe => "restart `sitegen serve`".to_string(),
                Advice::DeleteCache(path) => format!(
                    "{} changed while sitegen read it: delete it and build again",
                    path.display()
                ),
            };
            io::Error::new(e.kind(), format!("{e}; {advice}"))
        })
    }

    fn read_bytes(&self, at: u64, len: u32) -> io::Result<String> {
        let mut bytes = vec![0; len as usize];
        self.read_at(at, &mut bytes)?;
        // simdutf8 checks Chinese text several times faster than `String::from_utf8`.
        if simdutf8::basic::from_utf8(&bytes).is_err() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "the text read back is not UTF-8",
            ));
        }
        // SAFETY: simdutf8 has just found `bytes` to be valid UTF-8.
        Ok(unsafe { String::from_utf8_unchecked(bytes) })
    }

    /// Fills `bytes` from `at`. On Unix a positioned read, which needs neither the lock nor
    /// a seek: every page and the search index read bodies back, from every thread at once.
    #[cfg(unix)]
    fn read_at(&self, at: u64, bytes: &mut [u8]) -> io::Result<()> {
        use std::os::unix::fs::FileExt;
        self.file.read_exact_at(bytes, at)
    }

    #[cfg(not(unix))]
    fn read_at(&self, at: u64, bytes: &mut [u8]) -> io::Result<()> {
        use std::io::Read;
        let _end = self.end.lock().unwrap_or_else(PoisonError::into_inner);
        let mut file = &self.file;
        file.seek(SeekFrom::Start(at))?;
        file.read_exact(bytes)
    }

    /// Cuts the file short, as a failing disk would leave it (tests of the errors).
    #[cfg(test)]
    pub(crate) fn damage(&self) {
        self.file.set_len(0).expect("truncate");
    }

    /// Bytes written so far.
    pub fn bytes_written(&self) -> u64 {
        *self.end.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spilled_texts_settle_into_their_places_and_no_other_text_does() {
        let dir = tempfile::tempdir().unwrap();
        // The same length, so that only where they were encoded tells them apart.
        let mut texts = [LazyText::from("<p>甲</p>"), LazyText::from("<p>乙</p>")];
        let (entries, spilled_texts, spilled) =
            spill_texts(Vec::new(), || postcard::to_stdvec(&texts));
        let entries = entries.expect("encoded");
        let path = dir.path().join("shard");
        std::fs::write(&path, [&entries[..], &spilled_texts[..]].concat()).expect("write");
        let len = (entries.len() + spilled_texts.len()) as u64;
        let store = TextStore::cache_shard(File::open(&path).expect("open"), len, &path);
        let base = entries.len() as u64;

        // Equal bytes elsewhere: not a text that was encoded.
        let mut copy = texts[1].clone();
        spilled.settle(&mut copy, &store, base);
        assert_eq!(copy.held(), Some("<p>乙</p>"));

        for text in &mut texts {
            spilled.settle(text, &store, base);
        }
        for (text, was) in texts.iter().zip(["<p>甲</p>", "<p>乙</p>"]) {
            assert!(text.held().is_none(), "{was} moved to the file");
            assert_eq!(text.read().expect("read"), was);
            assert_eq!(text.identity(), LazyText::identity_of(was));
        }
    }

    #[test]
    fn a_stored_text_reads_back_as_it_was_and_keeps_its_place() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = TextStore::create_in(&dir.path().join("serve")).expect("store");
        let mut a = LazyText::from("英伟达发布新一代芯片");
        let mut b = LazyText::from("开源模型 Llama 更新");
        a.store_in(&store).expect("a");
        b.store_in(&store).expect("b");
        assert!(a.held().is_none() && b.held().is_none());
        assert_eq!(a.read().expect("read a"), "英伟达发布新一代芯片");
        assert_eq!(b.read().expect("read b"), "开源模型 Llama 更新");
        assert_eq!(
            a.identity(),
            LazyText::from("英伟达发布新一代芯片").identity(),
            "a stored text is known by its bytes, as a held one is"
        );
        assert_eq!(a, LazyText::from("英伟达发布新一代芯片"));
        assert_ne!(a, b);
        a.store_in(&store).expect("again");
        assert_eq!(
            store.bytes_written(),
            ("英伟达发布新一代芯片".len() + "开源模型 Llama 更新".len()) as u64
        );
        // The file has no name in the folder: nothing is left behind.
        assert_eq!(
            std::fs::read_dir(dir.path().join("serve"))
                .expect("ls")
                .count(),
            0
        );
    }

    /// A Chinese text put in a store of its own (the folder kept alive with it).
    fn stored_text() -> (tempfile::TempDir, Arc<TextStore>, LazyText) {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = TextStore::create_in(dir.path()).expect("store");
        let mut text = LazyText::from("英伟达发布新一代芯片");
        text.store_in(&store).expect("store");
        (dir, store, text)
    }

    #[test]
    fn a_text_that_cannot_be_read_back_is_an_error_saying_what_to_do() {
        let (_dir, store, text) = stored_text();
        store.damage();
        let error = text.read().expect_err("read from a file cut short");
        let message = unreadable("content/资讯/chips.md", &error).to_string();
        assert!(message.contains("content/资讯/chips.md"), "{message}");
        assert!(message.contains("restart `sitegen serve`"), "{message}");
    }

    #[test]
    fn a_text_whose_bytes_changed_into_non_utf8_is_an_error() {
        let (_dir, store, text) = stored_text();
        {
            let _end = store.end.lock().expect("lock");
            let mut file = &store.file;
            file.seek(SeekFrom::Start(0)).expect("seek");
            file.write_all(&[0xFF]).expect("garble the first byte");
        }
        let error = text.read().expect_err("0xFF is never UTF-8");
        assert_eq!(error.kind(), io::ErrorKind::InvalidData, "{error}");
        assert!(error.to_string().contains("not UTF-8"), "{error}");
    }

    #[test]
    fn a_held_text_writes_to_the_cache_as_a_string_does() {
        let text = LazyText::from("正文");
        let bytes = postcard::to_stdvec(&text).expect("encode");
        assert_eq!(bytes, postcard::to_stdvec("正文").expect("encode str"));
        let back: LazyText = postcard::from_bytes(&bytes).expect("decode");
        assert_eq!(back.held(), Some("正文"));
    }
}
