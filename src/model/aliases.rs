//! Aliases that want a URL a page holds or another alias wants, settled once pages and
//! listings are attached (so that build, check and serve settle them alike).
//!
//! Archives carry them: Jekyll's own documentation lists `/conduct/` in the
//! `redirect_from` of two files, and an old alias often names a URL a later article took.
//! Hugo and Jekyll write one file over the other without a word; aborting the build would
//! stop a migration over content nobody wrote for sitegen. The rule:
//!
//! - a page (an article, a standalone page, a listing, or a page sitegen makes: `tags/`,
//!   `categories/`, `archives/`, `search/`, `404.html`) always keeps its URL: an alias
//!   wanting it is left out;
//! - between aliases, the one of the file whose source path sorts first (byte order) is
//!   kept;
//! - each alias left out is a warning at its file naming both and the one kept (with
//!   `--strict`, an error). An alias listed twice in one file is written once, silently.
//!
//! Later pages of a listing (`x/page/2/`) are not weighed here: an alias wanting one stays
//! an error of [`crate::render::plan`], as do aliases wanting a static file's, a bundle
//! file's or a generated file's (feed, sitemap) name.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use super::{
    ARCHIVES_PATH, CATEGORIES_PATH, ListMeta, NOT_FOUND_PATH, SEARCH_PATH, Site, TAGS_PATH,
};
use crate::diagnostics::{Diagnostic, display_path};
use crate::paths::output_file;

/// Whose alias it is: an article's, a standalone page's or an `_index.md`'s (indexes
/// into `site.articles`, `site.pages`, `site.list_metas`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Owner {
    Article(usize),
    Page(usize),
    Meta(usize),
}

/// One alias wanting a URL.
struct Wanting {
    source: String,
    owner: Owner,
    /// Its place in the owner's `aliases`.
    at: usize,
    alias: String,
    file: String,
}

/// Leaves out every alias that wants a page's URL or the URL of an alias met first (by
/// the rule above), returning a warning for each. Articles keep the aliases as written
/// (`Article::written_aliases`) so that settling again gives what settling once does.
pub fn dedupe_aliases(site: &mut Site) -> Vec<Diagnostic> {
    for a in &mut site.articles {
        if let Some(written) = a.written_aliases.take() {
            a.aliases = written;
        }
    }
    let mut wanting = aliases_of(site);
    if wanting.is_empty() {
        return Vec::new();
    }
    // Stable: one file's aliases keep their order.
    wanting.sort_by(|a, b| a.source.cmp(&b.source));
    let wanted: HashSet<&str> = wanting.iter().map(|w| w.file.as_str()).collect();
    let pages = page_urls(site, &wanted);
    let mut kept: HashMap<&str, &Wanting> = HashMap::new();
    let mut lost: Vec<(Owner, usize)> = Vec::new();
    let mut warnings = Vec::new();
    for w in &wanting {
        if let Some(page) = pages.get(&w.file) {
            warnings.push(lost_to_page(w, page));
            lost.push((w.owner, w.at));
        } else if let Some(first) = kept.get(w.file.as_str()) {
            if first.owner != w.owner {
                warnings.push(lost_to_alias(first, w));
            }
            lost.push((w.owner, w.at));
        } else {
            kept.insert(&w.file, w);
        }
    }
    drop_lost(site, &lost);
    warnings
}

/// Every alias of the site, with the file it would be written to.
fn aliases_of(site: &Site) -> Vec<Wanting> {
    let articles = site.articles.iter().enumerate();
    let articles = articles.map(|(i, a)| (Owner::Article(i), &a.source_path, &a.aliases));
    let pages = site.pages.iter().enumerate();
    let pages = pages.map(|(i, p)| (Owner::Page(i), &p.source_path, &p.aliases));
    let metas = site.list_metas.iter().enumerate();
    let metas = metas.map(|(i, m)| (Owner::Meta(i), &m.source_path, &m.aliases));
    articles
        .chain(pages)
        .chain(metas)
        .flat_map(|(owner, source, aliases)| {
            aliases.iter().enumerate().map(move |(at, alias)| Wanting {
                source: display_path(source),
                owner,
                at,
                alias: alias.clone(),
                file: alias_file(alias),
            })
        })
        .collect()
}

/// The file an alias is written to (as [`crate::render::plan`] places it). Load refused
/// aliases that leave the site; one that still will not resolve is kept as written.
fn alias_file(alias: &str) -> String {
    let path = crate::content::permalink::alias_path(alias, "").unwrap_or_else(|_| alias.into());
    output_file(&path)
}

/// A page holding a URL, for messages: what it is and, for a page made from a file,
/// that file.
struct Holder {
    what: String,
    source: Option<PathBuf>,
}

