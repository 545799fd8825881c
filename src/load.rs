//! Loading: walk `content/`, read every Markdown file in parallel and turn it into an
//! [`Article`]. Every bad file is reported; one bad file never hides another.

use std::path::{Component, Path, PathBuf};

use chrono::{DateTime, FixedOffset, TimeZone};
use rayon::prelude::*;

use crate::config::SiteConfig;
use crate::content::cache::{self, ParseCache};
use crate::content::date::{self, date_from_file_stem};
use crate::content::frontmatter::{self, Dialect, FrontMatter, FrontMatterError, Split};
use crate::content::ignore::Ignore;
use crate::content::kinds::{self, HexoPlace};
use crate::content::markdown;
use crate::content::permalink::{self, Facts};
use crate::content::shortcodes::{self, Shortcodes};
use crate::content::stamps::{Stamp, Stamps};
use crate::diagnostics::Diagnostic;
use crate::model::{Article, BodyInfo, Kinds, ListMeta, StandalonePage};
use crate::paths::is_markdown;
use crate::progress::Progress;
use crate::slug::slugify;

pub const CONTENT_DIR: &str = "content";

/// Which articles make it into the site.
#[derive(Debug, Clone, Copy)]
pub struct LoadOptions<'a> {
    pub drafts: bool,
    pub future: bool,
    /// Articles dated after this are left out unless `future` is set.
    pub now: DateTime<FixedOffset>,
    /// The shortcode templates, built once per build.
    pub shortcodes: &'a Shortcodes,
}

/// The published articles, the other kinds of content (pages, `_index.md` files, bundle
/// files) and every problem met on the way, errors and warnings.
pub struct Loaded {
    pub articles: Vec<Article>,
    pub kinds: Kinds,
    /// Files read but not published, with why (drafts, future articles, headless pages).
    pub skipped: Vec<(PathBuf, Skip)>,
    pub diagnostics: Vec<Diagnostic>,
    pub spared: Spared,
}

/// What the cache folder spared a load.
#[derive(Debug, Clone, Copy, Default)]
pub struct Spared {
    /// Files whose parse came from the parse cache.
    pub parses: usize,
    /// Files not read at all: their stamps said they had not changed
    /// ([`crate::content::stamps`]).
    pub reads: usize,
}

/// Why a Markdown file read is not published. Nothing is dropped silently: the build
/// counts these and `check` names each file.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum Skip {
    /// `draft: true`, `published: false` or Hexo's `_drafts/`, without `--drafts`.
    Draft,
    /// Dated after now, without `--future`.
    Future,
    /// Hugo's `headless: true`, Zola's `render = false`.
    NotRendered,
    /// A theme's `type: tags` (`categories`, `archives`) page: sitegen makes that page.
    ThemePage,
    /// A Markdown file inside a page bundle: a resource of that page, as Hugo reads it.
    BundleResource,
    /// In an underscore folder of a Jekyll or Hexo site (`_includes/`, a collection
    /// `_config.yml` does not publish), which neither publishes.
    UnderscoreFolder,
}

/// ` (3 drafts, 1 future articles)`-style counts of `skipped`, by reason, in reason order.
pub fn skipped_counts(skipped: &[(PathBuf, Skip)]) -> String {
    let mut counts: std::collections::BTreeMap<Skip, usize> = Default::default();
    for (_, why) in skipped {
        *counts.entry(*why).or_default() += 1;
    }
    counts
        .into_iter()
        .map(|(why, n)| {
            let (_, one, many) = why.describe();
            crate::diagnostics::count_noun(n, one, many)
        })
        .collect::<Vec<_>>()
        .join(", ")
}

impl Skip {
    /// What it is, for one file (`a draft …`), and the noun for a count of them.
    pub fn describe(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Skip::Draft => ("a draft (--drafts publishes it)", "draft", "drafts"),
            Skip::Future => (
                "dated in the future (--future publishes it)",
                "future article",
                "future articles",
            ),
            Skip::NotRendered => (
                "headless / render = false",
                "headless page",
                "headless pages",
            ),
            Skip::ThemePage => (
                "a theme's index page, which sitegen makes itself",
                "theme page",
                "theme pages",
            ),
            Skip::BundleResource => (
                "Markdown inside a page bundle: a resource of that page",
                "bundle resource",
                "bundle resources",
            ),
            Skip::UnderscoreFolder => (
                "in an underscore folder, which Jekyll publishes only as a collection with `output: true` in _config.yml",
                "file in underscore folders",
                "files in underscore folders",
            ),
        }
    }
}

/// What one Markdown file is (see [`crate::content::kinds`]).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub enum Item {
    /// Boxed: an article is larger than the other kinds.
    Article(Box<Article>),
    /// A standalone page: no date, `layout: page`, or a Hexo file outside `_posts/`.
    Page(StandalonePage),
    /// An `_index.md`: what its folder's listing shows.
    Index(ListMeta),
    /// Read, not published.
    Skipped(Skip),
}

/// One file read: what it is (None for a draft, a future article or a page that is not
/// rendered, left out) and the warnings it raised.
pub type FileResult = Result<(Option<Item>, Vec<Diagnostic>), Diagnostic>;

/// Files parsed together without the cache (`check`, `serve`): about as many as a cache
/// shard holds at 10,000 articles.
const UNCACHED_GROUP: usize = 40;

/// Loads every `content/**/*.md` under `root`, counting the files read on `progress`;
/// with a `cache_dir`, through the parse cache there ([`crate::content::cache`]).
pub fn load(
    root: &Path,
    config: &SiteConfig,
    options: LoadOptions<'_>,
    cache_dir: Option<&Path>,
    progress: &Progress,
) -> Loaded {
    // The walk runs on one thread: the cache is read meanwhile. The settings' key hashes
    // this program's executable (tens of megabytes), on one thread too.
    let ((files, mut diagnostics), cache) = rayon::join(
        || find_markdown(root, &config.ignore),
        || {
            cache_dir.map(|dir| {
                rayon::join(
                    || cache::settings_key(config, options.shortcodes, options.drafts),
                    || ParseCache::open(dir),
                )
            })
        },
    );
    let layout = kinds::Layout::new(root, &files);
    let loading = progress.stage("loading", files.len(), "files");
    let mut spared = Spared::default();
    // One result per file, in `files`' order (None only if a file was lost on the way).
    let results: Vec<Option<FileResult>> = match cache {
        Some((settings, cache)) => {
            let (results, saved) = load_cached(
                &files,
                (&settings, cache),
                &layout,
                options,
                config,
                root,
                &loading,
            );
            spared = saved;
            results
        }
        // In groups, as the cache's shards are, so that code blocks are highlighted a
        // group at a time ([`parse_together`]).
        None => files
            .par_chunks(UNCACHED_GROUP)
            .enumerate()
            .flat_map_iter(|(group, rels)| {
                let first = group * UNCACHED_GROUP;
                let looked = (first..).zip(rels);
                let looked = looked.map(|(i, rel)| (i, read_file(root, rel), false));
                let setting = (root, config, options, &layout);
                parse_together(looked.collect(), |i| &files[i], setting, &loading)
                    .into_iter()
                    .map(move |(_, result, _)| Some(when_due(result, options)))
            })
            .collect(),
    };
    let mut articles = Vec::with_capacity(results.len());
    let mut kinds = Kinds::default();
    let mut skipped = Vec::new();
    for (rel, result) in files.iter().zip(results) {
        let Some(result) = result else { continue };
        match result {
            Ok((item, warnings)) => {
                match item {
                    Some(Item::Article(a)) => articles.push(*a),
                    Some(Item::Page(p)) => kinds.pages.push(p),
                    Some(Item::Index(m)) => kinds.indexes.push(m),
                    Some(Item::Skipped(why)) => skipped.push((rel.clone(), why)),
                    None => {}
                }
                diagnostics.extend(warnings);
            }
            Err(e) => diagnostics.push(e),
        }
    }
    let (files, problems) = bundle_files(root, &articles, &kinds.pages, &config.ignore);
    kinds.bundle_files = files;
    diagnostics.extend(problems);
    let (files, problems) = section_files(root, &kinds.indexes, &config.ignore);
    kinds.section_files = files;
    diagnostics.extend(problems);
    let (files, problems) = hexo_source_files(root, &config.ignore);
    kinds.bundle_files.extend(files);
    diagnostics.extend(problems);
    Loaded {
        articles,
        kinds,
        skipped,
        diagnostics,
        spared,
    }
}

