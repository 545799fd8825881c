//! What kind of content a Markdown file is, by the conventions of Hugo, Zola and Hexo:
//! a section index (`_index.md`), a page bundle (`x/index.md`, the page of folder `x`),
//! a standalone page (no date, `layout: page`, or in Hexo anything outside `_posts/`) or
//! an article. Pure functions of the file's path and front matter; `load` applies them.

use std::path::{Component, Path, PathBuf};

use serde_json::Value;

use crate::slug::slugify;

/// Hexo's folder of articles: it gives no section and no URL segment.
pub const HEXO_POSTS: &str = "_posts";
/// Hexo's folder of drafts: its files are drafts.
pub const HEXO_DRAFTS: &str = "_drafts";

/// Whether `rel` is a section index file (`_index.md`, any Markdown extension), or
/// `content/index.md`: Hexo's `source/index.md` is the home page, whose listing sitegen
/// makes, so its title and body describe that listing.
pub fn is_section_index(rel: &Path) -> bool {
    let home = rel.parent() == Some(Path::new(crate::load::CONTENT_DIR));
    crate::paths::is_markdown(rel)
        && rel
            .file_stem()
            .is_some_and(|s| s == "_index" || (home && s == "index"))
}

/// Whether `rel` is the Markdown file of a page bundle (`x/index.md`): the page of its
/// folder. `content/index.md` itself is not a bundle (it has no folder of its own).
pub fn is_bundle_index(rel: &Path) -> bool {
    crate::paths::is_markdown(rel)
        && rel.file_stem().is_some_and(|s| s == "index")
        && logical_parent(rel).is_some_and(|p| p.components().count() > 1)
}

/// The folder of `rel` without Hexo's `_posts`/`_drafts` segments.
fn logical_parent(rel: &Path) -> Option<PathBuf> {
    let parent = rel.parent()?;
    Some(
        parent
            .components()
            .filter(|c| !matches!(c, Component::Normal(n) if *n == HEXO_POSTS || *n == HEXO_DRAFTS))
            .collect(),
    )
}

/// The path a file stands for once the conventions are applied: Hexo's `_posts/` and
/// `_drafts/` dropped, and a bundle's `x/index.md` read as `x.md`. Its stem gives the
/// slug and date, its first folder the section.
pub fn logical_path(rel: &Path) -> PathBuf {
    let Some(parent) = logical_parent(rel) else {
        return rel.to_path_buf();
    };
    let name = rel.file_name().map(PathBuf::from).unwrap_or_default();
    if is_bundle_index(rel) {
        let ext = rel.extension().map(|e| e.to_string_lossy().into_owned());
        let mut path = parent;
        if let Some(ext) = ext {
            path.set_extension(ext);
        }
        return path;
    }
    parent.join(name)
}

/// The folder whose files are published beside the page of `rel`, when it has one: a
/// bundle's own folder (`x/index.md` → `x/`), or, in a Hexo site (`hexo`), the asset
/// folder named as a post's file (`_posts/2024-03-11-芯片.md` →
/// `_posts/2024-03-11-芯片/`: Hexo's `post_asset_folder`, copied into the post's output
/// folder so that `{% asset_img %}` and `![](chart.png)` resolve). Whether the folder
/// exists is for the caller to see.
pub fn asset_folder(rel: &Path, hexo: bool) -> Option<PathBuf> {
    if is_bundle_index(rel) {
        return rel.parent().map(Path::to_path_buf);
    }
    let post = hexo && hexo_place(rel) != HexoPlace::Elsewhere && crate::paths::is_markdown(rel);
    post.then(|| rel.with_extension(""))
}

/// Whether the site follows Hexo's layout (`content/_posts/`): then only files in
/// `_posts/` and `_drafts/` are articles.
pub fn is_hexo_site(root: &Path) -> bool {
    root.join(crate::load::CONTENT_DIR)
        .join(HEXO_POSTS)
        .is_dir()
}

/// Where in a Hexo layout a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HexoPlace {
    Posts,
    Drafts,
    Elsewhere,
}

