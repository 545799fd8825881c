//! Atom 1.0 (RFC 4287): stricter than RSS about ids and dates, and what many newer readers
//! prefer.
//!
//! Every entry's `<id>` is its permanent absolute URL. Atom requires an author for each
//! entry; the feed-level `<author>` (the publisher) covers entries without one.

use std::fmt::Write;

use super::xml;
use super::{Feed, Settings};
use crate::escape;
use crate::model::Article;
use crate::urls::Urls;

/// Article `a` as an Atom entry, up to its body (which [`render`] adds with the closing
/// tag): the same in every feed that holds it.
pub(super) fn entry(urls: &Urls, a: &Article) -> String {
    let mut out = String::with_capacity(1024);
    let link = escape::xml(&urls.absolute(&a.path));
    out.push_str("<entry>\n");
    let _ = writeln!(
        out,
        "<title type=\"text\">{}</title>",
        escape::xml(&a.title)
    );
    let _ = writeln!(
        out,
        "<link rel=\"alternate\" type=\"text/html\" href=\"{link}\"/>"
    );
    let _ = writeln!(out, "<id>{link}</id>");
    let _ = writeln!(out, "<published>{}</published>", xml::rfc3339(&a.date));
    let _ = writeln!(
        out,
        "<updated>{}</updated>",
        xml::rfc3339(&a.last_modified())
    );
    if let Some(author) = a.author.as_deref().filter(|s| !s.trim().is_empty()) {
        let _ = writeln!(out, "<author><name>{}</name></author>", escape::xml(author));
    }
    for term in super::entry_terms(a) {
        let _ = writeln!(out, "<category term=\"{}\"/>", escape::xml(term));
    }
    let _ = writeln!(
        out,
        "<summary type=\"text\">{}</summary>",
        escape::xml(&a.summary)
    );
    out
}

/// The Atom document of one feed.
pub(super) fn render(settings: &Settings<'_>, feed: &Feed<'_>) -> String {
    let urls = settings.urls;
    let mut out = String::with_capacity(1024 + feed.articles.len() * 1024);
    out.push_str(xml::DECLARATION);
    // `write!` into a String cannot fail; the results are ignored for that reason.
    let _ = writeln!(
        out,
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">",
        escape::xml(settings.language)
    );
    let _ = writeln!(
        out,
        "<title type=\"text\">{}</title>",
        escape::xml(&feed.title)
    );
    let _ = writeln!(
        out,
        "<subtitle type=\"text\">{}</subtitle>",
        escape::xml(settings.description)
    );
    let home = escape::xml(&urls.absolute(feed.path));
    let _ = writeln!(out, "<id>{home}</id>");
    let _ = writeln!(
        out,
        "<link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>",
        escape::xml(&urls.absolute(&feed.atom_path()))
    );
    let _ = writeln!(
        out,
        "<link rel=\"alternate\" type=\"text/html\" href=\"{home}\"/>"
    );
    // Atom requires `updated`; an empty feed gets the Unix epoch rather than the clock,
    // so that an empty site still builds reproducibly.
    let updated = feed.updated().map_or_else(
        || "1970-01-01T00:00:00+00:00".to_string(),
        |d| xml::rfc3339(&d),
    );
    let _ = writeln!(out, "<updated>{updated}</updated>");
    let _ = writeln!(
        out,
        "<author><name>{}</name></author>",
        escape::xml(settings.publisher)
    );
    out.push_str("<generator>sitegen</generator>\n");
    for &(i, a) in &feed.articles {
        out.push_str(settings.entry(i).map_or("", |e| &e.atom));
        if settings.full_content {
            let _ = writeln!(
                out,
                "<content type=\"html\" xml:base=\"{}\">{}</content>",
                escape::xml(&urls.absolute(&a.path)),
                settings.content(i)
            );
        }
        out.push_str("</entry>\n");
    }
    out.push_str("</feed>\n");
    out
}
