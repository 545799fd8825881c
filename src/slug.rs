//! Slugs and hrefs.
//!
//! Chinese stays Chinese in URLs, as Hugo does (`/tags/马斯克/`): pinyin converters get
//! polyphones wrong (重庆 → zhong-qing), and browsers show UTF-8 paths readably. ASCII is
//! lower-cased; whitespace and punctuation between words (`、`, `，`, `/`, `｜`, `：`, `（）`,
//! ASCII and full-width alike) become one `-`, so `Java-Minor-GC、Major-GC` keeps its two
//! words apart (`java-minor-gc-major-gc`) rather than gluing them; apostrophes and
//! combining marks, which sit inside a word, are dropped.

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};

/// Turns a title, file stem or term into a URL path segment.
pub fn slugify(text: &str) -> String {
    segment(text, true)
}

/// [`slugify`] that keeps upper-case letters: Hexo's and Jekyll's `:title` is the file name
/// as written (`Rust-1.12.md` → `/…/Rust-1.12/`), and a migrated archive must keep those
/// URLs, which servers compare case-sensitively.
pub fn slugify_keep_case(text: &str) -> String {
    segment(text, false)
}

fn segment(text: &str, lower: bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_dash = false;
    for c in text.chars() {
        if !is_kept(c) {
            if is_separator(c) {
                pending_dash = !out.is_empty();
            }
            continue;
        }
        if pending_dash {
            out.push('-');
            pending_dash = false;
        }
        if !lower {
            out.push(c);
        } else if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else {
            // Lower-casing can add marks (`İ` → `i` + U+0307) that a second slugify would
            // drop: keep only what is kept, so that a slug of a slug is the same slug.
            out.extend(c.to_lowercase().filter(|&l| is_kept(l)));
        }
    }
    // A segment of only dots would be `.`/`..` in a path: never let a slug climb out.
    out.trim_matches(|c| c == '.' || c == '-').to_string()
}

/// Letters and digits of any script (every CJK character of [`crate::text::is_cjk`] is
/// one), plus the few marks that are safe and readable.
fn is_kept(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '+' | '~')
    } else {
        // `·` joins transliterated names: 埃隆·马斯克.
        c.is_alphanumeric() || c == '·'
    }
}

/// Whether a character that is not kept separates words (whitespace, `-`, punctuation and
/// symbols of any script) rather than sitting inside one (an apostrophe, a combining
/// mark, a zero-width joiner, a variation selector, a control character).
fn is_separator(c: char) -> bool {
    !(c.is_control()
        || matches!(
            c,
            '\'' | '’' | '‘' | '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}'
        )
        || matches!(c,
            '\u{0300}'..='\u{036f}'
            | '\u{1ab0}'..='\u{1aff}'
            | '\u{1dc0}'..='\u{1dff}'
            | '\u{20d0}'..='\u{20ff}'
            | '\u{fe00}'..='\u{fe0f}'
            | '\u{fe20}'..='\u{fe2f}'
            | '\u{e0100}'..='\u{e01ef}'))
}

/// Characters percent-encoded in an href path: everything non-ASCII plus what HTML or URLs
/// would misread.
const PATH_UNSAFE: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'\'')
    .add(b'\\')
    .add(b'^')
    .add(b'|');

/// Percent-encodes a URL path for use in an href (`/tags/马斯克/` → `/tags/%E9%A9%AC…/`).
pub fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    push_encoded_path(&mut out, path);
    out
}

/// [`encode_path`] appended to `out`: an href made of parts is encoded part by part into
/// one string, instead of the parts first joined by `format!` (pages, feeds and sitemaps
/// make about four hrefs per article; formatting was a third of their cost).
pub fn push_encoded_path(out: &mut String, path: &str) {
    out.extend(utf8_percent_encode(path, PATH_UNSAFE));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_chinese_and_lowercases_ascii() {
        assert_eq!(slugify("马斯克"), "马斯克");
        assert_eq!(slugify("OpenAI"), "openai");
        assert_eq!(slugify("Apple Intelligence"), "apple-intelligence");
        assert_eq!(slugify("GPT-4o"), "gpt-4o");
        assert_eq!(slugify("重庆 Chongqing"), "重庆-chongqing");
    }

    #[test]
    fn keeps_every_cjk_script() {
        let cjk = "〇ひらがなカタカナー한국어㐀豈𠀀𰀀";
        assert!(cjk.chars().all(crate::text::is_cjk));
        assert_eq!(slugify(cjk), cjk);
        assert_eq!(slugify("埃隆·马斯克"), "埃隆·马斯克");
    }

    #[test]
    fn drops_unsafe_characters() {
        assert_eq!(slugify("a/b?c#d"), "a-b-c-d");
        assert_eq!(slugify("  <script>  "), "script");
        assert_eq!(slugify("观点：AI 与“安全”"), "观点-ai-与-安全");
        assert_eq!(slugify("C++ & Rust"), "c++-rust");
        assert_eq!(slugify(".."), "");
        assert_eq!(slugify("v1.2"), "v1.2");
    }

    #[test]
    fn punctuation_between_words_becomes_one_dash() {
        assert_eq!(slugify("Java-Minor-GC、Major-GC"), "java-minor-gc-major-gc");
        assert_eq!(slugify("苹果，谷歌/微软｜亚马逊"), "苹果-谷歌-微软-亚马逊");
        assert_eq!(slugify("发布会（直播）：要点"), "发布会-直播-要点");
        assert_eq!(slugify("A -- B!!"), "a-b");
        assert_eq!(slugify("【快讯】芯片"), "快讯-芯片");
        assert_eq!(slugify("Don't panic"), "dont-panic");
        assert_eq!(slugify("cafe\u{301} 开业"), "cafe-开业");
    }

    #[test]
    fn keeping_case_changes_only_case() {
        assert_eq!(slugify_keep_case("Rust-1.12"), "Rust-1.12");
        assert_eq!(slugify_keep_case("Hello World、你好"), "Hello-World-你好");
        assert_eq!(
            slugify_keep_case("İstanbul").to_lowercase(),
            "i\u{307}stanbul"
        );
    }

    #[test]
    fn encodes_non_ascii_in_hrefs() {
        assert_eq!(
            encode_path("/tags/马斯克/"),
            "/tags/%E9%A9%AC%E6%96%AF%E5%85%8B/"
        );
        assert_eq!(encode_path("/a b/"), "/a%20b/");
        assert_eq!(encode_path("/2024/03/grok/"), "/2024/03/grok/");
    }

    mod properties {
        use super::super::*;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(3000))]

            /// Any text gives a slug that is a safe single path segment, and slugging is
            /// idempotent (a slug written back as `slug = …` keeps its URL).
            #[test]
            fn slugs_are_safe_and_stable(text in "\\PC{0,40}") {
                let slug = slugify(&text);
                prop_assert!(!slug.contains('/') && !slug.contains('\\'));
                prop_assert!(slug != "." && slug != "..");
                prop_assert!(!slug.chars().any(|c| c.is_whitespace() || c.is_control()));
                prop_assert_eq!(slugify(&slug), slug.clone());
            }

            /// Encoded hrefs are plain ASCII and decode back to the path.
            #[test]
            fn hrefs_round_trip(text in "\\PC{0,40}") {
                let path = format!("/tags/{}/", slugify(&text));
                let href = encode_path(&path);
                prop_assert!(href.is_ascii());
                let decoded = percent_encoding::percent_decode_str(&href).decode_utf8().map(|c| c.into_owned());
                prop_assert_eq!(decoded.ok(), Some(path));
            }
        }
    }
}
