//! The character classes of the CommonMark CJK-friendly amendments
//! (<https://github.com/tats-u/markdown-cjk-friendly/blob/main/specification.md>, §2.1) and
//! the left/right-flanking rules they amend (§6.2).
//!
//! "CJK character" here is the amendment's definition — East Asian Width W, F or H and not
//! an emoji, or Hangul — which is wider than [`crate::text::is_cjk`]: it takes in CJK
//! punctuation (，。「」), fullwidth forms and symbols, because what matters for emphasis is
//! that nobody writes a space beside them. The table is the amendment's own `ranges.md`
//! (Unicode 16), the one comrak and pulldown-cmark's unreleased extension use.

use unicode_properties::{GeneralCategoryGroup, UnicodeGeneralCategory};

/// The amendment's CJK characters (`ranges.md`), sorted, inclusive.
const CJK: &[(u32, u32)] = &[
    (0x1100, 0x11FF),
    (0x20A9, 0x20A9),
    (0x2329, 0x232A),
    (0x2630, 0x2637),
    (0x268A, 0x268F),
    (0x2E80, 0x2E99),
    (0x2E9B, 0x2EF3),
    (0x2F00, 0x2FD5),
    (0x2FF0, 0x303E),
    (0x3041, 0x3096),
    (0x3099, 0x30FF),
    (0x3105, 0x312F),
    (0x3131, 0x318E),
    (0x3190, 0x31E5),
    (0x31EF, 0x321E),
    (0x3220, 0x3247),
    (0x3250, 0xA48C),
    (0xA490, 0xA4C6),
    (0xA960, 0xA97C),
    (0xAC00, 0xD7A3),
    (0xD7B0, 0xD7C6),
    (0xD7CB, 0xD7FB),
    (0xF900, 0xFAFF),
    (0xFE10, 0xFE19),
    (0xFE30, 0xFE52),
    (0xFE54, 0xFE66),
    (0xFE68, 0xFE6B),
    (0xFF01, 0xFFBE),
    (0xFFC2, 0xFFC7),
    (0xFFCA, 0xFFCF),
    (0xFFD2, 0xFFD7),
    (0xFFDA, 0xFFDC),
    (0xFFE0, 0xFFE6),
    (0xFFE8, 0xFFEE),
    (0x16FE0, 0x16FE4),
    (0x16FF0, 0x16FF6),
    (0x17000, 0x18CD5),
    (0x18CFF, 0x18D1E),
    (0x18D80, 0x18DF2),
    (0x1AFF0, 0x1AFF3),
    (0x1AFF5, 0x1AFFB),
    (0x1AFFD, 0x1AFFE),
    (0x1B000, 0x1B122),
    (0x1B132, 0x1B132),
    (0x1B150, 0x1B152),
    (0x1B155, 0x1B155),
    (0x1B164, 0x1B167),
    (0x1B170, 0x1B2FB),
    (0x1D300, 0x1D356),
    (0x1D360, 0x1D376),
    (0x1F200, 0x1F200),
    (0x1F202, 0x1F202),
    (0x1F210, 0x1F219),
    (0x1F21B, 0x1F22E),
    (0x1F230, 0x1F231),
    (0x1F237, 0x1F237),
    (0x1F23B, 0x1F23B),
    (0x1F240, 0x1F248),
    (0x1F260, 0x1F265),
    (0x20000, 0x3FFFD),
];

/// Hangul inside [`CJK`]: Korean puts spaces between words, so a line break between two
/// Hangul syllables is a word space (see `breaks.rs`).
const HANGUL: &[(u32, u32)] = &[
    (0x1100, 0x11FF),
    (0x3131, 0x318E),
    (0xA960, 0xA97C),
    (0xAC00, 0xD7A3),
    (0xD7B0, 0xD7FB),
    (0xFFA0, 0xFFDC),
];

