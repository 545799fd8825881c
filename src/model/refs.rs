//! Internal links as the peers write them, resolved once every file is loaded.
//!
//! Zola authors write `[x](@/blog/a.md)` in Markdown; the shortcode expander turns Hugo's
//! `{{< ref "a.md" >}}`, Hexo's `{% post_link a %}` and Jekyll's `{% post_url … %}` into
//! `<a href="@ref:a.md"></a>`. Both markers end up as hrefs in an article's HTML:
//!
//! - `@/PATH[#frag]`: PATH relative to `content/`.
//! - `@ref:NAME[#frag]`: looked up from the linking file: the exact path relative to
//!   `content/`, then relative to the linking file's folder, then a unique match by file
//!   name or stem (a bundle's `x/index.md` is also found as `x`), then by slug.
//!
//! Each is rewritten to the target's URL under the site's path, and a link with no text
//! gets the target's title. A missing target is a warning at the link's line (Zola and
//! Hugo stop the build there; an archive should still build) and the link points at `#`,
//! so that the page does not carry a dead `@/…` href and `check` does not report it twice.
//! A name that matches several pages links to the first by path, with a warning.
//!
//! Only articles whose HTML holds `href="@` cost anything beyond one `memmem` scan.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use percent_encoding::percent_decode_str;
use rayon::prelude::*;

use super::{Article, BodyInfo, LazyText, StandalonePage, unreadable};
use crate::content::markdown::{BodyLink, decode_entities};
use crate::diagnostics::Diagnostic;
use crate::escape;
use crate::load::CONTENT_DIR;
use crate::paths::join_url as join;
use crate::slug::slugify;
use crate::urls::Urls;

const MARKER: &[u8] = b"href=\"@";

/// What the resolver reads of a page that can link or be linked to: an article or a
/// standalone page.
pub trait Document: Sync {
    fn source_path(&self) -> &Path;
    /// URL path relative to the site root.
    fn url_path(&self) -> &str;
    fn title(&self) -> &str;
    fn slug(&self) -> &str;
    /// Top-level folder under `content/`, for links to a section's `_index.md`.
    fn section(&self) -> Option<&str>;
    fn content(&self) -> &LazyText;
    fn body(&self) -> &BodyInfo;
    fn links(&self) -> &[BodyLink];
    fn set_body(&mut self, html: String, links: Vec<BodyLink>);
}

/// Resolves the internal links of every article and page that has any, against all of
/// them. Returns the warnings.
pub fn resolve(
    articles: &mut [Article],
    pages: &mut [StandalonePage],
    urls: &Urls,
) -> Vec<Diagnostic> {
    let all: Vec<usize> = (0..articles.len()).collect();
    let mut warnings = resolve_in(articles, pages, urls, &all);
    let linking = linking(pages, &(0..pages.len()).collect::<Vec<_>>());
    if !linking.is_empty() {
        let index = Index::new(articles, pages, urls);
        let done = rewrite_all(pages, &linking, &index);
        warnings.extend(apply(pages, done));
    }
    warnings
}

/// Resolves the internal links of the articles at `indexes` (`serve` re-resolves only the
/// files just saved) against all of `articles` and `pages`.
pub fn resolve_in(
    articles: &mut [Article],
    pages: &[StandalonePage],
    urls: &Urls,
    indexes: &[usize],
) -> Vec<Diagnostic> {
    let linking = linking(articles, indexes);
    if linking.is_empty() {
        return Vec::new();
    }
    let index = Index::new(articles, pages, urls);
    let done = rewrite_all(articles, &linking, &index);
    apply(articles, done)
}

/// Whether a body's HTML holds links [`resolve`] must turn into URLs.
pub fn has_internal_links(html: &str) -> bool {
    memchr::memmem::find(html.as_bytes(), MARKER).is_some()
}

/// The documents among `indexes` whose HTML holds a marker.
fn linking<D: Document>(docs: &[D], indexes: &[usize]) -> Vec<usize> {
    indexes
        .iter()
        .copied()
        .filter(|&i| docs.get(i).is_some_and(|d| d.body().internal_links))
        .collect()
}

