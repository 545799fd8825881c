//! Content that is not an article: section index files (`_index.md`), standalone pages
//! (about, 关于我们) and the files of page bundles (`x/index.md` with its images).
//!
//! Hugo, Zola and Hexo archives hold all three; none of them belongs in listings, feeds,
//! archives or related lists, so they live in their own lists beside the articles and
//! are attached to the [`Site`] after the article indexes are built ([`attach`]).

use std::path::PathBuf;

use chrono::{DateTime, FixedOffset};

use super::{CATEGORIES_PATH, Site, TAGS_PATH, Term};
use crate::slug::slugify;

/// How an `_index.md` orders its listing (`sort_by`, Zola; Hugo orders by weight, then
/// date).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
pub enum SortBy {
    /// Newest first: sitegen's order everywhere.
    #[default]
    Date,
    /// Lightest `weight` first; articles without one after, newest first.
    Weight,
    Title,
    /// As the files are named (Zola's `none`: unsorted, by path here, to stay
    /// deterministic).
    None,
}

impl SortBy {
    /// `date`, `weight`, `title`, `none` (Zola also knows `update_date`, `slug`: read as
    /// date and title).
    pub fn parse(text: &str) -> Option<SortBy> {
        match text.trim().to_ascii_lowercase().as_str() {
            "date" | "update_date" => Some(SortBy::Date),
            "weight" => Some(SortBy::Weight),
            "title" | "title_bytes" | "slug" => Some(SortBy::Title),
            "none" => Some(SortBy::None),
            _ => None,
        }
    }
}

/// What an `_index.md` says about the listing of its folder.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ListMeta {
    /// Path relative to the site root, e.g. `content/资讯/_index.md`.
    pub source_path: PathBuf,
    /// The folder it describes, relative to `content/` with `/` separators: `` for the
    /// home page, `资讯`, `资讯/深度`, `tags/马斯克`.
    pub folder: String,
    pub title: Option<String>,
    pub description: Option<String>,
    /// The body as HTML, shown on the listing's first page.
    pub content: String,
    /// What the body needs loaded (code, diagrams), as for an article.
    pub body: super::BodyInfo,
    /// `sort_by`, when the file says (else `[sections.NAME] sort_by`, else by date).
    pub sort_by: Option<SortBy>,
    pub paginate_by: Option<usize>,
    /// Navigation order among sections.
    pub weight: Option<i64>,
    /// A site template to render the listing with instead of `list.html` (checked to exist
    /// when the file is loaded).
    pub template: Option<String>,
    pub aliases: Vec<String>,
    /// Zola's `transparent`: its pages also count for the parent listing. sitegen's
    /// top-level sections always list every article below them, so this is informative.
    pub transparent: bool,
    /// Zola's `render = false`: no listing page.
    pub render: bool,
    #[serde(with = "crate::content::cache::json_map")]
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// URL path of the listing it describes, set by [`attach`] (empty until then).
    pub listing_path: String,
    /// The listing's articles in `sort_by` order, set by [`attach`] when that is not by
    /// date (feeds keep the newest-first order of the term).
    pub order: Option<Vec<usize>>,
}

/// A page outside the stream of articles: about, contact, 关于我们, a bundle without a
/// date. At its own URL, in the sitemap, never in listings, feeds or archives.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StandalonePage {
    pub source_path: PathBuf,
    pub title: String,
    /// `seo_title`: the whole `<title>`.
    pub seo_title: Option<String>,
    /// `keywords` from front matter, for `<meta name="keywords">`.
    pub keywords: Vec<String>,
    /// The front-matter date, when it has one (the sitemap's lastmod); never the clock.
    pub date: Option<DateTime<FixedOffset>>,
    pub updated: Option<DateTime<FixedOffset>>,
    pub summary: String,
    pub content: super::LazyText,
    pub text: super::LazyText,
    pub slug: String,
    /// URL path relative to the site root, e.g. `关于我们/`.
    pub path: String,
    pub aliases: Vec<String>,
    pub cover: Option<String>,
    pub draft: bool,
    pub weight: Option<i64>,
    pub links: Vec<crate::content::markdown::BodyLink>,
    pub body: super::BodyInfo,
    #[serde(with = "crate::content::cache::json_map")]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