/// The files published beside the pages among `articles` and `pages`: each non-Markdown
/// file in a page bundle's folder (`x/index.md`) or a Hexo post's asset folder
/// (`_posts/x.md` + `_posts/x/`, see [`kinds::asset_folder`]) and below (but not inside a
/// nested bundle), under the page's URL folder.
pub fn bundle_files(
    root: &Path,
    articles: &[Article],
    pages: &[StandalonePage],
    ignore: &Ignore,
) -> (Vec<crate::model::BundleFile>, Vec<Diagnostic>) {
    let hexo = kinds::is_hexo_site(root);
    let owners = articles
        .iter()
        .map(|a| (&a.source_path, &a.path))
        .chain(pages.iter().map(|p| (&p.source_path, &p.path)))
        .filter_map(|(source, url)| Some((source, url, kinds::asset_folder(source, hexo)?)));
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for (source, url_path, dir) in owners {
        let (found, walk_problems) =
            crate::paths::site_files(root, &root.join(&dir), crate::paths::Hidden::Skip);
        problems.extend(walk_problems);
        let base = url_folder(url_path);
        let published = |p: &PathBuf| !is_markdown(p) && !is_ignored(root, p, ignore);
        for path in found.into_iter().filter(published) {
            let inner = path.strip_prefix(root.join(&dir)).unwrap_or(&path);
            if in_nested_bundle(&root.join(&dir), inner) {
                continue;
            }
            files.push(crate::model::BundleFile {
                rel: format!("{base}{}", crate::diagnostics::display_path(inner)),
                file: dir.join(inner),
                source: path,
                owner: source.clone(),
            });
        }
    }
    (files, problems)
}

/// The URL folder a page's relative links resolve against: the page's own (`x/`), or for
/// a page written to `x.html` the folder the file is in.
fn url_folder(url_path: &str) -> String {
    match url_path.rsplit_once('/') {
        _ if url_path.ends_with('/') || url_path.is_empty() => url_path.to_string(),
        Some((folder, _)) => format!("{folder}/"),
        None => String::new(),
    }
}

/// The files of every section among `indexes` (a folder with an `_index.md`): each
/// non-Markdown file directly in the folder, as Zola copies a section's assets and Hugo
/// publishes a branch bundle's resources; subfolders are sections or pages of their own.
/// Their `rel` is relative to the section's URL folder until [`crate::model::attach`]
/// places them under the listing. None in a Hexo site, whose `source/` files are
/// published at their own paths ([`hexo_source_files`]), nor for a folder that is also
/// a page bundle (it has an `index.md`: [`bundle_files`] publishes its files).
pub fn section_files(
    root: &Path,
    indexes: &[ListMeta],
    ignore: &Ignore,
) -> (Vec<crate::model::BundleFile>, Vec<Diagnostic>) {
    if kinds::is_hexo_site(root) {
        return (Vec::new(), Vec::new());
    }
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for meta in indexes {
        let Some(dir) = meta.source_path.parent() else {
            continue;
        };
        let bundle = ["index.md", "index.markdown"]
            .iter()
            .any(|name| root.join(dir).join(name).is_file());
        // `content/index.md` is the home page's (Hexo), never a bundle.
        if bundle && dir != Path::new(CONTENT_DIR) {
            continue;
        }
        let (found, walk_problems) =
            crate::paths::site_files_to(root, &root.join(dir), crate::paths::Hidden::Skip, 1);
        problems.extend(walk_problems);
        let published = |p: &PathBuf| !is_markdown(p) && !is_ignored(root, p, ignore);
        for path in found.into_iter().filter(published) {
            let Some(name) = path.file_name() else {
                continue;
            };
            files.push(crate::model::BundleFile {
                rel: name.to_string_lossy().into_owned(),
                file: dir.join(name),
                source: path.clone(),
                owner: meta.source_path.clone(),
            });
        }
    }
    (files, problems)
}

/// In a Hexo site (`content/_posts/`), every file of `content/` that is not Markdown and
/// not in `_posts/`, `_drafts/` or a bundle folder is published at its own path, as Hexo
/// copies `source/` (`source/assets/logo.png` → `/assets/logo.png`).
pub fn hexo_source_files(
    root: &Path,
    ignore: &Ignore,
) -> (Vec<crate::model::BundleFile>, Vec<Diagnostic>) {
    if !kinds::is_hexo_site(root) {
        return (Vec::new(), Vec::new());
    }
    let content = root.join(CONTENT_DIR);
    let (found, problems) = crate::paths::site_files(root, &content, crate::paths::Hidden::Skip);
    let files = found
        .into_iter()
        .filter(|path| !is_markdown(path) && !is_ignored(root, path, ignore))
        .filter_map(|path| {
            let rel = path.strip_prefix(root).ok()?.to_path_buf();
            let inner = path.strip_prefix(&content).ok()?.to_path_buf();
            let outside = kinds::hexo_place(&rel) == HexoPlace::Elsewhere
                && !kinds::in_bundle_folder(root, &rel)
                && inner
                    .components()
                    .all(|c| !c.as_os_str().to_string_lossy().starts_with('_'));
            outside.then(|| crate::model::BundleFile {
                rel: crate::diagnostics::display_path(&inner),
                owner: rel.clone(),
                file: rel,
                source: path,
            })
        })
        .collect();
    (files, problems)
}

/// Whether `inner` (relative to a bundle folder `dir`) lies inside a subfolder that is a
/// bundle or section of its own (holds an `index.md` or `_index.md`).
fn in_nested_bundle(dir: &Path, inner: &Path) -> bool {
    let mut folder = dir.to_path_buf();
    let parents: Vec<_> = inner
        .parent()
        .map(|p| p.components().collect())
        .unwrap_or_default();
    parents.into_iter().any(|c| {
        folder.push(c);
        ["index.md", "_index.md", "index.markdown", "_index.markdown"]
            .iter()
            .any(|name| folder.join(name).is_file())
    })
}

/// Whether the config's `ignore` globs name `path` (a file under `root`'s `content/`).
fn is_ignored(root: &Path, path: &Path, ignore: &Ignore) -> bool {
    path.strip_prefix(root.join(CONTENT_DIR))
        .is_ok_and(|rel| ignore.is_ignored(rel))
}

/// Every Markdown file under `content/`, as paths relative to `root`, sorted, and the
/// problems met: folders that cannot be read, link loops (errors), links out of the site
/// (warnings, not followed: see [`crate::paths::link_outside_site`]). Files the config's
/// `ignore` globs name are left out.
pub fn find_markdown(root: &Path, ignore: &Ignore) -> (Vec<PathBuf>, Vec<Diagnostic>) {
    let content = root.join(CONTENT_DIR);
    let (files, problems) = crate::paths::site_files(root, &content, crate::paths::Hidden::Skip);
    let markdown = files
        .into_iter()
        .filter(|path| is_markdown(path))
        .filter(|path| {
            !path
                .strip_prefix(&content)
                .is_ok_and(|rel| ignore.is_ignored(rel))
        })
        .map(|path| {
            path.strip_prefix(root)
                .map(Path::to_path_buf)
                .unwrap_or(path)
        })
        .collect();
    (markdown, problems)
}