fn rewrite_all<D: Document>(
    docs: &[D],
    linking: &[usize],
    index: &Index<'_>,
) -> Vec<(usize, Result<Rewrite, Diagnostic>)> {
    linking
        .par_iter()
        .map(|&i| (i, rewrite(&docs[i], index)))
        .collect()
}

fn apply<D: Document>(
    docs: &mut [D],
    done: Vec<(usize, Result<Rewrite, Diagnostic>)>,
) -> Vec<Diagnostic> {
    let mut warnings = Vec::new();
    for (i, done) in done {
        match done {
            Ok(done) => {
                docs[i].set_body(done.html, done.links);
                warnings.extend(done.warnings);
            }
            Err(unreadable) => warnings.push(unreadable),
        }
    }
    warnings
}

/// What can be linked to: every article by its path under `content/`, its file names and
/// its slug; and the sections, by their folder.
struct Index<'a> {
    entries: Vec<&'a dyn Document>,
    urls: &'a Urls,
    by_path: HashMap<String, usize>,
    by_name: HashMap<String, Vec<usize>>,
    by_slug: HashMap<&'a str, Vec<usize>>,
    /// Top-level folder → its listing's path, for links to a section's `_index.md`.
    sections: HashMap<&'a str, String>,
}

/// A link's target.
enum Target<'a> {
    Page(&'a dyn Document),
    /// A listing page (a section), with its title.
    Listing(String, &'a str),
}

enum Found<'a> {
    One(Target<'a>),
    /// Several pages match the name; the first (by path) is taken.
    Many(Target<'a>, usize),
    None,
}

impl<'a> Index<'a> {
    fn new(articles: &'a [Article], pages: &'a [StandalonePage], urls: &'a Urls) -> Self {
        let entries: Vec<&'a dyn Document> = articles
            .iter()
            .map(|a| a as &dyn Document)
            .chain(pages.iter().map(|p| p as &dyn Document))
            .collect();
        let mut index = Index {
            entries,
            urls,
            by_path: HashMap::new(),
            by_name: HashMap::new(),
            by_slug: HashMap::new(),
            sections: HashMap::new(),
        };
        for (i, doc) in index.entries.clone().into_iter().enumerate() {
            let rel = content_relative(doc.source_path());
            for name in file_names(&rel) {
                index.by_name.entry(name).or_default().push(i);
            }
            index.by_path.insert(rel, i);
            index.by_slug.entry(doc.slug()).or_default().push(i);
            if let Some(section) = doc.section() {
                index
                    .sections
                    .entry(section)
                    .or_insert_with(|| format!("{}/", slugify(section)));
            }
        }
        let entries = &index.entries;
        for list in index.by_name.values_mut().chain(index.by_slug.values_mut()) {
            list.sort_by(|&a, &b| entries[a].source_path().cmp(entries[b].source_path()));
            list.dedup();
        }
        index
    }

    /// `@/PATH`: a path under `content/`.
    fn by_content_path(&self, path: &str) -> Option<Target<'a>> {
        let path = path.trim_start_matches('/');
        if let Some(folder) = path
            .strip_suffix("_index.md")
            .map(|f| f.trim_end_matches('/'))
        {
            return self.section(folder);
        }
        path_candidates(path)
            .iter()
            .find_map(|p| self.by_path.get(p))
            .map(|&i| Target::Page(self.entries[i]))
    }

    fn section(&self, folder: &str) -> Option<Target<'a>> {
        if folder.is_empty() {
            return Some(Target::Listing(String::new(), ""));
        }
        self.sections
            .get_key_value(folder)
            .map(|(name, path)| Target::Listing(path.clone(), name))
    }

    /// `@ref:NAME`, from the file at `from` (relative to `content/`).
    fn lookup(&self, name: &str, from: &str) -> Found<'a> {
        if let Some(found) = self.by_content_path(name) {
            return Found::One(found);
        }
        let folder = from.rsplit_once('/').map_or("", |(dir, _)| dir);
        if let Some(joined) = join(folder, name)
            && let Some(found) = self.by_content_path(&joined)
        {
            return Found::One(found);
        }
        let bare = name.trim_matches('/');
        let last = bare.rsplit('/').next().unwrap_or(bare);
        let by_name = self.by_name.get(last).or_else(|| self.by_name.get(bare));
        let by_slug = || self.by_slug.get(slugify(last).as_str());
        match by_name.or_else(by_slug).map(Vec::as_slice) {
            Some([one]) => Found::One(Target::Page(self.entries[*one])),
            Some([first, ..]) => {
                let count = by_name.or_else(by_slug).map_or(0, Vec::len);
                Found::Many(Target::Page(self.entries[*first]), count)
            }
            _ => Found::None,
        }
    }

    fn href(&self, target: &Target<'_>) -> String {
        match target {
            Target::Page(d) => self.urls.href(d.url_path()),
            Target::Listing(path, _) => self.urls.href(path),
        }
    }
}

