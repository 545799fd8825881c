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
//! into a folder that holds the site's sources or that it did not create.

use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use walkdir::WalkDir;

use crate::diagnostics::Diagnostic;
use crate::statics::StaticFile;

/// Marks a folder as sitegen's output, so a later build may replace it.
pub const MARKER: &str = ".sitegen-output";

/// An output folder being written.
pub struct Output {
    target: PathBuf,
    staging: PathBuf,
    /// Where the staging folder is parked when the build fails, for the next build to reuse.
    spare: PathBuf,
    /// Files written (or found already right) by this build, relative to the output root.
    written: Mutex<HashSet<String>>,
    /// The files the reused folder held, from its marker, when it was left complete;
    /// None means they are unknown and the folder must be walked.
    previous: Option<Vec<String>>,
    committed: bool,
}

impl Output {
    /// Checks that `target` may be replaced and prepares a staging folder beside it: the
    /// spare from an earlier build when there is one, else a new empty folder.
    pub fn prepare(root: &Path, target: &Path, force: bool) -> Result<Self, Diagnostic> {
        let target = absolute(target);
        check_target(&absolute(root), &target, force)?;
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        let parent = target.parent().unwrap_or(Path::new("."));
        let staging = parent.join(format!(".{name}.sitegen-tmp"));
        let spare = parent.join(format!(".{name}.sitegen-old"));
        // An interrupted build leaves a staging folder; otherwise reuse the spare.
        if !staging.join(MARKER).is_file() && spare.join(MARKER).is_file() {
            if staging.exists() {
                fs::remove_dir_all(&staging).map_err(|e| io_error(&staging, "clear", &e))?;
            }
            fs::rename(&spare, &staging).map_err(|e| io_error(&spare, "reuse", &e))?;
        }
        fs::create_dir_all(&staging).map_err(|e| io_error(&staging, "create", &e))?;
        let previous = read_manifest(&staging);
        // Until commit the folder's contents are unknown: an interrupted build must not
        // leave a manifest that lies.
        fs::write(staging.join(MARKER), INCOMPLETE).map_err(|e| io_error(&staging, "write", &e))?;
        Ok(Output {
            target,
            staging,
            spare,
            written: Mutex::new(HashSet::from([MARKER.to_string()])),
            previous,
            committed: false,
        })
    }

    /// Where files go until [`Output::commit`].
    pub fn staging(&self) -> &Path {
        &self.staging
    }

    /// Writes one file, relative to the output root, unless it already holds these bytes.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        let path = self.staging.join(rel);
        if let Ok(mut written) = self.written.lock() {
            written.insert(rel.to_string());
        }
        if same_contents(&path, bytes) {
            return Ok(());
        }
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(|e| io_error(dir, "create", &e))?;
        }
        fs::write(&path, bytes).map_err(|e| io_error(&path, "write", &e))
    }

    /// Copies the static files (the theme's, overlaid with the site's); returns the count.
    pub fn copy_static(&self, files: &[StaticFile]) -> Result<usize, Diagnostic> {
        for file in files {
            self.write(&file.rel, &file.read()?)?;
        }
        Ok(files.len())
    }

    /// Removes what no page claimed, then swaps the staging folder in for the target; the
    /// previous output becomes the spare for the next build.
    pub fn commit(mut self) -> Result<(), Diagnostic> {
        self.remove_unclaimed()?;
        if self.spare.exists() {
            fs::remove_dir_all(&self.spare).map_err(|e| io_error(&self.spare, "clear", &e))?;
        }
        if self.target.exists() {
            fs::rename(&self.target, &self.spare)
                .map_err(|e| io_error(&self.target, "move aside", &e))?;
        }
        if let Err(e) = fs::rename(&self.staging, &self.target) {
            // Put the previous output back before reporting.
            let _ = fs::rename(&self.spare, &self.target);
            return Err(io_error(&self.target, "replace", &e));
        }
        self.committed = true;
        Ok(())
    }

    /// Deletes files left in the staging folder by an older build that this one did not
    /// write, then records what the folder now holds in its marker.
    fn remove_unclaimed(&self) -> Result<(), Diagnostic> {
        let written = self.written.lock().map_err(|_| {
            Diagnostic::new(&self.staging, "internal error: a write thread panicked")
        })?;
        match &self.previous {
            Some(previous) => self.remove_listed(previous, &written)?,
            None => self.remove_walked(&written)?,
        }
        let mut files: Vec<&str> = written.iter().map(String::as_str).collect();
        files.sort_unstable();
        let mut manifest = COMPLETE.to_vec();
        for f in files {
            manifest.extend_from_slice(f.as_bytes());
            manifest.push(b'\n');
        }
        fs::write(self.staging.join(MARKER), manifest)
            .map_err(|e| io_error(&self.staging, "write", &e))
    }

    /// The fast way: the marker lists what the folder held, so no walk is needed.
    fn remove_listed(
        &self,
        previous: &[String],
        written: &HashSet<String>,
    ) -> Result<(), Diagnostic> {
        let mut dirs: Vec<PathBuf> = Vec::new();
        for rel in previous.iter().filter(|rel| !written.contains(*rel)) {
            let path = self.staging.join(rel);
            match fs::remove_file(&path) {
                Ok(()) => dirs.extend(path.parent().map(Path::to_path_buf)),
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(io_error(&path, "remove", &e)),
            }
        }
        // Deepest first, so emptied folders go bottom-up; non-empty ones stay.
        dirs.sort_by_key(|d| std::cmp::Reverse(d.components().count()));
        for dir in dirs {
            let mut dir = dir.as_path();
            while dir != self.staging && fs::remove_dir(dir).is_ok() {
                dir = dir.parent().unwrap_or(&self.staging);
            }
        }
        Ok(())
    }

    /// The slow way, after an interrupted build: walk the folder.
    fn remove_walked(&self, written: &HashSet<String>) -> Result<(), Diagnostic> {
        let mut stale_dirs = Vec::new();
        for entry in WalkDir::new(&self.staging)
            .min_depth(1)
            .contents_first(true)
        {
            let entry =
                entry.map_err(|e| Diagnostic::new(&self.staging, format!("cannot read: {e}")))?;
            let rel = entry
                .path()
                .strip_prefix(&self.staging)
                .unwrap_or(entry.path());
            let rel = rel.to_string_lossy().replace('\\', "/");
            if entry.file_type().is_dir() {
                stale_dirs.push(entry.into_path());
            } else if !written.contains(&rel) {
                fs::remove_file(entry.path()).map_err(|e| io_error(entry.path(), "remove", &e))?;
            }
        }
        // Children come first, so emptied folders go bottom-up; non-empty ones stay.
        for dir in stale_dirs {
            let _ = fs::remove_dir(dir);
        }
        Ok(())
    }
}

