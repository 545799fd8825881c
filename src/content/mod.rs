//! Reading one content file: front matter, dates, shortcodes and Markdown.

pub mod date;
pub mod frontmatter;
pub mod markdown;
pub mod shortcodes;
