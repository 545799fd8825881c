//! Publishing files that are copied rather than rendered: the static files, and the
//! picture versions named by their content.
//!
//! A site may carry hundreds of thousands of static files (downloads, an old archive's
//! attachments), so copying one must cost no more than the kernel's own work: no bytes
//! pass through sitegen (the kernel copies them, `copy_file_range`), none is hashed, and a
//! file the folder being written already holds — same size and modification time as its
//! source, which each copy is given — is not copied again.

use std::borrow::Borrow;
use std::fs::{self, File};
use std::io;
use std::path::Path;

use super::{Output, io_error, unsafe_rel};
use crate::diagnostics::Diagnostic;
use crate::statics::{Source, StaticFile};

impl Output {
    /// Copies the static files (the theme's, overlaid with the site's), in parallel;
    /// returns the count. The theme's (a few, in the binary) are written as pages are;
    /// files from disk are copied unless the folder already holds them (see the module
    /// comment). Those go in the manifest without a hash (`-`): nothing reads one for
    /// them, and hashing them meant reading every byte.
    pub fn copy_static<F>(&self, files: &[F]) -> Result<usize, Diagnostic>
    where
        F: Borrow<StaticFile> + Sync,
    {
        use rayon::prelude::*;
        for file in files {
            let file = file.borrow();
            match &file.source {
                Source::Theme(bytes) => self.write(&file.rel, bytes)?,
                Source::Disk(_) => {
                    if let Some(why) = unsafe_rel(&file.rel) {
                        return Err(Diagnostic::new(
                            &self.target,
                            format!("refusing to write `{}`: {why}", file.rel),
                        ));
                    }
                }
            }
        }
        // Listed before they are copied, so that a failed build tidies away what it added.
        if let Ok(mut records) = self.records.lock() {
            for (rel, _) in files.iter().filter_map(on_disk) {
                records.written.entry(rel.to_string()).or_default();
            }
        }
        files
            .par_iter()
            .filter_map(on_disk)
            .try_for_each(|(rel, from)| self.copy_one(rel, from))?;
        Ok(files.len())
    }

    /// Copies `from` to `rel` in the folder being written, unless the file there has its
    /// size and modification time (the mark of an earlier copy of it). `rel` is safe.
    fn copy_one(&self, rel: &str, from: &Path) -> Result<(), Diagnostic> {
        let cannot_write = |e: io::Error| io_error(&self.target.join(rel), "write", &e);
        let cannot_read = |e: io::Error| Diagnostic::new(from, format!("cannot read: {e}"));
        let meta = fs::metadata(from).map_err(cannot_read)?;
        let modified = meta.modified().map_err(cannot_read)?;
        let path = self.staging.join(rel);
        let target = match create_new(&path) {
            Ok(file) => file,
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                let old = fs::symlink_metadata(&path);
                if old.as_ref().is_ok_and(|old| {
                    old.is_file()
                        && old.len() == meta.len()
                        && old.modified().ok() == Some(modified)
                }) {
                    return Ok(());
                }
                // Never written into in place: the old file may be a link to a picture
                // version in the cache.
                let _ = fs::remove_file(&path);
                create_new(&path).map_err(cannot_write)?
            }
            Err(e) => return Err(cannot_write(e)),
        };
        let source = File::open(from).map_err(cannot_read)?;
        copy_bytes(&source, &target, meta.len())
            .and_then(|()| target.set_modified(modified))
            .map_err(|e| {
                let what = format!("copy {}", from.display());
                io_error(&self.target.join(rel), &what, &e)
            })
    }

    /// Publishes files whose names say their content (picture versions, named by a hash
    /// of their source, kept in the cache): one already there with the same size is left
    /// as it is, the others are hard-linked from the cache (no bytes copied; a build with
    /// a warm cache publishes thousands of versions in milliseconds), or copied where a
    /// link cannot be made (another file system). In parallel. Returns the count.
    ///
    /// A link shares the file with the cache: nothing sitegen does writes into a version
    /// in place (a changed picture gets a new name), and deleting either side is safe.
    pub fn link_named_by_content(&self, files: &[StaticFile]) -> Result<usize, Diagnostic> {
        use rayon::prelude::*;
        files.par_iter().try_for_each(|file| self.link_one(file))?;
        Ok(files.len())
    }

    fn link_one(&self, file: &StaticFile) -> Result<(), Diagnostic> {
        let Source::Disk(from) = &file.source else {
            return self.write(&file.rel, &file.read()?);
        };
        if let Some(why) = unsafe_rel(&file.rel) {
            return Err(Diagnostic::new(
                &self.target,
                format!("refusing to write `{}`: {why}", file.rel),
            ));
        }
        if let Ok(mut records) = self.records.lock() {
            records.written.entry(file.rel.clone()).or_default();
        }
        let path = self.staging.join(&file.rel);
        let size = |p: &Path| {
            fs::metadata(p)
                .ok()
                .filter(|m| m.is_file())
                .map(|m| m.len())
        };
        if size(&path).is_some() && size(&path) == size(from) {
            return Ok(());
        }
        let shown = self.target.join(&file.rel);
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(|e| io_error(&shown, "create its folder", &e))?;
        }
        let _ = fs::remove_file(&path);
        fs::hard_link(from, &path)
            .or_else(|_| fs::copy(from, &path).map(|_| ()))
            .map_err(|e| io_error(&shown, &format!("copy {}", from.display()), &e))
    }
}

