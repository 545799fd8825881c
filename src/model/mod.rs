//! The site model: the one place where data lives between loading and rendering.
//!
//! Articles are stored once, sorted newest first. Sections, taxonomies and archives are
//! lists of indexes into that vector, so listing pages and feeds share the articles rather
//! than copying them.

mod aliases;
mod assemble;
mod dedupe;
pub mod front;
mod kinds;
mod lazy_text;
pub mod refs;
mod related;
mod series;

use std::path::PathBuf;
use std::sync::Arc;

use chrono::{DateTime, FixedOffset};

use crate::config::SiteConfig;
use crate::statics::Statics;

pub use aliases::dedupe_aliases;
pub use assemble::assemble;
pub use dedupe::dedupe;
pub use kinds::{BundleFile, Kinds, ListMeta, SortBy, StandalonePage, attach};
pub use lazy_text::{LazyText, TextStore, unreadable};
pub(crate) use lazy_text::{spill_texts, texts_from};
pub use series::{SeriesPlace, listing_root};
// For serve's in-place re-index (`serve/reshape.rs`), which must order as assembly does.
pub(crate) use assemble::{archives, link_neighbours};
pub(crate) use kinds::sorted;
pub(crate) use series::reading_order;

/// One article, fully loaded and rendered to HTML.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Article {
    /// Path relative to the site root, e.g. `content/资讯/grok.md`.
    pub source_path: PathBuf,
    pub title: String,
    pub date: DateTime<FixedOffset>,
    pub updated: Option<DateTime<FixedOffset>>,
    /// `authors` joined with "、": the byline as text (feeds, JSON-LD).
    pub author: Option<String>,
    /// Each author named in `authors`/`author`, in front-matter order: one author page each.
    pub authors: Vec<String>,
    /// The 专题 (series) the article belongs to, from `series`.
    pub series: Vec<String>,
    /// `series_order`: its place in the series; without it, date order.
    pub series_order: Option<i64>,
    /// `pinned`: an editors' pick, shown in the home page's lead slots.
    pub pinned: bool,
    /// The outlet a syndicated story came from.
    pub source: Option<String>,
    /// The headline a syndicated story ran under at its source.
    pub original_title: Option<String>,
    /// `seo_title`: the whole `<title>`, in place of `[seo] title_pattern`.
    pub seo_title: Option<String>,
    /// `keywords` from front matter, for `<meta name="keywords">`.
    pub keywords: Vec<String>,
    /// Plain-text summary for listings.
    pub summary: String,
    /// The body as HTML (left in the parse cache until a page or feed needs it).
    pub content: LazyText,
    /// The body as plain text (the search index).
    pub text: LazyText,
    /// Tag names as written, duplicates (by slug) removed.
    pub tags: Vec<String>,
    /// Category names in front-matter order: the breadcrumb's order.
    pub categories: Vec<String>,
    /// Top-level folder under `content/`, if any.
    pub section: Option<String>,
    pub slug: String,
    /// URL path relative to the site root, e.g. `2024/03/grok/`.
    pub path: String,
    /// The URL the `permalink` pattern gave, when the author set neither a URL nor a
    /// `slug`: such an article gives way (`x-2/`) when another wants the same URL (see
    /// [`dedupe`]).
    pub pattern_path: Option<String>,
    /// Old URLs that redirect here, less any given up to a page or an earlier alias
    /// ([`dedupe_aliases`]).
    pub aliases: Vec<String>,
    /// The aliases as front matter lists them, kept when some were given up, so that
    /// settling again (serve keeps articles between saves) starts from all of them.
    pub written_aliases: Option<Vec<String>>,
    pub cover: Option<String>,
    pub draft: bool,
    /// `weight` (or `order`) from front matter: an editor's ordering hint for templates.
    pub weight: Option<i64>,
    pub reading_minutes: usize,
    pub cjk_chars: usize,
    pub latin_words: usize,
    /// Links and images in the body, with their lines in the source file.
    pub links: Vec<crate::content::markdown::BodyLink>,
    /// The body's table of contents and what its page must load.
    pub body: BodyInfo,
    /// Every front-matter key sitegen does not know, for templates (`page.extra.KEY`).
    #[serde(with = "crate::content::cache::json_map")]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// What a page's template needs to know about its body beyond the HTML: the table of