/// Loads `files` through the parse cache as read, with the settings' key: a file whose key
/// is in the cache is not parsed; the cache is then brought up to date. Returns the results and how many came
/// from the cache.
fn load_cached(
    files: &[PathBuf],
    (settings, cache): (&cache::Key, ParseCache),
    layout: &kinds::Layout,
    options: LoadOptions<'_>,
    config: &SiteConfig,
    root: &Path,
    loading: &crate::progress::Stage,
) -> (Vec<Option<FileResult>>, Spared) {
    // Files by shard, each shard loaded and written back on its own; `_index.md` files,
    // whose parse looks at the site's templates, in a group of their own, not cached.
    let mut groups: Vec<Vec<usize>> = vec![Vec::new(); ParseCache::SHARDS + 1];
    for (i, rel) in files.iter().enumerate() {
        let group = if kinds::is_section_index(rel) {
            ParseCache::SHARDS
        } else {
            cache::shard_of(rel)
        };
        groups[group].push(i);
    }
    let shards = cache.into_shards().into_iter().map(Some).chain([None]);
    let group = Group {
        root,
        files,
        config,
        options,
        layout,
        settings,
        loading,
        unread: Default::default(),
    };
    // Whether each is due is decided here, on every core: a result is 500 bytes, and
    // moving 100,000 of them on one thread showed in a publish build.
    // One shard per task (`with_max_len(1)`): rayon otherwise leaves runs of shards
    // unsplit, and in a cold build of 10,000 articles the last run kept one core busy
    // for 50 ms while the other waited.
    let loaded: Vec<(usize, FileResult, bool)> = groups
        .into_par_iter()
        .zip(shards.collect::<Vec<_>>())
        .with_max_len(1)
        .flat_map_iter(|(indexes, shard)| {
            let loaded = group.load(&indexes, shard).into_iter();
            loaded.map(|(i, result, hit)| (i, when_due(result, options), hit))
        })
        .collect();
    let reads = group.unread.into_inner();
    let hits = loaded.iter().filter(|(_, _, hit)| *hit).count();
    let mut results: Vec<Option<FileResult>> =
        std::iter::repeat_with(|| None).take(files.len()).collect();
    for (i, result, _) in loaded {
        results[i] = Some(result);
    }
    (
        results,
        Spared {
            parses: hits,
            reads,
        },
    )
}

/// What loading one group of files through the cache needs.
struct Group<'a> {
    root: &'a Path,
    files: &'a [PathBuf],
    config: &'a SiteConfig,
    options: LoadOptions<'a>,
    layout: &'a kinds::Layout,
    settings: &'a cache::Key,
    loading: &'a crate::progress::Stage,
    /// Sources not read: their stamps had not changed.
    unread: std::sync::atomic::AtomicUsize,
}

impl Group<'_> {
    /// Loads the files at `indexes` (one shard's, or with no shard the uncached ones):
    /// each file read and its key taken, a hit taken from the shard, the misses parsed
    /// together ([`parse_together`]); then the shard written back and what it wrote, read
    /// back with its bodies left in the file, takes the place of what was parsed. Returns
    /// (index, result, whether a hit).
    fn load(
        &self,
        indexes: &[usize],
        mut shard: Option<cache::CachedShard>,
    ) -> Vec<(usize, FileResult, bool)> {
        let (root, config, options, layout) = (self.root, self.config, self.options, self.layout);
        let mut looked = Vec::with_capacity(indexes.len());
        let mut keys = Vec::with_capacity(indexes.len());
        let mut seen = Vec::with_capacity(indexes.len());
        let mut bytes = Vec::new();
        let mut sourcing = Sourcing::default();
        for &i in indexes {
            let rel = &self.files[i];
            let path = root.join(rel);
            let stamps = shard.as_ref().map(|s| &s.stamps);
            let Ok(Sourced {
                stamp,
                content,
                read,
            }) = sourcing.source(&path, rel.to_str(), stamps, &mut bytes)
            else {
                looked.push((i, read_file(root, rel), false));
                keys.push(None);
                continue;
            };
            if !read {
                self.unread
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
            if let Some((rel, stamp)) = rel.to_str().zip(stamp) {
                seen.push((rel.to_string(), stamp, content));
            }
            let key = cache::file_key(self.settings, rel, &layout.facts(rel), &content);
            let looked_up = match shard.as_mut().and_then(|s| s.take(rel, &key)) {
                Some(result) => (i, Source::Parsed(result), true),
                // Each miss keeps its text until the group is parsed.
                None if read => (i, Source::Read(decode(rel, &bytes)), false),
                None => (i, read_file(root, rel), false),
            };
            looked.push(looked_up);
            keys.push(Some(key));
        }
        let mut loaded = parse_together(
            looked,
            |i| &self.files[i],
            (root, config, options, layout),
            self.loading,
        );
        let Some(shard) = shard else {
            return loaded;
        };
        shard.stamps.save(seen);
        let mut now: Vec<(&Path, cache::Key, &mut FileResult)> = loaded
            .iter_mut()
            .zip(&keys)
            .filter_map(|((i, result, _), key)| Some((self.files[*i].as_path(), (*key)?, result)))
            .collect();
        shard.save(&mut now);
        drop(now);
        loaded
    }
}

/// A file of a group before it is parsed: its text as [`decode`] reads it (or why it is
/// not text, reported if the file is parsed), or a result already (from the cache, or the
/// error of reading it). Not boxed: the group's results are as large, and a box would
/// cost every cache hit an allocation.
#[allow(clippy::large_enum_variant)]
enum Source {
    Read(Result<String, Diagnostic>),
    Parsed(FileResult),
}

/// The text of `rel`, or the error that names it.
fn read_file(root: &Path, rel: &Path) -> Source {
    match std::fs::read(root.join(rel)) {
        Ok(bytes) => Source::Read(decode(rel, &bytes)),
        Err(e) => Source::Parsed(Err(Diagnostic::new(
            rel,
            format!("cannot read the file: {e}"),
        ))),
    }
}

/// The files a parse reads beside the source: the site's root, settings and layout.
type Setting<'a> = (&'a Path, &'a SiteConfig, LoadOptions<'a>, &'a kinds::Layout);

/// Parses the sources of a group of files (index into the files, source, whether a cache
/// hit), in order, counting each on `loading`. Their code blocks are highlighted first, a
/// language at a time ([`markdown::CodeAhead`]): in document order each block's parse
/// would start with its grammar out of the processor's caches. The reading ahead is
/// handed the decoded text the parse reads, so the two find the same code.
fn parse_together<'f>(
    looked: Vec<(usize, Source, bool)>,
    rel_of: impl Fn(usize) -> &'f PathBuf,
    (root, config, options, layout): Setting<'_>,
    loading: &crate::progress::Stage,
) -> Vec<(usize, FileResult, bool)> {
    let _ahead =
        markdown::CodeAhead::prepare(texts_to_parse(&looked), config.raw.markdown.highlight_code);
    looked
        .into_iter()
        .map(|(i, source, hit)| {
            let result = match source {
                Source::Parsed(result) => result,
                Source::Read(text) => parse_file(root, rel_of(i), text, config, options, layout),
            };
            loading.inc(1);
            (i, result, hit)
        })
        .collect()
}

/// The texts of a group that will be parsed: those not taken from the cache and decoded.
fn texts_to_parse(looked: &[(usize, Source, bool)]) -> impl Iterator<Item = &str> {
    looked.iter().filter_map(|(_, source, _)| match source {
        Source::Read(Ok(text)) => Some(text.as_str()),
        _ => None,
    })
}

