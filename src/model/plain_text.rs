//! An article's body as plain text, which only the search index reads (and the
//! Traditional edition converts). A build holds it in memory; `serve` keeps a site in
//! memory for a whole session, so it moves each article's text to a file of its own as
//! soon as it reads the article ([`TextStore`]) and reads it back when the search index is
//! made: at 100,000 articles that is about 380 MB it need not hold.

use std::borrow::Cow;
use std::fmt;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use crate::diagnostics::Diagnostic;

/// The text, held or stored.
#[derive(Clone)]
pub struct PlainText(Repr);

#[derive(Clone)]
enum Repr {
    Held(String),
    Stored {
        store: Arc<TextStore>,
        at: u64,
        len: u32,
    },
}

impl PlainText {
    pub fn new(text: String) -> Self {
        PlainText(Repr::Held(text))
    }

    /// The text: borrowed when held, read from its store otherwise. Fails only when the
    /// store's file (unlinked, so no other process can reach it by name) cannot be read.
    pub fn read(&self) -> io::Result<Cow<'_, str>> {
        match &self.0 {
            Repr::Held(text) => Ok(Cow::Borrowed(text)),
            Repr::Stored { store, at, len } => store.read(*at, *len).map(Cow::Owned),
        }
    }

    /// The text when it is held (always, outside `serve`).
    pub fn held(&self) -> Option<&str> {
        match &self.0 {
            Repr::Held(text) => Some(text),
            Repr::Stored { .. } => None,
        }
    }

    /// Moves a held text to `store`; a stored one stays where it is.
    pub fn store_in(&mut self, store: &Arc<TextStore>) -> io::Result<()> {
        let Repr::Held(text) = &self.0 else {
            return Ok(());
        };
        let len = u32::try_from(text.len())
            .map_err(|_| io::Error::other("a text of 4 GB or more cannot be stored"))?;
        let at = store.append(text.as_bytes())?;
        self.0 = Repr::Stored {
            store: Arc::clone(store),
            at,
            len,
        };
        Ok(())
    }

    /// What tells two texts apart for a fingerprint: the bytes when held; a stored text's
    /// place, since nothing is ever written over a place already given out (so two stored
    /// texts compare only within one store; builds, the only users, hold every text).
    pub fn identity(&self) -> Cow<'_, [u8]> {
        match &self.0 {
            Repr::Held(text) => Cow::Borrowed(text.as_bytes()),
            Repr::Stored { at, len, .. } => {
                let mut id = at.to_le_bytes().to_vec();
                id.extend_from_slice(&len.to_le_bytes());
                Cow::Owned(id)
            }
        }
    }
}

/// The error for a text [`PlainText::read`] could not read back, on `path` (the article,
/// or what was being made from it). Only serve's store can fail, and it is made afresh
/// when serve starts.
pub fn unreadable(path: impl Into<PathBuf>, error: &io::Error) -> Diagnostic {
    Diagnostic::new(
        path,
        format!(
            "could not read an article's text back from serve's store ({error}); restart \
             `sitegen serve`"
        ),
    )
}

/// Held texts are equal when their bytes are, stored ones when they are the same place.
impl PartialEq for PlainText {
    fn eq(&self, other: &Self) -> bool {
        match (&self.0, &other.0) {
            (Repr::Held(a), Repr::Held(b)) => a == b,
            (
                Repr::Stored { store, at, len },
                Repr::Stored {
                    store: other_store,
                    at: other_at,
                    len: other_len,
                },
            ) => Arc::ptr_eq(store, other_store) && at == other_at && len == other_len,
            _ => false,
        }
    }
}

impl Eq for PlainText {}

impl Default for PlainText {
    fn default() -> Self {
        PlainText::new(String::new())
    }
}

impl From<String> for PlainText {
    fn from(text: String) -> Self {
        PlainText::new(text)
    }
}

impl From<&str> for PlainText {
    fn from(text: &str) -> Self {
        PlainText::new(text.to_string())
    }
}

impl fmt::Debug for PlainText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Repr::Held(text) => text.fmt(f),
            Repr::Stored { at, len, .. } => write!(f, "<stored at {at}, {len} bytes>"),
        }
    }
}

