//! The header and the footer of every page, rendered once per kind of page rather than
//! once per page (as Hugo's `partialCached`).
//!
//! Tera evaluates every expression of a template on every page, and the theme's header and
//! footer (the search box, the navigation, the menus: some forty expressions) were 4.8 %
//! of the instructions of a cold build, for HTML that differs from page to page only in
//! which navigation item is the page's own. The theme's `partials/header.html` and
//! `partials/footer.html` read `site`, `t`, `alternates` and `page_kind`, and read
//! `listing.url`, `page.url` and `page.section.url` only to compare them with the `url` of
//! an item of `site.nav`, `site.menu.main` or `site.menu.footer`. Two pages that agree on
//! those (their [`Key`]) get the same HTML from both partials, so each is rendered for the
//! first page with a key and handed to base.html as `header_html` and `footer_html` on the
//! pages after it.
//!
//! A partial that a site overrides (itself or a template it includes) may read anything,
//! so it is included on every page, as before; so are both on pages with `alternates`
//! (the edition switch links the page itself).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Mutex, PoisonError};

use tera::{Context, Value};

use crate::diagnostics::Diagnostic;
use crate::theme::TemplateSource;

/// The header partial, given as `header_html`.
pub const HEADER: &str = "partials/header.html";
/// The footer partial, given as `footer_html`.
pub const FOOTER: &str = "partials/footer.html";

/// Which of the two partials are the theme's own, with all they include: only those are
/// rendered once per key.
#[derive(Debug, Clone, Copy)]
pub struct Builtin {
    header: bool,
    footer: bool,
}

impl Builtin {
    pub fn of(sources: &BTreeMap<String, TemplateSource>) -> Builtin {
        let builtin =
            |name| super::cards::builtin_with_includes(sources, name, &mut Default::default());
        Builtin {
            header: builtin(HEADER),
            footer: builtin(FOOTER),
        }
    }

    fn any(self) -> bool {
        self.header || self.footer
    }
}

/// The partials rendered so far in one build, by key.
pub struct Chrome {
    /// The urls of the items of `site.nav`, `site.menu.main` and `site.menu.footer`: a
    /// page's own urls count in its key only when they are one of these.
    targets: HashSet<String>,
    rendered: Mutex<HashMap<Key, Parts>>,
}

/// What the theme's partials read that differs between pages.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    /// Whether the page's `site` holds the side column's counts.
    counts: bool,
    page_kind: String,
    /// `listing.url`, `page.url` and `page.section.url`, each only when it is a target.
    own: [Option<String>; 3],
}

#[derive(Clone)]
struct Parts {
    header: Option<Value>,
    footer: Option<Value>,
}

impl Parts {
    fn render(
        builtin: Builtin,
        ctx: &Context,
        render: impl Fn(&str, &Context) -> Result<String, Diagnostic>,
    ) -> Result<Parts, Diagnostic> {
        let part = |wanted: bool, name: &str| match wanted {
            true => render(name, ctx).map(|html| Some(Value::safe_string(&html))),
            false => Ok(None),
        };
        Ok(Parts {
            header: part(builtin.header, HEADER)?,
            footer: part(builtin.footer, FOOTER)?,
        })
    }
}

impl Chrome {
    /// For a build whose pages get `site` (either of its values: both have the same
    /// navigation and menus).
    pub fn new(site: &Value) -> Chrome {
        let targets = ["nav", "menu.main", "menu.footer"]
            .into_iter()
            .filter_map(|path| site.get_from_path(path)?.as_array())
            .flatten()
            .filter_map(|item| Some(item.get_from_path("url")?.as_str()?.to_string()))
            .collect();
        Chrome {
            targets,
            rendered: Mutex::default(),
        }
    }

    /// Gives the page of `ctx` its `header_html` and `footer_html` (those of `builtin`),
    /// rendered by `render` for the first page with the same key. `counts`: whether its
    /// `site` value holds the counts.
    pub fn give(
        &self,
        builtin: Builtin,
        counts: bool,
        ctx: &mut Context,
        render: impl Fn(&str, &Context) -> Result<String, Diagnostic>,
    ) -> Result<(), Diagnostic> {
        if !builtin.any() {
            return Ok(());
        }
        let Some(key) = self.key(ctx, counts) else {
            return Ok(());
        };
        let known = self.lock().get(&key).cloned();
        let parts = match known {
            Some(parts) => parts,
            // Rendered outside the lock: two threads that both miss render the same HTML.
            None => {
                let parts = Parts::render(builtin, ctx, render)?;
                self.lock().entry(key).or_insert(parts).clone()
            }
        };
        if let Some(header) = parts.header {
            ctx.insert_value("header_html", header);
        }
        if let Some(footer) = parts.footer {
            ctx.insert_value("footer_html", footer);
        }
        Ok(())
    }

