//! Each source's stamp on disk (size, times, inode) when its bytes were last hashed, kept
//! in the cache folder beside the parse cache, so that a publish build need not read a
//! file again to know it has not changed, as git's index does for `git status`.
//!
//! Opening, reading and closing 100,000 sources was most of a publish build's system
//! time; asking each for its stamp is one call. The parse cache stays keyed by the
//! content's hash: a stamp only says "these bytes hash as they did". A stamp is trusted
//! only when every field is the same, the change time (`ctime`) among them, which the
//! kernel sets on every write, rename or restore and no program can set back, so an edit
//! that keeps the size and puts the modification time back is still seen. A fresh
//! checkout (every source new on disk) reads every file, as a build without stamps does.
//!
//! The stamp of a file that last changed less than [`SETTLE`] before the build that took
//! it is not kept: a file written in the same instant as it was hashed (or within a file
//! system's coarser clock tick) could change again without its times moving.
//!
//! Stamps are kept in one file per parse cache shard, read and written by the load of that
//! shard's files: one new article rewrites one small file.

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

/// The folder of the files, under the parse cache's folder.
const DIR: &str = "stamps";
/// Bumped when what a stamp holds changes.
const FORMAT: u32 = 1;
/// How long before a build a file must have last changed for its stamp to be kept.
const SETTLE: i64 = 2_000_000_000;

/// A source file's stamp: what changes when its bytes may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    len: u64,
    /// Modification and change times, in nanoseconds since 1970.
    modified: i64,
    changed: i64,
    inode: u64,
    device: u64,
}

/// A hash of a source's bytes ([`crate::content::cache::content_hash`]).
pub type ContentHash = [u8; 16];

impl Stamp {
    /// The stamp of the file at `path`; None where the platform gives no change time or
    /// inode (then every file is read).
    pub fn of(path: &Path) -> Option<Stamp> {
        Stamp::from_metadata(&std::fs::metadata(path).ok()?)
    }

    /// The stamp of an open file.
    pub fn of_file(file: &std::fs::File) -> Option<Stamp> {
        Stamp::from_metadata(&file.metadata().ok()?)
    }

    /// The file's size in bytes.
    pub fn size(&self) -> u64 {
        self.len
    }

    /// Whether the file last changed long enough before `now` (a build's start, [`now`])
    /// for this stamp to be kept: see the module's note on settling.
    pub fn settled_before(&self, now: i64) -> bool {
        self.changed < now - SETTLE
    }

    fn from_metadata(meta: &std::fs::Metadata) -> Option<Stamp> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let nanos = |secs: i64, nsec: i64| secs.checked_mul(1_000_000_000)?.checked_add(nsec);
            Some(Stamp {
                len: meta.len(),
                modified: nanos(meta.mtime(), meta.mtime_nsec())?,
                changed: nanos(meta.ctime(), meta.ctime_nsec())?,
                inode: meta.ino(),
                device: meta.dev(),
            })
        }
        #[cfg(not(unix))]
        {
            let _ = meta;
            None
        }
    }
}

/// Five tab-separated numbers, for caches kept as text (the pictures' notes).
impl std::fmt::Display for Stamp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let Stamp {
            len,
            modified,
            changed,
            inode,
            device,
        } = self;
        write!(f, "{len}\t{modified}\t{changed}\t{inode}\t{device}")
    }
}

impl std::str::FromStr for Stamp {
    type Err = ();

    fn from_str(text: &str) -> Result<Stamp, ()> {
        let mut fields = text.split('\t');
        let mut next = || fields.next().ok_or(());
        let stamp = Stamp {
            len: next()?.parse().map_err(drop)?,
            modified: next()?.parse().map_err(drop)?,
            changed: next()?.parse().map_err(drop)?,
            inode: next()?.parse().map_err(drop)?,
            device: next()?.parse().map_err(drop)?,
        };
        match fields.next() {
            None => Ok(stamp),
            Some(_) => Err(()),
        }
    }
}

#[derive(Serialize, Deserialize)]
struct Stored {
    format: u32,
    stamps: Vec<(String, Stamp, ContentHash)>,
}

/// The stamps the last build kept for one shard's files, and when this build started.
pub struct Stamps {
    path: PathBuf,
    known: foldhash::HashMap<String, (Stamp, ContentHash)>,
    /// This build's start, in nanoseconds since 1970.
    now: i64,
}

impl Stamps {
    /// The stamps kept under `cache_dir` for parse cache shard `shard` (none there, or of
    /// another format: none). `now` is when the build started ([`now`]).
    pub fn open(cache_dir: &Path, shard: usize, now: i64) -> Stamps {
        let path = cache_dir
            .join(super::cache::DIR)
            .join(DIR)
            .join(format!("{shard:02x}.bin"));
        let known = std::fs::read(&path)
            .ok()
            .and_then(|bytes| postcard::from_bytes::<Stored>(&bytes).ok())
            .filter(|stored| stored.format == FORMAT)
            .map(|stored| {
                stored
                    .stamps
                    .into_iter()
                    .map(|(rel, stamp, hash)| (rel, (stamp, hash)))
                    .collect()
            })
            .unwrap_or_default();
        Stamps { path, known, now }
    }

