//! The list of pages a site has, with the URL each one occupies.

// Maps of every page: see Cargo.toml on foldhash.
use std::collections::hash_map::Entry;

use foldhash::{HashMap, HashMapExt, HashSet};
use rayon::prelude::*;

use super::paging::{Numbering, Paging};
use crate::diagnostics::Diagnostic;
use crate::model::{
    ARCHIVES_PATH, CATEGORIES_PATH, ListMeta, NOT_FOUND_PATH, Site, TAGS_PATH, Term,
};

/// What kind of article list a listing page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListingKind {
    Home,
    Section,
    Tag,
    Category,
    Archive,
    /// A 专题 hub: its articles in reading order.
    Series,
    /// An author's page: their articles, newest first.
    Author,
}

impl ListingKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ListingKind::Home => "home",
            ListingKind::Section => "section",
            ListingKind::Tag => "tag",
            ListingKind::Category => "category",
            ListingKind::Archive => "archive",
            ListingKind::Series => "series",
            ListingKind::Author => "author",
        }
    }
}

/// A paginated list of articles: home, a section, a term, a year or a month.
#[derive(Debug, Clone)]
pub struct Listing<'a> {
    pub kind: ListingKind,
    pub name: String,
    /// URL path of the first page, relative to the site root.
    pub path: String,
    pub articles: &'a [usize],
    /// What the folder's `_index.md` says (title, description, body, pagination).
    pub meta: Option<&'a ListMeta>,
    /// For an author's page, their entry in `data/authors.*` (display name, bio, avatar,
    /// links); for a series hub, its entry in `data/series.*` (description, cover).
    pub info: Option<&'a serde_json::Value>,
    /// The home page's lead slots (see [`crate::model::front::lead`]); empty elsewhere.
    pub lead: Vec<usize>,
    /// Which end `page/N/` counts from (`stable_pagination`).
    pub numbering: Numbering,
}

impl Listing<'_> {
    /// Articles per page: the `_index.md`'s `paginate_by`, else the site's.
    pub fn per_page(&self, site_default: usize) -> usize {
        self.meta
            .and_then(|m| m.paginate_by)
            .unwrap_or(site_default)
            .max(1)
    }

    /// How its articles fall on its pages.
    pub fn paging(&self, site_default: usize) -> Paging {
        Paging {
            len: self.articles.len(),
            per_page: self.per_page(site_default),
            numbering: self.numbering,
        }
    }

    /// URL path of page `n`: the listing itself for its first page, then `page/N/` under
    /// it (see [`Paging`] for which end N counts from).
    pub fn page_path(&self, n: usize) -> String {
        let first = match self.numbering {
            Numbering::FromNewest => n <= 1,
            Numbering::FromOldest => n == 0,
        };
        if first {
            self.path.clone()
        } else {
            format!("{}page/{n}/", self.path)
        }
    }
}

/// What a page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job {
    Article(usize),
    /// Page `page` of listing `listing` (numbered as [`Paging`] says).
    Listing {
        listing: usize,
        page: usize,
    },
    TagIndex,
    CategoryIndex,
    /// `/专题/`: every series, most recently updated first.
    SeriesIndex,
    /// `/authors/`: every author.
    AuthorIndex,
    Archives,
    /// The search page (`/search/`), filled in by the browser from the search index.
    Search,
    NotFound,
    /// The side column of listing pages (hot list, hot tags, months with their counts), a
    /// fragment each listing page fetches: the counts change with every article published,
    /// and kept out of the listings they change one file rather than all of them.
    Side,
    /// A redirect from an old URL (`aliases` in front matter) to article `article`.
    Alias {
        article: usize,
    },
    /// A standalone page (`site.pages[i]`).
    Page(usize),
    /// A redirect from an alias of standalone page `page`.
    PageAlias {
        page: usize,
    },
    /// A redirect from an alias of an `_index.md` (`site.list_metas[meta]`) to its listing.
    ListAlias {
        meta: usize,
    },
}

/// One page: its URL path relative to the site root and what it shows.
#[derive(Debug, Clone)]
pub struct Page {
    pub path: String,
    pub job: Job,
}

