//! The site's URLs. [`Urls`] builds every href and absolute URL that pages, feeds,
//! sitemaps and the search index print, so a base path (`/portal/`) is never forgotten and
//! Chinese paths are percent-encoded one way ([`crate::slug::encode_path`]).
//! [`is_absolute`] decides which references are left alone.

use std::collections::HashSet;
use std::sync::Arc;

use crate::config::SiteConfig;
use crate::slug::push_encoded_path;

/// Extensions of files no edition converts: pictures, stylesheets, scripts, fonts, media.
const ASSET_EXTENSIONS: [&str; 22] = [
    "css", "js", "mjs", "map", "png", "jpg", "jpeg", "gif", "webp", "avif", "svg", "ico", "bmp",
    "woff", "woff2", "ttf", "otf", "mp4", "webm", "mp3", "pdf", "zip",
];

/// Whether `rel` (a path under the site root, maybe with `?query` or `#fragment`) is a
/// file both editions share: one listed in `files`, or one with an asset's extension.
pub fn is_shared_file(rel: &str, files: &HashSet<String>) -> bool {
    let path = rel.split(['?', '#']).next().unwrap_or(rel);
    if files.contains(path) {
        return true;
    }
    let name = path.rsplit('/').next().unwrap_or(path);
    name.rsplit_once('.').is_some_and(|(_, ext)| {
        ASSET_EXTENSIONS
            .iter()
            .any(|known| known.eq_ignore_ascii_case(ext))
    })
}

/// Whether `reference` points off the site rather than into it: it names a scheme
/// (`https:`, `mailto:`, `tel:`, `data:`, `javascript:`) or a host (`//cdn.example.com/…`).
/// Everything else is a path, resolved against the page or the site root.
///
/// Only the scheme's syntax is checked (RFC 3986 §3.1), not the rest of the URL:
/// `url::Url::parse` would reject a malformed absolute URL, which would then pass for a
/// path under the site, and it allocates for each of the thousands of links checked.
pub fn is_absolute(reference: &str) -> bool {
    reference.starts_with("//") || has_scheme(reference)
}

