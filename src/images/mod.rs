//! Pictures: local raster covers and body pictures published in several widths and in
//! WebP (and AVIF on request) beside their own format, cropped thumbnails for listings and
//! a share card for `og:image`; processed once and kept in a cache folder.
//!
//! The stage runs between the model and render ([`prepare`]): it resolves every picture a
//! page uses to a published file ([`resolve`]), reads each file's header, or the cache's
//! note of it ([`cache`]), plans the versions ([`plan`]), makes the missing ones when
//! building, and rewrites the `<img>` tags of bodies into `<picture>` elements with
//! `srcset`, `width` and `height` ([`html`]). Templates reach covers and thumbnails through
//! [`Images::picture`] and any variant through `resize_image`.

pub mod budget;
pub mod cache;
pub mod html;
pub mod plan;
pub mod resolve;

/// The pixel work (probe, decode, resize, encode), in a crate of its own so that debug
/// builds optimise it.
pub use sitegen_pixels as process;

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use crate::diagnostics::Diagnostic;
use crate::model::Site;
use crate::progress::Progress;
pub use html::Picture;
pub use plan::{Purpose, Settings};
use process::{Probe, SourceFormat};

/// What the stage does with the versions it plans.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// Make every missing version now (build): pages link only versions that exist.
    #[default]
    Make,
    /// Plan only; versions are made when first asked for (serve) or never (check).
    OnDemand,
}

/// A published original that the stage processes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// Its output path (`img/covers/chip.jpg`).
    pub rel: String,
    /// The file on disk.
    pub path: PathBuf,
    /// The file as shown in messages (relative to the site root).
    pub file: PathBuf,
    /// Content hash (hex): versions are named and cached by it.
    pub hash: String,
    pub probe: Probe,
}

/// One version to publish.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    pub source: Arc<Source>,
    pub op: process::Op,
    pub encoding: process::Encoding,
    pub width: u32,
    pub height: u32,
}

/// The site's pictures: the sources pages use and every version planned of them. Shared
/// by render (pictures in pages), the writer (the files to copy) and serve (versions made
/// on request).
#[derive(Debug, Default)]
pub struct Images {
    pub settings: Option<Settings>,
    /// The site's path (`/` or `/portal/`), to read host-relative references.
    root_path: String,
    /// Published files by output path: where a reference may point.
    published: HashMap<String, PathBuf>,
    by_rel: HashMap<String, Arc<Source>>,
    /// Output path of each version → what it is. Grows while templates ask for versions
    /// (`resize_image`), hence the lock.
    variants: Mutex<BTreeMap<String, Variant>>,
    /// Sources that could not be read, by output path: used as they are.
    unreadable: Mutex<HashMap<String, String>>,
    /// The cache's notes of sources read before, and what this run added.
    notes: Mutex<cache::Notes>,
    site_root: PathBuf,
    /// Versions made (not found in the cache) by this run.
    made: AtomicUsize,
    /// Versions linked by pages a build kept from the previous one rather than rendered
    /// ([`Images::relink`]): output path → file in the cache.
    kept: Mutex<BTreeMap<String, PathBuf>>,
}

thread_local! {
    /// The versions registered on this thread while [`Images::recording`] runs.
    static RECORDING: RefCell<Option<Vec<(String, Variant)>>> = const { RefCell::new(None) };
}

/// A version a rendered page linked, as the output folder keeps it beside the page: what a
/// later build needs to publish the version again without rendering the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Linked {
    /// Its output path.
    pub rel: String,
    /// Its file in the cache, relative to the cache folder.
    pub cached: String,
    /// The source's output path and content hash when the page was rendered.
    pub source: String,
    pub source_hash: String,
}

impl Linked {
    /// One line, fields separated by tabs.
    pub fn to_line(&self) -> String {
        format!(
            "{}\t{}\t{}\t{}",
            self.rel, self.cached, self.source, self.source_hash
        )
    }

    /// The line [`Linked::to_line`] wrote; None when it is not one.
    pub fn parse(line: &str) -> Option<Linked> {
        let mut fields = line.split('\t');
        let linked = Linked {
            rel: fields.next()?.to_string(),
            cached: fields.next()?.to_string(),
            source: fields.next()?.to_string(),
            source_hash: fields.next()?.to_string(),
        };
        fields.next().is_none().then_some(linked)
    }
}

impl Images {
    /// The source a page's reference (a cover, a body `src`) names, if it is a local
    /// raster picture this stage processes. `page_path` is the page's URL path.
    pub fn find(&self, page_path: &str, reference: &str) -> Option<&Arc<Source>> {
        self.settings.as_ref()?;
        let candidates = resolve::candidates(page_path, reference, &self.root_path);
        candidates.iter().find_map(|rel| self.by_rel.get(rel))
    }