pub fn hexo_place(rel: &Path) -> HexoPlace {
    for c in rel.components() {
        match c {
            Component::Normal(n) if n == HEXO_POSTS => return HexoPlace::Posts,
            Component::Normal(n) if n == HEXO_DRAFTS => return HexoPlace::Drafts,
            _ => {}
        }
    }
    HexoPlace::Elsewhere
}

/// Whether front matter asks for a page (`layout: page`, Hugo `type: page`).
pub fn wants_page(extra: &serde_json::Map<String, Value>) -> bool {
    ["layout", "type"]
        .iter()
        .any(|k| extra.get(*k).and_then(Value::as_str) == Some("page"))
}

/// The index a page stands in for when a theme asks for it (`type: tags` in Hexo's NexT
/// and similar themes: `source/tags/index.md` exists only to make the theme draw its tag
/// cloud): `tags`, `categories` or `archives`. sitegen makes those pages itself.
pub fn theme_index(extra: &serde_json::Map<String, Value>) -> Option<&'static str> {
    ["type", "layout"]
        .iter()
        .find_map(|k| match extra.get(*k).and_then(Value::as_str)?.trim() {
            "tags" | "tag" => Some("tags"),
            "categories" | "category" => Some("categories"),
            "archives" | "archive" => Some("archives"),
            _ => None,
        })
}

