//! The cache folder (`.sitegen-cache/images/`): every version made, named by a hash of its
//! source's bytes and its operation, so an unchanged picture is never decoded again; and
//! notes of each source's size, time, hash and header, so an unchanged file is not even
//! read again (a build of a site whose pictures did not change reads none of them).

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use super::budget::Budget;
use super::plan::{self, Settings};
use super::process::{self, Probe, SourceFormat};
use super::{Source, Variant};

/// The folder under the cache folder that holds pictures.
const IMAGES_DIR: &str = "images";
/// The notes file, one source a line.
const NOTES_FILE: &str = "sources.tsv";
/// A decode that would need more memory than this is refused (a "decompression bomb").
const MAX_DECODE_BYTES: u64 = 2 << 30;

/// Where the version is (or will be) cached.
pub fn version_path(cache_dir: &Path, variant: &Variant) -> PathBuf {
    let key = plan::cache_key(variant);
    cache_dir
        .join(IMAGES_DIR)
        .join(&key[..2])
        .join(format!("{key}.{}", variant.encoding.format.extension()))
}

/// Decodes `source` once and makes each of `variants` into the cache, waiting for room in
/// the memory budget first.
pub fn make(
    settings: &Settings,
    source: &Source,
    variants: &[Variant],
    budget: &Budget,
) -> Result<(), String> {
    let bytes = fs::read(&source.path).map_err(|e| format!("cannot read it: {e}"))?;
    // Waits until the decoded picture fits beside the others being worked on; one bigger
    // than the whole budget goes alone.
    let _permit = budget.acquire(source.probe.decode_bytes());
    let decoded = process::decode(&bytes, MAX_DECODE_BYTES)?;
    drop(bytes);
    for variant in variants {
        let made = process::make(&decoded, variant.op, variant.encoding)?;
        write_atomically(&version_path(&settings.cache_dir, variant), &made)?;
    }
    Ok(())
}

/// Written under a temporary name and renamed, so that a build killed halfway never leaves
/// a truncated version for the next build to trust.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir)
        .map_err(|e| format!("cannot create the cache folder {}: {e}", dir.display()))?;
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    fs::write(&tmp, bytes)
        .and_then(|()| fs::rename(&tmp, path))
        .map_err(|e| format!("cannot write to the cache ({}): {e}", path.display()))
}

/// A source's content hash and header, or why it cannot be read.
pub type Read = Result<(String, Probe), String>;

/// What the cache knows of one source file.
#[derive(Debug, Clone, PartialEq)]
struct Note {
    len: u64,
    modified: u128,
    hash: String,
    probe: Probe,
}

/// The notes of the sources, by path relative to the site root.
#[derive(Debug, Default)]
pub struct Notes {
    root: PathBuf,
    by_path: HashMap<PathBuf, Note>,
    changed: bool,
}

impl Notes {
    /// Reads the notes a previous build left; a missing or garbled file is no notes.
    pub fn load(cache_dir: &Path, root: &Path) -> Notes {
        let text =
            fs::read_to_string(cache_dir.join(IMAGES_DIR).join(NOTES_FILE)).unwrap_or_default();
        let by_path = text.lines().filter_map(parse_note).collect();
        Notes {
            root: root.to_path_buf(),
            by_path,
            changed: false,
        }
    }

    /// The hash and header of a file: from the notes when its size and time are as
    /// noted, else read from the file.
    pub fn peek_or_read(&self, path: &Path) -> Read {
        let meta = fs::metadata(path).map_err(|e| format!("cannot read it: {e}"))?;
        let (len, modified) = (meta.len(), modified(&meta));
        if let Some(note) = self.by_path.get(self.key(path))
            && note.len == len
            && note.modified == modified
        {
            return Ok((note.hash.clone(), note.probe));
        }
        let bytes = fs::read(path).map_err(|e| format!("cannot read it: {e}"))?;
        let probe = process::probe(&bytes)?;
        check_extension(path, probe.format)?;
        Ok((blake3::hash(&bytes).to_hex().to_string(), probe))
    }

    /// [`Notes::peek_or_read`], keeping what was read.
    pub fn read(&mut self, path: &Path) -> Read {
        let (hash, probe) = self.peek_or_read(path)?;
        self.remember(path, &hash, probe);
        Ok((hash, probe))
    }

