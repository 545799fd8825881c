//! The incremental builder behind `serve`, and the thread it runs on.
//!
//! Rendering every page of a 10,000-article site takes seconds and holds hundreds of
//! megabytes; a writer saving one article should see it in a fraction of a second, on a
//! laptop. So:
//!
//! * only the files a save touched are parsed again ([`super::sources`]), and each
//!   article's plain text, which only the search index reads, goes to a file without a
//!   name in the cache folder as soon as it is read ([`crate::model::LazyText`]);
//! * the model stays between builds and takes text and title edits in place
//!   ([`super::live`]);
//! * every planned page gets a fingerprint of what its template sees
//!   ([`crate::render::fingerprint`]). A rebuild renders nothing: it swaps the new
//!   fingerprints in, and a page is rendered when it is asked for, from the site as it is
//!   then, and kept while its fingerprint holds ([`super::pages`]); a page no longer
//!   planned answers 404;
//! * a template or config change bumps a generation that is part of every fingerprint,
//!   and a page of each kind is rendered at once, so that a template error is told when
//!   the template is saved rather than when a page is next opened;
//! * feeds, sitemaps and the search index are made when one of them is asked for
//!   ([`super::generated`]).
//!
//! One thread does all of it, a message at a time ([`Message`]): the plan and the views
//! every page shares are made once per rebuild, for the fingerprints and then for every
//! page rendered until the next rebuild, and no page is rendered from a model half
//! updated.
//!
//! A failed build changes nothing that is served: the last good fingerprints stay, with
//! the pages cached under them. Only when the failure left the model unfit to render (a
//! URL claimed twice, a menu entry naming no section, a template failing on its sample
//! page) does a page not cached answer with the errors, until the next good save.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::mpsc::{Receiver, Sender};
use std::sync::{Arc, PoisonError};
use std::time::Instant;

use axum::body::Bytes;
use rayon::prelude::*;
use tokio::sync::oneshot;

use super::generated::{self, Generator};
use super::live::{Live, Model};
use super::pages::{Lookup, Planned};
use super::sources::Sources;
use super::watch::{self, Events};
use super::{Message, Notice, Rendered, State};
use crate::config::{CONFIG_FILE, SiteConfig};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::Site;
use crate::render::refs::Refs;
use crate::render::{self, Renderer, Shared, fingerprint};
use crate::site::{self, Stopwatch};
use crate::statics::Statics;

/// What changed on disk since the last build.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Changes {
    /// Paths under `content/` (relative to the root) of Markdown files written, created or
    /// removed, and of anything else that vanished (a folder, perhaps).
    pub content: Vec<PathBuf>,
    /// A folder under `content/` changed: walk it all again.
    pub walk: bool,
    pub templates: bool,
    pub config: bool,
    /// Anything under `static/`: stylesheets feed the hashed asset names (and so every
    /// page); other files are read at request time and only need the tabs reloaded.
    pub statics: bool,
    /// Anything under `data/`: read again, and the model assembled afresh (picks and
    /// authors' pages read it).
    pub data: bool,
}

impl Changes {
    pub fn everything() -> Self {
        Changes {
            content: Vec::new(),
            walk: true,
            templates: true,
            config: true,
            statics: true,
            data: true,
        }
    }

    pub fn any(&self) -> bool {
        !self.content.is_empty()
            || self.walk
            || self.templates
            || self.config
            || self.statics
            || self.data
    }

    pub fn merge(&mut self, other: Changes) {
        self.content.extend(other.content);
        self.walk |= other.walk;
        self.templates |= other.templates;
        self.config |= other.config;
        self.statics |= other.statics;
        self.data |= other.data;
    }
}

/// What a model update did, for the terminal.
struct Update {
    started: Instant,
    parsed: usize,
    stages: Stopwatch,
    warnings: Diagnostics,
    /// `static/` changed: tabs reload even if no page did.
    statics: bool,
}

