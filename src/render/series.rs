//! What templates see of 专题 (series) and authors: the article page's "本专题" box, the
//! hub and author page headers, and the two indexes (`/专题/`, `/authors/`).
//! Fields are listed in docs/templates.md.

use serde::Serialize;
use tera::{Context, Value};

use super::pages::{Listing, ListingKind, author_info, authors_root, series_info, series_root};
use super::templates::Shared;
use super::views::Link;
use crate::model::{Article, SeriesPlace, Term};

/// `series` on an article page: one entry per 专题 the article is in, `{name, url, index
/// (1-based), total, prev, next}` with `prev`/`next` the refs of its neighbours in
/// reading order (none at the ends).
pub fn article_series(shared: &Shared<'_>, places: &[SeriesPlace], terms: &[Term]) -> Value {
    let reference = |j: Option<&usize>| j.map_or_else(Value::none, |&j| shared.article_ref(j));
    let list: Vec<Value> = places
        .iter()
        .filter_map(|p| {
            let term = terms.get(p.series)?;
            let mut map = tera::Map::default();
            map.insert("name".into(), Value::from(term.name.as_str()));
            map.insert("url".into(), Value::from(shared.urls.href(&term.path)));
            map.insert("index".into(), Value::from(p.index + 1));
            map.insert("total".into(), Value::from(term.articles.len()));
            let before = p.index.checked_sub(1).and_then(|k| term.articles.get(k));
            map.insert("prev".into(), reference(before));
            map.insert("next".into(), reference(term.articles.get(p.index + 1)));
            Some(Value::from(map))
        })
        .collect();
    Value::from(list)
}

/// When a list last changed: the newest change among its published articles.
fn last_change<'a>(
    articles: &'a [Article],
    list: &[usize],
) -> Option<(&'a Article, chrono::DateTime<chrono::FixedOffset>)> {
    list.iter()
        .filter_map(|&i| articles.get(i))
        .filter(|a| !a.draft)
        .map(|a| (a, a.last_modified()))
        .max_by_key(|&(_, d)| d)
}

/// The newest article of a list by date (lists hold indexes into the newest-first
/// articles, so the smallest index).
fn newest(list: &[usize]) -> Option<usize> {
    list.iter().copied().min()
}

/// `series` on `/专题/`: every series, most recently updated first (ties by name), each
/// `{name, url, description, count, updated, updated_short, updated_iso, latest (ref of
/// its newest article), cover, cover_image, thumbnail}`. The description and cover are
/// the `_index.md`'s (`cover` in `[extra]`), else `data/series.*`'s; the cover falls back
/// to the newest article's.
pub fn index_value(shared: &Shared<'_>, series: &[Term]) -> Value {
    let site = shared.site;
    let mut order: Vec<(usize, Option<chrono::DateTime<chrono::FixedOffset>>)> = series
        .iter()
        .enumerate()
        .map(|(s, t)| (s, last_change(&site.articles, &t.articles).map(|(_, d)| d)))
        .collect();
    order.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then_with(|| series[a.0].name.cmp(&series[b.0].name))
    });
    let list: Vec<Value> = order
        .into_iter()
        .map(|(s, updated)| {
            let term = &series[s];
            let meta = site
                .series_metas
                .get(s)
                .copied()
                .flatten()
                .and_then(|m| site.list_metas.get(m));
            let mut map = tera::Map::default();
            let name = meta.and_then(|m| m.title.as_deref()).unwrap_or(&term.name);
            map.insert("name".into(), Value::from(name));
            map.insert("url".into(), Value::from(shared.urls.href(&term.path)));
            let info = series_info(site, &term.name);
            let info_text = |key: &str| {
                info.and_then(|i| i.get(key))
                    .and_then(serde_json::Value::as_str)
                    .filter(|t| !t.trim().is_empty())
            };
            let description = meta
                .and_then(|m| m.description.as_deref())
                .or_else(|| info_text("description"));
            map.insert(
                "description".into(),
                description.map_or_else(Value::none, Value::from),
            );
            map.insert("count".into(), Value::from(term.articles.len()));
            insert_dates(&site.strings, &mut map, updated);
            let latest = newest(&term.articles);
            let latest_ref = latest.map_or_else(Value::none, |i| shared.article_ref(i));
            let own_cover = meta
                .and_then(|m| m.extra.get("cover"))
                .and_then(serde_json::Value::as_str)
                .or_else(|| info_text("cover"));
            if own_cover.is_some() {
                super::views::cover_values(
                    &mut map,
                    &shared.urls,
                    &site.images,
                    &term.path,
                    own_cover,
                );
            } else {
                for key in ["cover", "cover_image", "thumbnail"] {
                    let value = latest_ref
                        .get_from_path(key)
                        .cloned()
                        .unwrap_or_else(Value::none);
                    map.insert(key.into(), value);
                }
            }
            map.insert("latest".into(), latest_ref);
            Value::from(map)
        })
        .collect();
    Value::from(list)
}

