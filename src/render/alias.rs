//! Redirect pages for `aliases`: old URLs keep working after a migration.

use super::feeds::xml::escape as escape_attr;
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
