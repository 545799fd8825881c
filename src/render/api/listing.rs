//! Listings: every published article (`articles/page/N.json`) and those of each section,
//! tag, category, author and 专题 (`tags/<slug>/page/N.json`, …), `per_page` a file.

use rayon::prelude::*;
use serde::Serialize;

use super::item::Item;
use super::{Api, VERSION, published, term_kinds, to_bytes};

/// What a listing lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Articles,
    Section,
    Tag,
    Category,
    Author,
    Series,
}

impl Kind {
    /// The folder its files live in under the API's path.
    fn folder(self) -> &'static str {
        match self {
            Kind::Articles => "articles",
            Kind::Section => "sections",
            Kind::Tag => "tags",
            Kind::Category => "categories",
            Kind::Author => "authors",
            Kind::Series => "series",
        }
    }
}

/// A listing as files and `index.json` name it.
#[derive(Debug, Clone, Serialize)]
pub struct ListingRef<'a> {
    pub kind: Kind,
    /// The term's name; the site's title for `articles`.
    pub name: &'a str,
    /// The term's slug (its folder in the API); null for `articles`.
    pub slug: Option<&'a str>,
    /// The listing's HTML page.
    pub url: String,
    /// Its first file.
    pub api: String,
    /// Published articles in it.
    pub count: usize,
    pub pages: usize,
}

/// A term as an article's `tags`, `section`… show it.
#[derive(Debug, Clone, Serialize)]
pub struct TermRef<'a> {
    pub name: &'a str,
    pub slug: &'a str,
    pub url: String,
    pub api: String,
}

/// One listing: how it is named and the articles it shows, in order.
pub struct Listing<'a> {
    pub head: ListingRef<'a>,
    /// The folder of its files, relative to the API's path (`tags/开源`).
    folder: String,
    articles: Vec<usize>,
}

/// Every listing with at least one published article (the all-articles one always).
pub struct Listings<'a> {
    pub all: Listing<'a>,
    /// Parallel to [`super::term_kinds`]; in each, one entry per term, None for a term
    /// whose articles are all drafts.
    pub by_kind: Vec<(Kind, Vec<Option<Listing<'a>>>)>,
}

impl<'a> Listings<'a> {
    pub fn new(api: &Api<'a>) -> Self {
        let site = api.site;
        let all = listing(
            api,
            Kind::Articles,
            &site.config.raw.title,
            None,
            "",
            api.published.clone(),
        );
        let by_kind = term_kinds(site)
            .into_iter()
            .map(|(kind, terms)| {
                let listings = terms
                    .iter()
                    .map(|t| {
                        let articles = published(site, &t.articles);
                        (!articles.is_empty())
                            .then(|| listing(api, kind, &t.name, Some(&t.slug), &t.path, articles))
                    })
                    .collect();
                (kind, listings)
            })
            .collect();
        Listings { all, by_kind }
    }

    /// The listings of one kind that have files.
    pub fn of(&self, kind: Kind) -> impl Iterator<Item = &Listing<'a>> {
        self.by_kind
            .iter()
            .filter(move |(k, _)| *k == kind)
            .flat_map(|(_, listings)| listings.iter().flatten())
    }

    /// How an article names term `i` of `kind`; None for a term without files.
    pub fn term_ref(&self, kind: Kind, i: usize) -> Option<TermRef<'a>> {
        let (_, listings) = self.by_kind.iter().find(|(k, _)| *k == kind)?;
        let head = &listings.get(i)?.as_ref()?.head;
        Some(TermRef {
            name: head.name,
            slug: head.slug.unwrap_or_default(),
            url: head.url.clone(),
            api: head.api.clone(),
        })
    }

    /// Every listing file, in parallel: a site has thousands of tags.
    pub fn files(&self, api: &Api<'_>, items: &[Option<Item<'_>>]) -> Vec<(String, Vec<u8>)> {
        let mut all: Vec<&Listing<'_>> = vec![&self.all];
        all.extend(
            self.by_kind
                .iter()
                .flat_map(|(_, listings)| listings.iter().flatten()),
        );
        all.par_iter()
            .flat_map_iter(|listing| listing.files(api, items))
            .collect()
    }
}

fn listing<'a>(
    api: &Api<'a>,
    kind: Kind,
    name: &'a str,
    slug: Option<&'a str>,
    html_path: &str,
    articles: Vec<usize>,
) -> Listing<'a> {
    let folder = match slug {
        Some(slug) => format!("{}/{slug}", kind.folder()),
        None => kind.folder().to_string(),
    };
    Listing {
        head: ListingRef {
            kind,
            name,
            slug,
            url: api.urls.absolute(html_path),
            api: api.url(&page_file(&folder, 1)),
            count: articles.len(),
            pages: articles.len().div_ceil(api.per_page).max(1),
        },
        folder,
        articles,
    }
}

/// The file of page `n` of the listing in `folder`.
fn page_file(folder: &str, n: usize) -> String {
    format!("{folder}/page/{n}.json")
}

/// One file of a listing.
#[derive(Serialize)]
struct Page<'a> {
    version: u32,
    listing: &'a ListingRef<'a>,
    page: usize,
    per_page: usize,
    total_pages: usize,
    total_articles: usize,
    prev: Option<String>,
    next: Option<String>,
    items: Vec<&'a Item<'a>>,
}

impl Listing<'_> {
    fn files(&self, api: &Api<'_>, items: &[Option<Item<'_>>]) -> Vec<(String, Vec<u8>)> {
        let total_pages = self.head.pages;
        let link = |n: usize| {
            (1..=total_pages)
                .contains(&n)
                .then(|| api.url(&page_file(&self.folder, n)))
        };
        let chunks: Vec<&[usize]> = if self.articles.is_empty() {
            vec![&[]]
        } else {
            self.articles.chunks(api.per_page).collect()
        };
        chunks
            .into_iter()
            .enumerate()
            .map(|(i, chunk)| {
                let n = i + 1;
                let page = Page {
                    version: VERSION,
                    listing: &self.head,
                    page: n,
                    per_page: api.per_page,
                    total_pages,
                    total_articles: self.head.count,
                    prev: link(n - 1),
                    next: link(n + 1),
                    items: chunk
                        .iter()
                        .filter_map(|&a| items.get(a)?.as_ref())
                        .collect(),
                };
                (api.file(&page_file(&self.folder, n)), to_bytes(&page))
            })
            .collect()
    }
}
