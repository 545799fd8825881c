//! Page fingerprints: a hash of everything a page's template is given, so that a rebuild
//! renders only the pages whose inputs changed.
//!
//! What a page is given is [`Inputs`], the same value its template context is built from
//! (`render::templates::context_for`), plus what every page gets: the generation (bumped
//! by template and config changes), the page's URL and the `site` view. An article in the
//! inputs counts by the hash of its ref (its listing view: title, URL, date, summary,
//! terms, cover) and, where the page shows the article itself, by the version of its
//! parse. The match below names every field of every kind of input, so a field added to
//! [`Inputs`] does not compile until it is hashed here.
//!
//! `serve` keeps its generation and articles' versions in memory; `build` has neither, and
//! makes both from scratch ([`for_build`]) so that a publish build can keep the pages of
//! the previous one whose fingerprint is unchanged (`tests/publish.rs` compares such
//! builds with cold ones). `tests/serve.rs` compares a served site after edits with a
//! fresh `sitegen build`.

use std::hash::{Hash, Hasher};

/// The hasher of fingerprints: XXH3 over the gathered writes ([`crate::digest`]), several
/// times faster than the standard library's SipHash on the short writes a page's inputs
/// are made of (SipHash was 4 % of a publish build here), and fixed from run to run as the
/// manifest needs.
type Fingerprinter = crate::digest::Digest;

use rayon::prelude::*;

use crate::config::SiteConfig;
use crate::model::Article;
use crate::render::{Inputs, Plan, Renderer, Shared};

/// What a build knows of its pages' and listing entries' inputs.
pub(crate) struct Prints {
    /// Every planned page's fingerprint, in plan order.
    pub pages: Vec<u64>,
    /// Each article's listing entry's key ([`super::cards`]): its ref's hash with the
    /// generation, in article order.
    pub cards: Vec<u64>,
}

/// Every planned page's fingerprint for `build`, and the keys of the listing entries: the
/// generation is a hash of what shapes every page (this program itself, the templates,
/// the config, the theme's strings), an article's version a hash of all of it.
pub(crate) fn for_build(shared: &Shared<'_>, renderer: &Renderer) -> Prints {
    let versions: Vec<u64> = shared.site.articles.par_iter().map(article_hash).collect();
    let refs = super::refs::hashes(shared.site, &shared.urls);
    let generation = {
        let mut h = Fingerprinter::default();
        crate::version::build_id().hash(&mut h);
        renderer.fingerprint().hash(&mut h);
        config_hash(&shared.site.config).hash(&mut h);
        hash_value(&shared.strings_value).hash(&mut h);
        h.finish()
    };
    let cards = refs
        .iter()
        .map(|r| {
            let mut h = Fingerprinter::default();
            (generation, r).hash(&mut h);
            h.finish()
        })
        .collect();
    Prints {
        pages: pages(shared, shared.plan, &versions, &refs, generation),
        cards,
    }
}

/// A hash of the settings (the config's `Debug` form is made only of ordered maps).
fn config_hash(config: &SiteConfig) -> u64 {
    let mut h = Fingerprinter::default();
    format!("{:?}", config.raw).hash(&mut h);
    (&config.base_url, &config.origin, &config.root_path).hash(&mut h);
    config.offset.local_minus_utc().hash(&mut h);
    if let Some(e) = &config.editions {
        format!("{:?} {:?} {:?}", e.hans, e.hant, e.current).hash(&mut h);
        e.hant_folder.hash(&mut h);
        let mut shared: Vec<&String> = e.shared_files.iter().flat_map(|s| s.iter()).collect();
        shared.sort_unstable();
        shared.hash(&mut h);
    }
    h.finish()
}

/// A hash of every field of an article: what its own page may show. The destructuring
/// names every field, so that a field added to [`Article`] does not compile until it is
/// hashed here.
fn article_hash(article: &Article) -> u64 {
    let Article {
        source_path,
        title,
        date,
        updated,
        author,
        authors,
        series,
        series_order,
        pinned,
        source,
        original_title,
        seo_title,
        keywords,
        summary,
        content,
        text,
        tags,
        categories,
        section,
        slug,
        path,
        pattern_path,
        aliases,
        written_aliases,
        cover,
        draft,
        weight,
        reading_minutes,
        cjk_chars,
        latin_words,
        links,
        body,
        extra,
    } = article;
    // Room for the title, summary, paths, terms and contents of a typical article.
    let mut h = Fingerprinter::with_capacity(4096);
    let stamp = |d: &chrono::DateTime<chrono::FixedOffset>| {
        (
            d.timestamp(),
            d.timestamp_subsec_nanos(),
            d.offset().local_minus_utc(),
        )
    };
    (stamp(date), updated.as_ref().map(stamp), source_path).hash(&mut h);
    (title, author, authors, series, series_order, pinned).hash(&mut h);
    (source, original_title, seo_title, keywords, summary).hash(&mut h);
    (tags, categories, section, slug, path).hash(&mut h);
    (pattern_path, aliases, written_aliases, cover, draft, weight).hash(&mut h);
    (reading_minutes, cjk_chars, latin_words).hash(&mut h);
    // The bodies, the bulk of the bytes, by their XXH3 hashes, which a body left in the
    // parse cache keeps without being read.
    for part in [content, text] {
        (part.len(), part.identity()).hash(&mut h);
    }
    // Hashed field by field: serialising them first (postcard into a fresh Vec) was a
    // third of the time of hashing 100,000 articles.
    (links, body).hash(&mut h);
    // Most articles have no extra front matter: no JSON made for them.
    extra.len().hash(&mut h);
    if !extra.is_empty() {
        serde_json::to_string(extra)
            .unwrap_or_default()
            .hash(&mut h);
    }
    h.finish()
}

