//! `sitegen build --minify`: smaller HTML, CSS and JS, still valid.
//!
//! The work is done by [minify-html](https://github.com/wilsonzlin/minify-html), a maintained
//! minifier that also minifies inline `<style>`/`<script>` (with lightningcss and oxc). It is
//! configured for output that stays spec-valid and friendly to other tools rather than for the
//! last byte: closing tags, `<html>`/`<head>` and `<!doctype html>` are kept, no
//! "noncompliant" tricks are enabled, and `type="text"` stays on inputs so CSS selectors such as
//! `input[type=text]` keep matching. Attribute values whose quotes are not needed (`class=a`)
//! do lose them: that is valid HTML, and minify-html has no switch to keep them.
//!
//! Only HTML, CSS and JS are touched. Feeds and sitemaps are XML, which an HTML minifier would
//! corrupt (self-closing tags, CDATA), and the search index is JSON already without spaces.
//!
//! Stand-alone CSS and JS files are minified by wrapping them in `<style>`/`<script>`, which
//! runs exactly the code minify-html uses for inline ones; a file that cannot be wrapped safely
//! (not UTF-8, or containing its own closing tag) or that the minifier does not make smaller is
//! written as it is. A minifier bug must not fail a build or lose a file, so a panic inside it
//! falls back to the original bytes too.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::assets::Assets;

/// What to do with a file, decided by its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Html,
    Css,
    /// `module` for `.mjs`, which may use `import`/`export`.
    Js {
        module: bool,
    },
    Other,
}

fn kind_of(rel: &str) -> Kind {
    let ext = rel
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => Kind::Html,
        "css" => Kind::Css,
        "js" => Kind::Js { module: false },
        "mjs" => Kind::Js { module: true },
        _ => Kind::Other,
    }
}

/// Minifies one output file (path relative to the output root) if it is HTML, CSS or JS;
/// anything else, and anything the minifier cannot improve, comes back unchanged.
pub fn file<'a>(rel: &str, bytes: &'a [u8]) -> Cow<'a, [u8]> {
    let minified = match kind_of(rel) {
        Kind::Html => Some(html(bytes)),
        Kind::Css => css(bytes),
        Kind::Js { module } => js(bytes, module),
        Kind::Other => None,
    };
    match minified {
        Some(small) if small.len() < bytes.len() => Cow::Owned(small),
        _ => Cow::Borrowed(bytes),
    }
}

/// The settings: valid, conservative output (see the module comment).
fn config() -> minify_html::Cfg {
    minify_html::Cfg {
        keep_closing_tags: true,
        keep_html_and_head_opening_tags: true,
        keep_input_type_text_attr: true,
        minify_css: true,
        minify_js: true,
        ..minify_html::Cfg::default()
    }
}

/// Runs minify-html, or gives None if it panics.
fn run(bytes: &[u8]) -> Option<Vec<u8>> {
    let cfg = config();
    catch_unwind(AssertUnwindSafe(|| minify_html::minify(bytes, &cfg))).ok()
}

/// Minifies an HTML page, its inline CSS and JS included; the page itself on failure.
pub fn html(bytes: &[u8]) -> Vec<u8> {
    // minify-html reads `<style>` contents as UTF-8 and panics otherwise; pages sitegen
    // renders are always UTF-8, but a site's own static `.html` file need not be.
    if std::str::from_utf8(bytes).is_err() {
        return bytes.to_vec();
    }
    run(bytes).unwrap_or_else(|| bytes.to_vec())
}

/// Minifies a stylesheet; None when it is left as it is.
pub fn css(bytes: &[u8]) -> Option<Vec<u8>> {
    wrapped(bytes, "<style>", "</style>")
}

/// Minifies a script (an ES module when `module`); None when it is left as it is.
///
/// Top-level names are not mangled: other scripts and inline handlers may use them.
pub fn js(bytes: &[u8], module: bool) -> Option<Vec<u8>> {
    let open = if module {
        "<script type=module>"
    } else {
        "<script>"
    };
    wrapped(bytes, open, "</script>")
}

