//! Writing the site: into a staging folder beside the output, swapped in only when the
//! whole build succeeded, so a failed or interrupted build never damages what is published.
//!
//! Two folders take turns, like a double buffer: the published output and a hidden spare
//! (`.public.sitegen-old`, the build before). A build writes into the spare, skipping files
//! whose bytes are already right and deleting the ones no page claims, then swaps it in.
//! Deleting and rewriting a whole tree each build is what makes rebuilds slow on real disks
//! (every unlink is a discard on some file systems); this way a rebuild of an unchanged site
//! touches almost nothing. The cost is a second copy of the output on disk.
//!
//! The output folder belongs to sitegen (a marker file says so). sitegen refuses to write
//! into a folder that holds the site's sources or that it did not create ([`paths`]), and
//! every file name must stay inside it. One build at a time holds the folder ([`lock`]); the
//! swap is atomic where the OS allows and recovered on the next start where it does not, and
//! a folder that cannot be renamed (a mount point) is updated in place ([`swap`]).

use std::io::Write as _;

// Maps of every file of the output: see Cargo.toml on foldhash.
use foldhash::{HashMap, HashMapExt};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::diagnostics::Diagnostic;
use crate::digest::FileHash;

mod copy;
mod lock;
mod paths;
mod swap;
mod testing;

pub use paths::unsafe_rel;
pub use swap::Swapped;

/// Marks a folder as sitegen's output, so a later build may replace it.
pub const MARKER: &str = ".sitegen-output";
/// Beside the marker: the picture versions each page links (see [`Output::keep_page`]),
/// one `page<TAB>version` line each.
const PICTURES: &str = ".sitegen-pictures";

/// An output folder being written. Holds the output's build lock until dropped.
pub struct Output {
    target: PathBuf,
    staging: PathBuf,
    /// Where the staging folder is parked when the build fails, for the next build to reuse.
    spare: PathBuf,
    /// What this build wrote, behind one lock: a publish build keeps tens of thousands of
    /// pages a second from every thread, and a lock per map made them queue.
    records: Mutex<Records>,
    /// The same, of the pages the reused folder holds.
    previous_pictures: HashMap<String, Vec<String>>,
    /// What the reused folder held, from its marker, when it was left complete; None means
    /// it is unknown: the folder must be walked and files compared byte by byte.
    previous: Option<Manifest>,
    /// The staging folder was created by this build (nothing stale can be in it).
    fresh: bool,
    committed: bool,
    /// Declared last: released after Drop has tidied the staging folder.
    _lock: lock::Lock,
}

/// What a build wrote, for the manifest.
#[derive(Default)]
struct Records {
    /// Files written (or found already right) by this build, relative to the output root:
    /// one map, so that keeping a page is one insert (a publish build keeps 150,000).
    written: Written,
    /// The picture versions each page written links, as lines of [`crate::images::Linked`].
    pictures: HashMap<String, Vec<String>>,
}

/// Each file a build wrote (or found already right), relative to the output root.
type Written = HashMap<String, Listed>;

/// What the manifest says of one file: one record per file, so that keeping a page is
/// one lookup in the last manifest and one insert in this build's.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Listed {
    /// The hash of a file written through [`Output::write`]: what `sitegen push` compares
    /// to find the pages that changed. None for files not hashed (picture versions, the
    /// marker), and for every file of a folder written before these hashes were kept.
    pub hash: Option<FileHash>,
    /// The fingerprint of what a page was rendered from ([`crate::render::fingerprint`]):
    /// the next build that reuses this folder renders only pages whose fingerprint changed.
    pub inputs: Option<u64>,
}

/// What a finished commit did.
#[derive(Debug)]
pub struct Committed {
    pub swapped: Swapped,
    /// Manifest lines that were ignored rather than trusted (a `..`, an absolute path).
    pub warnings: Vec<Diagnostic>,
}

impl Output {
    /// Checks that `target` may be replaced, waits for any other build of it to finish,
    /// recovers from a crash mid-swap, and prepares a staging folder beside it: the spare
    /// from an earlier build when there is one, else a new empty folder.
    pub fn prepare(root: &Path, target: &Path, force: bool) -> Result<Self, Diagnostic> {
        let output = Self::open(root, target, force)?;
        output.begin()?;
        Ok(output)
    }