    /// The key of the page of `ctx`; none when it has alternates.
    fn key(&self, ctx: &Context, counts: bool) -> Option<Key> {
        if ctx.get("alternates").and_then(Value::len).unwrap_or(0) > 0 {
            return None;
        }
        let own = |var: &str, path: &str| {
            let url = ctx.get(var)?.get_from_path(path)?.as_str()?;
            self.targets.contains(url).then(|| url.to_string())
        };
        Some(Key {
            counts,
            page_kind: ctx.get("page_kind")?.as_str()?.to_string(),
            own: [
                own("listing", "url"),
                own("page", "url"),
                own("page", "section.url"),
            ],
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Key, Parts>> {
        self.rendered.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;

    use super::*;

    const BOTH: Builtin = Builtin {
        header: true,
        footer: true,
    };

    /// A `site` whose navigation links two sections and whose footer links a page.
    fn chrome() -> Chrome {
        let site: serde_json::Value = serde_json::json!({
            "nav": [{"name": "资讯", "url": "/资讯/"}, {"name": "评测", "url": "/评测/"}],
            "menu": {"main": [], "footer": [{"name": "关于我们", "url": "/关于我们/"}]},
        });
        Chrome::new(&Value::from_serializable(&site))
    }

    fn article(url: &str, section: &str) -> Context {
        let mut ctx = Context::new();
        ctx.insert("page_kind", "article");
        ctx.insert("alternates", &Vec::<String>::new());
        ctx.insert(
            "page",
            &serde_json::json!({"url": url, "section": {"url": section}}),
        );
        ctx
    }

    /// Gives `ctx` its parts and returns the names rendered for it.
    fn give(chrome: &Chrome, builtin: Builtin, ctx: &mut Context) -> Vec<String> {
        let rendered = RefCell::new(Vec::new());
        chrome
            .give(builtin, false, ctx, |name, ctx| {
                rendered.borrow_mut().push(name.to_string());
                let url = ctx.get("page").and_then(|p| p.get_from_path("url"));
                Ok(format!("{name} for {:?}", url.and_then(Value::as_str)))
            })
            .expect("renders");
        rendered.into_inner()
    }

    fn html<'c>(ctx: &'c Context, var: &str) -> Option<&'c str> {
        ctx.get(var).and_then(Value::as_str)
    }

    #[test]
    fn articles_of_one_section_share_the_parts_rendered_for_the_first() {
        let chrome = chrome();
        let mut first = article("/2026/01/a/", "/资讯/");
        assert_eq!(give(&chrome, BOTH, &mut first), [HEADER, FOOTER]);
        let mut second = article("/2026/01/b/", "/资讯/");
        assert!(give(&chrome, BOTH, &mut second).is_empty());
        assert_eq!(
            html(&second, "header_html"),
            Some("partials/header.html for Some(\"/2026/01/a/\")")
        );
        assert_eq!(html(&second, "footer_html"), html(&first, "footer_html"));
        // Another section is another key; so is a page the menus link.
        let mut other = article("/2026/01/c/", "/评测/");
        assert_eq!(give(&chrome, BOTH, &mut other), [HEADER, FOOTER]);
        let mut about = article("/关于我们/", "/资讯/");
        assert_eq!(give(&chrome, BOTH, &mut about), [HEADER, FOOTER]);
    }

    #[test]
    fn a_page_with_alternates_or_an_overridden_partial_renders_it_in_place() {
        let chrome = chrome();
        let mut ctx = article("/2026/01/a/", "/资讯/");
        ctx.insert("alternates", &["/zh-hant/2026/01/a/"]);
        assert!(give(&chrome, BOTH, &mut ctx).is_empty());
        assert_eq!(html(&ctx, "header_html"), None);

        let footer_only = Builtin {
            header: false,
            footer: true,
        };
        let mut ctx = article("/2026/01/a/", "/资讯/");
        assert_eq!(give(&chrome, footer_only, &mut ctx), [FOOTER]);
        assert_eq!(html(&ctx, "header_html"), None);
        assert!(html(&ctx, "footer_html").is_some());
    }

    #[test]
    fn only_partials_the_theme_wrote_itself_are_rendered_once() {
        let source = |origin: &str| TemplateSource {
            text: String::new(),
            origin: origin.to_string(),
        };
        let theme = |name: &str| source(&format!("{}/{name}", crate::theme::BUILT_IN));
        let mut sources = BTreeMap::from([
            (HEADER.to_string(), theme(HEADER)),
            (FOOTER.to_string(), theme(FOOTER)),
        ]);
        let both = Builtin::of(&sources);
        assert!(both.header && both.footer);
        sources.insert(HEADER.to_string(), source("templates/partials/header.html"));
        let footer = Builtin::of(&sources);
        assert!(!footer.header && footer.footer);
    }
}