pub(crate) struct Builder {
    /// The site to load; `base_url` is the preview's address unless given.
    options: site::Options,
    quiet: bool,
    /// Print each stage's time (`SITEGEN_SERVE_TIMINGS=1`), for tuning.
    timings: bool,
    config: Option<SiteConfig>,
    /// The templates pages are rendered with: the last that loaded.
    renderer: Option<Renderer>,
    /// The templates on disk did not load: every rebuild tries them again (and fails,
    /// saying why) until they do.
    templates_failed: bool,
    statics: Option<Arc<Statics>>,
    /// The data files as last read (see [`crate::data`]).
    data: Option<Arc<serde_json::Value>>,
    sources: Sources,
    live: Live,
    /// Bumped by template and config changes; part of every page fingerprint.
    generation: u64,
    /// The generation whose templates were last rendered on a page of each kind.
    sampled: u64,
    generator: Generator,
    state: Arc<State>,
    /// Why the model held cannot be rendered, when the last build failed after changing
    /// it (or dropping it): the answer for pages not cached.
    broken: Option<String>,
    /// A message taken from the queue while draining it, to be handled next.
    held: Option<Message>,
}

impl Builder {
    pub fn new(options: site::Options, quiet: bool, state: Arc<State>) -> Self {
        let timings = std::env::var_os("SITEGEN_SERVE_TIMINGS").is_some();
        Builder {
            sources: Sources::new(options.root.clone(), options.drafts),
            options,
            quiet,
            timings,
            config: None,
            renderer: None,
            templates_failed: false,
            statics: None,
            data: None,
            live: Live::default(),
            generation: 0,
            sampled: 0,
            generator: Generator::start(Arc::clone(&state), timings),
            state,
            broken: None,
            held: None,
        }
    }

    /// Builds, tells `built` once the first build is in (or failed), then rebuilds on each
    /// batch of file events and answers the HTTP side until the process ends.
    fn run(mut self, mut events: Events, messages: &Receiver<Message>, built: Sender<()>) {
        let started = Instant::now();
        let mut update = self.update(&Changes::everything());
        let mut first = Some((built, started));
        loop {
            let Some(changes) = self.serve(update.take(), messages, &events.root, &mut first)
            else {
                return;
            };
            events.watch_folders();
            if changes.any() {
                update = self.update(&changes);
            }
        }
    }

    /// Brings the model up to date with `changes`; on errors, reports them (terminal and
    /// tabs) and returns None.
    fn update(&mut self, changes: &Changes) -> Option<Update> {
        let started = Instant::now();
        let mut stages = Stopwatch::default();
        match self.update_model(changes, &mut stages) {
            Ok((parsed, warnings)) => Some(Update {
                started,
                parsed,
                stages,
                warnings,
                statics: changes.statics,
            }),
            Err((errors, changed)) => {
                if changed || self.live.model.is_none() {
                    self.broken = Some(errors.to_string());
                }
                report(&self.state, &errors);
                None
            }
        }
    }

    /// The model update; an error says whether it came after the model changed.
    fn update_model(
        &mut self,
        changes: &Changes,
        clock: &mut Stopwatch,
    ) -> Result<(usize, Diagnostics), (Diagnostics, bool)> {
        let before = |e: Diagnostics| (e, false);
        let config = self.reload_settings(changes).map_err(before)?;
        clock.lap("config + templates");
        let (parsed, mut found) = self.sources.refresh(changes, &config);
        found.extend(self.sources.diagnostics());
        let mut warnings = site::settle(&config, found).map_err(before)?;
        // Only what the files read this time raised: the rest was said before.
        warnings.0.retain(|w| self.sources.dirty.contains(&w.path));
        clock.lap("scan + parse");
        let statics = self.statics.clone().unwrap_or_default();
        let data = self.reload_data(changes, &config).map_err(before)?;
        let what = self.live.update(
            &mut self.sources,
            config,
            &statics,
            &data,
            self.options.future,
        );
        let linked = std::mem::take(&mut self.live.link_warnings);
        // A menu entry naming no section is found only once the model is whole.
        if linked.iter().any(Diagnostic::is_error) {
            return Err((Diagnostics::sorted(linked), true));
        }
        warnings.extend(linked);
        clock.lap(what);
        Ok((parsed, warnings))
    }

