//! What the editors arrange around the articles: the home page's picks (`data/picks.*`,
//! then `pinned` front matter), the 热门 list (`data/hot.*`) and the menus of config.toml.
//!
//! Runs once the model is whole ([`arrange`]): entries name articles by source path or URL,
//! and menu entries name sections, which exist only after the content is loaded. An entry
//! that names nothing is told at its line in the file that holds it.

use std::cell::OnceCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::Site;
use crate::config::{CONFIG_FILE, MenuEntry};
use crate::diagnostics::Diagnostic;
use crate::slug::slugify;

/// Entries of the 热门 list shown at most.
pub const HOT_ITEMS: usize = 10;

/// Where a menu entry or 热门 item leads.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Target {
    /// A path under the site, relative to its root, perhaps with `?query` or `#fragment`
    /// (`关于我们/`, `search/?q=芯片`).
    Site(String),
    /// Another site's URL (or `mailto:`), kept as written.
    External(String),
}

impl Target {
    /// `url` as an editor writes it: absolute URLs stay, anything else is a path from the
    /// site root.
    pub fn parse(url: &str) -> Target {
        let url = url.trim();
        if crate::urls::is_absolute(url) {
            Target::External(url.to_string())
        } else {
            Target::Site(url.trim_start_matches('/').to_string())
        }
    }

    /// The href: the site's base path and percent-encoding for a site path.
    pub fn href(&self, urls: &crate::urls::Urls) -> String {
        match self {
            Target::External(url) => url.clone(),
            Target::Site(path) => {
                let split = path.find(['?', '#']).unwrap_or(path.len());
                format!("{}{}", urls.href(&path[..split]), &path[split..])
            }
        }
    }
}

/// One link of a menu.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MenuLink {
    pub name: String,
    pub target: Target,
}

/// `[menu]` resolved: entries in `weight` order (lighter first, unweighted last, then as
/// written), sections as their listings' URLs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Navigation {
    /// The header's links; empty means the theme shows the sections.
    pub main: Vec<MenuLink>,
    pub footer: Vec<MenuLink>,
}

/// One entry of the 热门 list.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct HotItem {
    /// The entry's own `title`; without one, its article's (read when rendering, so that
    /// `serve` shows a retitled article's new title).
    pub title: Option<String>,
    pub target: Target,
    pub views: Option<u64>,
    /// The article it leads to, when it leads to one.
    pub article: Option<usize>,
}

/// Fills `site.picks`, `site.hot` and `site.menus` from the data files and the config.
/// Returns a warning for each picks or 热门 entry that names nothing, a warning for each
/// `[sections.NAME]` naming no section, and an error for each menu entry naming an
/// unknown section.
#[must_use = "the diagnostics name every entry that leads nowhere"]
pub fn arrange(site: &mut Site) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    let index = ArticleIndex::new(site);
    let picked = picks(site, &index, &mut found);
    let hot = hot(site, &index, &mut found);
    (site.picks, site.hot) = (picked, hot);
    site.menus = menus(site, &mut found);
    found.extend(unknown_section_settings(site));
    // The theme strings' own warnings (an unknown `language`), told with the model's.
    found.extend(site.strings.warnings.iter().cloned());
    found
}

/// Articles by source path (`content/资讯/x.md`) and by URL path (`2026/11/slug/`), each
/// map made when first looked in: most sites name no article in their front page's data,
/// and a large portal has 100,000.
struct ArticleIndex<'a> {
    site: &'a Site,
    by_source: OnceCell<HashMap<String, usize>>,
    by_path: OnceCell<HashMap<String, usize>>,
}

impl<'a> ArticleIndex<'a> {
    fn new(site: &'a Site) -> Self {
        ArticleIndex {
            site,
            by_source: OnceCell::new(),
            by_path: OnceCell::new(),
        }
    }

    fn by_source(&self) -> &HashMap<String, usize> {
        self.by_source.get_or_init(|| {
            let articles = self.site.articles.iter().enumerate();
            articles
                .map(|(i, a)| (a.source_path.to_string_lossy().replace('\\', "/"), i))
                .collect()
        })
    }

