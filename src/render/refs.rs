//! Article refs: each article's listing view, what listings, prev/next, related lists and
//! 专题 boxes show of it (fields in docs/templates.md).
//!
//! A build makes a ref only when a page it renders shows the article ([`Refs`]): a publish
//! build renders a few hundred pages, and at 100,000 articles making every ref took 0.4 s
//! and hashing them for the page fingerprints 0.25 s more. The fingerprints hash what a ref
//! is made of instead ([`hashes`]). Both start from [`RefInputs`], and each destructures it
//! whole, so that a field added there does not compile until both use it.

use std::hash::{Hash, Hasher};
use std::sync::OnceLock;

use chrono::{DateTime, FixedOffset};
use rayon::prelude::*;
use tera::Value;

use super::views::cover_values;
use crate::model::{Article, ArticleLinks, SeriesPlace, Site, Term};
use crate::urls::Urls;

/// Tags an article's ref carries (the rest are counted in `tags_more`). A ref appears on
/// every tag page of its article, so with all its tags an article with n tags would put
/// n² chips into the output; the article's own page shows them all.
pub const REF_TAGS: usize = 10;

/// Every article's ref, each made the first time a page asks for it.
#[derive(Default)]
pub struct Refs {
    cells: Vec<OnceLock<Value>>,
    /// The terms' values, which the refs share; made with the first ref.
    terms: OnceLock<TermValues>,
}

impl Refs {
    /// Refs for the articles of `site`, none made yet.
    pub fn lazy(site: &Site) -> Refs {
        Refs {
            cells: (0..site.articles.len()).map(|_| OnceLock::new()).collect(),
            terms: OnceLock::new(),
        }
    }

    /// Refs made earlier: `serve` keeps them between rebuilds and remakes only those of
    /// the articles a save changed.
    pub fn made(values: Vec<Value>) -> Refs {
        Refs {
            cells: values.into_iter().map(OnceLock::from).collect(),
            terms: OnceLock::new(),
        }
    }

    /// The ref of article `i` of `site` (none past the end).
    pub fn get(&self, site: &Site, urls: &Urls, i: usize) -> Value {
        let Some(cell) = self.cells.get(i) else {
            return Value::none();
        };
        cell.get_or_init(|| {
            let terms = self.terms.get_or_init(|| TermValues::new(site, urls));
            // Its cover's versions go with the build, as they did when every ref was
            // made before the pages: whichever page makes it first is not the only one
            // showing it.
            site.images
                .unrecorded(|| make(site, urls, i, &|kind, t| terms.get(kind, t)))
        })
        .clone()
    }

    /// Every ref, in article order, made where it was not.
    pub fn into_values(self, site: &Site, urls: &Urls) -> Vec<Value> {
        let cells = self.cells.into_iter().enumerate();
        cells
            .map(|(i, cell)| {
                cell.into_inner()
                    .unwrap_or_else(|| article_ref_value(site, urls, i))
            })
            .collect()
    }

    /// Every ref, made where it was not.
    pub fn all(&self, site: &Site, urls: &Urls) -> Vec<Value> {
        (0..self.cells.len())
            .into_par_iter()
            .map(|i| self.get(site, urls, i))
            .collect()
    }
}

/// One ref per article, in article order, all made at once: the refs share each term's
/// value (a tag's name and URL), where refs made one by one would each hold a copy.
pub fn article_refs(site: &Site, urls: &Urls) -> Vec<Value> {
    Refs::lazy(site).all(site, urls)
}

/// The ref of article `i` alone: `serve` rebuilds only the articles a save changed and
/// keeps the others' refs.
pub fn article_ref_value(site: &Site, urls: &Urls, i: usize) -> Value {
    make(site, urls, i, &|kind, t| {
        kind.terms(site)
            .get(t)
            .map_or_else(Value::none, |t| link_value(urls, t))
    })
}

