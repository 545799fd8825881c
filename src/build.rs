//! `sitegen build`: the whole site, rendered by the driver ([`crate::site`]) into the
//! output folder, which is swapped in only when everything succeeded.

use std::path::PathBuf;
use std::time::Duration;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::output::Output;
use crate::render::Renderer;
use crate::site::{self, Stopwatch};

/// What `sitegen build` was asked to do.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub site: site::Options,
    /// Defaults to `public/` under the root.
    pub output: Option<PathBuf>,
    /// Replace an output folder sitegen did not create.
    pub force: bool,
    /// Minify HTML, CSS and JS (see [`crate::minify`]).
    pub minify: bool,
}

/// What a successful build did.
#[derive(Debug)]
pub struct BuildSummary {
    pub pages: usize,
    pub articles: usize,
    pub static_files: usize,
    pub elapsed: Duration,
    pub output: PathBuf,
    /// Time spent in each stage, for `--timings`.
    pub stages: Stopwatch,
    pub warnings: Diagnostics,
}

/// Builds the site into its output folder, replacing it only on success.
pub fn build(options: &BuildOptions) -> Result<BuildSummary, Diagnostics> {
    let mut watch = Stopwatch::default();
    let root = &options.site.root;
    let loaded = site::load(&options.site)?;
    let site = &loaded.site;
    watch.lap("load + model");
    let renderer = Renderer::new(root).map_err(Diagnostics::sorted)?;
    let target = options
        .output
        .clone()
        .unwrap_or_else(|| root.join("public"));
    let output = Output::prepare(root, &target, options.force)?;
    watch.lap("templates + output folder");
    let write = |file: &str, bytes: &[u8]| -> Result<(), Diagnostic> {
        if options.minify {
            output.write(file, &crate::minify::file(file, bytes))
        } else {
            output.write(file, bytes)
        }
    };
    let progress = &options.site.progress;
    let pages = site::render(site, &renderer, &write, progress).map_err(|mut errors| {
        errors.extend(loaded.warnings.0.iter().cloned());
        Diagnostics::sorted(errors.0)
    })?;
    let copying = progress.step("copying static files");
    let static_files = output.copy_static(&site.statics.files)?;
    if options.minify {
        // The plain-named copies of stylesheets and scripts `static/` put in (the hashed ones
        // pages link went through the sink above).
        for (file, bytes) in crate::minify::plain_assets(&site.statics.assets) {
            output.write(&file, &bytes)?;
        }
    }
    drop(copying);
    watch.lap("render + write");
    output.commit()?;
    watch.lap("swap in");
    Ok(BuildSummary {
        pages,
        articles: site.articles.len(),
        static_files,
        elapsed: watch.elapsed(),
        output: target,
        stages: watch,
        warnings: loaded.warnings,
    })
}
