//! The driver: config → load → model → render, the one path `build`, `check` and `serve`
//! share. The commands differ only in what they do with the files rendered (write them,
//! check their links, serve them from memory) and in which pages they ask for.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use chrono::{DateTime, FixedOffset, Utc};
use rayon::prelude::*;

use crate::config::SiteConfig;
use crate::content::shortcodes::Shortcodes;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::digest::FileHash;
use crate::load::{self, LoadOptions};
use crate::model::{self, Site};
use crate::progress::Progress;
use crate::render::{self, Renderer, Shared};
use crate::statics::Statics;

/// What every command that loads the site is asked (`--root`, `--drafts`, …).
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub root: PathBuf,
    /// Overrides `base_url` from config.toml.
    pub base_url: Option<String>,
    pub drafts: bool,
    pub future: bool,
    /// Every warning is an error (also `strict = true` in config.toml).
    pub strict: bool,
    /// Where `load` and `render` report how far along they are; none by default.
    pub progress: Progress,
    /// Whether picture versions are made while loading (build) or when asked for.
    pub images: crate::images::Mode,
    /// Whether Markdown files go through the parse cache in the cache folder (build):
    /// unchanged files are not parsed again.
    pub parse_cache: bool,
}

/// A loaded site and the warnings met loading it.
pub struct Loaded {
    pub site: Site,
    pub warnings: Diagnostics,
    /// Markdown files read but not published, with why, sorted by path.
    pub skipped: Vec<(PathBuf, load::Skip)>,
    /// What the cache folder spared the load.
    pub spared: load::Spared,
}

/// Reads config, content and static files into the site model. Errors (and, with
/// `strict`, warnings) fail it, every one of them reported: URL clashes among the articles
/// that loaded come with the errors of those that did not.
pub fn load(options: &Options) -> Result<Loaded, Diagnostics> {
    let mut config = SiteConfig::load(&options.root, options.base_url.as_deref())?;
    config.raw.strict |= options.strict;
    let now = now(config.offset);
    let shortcodes = Shortcodes::load(&options.root);
    let load_options = LoadOptions {
        drafts: options.drafts,
        future: options.future,
        now,
        shortcodes: &shortcodes,
    };
    let cache_dir = options
        .parse_cache
        .then(|| options.root.join(&config.raw.images.cache_dir));
    // The static files are found while the content loads (a portal's `static/` may hold
    // hundreds of thousands).
    let (loaded, statics) = rayon::join(
        || {
            load::load(
                &options.root,
                &config,
                load_options,
                cache_dir.as_deref(),
                &options.progress,
            )
        },
        || Statics::collect(&options.root),
    );
    let mut diagnostics = loaded.diagnostics;
    let statics = match statics {
        Ok((statics, warnings)) => {
            diagnostics.extend(warnings);
            statics
        }
        Err(errors) => {
            diagnostics.extend(errors);
            Statics::default()
        }
    };
    // The model is made from whatever loaded, even when some files failed, so that URL
    // clashes among the rest (and with static files) are reported in this same run. When
    // nothing failed, rendering plans the pages and reports clashes itself: plan once.
    let skipped = loaded.skipped;
    let spared = loaded.spared;
    let (articles, _left_out, duplicates) = model::dedupe(loaded.articles);
    diagnostics.extend(duplicates);
    let mut site = model::assemble(config, articles, Arc::new(statics), now);
    let (data, data_errors) = crate::data::load(&options.root);
    site.data = Arc::new(data);
    diagnostics.extend(data_errors);
    diagnostics.extend(model::attach(&mut site, loaded.kinds));
    diagnostics.extend(model::front::arrange(&mut site));
    let urls = crate::urls::Urls::new(&site.config);
    diagnostics.extend(model::refs::resolve(
        &mut site.articles,
        &mut site.pages,
        &urls,
    ));
    let strict = site.config.raw.strict;
    let failing = |d: &Diagnostic| d.is_error() || strict;
    // A build that is going to fail makes no pictures.
    let images = match options.images {
        crate::images::Mode::Make if diagnostics.iter().any(failing) => {
            crate::images::Mode::OnDemand
        }
        mode => mode,
    };
    diagnostics.extend(crate::images::prepare(&mut site, images, &options.progress));
    if diagnostics.iter().any(failing)
        && let Err(clashes) = render::plan(&site)
    {
        diagnostics.extend(clashes);
    }
    let diagnostics = settle(&site.config, diagnostics)?;
    Ok(Loaded {
        site,
        warnings: diagnostics,
        skipped,
        spared,
    })
}