/// A hash of each article's ref, in article order, from what the ref is made of (with
/// the generation, which covers the config, the theme's strings and this program).
pub fn hashes(site: &Site, urls: &Urls) -> Vec<u64> {
    let terms = TermHashes::new(site);
    site.articles
        .par_iter()
        .zip(site.links.par_iter())
        .map(|(a, l)| hash_inputs(site, urls, &RefInputs::of(a, l), &terms))
        .collect()
}

/// All of article `i`'s tags as `{name, url}` values, for its own page.
pub fn all_tags(site: &Site, urls: &Urls, i: usize) -> Value {
    let tags: Vec<Value> = site
        .links
        .get(i)
        .map(|l| l.tags.as_slice())
        .unwrap_or_default()
        .iter()
        .filter_map(|&t| site.tags.get(t))
        .map(|t| link_value(urls, t))
        .collect();
    Value::from(tags)
}

/// What an article's ref is made of, besides the site's settings.
#[derive(Clone, Copy)]
struct RefInputs<'a> {
    title: &'a str,
    path: &'a str,
    date: &'a DateTime<FixedOffset>,
    summary: &'a str,
    tags: &'a [usize],
    categories: &'a [usize],
    section: Option<usize>,
    cover: Option<&'a str>,
    author: Option<&'a str>,
    authors: &'a [usize],
    series: &'a [SeriesPlace],
    source: Option<&'a str>,
}

impl<'a> RefInputs<'a> {
    fn of(a: &'a Article, links: &'a ArticleLinks) -> Self {
        RefInputs {
            title: &a.title,
            path: &a.path,
            date: &a.date,
            summary: &a.summary,
            tags: &links.tags,
            categories: &links.categories,
            section: links.section,
            cover: a.cover.as_deref(),
            author: a.author.as_deref(),
            authors: &links.authors,
            series: &links.series,
            source: a.source.as_deref(),
        }
    }
}

#[derive(Clone, Copy)]
enum TermKind {
    Section,
    Tag,
    Category,
    Series,
    Author,
}

impl TermKind {
    fn terms(self, site: &Site) -> &[Term] {
        match self {
            TermKind::Section => &site.sections,
            TermKind::Tag => &site.tags,
            TermKind::Category => &site.categories,
            TermKind::Series => &site.series,
            TermKind::Author => &site.authors,
        }
    }
}

/// Something made once for each term of each kind (see [`TermValues`], [`TermHashes`]).
struct ByKind<T> {
    sections: Vec<T>,
    tags: Vec<T>,
    categories: Vec<T>,
    series: Vec<T>,
    authors: Vec<T>,
}

impl<T> ByKind<T> {
    fn new(site: &Site, make: impl Fn(&Term) -> T) -> Self {
        let each = |kind: TermKind| kind.terms(site).iter().map(&make).collect();
        ByKind {
            sections: each(TermKind::Section),
            tags: each(TermKind::Tag),
            categories: each(TermKind::Category),
            series: each(TermKind::Series),
            authors: each(TermKind::Author),
        }
    }

    fn of(&self, kind: TermKind, i: usize) -> Option<&T> {
        let list = match kind {
            TermKind::Section => &self.sections,
            TermKind::Tag => &self.tags,
            TermKind::Category => &self.categories,
            TermKind::Series => &self.series,
            TermKind::Author => &self.authors,
        };
        list.get(i)
    }
}

/// The `{name, url}` value of every section, tag and category, built once: each article's
/// ref shares them (an `Arc` clone) instead of holding its own copies, which on a large
/// portal is most of what the refs would weigh.
struct TermValues(ByKind<Value>);

impl TermValues {
    fn new(site: &Site, urls: &Urls) -> Self {
        TermValues(ByKind::new(site, |t| link_value(urls, t)))
    }

    fn get(&self, kind: TermKind, i: usize) -> Value {
        self.0.of(kind, i).cloned().unwrap_or_else(Value::none)
    }
}

fn link_value(urls: &Urls, term: &Term) -> Value {
    let mut map = tera::Map::default();
    map.insert("name".into(), Value::from(term.name.as_str()));
    map.insert("url".into(), Value::from(urls.href(&term.path)));
    Value::from(map)
}

