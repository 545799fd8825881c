//! Building the index files: postings sharded by term hash, article data in chunks, and
//! `meta.json` tying them together (the format is in `docs/search.md`).
//!
//! A 10,000-article portal has around 12 million (term, article) pairs, so the build avoids
//! a string per term and a map the size of the whole vocabulary in the hot loop:
//!
//! 1. Articles are tokenised in parallel, a batch at a time (bounding memory), into their
//!    distinct (term key, code) pairs, counted in a per-thread table ([`Tally`]) and split
//!    into [`PARTS`] partitions by a hash of the key.
//! 2. Each partition owns a map from key to its postings, already encoded. Partitions are
//!    filled in parallel; each walks the batch in article order, so ids arrive ascending
//!    and a posting is appended, never inserted. A partition's map is small enough to stay
//!    in cache, which is where most of the time would otherwise go. Batch b is merged
//!    while batch b + 1 is tokenised.
//! 3. The shard count is chosen from the total size, every term is assigned its shard
//!    (`fnv1a(term) % shards`, as the browser does) and the shards are written sorted by
//!    (shard, key): the same bytes whatever the thread count.

use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::io;

use rayon::prelude::*;

use super::postings::{self, IN_SUMMARY, IN_TAGS, IN_TITLE};
use super::tokenize::{self, Key, Mode};
use crate::digest::FileHash;
use crate::model::LazyText;
use crate::text::UNIFIED_IDEOGRAPHS;

/// Version of the file layout, in `meta.json`; the script refuses other versions.
pub const FORMAT: u32 = 2;
/// Articles per `docs/<n>.json` chunk. Small, because the hits of one query are spread over
/// the years: 20 hits may touch 20 chunks, and 32 summaries are about 20 KB.
pub const CHUNK: usize = 32;
/// Characters of the summary kept for the results list.
pub const SUMMARY_CHARS: usize = 160;
/// Aim for shards of about this many bytes: a query of a few terms then fetches a few
/// hundred kilobytes at most, while a 10,000-article site needs well under 4096 files.
const SHARD_BYTES: usize = 48 * 1024;
const MAX_SHARDS: usize = 4096;
/// Partitions of the term space while building (see the module comment).
const PARTS: usize = 64;
/// Articles tokenised at once: bounds the memory of step 1 to a few megabytes.
const BATCH: usize = 512;
/// Marks a body occurrence among the field bits while tokenising one article.
const IN_BODY: u8 = 8;

/// What the index needs of an article.
#[derive(Debug, Clone)]
pub struct Doc<'a> {
    pub title: &'a str,
    pub tags: &'a [String],
    pub categories: &'a [String],
    pub summary: &'a str,
    /// The body as plain text.
    pub text: DocText<'a>,
    /// Href of the article (with the base path, percent-encoded).
    pub url: String,
    /// `2024-03-11`.
    pub date: String,
}

/// An article's plain text: borrowed, or read a batch at a time from where it is kept
/// ([`LazyText`]), so that the index never holds every text at once.
#[derive(Debug, Clone, Copy)]
pub enum DocText<'a> {
    Str(&'a str),
    Plain(&'a LazyText),
}

impl DocText<'_> {
    pub fn read(&self) -> io::Result<Cow<'_, str>> {
        match self {
            DocText::Str(text) => Ok(Cow::Borrowed(text)),
            DocText::Plain(text) => text.read(),
        }
    }

    /// See [`LazyText::identity`].
    pub fn identity(&self) -> u64 {
        match self {
            DocText::Str(text) => LazyText::identity_of(text),
            DocText::Plain(text) => text.identity(),
        }
    }
}

impl<'a> From<&'a str> for DocText<'a> {
    fn from(text: &'a str) -> Self {
        DocText::Str(text)
    }
}

impl<'a> From<&'a String> for DocText<'a> {
    fn from(text: &'a String) -> Self {
        DocText::Str(text)
    }
}

impl<'a> From<&'a LazyText> for DocText<'a> {
    fn from(text: &'a LazyText) -> Self {
        DocText::Plain(text)
    }
}

