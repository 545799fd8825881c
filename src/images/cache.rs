//! The cache folder (`.sitegen-cache/images/`): every version made, named by a hash of its
//! source's bytes and its operation, so an unchanged picture is never decoded again; and
//! notes of each source's stamp on disk, hash and header, so an unchanged file is not even
//! read again (a build of a site whose pictures did not change reads none of them).

use std::collections::HashMap;
use std::fs;
use std::io::Read as _;
use std::path::{Path, PathBuf};

use crate::content::stamps::{self, Stamp};

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

/// What was learnt of a source: its content hash and header, and its stamp on disk when
/// it was read (none where the platform gives none).
#[derive(Debug, Clone, PartialEq)]
pub struct Seen {
    pub hash: String,
    pub probe: Probe,
    stamp: Option<Stamp>,
}

/// A source as seen, or why it cannot be read.
pub type Read = Result<Seen, String>;

/// What the cache knows of one source file.
#[derive(Debug, Clone, PartialEq)]
struct Note {
    stamp: Stamp,
    hash: String,
    probe: Probe,
}

/// The notes of the sources, by path relative to the site root. A note is trusted as the
/// parse cache trusts a source's stamp ([`crate::content::stamps`]): only while every
/// field of the stamp is the same, and only kept when the file had settled before the
/// build read it.
#[derive(Debug, Default)]
pub struct Notes {
    root: PathBuf,
    by_path: HashMap<PathBuf, Note>,
    changed: bool,
    /// This build's start ([`stamps::now`]).
    now: i64,
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
            now: stamps::now(),
        }
    }

    /// The hash and header of a file: from the notes when its stamp is as noted, else
    /// read from the file (stamped as it is opened, before its bytes are read, so that a
    /// write during the read leaves a stamp that will not match next time).
    pub fn peek_or_read(&self, path: &Path) -> Read {
        if let Some(stamp) = Stamp::of(path)
            && let Some(note) = self.by_path.get(self.key(path))
            && note.stamp == stamp
        {
            return Ok(Seen {
                hash: note.hash.clone(),
                probe: note.probe,
                stamp: Some(stamp),
            });
        }
        let cannot = |e: std::io::Error| format!("cannot read it: {e}");
        let mut file = fs::File::open(path).map_err(cannot)?;
        let stamp = Stamp::of_file(&file);
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).map_err(cannot)?;
        let probe = process::probe(&bytes)?;
        check_extension(path, probe.format)?;
        Ok(Seen {
            hash: blake3::hash(&bytes).to_hex().to_string(),
            probe,
            stamp,
        })
    }

    /// [`Notes::peek_or_read`], keeping what was read.
    pub fn read(&mut self, path: &Path) -> Read {
        let seen = self.peek_or_read(path)?;
        self.remember(path, &seen);
        Ok(seen)
    }

    /// Notes a file's hash and header for the next build, when its stamp may be trusted
    /// then; else forgets any older note.
    pub fn remember(&mut self, path: &Path, seen: &Seen) {
        let key = self.key(path).to_path_buf();
        let note = seen
            .stamp
            .filter(|stamp| stamp.settled_before(self.now))
            .map(|stamp| Note {
                stamp,
                hash: seen.hash.clone(),
                probe: seen.probe,
            });
        let Some(note) = note else {
            self.changed |= self.by_path.remove(&key).is_some();
            return;
        };
        if self.by_path.get(&key) != Some(&note) {
            self.by_path.insert(key, note);
            self.changed = true;
        }
    }

    /// Writes the notes when this run changed any. A cache that cannot be written only
    /// costs the next build time: it is not an error.
    pub fn save(&self, cache_dir: &Path) {
        if !self.changed {
            return;
        }
        let mut lines: Vec<String> = self
            .by_path
            .iter()
            .map(|(path, n)| {
                format!(
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}\n",
                    path.display(),
                    n.stamp,
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

/// A line of the notes: the path, the stamp's five fields, the hash and the header. A
/// line of an older layout (size and time only) is no note.
fn parse_note(line: &str) -> Option<(PathBuf, Note)> {
    let f: Vec<&str> = line.split('\t').collect();
    let [path, stamp @ .., hash, format, width, height, alpha] = f.as_slice() else {
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
            stamp: stamp.join("\t").parse().ok()?,
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

    fn png(side: u32, shade: u8) -> Vec<u8> {
        let img = image::RgbImage::from_pixel(side, side, image::Rgb([shade, 90, 200]));
        let mut bytes = Vec::new();
        img.write_to(
            &mut std::io::Cursor::new(&mut bytes),
            image::ImageFormat::Png,
        )
        .expect("encode png");
        bytes
    }

    /// A build starting a minute from now: the files the test wrote have settled by then.
    const A_MINUTE_ON: i64 = 60_000_000_000;

    /// Notes as a build starting `later` nanoseconds from now would load them.
    fn loaded(cache: &Path, root: &Path, later: i64) -> Notes {
        let mut notes = Notes::load(cache, root);
        notes.now += later;
        notes
    }

    /// A folder with a PNG `a.png` and the cache folder to be: (folder, picture, cache).
    fn with_a_picture() -> (tempfile::TempDir, PathBuf, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.png");
        fs::write(&file, png(8, 10)).unwrap();
        let cache = dir.path().join(".cache");
        (dir, file, cache)
    }

    #[test]
    fn notes_survive_a_round_trip() {
        let (dir, file, cache) = with_a_picture();
        let mut notes = loaded(&cache, dir.path(), A_MINUTE_ON);
        let seen = notes.read(&file).expect("a png");
        assert_eq!(
            (seen.probe.width, seen.probe.format),
            (8, SourceFormat::Png)
        );
        notes.save(&cache);

        // Known from the note: the file is not read (its bytes no longer a picture, but
        // under the same stamp the note is believed, as for a source).
        let again = loaded(&cache, dir.path(), A_MINUTE_ON);
        assert_eq!(again.by_path.len(), 1);
        assert_eq!(again.peek_or_read(&file), Ok(seen));
        fs::write(&file, b"changed, and now longer than before").unwrap();
        assert!(again.peek_or_read(&file).is_err(), "re-read: not a picture");
    }

    #[cfg(unix)]
    #[test]
    fn an_edit_that_keeps_the_size_and_the_time_is_seen() {
        let (dir, file, cache) = with_a_picture();
        let modified = fs::metadata(&file).and_then(|m| m.modified()).unwrap();
        let mut notes = loaded(&cache, dir.path(), A_MINUTE_ON);
        let first = notes.read(&file).expect("a png");
        notes.save(&cache);

        std::thread::sleep(std::time::Duration::from_millis(20));
        let edited = png(8, 200);
        assert_eq!(edited.len(), png(8, 10).len(), "same size");
        fs::write(&file, edited).unwrap();
        let handle = fs::File::options().write(true).open(&file).unwrap();
        handle.set_modified(modified).unwrap();
        drop(handle);

        let again = loaded(&cache, dir.path(), A_MINUTE_ON);
        let second = again.peek_or_read(&file).expect("a png");
        assert_ne!(
            second.hash, first.hash,
            "read again, not taken from the note"
        );
    }

    #[test]
    fn a_file_read_as_it_changed_is_not_noted() {
        let (dir, file, cache) = with_a_picture();
        // A build that started now: the file changed within the settling time.
        let mut notes = loaded(&cache, dir.path(), 0);
        notes.read(&file).expect("a png");
        assert!(notes.by_path.is_empty());
        // A note kept from before is forgotten, not left to be trusted.
        let mut settled = loaded(&cache, dir.path(), A_MINUTE_ON);
        settled.read(&file).expect("a png");
        settled.save(&cache);
        let mut fresh = loaded(&cache, dir.path(), 0);
        assert_eq!(fresh.by_path.len(), 1);
        fresh.read(&file).expect("a png");
        assert!(fresh.by_path.is_empty() && fresh.changed);
    }

    #[test]
    fn notes_of_the_older_layout_are_none() {
        let line = "static/a.png\t120\t1700000000000000000\tabc\tpng\t640\t360\t1";
        assert!(parse_note(line).is_none());
    }

    #[test]
    fn a_picture_named_after_another_format_is_refused() {
        let err = check_extension(Path::new("a.jpg"), SourceFormat::Png).unwrap_err();
        assert_eq!(err, "it is a PNG picture named .jpg");
        assert!(check_extension(Path::new("a.JPEG"), SourceFormat::Jpeg).is_ok());
    }
}