#[cfg(test)]
impl StandalonePage {
    /// A page for unit tests, from `source` at URL `path`, undated and otherwise empty
    /// (see [`super::Article::for_tests`]).
    pub fn for_tests(source: &str, path: &str) -> StandalonePage {
        StandalonePage {
            source_path: PathBuf::from(source),
            title: source.into(),
            seo_title: None,
            keywords: Vec::new(),
            date: None,
            updated: None,
            summary: String::new(),
            content: super::LazyText::default(),
            text: super::LazyText::default(),
            slug: String::new(),
            path: path.into(),
            aliases: Vec::new(),
            cover: None,
            draft: false,
            weight: None,
            links: Vec::new(),
            body: super::BodyInfo::default(),
            extra: serde_json::Map::new(),
        }
    }
}

impl StandalonePage {
    /// `updated`, else `date`; None for an undated page.
    pub fn last_modified(&self) -> Option<DateTime<FixedOffset>> {
        match (self.date, self.updated) {
            (Some(d), Some(u)) => Some(d.max(u)),
            (d, u) => d.or(u),
        }
    }
}

/// A file published beside its page so relative links resolve: a page bundle's, a Hexo
/// post's asset folder's, a section's (Zola's section assets), or in a Hexo site a file
/// of `source/` at its own path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleFile {
    /// Output path relative to the output root (`2024/03/芯片/cover.png`).
    pub rel: String,
    /// The file on disk (absolute).
    pub source: PathBuf,
    /// The file relative to the site root, for messages.
    pub file: PathBuf,
    /// The Markdown file of the bundle (or section), relative to the site root.
    pub owner: PathBuf,
}

/// Everything of a site that is not an article, as loaded.
#[derive(Debug, Clone, Default)]
pub struct Kinds {
    pub pages: Vec<StandalonePage>,
    pub indexes: Vec<ListMeta>,
    pub bundle_files: Vec<BundleFile>,
    /// Files of sections (see [`crate::load::section_files`]), owned by their
    /// `_index.md`; `rel` is relative to the section's listing until [`attach`] knows
    /// where that is.
    pub section_files: Vec<BundleFile>,
}

/// Attaches pages, index files and bundle files to a site whose article indexes are
/// built: each `_index.md` to its term (a section, nested section, tag or category) or
/// the home page, and its folder's files under that listing's URL. A folder with an
/// `_index.md` but no term of its own (a nested folder, or a section without articles
/// yet) gets a listing of its own in `Site::folders`.
///
/// Then settles aliases wanting a URL that a page holds or that another alias wants
/// ([`super::dedupe_aliases`]), returning a warning for each alias left out.
#[must_use = "the warnings name every alias left out"]
pub fn attach(site: &mut Site, kinds: Kinds) -> Vec<crate::diagnostics::Diagnostic> {
    let mut pages = kinds.pages;
    pages.sort_by(|a, b| a.source_path.cmp(&b.source_path));
    site.pages = pages;
    site.bundle_files = kinds.bundle_files;
    let mut indexes = kinds.indexes;
    indexes.sort_by(|a, b| a.source_path.cmp(&b.source_path));
    for (m, meta) in indexes.iter_mut().enumerate() {
        let (list, found) = term_of(site, &meta.folder);
        meta.listing_path = match list {
            TermList::Home => String::new(),
            TermList::Sections => site.sections[found.unwrap_or(0)].path.clone(),
            TermList::Tags => site.tags[found.unwrap_or(0)].path.clone(),
            TermList::Categories => site.categories[found.unwrap_or(0)].path.clone(),
            TermList::Series => site.series[found.unwrap_or(0)].path.clone(),
            TermList::Taxonomy(path) => path.to_string(),
            TermList::SeriesIndex => series_root(site),
            TermList::Folders => {
                let term = folder_term(site, &meta.folder);
                let path = term.path.clone();
                site.folders.push(term);
                path
            }
        };
        let articles: &[usize] = match (list, found) {
            (TermList::Home, _) => &site.all_articles,
            (TermList::Sections, Some(i)) => &site.sections[i].articles,
            (TermList::Tags, Some(i)) => &site.tags[i].articles,
            (TermList::Categories, Some(i)) => &site.categories[i].articles,
            // A series keeps its reading order whatever `sort_by` says.
            (TermList::Series | TermList::Taxonomy(_) | TermList::SeriesIndex, _) => &[],
            _ => site.folders.last().map_or(&[], |t| t.articles.as_slice()),
        };
        if list == TermList::Sections || list == TermList::Folders {
            meta.apply(section_config(site, &meta.folder));
        }
        meta.order = match list {
            TermList::Series => None,
            _ => sorted(&site.articles, articles, meta.sort_by.unwrap_or_default()),
        };
        match (list, found) {
            (TermList::Home, _) => site.home_meta = Some(m),
            (TermList::Sections, Some(i)) => site.section_metas[i] = Some(m),
            (TermList::Tags, Some(i)) => site.tag_metas[i] = Some(m),
            (TermList::Categories, Some(i)) => site.category_metas[i] = Some(m),
            (TermList::Series, Some(i)) => site.series_metas[i] = Some(m),
            (TermList::Taxonomy(_) | TermList::SeriesIndex | TermList::Series, _) => {}
            _ => site.folder_metas.push(m),
        }
    }
    site.bundle_files
        .extend(place_section_files(&indexes, kinds.section_files));
    configured_sections(site, &mut indexes);
    site.bundle_files.sort_by(|a, b| a.rel.cmp(&b.rel));
    site.list_metas = indexes;
    super::dedupe_aliases(site)
}