/// Sizes, for tests and for the report in `docs/search.md`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    pub docs: usize,
    pub terms: usize,
    pub postings: usize,
    pub shards: usize,
    pub largest_shard: usize,
    pub bytes: usize,
}

/// The index files, as (path relative to the output root, bytes), and their sizes.
#[derive(Debug, Clone)]
pub struct Built {
    pub files: Vec<(String, Vec<u8>)>,
    pub stats: Stats,
}

/// Where the index lives under the output root.
pub const DIR: &str = "search/";

/// Builds every index file for `docs`, whose position is their id (oldest first, so that a
/// new article appends to the index instead of renumbering it: [`super::update`]), sorted
/// by path. Fails only when a text cannot be read back ([`DocText`]).
pub fn build(docs: &[Doc<'_>]) -> io::Result<Built> {
    let made = std::sync::Mutex::new(Vec::new());
    let (stats, _) = build_into(docs, &|_| {}, &|name, bytes| {
        made.lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push((name, bytes));
    })?;
    let mut files = made
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    files.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    Ok(Built { files, stats })
}

/// Builds every index file for `docs` and hands each to `emit` as soon as it is made, in no
/// particular order, so that the index is never held whole (at 100,000 articles its
/// postings and its JSON are a few hundred megabytes each). `indexed` gets the number of
/// documents of each batch tokenised (the progress display counts them). Returns the sizes,
/// and what the next build needs to append to the files ([`Layout`]). Fails, having
/// emitted some files, only when a text cannot be read back ([`DocText`]).
pub fn build_into(
    docs: &[Doc<'_>],
    indexed: &(dyn Fn(usize) + Sync),
    emit: &(dyn Fn(String, Vec<u8>) + Sync),
) -> io::Result<(Stats, Layout)> {
    let mut parts: Vec<Part> = (0..PARTS).map(|_| Part::default()).collect();
    let merge = |parts: &mut Vec<Part>, first: u32, terms: &[DocTerms]| {
        parts.par_iter_mut().enumerate().for_each(|(p, part)| {
            for (i, doc) in terms.iter().enumerate() {
                part.add(first + i as u32, doc.part(p));
            }
        });
    };
    // Batch b is tokenised while batch b − 1 is merged, so neither core waits for the
    // slowest task of a phase.
    let mut pending: Option<(u32, Vec<DocTerms>)> = None;
    for (b, batch) in docs.chunks(BATCH).enumerate() {
        let (terms, ()) = rayon::join(
            || {
                batch
                    .par_iter()
                    .map(doc_terms)
                    .collect::<io::Result<Vec<_>>>()
            },
            || {
                if let Some((first, terms)) = pending.take() {
                    merge(&mut parts, first, &terms);
                }
            },
        );
        indexed(batch.len());
        pending = Some(((b * BATCH) as u32, terms?));
    }
    if let Some((first, terms)) = pending {
        merge(&mut parts, first, &terms);
    }

    let total: usize = parts.iter().map(Part::bytes).sum();
    let hits: usize = parts.iter().map(|p| p.hits).sum();
    let shard_count = shard_count(total);
    let mut entries: Vec<(u32, Key, Vec<u8>)> = parts
        .into_par_iter()
        .flat_map_iter(|part| {
            let mut text = String::new();
            part.map.into_iter().map(move |(key, acc)| {
                text.clear();
                text.push_str(&tokenize::key_text(key));
                (shard_of(&text, shard_count), key, acc.data)
            })
        })
        .collect();
    entries.par_sort_unstable_by_key(|&(shard, key, _)| (shard, key));

    let terms = entries.len();
    // Each shard's postings are freed as soon as its JSON is made, so the index is not
    // held twice (postings and JSON) at 100,000 articles: that was the peak of a build.
    let mut sizes = vec![0usize; shard_count];
    for &(shard, _, _) in &entries {
        sizes[shard as usize] += 1;
    }
    let mut groups: Vec<Vec<(Key, Vec<u8>)>> = sizes.into_iter().map(Vec::with_capacity).collect();
    for (shard, key, data) in entries {
        groups[shard as usize].push((key, data));
    }
    // Each file is handed on as it is made; what `meta.json` needs of it is kept, in file
    // order, so the version does not depend on the order the threads finish in.
    let shards: Vec<FileSum> = groups
        .into_par_iter()
        .enumerate()
        .map(|(i, g)| emit_summed(emit, shard_name(i), shard_json(&g)))
        .collect();
    let chunks: Vec<FileSum> = docs
        .par_chunks(CHUNK)
        .enumerate()
        .map(|(i, chunk)| emit_summed(emit, chunk_name(i), chunk_json(chunk)))
        .collect();
    let layout = Layout {
        total: total as u64,
        hits: hits as u64,
        terms: terms as u64,
        shards,
        chunks,
    };
    let stats = emit_meta(emit, docs.len(), &layout);
    Ok((stats, layout))
}

/// What the next build needs of the index files to append articles to them
/// ([`super::update`]): the sizes that chose the shard count, and a summary of each file.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Layout {
    /// The postings' size as [`shard_count`] counts it.
    pub total: u64,
    pub hits: u64,
    pub terms: u64,
    pub shards: Vec<FileSum>,
    pub chunks: Vec<FileSum>,
}

/// One index file as `meta.json`'s version and the next build see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FileSum {
    pub quick: u64,
    pub len: u64,
    /// The next build checks a file it reads back against it, and asks the output folder
    /// whether it holds the file with it.
    pub hash: FileHash,
}

