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

/// Head fields an article page gets on top of its ref (see `docs/templates.md`).
#[derive(Debug, Serialize)]
pub(crate) struct ArticleSeo {
    /// The cover as an absolute URL, for `og:image` and `twitter:image`.
    pub cover_absolute: Option<String>,
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
    // A processed cover is shared as its 1200×630 card, which share cards show uncropped.
    let card = a
        .cover
        .as_deref()
        .and_then(|c| site.images.find(&a.path, c))
        .and_then(|source| site.images.share_card(source));
    let cover = match card {
        Some(rel) => Some(urls.absolute(&rel)),
        None => a.cover.as_deref().and_then(|c| absolute_asset(urls, c)),
    };
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
    fn json_cannot_close_the_script_element() {
        let v = json!({ "headline": "AI </script><script>alert(1)</script> & “引号” \"q\"" });
        let safe = script_safe_json(&v);
        assert!(!safe.contains('<') && !safe.contains('>') && !safe.contains('&'));
        let back: Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back, v);
    }
}
