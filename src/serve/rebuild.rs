//! The incremental builder behind `serve`.
//!
//! Rendering every page of a 10,000-article site takes seconds; a writer saving one article
//! should see it in a fraction of one. So:
//!
//! * only the files a save touched are parsed again ([`super::sources`]);
//! * the model stays between builds and takes text and title edits in place
//!   ([`super::live`]);
//! * every planned page gets a fingerprint of what its template sees
//!   ([`super::fingerprint`]); only pages whose fingerprint changed are rendered, and pages
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
use std::sync::{Arc, PoisonError};
use std::time::Instant;

use axum::body::Bytes;
use rayon::prelude::*;

use super::fingerprint;
use super::generated::Generator;
use super::live::Live;
use super::sources::Sources;
use super::{Notice, State};
use crate::config::{CONFIG_FILE, SiteConfig};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::render::views;
use crate::render::{self, Renderer, Shared};
use crate::urls::Urls;

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
}

impl Changes {
    pub fn everything() -> Self {
        Changes {
            content: Vec::new(),
            walk: true,
            templates: true,
            config: true,
            statics: true,
        }
    }

    pub fn any(&self) -> bool {
        !self.content.is_empty() || self.walk || self.templates || self.config || self.statics
    }

    pub fn merge(&mut self, other: Changes) {
        self.content.extend(other.content);
        self.walk |= other.walk;
        self.templates |= other.templates;
        self.config |= other.config;
        self.statics |= other.statics;
    }
}

/// What a successful page rebuild did, for the terminal.
struct Report {
    rendered: usize,
    removed: usize,
    articles: usize,
    parsed: usize,
    stages: Vec<(&'static str, f64)>,
}

pub(crate) struct Builder {
    root: PathBuf,
    base_url: String,
    future: bool,
    quiet: bool,
    /// Print each stage's time (`SITEGEN_SERVE_TIMINGS=1`), for tuning.
    timings: bool,
    config: Option<SiteConfig>,
    renderer: Option<Renderer>,
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
    pub fn new(
        root: PathBuf,
        base_url: String,
        drafts: bool,
        future: bool,
        quiet: bool,
        state: Arc<State>,
    ) -> Self {
        let timings = std::env::var_os("SITEGEN_SERVE_TIMINGS").is_some();
        Builder {
            sources: Sources::new(root.clone(), drafts),
            root,
            base_url,
            future,
            quiet,
            timings,
            config: None,
            renderer: None,
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

    /// Hands a copy of the current articles to the background worker, unless it is still
    /// busy with the last one (then the loop asks again later).
    pub fn refresh_generated(&mut self) {
        if self.generator.busy() {
            return;
        }
        if let Some(model) = &self.live.model {
            self.generator
                .submit(model.site.config.clone(), model.site.articles.clone());
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
            for (stage, ms) in &done.stages {
                eprintln!("  {stage:<28} {ms:>8.1} ms");
            }
        }
        true
    }

    fn rebuild_pages(&mut self, changes: &Changes, state: &State) -> Result<Report, Diagnostics> {
        let mut clock = Clock::new();
        if changes.config || self.config.is_none() {
            self.config = None;
            let config = SiteConfig::load(&self.root, Some(&self.base_url))?;
            // Time zone, permalink pattern and CJK spacing shape every parsed article.
            self.sources.clear();
            self.live = Live::default();
            self.generation += 1;
            self.config = Some(config);
        }
        if changes.templates || self.renderer.is_none() {
            self.renderer = None;
            self.renderer = Some(Renderer::new(&self.root).map_err(Diagnostics::sorted)?);
            self.generation += 1;
        }
        let Some(config) = self.config.clone() else {
            return Err(Diagnostic::new(CONFIG_FILE, "the config did not load").into());
        };
        clock.lap("config + templates");
        let (parsed, mut errors) = self.sources.refresh(changes, &config);
        errors.extend(self.sources.errors());
        if !errors.is_empty() {
            return Err(Diagnostics::sorted(errors));
        }
        clock.lap("scan + parse");
        let what = self.live.update(&mut self.sources, config, self.future);
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
            stages: clock.stages,
        })
    }

