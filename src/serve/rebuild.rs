//! The incremental builder behind `serve`.
//!
//! Rendering every page of a 10,000-article site takes seconds; a writer saving one article
//! should see it in a fraction of one. So:
//!
//! * only the files a save touched are parsed again ([`super::sources`]);
//! * the model stays between builds and takes text and title edits in place
//!   ([`super::live`]);
//! * every planned page gets a fingerprint of what its template sees
//!   ([`crate::render::fingerprint`]); only pages whose fingerprint changed are rendered, and pages
//!   no longer planned are dropped (a deleted article answers 404);
//! * a template or config change bumps a generation that is part of every fingerprint: a
//!   full rebuild, by the same path;
//! * feeds, sitemaps and the search index are made in the background once the writer
//!   pauses ([`super::generated`]).
//!
//! A failed build changes nothing that is served: the last good pages stay until the next
//! good save.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use axum::body::Bytes;

use super::generated::Generator;
use super::live::Live;
use super::sources::Sources;
use super::{Notice, State};
use crate::config::{CONFIG_FILE, SiteConfig};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::render::{self, Renderer, Shared, fingerprint};
use crate::site::{self, Pages, Stopwatch};
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

/// What a successful page rebuild did, for the terminal.
struct Report {
    rendered: usize,
    removed: usize,
    articles: usize,
    parsed: usize,
    stages: Stopwatch,
    warnings: Diagnostics,
}

