//! Feeds, sitemaps, `robots.txt`, the search index (and a Traditional edition under the
//! site's host), made when one of them is asked for, off the rebuild thread.
//!
//! They describe the whole site, and on 10,000 articles they take longer to make than
//! every other step of a rebuild together (the search index most), and as much memory
//! again while they are made. Pages must not wait for them, nor the next save; and a
//! writer editing articles seldom opens a feed. So a rebuild only marks them as behind
//! (the site's version moves on); the first request for one of them afterwards hands the
//! site (an `Arc`, shared, not copied) to this worker, waits for it to make the files
//! through the driver and swap them in, and is answered from them. Tabs are not reloaded
//! for them.
//!
//! They are as big as the site (40 MB at 10,000 articles, a whole second site with a
//! Traditional edition), so they are written to a folder of their own in the site's cache
//! folder (`.sitegen-cache/serve-PID/`, removed on exit) and served from there, and the
//! memory making them took is handed back to the system ([`give_back_memory`]): held,
//! they would keep the preview's memory at its peak.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use axum::body::Bytes;

use super::State;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::Site;
use crate::render::{self, Shared};

/// A site to make the files of, its articles' refs (the rebuild thread's, so that they
/// are not made again) and its version (see [`State::site_version`]).
type Job = (Arc<Site>, Vec<tera::Value>, u64);

/// The worker thread, and the newest version handed to it.
pub(crate) struct Generator {
    jobs: Option<Sender<Job>>,
    submitted: u64,
    state: Arc<State>,
    timings: bool,
}

impl Generator {
    pub fn start(state: Arc<State>, timings: bool) -> Self {
        let (sender, receiver) = channel();
        let worker_state = Arc::clone(&state);
        let started = std::thread::Builder::new()
            .name("sitegen-feeds".into())
            .spawn(move || run(worker_state, receiver, timings));
        let jobs = match started {
            Ok(_) => Some(sender),
            Err(e) => {
                let warning = Diagnostic::warning(
                    "serve",
                    format!(
                        "cannot start the feed worker ({e}): feeds and search are made on the \
                         rebuild thread"
                    ),
                );
                eprintln!("{warning}");
                None
            }
        };
        Generator {
            jobs,
            submitted: 0,
            state,
            timings,
        }
    }

    /// Has the files of `site` (with `refs`), at `version`, made unless they are being
    /// made already.
    pub fn request(&mut self, site: &Arc<Site>, refs: Vec<tera::Value>, version: u64) {
        if self.submitted >= version || self.state.generated_version() >= version {
            return;
        }
        self.submitted = version;
        let job = (Arc::clone(site), refs, version);
        let job = match &self.jobs {
            Some(jobs) => match jobs.send(job) {
                Ok(()) => return,
                Err(failed) => failed.0,
            },
            None => job,
        };
        make(&self.state, job, self.timings);
    }
}

fn run(state: Arc<State>, jobs: Receiver<Job>, timings: bool) {
    // Its own single-thread pool: the rebuild thread's parallel work must never queue
    // behind a long run here in the shared pool.
    let serve_jobs = move || {
        while let Ok(mut job) = jobs.recv() {
            // Only the newest copy matters.
            while let Ok(newer) = jobs.try_recv() {
                job = newer;
            }
            make(&state, job, timings);
        }
    };
    match rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .thread_name(|_| "sitegen-feeds-pool".into())
        .build()
    {
        Ok(pool) => pool.install(serve_jobs),
        Err(_) => serve_jobs(),
    }
}

/// Makes and publishes the files of one version of the site; a failure is reported as a
/// build's is, and the files stay as they were. Either way the version counts as done, so
/// that the requests waiting for it are answered.
fn make(state: &State, (site, refs, version): Job, timings: bool) {
    let started = Instant::now();
    let folder = Folder::new(&site, version);
    match files(&site, refs, &|rel, bytes| folder.put(rel, bytes)) {
        Ok(()) => folder.publish(state, version),
        Err(errors) => {
            folder.discard();
            super::rebuild::report(state, &errors);
        }
    }
    drop(site);
    give_back_memory();
    if timings {
        eprintln!(
            "  feeds, sitemaps, search index {:>8.1} ms (asked for)",
            started.elapsed().as_secs_f64() * 1000.0
        );
    }
    state.generated.send_if_modified(|done| {
        let newer = version > *done;
        if newer {
            *done = version;
        }
        newer
    });
}

/// Feeds, sitemaps, `robots.txt`, search index and hashed assets of `site`, through the
/// driver, as `build` makes them, each handed to `emit` once made.
fn files(
    site: &Site,
    refs: Vec<tera::Value>,
    emit: &(dyn Fn(String, Vec<u8>) + Sync),
) -> Result<(), Diagnostics> {
    let plan = render::plan(site).map_err(Diagnostics::sorted)?;
    let quiet = crate::progress::Progress::default();
    let shared = Shared::with_refs(site, &plan, render::refs::Refs::made(refs));
    crate::site::generated_files(&shared, &quiet, None, emit).map_err(Diagnostics::sorted)?;
    drop(shared);
    for (rel, bytes) in hant_edition(site)? {
        emit(rel, bytes);
    }
    Ok(())
}

