//! RSS 2.0 and Atom feeds: one pair for the whole site (`rss.xml`, `atom.xml`) and one pair
//! beside each section, tag, category, 专题 and author listing (`tags/开源/rss.xml`, …), so a reader can
//! follow just the topics they care about.
//!
//! Each feed holds the newest `feed_limit` published articles of its listing. Dates in a
//! feed come from the articles, never from the clock, so building the same content twice
//! gives the same bytes (readers and CDNs then see nothing changed).

mod atom;
mod rss;
pub(super) mod xml;

use chrono::{DateTime, FixedOffset};
use rayon::prelude::*;

use super::Shared;
use crate::diagnostics::Diagnostic;
use crate::escape;
use crate::model::{Article, Site, unreadable};
use crate::urls::{Urls, absolutize};

/// The feed files of the site, as (path relative to the output root, bytes).
pub fn files(shared: &Shared<'_>) -> Result<Vec<(String, Vec<u8>)>, Diagnostic> {
    let site = shared.site;
    let strings = &site.strings;
    let title = &site.config.raw.title;
    let named =
        |key: &str, name: &str| strings.fill(key, &[("name", &name), ("site", &title.as_str())]);
    let mut feeds = vec![Feed::new(site, "", title.clone(), &site.all_articles)];
    let taxonomies = [
        ("feed_section", &site.sections),
        // Folders with an `_index.md` (nested sections): their listing links a feed too.
        ("feed_section", &site.folders),
        ("feed_tag", &site.tags),
        ("feed_category", &site.categories),
    ];
    for (key, terms) in taxonomies {
        feeds.extend(
            terms
                .iter()
                .map(|t| Feed::new(site, &t.path, named(key, &t.name), &t.articles)),
        );
    }
    // A series reads in order, but its feed is news: newest first.
    feeds.extend(site.series.iter().map(|t| {
        let mut newest_first = t.articles.clone();
        newest_first.sort_unstable();
        Feed::new(site, &t.path, named("feed_series", &t.name), &newest_first)
    }));
    feeds.extend(
        site.authors
            .iter()
            .map(|t| Feed::new(site, &t.path, named("feed_author", &t.name), &t.articles)),
    );
    let settings = Settings::new(site, &shared.urls, &feeds)?;
    Ok(feeds
        .par_iter()
        .flat_map_iter(|feed| {
            [
                (feed.rss_path(), rss::render(&settings, feed).into_bytes()),
                (feed.atom_path(), atom::render(&settings, feed).into_bytes()),
            ]
        })
        .collect())
}

/// `<category>` elements per entry: its categories, then its tags, up to this many. An
/// article sits in the feed of each of its tags, so listing every tag in every entry
/// would grow the feeds with the square of one article's tag count.
const ENTRY_TERMS: usize = 20;

/// The terms an entry lists as categories (see [`ENTRY_TERMS`]).
fn entry_terms(a: &Article) -> impl Iterator<Item = &String> {
    a.categories.iter().chain(&a.tags).take(ENTRY_TERMS)
}

/// What every feed of one build shares.
struct Settings<'a> {
    urls: &'a Urls,
    description: &'a str,
    /// `zh-CN`, as written in config.
    language: &'a str,
    /// The feed-level author Atom requires when an entry has none.
    publisher: &'a str,
    full_content: bool,
    /// Each article's entry in both formats, by article index, for the articles some feed
    /// holds: an article sits in several feeds (site, section, tags, categories), so its
    /// entry is written once rather than in every one.
    entries: Vec<Option<Entry>>,
    /// With `feed_full_content`: each article's body as a feed carries it (CDATA, absolute
    /// links), by article index, prepared once as the entries are.
    bodies: Vec<Option<String>>,
}

/// One article as every feed shows it, up to its body: see [`rss::item`], [`atom::entry`].
struct Entry {
    rss: String,
    atom: String,
}

impl<'a> Settings<'a> {
    /// Fails when a body the feeds carry cannot be read back.
    fn new(site: &'a Site, urls: &'a Urls, feeds: &[Feed<'_>]) -> Result<Self, Diagnostic> {
        let raw = &site.config.raw;
        let mut needed = vec![false; site.articles.len()];
        for &(i, _) in feeds.iter().flat_map(|f| &f.articles) {
            needed[i] = true;
        }
        let held = || {
            site.articles
                .par_iter()
                .zip(needed.par_iter())
                .map(|(a, &needed)| needed.then_some(a))
        };
        let entries = held()
            .map(|a| {
                a.map(|a| Entry {
                    rss: rss::item(urls, a),
                    atom: atom::entry(urls, a),
                })
            })
            .collect();
        let mut bodies = Vec::new();
        if raw.feed_full_content {
            bodies = held()
                .map(|a| {
                    a.map(|a| {
                        let html = a
                            .content
                            .read()
                            .map_err(|e| unreadable(&a.source_path, &e))?;
                        Ok(escape::cdata(&absolutize(&html, urls.origin())))
                    })
                    .transpose()
                })
                .collect::<Result<_, Diagnostic>>()?;
        }
        Ok(Settings {
            urls,
            description: if raw.description.trim().is_empty() {
                &raw.title
            } else {
                &raw.description
            },
            language: &raw.language,
            publisher: site.config.publisher_name(),
            full_content: raw.feed_full_content,
            entries,
            bodies,
        })
    }

    /// Article `i`'s entry: present for every article a feed holds.
    fn entry(&self, i: usize) -> Option<&Entry> {
        self.entries.get(i).and_then(Option::as_ref)
    }

    /// Article `i`'s body for a feed: a CDATA section, host-relative links made absolute.
    fn content(&self, i: usize) -> &str {
        self.bodies
            .get(i)
            .and_then(Option::as_deref)
            .unwrap_or_default()
    }
}

/// One feed: a listing's newest published articles.
struct Feed<'a> {
    /// URL path of the listing, relative to the site root (`` for the home page,
    /// `tags/开源/`); the feed files sit in that folder.
    path: &'a str,
    title: String,
    /// (index, article), newest first, at most `feed_limit`, drafts left out.
    articles: Vec<(usize, &'a Article)>,
}

impl<'a> Feed<'a> {
    fn new(site: &'a Site, path: &'a str, title: String, listing: &[usize]) -> Self {
        let articles = listing
            .iter()
            .filter_map(|&i| site.articles.get(i).map(|a| (i, a)))
            .filter(|(_, a)| !a.draft)
            .take(site.config.raw.feed_limit)
            .collect();
        Feed {
            path,
            title,
            articles,
        }
    }

    fn rss_path(&self) -> String {
        format!("{}rss.xml", self.path)
    }

    fn atom_path(&self) -> String {
        format!("{}atom.xml", self.path)
    }

    /// When the feed last changed: the newest change among its articles. `None` for an
    /// empty feed, which has no date that would not come from the clock.
    fn updated(&self) -> Option<DateTime<FixedOffset>> {
        self.articles.iter().map(|(_, a)| a.last_modified()).max()
    }
}
