//! Redirect pages for `aliases`: old URLs keep working after a migration.

use super::views::Urls;
use crate::model::Article;

/// A minimal page that sends browsers and crawlers to the article's URL.
pub fn redirect_page(urls: &Urls, article: &Article, language: &str) -> String {
    let href = escape_attr(&urls.href(&article.path));
    let canonical = escape_attr(&urls.absolute(&article.path));
    let title = escape_attr(&article.title);
    let language = escape_attr(language);
    format!(
        "<!doctype html>\n<html lang=\"{language}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>{title}</title>\n<link rel=\"canonical\" href=\"{canonical}\">\n\
         <meta name=\"robots\" content=\"noindex\">\n\
         <meta http-equiv=\"refresh\" content=\"0; url={href}\">\n</head>\n\
         <body><p>本文已移至 <a href=\"{href}\">{title}</a>。</p></body>\n</html>\n"
    )
}

/// Escapes text for an HTML attribute or text node.
pub fn escape_attr(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}