/// The hash of each term's `{name, url}`: its name and path (the URL follows from the
/// path and the settings).
struct TermHashes(ByKind<u64>);

impl TermHashes {
    fn new(site: &Site) -> Self {
        TermHashes(ByKind::new(site, |t| quick_hash(&(&t.name, &t.path))))
    }

    fn get(&self, kind: TermKind, i: usize) -> u64 {
        self.0.of(kind, i).copied().unwrap_or(u64::MAX)
    }
}

fn quick_hash(value: &impl Hash) -> u64 {
    let mut h = crate::digest::Digest::default();
    value.hash(&mut h);
    h.finish()
}

/// The ref of article `i` of `site`, taking terms' values from `term`.
fn make(site: &Site, urls: &Urls, i: usize, term: &dyn Fn(TermKind, usize) -> Value) -> Value {
    let (Some(a), Some(l)) = (site.articles.get(i), site.links.get(i)) else {
        return Value::none();
    };
    let RefInputs {
        title,
        path,
        date,
        summary,
        tags,
        categories,
        section,
        cover,
        author,
        authors,
        series,
        source,
    } = RefInputs::of(a, l);
    let text = |s: Option<&str>| s.map_or_else(Value::none, Value::from);
    let terms = |kind: TermKind, list: &mut dyn Iterator<Item = usize>| -> Value {
        Value::from(list.map(|t| term(kind, t)).collect::<Vec<_>>())
    };
    // Sized for its 15-20 entries up front: grown from empty, the table was rehashed three
    // times for each of 100,000 articles.
    let mut map = tera::Map::with_capacity(24);
    map.insert("title".into(), Value::from(title));
    map.insert("url".into(), Value::from(urls.href(path)));
    map.insert("date".into(), Value::from(site.strings.date_time(date)));
    map.insert(
        "date_short".into(),
        Value::from(site.strings.date_short(date)),
    );
    map.insert("date_iso".into(), Value::from(date.to_rfc3339()));
    map.insert("summary".into(), Value::from(summary));
    let shown_tags = &mut tags.iter().take(REF_TAGS).copied();
    map.insert("tags".into(), terms(TermKind::Tag, shown_tags));
    map.insert(
        "tags_more".into(),
        Value::from(tags.len().saturating_sub(REF_TAGS)),
    );
    let categories = &mut categories.iter().copied();
    map.insert("categories".into(), terms(TermKind::Category, categories));
    let section = section.map_or_else(Value::none, |s| term(TermKind::Section, s));
    map.insert("section".into(), section);
    cover_values(&mut map, urls, &site.images, path, cover);
    map.insert("author".into(), text(author));
    let authors = &mut authors.iter().copied();
    map.insert("authors".into(), terms(TermKind::Author, authors));
    let series = &mut series.iter().map(|p| p.series);
    map.insert("series".into(), terms(TermKind::Series, series));
    map.insert("source".into(), text(source));
    Value::from(map)
}