    fn by_path(&self) -> &HashMap<String, usize> {
        self.by_path.get_or_init(|| {
            let articles = self.site.articles.iter().enumerate();
            articles.map(|(i, a)| (a.path.clone(), i)).collect()
        })
    }

    /// The article a source path or URL names: `content/资讯/x.md` (or `资讯/x.md`),
    /// `/2026/11/slug/`, `2026/11/slug`, `https://site/portal/2026/11/slug/`.
    fn find(&self, reference: &str) -> Option<usize> {
        let reference = reference.trim();
        if crate::paths::is_markdown(Path::new(reference)) {
            let path = reference.trim_start_matches("./").trim_start_matches('/');
            let by_source = self.by_source();
            return by_source
                .get(path)
                .or_else(|| by_source.get(&format!("content/{path}")))
                .copied();
        }
        let path = reference
            .strip_prefix(self.site.config.base_url.as_str())
            .unwrap_or(reference);
        let path = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
        let path = path.split(['?', '#']).next().unwrap_or_default();
        let rooted = format!("/{}", path.trim_start_matches('/'));
        let path = rooted
            .strip_prefix(self.site.config.root_path.as_str())
            .unwrap_or(&rooted)
            .trim_start_matches('/');
        let path = path.strip_suffix("index.html").unwrap_or(path);
        let by_path = self.by_path();
        by_path
            .get(path)
            .or_else(|| by_path.get(&format!("{path}/")))
            .copied()
    }
}

/// `data/picks.*` entries in order, then `pinned` articles by `weight` (lighter first,
/// unweighted last), newest first among equals; drafts never, each article once.
fn picks(site: &Site, index: &ArticleIndex, found: &mut Vec<Diagnostic>) -> Vec<usize> {
    let mut chosen: Vec<usize> = Vec::new();
    let add = |i: usize, chosen: &mut Vec<usize>| {
        if !site.articles[i].draft && !chosen.contains(&i) {
            chosen.push(i);
        }
    };
    if let Some(data) = site.data.get("picks") {
        let file = DataFile::find(&site.config.root, "picks");
        let entries = data
            .get("articles")
            .or_else(|| data.as_array().map(|_| data));
        match entries.and_then(Value::as_array) {
            Some(entries) => {
                for entry in entries {
                    let reference = reference_of(entry);
                    match reference.as_deref().and_then(|r| index.find(r)) {
                        Some(i) => add(i, &mut chosen),
                        None => found.push(file.unresolved(entry, "the picks")),
                    }
                }
            }
            None => found.push(file.warning(
                None,
                "has no `articles` list: no editors' picks",
                "write articles = [\"content/资讯/x.md\", \"/2026/11/slug/\"]",
            )),
        }
    }
    let mut pinned: Vec<usize> = (0..site.articles.len())
        .filter(|&i| site.articles[i].pinned)
        .collect();
    // Stable: articles are newest first, and stay so among equal weights.
    pinned.sort_by_key(|&i| {
        let w = site.articles[i].weight;
        (w.is_none(), w)
    });
    for i in pinned {
        add(i, &mut chosen);
    }
    chosen
}

/// The home page's lead slots (`[home] lead_slots`): the picks, then the newest articles
/// with a cover, each once.
pub fn lead(site: &Site) -> Vec<usize> {
    let slots = site.config.raw.home.lead_slots;
    let mut lead: Vec<usize> = site.picks.iter().copied().take(slots).collect();
    for &i in &site.all_articles {
        if lead.len() >= slots {
            break;
        }
        if site.articles[i].cover.is_some() && !lead.contains(&i) {
            lead.push(i);
        }
    }
    lead
}

/// An entry naming an article: a string, or a table with `path` or `url`.
fn reference_of(entry: &Value) -> Option<String> {
    match entry {
        Value::String(s) => Some(s.clone()),
        Value::Object(map) => map
            .get("path")
            .or_else(|| map.get("url"))
            .and_then(Value::as_str)
            .map(str::to_string),
        _ => None,
    }
}