/// `scheme ":"` where a scheme is a letter followed by letters, digits, `+`, `-` or `.`.
fn has_scheme(reference: &str) -> bool {
    let Some((scheme, _)) = reference.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// Hrefs for the site, from the config's root path (`/portal/`) and origin
/// (`https://host`).
#[derive(Debug, Clone)]
pub struct Urls {
    root_path: String,
    origin: String,
    /// For the Traditional edition under the site's own host: the Simplified edition's
    /// root and the files both editions load from it.
    shared: Option<(String, Arc<HashSet<String>>)>,
}

impl Urls {
    pub fn new(config: &SiteConfig) -> Self {
        let shared = config.editions.as_ref().and_then(|e| {
            let files = e.shared_files.clone()?;
            Some((e.hans.root_path.clone(), files))
        });
        Urls {
            root_path: config.root_path.clone(),
            origin: config.origin.clone(),
            shared,
        }
    }

    /// Href of a path relative to the site root (`tags/马斯克/`), percent-encoded. In the
    /// Traditional edition a static file, picture or stylesheet is the Simplified
    /// edition's: one copy serves both.
    pub fn href(&self, rel: &str) -> String {
        let mut href = String::with_capacity(self.root_path.len() + rel.len() + 8);
        self.push_href(&mut href, rel);
        href
    }

    /// Absolute URL of a path relative to the site root.
    pub fn absolute(&self, rel: &str) -> String {
        let mut url = String::with_capacity(self.origin.len() + rel.len() + 16);
        url.push_str(&self.origin);
        self.push_href(&mut url, rel);
        url
    }

    /// [`Urls::href`] appended to `out`. The root and the path are encoded one after the
    /// other: encoding works byte by byte, so that is the encoding of the two joined.
    fn push_href(&self, out: &mut String, rel: &str) {
        let rel = rel.trim_start_matches('/');
        let root = match &self.shared {
            Some((root, files)) if is_shared_file(rel, files) => root,
            _ => &self.root_path,
        };
        push_encoded_path(out, root);
        push_encoded_path(out, rel);
    }

    /// Resolves a front-matter asset reference such as `cover`: absolute URLs stay, paths
    /// are taken from the site root.
    pub fn asset(&self, reference: &str) -> String {
        if is_absolute(reference) {
            reference.to_string()
        } else {
            self.href(reference)
        }
    }

    /// The scheme and host the site is served from (`https://host`), without its path.
    pub fn origin(&self) -> &str {
        &self.origin
    }
}

/// Makes the host-relative links of an HTML fragment (`href="/portal/x/"`,
/// `src="/img.png"`) absolute under `origin` (`https://host`), for HTML read away from the
/// site (a feed), where a reader has no page URL to resolve them against. Relative links
/// (`../x/`) are left to the reader, which resolves them against the item's link.
/// Protocol-relative `//cdn/…` links are not host-relative and stay.
pub fn absolutize(html: &str, origin: &str) -> String {
    map_link_urls(html, |url| {
        if url.starts_with('/') && !url.starts_with("//") {
            format!("{origin}{url}")
        } else {
            url.to_string()
        }
    })
}

/// `html` with the URL of every `href`, `src` and `srcset` attribute (each `srcset`
/// candidate, its `480w` kept) replaced by `map(url)`: the one scan behind [`absolutize`]
/// and the JSON API's bodies. Only whole attribute names count: `data-href` is not a link.
pub fn map_link_urls(html: &str, mut map: impl FnMut(&str) -> String) -> String {
    let mut out = String::with_capacity(html.len() + html.len() / 8);
    let mut rest = html;
    loop {
        let next = ["href=\"", "src=\"", "srcset=\""]
            .iter()
            .filter_map(|attr| {
                let mut from = 0;
                // The first occurrence that is a whole attribute name.
                while let Some(i) = rest[from..].find(attr).map(|i| i + from) {
                    if i == 0 || rest[..i].ends_with(|c: char| c.is_ascii_whitespace()) {
                        return Some((i, attr.len()));
                    }
                    from = i + attr.len();
                }
                None
            })
            .min();
        let Some((i, len)) = next else {
            out.push_str(rest);
            return out;
        };
        let (head, tail) = rest.split_at(i + len);
        out.push_str(head);
        let end = tail.find('"').unwrap_or(tail.len());
        let value = &tail[..end];
        if head.ends_with("srcset=\"") {
            for (n, candidate) in value.split(", ").enumerate() {
                if n > 0 {
                    out.push_str(", ");
                }
                let (url, descriptor) = candidate.split_once(' ').unwrap_or((candidate, ""));
                out.push_str(&map(url));
                if !descriptor.is_empty() {
                    out.push(' ');
                    out.push_str(descriptor);
                }
            }
        } else {
            out.push_str(&map(value));
        }
        rest = &tail[end..];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn urls(base_url: &str) -> Urls {
        let config = format!("title = \"t\"\nbase_url = \"{base_url}\"\n");
        Urls::new(&SiteConfig::parse(&config, None).expect("config"))
    }

    #[test]
    fn references_with_a_scheme_or_host_are_absolute() {
        for yes in [
            "https://a.com/x",
            "HTTP://A.COM",
            "//cdn.example.com/a.js",
            "mailto:a@b.com",
            "tel:+86-10-1234",
            "data:image/png;base64,AAAA",
            "javascript:void(0)",
            "svn+ssh://host/repo",
        ] {
            assert!(is_absolute(yes), "{yes}");
        }
        for no in [
            "",
            "/tags/马斯克/",
            "tags/a:b/",
            "images/a.png",
            "../x/",
            "#top",
            "?q=1",
            "2024:plan.html",
            ":x",
            "/a://b",
        ] {
            assert!(!is_absolute(no), "{no}");
        }
    }

    #[test]
    fn hrefs_carry_the_root_path_and_are_percent_encoded() {
        let u = urls("https://x.github.io/portal/");
        assert_eq!(
            u.href("tags/马斯克/"),
            "/portal/tags/%E9%A9%AC%E6%96%AF%E5%85%8B/"
        );
        assert_eq!(u.href("/a/"), "/portal/a/");
        assert_eq!(u.href(""), "/portal/");
        assert_eq!(
            urls("https://a.com").href("tags/马斯克/"),
            "/tags/%E9%A9%AC%E6%96%AF%E5%85%8B/"
        );
        // Root and path encoded apart give the encoding of the two joined.
        let u = urls("https://a.com/门户/");
        for rel in ["tags/马斯克/", "a b/c?d#e/", "", "/%/"] {
            let joined = format!("{}{}", u.root_path, rel.trim_start_matches('/'));
            let whole = crate::slug::encode_path(&joined);
            assert_eq!(u.href(rel), whole);
            assert_eq!(u.absolute(rel), format!("https://a.com{whole}"));
        }
    }

    #[test]
    fn absolute_urls_join_the_origin_and_the_href() {
        let u = urls("https://x.github.io/portal/");
        assert_eq!(u.origin(), "https://x.github.io");
        assert_eq!(u.absolute("a/"), "https://x.github.io/portal/a/");
        let u = urls("http://127.0.0.1:8080");
        assert_eq!(u.absolute(""), "http://127.0.0.1:8080/");
    }

    #[test]
    fn assets_keep_absolute_references() {
        let u = urls("https://a.com/p/");
        assert_eq!(u.asset("https://cdn.com/x.png"), "https://cdn.com/x.png");
        assert_eq!(u.asset("//cdn.com/x.png"), "//cdn.com/x.png");
        assert_eq!(u.asset("data:image/png,x"), "data:image/png,x");
        assert_eq!(
            u.asset("images/封面.png"),
            "/p/images/%E5%B0%81%E9%9D%A2.png"
        );
        assert_eq!(u.asset("/images/a.png"), "/p/images/a.png");
    }

    #[test]
    fn host_relative_links_become_absolute() {
        let html = r#"<a href="/portal/x/">x</a><img src="/a.png"><a href="../y/">y</a><a href="//cdn/z">z</a><a data-href="/no">n</a><a href="https://o/">o</a>"#;
        assert_eq!(
            absolutize(html, "https://h.io"),
            r#"<a href="https://h.io/portal/x/">x</a><img src="https://h.io/a.png"><a href="../y/">y</a><a href="//cdn/z">z</a><a data-href="/no">n</a><a href="https://o/">o</a>"#
        );
    }
    #[test]
    fn every_candidate_of_a_srcset_becomes_absolute() {
        let html = r#"<source srcset="/a.480w.webp 480w, /a.960w.webp 960w"><img srcset="//cdn/b 1x, /c 2x">"#;
        assert_eq!(
            absolutize(html, "https://h.io"),
            r#"<source srcset="https://h.io/a.480w.webp 480w, https://h.io/a.960w.webp 960w"><img srcset="//cdn/b 1x, https://h.io/c 2x">"#
        );
    }
}
