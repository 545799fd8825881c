//! The parse cache: each Markdown file's load result kept in the cache folder between builds
//! (`.sitegen-cache/parsed/`), so that a publish build parses and renders only the files
//! that changed (issue 19).
//!
//! An entry is keyed by a hash of the file's bytes and path, of what the site's layout says
//! of it (a page bundle around it, a Jekyll collection), and of the settings every parse
//! reads ([`settings_key`]: this program, the config, the shortcode templates, `--drafts`).
//! A key that differs is a miss, never a stale hit. Whether an article is published yet
//! (`--future`, the clock) is decided after the cache, so time passing needs no new parse.
//!
//! Entries live in [`SHARDS`] files by a hash of the file's path, postcard-encoded: a build
//! reads them all in parallel and rewrites only the shards whose entries changed (one new
//! article rewrites one shard). A shard that does not decode (another format, a truncated
//! write) is ignored, and the files in it are parsed again.
//!
//! A shard holds its entries first, then the articles' bodies ([`LazyText`]s, 90 % of its
//! bytes): a build reads the entries and leaves each body a place in the shard, read only
//! when a page, feed or the search index needs it, so a publish build does not read the
//! bodies of the articles whose pages it keeps.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::stamps::Stamps;
use crate::load::{FileResult, Item};
use crate::model::{LazyText, TextStore, spill_texts, texts_from};

/// The folder under the cache folder.
pub(crate) const DIR: &str = "parsed";
/// Shard files: enough that one changed file rewrites a small share of the cache.
const SHARDS: usize = 256;
/// Bumped when what an entry holds changes shape.
const FORMAT: u32 = 4;

/// A key: a 128-bit XXH3 of everything a file's parse reads. Every source is hashed on
/// every build (430 MB at 100,000 articles), where blake3 took a tenth of an unchanged
/// build's CPU time; a cache needs no defence against a writer forging collisions, and
/// 128 bits leave chance ones out of reach.
pub type Key = [u8; 16];

#[derive(Serialize, Deserialize)]
struct Entry {
    rel: PathBuf,
    key: Key,
    result: FileResult,
}

#[derive(Serialize, Deserialize)]
struct Shard {
    format: u32,
    entries: Vec<Entry>,
}

/// The cache as read at the start of a load: one [`Shard`] of entries per file.
pub struct ParseCache {
    shards: Vec<CachedShard>,
}

/// One shard as read, and where it is written back.
pub struct CachedShard {
    path: PathBuf,
    /// The stamps of the shard's files when the last build hashed them.
    pub stamps: Stamps,
    /// File → its key and result in the cache.
    found: HashMap<PathBuf, (Key, FileResult)>,
    /// The files the shard held, by key, to tell whether it must be written again.
    held: Vec<(PathBuf, Key)>,
}

/// A hash of the settings every parse reads.
pub fn settings_key(
    config: &crate::config::SiteConfig,
    shortcodes: &crate::content::shortcodes::Shortcodes,
    drafts: bool,
) -> Key {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    h.update(&crate::version::build_id().to_le_bytes());
    h.update(format!("{:?}", config.raw).as_bytes());
    h.update(format!("{:?}", (&config.base_url, &config.root_path, config.offset)).as_bytes());
    h.update(&shortcodes.fingerprint().to_le_bytes());
    h.update(&[u8::from(drafts)]);
    h.digest128().to_le_bytes()
}

/// A hash of a source's bytes: what [`crate::content::stamps`] keeps for a file whose
/// stamp has not changed.
pub fn content_hash(bytes: &[u8]) -> Key {
    xxhash_rust::xxh3::xxh3_128(bytes).to_le_bytes()
}

/// The key of one file: the settings, its path, what the layout says of it, its bytes'
/// [`content_hash`].
pub fn file_key(settings: &Key, rel: &Path, layout: &str, content: &Key) -> Key {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    h.update(settings);
    let rel = rel.to_string_lossy();
    h.update(&(rel.len() as u64).to_le_bytes());
    h.update(rel.as_bytes());
    h.update(&(layout.len() as u64).to_le_bytes());
    h.update(layout.as_bytes());
    h.update(content);
    h.digest128().to_le_bytes()
}

fn shard_path(dir: &Path, shard: usize) -> PathBuf {
    dir.join(format!("{shard:02x}.bin"))
}

/// The shard `rel`'s entry lives in: each is loaded, parsed and written back on its own
/// (see [`ParseCache::into_shards`]).
pub fn shard_of(rel: &Path) -> usize {
    let hash = blake3::hash(rel.to_string_lossy().as_bytes());
    usize::from(hash.as_bytes()[0]) % SHARDS
}