    /// Reloads config, templates and static files when they changed (or never loaded); a
    /// config change bumps the generation and drops every parse, since time zone,
    /// permalink pattern and CJK spacing shape every article. Templates that do not load
    /// leave the last good ones rendering.
    fn reload_settings(&mut self, changes: &Changes) -> Result<SiteConfig, Diagnostics> {
        let root = self.options.root.clone();
        if changes.config || self.config.is_none() {
            self.config = None;
            let mut config = SiteConfig::load(&root, self.options.base_url.as_deref())?;
            config.raw.strict |= self.options.strict;
            self.sources.clear();
            self.live = Live::default();
            self.generation += 1;
            self.config = Some(config);
        }
        if changes.templates || self.renderer.is_none() || self.templates_failed {
            self.templates_failed = true;
            let renderer = Renderer::new(&root).map_err(Diagnostics::sorted)?;
            self.templates_failed = false;
            self.renderer = Some(renderer);
            let shortcodes = crate::content::shortcodes::Shortcodes::load(&root);
            if self.sources.set_shortcodes(shortcodes) {
                self.live = Live::default();
            }
            self.generation += 1;
        }
        if changes.statics || self.statics.is_none() {
            self.statics = None;
            let (statics, warnings) = Statics::collect(&root).map_err(Diagnostics::sorted)?;
            eprint!("{}", Diagnostics::sorted(warnings).list());
            self.statics = Some(Arc::new(statics));
        }
        self.config
            .clone()
            .ok_or_else(|| Diagnostic::new(CONFIG_FILE, "the config did not load").into())
    }

    /// The data files, read again when one changed (or never read); a bad one fails the
    /// rebuild as it fails `build`.
    fn reload_data(
        &mut self,
        changes: &Changes,
        config: &SiteConfig,
    ) -> Result<Arc<serde_json::Value>, Diagnostics> {
        if changes.data || self.data.is_none() {
            self.data = None;
            let (value, errors) = crate::data::load(&self.options.root);
            site::settle(config, errors)?;
            self.data = Some(Arc::new(value));
        }
        Ok(self.data.clone().unwrap_or_default())
    }

    /// Publishes what `update` did (when it did something), then answers requests from the
    /// model until the watcher reports changes, which it returns (None once the watcher is
    /// gone).
    fn serve(
        &mut self,
        update: Option<Update>,
        messages: &Receiver<Message>,
        root: &Path,
        first: &mut Option<(Sender<()>, Instant)>,
    ) -> Option<Changes> {
        if update.is_some() {
            self.broken = None;
        }
        let Builder {
            live,
            renderer,
            generator,
            broken,
            held,
            generation,
            sampled,
            timings,
            quiet,
            state,
            ..
        } = self;
        let state = Arc::clone(state);
        let ready = match (&mut live.model, renderer.as_ref(), broken.is_none()) {
            (Some(model), Some(renderer), true) => Some((model, renderer)),
            _ => None,
        };
        let Some((model, renderer)) = ready else {
            announce_first(first, &state, *quiet);
            let why = broken
                .clone()
                .unwrap_or_else(|| "the site did not build".into());
            let serving = Serving::Broken(&why);
            return listen(messages, held, &serving, &state, generator, *timings, root);
        };
        let refs = std::mem::take(&mut model.refs);
        let plan = match render::plan(&model.site) {
            Ok(plan) => plan,
            Err(errors) => {
                model.refs = refs;
                let errors = Diagnostics::sorted(errors);
                report(&state, &errors);
                let why = errors.to_string();
                *broken = Some(why.clone());
                announce_first(first, &state, *quiet);
                let serving = Serving::Broken(&why);
                return listen(messages, held, &serving, &state, generator, *timings, root);
            }
        };
        let shared = Shared::with_refs(&model.site, &plan, Refs::made(refs));
        renderer.use_images(&model.site.images);
        let published = match update {
            Some(update) => {
                let publishing = Publishing {
                    model,
                    shared: &shared,
                    renderer,
                    generation: *generation,
                    sampled,
                    state: &state,
                    timings: *timings,
                    quiet: *quiet || first.is_some(),
                };
                publish(update, publishing)
            }
            None => Ok(()),
        };
        let changes = match published {
            Ok(()) => {
                announce_first(first, &state, *quiet);
                let serving = Serving::Site {
                    shared: &shared,
                    renderer,
                    site: &model.site,
                };
                listen(messages, held, &serving, &state, generator, *timings, root)
            }
            Err(errors) => {
                report(&state, &errors);
                let why = errors.to_string();
                *broken = Some(why.clone());
                announce_first(first, &state, *quiet);
                let serving = Serving::Broken(&why);
                listen(messages, held, &serving, &state, generator, *timings, root)
            }
        };
        let Shared {
            refs, site, urls, ..
        } = shared;
        model.refs = refs.into_values(site, &urls);
        changes
    }
}