    /// The hash of `rel`'s bytes when its stamp is the one kept for it.
    pub fn hash_of(&self, rel: &str, stamp: &Stamp) -> Option<ContentHash> {
        let (kept, hash) = self.known.get(rel)?;
        (kept == stamp).then_some(*hash)
    }

    /// Keeps this build's stamps of the shard's files (`seen`: each with its stamp and
    /// hash), those settled before it started, when they differ from the ones read.
    /// Best effort: a build that cannot write them reads those sources next time.
    pub fn save(&self, mut seen: Vec<(String, Stamp, ContentHash)>) {
        seen.retain(|(_, stamp, _)| stamp.settled_before(self.now));
        let same = seen.len() == self.known.len()
            && seen
                .iter()
                .all(|(rel, stamp, hash)| self.known.get(rel) == Some(&(*stamp, *hash)));
        if same {
            return;
        }
        if seen.is_empty() {
            let _ = std::fs::remove_file(&self.path);
            return;
        }
        seen.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let stored = Stored {
            format: FORMAT,
            stamps: seen,
        };
        if let Ok(bytes) = postcard::to_stdvec(&stored)
            && let Some(dir) = self.path.parent()
            && std::fs::create_dir_all(dir).is_ok()
        {
            super::cache::write_atomically(&self.path, &bytes);
        }
    }
}

/// Now, in nanoseconds since 1970, as [`Stamps::open`] takes it.
pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .ok()
        .and_then(|d| i64::try_from(d.as_nanos()).ok())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stamp(changed: i64) -> Stamp {
        Stamp {
            len: 10,
            modified: changed,
            changed,
            inode: 7,
            device: 1,
        }
    }

    fn opened(dir: &Path) -> Stamps {
        Stamps::open(dir, 3, now())
    }

    #[test]
    fn a_settled_stamp_is_kept_and_known_only_while_every_field_is_the_same() {
        let dir = tempfile::tempdir().expect("temp dir");
        let first = opened(dir.path());
        let old = first.now - 10 * SETTLE;
        first.save(vec![("content/a.md".into(), stamp(old), [1; 16])]);

        let next = opened(dir.path());
        assert_eq!(next.hash_of("content/a.md", &stamp(old)), Some([1; 16]));
        assert_eq!(next.hash_of("content/b.md", &stamp(old)), None);
        let edited = [
            Stamp {
                changed: old + 1,
                ..stamp(old)
            },
            Stamp {
                len: 11,
                ..stamp(old)
            },
            Stamp {
                inode: 8,
                ..stamp(old)
            },
            Stamp {
                modified: old - 1,
                ..stamp(old)
            },
        ];
        for stamp in edited {
            assert_eq!(next.hash_of("content/a.md", &stamp), None, "{stamp:?}");
        }
    }

    #[test]
    fn a_stamp_taken_as_the_file_changed_is_not_kept() {
        let dir = tempfile::tempdir().expect("temp dir");
        let first = opened(dir.path());
        let settled = first.now - 10 * SETTLE;
        let fresh = first.now - SETTLE / 2;
        first.save(vec![
            ("content/old.md".into(), stamp(settled), [1; 16]),
            ("content/new.md".into(), stamp(fresh), [2; 16]),
        ]);
        let next = opened(dir.path());
        assert_eq!(
            next.hash_of("content/old.md", &stamp(settled)),
            Some([1; 16])
        );
        assert_eq!(next.hash_of("content/new.md", &stamp(fresh)), None);
    }

    #[test]
    fn stamps_of_another_format_or_garbled_are_none() {
        let dir = tempfile::tempdir().expect("temp dir");
        let stamps = opened(dir.path());
        stamps.save(vec![("content/a.md".into(), stamp(0), [1; 16])]);
        assert_eq!(opened(dir.path()).known.len(), 1);
        std::fs::write(&stamps.path, b"not postcard at all").expect("write");
        assert!(opened(dir.path()).known.is_empty());
        let older = Stored {
            format: FORMAT - 1,
            stamps: vec![("content/a.md".into(), stamp(0), [1; 16])],
        };
        let bytes = postcard::to_stdvec(&older).expect("encode");
        std::fs::write(&stamps.path, bytes).expect("write");
        assert!(opened(dir.path()).known.is_empty());
    }

    #[test]
    fn a_stamp_reads_back_from_its_text() {
        let stamp = stamp(1_700_000_000_123_456_789);
        assert_eq!(stamp.to_string().parse::<Stamp>(), Ok(stamp));
        assert!("10\t1\t2\t7".parse::<Stamp>().is_err(), "a field short");
        assert!(
            "10\t1\t2\t7\t1\t9".parse::<Stamp>().is_err(),
            "a field over"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_file_rewritten_with_its_size_and_modification_time_gets_another_stamp() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("a.md");
        std::fs::write(&path, "标题一").expect("write");
        let before = Stamp::of(&path).expect("stamp");
        let modified = std::fs::metadata(&path)
            .and_then(|m| m.modified())
            .expect("mtime");
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(&path, "标题二").expect("rewrite");
        let file = std::fs::File::options()
            .write(true)
            .open(&path)
            .expect("open");
        file.set_modified(modified).expect("put the time back");
        let after = Stamp::of(&path).expect("stamp");
        assert_eq!((after.len, after.modified), (before.len, before.modified));
        assert_ne!(after, before, "the change time moved");
    }
}