/// The 热门 list: `data/hot.*`'s `items`, as written, at most [`HOT_ITEMS`].
fn hot(site: &Site, index: &ArticleIndex, found: &mut Vec<Diagnostic>) -> Vec<HotItem> {
    let Some(data) = site.data.get("hot") else {
        return Vec::new();
    };
    let file = DataFile::find(&site.config.root, "hot");
    let items = data.get("items").or_else(|| data.as_array().map(|_| data));
    let Some(items) = items.and_then(Value::as_array) else {
        found.push(file.warning(
            None,
            "has no `items` list: no 热门 list",
            "write items = [{ path = \"content/资讯/x.md\", views = 1200 }] or items = [{ title = \"…\", url = \"/2026/11/slug/\" }]",
        ));
        return Vec::new();
    };
    let mut list = Vec::new();
    for item in items {
        match hot_item(site, index, item) {
            Some(hot) => list.push(hot),
            None => found.push(file.unresolved(item, "the 热门 list")),
        }
        if list.len() == HOT_ITEMS {
            break;
        }
    }
    list
}

/// One 热门 entry: an article by `path` or `url` (its title unless `title` is given), or
/// any `url` with a `title`.
fn hot_item(site: &Site, index: &ArticleIndex, item: &Value) -> Option<HotItem> {
    let text = |key: &str| {
        item.get(key)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
    };
    let views = item.get("views").and_then(|v| {
        v.as_u64()
            .or_else(|| v.as_f64().filter(|f| *f >= 0.0).map(|f| f as u64))
            .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
    });
    let reference = match item {
        Value::String(s) => Some(s.as_str()),
        _ => text("path").or_else(|| text("url")),
    };
    if let Some(i) = reference.and_then(|r| index.find(r)) {
        return Some(HotItem {
            title: text("title").map(str::to_string),
            target: Target::Site(site.articles[i].path.clone()),
            views,
            article: Some(i),
        });
    }
    // A link that is not an article's: a page, a 专题, another site. It needs a title.
    match (text("title"), text("path"), text("url")) {
        (Some(title), None, Some(url)) => Some(HotItem {
            title: Some(title.to_string()),
            target: Target::parse(url),
            views,
            article: None,
        }),
        _ => None,
    }
}

/// `[menu] main` and `footer`, resolved.
fn menus(site: &Site, found: &mut Vec<Diagnostic>) -> Navigation {
    let menu = &site.config.raw.menu;
    Navigation {
        main: menu_links(site, "main", &menu.main, found),
        footer: menu_links(site, "footer", &menu.footer, found),
    }
}

fn menu_links(
    site: &Site,
    menu: &str,
    entries: &[MenuEntry],
    found: &mut Vec<Diagnostic>,
) -> Vec<MenuLink> {
    let mut order: Vec<usize> = (0..entries.len()).collect();
    order.sort_by_key(|&i| (entries[i].weight.is_none(), entries[i].weight));
    let mut links = Vec::with_capacity(entries.len());
    for i in order {
        let entry = &entries[i];
        let target = match (&entry.url, &entry.section) {
            (Some(url), _) => Target::parse(url),
            (None, Some(section)) => match section_listing(site, section) {
                Some(path) => Target::Site(path),
                None => {
                    found.push(unknown_section(site, menu, entry, section));
                    continue;
                }
            },
            // Refused when the config was read.
            (None, None) => continue,
        };
        links.push(MenuLink {
            name: entry.name.clone(),
            target,
        });
    }
    links
}

fn unknown_section(site: &Site, menu: &str, entry: &MenuEntry, section: &str) -> Diagnostic {
    let names: Vec<&str> = site.sections.iter().map(|s| s.name.as_str()).collect();
    let d = Diagnostic::new(
        CONFIG_FILE,
        format!(
            "`menu.{menu}` entry `{}` names the section `{}`, which does not exist; the sections are: {}",
            entry.name,
            section.escape_debug(),
            if names.is_empty() { "(none)".to_string() } else { names.join(", ") }
        ),
    )
    .hint("write a section's folder name under content/, or give the entry a `url` instead");
    match config_place(&site.config.root, &["section", &format!("\"{section}\"")]) {
        Some((line, col)) => d.at(line, col),
        None => d,
    }
}