/// One source's stamp and content hash, and whether its bytes were read (into the
/// buffer handed to [`Sourcing::source`]).
struct Sourced {
    stamp: Option<Stamp>,
    content: cache::Key,
    read: bool,
}

/// How a shard's sources are looked at: while their kept stamps match (a build server's
/// checkout that stays), each is stamped by its path and not opened; once a few in a row
/// do not (a fresh checkout: every file new), each is opened and stamped through the open
/// file, then read, so that no file costs more system calls than reading it did.
#[derive(Default)]
struct Sourcing {
    tried: usize,
    matched: usize,
}

impl Sourcing {
    /// Stamps tried by path before giving up on them for the rest of the shard.
    const TRIES: usize = 4;

    fn source(
        &mut self,
        path: &Path,
        rel: Option<&str>,
        stamps: Option<&Stamps>,
        bytes: &mut Vec<u8>,
    ) -> std::io::Result<Sourced> {
        let kept = |stamp: &Stamp| stamps?.hash_of(rel?, stamp);
        let by_path = self.matched > 0 || self.tried < Self::TRIES;
        // Stamped before it is read: a file that changes in between is stamped as it
        // was, so the next build reads it again.
        let (stamp, file) = if by_path {
            self.tried += 1;
            let stamp = Stamp::of(path);
            if let Some(content) = stamp.as_ref().and_then(kept) {
                self.matched += 1;
                return Ok(Sourced {
                    stamp,
                    content,
                    read: false,
                });
            }
            // The length the path's stamp gave may not be the file opened next.
            (stamp, None)
        } else {
            let file = std::fs::File::open(path)?;
            let stamp = Stamp::of_file(&file);
            if let Some(content) = stamp.as_ref().and_then(kept) {
                return Ok(Sourced {
                    stamp,
                    content,
                    read: false,
                });
            }
            (stamp, Some(file))
        };
        match file {
            // Read as long as the open file's stamp says: no read to find its end.
            Some(file) => read_from(file, stamp.map_or(u64::MAX, |s| s.size()), bytes)?,
            None => read_into(path, bytes)?,
        }
        Ok(Sourced {
            stamp,
            content: cache::content_hash(bytes),
            read: true,
        })
    }
}

/// Reads at most `len` bytes of `file` into `buf`, replacing what it held.
fn read_from(file: std::fs::File, len: u64, buf: &mut Vec<u8>) -> std::io::Result<()> {
    use std::io::Read;
    buf.clear();
    file.take(len).read_to_end(buf)?;
    Ok(())
}

/// Reads the file at `path` into `buf`, replacing what it held. A load reads 100,000
/// sources of a few kilobytes: one buffer reused, sized by the reads themselves, spares
/// `fs::read`'s allocation and `statx` call per file (a tenth of the reading's CPU time).
fn read_into(path: &Path, buf: &mut Vec<u8>) -> std::io::Result<()> {
    // `Take` reads without asking the file its size, as `File::read_to_end` would.
    read_from(std::fs::File::open(path)?, u64::MAX, buf)
}

/// Reads and parses one file.
pub fn load_file(
    root: &Path,
    rel: &Path,
    config: &SiteConfig,
    options: LoadOptions<'_>,
    layout: &kinds::Layout,
) -> FileResult {
    let bytes = std::fs::read(root.join(rel))
        .map_err(|e| Diagnostic::new(rel, format!("cannot read the file: {e}")))?;
    when_due(
        parse_file(root, rel, decode(rel, &bytes), config, options, layout),
        options,
    )
}

/// An article dated after now is left out unless `--future`: decided after the parse (and
/// the parse cache), so that time passing needs no new parse.
fn when_due(result: FileResult, options: LoadOptions<'_>) -> FileResult {
    let (item, warnings) = result?;
    let item = match item {
        Some(Item::Article(a)) if a.date > options.now && !options.future => {
            Some(Item::Skipped(Skip::Future))
        }
        other => other,
    };
    Ok((item, warnings))
}

/// Parses one file's text (as [`decode`] reads it, or why it is not text): what it is and
/// its warnings, before [`when_due`].
fn parse_file(
    root: &Path,
    rel: &Path,
    text: Result<String, Diagnostic>,
    config: &SiteConfig,
    options: LoadOptions<'_>,
    layout: &kinds::Layout,
) -> FileResult {
    // Hexo makes a page of every Markdown file, bundles or not.
    let resource = (!layout.hexo)
        .then(|| layout.enclosing_bundle(rel))
        .flatten();
    if let Some(bundle) = resource {
        let warning = Diagnostic::warning(
            rel,
            format!(
                "inside the page bundle {}: a resource of that page (as Hugo reads it), not a page of its own; not built",
                crate::diagnostics::display_path(bundle)
            ),
        )
        .hint("move the file out of the bundle's folder to make it a page");
        return Ok((Some(Item::Skipped(Skip::BundleResource)), vec![warning]));
    }
    // A Jekyll collection's document has its collection's URL; other underscore folders
    // are not published.
    let collection_url = match layout.hexo.then(|| layout.collections.place(rel)).flatten() {
        Some(None) => return Ok((Some(Item::Skipped(Skip::UnderscoreFolder)), Vec::new())),
        Some(Some(url)) => Some(url),
        None => None,
    };
    let text = text?;
    let split = frontmatter::split(&text).map_err(|e| fm_error(rel, e))?;
    let mut fm = frontmatter::parse(&split).map_err(|e| fm_error(rel, e))?;
    let hexo = layout.hexo.then(|| kinds::hexo_place(rel));
    fm.draft |= hexo == Some(HexoPlace::Drafts);
    if fm.draft && !options.drafts {
        return Ok((Some(Item::Skipped(Skip::Draft)), Vec::new()));
    }
    let mut warnings: Vec<Diagnostic> = fm
        .warnings
        .iter()
        .map(|w| {
            Diagnostic::warning(rel, w.message.clone())
                .at(w.line, w.col)
                .hint(w.hint)
        })
        .collect();
    if kinds::is_section_index(rel) {
        let meta = build_index(
            root,
            rel,
            &split,
            fm,
            config,
            options.shortcodes,
            &mut warnings,
        )?;
        return Ok((Some(Item::Index(meta)), warnings));
    }
    if kinds::not_rendered(&fm.extra) {
        return Ok((Some(Item::Skipped(Skip::NotRendered)), warnings));
    }
    let logical = kinds::logical_path(rel);
    let stem = logical
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let header_line = split.front_line.saturating_sub(1).max(1);
    let date = article_date(rel, &fm, &stem, config.offset, &mut warnings)?;
    let is_page = date.is_none()
        || kinds::wants_page(&fm.extra)
        || hexo == Some(HexoPlace::Elsewhere)
        || collection_url.is_some();
    let file = File {
        rel,
        logical: &logical,
        split: &split,
        config,
        shortcodes: options.shortcodes,
        noun: if is_page { "page" } else { "article" },
    };
    if let Some(index) = kinds::theme_index(&fm.extra) {
        let warning = Diagnostic::warning(
            rel,
            format!("a `{index}` page for a theme: sitegen makes /{index}/ itself; this file is not built"),
        )
        .at(header_line, 1)
        .hint("nothing to do; remove the file once the migration is done");
        warnings.push(warning);
        return Ok((Some(Item::Skipped(Skip::ThemePage)), warnings));
    }
    if is_page {
        // Hexo and Jekyll publish `docs/x.md` as `docs/x.html`.
        let html_pages = hexo.is_some() && !kinds::is_bundle_index(rel);
        let default_path = collection_url
            .unwrap_or_else(|| kinds::page_path(&logical, fm.slug.as_deref(), html_pages));
        let page = build_page(&file, fm, date, default_path, &mut warnings)?;
        return Ok((Some(Item::Page(page)), warnings));
    }
    let Some(date) = date else {
        return Ok((None, warnings));
    };
    let article = build_article(&file, fm, date, &mut warnings)?;
    Ok((Some(Item::Article(Box::new(article))), warnings))
}

