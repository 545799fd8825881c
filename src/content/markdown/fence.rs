//! A fenced code block's info string, as the peers write it:
//!
//! - plain: ```` ```python ````
//! - Zola: ```` ```rust,name=lib.rs,linenos,hl_lines=1 3-5 ````
//! - Hugo: ```` ```go {linenos=true, hl_lines=[2,"4-5"], linenostart=10} ````
//! - Pandoc and Hugo: ```` ```{.python .numberLines startFrom=5} ```` (read as `linenos` and
//!   `linenostart`)
//!
//! all parse into a language plus attributes. The block is written as
//! `<pre><code class="language-rust" data-name="lib.rs">`, with `data-` attributes for the
//! attributes a highlighter needs, and the file name as a caption above it.

use crate::escape;

/// A fence opening, in a line without its indent or line end: three or more backticks
/// (with no backtick after) or tildes. The character and the run's length.
pub(crate) fn opens_fence(line: &str) -> Option<(u8, usize)> {
    let c = *line.as_bytes().first()?;
    if c != b'`' && c != b'~' {
        return None;
    }
    let n = line.bytes().take_while(|&b| b == c).count();
    (n >= 3 && !(c == b'`' && line[n..].contains('`'))).then_some((c, n))
}

/// Whether `line` (without its indent or line end) closes a fence of `n` times `c`.
pub(crate) fn closes_fence(line: &str, c: u8, n: usize) -> bool {
    let run = line.bytes().take_while(|&b| b == c).count();
    run >= n && run == line.len()
}

/// A fence's language and attributes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FenceInfo {
    /// The language as written (`rust`), if any.
    pub lang: Option<String>,
    /// Attributes in the order written, keys lower-cased; a bare key (`linenos`) is `true`.
    /// Lists are flattened to space-separated items: `hl_lines=[2,"4-5"]` is `2 4-5`.
    pub attrs: Vec<(String, String)>,
}

/// Attributes written out as `data-` attributes of the `<code>` element, with the keys
/// that mean the same in other generators.
const DATA_ATTRIBUTES: [(&str, &[&str]); 4] = [
    ("name", &["name", "title", "filename", "file"]),
    ("hl-lines", &["hl_lines"]),
    ("linenos", &["linenos"]),
    ("linenostart", &["linenostart"]),
];

impl FenceInfo {
    /// Parses an info string; anything it does not understand is kept as an attribute or
    /// ignored, never an error.
    pub fn parse(info: &str) -> FenceInfo {
        let info = info.trim();
        let mut fence = FenceInfo::default();
        if info.is_empty() {
            return fence;
        }
        if info.starts_with('{') {
            fence.parse_braced(info);
            return fence;
        }
        let end = info
            .find(|c: char| c == ',' || c == '{' || c.is_whitespace())
            .unwrap_or(info.len());
        let (lang, rest) = info.split_at(end);
        if !lang.contains('=') {
            fence.lang = Some(lang.to_string());
        }
        let rest = if fence.lang.is_some() { rest } else { info };
        match rest.find('{') {
            Some(open) => fence.parse_braced(&rest[open..]),
            None => fence.parse_commas(rest),
        }
        fence
    }

    /// The value of attribute `key` (lower case), if given.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The file name shown above the block (`name`, or `title` as other tools spell it).
    pub fn name(&self) -> Option<&str> {
        DATA_ATTRIBUTES[0]
            .1
            .iter()
            .find_map(|key| self.get(key))
            .filter(|name| !name.is_empty() && *name != "true")
    }

    /// The opening tags of the block: a caption when the block is named, then `<pre><code>`.
    pub fn open_html(&self) -> String {
        let mut out = String::new();
        if let Some(name) = self.name() {
            out.push_str("<figure class=\"code-block\"><figcaption>");
            out.push_str(&escape::html(name));
            out.push_str("</figcaption>");
        }
        out.push_str("<pre><code");
        if let Some(lang) = self.lang.as_deref().filter(|l| !l.is_empty()) {
            out.push_str(" class=\"language-");
            out.push_str(&escape::html(lang));
            out.push('"');
        }
        for (data, keys) in DATA_ATTRIBUTES {
            let value = if data == "name" {
                self.name()
            } else {
                keys.iter().find_map(|key| self.get(key))
            };
            if let Some(value) = value {
                out.push_str(&format!(" data-{data}=\"{}\"", escape::html(value)));
            }
        }
        out.push('>');
        out
    }

