//! RSS 2.0 (<https://www.rssboard.org/rss-specification>), the format most Chinese feed
//! readers and aggregators still ask for first.
//!
//! The summary always goes in `<description>`; with `feed_full_content` the body goes in
//! `<content:encoded>` as well, the extension every major reader understands, so readers that
//! only show descriptions still get a clean summary rather than a wall of HTML.

use std::fmt::Write;

use super::xml;
use super::{Feed, Settings};
use crate::escape;
use crate::model::Article;
use crate::urls::Urls;

/// Article `a` as an RSS item, up to its body (which [`render`] adds with the closing
/// tag): the same in every feed that holds it.
pub(super) fn item(urls: &Urls, a: &Article) -> String {
    let mut out = String::with_capacity(1024);
    let link = escape::xml(&urls.absolute(&a.path));
    out.push_str("<item>\n");
    let _ = writeln!(out, "<title>{}</title>", escape::xml(&a.title));
    let _ = writeln!(out, "<link>{link}</link>");
    let _ = writeln!(out, "<guid isPermaLink=\"true\">{link}</guid>");
    let _ = writeln!(out, "<pubDate>{}</pubDate>", xml::rfc822(&a.date));
    if let Some(author) = a.author.as_deref().filter(|s| !s.trim().is_empty()) {
        let _ = writeln!(out, "<dc:creator>{}</dc:creator>", escape::xml(author));
    }
    for term in super::entry_terms(a) {
        let _ = writeln!(out, "<category>{}</category>", escape::xml(term));
    }
    let _ = writeln!(
        out,
        "<description>{}</description>",
        escape::xml(&a.summary)
    );
    out
}

/// The RSS document of one feed.
pub(super) fn render(settings: &Settings<'_>, feed: &Feed<'_>) -> String {
    let urls = settings.urls;
    let mut out = String::with_capacity(1024 + feed.articles.len() * 1024);
    out.push_str(xml::DECLARATION);
    out.push_str(
        "<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\" \
         xmlns:dc=\"http://purl.org/dc/elements/1.1/\" \
         xmlns:content=\"http://purl.org/rss/1.0/modules/content/\">\n<channel>\n",
    );
    // `write!` into a String cannot fail; the results are ignored for that reason.
    let _ = writeln!(out, "<title>{}</title>", escape::xml(&feed.title));
    let _ = writeln!(
        out,
        "<link>{}</link>",
        escape::xml(&urls.absolute(feed.path))
    );
    let _ = writeln!(
        out,
        "<description>{}</description>",
        escape::xml(settings.description)
    );
    let _ = writeln!(
        out,
        "<language>{}</language>",
        escape::xml(&settings.language.to_ascii_lowercase())
    );
    out.push_str("<generator>sitegen</generator>\n");
    if let Some(updated) = feed.updated() {
        let _ = writeln!(
            out,
            "<lastBuildDate>{}</lastBuildDate>",
            xml::rfc822(&updated)
        );
    }
    let _ = writeln!(
        out,
        "<atom:link href=\"{}\" rel=\"self\" type=\"application/rss+xml\"/>",
        escape::xml(&urls.absolute(&feed.rss_path()))
    );
    for &(i, _) in &feed.articles {
        out.push_str(settings.entry(i).map_or("", |e| &e.rss));
        if settings.full_content {
            let _ = writeln!(
                out,
                "<content:encoded>{}</content:encoded>",
                settings.content(i)
            );
        }
        out.push_str("</item>\n");
    }
    out.push_str("</channel>\n</rss>\n");
    out
}