impl ParseCache {
    /// How many shards there are.
    pub const SHARDS: usize = SHARDS;

    /// Reads every shard under `cache_dir` (none there: an empty cache).
    pub fn open(cache_dir: &Path) -> ParseCache {
        let dir = cache_dir.join(DIR);
        let _ = std::fs::create_dir_all(&dir);
        let now = super::stamps::now();
        let shards = (0..SHARDS)
            .into_par_iter()
            .map(|i| {
                let stamps = Stamps::open(cache_dir, i, now);
                let path = shard_path(&dir, i);
                let entries = read_shard(&path);
                let held = entries.iter().map(|e| (e.rel.clone(), e.key)).collect();
                let found = entries
                    .into_iter()
                    .map(|e| (e.rel, (e.key, e.result)))
                    .collect();
                CachedShard {
                    path,
                    stamps,
                    found,
                    held,
                }
            })
            .collect();
        ParseCache { shards }
    }

    /// The shards, in [`shard_of`]'s numbering: a load takes the files of each shard
    /// through it, then writes it back, before the next, so that a build that parses many
    /// files (a cold one) holds the bodies of a shard or two at a time, not all.
    pub fn into_shards(self) -> Vec<CachedShard> {
        self.shards
    }
}

impl CachedShard {
    /// The cached result of `rel` when its key is `key` (taken out of the cache).
    pub fn take(&mut self, rel: &Path, key: &Key) -> Option<FileResult> {
        match self.found.remove(rel) {
            Some((k, result)) if k == *key => Some(result),
            _ => None,
        }
    }

    /// Writes the shard if its files or keys changed: `now` is every file of the shard
    /// parsed this time (hit or not) with its key and result. Each result's texts are then
    /// moved to their places in the file just written, as a later build reading the shard
    /// would find them, so the parsed bodies are freed (and read back when a page, feed or
    /// the search index asks) without decoding the entries just encoded (1-2 % of a cold
    /// build). Whether it was written: not when unchanged, nor on an error (a cache that
    /// cannot be written makes the next build slower, not wrong).
    pub fn save(&self, now: &mut [(&Path, Key, &mut FileResult)]) -> bool {
        let mut keys: Vec<(&Path, &Key)> = now.iter().map(|(rel, key, _)| (*rel, key)).collect();
        keys.sort_unstable();
        let mut held: Vec<(&Path, &Key)> = self
            .held
            .iter()
            .map(|(rel, key)| (rel.as_path(), key))
            .collect();
        held.sort_unstable();
        if keys == held {
            return false;
        }
        if now.is_empty() {
            let _ = std::fs::remove_file(&self.path);
            return false;
        }
        let entries: Vec<EntryRef<'_>> = now
            .iter()
            .map(|(rel, key, result)| EntryRef { rel, key, result })
            .collect();
        let shard = ShardRef {
            format: FORMAT,
            entries,
        };
        thread_local! {
            /// The texts of the last shard this thread wrote, kept for the next one.
            static TEXTS: std::cell::Cell<Vec<u8>> = const { std::cell::Cell::new(Vec::new()) };
        }
        let (entries, texts, spilled) = spill_texts(TEXTS.take(), || postcard::to_stdvec(&shard));
        let written = entries.ok().and_then(|entries| {
            let head = (entries.len() as u64).to_le_bytes();
            let file = write_parts_atomically(&self.path, &[&head, &entries, &texts])?;
            let base = 8 + entries.len() as u64;
            Some((file, base, base + texts.len() as u64))
        });
        // Not one grown by a huge article: serve would hold it for good.
        if texts.capacity() <= 16 << 20 {
            TEXTS.set(texts);
        }
        let Some((file, base, len)) = written else {
            return false;
        };
        let store = TextStore::cache_shard(file, len, &self.path);
        for (_, _, result) in now.iter_mut() {
            for text in texts_of(result) {
                spilled.settle(text, &store, base);
            }
            // A copy made now keeps the result's small parts together, at their exact
            // sizes. Kept as parsed, they sit among the parse's freed temporaries and hold
            // those pages: 100,000 articles peaked at 1.37 GB instead of 1.26 GB.
            **result = result.clone();
        }
        true
    }
}

/// The texts of a result that go to a shard's texts.
fn texts_of(result: &mut FileResult) -> Vec<&mut LazyText> {
    match result {
        Ok((Some(Item::Article(a)), _)) => vec![&mut a.content, &mut a.text],
        Ok((Some(Item::Page(p)), _)) => vec![&mut p.content, &mut p.text],
        _ => Vec::new(),
    }
}