    /// [`Output::prepare`] up to reading what the reused folder holds, leaving it as it
    /// was: a build opens its output while the content loads (reading the last manifest,
    /// 165,000 lines at 100,000 articles, costs a publish build ~0.2 s) and calls
    /// [`Output::begin`] only once the content loaded. Dropped before then, the folder
    /// goes back to being the spare, untouched.
    pub fn open(root: &Path, target: &Path, force: bool) -> Result<Self, Diagnostic> {
        let target = paths::resolve(target);
        paths::check_target(&paths::resolve(root), &target, force)?;
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        let parent = target.parent().unwrap_or(Path::new("."));
        fs::create_dir_all(parent).map_err(|e| io_error(parent, "create", &e))?;
        let lock = lock::acquire(&lock::path_for(parent, &name), &target)?;
        let staging = parent.join(format!(".{name}.sitegen-tmp"));
        let spare = parent.join(format!(".{name}.sitegen-old"));
        swap::recover(&staging, &target, &spare)?;
        // An interrupted build leaves a staging folder; otherwise reuse the spare.
        if !staging.join(MARKER).is_file() && spare.join(MARKER).is_file() {
            if staging.exists() {
                fs::remove_dir_all(&staging).map_err(|e| io_error(&staging, "clear", &e))?;
            }
            fs::rename(&spare, &staging).map_err(|e| io_error(&spare, "reuse", &e))?;
        }
        // A folder made here holds only what this build writes: commit need not walk it.
        let fresh = !staging.exists();
        fs::create_dir_all(&staging).map_err(|e| io_error(&staging, "create", &e))?;
        let previous = read_hashes(&staging);
        let previous_pictures = match previous {
            Some(_) => read_pictures(&staging),
            None => HashMap::new(),
        };
        Ok(Output {
            target,
            staging,
            spare,
            records: Mutex::new(Records {
                written: HashMap::from_iter([(MARKER.to_string(), Listed::default())]),
                ..Records::default()
            }),
            previous_pictures,
            previous,
            fresh,
            committed: false,
            _lock: lock,
        })
    }

    /// Marks the staging folder as being written: until commit its contents are unknown,
    /// and an interrupted build must not leave a manifest that lies.
    pub fn begin(&self) -> Result<(), Diagnostic> {
        fs::write(self.staging.join(MARKER), INCOMPLETE)
            .map_err(|e| io_error(&self.staging, "write", &e))
    }

    /// Where files go until [`Output::commit`].
    pub fn staging(&self) -> &Path {
        &self.staging
    }

    /// The output folder (absolute).
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Whether the folder being written already holds page `rel` as rendered from inputs
    /// with this fingerprint (its manifest says so), so that the page need not be rendered
    /// again. If so, it counts as written by this build, with its recorded hash, and the
    /// picture versions it links are returned (as [`crate::images::Linked`] lines), for
    /// the build to publish them again; a page that is rendered after all replaces them.
    pub fn keep_page(&self, rel: &str, inputs: u64) -> Option<Vec<String>> {
        let previous = self.previous.as_ref()?;
        let Some(&Listed {
            hash: Some(hash),
            inputs: Some(old),
        }) = previous.files.get(rel)
        else {
            return None;
        };
        if old != inputs || unsafe_rel(rel).is_some() {
            return None;
        }
        let linked = self.previous_pictures.get(rel).cloned().unwrap_or_default();
        self.record(rel, hash, Some((inputs, linked.clone())));
        Some(linked)
    }

    /// Whether the folder being written holds `rel` with this hash (its manifest says so).
    pub fn holds(&self, rel: &str, hash: &FileHash) -> bool {
        let Some(previous) = &self.previous else {
            return false;
        };
        unsafe_rel(rel).is_none() && previous.files.get(rel).and_then(|l| l.hash) == Some(*hash)
    }

    /// Counts `rel`, which [`Output::holds`], as written by this build.
    pub fn keep_file(&self, rel: &str, hash: &FileHash) {
        self.record(rel, *hash, None);
    }

    /// `rel` as the output folder holds it: what the last build published.
    pub fn read_published(&self, rel: &str) -> Option<Vec<u8>> {
        if unsafe_rel(rel).is_some() {
            return None;
        }
        fs::read(self.target.join(rel)).ok()
    }

