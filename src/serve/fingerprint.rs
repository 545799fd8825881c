//! Page fingerprints: a hash of everything a page's template is given, so that a rebuild
//! renders only the pages whose inputs changed.
//!
//! * every page: the generation (templates, config), its URL, and the `site` view (side
//!   column counts, hot tags, recent months, asset names), which changes rarely;
//! * an article: its file's version, its own ref and those of prev, next and related;
//! * a listing page: its name, position and page count, and the refs of its articles;
//! * the tag, category and archive indexes: every entry with its count;
//! * an alias page: its article's ref and version.
//!
//! A ref is an article's listing view (title, URL, date, summary, terms, cover), hashed
//! whole as a template value, so that whatever templates see of it is covered.
//!
//! Keep this in step with `render::templates::context_for`: data a template gets that is
//! not hashed here would be left stale in the preview. `tests/serve.rs` compares a served
//! site after edits with a fresh `sitegen build` to catch exactly that.

use std::hash::{DefaultHasher, Hash, Hasher};

use rayon::prelude::*;

use crate::model::Term;
use crate::render::{Job, Plan, Shared};

/// Every planned page's output file and fingerprint, in plan order. `versions` and
/// `refs` are per article: the version of its parse, and [`hash_value`] of its ref.
pub(crate) fn pages(
    shared: &Shared<'_>,
    plan: &Plan<'_>,
    versions: &[u64],
    refs: &[u64],
    generation: u64,
) -> Vec<(String, u64)> {
    let site = shared.site;
    let global = {
        let mut h = DefaultHasher::new();
        generation.hash(&mut h);
        hash_value(&shared.site_value).hash(&mut h);
        h.finish()
    };
    let per_page = site.config.raw.paginate_by.max(1);
    let version = |i: usize| versions.get(i).copied().unwrap_or_default();
    let reference = |i: usize| refs.get(i).copied().unwrap_or_default();
    plan.pages
        .par_iter()
        .map(|page| {
            let mut h = DefaultHasher::new();
            global.hash(&mut h);
            page.path.hash(&mut h);
            match page.job {
                Job::Article(i) => {
                    (0u8, version(i), reference(i)).hash(&mut h);
                    if let Some(links) = site.links.get(i) {
                        links.prev.map(reference).hash(&mut h);
                        links.next.map(reference).hash(&mut h);
                        for &j in &links.related {
                            reference(j).hash(&mut h);
                        }
                    }
                }
                Job::Listing { listing, page: n } => {
                    if let Some(l) = plan.listings.get(listing) {
                        (1u8, l.kind.as_str(), &l.name, &l.path, n).hash(&mut h);
                        (l.page_count(per_page), l.articles.len()).hash(&mut h);
                        let start = (n.saturating_sub(1) * per_page).min(l.articles.len());
                        let end = (start + per_page).min(l.articles.len());
                        for &i in &l.articles[start..end] {
                            reference(i).hash(&mut h);
                        }
                    }
                }
                Job::TagIndex => terms(2, &site.tags, &mut h),
                Job::CategoryIndex => terms(3, &site.categories, &mut h),
                Job::Archives => {
                    4u8.hash(&mut h);
                    for y in &site.years {
                        (y.year, &y.path, y.articles.len()).hash(&mut h);
                        for m in &y.months {
                            (m.month, &m.path, m.articles.len()).hash(&mut h);
                        }
                    }
                }
                Job::Search => 5u8.hash(&mut h),
                Job::NotFound => 6u8.hash(&mut h),
                Job::Alias { article } => (7u8, reference(article), version(article)).hash(&mut h),
            }
            (page.file(), h.finish())
        })
        .collect()
}

fn terms(tag: u8, terms: &[Term], h: &mut DefaultHasher) {
    tag.hash(h);
    for t in terms {
        (&t.name, &t.path, t.articles.len()).hash(h);
    }
}

/// Hashes a template value. Tera keeps maps in randomly seeded hash maps, so their entries
/// are hashed one by one and combined in an order-independent way.
pub(crate) fn hash_value(value: &tera::Value) -> u64 {
    let mut h = DefaultHasher::new();
    hash_into(value, &mut h);
    h.finish()
}

fn hash_into(value: &tera::Value, h: &mut DefaultHasher) {
    if let Some(map) = value.as_map() {
        let mut sum = 0u64;
        for (key, entry) in map {
            let mut eh = DefaultHasher::new();
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
        struct Feed<'a>(&'a mut DefaultHasher);
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
}