/// An article's HTML and links with its internal links resolved, and what went wrong.
struct Rewrite {
    html: String,
    links: Vec<BodyLink>,
    warnings: Vec<Diagnostic>,
}

fn rewrite<D: Document>(doc: &D, index: &Index<'_>) -> Result<Rewrite, Diagnostic> {
    let html = doc
        .content()
        .read()
        .map_err(|e| unreadable(doc.source_path(), &e))?;
    let html = html.as_ref();
    let from = content_relative(doc.source_path());
    let mut links = doc.links().to_vec();
    let mut used = vec![false; links.len()];
    let mut warnings = Vec::new();
    let mut out = String::with_capacity(html.len());
    let mut copied = 0;
    for start in memchr::memmem::find_iter(html.as_bytes(), MARKER) {
        let value_start = start + MARKER.len() - 1;
        let Some(value_len) = html[value_start..].find('"') else {
            break;
        };
        let value_end = value_start + value_len;
        let written = decode_entities(&html[value_start..value_end]);
        let (target, fragment) = match written.split_once('#') {
            Some((t, f)) => (t, Some(f)),
            None => (written.as_str(), None),
        };
        let target = percent_decode_str(target).decode_utf8_lossy();
        let (shown, found) = if let Some(path) = target.strip_prefix("@/") {
            let found = index.by_content_path(path).map_or(Found::None, Found::One);
            (format!("@/{path}"), found)
        } else if let Some(name) = target.strip_prefix("@ref:") {
            (name.to_string(), index.lookup(name, &from))
        } else {
            continue; // `@` something else: not ours
        };
        let link = body_link(&mut links, &mut used, &written);
        let place = |d: Diagnostic| match link.as_ref() {
            Some((_, line, col)) => d.at(*line, *col),
            None => d,
        };
        let (href, title) = match found {
            Found::One(target) => (index.href(&target), title_of(&target)),
            Found::Many(target, count) => {
                warnings.push(place(
                    Diagnostic::warning(
                        doc.source_path(),
                        format!("link to `{shown}`: {count} pages match; linking the first"),
                    )
                    .hint("write the target's path under content/, e.g. `@/资讯/a.md`"),
                ));
                (index.href(&target), title_of(&target))
            }
            Found::None => {
                warnings.push(place(
                    Diagnostic::warning(
                        doc.source_path(),
                        format!("link to `{shown}`: no such page"),
                    )
                    .hint("link to a Markdown file under content/, by its path (`@/资讯/a.md`) or its file name"),
                ));
                ("#".to_string(), None)
            }
        };
        let href = match fragment {
            Some(f) if href != "#" => format!("{href}#{f}"),
            _ => href,
        };
        if let Some((k, _, _)) = link {
            links[k].target = href.clone();
        }
        out.push_str(&html[copied..value_start]);
        out.push_str(&escape::html(&href));
        copied = value_end;
        if let Some(title) = title
            && let Some(tag_end) = empty_link_text(html, value_end)
        {
            out.push_str(&html[copied..tag_end]);
            out.push_str(&escape::html(title));
            copied = tag_end;
        }
    }
    out.push_str(&html[copied..]);
    Ok(Rewrite {
        html: out,
        links,
        warnings,
    })
}

/// Implements [`Document`] for a type with the fields articles and pages share.
macro_rules! document {
    ($type:ty, $section:expr) => {
        impl Document for $type {
            fn source_path(&self) -> &Path {
                &self.source_path
            }
            fn url_path(&self) -> &str {
                &self.path
            }
            fn title(&self) -> &str {
                &self.title
            }
            fn slug(&self) -> &str {
                &self.slug
            }
            fn section(&self) -> Option<&str> {
                $section(self)
            }
            fn content(&self) -> &LazyText {
                &self.content
            }
            fn body(&self) -> &BodyInfo {
                &self.body
            }
            fn links(&self) -> &[BodyLink] {
                &self.links
            }
            fn set_body(&mut self, html: String, links: Vec<BodyLink>) {
                self.content = html.into();
                self.links = links;
            }
        }
    };
}