    /// Writes a rendered page, recording the fingerprint of its inputs and the picture
    /// versions it links (see [`Output::keep_page`]).
    pub fn write_page(
        &self,
        rel: &str,
        bytes: &[u8],
        inputs: u64,
        linked: Vec<String>,
    ) -> Result<(), Diagnostic> {
        self.write_with(rel, bytes, Some((inputs, linked)))
    }

    /// Writes one file, relative to the output root, unless it already holds these bytes.
    /// Refuses a name that could leave the output folder (`..`, absolute, empty segments):
    /// the last line of defence whatever made the URL. Errors name the file under the
    /// output folder, not the staging folder.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        self.write_with(rel, bytes, None)
    }

    fn record(&self, rel: &str, hash: FileHash, page: Option<(u64, Vec<String>)>) {
        let Ok(mut records) = self.records.lock() else {
            return;
        };
        let record = records.written.entry(rel.to_string()).or_default();
        record.hash = Some(hash);
        let Some((inputs, linked)) = page else {
            return;
        };
        record.inputs = Some(inputs);
        if linked.is_empty() {
            records.pictures.remove(rel);
        } else {
            records.pictures.insert(rel.to_string(), linked);
        }
    }

    fn write_with(
        &self,
        rel: &str,
        bytes: &[u8],
        page: Option<(u64, Vec<String>)>,
    ) -> Result<(), Diagnostic> {
        if let Some(why) = unsafe_rel(rel) {
            return Err(Diagnostic::new(
                &self.target,
                format!(
                    "refusing to write `{rel}`: {why}, so it could land outside the output folder"
                ),
            ));
        }
        let path = self.staging.join(rel);
        let hash = FileHash::of(bytes);
        // A file this build already wrote (minify rewrites the plain-named stylesheets)
        // is compared with what this build put there, not with the previous build's.
        let earlier = self
            .records
            .lock()
            .ok()
            .and_then(|r| r.written.get(rel)?.hash.map(|now| now == hash));
        let unchanged = match (earlier, &self.previous) {
            (Some(same), _) => same,
            // A folder made by this build holds only what it wrote, and this it has not.
            (None, None) if self.fresh => false,
            (None, previous) => match previous {
                // The manifest says what the folder holds: no need to read the old file back
                // (on a 100,000-article site that read costs more than the write).
                Some(previous) => match previous.files.get(rel) {
                    Some(Listed {
                        hash: Some(old), ..
                    }) => *old == hash,
                    Some(Listed { hash: None, .. }) => same_contents(&path, bytes),
                    None => false,
                },
                None => same_contents(&path, bytes),
            },
        };
        self.record(rel, hash, page);
        if unchanged {
            return Ok(());
        }
        let shown = self.target.join(rel);
        // In a folder made by this build there is no old file to write over in place.
        let put = |path: &Path, bytes: &[u8]| {
            if self.fresh {
                fs::write(path, bytes)
            } else {
                overwrite(path, bytes)
            }
        };
        let make_folder = || match path.parent() {
            Some(dir) => fs::create_dir_all(dir).map_err(|e| {
                Diagnostic::new(&shown, format!("cannot create the folder of `{rel}`: {e}"))
            }),
            None => Ok(()),
        };
        // A fresh folder has none of a page's folders yet (one page per folder): made
        // first, rather than found missing by a failed write, one per page.
        if self.fresh && rel.ends_with("/index.html") {
            make_folder()?;
        }
        let written = match put(&path, bytes) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                make_folder()?;
                put(&path, bytes)
            }
            written => written,
        };
        written.map_err(|e| Diagnostic::new(&shown, format!("cannot write `{rel}`: {e}")))
    }

    /// Removes what no page claimed, then swaps the staging folder in for the target; the
    /// previous output becomes the spare for the next build.
    pub fn commit(mut self) -> Result<Committed, Diagnostic> {
        let mut warnings = Vec::new();
        let Records {
            mut written,
            pictures,
        } = std::mem::take(&mut *self.records.lock().map_err(|_| {
            Diagnostic::new(&self.staging, "internal error: a write thread panicked")
        })?);
        let previous: Option<Vec<&str>> = match &self.previous {
            Some(m) => Some(m.names()),
            None if self.fresh => Some(Vec::new()),
            None => None,
        };
        remove_stale(&self.staging, previous.as_deref(), &written, &mut warnings)?;
        if !pictures.is_empty() {
            write_pictures(&self.staging, &pictures)?;
            written.insert(PICTURES.to_string(), Listed::default());
        }
        let manifest = manifest_text(&written);
        fs::write(self.staging.join(MARKER), manifest)
            .map_err(|e| io_error(&self.staging, "write", &e))?;
        // From here the staging folder is complete: whatever happens, it must not be
        // tidied away as a failed build's.
        self.committed = true;
        let swapped = swap::swap(
            &self.staging,
            &self.target,
            &self.spare,
            &written,
            &mut warnings,
        )?;
        // A record and a manifest entry per file: at 100,000 articles freeing them took
        // 150 ms the build need not wait for.
        crate::site::drop_later((written, self.previous.take()));
        Ok(Committed { swapped, warnings })
    }
}

