//! The tokeniser: text → search terms. The browser runs the same rules on the query
//! (`static/js/search.js`, `tokenize`), so every rule here is deliberately small and
//! spelled out by code point: a term the two sides cut differently is a term that never
//! matches.
//!
//! * Chinese (and Japanese kana, Korean syllables) has no spaces, so a run of CJK
//!   characters ([`crate::text::is_cjk`]) is indexed as every single character plus
//!   every pair of neighbours (bigram): `人工智能` → `人 工 智 能 人工 工智 智能`. A query
//!   uses the bigrams of a run (ANDed, so `人工智能` needs `人工`, `工智` and `智能`), or
//!   the lone character when the run is one character long. That finds words of any
//!   length without a dictionary, at the price of rare false hits where the bigrams occur
//!   apart.
//! * Latin text: runs of ASCII letters and digits, lower-cased, so `OpenAI` and `openai`
//!   are one term. Full-width forms (`ＯｐｅｎＡＩ`, `５Ｇ`) count as their ASCII letters.
//!   Everything else (punctuation, `-`, `.`, accented letters) separates words: `GPT-4o`
//!   is `gpt` + `4o`, which a query `GPT-4o` also becomes. A word keeps at most
//!   [`MAX_WORD`] characters.
//! * Terms are packed into a [`Key`] (an integer) while indexing, so that tokenising
//!   10,000 articles allocates no strings; [`key_text`] gives the term back.

use crate::text::{UNIFIED_IDEOGRAPHS, is_cjk, unified_ideograph_at};

/// Characters of a Latin word that are kept; the rest of a longer word is dropped.
pub const MAX_WORD: usize = 24;

/// A term packed into an integer: a CJK character (`< 2^21`), a CJK bigram
/// (`first << 21 | second`), or a Latin word (top bit set, the letters in base 37).
pub type Key = u128;

const LATIN_FLAG: Key = 1 << 127;
const CHAR_BITS: u32 = 21;

/// Whether the tokeniser makes every term (index) or only the ones a query needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Single characters and bigrams of every CJK run.
    Index,
    /// Bigrams of every CJK run, or the character of a one-character run.
    Query,
}

/// What one character is to the tokeniser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    /// An ASCII letter or digit, as its base-37 digit (`a`..`z` → 1..26, `0`..`9` → 27..36).
    Latin(u8),
    Cjk(u32),
    Separator,
}

fn classify(c: char) -> Class {
    let cp = c as u32;
    // Most characters are ASCII or unified ideographs: those two are answered first.
    if cp < 0x80 {
        return ascii_class(cp as u8);
    }
    if UNIFIED_IDEOGRAPHS.contains(&cp) {
        return Class::Cjk(cp);
    }
    // Full-width ASCII letters and digits (Ｏ, ５) are the ASCII ones.
    if matches!(cp, 0xFF10..=0xFF19 | 0xFF21..=0xFF3A | 0xFF41..=0xFF5A) {
        return Class::Latin(ASCII[(cp - 0xFEE0) as usize]);
    }
    if is_cjk(c) {
        Class::Cjk(cp)
    } else {
        Class::Separator
    }
}

/// The class of an ASCII character, by its byte (the mask, a no-op on ASCII, spares the
/// table lookup its bounds check).
fn ascii_class(b: u8) -> Class {
    match ASCII[usize::from(b & 0x7F)] {
        0 => Class::Separator,
        digit => Class::Latin(digit),
    }
}

/// By ASCII code: the base-37 digit of a letter or digit (`a`..`z` and `A`..`Z` → 1..26,
/// `0`..`9` → 27..36), 0 for the rest.
const ASCII: [u8; 128] = {
    let mut table = [0; 128];
    let mut i = 0;
    while i < 26 {
        table[b'a' as usize + i] = i as u8 + 1;
        table[b'A' as usize + i] = i as u8 + 1;
        i += 1;
    }
    let mut d = 0;
    while d < 10 {
        table[b'0' as usize + d] = d as u8 + 27;
        d += 1;
    }
    table
};

/// Calls `emit` with the key of every term of `text`, in text order, repeats included.
pub fn tokenize(text: &str, mode: Mode, emit: impl FnMut(Key)) {
    let mut t = Tokenizer {
        mode,
        emit,
        prev: None,
        run: 0,
        word: 0,
        place: 1,
        letters: 0,
    };
    for class in classes(text) {
        match class {
            Class::Latin(digit) => {
                t.end_run();
                t.letter(digit);
            }
            Class::Cjk(cp) => {
                t.end_word();
                t.cjk(cp);
            }
            Class::Separator => {
                t.end_run();
                t.end_word();
            }
        }
    }
    t.end_run();
    t.end_word();
}