fn article_section(article: &Article) -> Option<&str> {
    article.section.as_deref()
}

/// A standalone page is in no section.
fn no_section(_: &StandalonePage) -> Option<&str> {
    None
}

document!(Article, article_section);
document!(StandalonePage, no_section);

fn title_of<'a>(target: &Target<'a>) -> Option<&'a str> {
    match target {
        Target::Page(d) => Some(d.title()),
        Target::Listing(_, name) => Some(*name).filter(|n| !n.is_empty()),
    }
}

/// Where the link text goes when the `<a>` whose href ends at `after_href` has none
/// (`<a href="@ref:x"></a>`): the offset just after its `>`.
fn empty_link_text(html: &str, after_href: usize) -> Option<usize> {
    let tag_start = html[..after_href].rfind('<')?;
    if !html[tag_start..].starts_with("<a ") {
        return None;
    }
    let gt = after_href + html[after_href..].find('>')?;
    html[gt + 1..].starts_with("</a>").then_some(gt + 1)
}

/// The first link not yet matched whose target is `written` (compared percent-decoded),
/// with its index, line and column.
fn body_link(
    links: &mut [BodyLink],
    used: &mut [bool],
    written: &str,
) -> Option<(usize, usize, usize)> {
    let decoded = |s: &str| percent_decode_str(s).decode_utf8_lossy().into_owned();
    let wanted = decoded(written);
    let k = (0..links.len()).find(|&k| !used[k] && decoded(&links[k].target) == wanted)?;
    used[k] = true;
    Some((k, links[k].line, links[k].col))
}