/// The listing path of section `name`: a top-level folder with articles, or a folder with
/// an `_index.md` (`资讯/深度`).
pub fn section_listing(site: &Site, name: &str) -> Option<String> {
    let name = name.trim().trim_matches('/');
    let slug = slugify(name);
    if let Some(s) = site.sections.iter().find(|s| s.slug == slug) {
        return Some(s.path.clone());
    }
    let path: Vec<String> = name.split('/').map(slugify).collect();
    let path = format!("{}/", path.join("/"));
    site.folders
        .iter()
        .find(|f| f.path == path)
        .map(|f| f.path.clone())
}

/// A warning for each `[sections.NAME]` that names no section.
fn unknown_section_settings(site: &Site) -> Vec<Diagnostic> {
    let names: Vec<&str> = site.sections.iter().map(|s| s.name.as_str()).collect();
    site.config
        .raw
        .sections
        .keys()
        .filter(|name| section_listing(site, name).is_none())
        .map(|name| {
            let d = Diagnostic::warning(
                CONFIG_FILE,
                format!(
                    "`[sections.\"{name}\"]` names no section: its settings apply to nothing; the sections are: {}",
                    if names.is_empty() { "(none)".to_string() } else { names.join(", ") }
                ),
            )
            .hint("use a section's folder name under content/, e.g. [sections.\"资讯\"] (a Chinese key is quoted in TOML)");
            match config_place(&site.config.root, &[&format!("sections.{name}")])
                .or_else(|| config_place(&site.config.root, &[&format!("sections.\"{name}\"")]))
            {
                Some((line, col)) => d.at(line, col),
                None => d,
            }
        })
        .collect()
}

/// The line and column in config.toml of the first line holding every one of `needles`.
fn config_place(root: &Path, needles: &[&str]) -> Option<(usize, usize)> {
    let text = std::fs::read_to_string(root.join(CONFIG_FILE)).ok()?;
    place_in(&text, needles)
}

/// The line and column (of the last needle) of the first line of `text` holding every
/// one of `needles`.
fn place_in(text: &str, needles: &[&str]) -> Option<(usize, usize)> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if needles.iter().all(|n| line.contains(n)) {
            let last = needles.last().and_then(|n| line.find(n)).unwrap_or(0);
            return Some(crate::text::line_col(text, offset + last));
        }
        offset += line.len();
    }
    None
}

/// The data file a list came from (`data/picks.toml`), for placing warnings.
struct DataFile {
    /// Relative to the site root.
    rel: PathBuf,
    text: Option<String>,
}

impl DataFile {
    fn find(root: &Path, key: &str) -> DataFile {
        match crate::data::source_of(root, key) {
            Some(rel) => DataFile {
                text: std::fs::read_to_string(root.join(&rel)).ok(),
                rel,
            },
            None => DataFile {
                rel: PathBuf::from(crate::data::DATA_DIR).join(key),
                text: None,
            },
        }
    }

    fn warning(&self, at: Option<(usize, usize)>, message: &str, hint: &str) -> Diagnostic {
        let d = Diagnostic::warning(&self.rel, message).hint(hint);
        match at {
            Some((line, col)) => d.at(line, col),
            None => d,
        }
    }

