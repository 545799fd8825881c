//! What templates see: light, pre-serialised views of the model.
//!
//! Each article's listing view (`ref`) is serialised once per build; Tera values share their
//! maps through `Arc`, so putting the same ref on a tag page, a category page and an archive
//! page costs a pointer copy, not a new copy of the article.

use serde::Serialize;
use tera::Value;

use crate::model::{Article, ArticleLinks, Site, Term};
use crate::slug::encode_path;

/// Formats used for dates in templates (Tera 2 has no `date` filter).
pub const DATE_TIME: &str = "%Y-%m-%d %H:%M";
pub const DATE_SHORT: &str = "%Y-%m-%d";

/// A link: a name and an href.
#[derive(Debug, Clone, Serialize)]
pub struct Link<'a> {
    pub name: &'a str,
    pub url: String,
}

/// The light view of an article used by listings, prev/next and related lists.
#[derive(Serialize)]
struct ArticleRef<'a> {
    title: &'a str,
    url: String,
    date: String,
    date_short: String,
    date_iso: String,
    summary: &'a str,
    tags: Vec<Link<'a>>,
    categories: Vec<Link<'a>>,
    section: Option<Link<'a>>,
    cover: Option<String>,
    author: Option<&'a str>,
    source: Option<&'a str>,
}

/// Hrefs for the site: every URL goes through here so a base path (`/portal/`) is never
/// forgotten.
#[derive(Debug, Clone)]
pub struct Urls {
    root_path: String,
    base_url: String,
}

impl Urls {
    pub fn new(site: &Site) -> Self {
        Urls {
            root_path: site.config.root_path.clone(),
            base_url: site.config.base_url.clone(),
        }
    }

    /// Href of a path relative to the site root (`tags/马斯克/`), percent-encoded.
    pub fn href(&self, rel: &str) -> String {
        encode_path(&format!(
            "{}{}",
            self.root_path,
            rel.trim_start_matches('/')
        ))
    }

    /// Absolute URL of a path relative to the site root.
    pub fn absolute(&self, rel: &str) -> String {
        let origin_len = self.base_url.len() - self.root_path.trim_end_matches('/').len();
        format!("{}{}", &self.base_url[..origin_len], self.href(rel))
    }

    /// Resolves a front-matter asset reference such as `cover`: absolute URLs stay, paths
    /// are taken from the site root.
    pub fn asset(&self, reference: &str) -> String {
        if reference.contains("://") || reference.starts_with("data:") {
            reference.to_string()
        } else {
            self.href(reference)
        }
    }

    pub fn link<'a>(&self, term: &'a Term) -> Link<'a> {
        Link {
            name: &term.name,
            url: self.href(&term.path),
        }
    }
}

/// One serialised ref per article, in article order.
pub fn article_refs(site: &Site, urls: &Urls) -> Vec<Value> {
    use rayon::prelude::*;
    site.articles
        .par_iter()
        .zip(site.links.par_iter())
        .map(|(a, l)| Value::from_serializable(&article_ref(site, urls, a, l)))
        .collect()
}

/// The serialised ref of article `i` alone: `serve` re-serialises only the articles a save
/// changed and keeps the others' refs.
pub fn article_ref_value(site: &Site, urls: &Urls, i: usize) -> Value {
    match (site.articles.get(i), site.links.get(i)) {
        (Some(a), Some(l)) => Value::from_serializable(&article_ref(site, urls, a, l)),
        _ => Value::none(),
    }
}

fn article_ref<'a>(
    site: &'a Site,
    urls: &Urls,
    a: &'a Article,
    links: &ArticleLinks,
) -> ArticleRef<'a> {
    ArticleRef {
        title: &a.title,
        url: urls.href(&a.path),
        date: a.date.format(DATE_TIME).to_string(),
        date_short: a.date.format(DATE_SHORT).to_string(),
        date_iso: a.date.to_rfc3339(),
        summary: &a.summary,
        tags: links
            .tags
            .iter()
            .map(|&t| urls.link(&site.tags[t]))
            .collect(),
        categories: links
            .categories
            .iter()
            .map(|&c| urls.link(&site.categories[c]))
            .collect(),
        section: links.section.map(|s| urls.link(&site.sections[s])),
        cover: a.cover.as_deref().map(|c| urls.asset(c)),
        author: a.author.as_deref(),
        source: a.source.as_deref(),
    }
}

#[derive(Serialize)]
struct SiteView<'a> {
    title: &'a str,
    description: &'a str,
    base_url: &'a str,
    root: &'a str,
    language: &'a str,
    footer: &'a crate::config::Footer,
    sections: Vec<TermCount<'a>>,
    hot_tags: Vec<TermCount<'a>>,
    months: Vec<TermCount<'a>>,
    extra: &'a toml::Table,
    build_year: String,
    /// Plain asset name → content-hashed name, read by `get_url`.
    assets: std::collections::BTreeMap<&'a str, &'a str>,
    search: bool,
    feeds: bool,
}

/// A term, section or month with its article count.
#[derive(Serialize)]
pub struct TermCount<'a> {
    pub name: std::borrow::Cow<'a, str>,
    pub url: String,
    pub count: usize,
}

impl<'a> TermCount<'a> {
    pub fn of(term: &'a Term, urls: &Urls) -> Self {
        TermCount {
            name: std::borrow::Cow::Borrowed(&term.name),
            url: urls.href(&term.path),
            count: term.articles.len(),
        }
    }
}

/// Tags shown in the side column.
const HOT_TAGS: usize = 20;
/// Months shown in the side column's archive.
const SIDE_MONTHS: usize = 12;

/// The `site` variable every page gets, built once per build.
pub fn site_value(site: &Site, urls: &Urls, assets: &crate::assets::Assets) -> Value {
    let raw = &site.config.raw;
    let view = SiteView {
        title: &raw.title,
        description: &raw.description,
        base_url: &site.config.base_url,
        root: &site.config.root_path,
        language: &raw.language,
        footer: &raw.footer,
        sections: site
            .sections
            .iter()
            .map(|s| TermCount::of(s, urls))
            .collect(),
        hot_tags: terms_by_count(&site.tags, urls)
            .into_iter()
            .take(HOT_TAGS)
            .collect(),
        months: recent_months(site, urls),
        extra: &raw.extra,
        build_year: site
            .articles
            .first()
            .map(|a| a.date.format("%Y").to_string())
            .unwrap_or_default(),
        assets: assets.names(),
        search: true,
        feeds: true,
    };
    Value::from_serializable(&view)
}

/// Terms with most articles first, then by name: the order of tag clouds and term indexes.
pub fn terms_by_count<'a>(terms: &'a [Term], urls: &Urls) -> Vec<TermCount<'a>> {
    let mut sorted: Vec<&Term> = terms.iter().collect();
    sorted.sort_by(|a, b| {
        b.articles
            .len()
            .cmp(&a.articles.len())
            .then_with(|| a.name.cmp(&b.name))
    });
    sorted.into_iter().map(|t| TermCount::of(t, urls)).collect()
}

fn recent_months<'a>(site: &'a Site, urls: &Urls) -> Vec<TermCount<'a>> {
    site.years
        .iter()
        .flat_map(|y| {
            y.months.iter().map(move |m| TermCount {
                name: format!("{:04}年{:02}月", y.year, m.month).into(),
                url: urls.href(&m.path),
                count: m.articles.len(),
            })
        })
        .take(SIDE_MONTHS)
        .collect()
}