    /// The output path of the published file `reference` names from the page at
    /// `page_path` (processed or not): a page bundle's `cover.jpg` is beside its page.
    pub fn published_rel(&self, page_path: &str, reference: &str) -> Option<String> {
        resolve::candidates(page_path, reference, &self.root_path)
            .into_iter()
            .find(|rel| self.published.contains_key(rel))
    }

    /// The `<picture>` of a source for a use, its versions registered.
    pub fn picture(
        &self,
        source: &Arc<Source>,
        purpose: Purpose,
        urls: &crate::urls::Urls,
    ) -> Picture {
        let Some(settings) = self
            .settings
            .as_ref()
            .filter(|_| !self.is_unreadable(source))
        else {
            return Picture::original(source, urls);
        };
        let planned = plan::variants(settings, source, purpose);
        let picture = html::picture(source, &planned, urls);
        self.register(planned);
        picture
    }

    /// The share card of a source (1200×630 JPEG) as a path under the output root.
    pub fn share_card(&self, source: &Arc<Source>) -> Option<String> {
        let settings = self.settings.as_ref()?;
        if !settings.share_card || self.is_unreadable(source) {
            return None;
        }
        let planned = plan::variants(settings, source, Purpose::ShareCard);
        let rel = planned.first().map(|(rel, _)| rel.clone());
        self.register(planned);
        rel
    }

    fn register(&self, planned: Vec<(String, Variant)>) {
        RECORDING.with(|r| {
            if let Some(recorded) = r.borrow_mut().as_mut() {
                recorded.extend(planned.iter().cloned());
            }
        });
        if let Ok(mut variants) = self.variants.lock() {
            variants.extend(planned);
        }
    }

    /// Runs `make` with nothing recorded for the page being rendered: for what many pages
    /// share (an article's ref, made by whichever page shows it first), whose versions
    /// are registered for the whole build.
    pub fn unrecorded<R>(&self, make: impl FnOnce() -> R) -> R {
        let outer = RECORDING.with(|r| r.take());
        let result = make();
        RECORDING.with(|r| r.replace(outer));
        result
    }

    /// Runs `render` (one page) and returns, with its result, the versions it linked.
    /// Per thread, and nesting safely should the thread pick up another page meanwhile.
    pub fn recording<R>(&self, render: impl FnOnce() -> R) -> (R, Vec<Linked>) {
        let outer = RECORDING.with(|r| r.replace(Some(Vec::new())));
        let result = render();
        let recorded = RECORDING.with(|r| r.replace(outer)).unwrap_or_default();
        let Some(settings) = &self.settings else {
            return (result, Vec::new());
        };
        let linked = recorded
            .into_iter()
            .map(|(rel, variant)| {
                let path = cache::version_path(&settings.cache_dir, &variant);
                let cached = path.strip_prefix(&settings.cache_dir).unwrap_or(&path);
                Linked {
                    rel,
                    cached: cached.to_string_lossy().replace('\\', "/"),
                    source: variant.source.rel.clone(),
                    source_hash: variant.source.hash.clone(),
                }
            })
            .collect();
        (result, linked)
    }

    /// Publishes again the versions a page kept from the previous build linked, when each
    /// is still what the page linked: its source unchanged and readable, the version in the
    /// cache. False (and nothing registered) when one is not: the page must be rendered.
    pub fn relink(&self, linked: &[Linked]) -> bool {
        if linked.is_empty() {
            return true;
        }
        let Some(settings) = &self.settings else {
            return false;
        };
        let files: Option<Vec<(String, PathBuf)>> = linked
            .iter()
            .map(|l| {
                let source = self.by_rel.get(&l.source)?;
                let path = settings.cache_dir.join(&l.cached);
                (source.hash == l.source_hash && !self.is_unreadable(source) && path.is_file())
                    .then(|| (l.rel.clone(), path))
            })
            .collect();
        let Some(files) = files else {
            return false;
        };
        if let Ok(mut kept) = self.kept.lock() {
            kept.extend(files);
        }
        true
    }

    /// Every version planned so far, as static files whose bytes are in the cache.
    pub fn files(&self) -> Vec<crate::statics::StaticFile> {
        let Some(settings) = &self.settings else {
            return Vec::new();
        };
        let variants = self.variants.lock().map(|v| v.clone()).unwrap_or_default();
        let mut files: BTreeMap<String, PathBuf> =
            self.kept.lock().map(|k| k.clone()).unwrap_or_default();
        files.extend(
            variants
                .into_iter()
                .filter(|(_, variant)| !self.is_unreadable(&variant.source))
                .map(|(rel, variant)| (rel, cache::version_path(&settings.cache_dir, &variant))),
        );
        files
            .into_iter()
            .map(|(rel, path)| crate::statics::StaticFile {
                rel,
                source: crate::statics::Source::Disk(path),
            })
            .collect()
    }

