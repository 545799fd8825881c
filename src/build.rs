//! `sitegen build`: the whole site, rendered by the driver ([`crate::site`]) into the
//! output folder, which is swapped in only when everything succeeded.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::digest::FileHash;
use crate::images::{Images, Linked};
use crate::output::Output;
use crate::render::Renderer;
use crate::site::{self, Stopwatch};

/// What `sitegen build` was asked to do.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub site: site::Options,
    /// Defaults to `public/` under the root.
    pub output: Option<PathBuf>,
    /// Replace an output folder sitegen did not create.
    pub force: bool,
    /// Minify HTML, CSS and JS (see [`crate::minify`]).
    pub minify: bool,
}

/// What a successful build did.
#[derive(Debug)]
pub struct BuildSummary {
    pub pages: usize,
    pub articles: usize,
    pub static_files: usize,
    pub elapsed: Duration,
    pub output: PathBuf,
    /// Time spent in each stage, for `--timings`.
    pub stages: Stopwatch,
    pub warnings: Diagnostics,
    /// Markdown files not published, with why.
    pub skipped: Vec<(PathBuf, crate::load::Skip)>,
    /// Pages left as the previous build wrote them, their inputs unchanged.
    pub pages_kept: usize,
    /// Markdown files not parsed again: their parse came from the cache.
    pub parses_cached: usize,
    /// Markdown files not even read: their stamps said they had not changed.
    pub sources_unread: usize,
    /// Versions of pictures published, and how many of them were made by this build (the
    /// rest came from the cache).
    pub picture_versions: usize,
    pub pictures_made: usize,
}

/// Builds the site into its output folder, replacing it only on success.
pub fn build(options: &BuildOptions) -> Result<BuildSummary, Diagnostics> {
    let mut watch = Stopwatch::default();
    let root = &options.site.root;
    let target = options
        .output
        .clone()
        .unwrap_or_else(|| root.join("public"));
    crate::output::check_target(root, &target, options.force)?;
    // The templates are compiled and the output folder opened (its last manifest read)
    // while the content loads, whose walk of `content/` and ordering of the model run on
    // one thread. The output folder is written to only once the content loaded: a build
    // that stops at a bad file leaves it untouched.
    let (loaded, (renderer, output)) = rayon::join(
        || site::load(&options.site),
        || {
            rayon::join(
                || Renderer::new(root).map_err(Diagnostics::sorted),
                || Output::open(root, &target, options.force),
            )
        },
    );
    let loaded = loaded?;
    let site = &loaded.site;
    let renderer = renderer?;
    let output = output?;
    output.begin()?;
    watch.lap("load + model + templates");
    // A Traditional edition with a host of its own gets an output folder of its own.
    let hant_output = match hant_folder(site) {
        Some(folder) => Some(Output::prepare(root, &folder, options.force)?),
        None => None,
    };
    let owners = Owners::new(site);
    // Generated files that update the last build's (the search index) keep their ledgers
    // in the cache folder, beside the parse cache.
    let ledgers = options.site.parse_cache.then(|| {
        root.join(&site.config.raw.images.cache_dir)
            .join("generated")
    });
    let writer = |output| Writer {
        output,
        owners: &owners,
        minify: options.minify,
        images: &site.images,
        kept: AtomicUsize::new(0),
        ledgers: ledgers.clone(),
    };
    let write = writer(&output);
    let hant_write = hant_output.as_ref().map(writer);
    let hant_sink = hant_write.as_ref().map(|w| w as &dyn site::Sink);
    let progress = &options.site.progress;
    let (pages, edition_warnings) = site::render_editions(
        site, &renderer, &write, hant_sink, progress,
    )
    .map_err(|mut errors| {
        errors.extend(loaded.warnings.0.iter().cloned());
        Diagnostics::sorted(errors.0)
    })?;
    // Versions templates asked for while rendering (`resize_image`) are made now.
    let mut late_warnings = site.images.make_missing(progress);
    late_warnings.extend(edition_warnings);
    site.images.save_notes();
    let picture_versions = site.images.files();
    let copying = progress.step("copying static files");
    let static_files = copy_statics(&output, site, &picture_versions, options.minify)?;
    if let Some(hant) = &hant_output {
        copy_statics(hant, site, &picture_versions, options.minify)?;
    }
    drop(copying);
    watch.lap("render + write");
    let pages_kept = write.kept.load(Ordering::Relaxed)
        + hant_write.map_or(0, |w| w.kept.load(Ordering::Relaxed));
    let committed = output.commit()?;
    if let Some(hant) = hant_output {
        late_warnings.extend(hant.commit()?.warnings);
    }
    watch.lap("swap in");
    let articles = site.articles.len();
    let pictures_made = site.images.made();
    let site::Loaded {
        site,
        mut warnings,
        skipped,
        spared,
    } = loaded;
    site::drop_later(site);
    late_warnings.extend(committed.warnings);
    warnings.0.extend(late_warnings);
    Ok(BuildSummary {
        pages,
        articles,
        static_files,
        elapsed: watch.elapsed(),
        output: target,
        stages: watch,
        warnings,
        skipped,
        picture_versions: picture_versions.len(),
        pictures_made,
        pages_kept,
        parses_cached: spared.parses,
        sources_unread: spared.reads,
    })
}