impl Page {
    /// The file the page is written to, relative to the output folder.
    pub fn file(&self) -> String {
        crate::paths::output_file(&self.path)
    }
}

/// Every page of the site.
#[derive(Debug)]
pub struct Plan<'a> {
    pub listings: Vec<Listing<'a>>,
    pub pages: Vec<Page>,
    /// Each page's output file ([`Page::file`]), in `pages`' order: named once, for the
    /// clash check, then used by whatever writes or fingerprints pages (at 100,000
    /// articles each naming was 165,000 strings).
    pub files: Vec<String>,
}

/// Lists every page, or names every pair of pages that want the same URL.
pub fn plan(site: &Site) -> Result<Plan<'_>, Vec<Diagnostic>> {
    let listings = listings(site);
    let per_page = site.config.raw.paginate_by;
    let mut pages: Vec<Page> = (0..site.articles.len())
        .map(|i| Page {
            path: site.articles[i].path.clone(),
            job: Job::Article(i),
        })
        .collect();
    pages.extend(site.pages.iter().enumerate().map(|(i, p)| Page {
        path: p.path.clone(),
        job: Job::Page(i),
    }));
    for (i, listing) in listings.iter().enumerate() {
        for n in listing.paging(per_page).numbers() {
            pages.push(Page {
                path: listing.page_path(n),
                job: Job::Listing {
                    listing: i,
                    page: n,
                },
            });
        }
    }
    pages.push(page(TAGS_PATH, Job::TagIndex));
    pages.push(page(CATEGORIES_PATH, Job::CategoryIndex));
    if !site.series.is_empty() {
        pages.push(page(&series_root(site), Job::SeriesIndex));
    }
    if !site.authors.is_empty() {
        pages.push(page(&authors_root(site), Job::AuthorIndex));
    }
    pages.push(page(ARCHIVES_PATH, Job::Archives));
    pages.push(page(SEARCH_PATH, Job::Search));
    pages.push(page(NOT_FOUND_PATH, Job::NotFound));
    pages.push(page(SIDE_PATH, Job::Side));
    for (i, a) in site.articles.iter().enumerate() {
        pages.extend(a.aliases.iter().map(|alias| Page {
            path: alias_path(alias),
            job: Job::Alias { article: i },
        }));
    }
    for (i, p) in site.pages.iter().enumerate() {
        pages.extend(p.aliases.iter().map(|alias| Page {
            path: alias_path(alias),
            job: Job::PageAlias { page: i },
        }));
    }
    for (i, m) in site.list_metas.iter().enumerate() {
        pages.extend(m.aliases.iter().map(|alias| Page {
            path: alias_path(alias),
            job: Job::ListAlias { meta: i },
        }));
    }
    let mut errors = unsafe_paths(site, &listings, &pages);
    let files: Vec<String> = pages.par_iter().map(Page::file).collect();
    let (by_file, clashes) = check_unique(site, &listings, &pages, &files);
    errors.extend(clashes);
    errors.extend(static_clashes(site, &listings, &by_file));
    errors.extend(bundle_clashes(site, &listings, &by_file));
    drop(by_file);
    if errors.is_empty() {
        Ok(Plan {
            listings,
            pages,
            files,
        })
    } else {
        Err(errors)
    }
}

pub use crate::model::SEARCH_PATH;

/// Where the side column's fragment is written ([`Job::Side`]).
pub const SIDE_PATH: &str = "side.html";

/// An alias → a URL path relative to the root (see
/// [`crate::content::permalink::alias_path`]). Load resolved every alias to a path from
/// the root already; one that still will not resolve is kept as written, for
/// `unsafe_paths` to report.
fn alias_path(alias: &str) -> String {
    crate::content::permalink::alias_path(alias, "").unwrap_or_else(|_| alias.to_string())
}

/// URL path of the index of series (`专题/`).
pub fn series_root(site: &Site) -> String {
    crate::model::listing_root(&site.config.raw.series.path).unwrap_or_else(|| "专题/".into())
}

/// URL path of the index of authors (`authors/`).
pub fn authors_root(site: &Site) -> String {
    crate::model::listing_root(&site.config.raw.authors.path).unwrap_or_else(|| "authors/".into())
}