/// The Traditional edition (`[zh_hant]` under the site's host), pages and all: it is
/// remade whole, here, so that a save shows in the Simplified page at once and in its
/// counterpart when that is next asked for. An edition on a host of its own is `build`'s
/// alone.
fn hant_edition(site: &Site) -> Result<Vec<(String, Vec<u8>)>, Diagnostics> {
    if hant_folder(site).is_none() {
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

/// The folder the Traditional edition is served under, when it shares the site's host.
pub(crate) fn hant_folder(site: &Site) -> Option<&str> {
    site.config
        .editions
        .as_ref()
        .and_then(|e| e.hant_folder.as_deref())
}

/// A generated file as served: written out, or (when it could not be) in memory.
#[derive(Debug, Clone)]
pub(crate) enum Made {
    File(PathBuf),
    Bytes(Bytes),
}

/// One version's generated files, written out (see the module comment) as they are made,
/// so that they are never all in memory; a file that cannot be written is kept in memory.
struct Folder {
    /// The folder of all versions.
    root: PathBuf,
    /// This version's.
    here: PathBuf,
    usable: bool,
    made: Mutex<HashMap<String, Made>>,
}

impl Folder {
    fn new(site: &Site, version: u64) -> Folder {
        let root = output_folder(site);
        let here = root.join(version.to_string());
        let usable = std::fs::create_dir_all(&here).is_ok();
        Folder {
            root,
            here,
            usable,
            made: Mutex::new(HashMap::new()),
        }
    }

    fn put(&self, rel: String, bytes: Vec<u8>) {
        let file = self.here.join(&rel);
        let safe = Path::new(&rel)
            .components()
            .all(|c| matches!(c, Component::Normal(_)));
        let out = self.usable
            && safe
            && file
                .parent()
                .is_some_and(|parent| std::fs::create_dir_all(parent).is_ok())
            && std::fs::write(&file, &bytes).is_ok();
        let made = if out {
            Made::File(file)
        } else {
            Made::Bytes(Bytes::from(bytes))
        };
        self.made
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(rel, made);
    }

    /// Swaps the files in, dropping the generated files the site no longer has (a deleted
    /// tag's feed). The previous version's folder stays for the requests still reading it;
    /// older ones are removed.
    fn publish(self, state: &State, version: u64) {
        let made = self
            .made
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
        *state.files.write().unwrap_or_else(PoisonError::into_inner) = made;
        *state
            .generated_dir
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(self.root.clone());
        let older = |name: &str| name.parse::<u64>().is_ok_and(|v| v + 1 < version);
        if let Ok(entries) = std::fs::read_dir(&self.root) {
            for entry in entries.flatten() {
                if older(&entry.file_name().to_string_lossy()) {
                    let _ = std::fs::remove_dir_all(entry.path());
                }
            }
        }
    }

    /// A failed version is not served: its files go (and the folder of all versions, when
    /// this was the first).
    fn discard(self) {
        let _ = std::fs::remove_dir_all(&self.here);
        let _ = std::fs::remove_dir(&self.root);
    }
}

/// `.sitegen-cache/serve-PID/` in the site (the images' cache folder, whatever it is
/// called): this process's own, on the site's disk.
fn output_folder(site: &Site) -> PathBuf {
    site.config
        .root
        .join(&site.config.raw.images.cache_dir)
        .join(format!("serve-{}", std::process::id()))
}

/// Removes the folder the generated files were written to (on exit).
pub(crate) fn remove_folder(state: &State) {
    let folder = state
        .generated_dir
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .take();
    if let Some(folder) = folder {
        let _ = std::fs::remove_dir_all(folder);
    }
}

/// Hands memory freed after a burst of work (the first build, making the generated files)
/// back to the system. glibc's allocator keeps freed memory for reuse, so without this the
/// preview would stay at its peak: 2.2 GB rather than 1.7 GB at 100,000 articles once the
/// search index was made. Other allocators (mimalloc in the static builds) return it by
/// themselves.
pub(crate) fn give_back_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        unsafe extern "C" {
            /// glibc's `malloc_trim(3)`: releases free memory at the top of the heap and
            /// free pages inside it; returns whether any was released.
            fn malloc_trim(pad: usize) -> std::ffi::c_int;
        }
        // SAFETY: malloc_trim takes a size, touches only the allocator's own free lists
        // (under its locks, so any thread may call it) and is in every glibc since 2.0.
        unsafe {
            malloc_trim(0);
        }
    }
}

/// Whether `rel`, found neither among the pages nor in `static/`, may be one of the files
/// made here, so that a request for it must wait for them when they lag: one made last
/// time, a file of a kind made here (feeds and sitemaps, the search index and the JSON
/// API, `robots.txt` and the IndexNow key), or a page of the Traditional edition.
pub(crate) fn may_be_generated(state: &State, rel: &str) -> bool {
    let made = state
        .files
        .read()
        .unwrap_or_else(PoisonError::into_inner)
        .contains_key(rel);
    let kind = rel.rsplit_once('.').map(|(_, ext)| ext);
    let hant = state
        .hant_folder
        .read()
        .unwrap_or_else(PoisonError::into_inner)
        .as_deref()
        .is_some_and(|folder| rel.starts_with(folder));
    made || matches!(kind, Some("xml" | "json" | "txt")) || hant
}