/// Starts the rebuild thread; `built` hears once the first build is in (or failed).
pub(crate) fn spawn(
    builder: Builder,
    events: Events,
    messages: Receiver<Message>,
    built: Sender<()>,
) -> Result<(), Diagnostic> {
    std::thread::Builder::new()
        .name("sitegen-rebuild".into())
        .spawn(move || builder.run(events, &messages, built))
        .map(drop)
        .map_err(|e| Diagnostic::new("serve", format!("cannot start the rebuild thread: {e}")))
}

/// Says, once, that the first build is in: how big the site is and how long it took.
fn announce_first(first: &mut Option<(Sender<()>, Instant)>, state: &State, quiet: bool) {
    let Some((built, started)) = first.take() else {
        return;
    };
    // Reading and parsing every file left freed memory behind.
    generated::give_back_memory();
    if !quiet && state.status().built {
        println!(
            "built {} pages in memory in {:.2} s (each rendered when first asked for)",
            state.pages().len(),
            started.elapsed().as_secs_f64()
        );
    }
    let _ = built.send(());
}

/// What [`publish`] works from.
struct Publishing<'a> {
    model: &'a Model,
    shared: &'a Shared<'a>,
    renderer: &'a Renderer,
    generation: u64,
    sampled: &'a mut u64,
    state: &'a State,
    timings: bool,
    quiet: bool,
}

/// Swaps in the fingerprints of the site as `update` left it, with the hashed assets,
/// bundle files and pictures it links; tells open tabs when what is served changed.
fn publish(update: Update, p: Publishing<'_>) -> Result<(), Diagnostics> {
    let Update {
        started,
        parsed,
        mut stages,
        warnings,
        statics,
    } = update;
    let site = &p.model.site;
    stages.lap("plan + shared views");
    let prints = fingerprint::pages(
        p.shared,
        p.shared.plan,
        &p.model.versions,
        &p.model.ref_hashes,
        p.generation,
    );
    stages.lap("fingerprints");
    // New templates: a page of each kind is rendered now (and kept).
    let mut samples = Vec::new();
    if *p.sampled != p.generation {
        let (rendered, errors) = render_pages(p.shared, p.renderer, &samples_of(p.shared.plan));
        if !errors.is_empty() {
            return Err(Diagnostics::sorted(errors));
        }
        samples = rendered;
        *p.sampled = p.generation;
        stages.lap("templates tried");
    }
    let (changed, removed) = {
        let mut table = p
            .state
            .pages
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        let counts = table.replace(&p.shared.plan.files, prints);
        for (at, bytes) in samples {
            let file = &p.shared.plan.files[at];
            if let Some(planned) = table.planned(file) {
                table.keep(file, planned.fingerprint, bytes);
            }
        }
        counts
    };
    *p.state
        .assets
        .write()
        .unwrap_or_else(PoisonError::into_inner) = site
        .statics
        .assets
        .files()
        .map(|(name, bytes)| (name.to_string(), Bytes::copy_from_slice(bytes)))
        .collect();
    *p.state
        .bundles
        .write()
        .unwrap_or_else(PoisonError::into_inner) = site
        .bundle_files
        .iter()
        .map(|f| (f.rel.clone(), f.source.clone()))
        .collect();
    *p.state
        .images
        .write()
        .unwrap_or_else(PoisonError::into_inner) = Arc::clone(&site.images);
    *p.state
        .root_path
        .write()
        .unwrap_or_else(PoisonError::into_inner) = site.config.root_path.clone();
    *p.state
        .hant_folder
        .write()
        .unwrap_or_else(PoisonError::into_inner) = generated::hant_folder(site).map(str::to_string);
    stages.lap("swap in");
    let pages_changed = changed + removed > 0;
    if pages_changed {
        p.state.site_version.fetch_add(1, Ordering::AcqRel);
    }
    let recovered = {
        let mut status = p.state.status();
        let recovered = status.error.take().is_some();
        status.built = true;
        if pages_changed || statics || recovered {
            status.generation += 1;
        }
        recovered
    };
    if pages_changed || statics || recovered {
        let _ = p.state.notices.send(Notice::Reload);
    }
    eprint!("{}", warnings.list());
    if !p.quiet {
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        let removed = if removed > 0 {
            format!(", removed {removed}")
        } else {
            String::new()
        };
        println!(
            "rebuilt {changed} pages{removed} in {ms:.0} ms ({} articles, {parsed} files read)",
            site.articles.len()
        );
    }
    if p.timings {
        eprint!("{}", stages.table());
        if let Some(memory) = resident() {
            let cached = p.state.pages().cached_bytes();
            eprintln!("  {memory}; pages cached {} kB", cached / 1024);
        }
    }
    Ok(())
}