/// contents, and which stylesheets and scripts the body needs (so a page without code
/// or diagrams loads neither).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct BodyInfo {
    pub toc: Vec<crate::content::markdown::TocEntry>,
    /// The front matter did not turn the table of contents off (`toc = false`).
    pub toc_wanted: bool,
    pub has_code: bool,
    pub has_math: bool,
    pub has_diagram: bool,
    /// The body's Markdown pictures, until the image stage ([`crate::images`]) has
    /// replaced those it processes with `<picture>` elements.
    pub images: Vec<crate::content::markdown::BodyImage>,
    /// The body links to other pages by their sources (`@/…`, `{{< ref >}}`), which
    /// [`refs::resolve`] turns into URLs: known from the parse, so that resolving does not
    /// read the bodies of the articles that have none.
    pub internal_links: bool,
}

impl Article {
    /// When the article last changed: `updated`, or `date` when it was never updated (or
    /// when `updated` is, by a typo, older than `date`).
    pub fn last_modified(&self) -> DateTime<FixedOffset> {
        self.updated.map_or(self.date, |u| u.max(self.date))
    }
}

#[cfg(test)]
impl Article {
    /// An article for unit tests, from `source` at URL `path`, dated 2024-03-08 09:00
    /// (+08:00), titled by its source and otherwise empty: a test sets what it looks at
    /// with `Article { …, ..Article::for_tests(source, path) }`, so a new field is added
    /// here once rather than in every test.
    pub fn for_tests(source: &str, path: &str) -> Article {
        Article {
            source_path: PathBuf::from(source),
            title: source.into(),
            date: DateTime::parse_from_rfc3339("2024-03-08T09:00:00+08:00").expect("date"),
            updated: None,
            author: None,
            authors: Vec::new(),
            series: Vec::new(),
            series_order: None,
            pinned: false,
            source: None,
            original_title: None,
            seo_title: None,
            keywords: Vec::new(),
            summary: String::new(),
            content: LazyText::default(),
            text: LazyText::default(),
            tags: Vec::new(),
            categories: Vec::new(),
            section: None,
            slug: String::new(),
            path: path.into(),
            pattern_path: None,
            written_aliases: None,
            aliases: Vec::new(),
            cover: None,
            draft: false,
            weight: None,
            reading_minutes: 1,
            cjk_chars: 0,
            latin_words: 0,
            links: Vec::new(),
            body: BodyInfo::default(),
            extra: serde_json::Map::new(),
        }
    }
}

/// A section, tag or category with the articles filed under it (newest first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    /// Display name: the first spelling met in article order.
    pub name: String,
    pub slug: String,
    /// URL path of its listing relative to the site root, e.g. `tags/马斯克/`.
    pub path: String,
    pub articles: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearArchive {
    pub year: i32,
    pub path: String,
    pub articles: Vec<usize>,
    pub months: Vec<MonthArchive>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthArchive {
    pub month: u32,
    pub path: String,
    pub articles: Vec<usize>,
}

/// How one article connects to the rest of the site; indexes into [`Site`]'s lists.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ArticleLinks {
    pub section: Option<usize>,
    pub tags: Vec<usize>,
    pub categories: Vec<usize>,
    /// The next older article in the same section.
    pub prev: Option<usize>,
    /// The next newer article in the same section.
    pub next: Option<usize>,
    pub related: Vec<usize>,
    /// Each 专题 the article is in, with its place there.
    pub series: Vec<SeriesPlace>,
    /// Its authors, indexes into `Site::authors`, in byline order.
    pub authors: Vec<usize>,
}

