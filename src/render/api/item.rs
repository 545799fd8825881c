//! An article as listings show it ([`Item`]) and its own file (`articles/<id>.json`: the
//! item, its body and table of contents).

use rayon::prelude::*;
use serde::Serialize;

use super::listing::{Kind, Listings, TermRef};
use super::{Api, VERSION, absolute, absolute_srcset, body, to_bytes};
use crate::content::markdown::TocEntry;
use crate::diagnostics::Diagnostic;
use crate::images::Picture;
use crate::model::{Article, Term};

/// An article in a listing. Field names are the API's: see docs/api.md.
#[derive(Debug, Serialize)]
pub struct Item<'a> {
    pub id: &'a str,
    pub title: &'a str,
    /// The article's page.
    pub url: String,
    /// The page's path on the site (percent-encoded, with the site's base path).
    pub path: String,
    /// Its file in the API.
    pub api: String,
    pub date: String,
    pub updated: Option<String>,
    pub summary: &'a str,
    /// The byline as text (the authors joined with "、").
    pub author: Option<&'a str>,
    pub authors: Vec<Byline<'a>>,
    pub section: Option<TermRef<'a>>,
    pub tags: Vec<TermRef<'a>>,
    pub categories: Vec<TermRef<'a>>,
    pub series: Vec<Byline<'a>>,
    pub series_order: Option<i64>,
    /// The outlet a syndicated story came from.
    pub source: Option<&'a str>,
    pub cover: Option<Cover>,
    pub reading_minutes: usize,
}

/// An author or 专题 named in front matter: linked when it has a listing.
#[derive(Debug, Serialize)]
pub struct Byline<'a> {
    pub name: &'a str,
    pub slug: Option<&'a str>,
    pub url: Option<String>,
    pub api: Option<String>,
}

/// The cover: the original, and for a processed local picture its versions.
#[derive(Debug, Serialize)]
pub struct Cover {
    pub url: String,
    /// The original's size, when the image stage read it.
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// Full-width versions (the article's head).
    pub image: Option<Picture>,
    /// Cropped versions (listings).
    pub thumbnail: Option<Picture>,
}

/// Each article's item, by article index; None for drafts.
pub fn items<'a>(api: &'a Api<'a>, listings: &'a Listings<'a>) -> Vec<Option<Item<'a>>> {
    let site = api.site;
    let authors = members(site.articles.len(), &site.authors);
    let series = members(site.articles.len(), &site.series);
    (0..site.articles.len())
        .into_par_iter()
        .map(|i| {
            let a = &site.articles[i];
            (!a.draft).then(|| item(api, listings, i, (&authors[i], &series[i])))
        })
        .collect()
}

/// For each article, the terms (by index) that list it.
fn members(articles: usize, terms: &[Term]) -> Vec<Vec<usize>> {
    let mut of = vec![Vec::new(); articles];
    for (t, term) in terms.iter().enumerate() {
        for &a in &term.articles {
            if let Some(list) = of.get_mut(a) {
                list.push(t);
            }
        }
    }
    of
}

fn item<'a>(
    api: &'a Api<'a>,
    listings: &'a Listings<'a>,
    i: usize,
    (authors, series): (&[usize], &[usize]),
) -> Item<'a> {
    let site = api.site;
    let a: &'a Article = &site.articles[i];
    let links = &site.links[i];
    let id = api.ids.get(i).map_or("", String::as_str);
    let terms = |kind: Kind, list: &[usize]| -> Vec<TermRef<'a>> {
        list.iter()
            .filter_map(|&t| listings.term_ref(kind, t))
            .collect()
    };
    let bylines = |names: &'a [String], kind: Kind, terms: &'a [Term], member: &[usize]| {
        names
            .iter()
            .map(|name| byline(listings, kind, terms, member, name))
            .collect()
    };
    Item {
        id,
        title: &a.title,
        url: api.urls.absolute(&a.path),
        path: api.urls.href(&a.path),
        api: api.url(&format!("articles/{id}.json")),
        date: a.date.to_rfc3339(),
        updated: a.updated.map(|u| u.to_rfc3339()),
        summary: &a.summary,
        author: a.author.as_deref(),
        authors: bylines(&a.authors, Kind::Author, &site.authors, authors),
        section: links
            .section
            .and_then(|s| listings.term_ref(Kind::Section, s)),
        tags: terms(Kind::Tag, &links.tags),
        categories: terms(Kind::Category, &links.categories),
        series: bylines(&a.series, Kind::Series, &site.series, series),
        series_order: a.series_order,
        source: a.source.as_deref(),
        cover: cover(api, a),
        reading_minutes: a.reading_minutes,
    }
}

/// An author or 专题 named `name` in front matter, linked to the term among `member` (the
/// terms listing the article) with that name or slug.
fn byline<'a>(
    listings: &Listings<'a>,
    kind: Kind,
    terms: &'a [Term],
    member: &[usize],
    name: &'a str,
) -> Byline<'a> {
    let slug = crate::slug::slugify(name);
    let found = member
        .iter()
        .copied()
        .find(|&t| {
            terms
                .get(t)
                .is_some_and(|t| t.name == name || t.slug == slug)
        })
        .and_then(|t| listings.term_ref(kind, t));
    match found {
        Some(r) => Byline {
            name: r.name,
            slug: Some(r.slug),
            url: Some(r.url),
            api: Some(r.api),
        },
        None => Byline {
            name,
            slug: None,
            url: None,
            api: None,
        },
    }
}

/// The cover with absolute URLs, its versions as the pages show them.
fn cover(api: &Api<'_>, a: &Article) -> Option<Cover> {
    let origin = api.urls.origin();
    let pictures = crate::render::views::cover_pictures(
        api.urls,
        &api.site.images,
        &a.path,
        a.cover.as_deref(),
    )?;
    let absolute_picture = |p: Picture| Picture {
        src: absolute(origin, &p.src),
        srcset: absolute_srcset(origin, &p.srcset),
        sources: p
            .sources
            .into_iter()
            .map(|mut s| {
                s.srcset = absolute_srcset(origin, &s.srcset);
                s
            })
            .collect(),
        ..p
    };
    Some(Cover {
        url: absolute(origin, &pictures.url),
        width: pictures.size.map(|(w, _)| w),
        height: pictures.size.map(|(_, h)| h),
        image: pictures.image.map(absolute_picture),
        thumbnail: pictures.thumbnail.map(absolute_picture),
    })
}

/// An article's own file: its item, body and table of contents.
#[derive(Serialize)]
struct ArticleFile<'a> {
    version: u32,
    #[serde(flatten)]
    item: &'a Item<'a>,
    /// The body as HTML, every link and picture absolute.
    content: String,
    toc: &'a [TocEntry],
}

/// `articles/<id>.json` of article `i`; None for a draft, an error when its body cannot
/// be read back.
pub fn article_file(
    api: &Api<'_>,
    items: &[Option<Item<'_>>],
    i: usize,
) -> Option<Result<(String, Vec<u8>), Diagnostic>> {
    let a = api.site.articles.get(i)?;
    let item = items.get(i)?.as_ref()?;
    let html = match a.content.read() {
        Ok(html) => html,
        Err(e) => return Some(Err(crate::model::unreadable(&a.source_path, &e))),
    };
    let file = api.file(&format!("articles/{}.json", item.id));
    let page = ArticleFile {
        version: VERSION,
        item,
        content: body::absolute_links(&html, &item.url),
        toc: &a.body.toc,
    };
    Some(Ok((file, to_bytes(&page))))
}