impl ListMeta {
    /// What a section's `[sections.NAME]` says, for a section without an `_index.md`:
    /// stands in for one, with nothing else to say (see [`ListMeta::from_config`]).
    fn configured(folder: &str, listing_path: &str) -> ListMeta {
        ListMeta {
            source_path: PathBuf::from(crate::config::CONFIG_FILE),
            folder: folder.to_string(),
            title: None,
            description: None,
            content: String::new(),
            body: super::BodyInfo::default(),
            sort_by: None,
            paginate_by: None,
            weight: None,
            template: None,
            aliases: Vec::new(),
            transparent: false,
            render: true,
            extra: serde_json::Map::new(),
            listing_path: listing_path.to_string(),
            order: None,
        }
    }

    /// Whether it stands for `[sections.NAME]` in config.toml rather than an `_index.md`.
    pub fn from_config(&self) -> bool {
        self.source_path == std::path::Path::new(crate::config::CONFIG_FILE)
    }

    /// `[sections.NAME]` fills in what the `_index.md` does not say.
    fn apply(&mut self, config: Option<&crate::config::SectionConfig>) {
        let Some(config) = config else { return };
        self.paginate_by = self.paginate_by.or(config.paginate_by);
        if self.template.is_none() {
            self.template.clone_from(&config.template);
        }
        if self.sort_by.is_none() {
            self.sort_by = config.sort_by.as_deref().and_then(SortBy::parse);
        }
    }
}

/// `[sections.NAME]` for the section in `folder` (`资讯`), matched by name or slug.
fn section_config<'a>(site: &'a Site, folder: &str) -> Option<&'a crate::config::SectionConfig> {
    let slugged =
        |path: &str| -> Vec<String> { path.trim_matches('/').split('/').map(slugify).collect() };
    let wanted = slugged(folder);
    let sections = &site.config.raw.sections;
    sections.get(folder).or_else(|| {
        sections
            .iter()
            .find(|(k, _)| slugged(k) == wanted)
            .map(|(_, c)| c)
    })
}

/// Gives each section with `[sections.NAME]` settings and no `_index.md` a stand-in
/// [`ListMeta`], so that its listing is paginated, sorted and templated as configured.
fn configured_sections(site: &mut Site, metas: &mut Vec<ListMeta>) {
    for i in 0..site.sections.len() {
        if site.section_metas[i].is_some() {
            continue;
        }
        let term = &site.sections[i];
        let Some(config) = section_config(site, &term.name) else {
            continue;
        };
        let mut meta = ListMeta::configured(&term.name, &term.path);
        meta.apply(Some(config));
        meta.order = sorted(
            &site.articles,
            &term.articles,
            meta.sort_by.unwrap_or_default(),
        );
        site.section_metas[i] = Some(metas.len());
        metas.push(meta);
    }
}

