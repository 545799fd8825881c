//! Test seams, compiled in always and inert unless their environment variable is set, so
//! that end-to-end tests can stop or break the real binary at the one moment that matters.
//! Read in this one place.

use std::io;
use std::path::Path;
use std::time::{Duration, Instant};

/// `SITEGEN_TEST_PAUSE_AT=POINT` with `SITEGEN_TEST_PAUSE_FILE=FILE`: at `point` the build
/// creates FILE and waits (up to a minute) until it is deleted, so that a test can kill it
/// there or let it go on.
pub fn pause(point: &str) {
    if std::env::var("SITEGEN_TEST_PAUSE_AT").ok().as_deref() != Some(point) {
        return;
    }
    let Some(file) = std::env::var_os("SITEGEN_TEST_PAUSE_FILE") else {
        return;
    };
    let file = Path::new(&file);
    if std::fs::write(file, point).is_err() {
        return;
    }
    let started = Instant::now();
    while file.exists() && started.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// `SITEGEN_TEST_RENAME_FAILS=EBUSY` (or `EXDEV`): renaming the output folder fails as it
/// does when the folder is a mount point.
pub fn rename_fails() -> Option<io::Error> {
    match std::env::var("SITEGEN_TEST_RENAME_FAILS").ok()?.as_str() {
        "EBUSY" => Some(io::Error::new(
            io::ErrorKind::ResourceBusy,
            "Device or resource busy (simulated)",
        )),
        "EXDEV" => Some(io::Error::new(
            io::ErrorKind::CrossesDevices,
            "Invalid cross-device link (simulated)",
        )),
        _ => None,
    }
}

/// `SITEGEN_TEST_NO_EXCHANGE=1`: swap with two renames even where an atomic exchange
/// exists, to test recovery from a kill between them.
pub fn no_exchange() -> bool {
    std::env::var_os("SITEGEN_TEST_NO_EXCHANGE").is_some()
}