/// The build's sink: rendered files into an output folder, minified when asked, a failed
/// write blamed on the article that owns the file.
struct Writer<'a> {
    output: &'a Output,
    owners: &'a Owners<'a>,
    minify: bool,
    /// The site's pictures: a kept page's versions are published again through them.
    images: &'a Images,
    /// Pages kept from the previous build rather than rendered.
    kept: AtomicUsize,
    /// Where generators keep their ledgers ([`site::Earlier::ledger_path`]).
    ledgers: Option<PathBuf>,
}

impl site::Earlier for Writer<'_> {
    fn ledger_path(&self, name: &str) -> Option<PathBuf> {
        // Named for the output folder too: two folders built from one site have two
        // ledgers.
        let folder = self.output.target().to_string_lossy();
        let folder = blake3::hash(folder.as_bytes()).to_hex();
        let dir = self.ledgers.as_ref()?;
        Some(dir.join(format!("{name}-{}.bin", &folder[..16])))
    }

    fn read(&self, file: &str) -> Option<Vec<u8>> {
        self.output.read_published(file)
    }

    fn holds(&self, file: &str, hash: &FileHash) -> bool {
        self.output.holds(file, hash)
    }

    fn keep(&self, file: &str, hash: &FileHash) {
        self.output.keep_file(file, hash);
    }
}

impl Writer<'_> {
    /// A page's fingerprint as written: minified pages differ from plain ones.
    fn inputs(&self, inputs: u64) -> u64 {
        if self.minify {
            inputs.rotate_left(1) ^ 0x6d69_6e69_6679
        } else {
            inputs
        }
    }
}

impl site::Sink for Writer<'_> {
    fn put(&self, file: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        let written = if self.minify {
            self.output.write(file, &crate::minify::file(file, bytes))
        } else {
            self.output.write(file, bytes)
        };
        written.map_err(|e| self.owners.blame(file, e))
    }

    fn keeps_pages(&self) -> bool {
        true
    }

    fn keep_page(&self, file: &str, inputs: u64) -> bool {
        let Some(lines) = self.output.keep_page(file, self.inputs(inputs)) else {
            return false;
        };
        let linked: Option<Vec<Linked>> = lines.iter().map(|l| Linked::parse(l)).collect();
        let kept = linked.is_some_and(|linked| self.images.relink(&linked));
        if kept {
            self.kept.fetch_add(1, Ordering::Relaxed);
        }
        kept
    }

    fn put_page(
        &self,
        file: &str,
        bytes: &[u8],
        inputs: u64,
        linked: &[Linked],
    ) -> Result<(), Diagnostic> {
        let inputs = self.inputs(inputs);
        let linked = linked.iter().map(Linked::to_line).collect();
        let written = if self.minify {
            let bytes = crate::minify::file(file, bytes);
            self.output.write_page(file, &bytes, inputs, linked)
        } else {
            self.output.write_page(file, bytes, inputs, linked)
        };
        written.map_err(|e| self.owners.blame(file, e))
    }

    fn earlier(&self) -> Option<&dyn site::Earlier> {
        self.ledgers.is_some().then_some(self as &dyn site::Earlier)
    }
}

