//! What an article's `<head>` tells search engines and social sites beyond the HTML:
//! absolute image URLs for Open Graph and Twitter cards, and a JSON-LD `NewsArticle`.
//!
//! The JSON-LD is built here with serde_json rather than in the template: a template
//! would have to JSON-escape every field by hand, and one missed title with a quote breaks
//! the whole block. The result is also made safe to sit inside `<script>`: `<`, `>` and `&`
//! are written as `\u003c` etc., so a title containing `</script>` cannot end the element.

use serde::Serialize;

use super::feeds::xml;
use crate::model::Site;
use crate::urls::{Urls, is_absolute};

/// An absolute URL for a front-matter or config image reference (`/images/a.png`,
/// `images/a.png` or `https://…`). Crawlers and social sites fetch images out of context,
/// so a path must become absolute; a `data:` URL is of no use to them and gives `None`.
pub(crate) fn absolute_asset(urls: &Urls, reference: &str) -> Option<String> {
    let reference = reference.trim();
    if reference.is_empty() || reference.starts_with("data:") {
        None
    } else if is_absolute(reference) {
        Some(reference.to_string())
    } else {
        Some(urls.absolute(reference))
    }
}

/// A picture as social sites fetch it, absolute, with its size when known. A processed
/// picture is shared as its 1200×630 card, which share cards show uncropped.
fn shared_picture(
    site: &Site,
    urls: &Urls,
    page_path: &str,
    reference: &str,
) -> Option<(String, Option<(u32, u32)>)> {
    if let Some(source) = site.images.find(page_path, reference) {
        if let Some(card) = site.images.share_card(source) {
            return Some((urls.absolute(&card), Some(crate::images::plan::SHARE_CARD)));
        }
        let size = (source.probe.width, source.probe.height);
        return Some((urls.absolute(&source.rel), Some(size)));
    }
    match site.images.published_rel(page_path, reference) {
        Some(rel) => Some((urls.absolute(&rel), None)),
        None => absolute_asset(urls, reference).map(|url| (url, None)),
    }
}

/// An article's `<title>`: `[seo] title_pattern` with `{title}`, `{site}` and `{section}`
/// filled in. Without a section, `{section}` goes with the separator beside it, so
/// `{title} - {section} - {site}` does not leave ` -  - `.
pub(crate) fn article_title(site: &Site, i: usize) -> String {
    let Some(a) = site.articles.get(i) else {
        return String::new();
    };
    let section = site
        .links
        .get(i)
        .and_then(|l| l.section)
        .and_then(|s| site.sections.get(s))
        .map_or("", |s| s.name.as_str());
    let mut pattern = site.config.raw.seo.title_pattern.clone();
    if section.is_empty() {
        pattern = without_token(&pattern, "{section}");
    }
    crate::i18n::fill(
        &pattern,
        &[
            ("title", a.title.as_str()),
            ("site", site.config.raw.title.as_str()),
            ("section", section),
        ],
    )
}

/// `pattern` without `token` and the run of separators before it (or after it, at the
/// start).
fn without_token(pattern: &str, token: &str) -> String {
    let Some(at) = pattern.find(token) else {
        return pattern.to_string();
    };
    let is_sep = |c: char| c.is_whitespace() || "-|｜_–—·:：,，".contains(c);
    let before = pattern[..at].trim_end_matches(is_sep);
    let after = &pattern[at + token.len()..];
    if before.is_empty() {
        format!("{before}{}", after.trim_start_matches(is_sep))
    } else {
        format!("{before}{}", after)
    }
}

/// Head fields an article page gets on top of its ref (see `docs/templates.md`).
#[derive(Debug, Serialize)]
pub(crate) struct ArticleSeo {
    /// The cover as an absolute URL, for `twitter:image` (none without a cover).
    pub cover_absolute: Option<String>,
    /// `og:image`: the cover's share card, else the first picture of the body, else
    /// `[seo] default_image`, else the publisher's logo; absolute.
    pub share_image: Option<String>,
    /// Its width and height, when known.
    pub share_image_width: Option<u32>,
    pub share_image_height: Option<u32>,
    /// `updated`, or `date` when never updated, in RFC 3339: `article:modified_time`.
    pub modified_iso: String,
    /// The JSON-LD `NewsArticle`, serialised and safe to output with `| safe` inside
    /// `<script type="application/ld+json">`.
    pub json_ld: String,
}

