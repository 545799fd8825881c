//! Listing entries rendered once per article: `items_html` in list templates.
//!
//! An article shows in about eleven listings (home, section, each tag, category, year,
//! month, author), and each of those pages ran `partials/item.html` for it again: at 10,000
//! articles, 112,000 runs of the same template on the same ref. The built-in item template
//! depends only on the ref and the theme's strings, so its HTML is the same wherever the
//! article is listed: rendered the first time, then reused (Hugo's `partialCached`).
//!
//! A site that overrides `partials/item.html`, or a template it includes, may show the
//! listing it is in (say, no section link on the section's own pages), so its entries are
//! rendered in place, as before: only templates that read `items_html`, with the built-in
//! item template, get the cards.
//!
//! A publish build takes the entries from those the builds before kept ([`store`]): with
//! Hugo's numbering one new article has every listing page it is on rendered again.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::OnceLock;

use tera::{Tera, Value};

use crate::theme::TemplateSource;

mod store;

/// The template of one listing entry.
pub const ITEM_TEMPLATE: &str = "partials/item.html";

/// Each article's entry, rendered the first time a listing shows it, or taken from the
/// entries an earlier build kept ([`store`]).
#[derive(Default)]
pub struct Cards {
    cells: Vec<OnceLock<Card>>,
    kept: Option<Kept>,
}

/// One article's entry, and whether this build rendered it (or took it from the store).
struct Card {
    html: Value,
    rendered: bool,
}

/// The entries earlier builds kept, and this build's keys for them.
struct Kept {
    /// Each article's key: its ref's hash with the build's generation.
    keys: Vec<u64>,
    /// Its index, read when a listing first needs an entry (a build that renders no
    /// listing, as one after no change, reads nothing).
    store: OnceLock<store::Store>,
    path: std::path::PathBuf,
}

impl Cards {
    /// Room for `articles` entries, none rendered yet.
    pub fn lazy(articles: usize) -> Cards {
        Cards {
            cells: (0..articles).map(|_| OnceLock::new()).collect(),
            kept: None,
        }
    }

    /// Room for an entry per key, taken from the store at `path` where it has the key.
    pub fn kept(keys: Vec<u64>, path: &Path) -> Cards {
        let articles = keys.len();
        Cards {
            kept: Some(Kept {
                keys,
                store: OnceLock::new(),
                path: path.to_path_buf(),
            }),
            ..Cards::lazy(articles)
        }
    }

    /// Article `i`'s entry: kept, or rendered by `render` (once, when it succeeds).
    pub fn get<E>(&self, i: usize, render: impl FnOnce() -> Result<String, E>) -> Result<Value, E> {
        let Some(cell) = self.cells.get(i) else {
            return render().map(|html| Value::safe_string(&html));
        };
        if let Some(done) = cell.get() {
            return Ok(done.html.clone());
        }
        let card = match self.kept.as_ref().and_then(|k| k.find(i)) {
            Some(html) => Card {
                html: Value::safe_string(&html),
                rendered: false,
            },
            None => {
                let html = render()?;
                Card {
                    html: Value::safe_string(&html),
                    rendered: true,
                }
            }
        };
        Ok(cell.get_or_init(|| card).html.clone())
    }

    /// Keeps the entries this build rendered for the next (when it rendered any).
    pub fn save(&self) {
        let Some(kept) = &self.kept else {
            return;
        };
        let rendered = || {
            self.cells
                .iter()
                .map(|c| c.get().filter(|c| c.rendered).and_then(|c| c.html.as_str()))
        };
        // An unchanged build renders no entry: its store is not even opened.
        if rendered().all(|html| html.is_none()) {
            return;
        }
        kept.store().save(kept.keys.iter().copied().zip(rendered()));
    }
}

impl Kept {
    fn store(&self) -> &store::Store {
        self.store.get_or_init(|| store::Store::read(&self.path))
    }

    fn find(&self, i: usize) -> Option<String> {
        self.store().get(*self.keys.get(i)?)
    }
}

