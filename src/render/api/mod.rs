//! The JSON API for apps and mini-programs (`[api] enabled = true`): static JSON files
//! under `[api] path` describing the published articles and their listings. The files and
//! every field are documented in `docs/api.md`, with a JSON Schema per file kind in
//! `docs/api/`.
//!
//! * `index.json`: what the API holds ([`index`]);
//! * `articles/page/N.json` and `<kind>/<slug>/page/N.json`: listings, `per_page` articles
//!   a file ([`listing`]);
//! * `articles/<id>.json`: one article with its body ([`item`]).
//!
//! Like feeds, the files are made from the model alone: no clock, no disk, and the same
//! bytes whatever the thread count. Drafts are never in them, even with `--drafts`.

mod body;
mod ids;
mod index;
mod item;
mod listing;

use rayon::prelude::*;

use super::Shared;
use crate::diagnostics::Diagnostic;
use crate::model::{Site, Term};
use crate::urls::Urls;

pub use ids::article_ids;

/// The format's version, in every file: bumped only when a field changes meaning or goes.
pub const VERSION: u32 = 1;

/// The API's files as (path relative to the output root, bytes); none unless `[api]
/// enabled`.
pub fn files(shared: &Shared<'_>) -> Result<Vec<(String, Vec<u8>)>, Diagnostic> {
    let site = shared.site;
    if !site.config.raw.api.enabled {
        return Ok(Vec::new());
    }
    let api = Api::new(site, &shared.urls);
    let listings = listing::Listings::new(&api);
    let items = item::items(&api, &listings);
    let mut files = vec![index::file(&api, &listings)];
    files.extend(listings.files(&api, &items));
    files.extend(
        api.published
            .par_iter()
            .filter_map(|&i| item::article_file(&api, &items, i))
            .collect::<Result<Vec<_>, Diagnostic>>()?,
    );
    Ok(files)
}

/// What every file of one build shares.
pub(crate) struct Api<'a> {
    pub site: &'a Site,
    pub urls: &'a Urls,
    /// `[api] path` without its slashes (`api`).
    pub dir: String,
    pub per_page: usize,
    /// Indexes of the articles the API shows (not drafts), newest first.
    pub published: Vec<usize>,
    /// Each article's `id`, by article index (drafts have one too, unused).
    pub ids: Vec<String>,
}

impl<'a> Api<'a> {
    fn new(site: &'a Site, urls: &'a Urls) -> Self {
        let config = &site.config.raw.api;
        Api {
            site,
            urls,
            dir: config.path.trim_matches('/').to_string(),
            per_page: config.per_page.max(1),
            published: published(site, &site.all_articles),
            ids: article_ids(&site.articles),
        }
    }

    /// A file's path relative to the output root (`api/articles/page/1.json`).
    pub fn file(&self, rel: &str) -> String {
        format!("{}/{rel}", self.dir)
    }

    /// A file's absolute URL.
    pub fn url(&self, rel: &str) -> String {
        self.urls.absolute(&self.file(rel))
    }
}

/// The articles of a listing that the API shows, in the listing's order.
fn published(site: &Site, articles: &[usize]) -> Vec<usize> {
    articles
        .iter()
        .copied()
        .filter(|&i| site.articles.get(i).is_some_and(|a| !a.draft))
        .collect()
}

/// The listings by kind: their folder under the API, their JSON `kind`, and the terms.
fn term_kinds(site: &Site) -> [(listing::Kind, &[Term]); 5] {
    use listing::Kind;
    [
        (Kind::Section, &site.sections),
        (Kind::Tag, &site.tags),
        (Kind::Category, &site.categories),
        (Kind::Author, &site.authors),
        (Kind::Series, &site.series),
    ]
}

/// Serialises a file's value (compact: apps parse it, people read docs/api.md).
fn to_bytes<T: serde::Serialize>(value: &T) -> Vec<u8> {
    // Serialising plain structs of strings and numbers into memory cannot fail.
    serde_json::to_vec(value).unwrap_or_default()
}

/// `href` (host-relative, as [`Urls::href`] gives) made absolute under `origin`; absolute
/// and protocol-relative references stay.
fn absolute(origin: &str, href: &str) -> String {
    if href.starts_with('/') && !href.starts_with("//") {
        format!("{origin}{href}")
    } else {
        href.to_string()
    }
}

/// A `srcset` (`url 480w, url 960w`) with each URL made absolute.
fn absolute_srcset(origin: &str, srcset: &str) -> String {
    if srcset.is_empty() {
        return String::new();
    }
    srcset
        .split(", ")
        .map(|candidate| absolute(origin, candidate))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests;
