//! Postings: for one term, the documents that contain it and where, packed into a short
//! JSON-safe string (mirrored by `decode` in `static/js/search.js`).
//!
//! Each hit is one number, `(id − previous id − 1) × 32 + code`: ids ascend, so the gap is
//! small, and a term found in most articles (`的`) costs one character per article. The number
//! is written in base 32, low digits first, with two alphabets: a digit from [`MORE`] says
//! "more digits follow", a digit from [`LAST`] ends the number. Every character is a letter,
//! a digit, `-` or `_`, so the string needs no escaping in JSON or anywhere else.
//!
//! The `code` (1..=31) records where the term occurs in the article: bit 0 the title, bit 1
//! a tag or category, bit 2 the summary, bits 3–4 how often in the body (0, 1, 2–3, 4+).
//! [`weight`] turns it into a score; a hit's score is the sum over the query's terms.

/// Digits that end a number.
pub const LAST: &[u8; 32] = b"0123456789ABCDEFGHIJKLMNOPQRSTUV";
/// Digits that another digit follows.
pub const MORE: &[u8; 32] = b"WXYZabcdefghijklmnopqrstuvwxyz-_";

pub const IN_TITLE: u8 = 1;
pub const IN_TAGS: u8 = 2;
pub const IN_SUMMARY: u8 = 4;
const BODY_SHIFT: u8 = 3;

/// The code of a term found in `fields` (the `IN_*` bits) and `body` times in the body.
pub fn code(fields: u8, body: u32) -> u8 {
    let bucket = match body {
        0 => 0,
        1 => 1,
        2..=3 => 2,
        _ => 3,
    };
    fields | (bucket << BODY_SHIFT)
}

/// Score of one term in one article. A title hit outweighs any body hit, then tags and
/// categories, then the summary; body frequency only breaks ties among body hits, so long
/// articles do not win by length alone. Ties in the total go to the newer article.
pub fn weight(code: u8) -> u32 {
    let mut w = 0;
    if code & IN_TITLE != 0 {
        w += 24;
    }
    if code & IN_TAGS != 0 {
        w += 16;
    }
    if code & IN_SUMMARY != 0 {
        w += 6;
    }
    w + u32::from((code >> BODY_SHIFT) & 3)
}

/// Appends a hit to `out`. `next` is the smallest id the hit may have (the previous id + 1,
/// 0 for the first hit) and is advanced past `id`.
pub fn push(out: &mut Vec<u8>, next: &mut u32, id: u32, code: u8) {
    debug_assert!(id >= *next && (1..32).contains(&code));
    let mut v = u64::from(id - *next) * 32 + u64::from(code);
    while v >= 32 {
        out.push(MORE[(v & 31) as usize]);
        v >>= 5;
    }
    out.push(LAST[v as usize]);
    *next = id + 1;
}

/// The hits of an encoded postings string as (id, code), or None when it is malformed.
pub fn decode(text: &str) -> Option<Vec<(u32, u8)>> {
    let mut hits = Vec::new();
    let mut next: u64 = 0;
    let mut v: u64 = 0;
    let mut shift = 0u32;
    for b in text.bytes() {
        let (digit, more) = match (
            LAST.iter().position(|&c| c == b),
            MORE.iter().position(|&c| c == b),
        ) {
            (Some(d), _) => (d as u64, false),
            (None, Some(d)) => (d as u64, true),
            (None, None) => return None,
        };
        if shift > 50 {
            return None;
        }
        v |= digit << shift;
        shift += 5;
        if !more {
            let id = next.checked_add(v / 32)?;
            let code = (v % 32) as u8;
            if code == 0 || id > u64::from(u32::MAX) {
                return None;
            }
            hits.push((id as u32, code));
            next = id + 1;
            v = 0;
            shift = 0;
        }
    }
    (shift == 0).then_some(hits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let hits = [
            (0, 1),
            (1, 31),
            (2, 8),
            (40, 5),
            (9_999, 3),
            (1_000_000, 17),
        ];
        let mut out = Vec::new();
        let mut next = 0;
        for (id, code) in hits {
            push(&mut out, &mut next, id, code);
        }
        let text = String::from_utf8(out).expect("ascii");
        assert_eq!(decode(&text).expect("decodes"), hits);
    }

    #[test]
    fn dense_hits_take_one_character() {
        let mut out = Vec::new();
        let mut next = 0;
        for id in 0..100 {
            push(&mut out, &mut next, id, code(0, 1));
        }
        assert_eq!(out.len(), 100);
    }

    #[test]
    fn malformed_is_none() {
        assert_eq!(decode("W"), None, "unfinished number");
        assert_eq!(decode("0"), None, "code 0");
        assert_eq!(decode("1\""), None);
        assert_eq!(decode(""), Some(vec![]));
    }

    #[test]
    fn title_beats_any_body() {
        assert!(weight(code(IN_TITLE, 0)) > weight(code(IN_SUMMARY, 100)));
        assert!(weight(code(IN_TAGS, 0)) > weight(code(IN_SUMMARY, 100)));
        assert!(weight(code(0, 4)) > weight(code(0, 1)));
    }
}