/// An author's entry in `data/authors.*` (see [`data_entry`]).
pub fn author_info<'a>(site: &'a Site, name: &str) -> Option<&'a serde_json::Value> {
    data_entry(site, "authors", name)
}

/// A series' entry in `data/series.*` (see [`data_entry`]): a description and cover for
/// a hub without an `_index.md`.
pub fn series_info<'a>(site: &'a Site, name: &str) -> Option<&'a serde_json::Value> {
    data_entry(site, "series", name)
}

/// The entry for `name` in `data/<file>.*`: the table keyed by the name as written in
/// front matter, or in the list form (`<file> = [{id, name, …}]`) the item whose `id`,
/// else `name`, is that name.
fn data_entry<'a>(site: &'a Site, file: &str, name: &str) -> Option<&'a serde_json::Value> {
    let data = site.data.get(file)?;
    if let Some(entry) = data.get(name) {
        return Some(entry);
    }
    let list = data
        .get(file)
        .and_then(serde_json::Value::as_array)
        .or_else(|| data.as_array())?;
    let is = |item: &serde_json::Value, key: &str| {
        item.get(key).and_then(serde_json::Value::as_str) == Some(name)
    };
    list.iter()
        .find(|item| is(item, "id"))
        .or_else(|| list.iter().find(|item| is(item, "name")))
}

fn page(path: &str, job: Job) -> Page {
    Page {
        path: path.to_string(),
        job,
    }
}

/// The listing of a term, shaped by its `_index.md` when it has one.
fn term_listing<'a>(
    site: &'a Site,
    kind: ListingKind,
    term: &'a Term,
    meta: Option<usize>,
) -> Listing<'a> {
    let meta = meta.and_then(|m| site.list_metas.get(m));
    let order = meta.and_then(|m| m.order.as_deref());
    Listing {
        kind,
        name: meta
            .and_then(|m| m.title.clone())
            .unwrap_or_else(|| term.name.clone()),
        path: term.path.clone(),
        articles: order.unwrap_or(&term.articles),
        meta,
        info: None,
        lead: Vec::new(),
        numbering: numbering(site, kind, order),
    }
}

/// Stable numbering where the site asks for it and the listing is newest first: a 专题 in
/// reading order, or a list its `_index.md` sorts by weight, gains articles elsewhere than
/// at its top (a 专题 already keeps its full pages).
fn numbering(site: &Site, kind: ListingKind, order: Option<&[usize]>) -> Numbering {
    if site.config.raw.stable_pagination && kind != ListingKind::Series && order.is_none() {
        Numbering::FromOldest
    } else {
        Numbering::FromNewest
    }
}

fn listings(site: &Site) -> Vec<Listing<'_>> {
    let home_meta = site.home_meta.and_then(|m| site.list_metas.get(m));
    let home_order = home_meta.and_then(|m| m.order.as_deref());
    let mut out = vec![Listing {
        kind: ListingKind::Home,
        name: site.config.raw.title.clone(),
        path: String::new(),
        articles: home_order.unwrap_or(&site.all_articles),
        meta: home_meta,
        info: None,
        lead: crate::model::front::lead(site),
        numbering: numbering(site, ListingKind::Home, home_order),
    }];
    let terms = [
        (ListingKind::Section, &site.sections, &site.section_metas),
        (ListingKind::Tag, &site.tags, &site.tag_metas),
        (
            ListingKind::Category,
            &site.categories,
            &site.category_metas,
        ),
    ];
    for (kind, list, metas) in terms {
        out.extend(list.iter().enumerate().map(|(i, t): (usize, &Term)| {
            term_listing(site, kind, t, metas.get(i).copied().flatten())
        }));
    }
    out.extend(
        site.folders
            .iter()
            .zip(&site.folder_metas)
            .map(|(t, &m)| term_listing(site, ListingKind::Section, t, Some(m))),
    );
    out.extend(site.series.iter().enumerate().map(|(i, t)| {
        let meta = site.series_metas.get(i).copied().flatten();
        Listing {
            info: series_info(site, &t.name),
            ..term_listing(site, ListingKind::Series, t, meta)
        }
    }));
    out.extend(site.authors.iter().map(|t| Listing {
        info: author_info(site, &t.name),
        ..term_listing(site, ListingKind::Author, t, None)
    }));
    // `render = false` in an `_index.md`: no listing page (Zola).
    out.retain(|l| l.meta.is_none_or(|m| m.render));
    for y in &site.years {
        out.push(Listing {
            kind: ListingKind::Archive,
            name: site.strings.year_name(y.year),
            path: y.path.clone(),
            articles: &y.articles,
            meta: None,
            info: None,
            lead: Vec::new(),
            numbering: numbering(site, ListingKind::Archive, None),
        });
        out.extend(y.months.iter().map(|m| Listing {
            kind: ListingKind::Archive,
            name: site.strings.month_name(y.year, m.month),
            path: m.path.clone(),
            articles: &m.articles,
            meta: None,
            info: None,
            lead: Vec::new(),
            numbering: numbering(site, ListingKind::Archive, None),
        }));
    }
    out
}

