//! `sitegen check`: render the whole site in memory, write nothing, and verify that every
//! internal link, image and `#anchor` points at something that exists.
//!
//! Links written in an article's Markdown are reported at their line in the source file
//! (`content/a.md:12: broken link to /x/`); links the templates produce are reported against
//! the page they appear on, since the fix is in a template, not in content.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Mutex;

use percent_encoding::percent_decode_str;

use crate::content::markdown::{BodyLink, decode_entities};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::Site;
use crate::progress::Progress;
use crate::render::Renderer;
use crate::site;

mod external;

/// What `sitegen check` was asked to do.
#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    pub site: site::Options,
    /// Also request every external link (slow; needs the network).
    pub external: bool,
    /// With `external`: also request links that resolve to loopback, private, link-local
    /// or cloud-metadata addresses (refused by default: CI machines can reach those).
    pub allow_private: bool,
}

/// What a clean check looked at.
#[derive(Debug, Clone)]
pub struct CheckSummary {
    pub pages: usize,
    pub links: usize,
    pub warnings: Diagnostics,
    /// Markdown files not published, with why.
    pub skipped: Vec<(std::path::PathBuf, crate::load::Skip)>,
}

/// The rendered site in memory: output path → HTML, plus the set of static files.
struct RenderedSite {
    pages: HashMap<String, String>,
    files: HashSet<String>,
}

/// Loads and renders everything without writing, then checks every internal link (and
/// every external one with `external`).
pub fn check(options: &CheckOptions) -> Result<CheckSummary, Diagnostics> {
    // Versions are named and planned, not made: check reads pages, not pixels.
    let loaded = site::load(&site::Options {
        images: crate::images::Mode::OnDemand,
        ..options.site.clone()
    })?;
    let site = loaded.site;
    let renderer = Renderer::new(&options.site.root).map_err(Diagnostics::sorted)?;
    let rendered = render_in_memory(&site, &renderer, &options.site.progress)?;
    let checking = options.site.progress.step("checking links");
    let checker = LinkChecker::new(&site, &rendered);
    let (mut broken, body_links) = check_bodies(&site, &checker);
    let (page_broken, page_links) = check_pages(&site, &rendered, &checker);
    broken.extend(page_broken);
    if options.external {
        broken.extend(external::check(&site, options.allow_private));
    }
    drop(checking);
    if broken.is_empty() {
        Ok(CheckSummary {
            pages: rendered.pages.len(),
            links: body_links + page_links,
            warnings: loaded.warnings,
            skipped: loaded.skipped,
        })
    } else {
        broken.extend(loaded.warnings.0);
        Err(Diagnostics::sorted(broken))
    }
}

/// Links written in Markdown, reported at their line in the source file.
fn check_bodies(site: &Site, checker: &LinkChecker<'_>) -> (Vec<Diagnostic>, usize) {
    let mut broken = Vec::new();
    let mut count = 0;
    let bodies = site
        .articles
        .iter()
        .map(|a| (&a.source_path, &a.path, &a.links))
        .chain(
            site.pages
                .iter()
                .map(|p| (&p.source_path, &p.path, &p.links)),
        );
    for (source_path, path, links) in bodies {
        for link in links {
            count += 1;
            if let Some(problem) = checker.problem(path, &link.target) {
                broken.push(
                    Diagnostic::new(source_path, format!("broken link to {}", link.target))
                        .at(link.line, link.col)
                        .hint(problem),
                );
            }
        }
    }
    (broken, count)
}