impl FileSum {
    pub fn of(bytes: &[u8]) -> FileSum {
        FileSum {
            quick: quick_hash(bytes),
            len: bytes.len() as u64,
            hash: FileHash::of(bytes),
        }
    }
}

pub(super) fn shard_name(i: usize) -> String {
    format!("{DIR}shards/{i}.json")
}

pub(super) fn chunk_name(i: usize) -> String {
    format!("{DIR}docs/{i}.json")
}

/// Shards for postings of `total` bytes (see [`SHARD_BYTES`]).
pub(super) fn shard_count(total: usize) -> usize {
    total
        .div_ceil(SHARD_BYTES)
        .next_power_of_two()
        .clamp(1, MAX_SHARDS)
}

/// The shard of a term, as the browser computes it.
pub(super) fn shard_of(term: &str, shard_count: usize) -> u32 {
    tokenize::fnv1a(term) % shard_count as u32
}

pub(super) fn emit_summed(
    emit: &(dyn Fn(String, Vec<u8>) + Sync),
    name: String,
    bytes: Vec<u8>,
) -> FileSum {
    let sum = FileSum::of(&bytes);
    emit(name, bytes);
    sum
}

/// Hands on `meta.json` for an index of `docs` articles laid out as `layout`; returns the
/// index's sizes.
pub(super) fn emit_meta(
    emit: &(dyn Fn(String, Vec<u8>) + Sync),
    docs: usize,
    layout: &Layout,
) -> Stats {
    let names = (0..layout.shards.len())
        .map(shard_name)
        .chain((0..layout.chunks.len()).map(chunk_name));
    let version = names
        .zip(layout.shards.iter().chain(&layout.chunks))
        .fold(0xcbf2_9ce4_8422_2325u64, |h, (name, sum)| {
            mix(mix(h, quick_hash(name.as_bytes())), sum.quick)
        });
    let meta = serde_json::json!({
        "format": FORMAT,
        "version": format!("{version:016x}"),
        "docs": docs,
        "shards": layout.shards.len(),
        "chunk": CHUNK,
    });
    let meta = meta.to_string().into_bytes();
    let files = layout.shards.iter().chain(&layout.chunks);
    let stats = Stats {
        docs,
        terms: layout.terms as usize,
        postings: layout.hits as usize,
        shards: layout.shards.len(),
        largest_shard: layout
            .shards
            .iter()
            .map(|s| s.len as usize)
            .max()
            .unwrap_or(0),
        bytes: meta.len() + files.map(|s| s.len as usize).sum::<usize>(),
    };
    emit(format!("{DIR}meta.json"), meta);
    stats
}