/// The class of each character of `text`, as [`classify`] gives it. Ideographs and ASCII,
/// nearly all of a Chinese article, are told by their bytes; only the rest is decoded.
fn classes(text: &str) -> impl Iterator<Item = Class> + '_ {
    let bytes = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(
        #[inline(always)]
        move || {
            let &b = bytes.get(i)?;
            Some(if let Some(cp) = unified_ideograph_at(bytes, i) {
                i += 3;
                Class::Cjk(cp)
            } else if b < 0x80 {
                i += 1;
                ascii_class(b)
            } else {
                let c = text[i..].chars().next().unwrap_or_default();
                i += c.len_utf8();
                classify(c)
            })
        },
    )
}

/// The state between characters.
struct Tokenizer<F> {
    mode: Mode,
    emit: F,
    /// The CJK run so far: its last character and its length.
    prev: Option<u32>,
    run: usize,
    /// The Latin word so far, in base 37 (low digit first), the value of its next
    /// place and its length in characters.
    word: Key,
    place: Key,
    letters: usize,
}

impl<F: FnMut(Key)> Tokenizer<F> {
    fn cjk(&mut self, cp: u32) {
        if self.mode == Mode::Index {
            (self.emit)(cp as Key);
        }
        if let Some(p) = self.prev {
            (self.emit)(((p as Key) << CHAR_BITS) | cp as Key);
        }
        self.prev = Some(cp);
        self.run += 1;
    }

    /// Called between any two characters that are not both CJK, so the common case (no
    /// run open) is kept to one test, inline.
    #[inline(always)]
    fn end_run(&mut self) {
        if let Some(c) = self.prev.take() {
            if self.mode == Mode::Query && self.run == 1 {
                (self.emit)(c as Key);
            }
            self.run = 0;
        }
    }

    fn letter(&mut self, digit: u8) {
        if self.letters < MAX_WORD {
            self.word += digit as Key * self.place;
            self.place *= 37;
            self.letters += 1;
        }
    }

    /// As [`Self::end_run`], for words: with no word open, `word` and `place` are already
    /// at their start.
    #[inline(always)]
    fn end_word(&mut self) {
        if self.letters > 0 {
            (self.emit)(LATIN_FLAG | self.word);
            self.word = 0;
            self.place = 1;
            self.letters = 0;
        }
    }
}

/// The text of a term.
pub fn key_text(key: Key) -> String {
    let mut out = String::new();
    if key & LATIN_FLAG != 0 {
        let mut rest = key & !LATIN_FLAG;
        while rest > 0 {
            let digit = (rest % 37) as u8;
            rest /= 37;
            out.push(match digit {
                1..=26 => (b'a' + digit - 1) as char,
                _ => (b'0' + digit.saturating_sub(27)) as char,
            });
        }
    } else {
        let first = (key >> CHAR_BITS) as u32;
        let second = (key & ((1 << CHAR_BITS) - 1)) as u32;
        for cp in [first, second] {
            if cp != 0
                && let Some(c) = char::from_u32(cp)
            {
                out.push(c);
            }
        }
    }
    out
}

/// The key of a term as [`key_text`] writes it (None for text no term has), so that an
/// index file can be read back and updated ([`super::update`]).
pub fn text_key(term: &str) -> Option<Key> {
    let chars: Vec<char> = term.chars().collect();
    let latin = |c: char| match c {
        'a'..='z' => Some(c as Key - 'a' as Key + 1),
        '0'..='9' => Some(c as Key - '0' as Key + 27),
        _ => None,
    };
    if chars.first().copied().and_then(latin).is_some() {
        if chars.len() > MAX_WORD {
            return None;
        }
        let mut key: Key = 0;
        for &c in chars.iter().rev() {
            key = key * 37 + latin(c)?;
        }
        return Some(LATIN_FLAG | key);
    }
    match chars[..] {
        [c] if is_cjk(c) => Some(c as Key),
        [a, b] if is_cjk(a) && is_cjk(b) => Some(((a as Key) << CHAR_BITS) | b as Key),
        _ => None,
    }
}

/// The terms of `text` as strings, in text order, repeats included.
pub fn terms(text: &str, mode: Mode) -> Vec<String> {
    let mut out = Vec::new();
    tokenize(text, mode, |k| out.push(key_text(k)));
    out
}

/// The distinct terms of a query, in first-seen order: what every hit must contain.
pub fn query_terms(query: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for term in terms(query, Mode::Query) {
        if !out.contains(&term) {
            out.push(term);
        }
    }
    out
}