/// A hash of everything [`make`] makes a ref from.
fn hash_inputs(site: &Site, urls: &Urls, inputs: &RefInputs<'_>, terms: &TermHashes) -> u64 {
    let RefInputs {
        title,
        path,
        date,
        summary,
        tags,
        categories,
        section,
        cover,
        author,
        authors,
        series,
        source,
    } = *inputs;
    let mut h = crate::digest::Digest::with_capacity(1024);
    (title, path, summary, author, source).hash(&mut h);
    let offset = date.offset().local_minus_utc();
    (date.timestamp(), date.timestamp_subsec_nanos(), offset).hash(&mut h);
    // Each list's hashes, then its length.
    let mut list = |kind: TermKind, list: &mut dyn Iterator<Item = usize>| {
        let n = list.map(|t| terms.get(kind, t).hash(&mut h)).count();
        n.hash(&mut h);
    };
    list(TermKind::Tag, &mut tags.iter().take(REF_TAGS).copied());
    list(TermKind::Category, &mut categories.iter().copied());
    list(TermKind::Section, &mut section.into_iter());
    list(TermKind::Author, &mut authors.iter().copied());
    list(TermKind::Series, &mut series.iter().map(|p| p.series));
    tags.len().hash(&mut h);
    // A cover's values follow from the pictures this build processed: hashed as made.
    // Making them also registers their versions for the build, which the pages kept from
    // the last build may show without their refs being made.
    if cover.is_some() {
        let mut values = tera::Map::default();
        cover_values(&mut values, urls, &site.images, path, cover);
        super::fingerprint::hash_value(&Value::from(values)).hash(&mut h);
    }
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Article;

    /// Three articles with tags, a section, an author and a cover.
    fn site() -> Site {
        let config = crate::config::SiteConfig::parse(
            "title = \"科技日报\"\nbase_url = \"https://news.example.com/\"\n",
            None,
        )
        .expect("config");
        let articles = (0..3)
            .map(|i| Article {
                title: format!("第{i}条快讯"),
                summary: format!("摘要{i}"),
                tags: (0..12).map(|t| format!("标签{}", (t + i) % 14)).collect(),
                section: Some("资讯".into()),
                author: Some("王澜".into()),
                cover: Some(format!("https://img.example.com/{i}.jpg")),
                date: DateTime::parse_from_rfc3339(&format!("2026-01-0{}T08:00:00+08:00", i + 1))
                    .expect("date"),
                ..Article::for_tests(&format!("content/资讯/{i}.md"), &format!("2026/{i}/"))
            })
            .collect();
        crate::model::assemble(config, articles, Default::default(), Default::default())
    }

    fn refs_and_hashes(site: &Site) -> (Vec<Value>, Vec<u64>) {
        let urls = Urls::new(&site.config);
        (article_refs(site, &urls), hashes(site, &urls))
    }

    #[test]
    fn a_ref_hash_changes_exactly_when_the_ref_does() {
        type Change = fn(&mut Site);
        let changes: [(&str, Change); 12] = [
            ("title", |s| s.articles[0].title.push('！')),
            ("summary", |s| s.articles[0].summary = "新摘要".into()),
            ("date", |s| {
                s.articles[0].date += chrono::Duration::seconds(1);
            }),
            ("path", |s| s.articles[0].path = "2026/moved/".into()),
            ("author", |s| s.articles[0].author = None),
            ("source", |s| s.articles[0].source = Some("新华社".into())),
            ("cover", |s| s.articles[0].cover = None),
            ("a shown tag's name", |s| {
                s.tags[s.links[0].tags[0]].name = "改名".into()
            }),
            ("a shown tag's path", |s| {
                s.tags[s.links[0].tags[0]].path = "t/x/".into()
            }),
            ("one tag fewer", |s| {
                s.links[0].tags.pop();
            }),
            ("the section's name", |s| s.sections[0].name = "快讯".into()),
            ("the body", |s| s.articles[0].reading_minutes += 5),
        ];
        let before = site();
        let (values, hashes) = refs_and_hashes(&before);
        for (what, change) in changes {
            let mut after = before.clone();
            change(&mut after);
            let (new_values, new_hashes) = refs_and_hashes(&after);
            for i in 0..values.len() {
                let value_changed = values[i] != new_values[i];
                let hash_changed = hashes[i] != new_hashes[i];
                assert_eq!(hash_changed, value_changed, "{what}: article {i}");
            }
            let changed_any = values != new_values;
            assert_eq!(changed_any, what != "the body", "{what}");
        }
    }

    #[test]
    fn refs_made_lazily_are_the_refs_made_at_once() {
        let site = site();
        let urls = Urls::new(&site.config);
        let refs = Refs::lazy(&site);
        let one = refs.get(&site, &urls, 1);
        assert_eq!(one, article_ref_value(&site, &urls, 1));
        assert_eq!(refs.into_values(&site, &urls), article_refs(&site, &urls));
        assert!(Refs::lazy(&site).get(&site, &urls, 9).is_none());
    }
}