/// Links on the rendered pages. Those in an article's body (found where the page holds the
/// body's HTML) were checked at their Markdown line by [`check_bodies`]; any other link in
/// a body (a footnote's back-link) is reported against the Markdown file too, since the fix
/// is in content. Links the templates wrote are reported against the page they are on.
fn check_pages(
    site: &Site,
    rendered: &RenderedSite,
    checker: &LinkChecker<'_>,
) -> (Vec<Diagnostic>, usize) {
    let decoded = |href: &str| {
        percent_decode_str(&decode_entities(href))
            .decode_utf8_lossy()
            .into_owned()
    };
    let mut broken = Vec::new();
    let documents = site
        .articles
        .iter()
        .map(|a| (&a.path, &a.source_path, &a.content, &a.links))
        .chain(
            site.pages
                .iter()
                .map(|p| (&p.path, &p.source_path, &p.content, &p.links)),
        );
    let mut bodies: HashMap<&str, Body<'_>> = HashMap::new();
    for (path, source_path, content, links) in documents {
        match content.read() {
            Ok(content) => {
                bodies.insert(path, Body::new(source_path, content, links));
            }
            Err(e) => broken.push(crate::model::unreadable(source_path, &e)),
        }
    }
    let mut pages: Vec<(&String, &String)> = rendered.pages.iter().collect();
    pages.sort();
    let mut count = 0;
    for (file, html) in pages {
        let page_path = page_path_of(file);
        let article = bodies.get(page_path.as_str());
        let body = article.and_then(|a| body_range(html, &a.content));
        let from_body: HashSet<String> = article
            .map(|a| a.links.iter().map(|l| decoded(&l.target)).collect())
            .unwrap_or_default();
        for (at, href) in attribute_values(html) {
            count += 1;
            if from_body.contains(&decoded(href)) {
                continue;
            }
            let Some(problem) = checker.problem(&page_path, href) else {
                continue;
            };
            let in_body = body.as_ref().is_some_and(|r| r.contains(&at));
            let place = match article {
                Some(a) if in_body => Diagnostic::new(
                    a.source_path,
                    format!("broken link to {href} (in the body)"),
                ),
                _ => Diagnostic::new(format!("{file} (page)"), format!("broken link to {href}")),
            };
            broken.push(place.hint(problem));
        }
    }
    (broken, count)
}

/// What a page's body is made of: an article's or a standalone page's.
struct Body<'a> {
    source_path: &'a Path,
    content: Cow<'a, str>,
    links: &'a [BodyLink],
}

impl<'a> Body<'a> {
    fn new(source_path: &'a Path, content: Cow<'a, str>, links: &'a [BodyLink]) -> Self {
        Body {
            source_path,
            content,
            links,
        }
    }
}

/// Where the article's body sits in its page's HTML, if the template printed it whole.
fn body_range(html: &str, content: &str) -> Option<std::ops::Range<usize>> {
    if content.trim().is_empty() {
        return None;
    }
    html.find(content).map(|at| at..at + content.len())
}

/// Renders through the driver into memory; only HTML is kept, other files just need to
/// exist.
fn render_in_memory(
    site: &Site,
    renderer: &Renderer,
    progress: &Progress,
) -> Result<RenderedSite, Diagnostics> {
    let collected = Mutex::new(HashMap::new());
    let collect = |file: &str, bytes: &[u8]| -> Result<(), Diagnostic> {
        let html = if file.ends_with(".html") {
            String::from_utf8_lossy(bytes).into_owned()
        } else {
            String::new()
        };
        collected
            .lock()
            .map_err(|_| Diagnostic::new(file, "internal error: a render thread panicked"))?
            .insert(file.to_string(), html);
        Ok(())
    };
    // The Traditional edition's pages are checked too; the warnings making it met are
    // `build`'s to report (a pinned conversion that is not text breaks no link).
    site::render_editions(site, renderer, &collect, None, progress)?;
    let all: HashMap<String, String> = collected.into_inner().unwrap_or_default();
    let mut files: HashSet<String> = all.keys().cloned().collect();
    files.extend(site.statics.files.iter().map(|f| f.rel.clone()));
    files.extend(site.bundle_files.iter().map(|f| f.rel.clone()));
    files.extend(site.images.files().into_iter().map(|f| f.rel));
    let pages = all
        .into_iter()
        .filter(|(file, _)| file.ends_with(".html"))
        .collect();
    Ok(RenderedSite { pages, files })
}

/// `tags/x/index.html` → `tags/x/`: the URL path a page is served at.
fn page_path_of(file: &str) -> String {
    file.strip_suffix("index.html").unwrap_or(file).to_string()
}

struct LinkChecker<'a> {
    rendered: &'a RenderedSite,
    root_path: &'a str,
    /// `https://host`: absolute links to it are the site's own (their path carries the
    /// site's base path, checked like any host-relative link).
    origin: &'a str,
    /// Output file → the `id`s it defines, computed on first use.
    ids: Mutex<HashMap<String, HashSet<String>>>,
}

impl<'a> LinkChecker<'a> {
    fn new(site: &'a Site, rendered: &'a RenderedSite) -> Self {
        LinkChecker {
            rendered,
            root_path: &site.config.root_path,
            origin: &site.config.origin,
            ids: Mutex::new(HashMap::new()),
        }
    }