    /// Renders the pages whose fingerprint changed and swaps them in, with the hashed
    /// assets they link; drops pages no longer planned. Returns the counts of pages
    /// rendered and removed.
    fn render_changed(
        &mut self,
        state: &State,
        clock: &mut Clock,
    ) -> Result<(usize, usize), Diagnostics> {
        let (Some(model), Some(renderer)) = (&self.live.model, &self.renderer) else {
            return Err(Diagnostic::new("templates", "the templates did not load").into());
        };
        let site = &model.site;
        let plan = render::plan(site).map_err(Diagnostics::sorted)?;
        let urls = Urls::new(&site.config);
        let assets = crate::assets::Assets::collect(&site.config.root)?;
        let shared = Shared {
            site_value: views::site_value(site, &urls, &assets),
            refs: model.refs.clone(),
            site,
            plan: &plan,
            urls,
            assets,
        };
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
        let rendered: Vec<Result<(String, Bytes), Diagnostic>> = dirty
            .par_iter()
            .map_init(
                || Vec::with_capacity(64 * 1024),
                |buf, &i| {
                    buf.clear();
                    renderer
                        .render_page_to(&shared, &plan.pages[i], buf)
                        .map(|()| (prints[i].0.clone(), Bytes::copy_from_slice(buf)))
                },
            )
            .collect();
        clock.lap("render");
        let mut pages = Vec::with_capacity(rendered.len());
        let mut errors = Vec::new();
        for result in rendered {
            match result {
                Ok(page) => pages.push(page),
                Err(e) => errors.push(e),
            }
        }
        if !errors.is_empty() {
            return Err(Diagnostics::sorted(collapse_repeats(errors)));
        }
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
            files.extend(
                shared
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

/// A template bug fails every page using the template: say it once, naming how many
/// pages it hit, rather than once per page.
fn collapse_repeats(errors: Vec<Diagnostic>) -> Vec<Diagnostic> {
    const PAGE_NOTE: &str = " (while rendering ";
    type Place = (PathBuf, Option<usize>, Option<usize>, String);
    let mut groups: Vec<(Diagnostic, usize)> = Vec::new();
    let mut index: HashMap<Place, usize> = HashMap::new();
    for e in errors {
        let message = e
            .message
            .split(PAGE_NOTE)
            .next()
            .unwrap_or_default()
            .to_string();
        let key = (e.path.clone(), e.line, e.col, message);
        match index.get(&key) {
            Some(&g) => groups[g].1 += 1,
            None => {
                index.insert(key, groups.len());
                groups.push((e, 1));
            }
        }
    }
    groups
        .into_iter()
        .map(|(mut e, count)| {
            if count > 1 {
                e.message = e.message.replacen(
                    PAGE_NOTE,
                    &format!(" (on {count} pages, e.g. while rendering "),
                    1,
                );
            }
            e
        })
        .collect()
}

/// Times the stages of one rebuild (`SITEGEN_SERVE_TIMINGS`).
struct Clock {
    last: Instant,
    stages: Vec<(&'static str, f64)>,
}

impl Clock {
    fn new() -> Self {
        Clock {
            last: Instant::now(),
            stages: Vec::new(),
        }
    }

    fn lap(&mut self, stage: &'static str) {
        let now = Instant::now();
        self.stages
            .push((stage, (now - self.last).as_secs_f64() * 1000.0));
        self.last = now;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_template_errors_collapse() {
        let e = |page: &str| {
            Diagnostic::new(
                "templates/list.html",
                format!("boom (while rendering /{page})"),
            )
            .at(3, 4)
        };
        let out = collapse_repeats(vec![e("a/"), e("b/"), e("c/")]);
        assert_eq!(out.len(), 1);
        assert!(out[0].message.contains("on 3 pages"), "{}", out[0].message);
    }

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