/// Sorts what a stage found and applies `strict`: errors fail the stage, warnings are
/// handed on.
pub fn settle(config: &SiteConfig, found: Vec<Diagnostic>) -> Result<Diagnostics, Diagnostics> {
    let all = Diagnostics::sorted(found).strict(config.raw.strict);
    if all.has_errors() { Err(all) } else { Ok(all) }
}

/// The build's notion of "now", for leaving out future articles and dating the news
/// sitemap: `SOURCE_DATE_EPOCH` when set, so that reproducible builds stay reproducible.
pub fn now(offset: FixedOffset) -> DateTime<FixedOffset> {
    let epoch = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|secs| DateTime::<Utc>::from_timestamp(secs, 0));
    epoch.unwrap_or_else(Utc::now).with_timezone(&offset)
}

/// Where rendered files go: (path relative to the output root, bytes). Called from many
/// threads at once.
pub trait Sink: Sync {
    fn put(&self, file: &str, bytes: &[u8]) -> Result<(), Diagnostic>;

    /// Whether the sink can keep pages from an earlier build ([`Sink::keep_page`]): only
    /// then are pages fingerprinted, which costs a little.
    fn keeps_pages(&self) -> bool {
        false
    }

    /// Whether `file` already holds the page rendered from inputs with fingerprint
    /// `inputs` ([`render::fingerprint`]), the picture versions it links still there to
    /// publish; if so the page is not rendered.
    fn keep_page(&self, _file: &str, _inputs: u64) -> bool {
        false
    }

    /// A rendered page, with the fingerprint of its inputs and the versions it links.
    fn put_page(
        &self,
        file: &str,
        bytes: &[u8],
        _inputs: u64,
        _linked: &[crate::images::Linked],
    ) -> Result<(), Diagnostic> {
        self.put(file, bytes)
    }

    /// What the last build published, for generated files that are updated rather than
    /// made again (the search index: [`crate::search::update`]).
    fn earlier(&self) -> Option<&dyn Earlier> {
        None
    }
}

/// The output of the last build, as a build writing the next one sees it.
pub trait Earlier: Sync {
    /// Where a generator keeps what it needs between builds into this output folder, in
    /// the cache folder (None without one).
    fn ledger_path(&self, name: &str) -> Option<PathBuf>;

    /// The ledger `name` of the edition whose URLs `urls` makes: the Simplified and
    /// Traditional editions may share the output folder, each with its own.
    fn edition_ledger(&self, name: &str, urls: &crate::urls::Urls) -> Option<PathBuf> {
        let edition = blake3::hash(urls.href("").as_bytes()).to_hex();
        self.ledger_path(&format!("{name}-{}", &edition[..16]))
    }

    /// `file` as the last build published it.
    fn read(&self, file: &str) -> Option<Vec<u8>>;

    /// Whether the folder being written holds `file` with this hash already.
    fn holds(&self, file: &str, hash: &FileHash) -> bool;

    /// Counts `file`, which [`Earlier::holds`], as written by this build.
    fn keep(&self, file: &str, hash: &FileHash);
}

/// An [`Earlier`] that notes the names of the files kept, for the clash check.
struct NotingKept<'a> {
    earlier: &'a dyn Earlier,
    names: &'a Mutex<Vec<String>>,
}

impl Earlier for NotingKept<'_> {
    fn ledger_path(&self, name: &str) -> Option<PathBuf> {
        self.earlier.ledger_path(name)
    }

    fn read(&self, file: &str) -> Option<Vec<u8>> {
        self.earlier.read(file)
    }

    fn holds(&self, file: &str, hash: &FileHash) -> bool {
        self.earlier.holds(file, hash)
    }

    fn keep(&self, file: &str, hash: &FileHash) {
        self.earlier.keep(file, hash);
        self.names
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(file.to_string());
    }
}

impl<F> Sink for F
where
    F: Fn(&str, &[u8]) -> Result<(), Diagnostic> + Sync,
{
    fn put(&self, file: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        self(file, bytes)
    }
}

/// Which planned pages to render.
#[derive(Debug, Clone, Copy)]
pub enum Pages<'a> {
    All,
    /// Indexes into the plan's pages (serve renders only those whose inputs changed).
    Only(&'a [usize]),
}

/// Pages one task renders at most. Rayon otherwise leaves long runs of pages in one task,
/// and at the end of a cold build of 10,000 articles the last run kept one core busy for
/// about 40 ms while the other waited; 64 pages are a few milliseconds.
const PAGES_PER_TASK: usize = 64;