/// Every planned page's fingerprint, in plan order (its file is the plan's `files` at the
/// same place). `versions` and `refs` are per article: the version of its parse, and
/// [`hash_value`] of its ref.
pub(crate) fn pages(
    shared: &Shared<'_>,
    plan: &Plan<'_>,
    versions: &[u64],
    refs: &[u64],
    generation: u64,
) -> Vec<u64> {
    let global = {
        let mut h = Fingerprinter::default();
        generation.hash(&mut h);
        hash_value(&shared.site_value_without_counts).hash(&mut h);
        hash_value(&shared.data_value).hash(&mut h);
        h.finish()
    };
    // Only listings are given the site's counts (see `views::Counts`).
    let counts = hash_value(&shared.site_value);
    let articles = Articles { versions, refs };
    plan.pages
        .par_iter()
        .map(|page| {
            let mut h = Fingerprinter::default();
            global.hash(&mut h);
            page.path.hash(&mut h);
            let inputs = shared.inputs(page);
            if inputs.shows_counts() {
                counts.hash(&mut h);
            }
            hash_inputs(&inputs, &articles, &mut h);
            h.finish()
        })
        .collect()
}

/// What is known of each article's state.
struct Articles<'a> {
    versions: &'a [u64],
    refs: &'a [u64],
}

impl Articles<'_> {
    /// An article as listings, neighbours and related lists show it.
    fn reference(&self, i: usize) -> u64 {
        self.refs.get(i).copied().unwrap_or_default()
    }

    /// An article as its own page shows it: all of it.
    fn whole(&self, i: usize) -> (u64, u64) {
        (
            self.versions.get(i).copied().unwrap_or_default(),
            self.reference(i),
        )
    }
}

fn hash_inputs(inputs: &Inputs<'_>, articles: &Articles<'_>, h: &mut Fingerprinter) {
    std::mem::discriminant(inputs).hash(h);
    match *inputs {
        Inputs::Article {
            article,
            prev,
            next,
            related,
            series,
            series_terms,
        } => {
            articles.whole(article).hash(h);
            prev.map(|i| articles.reference(i)).hash(h);
            next.map(|i| articles.reference(i)).hash(h);
            for &i in related {
                articles.reference(i).hash(h);
            }
            // The "本专题" box: each series' name, URL and size, the neighbours' refs.
            for p in series {
                let Some(t) = series_terms.get(p.series) else {
                    continue;
                };
                (&t.name, &t.path, t.articles.len(), p.index).hash(h);
                let at = |k: Option<usize>| k.and_then(|k| t.articles.get(k).copied());
                at(p.index.checked_sub(1))
                    .map(|i| articles.reference(i))
                    .hash(h);
                at(Some(p.index + 1)).map(|i| articles.reference(i)).hash(h);
            }
        }
        Inputs::Listing {
            listing,
            page,
            paging,
            articles: on_page,
            lead,
        } => {
            (listing.kind.as_str(), &listing.name, &listing.path).hash(h);
            // The `_index.md` (title, description, body, template, extra).
            listing.meta.map(meta_key).hash(h);
            // An author's entry in `data/authors.*`.
            listing.info.map(|v| v.to_string()).hash(h);
            // What its links show, and no more: a stable page hashes no count.
            paging.nav(page).hash(h);
            for &i in on_page {
                articles.reference(i).hash(h);
            }
            lead.len().hash(h);
            for &i in lead {
                articles.reference(i).hash(h);
            }
        }
        Inputs::Terms { taxonomy, terms } => {
            taxonomy.hash(h);
            for t in terms {
                (&t.name, &t.path, t.articles.len()).hash(h);
            }
        }
        Inputs::Archives { years } => {
            for y in years {
                (y.year, &y.path, y.articles.len()).hash(h);
                for m in &y.months {
                    (m.month, &m.path, m.articles.len()).hash(h);
                }
            }
        }
        Inputs::SeriesIndex {
            series,
            metas,
            list_metas,
            data,
        } => {
            data.map(|v| v.to_string()).hash(h);
            // Ordered by their articles' last change, shown with the newest: every
            // article of every series counts, whole.
            for (t, m) in series.iter().zip(metas.iter()) {
                (&t.name, &t.path).hash(h);
                m.and_then(|m| list_metas.get(m)).map(meta_key).hash(h);
                for &i in &t.articles {
                    articles.whole(i).hash(h);
                }
            }
        }
        Inputs::AuthorIndex { authors, data } => {
            data.map(|v| v.to_string()).hash(h);
            for t in authors {
                (&t.name, &t.path, t.articles.len()).hash(h);
                t.articles
                    .iter()
                    .min()
                    .map(|&i| articles.reference(i))
                    .hash(h);
            }
        }
        Inputs::Search | Inputs::NotFound | Inputs::Side => {}
        Inputs::Alias { article } => articles.whole(article).hash(h),
        Inputs::Page { page } => {
            let p = page;
            (&p.title, &p.path, &p.content, &p.summary, &p.cover).hash(h);
            (p.date, p.updated, p.weight, &p.aliases).hash(h);
            serde_json::to_string(&p.extra).unwrap_or_default().hash(h);
        }
        Inputs::Redirect { path, title } => (path, title).hash(h),
    }
}

