//! Pictures: local raster covers and body pictures published in several widths and in
//! WebP (and AVIF on request) beside their own format, cropped thumbnails for listings and
//! a share card for `og:image`; processed once and kept in a cache folder.
//!
//! The stage runs between the model and render ([`prepare`]): it resolves every picture a
//! page uses to a published file, reads each file's header (or the cache's note of it),
//! plans the versions, makes the missing ones when building, and rewrites the `<img>` tags
//! of bodies into `<picture>` elements with `srcset`, `width` and `height`.

pub mod budget;
pub mod process;
