//! The built-in theme, compiled into the binary from the repo's own `templates/` and
//! `static/` folders, so that a folder with only `config.toml` and `content/` builds.
//!
//! A site's own `templates/NAME.html` replaces the built-in template of that name, and its
//! `static/` files are copied over the theme's. Only the theme's own asset folders are
//! embedded (`static/css`, `static/js`, `static/favicon.svg`): the demo site's images are
//! content, not theme.

use std::collections::BTreeMap;
use std::path::Path;

use include_dir::{Dir, include_dir};
use walkdir::WalkDir;

use crate::diagnostics::Diagnostic;

static TEMPLATES: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/templates");
static CSS: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/static/css");
static JS: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/static/js");
static FAVICON: &[u8] = include_bytes!("../static/favicon.svg");

/// The folder the theme's own templates are said to come from in [`TemplateSource::origin`].
pub const BUILT_IN: &str = "<built-in>";

/// One template's source, and where it came from (for error messages).
#[derive(Debug, Clone)]
pub struct TemplateSource {
    pub text: String,
    /// `templates/article.html` for a site's own file, `<built-in>/article.html` otherwise.
    pub origin: String,
}

/// The folder under `templates/` holding shortcode templates. They are not page templates:
/// they render inside article bodies (see `content::shortcodes`), and a site's may be
/// written for Zola's Tera 1, so a page build must not fail on them.
pub const SHORTCODES_DIR: &str = "shortcodes/";

/// Built-in page templates overlaid with the site's own, keyed by name
/// (`partials/item.html`); shortcode templates are left out (see [`shortcode_templates`]).
pub fn templates(root: &Path) -> Result<BTreeMap<String, TemplateSource>, Vec<Diagnostic>> {
    let (mut all, errors) = all_templates(Some(root));
    all.retain(|name, _| !name.starts_with(SHORTCODES_DIR));
    if errors.is_empty() {
        Ok(all)
    } else {
        Err(errors)
    }
}

/// Built-in shortcode templates overlaid with the site's own, keyed by shortcode name
/// (`youtube` for `templates/shortcodes/youtube.html`), and the files that could not be read.
/// Without a site root, the theme's only.
pub fn shortcode_templates(
    root: Option<&Path>,
) -> (BTreeMap<String, TemplateSource>, Vec<Diagnostic>) {
    let (all, errors) = all_templates(root);
    let shortcodes = all
        .into_iter()
        .filter_map(|(name, source)| {
            let name = name.strip_prefix(SHORTCODES_DIR)?.strip_suffix(".html")?;
            Some((name.to_string(), source))
        })
        .collect();
    (shortcodes, errors)
}

fn all_templates(root: Option<&Path>) -> (BTreeMap<String, TemplateSource>, Vec<Diagnostic>) {
    let mut all = BTreeMap::new();
    collect_embedded(&TEMPLATES, &mut all);
    let mut errors = Vec::new();
    let Some(dir) = root.map(|r| r.join("templates")) else {
        return (all, errors);
    };
    if dir.is_dir() {
        for entry in WalkDir::new(&dir).follow_links(true).sort_by_file_name() {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    errors.push(Diagnostic::new("templates", format!("cannot read: {e}")));
                    continue;
                }
            };
            if !entry.file_type().is_file() {
                continue;
            }
            let name = relative_name(&dir, entry.path());
            let origin = format!("templates/{name}");
            match std::fs::read_to_string(entry.path()) {
                Ok(text) => {
                    all.insert(name, TemplateSource { text, origin });
                }
                Err(e) => errors.push(Diagnostic::new(origin, format!("cannot read: {e}"))),
            }
        }
    }
    (all, errors)
}

fn collect_embedded(dir: &Dir<'_>, out: &mut BTreeMap<String, TemplateSource>) {
    for file in dir.files() {
        let name = file.path().to_string_lossy().replace('\\', "/");
        if let Some(text) = file.contents_utf8() {
            out.insert(
                name.clone(),
                TemplateSource {
                    text: text.to_string(),
                    origin: format!("{BUILT_IN}/{name}"),
                },
            );
        }
    }
    for sub in dir.dirs() {
        collect_embedded(sub, out);
    }
}

fn relative_name(base: &Path, path: &Path) -> String {
    path.strip_prefix(base)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// Whether the built-in theme has a template of this name (`list.html`, `partials/x.html`).
pub fn has_template(name: &str) -> bool {
    TEMPLATES.get_file(name).is_some()
}

/// The theme's static files as (path relative to the output root, bytes).
pub fn static_files() -> Vec<(String, &'static [u8])> {
    let mut files = vec![("favicon.svg".to_string(), FAVICON)];
    collect_static("css", &CSS, &mut files);
    collect_static("js", &JS, &mut files);
    files
}

fn collect_static(
    prefix: &str,
    dir: &'static Dir<'static>,
    out: &mut Vec<(String, &'static [u8])>,
) {
    for file in dir.files() {
        let rel = file.path().to_string_lossy().replace('\\', "/");
        out.push((format!("{prefix}/{rel}"), file.contents()));
    }
    for sub in dir.dirs() {
        collect_static(prefix, sub, out);
    }
}