/// FNV-1a (32-bit) over the term's UTF-8 bytes: picks the term's shard. The browser computes
/// the same with `Math.imul` over `TextEncoder` bytes.
pub fn fnv1a(term: &str) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for &b in term.as_bytes() {
        h ^= b as u32;
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_term_reads_back_as_its_key() {
        let text =
            "OpenAI 发布 GPT-4o，ｐｙｔｈｏｎ３ 与 abcdefghijklmnopqrstuvwxyz0123456789 模型";
        let mut keys = Vec::new();
        tokenize(text, Mode::Index, |k| keys.push(k));
        assert!(keys.len() > 10);
        for key in keys {
            assert_eq!(text_key(&key_text(key)), Some(key), "{}", key_text(key));
        }
        assert_eq!(text_key("Open"), None);
        assert_eq!(text_key("人工智"), None);
        assert_eq!(text_key(""), None);
    }

    #[test]
    fn every_character_is_classed_as_the_rules_say() {
        // The rules of the module's doc, spelled out plainly: `classify` answers the
        // common characters first, and must agree with them everywhere.
        let by_definition = |c: char| {
            let mut cp = c as u32;
            if matches!(cp, 0xFF10..=0xFF19 | 0xFF21..=0xFF3A | 0xFF41..=0xFF5A) {
                cp -= 0xFEE0;
            }
            match cp {
                0x30..=0x39 => Class::Latin((cp - 0x30 + 27) as u8),
                0x41..=0x5A => Class::Latin((cp - 0x41 + 1) as u8),
                0x61..=0x7A => Class::Latin((cp - 0x61 + 1) as u8),
                _ if is_cjk(c) => Class::Cjk(cp),
                _ => Class::Separator,
            }
        };
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            assert_eq!(classify(c), by_definition(c), "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn a_text_read_by_its_bytes_is_classed_as_by_its_characters() {
        let text: String = (0..=0x10FFFF).filter_map(char::from_u32).collect();
        assert!(classes(&text).eq(text.chars().map(classify)));
    }

    #[test]
    fn chinese_is_singles_and_bigrams() {
        assert_eq!(
            terms("人工智能", Mode::Index),
            ["人", "工", "人工", "智", "工智", "能", "智能"]
        );
        assert_eq!(terms("人工智能", Mode::Query), ["人工", "工智", "智能"]);
        assert_eq!(terms("云", Mode::Query), ["云"]);
        assert_eq!(terms("云", Mode::Index), ["云"]);
    }

    #[test]
    fn punctuation_breaks_runs_and_is_dropped() {
        assert_eq!(terms("开源，模型。", Mode::Query), ["开源", "模型"]);
        assert_eq!(terms("「开」、源！", Mode::Query), ["开", "源"]);
        assert_eq!(terms("A・B ―— … ¥ 😀", Mode::Index), ["a", "b"]);
        assert!(terms("，。！？、；：“”（）《》", Mode::Index).is_empty());
    }

    #[test]
    fn latin_words_are_lower_cased_ascii_runs() {
        assert_eq!(
            terms("OpenAI 发布 GPT-4o", Mode::Query),
            ["openai", "发布", "gpt", "4o"]
        );
        assert_eq!(terms("openai", Mode::Query), terms("OPENAI", Mode::Query));
        assert_eq!(terms("ＯｐｅｎＡＩ５Ｇ", Mode::Query), ["openai5g"]);
        assert_eq!(terms("café", Mode::Query), ["caf"]);
        assert_eq!(
            terms("iPhone16发布", Mode::Index),
            ["iphone16", "发", "布", "发布"]
        );
    }

    #[test]
    fn long_words_keep_their_first_letters() {
        let long = "a".repeat(40) + "b";
        assert_eq!(terms(&long, Mode::Query), ["a".repeat(MAX_WORD)]);
        let max = "z9".repeat(MAX_WORD / 2);
        assert_eq!(terms(&max, Mode::Query), std::slice::from_ref(&max));
    }

    #[test]
    fn keys_round_trip() {
        for text in [
            "人工智能",
            "zzzz9999",
            "x",
            "0",
            "𠀀𠀁",
            "한국어",
            "カタカナ",
        ] {
            let mut back = String::new();
            tokenize(text, Mode::Index, |k| back.push_str(&key_text(k)));
            assert!(!back.is_empty(), "{text}");
        }
        let mut keys = Vec::new();
        tokenize("a aa b ba ab 9", Mode::Query, |k| keys.push(k));
        let texts: Vec<String> = keys.iter().map(|&k| key_text(k)).collect();
        assert_eq!(texts, ["a", "aa", "b", "ba", "ab", "9"]);
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), 6, "distinct words get distinct keys");
    }

    #[test]
    fn query_terms_are_distinct() {
        assert_eq!(query_terms("开源 开源 OpenAI openai"), ["开源", "openai"]);
        assert!(query_terms("  ，。 ").is_empty());
    }

    #[test]
    fn fnv1a_matches_the_reference_values() {
        assert_eq!(fnv1a(""), 0x811c9dc5);
        assert_eq!(fnv1a("a"), 0xe40c292c);
        assert_eq!(fnv1a("foobar"), 0xbf9cf968);
    }
}