/// `content/资讯/a.md` → `资讯/a.md`, with `/` separators.
fn content_relative(source: &Path) -> String {
    let rel = source.strip_prefix(CONTENT_DIR).unwrap_or(source);
    rel.components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_string_lossy()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// The names a file is found by: `a.md`, `a`, and for a bundle's `x/index.md`, `x`.
fn file_names(rel: &str) -> Vec<String> {
    let path = PathBuf::from(rel);
    let mut names = Vec::new();
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
    let stem = path.file_stem().map(|n| n.to_string_lossy().into_owned());
    if stem.as_deref() == Some("index") {
        if let Some(folder) = path.parent().and_then(Path::file_name) {
            names.push(folder.to_string_lossy().into_owned());
        }
    } else {
        names.extend(name);
        names.extend(stem);
    }
    names
}

/// The paths `path` may mean: as written, with `.md`, or a bundle folder's `index.md`.
fn path_candidates(path: &str) -> [String; 3] {
    let folder = path.trim_end_matches('/');
    [
        path.to_string(),
        format!("{folder}.md"),
        format!("{folder}/index.md"),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::SiteConfig;

    fn article(source: &str, slug: &str, path: &str, title: &str, content: &str) -> Article {
        let rendered = crate::content::markdown::render(content, Default::default());
        Article {
            title: title.into(),
            body: BodyInfo {
                internal_links: has_internal_links(&rendered.html),
                ..BodyInfo::default()
            },
            content: rendered.html.into(),
            text: rendered.text.into(),
            section: Path::new(source)
                .components()
                .nth(2)
                .and_then(|_| Path::new(source).components().nth(1))
                .map(|c| c.as_os_str().to_string_lossy().into_owned()),
            slug: slug.into(),
            links: rendered.links,
            ..Article::for_tests(source, path)
        }
    }

    fn urls(root: &Path) -> Urls {
        std::fs::write(
            root.join("config.toml"),
            "title = \"t\"\nbase_url = \"https://t.example.com/portal/\"\n",
        )
        .unwrap();
        Urls::new(&SiteConfig::load(root, None).unwrap())
    }

    fn site() -> Vec<Article> {
        vec![
            article(
                "content/资讯/grok.md",
                "grok",
                "2024/03/grok/",
                "Grok <开源>",
                "正文",
            ),
            article(
                "content/资讯/芯片/index.md",
                "芯片",
                "2024/03/chip/",
                "芯片",
                "正文",
            ),
            article(
                "content/评论/2020-01-01-旧文.md",
                "old",
                "2020/01/old/",
                "旧文",
                "正文",
            ),
            article("content/a/dup.md", "dup", "a/dup/", "甲", "正文"),
            article("content/b/dup.md", "dup", "b/dup/", "乙", "正文"),
        ]
    }

    #[test]
    fn markdown_and_shortcode_links_resolve() {
        let dir = tempfile::tempdir().unwrap();
        let urls = urls(dir.path());
        let mut articles = site();
        articles.push(article(
            "content/资讯/linker.md",
            "linker",
            "2024/03/linker/",
            "链接",
            "见[旧闻](@/资讯/grok.md#背景)。\n\n<a href=\"@ref:芯片\"></a> <a href=\"@ref:grok.md\">原文</a> \
             <a href=\"@ref:2020-01-01-旧文\"></a> <a href=\"@ref:./grok\"></a> <a href=\"@/评论/_index.md\"></a> \
             [编码](@/%E8%B5%84%E8%AE%AF/grok.md)\n",
        ));
        let warnings = resolve(&mut articles, &mut [], &urls);
        assert!(warnings.is_empty(), "{warnings:?}");
        let html = articles[5].content.held().expect("held");
        assert!(
            html.contains("<a href=\"/portal/2024/03/grok/#%E8%83%8C%E6%99%AF\">旧闻</a>"),
            "{html}"
        );
        assert!(
            html.contains("<a href=\"/portal/2024/03/chip/\">芯片</a>"),
            "{html}"
        );
        assert!(
            html.contains("<a href=\"/portal/2024/03/grok/\">原文</a>"),
            "{html}"
        );
        assert!(
            html.contains("<a href=\"/portal/2020/01/old/\">旧文</a>"),
            "{html}"
        );
        assert!(
            html.contains("<a href=\"/portal/2024/03/grok/\">Grok &lt;开源&gt;</a>"),
            "{html}"
        );
        assert!(
            html.contains("<a href=\"/portal/%E8%AF%84%E8%AE%BA/\">评论</a>"),
            "{html}"
        );
        assert!(
            html.contains("<a href=\"/portal/2024/03/grok/\">编码</a>"),
            "{html}"
        );
        assert_eq!(
            articles[5].links[0].target,
            "/portal/2024/03/grok/#%E8%83%8C%E6%99%AF"
        );
    }

    #[test]
    fn missing_and_ambiguous_targets_warn_at_their_line() {
        let dir = tempfile::tempdir().unwrap();
        let urls = urls(dir.path());
        let mut articles = site();
        articles.push(article(
            "content/资讯/linker.md",
            "linker",
            "2024/03/linker/",
            "链接",
            "第一行\n\n见[不存在](@/资讯/nope.md)。\n\n<a href=\"@ref:dup\"></a>\n",
        ));
        let warnings = resolve(&mut articles, &mut [], &urls);
        let shown: Vec<String> = warnings.iter().map(|w| w.to_string()).collect();
        assert_eq!(warnings.len(), 2, "{shown:?}");
        assert!(shown[0].contains(":3:"), "{shown:?}");
        assert!(
            shown[0].contains("link to `@/资讯/nope.md`: no such page"),
            "{shown:?}"
        );
        assert!(
            shown[1].contains("link to `dup`: 2 pages match"),
            "{shown:?}"
        );
        let html = articles[5].content.held().expect("held");
        assert!(html.contains("<a href=\"#\">不存在</a>"), "{html}");
        assert!(html.contains("<a href=\"/portal/a/dup/\">甲</a>"), "{html}");
    }

    #[test]
    fn articles_without_markers_are_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let urls = urls(dir.path());
        let mut articles = site();
        let before: Vec<LazyText> = articles.iter().map(|a| a.content.clone()).collect();
        assert!(resolve(&mut articles, &mut [], &urls).is_empty());
        let after: Vec<LazyText> = articles.iter().map(|a| a.content.clone()).collect();
        assert_eq!(before, after);
        assert_eq!(join("a/b", "../c.md").as_deref(), Some("a/c.md"));
        assert_eq!(join("", "../c.md"), None);
    }
}
