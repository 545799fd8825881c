//! Simplified → Traditional conversion of text, HTML and data, with OpenCC's phrase
//! dictionaries ([`super::opencc`]) and the site's own pinned phrases first.
//!
//! Phrase-level, not character by character: under `s2twp` 软件 is 軟體 and 内存 記憶體,
//! and 头发/发展 are 頭髮/發展. In HTML only text is converted: tags and their attributes,
//! comments, and the text of `<pre>`, `<code>`, `<kbd>`, `<samp>`, `<script>`, `<style>`,
//! `<textarea>` and `<math>` are copied as they are, so code and URLs never change.

use aho_corasick::{AhoCorasick, MatchKind};

use super::opencc::Chain;

/// Elements whose text is code or markup, never prose.
const VERBATIM: [&str; 8] = [
    "pre", "code", "kbd", "samp", "script", "style", "textarea", "math",
];

/// Converts text, HTML and data values to Traditional Chinese.
pub struct Converter {
    opencc: Chain,
    pins: Option<Pins>,
}

/// The site's own conversions (`data/zh_hant.toml`), matched leftmost-longest before
/// OpenCC sees the text.
struct Pins {
    matcher: AhoCorasick,
    to: Vec<String>,
}

impl Converter {
    /// A converter for `variant` (one of [`VARIANTS`]) with the site's pinned phrases.
    pub fn new(variant: &str, pinned: Vec<(String, String)>) -> Result<Self, String> {
        let opencc = Chain::new(variant)?;
        let pinned: Vec<_> = pinned
            .into_iter()
            .filter(|(from, _)| !from.is_empty())
            .collect();
        let pins = if pinned.is_empty() {
            None
        } else {
            let matcher = AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostLongest)
                .build(pinned.iter().map(|(from, _)| from))
                .map_err(|e| e.to_string())?;
            Some(Pins {
                matcher,
                to: pinned.into_iter().map(|(_, to)| to).collect(),
            })
        };
        Ok(Converter { opencc, pins })
    }

    /// `text` in Traditional characters. ASCII comes back as it is without a lookup.
    pub fn text(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        self.push_text(text, &mut out);
        out
    }

    fn push_text(&self, text: &str, out: &mut String) {
        if text.is_ascii() {
            out.push_str(text);
            return;
        }
        let Some(pins) = &self.pins else {
            self.push_unpinned(text, out);
            return;
        };
        let mut from = 0;
        for found in pins.matcher.find_iter(text) {
            self.push_unpinned(&text[from..found.start()], out);
            out.push_str(&pins.to[found.pattern().as_usize()]);
            from = found.end();
        }
        self.push_unpinned(&text[from..], out);
    }

    fn push_unpinned(&self, text: &str, out: &mut String) {
        if text.is_ascii() {
            out.push_str(text);
        } else {
            out.push_str(&self.opencc.convert(text));
        }
    }

    /// `html` with its text converted and its markup, attributes and code untouched.
    pub fn html(&self, html: &str) -> String {
        let mut out = String::with_capacity(html.len() + html.len() / 16);
        let mut verbatim = 0usize;
        let mut rest = html;
        while !rest.is_empty() {
            let Some(lt) = memchr::memchr(b'<', rest.as_bytes()) else {
                self.push_run(rest, verbatim, &mut out);
                break;
            };
            self.push_run(&rest[..lt], verbatim, &mut out);
            let tag_len = markup_len(&rest[lt..]);
            let tag = &rest[lt..lt + tag_len];
            verbatim = match verbatim_change(tag) {
                Some(true) => verbatim + 1,
                Some(false) => verbatim.saturating_sub(1),
                None => verbatim,
            };
            out.push_str(tag);
            rest = &rest[lt + tag_len..];
        }
        out
    }

    fn push_run(&self, run: &str, verbatim: usize, out: &mut String) {
        if verbatim > 0 {
            out.push_str(run);
        } else {
            self.push_text(run, out);
        }
    }

    /// Every string of a data value converted (object keys too, below the top level, so
    /// that entries keyed by a name still match the converted name), except strings that
    /// are paths or URLs and the values of keys that name one.
    pub fn json(&self, value: &mut serde_json::Value) {
        self.json_at(value, 0);
    }

    fn json_at(&self, value: &mut serde_json::Value, depth: usize) {
        use serde_json::Value;
        match value {
            Value::String(s) if !is_reference(s) => *s = self.text(s),
            Value::Array(items) => items.iter_mut().for_each(|v| self.json_at(v, depth + 1)),
            Value::Object(map) => {
                let old = std::mem::take(map);
                for (key, mut v) in old {
                    if !is_reference_key(&key) {
                        self.json_at(&mut v, depth + 1);
                    }
                    let key = if depth == 0 { key } else { self.text(&key) };
                    map.insert(key, v);
                }
            }
            _ => {}
        }
    }
}