    /// Why `href`, found on the page at `page_path`, is broken; None when it is fine or
    /// not ours to check (other sites, mail links).
    fn problem(&self, page_path: &str, href: &str) -> Option<String> {
        let href = href.trim();
        let local = href
            .strip_prefix(self.origin)
            .filter(|rest| rest.starts_with('/'))
            .unwrap_or(href);
        if local.is_empty() || crate::urls::is_absolute(local) {
            return None;
        }
        let (path, fragment) = match local.split_once('#') {
            Some((p, f)) => (p, Some(f)),
            None => (local, None),
        };
        let path = path.split('?').next().unwrap_or_default();
        let decoded = percent_decode_str(path).decode_utf8_lossy();
        let site_path = if path.is_empty() {
            page_path.to_string()
        } else if let Some(abs) = decoded.strip_prefix('/') {
            let root = self.root_path.trim_start_matches('/');
            match abs.strip_prefix(root) {
                Some(rest) => rest.to_string(),
                None => {
                    return Some(format!(
                        "it points outside the site, which lives under {}",
                        self.root_path
                    ));
                }
            }
        } else {
            match resolve_relative(page_path, &decoded) {
                Some(p) => p,
                None => return Some("its `..` climbs above the site root".into()),
            }
        };
        let Some(file) = self.file_for(&site_path) else {
            return Some(format!("nothing is built at /{site_path}"));
        };
        let id = fragment.filter(|f| !f.is_empty() && file.ends_with(".html"))?;
        let id = percent_decode_str(id).decode_utf8_lossy();
        (!self.has_id(&file, &id)).then(|| format!("/{site_path} has no element with id=\"{id}\""))
    }

    /// The output file a site path resolves to, if one was built.
    fn file_for(&self, site_path: &str) -> Option<String> {
        let trimmed = site_path.trim_end_matches('/');
        let candidates = [
            site_path.to_string(),
            format!("{site_path}index.html"),
            format!("{trimmed}/index.html"),
        ];
        candidates
            .into_iter()
            .find(|c| self.rendered.files.contains(c.as_str()))
    }

    fn has_id(&self, file: &str, id: &str) -> bool {
        let Ok(mut cache) = self.ids.lock() else {
            return true;
        };
        let ids = cache.entry(file.to_string()).or_insert_with(|| {
            self.rendered
                .pages
                .get(file)
                .map(|html| ids_in(html))
                .unwrap_or_default()
        });
        ids.contains(id)
    }
}

/// Resolves `target` against the folder of the page at `page_path`; None when `..` climbs
/// above the site root.
fn resolve_relative(page_path: &str, target: &str) -> Option<String> {
    let folder = match page_path.rsplit_once('/') {
        Some((folder, _)) => folder,
        None => "",
    };
    let mut path = crate::paths::join_url(folder, target)?;
    if target.ends_with('/') && !path.is_empty() {
        path.push('/');
    }
    Some(path)
}

/// The values of `href` and `src` attributes in HTML that sitegen or pulldown-cmark wrote
/// (always double-quoted), with their offsets. Only inside tags: code shown on a page
/// (`&lt;a href="{{ .Permalink }}"&gt;`) keeps its quotes unescaped.
fn attribute_values(html: &str) -> impl Iterator<Item = (usize, &str)> {
    ["href=\"", "src=\""].into_iter().flat_map(move |attr| {
        html.match_indices(attr).filter_map(move |(i, _)| {
            crate::content::markdown::in_tag(html, i).then_some(())?;
            let rest = html.get(i + attr.len()..)?;
            rest.find('"').map(|end| (i, &rest[..end]))
        })
    })
}

fn ids_in(html: &str) -> HashSet<String> {
    html.match_indices(" id=\"")
        .filter_map(|(i, m)| {
            let rest = html.get(i + m.len()..)?;
            rest.find('"').map(|end| decode_entities(&rest[..end]))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_relative_links_against_the_page_folder() {
        assert_eq!(
            resolve_relative("2024/03/a/", "../b/").as_deref(),
            Some("2024/03/b/")
        );
        assert_eq!(
            resolve_relative("2024/03/a/", "img.png").as_deref(),
            Some("2024/03/a/img.png")
        );
        assert_eq!(resolve_relative("", "../../x"), None);
    }

    #[test]
    fn finds_attribute_values_and_ids() {
        let html = r#"<a href="/x/">x</a><img src="/i.png"><h2 id="开源之争"><code>&lt;a href="{{ .Permalink }}"&gt;</code>"#;
        let values: Vec<&str> = attribute_values(html).map(|(_, v)| v).collect();
        assert_eq!(values, vec!["/x/", "/i.png"]);
        assert!(ids_in(html).contains("开源之争"));
    }
}