/// Renders the chosen pages in parallel, handing each to `sink`. Returns every error.
pub fn render_pages(
    shared: &Shared<'_>,
    renderer: &Renderer,
    pages: Pages<'_>,
    sink: &dyn Sink,
) -> Vec<Diagnostic> {
    renderer.use_images(&shared.site.images);
    let plan = shared.plan;
    let render_one = |buf: &mut Vec<u8>, (page, file): (&render::Page, &String)| {
        buf.clear();
        renderer
            .render_page_to(shared, page, buf)
            .and_then(|()| sink.put(file, buf))
            .err()
    };
    let new_buf = || Vec::with_capacity(64 * 1024);
    match pages {
        Pages::All => plan
            .pages
            .par_iter()
            .zip(&plan.files)
            .with_max_len(PAGES_PER_TASK)
            .map_init(new_buf, render_one)
            .flatten()
            .collect(),
        Pages::Only(chosen) => chosen
            .par_iter()
            .filter_map(|&i| Some((plan.pages.get(i)?, plan.files.get(i)?)))
            .map_init(new_buf, render_one)
            .flatten()
            .collect(),
    }
}

/// Renders every planned page into a sink that keeps pages: a page whose fingerprint the
/// sink already holds is not rendered (a publish build after one new article renders the
/// pages that show it, not the site).
fn render_keeping(
    shared: &mut Shared<'_>,
    renderer: &Renderer,
    sink: &dyn Sink,
) -> Vec<Diagnostic> {
    renderer.use_images(&shared.site.images);
    let prints = render::fingerprint::for_build(shared, renderer);
    if let Some(path) = sink
        .earlier()
        .and_then(|e| e.edition_ledger("cards", &shared.urls))
    {
        shared.keep_cards(prints.cards, &path);
    }
    let shared = &*shared;
    let images = &shared.site.images;
    let render_one =
        |buf: &mut Vec<u8>, ((page, file), inputs): ((&render::Page, &String), &u64)| {
            if sink.keep_page(file, *inputs) {
                return None;
            }
            buf.clear();
            let (rendered, linked) =
                images.recording(|| renderer.render_page_to(shared, page, buf));
            rendered
                .and_then(|()| sink.put_page(file, buf, *inputs, &linked))
                .err()
        };
    shared
        .plan
        .pages
        .par_iter()
        .zip(&shared.plan.files)
        .zip(&prints.pages)
        .with_max_len(PAGES_PER_TASK)
        .map_init(|| Vec::with_capacity(64 * 1024), render_one)
        .flatten()
        .collect()
}

/// Feeds, sitemaps, `robots.txt`, the search index and the hashed assets, each handed to
/// `emit` as it is made. Returns how many, or the errors of those that would take a page's
/// URL or a static file's name: known only once all are made, so the caller must not
/// publish what it was handed when there are any.
pub fn generated_files(
    shared: &Shared<'_>,
    progress: &Progress,
    earlier: Option<&dyn Earlier>,
    emit: &(dyn Fn(String, Vec<u8>) + Sync),
) -> Result<usize, Vec<Diagnostic>> {
    let names = Mutex::new(Vec::new());
    let noting = earlier.map(|earlier| NotingKept {
        earlier,
        names: &names,
    });
    let earlier = noting.as_ref().map(|n| n as &dyn Earlier);
    render::extra_files(shared, progress, earlier, &|name, bytes| {
        names
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(name.clone());
        emit(name, bytes);
    })
    .map_err(|e| vec![e])?;
    let names = names.into_inner().unwrap_or_else(PoisonError::into_inner);
    let mut clashes =
        render::clashes_with_pages(shared.site, shared.plan, names.iter().map(String::as_str));
    clashes.extend(render::statics_clashing_with_generated(
        shared.site,
        names.iter().map(String::as_str),
    ));
    if clashes.is_empty() {
        Ok(names.len())
    } else {
        Err(clashes)
    }
}