/// [`Shard`] borrowed, for writing without copying the results.
#[derive(Serialize)]
struct ShardRef<'a> {
    format: u32,
    entries: Vec<EntryRef<'a>>,
}

#[derive(Serialize)]
struct EntryRef<'a> {
    rel: &'a Path,
    key: &'a Key,
    result: &'a FileResult,
}

/// A shard's entries, their texts left in the file: the length of the entries (8 bytes),
/// the entries, the texts. Nothing when it is missing or does not decode.
fn read_shard(path: &Path) -> Vec<Entry> {
    read_entries(path).unwrap_or_default()
}

fn read_entries(path: &Path) -> Option<Vec<Entry>> {
    let mut file = std::fs::File::open(path).ok()?;
    let len = file.metadata().ok()?.len();
    let mut head = [0; 8];
    file.read_exact(&mut head).ok()?;
    let entries_len = u64::from_le_bytes(head);
    if entries_len > len.saturating_sub(8) {
        return None;
    }
    let mut entries = vec![0; usize::try_from(entries_len).ok()?];
    file.read_exact(&mut entries).ok()?;
    let texts = TextStore::cache_shard(file, len, path);
    let shard: Shard =
        texts_from(&texts, 8 + entries_len, || postcard::from_bytes(&entries)).ok()?;
    (shard.format == FORMAT).then_some(shard.entries)
}

/// Writes beside, then renames: a build killed mid-write leaves the old shard or none.
/// Whether it was written.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> bool {
    write_parts_atomically(path, &[bytes]).is_some()
}

/// [`write_atomically`] of `parts` one after the other, without joining them first (a
/// shard's texts are most of a cold build's cache: joined, they were copied once more).
/// The file written, open for reading too: its texts are read through it, whatever
/// another build renames over the path later.
fn write_parts_atomically(path: &Path, parts: &[&[u8]]) -> Option<std::fs::File> {
    use std::io::Write;
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    let write = || -> std::io::Result<std::fs::File> {
        let mut file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(true)
            .open(&tmp)?;
        parts.iter().try_for_each(|part| file.write_all(part))?;
        std::fs::rename(&tmp, path)?;
        Ok(file)
    };
    let written = write().ok();
    if written.is_none() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

/// `serde(deserialize_with)` for an article's bodies: read from the cache as bytes and
/// checked with SIMD (`simdutf8`), where `String`'s own check, slow on Chinese text, was
/// the largest single cost of decoding the cache. Postcard writes a string and bytes alike.
pub fn fast_utf8<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    struct Utf8;
    impl<'de> serde::de::Visitor<'de> for Utf8 {
        type Value = String;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("UTF-8 text")
        }

        fn visit_bytes<E: serde::de::Error>(self, bytes: &[u8]) -> Result<String, E> {
            simdutf8::basic::from_utf8(bytes)
                .map(str::to_owned)
                .map_err(|_| E::custom("not UTF-8"))
        }

        fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<String, E> {
            Ok(text.to_owned())
        }
    }
    d.deserialize_bytes(Utf8)
}

/// `serde(with)` for the front matter's free-form maps: as JSON text, since postcard (not
/// self-describing) cannot read a `serde_json::Value` back.
pub mod json_map {
    use serde::{Deserialize, Deserializer, Serializer};

    type Map = serde_json::Map<String, serde_json::Value>;

