//! Putting a finished staging folder in place of the output folder.
//!
//! On Linux one `renameat2(RENAME_EXCHANGE)` swaps the two folders atomically: at every
//! instant the output path holds the old or the new complete tree. Elsewhere (or on file
//! systems without the exchange) two renames do it, and a crash between them leaves no
//! output folder for a moment; [`recover`] puts a complete tree back when the next build
//! starts. When the output folder cannot be renamed at all (a mount point: EBUSY, EXDEV),
//! [`in_place`] copies the changed files into it instead.

use std::fs;
use std::io;
use std::path::Path;

use crate::diagnostics::Diagnostic;

use super::{COMPLETE, INCOMPLETE, MARKER, io_error, read_manifest, remove_stale, testing};

/// How the new tree was put in place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Swapped {
    /// The old tree is in the spare (or the staging folder), for the next build to reuse.
    Renamed,
    /// The output folder is a mount point; its files were updated in place.
    InPlace,
}

/// Swaps `staging` (complete, its marker written) in for `target`, leaving the old tree in
/// `spare`.
pub fn swap(
    staging: &Path,
    target: &Path,
    spare: &Path,
    files: &super::Written,
    warnings: &mut Vec<Diagnostic>,
) -> Result<Swapped, Diagnostic> {
    testing::pause("swap");
    if !target.exists() {
        rename(staging, target).map_err(|e| io_error(target, "move the new output in", &e))?;
        return Ok(Swapped::Renamed);
    }
    match exchange(staging, target) {
        Some(Ok(())) => {
            // The old tree now sits at the staging path, complete: park it as the spare.
            // Should this fail the next build still finds it there.
            let _ = clear(spare);
            let _ = fs::rename(staging, spare);
            return Ok(Swapped::Renamed);
        }
        Some(Err(e)) if is_unmovable(&e) => {
            return in_place(staging, target, spare, files, warnings);
        }
        // Not supported here (an old kernel, a file system without it): two renames.
        Some(Err(_)) | None => {}
    }
    clear(spare).map_err(|e| io_error(spare, "clear", &e))?;
    if let Err(e) = rename(target, spare) {
        if is_unmovable(&e) {
            return in_place(staging, target, spare, files, warnings);
        }
        return Err(io_error(target, "move aside", &e));
    }
    testing::pause("between-renames");
    if let Err(e) = fs::rename(staging, target) {
        // Put the previous output back before reporting.
        let _ = fs::rename(spare, target);
        return Err(io_error(target, "replace", &e));
    }
    Ok(Swapped::Renamed)
}

/// After a crash between the two renames of a swap the output folder is missing: puts the
/// newest complete tree back (the staging folder's, else the spare's) before anything else.
pub fn recover(staging: &Path, target: &Path, spare: &Path) -> Result<(), Diagnostic> {
    if target.exists() {
        return Ok(());
    }
    for from in [staging, spare] {
        if read_manifest(from).is_some() {
            return fs::rename(from, target).map_err(|e| io_error(from, "restore", &e));
        }
    }
    Ok(())
}

/// The output folder cannot be renamed (a mount point): writes each changed file into it
/// (each through a temporary name and a rename, so a reader sees a file's old or new bytes),
/// then removes the files the new tree does not list. The marker says "incomplete" until
/// the end, so a crash midway leaves a mix that the next build repairs. The staging folder,
/// complete, stays as the spare so the next build again writes only what changed.
fn in_place(
    staging: &Path,
    target: &Path,
    spare: &Path,
    files: &super::Written,
    warnings: &mut Vec<Diagnostic>,
) -> Result<Swapped, Diagnostic> {
    let previous = read_manifest(target);
    fs::write(target.join(MARKER), INCOMPLETE).map_err(|e| io_error(target, "write", &e))?;
    let mut sorted: Vec<&String> = files.keys().filter(|f| *f != MARKER).collect();
    sorted.sort_unstable();
    for rel in &sorted {
        let from = staging.join(rel);
        let to = target.join(rel);
        let bytes = fs::read(&from).map_err(|e| io_error(&from, "read", &e))?;
        if super::same_contents(&to, &bytes) {
            continue;
        }
        if let Some(dir) = to.parent() {
            fs::create_dir_all(dir).map_err(|e| io_error(dir, "create", &e))?;
        }
        let part = to.with_file_name(format!(
            ".{}.sitegen-part",
            to.file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default()
        ));
        fs::write(&part, &bytes).map_err(|e| io_error(&to, "write", &e))?;
        fs::rename(&part, &to).map_err(|e| io_error(&to, "write", &e))?;
        testing::pause("in-place");
    }
    remove_stale(target, previous.as_deref(), files, warnings)?;
    let manifest = fs::read(staging.join(MARKER)).unwrap_or_else(|_| COMPLETE.to_vec());
    fs::write(target.join(MARKER), manifest).map_err(|e| io_error(target, "write", &e))?;
    if !spare.exists() {
        let _ = fs::rename(staging, spare);
    }
    Ok(Swapped::InPlace)
}

/// Renaming the output folder failed because it cannot move: a mount point.
fn is_unmovable(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ResourceBusy | io::ErrorKind::CrossesDevices
    )
}

/// A rename of the output folder, through the mount-point test seam.
fn rename(from: &Path, to: &Path) -> io::Result<()> {
    if let Some(e) = testing::rename_fails() {
        return Err(e);
    }
    fs::rename(from, to)
}

fn clear(dir: &Path) -> io::Result<()> {
    match fs::remove_dir_all(dir) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// Swaps two existing paths atomically; None where no such call exists.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> Option<io::Result<()>> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    if testing::no_exchange() {
        return None;
    }
    if let Some(e) = testing::rename_fails() {
        return Some(Err(e));
    }
    Some(renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(io::Error::from))
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> Option<io::Result<()>> {
    None
}