/// Renders the whole site into `sink`: every page, then the generated files (after the
/// pages, so that their bytes are not held while pages render). Returns the number of
/// files, or every error.
pub fn render(
    site: &Site,
    renderer: &Renderer,
    sink: &dyn Sink,
    progress: &Progress,
) -> Result<usize, Diagnostics> {
    let plan = render::plan(site).map_err(Diagnostics::sorted)?;
    let mut shared = Shared::new(site, &plan);
    let rendering = progress.stage("rendering", plan.pages.len(), "pages");
    // Counted as each page reaches the sink: one that fails to render is not, and the
    // build fails anyway.
    let counted = Counted {
        sink,
        stage: &rendering,
    };
    let mut errors = if sink.keeps_pages() {
        render_keeping(&mut shared, renderer, &counted)
    } else {
        render_pages(&shared, renderer, Pages::All, &counted)
    };
    drop(rendering);
    // Handed to the sink as they are made; a clash fails the build, so what was written
    // for it is never published.
    let put_errors = Mutex::new(Vec::new());
    // The listing entries are kept for the next build while the generated files are made:
    // one thread writes them (13 MB at 10,000 articles), and the build used to wait for it
    // with the other core idle.
    let ((), generated) = rayon::join(
        || shared.save_cards(),
        || {
            generated_files(&shared, progress, sink.earlier(), &|file, bytes| {
                if let Err(e) = sink.put(&file, &bytes) {
                    put_errors
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .push(e);
                }
            })
        },
    );
    let generated = generated.unwrap_or_else(|clashes| {
        errors.extend(clashes);
        0
    });
    // A ref per article: at 100,000 articles freeing them took 2 % of a publish build's
    // time, on the one thread the build waits for.
    drop_later(std::mem::take(&mut shared.refs));
    errors.extend(
        put_errors
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner),
    );
    if errors.is_empty() {
        Ok(plan.pages.len() + generated)
    } else {
        Err(Diagnostics::sorted(errors))
    }
}

/// Frees `value` on a thread of its own. The model of a 100,000-article site takes a few
/// hundred milliseconds to free, which a build need not wait for: the process may well
/// exit first, and that frees it all at once. When no thread can be started, it is freed
/// here (`thread::spawn` would panic).
pub(crate) fn drop_later<T: Send + 'static>(value: T) {
    let _ = std::thread::Builder::new()
        .name("sitegen-free".into())
        .spawn(move || drop(value));
}

/// A sink that counts the pages handed on (or kept) on a progress stage.
struct Counted<'a> {
    sink: &'a dyn Sink,
    stage: &'a crate::progress::Stage,
}

impl Sink for Counted<'_> {
    fn put(&self, file: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        let put = self.sink.put(file, bytes);
        self.stage.inc(1);
        put
    }

    fn keeps_pages(&self) -> bool {
        self.sink.keeps_pages()
    }

    fn keep_page(&self, file: &str, inputs: u64) -> bool {
        let kept = self.sink.keep_page(file, inputs);
        if kept {
            self.stage.inc(1);
        }
        kept
    }

    fn put_page(
        &self,
        file: &str,
        bytes: &[u8],
        inputs: u64,
        linked: &[crate::images::Linked],
    ) -> Result<(), Diagnostic> {
        let put = self.sink.put_page(file, bytes, inputs, linked);
        self.stage.inc(1);
        put
    }

    fn earlier(&self) -> Option<&dyn Earlier> {
        self.sink.earlier()
    }
}

/// A sink writing under a folder of another sink (the Traditional edition under
/// `zh-hant/`), leaving out the files both editions share.
struct UnderFolder<'a> {
    sink: &'a dyn Sink,
    folder: &'a str,
    site: &'a Site,
    shared: Option<&'a std::collections::HashSet<String>>,
}

impl UnderFolder<'_> {
    fn shared(&self, file: &str) -> bool {
        crate::edition::is_shared_output(file, self.site, self.shared)
    }
}

impl Sink for UnderFolder<'_> {
    fn put(&self, file: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        if self.shared(file) {
            return Ok(());
        }
        self.sink.put(&format!("{}{file}", self.folder), bytes)
    }

    fn keeps_pages(&self) -> bool {
        self.sink.keeps_pages()
    }

    fn keep_page(&self, file: &str, inputs: u64) -> bool {
        if self.shared(file) {
            return true;
        }
        self.sink
            .keep_page(&format!("{}{file}", self.folder), inputs)
    }

    fn put_page(
        &self,
        file: &str,
        bytes: &[u8],
        inputs: u64,
        linked: &[crate::images::Linked],
    ) -> Result<(), Diagnostic> {
        if self.shared(file) {
            return Ok(());
        }
        let file = format!("{}{file}", self.folder);
        self.sink.put_page(&file, bytes, inputs, linked)
    }
}