/// One article's distinct terms with their codes, grouped by partition.
pub(super) struct DocTerms {
    keys: Vec<Key>,
    codes: Vec<u8>,
    /// `keys[starts[p]..starts[p + 1]]` are partition `p`'s.
    starts: [u32; PARTS + 1],
}

impl DocTerms {
    fn part(&self, p: usize) -> impl Iterator<Item = (Key, u8)> + '_ {
        let range = self.starts[p] as usize..self.starts[p + 1] as usize;
        self.keys[range.clone()]
            .iter()
            .copied()
            .zip(self.codes[range].iter().copied())
    }

    /// Every term with its code.
    pub(super) fn all(&self) -> impl Iterator<Item = (Key, u8)> + '_ {
        self.keys.iter().copied().zip(self.codes.iter().copied())
    }
}

/// Per-thread buffers for [`doc_terms`].
#[derive(Default)]
struct Scratch {
    /// CJK terms (most of them), counted in a hash table rather than sorted: sorting the
    /// ~3,000 occurrences of a 4 KB article was the biggest cost of tokenising.
    cjk: Tally,
    /// Latin words, whose keys need all 128 bits: far fewer in Chinese text, so sorted.
    /// Each is (key, fields, body occurrences); see [`Latin`].
    latin: Latin,
    /// Each partition's (key, code) pairs of one article, gathered before they are laid
    /// end to end in [`DocTerms`] (which then needs no zeroed buffer to scatter into).
    parts: Vec<Vec<(Key, u8)>>,
}

impl Scratch {
    /// Entries a scratch buffer keeps between articles; one grown past it by a long
    /// article is let go, rather than held by its thread for the rest of the build.
    const KEEP: usize = 1 << 16;

    fn trim(&mut self) {
        if self.cjk.slots.len() > Self::KEEP {
            self.cjk = Tally::default();
        }
        if self.latin.terms.capacity() > Self::KEEP {
            self.latin = Latin::default();
        }
        if self.parts.iter().map(Vec::capacity).sum::<usize>() > Self::KEEP {
            self.parts = Vec::new();
        }
    }
}

/// One article's Latin words: an entry per occurrence, merged into one per word (sorted,
/// fields or-ed, body occurrences added) whenever the list doubles, so that a long text
/// holds about its distinct words, not its every word.
#[derive(Default)]
struct Latin {
    terms: Vec<(Key, u8, u8)>,
    /// Length at which the list is merged next.
    merge_at: usize,
}

impl Latin {
    const FIRST_MERGE: usize = 1 << 14;

    fn clear(&mut self) {
        self.terms.clear();
        self.merge_at = Self::FIRST_MERGE;
    }

    fn add(&mut self, key: Key, field: u8) {
        self.terms.push(if field == IN_BODY {
            (key, 0, 1)
        } else {
            (key, field, 0)
        });
        if self.terms.len() >= self.merge_at {
            self.merge();
            self.merge_at = (self.terms.len() * 2).max(Self::FIRST_MERGE);
        }
    }

    /// Sorts by key and merges each key's entries into one. Body counts stop at 255:
    /// [`postings::code`] tells apart only up to 4.
    fn merge(&mut self) {
        self.terms.sort_unstable_by_key(|t| t.0);
        let mut kept = 0;
        for i in 0..self.terms.len() {
            let (key, fields, body) = self.terms[i];
            if kept > 0 && self.terms[kept - 1].0 == key {
                let last = &mut self.terms[kept - 1];
                last.1 |= fields;
                last.2 = last.2.saturating_add(body);
            } else {
                self.terms[kept] = (key, fields, body);
                kept += 1;
            }
        }
        self.terms.truncate(kept);
    }
}

thread_local! {
    /// Each thread's [`Scratch`], kept for the whole build (and the next).
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::default();
}