/// The head fields of article `i`.
pub(crate) fn article_seo(site: &Site, urls: &Urls, i: usize) -> Option<ArticleSeo> {
    let a = site.articles.get(i)?;
    let links = site.links.get(i);
    let permalink = urls.absolute(&a.path);
    let cover = a
        .cover
        .as_deref()
        .and_then(|c| shared_picture(site, urls, &a.path, c));
    let share = cover.clone().or_else(|| {
        let first = a.body.images.first()?;
        shared_picture(site, urls, &a.path, &first.src)
    });
    let share = share.or_else(|| {
        [
            &site.config.raw.seo.default_image,
            &site.config.raw.publisher.logo,
        ]
        .into_iter()
        .find_map(|r| shared_picture(site, urls, "", r))
    });
    let size = share.as_ref().and_then(|s| s.1);
    let cover = cover.map(|c| c.0);
    let publisher_name = site.config.publisher_name();
    let author = match a.author.as_deref().map(str::trim) {
        Some(name) if !name.is_empty() => Named {
            kind: "Person",
            name,
        },
        _ => Named {
            kind: "Organization",
            name: publisher_name,
        },
    };
    let modified = xml::rfc3339(&a.last_modified());
    let section = links
        .and_then(|l| l.section)
        .and_then(|s| site.sections.get(s))
        .map(|s| s.name.as_str())
        .or_else(|| a.categories.first().map(String::as_str));
    let ld = NewsArticle {
        context: "https://schema.org",
        kind: "NewsArticle",
        article_section: section,
        author,
        date_modified: &modified,
        date_published: xml::rfc3339(&a.date),
        description: &a.summary,
        headline: &a.title,
        image: cover.as_slice(),
        in_language: &site.config.raw.language,
        keywords: &a.tags,
        main_entity_of_page: WebPage {
            id: &permalink,
            kind: "WebPage",
        },
        publisher: Publisher {
            kind: "Organization",
            logo: absolute_asset(urls, &site.config.raw.publisher.logo).map(|url| ImageObject {
                kind: "ImageObject",
                url,
            }),
            name: publisher_name,
        },
        url: &permalink,
    };
    Some(ArticleSeo {
        share_image: share.map(|s| s.0),
        share_image_width: size.map(|s| s.0),
        share_image_height: size.map(|s| s.1),
        json_ld: script_safe_json(&ld),
        cover_absolute: cover,
        modified_iso: modified,
    })
}

/// The JSON-LD `NewsArticle`, written straight from these structs (building a
/// `serde_json::Value` map of it for every article was 3 % of a cold build). The fields are
/// in the order of their names, as a `Value` map wrote them, so the JSON is as before.
#[derive(Serialize)]
struct NewsArticle<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "articleSection", skip_serializing_if = "Option::is_none")]
    article_section: Option<&'a str>,
    author: Named<'a>,
    #[serde(rename = "dateModified")]
    date_modified: &'a str,
    #[serde(rename = "datePublished")]
    date_published: String,
    description: &'a str,
    headline: &'a str,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    image: &'a [String],
    #[serde(rename = "inLanguage")]
    in_language: &'a str,
    keywords: &'a [String],
    #[serde(rename = "mainEntityOfPage")]
    main_entity_of_page: WebPage<'a>,
    publisher: Publisher<'a>,
    url: &'a str,
}

#[derive(Serialize)]
struct Named<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
}

#[derive(Serialize)]
struct WebPage<'a> {
    #[serde(rename = "@id")]
    id: &'a str,
    #[serde(rename = "@type")]
    kind: &'static str,
}

#[derive(Serialize)]
struct Publisher<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    logo: Option<ImageObject>,
    name: &'a str,
}

#[derive(Serialize)]
struct ImageObject {
    #[serde(rename = "@type")]
    kind: &'static str,
    url: String,
}

/// Serialises JSON for an HTML `<script>` element. `<`, `>` and `&` only ever occur inside
/// JSON strings, where `\u003c` means the same character, so the data is unchanged while
/// `</script>` and `<!--` can no longer appear. U+2028/2029 are escaped too, for old
/// JavaScript parsers that treat them as line ends.
fn script_safe_json(value: &impl Serialize) -> String {
    let text = serde_json::to_string(value).unwrap_or_default();
    let bytes = text.as_bytes();
    // Most pages' data has none of them: two vectorised scans instead of a byte loop.
    let line_end = |i: usize| matches!(bytes.get(i + 2), Some(0xA8 | 0xA9));
    if memchr::memchr3(b'<', b'>', b'&', bytes).is_none()
        && !memchr::memmem::find_iter(bytes, &[0xE2, 0x80]).any(line_end)
    {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut copied = 0;
    for (at, &b) in bytes.iter().enumerate() {
        let escape = match b {
            b'<' => "\\u003c",
            b'>' => "\\u003e",
            b'&' => "\\u0026",
            // U+2028 and U+2029 in UTF-8: E2 80 A8 and E2 80 A9.
            0xE2 if bytes[at..].starts_with(&[0xE2, 0x80, 0xA8]) => "\\u2028",
            0xE2 if bytes[at..].starts_with(&[0xE2, 0x80, 0xA9]) => "\\u2029",
            _ => continue,
        };
        out.push_str(&text[copied..at]);
        out.push_str(escape);
        copied = at + if b == 0xE2 { 3 } else { 1 };
    }
    out.push_str(&text[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    #[test]
    fn a_missing_section_takes_its_separator_along() {
        assert_eq!(
            without_token("{title} - {section} - {site}", "{section}"),
            "{title} - {site}"
        );
        assert_eq!(without_token("{section}｜{title}", "{section}"), "{title}");
        assert_eq!(without_token("{title}_{section}", "{section}"), "{title}");
    }

    #[test]
    fn json_cannot_close_the_script_element() {
        let v = json!({ "headline": "AI </script><script>alert(1)</script> & “引号” \"q\" \u{2028}行\u{2029}段" });
        let safe = script_safe_json(&v);
        assert!(!safe.contains(['<', '>', '&', '\u{2028}', '\u{2029}']));
        assert!(safe.contains(r"AI \u003c/script\u003e") && safe.contains(r"\u2028行\u2029段"));
        let back: Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back, v);
        // Only a line or paragraph separator of the `E2 80 …` characters is escaped.
        let lone = json!({ "headline": "“引号”…— 2028" });
        assert_eq!(
            script_safe_json(&lone),
            serde_json::to_string(&lone).unwrap()
        );
        let one = json!({ "headline": "“行”\u{2029}" });
        assert!(script_safe_json(&one).ends_with(r#"\u2029"}"#));
    }
}
