//! Which sitegen this is, and whether a site accepts it.
//!
//! A newsroom pins the sitegen it builds with (`sitegen_version = ">=0.2"` in `config.toml`)
//! so that a laptop or CI runner with an older binary stops with an error that says to
//! upgrade, instead of failing on a config key or template feature it has never heard of.
//! The pin is read before anything else in the config for that reason.

use serde::Deserialize;

use crate::config::CONFIG_FILE;
use crate::diagnostics::Diagnostic;

/// This binary's version, as Cargo.toml gives it.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The commit it was built from (see build.rs), "unknown" when that was not known.
pub const COMMIT: &str = env!("SITEGEN_COMMIT");

/// What `sitegen --version` prints after the name: `0.2.0 (commit 3f2a9c51d0)`.
pub const LONG: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("SITEGEN_COMMIT"),
    ")"
);

/// Where releases are downloaded from (Cargo.toml's `repository`).
pub const REPOSITORY: &str = env!("CARGO_PKG_REPOSITORY");

/// The config key that pins the versions a site builds with.
pub const PIN_KEY: &str = "sitegen_version";

/// Only the pin: every other key is left to the full parse, which may reject keys a newer
/// sitegen added, so the pin's error must come first.
#[derive(Deserialize)]
struct Pin {
    sitegen_version: Option<toml::Spanned<String>>,
}

/// Fails when `config.toml` (its text) pins versions this binary is not among.
pub fn check_site_pin(text: &str) -> Result<(), Diagnostic> {
    // A config that does not parse is reported by the full parse, with its position.
    let Ok(Pin {
        sitegen_version: Some(pin),
    }) = toml::from_str::<Pin>(text)
    else {
        return Ok(());
    };
    let (line, col) = crate::text::line_col(text, pin.span().start);
    let at = |message: String| Diagnostic::new(CONFIG_FILE, message).at(line, col);
    let wanted = pin.get_ref().trim();
    let requirement = semver::VersionReq::parse(wanted).map_err(|e| {
        at(format!(
            "`{PIN_KEY} = \"{wanted}\"` is not a version requirement: {e}"
        ))
        .hint(
            "write it as sitegen_version = \">=0.2\" (Cargo's syntax: >=, <, ^, ~, comma for and)",
        )
    })?;
    let this = semver::Version::parse(VERSION)
        .map_err(|e| at(format!("sitegen's own version `{VERSION}`: {e}")))?;
    if requirement.matches(&this) {
        return Ok(());
    }
    Err(at(format!(
        "this site needs sitegen {wanted}, but this is sitegen {VERSION}"
    ))
    .hint(format!(
        "install a sitegen that matches: {REPOSITORY}/releases (or `cargo install sitegen-zh`); \
         in CI, change SITEGEN_VERSION in the workflow"
    )))
}

/// A hash of the running program itself: pages and parses made by another build of
/// sitegen (another version, or the same version with a change) are not reused.
///
/// The program is known by the build id its linker wrote into it ([`linker_id`]), a hash
/// of the linked file; an executable without one is hashed whole, which every build
/// waited ~30 ms for at its start.
pub fn build_id() -> u64 {
    use std::hash::{Hash, Hasher};
    static ID: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    *ID.get_or_init(|| {
        let mut h = std::hash::DefaultHasher::new();
        LONG.hash(&mut h);
        let identity = std::env::current_exe()
            .and_then(std::fs::File::open)
            .and_then(identity);
        match identity {
            Ok(id) => id.hash(&mut h),
            // Unreadable: a value no other run has, so nothing is reused.
            Err(_) => std::time::SystemTime::now().hash(&mut h),
        }
        h.finish()
    })
}

/// What tells `executable` apart from other builds: its linker's build id, else a hash of
/// all its bytes.
fn identity(mut executable: std::fs::File) -> std::io::Result<Vec<u8>> {
    use std::io::Seek;
    if let Some(id) = linker_id(&executable) {
        return Ok(id);
    }
    // Looking for the id moved the file's position: the hash starts at the first byte.
    executable.rewind()?;
    // Read through a small buffer: the executable is tens of megabytes, which read whole
    // into memory cost as much again in page faults as the hashing.
    let hash = blake3::Hasher::new().update_reader(&executable)?.finalize();
    Ok(hash.as_bytes().to_vec())
}