    /// Notes a file's hash and header for the next build.
    pub fn remember(&mut self, path: &Path, hash: &str, probe: Probe) {
        let Ok(meta) = fs::metadata(path) else {
            return;
        };
        let note = Note {
            len: meta.len(),
            modified: modified(&meta),
            hash: hash.to_string(),
            probe,
        };
        let key = self.key(path).to_path_buf();
        if self.by_path.get(&key) != Some(&note) {
            self.by_path.insert(key, note);
            self.changed = true;
        }
    }

    /// Writes the notes when this run added any. A cache that cannot be written only costs
    /// the next build time: it is not an error.
    pub fn save(&self, cache_dir: &Path) {
        if !self.changed {
            return;
        }
        let mut lines: Vec<String> = self
            .by_path
            .iter()
            .map(|(path, n)| {
                format!(
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n",
                    path.display(),
                    n.len,
                    n.modified,
                    n.hash,
                    format_name(n.probe.format),
                    n.probe.width,
                    n.probe.height,
                    u8::from(n.probe.alpha)
                )
            })
            .collect();
        lines.sort_unstable();
        let _ = write_atomically(
            &cache_dir.join(IMAGES_DIR).join(NOTES_FILE),
            lines.concat().as_bytes(),
        );
    }

    fn key<'p>(&self, path: &'p Path) -> &'p Path {
        path.strip_prefix(&self.root).unwrap_or(path)
    }
}

fn modified(meta: &fs::Metadata) -> u128 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos())
}

/// A picture whose extension names another format (a PNG saved as `.jpg`) is left as it
/// is: browsers sniff it, but versions named after the wrong format would mislead.
fn check_extension(path: &Path, format: SourceFormat) -> Result<(), String> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let named = match ext.as_str() {
        "jpg" | "jpeg" => SourceFormat::Jpeg,
        "png" => SourceFormat::Png,
        "webp" => SourceFormat::Webp,
        "gif" => SourceFormat::Gif,
        _ => return Ok(()),
    };
    if named == format {
        Ok(())
    } else {
        Err(format!(
            "it is a {} picture named .{ext}",
            format_name(format).to_ascii_uppercase()
        ))
    }
}

fn format_name(format: SourceFormat) -> &'static str {
    match format {
        SourceFormat::Jpeg => "jpeg",
        SourceFormat::Png => "png",
        SourceFormat::Webp => "webp",
        SourceFormat::Gif => "gif",
        SourceFormat::Other => "other",
    }
}

fn parse_note(line: &str) -> Option<(PathBuf, Note)> {
    let f: Vec<&str> = line.split('\t').collect();
    let [path, len, modified, hash, format, width, height, alpha] = f.as_slice() else {
        return None;
    };
    let format = match *format {
        "jpeg" => SourceFormat::Jpeg,
        "png" => SourceFormat::Png,
        "webp" => SourceFormat::Webp,
        "gif" => SourceFormat::Gif,
        _ => SourceFormat::Other,
    };
    Some((
        PathBuf::from(path),
        Note {
            len: len.parse().ok()?,
            modified: modified.parse().ok()?,
            hash: (*hash).to_string(),
            probe: Probe {
                format,
                width: width.parse().ok()?,
                height: height.parse().ok()?,
                alpha: *alpha == "1",
            },
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_survive_a_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.png");
        fs::write(&file, b"not really a png").unwrap();
        let probe = Probe {
            format: SourceFormat::Png,
            width: 640,
            height: 360,
            alpha: true,
        };
        let cache = dir.path().join(".cache");
        let mut notes = Notes::load(&cache, dir.path());
        notes.remember(&file, "abc", probe);
        notes.save(&cache);
        let again = Notes::load(&cache, dir.path());
        assert_eq!(again.peek_or_read(&file), Ok(("abc".to_string(), probe)));
        fs::write(&file, b"changed, and now longer than before").unwrap();
        assert!(again.peek_or_read(&file).is_err(), "re-read: not a picture");
    }

    #[test]
    fn a_picture_named_after_another_format_is_refused() {
        let err = check_extension(Path::new("a.jpg"), SourceFormat::Png).unwrap_err();
        assert_eq!(err, "it is a PNG picture named .jpg");
        assert!(check_extension(Path::new("a.JPEG"), SourceFormat::Jpeg).is_ok());
    }
}