/// A file copied from disk: where it goes and where it is.
fn on_disk<F: Borrow<StaticFile>>(file: &F) -> Option<(&str, &Path)> {
    let file = file.borrow();
    match &file.source {
        Source::Disk(from) => Some((file.rel.as_str(), from.as_path())),
        Source::Theme(_) => None,
    }
}

/// Creates `path`, which must not exist yet, and its folders when missing (tried after the
/// file: nearly always they are there).
fn create_new(path: &Path) -> io::Result<File> {
    let open = || File::options().write(true).create_new(true).open(path);
    match open() {
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            if let Some(dir) = path.parent() {
                fs::create_dir_all(dir)?;
            }
            open()
        }
        other => other,
    }
}

/// Copies `len` bytes from `source` to the empty `target`, in the kernel where it can.
fn copy_bytes(source: &File, target: &File, len: u64) -> io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        let mut left = len;
        while left > 0 {
            let step = usize::try_from(left).unwrap_or(usize::MAX).min(1 << 30);
            match rustix::fs::copy_file_range(source, None, target, None, step) {
                // The file shrank while being copied: what is there has been copied.
                Ok(0) => return Ok(()),
                Ok(n) => left = left.saturating_sub(n as u64),
                // Nothing copied yet and the call is not supported here: copy through
                // memory instead.
                Err(_) if left == len => break,
                Err(e) => return Err(e.into()),
            }
        }
        if left == 0 {
            return Ok(());
        }
    }
    let _ = len;
    io::copy(&mut &*source, &mut &*target).map(|_| ())
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, SystemTime};

    use super::*;
    use crate::output::read_hashes;

    fn from_disk(rel: &str, path: &Path) -> StaticFile {
        StaticFile {
            rel: rel.into(),
            source: Source::Disk(path.to_path_buf()),
        }
    }

    fn inode(path: &Path) -> u64 {
        use std::os::unix::fs::MetadataExt;
        fs::metadata(path).unwrap().ino()
    }

    fn set_mtime(path: &Path, at: SystemTime) {
        File::options()
            .write(true)
            .open(path)
            .unwrap()
            .set_modified(at)
            .unwrap();
    }

    #[test]
    fn a_static_file_is_copied_again_only_when_it_changed() {
        let root = tempfile::tempdir().unwrap();
        let root = root.path();
        let statics = root.join("static");
        fs::create_dir_all(statics.join("sub")).unwrap();
        let (a, b) = (statics.join("a.txt"), statics.join("sub/b.txt"));
        fs::write(&a, "甲").unwrap();
        fs::write(&b, "乙").unwrap();
        let target = root.join("public");
        let files = [from_disk("a.txt", &a), from_disk("sub/b.txt", &b)];
        let build = || {
            let out = Output::prepare(root, &target, false).unwrap();
            assert_eq!(out.copy_static(&files).unwrap(), 2);
            out.commit().unwrap();
        };
        build();
        assert_eq!(fs::read_to_string(target.join("sub/b.txt")).unwrap(), "乙");
        let modified = |p: &Path| fs::metadata(p).unwrap().modified().unwrap();
        assert_eq!(modified(&target.join("a.txt")), modified(&a));
        // No hash is recorded for them: reading every byte was the cost.
        let manifest = read_hashes(&target).unwrap();
        assert_eq!(manifest.files.get("a.txt").map(|l| l.hash), Some(None));
        build();
        // The next build writes into the folder the first one wrote.
        let spare = root.join(".public.sitegen-old");
        let kept = inode(&spare.join("a.txt"));
        // Same size, other bytes, another time: copied again.
        fs::write(&b, "丙").unwrap();
        set_mtime(&b, SystemTime::now() + Duration::from_secs(10));
        build();
        assert_eq!(fs::read_to_string(target.join("sub/b.txt")).unwrap(), "丙");
        assert_eq!(inode(&target.join("a.txt")), kept, "left as it was");
        assert_eq!(fs::read_to_string(target.join("a.txt")).unwrap(), "甲");
    }

    #[test]
    fn a_static_file_never_writes_through_a_linked_picture_version() {
        let root = tempfile::tempdir().unwrap();
        let root = root.path();
        let cache = root.join("cache.bin");
        fs::write(&cache, "picture").unwrap();
        fs::create_dir_all(root.join("static")).unwrap();
        let own = root.join("static/x.bin");
        fs::write(&own, "a static file").unwrap();
        let target = root.join("public");
        for _ in 0..2 {
            let out = Output::prepare(root, &target, false).unwrap();
            out.link_named_by_content(&[from_disk("x.bin", &cache)])
                .unwrap();
            out.commit().unwrap();
        }
        let out = Output::prepare(root, &target, false).unwrap();
        out.copy_static(&[from_disk("x.bin", &own)]).unwrap();
        out.commit().unwrap();
        assert_eq!(
            fs::read_to_string(target.join("x.bin")).unwrap(),
            "a static file"
        );
        assert_eq!(fs::read_to_string(&cache).unwrap(), "picture");
    }
}