/// The build id the linker recorded in `executable`: ELF's GNU build id (a hash of the
/// linked file, 8-20 bytes, with GNU ld, lld and mold) or Mach-O's LC_UUID (a hash of the
/// file, with Apple's linker and lld). None without one, or with one under 8 bytes or all
/// zeros (set by hand, not a hash), so the caller hashes the file itself.
fn linker_id(executable: &std::fs::File) -> Option<Vec<u8>> {
    use object::Object;
    let data = object::ReadCache::new(executable);
    let file = object::File::parse(&data).ok()?;
    let id = match file.build_id() {
        Ok(Some(id)) => id.to_vec(),
        _ => file.mach_uuid().ok()??.to_vec(),
    };
    (id.len() >= 8 && id.iter().any(|&b| b != 0)).then_some(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(pin: &str) -> String {
        format!("title = \"T\"\nbase_url = \"https://a.com/\"\nsitegen_version = \"{pin}\"\n")
    }

    #[test]
    fn a_pin_this_version_meets_passes() {
        let major_minor: String = VERSION.split('.').take(2).collect::<Vec<_>>().join(".");
        for pin in [
            format!(">={major_minor}"),
            format!("={VERSION}"),
            "*".into(),
        ] {
            check_site_pin(&site(&pin)).unwrap();
        }
        check_site_pin("title = \"T\"\n").unwrap();
    }

    #[test]
    fn a_newer_pin_names_the_line_and_how_to_upgrade() {
        let e = check_site_pin(&site(">=99.1")).unwrap_err().to_string();
        assert!(
            e.starts_with(
                "config.toml:3:19: error: this site needs sitegen >=99.1, but this is sitegen"
            ),
            "{e}"
        );
        assert!(e.contains(VERSION) && e.contains("/releases"), "{e}");
    }

    #[test]
    fn an_older_only_pin_is_refused_too() {
        let e = check_site_pin(&site("<0.1")).unwrap_err().to_string();
        assert!(e.contains("needs sitegen <0.1"), "{e}");
    }

    #[test]
    fn a_requirement_that_does_not_parse_says_how_to_write_one() {
        let e = check_site_pin(&site("newest")).unwrap_err().to_string();
        assert!(e.contains("is not a version requirement"), "{e}");
        assert!(
            e.contains("sitegen_version = \\\">=0.2\\\"") || e.contains(">=0.2"),
            "{e}"
        );
    }

    #[test]
    fn long_version_names_the_commit() {
        assert!(
            LONG.starts_with(VERSION) && LONG.contains("(commit "),
            "{LONG}"
        );
        assert!(!COMMIT.is_empty());
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn the_program_is_known_by_the_build_id_its_linker_wrote() {
        let exe = std::env::current_exe().unwrap();
        let id = linker_id(&std::fs::File::open(&exe).unwrap())
            .expect("linked with a build id (Debian's gcc passes --build-id to ld)");
        let hex: String = id.iter().map(|b| format!("{b:02x}")).collect();
        // binutils' own reading of the note, where it is installed (it is beside gcc).
        if let Ok(out) = std::process::Command::new("readelf")
            .arg("-n")
            .arg(&exe)
            .output()
        {
            let notes = String::from_utf8_lossy(&out.stdout);
            assert!(
                notes.contains(&format!("Build ID: {hex}")),
                "{hex}\n{notes}"
            );
        }
        assert_eq!(build_id(), build_id());
    }

    #[test]
    fn a_file_without_a_build_id_is_known_by_the_hash_of_all_its_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("not-a-program");
        let bytes = "#!/bin/sh\necho 你好\n".repeat(100);
        std::fs::write(&path, &bytes).unwrap();
        assert_eq!(linker_id(&std::fs::File::open(&path).unwrap()), None);
        // From the first byte, though looking for an id read some of the file already.
        assert_eq!(
            identity(std::fs::File::open(&path).unwrap()).unwrap(),
            blake3::hash(bytes.as_bytes()).as_bytes().to_vec()
        );
    }
}