/// Section files under their listing's URL folder (`资讯/logo.svg`).
fn place_section_files(metas: &[ListMeta], files: Vec<BundleFile>) -> Vec<BundleFile> {
    let listings: std::collections::HashMap<&PathBuf, &str> = metas
        .iter()
        .map(|m| (&m.source_path, m.listing_path.as_str()))
        .collect();
    files
        .into_iter()
        .filter_map(|mut file| {
            let listing = listings.get(&file.owner)?;
            file.rel = format!("{listing}{}", file.rel);
            Some(file)
        })
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TermList {
    Home,
    Sections,
    Tags,
    Categories,
    /// A folder without a term: a nested section, or a section with no articles.
    Folders,
    /// `content/tags/_index.md`, `content/categories/_index.md`: the term index, which
    /// sitegen makes itself (`terms.html`); kept for its aliases.
    Taxonomy(&'static str),
    /// `content/专题/<name>/_index.md`: a series' hub (title, description, body, extra).
    Series,
    /// `content/专题/_index.md`: the index of series, which sitegen makes itself.
    SeriesIndex,
}

/// `专题/` (`[series] path`, as a URL folder).
fn series_root(site: &Site) -> String {
    super::listing_root(&site.config.raw.series.path).unwrap_or_else(|| "专题/".into())
}

/// Which term an `_index.md` in `folder` describes.
fn term_of(site: &Site, folder: &str) -> (TermList, Option<usize>) {
    let by_slug = |terms: &[Term], name: &str| {
        let slug = slugify(name);
        terms.iter().position(|t| t.slug == slug)
    };
    if folder.is_empty() {
        return (TermList::Home, None);
    }
    // The series folder may be nested (`[series] path = "news/专题"`): match it whole.
    // A section of that name keeps its own `_index.md`, and a folder that names no
    // series is an ordinary folder.
    let root = series_root(site);
    if let Some(rest) = format!("{folder}/").strip_prefix(&root) {
        match rest.trim_end_matches('/') {
            "" if by_slug(&site.sections, folder).is_none() => {
                return (TermList::SeriesIndex, None);
            }
            name if !name.is_empty() && !name.contains('/') => {
                if let Some(i) = by_slug(&site.series, name) {
                    return (TermList::Series, Some(i));
                }
            }
            _ => {}
        }
    }
    let parts: Vec<&str> = folder.split('/').collect();
    let taxonomy = |prefix: &str| prefix.trim_end_matches('/') == parts[0];
    match parts.as_slice() {
        [_, name] if taxonomy(TAGS_PATH) => match by_slug(&site.tags, name) {
            Some(i) => (TermList::Tags, Some(i)),
            None => (TermList::Folders, None),
        },
        [_, name] if taxonomy(CATEGORIES_PATH) => match by_slug(&site.categories, name) {
            Some(i) => (TermList::Categories, Some(i)),
            None => (TermList::Folders, None),
        },
        [_] if taxonomy(TAGS_PATH) => (TermList::Taxonomy(TAGS_PATH), None),
        [_] if taxonomy(CATEGORIES_PATH) => (TermList::Taxonomy(CATEGORIES_PATH), None),
        [name] => match by_slug(&site.sections, name) {
            Some(i) => (TermList::Sections, Some(i)),
            None => (TermList::Folders, None),
        },
        _ => (TermList::Folders, None),
    }
}

/// The listing of a folder with an `_index.md` and no term: every article whose file is
/// inside the folder, at the folder's path (each segment slugged).
fn folder_term(site: &Site, folder: &str) -> Term {
    let prefix = PathBuf::from(crate::load::CONTENT_DIR).join(folder);
    let slugs: Vec<String> = folder.split('/').map(slugify).collect();
    let name = folder.rsplit('/').next().unwrap_or(folder).to_string();
    Term {
        name,
        slug: slugs.last().cloned().unwrap_or_default(),
        path: format!("{}/", slugs.join("/")),
        articles: (0..site.articles.len())
            .filter(|&i| site.articles[i].source_path.starts_with(&prefix))
            .collect(),
    }
}

/// `articles` in `sort_by` order, or None when that is the model's own (newest first).
pub(crate) fn sorted(
    a: &[super::Article],
    articles: &[usize],
    sort_by: SortBy,
) -> Option<Vec<usize>> {
    let mut order = articles.to_vec();
    match sort_by {
        SortBy::Date => return None,
        // Stable sorts: ties keep newest first.
        SortBy::Weight => order.sort_by_key(|&i| (a[i].weight.is_none(), a[i].weight)),
        SortBy::Title => order.sort_by(|&x, &y| a[x].title.cmp(&a[y].title)),
        SortBy::None => order.sort_by(|&x, &y| a[x].source_path.cmp(&a[y].source_path)),
    }
    Some(order)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sort_by_reads_zola_and_hugo_spellings() {
        assert_eq!(SortBy::parse("weight"), Some(SortBy::Weight));
        assert_eq!(SortBy::parse(" Date "), Some(SortBy::Date));
        assert_eq!(SortBy::parse("none"), Some(SortBy::None));
        assert_eq!(SortBy::parse("title"), Some(SortBy::Title));
        assert_eq!(SortBy::parse("random"), None);
    }

    #[test]
    fn undated_page_has_no_lastmod() {
        let d = DateTime::parse_from_rfc3339("2024-03-11T09:30:00+08:00").ok();
        let mut page = StandalonePage::for_tests("content/关于我们.md", "关于我们/");
        assert_eq!(page.last_modified(), None);
        page.date = d;
        assert_eq!(page.last_modified(), d);
    }
}