/// Length of the markup at the start of `s` (which starts with `<`): a comment up to
/// `-->`, else a tag up to its `>` outside quotes; a lone `<` in text is one byte.
fn markup_len(s: &str) -> usize {
    if let Some(body) = s.strip_prefix("<!--") {
        return body.find("-->").map_or(s.len(), |end| 4 + end + 3);
    }
    let starts_tag = s[1..]
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '/' || c == '!');
    if !starts_tag {
        return 1;
    }
    let mut quote = None;
    for (i, b) in s.bytes().enumerate().skip(1) {
        match (quote, b) {
            (None, b'"' | b'\'') => quote = Some(b),
            (Some(q), _) if b == q => quote = None,
            (None, b'>') => return i + 1,
            _ => {}
        }
    }
    s.len()
}

/// Whether `tag` opens (`Some(true)`) or closes (`Some(false)`) a [`VERBATIM`] element.
fn verbatim_change(tag: &str) -> Option<bool> {
    let inner = tag.strip_prefix('<')?;
    let (closing, inner) = match inner.strip_prefix('/') {
        Some(rest) => (true, rest),
        None => (false, inner),
    };
    let name_len = inner
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(inner.len());
    let name = &inner[..name_len];
    if !VERBATIM.iter().any(|v| v.eq_ignore_ascii_case(name)) {
        return None;
    }
    if !closing && tag.ends_with("/>") {
        return None;
    }
    Some(!closing)
}

/// A path or URL in a data file (`/img/a.png`, `content/资讯/a.md`, `https://…`): left as
/// written, so that it still names its file.
fn is_reference(s: &str) -> bool {
    s.contains('/') || crate::urls::is_absolute(s)
}

fn is_reference_key(key: &str) -> bool {
    matches!(
        key,
        "url" | "path" | "href" | "src" | "link" | "avatar" | "image" | "cover" | "id" | "slug"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn twp() -> Converter {
        Converter::new("s2twp", Vec::new()).expect("converter")
    }

    #[test]
    fn phrases_and_taiwan_terms_not_characters() {
        let c = twp();
        assert_eq!(c.text("软件和内存"), "軟體和記憶體");
        assert_eq!(c.text("头发与发展"), "頭髮與發展");
        let hk = Converter::new("s2hk", Vec::new()).expect("converter");
        assert_eq!(hk.text("软件"), "軟件");
    }

    #[test]
    fn markup_attributes_and_code_stay() {
        let c = twp();
        let html = "<p class=\"软件\">软件<a href=\"/资讯/软件/\" title=\"内存\">内存</a></p>\
                    <pre><code>let 软件 = \"内存\";</code></pre><p>头发<code>发展</code>发展</p>\
                    <!-- 软件 --><p>1 < 2 软件</p>";
        assert_eq!(
            c.html(html),
            "<p class=\"软件\">軟體<a href=\"/资讯/软件/\" title=\"内存\">記憶體</a></p>\
             <pre><code>let 软件 = \"内存\";</code></pre><p>頭髮<code>发展</code>發展</p>\
             <!-- 软件 --><p>1 < 2 軟體</p>"
        );
    }

    #[test]
    fn a_quoted_angle_bracket_does_not_end_a_tag() {
        let c = twp();
        assert_eq!(
            c.html("<img alt=\"a > 软件\">软件"),
            "<img alt=\"a > 软件\">軟體"
        );
    }

    #[test]
    fn pinned_phrases_win_over_the_dictionary() {
        let c = Converter::new(
            "s2twp",
            vec![
                ("硅基日报".into(), "矽基日報".into()),
                ("软件".into(), "软件".into()),
            ],
        )
        .expect("converter");
        assert_eq!(c.text("硅基日报谈软件和内存"), "矽基日報談软件和記憶體");
    }

    #[test]
    fn data_keeps_paths_urls_and_top_level_keys() {
        let c = twp();
        let mut v = serde_json::json!({
            "authors": {"张伟": {"bio": "软件工程师", "avatar": "/img/张伟.svg"}},
            "hot": {"items": [{"path": "content/资讯/软件.md", "title": "内存涨价"}]},
        });
        c.json(&mut v);
        assert_eq!(
            v,
            serde_json::json!({
                "authors": {"張偉": {"bio": "軟體工程師", "avatar": "/img/张伟.svg"}},
                "hot": {"items": [{"path": "content/资讯/软件.md", "title": "記憶體漲價"}]},
            })
        );
    }
}