/// Tokenises every field of `doc` into its distinct terms and their codes.
pub(super) fn doc_terms(doc: &Doc<'_>) -> io::Result<DocTerms> {
    let body = doc.text.read()?;
    Ok(SCRATCH.with(|scratch| doc_terms_with(doc, &body, &mut scratch.borrow_mut())))
}

fn doc_terms_with(doc: &Doc<'_>, body: &str, scratch: &mut Scratch) -> DocTerms {
    let Scratch { cjk, latin, parts } = scratch;
    cjk.start();
    latin.clear();
    parts.resize_with(PARTS, Vec::new);
    parts.iter_mut().for_each(Vec::clear);
    let mut add = |text: &str, field: u8| {
        // Inlined into the tokeniser's loop, where it runs for every term occurrence:
        // whether the compiler does so on its own changes with unrelated code.
        tokenize::tokenize(
            text,
            Mode::Index,
            #[inline(always)]
            |k| match u64::try_from(k) {
                Ok(k) => cjk.add(k, field),
                Err(_) => latin.add(k, field),
            },
        );
    };
    add(doc.title, IN_TITLE);
    for term in doc.tags.iter().chain(doc.categories) {
        add(term, IN_TAGS);
    }
    add(doc.summary, IN_SUMMARY);
    add(body, IN_BODY);
    latin.merge();

    // Fold the occurrences of each term into its code, by partition.
    for slot in cjk.terms() {
        let key = Key::from(slot.key);
        parts[part_of(key)].push((key, postings::code(slot.fields, u32::from(slot.body))));
    }
    for &(key, fields, body) in &latin.terms {
        parts[part_of(key)].push((key, postings::code(fields, u32::from(body))));
    }

    let total = parts.iter().map(Vec::len).sum();
    let mut keys = Vec::with_capacity(total);
    let mut codes = Vec::with_capacity(total);
    let mut starts = [0u32; PARTS + 1];
    for (p, part) in parts.iter().enumerate() {
        keys.extend(part.iter().map(|&(key, _)| key));
        codes.extend(part.iter().map(|&(_, code)| code));
        starts[p + 1] = keys.len() as u32;
    }
    scratch.trim();
    DocTerms {
        keys,
        codes,
        starts,
    }
}

/// An open-addressing table from term to where it occurs, reused for every article of a
/// thread: a generation stamp marks live slots, so starting a new article clears nothing.
/// Single unified ideographs (half the terms of Chinese text) have a slot each, by code
/// point, and skip the hashing and probing.
#[derive(Default)]
struct Tally {
    slots: Vec<Slot>,
    /// `64 - log2(slots.len())`: the hash's top bits pick the slot.
    shift: u32,
    /// Slots of `slots` in use this generation.
    hashed: usize,
    /// By code point − [`FIRST_IDEOGRAPH`]: the single characters' slots.
    singles: Vec<Slot>,
    generation: u32,
    /// Slots in use this generation, in first-seen order: an index of `slots`, or of
    /// `singles` with [`SINGLE`] set.
    used: Vec<u32>,
}

#[derive(Debug, Clone, Copy, Default)]
struct Slot {
    key: u64,
    generation: u32,
    body: u16,
    fields: u8,
}

impl Slot {
    /// A slot just taken for `key` in this generation: no occurrences counted yet.
    fn fresh(key: u64, generation: u32) -> Slot {
        Slot {
            key,
            generation,
            body: 0,
            fields: 0,
        }
    }
}

/// The first unified ideograph, and how many there are ([`UNIFIED_IDEOGRAPHS`]).
const FIRST_IDEOGRAPH: u64 = *UNIFIED_IDEOGRAPHS.start() as u64;
const IDEOGRAPHS: usize = (*UNIFIED_IDEOGRAPHS.end() - *UNIFIED_IDEOGRAPHS.start() + 1) as usize;
/// Marks an index of [`Tally::used`] as one of `singles`.
const SINGLE: u32 = 1 << 31;

impl Tally {
    const START_BITS: u32 = 12;

