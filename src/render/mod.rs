//! Rendering: the model becomes pages through one Tera instance.
//!
//! [`plan`] lists every page the site will have, once, and refuses two pages that want the
//! same URL; [`Renderer::render_page`] turns one planned page into HTML. The planning is
//! cheap and serial, the rendering is parallel (see [`crate::site`]). Rendering reads
//! only the model: never the disk, never the clock.

mod alias;
pub mod api;
mod cards;
mod chrome;
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
pub use templates::{Inputs, Renderer, Shared, Taxonomy, seed_maps_per_thread};

/// Files of one kind, as (path relative to the output root, bytes).
type Files = Vec<(String, Vec<u8>)>;

/// What makes one kind of [`Files`]; it fails only when a body cannot be read back.
type MakeFiles = fn(&Shared<'_>) -> Result<Files, crate::diagnostics::Diagnostic>;

/// Files other than HTML pages: feeds, sitemaps, `robots.txt`, the JSON API, the search
/// index and the hashed assets, each handed to `emit` as (path relative to the output root,
/// bytes) once made. The kinds are made side by side and the search index beside them (at
/// 100,000 articles each takes a tenth of a second or more of a publish build, mostly on
/// one thread); each kind's files are handed on as soon as it is made, so that no more
/// than a kind per thread is held at once. The search index counts its articles on
/// `progress`.
pub fn extra_files(
    shared: &Shared<'_>,
    progress: &crate::progress::Progress,
    earlier: Option<&dyn crate::site::Earlier>,
    emit: &(dyn Fn(String, Vec<u8>) + Sync),
) -> Result<(), crate::diagnostics::Diagnostic> {
    use rayon::prelude::*;
    let generating = progress.step("feeds and sitemaps");
    // Feeds and the API read articles' bodies, which can fail (see `model::LazyText`).
    let kinds: [MakeFiles; 4] = [
        feeds::files,
        |shared| Ok(sitemap::files(shared)),
        api::files,
        |shared| Ok(indexnow::files(shared)),
    ];
    let (made, searched) = rayon::join(
        || {
            kinds.par_iter().try_for_each(|kind| {
                kind(shared)?
                    .into_par_iter()
                    .for_each(|(name, bytes)| emit(name, bytes));
                Ok(())
            })
        },
        || crate::search::files(shared.site, &shared.urls, progress, earlier, emit),
    );
    drop(generating);
    made?;
    searched?;
    for (rel, bytes) in shared.site.statics.assets.files() {
        emit(rel.to_string(), bytes.to_vec());
    }
    Ok(())
}
