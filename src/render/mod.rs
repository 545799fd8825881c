//! Rendering: the model becomes pages through one Tera instance.
//!
//! [`plan`] lists every page the site will have, once, and refuses two pages that want the
//! same URL; [`Renderer::render_page`] turns one planned page into HTML. The planning is
//! cheap and serial, the rendering is parallel (see [`crate::site`]). Rendering reads
//! only the model: never the disk, never the clock.

mod alias;
pub mod api;
mod feeds;
pub(crate) mod fingerprint;
mod indexnow;
mod pages;
mod paging;
pub mod refs;
mod resize;
mod seo;
mod series;
mod sitemap;
mod templates;
pub mod views;

pub use pages::{
    Job, Listing, ListingKind, Page, Plan, author_info, authors_root, clashes_with_pages, plan,
    series_info, series_root, statics_clashing_with_generated,
};
pub use templates::{Inputs, Renderer, Shared, Taxonomy};

/// Files of one kind, as (path relative to the output root, bytes).
type Files = Vec<(String, Vec<u8>)>;

/// What makes one kind of [`Files`]; it fails only when a body cannot be read back.
type MakeFiles = fn(&Shared<'_>) -> Result<Files, crate::diagnostics::Diagnostic>;

/// Files other than HTML pages: feeds, sitemaps, `robots.txt`, the JSON API, the search
/// index and the hashed assets, each handed to `emit` as (path relative to the output root,
/// bytes) once made, a kind at a time, so that they are not all held at once. The search
/// index counts its articles on `progress`.
pub fn extra_files(
    shared: &Shared<'_>,
    progress: &crate::progress::Progress,
    earlier: Option<&dyn crate::site::Earlier>,
    emit: &(dyn Fn(String, Vec<u8>) + Sync),
) -> Result<(), crate::diagnostics::Diagnostic> {
    let generating = progress.step("feeds and sitemaps");
    // Feeds and the API read articles' bodies, which can fail (see `model::LazyText`).
    let kinds: [MakeFiles; 4] = [
        feeds::files,
        |shared| Ok(sitemap::files(shared)),
        api::files,
        |shared| Ok(indexnow::files(shared)),
    ];
    for kind in kinds {
        for (name, bytes) in kind(shared)? {
            emit(name, bytes);
        }
    }
    drop(generating);
    crate::search::files(shared.site, &shared.urls, progress, earlier, emit)?;
    for (rel, bytes) in shared.site.statics.assets.files() {
        emit(rel.to_string(), bytes.to_vec());
    }
    Ok(())
}