/// What a listing page shows of its `_index.md`.
fn meta_key(m: &crate::model::ListMeta) -> impl Hash + '_ {
    (
        (&m.title, &m.description, &m.content, &m.template),
        (m.weight, m.transparent, m.paginate_by),
        serde_json::to_string(&m.extra).unwrap_or_default(),
    )
}

/// Hashes a template value. Tera keeps maps in randomly seeded hash maps, so their entries
/// are hashed one by one and combined in an order-independent way.
pub(crate) fn hash_value(value: &tera::Value) -> u64 {
    let mut h = Fingerprinter::default();
    hash_into(value, &mut h);
    h.finish()
}

fn hash_into(value: &tera::Value, h: &mut Fingerprinter) {
    if let Some(map) = value.as_map() {
        let mut sum = 0u64;
        for (key, entry) in map {
            let mut eh = Fingerprinter::default();
            key.hash(&mut eh);
            hash_into(entry, &mut eh);
            sum = sum.wrapping_add(eh.finish());
        }
        (b'm', map.len(), sum).hash(h);
    } else if let Some(items) = value.as_array() {
        (b'a', items.len()).hash(h);
        for item in items {
            hash_into(item, h);
        }
    } else if let Some(text) = value.as_str() {
        (b's', value.is_safe(), text).hash(h);
    } else {
        // Numbers, booleans, none: their printed form is exact enough.
        struct Feed<'a>(&'a mut Fingerprinter);
        impl std::fmt::Write for Feed<'_> {
            fn write_str(&mut self, s: &str) -> std::fmt::Result {
                self.0.write(s.as_bytes());
                Ok(())
            }
        }
        b'o'.hash(h);
        let _ = std::fmt::Write::write_fmt(&mut Feed(h), format_args!("{value}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn map_hashes_ignore_entry_order() {
        let a: tera::Value =
            serde_json::from_str::<serde_json::Value>(r#"{"a":1,"b":[true,"x"],"c":{"d":null}}"#)
                .map(|v| tera::Value::from_serializable(&v))
                .unwrap();
        let b: tera::Value =
            serde_json::from_str::<serde_json::Value>(r#"{"c":{"d":null},"b":[true,"x"],"a":1}"#)
                .map(|v| tera::Value::from_serializable(&v))
                .unwrap();
        assert_eq!(hash_value(&a), hash_value(&b));
        let c: tera::Value = tera::Value::from_serializable(
            &serde_json::from_str::<serde_json::Value>(r#"{"a":2,"b":[true,"x"],"c":{"d":null}}"#)
                .unwrap(),
        );
        assert_ne!(hash_value(&a), hash_value(&c));
    }

    /// What only the parse's side data says (the contents turned off, a heading renamed in
    /// the contents, a link's target) changes the article's own page, so its version.
    #[test]
    fn an_articles_version_follows_its_links_and_contents() {
        use crate::content::markdown::{BodyLink, TocEntry};
        let base = Article {
            links: vec![BodyLink {
                target: "/2024/03/a/".into(),
                line: 3,
                col: 1,
            }],
            body: crate::model::BodyInfo {
                toc: vec![TocEntry {
                    level: 2,
                    id: "背景".into(),
                    title: "背景".into(),
                    children: Vec::new(),
                }],
                toc_wanted: true,
                ..Default::default()
            },
            ..Article::for_tests("content/资讯/x.md", "2024/03/x/")
        };
        let version = article_hash(&base);
        assert_eq!(version, article_hash(&base.clone()), "fixed for one input");
        let mut no_toc = base.clone();
        no_toc.body.toc_wanted = false;
        let mut renamed = base.clone();
        renamed.body.toc[0].title = "来龙去脉".into();
        let mut relinked = base.clone();
        relinked.links[0].target = "/2024/03/b/".into();
        for changed in [no_toc, renamed, relinked] {
            assert_ne!(article_hash(&changed), version);
        }
    }
}