    /// Whether `rel` is a version this site publishes.
    pub fn is_version(&self, rel: &str) -> bool {
        self.variants.lock().is_ok_and(|v| v.contains_key(rel))
    }

    /// Makes the version at `rel` if the cache lacks it, and returns its file (serve asks
    /// on the first request of each).
    pub fn ensure(&self, rel: &str) -> Option<Result<PathBuf, Diagnostic>> {
        let settings = self.settings.as_ref()?;
        let variant = self.variants.lock().ok()?.get(rel).cloned()?;
        let budget = budget::Budget::new(settings.memory);
        let path = cache::version_path(&settings.cache_dir, &variant);
        if path.is_file() {
            return Some(Ok(path));
        }
        Some(
            cache::make(
                settings,
                &variant.source,
                std::slice::from_ref(&variant),
                &budget,
            )
            .map(|()| path)
            .map_err(|e| unreadable_warning(&variant.source, &e)),
        )
    }

    /// Makes every planned version the cache lacks, in parallel within the memory budget,
    /// showing progress. A source that cannot be decoded is a warning; its pages then show
    /// the original ([`Images::unreadable`]).
    pub fn make_missing(&self, progress: &Progress) -> Vec<Diagnostic> {
        let Some(settings) = &self.settings else {
            return Vec::new();
        };
        let variants = self.variants.lock().map(|v| v.clone()).unwrap_or_default();
        // Grouped by source: each is decoded once for all its missing versions.
        let mut by_source: BTreeMap<String, Vec<Variant>> = BTreeMap::new();
        for variant in variants.into_values() {
            if !cache::version_path(&settings.cache_dir, &variant).is_file() {
                by_source
                    .entry(variant.source.rel.clone())
                    .or_default()
                    .push(variant);
            }
        }
        if by_source.is_empty() {
            return Vec::new();
        }
        let total: usize = by_source.values().map(Vec::len).sum();
        let stage = progress.stage("processing images", total, "versions");
        let budget = budget::Budget::new(settings.memory);
        let failed: Vec<(Arc<Source>, String)> = by_source
            .into_par_iter()
            .filter_map(|(_, wanted)| {
                let source = wanted.first()?.source.clone();
                let made = cache::make(settings, &source, &wanted, &budget);
                stage.inc(wanted.len() as u64);
                if made.is_ok() {
                    self.made.fetch_add(wanted.len(), Ordering::Relaxed);
                }
                made.err().map(|e| (source, e))
            })
            .collect();
        let mut warnings = Vec::new();
        if let Ok(mut unreadable) = self.unreadable.lock() {
            for (source, error) in failed {
                warnings.push(unreadable_warning(&source, &error));
                unreadable.insert(source.rel.clone(), error);
            }
        }
        warnings
    }

    /// Keeps the versions an earlier load of the same site planned that this one has not
    /// (serve: templates ask for versions while pages render, and a rebuild renders only
    /// the pages that changed).
    pub fn inherit(&self, earlier: &Images) {
        let Ok(old) = earlier.variants.lock() else {
            return;
        };
        if let Ok(mut variants) = self.variants.lock() {
            for (rel, variant) in old.iter() {
                variants
                    .entry(rel.clone())
                    .or_insert_with(|| variant.clone());
            }
        }
    }

    /// Whether a source failed to decode in this run.
    pub fn is_unreadable(&self, source: &Source) -> bool {
        self.unreadable
            .lock()
            .is_ok_and(|u| u.contains_key(&source.rel))
    }

    /// How many versions this run made rather than found in the cache.
    pub fn made(&self) -> usize {
        self.made.load(Ordering::Relaxed)
    }

    /// Writes the cache's notes of the sources read this run, for the next.
    pub fn save_notes(&self) {
        let Some(settings) = &self.settings else {
            return;
        };
        if let Ok(notes) = self.notes.lock() {
            notes.save(&settings.cache_dir);
        }
    }

