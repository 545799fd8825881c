//! The shortcode template set: the theme's `templates/shortcodes/NAME.html` overlaid with
//! the site's own, compiled once per build and shared by every article.

use std::collections::BTreeMap;
use std::path::Path;

use tera::{Context, Kwargs, State, Tera};

use crate::theme;

/// Every shortcode template of a build. A template that does not parse (a Zola site's
/// Tera 1 template that Tera 2 refuses) is kept as a reason, so each call of it becomes a
/// warning at the call and the call is shown as text.
pub struct Shortcodes {
    tera: Tera,
    /// Name → file it came from (`templates/shortcodes/x.html`, `<built-in>/…`).
    origins: BTreeMap<String, String>,
    /// Name → why its template did not load.
    broken: BTreeMap<String, String>,
    /// Name → template text, to tell whether a reload changed anything.
    texts: BTreeMap<String, String>,
}

impl std::fmt::Debug for Shortcodes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shortcodes")
            .field("origins", &self.origins)
            .field("broken", &self.broken)
            .finish()
    }
}

/// Two sets are equal when their templates are: `serve` re-reads articles only then.
impl PartialEq for Shortcodes {
    fn eq(&self, other: &Self) -> bool {
        self.texts == other.texts && self.origins == other.origins
    }
}

impl Default for Shortcodes {
    /// The theme's built-in shortcodes only.
    fn default() -> Self {
        Shortcodes::from_sources(theme::shortcode_templates(None).0)
    }
}

impl Shortcodes {
    /// A hash of every shortcode template's name, origin and text.
    pub fn fingerprint(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::hash::DefaultHasher::new();
        (&self.texts, &self.origins, &self.broken).hash(&mut h);
        h.finish()
    }

    /// The theme's shortcodes overlaid with `root/templates/shortcodes/`. A file that cannot
    /// be read is left out here; the page templates' loader reports it.
    pub fn load(root: &Path) -> Self {
        Shortcodes::from_sources(theme::shortcode_templates(Some(root)).0)
    }

    fn from_sources(sources: BTreeMap<String, theme::TemplateSource>) -> Self {
        let mut tera = new_tera();
        let mut broken = BTreeMap::new();
        let mut good = Vec::new();
        // Each template parsed alone: a syntax error is its own, whatever the others hold.
        for (name, source) in &sources {
            let file = file_name(name);
            match new_tera().add_raw_template(&file, &source.text) {
                Err(e) if matches!(e.kind(), tera::ErrorKind::SyntaxError(_)) => {
                    broken.insert(name.clone(), error_text(&e));
                }
                _ => good.push((name.clone(), file, source.text.as_str())),
            }
        }
        let all = good.iter().map(|(_, file, text)| (file.as_str(), *text));
        if tera.add_raw_templates(all).is_err() {
            tera = load_what_loads(good, &mut broken);
        }
        Shortcodes {
            tera,
            origins: sources
                .iter()
                .map(|(n, s)| (n.clone(), s.origin.clone()))
                .collect(),
            texts: sources.into_iter().map(|(n, s)| (n, s.text)).collect(),
            broken,
        }
    }

    /// Whether a template named `name` exists (loaded or not).
    pub fn has(&self, name: &str) -> bool {
        self.origins.contains_key(name)
    }

    /// The file a shortcode's template comes from.
    pub fn origin(&self, name: &str) -> &str {
        self.origins.get(name).map_or("", String::as_str)
    }

    /// Renders shortcode `name` with `context`; the error says what went wrong, naming
    /// the template file.
    pub fn render(&self, name: &str, context: &Context) -> Result<String, String> {
        if let Some(why) = self.broken.get(name) {
            return Err(format!(
                "its template {} does not load: {why}",
                self.origin(name)
            ));
        }
        self.tera.render(&file_name(name), context).map_err(|e| {
            format!(
                "its template {} failed: {}",
                self.origin(name),
                error_text(&e)
            )
        })
    }
}