/// One page of each kind (and of each listing template): what a template change is tried
/// on before it is served.
fn samples_of(plan: &render::Plan<'_>) -> Vec<usize> {
    let mut seen = HashSet::new();
    (0..plan.pages.len())
        .filter(|&i| {
            let job = &plan.pages[i].job;
            let listing = match job {
                render::Job::Listing { listing, .. } => plan.listings.get(*listing).map(|l| {
                    let template = l.meta.and_then(|m| m.template.clone());
                    (l.kind.as_str(), template)
                }),
                _ => None,
            };
            seen.insert((std::mem::discriminant(job), listing))
        })
        .collect()
}

/// Renders the pages at `at` (indexes into the plan) in parallel: each page's bytes, and
/// the errors of those that failed.
fn render_pages(
    shared: &Shared<'_>,
    renderer: &Renderer,
    at: &[usize],
) -> (Vec<(usize, Bytes)>, Vec<Diagnostic>) {
    let results: Vec<(usize, Result<Bytes, Diagnostic>)> = at
        .par_iter()
        .filter_map(|&i| shared.plan.pages.get(i).map(|page| (i, page)))
        .map(|(i, page)| {
            let mut buf = Vec::with_capacity(64 * 1024);
            let rendered = renderer.render_page_to(shared, page, &mut buf);
            (i, rendered.map(|()| Bytes::from(buf)))
        })
        .collect();
    let mut pages = Vec::with_capacity(results.len());
    let mut errors = Vec::new();
    for (i, result) in results {
        match result {
            Ok(bytes) => pages.push((i, bytes)),
            Err(e) => errors.push(e),
        }
    }
    (pages, errors)
}

/// What requests are answered from between two rebuilds.
enum Serving<'a> {
    Site {
        shared: &'a Shared<'a>,
        renderer: &'a Renderer,
        site: &'a Arc<Site>,
    },
    /// The model cannot be rendered; why.
    Broken(&'a str),
}

/// Answers requests until a batch of file events comes, and returns what it changed
/// (merged with the batches queued behind it); None once every sender is gone.
fn listen(
    messages: &Receiver<Message>,
    held: &mut Option<Message>,
    serving: &Serving<'_>,
    state: &State,
    generator: &mut Generator,
    timings: bool,
    root: &Path,
) -> Option<Changes> {
    loop {
        let message = match held.take() {
            Some(message) => message,
            None => messages.recv().ok()?,
        };
        match message {
            Message::Files(batch) => {
                let mut changes = watch::classify(root, batch);
                // Whatever else the watcher sent meanwhile goes into the same rebuild.
                while let Ok(more) = messages.try_recv() {
                    match more {
                        Message::Files(batch) => changes.merge(watch::classify(root, batch)),
                        other => {
                            *held = Some(other);
                            break;
                        }
                    }
                }
                if changes.any() {
                    return Some(changes);
                }
            }
            Message::Generate => match serving {
                Serving::Site { site, shared, .. } => {
                    let refs = shared.refs.all(site, &shared.urls);
                    generator.request(site, refs, state.site_version());
                }
                // Nothing newer can be made: the waiting requests get the files as they are.
                Serving::Broken(_) => {
                    let version = state.site_version();
                    state.generated.send_if_modified(|done| {
                        let behind = *done < version;
                        *done = version.max(*done);
                        behind
                    });
                }
            },
            Message::Render { file, reply } => {
                let mut asked = vec![(file, reply)];
                // Requests queued together are rendered together, in parallel.
                while let Ok(more) = messages.try_recv() {
                    match more {
                        Message::Render { file, reply } => asked.push((file, reply)),
                        other => {
                            *held = Some(other);
                            break;
                        }
                    }
                }
                answer(asked, serving, state, timings);
            }
        }
    }
}