/// The whole site, ready to render: everything render needs, so that rendering reads
/// neither the disk nor the clock.
#[derive(Debug, Clone)]
pub struct Site {
    pub config: SiteConfig,
    /// The build's "now" (see [`crate::site::now`]): future articles and the news sitemap
    /// are judged against it.
    pub now: DateTime<FixedOffset>,
    /// The theme's and the site's static files, and the hashed stylesheets and scripts
    /// (shared: `serve` keeps one list across rebuilds until `static/` changes).
    pub statics: Arc<Statics>,
    /// Newest first; equal dates ordered by source path.
    pub articles: Vec<Article>,
    /// `0..articles.len()`: the home listing, in the same form as every other listing.
    pub all_articles: Vec<usize>,
    /// Parallel to `articles`.
    pub links: Vec<ArticleLinks>,
    pub sections: Vec<Term>,
    pub tags: Vec<Term>,
    pub categories: Vec<Term>,
    pub years: Vec<YearArchive>,
    /// Standalone pages (about, 关于我们), by source path; never in listings or feeds.
    pub pages: Vec<StandalonePage>,
    /// Files of page bundles, by output path, published beside their pages.
    pub bundle_files: Vec<BundleFile>,
    /// Every `_index.md`, by source path; the lists below point into it.
    pub list_metas: Vec<ListMeta>,
    /// The `_index.md` of `content/` (the home page's).
    pub home_meta: Option<usize>,
    /// Parallel to `sections`, `tags`, `categories`: each term's `_index.md`.
    pub section_metas: Vec<Option<usize>>,
    pub tag_metas: Vec<Option<usize>>,
    pub category_metas: Vec<Option<usize>>,
    /// Listings of folders that have an `_index.md` but no term of their own (nested
    /// sections such as `资讯/深度/`, or a section without articles).
    pub folders: Vec<Term>,
    /// Parallel to `folders`: their `_index.md`.
    pub folder_metas: Vec<usize>,
    /// 专题 (series), each listing its articles in reading order (`series_order`, then
    /// oldest first); at `[series] path`/<slug>/.
    pub series: Vec<Term>,
    /// Parallel to `series`: each one's `_index.md` (`content/专题/<name>/_index.md`).
    pub series_metas: Vec<Option<usize>>,
    /// Everyone named in `authors`, newest first, at `[authors] path`/<slug>/.
    pub authors: Vec<Term>,
    /// Every file under `data/`, by path without extension (`data/hot.toml` →
    /// `data.hot`), for templates (`data.*`) and the stages that read it (authors' bios,
    /// picks, the hot list). An empty object when there is no `data/`.
    pub data: Arc<serde_json::Value>,
    /// The home page's lead slots in order: `data/picks.*` entries, then `pinned`
    /// articles by `weight`; the template fills the rest with the newest.
    pub picks: Vec<usize>,
    /// The 热门 list from `data/hot.*`, as written (see [`front::arrange`]).
    pub hot: Vec<front::HotItem>,
    /// `[menu]` resolved: section entries as their listings' URLs, in weight order.
    pub menus: front::Navigation,
    /// The pictures pages use and their versions, planned by the image stage
    /// ([`crate::images::prepare`]); empty until it runs.
    pub images: Arc<crate::images::Images>,
    /// The theme's strings in the site's language (`language`, `[strings]`): what every
    /// page, feed and script shows comes from here, so two editions of a site can be
    /// rendered by one renderer.
    pub strings: Arc<crate::i18n::Strings>,
}

/// URL path prefixes of the two taxonomies.
pub const TAGS_PATH: &str = "tags/";
pub const CATEGORIES_PATH: &str = "categories/";
pub const ARCHIVES_PATH: &str = "archives/";
/// URL path of the search page.
pub const SEARCH_PATH: &str = "search/";
/// URL path of the page served for a missing one.
pub const NOT_FOUND_PATH: &str = "404.html";