    /// A source a template names by path (`resize_image(path=…)`): a published file, as
    /// a reference from the site root, read now if no page used it.
    pub fn source_for_template(&self, path: &str) -> Result<Arc<Source>, String> {
        if let Some(source) = self.find("", path) {
            return Ok(source.clone());
        }
        // An output path, or where the file is in the site (`content/…`, `static/…`).
        let on_disk: Vec<PathBuf> = ["", crate::statics::STATIC_DIR, "content"]
            .iter()
            .map(|dir| self.site_root.join(dir).join(path.trim_start_matches('/')))
            .collect();
        let rel = resolve::candidates("", path, &self.root_path)
            .into_iter()
            .find(|rel| self.published.contains_key(rel))
            .or_else(|| {
                self.published
                    .iter()
                    .find(|(_, file)| on_disk.contains(file))
                    .map(|(rel, _)| rel.clone())
            })
            .ok_or_else(|| format!("no published file `{path}` (in static/ or beside a page)"))?;
        let file = self.published[&rel].clone();
        let mut notes = self
            .notes
            .lock()
            .map_err(|_| "a thread panicked".to_string())?;
        let cache::Seen { hash, probe, .. } = notes.read(&file)?;
        if !processable(probe) {
            return Err(format!("`{path}` is not a JPEG, PNG or WebP picture"));
        }
        Ok(Arc::new(Source {
            file: file
                .strip_prefix(&self.site_root)
                .unwrap_or(&file)
                .to_path_buf(),
            rel,
            path: file,
            hash,
            probe,
        }))
    }

    /// Registers a version a template asked for and returns its output path and size.
    pub fn template_variant(
        &self,
        source: &Arc<Source>,
        op: process::Op,
        format: Option<process::Format>,
    ) -> Result<(String, u32, u32), String> {
        let settings = self.settings.as_ref().ok_or("image processing is off")?;
        let format = format.unwrap_or_else(|| plan::own_format(source.probe));
        let (rel, variant) = plan::variant(settings, source, op, format);
        let (w, h) = (variant.width, variant.height);
        self.register(vec![(rel.clone(), variant)]);
        Ok((rel, w, h))
    }
}

fn unreadable_warning(source: &Source, error: &str) -> Diagnostic {
    unreadable(&source.file, error)
}

fn unreadable(file: &std::path::Path, error: &str) -> Diagnostic {
    Diagnostic::warning(
        file,
        format!("cannot process this picture: {error}; it is published as it is"),
    )
    .hint("re-save it from an image editor, or check that its extension matches its format")
}

/// The image stage: finds the pictures pages use, reads them (or the cache's notes), plans
/// their versions, makes the missing ones in [`Mode::Make`], and rewrites the bodies'
/// `<img>` tags. Returns the warnings (a picture that cannot be read, a bad `[images]`
/// setting).
pub fn prepare(site: &mut Site, mode: Mode, progress: &Progress) -> Vec<Diagnostic> {
    let mut warnings = Vec::new();
    let root = site.config.root.clone();
    let root = root.as_path();
    let settings = match Settings::from_config(&site.config.raw.images, root) {
        Ok(settings) => settings,
        Err(errors) => return errors,
    };
    let root_path = site.config.root_path.clone();
    let published = resolve::published(site);
    let Some(settings) = settings else {
        // Nothing is processed, but references are still read as the browser reads them.
        site.images = Arc::new(Images {
            root_path,
            published,
            ..Images::default()
        });
        return warnings;
    };
    let wanted = resolve::wanted(site, &published, &root_path);
    let mut notes = cache::Notes::load(&settings.cache_dir, root);
    let read: Vec<(String, cache::Read)> = {
        let notes = &notes;
        wanted
            .par_iter()
            .map(|rel| (rel.clone(), notes.peek_or_read(&published[rel])))
            .collect()
    };
    let mut images = Images {
        root_path,
        site_root: root.to_path_buf(),
        ..Images::default()
    };
    for (rel, result) in read {
        let path = published[&rel].clone();
        let file = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
        match result {
            Ok(seen) if processable(seen.probe) => {
                notes.remember(&path, &seen);
                let source = Source {
                    rel: rel.clone(),
                    path,
                    file,
                    hash: seen.hash,
                    probe: seen.probe,
                };
                images.by_rel.insert(rel, Arc::new(source));
            }
            Ok(_) => {}
            Err(error) => warnings.push(unreadable(&file, &error)),
        }
    }
    images.published = published;
    images.notes = Mutex::new(notes);
    images.settings = Some(settings);
    html::plan_pages(site, &images);
    if mode == Mode::Make {
        warnings.extend(images.make_missing(progress));
    }
    warnings.extend(html::rewrite_bodies(site, &images));
    images.save_notes();
    site.images = Arc::new(images);
    warnings
}

/// JPEG, PNG and WebP are resized; a GIF (maybe animated) and anything else pass through.
fn processable(probe: Probe) -> bool {
    matches!(
        probe.format,
        SourceFormat::Jpeg | SourceFormat::Png | SourceFormat::Webp
    ) && probe.width > 0
        && probe.height > 0
}