pub(crate) struct Builder {
    /// The site to load; `base_url` is the preview's address unless given.
    options: site::Options,
    quiet: bool,
    /// Print each stage's time (`SITEGEN_SERVE_TIMINGS=1`), for tuning.
    timings: bool,
    config: Option<SiteConfig>,
    renderer: Option<Renderer>,
    statics: Option<Arc<Statics>>,
    /// The data files as last read (see [`crate::data`]).
    data: Option<Arc<serde_json::Value>>,
    sources: Sources,
    live: Live,
    /// Bumped by template and config changes; part of every page fingerprint.
    generation: u64,
    /// Page file → fingerprint of the version being served.
    pages: HashMap<String, u64>,
    generator: Generator,
    /// The pages changed since feeds, sitemaps and the search index were last made.
    generated_stale: bool,
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
            statics: None,
            data: None,
            live: Live::default(),
            generation: 0,
            pages: HashMap::new(),
            generator: Generator::start(state, timings),
            generated_stale: false,
        }
    }

    /// The first build, feeds and index included, before the URL is printed.
    pub fn initial(&mut self, state: &State) {
        let started = Instant::now();
        let quiet = std::mem::replace(&mut self.quiet, true);
        let ok = self.rebuild(Changes::everything(), state);
        self.quiet = quiet;
        if let (true, Some(model)) = (ok, &self.live.model) {
            match self.generator.run_now(&model.site, state) {
                Ok(()) => self.generated_stale = false,
                Err(errors) => report(state, &errors),
            }
            if !self.quiet {
                println!(
                    "built {} pages ({} articles) in memory in {:.2} s",
                    self.pages.len(),
                    model.site.articles.len(),
                    started.elapsed().as_secs_f64()
                );
            }
        }
    }

    /// Whether feeds, sitemaps and the search index lag behind the pages.
    pub fn generated_stale(&self) -> bool {
        self.generated_stale
    }

    /// Hands the current site to the background worker, unless it is still busy with the
    /// last one (then the loop asks again later).
    pub fn refresh_generated(&mut self) {
        if self.generator.busy() {
            return;
        }
        if let Some(model) = &self.live.model {
            self.generator.submit(Arc::clone(&model.site));
        }
        self.generated_stale = false;
    }

    /// Rebuilds what `changes` touch, swaps the new pages in and tells open tabs; on
    /// errors, reports them (terminal and tabs) and leaves the served pages alone. Returns
    /// whether it succeeded.
    pub fn rebuild(&mut self, changes: Changes, state: &State) -> bool {
        let started = Instant::now();
        let done = match self.rebuild_pages(&changes, state) {
            Ok(done) => done,
            Err(errors) => {
                report(state, &errors);
                return false;
            }
        };
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        let changed = done.rendered + done.removed > 0 || changes.statics;
        let recovered = {
            let mut status = state.status();
            let recovered = status.error.take().is_some();
            status.built = true;
            if changed || recovered {
                status.generation += 1;
            }
            recovered
        };
        if changed || recovered {
            let _ = state.notices.send(Notice::Reload);
        }
        if done.rendered + done.removed > 0 {
            self.generated_stale = true;
        }
        eprint!("{}", done.warnings.list());
        if !self.quiet {
            let removed = if done.removed > 0 {
                format!(", removed {}", done.removed)
            } else {
                String::new()
            };
            println!(
                "rebuilt {} pages{removed} in {ms:.0} ms ({} articles, {} files read)",
                done.rendered, done.articles, done.parsed
            );
        }
        if self.timings {
            eprint!("{}", done.stages.table());
        }
        true
    }

    fn rebuild_pages(&mut self, changes: &Changes, state: &State) -> Result<Report, Diagnostics> {
        let mut clock = Stopwatch::default();
        let config = self.reload_settings(changes)?;
        clock.lap("config + templates");
        let (parsed, mut found) = self.sources.refresh(changes, &config);
        found.extend(self.sources.diagnostics());
        let mut warnings = site::settle(&config, found)?;
        // Only what the files read this time raised: the rest was said before.
        warnings.0.retain(|w| self.sources.dirty.contains(&w.path));
        clock.lap("scan + parse");
        let statics = self.statics.clone().unwrap_or_default();
        let data = self.reload_data(changes, &config)?;
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
            return Err(Diagnostics::sorted(linked));
        }
        warnings.extend(linked);
        clock.lap(what);
        let (rendered, removed) = self.render_changed(state, &mut clock)?;
        let model = self.live.model.as_ref();
        if let Some(model) = model {
            *state
                .root_path
                .write()
                .unwrap_or_else(PoisonError::into_inner) = model.site.config.root_path.clone();
        }
        Ok(Report {
            rendered,
            removed,
            articles: model.map_or(0, |m| m.site.articles.len()),
            parsed,
            stages: clock,
            warnings,
        })
    }

    /// Reloads config, templates and static files when they changed (or were never
    /// loaded); a config change bumps the generation and drops every parse, since time
    /// zone, permalink pattern and CJK spacing shape every article.
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
        if changes.templates || self.renderer.is_none() {
            self.renderer = None;
            self.renderer = Some(Renderer::new(&root).map_err(Diagnostics::sorted)?);
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

    /// Renders, through the driver, the pages whose fingerprint changed and swaps them
    /// in with the hashed assets they link; drops pages no longer planned. Returns the
    /// counts of pages rendered and removed.
    fn render_changed(
        &mut self,
        state: &State,
        clock: &mut Stopwatch,
    ) -> Result<(usize, usize), Diagnostics> {
        let (Some(model), Some(renderer)) = (&self.live.model, &self.renderer) else {
            return Err(Diagnostic::new("templates", "the templates did not load").into());
        };
        let site = &model.site;
        let plan = render::plan(site).map_err(Diagnostics::sorted)?;
        let shared = Shared::with_refs(site, &plan, model.refs.clone());
        clock.lap("plan + shared views");
        let prints = fingerprint::pages(
            &shared,
            &plan,
            &model.versions,
            &model.ref_hashes,
            self.generation,
        );
        let dirty: Vec<usize> = (0..plan.pages.len())
            .filter(|&i| self.pages.get(&prints[i].0) != Some(&prints[i].1))
            .collect();
        clock.lap("fingerprints");
        let pages = Mutex::new(Vec::with_capacity(dirty.len()));
        let keep = |file: &str, bytes: &[u8]| -> Result<(), Diagnostic> {
            pages
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push((file.to_string(), Bytes::copy_from_slice(bytes)));
            Ok(())
        };
        let errors = site::render_pages(&shared, renderer, Pages::Only(&dirty), &keep);
        clock.lap("render");
        if !errors.is_empty() {
            return Err(Diagnostics::sorted(errors));
        }
        let pages = pages.into_inner().unwrap_or_else(PoisonError::into_inner);
        let prints: HashMap<String, u64> = prints.into_iter().collect();
        let removed: Vec<&String> = self
            .pages
            .keys()
            .filter(|f| !prints.contains_key(*f))
            .collect();
        let counts = (pages.len(), removed.len());
        {
            let mut files = state.files.write().unwrap_or_else(PoisonError::into_inner);
            for file in removed {
                files.remove(file);
            }
            files.extend(pages);
            *state
                .bundles
                .write()
                .unwrap_or_else(PoisonError::into_inner) = site
                .bundle_files
                .iter()
                .map(|f| (f.rel.clone(), f.source.clone()))
                .collect();
            *state.images.write().unwrap_or_else(PoisonError::into_inner) =
                Arc::clone(&site.images);
            files.extend(
                site.statics
                    .assets
                    .files()
                    .map(|(name, bytes)| (name.to_string(), Bytes::copy_from_slice(bytes))),
            );
        }
        clock.lap("swap in");
        self.pages = prints;
        Ok(counts)
    }
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
