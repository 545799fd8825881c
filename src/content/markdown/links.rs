//! Links in the body: where each is written (so `check` and the internal-link resolver can
//! point at the line a writer must fix), and host-relative links moved under the site's path.

use pulldown_cmark::{CowStr, Event, LinkType, Tag};

use crate::config::MarkdownConfig;
use crate::escape;

/// A link or image destination as written, with where it is.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct BodyLink {
    pub target: String,
    /// 1-based line, relative to the body until `load` shifts it to the file's.
    pub line: usize,
    /// 1-based column in characters.
    pub col: usize,
}

/// Records every link in `event`: a Markdown link or image, or the `href` and `src`
/// attributes of raw HTML (an `<img>` pasted from a CMS, a shortcode's output).
pub(super) fn collect(
    event: &Event<'_>,
    start: usize,
    lines: &mut LineCounter<'_>,
    out: &mut Vec<BodyLink>,
) {
    match event {
        Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
            let (line, col) = lines.line_col(start);
            out.push(BodyLink {
                target: dest_url.to_string(),
                line,
                col,
            });
        }
        Event::Html(html) | Event::InlineHtml(html) => {
            for (at, value) in html_attribute_values(html) {
                let (line, col) = lines.line_col(start + at);
                out.push(BodyLink {
                    target: decode_entities(value),
                    line,
                    col,
                });
            }
        }
        _ => {}
    }
}

/// `(offset, value)` of each quoted `href` and `src` attribute in `html`, in order.
pub fn html_attribute_values(html: &str) -> Vec<(usize, &str)> {
    let mut found = Vec::new();
    for attr in ["href=", "src="] {
        for (i, _) in html.match_indices(attr) {
            let before = html[..i].chars().next_back();
            if !before.is_some_and(char::is_whitespace) || !in_tag(html, i) {
                continue; // `data-src=`, `xhref=`, `href="` in text
            }
            let rest = &html[i + attr.len()..];
            let Some(quote) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') else {
                continue;
            };
            let value = &rest[1..];
            if let Some(end) = value.find(quote) {
                found.push((i, &value[..end]));
            }
        }
    }
    found.sort_by_key(|(at, _)| *at);
    found
}

/// Whether offset `at` of `html` is inside a tag (`<a href`), not in text: the nearest
/// `<` or `>` before it is a `<`.
pub fn in_tag(html: &str, at: usize) -> bool {
    html.get(..at)
        .and_then(|before| before.rfind(['<', '>']))
        .is_some_and(|i| html.as_bytes()[i] == b'<')
}

/// The entities HTML writers put in attribute values.
pub fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_string();
    }
    text.replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Prefixes host-relative link and image targets (`/x/`, not `//host/x`) with the site's path.
pub(super) fn with_root_path<'a>(event: Event<'a>, prefix: &str) -> Event<'a> {
    let rebase = |dest: CowStr<'a>| -> CowStr<'a> {
        match dest.strip_prefix('/') {
            Some(rest) if !rest.starts_with('/') && !dest.starts_with(prefix) => {
                CowStr::from(format!("{prefix}{rest}"))
            }
            _ => dest,
        }
    };
    match event {
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: rebase(dest_url),
            title,
            id,
        }),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Image {
            link_type,
            dest_url: rebase(dest_url),
            title,
            id,
        }),
        other => other,
    }
}

/// Byte offset → line and column, for offsets that only move forward (as events do, mostly).
pub(super) struct LineCounter<'a> {
    text: &'a str,
    offset: usize,
    line: usize,
    /// Byte offset where the current line starts.
    line_start: usize,
}

impl<'a> LineCounter<'a> {
    pub fn new(text: &'a str) -> Self {
        LineCounter {
            text,
            offset: 0,
            line: 1,
            line_start: 0,
        }
    }

    pub fn line_col(&mut self, offset: usize) -> (usize, usize) {
        if offset < self.offset {
            self.offset = 0;
            self.line = 1;
            self.line_start = 0;
        }
        let bytes = self.text.as_bytes();
        let end = offset.min(bytes.len());
        for i in memchr::memchr_iter(b'\n', bytes.get(self.offset..end).unwrap_or_default()) {
            self.line += 1;
            self.line_start = self.offset + i + 1;
        }
        self.offset = end.max(self.offset);
        let col = self
            .text
            .get(self.line_start..end)
            .map_or(0, |s| s.chars().count());
        (self.line, col + 1)
    }
}

/// A link's opening: as pulldown-cmark writes it, or, for a link to another site when
/// `[markdown] external_links_…` asks, with `target` and `rel` (as Zola offers).
pub(super) fn open_link<'a>(
    link_type: LinkType,
    dest_url: CowStr<'a>,
    title: CowStr<'a>,
    id: CowStr<'a>,
    config: MarkdownConfig,
) -> Event<'a> {
    let rel: Vec<&str> = [
        (config.external_links_no_follow, "nofollow"),
        (config.external_links_no_referrer, "noreferrer"),
        (config.external_links_target_blank, "noopener"),
    ]
    .iter()
    .filter_map(|(on, rel)| on.then_some(*rel))
    .collect();
    if rel.is_empty() || !is_external(&dest_url) {
        return Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        });
    }
    let mut html = String::from("<a href=\"");
    push_href(&mut html, &dest_url);
    html.push('"');
    if !title.is_empty() {
        html.push_str(&format!(" title=\"{}\"", escape::html(&title)));
    }
    if config.external_links_target_blank {
        html.push_str(" target=\"_blank\"");
    }
    html.push_str(&format!(" rel=\"{}\">", rel.join(" ")));
    Event::InlineHtml(CowStr::from(html))
}

/// A link that leaves the site: a scheme with a host (`https://`, `http://`) or a
/// protocol-relative `//host/`.
fn is_external(url: &str) -> bool {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://") || url.starts_with("//")
}

/// Writes a URL as pulldown-cmark writes `href` and `src` (percent-encoding what a URL may
/// not hold raw, HTML-escaping `&` and quotes), so links sitegen writes itself match.
pub(super) fn push_href(out: &mut String, url: &str) {
    // Writing into a String cannot fail.
    let _ = pulldown_cmark_escape::escape_href(out, url);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_quoted_href_and_src_only() {
        let html = r#"<a href="/a/?x=1&amp;y=2">a</a><img data-src="/no.png" src='/i.png'>"#;
        let found: Vec<&str> = html_attribute_values(html)
            .into_iter()
            .map(|(_, v)| v)
            .collect();
        assert_eq!(found, vec!["/a/?x=1&amp;y=2", "/i.png"]);
        let text = r#"<p>write href="/no/" in a tag</p>"#;
        assert!(html_attribute_values(text).is_empty());
        assert_eq!(decode_entities("/a/?x=1&amp;y=2"), "/a/?x=1&y=2");
    }

    #[test]
    fn counts_lines_and_columns_in_characters() {
        let mut lines = LineCounter::new("第一行\n见[a](/x/)\n");
        let at = "第一行\n见".len();
        assert_eq!(lines.line_col(at), (2, 2));
        assert_eq!(lines.line_col(0), (1, 1));
    }
}