/// Who wants a URL, in words a writer understands.
fn owner(site: &Site, listings: &[Listing<'_>], job: Job) -> String {
    match job {
        Job::Article(i) => site.articles[i]
            .source_path
            .to_string_lossy()
            .replace('\\', "/"),
        Job::Listing { listing, page } => {
            let l = &listings[listing];
            format!("the {} listing `{}` (page {page})", l.kind.as_str(), l.name)
        }
        Job::TagIndex => "the tag index".into(),
        Job::CategoryIndex => "the category index".into(),
        Job::SeriesIndex => "the index of 专题 (series)".into(),
        Job::AuthorIndex => "the index of authors".into(),
        Job::Archives => "the archive index".into(),
        Job::Search => "the search page".into(),
        Job::NotFound => "the 404 page".into(),
        Job::Side => "the side column".into(),
        Job::Alias { article } => format!(
            "an alias of {}",
            site.articles[article]
                .source_path
                .to_string_lossy()
                .replace('\\', "/")
        ),
        Job::Page(_) => shown(&source_of(site, job)),
        Job::PageAlias { .. } | Job::ListAlias { .. } => {
            format!("an alias of {}", shown(&source_of(site, job)))
        }
    }
}

fn shown(path: &std::path::Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// Files of page bundles that would take the file of a page, of a static file or of
/// another bundle's file: one would overwrite the other. Each clash names both.
fn bundle_clashes(
    site: &Site,
    listings: &[Listing<'_>],
    by_file: &HashMap<&str, Job>,
) -> Vec<Diagnostic> {
    let statics: HashSet<&str> = site.statics.files.iter().map(|f| f.rel.as_str()).collect();
    let mut seen: HashMap<&str, String> = HashMap::new();
    let mut errors = Vec::new();
    for file in &site.bundle_files {
        let me = format!("the bundle file {}", shown(&file.file));
        let other = if let Some(&job) = by_file.get(file.rel.as_str()) {
            Some(owner(site, listings, job))
        } else if statics.contains(file.rel.as_str()) {
            Some(format!(
                "the static file {}/{}",
                crate::statics::STATIC_DIR,
                file.rel
            ))
        } else {
            seen.get(file.rel.as_str()).cloned()
        };
        match other {
            Some(other) => errors.push(
                Diagnostic::new(
                    &file.owner,
                    format!("/{} is both {me} and {other}", file.rel),
                )
                .line(1)
                .hint("rename the file in the bundle folder, or change the page's `slug`"),
            ),
            None => {
                seen.insert(file.rel.as_str(), me);
            }
        }
    }
    errors
}

/// Pages whose URL would not stay inside the output folder. Load refuses such URLs where
/// they are made, with the line that made them; this is the same check over every page,
/// whatever made it.
fn unsafe_paths(site: &Site, listings: &[Listing<'_>], pages: &[Page]) -> Vec<Diagnostic> {
    pages
        .par_iter()
        .filter_map(|p| {
            let why = crate::paths::unsafe_url_path(&p.path)?;
            Some(
                Diagnostic::new(
                    source_of(site, p.job),
                    format!(
                        "the URL /{} of {} {why}",
                        p.path.escape_debug(),
                        owner(site, listings, p.job)
                    ),
                )
                .hint("change the slug, alias or name it is made from"),
            )
        })
        .collect()
}

/// Two pages never share a file: the second would silently overwrite the first. Every
/// clash is reported, each alias of an article on its own. Returns each file (`files`,
/// the pages' own, in their order) with the page that has it (the first, where two
/// clash), for the other checks.
fn check_unique<'f>(
    site: &Site,
    listings: &[Listing<'_>],
    pages: &[Page],
    files: &'f [String],
) -> (HashMap<&'f str, Job>, Vec<Diagnostic>) {
    let mut seen: HashMap<&str, Job> = HashMap::with_capacity(pages.len());
    let mut errors = Vec::new();
    for (p, file) in pages.iter().zip(files) {
        match seen.entry(file.as_str()) {
            Entry::Occupied(first) => {
                errors.push(collision(site, listings, &p.path, *first.get(), p.job));
            }
            Entry::Vacant(slot) => {
                slot.insert(p.job);
            }
        }
    }
    (seen, errors)
}

/// The file a page's writer can change: the article behind it, or config.toml for a page
/// sitegen makes on its own.
fn source_of(site: &Site, job: Job) -> std::path::PathBuf {
    match job {
        Job::Article(i) | Job::Alias { article: i } => site.articles[i].source_path.clone(),
        Job::Page(i) | Job::PageAlias { page: i } => site.pages[i].source_path.clone(),
        Job::ListAlias { meta } => site.list_metas[meta].source_path.clone(),
        _ => std::path::PathBuf::from(crate::config::CONFIG_FILE),
    }
}

/// A file in the site's `static/` at the URL of a page would replace the page or be
/// replaced by it, depending on write order: neither is allowed to happen in silence (Hugo
/// lets the static file win without a word). Nothing may take the name of the output
/// folder's marker either, which says the folder is sitegen's to replace.
fn static_clashes(
    site: &Site,
    listings: &[Listing<'_>],
    by_file: &HashMap<&str, Job>,
) -> Vec<Diagnostic> {
    let marker = crate::output::MARKER;
    let mut errors = Vec::new();
    for file in &site.statics.files {
        let crate::statics::Source::Disk(_) = file.source else {
            continue;
        };
        let static_path = format!("{}/{}", crate::statics::STATIC_DIR, file.rel);
        if file.rel == marker {
            errors.push(
                Diagnostic::new(
                    &static_path,
                    format!(
                        "/{marker} is the name of the output folder's marker, which sitegen writes"
                    ),
                )
                .hint(format!("remove or rename {static_path}")),
            );
        }
        if let Some(&job) = by_file.get(file.rel.as_str()) {
            let who = owner(site, listings, job);
            let (place, hint) = match job {
                Job::Article(_) | Job::Alias { .. } => (
                    source_of(site, job),
                    format!("change the article's `slug` or alias, or rename {static_path}"),
                ),
                _ => (
                    static_path.clone().into(),
                    format!(
                        "rename or remove {static_path}: a static file may not replace a page sitegen makes"
                    ),
                ),
            };
            let d = Diagnostic::new(
                place,
                format!(
                    "/{} is both the static file {static_path} and {who}",
                    file.rel
                ),
            )
            .hint(hint);
            errors.push(if matches!(job, Job::Article(_) | Job::Alias { .. }) {
                d.line(1)
            } else {
                d
            });
        }
    }
    // A folder of that name (the alias `/.sitegen-output` is one) cannot be written either.
    let in_marker = format!("{marker}/");
    for &job in by_file
        .iter()
        .filter(|(file, _)| **file == marker || file.starts_with(&in_marker))
        .map(|(_, job)| job)
    {
        errors.push(
            Diagnostic::new(
                source_of(site, job),
                format!(
                    "/{marker} is the name of the output folder's marker, which sitegen writes, and {} wants it",
                    owner(site, listings, job)
                ),
            )
            .line(1)
            .hint("remove or change the alias in `aliases`"),
        );
    }
    errors
}

/// Static files from the site's `static/` with the name of a generated file (feed,
/// sitemap, search index, `robots.txt`, a hashed asset): one would overwrite the other.
pub fn statics_clashing_with_generated<'f>(
    site: &Site,
    files: impl Iterator<Item = &'f str>,
) -> Vec<Diagnostic> {
    let generated: HashSet<&str> = files.collect();
    site.statics
        .files
        .iter()
        .filter(|f| matches!(f.source, crate::statics::Source::Disk(_)))
        .filter(|f| generated.contains(f.rel.as_str()))
        .map(|f| {
            let static_path = format!("{}/{}", crate::statics::STATIC_DIR, f.rel);
            Diagnostic::new(
                &static_path,
                format!("/{} is both the static file {static_path} and a file sitegen generates", f.rel),
            )
            .hint(format!(
                "rename or remove {static_path}: feeds, sitemaps, robots.txt and the search index are made from config.toml and the articles"
            ))
        })
        .collect()
}

fn collision(
    site: &Site,
    listings: &[Listing<'_>],
    path: &str,
    first: Job,
    second: Job,
) -> Diagnostic {
    // Blame an article (or its alias) rather than a generated page: that is what a
    // writer can change; an alias before an article's own URL.
    let alias = |job| {
        matches!(
            job,
            Job::Alias { .. } | Job::PageAlias { .. } | Job::ListAlias { .. }
        )
    };
    let (blamed, other) = match (first, second) {
        _ if alias(first) => (first, second),
        _ if alias(second) => (second, first),
        (Job::Article(_), _) => (first, second),
        _ => (second, first),
    };
    let file = source_of(site, blamed);
    Diagnostic::new(
        file,
        format!(
            "two pages want the URL /{path}: {} and {}",
            owner(site, listings, first),
            owner(site, listings, second)
        ),
    )
    .line(1)
    .hint(match (blamed, other) {
        _ if alias(blamed) || alias(other) => "remove or change the alias in `aliases`",
        (_, Job::Article(_)) => "give one of the articles another `slug`",
        _ => "give the article another `slug`, or change `permalink` in config.toml",
    })
}

/// Generated files (feeds, sitemaps, search index, hashed assets) that a page would also be
/// written to: an article's alias or permalink must never silently lose to a feed.
pub fn clashes_with_pages<'f>(
    site: &Site,
    plan: &Plan<'_>,
    files: impl Iterator<Item = &'f str>,
) -> Vec<Diagnostic> {
    // A page's file, and the folders holding it: an alias `/rss.xml` is written as
    // `rss.xml/index.html`, and a folder cannot share the feed's name either. The pages
    // are looked up in the few thousand generated names, not the other way round: a map
    // of every page's folders was most of the time this check took.
    let files: Vec<&str> = files.collect();
    let wanted: HashSet<&str> = files.iter().copied().collect();
    let mut taken: HashMap<&str, Job> = HashMap::new();
    for (p, file) in plan.pages.iter().zip(&plan.files) {
        let mut end = file.len();
        while end > 0 {
            if let Some(&name) = wanted.get(&file[..end]) {
                taken.entry(name).or_insert(p.job);
            }
            end = file[..end].rfind('/').unwrap_or(0);
        }
    }
    files
        .into_iter()
        .filter_map(|file| {
            let job = *taken.get(file)?;
            let who = owner(site, &plan.listings, job);
            let blamed = match job {
                Job::Article(i) | Job::Alias { article: i } => site.articles[i].source_path.clone(),
                _ => std::path::PathBuf::from(crate::config::CONFIG_FILE),
            };
            Some(
                Diagnostic::new(
                    blamed,
                    format!("/{file} is both a generated file and {who}"),
                )
                .line(1)
                .hint(
                    "feeds, sitemaps and the search index own their URLs: change the alias or slug",
                ),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alias_paths_are_files_or_folders() {
        assert_eq!(alias_path("/old/grok/"), "old/grok/");
        assert_eq!(alias_path("/old/grok"), "old/grok/");
        assert_eq!(alias_path("/old.html"), "old.html");
        assert_eq!(alias_path("/rss.xml"), "rss.xml/");
        assert_eq!(alias_path("/"), "");
        assert_eq!(alias_path("/../../etc/x"), "/../../etc/x");
    }
}