/// Static files, bundles' files and pictures' versions, into `output`; returns how many.
fn copy_statics(
    output: &Output,
    site: &crate::model::Site,
    picture_versions: &[crate::statics::StaticFile],
    minify: bool,
) -> Result<usize, Diagnostics> {
    let copied = output.copy_static(&site.statics.published(has_diagram(site)))?
        + output.copy_static(&bundle_statics(site))?
        + output.link_named_by_content(picture_versions)?;
    if minify {
        // The plain-named copies of stylesheets and scripts `static/` put in (the hashed ones
        // pages link went through the sink).
        for (file, bytes) in crate::minify::plain_assets(&site.statics.assets) {
            output.write(&file, &bytes)?;
        }
    }
    Ok(copied)
}

/// The output folder of a Traditional edition that has a host of its own.
fn hant_folder(site: &crate::model::Site) -> Option<PathBuf> {
    let editions = site.config.editions.as_ref()?;
    if editions.hant_folder.is_some() {
        return None;
    }
    Some(site.config.root.join(&site.config.raw.zh_hant.output))
}

/// Whether some article or page has a diagram, so the site needs the diagram script.
fn has_diagram(site: &crate::model::Site) -> bool {
    site.articles.iter().any(|a| a.body.has_diagram)
        || site.pages.iter().any(|p| p.body.has_diagram)
        || site.list_metas.iter().any(|m| m.body.has_diagram)
}

/// The files of page bundles, copied as static files are.
fn bundle_statics(site: &crate::model::Site) -> Vec<crate::statics::StaticFile> {
    site.bundle_files
        .iter()
        .map(|f| crate::statics::StaticFile {
            rel: f.rel.clone(),
            source: crate::statics::Source::Disk(f.source.clone()),
        })
        .collect()
}

/// Which article a file in the output belongs to, so that an OS error (`File name too
/// long`) or a refused path names the Markdown file and its URL rather than a file deep in
/// the staging folder. Built only when a write fails.
struct Owners<'a> {
    site: &'a crate::model::Site,
    by_file: OnceLock<HashMap<String, usize>>,
}

impl<'a> Owners<'a> {
    fn new(site: &'a crate::model::Site) -> Self {
        Owners {
            site,
            by_file: OnceLock::new(),
        }
    }

    /// `error`, met writing `file`, told against its article when one owns it.
    fn blame(&self, file: &str, error: Diagnostic) -> Diagnostic {
        let by_file = self.by_file.get_or_init(|| {
            self.site
                .articles
                .iter()
                .enumerate()
                .map(|(i, a)| (crate::paths::output_file(&a.path), i))
                .collect()
        });
        let Some(article) = by_file.get(file).and_then(|&i| self.site.articles.get(i)) else {
            let mut error = error;
            error.page.get_or_insert_with(|| file.to_string());
            return error;
        };
        let mut blamed = Diagnostic::new(
            &article.source_path,
            format!(
                "cannot write this article's page (slug `{}`, URL /{}): {}",
                article.slug, article.path, error.message
            ),
        )
        .hint(if error.message.starts_with("refusing") {
            "a URL may not contain `..`, `.` or empty segments: fix the `permalink` pattern \
             in config.toml or the article's `slug`/`url`"
        } else {
            "shorten or change the slug (`slug` in front matter, or the file name) or the \
             `permalink` pattern in config.toml"
        });
        blamed.page = Some(article.path.clone());
        blamed
    }
}
