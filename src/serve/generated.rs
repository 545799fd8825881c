//! Feeds, sitemaps, `robots.txt` and the search index, made off the rebuild thread.
//!
//! They describe the whole site, and on 10,000 articles they take longer to make than
//! every other step of a rebuild together (the search index most). Pages must not wait for
//! them, nor the next save: once the writer pauses, the rebuild loop hands the site (an
//! `Arc`, shared, not copied) to this worker, which makes the files through the driver and
//! swaps them in. Tabs are not reloaded for them; a feed or search a moment behind the page is fine
//! in a preview.

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use axum::body::Bytes;

use super::State;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::Site;
use crate::render::{self, Shared};

/// The worker thread and what it has published.
pub(crate) struct Generator {
    jobs: Option<Sender<Arc<Site>>>,
    busy: Arc<AtomicBool>,
    /// Names of the generated files being served, to drop those a new run does not make.
    names: Arc<Mutex<HashSet<String>>>,
}

impl Generator {
    pub fn start(state: Arc<State>, timings: bool) -> Self {
        let (sender, receiver) = channel();
        let busy = Arc::new(AtomicBool::new(false));
        let names = Arc::new(Mutex::new(HashSet::new()));
        let worker = Worker {
            state,
            busy: Arc::clone(&busy),
            names: Arc::clone(&names),
            timings,
        };
        let started = std::thread::Builder::new()
            .name("sitegen-feeds".into())
            .spawn(move || worker.run(receiver));
        let jobs = match started {
            Ok(_) => Some(sender),
            Err(e) => {
                let warning = Diagnostic::warning(
                    "serve",
                    format!(
                        "cannot start the feed worker ({e}): feeds and search will not follow edits"
                    ),
                );
                eprintln!("{warning}");
                None
            }
        };
        Generator { jobs, busy, names }
    }

    /// A run is in progress: a new one would only queue behind it.
    pub fn busy(&self) -> bool {
        self.busy.load(Ordering::Acquire)
    }

    /// Starts a run on the site as it is now.
    pub fn submit(&self, site: Arc<Site>) {
        if let Some(jobs) = &self.jobs {
            self.busy.store(true, Ordering::Release);
            if jobs.send(site).is_err() {
                self.busy.store(false, Ordering::Release);
            }
        }
    }

    /// Makes and publishes the files of `site` on this thread (the first build does, so
    /// that the URL is printed with everything in place).
    pub fn run_now(&self, site: &Site, state: &State) -> Result<(), Diagnostics> {
        let files = files(site)?;
        publish(state, &self.names, files);
        Ok(())
    }
}

struct Worker {
    state: Arc<State>,
    busy: Arc<AtomicBool>,
    names: Arc<Mutex<HashSet<String>>>,
    timings: bool,
}

impl Worker {
    fn run(self, jobs: Receiver<Arc<Site>>) {
        // Its own single-thread pool: the rebuild thread's parallel work must never queue
        // behind a long run here in the shared pool.
        match rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .thread_name(|_| "sitegen-feeds-pool".into())
            .build()
        {
            Ok(pool) => pool.install(|| self.serve_jobs(jobs)),
            Err(_) => self.serve_jobs(jobs),
        }
    }

    fn serve_jobs(&self, jobs: Receiver<Arc<Site>>) {
        while let Ok(mut job) = jobs.recv() {
            // Only the newest copy matters.
            while let Ok(newer) = jobs.try_recv() {
                job = newer;
            }
            let started = Instant::now();
            match files(&job) {
                Ok(files) => publish(&self.state, &self.names, files),
                Err(errors) => super::rebuild::report(&self.state, &errors),
            }
            if self.timings {
                eprintln!(
                    "  feeds, sitemaps, search index {:>8.1} ms (in the background)",
                    started.elapsed().as_secs_f64() * 1000.0
                );
            }
            self.busy.store(false, Ordering::Release);
        }
    }
}

/// Feeds, sitemaps, `robots.txt`, search index and hashed assets of `site`, through the
/// driver, as `build` makes them.
fn files(site: &Site) -> Result<Vec<(String, Vec<u8>)>, Diagnostics> {
    let plan = render::plan(site).map_err(Diagnostics::sorted)?;
    let quiet = crate::progress::Progress::default();
    let mut files = crate::site::generated_files(&Shared::new(site, &plan), &quiet)
        .map_err(Diagnostics::sorted)?;
    files.extend(hant_edition(site)?);
    Ok(files)
}

/// The Traditional edition (`[zh_hant]` under the site's host), pages and all: it is
/// remade whole, here, so that a save shows in the Simplified page at once and in its
/// counterpart a moment later. An edition on a host of its own is `build`'s alone.
fn hant_edition(site: &Site) -> Result<Vec<(String, Vec<u8>)>, Diagnostics> {
    let shares_host = site
        .config
        .editions
        .as_ref()
        .is_some_and(|e| e.hant_folder.is_some());
    if !shares_host {
        return Ok(Vec::new());
    }
    let renderer = render::Renderer::new(&site.config.root).map_err(Diagnostics::sorted)?;
    let made = Mutex::new(Vec::new());
    let collect = |file: &str, bytes: &[u8]| -> Result<(), Diagnostic> {
        made.lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push((file.to_string(), bytes.to_vec()));
        Ok(())
    };
    let quiet = crate::progress::Progress::default();
    crate::site::render_hant(site, &renderer, &collect, None, &quiet)?;
    Ok(made.into_inner().unwrap_or_else(PoisonError::into_inner))
}

/// Swaps the new files in and drops generated files the site no longer has (a deleted
/// tag's feed).
fn publish(state: &State, names: &Mutex<HashSet<String>>, files: Vec<(String, Vec<u8>)>) {
    let fresh: HashSet<String> = files.iter().map(|(f, _)| f.clone()).collect();
    let mut names = names.lock().unwrap_or_else(PoisonError::into_inner);
    let mut served = state.files.write().unwrap_or_else(PoisonError::into_inner);
    for gone in names.difference(&fresh) {
        served.remove(gone);
    }
    served.extend(files.into_iter().map(|(f, b)| (f, Bytes::from(b))));
    *names = fresh;
}