    fn start(&mut self) {
        if self.slots.is_empty() {
            self.slots = vec![Slot::default(); 1 << Self::START_BITS];
            self.shift = 64 - Self::START_BITS;
        }
        if self.singles.is_empty() {
            self.singles = vec![Slot::default(); IDEOGRAPHS];
        }
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            self.slots.fill(Slot::default());
            self.singles.fill(Slot::default());
            self.generation = 1;
        }
        self.used.clear();
        self.hashed = 0;
    }

    /// Inlined into the tokeniser's callback: it runs for every term occurrence, and as a
    /// call its register saves cost as much as its work.
    #[inline(always)]
    fn add(&mut self, key: u64, field: u8) {
        let single = key.wrapping_sub(FIRST_IDEOGRAPH);
        let slot = if single < IDEOGRAPHS as u64 {
            let slot = &mut self.singles[single as usize];
            if slot.generation != self.generation {
                *slot = Slot::fresh(key, self.generation);
                self.used.push(single as u32 | SINGLE);
            }
            slot
        } else {
            self.hashed_slot(key)
        };
        if field == IN_BODY {
            slot.body = slot.body.saturating_add(1);
        } else {
            slot.fields |= field;
        }
    }

    /// The slot of `key` in `slots`, taken for it if new.
    #[inline(always)]
    fn hashed_slot(&mut self, key: u64) -> &mut Slot {
        if self.hashed * 2 >= self.slots.len() {
            self.grow();
        }
        let mask = self.slots.len() - 1;
        let mut i = (key.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> self.shift) as usize;
        loop {
            let slot = &self.slots[i];
            if slot.generation != self.generation {
                self.slots[i] = Slot::fresh(key, self.generation);
                self.used.push(i as u32);
                self.hashed += 1;
                return &mut self.slots[i];
            } else if slot.key == key {
                return &mut self.slots[i];
            }
            i = (i + 1) & mask;
        }
    }

    /// Doubles the hashed table, keeping this generation's terms.
    #[cold]
    #[inline(never)]
    fn grow(&mut self) {
        let live: Vec<Slot> = self
            .used
            .iter()
            .filter(|&&i| i & SINGLE == 0)
            .map(|&i| self.slots[i as usize])
            .collect();
        self.slots = vec![Slot::default(); self.slots.len() * 2];
        self.shift -= 1;
        self.used.retain(|&i| i & SINGLE != 0);
        let mask = self.slots.len() - 1;
        for slot in live {
            let mut i = (slot.key.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> self.shift) as usize;
            while self.slots[i].generation == self.generation {
                i = (i + 1) & mask;
            }
            self.slots[i] = slot;
            self.used.push(i as u32);
        }
    }

    fn terms(&self) -> impl Iterator<Item = Slot> + '_ {
        self.used.iter().map(|&i| match i & SINGLE {
            0 => self.slots[i as usize],
            _ => self.singles[(i & !SINGLE) as usize],
        })
    }
}

fn part_of(key: Key) -> usize {
    let folded = (key as u64) ^ ((key >> 64) as u64).rotate_left(29);
    (folded.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (64 - PARTS.trailing_zeros())) as usize
}

/// A term's postings while building: the encoded hits so far and the next free id.
#[derive(Default)]
struct Acc {
    next: u32,
    data: Vec<u8>,
}

/// One partition's terms. Aligned to its own cache lines: neighbouring partitions are
/// filled by different threads, and sharing a line would make them fight over it.
#[derive(Default)]
#[repr(align(128))]
struct Part {
    map: HashMap<Key, Acc, BuildHasherDefault<KeyHasher>>,
    hits: usize,
}

impl Part {
    fn add(&mut self, id: u32, terms: impl Iterator<Item = (Key, u8)>) {
        let mut hits = 0;
        for (key, code) in terms {
            let acc = self.map.entry(key).or_default();
            postings::push(&mut acc.data, &mut acc.next, id, code);
            hits += 1;
        }
        self.hits += hits;
    }

    /// Roughly the bytes this partition will take in the shards.
    fn bytes(&self) -> usize {
        self.map.values().map(|a| a.data.len() + 12).sum()
    }
}