/// Written as a string, as the parse cache always has: only a build writes the cache, and
/// a build holds every text.
impl serde::Serialize for PlainText {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.read() {
            Ok(text) => s.serialize_str(&text),
            Err(e) => Err(serde::ser::Error::custom(e)),
        }
    }
}

impl<'de> serde::Deserialize<'de> for PlainText {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        crate::content::cache::fast_utf8(d).map(PlainText::new)
    }
}

/// An append-only file of texts, created unlinked (so that it vanishes with the process,
/// however it ends) in a folder on the site's disk.
pub struct TextStore {
    /// The file, and where the next text goes.
    file: Mutex<(File, u64)>,
}

impl TextStore {
    pub fn create_in(folder: &Path) -> io::Result<Arc<TextStore>> {
        std::fs::create_dir_all(folder)?;
        let file = tempfile::tempfile_in(folder)?;
        Ok(Arc::new(TextStore {
            file: Mutex::new((file, 0)),
        }))
    }

    /// Writes `bytes` at the end and returns where. (A few kilobytes into the page cache:
    /// one lock for the seek and the write costs less than the texts' memory did.)
    fn append(&self, bytes: &[u8]) -> io::Result<u64> {
        let mut guard = self.file.lock().unwrap_or_else(PoisonError::into_inner);
        let (file, end) = &mut *guard;
        let at = *end;
        file.seek(SeekFrom::Start(at))?;
        file.write_all(bytes)?;
        *end += bytes.len() as u64;
        Ok(at)
    }

    fn read(&self, at: u64, len: u32) -> io::Result<String> {
        let mut bytes = vec![0; len as usize];
        {
            let mut guard = self.file.lock().unwrap_or_else(PoisonError::into_inner);
            let file = &mut guard.0;
            file.seek(SeekFrom::Start(at))?;
            file.read_exact(&mut bytes)?;
        }
        String::from_utf8(bytes).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
    }

    /// Cuts the file short, as a failing disk would leave it (tests of the errors).
    #[cfg(test)]
    pub(crate) fn damage(&self) {
        let guard = self.file.lock().unwrap_or_else(PoisonError::into_inner);
        guard.0.set_len(0).expect("truncate");
    }

    /// Bytes written so far.
    pub fn bytes_written(&self) -> u64 {
        self.file.lock().unwrap_or_else(PoisonError::into_inner).1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_text_reads_back_as_it_was_and_keeps_its_place() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = TextStore::create_in(&dir.path().join("serve")).expect("store");
        let mut a = PlainText::from("英伟达发布新一代芯片");
        let mut b = PlainText::from("开源模型 Llama 更新");
        a.store_in(&store).expect("a");
        b.store_in(&store).expect("b");
        assert!(a.held().is_none() && b.held().is_none());
        assert_eq!(a.read().expect("read a"), "英伟达发布新一代芯片");
        assert_eq!(b.read().expect("read b"), "开源模型 Llama 更新");
        let place = a.identity().into_owned();
        a.store_in(&store).expect("again");
        assert_eq!(
            a.identity(),
            place,
            "storing a stored text again moves nothing"
        );
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

    #[test]
    fn a_text_that_cannot_be_read_back_is_an_error_saying_what_to_do() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = TextStore::create_in(dir.path()).expect("store");
        let mut text = PlainText::from("英伟达发布新一代芯片");
        text.store_in(&store).expect("store");
        store.damage();
        let error = text.read().expect_err("read from a file cut short");
        let message = unreadable("content/资讯/chips.md", &error).to_string();
        assert!(message.contains("content/资讯/chips.md"), "{message}");
        assert!(message.contains("restart `sitegen serve`"), "{message}");
    }

    #[test]
    fn a_held_text_writes_to_the_cache_as_a_string_does() {
        let text = PlainText::from("正文");
        let bytes = postcard::to_stdvec(&text).expect("encode");
        assert_eq!(bytes, postcard::to_stdvec("正文").expect("encode str"));
        let back: PlainText = postcard::from_bytes(&bytes).expect("decode");
        assert_eq!(back.held(), Some("正文"));
    }
}
