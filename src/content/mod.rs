//! Reading one content file: front matter, dates, shortcodes and Markdown.

pub mod cache;
pub mod date;
pub mod frontmatter;
pub mod ignore;
pub mod jekyll;
pub mod kinds;
pub mod markdown;
pub mod permalink;
pub mod shortcodes;
pub mod stamps;