/// A standalone page: built as an article (title, body, aliases, checks), then placed at
/// its folder path rather than the permalink pattern (see [`kinds::page_path`]).
fn build_page(
    file: &File<'_>,
    fm: FrontMatter,
    date: Option<DateTime<FixedOffset>>,
    default_path: String,
    warnings: &mut Vec<Diagnostic>,
) -> Result<StandalonePage, Diagnostic> {
    let (rel, split, config) = (file.rel, file.split, file.config);
    let explicit = fm.path.as_deref().is_some_and(|p| !p.trim().is_empty());
    let written_aliases = fm.aliases.clone();
    // Undated: a stand-in date, never shown nor used (the page keeps `date: None`).
    let placeholder =
        date.unwrap_or_else(|| DateTime::<chrono::Utc>::UNIX_EPOCH.with_timezone(&config.offset));
    let a = build_article(file, fm, placeholder, warnings)?;
    // A URL the author set was read (and checked) as an article's is; otherwise the page
    // sits at `default_path` (its folder path, or its Jekyll collection's pattern).
    let path = if explicit {
        a.path.clone()
    } else {
        default_path
    };
    let header_line = split.front_line.saturating_sub(1).max(1);
    if let Some(why) = crate::paths::unsafe_url_path(&path)
        .or_else(|| path.is_empty().then(|| "is the home page's".to_string()))
    {
        return Err(
            Diagnostic::new(rel, format!("the page's URL /{path} {why}"))
                .at(header_line, 1)
                .hint("set `slug` (or `url`) so the page has a URL of its own inside the site"),
        );
    }
    // Relative aliases sit beside the page's own URL, not the pattern's.
    let aliases = if explicit {
        a.aliases
    } else {
        resolve_aliases(rel, &written_aliases, &path, header_line, "/old-page/")?
    };
    Ok(StandalonePage {
        source_path: a.source_path,
        title: a.title,
        seo_title: a.seo_title,
        keywords: a.keywords,
        date,
        updated: a.updated,
        summary: a.summary,
        content: a.content,
        text: a.text,
        slug: a.slug,
        path,
        aliases,
        cover: a.cover,
        draft: a.draft,
        weight: a.weight,
        links: a.links,
        body: a.body,
        extra: a.extra,
    })
}

/// An `_index.md`: the title, description and body of its folder's listing, and how the
/// listing is ordered, paginated and rendered.
fn build_index(
    root: &Path,
    rel: &Path,
    split: &Split<'_>,
    fm: FrontMatter,
    config: &SiteConfig,
    shortcodes: &Shortcodes,
    warnings: &mut Vec<Diagnostic>,
) -> Result<ListMeta, Diagnostic> {
    let header_line = split.front_line.saturating_sub(1).max(1);
    let page = shortcodes::Page {
        path: rel,
        first_line: split.body_line,
        params: &fm.extra,
        config,
    };
    let title = fm.title.as_deref();
    let rendered = render_body(&page, split.body, shortcodes, title, false, warnings);
    // Relative aliases sit beside the listing, as they sit beside an article.
    let folder_path = format!("{}/", kinds::index_folder(rel));
    let aliases = resolve_aliases(rel, &fm.aliases, &folder_path, header_line, "/old-section/")?;
    let mut extra = fm.extra;
    extra.values_mut().for_each(strip_controls_in_value);
    let text = |key: &str| {
        extra
            .get(key)
            .and_then(serde_json::Value::as_str)
            .map(str::to_string)
    };
    let sort_by = text("sort_by").map(|s| {
        crate::model::SortBy::parse(&s).unwrap_or_else(|| {
            warnings.push(
                Diagnostic::warning(
                    rel,
                    format!(
                        "`sort_by` `{}` is not known: sorted by date",
                        s.escape_debug()
                    ),
                )
                .at(header_line, 1)
                .hint("use date, weight, title or none"),
            );
            crate::model::SortBy::Date
        })
    });
    let paginate_by = extra
        .get("paginate_by")
        .or_else(|| extra.get("paginate"))
        .and_then(serde_json::Value::as_u64)
        .filter(|&n| n > 0)
        .and_then(|n| usize::try_from(n).ok());
    let template = text("template").filter(|t| {
        let found = root.join("templates").join(t).is_file() || crate::theme::has_template(t);
        if !found {
            warnings.push(
                Diagnostic::warning(
                    rel,
                    format!(
                        "the template `{}` does not exist: list.html is used",
                        t.escape_debug()
                    ),
                )
                .at(header_line, 1)
                .hint("add it to templates/, or remove `template`"),
            );
        }
        found
    });
    let transparent = kinds::flag(&extra, "transparent") == Some(true);
    let render = kinds::flag(&extra, "render") != Some(false);
    // Fields of their own, not `extra`.
    for key in [
        "sort_by",
        "paginate_by",
        "paginate",
        "template",
        "transparent",
        "render",
    ] {
        extra.remove(key);
    }
    let body = body_info(&rendered, &extra);
    Ok(ListMeta {
        source_path: rel.to_path_buf(),
        folder: kinds::index_folder(rel),
        title: fm
            .title
            .map(strip_controls)
            .filter(|t| !t.trim().is_empty()),
        description: fm
            .summary
            .map(strip_controls)
            .filter(|t| !t.trim().is_empty()),
        content: strip_controls(rendered.html),
        body,
        sort_by,
        paginate_by,
        weight: fm.weight,
        template,
        aliases,
        transparent,
        render,
        extra,
        listing_path: String::new(),
        order: None,
    })
}

/// UTF-8 text with the BOM removed and `\n` line endings.
fn decode(rel: &Path, bytes: &[u8]) -> Result<String, Diagnostic> {
    // simdutf8 is several times faster than std on Chinese text; std only places a bad byte.
    let text = simdutf8::basic::from_utf8(bytes).map_err(|_| not_utf8(rel, bytes))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    Ok(if text.contains('\r') {
        text.replace("\r\n", "\n")
    } else {
        text.to_string()
    })
}

/// Where `bytes` stop being UTF-8, and what to do about it.
fn not_utf8(rel: &Path, bytes: &[u8]) -> Diagnostic {
    let offset = std::str::from_utf8(bytes)
        .err()
        .map_or(0, |e| e.valid_up_to());
    let valid = std::str::from_utf8(&bytes[..offset]).unwrap_or_default();
    let (line, col) = crate::text::line_col(valid, offset);
    Diagnostic::new(
        rel,
        format!("the file is not valid UTF-8 (bad byte at offset {offset})"),
    )
    .at(line, col)
    .hint("save the file as UTF-8 (GBK files must be converted, e.g. with iconv -f GBK -t UTF-8)")
}

fn fm_error(rel: &Path, e: FrontMatterError) -> Diagnostic {
    Diagnostic::new(rel, e.message)
        .at(e.line, e.col)
        .maybe_hint(e.hint)
}

/// A Markdown file being built, with what every part of the build needs of it.
struct File<'a> {
    rel: &'a Path,
    /// See [`kinds::logical_path`].
    logical: &'a Path,
    split: &'a Split<'a>,
    config: &'a SiteConfig,
    shortcodes: &'a Shortcodes,
    /// What the file becomes, for messages: `article` or `page`.
    noun: &'static str,
}

