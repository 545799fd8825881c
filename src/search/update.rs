//! Bringing the last build's search index up to date instead of building it again. Ids
//! count from the oldest article, so a publish build's new article takes the next id and
//! its hits go at the end of its terms' postings: only the shards holding its terms, the
//! last chunk and `meta.json` change, and every other file stays as the last build wrote it
//! (at 100,000 articles, building the index is seconds of CPU). An article edited in place
//! keeps its id: every shard is read to take its old hits out (the ledger does not know
//! its old terms), and the shards of its old and new terms and its chunk are written.
//!
//! What a build made is kept in a [`Ledger`] in the cache folder: a hash of each article's
//! index inputs, in id order, and the [`Layout`] of the files. The index is updated only
//! when the ledger's articles keep their ids (none deleted, none moved by a new date),
//! at most one in 16 of them edited, and the shard count stays; anything else (an older
//! article added, a new version of sitegen) builds it whole. Every file read back from the
//! last build is checked against the ledger's hash first, so a ledger that does not match
//! the output costs a full build, never a wrong index: the result is byte-identical to a
//! full build's (tests below and `tests/publish.rs`).

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::index::{self, CHUNK, Doc, FileSum, Layout, Stats};
use super::postings;
use super::tokenize::{self, Key};
use crate::digest::FileHash;
use crate::site::Earlier;

/// Bumped when the ledger changes shape.
const FORMAT: u32 = 1;

/// What the last build's index was made of.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Ledger {
    format: u32,
    /// [`crate::version::build_id`]: another sitegen may tokenise differently.
    program: u64,
    /// [`doc_key`] of each article, by id.
    docs: Vec<[u8; 16]>,
    layout: Layout,
}

impl Ledger {
    pub fn new(docs: Vec<[u8; 16]>, layout: Layout) -> Ledger {
        Ledger {
            format: FORMAT,
            program: crate::version::build_id(),
            docs,
            layout,
        }
    }

    /// The ledger at `path`; None when there is none or it is of another format.
    pub fn read(path: &Path) -> Option<Ledger> {
        let bytes = std::fs::read(path).ok()?;
        let ledger: Ledger = postcard::from_bytes(&bytes).ok()?;
        (ledger.format == FORMAT && ledger.program == crate::version::build_id()).then_some(ledger)
    }

    /// Writes the ledger (best effort: without it the next build builds the index whole).
    pub fn save(&self, path: &Path) {
        let Ok(bytes) = postcard::to_stdvec(self) else {
            return;
        };
        if let Some(dir) = path.parent()
            && std::fs::create_dir_all(dir).is_ok()
        {
            crate::content::cache::write_atomically(path, &bytes);
        }
    }
}

/// A hash of everything the index takes from an article.
pub fn doc_key(doc: &Doc<'_>) -> [u8; 16] {
    let mut h = crate::digest::Digest::with_capacity(2048);
    let mut field = |s: &[u8]| {
        h.update(&(s.len() as u64).to_le_bytes());
        h.update(s);
    };
    field(doc.title.as_bytes());
    for list in [doc.tags, doc.categories] {
        field(&(list.len() as u64).to_le_bytes());
        list.iter().for_each(|t| field(t.as_bytes()));
    }
    field(doc.summary.as_bytes());
    // The text's hash, which a text left in the parse cache keeps without being read.
    field(&doc.text.identity().to_le_bytes());
    field(doc.url.as_bytes());
    field(doc.date.as_bytes());
    h.digest128().to_le_bytes()
}

/// Beyond this share of the ledger's articles edited (1 in 16), the index is built whole:
/// an update reads every shard to take the edited articles' old hits out, and with that
/// many edits rewrites most of them.
const MOST_EDITED: usize = 16;

