//! Publishing files that are copied rather than rendered: the static files, and the
//! picture versions named by their content.

use std::fs;
use std::path::Path;

use super::{Output, io_error, unsafe_rel};
use crate::diagnostics::Diagnostic;
use crate::statics::StaticFile;

impl Output {
    /// Copies the static files (the theme's, overlaid with the site's); returns the count.
    pub fn copy_static(&self, files: &[StaticFile]) -> Result<usize, Diagnostic> {
        for file in files {
            self.write(&file.rel, &file.read()?)?;
        }
        Ok(files.len())
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
        let crate::statics::Source::Disk(from) = &file.source else {
            return self.write(&file.rel, &file.read()?);
        };
        if let Some(why) = unsafe_rel(&file.rel) {
            return Err(Diagnostic::new(
                &self.target,
                format!("refusing to write `{}`: {why}", file.rel),
            ));
        }
        if let Ok(mut written) = self.written.lock() {
            written.insert(file.rel.clone());
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