/// The marker of a complete folder: every file written, sorted, with its hash and inputs.
/// Its lines are made in parallel, in sorted runs: at 100,000 articles it is 165,000 lines
/// (20 MB) on the path every build waits for.
fn manifest_text(written: &Written) -> Vec<u8> {
    let mut files: Vec<(&String, &Listed)> = written.iter().collect();
    files.par_sort_unstable_by_key(|(f, _)| *f);
    let runs: Vec<Vec<u8>> = files
        .par_chunks(4096)
        .map(|run| {
            let mut lines = Vec::with_capacity(run.len() * 120);
            run.iter()
                .for_each(|(f, record)| manifest_line(&mut lines, f, record));
            lines
        })
        .collect();
    let mut manifest =
        Vec::with_capacity(COMPLETE.len() + runs.iter().map(Vec::len).sum::<usize>());
    manifest.extend_from_slice(COMPLETE);
    runs.iter().for_each(|run| manifest.extend_from_slice(run));
    manifest
}

/// One file's line of the marker: `<hash> <inputs> <name>`.
fn manifest_line(out: &mut Vec<u8>, file: &str, record: &Listed) {
    // Files published under a content-named name (picture versions) and the marker itself
    // carry no hash: `-`; files other than pages carry no inputs.
    // `write!` into a Vec cannot fail; the hash is written without a String of its own
    // (165,000 lines at 100,000 articles).
    let _ = match record.hash {
        Some(hash) => write!(out, "{hash}"),
        None => write!(out, "-"),
    };
    let _ = match record.inputs {
        Some(i) => write!(out, " {i:016x} "),
        None => write!(out, " - "),
    };
    out.extend_from_slice(file.as_bytes());
    out.push(b'\n');
}

/// Deletes the files in `dir` that an older build left and this one did not write: those
/// the folder's manifest lists (`previous`), else every file found walking it. Only names
/// that stay inside `dir` are touched; a manifest line with `..` or an absolute path is
/// ignored with a warning, never unlinked.
fn remove_stale<S: AsRef<str> + Sync>(
    dir: &Path,
    previous: Option<&[S]>,
    written: &Written,
    warnings: &mut Vec<Diagnostic>,
) -> Result<(), Diagnostic> {
    match previous {
        Some(previous) => remove_listed(dir, previous, written, warnings),
        None => remove_walked(dir, written),
    }
}

