//! Starting sites and articles: `sitegen init` and `sitegen new`.
//!
//! Both only ever create files. `init` writes a site that builds at once, so the first thing a
//! newcomer sees is a working portal rather than an error about a missing template; `new`
//! writes a draft with its front matter filled in, so nobody types a date with an offset by
//! hand. Neither deletes or silently replaces a writer's file: `init` refuses a folder that
//! holds something unless told `--force` (and then only writes its own files over), and
//! `new` refuses an existing file outright.

mod init;
mod new;

pub use init::{Ci, InitOptions, InitSummary, ci_file, init, next_steps};
pub use new::{NewOptions, front_matter, new_article, toml_string};

use std::path::Path;

/// How a path is shown to the user: without the `./` that joining onto `.` adds.
pub(crate) fn shown(path: &Path) -> String {
    let shown = path.strip_prefix(".").unwrap_or(path);
    shown.display().to_string()
}