    /// An entry naming no article: placed at the first line that holds what it names.
    fn unresolved(&self, entry: &Value, list: &str) -> Diagnostic {
        let shown = reference_of(entry).unwrap_or_else(|| entry.to_string());
        let at = self.text.as_deref().and_then(|text| {
            place_in(text, &[&format!("\"{shown}\"")])
                .or_else(|| place_in(text, &[&format!("'{shown}'")]))
                .or_else(|| place_in(text, &[shown.as_str()]))
        });
        self.warning(
            at,
            &format!(
                "`{}` in {list} names no published article",
                shown.escape_debug()
            ),
            "write the article's source path (content/资讯/x.md) or URL (/2026/11/slug/); a draft, future-dated, renamed or removed article is not published, so take it off the list",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::SiteConfig;
    use crate::model::{Article, assemble};

    fn site(config: &str, articles: Vec<Article>, data: Value) -> Site {
        let config = SiteConfig::parse(
            &format!("title = \"T\"\nbase_url = \"https://a.com/portal/\"\n{config}"),
            None,
        )
        .unwrap();
        let mut site = assemble(
            config,
            articles,
            Default::default(),
            chrono::DateTime::default(),
        );
        site.data = std::sync::Arc::new(data);
        site
    }

    fn dated(source: &str, path: &str, day: u32) -> Article {
        let date = format!("2026-11-{day:02}T09:00:00+08:00");
        Article {
            date: chrono::DateTime::parse_from_rfc3339(&date).unwrap(),
            section: Some("资讯".into()),
            ..Article::for_tests(source, path)
        }
    }

    fn titles(site: &Site, list: &[usize]) -> Vec<String> {
        list.iter()
            .map(|&i| site.articles[i].title.clone())
            .collect()
    }

    #[test]
    fn picks_come_first_then_pinned_by_weight() {
        let mut a = vec![
            dated("content/资讯/a.md", "2026/11/a/", 1),
            dated("content/资讯/b.md", "2026/11/b/", 2),
            dated("content/资讯/c.md", "2026/11/c/", 3),
            dated("content/资讯/d.md", "2026/11/d/", 4),
            dated("content/资讯/e.md", "2026/11/e/", 5),
        ];
        a[0].pinned = true;
        a[1].pinned = true;
        a[1].weight = Some(1);
        a[2].pinned = true;
        a[2].weight = Some(5);
        a[4].pinned = true;
        a[4].draft = true;
        let data = serde_json::json!({"picks": {"articles": [
            "/portal/2026/11/d/", "content/资讯/c.md", "https://a.com/portal/2026/11/d/", "gone.md"
        ]}});
        let mut site = site("", a, data);
        let found = arrange(&mut site);
        assert_eq!(
            titles(&site, &site.picks),
            [
                "content/资讯/d.md",
                "content/资讯/c.md",
                "content/资讯/b.md",
                "content/资讯/a.md"
            ]
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].message.contains("gone.md"), "{}", found[0]);
        assert!(!found[0].is_error());
    }

    #[test]
    fn hot_items_resolve_articles_and_keep_titled_links() {
        let a = vec![dated("content/资讯/a.md", "2026/11/a/", 1)];
        let data = serde_json::json!({"hot": {"items": [
            {"path": "content/资讯/a.md", "views": 1200},
            {"title": "专题", "url": "/专题/?from=hot"},
            {"url": "/2026/11/a"},
            {"url": "/nowhere/"},
        ]}});
        let mut site = site("", a, data);
        let found = arrange(&mut site);
        assert_eq!(site.hot.len(), 3);
        assert_eq!(site.hot[0].views, Some(1200));
        assert_eq!(site.hot[0].article, Some(0));
        assert_eq!(site.hot[1].target, Target::Site("专题/?from=hot".into()));
        let urls = crate::urls::Urls::new(&site.config);
        assert_eq!(
            site.hot[1].target.href(&urls),
            "/portal/%E4%B8%93%E9%A2%98/?from=hot"
        );
        assert_eq!(site.hot[2].title, None);
        assert_eq!(site.hot[2].article, Some(0));
        assert_eq!(found.len(), 1, "{found:?}");
    }

    #[test]
    fn menu_entries_resolve_sections_and_sort_by_weight() {
        let a = vec![dated("content/资讯/a.md", "2026/11/a/", 1)];
        let config = "[menu]\nmain = [{ name = \"关于\", url = \"/about/\" }, { name = \"资讯\", section = \"资讯\", weight = 1 }, { name = \"X\", section = \"无此栏目\" }]\n";
        let mut site = site(config, a, serde_json::json!({}));
        let found = arrange(&mut site);
        let names: Vec<&str> = site.menus.main.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["资讯", "关于"]);
        assert_eq!(site.menus.main[0].target, Target::Site("资讯/".into()));
        assert_eq!(found.len(), 1);
        assert!(found[0].is_error() && found[0].message.contains("无此栏目"));
    }

    #[test]
    fn places_are_found_by_their_text() {
        let text = "a = 1\narticles = [\n  \"x.md\",\n]\n";
        assert_eq!(place_in(text, &["\"x.md\""]), Some((3, 3)));
        assert_eq!(place_in(text, &["nope"]), None);
    }
}