fn in_table(table: &[(u32, u32)], c: char) -> bool {
    let cp = c as u32;
    table
        .binary_search_by(|&(first, last)| {
            if last < cp {
                std::cmp::Ordering::Less
            } else if first > cp {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

/// A CJK character in the amendment's sense (§2.1).
pub(crate) fn is_cjk(c: char) -> bool {
    (c as u32) >= 0x1100 && in_table(CJK, c)
}

/// A character written without spaces around it in Chinese and Japanese: a CJK character
/// that is not Hangul. Ideographs, kana and CJK punctuation (，。「」：) all are.
pub(crate) fn is_spaceless(c: char) -> bool {
    is_cjk(c) && !in_table(HANGUL, c)
}

/// CommonMark's Unicode punctuation character: general category P or S (0.31.2), which
/// for ASCII is exactly the ASCII punctuation characters.
pub(crate) fn is_punctuation(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_punctuation();
    }
    matches!(
        c.general_category_group(),
        GeneralCategoryGroup::Punctuation | GeneralCategoryGroup::Symbol
    )
}

/// Whitespace as pulldown-cmark reads it next to a delimiter run.
fn is_whitespace(c: char) -> bool {
    c.is_whitespace()
}

/// A variation selector that may follow a CJK character or punctuation (U+FE00–U+FE0E;
/// U+FE0F asks for emoji presentation and is left out).
fn is_text_variation_selector(c: char) -> bool {
    ('\u{FE00}'..='\u{FE0E}').contains(&c)
}

/// An Ideographic Variation Selector (U+E0100–U+E01EF), which follows a Han character.
fn is_ideographic_variation_selector(c: char) -> bool {
    ('\u{E0100}'..='\u{E01EF}').contains(&c)
}

/// ‘ ’ “ ” followed by U+FE01: the fullwidth form of an ambiguous-width quotation mark,
/// which the amendment counts as CJK punctuation.
fn is_fullwidth_quote(base: char, selector: char) -> bool {
    selector == '\u{FE01}' && matches!(base, '\u{2018}' | '\u{2019}' | '\u{201C}' | '\u{201D}')
}

/// What comes before a delimiter run: the last character, read together with the one
/// before it when the last is a variation selector (the amendment's "sequences").
#[derive(Debug, Clone, Copy, Default)]
struct Before {
    whitespace: bool,
    /// A Unicode punctuation sequence (rules 2 and 6 for `_`).
    punctuation: bool,
    /// A non-CJK punctuation sequence.
    non_cjk_punctuation: bool,
    /// A CJK sequence or an Ideographic Variation Selector (left-flanking 2bγ, 2bδ).
    cjk: bool,
}

impl Before {
    /// `last` is the character just before the run and `second` the one before it; None
    /// is the start of a line, which counts as whitespace.
    fn read(last: Option<char>, second: Option<char>) -> Self {
        let Some(last) = last else {
            return Before {
                whitespace: true,
                ..Before::default()
            };
        };
        if is_whitespace(last) {
            return Before {
                whitespace: true,
                ..Before::default()
            };
        }
        if is_ideographic_variation_selector(last) {
            return Before {
                cjk: true,
                ..Before::default()
            };
        }
        let base = match second {
            Some(base)
                if is_text_variation_selector(last)
                    && !is_whitespace(base)
                    && !is_ideographic_variation_selector(base) =>
            {
                base
            }
            // A selector after nothing, a space or another selector: the amendment leaves
            // it unspecified; it reads as an ordinary character.
            _ if is_text_variation_selector(last) => return Before::default(),
            _ => last,
        };
        let punctuation = is_punctuation(base);
        let cjk = is_cjk(base) || is_fullwidth_quote(base, last);
        Before {
            whitespace: false,
            punctuation,
            non_cjk_punctuation: punctuation && !cjk,
            cjk,
        }
    }
}

/// What comes after a delimiter run: one character (None is the end of the line).
#[derive(Debug, Clone, Copy, Default)]
struct After {
    whitespace: bool,
    punctuation: bool,
    non_cjk_punctuation: bool,
    cjk: bool,
}

impl After {
    fn read(next: Option<char>) -> Self {
        match next {
            None => After {
                whitespace: true,
                ..After::default()
            },
            Some(c) if is_whitespace(c) => After {
                whitespace: true,
                ..After::default()
            },
            Some(c) => {
                let punctuation = is_punctuation(c);
                let cjk = is_cjk(c);
                After {
                    whitespace: false,
                    punctuation,
                    non_cjk_punctuation: punctuation && !cjk,
                    cjk,
                }
            }
        }
    }
}

/// The characters around one delimiter run.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Around {
    /// The character just before the run.
    pub last: Option<char>,
    /// The character before `last` (read only when `last` is a variation selector).
    pub second: Option<char>,
    /// The character just after the run.
    pub next: Option<char>,
}

/// Whether a run of `len` × `ch` can open and can close, by the amended rules for `*` and
/// `_`, GFM strikethrough as pulldown-cmark reads it for `~~` (which may open anywhere
/// but before whitespace), and pulldown-cmark's unamended rules for a single `~`: Chinese
/// writes ranges as `1~3 天`, never meant as strikethrough.
pub(super) fn can_open_close(ch: u8, len: usize, around: Around) -> (bool, bool) {
    let before = Before::read(around.last, around.second);
    let after = After::read(around.next);
    let left = !after.whitespace
        && (!after.non_cjk_punctuation
            || before.whitespace
            || before.non_cjk_punctuation
            || before.cjk);
    let right = !before.whitespace
        && (!before.non_cjk_punctuation
            || after.whitespace
            || after.non_cjk_punctuation
            || after.cjk);
    match (ch, len) {
        (b'*', _) => (left, right),
        (b'_', _) => (
            left && (!right || before.punctuation),
            right && (!left || after.punctuation),
        ),
        (b'~', 2) => (!after.whitespace, right),
        (b'~', 1) => single_tilde(around),
        _ => (false, false),
    }
}

/// pulldown-cmark's rules for `~`: like `_`, never inside a word.
fn single_tilde(around: Around) -> (bool, bool) {
    let last_space = around.last.is_none_or(is_whitespace);
    let last_punct = around.last.is_some_and(is_punctuation);
    let next_space = around.next.is_none_or(is_whitespace);
    let next_punct = around.next.is_some_and(is_punctuation);
    let open =
        !next_space && (last_space || last_punct || (around.last == Some('~') && !next_punct));
    let close = !last_space && (around.last == Some('~') || next_space || next_punct);
    (open, close)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn around(last: Option<char>, next: Option<char>) -> Around {
        Around {
            last,
            second: None,
            next,
        }
    }

    #[test]
    fn cjk_takes_in_punctuation_kana_hangul_and_fullwidth_forms() {
        for c in "中〇，。「」（）：；！？、ひカ한ＡａＤ𠀀〜﹏".chars() {
            assert!(is_cjk(c), "{c} U+{:04X}", c as u32);
        }
        for c in "aZ9 ,.“”‘’—…😀\u{FE01}\u{E0100}é".chars() {
            assert!(!is_cjk(c), "{c} U+{:04X}", c as u32);
        }
    }

    #[test]
    fn spaceless_is_cjk_without_hangul() {
        assert!(is_spaceless('中') && is_spaceless('，') && is_spaceless('カ'));
        assert!(!is_spaceless('한') && !is_spaceless('a') && !is_spaceless('ﾡ'));
    }

    #[test]
    fn punctuation_is_categories_p_and_s() {
        for c in "!*_~$+<>，。「」（）“”—…©€😀".chars() {
            assert!(is_punctuation(c), "{c}");
        }
        for c in "aZ9 中ひ\u{FE01}".chars() {
            assert!(!is_punctuation(c), "{c}");
        }
    }

    #[test]
    fn star_beside_cjk_punctuation_flanks_both_ways() {
        // `**注意：**正文`: CommonMark says the second run only opens; the amendment lets
        // it close because `：` is CJK punctuation.
        assert_eq!(
            can_open_close(b'*', 2, around(Some('：'), Some('正'))),
            (true, true)
        );
        // `采用**依赖注入（DI）**方式`
        assert_eq!(
            can_open_close(b'*', 2, around(Some('用'), Some('依'))),
            (true, true)
        );
        assert_eq!(
            can_open_close(b'*', 2, around(Some('）'), Some('方'))),
            (true, true)
        );
    }

    #[test]
    fn latin_flanking_is_commonmarks() {
        // `a**"b"**`: the closer follows punctuation and precedes the end.
        assert_eq!(
            can_open_close(b'*', 2, around(Some('a'), Some('"'))),
            (false, true)
        );
        assert_eq!(
            can_open_close(b'*', 2, around(Some('"'), Some('c'))),
            (true, false)
        );
        // `snake_case`: `_` inside a word neither opens nor closes.
        assert_eq!(
            can_open_close(b'_', 1, around(Some('e'), Some('c'))),
            (false, false)
        );
        assert_eq!(
            can_open_close(b'*', 1, around(Some(' '), Some(' '))),
            (false, false)
        );
    }

    #[test]
    fn underscore_stays_out_of_words_in_chinese_too() {
        assert_eq!(
            can_open_close(b'_', 1, around(Some('中'), Some('文'))),
            (false, false)
        );
        // After CJK punctuation it opens, as after any punctuation.
        assert_eq!(
            can_open_close(b'_', 2, around(Some('。'), Some('文'))),
            (true, false)
        );
    }

    #[test]
    fn a_variation_selector_is_read_with_the_punctuation_before_it() {
        // `正體字。︁_Traditional._`: U+3002 U+FE01 is still punctuation, so `_` opens.
        let seq = Around {
            last: Some('\u{FE01}'),
            second: Some('。'),
            next: Some('T'),
        };
        assert_eq!(can_open_close(b'_', 1, seq), (true, false));
        // `**“︁Git”︁**Hub`: the fullwidth quote counts as CJK, so the run closes.
        let quote = Around {
            last: Some('\u{FE01}'),
            second: Some('”'),
            next: Some('H'),
        };
        assert!(can_open_close(b'*', 2, quote).1);
        // The plain quote does not: CommonMark's answer.
        assert!(!can_open_close(b'*', 2, around(Some('”'), Some('H'))).1);
        // An ideographic variation selector after a Han character lets the run open
        // before punctuation, as the character would.
        assert!(can_open_close(b'*', 2, around(Some('\u{E0100}'), Some('['))).0);
    }

    #[test]
    fn tildes() {
        // `1~3 天` is a range.
        assert_eq!(
            can_open_close(b'~', 1, around(Some('1'), Some('3'))),
            (false, false)
        );
        // `~~` opens before anything but whitespace, and closes as amended.
        assert_eq!(
            can_open_close(b'~', 2, around(Some('。'), Some('旧'))),
            (true, true)
        );
        assert_eq!(
            can_open_close(b'~', 3, around(None, Some('a'))),
            (false, false)
        );
    }
}