/// The templates that are given `items_html`: those that read it (themselves, or through
/// what they extend or include, as Tera finds them), when the item template and every
/// template it includes are the theme's own; none otherwise.
///
/// Tera's list of the variables a template reads cannot tell one the template sets itself
/// (`pic`, `tags` in the built-in item) from one the page gives, so it cannot show that a
/// site's own item reads nothing but `item` and `t`: only the theme's is known to.
pub fn card_templates(tera: &Tera, sources: &BTreeMap<String, TemplateSource>) -> BTreeSet<String> {
    if !builtin_with_includes(sources, ITEM_TEMPLATE, &mut BTreeSet::new()) {
        return BTreeSet::new();
    }
    sources
        .keys()
        .filter(|name| {
            tera.get_template_variables(name)
                .is_ok_and(|read| read.contains("items_html"))
        })
        .cloned()
        .collect()
}

/// Of the templates given `items_html`, those that are the theme's own, with all they
/// extend and include: the built-in list reads `articles` only where it has no
/// `items_html`, so these are not given `articles` at all, and a listing page makes no
/// refs for its entries (with Hugo's numbering, one new article has 11,500 listing pages
/// rendered again at 100,000 articles, and making their refs was a tenth of that build).
pub fn without_refs(
    given: &BTreeSet<String>,
    sources: &BTreeMap<String, TemplateSource>,
) -> BTreeSet<String> {
    given
        .iter()
        .filter(|name| builtin_with_includes(sources, name, &mut BTreeSet::new()))
        .cloned()
        .collect()
}

/// Whether `name` and what it extends and includes, transitively, are built in (`seen`
/// stops loops).
pub(super) fn builtin_with_includes(
    sources: &BTreeMap<String, TemplateSource>,
    name: &str,
    seen: &mut BTreeSet<String>,
) -> bool {
    if !seen.insert(name.to_string()) {
        return true;
    }
    let Some(source) = sources.get(name) else {
        return false;
    };
    source.origin.starts_with(crate::theme::BUILT_IN)
        && included(&source.text).all(|inner| builtin_with_includes(sources, inner, seen))
}