fn build_article(
    file: &File<'_>,
    fm: FrontMatter,
    written: DateTime<FixedOffset>,
    warnings: &mut Vec<Diagnostic>,
) -> Result<Article, Diagnostic> {
    let (rel, logical, split, config) = (file.rel, file.logical, file.split, file.config);
    let stem = logical
        .file_stem()
        .map(|s| s.to_string_lossy())
        .unwrap_or_default();
    let front_title = fm.title.clone().filter(|t| !t.trim().is_empty());
    let page = shortcodes::Page {
        path: rel,
        first_line: split.body_line,
        params: &fm.extra,
        config,
    };
    let mut rendered = render_body(
        &page,
        split.body,
        file.shortcodes,
        front_title.as_deref(),
        front_title.is_none(),
        warnings,
    );
    let header_line = split.front_line.saturating_sub(1).max(1);
    let title = match front_title {
        Some(title) => title,
        None => untitled(file, &stem, rendered.title.take(), header_line, warnings),
    };
    // URLs read the date as written, as Hugo and Jekyll fill `:year/:month/:day` (old URLs
    // must not move a day); pages, feeds and archives show it in the site's time zone.
    let date = written.with_timezone(&config.offset);
    let updated = match &fm.updated {
        Some(text) => Some(
            front_date(
                rel,
                "updated",
                text,
                fm.updated_line,
                config.offset,
                warnings,
            )?
            .with_timezone(&config.offset),
        ),
        None => None,
    };
    let slug = article_slug(&fm, &stem);
    if slug.is_empty() {
        return Err(Diagnostic::new(
            rel,
            format!(
                "the {}'s slug is empty after removing unsafe characters",
                file.noun
            ),
        )
        .at(header_line, 1)
        .hint("add a `slug` made of letters, digits or Chinese characters"));
    }
    let section = section_of(logical);
    let facts = Facts {
        source: rel,
        date: &written,
        slug: &slug,
        slug_set: fm.slug.as_deref().is_some_and(|s| !s.trim().is_empty()),
        title: &title,
        categories: &fm.categories,
        title_token: config.raw.permalink_title,
    };
    let (path, pattern_path) = match permalink::explicit_url(&fm, &facts, header_line) {
        Some(url) => (url?, None),
        None => {
            let path = permalink::fill(&config.raw.permalink, &facts);
            let from_pattern = (!facts.slug_set).then(|| path.clone());
            (path, from_pattern)
        }
    };
    if let Some(why) = crate::paths::unsafe_url_path(&path) {
        return Err(
            Diagnostic::new(rel, format!("the {}'s URL /{path} {why}", file.noun))
                .at(header_line, 1)
                .hint("change `slug` (or `permalink` in config.toml) so the URL stays inside the site"),
        );
    }
    let aliases = resolve_aliases(rel, &fm.aliases, &path, header_line, "/2019/03/old-name/")?;
    let summary = fm
        .summary
        .clone()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| rendered.auto_summary());

    let mut extra = fm.extra;
    extra.values_mut().for_each(strip_controls_in_value);
    let body = body_info(&rendered, &extra);
    Ok(Article {
        source_path: rel.to_path_buf(),
        title: strip_controls(title.trim().to_string()),
        date,
        updated,
        author: fm.author.map(strip_controls),
        authors: fm.authors.into_iter().map(strip_controls).collect(),
        series: fm.series.into_iter().map(strip_controls).collect(),
        series_order: fm.series_order,
        pinned: fm.pinned,
        source: fm.source.map(strip_controls),
        original_title: fm.original_title.map(strip_controls),
        seo_title: fm.seo_title.map(strip_controls),
        keywords: fm.keywords.into_iter().map(strip_controls).collect(),
        summary: strip_controls(summary),
        reading_minutes: rendered.reading_minutes(),
        cjk_chars: rendered.cjk_chars,
        latin_words: rendered.latin_words,
        content: strip_controls(rendered.html).into(),
        text: strip_controls(rendered.text).into(),
        body,
        links: rendered.links,
        tags: fm.tags.into_iter().map(strip_controls).collect(),
        categories: fm.categories.into_iter().map(strip_controls).collect(),
        section,
        slug,
        path,
        pattern_path,
        written_aliases: None,
        aliases,
        cover: fm.cover,
        draft: fm.draft,
        weight: fm.weight,
        extra,
    })
}

/// Renders a body as the site's config says: its shortcodes expanded first, then the
/// Markdown, with its links and warnings (the shortcodes', then the Markdown's) placed at
/// lines of the source file. `title` and `lift_title` are as in [`markdown::RenderOptions`].
fn render_body(
    page: &shortcodes::Page<'_>,
    body: &str,
    set: &Shortcodes,
    title: Option<&str>,
    lift_title: bool,
    warnings: &mut Vec<Diagnostic>,
) -> markdown::Rendered {
    let config = page.config;
    let options = markdown::RenderOptions {
        cjk_spacing: config.raw.cjk_spacing,
        root_path: Some(&config.root_path),
        lift_title,
        title,
        markdown: config.raw.markdown,
    };
    let expanded = shortcodes::expand(body, page, set);
    warnings.extend(expanded.warnings);
    let mut rendered = markdown::render(&expanded.text, options);
    let source_line = |line| expanded.lines.source_line(line) + page.first_line - 1;
    for link in &mut rendered.links {
        link.line = source_line(link.line);
    }
    for warning in rendered.warnings.drain(..) {
        let line = source_line(warning.line);
        warnings.push(Diagnostic::warning(page.path, warning.message).at(line, warning.col));
    }
    rendered
}

/// The table of contents and what the page must load; `toc = false` in front matter
/// (Zola's and many Hugo themes' switch) hides the contents.
fn body_info(
    rendered: &markdown::Rendered,
    extra: &serde_json::Map<String, serde_json::Value>,
) -> BodyInfo {
    BodyInfo {
        toc: markdown::toc(&rendered.headings),
        toc_wanted: extra.get("toc") != Some(&serde_json::Value::Bool(false)),
        has_code: rendered.has_code,
        has_math: rendered.has_math,
        has_diagram: rendered.has_diagram,
        images: rendered.images.clone(),
        internal_links: crate::model::refs::has_internal_links(&rendered.html),
    }
}

/// The aliases as root-relative URL paths (`/old/x/`), relative ones resolved against
/// `page_path` (see [`permalink::alias_path`]); one that leaves the site is an error.
fn resolve_aliases(
    rel: &Path,
    aliases: &[String],
    page_path: &str,
    header_line: usize,
    example: &str,
) -> Result<Vec<String>, Diagnostic> {
    aliases
        .iter()
        .map(|alias| match permalink::alias_path(alias, page_path) {
            Ok(resolved) => Ok(format!("/{resolved}")),
            Err(why) => Err(Diagnostic::new(
                rel,
                format!("the alias `{}` {why}", alias.escape_debug()),
            )
            .at(header_line, 1)
            .hint(format!(
                "an alias is a URL path of this site, e.g. `{example}`"
            ))),
        })
        .collect()
}

/// Text without control characters other than tab and newline. They arrive in titles and
/// bodies pasted from Word or a CMS export; HTML calls them parse errors and XML cannot
/// carry them at all, so they are dropped once, here, and every output (pages, feeds,
/// search index, sitemaps) gets the same clean text.
///
/// Clean text (nearly all of it) is handed back as it is, found clean by one pass over its
/// bytes: this runs over every article's body twice.
fn strip_controls(text: String) -> String {
    if has_controls(text.as_bytes()) {
        text.chars().filter(|&c| !is_stripped(c)).collect()
    } else {
        text
    }
}

/// Whether UTF-8 `bytes` hold a character [`is_stripped`] drops: C0 controls and DEL are
/// single bytes, C1 controls (U+0080–U+009F) are `C2 80`–`C2 9F`.
fn has_controls(bytes: &[u8]) -> bool {
    // Branch-free, so that it vectorises: it looks at every byte of every body.
    let c0_or_del = bytes.iter().fold(false, |found, &b| {
        found | ((b < 0x20) & (b != b'\t') & (b != b'\n')) | (b == 0x7F)
    });
    c0_or_del
        || memchr::memchr_iter(0xC2, bytes)
            .any(|i| bytes.get(i + 1).is_some_and(|n| (0x80..=0x9F).contains(n)))
}

