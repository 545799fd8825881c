//! Facts about text that several stages need and must agree on: which characters are CJK,
//! and where a byte offset sits for an error message.
//!
//! The CJK table is the single definition behind reading time, CJK–Latin spacing and
//! search tokenising (slugs keep every letter of any script, which covers it; a slug test
//! checks). The browser's tokeniser (`isCjk` in `static/js/search.js`) repeats it, and a
//! test compares the two: a character the sides classify differently is a query that
//! never matches.

/// The script of a CJK range: spacing treats Han apart from kana and Hangul.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Script {
    Han,
    Kana,
    Hangul,
}

/// The scripts written without spaces between words, by code point, in ascending order:
/// Han ideographs (with extensions and compatibility forms) and 〇, kana, and Hangul
/// syllables. Punctuation (，。、・) is not here: it separates words.
pub const CJK_RANGES: &[(u32, u32, Script)] = &[
    (0x3007, 0x3007, Script::Han),  // 〇, the ideographic zero of 二〇二四
    (0x3041, 0x3096, Script::Kana), // hiragana
    (0x30A1, 0x30FA, Script::Kana), // katakana (the middle dot ・ U+30FB is punctuation)
    (0x30FC, 0x30FC, Script::Kana), // ー, the prolonged sound mark
    (0x3400, 0x4DBF, Script::Han),  // extension A
    (0x4E00, 0x9FFF, Script::Han),  // unified ideographs
    (0xAC00, 0xD7A3, Script::Hangul), // Hangul syllables
    (0xF900, 0xFAFF, Script::Han),  // compatibility ideographs
    (0x20000, 0x3134F, Script::Han), // planes 2 and 3: extensions B–G, compatibility supplement
];

/// The unified ideographs: most characters of Chinese text, which the hot paths answer
/// before searching [`CJK_RANGES`].
pub const UNIFIED_IDEOGRAPHS: std::ops::RangeInclusive<u32> = 0x4E00..=0x9FFF;

/// Whether the character starting at byte `i` of the UTF-8 `bytes` is a unified
/// ideograph, told by its first two bytes (U+4E00 is `E4 B8 80`, U+9FFF `E9 BF BF`): a
/// pass over every character of a body then decodes neither them nor ASCII, nearly all
/// of its text. `i` must start a character; an ideograph is then the next three bytes.
#[inline(always)]
pub fn is_unified_ideograph_at(bytes: &[u8], i: usize) -> bool {
    match bytes.get(i) {
        Some(0xE5..=0xE9) => true,
        Some(0xE4) => bytes.get(i + 1).is_some_and(|&b| b >= 0xB8),
        _ => false,
    }
}

/// The code point of the unified ideograph starting at byte `i` of the UTF-8 `bytes`, as
/// [`is_unified_ideograph_at`] tells it, decoded from its three bytes.
#[inline(always)]
pub fn unified_ideograph_at(bytes: &[u8], i: usize) -> Option<u32> {
    if !is_unified_ideograph_at(bytes, i) {
        return None;
    }
    let [lead, second, third] = *bytes.get(i..)?.first_chunk::<3>()?;
    Some(u32::from(lead & 0x0F) << 12 | u32::from(second & 0x3F) << 6 | u32::from(third & 0x3F))
}

/// The script of `c` when it is CJK.
pub fn cjk_script(c: char) -> Option<Script> {
    let cp = c as u32;
    // Most characters of a Chinese page are ASCII: answer them without the table.
    if cp < CJK_RANGES[0].0 {
        return None;
    }
    // …and most of the rest are unified ideographs: answer them first.
    if UNIFIED_IDEOGRAPHS.contains(&cp) {
        return Some(Script::Han);
    }
    CJK_RANGES
        .iter()
        .find(|&&(first, last, _)| (first..=last).contains(&cp))
        .map(|&(_, _, script)| script)
}

/// Whether `c` belongs to a script written without spaces (see [`CJK_RANGES`]).
pub fn is_cjk(c: char) -> bool {
    cjk_script(c).is_some()
}

/// Whether `c` is a Han ideograph: by convention only these are spaced from Latin letters
/// (`马斯克宣布 xAI 开源`), kana and Hangul are not.
pub fn is_han(c: char) -> bool {
    cjk_script(c) == Some(Script::Han)
}

