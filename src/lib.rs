//! sitegen: a static site generator for Chinese-language tech-news portals.
//!
//! The pipeline flows one way, one module per stage:
//!
//! ```text
//! config ──▶ load ──▶ model ──▶ render ──▶ output
//! ```
//!
//! * [`config`] reads `config.toml` into [`config::Config`].
//! * [`load`] walks `content/` and turns every Markdown file into a [`model::Article`]
//!   (front matter in [`content::frontmatter`], dates in [`content::date`], Markdown in
//!   [`content::markdown`]), in parallel.
//! * [`model`] holds the site model: articles sorted once, with taxonomies, sections and
//!   archives as indexes into that one list. Everything between stages lives there.
//! * [`render`] turns the model into pages with one Tera instance, in parallel.
//! * [`output`] writes pages into a staging folder and swaps it in only on success.
//!
//! [`site`] is the driver that strings the stages together, once for every command:
//! [`build`], [`check`] and [`serve`] differ only in where rendered files go and which
//! pages they ask for, and [`progress`] shows its stages on a terminal. The CLI in
//! `main.rs` only parses arguments. `docs/architecture.md` says where each kind of change
//! goes.
//!
//! Helpers every stage shares, one definition each: [`text`] (what counts as CJK, line and
//! column of an offset), [`escape`] (HTML and XML), [`urls`] (hrefs and absolute URLs),
//! [`paths`] (Markdown files, the file a URL path is written to) and [`slug`].

pub mod allocator;
pub mod assets;
pub mod build;
pub mod check;
pub mod config;
pub mod content;
pub mod data;
pub mod diagnostics;
pub mod digest;
pub mod edition;
pub mod escape;
pub mod i18n;
pub mod images;
pub mod load;
pub mod minify;
pub mod model;
pub mod output;
pub mod paths;
pub mod progress;
pub mod push;
pub mod render;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod site;
pub mod slug;
pub mod statics;
pub mod text;
pub mod theme;
pub mod urls;
pub mod version;