fn is_stripped(c: char) -> bool {
    c.is_control() && c != '\t' && c != '\n'
}

/// [`strip_controls`] in every string of a front-matter value (`extra` keys reach
/// templates as they are).
fn strip_controls_in_value(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::String(s) => *s = strip_controls(std::mem::take(s)),
        serde_json::Value::Array(items) => items.iter_mut().for_each(strip_controls_in_value),
        serde_json::Value::Object(map) => map.values_mut().for_each(strip_controls_in_value),
        _ => {}
    }
}

/// The title of an article or page without one: the heading that opens its body (lifted out of
/// it by the Markdown pass), else its file name made readable. A file without front
/// matter that opens with a heading is a documented convention; anything else is a
/// warning, since Hugo, Zola and Hexo build such files with an empty title.
fn untitled(
    file: &File<'_>,
    stem: &str,
    heading: Option<String>,
    header_line: usize,
    warnings: &mut Vec<Diagnostic>,
) -> String {
    let (rel, split, noun) = (file.rel, file.split, file.noun);
    let add_title = match split.dialect {
        Dialect::Yaml => "add a line `title: …` to the front matter",
        _ => "add `title = \"…\"` to the front matter",
    };
    if let Some(heading) = heading {
        if split.dialect != Dialect::None {
            warnings.push(
                Diagnostic::warning(
                    rel,
                    format!("the {noun} has no `title`: its first heading is used"),
                )
                .at(header_line, 1)
                .hint(add_title),
            );
        }
        return heading;
    }
    let name = date_from_file_stem(stem).map_or(stem, |(_, rest)| rest);
    let name = if name.trim_matches(['-', '_']).is_empty() {
        stem
    } else {
        name
    };
    let readable = name.replace(['-', '_'], " ").trim().to_string();
    warnings.push(
        Diagnostic::warning(
            rel,
            format!("the {noun} has no `title`: its file name is used (`{readable}`)"),
        )
        .at(header_line, 1)
        .hint(add_title),
    );
    readable
}

/// `date`, else a date in the file's name (`2024-03-11-slug.md`, `20230208.3-slug.md`),
/// its bundle folder's name (`2020-07-27-x/index.md`), the URL set in front matter
/// (`path = "inside-news/2020/07/27/x"`) or the folders holding it (`2020/07/27/x.md`);
/// None when there is none: a standalone page. The date is as written (its own offset).
fn article_date(
    rel: &Path,
    fm: &FrontMatter,
    stem: &str,
    offset: FixedOffset,
    warnings: &mut Vec<Diagnostic>,
) -> Result<Option<DateTime<FixedOffset>>, Diagnostic> {
    if let Some(text) = &fm.date {
        return front_date(rel, "date", text, fm.date_line, offset, warnings).map(Some);
    }
    let guessed = date::date_in_name(stem)
        .map(|(d, _)| d)
        .or_else(|| fm.path.as_deref().and_then(date::date_in_path))
        .or_else(|| date::date_in_path(&rel.to_string_lossy()));
    Ok(guessed.and_then(|d| {
        offset
            .from_local_datetime(&d.and_time(chrono::NaiveTime::MIN))
            .single()
    }))
}

/// A front-matter date (`date`, `updated`) as written; a date read with a guess is a
/// warning at the key's line.
fn front_date(
    rel: &Path,
    key: &str,
    text: &str,
    line: usize,
    offset: FixedOffset,
    warnings: &mut Vec<Diagnostic>,
) -> Result<DateTime<FixedOffset>, Diagnostic> {
    let parsed = date::parse_front_date(text, offset).map_err(|e| {
        Diagnostic::new(rel, format!("`{key}`: {}", e.message))
            .at(line, 1)
            .hint(e.hint)
    })?;
    if let Some(warning) = parsed.warning {
        warnings.push(
            Diagnostic::warning(rel, format!("`{key}`: {warning}"))
                .at(line, 1)
                .hint("write the date as 2020-07-27 09:30:00 +08:00: a four-digit year, then the time and offset"),
        );
    }
    Ok(parsed.date)
}

fn article_slug(fm: &FrontMatter, stem: &str) -> String {
    if let Some(slug) = fm.slug.as_deref().filter(|s| !s.trim().is_empty()) {
        return slugify(slug);
    }
    // A URL holding placeholders (`/:year/:title/`) names no slug.
    if let Some(last) = fm
        .path
        .as_deref()
        .filter(|p| !p.contains(':'))
        .and_then(|p| p.trim_matches('/').rsplit('/').next())
        && !last.is_empty()
    {
        return slugify(last.trim_end_matches(".html"));
    }
    let stem = date_from_file_stem(stem).map_or(stem, |(_, rest)| rest);
    slugify(stem)
}

