//! Redirect pages for `aliases`: old URLs keep working after a migration.

use crate::escape;
use crate::i18n::Strings;
use crate::model::Article;
use crate::urls::Urls;

/// A minimal page that sends browsers and crawlers to the article's URL.
pub fn redirect_page(urls: &Urls, article: &Article, strings: &Strings) -> String {
    redirect_to(urls, &article.path, &article.title, strings)
}

/// A redirect page to any page of the site: `path` relative to the root, `title` shown.
pub fn redirect_to(urls: &Urls, path: &str, title: &str, strings: &Strings) -> String {
    let href = escape::html(&urls.href(path));
    let canonical = escape::html(&urls.absolute(path));
    let title = escape::html(title);
    let language = strings.lang().code();
    // The sentence is escaped before the link goes in: `[strings] moved` is text.
    let moved = escape::html(strings.get("moved"))
        .replace("{link}", &format!("<a href=\"{href}\">{title}</a>"));
    format!(
        "<!doctype html>\n<html lang=\"{language}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>{title}</title>\n<link rel=\"canonical\" href=\"{canonical}\">\n\
         <meta name=\"robots\" content=\"noindex\">\n\
         <meta http-equiv=\"refresh\" content=\"0; url={href}\">\n</head>\n\
         <body><p>{moved}</p></body>\n</html>\n"
    )
}