/// The fast way: the marker lists what the folder held, so no walk is needed.
fn remove_listed<S: AsRef<str> + Sync>(
    root: &Path,
    previous: &[S],
    written: &Written,
    warnings: &mut Vec<Diagnostic>,
) -> Result<(), Diagnostic> {
    let mut dirs: Vec<PathBuf> = Vec::new();
    let mut failed = None;
    // Looked up in parallel: a publish build's folder lists 165,000 files, a few stale.
    let stale: Vec<&str> = previous
        .par_iter()
        .map(AsRef::as_ref)
        .filter(|rel| !written.contains_key(*rel))
        .collect();
    for rel in stale {
        if let Some(why) = unsafe_rel(rel) {
            warnings.push(
                Diagnostic::warning(
                    root.join(MARKER),
                    format!("ignored the listed file `{rel}`: {why}; nothing was deleted for it"),
                )
                .hint("the marker was edited by hand or by another tool; sitegen deletes only files inside its output folder"),
            );
            continue;
        }
        let path = root.join(rel);
        if through_symlink(root, &path) {
            continue;
        }
        // Keep going past a failure, so that one bad name cannot leave the rest behind.
        match fs::remove_file(&path) {
            Ok(()) => dirs.extend(path.parent().map(Path::to_path_buf)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => {
                failed.get_or_insert_with(|| io_error(&path, "remove", &e));
            }
        }
    }
    // Deepest first, so emptied folders go bottom-up; non-empty ones stay.
    dirs.sort_by_key(|d| std::cmp::Reverse(d.components().count()));
    for dir in dirs {
        let mut dir = dir.as_path();
        while dir != root && dir.starts_with(root) && fs::remove_dir(dir).is_ok() {
            dir = dir.parent().unwrap_or(root);
        }
    }
    failed.map_or(Ok(()), Err)
}

/// True when a folder between `root` and `path` is a symlink: deleting through it would
/// delete outside `root`.
fn through_symlink(root: &Path, path: &Path) -> bool {
    let mut dir = path.parent();
    while let Some(d) = dir {
        if d == root || !d.starts_with(root) {
            return false;
        }
        if fs::symlink_metadata(d).is_ok_and(|m| m.file_type().is_symlink()) {
            return true;
        }
        dir = d.parent();
    }
    false
}

/// The slow way, after an interrupted build: walk the folder (symlinks are not followed,
/// so only entries inside it are seen).
fn remove_walked(root: &Path, written: &Written) -> Result<(), Diagnostic> {
    let mut stale_dirs = Vec::new();
    for entry in WalkDir::new(root).min_depth(1).contents_first(true) {
        let entry = entry.map_err(|e| Diagnostic::new(root, format!("cannot read: {e}")))?;
        let rel = entry.path().strip_prefix(root).unwrap_or(entry.path());
        let rel = rel.to_string_lossy().replace('\\', "/");
        if entry.file_type().is_dir() {
            stale_dirs.push(entry.into_path());
        } else if !written.contains_key(&rel) {
            fs::remove_file(entry.path()).map_err(|e| io_error(entry.path(), "remove", &e))?;
        }
    }
    // Children come first, so emptied folders go bottom-up; non-empty ones stay.
    for dir in stale_dirs {
        let _ = fs::remove_dir(dir);
    }
    Ok(())
}

/// First line of the marker of a folder being written.
const INCOMPLETE: &[u8] = b"This folder is written by sitegen build (incomplete).\n";
/// First line of the marker of a finished folder; the files it holds follow, one a line,
/// each as its [`FileHash`] (hex, or `-` when not hashed), the fingerprint of a page's
/// inputs (16 hex digits, or `-` for files other than pages), and its name, separated by
/// spaces.
const COMPLETE: &[u8] = b"This folder is written by sitegen build (xxh3-128, inputs, name).\n";
/// The first line sitegen wrote while files were hashed with blake3: the same fields, but
/// hashes the build no longer compares with, so they are read as none (the first build
/// after an upgrade compares the files themselves, and renders every page once).
const COMPLETE_BLAKE3: &str = "This folder is written by sitegen build (blake3, inputs, name).\n";
/// The first line sitegen wrote before pages carried their inputs: blake3 and name follow.
const COMPLETE_HASHES_ONLY: &str = "This folder is written by sitegen build (blake3, then name).\n";
/// The first line sitegen wrote before files carried hashes: names only follow.
const COMPLETE_NAMES_ONLY: &str = "This folder is written by sitegen build.\n";

/// Writes [`PICTURES`]: each page's linked versions, sorted.
fn write_pictures(dir: &Path, pictures: &HashMap<String, Vec<String>>) -> Result<(), Diagnostic> {
    let mut pages: Vec<(&String, &Vec<String>)> = pictures.iter().collect();
    pages.sort_unstable();
    let mut text = String::new();
    for (page, lines) in pages {
        for line in lines {
            text.push_str(page);
            text.push('\t');
            text.push_str(line);
            text.push('\n');
        }
    }
    fs::write(dir.join(PICTURES), text).map_err(|e| io_error(dir, "write", &e))
}

/// What [`write_pictures`] wrote; empty when there is nothing (or nothing readable).
fn read_pictures(dir: &Path) -> HashMap<String, Vec<String>> {
    let mut pictures: HashMap<String, Vec<String>> = HashMap::new();
    let Ok(text) = fs::read_to_string(dir.join(PICTURES)) else {
        return pictures;
    };
    for line in text.lines() {
        if let Some((page, linked)) = line.split_once('\t') {
            pictures
                .entry(page.to_string())
                .or_default()
                .push(linked.to_string());
        }
    }
    pictures
}

/// Refuses an output folder that may not be written (a source folder, the root, $HOME, a
/// folder sitegen did not make) before any work is done, so a refused build touches
/// nothing, not even the cache.
pub fn check_target(root: &Path, target: &Path, force: bool) -> Result<(), Diagnostic> {
    paths::check_target(&paths::resolve(root), &paths::resolve(target), force)
}

/// The file list of a finished output folder's marker, sorted, or None when it is not
/// known.
fn read_manifest(dir: &Path) -> Option<Vec<String>> {
    let mut names: Vec<String> = read_hashes(dir)?.files.into_keys().collect();
    names.sort_unstable();
    Some(names)
}

/// A finished output folder's manifest: every file it holds, with its content hash when
/// the build recorded one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Manifest {
    /// File (relative to the output root, `/`-separated) → what the manifest says of it.
    pub files: HashMap<String, Listed>,
}