/// Hashes a [`Key`] for the partition maps: keys are already well spread integers, so one
/// folded multiply does, where SipHash would double the time.
#[derive(Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }

    fn write_u128(&mut self, key: u128) {
        self.0 ^= (key as u64) ^ ((key >> 64) as u64).rotate_left(32);
    }

    /// A folded multiply (as foldhash and ahash finish): one wide multiply, both halves
    /// mixed, a third of murmur3's finaliser. Its constant is not [`part_of`]'s, whose
    /// top bits every key of a partition shares.
    fn finish(&self) -> u64 {
        let wide = u128::from(self.0) * 0xa076_1d64_78bd_642f;
        (wide as u64) ^ ((wide >> 64) as u64)
    }
}

/// `{"term":"postings",…}` for one shard's entries, sorted by key.
pub(super) fn shard_json(entries: &[(Key, impl AsRef<[u8]>)]) -> Vec<u8> {
    let size: usize = entries.iter().map(|e| e.1.as_ref().len() + 16).sum();
    let mut out = Vec::with_capacity(size + 2);
    out.push(b'{');
    for (i, (key, data)) in entries.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        // Terms are CJK characters or ASCII letters and digits, postings are from the
        // postings alphabet: neither needs escaping, but serde_json guarantees it.
        let term = tokenize::key_text(*key);
        if serde_json::to_writer(&mut out, &term).is_err() {
            continue;
        }
        out.push(b':');
        out.push(b'"');
        out.extend_from_slice(data.as_ref());
        out.push(b'"');
    }
    out.push(b'}');
    out
}