/// The names in a template's `{% include "…" %}` and `{% extends "…" %}` tags (and
/// anything else quoted after those words: a name that is no template counts as not
/// built in, the safe side).
fn included(text: &str) -> impl Iterator<Item = &str> {
    ["include", "extends"].into_iter().flat_map(|keyword| {
        text.split(keyword).skip(1).filter_map(|rest| {
            let rest = rest.trim_start();
            let quote = rest.chars().next().filter(|c| matches!(c, '"' | '\''))?;
            let name = &rest[1..];
            Some(&name[..name.find(quote)?])
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(origin: &str, text: &str) -> TemplateSource {
        TemplateSource {
            text: text.to_string(),
            origin: origin.to_string(),
        }
    }

    fn theme(item_origin: &str, tags_origin: &str) -> BTreeMap<String, TemplateSource> {
        let b = |n: &str| format!("{}/{n}", crate::theme::BUILT_IN);
        BTreeMap::from([
            (
                "list.html".to_string(),
                source(&b("list.html"), "{{ items_html[0] }}"),
            ),
            (
                "article.html".to_string(),
                source(&b("article.html"), "{% include \"partials/item.html\" %}"),
            ),
            (
                ITEM_TEMPLATE.to_string(),
                source(item_origin, "{%- include 'partials/tags.html' %}"),
            ),
            ("partials/tags.html".to_string(), source(tags_origin, "")),
        ])
    }

    /// The templates given cards, as a build would find them.
    fn given(sources: &BTreeMap<String, TemplateSource>) -> BTreeSet<String> {
        let mut tera = Tera::new();
        let texts = sources.iter().map(|(n, s)| (n.as_str(), s.text.as_str()));
        tera.add_raw_templates(texts).expect("templates parse");
        card_templates(&tera, sources)
    }

    #[test]
    fn the_built_in_item_gives_cards_to_the_templates_reading_them() {
        let b = |n: &str| format!("{}/{n}", crate::theme::BUILT_IN);
        let mut sources = theme(&b(ITEM_TEMPLATE), &b("partials/tags.html"));
        // Named in a comment only: not read, not given.
        let commented = "{# items_html: the entries #}{% for item in articles %}{% endfor %}";
        sources.insert(
            "plain.html".into(),
            source("templates/plain.html", commented),
        );
        assert_eq!(given(&sources), BTreeSet::from(["list.html".to_string()]));
    }

    #[test]
    fn an_overridden_item_or_include_renders_in_place() {
        let b = |n: &str| format!("{}/{n}", crate::theme::BUILT_IN);
        let own_item = theme("templates/partials/item.html", &b("partials/tags.html"));
        assert!(given(&own_item).is_empty());
        let own_tags = theme(&b(ITEM_TEMPLATE), "templates/partials/tags.html");
        assert!(given(&own_tags).is_empty());
    }

    #[test]
    fn a_list_template_goes_without_refs_only_when_all_it_extends_is_built_in() {
        let b = |n: &str| format!("{}/{n}", crate::theme::BUILT_IN);
        let mut sources = theme(&b(ITEM_TEMPLATE), &b("partials/tags.html"));
        let list = "{% extends \"base.html\" %}{% block b %}{{ items_html[0] }}{% endblock %}";
        sources.insert("list.html".into(), source(&b("list.html"), list));
        let base = "{% block b %}{% endblock %}";
        sources.insert("base.html".into(), source(&b("base.html"), base));
        let given = given(&sources);
        assert_eq!(without_refs(&given, &sources), given);
        // A site's own base.html may read `articles`.
        sources.insert("base.html".into(), source("templates/base.html", base));
        assert!(without_refs(&given, &sources).is_empty());
    }

    #[test]
    fn includes_are_read_with_either_quote() {
        let text = r#"{% extends "base.html" %}{% include "a.html" %} x {%- include 'b/c.html' -%} include me"#;
        assert_eq!(
            included(text).collect::<Vec<_>>(),
            ["a.html", "b/c.html", "base.html"]
        );
    }

    #[test]
    fn an_entry_an_earlier_build_kept_is_not_rendered_again() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("cards.bin");
        let render = |html: &'static str| move || Ok::<_, ()>(html.to_string());
        let first = Cards::kept(vec![7, 8], &path);
        first.get(0, render("<li>七</li>")).expect("rendered");
        first.save();
        // Article 1 (key 8) was listed nowhere: nothing of it is kept.
        let next = Cards::kept(vec![8, 7, 9], &path);
        let kept = next.get(1, || Err("rendered again"));
        assert_eq!(
            kept.map(|v| v.as_str().map(String::from)),
            Ok(Some("<li>七</li>".into()))
        );
        assert_eq!(next.get(0, || Err("not kept")), Err("not kept"));
        next.get(2, render("<li>九</li>")).expect("rendered");
        next.save();
        let third = Cards::kept(vec![9, 7], &path);
        assert!(third.get(0, || Err(())).is_ok() && third.get(1, || Err(())).is_ok());
    }

    #[test]
    fn an_entry_is_rendered_once() {
        let cards = Cards::lazy(2);
        let mut runs = 0;
        for _ in 0..3 {
            let v = cards.get(1, || -> Result<_, ()> {
                runs += 1;
                Ok("<li>x</li>".to_string())
            });
            assert_eq!(
                v.map(|v| v.as_str().map(String::from)),
                Ok(Some("<li>x</li>".into()))
            );
        }
        assert_eq!(runs, 1);
        // A failure is not kept: the next page asks again.
        assert_eq!(cards.get(0, || Err("bad")), Err("bad"));
        assert!(cards.get(0, || Ok::<_, ()>("ok".into())).is_ok());
    }
}