impl Manifest {
    /// Every file listed, sorted (what is done with each does not depend on map order).
    fn names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.files.keys().map(String::as_str).collect();
        names.sort_unstable();
        names
    }
}

/// The manifest of the finished output folder `dir`, or None when the folder is not one
/// (missing, not sitegen's, or left incomplete by an interrupted build). Reads both the
/// current marker and the older one that listed names only.
pub fn read_hashes(dir: &Path) -> Option<Manifest> {
    let text = fs::read_to_string(dir.join(MARKER)).ok()?;
    let lines = |rest: &str| {
        rest.lines()
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    let mut manifest = Manifest::default();
    let current = text.strip_prefix(std::str::from_utf8(COMPLETE).ok()?);
    let three_fields = current
        .map(|rest| (rest, true))
        .or_else(|| text.strip_prefix(COMPLETE_BLAKE3).map(|rest| (rest, false)));
    if let Some((rest, hashes_kept)) = three_fields {
        for line in rest.lines().filter(|l| !l.is_empty()) {
            let mut parts = line.splitn(3, ' ');
            let (Some(hash), Some(inputs), Some(name)) = (parts.next(), parts.next(), parts.next())
            else {
                // Not as sitegen writes it (edited by hand): a name alone, which the
                // cleanup then checks like any other.
                manifest.files.insert(line.to_string(), Listed::default());
                continue;
            };
            let listed = Listed {
                inputs: u64::from_str_radix(inputs, 16).ok(),
                hash: FileHash::from_hex(hash).filter(|_| hashes_kept),
            };
            manifest.files.insert(name.to_string(), listed);
        }
    } else if let Some(rest) = text.strip_prefix(COMPLETE_HASHES_ONLY) {
        for line in lines(rest) {
            let entry = match line.split_once(' ') {
                Some((hash, name)) if is_blake3(hash) || hash == "-" => {
                    (name.to_string(), Listed::default())
                }
                _ => (line, Listed::default()),
            };
            manifest.files.insert(entry.0, entry.1);
        }
    } else {
        let rest = text.strip_prefix(COMPLETE_NAMES_ONLY)?;
        manifest.files = lines(rest)
            .into_iter()
            .map(|name| (name, Listed::default()))
            .collect();
    }
    Some(manifest)
}

/// 64 lower-case hex digits: a blake3 as older manifests wrote it.
fn is_blake3(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

impl Drop for Output {
    /// A failed build tidies its staging folder down to what the next build reuses: the
    /// tree it started from (files this build added are deleted; files it rewrote stay,
    /// to be rewritten again, and the marker stays "incomplete"). When it started from
    /// nothing known, the folder goes. Never touches the published output.
    fn drop(&mut self) {
        if self.committed {
            return;
        }
        let written = self
            .records
            .get_mut()
            .map(|r| std::mem::take(&mut r.written))
            .unwrap_or_default();
        match &self.previous {
            Some(previous) => {
                let added: Vec<String> = written
                    .into_keys()
                    .filter(|f| f != MARKER && !previous.files.contains_key(f))
                    .collect();
                let mut ignored = Vec::new();
                let _ = remove_listed(&self.staging, &added, &Written::new(), &mut ignored);
                if !self.spare.exists() {
                    let _ = fs::rename(&self.staging, &self.spare);
                }
            }
            None => {
                let _ = fs::remove_dir_all(&self.staging);
            }
        }
    }
}

/// True when `path` is a file holding exactly `bytes` (then it need not be written).
fn same_contents(path: &Path, bytes: &[u8]) -> bool {
    match fs::metadata(path) {
        Ok(meta) if meta.is_file() && meta.len() == bytes.len() as u64 => {
            fs::read(path).is_ok_and(|old| old == bytes)
        }
        _ => false,
    }
}

fn io_error(path: &Path, what: &str, e: &io::Error) -> Diagnostic {
    Diagnostic::new(path, format!("cannot {what}: {e}"))
}

/// Writes `bytes` over the file at `path` in place, without truncating it first: the
/// staging folder holds the build before last, whose file is most often about as long,
/// and a truncating write freed its pages (tmpfs) or blocks only to take new ones, 4 % of
/// a publish build rewriting 11,500 listing pages. Its folder is not made here: trying the
/// write first spares a `mkdir` per file where the folder exists, as it mostly does.
fn overwrite(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)?;
    file.write_all(bytes)?;
    file.set_len(bytes.len() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_source_folders_and_foreign_folders() {
        let root = tempfile::tempdir().unwrap();
        let root = root.path();
        fs::write(root.join("config.toml"), "").unwrap();
        assert!(Output::prepare(root, root, false).is_err());
        assert!(Output::prepare(root, root.parent().unwrap(), true).is_err());
        let foreign = root.join("mine");
        fs::create_dir(&foreign).unwrap();
        fs::write(foreign.join("notes.txt"), "keep").unwrap();
        let err = Output::prepare(root, &foreign, false).err().unwrap();
        assert!(err.message.contains("did not create"), "{err}");
        // --force takes over only an empty folder or sitegen's own (issue 13 item 5).
        assert!(Output::prepare(root, &foreign, true).is_err());
        assert_eq!(fs::read(foreign.join("notes.txt")).unwrap(), b"keep");
    }

    #[test]
    fn a_page_is_written_over_a_longer_one_to_its_length_and_its_folder_made() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("page.html");
        overwrite(&path, "<p>很长的一页：旧的内容</p>".as_bytes()).unwrap();
        overwrite(&path, "<p>短</p>".as_bytes()).unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "<p>短</p>");
        let root = tempfile::tempdir().unwrap();
        let out = Output::prepare(root.path(), &root.path().join("public"), false).unwrap();
        out.write("2026/12/新品/index.html", "<p>新品</p>".as_bytes())
            .unwrap();
        let written = out.staging.join("2026/12/新品/index.html");
        assert_eq!(fs::read_to_string(written).unwrap(), "<p>新品</p>");
    }

    #[test]
    fn manifest_keeps_a_hash_per_written_file_and_reads_old_markers() {
        let root = tempfile::tempdir().unwrap();
        let target = root.path().join("public");
        let out = Output::prepare(root.path(), &target, false).unwrap();
        out.write("资讯/a/index.html", "<p>新闻</p>".as_bytes())
            .unwrap();
        out.commit().unwrap();
        let manifest = read_hashes(&target).unwrap();
        let expected = FileHash::of("<p>新闻</p>".as_bytes());
        assert_eq!(manifest.files["资讯/a/index.html"].hash, Some(expected));
        assert_eq!(manifest.files[MARKER], Listed::default());
        // A marker of the blake3 days reads as names and inputs, without hashes: nothing
        // is compared with a hash of another kind.
        let blake3 = blake3::hash("<p>新闻</p>".as_bytes()).to_hex();
        fs::write(
            target.join(MARKER),
            format!("{COMPLETE_BLAKE3}- - .sitegen-output\n{blake3} 00000000000000ff 资讯/a/index.html\n"),
        )
        .unwrap();
        let old = read_hashes(&target).unwrap();
        let page = Listed {
            hash: None,
            inputs: Some(255),
        };
        assert_eq!(old.files.get("资讯/a/index.html"), Some(&page));
        // A marker written before hashes were kept still reads, as names without hashes.
        fs::write(
            target.join(MARKER),
            "This folder is written by sitegen build.\n.sitegen-output\nindex.html\n",
        )
        .unwrap();
        let old = read_hashes(&target).unwrap();
        assert_eq!(old.files.get("index.html"), Some(&Listed::default()));
        assert_eq!(
            read_manifest(&target).unwrap(),
            vec![MARKER.to_string(), "index.html".to_string()]
        );
        fs::write(target.join(MARKER), INCOMPLETE).unwrap();
        assert_eq!(read_hashes(&target), None);
    }

    /// An output folder written by two builds of one page, `index.html` (`v1`): both
    /// the published folder and the spare hold it.
    fn built_twice() -> (tempfile::TempDir, PathBuf) {
        let root = tempfile::tempdir().unwrap();
        let target = root.path().join("public");
        for _ in 0..2 {
            let out = Output::prepare(root.path(), &target, false).unwrap();
            out.write("index.html", b"v1").unwrap();
            out.commit().unwrap();
        }
        (root, target)
    }

    #[test]
    fn dropped_output_leaves_the_previous_one() {
        let (root, target) = built_twice();
        let out = Output::prepare(root.path(), &target, false).unwrap();
        out.write("index.html", b"v2").unwrap();
        out.write("new/index.html", b"v2").unwrap();
        drop(out);
        // The failed build's new file is gone from the staging folder (issue 13 item 9).
        let spare = root.path().join(".public.sitegen-old");
        assert!(spare.is_dir());
        assert!(!spare.join("new").exists());
        assert_eq!(fs::read(target.join("index.html")).unwrap(), b"v1");
    }

    #[test]
    fn an_output_opened_and_dropped_before_begin_keeps_the_spare_as_it_was() {
        // A build opens its output while the content loads; a bad file then stops it.
        let (root, target) = built_twice();
        let spare = root.path().join(".public.sitegen-old");
        let before = fs::read(spare.join(MARKER)).unwrap();
        let opened = Output::open(root.path(), &target, false).unwrap();
        assert!(
            opened.previous.is_some(),
            "the spare's manifest is read on open"
        );
        drop(opened);
        // Still complete, so the next build trusts its manifest and keeps its pages.
        assert_eq!(fs::read(spare.join(MARKER)).unwrap(), before);
        assert!(read_hashes(&spare).is_some());
        assert!(!root.path().join(".public.sitegen-tmp").exists());
        assert_eq!(fs::read(target.join("index.html")).unwrap(), b"v1");
        let out = Output::prepare(root.path(), &target, false).unwrap();
        assert!(out.holds("index.html", &FileHash::of(b"v1")));
    }

    #[test]
    fn rebuilds_reuse_the_spare_and_drop_stale_files() {
        let root = tempfile::tempdir().unwrap();
        let target = root.path().join("public");
        for pages in [
            &["a/index.html", "b/index.html"][..],
            &["a/index.html"],
            &["a/index.html", "c.html"],
        ] {
            let out = Output::prepare(root.path(), &target, false).unwrap();
            for p in pages {
                out.write(p, p.as_bytes()).unwrap();
            }
            out.commit().unwrap();
            let mut files: Vec<String> = WalkDir::new(&target)
                .into_iter()
                .filter_map(Result::ok)
                .filter(|e| e.file_type().is_file())
                .map(|e| {
                    e.path()
                        .strip_prefix(&target)
                        .unwrap()
                        .to_string_lossy()
                        .into_owned()
                })
                .filter(|f| f != MARKER)
                .collect();
            files.sort();
            assert_eq!(files, pages.to_vec());
            assert!(!target.join("b").exists() || pages.contains(&"b/index.html"));
        }
        assert!(
            root.path()
                .join(".public.sitegen-old")
                .join(MARKER)
                .is_file()
        );
    }
}
