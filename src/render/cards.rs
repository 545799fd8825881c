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

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use tera::{Tera, Value};

use crate::theme::TemplateSource;

/// The template of one listing entry.
pub const ITEM_TEMPLATE: &str = "partials/item.html";

/// Each article's entry, rendered the first time a listing shows it.
#[derive(Default)]
pub struct Cards {
    cells: Vec<OnceLock<Value>>,
}

impl Cards {
    /// Room for `articles` entries, none rendered yet.
    pub fn lazy(articles: usize) -> Cards {
        Cards {
            cells: (0..articles).map(|_| OnceLock::new()).collect(),
        }
    }

    /// Article `i`'s entry: rendered by `render` (once, when it succeeds).
    pub fn get<E>(&self, i: usize, render: impl FnOnce() -> Result<String, E>) -> Result<Value, E> {
        let Some(cell) = self.cells.get(i) else {
            return render().map(|html| Value::safe_string(&html));
        };
        if let Some(done) = cell.get() {
            return Ok(done.clone());
        }
        let html = render()?;
        Ok(cell.get_or_init(|| Value::safe_string(&html)).clone())
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

/// Whether `name` and what it includes, transitively, are built in (`seen` stops loops).
fn builtin_with_includes(
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

/// The names in a template's `{% include "…" %}` tags.
fn included(text: &str) -> impl Iterator<Item = &str> {
    text.split("include").skip(1).filter_map(|rest| {
        let rest = rest.trim_start();
        let quote = rest.chars().next().filter(|c| matches!(c, '"' | '\''))?;
        let name = &rest[1..];
        Some(&name[..name.find(quote)?])
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
    fn includes_are_read_with_either_quote() {
        let text = r#"{% include "a.html" %} x {%- include 'b/c.html' -%} include me"#;
        assert_eq!(included(text).collect::<Vec<_>>(), ["a.html", "b/c.html"]);
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