    /// The closing tags matching [`FenceInfo::open_html`].
    pub fn close_html(&self) -> &'static str {
        if self.name().is_some() {
            "</code></pre></figure>\n"
        } else {
            "</code></pre>\n"
        }
    }

    /// Zola's `,key=value,flag` list after the language.
    fn parse_commas(&mut self, rest: &str) {
        for item in rest.split(',') {
            let item = item.trim();
            if item.is_empty() {
                continue;
            }
            match item.split_once('=') {
                Some((k, v)) => self.push(k, v),
                None if !item.contains(char::is_whitespace) => self.push(item, "true"),
                None => {}
            }
        }
    }

    /// Hugo's and Pandoc's `{.class #id key=value key=[1,"2-3"]}`.
    fn parse_braced(&mut self, braced: &str) {
        let inner = braced.trim_start_matches('{');
        let inner = inner.rfind('}').map_or(inner, |end| &inner[..end]);
        let mut rest = inner;
        loop {
            rest = rest.trim_start_matches(|c: char| c == ',' || c.is_whitespace());
            if rest.is_empty() {
                break;
            }
            let key_end = rest
                .find(|c: char| c == '=' || c == ',' || c.is_whitespace())
                .unwrap_or(rest.len());
            let key = &rest[..key_end];
            rest = &rest[key_end..];
            let value = match rest.strip_prefix('=') {
                Some(after) => {
                    let (value, after) = take_value(after);
                    rest = after;
                    value
                }
                None => "true".to_string(),
            };
            if let Some(class) = key.strip_prefix('.') {
                if class.eq_ignore_ascii_case("numberlines") {
                    // Pandoc's line numbers: `{.python .numberLines startFrom=5}`.
                    self.push("linenos", "true");
                } else if self.lang.is_none() && !class.is_empty() {
                    self.lang = Some(class.to_string());
                }
            } else if key.eq_ignore_ascii_case("startfrom") {
                self.push("linenostart", &value);
            } else if !key.starts_with('#') && !key.is_empty() {
                self.push(key, &value);
            }
        }
    }

    fn push(&mut self, key: &str, value: &str) {
        let value = value.trim().trim_matches(|c| c == '"' || c == '\'');
        self.attrs
            .push((key.trim().to_lowercase(), value.to_string()));
    }
}

/// One value at the start of `text`: a `[list]`, a quoted string or a bare word; returns it
/// (lists flattened to space-separated items) and what follows it.
fn take_value(text: &str) -> (String, &str) {
    if let Some(list) = text.strip_prefix('[') {
        let end = list.find(']').unwrap_or(list.len());
        let items: Vec<&str> = list[..end]
            .split(',')
            .map(|i| i.trim().trim_matches(|c| c == '"' || c == '\''))
            .filter(|i| !i.is_empty())
            .collect();
        return (items.join(" "), list.get(end + 1..).unwrap_or_default());
    }
    for quote in ['"', '\''] {
        if let Some(quoted) = text.strip_prefix(quote) {
            let end = quoted.find(quote).unwrap_or(quoted.len());
            return (
                quoted[..end].to_string(),
                quoted.get(end + 1..).unwrap_or_default(),
            );
        }
    }
    let end = text
        .find(|c: char| c == ',' || c.is_whitespace())
        .unwrap_or(text.len());
    (text[..end].to_string(), &text[end..])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attrs(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn plain_language() {
        let f = FenceInfo::parse("python");
        assert_eq!(f.lang.as_deref(), Some("python"));
        assert!(f.attrs.is_empty());
        assert_eq!(FenceInfo::parse("  "), FenceInfo::default());
    }

    #[test]
    fn zola_commas() {
        let f = FenceInfo::parse("rust,name=lib.rs,linenos,hl_lines=1 3-5");
        assert_eq!(f.lang.as_deref(), Some("rust"));
        assert_eq!(
            f.attrs,
            attrs(&[
                ("name", "lib.rs"),
                ("linenos", "true"),
                ("hl_lines", "1 3-5")
            ])
        );
        assert_eq!(f.name(), Some("lib.rs"));
    }

    #[test]
    fn hugo_braces() {
        let f = FenceInfo::parse(r#"go {linenos=true, hl_lines=[2,"4-5"], linenostart=10}"#);
        assert_eq!(f.lang.as_deref(), Some("go"));
        assert_eq!(
            f.attrs,
            attrs(&[
                ("linenos", "true"),
                ("hl_lines", "2 4-5"),
                ("linenostart", "10")
            ])
        );
        let f = FenceInfo::parse(r#"go{hl_lines="1-3" linenos=table}"#);
        assert_eq!(f.lang.as_deref(), Some("go"));
        assert_eq!(f.get("hl_lines"), Some("1-3"));
        assert_eq!(f.get("linenos"), Some("table"));
    }

    #[test]
    fn pandoc_classes() {
        let f = FenceInfo::parse("{.python .numberLines #snippet startFrom=5}");
        assert_eq!(f.lang.as_deref(), Some("python"));
        assert_eq!(f.attrs, attrs(&[("linenos", "true"), ("linenostart", "5")]));
    }

    #[test]
    fn html_carries_language_and_data_attributes() {
        let f = FenceInfo::parse(r#"rust,name=<lib>.rs,hl_lines=2,unknown=1"#);
        assert_eq!(
            f.open_html(),
            "<figure class=\"code-block\"><figcaption>&lt;lib&gt;.rs</figcaption>\
             <pre><code class=\"language-rust\" data-name=\"&lt;lib&gt;.rs\" data-hl-lines=\"2\">"
        );
        assert_eq!(f.close_html(), "</code></pre></figure>\n");
        let plain = FenceInfo::parse("");
        assert_eq!(plain.open_html(), "<pre><code>");
        assert_eq!(plain.close_html(), "</code></pre>\n");
        let odd = FenceInfo::parse("c\"><script>");
        assert!(!odd.open_html().contains("<script>"), "{}", odd.open_html());
    }
}
