//! Writing the site: into a staging folder beside the output, swapped in only when the
//! whole build succeeded, so a failed or interrupted build never damages what is published.
//!
//! The output folder belongs to sitegen (a marker file says so). sitegen refuses to write
//! into a folder that holds the site's sources or that it did not create.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::diagnostics::Diagnostic;

/// Marks a folder as sitegen's output, so a later build may replace it.
pub const MARKER: &str = ".sitegen-output";

/// An output folder being written.
pub struct Output {
    target: PathBuf,
    staging: PathBuf,
    committed: bool,
}

impl Output {
    /// Checks that `target` may be replaced and creates an empty staging folder beside it.
    pub fn prepare(root: &Path, target: &Path, force: bool) -> Result<Self, Diagnostic> {
        let target = absolute(target);
        check_target(&absolute(root), &target, force)?;
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        let parent = target.parent().unwrap_or(Path::new("."));
        let staging = parent.join(format!(".{name}.sitegen-tmp"));
        if staging.exists() {
            fs::remove_dir_all(&staging).map_err(|e| io_error(&staging, "clear", &e))?;
        }
        fs::create_dir_all(&staging).map_err(|e| io_error(&staging, "create", &e))?;
        Ok(Output {
            target,
            staging,
            committed: false,
        })
    }

    /// Where files go until [`Output::commit`].
    pub fn staging(&self) -> &Path {
        &self.staging
    }

    /// Writes one file, relative to the output root.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        let path = self.staging.join(rel);
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(|e| io_error(dir, "create", &e))?;
        }
        fs::write(&path, bytes).map_err(|e| io_error(&path, "write", &e))
    }

    /// Copies the theme's assets, then the site's `static/` over them; returns the count.
    pub fn copy_static(&self, root: &Path) -> Result<usize, Diagnostic> {
        let mut count = 0;
        for (rel, bytes) in crate::theme::static_files() {
            self.write(&rel, bytes)?;
            count += 1;
        }
        let dir = root.join("static");
        if !dir.is_dir() {
            return Ok(count);
        }
        for entry in WalkDir::new(&dir).follow_links(true) {
            let entry =
                entry.map_err(|e| Diagnostic::new("static", format!("cannot read: {e}")))?;
            if !entry.file_type().is_file() {
                continue;
            }
            let rel = entry.path().strip_prefix(&dir).unwrap_or(entry.path());
            let dest = self.staging.join(rel);
            if let Some(parent) = dest.parent() {
                fs::create_dir_all(parent).map_err(|e| io_error(parent, "create", &e))?;
            }
            fs::copy(entry.path(), &dest).map_err(|e| io_error(entry.path(), "copy", &e))?;
            count += 1;
        }
        Ok(count)
    }

    /// Swaps the finished staging folder in for the target.
    pub fn commit(mut self) -> Result<(), Diagnostic> {
        fs::write(
            self.staging.join(MARKER),
            b"This folder is written by sitegen build.\n",
        )
        .map_err(|e| io_error(&self.staging, "write", &e))?;
        let old = self.staging.with_extension("sitegen-old");
        if old.exists() {
            fs::remove_dir_all(&old).map_err(|e| io_error(&old, "clear", &e))?;
        }
        if self.target.exists() {
            fs::rename(&self.target, &old).map_err(|e| io_error(&self.target, "move aside", &e))?;
        }
        if let Err(e) = fs::rename(&self.staging, &self.target) {
            // Put the previous output back before reporting.
            let _ = fs::rename(&old, &self.target);
            return Err(io_error(&self.target, "replace", &e));
        }
        self.committed = true;
        let _ = fs::remove_dir_all(&old);
        Ok(())
    }
}

impl Drop for Output {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.staging);
        }
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
        assert!(!root.path().join(".public.sitegen-tmp").exists());
    }
}