/// `[[title, url, date, summary], …]` for one chunk of articles.
pub(super) fn chunk_json(docs: &[Doc<'_>]) -> Vec<u8> {
    let rows: Vec<(&str, &str, &str, String)> = docs
        .iter()
        .map(|d| {
            (
                d.title,
                d.url.as_str(),
                d.date.as_str(),
                crate::content::markdown::truncate_chars(d.summary, SUMMARY_CHARS),
            )
        })
        .collect();
    serde_json::to_vec(&rows).unwrap_or_default()
}

/// A fast non-cryptographic hash over bytes, for the index version in `meta.json`.
fn quick_hash(bytes: &[u8]) -> u64 {
    let mut h = 0x9e37_79b9_7f4a_7c15u64 ^ bytes.len() as u64;
    let mut words = bytes.chunks_exact(8);
    for w in &mut words {
        let mut buf = [0u8; 8];
        buf.copy_from_slice(w);
        h = mix(h, u64::from_le_bytes(buf));
    }
    for &b in words.remainder() {
        h = mix(h, u64::from(b));
    }
    h
}

fn mix(h: u64, v: u64) -> u64 {
    (h ^ v).wrapping_mul(0x0000_0100_0000_01b3).rotate_left(23)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    /// Each distinct term of `doc` with its code, worked out the plain way: every
    /// occurrence kept, fields or-ed, body occurrences counted.
    fn plainly(doc: &Doc<'_>) -> Vec<(Key, u8)> {
        let mut all: BTreeMap<Key, (u8, u32)> = BTreeMap::new();
        let mut add = |text: &str, field: u8| {
            tokenize::tokenize(text, Mode::Index, |k| {
                let entry = all.entry(k).or_default();
                if field == IN_BODY {
                    entry.1 += 1;
                } else {
                    entry.0 |= field;
                }
            });
        };
        add(doc.title, IN_TITLE);
        for term in doc.tags.iter().chain(doc.categories) {
            add(term, IN_TAGS);
        }
        add(doc.summary, IN_SUMMARY);
        add(&doc.text.read().expect("text"), IN_BODY);
        all.into_iter()
            .map(|(k, (fields, body))| (k, postings::code(fields, body)))
            .collect()
    }

    fn doc_of<'a>(title: &'a str, text: &'a str) -> Doc<'a> {
        Doc {
            title,
            tags: &[],
            categories: &[],
            summary: "",
            text: text.into(),
            url: String::new(),
            date: String::new(),
        }
    }

    fn terms_of(doc: &Doc<'_>) -> Vec<(Key, u8)> {
        let terms = doc_terms(doc).expect("terms");
        let mut got: Vec<(Key, u8)> = (0..PARTS).flat_map(|p| terms.part(p)).collect();
        got.sort_unstable();
        got
    }

    #[test]
    fn articles_tokenised_one_after_another_keep_their_own_terms() {
        // Unified ideographs have slots of their own; 〇, kana, Hangul and extension B
        // are hashed with the bigrams. Each article must see only its own.
        let docs = [
            doc_of("人工智能 一丁", "二〇二四年 ひらがな 한국 𠀀𠀁 龥 AI"),
            doc_of("智能", "人工 一 龥龥 〇"),
            doc_of("", ""),
            doc_of("一", "𠀀"),
        ];
        for doc in docs.iter().chain(docs.iter().rev()) {
            assert_eq!(terms_of(doc), plainly(doc), "{}", doc.title);
        }
    }

    #[test]
    fn every_term_of_every_article_is_in_its_shard_with_its_code() {
        // Single ideographs from across the whole block, bigrams and Latin words, in
        // articles that share some of them: the shards, decoded, hold each article's terms
        // with their codes, and nothing else.
        let texts: Vec<String> = (0..40u32)
            .map(|d| {
                let mut text = format!("word{} 共同 ", d % 7);
                for k in 0..30 {
                    let at = (d * 977 + k * 331) % (IDEOGRAPHS as u32);
                    text.push(char::from_u32(FIRST_IDEOGRAPH as u32 + at).unwrap());
                    text.push(if k % 3 == 0 { ' ' } else { '龥' });
                }
                text
            })
            .collect();
        let docs: Vec<Doc<'_>> = texts.iter().map(|t| doc_of("一丁", t)).collect();
        let mut expected: BTreeMap<String, Vec<(u32, u8)>> = BTreeMap::new();
        for (id, doc) in docs.iter().enumerate() {
            for (key, code) in plainly(doc) {
                let hits = expected.entry(tokenize::key_text(key)).or_default();
                hits.push((id as u32, code));
            }
        }

        let built = build(&docs).expect("index");
        let mut got: BTreeMap<String, Vec<(u32, u8)>> = BTreeMap::new();
        for (name, bytes) in &built.files {
            if name.starts_with(&format!("{DIR}shards/")) {
                let shard: BTreeMap<String, String> = serde_json::from_slice(bytes).expect(name);
                for (term, hits) in shard {
                    got.insert(term, postings::decode(&hits).expect("postings"));
                }
            }
        }
        assert!(expected.keys().any(|t| t.chars().count() == 1));
        assert_eq!(got, expected);
        assert_eq!(built.stats.terms, expected.len());
    }

    #[test]
    fn a_long_article_gets_its_terms_and_leaves_no_large_buffers() {
        // 60,000 Latin words of 400 kinds (merged on the way several times), and enough
        // distinct Chinese bigrams to grow the table past what a thread keeps.
        let mut text = String::new();
        for i in 0..60_000u32 {
            text.push_str(&format!("w{} ", (i * 7919) % 400));
            for code in [(i * 31) % 9000, (i * i / 7) % 9000] {
                text.push(char::from_u32(0x4E00 + code).unwrap());
            }
        }
        let tags = vec!["w7".to_string(), "人工智能".to_string()];
        let doc = Doc {
            title: "W1 标题 w399",
            tags: &tags,
            categories: &[],
            summary: "w2 w2 摘要",
            text: (&text).into(),
            url: String::new(),
            date: String::new(),
        };
        assert_eq!(terms_of(&doc), plainly(&doc));
        SCRATCH.with(|scratch| {
            let scratch = scratch.borrow();
            assert!(scratch.cjk.slots.len() <= Scratch::KEEP);
            assert!(scratch.latin.terms.capacity() <= Scratch::KEEP);
            assert!(scratch.parts.iter().map(Vec::capacity).sum::<usize>() <= Scratch::KEEP);
        });
    }
}