/// The file of every page that beats an alias and is `wanted` by one → who holds it (the
/// first met: articles, then standalone pages, listings and the pages sitegen makes). Only
/// the wanted are described: a large portal has a few aliases and 100,000 pages.
fn page_urls(site: &Site, wanted: &HashSet<&str>) -> HashMap<String, Holder> {
    let mut urls: HashMap<String, Holder> = HashMap::new();
    let mut hold = |path: &str, what: &dyn Fn() -> String, source: Option<&Path>| {
        let file = output_file(path);
        if wanted.contains(file.as_str()) {
            urls.entry(file).or_insert_with(|| Holder {
                what: what(),
                source: source.map(Path::to_path_buf),
            });
        }
    };
    for a in &site.articles {
        let source = &a.source_path;
        let what = || format!("the article {}", display_path(source));
        hold(&a.path, &what, Some(source));
    }
    for p in &site.pages {
        let source = &p.source_path;
        let what = || format!("the page {}", display_path(source));
        hold(&p.path, &what, Some(source));
    }
    for (path, what, meta) in listing_urls(site) {
        let shown = |m: &ListMeta| m.render;
        if meta.is_none_or(shown) {
            hold(
                &path,
                &|| what.clone(),
                meta.map(|m| m.source_path.as_path()),
            );
        }
    }
    for (path, what) in [
        (TAGS_PATH, "the tag index"),
        (CATEGORIES_PATH, "the category index"),
        (ARCHIVES_PATH, "the archive index"),
        (SEARCH_PATH, "the search page"),
        (NOT_FOUND_PATH, "the 404 page"),
    ] {
        hold(path, &|| what.to_string(), None);
    }
    urls
}

/// The first page of every listing: (URL path, what it is, its `_index.md`).
fn listing_urls(site: &Site) -> Vec<(String, String, Option<&ListMeta>)> {
    let meta = |m: Option<usize>| m.and_then(|m| site.list_metas.get(m));
    let mut out = vec![(
        String::new(),
        "the home page".to_string(),
        meta(site.home_meta),
    )];
    let terms = [
        ("section", &site.sections, &site.section_metas),
        ("tag", &site.tags, &site.tag_metas),
        ("category", &site.categories, &site.category_metas),
    ];
    for (kind, terms, metas) in terms {
        out.extend(terms.iter().enumerate().map(|(i, t)| {
            let m = meta(metas.get(i).copied().flatten());
            (
                t.path.clone(),
                format!("the {kind} listing `{}`", t.name),
                m,
            )
        }));
    }
    out.extend(site.folders.iter().zip(&site.folder_metas).map(|(t, &m)| {
        let what = format!("the section listing `{}`", t.name);
        (t.path.clone(), what, meta(Some(m)))
    }));
    for y in &site.years {
        out.push((y.path.clone(), format!("the archive of {}", y.year), None));
        out.extend(y.months.iter().map(|m| {
            let what = format!("the archive of {}-{:02}", y.year, m.month);
            (m.path.clone(), what, None)
        }));
    }
    out
}

fn lost_to_page(w: &Wanting, page: &Holder) -> Diagnostic {
    let own = page.source.as_deref().map(display_path);
    let message = if own.as_deref() == Some(w.source.as_str()) {
        format!(
            "the alias {} is the URL of {} itself: nothing to redirect, the alias is left out",
            w.alias, page.what
        )
    } else {
        format!(
            "the alias {} wants the URL of {}: a page always keeps its URL, so the alias is left out",
            w.alias, page.what
        )
    };
    Diagnostic::warning(&w.source, message)
        .line(1)
        .hint("remove the alias from `aliases` (`redirect_from`), or change it")
}

fn lost_to_alias(first: &Wanting, w: &Wanting) -> Diagnostic {
    let (kept, left) = (&first.source, &w.source);
    Diagnostic::warning(
        left,
        format!(
            "{kept} and {left} both have an alias at /{}: the one of {kept} is kept (its source path sorts first), the one of {left} (`{}`) is left out",
            w.file, w.alias
        ),
    )
    .line(1)
    .hint("remove the alias from one of the files' `aliases` (`redirect_from`)")
}

