//! What an article's `<head>` tells search engines and social sites beyond the HTML:
//! absolute image URLs for Open Graph and Twitter cards, and a JSON-LD `NewsArticle`.
//!
//! The JSON-LD is built here with serde_json rather than in the template: a template
//! would have to JSON-escape every field by hand, and one missed title with a quote breaks
//! the whole block. The result is also made safe to sit inside `<script>`: `<`, `>` and `&`
//! are written as `\u003c` etc., so a title containing `</script>` cannot end the element.

use serde::Serialize;
use serde_json::{Value, json};

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
        [
            ("title", a.title.clone()),
            ("site", site.config.raw.title.clone()),
            ("section", section.to_string()),
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
    let mut publisher = json!({ "@type": "Organization", "name": publisher_name });
    if let Some(logo) = absolute_asset(urls, &site.config.raw.publisher.logo) {
        publisher["logo"] = json!({ "@type": "ImageObject", "url": logo });
    }
    let author = match a.author.as_deref().map(str::trim) {
        Some(name) if !name.is_empty() => json!({ "@type": "Person", "name": name }),
        _ => json!({ "@type": "Organization", "name": publisher_name }),
    };
    let modified = xml::rfc3339(&a.last_modified());
    let mut ld = json!({
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": a.title,
        "description": a.summary,
        "url": permalink,
        "mainEntityOfPage": { "@type": "WebPage", "@id": permalink },
        "datePublished": xml::rfc3339(&a.date),
        "dateModified": modified,
        "author": author,
        "publisher": publisher,
        "inLanguage": site.config.raw.language,
        "keywords": a.tags,
    });
    if let Some(cover) = &cover {
        ld["image"] = json!([cover]);
    }
    let section = links
        .and_then(|l| l.section)
        .and_then(|s| site.sections.get(s))
        .map(|s| s.name.as_str())
        .or_else(|| a.categories.first().map(String::as_str));
    if let Some(section) = section {
        ld["articleSection"] = json!(section);
    }
    Some(ArticleSeo {
        share_image: share.map(|s| s.0),
        share_image_width: size.map(|s| s.0),
        share_image_height: size.map(|s| s.1),
        cover_absolute: cover,
        modified_iso: modified,
        json_ld: script_safe_json(&ld),
    })
}

/// Serialises JSON for an HTML `<script>` element. `<`, `>` and `&` only ever occur inside
/// JSON strings, where `\u003c` means the same character, so the data is unchanged while
/// `</script>` and `<!--` can no longer appear. U+2028/2029 are escaped too, for old
/// JavaScript parsers that treat them as line ends.
fn script_safe_json(value: &Value) -> String {
    let text = serde_json::to_string(value).unwrap_or_default();
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let v = json!({ "headline": "AI </script><script>alert(1)</script> & “引号” \"q\"" });
        let safe = script_safe_json(&v);
        assert!(!safe.contains('<') && !safe.contains('>') && !safe.contains('&'));
        let back: Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back, v);
    }
}
