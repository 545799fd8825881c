//! One build at a time per output folder: an OS lock on a file beside it, held from
//! prepare to commit. The OS releases it when the process dies, however it dies, so a
//! crashed build never blocks the next one. The file itself is never deleted (deleting a
//! lock file lets two processes lock two different files).

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::diagnostics::Diagnostic;

/// How long a second build waits for the first before giving up.
pub const WAIT: Duration = Duration::from_secs(600);

/// A held lock; dropping it (or exiting) releases it.
pub struct Lock {
    _file: File,
}

/// Takes the lock at `path`, waiting up to [`WAIT`] for another build to finish (saying
/// once on stderr that it waits), then failing with an error naming the other build.
pub fn acquire(path: &Path, target: &Path) -> Result<Lock, Diagnostic> {
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .map_err(|e| Diagnostic::new(path, format!("cannot open the build lock: {e}")))?;
    let started = Instant::now();
    let mut told = false;
    loop {
        match file.try_lock() {
            Ok(()) => break,
            Err(TryLockError::WouldBlock) => {
                let holder = holder(&mut file);
                if started.elapsed() >= wait() {
                    return Err(Diagnostic::new(
                        target,
                        format!(
                            "another sitegen build ({holder}) has been writing this output \
                             folder for over {} s",
                            wait().as_secs()
                        ),
                    )
                    .hint(format!(
                        "wait for it to finish or stop it; the lock ({}) is released when it \
                         exits",
                        path.display()
                    )));
                }
                if !told {
                    eprintln!(
                        "sitegen: waiting for another build ({holder}) writing {} to finish…",
                        target.display()
                    );
                    told = true;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            Err(TryLockError::Error(e)) => {
                return Err(Diagnostic::new(
                    path,
                    format!("cannot lock the output folder: {e}"),
                ));
            }
        }
    }
    // Say who holds it, for the message a waiting build prints.
    let _ = file.set_len(0);
    let _ = file.seek(SeekFrom::Start(0));
    let _ = write!(file, "pid {}", std::process::id());
    let _ = file.flush();
    Ok(Lock { _file: file })
}

/// The lock file of the output folder `target`: beside it, next to the staging folders.
pub fn path_for(parent: &Path, name: &str) -> PathBuf {
    parent.join(format!(".{name}.sitegen-lock"))
}

fn holder(file: &mut File) -> String {
    let mut text = String::new();
    let _ = file.seek(SeekFrom::Start(0));
    let _ = file.take(64).read_to_string(&mut text);
    let text = text.trim();
    if text.is_empty() {
        "pid unknown".into()
    } else {
        text.to_string()
    }
}

/// [`WAIT`], or `SITEGEN_LOCK_WAIT_SECS` (for tests of the timeout).
fn wait() -> Duration {
    std::env::var("SITEGEN_LOCK_WAIT_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .map_or(WAIT, Duration::from_secs)
}