/// 1-based line and column (in characters) of a byte offset; an offset inside a character
/// counts as that character's.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = (0..=offset.min(text.len()))
        .rev()
        .find(|&at| text.is_char_boundary(at))
        .unwrap_or(0);
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cjk_covers_the_spaceless_scripts_but_not_their_punctuation() {
        for c in "人〇㐀豈𠀀𪜀𰀀ひらがなカタカナー한국어".chars() {
            assert!(is_cjk(c), "{c} U+{:04X}", c as u32);
        }
        for c in "aZ9 ，。、・「」！？ＯＡ５éß😀\u{3000}\u{30FB}".chars() {
            assert!(!is_cjk(c), "{c} U+{:04X}", c as u32);
        }
    }

    #[test]
    fn ideographs_are_told_by_their_bytes_as_by_their_code_points() {
        let mut text = String::new();
        let mut starts = Vec::new();
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            starts.push((text.len(), c));
            text.push(c);
        }
        for (i, c) in starts {
            let unified = UNIFIED_IDEOGRAPHS.contains(&(c as u32));
            assert_eq!(
                is_unified_ideograph_at(text.as_bytes(), i),
                unified,
                "U+{:04X}",
                c as u32
            );
            let decoded = unified_ideograph_at(text.as_bytes(), i);
            assert_eq!(decoded, unified.then_some(c as u32), "U+{:04X}", c as u32);
        }
        assert!(!is_unified_ideograph_at("人".as_bytes(), 3));
        assert_eq!(unified_ideograph_at("人".as_bytes(), 3), None);
        assert_eq!(unified_ideograph_at(&"人".as_bytes()[..2], 0), None);
    }

    #[test]
    fn han_is_the_ideographs_only() {
        for c in "人〇㐀豈𠀀".chars() {
            assert!(is_han(c), "{c}");
        }
        for c in "ひカー한a，".chars() {
            assert!(!is_han(c), "{c}");
        }
    }

    #[test]
    fn ranges_are_sorted_and_disjoint() {
        for pair in CJK_RANGES.windows(2) {
            assert!(pair[0].0 <= pair[0].1 && pair[0].1 < pair[1].0, "{pair:?}");
        }
    }

    /// The `(first, last)` ranges `isCjk` in `static/js/search.js` tests, in source order.
    fn js_ranges() -> Vec<(u32, u32)> {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/static/js/search.js");
        let js = std::fs::read_to_string(path).expect("static/js/search.js");
        let start = js.find("function isCjk(cp)").expect("isCjk in search.js");
        let body = &js[start..];
        let body = &body[body.find("return").expect("return")..body.find(';').expect(";")];
        let hex = |s: &str| {
            let digits = s.trim().trim_end_matches(')').trim();
            let digits = digits.strip_prefix("0x").expect("hex literal");
            u32::from_str_radix(digits, 16).expect("hex digits")
        };
        body.trim_start_matches("return")
            .split("||")
            .map(|term| {
                let term = term.trim().trim_start_matches('(');
                if let Some(value) = term.strip_prefix("cp ===") {
                    (hex(value), hex(value))
                } else {
                    let (low, high) = term.split_once("&&").expect("a range: cp >= x && cp <= y");
                    let low = low.trim().strip_prefix("cp >=").expect("cp >= x");
                    let high = high.trim().strip_prefix("cp <=").expect("cp <= y");
                    (hex(low), hex(high))
                }
            })
            .collect()
    }

    #[test]
    fn search_js_uses_the_same_ranges() {
        let hex = |(a, b): (u32, u32)| format!("{a:X}-{b:X}");
        let rust: Vec<String> = CJK_RANGES.iter().map(|&(a, b, _)| hex((a, b))).collect();
        let js: Vec<String> = js_ranges().into_iter().map(hex).collect();
        assert_eq!(
            js, rust,
            "isCjk in static/js/search.js differs from text::CJK_RANGES"
        );
    }

    #[test]
    fn line_col_counts_characters() {
        assert_eq!(line_col("ab\n中文x", 9), (2, 3));
        assert_eq!(line_col("ab", 0), (1, 1));
        assert_eq!(line_col("ab", 99), (1, 3));
        // Byte 5 is inside 中 (bytes 3..6) on line 2.
        assert_eq!(line_col("ab\n中文x", 5), (2, 1));
    }
}