/// Brings the index the last build made up to date with `docs`, handing each changed file
/// to `emit` and keeping the rest through `earlier`: articles beyond the ledger's are
/// appended, and articles edited in place (the same id, another [`doc_key`]) have their old
/// hits taken out and their new ones put in. None, with nothing emitted or kept, when the
/// index must be built whole.
pub fn update(
    docs: &[Doc<'_>],
    keys: &[[u8; 16]],
    old: &Ledger,
    earlier: &dyn Earlier,
    emit: &(dyn Fn(String, Vec<u8>) + Sync),
) -> Option<(Stats, Layout)> {
    let known = old.docs.len();
    let shard_count = old.layout.shards.len();
    if keys.len() < known || shard_count == 0 {
        return None;
    }
    let edited: Vec<u32> = (0..known)
        .filter(|&i| keys[i] != old.docs[i])
        .map(u32::try_from)
        .collect::<Result<_, _>>()
        .ok()?;
    if edited.len() > known / MOST_EDITED {
        return None;
    }
    let mut layout = old.layout.clone();
    let changed = updated_shards(docs, known, &edited, earlier, &mut layout)?;
    if index::shard_count(layout.total as usize) != shard_count {
        return None;
    }
    // Chunks holding an edited article or a new one are made again.
    let chunk_count = docs.len().div_ceil(CHUNK);
    let remade: BTreeSet<usize> = edited
        .iter()
        .map(|&id| id as usize / CHUNK)
        .chain(known / CHUNK..chunk_count)
        .collect();
    let unchanged: Vec<(String, FileSum)> = (0..shard_count)
        .filter(|s| !changed.contains_key(s))
        .map(|s| (index::shard_name(s), layout.shards[s]))
        .chain(
            (0..chunk_count.min(layout.chunks.len()))
                .filter(|c| !remade.contains(c))
                .map(|c| (index::chunk_name(c), layout.chunks[c])),
        )
        .collect();
    // Read whatever the folder being written lacks before handing anything on, so that a
    // file that fails its check leaves nothing half done.
    let copies: Vec<Option<Vec<u8>>> = unchanged
        .par_iter()
        .map(|(name, sum)| match earlier.holds(name, &sum.hash) {
            true => Some(None),
            false => read_checked(earlier, name, sum).map(Some),
        })
        .collect::<Option<_>>()?;
    for ((name, sum), copy) in unchanged.into_iter().zip(copies) {
        match copy {
            Some(bytes) => emit(name, bytes),
            None => earlier.keep(&name, &sum.hash),
        }
    }
    // Each hashed and handed on in parallel: an article's terms change a thousand shards.
    let summed: Vec<(usize, FileSum)> = changed
        .into_par_iter()
        .map(|(s, bytes)| (s, index::emit_summed(emit, index::shard_name(s), bytes)))
        .collect();
    for (s, sum) in summed {
        layout.shards[s] = sum;
    }
    layout.chunks.truncate(chunk_count);
    for c in remade {
        let chunk = &docs[c * CHUNK..docs.len().min((c + 1) * CHUNK)];
        let sum = index::emit_summed(emit, index::chunk_name(c), index::chunk_json(chunk));
        match layout.chunks.get_mut(c) {
            Some(old) => *old = sum,
            None => layout.chunks.push(sum),
        }
    }
    let stats = index::emit_meta(emit, docs.len(), &layout);
    Some((stats, layout))
}

/// How an update changes the index's sizes ([`Layout`]'s totals).
#[derive(Debug, Default, Clone, Copy)]
struct Growth {
    total: i64,
    terms: i64,
    hits: i64,
}

impl Growth {
    fn add(&mut self, other: Growth) {
        self.total += other.total;
        self.terms += other.terms;
        self.hits += other.hits;
    }

    fn apply(self, layout: &mut Layout) -> Option<()> {
        layout.total = layout.total.checked_add_signed(self.total)?;
        layout.terms = layout.terms.checked_add_signed(self.terms)?;
        layout.hits = layout.hits.checked_add_signed(self.hits)?;
        Some(())
    }
}

/// New hits by shard, then by term: each term's in ascending id order.
type NewHits = BTreeMap<usize, BTreeMap<Key, Vec<(u32, u8)>>>;

/// The shards that change, as they become, by shard: those the `edited` articles' old hits
/// are in, and those the edited and new (`docs[known..]`) articles' hits go to. `layout`'s
/// sizes are updated (not its files' sums). None when a shard cannot be read back.
fn updated_shards(
    docs: &[Doc<'_>],
    known: usize,
    edited: &[u32],
    earlier: &dyn Earlier,
    layout: &mut Layout,
) -> Option<BTreeMap<usize, Vec<u8>>> {
    let shard_count = layout.shards.len();
    let ids: Vec<u32> = edited
        .iter()
        .copied()
        .map(Some)
        .chain((known..docs.len()).map(|i| u32::try_from(i).ok()))
        .collect::<Option<_>>()?;
    let terms: Vec<index::DocTerms> = ids
        .par_iter()
        .map(|&id| index::doc_terms(&docs[id as usize]))
        .collect::<std::io::Result<_>>()
        .ok()?;
    let mut hits = NewHits::new();
    for (&id, doc) in ids.iter().zip(&terms) {
        for (key, code) in doc.all() {
            let shard = index::shard_of(&tokenize::key_text(key), shard_count) as usize;
            hits.entry(shard)
                .or_default()
                .entry(key)
                .or_default()
                .push((id, code));
        }
    }
    // Any shard may hold an edited article's old hits.
    let shards: Vec<usize> = match edited.is_empty() {
        true => hits.keys().copied().collect(),
        false => (0..shard_count).collect(),
    };
    let updates: Vec<(usize, Vec<u8>, Growth)> = shards
        .par_iter()
        .map(|&s| {
            let bytes = read_checked(earlier, &index::shard_name(s), &layout.shards[s])?;
            let update = update_shard(&bytes, hits.get(&s), edited)?;
            Some(update.map(|(bytes, growth)| (s, bytes, growth)))
        })
        .collect::<Option<Vec<_>>>()?
        .into_iter()
        .flatten()
        .collect();
    let mut growth = Growth::default();
    let changed = updates
        .into_iter()
        .map(|(s, bytes, g)| {
            growth.add(g);
            (s, bytes)
        })
        .collect();
    growth.apply(layout)?;
    Some(changed)
}

/// A shard's JSON with the `edited` articles' hits taken out and `new` hits put in, and how
/// its sizes grew; Some(None) when neither touches it, None when it is malformed.
fn update_shard(
    bytes: &[u8],
    new: Option<&BTreeMap<Key, Vec<(u32, u8)>>>,
    edited: &[u32],
) -> Option<Option<(Vec<u8>, Growth)>> {
    let map: BTreeMap<&str, &str> = serde_json::from_slice(bytes).ok()?;
    let new = new.filter(|n| !n.is_empty());
    if new.is_none() {
        let mut untouched = true;
        for data in map.values() {
            untouched &= !postings::holds_any(data.as_bytes(), edited)?;
        }
        if untouched {
            return Some(None);
        }
    }
    let mut entries: Vec<(Key, Cow<'_, [u8]>)> = map
        .into_iter()
        .map(|(term, data)| Some((tokenize::text_key(term)?, Cow::Borrowed(data.as_bytes()))))
        .collect::<Option<_>>()?;
    entries.sort_unstable_by_key(|e| e.0);
    let mut growth = Growth::default();
    // As `Part::bytes` counts: the postings, and 12 for each term.
    for &key in new.into_iter().flat_map(BTreeMap::keys) {
        if let Err(at) = entries.binary_search_by_key(&key, |e| e.0) {
            entries.insert(at, (key, Cow::Owned(Vec::new())));
            growth.total += 12;
            growth.terms += 1;
        }
    }
    for (key, data) in &mut entries {
        let add = new.and_then(|n| n.get(key)).map_or(&[][..], Vec::as_slice);
        let remove = match postings::holds_any(data, edited)? {
            true => edited,
            false => &[],
        };
        if add.is_empty() && remove.is_empty() {
            continue;
        }
        let (merged, removed) = postings::merge(data, remove, add)?;
        growth.total += merged.len() as i64 - data.len() as i64;
        growth.hits += add.len() as i64 - removed as i64;
        *data = Cow::Owned(merged);
    }
    let before = entries.len();
    entries.retain(|(_, data)| !data.is_empty());
    let gone = (before - entries.len()) as i64;
    growth.total -= 12 * gone;
    growth.terms -= gone;
    Some(Some((index::shard_json(&entries), growth)))
}

/// `file` as the last build published it, when it is what the ledger says.
fn read_checked(earlier: &dyn Earlier, file: &str, sum: &FileSum) -> Option<Vec<u8>> {
    let bytes = earlier.read(file)?;
    (FileHash::of(&bytes) == sum.hash).then_some(bytes)
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, HashSet};
    use std::path::PathBuf;
    use std::sync::Mutex;

    use super::*;

    /// The last build's files, and which of them the folder being written already holds.
    struct Published {
        files: BTreeMap<String, Vec<u8>>,
        held: HashSet<String>,
        kept: Mutex<Vec<String>>,
    }

    impl Earlier for Published {
        fn ledger_path(&self, _: &str) -> Option<PathBuf> {
            None
        }
        fn read(&self, file: &str) -> Option<Vec<u8>> {
            self.files.get(file).cloned()
        }
        fn holds(&self, file: &str, hash: &FileHash) -> bool {
            self.held.contains(file)
                && self
                    .files
                    .get(file)
                    .is_some_and(|b| FileHash::of(b) == *hash)
        }
        fn keep(&self, file: &str, _: &FileHash) {
            self.kept.lock().unwrap().push(file.to_string());
        }
    }

    struct Corpus {
        titles: Vec<String>,
        texts: Vec<String>,
        tags: Vec<Vec<String>>,
    }

    /// `n` articles of a few hundred characters each, from a small vocabulary.
    fn corpus(n: usize) -> Corpus {
        let words = [
            "芯片",
            "模型",
            "发布",
            "算力",
            "开源",
            "手机",
            "汽车",
            "电池",
            "卫星",
            "云计算",
            "GPU",
            "OpenAI",
            "Rust",
            "5G",
            "量子",
            "机器人",
            "数据中心",
            "融资",
            "监管",
            "出海",
        ];
        let pick = |i: usize, k: usize| words[(i * 7 + k * 13 + i * k) % words.len()];
        Corpus {
            titles: (0..n)
                .map(|i| format!("{}{}新进展 {i}", pick(i, 1), pick(i, 2)))
                .collect(),
            texts: (0..n)
                .map(|i| {
                    // Many distinct Latin words too, for an index of several shards.
                    let words = (0..60).map(|k| format!("{}v{i}n{k}", pick(i, k)));
                    words.collect::<Vec<_>>().join("，")
                })
                .collect(),
            tags: (0..n).map(|i| vec![pick(i, 3).to_string()]).collect(),
        }
    }

    impl Corpus {
        fn docs(&self) -> Vec<Doc<'_>> {
            (0..self.titles.len())
                .map(|i| Doc {
                    title: &self.titles[i],
                    tags: &self.tags[i],
                    categories: &[],
                    summary: self.texts[i].split("，").next().unwrap_or(""),
                    text: (&self.texts[i]).into(),
                    url: format!("/a/{i}/"),
                    date: "2024-03-11".into(),
                })
                .collect()
        }
    }

    type Files = BTreeMap<String, Vec<u8>>;

    fn full(docs: &[Doc<'_>]) -> (Files, Ledger) {
        let files = Mutex::new(BTreeMap::new());
        let (_, layout) = index::build_into(docs, &|_| {}, &|name, bytes| {
            files.lock().unwrap().insert(name, bytes);
        })
        .unwrap();
        let keys = docs.iter().map(doc_key).collect();
        (files.into_inner().unwrap(), Ledger::new(keys, layout))
    }

    /// Appends `docs` to the index of `last`; the files as the output would then hold
    /// them (emitted, or kept from the last build), or None.
    fn appended(
        docs: &[Doc<'_>],
        last: &(Files, Ledger),
        held: impl Fn(&str) -> bool,
    ) -> Option<(Files, Ledger, Vec<String>)> {
        let published = Published {
            held: last.0.keys().filter(|f| held(f)).cloned().collect(),
            files: last.0.clone(),
            kept: Mutex::new(Vec::new()),
        };
        let emitted = Mutex::new(BTreeMap::new());
        let keys: Vec<[u8; 16]> = docs.iter().map(doc_key).collect();
        let (_, layout) = update(docs, &keys, &last.1, &published, &|name, bytes| {
            emitted.lock().unwrap().insert(name, bytes);
        })?;
        let mut files = emitted.into_inner().unwrap();
        let written = files.keys().cloned().collect();
        for name in published.kept.into_inner().unwrap() {
            assert!(files.insert(name.clone(), last.0[&name].clone()).is_none());
        }
        Some((files, Ledger::new(keys, layout), written))
    }

    #[test]
    fn appending_articles_gives_the_files_of_a_full_build_and_rewrites_few() {
        let corpus = corpus(300);
        let docs = corpus.docs();
        let last = full(&docs[..290]);
        assert!(
            last.1.layout.shards.len() >= 8,
            "{}",
            last.1.layout.shards.len()
        );
        let whole = full(&docs);
        // Every file held already, half of them, none: the same files either way.
        for held in [
            |_: &str| true,
            |f: &str| f.len().is_multiple_of(2),
            |_: &str| false,
        ] {
            let (files, ledger, _) = appended(&docs, &last, held).expect("appends");
            assert_eq!(files, whole.0);
            assert_eq!(ledger.layout, whole.1.layout);
            assert_eq!(ledger.docs, whole.1.docs);
        }
        // With every file held, only what changed is handed on: the shards of the new
        // articles' terms (all of a small index's), the chunk of ids 288–319, meta.json.
        let (_, _, written) = appended(&docs, &last, |_| true).expect("appends");
        let chunks: Vec<&String> = written.iter().filter(|f| f.contains("docs/")).collect();
        assert_eq!(chunks, ["search/docs/9.json"]);
        assert!(
            written.len() <= whole.1.layout.shards.len() + 2,
            "{written:?}"
        );
        // Nothing new: only the last chunk and meta.json.
        let (files, _, written) = appended(&docs[..290], &last, |_| true).expect("same");
        assert_eq!(files, last.0);
        assert_eq!(written, ["search/docs/9.json", "search/meta.json"]);
    }

    #[test]
    fn editing_articles_in_place_gives_the_files_of_a_full_build() {
        let corpus = corpus(300);
        let docs = corpus.docs();
        let last = full(&docs[..290]);
        let mut edited = docs.clone();
        // A new summary, a title with a term no other article has, a body cut to one word
        // (terms left with no article go), and the same edits with new articles added.
        edited[40].summary = "改过的摘要";
        edited[41].title = "独家专访量子霸权 Zyzzyva";
        edited[289].text = "芯片".into();
        for n in [290, 300] {
            let whole = full(&edited[..n]);
            let (files, ledger, written) =
                appended(&edited[..n], &last, |_| true).expect("updates");
            assert_eq!(files, whole.0);
            assert_eq!(ledger.layout, whole.1.layout);
            assert_eq!(ledger.docs, whole.1.docs);
            // The chunks of ids 32–63 and 288 on are made again, no others.
            let chunks: Vec<&String> = written.iter().filter(|f| f.contains("docs/")).collect();
            assert_eq!(chunks, ["search/docs/1.json", "search/docs/9.json"]);
        }
        // The same through a folder that holds none of the last build's files.
        let whole = full(&edited);
        let (files, _, _) = appended(&edited, &last, |_| false).expect("updates");
        assert_eq!(files, whole.0);
    }

    #[test]
    fn anything_but_appends_and_a_few_edits_or_a_file_not_as_recorded_builds_whole() {
        let corpus = corpus(120);
        let docs = corpus.docs();
        let last = full(&docs[..100]);
        // One removed.
        assert!(appended(&docs[..99], &last, |_| true).is_none());
        // More than one article in 16 edited.
        let mut edited = docs.clone();
        for doc in &mut edited[..7] {
            doc.summary = "改过的摘要";
        }
        assert!(appended(&edited, &last, |_| true).is_none());
        assert!(appended(&edited[1..], &last, |_| true).is_none());
        // A shard of the last build not what the ledger says.
        let mut tampered = (last.0.clone(), last.1.clone());
        for (name, bytes) in tampered.0.iter_mut() {
            if name.contains("shards/") {
                bytes.push(b' ');
            }
        }
        assert!(appended(&docs, &tampered, |_| false).is_none());
    }
}