/// Removes the aliases left out, keeping the articles' as written.
fn drop_lost(site: &mut Site, lost: &[(Owner, usize)]) {
    let mut by_owner: HashMap<Owner, Vec<usize>> = HashMap::new();
    for &(owner, at) in lost {
        by_owner.entry(owner).or_default().push(at);
    }
    for (owner, gone) in by_owner {
        let aliases = match owner {
            Owner::Article(i) => {
                let a = &mut site.articles[i];
                a.written_aliases = Some(a.aliases.clone());
                &mut a.aliases
            }
            Owner::Page(i) => &mut site.pages[i].aliases,
            Owner::Meta(i) => &mut site.list_metas[i].aliases,
        };
        let mut at = 0;
        aliases.retain(|_| {
            at += 1;
            !gone.contains(&(at - 1))
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Article, StandalonePage};

    fn article(source: &str, path: &str, aliases: &[&str]) -> Article {
        Article {
            tags: vec!["芯片".into()],
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
            ..Article::for_tests(source, path)
        }
    }

    fn page(source: &str, path: &str, aliases: &[&str]) -> StandalonePage {
        StandalonePage {
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
            ..StandalonePage::for_tests(source, path)
        }
    }

    fn site(articles: Vec<Article>, pages: Vec<StandalonePage>) -> Site {
        let config = crate::config::SiteConfig::parse(
            "title = \"科技日报\"\nbase_url = \"https://news.example.com/\"\n",
            None,
        )
        .expect("config");
        let now = articles[0].date;
        let mut site = crate::model::assemble(config, articles, Default::default(), now);
        site.pages = pages;
        site
    }

    fn aliases_of(site: &Site, source: &str) -> Vec<String> {
        let a = site
            .articles
            .iter()
            .find(|a| a.source_path == Path::new(source));
        let p = site
            .pages
            .iter()
            .find(|p| p.source_path == Path::new(source));
        a.map(|a| a.aliases.clone())
            .or_else(|| p.map(|p| p.aliases.clone()))
            .expect("source")
    }

    #[test]
    fn between_two_aliases_the_first_source_path_wins() {
        let mut site = site(
            vec![
                article("content/z.md", "2024/03/z/", &["/conduct/", "/z-old/"]),
                article("content/a.md", "2024/03/a/", &["/conduct/index.html"]),
            ],
            Vec::new(),
        );
        let warnings = dedupe_aliases(&mut site);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        let w = &warnings[0];
        assert!(!w.is_error());
        assert_eq!(w.path, Path::new("content/z.md"));
        assert!(
            w.message.contains(
                "content/a.md and content/z.md both have an alias at /conduct/index.html"
            ) && w.message.contains("the one of content/a.md is kept"),
            "{w}"
        );
        assert_eq!(aliases_of(&site, "content/a.md"), ["/conduct/index.html"]);
        assert_eq!(aliases_of(&site, "content/z.md"), ["/z-old/"]);
    }

    #[test]
    fn pages_and_listings_beat_aliases_whatever_their_paths() {
        let mut site = site(
            vec![
                article("content/b.md", "2024/03/b/", &[]),
                article(
                    "content/a.md",
                    "2024/03/a/",
                    &["/2024/03/b/", "/关于/", "/tags/芯片/"],
                ),
            ],
            vec![page("content/关于.md", "关于/", &["/search/", "/关于/"])],
        );
        let warnings = dedupe_aliases(&mut site);
        let messages: Vec<String> = warnings.iter().map(ToString::to_string).collect();
        assert_eq!(warnings.len(), 5, "{messages:#?}");
        assert!(messages.iter().any(|m| m.contains(
            "the alias /2024/03/b/ wants the URL of the article content/b.md: a page always keeps its URL"
        )));
        assert!(
            messages
                .iter()
                .any(|m| m.contains("the page content/关于.md"))
        );
        assert!(
            messages
                .iter()
                .any(|m| m.contains("the tag listing `芯片`"))
        );
        assert!(messages.iter().any(|m| m.contains("the search page")));
        assert!(
            messages
                .iter()
                .any(|m| m
                    .contains("the alias /关于/ is the URL of the page content/关于.md itself"))
        );
        assert!(aliases_of(&site, "content/a.md").is_empty());
        assert!(aliases_of(&site, "content/关于.md").is_empty());
    }

    #[test]
    fn settling_again_starts_from_the_aliases_as_written() {
        let mut site = site(
            vec![
                article("content/b.md", "2024/03/b/", &["/旧/", "/b-old/"]),
                article("content/a.md", "2024/03/a/", &["/旧/"]),
            ],
            Vec::new(),
        );
        assert_eq!(dedupe_aliases(&mut site).len(), 1);
        assert_eq!(aliases_of(&site, "content/b.md"), ["/b-old/"]);
        // The keeper gives its alias up (serve: `content/a.md` was edited).
        let a = site
            .articles
            .iter_mut()
            .find(|a| a.source_path == Path::new("content/a.md"))
            .expect("a");
        a.aliases.clear();
        assert!(dedupe_aliases(&mut site).is_empty());
        assert_eq!(aliases_of(&site, "content/b.md"), ["/旧/", "/b-old/"]);
    }

    #[test]
    fn an_alias_listed_twice_in_one_file_is_written_once_without_a_word() {
        let mut site = site(
            vec![article("content/a.md", "2024/03/a/", &["/old/", "/old"])],
            Vec::new(),
        );
        assert!(dedupe_aliases(&mut site).is_empty());
        assert_eq!(aliases_of(&site, "content/a.md"), ["/old/"]);
    }
}
