//! An article's body for the API: every link and picture absolute, since an app shows the
//! HTML away from the page it was written for.

use url::Url;

/// `html` with each `href`, `src` and `srcset` URL resolved against `page` (the article's
/// absolute URL): host-relative (`/img/a.png`) and relative (`cover.jpg`, `../x/`) alike.
/// Fragments (`#第一节`, the table of contents' links) stay as they are, for the app to
/// scroll within the body; so do URLs that are already absolute.
pub fn absolute_links(html: &str, page: &str) -> String {
    let Ok(base) = Url::parse(page) else {
        return html.to_string();
    };
    crate::urls::map_link_urls(html, |url| resolve(&base, url))
}

/// One reference resolved against `base`.
fn resolve(base: &Url, url: &str) -> String {
    if url.is_empty() || url.starts_with('#') || crate::urls::is_absolute(url) {
        return url.to_string();
    }
    // An entity in an attribute (`&amp;`) is the character it stands for.
    let decoded = url.replace("&amp;", "&");
    match base.join(&decoded) {
        Ok(joined) => crate::escape::html(joined.as_str()),
        Err(_) => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::absolute_links;

    const PAGE: &str = "https://t.example.com/portal/2026/03/fab/";

    #[test]
    fn host_relative_and_relative_links_become_absolute() {
        let html = r#"<p><a href="/portal/tags/x/">x</a> <img src="cover.jpg" alt=""> <a href="../other/">o</a></p>"#;
        assert_eq!(
            absolute_links(html, PAGE),
            r#"<p><a href="https://t.example.com/portal/tags/x/">x</a> <img src="https://t.example.com/portal/2026/03/fab/cover.jpg" alt=""> <a href="https://t.example.com/portal/2026/03/other/">o</a></p>"#
        );
    }

    #[test]
    fn fragments_and_absolute_urls_stay() {
        let html = r##"<a href="#intro">a</a><a href="https://b.com/?a=1&amp;b=2">b</a><a href="mailto:x@y.z">m</a><img src="//cdn.x/a.png">"##;
        assert_eq!(absolute_links(html, PAGE), html);
    }

    #[test]
    fn every_srcset_candidate_and_query_entities() {
        let html = r#"<source srcset="/portal/a.480w.webp 480w, /portal/a.960w.webp 960w"><a href="x?a=1&amp;b=2">q</a><a data-href="/no/">n</a>"#;
        assert_eq!(
            absolute_links(html, PAGE),
            r#"<source srcset="https://t.example.com/portal/a.480w.webp 480w, https://t.example.com/portal/a.960w.webp 960w"><a href="https://t.example.com/portal/2026/03/fab/x?a=1&amp;b=2">q</a><a data-href="/no/">n</a>"#
        );
    }
}