/// Renders the site and, with `[zh_hant]` on, its Traditional edition: into `sink` under
/// the edition's folder when the two share a host, else into `hant_sink` (a separate
/// host's output). Returns the number of files and the warnings making the edition met.
pub fn render_editions(
    site: &Site,
    renderer: &Renderer,
    sink: &dyn Sink,
    hant_sink: Option<&dyn Sink>,
    progress: &Progress,
) -> Result<(usize, Vec<Diagnostic>), Diagnostics> {
    // The edition's model is made while the site renders: rendering leaves a core idle
    // now and then (feeds, the search index), and converting fills it.
    let (files, made) = rayon::join(
        || render(site, renderer, sink, progress),
        || crate::edition::hant(site),
    );
    let files = files?;
    let (more, warnings) = render_made_hant(site, made, renderer, sink, hant_sink, progress)?;
    Ok((files + more, warnings))
}

/// The Traditional edition alone, as [`render_editions`] renders it after the site (serve
/// renders it in the background, after the pages a save changed).
pub fn render_hant(
    site: &Site,
    renderer: &Renderer,
    sink: &dyn Sink,
    hant_sink: Option<&dyn Sink>,
    progress: &Progress,
) -> Result<(usize, Vec<Diagnostic>), Diagnostics> {
    let made = crate::edition::hant(site);
    render_made_hant(site, made, renderer, sink, hant_sink, progress)
}

/// Renders the Traditional edition `made` from `site` (none when it has none).
fn render_made_hant(
    site: &Site,
    made: Option<Result<(Site, Vec<Diagnostic>), Diagnostic>>,
    renderer: &Renderer,
    sink: &dyn Sink,
    hant_sink: Option<&dyn Sink>,
    progress: &Progress,
) -> Result<(usize, Vec<Diagnostic>), Diagnostics> {
    let Some(made) = made else {
        return Ok((0, Vec::new()));
    };
    let (hant, warnings) = made.map_err(|e| Diagnostics::sorted(vec![e]))?;
    let converting = progress.step("Traditional edition");
    let folder = hant
        .config
        .editions
        .as_ref()
        .and_then(|e| e.hant_folder.clone());
    let files = match (folder, hant_sink) {
        (Some(folder), _) => {
            let plan = render::plan(site).map_err(Diagnostics::sorted)?;
            crate::edition::check_folder(site, &plan, &folder).map_err(Diagnostics::sorted)?;
            let shared = hant
                .config
                .editions
                .as_ref()
                .and_then(|e| e.shared_files.clone());
            let under_folder = UnderFolder {
                sink,
                folder: &folder,
                site,
                shared: shared.as_deref(),
            };
            render(&hant, renderer, &under_folder, progress)?
        }
        (None, Some(own)) => render(&hant, renderer, own, progress)?,
        (None, None) => 0,
    };
    drop(converting);
    let warnings = settle(&site.config, warnings)?;
    Ok((files, warnings.0))
}

/// Times the stages of a run, for `build --timings` and `SITEGEN_SERVE_TIMINGS`.
#[derive(Debug)]
pub struct Stopwatch {
    started: Instant,
    last: Instant,
    pub stages: Vec<(&'static str, Duration)>,
}

impl Default for Stopwatch {
    fn default() -> Self {
        let now = Instant::now();
        Stopwatch {
            started: now,
            last: now,
            stages: Vec::new(),
        }
    }
}

impl Stopwatch {
    /// Ends the current stage, naming it.
    pub fn lap(&mut self, stage: &'static str) {
        let now = Instant::now();
        self.stages.push((stage, now - self.last));
        self.last = now;
    }

    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    /// One line per stage: `  render + write     812.4 ms`.
    pub fn table(&self) -> String {
        self.stages
            .iter()
            .map(|(stage, took)| format!("  {stage:<28} {:>8.1} ms\n", took.as_secs_f64() * 1000.0))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc;
    use std::time::Duration;

    /// Says when it is freed, and on which thread.
    struct Sentinel(mpsc::Sender<Option<String>>);

    impl Drop for Sentinel {
        fn drop(&mut self) {
            let name = std::thread::current().name().map(str::to_string);
            let _ = self.0.send(name);
        }
    }

    #[test]
    fn a_value_dropped_later_is_freed_on_a_thread_of_its_own() {
        let (tx, rx) = mpsc::channel();
        super::drop_later(Sentinel(tx));
        let freed_on = rx
            .recv_timeout(Duration::from_secs(10))
            .expect("the value was never freed");
        assert_eq!(freed_on.as_deref(), Some("sitegen-free"));
    }
}
