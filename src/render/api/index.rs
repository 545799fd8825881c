//! `index.json`: what the API holds, for an app to start from.

use serde::Serialize;

use super::listing::{Kind, ListingRef, Listings};
use super::{Api, VERSION, to_bytes};

#[derive(Serialize)]
struct Index<'a> {
    version: u32,
    generator: &'static str,
    site: SiteInfo<'a>,
    /// When the newest published article was last changed (RFC 3339); null without
    /// articles. From the content, never the clock, so that an unchanged site gives the
    /// same bytes.
    updated: Option<String>,
    per_page: usize,
    /// An article's file, `{id}` standing for its id.
    article: String,
    articles: &'a ListingRef<'a>,
    sections: Vec<&'a ListingRef<'a>>,
    tags: Vec<&'a ListingRef<'a>>,
    categories: Vec<&'a ListingRef<'a>>,
    authors: Vec<&'a ListingRef<'a>>,
    series: Vec<&'a ListingRef<'a>>,
}

#[derive(Serialize)]
struct SiteInfo<'a> {
    title: &'a str,
    description: &'a str,
    base_url: &'a str,
    language: &'a str,
}

/// `index.json`.
pub fn file(api: &Api<'_>, listings: &Listings<'_>) -> (String, Vec<u8>) {
    let site = api.site;
    let raw = &site.config.raw;
    let heads = |kind: Kind| listings.of(kind).map(|l| &l.head).collect();
    let index = Index {
        version: VERSION,
        generator: "sitegen",
        site: SiteInfo {
            title: &raw.title,
            description: &raw.description,
            base_url: &site.config.base_url,
            language: &raw.language,
        },
        updated: api
            .published
            .iter()
            .filter_map(|&i| site.articles.get(i))
            .map(|a| a.last_modified())
            .max()
            .map(|d| d.to_rfc3339()),
        per_page: api.per_page,
        article: format!("{}{{id}}.json", api.url("articles/")),
        articles: &listings.all.head,
        sections: heads(Kind::Section),
        tags: heads(Kind::Tag),
        categories: heads(Kind::Category),
        authors: heads(Kind::Author),
        series: heads(Kind::Series),
    };
    (api.file("index.json"), to_bytes(&index))
}
