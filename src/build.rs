//! `sitegen build`: config → load → model → render → output.
//!
//! [`load_site`] and [`render_pages`] are the same pieces `serve` and `check` use; only
//! where the pages go differs.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::{DateTime, FixedOffset, Utc};
use rayon::prelude::*;

use crate::config::SiteConfig;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::{self, LoadOptions};
use crate::model::{self, Site};
use crate::output::Output;
use crate::render::{self, Renderer};

/// What `sitegen build` was asked to do.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub root: PathBuf,
    /// Defaults to `public/` under the root.
    pub output: Option<PathBuf>,
    pub base_url: Option<String>,
    pub drafts: bool,
    pub future: bool,
    /// Replace an output folder sitegen did not create.
    pub force: bool,
    /// Minify HTML, CSS and JS (see [`crate::minify`]).
    pub minify: bool,
}

/// What a successful build did.
#[derive(Debug, Clone)]
pub struct BuildSummary {
    pub pages: usize,
    pub articles: usize,
    pub static_files: usize,
    pub elapsed: Duration,
    pub output: PathBuf,
    /// Time spent in each stage, for `--timings`.
    pub stages: Vec<(&'static str, Duration)>,
}

/// Times the stages of one build.
struct Stopwatch {
    last: Instant,
    stages: Vec<(&'static str, Duration)>,
}

impl Stopwatch {
    fn new() -> Self {
        Stopwatch {
            last: Instant::now(),
            stages: Vec::new(),
        }
    }

    fn lap(&mut self, stage: &'static str) {
        let now = Instant::now();
        self.stages.push((stage, now - self.last));
        self.last = now;
    }
}

/// Builds the site into its output folder, replacing it only on success.
pub fn build(options: &BuildOptions) -> Result<BuildSummary, Diagnostics> {
    let started = Instant::now();
    let mut watch = Stopwatch::new();
    let site = load_site(
        &options.root,
        options.base_url.as_deref(),
        options.drafts,
        options.future,
    )?;
    watch.lap("load + model");
    let renderer = Renderer::new(&options.root).map_err(Diagnostics::sorted)?;
    let target = options
        .output
        .clone()
        .unwrap_or_else(|| options.root.join("public"));
    let output = Output::prepare(&options.root, &target, options.force)?;
    watch.lap("templates + output folder");
    let pages = render_pages(&site, &renderer, |file, bytes| {
        if options.minify {
            output.write(file, &crate::minify::file(file, bytes))
        } else {
            output.write(file, bytes)
        }
    })?;
    let static_files = output.copy_static(&options.root)?;
    if options.minify {
        // The plain-named copies of stylesheets and scripts `static/` put in (the hashed ones
        // pages link went through the sink above).
        for (file, bytes) in crate::minify::plain_assets(&options.root)? {
            output.write(&file, &bytes)?;
        }
    }
    watch.lap("render + write");
    output.commit()?;
    watch.lap("swap in");
    Ok(BuildSummary {
        pages,
        articles: site.articles.len(),
        static_files,
        elapsed: started.elapsed(),
        output: target,
        stages: watch.stages,
    })
}

/// Reads config and content into the site model, or reports every problem found.
pub fn load_site(
    root: &Path,
    base_url: Option<&str>,
    drafts: bool,
    future: bool,
) -> Result<Site, Diagnostics> {
    let config = SiteConfig::load(root, base_url)?;
    let options = LoadOptions {
        drafts,
        future,
        now: now(config.offset),
    };
    let loaded = load::load(root, &config, options);
    if !loaded.errors.is_empty() {
        return Err(Diagnostics::sorted(loaded.errors));
    }
    Ok(model::assemble(config, loaded.articles))
}

/// Renders every page in parallel, then the feeds, sitemaps and search index, and hands each
/// file to `sink` as (path relative to the output root, bytes). Returns the number of files,
/// or every error met.
pub fn render_pages<F>(site: &Site, renderer: &Renderer, sink: F) -> Result<usize, Diagnostics>
where
    F: Fn(&str, &[u8]) -> Result<(), Diagnostic> + Sync,
{
    let plan = render::plan(site).map_err(Diagnostics::sorted)?;
    let shared = render::templates_shared(site, &plan)?;
    let mut errors: Vec<Diagnostic> = plan
        .pages
        .par_iter()
        .map_init(
            || Vec::with_capacity(64 * 1024),
            |buf, page| {
                buf.clear();
                renderer
                    .render_page_to(&shared, page, buf)
                    .and_then(|()| sink(&page.file(), buf))
                    .err()
            },
        )
        .flatten()
        .collect();
    // Feeds, sitemaps and the search index come after the pages, so their bytes are not held
    // while pages render; a clash with a page fails the build before anything is swapped in.
    let extra = render::extra_files(&shared);
    errors.extend(render::clashes_with_pages(
        site,
        &plan,
        extra.iter().map(|(f, _)| f.as_str()),
    ));
    errors.extend(
        extra
            .iter()
            .filter_map(|(file, bytes)| sink(file, bytes).err()),
    );
    if errors.is_empty() {
        Ok(plan.pages.len() + extra.len())
    } else {
        Err(Diagnostics::sorted(collapse_repeats(errors)))
    }
}

/// A template bug fails every page that uses the template: say it once, with one page as
/// the example and the count of the others, instead of ten thousand identical lines.
fn collapse_repeats(errors: Vec<Diagnostic>) -> Vec<Diagnostic> {
    use std::collections::BTreeMap;
    const PAGE_NOTE: &str = " (while rendering ";
    /// Where the bug is: file, line, column and the message without the page.
    type Place = (PathBuf, Option<usize>, Option<usize>, String);
    let mut groups: BTreeMap<Place, Vec<Diagnostic>> = BTreeMap::new();
    for e in errors {
        let key_message = e
            .message
            .split(PAGE_NOTE)
            .next()
            .unwrap_or_default()
            .to_string();
        groups
            .entry((e.path.clone(), e.line, e.col, key_message))
            .or_default()
            .push(e);
    }
    groups
        .into_values()
        .filter_map(|mut group| {
            group.sort_by(|a, b| a.message.cmp(&b.message));
            let others = group.len() - 1;
            let mut first = group.into_iter().next()?;
            if others > 0 {
                first.message = first.message.replacen(
                    PAGE_NOTE,
                    &format!(" (on {} pages, e.g. while rendering ", others + 1),
                    1,
                );
            }
            Some(first)
        })
        .collect()
}

/// The build's notion of "now", for leaving out future articles: `SOURCE_DATE_EPOCH` when
/// set, so that reproducible builds stay reproducible.
pub fn now(offset: FixedOffset) -> DateTime<FixedOffset> {
    let epoch = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|secs| DateTime::<Utc>::from_timestamp(secs, 0));
    epoch.unwrap_or_else(Utc::now).with_timezone(&offset)
}
