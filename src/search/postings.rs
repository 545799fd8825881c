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
    for_each_hit(text.as_bytes(), |id, code| {
        hits.push((id, code));
        true
    })?;
    Some(hits)
}

/// Whether encoded postings hold a hit of any of `ids` (ascending); None when malformed.
pub fn holds_any(text: &[u8], ids: &[u32]) -> Option<bool> {
    let (Some(&first), Some(&last)) = (ids.first(), ids.last()) else {
        return Some(false);
    };
    let mut found = false;
    for_each_hit(text, |id, _| {
        found = id >= first && ids.binary_search(&id).is_ok();
        !found && id < last
    })?;
    Some(found)
}

/// Hands each hit of encoded postings to `hit` in id order while it returns true; None
/// when they are malformed (having handed on the hits before the fault).
pub fn for_each_hit(text: &[u8], mut hit: impl FnMut(u32, u8) -> bool) -> Option<()> {
    hits_from(text, 0, |id, code, _| hit(id, code))
}

/// [`for_each_hit`] over the bytes that follow a list's first hits, `start` being the id
/// after the last of those; `hit` also gets the offset just past each hit.
fn hits_from(text: &[u8], start: u32, mut hit: impl FnMut(u32, u8, usize) -> bool) -> Option<()> {
    let mut next = u64::from(start);
    let mut v: u64 = 0;
    let mut shift = 0u32;
    for (at, &b) in text.iter().enumerate() {
        let digit = DIGITS[usize::from(b)];
        if digit == NOT_A_DIGIT || shift > 50 {
            return None;
        }
        v |= u64::from(digit & 31) << shift;
        shift += 5;
        if digit & MORE_FLAG == 0 {
            let id = next.checked_add(v / 32)?;
            let code = (v % 32) as u8;
            if code == 0 || id > u64::from(u32::MAX) {
                return None;
            }
            if !hit(id as u32, code, at + 1) {
                return Some(());
            }
            next = id + 1;
            v = 0;
            shift = 0;
        }
    }
    (shift == 0).then_some(())
}

/// Encoded postings with the hits of `remove` (ascending ids) taken out and `add` (ascending)
/// put in, and the number of hits taken out; None when `data` is malformed or an added id
/// is there and not removed. One pass, the hits never held: a common term has a hit in
/// most articles. The hits before the first id removed or added keep their bytes, copied
/// rather than encoded again: a publish only adds ids past every old one.
pub fn merge(data: &[u8], remove: &[u32], add: &[(u32, u8)]) -> Option<(Vec<u8>, usize)> {
    let first = remove.first().copied().into_iter();
    let first = first.chain(add.first().map(|&(a, _)| a)).min();
    // (bytes, the id after them) of the hits below `first`.
    let mut kept = (0, 0);
    hits_from(data, 0, |id, _, end| {
        let below = first.is_none_or(|f| id < f);
        if below {
            kept = (end, id + 1);
        }
        below
    })?;
    let (cut, mut next) = kept;
    let mut out = Vec::with_capacity(data.len() + add.len() * 4);
    out.extend_from_slice(&data[..cut]);
    let mut add = add.iter().peekable();
    let mut removed = 0;
    let mut clash = false;
    hits_from(&data[cut..], next, |id, code, _| {
        while let Some(&(a, c)) = add.next_if(|&&(a, _)| a < id) {
            push(&mut out, &mut next, a, c);
        }
        let gone = remove.binary_search(&id).is_ok();
        removed += usize::from(gone);
        if let Some(&(_, c)) = add.next_if(|&&(a, _)| a == id) {
            clash = !gone;
            push(&mut out, &mut next, id, c);
        } else if !gone {
            push(&mut out, &mut next, id, code);
        }
        !clash
    })?;
    for &(a, c) in add {
        if a < next {
            return None;
        }
        push(&mut out, &mut next, a, c);
    }
    (!clash).then_some((out, removed))
}

/// Encoded hits, which must ascend by id.
pub fn encode(hits: &[(u32, u8)]) -> Vec<u8> {
    let mut out = Vec::with_capacity(hits.len() * 2);
    let mut next = 0;
    for &(id, code) in hits {
        push(&mut out, &mut next, id, code);
    }
    out
}

const MORE_FLAG: u8 = 32;
const NOT_A_DIGIT: u8 = 0xff;

/// Each byte's digit value, with [`MORE_FLAG`] for the digits of [`MORE`]: decoding reads
/// every posting of an index when an edited article's hits are taken out of it.
const DIGITS: [u8; 256] = {
    let mut table = [NOT_A_DIGIT; 256];
    let mut d = 0;
    while d < 32 {
        table[LAST[d] as usize] = d as u8;
        table[MORE[d] as usize] = d as u8 | MORE_FLAG;
        d += 1;
    }
    table
};

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
    fn finds_any_of_some_ids_and_encodes_back() {
        let hits = [(3, 1), (7, 9), (200, 2)];
        let text = encode(&hits);
        assert_eq!(
            decode(std::str::from_utf8(&text).expect("ascii")),
            Some(hits.to_vec())
        );
        assert_eq!(holds_any(&text, &[7]), Some(true));
        assert_eq!(holds_any(&text, &[0, 200]), Some(true));
        assert_eq!(holds_any(&text, &[4, 8, 9_000]), Some(false));
        assert_eq!(holds_any(&text, &[]), Some(false));
        assert_eq!(holds_any(b"W", &[1]), None);
    }

    #[test]
    fn merging_takes_hits_out_and_puts_them_in_between() {
        let text = encode(&[(3, 1), (7, 9), (200, 2)]);
        let merged = |remove: &[u32], add: &[(u32, u8)]| {
            merge(&text, remove, add).map(|(out, n)| (decode(&String::from_utf8_lossy(&out)), n))
        };
        assert_eq!(
            merged(&[7], &[(0, 4), (7, 5), (90, 6), (300, 7)]),
            Some((
                Some(vec![(0, 4), (3, 1), (7, 5), (90, 6), (200, 2), (300, 7)]),
                1
            ))
        );
        assert_eq!(merged(&[3, 200], &[]), Some((Some(vec![(7, 9)]), 2)));
        assert_eq!(merged(&[], &[(7, 1)]), None, "7 is there");
        assert_eq!(merge(b"W", &[], &[]), None);
        // Appending copies the old bytes and continues from the last id.
        let (appended, n) = merge(&text, &[], &[(201, 3), (500, 1)]).expect("merges");
        assert_eq!((n, &appended[..text.len()]), (0, &text[..]));
        assert_eq!(
            appended,
            encode(&[(3, 1), (7, 9), (200, 2), (201, 3), (500, 1)])
        );
        assert_eq!(
            merge(&text, &[], &[]).map(|(out, _)| out),
            Some(text.clone())
        );
        assert_eq!(
            merge(b"1W", &[], &[(9, 1)]),
            None,
            "malformed after the kept hits"
        );
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
