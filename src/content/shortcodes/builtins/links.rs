//! URLs in shortcode output: percent-encoded, and never a `javascript:` one.

use crate::content::shortcodes::Page;

/// A path or id percent-encoded for a URL (`@ref:发布会.md`, a video id).
pub(super) fn encode(path: &str) -> String {
    crate::slug::encode_path(path)
}

/// An absolute URL (`https://…`, `//…`), as opposed to a path or a word.
pub(super) fn is_url(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("//")
}

/// A URL safe to put in an `href`: http(s), mailto or a path (a path from the root gets
/// the site's root path); anything else (`javascript:`) becomes `#`.
pub(super) fn safe_url(url: &str, page: &Page<'_>) -> String {
    let url = url.trim();
    if let Some(rest) = url.strip_prefix('/')
        && !rest.starts_with('/')
    {
        return format!("{}{rest}", page.config.root_path);
    }
    let scheme = url.split_once(':').map(|(s, _)| s).filter(|s| {
        s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    });
    match scheme.map(str::to_ascii_lowercase).as_deref() {
        None | Some("http" | "https" | "mailto") => url.to_string(),
        Some(_) => "#".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::SiteConfig;

    #[test]
    fn unsafe_urls_become_hash() {
        let config = SiteConfig::parse(
            "title = \"t\"\nbase_url = \"https://t.example.com/portal/\"\n",
            None,
        )
        .unwrap();
        let params = serde_json::Map::new();
        let page = Page {
            path: std::path::Path::new("a.md"),
            first_line: 1,
            params: &params,
            config: &config,
        };
        assert_eq!(safe_url("javascript:alert(1)", &page), "#");
        assert_eq!(safe_url("https://a.cn/x", &page), "https://a.cn/x");
        assert_eq!(safe_url("/x.png", &page), "/portal/x.png");
        assert_eq!(safe_url("x.png", &page), "x.png");
    }
}