/// The first folder under `content/`, if the file is inside one.
fn section_of(rel: &Path) -> Option<String> {
    let mut parts = rel.components().skip(1); // "content"
    let first = parts.next()?;
    parts.next()?; // a file directly in content/ has no section
    match first {
        Component::Normal(name) => Some(strip_controls(name.to_string_lossy().into_owned())),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each source with its stamp and content hash, as a shard's load hands them on.
    type Seen = Vec<(String, Stamp, cache::Key)>;

    /// Sources each file of `dir` named `a0.md`… `a{n-1}.md` as one shard's load does:
    /// (whether it was read, its content hash) and the stamps to keep.
    fn source_all(dir: &Path, n: usize, stamps: &Stamps) -> (Vec<(bool, cache::Key)>, Seen) {
        let mut sourcing = Sourcing::default();
        let mut bytes = Vec::new();
        let mut seen = Vec::new();
        let got = (0..n)
            .map(|i| {
                let rel = format!("a{i}.md");
                let s = sourcing
                    .source(&dir.join(&rel), Some(&rel), Some(stamps), &mut bytes)
                    .expect("source");
                if s.read {
                    assert_eq!(s.content, cache::content_hash(&bytes), "{rel}");
                }
                seen.push((rel, s.stamp.expect("a stamp"), s.content));
                (s.read, s.content)
            })
            .collect();
        (got, seen)
    }

    #[cfg(unix)]
    #[test]
    fn sources_are_read_unless_their_kept_stamp_matches_whichever_way_they_are_stamped() {
        let dir = tempfile::tempdir().expect("temp dir");
        let (files, cache_dir) = (dir.path().join("c"), dir.path().join("cache"));
        std::fs::create_dir_all(&files).expect("mkdir");
        let write_all = |text: &str| {
            for i in 0..8 {
                // Written beside and renamed in, as a checkout does: a new file each time.
                let tmp = files.join("tmp");
                std::fs::write(&tmp, format!("{text} 第{i}篇")).expect("write");
                std::fs::rename(&tmp, files.join(format!("a{i}.md"))).expect("rename");
            }
        };
        let hashes = |text: &str| -> Vec<cache::Key> {
            (0..8)
                .map(|i| cache::content_hash(format!("{text} 第{i}篇").as_bytes()))
                .collect()
        };
        // "Now" well after the files were written, so that their stamps are kept.
        let later = crate::content::stamps::now() + 60_000_000_000;
        write_all("初稿");
        let none = Stamps::open(&cache_dir, 0, later);
        // No stamps kept: every file read, the last four opened before being stamped.
        let (got, seen) = source_all(&files, 8, &none);
        assert!(got.iter().all(|(read, _)| *read));
        assert_eq!(got.iter().map(|g| g.1).collect::<Vec<_>>(), hashes("初稿"));
        none.save(seen);

        let kept = Stamps::open(&cache_dir, 0, later);
        let (got, seen) = source_all(&files, 8, &kept);
        assert!(got.iter().all(|(read, _)| !*read), "none read: {got:?}");
        assert_eq!(got.iter().map(|g| g.1).collect::<Vec<_>>(), hashes("初稿"));
        kept.save(seen);

        // A fresh checkout with new text: every stamp differs, every file is read.
        write_all("修订稿");
        let (got, _) = source_all(&files, 8, &Stamps::open(&cache_dir, 0, later));
        assert!(got.iter().all(|(read, _)| *read));
        assert_eq!(
            got.iter().map(|g| g.1).collect::<Vec<_>>(),
            hashes("修订稿")
        );
    }

    #[test]
    fn section_is_the_first_folder() {
        assert_eq!(
            section_of(Path::new("content/资讯/a.md")).as_deref(),
            Some("资讯")
        );
        assert_eq!(
            section_of(Path::new("content/资讯/2024/a.md")).as_deref(),
            Some("资讯")
        );
        assert_eq!(section_of(Path::new("content/a.md")), None);
        assert_eq!(
            section_of(Path::new("content/资\u{1}讯/a.md")).as_deref(),
            Some("资讯")
        );
    }

    #[test]
    fn control_characters_are_stripped_but_tab_and_newline_kept() {
        assert_eq!(
            strip_controls("a\u{1}b\tc\nd\u{7f}\u{1b}[0m\u{85}\r".into()),
            "ab\tc\nd[0m"
        );
        // Clean text, Chinese and the C2 lead byte of `§` (C2 A7) included, is kept.
        let clean = "标题 § tab\tline\n".to_string();
        assert!(!has_controls(clean.as_bytes()));
        assert_eq!(strip_controls(clean.clone()), clean);
        let mut v = serde_json::json!({"k": ["x\u{2}", {"n": "y\u{3}"}], "n": 1});
        strip_controls_in_value(&mut v);
        assert_eq!(v, serde_json::json!({"k": ["x", {"n": "y"}], "n": 1}));
    }

    /// (owner, output path) pairs.
    type Published = Vec<(String, String)>;

    /// Loads the site written by `files` (path, text) and returns what it publishes
    /// beside its pages and sections, sorted.
    fn files_beside(files: &[(&str, &str)]) -> (Published, Published) {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        for (path, text) in files {
            let path = root.join(path);
            std::fs::create_dir_all(path.parent().expect("folder")).expect("mkdir");
            std::fs::write(path, text).expect("write");
        }
        let config = SiteConfig::parse(
            "title = \"科技日报\"\nbase_url = \"https://news.example.com/\"\n",
            None,
        )
        .expect("config");
        let shortcodes = Shortcodes::load(root);
        let options = LoadOptions {
            drafts: true,
            future: true,
            now: chrono::Utc::now().fixed_offset(),
            shortcodes: &shortcodes,
        };
        let loaded = load(root, &config, options, None, &Progress::default());
        let pairs = |files: &[crate::model::BundleFile]| {
            let mut pairs: Vec<(String, String)> = files
                .iter()
                .map(|f| (crate::diagnostics::display_path(&f.owner), f.rel.clone()))
                .collect();
            pairs.sort();
            pairs
        };
        (
            pairs(&loaded.kinds.bundle_files),
            pairs(&loaded.kinds.section_files),
        )
    }

    fn pair(owner: &str, rel: &str) -> (String, String) {
        (owner.to_string(), rel.to_string())
    }

    #[test]
    fn hexo_post_asset_folders_are_published_beside_the_post() {
        let post = "---\ntitle: 芯片出口新规\ndate: 2024-03-11 09:30:00\n---\n正文\n";
        let (bundles, sections) = files_beside(&[
            ("content/_posts/2024-03-11-芯片.md", post),
            ("content/_posts/2024-03-11-芯片/chart.png", "png"),
            ("content/_posts/2024-03-11-芯片/数据/表.csv", "csv"),
            ("content/_posts/2024-03-11-芯片/.DS_Store", "x"),
            // A folder with no post of that name: not the asset folder of any post.
            ("content/_posts/无主/孤儿.png", "png"),
            ("content/images/logo.png", "png"),
        ]);
        let owner = "content/_posts/2024-03-11-芯片.md";
        assert_eq!(
            bundles,
            [
                pair(owner, "2024/03/芯片/chart.png"),
                pair(owner, "2024/03/芯片/数据/表.csv"),
                // Hexo's `source/` files keep their own path, as before.
                pair("content/images/logo.png", "images/logo.png"),
            ]
        );
        assert!(sections.is_empty(), "{sections:?}");
    }

    #[test]
    fn a_sections_own_files_wait_for_its_listing() {
        let index = "+++\ntitle = \"资讯\"\n+++\n";
        let (bundles, sections) = files_beside(&[
            ("content/_index.md", index),
            ("content/favicon.ico", "ico"),
            ("content/资讯/_index.md", index),
            ("content/资讯/logo.svg", "<svg/>"),
            ("content/资讯/附录.md", "# 附录\n"),
            ("content/资讯/.hidden.png", "png"),
            ("content/资讯/图/深处.png", "png"),
            // A bundle with an `_index.md` too: its files are the bundle's.
            ("content/专题/_index.md", index),
            ("content/专题/index.md", "+++\ntitle = \"专题\"\n+++\n"),
            ("content/专题/封面.png", "png"),
        ]);
        assert_eq!(
            sections,
            [
                pair("content/_index.md", "favicon.ico"),
                pair("content/资讯/_index.md", "logo.svg"),
            ]
        );
        assert_eq!(bundles, [pair("content/专题/index.md", "专题/封面.png")]);
    }

    #[test]
    fn code_is_read_ahead_in_the_text_the_parse_reads() {
        // A CRLF source's blocks must be found with `\n` line ends, as the render is
        // handed them, or each would be highlighted twice.
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("a.md"),
            "\u{feff}正文\r\n```rust\r\nfn f() {}\r\n```\r\n",
        )
        .unwrap();
        std::fs::write(dir.path().join("b.md"), b"\xff").unwrap();
        let looked = vec![
            (0, read_file(dir.path(), Path::new("a.md")), false),
            (1, read_file(dir.path(), Path::new("b.md")), false),
            (2, Source::Parsed(Ok((None, Vec::new()))), true),
        ];
        let texts: Vec<&str> = texts_to_parse(&looked).collect();
        assert_eq!(texts, ["正文\n```rust\nfn f() {}\n```\n"]);
    }

    #[test]
    fn decode_reports_the_bad_byte() {
        let err = decode(Path::new("a.md"), b"title\n\xff").unwrap_err();
        assert!(err.message.contains("offset 6"), "{err}");
        assert_eq!(err.line, Some(2));
        assert_eq!(
            decode(Path::new("a.md"), "\u{feff}a\r\nb".as_bytes()).unwrap(),
            "a\nb"
        );
    }

    #[test]
    fn a_source_that_is_not_utf8_is_placed_at_its_bad_byte() {
        // GBK's 中 (D6 D0) on line 2, after two characters.
        let mut bytes = "---\n标题".as_bytes().to_vec();
        bytes.extend_from_slice(&[0xD6, 0xD0]);
        let e = decode(Path::new("a.md"), &bytes).unwrap_err();
        assert_eq!((e.line, e.col), (Some(2), Some(3)));
        assert!(
            e.message
                .contains("not valid UTF-8 (bad byte at offset 10)"),
            "{}",
            e.message
        );
        assert!(e.hint.is_some_and(|h| h.contains("iconv")));
        assert_eq!(
            decode(Path::new("a.md"), "中文".as_bytes()).unwrap(),
            "中文"
        );
    }
}
