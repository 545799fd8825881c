//! The few XML pieces feeds and sitemaps need, written by hand rather than through an XML
//! library: the documents are small and flat, and one escape function used everywhere is
//! easier to audit than a writer API.
//!
//! Two things make hand-written XML go wrong, and both are handled here: markup characters
//! in text (escaped by [`escape`]), and characters XML 1.0 forbids outright even when
//! escaped (control characters such as U+0001 that slip into titles pasted from Word or a
//! CMS export). A single one makes the whole feed unparseable, so they are dropped.

use chrono::{DateTime, FixedOffset};

/// The XML declaration every document starts with.
pub const DECLARATION: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n";

/// Whether XML 1.0 allows `c` at all (its `Char` production).
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
}

/// Escapes text for an XML text node or a double- or single-quoted attribute, and drops
/// characters XML cannot carry.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if is_xml_char(c) => out.push(c),
            _ => {}
        }
    }
    out
}

/// Wraps HTML in a CDATA section. A `]]>` inside would end the section early, so it is
/// split across two sections (`]]` + `>`), the standard trick; forbidden characters are
/// dropped as in [`escape`].
pub fn cdata(text: &str) -> String {
    let clean: String = text.chars().filter(|&c| is_xml_char(c)).collect();
    format!("<![CDATA[{}]]>", clean.replace("]]>", "]]]]><![CDATA[>"))
}

/// RFC 822 date as RSS 2.0 wants it: `Mon, 11 Mar 2024 09:30:00 +0800`. Built with a
/// format string rather than `to_rfc2822`, which panics on years it cannot represent.
pub fn rfc822(date: &DateTime<FixedOffset>) -> String {
    date.format("%a, %d %b %Y %H:%M:%S %z").to_string()
}

/// RFC 3339 date for Atom and sitemaps (W3C Datetime is a profile of it), to the second:
/// `2024-03-11T09:30:00+08:00`.
pub fn rfc3339(date: &DateTime<FixedOffset>) -> String {
    date.format("%Y-%m-%dT%H:%M:%S%:z").to_string()
}

/// Makes the host-relative links of an article body (`href="/portal/x/"`, `src="/img.png"`)
/// absolute under `origin` (`https://host`). A feed is read away from the site, where a
/// reader has no page URL to resolve them against; relative links (`../x/`) are left to
/// the reader, which resolves them against the item's link (Atom entries also carry
/// `xml:base`). Protocol-relative `//cdn/…` links are not host-relative and stay.
pub fn absolutize(html: &str, origin: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    loop {
        let next = ["href=\"/", "src=\"/"]
            .iter()
            .filter_map(|attr| rest.find(attr).map(|i| (i, attr.len())))
            .min();
        let Some((i, len)) = next else {
            out.push_str(rest);
            return out;
        };
        // Only a whole attribute name: `data-href="/…"` is not a link.
        let whole = i == 0 || rest[..i].ends_with(|c: char| c.is_ascii_whitespace());
        let (head, tail) = rest.split_at(i + len - 1);
        out.push_str(head);
        if whole && !tail.starts_with("//") {
            out.push_str(origin);
        }
        rest = tail;
    }
}

/// The scheme and host of `base_url` (`https://host/portal` → `https://host`), given the
/// URL path the site lives under (`/portal/`).
pub fn origin(base_url: &str, root_path: &str) -> String {
    let path = root_path.trim_end_matches('/');
    base_url
        .strip_suffix(path)
        .unwrap_or(base_url)
        .trim_end_matches('/')
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_drops_forbidden_characters() {
        assert_eq!(
            escape("AI <script> & “引号” \"q\" 'a'\u{1}\u{FFFF}\t"),
            "AI &lt;script&gt; &amp; “引号” &quot;q&quot; &apos;a&apos;\t"
        );
    }

    #[test]
    fn cdata_survives_its_own_terminator() {
        assert_eq!(cdata("a]]>b"), "<![CDATA[a]]]]><![CDATA[>b]]>");
        assert_eq!(cdata("<p>x\u{0}</p>"), "<![CDATA[<p>x</p>]]>");
    }

    #[test]
    fn dates_in_both_formats() {
        let d = DateTime::parse_from_rfc3339("2024-03-11T09:30:00+08:00").unwrap();
        assert_eq!(rfc822(&d), "Mon, 11 Mar 2024 09:30:00 +0800");
        assert_eq!(rfc3339(&d), "2024-03-11T09:30:00+08:00");
    }

    #[test]
    fn host_relative_links_become_absolute() {
        let html = r#"<a href="/portal/x/">x</a><img src="/a.png"><a href="../y/">y</a><a href="//cdn/z">z</a><a data-href="/no">n</a><a href="https://o/">o</a>"#;
        assert_eq!(
            absolutize(html, "https://h.io"),
            r#"<a href="https://h.io/portal/x/">x</a><img src="https://h.io/a.png"><a href="../y/">y</a><a href="//cdn/z">z</a><a data-href="/no">n</a><a href="https://o/">o</a>"#
        );
    }

    #[test]
    fn origin_strips_the_base_path() {
        assert_eq!(
            origin("https://x.github.io/portal", "/portal/"),
            "https://x.github.io"
        );
        assert_eq!(origin("https://a.com", "/"), "https://a.com");
    }
}