    pub fn serialize<S: Serializer>(map: &Map, s: S) -> Result<S::Ok, S::Error> {
        let text = serde_json::to_string(map).map_err(serde::ser::Error::custom)?;
        s.serialize_str(&text)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Map, D::Error> {
        let text = String::deserialize(d)?;
        serde_json::from_str(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Diagnostic;
    use crate::load::Item;
    use crate::model::{Article, StandalonePage};

    /// The whole cache at once, as a load takes it shard by shard.
    impl ParseCache {
        fn save(&self, now: &[(&Path, Key, &FileResult)]) {
            for (i, shard) in self.shards.iter().enumerate() {
                let mut results: Vec<FileResult> = now
                    .iter()
                    .filter(|(rel, _, _)| shard_of(rel) == i)
                    .map(|(_, _, result)| (*result).clone())
                    .collect();
                let mut mine: Vec<_> = now
                    .iter()
                    .filter(|(rel, _, _)| shard_of(rel) == i)
                    .zip(&mut results)
                    .map(|((rel, key, _), result)| (*rel, *key, result))
                    .collect();
                shard.save(&mut mine);
            }
        }

        fn take(&mut self, rel: &Path, key: &Key) -> Option<FileResult> {
            self.shards[shard_of(rel)].take(rel, key)
        }
    }

    fn article() -> FileResult {
        let mut a = Article::for_tests("content/资讯/a.md", "2024/03/a/");
        a.content = "<p>正文</p>".into();
        a.extra
            .insert("评分".into(), serde_json::json!({"分": 9.5, "tags": ["x"]}));
        Ok((
            Some(Item::Article(Box::new(a))),
            vec![Diagnostic::warning("content/资讯/a.md", "注意").at(3, 1)],
        ))
    }

    #[test]
    fn entries_come_back_only_under_their_key_and_unchanged_shards_are_not_rewritten() {
        let dir = tempfile::tempdir().unwrap();
        let rel = Path::new("content/资讯/a.md");
        let other = Path::new("content/资讯/b.md");
        let key = file_key(&[1; 16], rel, "", &content_hash(b"bytes"));
        let failed: FileResult = Err(Diagnostic::new(other, "坏文件"));
        let other_key = file_key(&[1; 16], other, "", &content_hash(b"other"));
        let first = article();
        ParseCache::open(dir.path()).save(&[(rel, key, &first), (other, other_key, &failed)]);

        let mut cache = ParseCache::open(dir.path());
        let changed = file_key(&[1; 16], rel, "", &content_hash(b"edited"));
        assert_ne!(key, changed);
        assert!(cache.take(rel, &changed).is_none(), "a new key is a miss");
        let mut cache = ParseCache::open(dir.path());
        let back = cache.take(rel, &key).expect("a hit");
        assert_eq!(format!("{:?}", held(back)), format!("{first:?}"));
        let back = cache
            .take(other, &other_key)
            .expect("failures are kept too");
        assert_eq!(format!("{back:?}"), format!("{failed:?}"));

        // Saving the same entries writes nothing; a changed key rewrites its shard only.
        let shard = shard_path(&dir.path().join(DIR), shard_of(rel));
        let written = std::fs::metadata(&shard).unwrap().modified().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        let cache = ParseCache::open(dir.path());
        cache.save(&[(rel, key, &first), (other, other_key, &failed)]);
        assert_eq!(
            std::fs::metadata(&shard).unwrap().modified().unwrap(),
            written
        );
        cache.save(&[(rel, changed, &first), (other, other_key, &failed)]);
        assert_ne!(
            std::fs::metadata(&shard).unwrap().modified().unwrap(),
            written
        );
        assert!(ParseCache::open(dir.path()).take(rel, &changed).is_some());
    }

    /// `result` with its article's texts read back and held, to compare with what was saved.
    fn held(mut result: FileResult) -> FileResult {
        if let Ok((Some(Item::Article(a)), _)) = &mut result {
            assert!(a.content.held().is_none(), "the body stays in the cache");
            a.content = a.content.read().expect("body").into_owned().into();
            a.text = a.text.read().expect("text").into_owned().into();
        }
        result
    }

    fn body(result: &FileResult) -> &crate::model::LazyText {
        match result {
            Ok((Some(Item::Article(a)), _)) => &a.content,
            _ => panic!("not an article: {result:?}"),
        }
    }

    #[test]
    fn bodies_stay_in_the_shard_until_read_and_survive_its_rewrite() {
        let dir = tempfile::tempdir().unwrap();
        let rel = Path::new("content/资讯/a.md");
        let key = file_key(&[1; 16], rel, "", &content_hash(b"bytes"));
        let first = article();
        ParseCache::open(dir.path()).save(&[(rel, key, &first)]);

        let mut cache = ParseCache::open(dir.path());
        let back = cache.take(rel, &key).expect("a hit");
        let stored = body(&back);
        assert!(stored.held().is_none(), "left in the shard");
        assert_eq!(stored.read().expect("read"), "<p>正文</p>");
        assert_eq!(stored.identity(), body(&first).identity());
        assert_eq!(stored, body(&first));

        // Another file in the same shard: the shard is written again, by rename, with the
        // stored body copied from the old file, which this build still reads.
        let sibling = (0..)
            .map(|n| PathBuf::from(format!("content/资讯/s{n}.md")))
            .find(|p| shard_of(p) == shard_of(rel))
            .expect("a sibling");
        let mut other = Article::for_tests("content/资讯/s.md", "2024/03/s/");
        other.content = "<p>另一篇</p>".into();
        let other: FileResult = Ok((Some(Item::Article(Box::new(other))), Vec::new()));
        let sibling_key = file_key(&[1; 16], &sibling, "", &content_hash(b"s"));
        cache.save(&[(rel, key, &back), (&sibling, sibling_key, &other)]);
        assert_eq!(
            stored.read().expect("read after the rewrite"),
            "<p>正文</p>"
        );

        let mut cache = ParseCache::open(dir.path());
        let again = cache.take(rel, &key).expect("still a hit");
        assert_eq!(format!("{:?}", held(again)), format!("{first:?}"));
        let sibling_back = cache.take(&sibling, &sibling_key).expect("the new one");
        assert_eq!(body(&sibling_back).read().expect("read"), "<p>另一篇</p>");
    }

    #[test]
    fn a_written_shard_moves_the_texts_it_was_given_to_their_places_in_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let rel = Path::new("content/资讯/a.md");
        let key = file_key(&[2; 16], rel, "", &content_hash(b"bytes"));
        let page_rel = (0..)
            .map(|n| PathBuf::from(format!("content/关于{n}.md")))
            .find(|p| shard_of(p) == shard_of(rel))
            .expect("a page in the same shard");
        let page_key = file_key(&[2; 16], &page_rel, "", &content_hash(b"page"));
        let (mut first, mut page) = (article(), page_result());
        let (first_was, page_was) = (format!("{first:?}"), format!("{page:?}"));
        let cache = ParseCache::open(dir.path());
        assert!(
            cache.shards[shard_of(rel)]
                .save(&mut [(rel, key, &mut first), (&page_rel, page_key, &mut page)])
        );
        assert!(
            body(&first).held().is_none(),
            "the parsed body can be freed"
        );
        assert_eq!(format!("{:?}", held(first)), first_was);
        let Ok((Some(Item::Page(p)), _)) = &page else {
            panic!("a page: {page:?}")
        };
        assert!(p.content.held().is_none() && p.text.held().is_none());
        assert_eq!(p.content.read().expect("read"), "<p>关于我们</p>");
        assert_eq!(p.text.read().expect("read"), "关于我们");
        assert_eq!(format!("{:?}", page_held(page)), page_was);

        // Unchanged: nothing written, and the texts stay where they are.
        let cache = ParseCache::open(dir.path());
        let (mut first, mut page) = (article(), page_result());
        assert!(
            !cache.shards[shard_of(rel)]
                .save(&mut [(rel, key, &mut first), (&page_rel, page_key, &mut page)])
        );
        assert_eq!(body(&first).held(), Some("<p>正文</p>"));
    }

    fn page_result() -> FileResult {
        let mut page = StandalonePage::for_tests("content/关于.md", "关于/");
        page.content = "<p>关于我们</p>".into();
        page.text = "关于我们".into();
        Ok((Some(Item::Page(page)), Vec::new()))
    }

    fn page_held(mut result: FileResult) -> FileResult {
        if let Ok((Some(Item::Page(p)), _)) = &mut result {
            p.content = p.content.read().expect("body").into_owned().into();
            p.text = p.text.read().expect("text").into_owned().into();
        }
        result
    }

    #[test]
    fn a_body_cut_short_after_the_build_read_its_entry_is_an_error_saying_what_to_do() {
        let dir = tempfile::tempdir().unwrap();
        let rel = Path::new("content/资讯/a.md");
        let key = file_key(&[3; 16], rel, "", &content_hash(b"bytes"));
        ParseCache::open(dir.path()).save(&[(rel, key, &article())]);
        let back = ParseCache::open(dir.path()).take(rel, &key).expect("a hit");
        let shard = shard_path(&dir.path().join(DIR), shard_of(rel));
        std::fs::OpenOptions::new()
            .write(true)
            .open(&shard)
            .and_then(|f| f.set_len(8))
            .expect("truncate the shard");
        let error = body(&back).read().expect_err("the body is gone");
        let message = crate::model::unreadable(rel, &error).to_string();
        assert!(message.contains("content/资讯/a.md"), "{message}");
        assert!(message.contains(&shard.display().to_string()), "{message}");
        assert!(message.contains("delete it and build again"), "{message}");
    }

    #[test]
    fn a_damaged_shard_is_a_miss() {
        let dir = tempfile::tempdir().unwrap();
        let rel = Path::new("content/a.md");
        let key = file_key(&[0; 16], rel, "", &content_hash(b"x"));
        let shard = shard_path(&dir.path().join(DIR), shard_of(rel));
        // Cut in its entries, or in its bodies (the last bytes): either way the entry is
        // not handed out, rather than a body that cannot be read back.
        for cut in [|len: usize| len / 2, |len: usize| len - 3] {
            ParseCache::open(dir.path()).save(&[(rel, key, &article())]);
            let bytes = std::fs::read(&shard).unwrap();
            std::fs::write(&shard, &bytes[..cut(bytes.len())]).unwrap();
            assert!(ParseCache::open(dir.path()).take(rel, &key).is_none());
        }
    }
}