/// Templates that parse but not all together (one includes a missing one): added one at a
/// time, again and again while any more goes in (an include must be there before the
/// template that includes it); what never goes in is broken, with its last error.
fn load_what_loads(
    mut pending: Vec<(String, String, &str)>,
    broken: &mut BTreeMap<String, String>,
) -> Tera {
    let mut tera = new_tera();
    loop {
        let before = pending.len();
        let mut errors = Vec::new();
        pending.retain(
            |(name, file, text)| match tera.add_raw_template(file, text) {
                Ok(()) => false,
                Err(e) => {
                    errors.push((name.clone(), error_text(&e)));
                    true
                }
            },
        );
        if pending.is_empty() || pending.len() == before {
            broken.extend(errors);
            return tera;
        }
    }
}

fn new_tera() -> Tera {
    let mut tera = Tera::new();
    tera.register_filter("markdown", markdown_filter);
    tera
}

/// The name a shortcode's template is registered under: its path under `templates/`, so
/// that one shortcode can include another (`{% include "shortcodes/x.html" %}`, as Zola
/// sites do); the `.html` suffix turns on autoescaping, as for page templates.
fn file_name(name: &str) -> String {
    format!("{}{name}.html", crate::theme::SHORTCODES_DIR)
}

/// An error and its causes on one line.
fn error_text(e: &tera::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Zola's `markdown` filter (`{{ body | markdown | safe }}`): Markdown to HTML;
/// `inline=true` drops the paragraph around a single paragraph.
fn markdown_filter(value: &str, kwargs: Kwargs, _: &State) -> String {
    let inline = kwargs.get::<bool>("inline").ok().flatten().unwrap_or(false);
    let html = markdown_html(value);
    if inline {
        let trimmed = html.trim();
        if let Some(inner) = trimmed
            .strip_prefix("<p>")
            .and_then(|s| s.strip_suffix("</p>"))
            .filter(|s| !s.contains("<p>"))
        {
            return inner.to_string();
        }
    }
    html
}

/// Markdown to HTML with the options article bodies use.
pub fn markdown_html(text: &str) -> String {
    use pulldown_cmark::{Options, Parser, html};
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES;
    let mut out = String::with_capacity(text.len() * 3 / 2);
    html::push_html(&mut out, Parser::new_ext(text, options));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_site(files: &[(&str, &str)]) -> (tempfile::TempDir, Shortcodes) {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            let path = dir.path().join("templates/shortcodes").join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let set = Shortcodes::load(dir.path());
        (dir, set)
    }

    #[test]
    fn site_templates_override_and_add() {
        let (_dir, set) = with_site(&[
            ("youtube.html", "<b>{{ id }}</b>"),
            ("mine.html", "{{ body | markdown | safe }}"),
        ]);
        let mut ctx = Context::new();
        ctx.insert("id", "<x>");
        assert_eq!(set.render("youtube", &ctx).unwrap(), "<b>&lt;x&gt;</b>");
        assert_eq!(set.origin("youtube"), "templates/shortcodes/youtube.html");
        ctx.insert("body", "*强调*");
        assert_eq!(
            set.render("mine", &ctx).unwrap().trim(),
            "<p><em>强调</em></p>"
        );
        assert!(set.has("figure") && !set.has("nope"));
        assert_ne!(set, Shortcodes::default());
    }

    #[test]
    fn shortcodes_include_one_another() {
        let (_dir, set) = with_site(&[
            ("a.html", "{% include \"shortcodes/b.html\" %}!"),
            ("b.html", "B{{ n }}"),
            ("c.html", "{% include \"shortcodes/none.html\" %}"),
        ]);
        let mut ctx = Context::new();
        ctx.insert("n", &1);
        assert_eq!(set.render("a", &ctx).unwrap(), "B1!");
        assert!(set.render("c", &ctx).unwrap_err().contains("none.html"));
    }

    #[test]
    fn a_broken_template_names_its_file() {
        let (_dir, set) = with_site(&[("bad.html", "{% if %}")]);
        let err = set.render("bad", &Context::new()).unwrap_err();
        assert!(err.contains("templates/shortcodes/bad.html"), "{err}");
        // The others still work.
        let mut ctx = Context::new();
        ctx.insert("id", "x");
        assert!(set.render("vimeo", &ctx).is_ok() || set.has("vimeo"));
    }
}