/// A boolean key of `extra` (`headless`, `render`, `transparent`).
pub fn flag(extra: &serde_json::Map<String, Value>, key: &str) -> Option<bool> {
    match extra.get(key)? {
        Value::Bool(b) => Some(*b),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Whether the page is not to be rendered: Hugo `headless: true`, Zola `render = false`.
pub fn not_rendered(extra: &serde_json::Map<String, Value>) -> bool {
    flag(extra, "headless") == Some(true) || flag(extra, "render") == Some(false)
}

/// The URL path of a standalone page: its folder structure under `content/` (each
/// segment slugged, `about.md` → `about/`, `公司/关于我们.md` → `公司/关于我们/`), with
/// `slug` replacing the last segment. With `html` (Hexo and Jekyll pages), the page is a
/// file named as its source, case kept: `docs/Commands.md` → `docs/Commands.html`.
pub fn page_path(logical: &Path, slug: Option<&str>, html: bool) -> String {
    let name = |n: &str| {
        if html {
            crate::slug::slugify_keep_case(n)
        } else {
            slugify(n)
        }
    };
    let mut segments: Vec<String> = logical
        .with_extension("")
        .components()
        .skip(1) // content/
        .filter_map(|c| match c {
            Component::Normal(n) => Some(name(&n.to_string_lossy())),
            _ => None,
        })
        .collect();
    if let (Some(slug), Some(last)) = (
        slug.map(slugify).filter(|s| !s.is_empty()),
        segments.last_mut(),
    ) {
        *last = slug;
    }
    let path = segments
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("/");
    if path.is_empty() {
        path
    } else if html {
        format!("{path}.html")
    } else {
        format!("{path}/")
    }
}

/// What the whole content folder says about each file in it, learnt once per load rather
/// than with a few `stat` calls per file (100,000 articles made that 400,000 calls): whether
/// the site has Hexo's layout, and which folders are page bundles.
#[derive(Debug, Clone, Default)]
pub struct Layout {
    pub hexo: bool,
    /// Jekyll's published collections, from `content/_config.yml` (Hexo/Jekyll layout only).
    pub collections: crate::content::jekyll::Collections,
    /// Every bundle's folder (`content/x`) with its index files (`content/x/index.md`): a
    /// folder is looked up by its path alone, where joining index names to each folder of
    /// each of 100,000 files cost more than the lookups.
    bundles: std::collections::HashMap<PathBuf, Vec<PathBuf>>,
}

impl Layout {
    /// From the site root and every Markdown file under `content/` (relative to the root).
    pub fn new<'a>(root: &Path, markdown: impl IntoIterator<Item = &'a PathBuf>) -> Self {
        let hexo = is_hexo_site(root);
        let mut bundles = std::collections::HashMap::<PathBuf, Vec<PathBuf>>::new();
        for index in markdown.into_iter().filter(|rel| is_bundle_index(rel)) {
            if let Some(folder) = index.parent() {
                bundles
                    .entry(folder.to_path_buf())
                    .or_default()
                    .push(index.clone());
            }
        }
        Layout {
            hexo,
            collections: if hexo {
                crate::content::jekyll::Collections::read(root)
            } else {
                Default::default()
            },
            bundles,
        }
    }

    /// What the layout says of `rel`, as text for the parse cache's key: its enclosing
    /// bundle, whether the site is laid out as Hexo's, its Jekyll collection.
    pub fn facts(&self, rel: &Path) -> String {
        format!(
            "{:?} {} {:?}",
            self.enclosing_bundle(rel),
            self.hexo,
            self.hexo.then(|| self.collections.place(rel))
        )
    }

    /// The `index.md` of the page bundle `rel` lies inside, if any (`content/x/index.md`
    /// for `content/x/photo-notes.md` or `content/x/y/z.md`). Hugo treats such Markdown
    /// files as resources of that page, not pages. Section index files are never inside one
    /// (Zola keeps `_index.md` below a page with assets).
    pub fn enclosing_bundle(&self, rel: &Path) -> Option<&Path> {
        if self.bundles.is_empty() || is_section_index(rel) {
            return None;
        }
        let content = Path::new(crate::load::CONTENT_DIR);
        rel.ancestors()
            .skip(1)
            .take_while(|folder| *folder != content && folder.starts_with(content))
            .filter_map(|folder| self.bundles.get(folder))
            .find_map(|indexes| {
                ["index.md", "index.markdown"].iter().find_map(|name| {
                    indexes
                        .iter()
                        .find(|index| index.file_name() == Some(name.as_ref()) && *index != rel)
                })
            })
            .map(PathBuf::as_path)
    }
}

/// Whether the file `rel` lies in the folder of a page bundle (a folder, below
/// `content/`, holding an `index.md`), whose files are published with that page.
pub fn in_bundle_folder(root: &Path, rel: &Path) -> bool {
    let content = Path::new(crate::load::CONTENT_DIR);
    rel.ancestors()
        .skip(1)
        .take_while(|folder| *folder != content && folder.starts_with(content))
        .any(|folder| {
            ["index.md", "index.markdown"]
                .iter()
                .any(|name| root.join(folder).join(name).is_file())
        })
}

/// The folder an `_index.md` describes, relative to `content/`, `/`-separated.
pub fn index_folder(rel: &Path) -> String {
    logical_parent(rel)
        .map(|p| {
            p.components()
                .skip(1)
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/")
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> &Path {
        Path::new(s)
    }

    #[test]
    fn index_files_and_bundles_are_told_apart() {
        assert!(is_section_index(p("content/资讯/_index.md")));
        assert!(is_section_index(p("content/_index.markdown")));
        assert!(!is_section_index(p("content/资讯/index.md")));
        assert!(is_section_index(p("content/index.md")));
        assert!(is_bundle_index(p("content/资讯/2024-03-11-芯片/index.md")));
        assert!(is_bundle_index(p("content/about/index.md")));
        assert!(!is_bundle_index(p("content/index.md")));
        assert!(!is_bundle_index(p("content/_posts/index.md")));
    }

    #[test]
    fn logical_paths_drop_hexo_folders_and_read_bundles_as_files() {
        assert_eq!(
            logical_path(p("content/资讯/2024-03-11-芯片/index.md")),
            p("content/资讯/2024-03-11-芯片.md")
        );
        assert_eq!(logical_path(p("content/_posts/a.md")), p("content/a.md"));
        assert_eq!(
            logical_path(p("content/_posts/科技/a.md")),
            p("content/科技/a.md")
        );
        assert_eq!(
            logical_path(p("content/about/index.md")),
            p("content/about.md")
        );
        assert_eq!(logical_path(p("content/a.md")), p("content/a.md"));
    }

    #[test]
    fn page_paths_follow_folders_unless_set() {
        assert_eq!(page_path(p("content/about.md"), None, false), "about/");
        assert_eq!(
            page_path(p("content/公司/关于我们.md"), None, false),
            "公司/关于我们/"
        );
        assert_eq!(
            page_path(p("content/About.md"), Some("联系"), false),
            "联系/"
        );
        assert_eq!(
            page_path(p("content/docs/Commands.md"), None, true),
            "docs/Commands.html"
        );
    }

    #[test]
    fn asset_folders_of_bundles_and_hexo_posts() {
        let folder = |rel, hexo| asset_folder(p(rel), hexo);
        assert_eq!(
            folder("content/资讯/芯片/index.md", false),
            Some(PathBuf::from("content/资讯/芯片"))
        );
        assert_eq!(
            folder("content/_posts/2024-03-11-芯片.md", true),
            Some(PathBuf::from("content/_posts/2024-03-11-芯片"))
        );
        assert_eq!(
            folder("content/_drafts/科技/草稿.markdown", true),
            Some(PathBuf::from("content/_drafts/科技/草稿"))
        );
        // Hexo pages outside `_posts/` are published with `source/` as it is; outside a
        // Hexo site a file is no post.
        assert_eq!(folder("content/about.md", true), None);
        assert_eq!(folder("content/_posts/2024-03-11-芯片.md", false), None);
    }

    #[test]
    fn hexo_places_and_page_flags() {
        assert_eq!(hexo_place(p("content/_posts/a.md")), HexoPlace::Posts);
        assert_eq!(hexo_place(p("content/_drafts/a.md")), HexoPlace::Drafts);
        assert_eq!(
            hexo_place(p("content/about/index.md")),
            HexoPlace::Elsewhere
        );
        let extra: serde_json::Map<String, Value> =
            serde_json::from_str(r#"{"layout":"page","headless":true,"render":"false"}"#).unwrap();
        assert!(wants_page(&extra) && not_rendered(&extra));
        assert_eq!(flag(&extra, "render"), Some(false));
        assert_eq!(index_folder(p("content/资讯/深度/_index.md")), "资讯/深度");
        assert_eq!(index_folder(p("content/_index.md")), "");
    }

    #[test]
    fn markdown_inside_a_bundle_is_a_resource() {
        let files: Vec<PathBuf> = ["content/首页/index.md", "content/首页/关于.md"]
            .iter()
            .map(PathBuf::from)
            .collect();
        let layout = Layout::new(Path::new("/nonexistent"), &files);
        let index = Some(p("content/首页/index.md"));
        assert_eq!(layout.enclosing_bundle(p("content/首页/关于.md")), index);
        assert_eq!(layout.enclosing_bundle(p("content/首页/区块/a.md")), index);
        assert_eq!(layout.enclosing_bundle(p("content/首页/index.md")), None);
        assert_eq!(
            layout.enclosing_bundle(p("content/首页/区块/_index.md")),
            None
        );
        assert_eq!(layout.enclosing_bundle(p("content/其他/a.md")), None);
        assert!(!layout.hexo);
        // Two index files in one folder: each is the other's resource, `index.md` first.
        let files: Vec<PathBuf> = ["content/双/index.md", "content/双/index.markdown"]
            .iter()
            .map(PathBuf::from)
            .collect();
        let layout = Layout::new(Path::new("/nonexistent"), &files);
        assert_eq!(
            layout.enclosing_bundle(p("content/双/index.md")),
            Some(p("content/双/index.markdown"))
        );
        assert_eq!(
            layout.enclosing_bundle(p("content/双/图/a.md")),
            Some(p("content/双/index.md"))
        );
        // No bundles at all: the common case, answered without a look at the path.
        let layout = Layout::new(Path::new("/nonexistent"), &[]);
        assert_eq!(layout.enclosing_bundle(p("content/双/a.md")), None);
    }
}