/// Minifies `bytes` as the body of the element `open … close` and returns the new body.
fn wrapped(bytes: &[u8], open: &str, close: &str) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(bytes).ok()?;
    // The closing tag inside the file would end the element early and lose the rest.
    if text
        .to_ascii_lowercase()
        .contains(&close[..close.len() - 1])
    {
        return None;
    }
    let mut doc = String::with_capacity(open.len() + text.len() + close.len());
    doc.push_str(open);
    doc.push_str(text);
    doc.push_str(close);
    let out = run(doc.as_bytes())?;
    // minify-html may rewrite the opening tag (`type=module` stays, but be sure): find the
    // body between the first `>` and the closing tag, and refuse anything unexpected.
    let out = std::str::from_utf8(&out).ok()?;
    let tag = &open[..open.find([' ', '>'])?];
    let after_open = out.strip_prefix(tag)?;
    let body = &after_open[after_open.find('>')? + 1..];
    let body = body.strip_suffix(close)?;
    Some(body.as_bytes().to_vec())
}

/// The site's and the theme's stylesheets and scripts under their plain names
/// (`css/style.css`), minified, for writing over the copies `static/` put in the output.
///
/// The content-hashed copies that pages link pass through the build's sink like pages do;
/// these plain copies are kept for anything that links a file by its usual name.
pub fn plain_assets(assets: &Assets) -> Vec<(String, Vec<u8>)> {
    let by_hashed: BTreeMap<&str, &[u8]> = assets.files().collect();
    assets
        .names()
        .into_iter()
        .filter_map(|(plain, hashed)| {
            let bytes = by_hashed.get(hashed)?;
            match file(plain, bytes) {
                Cow::Owned(small) => Some((plain.to_string(), small)),
                Cow::Borrowed(_) => None,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n  <meta charset=\"utf-8\">\n  \
        <title>标题</title>\n  <style>\n    body { color : red ; }\n  </style>\n</head>\n<body>\n  \
        <p class=\"lead\">  你好，  世界  </p>\n  <ul>\n    <li><a href=\"/a b/\">甲</a></li>\n  </ul>\n  \
        <input type=\"text\" name=\"q\">\n  <script>\n    var answer = 40 + 2;\n  </script>\n</body>\n</html>\n";

    fn text(bytes: &[u8]) -> &str {
        std::str::from_utf8(bytes).unwrap()
    }

    #[test]
    fn html_stays_valid_and_shrinks() {
        let out = file("index.html", PAGE.as_bytes());
        let out = text(&out);
        assert!(out.len() < PAGE.len(), "{out}");
        assert!(
            out.starts_with("<!doctype html><html lang=zh-CN><head>"),
            "{out}"
        );
        assert!(out.contains("</li></ul>"), "closing tags kept: {out}");
        assert!(out.contains("</body></html>"), "{out}");
        assert!(out.contains("type=text"), "{out}");
        assert!(
            out.contains("href=\"/a b/\""),
            "quotes kept where needed: {out}"
        );
        assert!(
            out.contains("<style>body{color:red}</style>"),
            "inline CSS: {out}"
        );
        assert!(!out.contains("40 + 2"), "inline JS: {out}");
        assert!(out.contains("你好， 世界"), "{out}");
    }

    #[test]
    fn css_and_js_files() {
        let css = file("css/a.css", b"/* note */\nbody {\n  margin : 0px ;\n}\n");
        assert_eq!(text(&css), "body{margin:0}");
        let js = file(
            "js/a.js",
            b"// note\nfunction greet(name) {\n  const message = 'hi ' + name;\n  return message;\n}\n",
        );
        let js = text(&js);
        assert!(js.contains("function greet("), "top-level name kept: {js}");
        assert!(!js.contains("message") && !js.contains("\n  "), "{js}");
        let module = file("js/m.mjs", b"export const value = 1 + 1;\n");
        assert!(text(&module).contains("export"), "{}", text(&module));
    }

    #[test]
    fn leaves_other_files_and_unsafe_input_alone() {
        let feed = b"<?xml version=\"1.0\"?>\n<rss>\n  <channel/>\n</rss>\n";
        assert!(matches!(file("feed.xml", feed), Cow::Borrowed(_)));
        assert!(matches!(file("search.json", b"{ }"), Cow::Borrowed(_)));
        let sneaky = b"a::after { content: \"</style>\"; }\n";
        assert!(matches!(file("x.css", sneaky), Cow::Borrowed(_)));
        let latin1 = b"p { content: \"\xe9\"; }\n";
        assert!(matches!(file("x.css", latin1), Cow::Borrowed(_)));
        // A script that does not parse is only trimmed.
        assert_eq!(&*file("x.js", b"function ( {\n"), b"function ( {");
        let not_utf8 = b"<p>\xff</p>";
        assert_eq!(&*file("x.html", not_utf8), not_utf8);
    }
}