fn insert_dates(
    strings: &crate::i18n::Strings,
    map: &mut tera::Map,
    date: Option<chrono::DateTime<chrono::FixedOffset>>,
) {
    let text = |f: &str| date.map_or_else(Value::none, |d| Value::from(d.format(f).to_string()));
    map.insert("updated".into(), text(strings.get("date_time")));
    map.insert("updated_short".into(), text(strings.get("date_short")));
    map.insert(
        "updated_iso".into(),
        date.map_or_else(Value::none, |d| Value::from(d.to_rfc3339())),
    );
}

/// What a page shows of one author: `{name, display_name, url, count, role, bio, avatar,
/// links: [{name, url}], data}`, `data` being their whole entry in `data/authors.*`.
#[derive(Serialize)]
struct AuthorView<'a> {
    name: &'a str,
    display_name: &'a str,
    url: String,
    count: usize,
    /// `role` (主笔, 资深记者), if the data file says.
    role: Option<&'a str>,
    bio: Option<&'a str>,
    avatar: Option<String>,
    links: Vec<AuthorLink<'a>>,
    data: Option<&'a serde_json::Value>,
}

#[derive(Serialize)]
struct AuthorLink<'a> {
    name: &'a str,
    url: String,
}

fn author_view<'a>(
    shared: &Shared<'_>,
    term: &'a Term,
    info: Option<&'a serde_json::Value>,
) -> AuthorView<'a> {
    let text = |key: &str| {
        info.and_then(|i| i.get(key))
            .and_then(serde_json::Value::as_str)
            .map(str::trim)
            .filter(|t| !t.is_empty())
    };
    let links = info
        .and_then(|i| i.get("links"))
        .and_then(serde_json::Value::as_array)
        .map(|links| {
            links
                .iter()
                .filter_map(|l| {
                    let url = l.get("url")?.as_str()?;
                    let name = l.get("name").and_then(serde_json::Value::as_str);
                    Some(AuthorLink {
                        name: name.unwrap_or(url),
                        url: shared.urls.asset(url),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    AuthorView {
        name: &term.name,
        display_name: text("name").unwrap_or(&term.name),
        url: shared.urls.href(&term.path),
        count: term.articles.len(),
        role: text("role"),
        bio: text("bio"),
        avatar: text("avatar").map(|a| shared.urls.asset(a)),
        links,
        data: info,
    }
}

/// `authors` on `/authors/`: every author, most articles first, then by name, each as
/// an author page's `author` plus `latest` (ref of their newest article).
pub fn authors_value(shared: &Shared<'_>, authors: &[Term]) -> Value {
    let mut sorted: Vec<&Term> = authors.iter().collect();
    sorted.sort_by(|a, b| {
        b.articles
            .len()
            .cmp(&a.articles.len())
            .then_with(|| a.name.cmp(&b.name))
    });
    let list: Vec<Value> = sorted
        .into_iter()
        .map(|t| {
            let view = author_view(shared, t, author_info(shared.site, &t.name));
            let mut map = Value::from_serializable(&view)
                .into_map()
                .unwrap_or_default();
            let latest = newest(&t.articles);
            map.insert(
                "latest".into(),
                latest.map_or_else(Value::none, |i| shared.article_ref(i)),
            );
            Value::from(map)
        })
        .collect();
    Value::from(list)
}

/// The breadcrumb of the two indexes: 首页.
pub fn index_breadcrumb<'a>(shared: &Shared<'a>) -> Vec<Link<'a>> {
    vec![Link {
        name: shared.site.strings.get("home"),
        url: shared.urls.href(""),
    }]
}

/// What a series hub and an author page add to `list.html`'s context: `breadcrumb`
/// (首页 › 专题 or 作者) on both, `series_data` (its `data/series.*` entry, or none) on a
/// hub, `author` on an author page.
pub fn listing_extras(shared: &Shared<'_>, l: &Listing<'_>, ctx: &mut Context) {
    let (name, root) = match l.kind {
        ListingKind::Series => (shared.site.strings.get("series"), series_root(shared.site)),
        ListingKind::Author => (
            shared.site.strings.get("authors"),
            authors_root(shared.site),
        ),
        _ => return,
    };
    let mut trail = index_breadcrumb(shared);
    trail.push(Link {
        name,
        url: shared.urls.href(&root),
    });
    ctx.insert("breadcrumb", &trail);
    if l.kind == ListingKind::Series {
        ctx.insert("series_data", &l.info);
    }
    if l.kind == ListingKind::Author
        && let Some(term) = shared.site.authors.iter().find(|t| t.path == l.path)
    {
        ctx.insert("author", &author_view(shared, term, l.info));
    }
}