/// First line of the marker of a folder being written.
const INCOMPLETE: &[u8] = b"This folder is written by sitegen build (incomplete).\n";
/// First line of the marker of a finished folder; the files it holds follow, one a line.
const COMPLETE: &[u8] = b"This folder is written by sitegen build.\n";

/// The file list of a finished output folder's marker, or None when it is not known.
fn read_manifest(dir: &Path) -> Option<Vec<String>> {
    let text = fs::read_to_string(dir.join(MARKER)).ok()?;
    let rest = text.strip_prefix(std::str::from_utf8(COMPLETE).ok()?)?;
    Some(
        rest.lines()
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect(),
    )
}

impl Drop for Output {
    fn drop(&mut self) {
        if !self.committed {
            // Keep the half-written folder as the next build's spare: never delete published
            // files, and never make the next build start from nothing.
            if !self.spare.exists() {
                let _ = fs::rename(&self.staging, &self.spare);
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

fn absolute(path: &Path) -> PathBuf {
    let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    // Resolve symlinks where the folder exists, so `..` tricks cannot hide the root.
    fs::canonicalize(&path).unwrap_or(path)
}

/// Refuses targets whose replacement would destroy sources or someone else's files.
fn check_target(root: &Path, target: &Path, force: bool) -> Result<(), Diagnostic> {
    let refuse = |why: &str| {
        Err(Diagnostic::new(
            target,
            format!("refusing to use this folder as output: {why}"),
        )
        .hint("choose another folder with --output-dir (the default is public/)"))
    };
    if target == root {
        return refuse("it is the site root");
    }
    if root.starts_with(target) {
        return refuse("it contains the site root");
    }
    if target.join("content").exists() || target.join(crate::config::CONFIG_FILE).exists() {
        return refuse("it holds a site's content/ or config.toml");
    }
    if !force && target.is_dir() && !target.join(MARKER).exists() && !is_empty_dir(target) {
        return Err(Diagnostic::new(
            target,
            "refusing to replace a non-empty folder that sitegen did not create",
        )
        .hint("empty it, choose another --output-dir, or pass --force to replace it"));
    }
    if target.exists() && !target.is_dir() {
        return refuse("it is a file");
    }
    Ok(())
}

fn is_empty_dir(dir: &Path) -> bool {
    fs::read_dir(dir).is_ok_and(|mut d| d.next().is_none())
}

fn io_error(path: &Path, what: &str, e: &io::Error) -> Diagnostic {
    Diagnostic::new(path, format!("cannot {what}: {e}"))
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
        assert!(Output::prepare(root, &foreign, true).is_ok());
    }

    #[test]
    fn dropped_output_leaves_the_previous_one() {
        let root = tempfile::tempdir().unwrap();
        let target = root.path().join("public");
        let out = Output::prepare(root.path(), &target, false).unwrap();
        out.write("index.html", b"v1").unwrap();
        out.commit().unwrap();
        let out = Output::prepare(root.path(), &target, false).unwrap();
        out.write("index.html", b"v2").unwrap();
        drop(out);
        assert_eq!(fs::read(target.join("index.html")).unwrap(), b"v1");
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