/// Answers page requests: from the cache when a page was rendered meanwhile, else by
/// rendering it (once, however often it was asked for) and keeping it.
fn answer(
    asked: Vec<(String, oneshot::Sender<Option<Rendered>>)>,
    serving: &Serving<'_>,
    state: &State,
    timings: bool,
) {
    let started = Instant::now();
    let mut answers: HashMap<String, Option<Rendered>> = HashMap::new();
    let mut missing: Vec<(String, Planned)> = Vec::new();
    {
        let table = state.pages();
        for (file, _) in &asked {
            if answers.contains_key(file) || missing.iter().any(|(f, _)| f == file) {
                continue;
            }
            match (table.lookup(file), serving) {
                (Lookup::NotAPage, _) => {
                    answers.insert(file.clone(), None);
                }
                (Lookup::Hit(bytes), _) => {
                    answers.insert(file.clone(), Some(Ok(bytes)));
                }
                (Lookup::Miss, Serving::Broken(why)) => {
                    answers.insert(file.clone(), Some(Err((*why).to_string())));
                }
                (Lookup::Miss, Serving::Site { .. }) => {
                    if let Some(planned) = table.planned(file) {
                        missing.push((file.clone(), planned));
                    }
                }
            }
        }
    }
    if let (
        Serving::Site {
            shared, renderer, ..
        },
        false,
    ) = (serving, missing.is_empty())
    {
        let rendered: Vec<(String, u64, Rendered)> = missing
            .into_par_iter()
            .map(|(file, planned)| {
                let page = shared.plan.pages.get(planned.at);
                let result = match page.zip(shared.plan.files.get(planned.at)) {
                    Some((page, planned_file)) if *planned_file == file => {
                        let mut buf = Vec::with_capacity(64 * 1024);
                        renderer
                            .render_page_to(shared, page, &mut buf)
                            .map(|()| Bytes::from(buf))
                            .map_err(|e| e.to_string())
                    }
                    _ => Err(format!("{file}: not in the plan being served")),
                };
                (file, planned.fingerprint, result)
            })
            .collect();
        let mut table = state.pages.write().unwrap_or_else(PoisonError::into_inner);
        for (file, fingerprint, result) in rendered {
            match &result {
                Ok(bytes) => table.keep(&file, fingerprint, bytes.clone()),
                Err(error) => eprintln!("{error}"),
            }
            answers.insert(file, Some(result));
        }
    }
    if timings {
        eprintln!(
            "  rendered {} asked for in {:.1} ms",
            asked.len(),
            started.elapsed().as_secs_f64() * 1000.0
        );
    }
    for (file, reply) in asked {
        let _ = reply.send(answers.get(&file).cloned().flatten());
    }
}

/// The process's resident memory now and at its peak (Linux), for the timings.
fn resident() -> Option<String> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .map(|v| v.trim().to_string())
    };
    Some(format!(
        "resident {} (peak {})",
        field("VmRSS:")?,
        field("VmHWM:")?
    ))
}

/// Shows build errors as `build` does, and on every open tab; the served pages stay.
pub(crate) fn report(state: &State, errors: &Diagnostics) {
    let text = errors.to_string();
    let built = {
        let mut status = state.status();
        status.error = Some(text.clone());
        status.built
    };
    if built {
        eprintln!("{text}\nbuild failed: still serving the last good pages");
    } else {
        eprintln!("{text}\nbuild failed: the preview shows these errors until the site builds");
    }
    let _ = state.notices.send(Notice::Error(text));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_merge() {
        let mut a = Changes::default();
        assert!(!a.any());
        a.merge(Changes {
            content: vec![PathBuf::from("content/a.md")],
            ..Changes::default()
        });
        a.merge(Changes {
            templates: true,
            ..Changes::default()
        });
        assert!(a.any() && a.templates && a.content.len() == 1 && !a.walk);
    }
}
