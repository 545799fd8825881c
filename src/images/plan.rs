//! Which versions a picture gets for each use, and what they are called.
//!
//! A version is named after its source and a hash of the source's bytes and the encoding
//! settings (`chip.3fa2c1d9e0.480w.webp`), so a changed picture or quality gets new URLs
//! and a CDN may cache every version forever.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::process::{self, Encoding, Format, Op, Probe, SourceFormat};
use super::{Source, Variant};
use crate::config::ImagesConfig;
use crate::diagnostics::Diagnostic;

/// Bumped when the pixel work changes in a way that changes its output, so cached and
/// published versions of the old code are not reused.
pub const VERSION: u32 = 1;

/// Hex digits of the hash kept in version names.
const NAME_HASH_LEN: usize = 10;

/// The share card's box: what WeChat, Weibo, X and Facebook show best.
pub const SHARE_CARD: (u32, u32) = (1200, 630);

/// What a picture is used for on a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// In an article's text, or its cover at the head of the article: full width of the
    /// text column.
    Body,
    /// A listing's thumbnail: cropped to the configured ratio.
    Thumbnail,
    /// `og:image`: 1200×630 JPEG.
    ShareCard,
}

/// `[images]`, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// Ascending, without repeats.
    pub widths: Vec<u32>,
    /// Extra formats, best first.
    pub formats: Vec<Format>,
    pub quality: u8,
    /// Width : height.
    pub thumbnail_ratio: (u32, u32),
    pub thumbnail_widths: Vec<u32>,
    pub share_card: bool,
    /// Absolute.
    pub cache_dir: PathBuf,
    /// Bytes of decoded pixels allowed at once.
    pub memory: u64,
}

impl Settings {
    /// The settings, None when processing is off, or every mistake in `[images]`.
    pub fn from_config(
        config: &ImagesConfig,
        root: &Path,
    ) -> Result<Option<Settings>, Vec<Diagnostic>> {
        if !config.process {
            return Ok(None);
        }
        let file = root.join(crate::config::CONFIG_FILE);
        let mut errors = Vec::new();
        let mut error = |message: String, hint: &str| {
            errors.push(Diagnostic::new(&file, message).hint(hint.to_string()));
        };
        let mut formats = Vec::new();
        for name in &config.formats {
            match Format::parse(name) {
                Some(f @ (Format::Webp | Format::Avif)) => formats.push(f),
                _ => error(
                    format!("[images] formats: `{name}` is not a format sitegen adds"),
                    "use \"webp\" and/or \"avif\"; a picture's own format is always kept",
                ),
            }
        }
        if !(1..=100).contains(&config.quality) {
            error(
                format!("[images] quality = {} is out of range", config.quality),
                "use a number from 1 to 100 (80 is a good default)",
            );
        }
        let ratio = parse_ratio(&config.thumbnail_ratio);
        if ratio.is_none() {
            error(
                format!(
                    "[images] thumbnail_ratio = \"{}\" is not a ratio",
                    config.thumbnail_ratio
                ),
                "write it as width:height, e.g. \"16:9\" or \"4:3\"",
            );
        }
        for (key, widths) in [
            ("widths", &config.widths),
            ("thumbnail_widths", &config.thumbnail_widths),
        ] {
            if widths.is_empty() || widths.iter().any(|&w| w == 0 || w > 10_000) {
                error(
                    format!("[images] {key} = {widths:?}: each width must be 1 to 10000"),
                    "e.g. [480, 960, 1440]",
                );
            }
        }
        let cache_dir = root.join(&config.cache_dir);
        if let Some(inside) = ["static", "content", "templates"]
            .into_iter()
            .find(|dir| cache_dir.starts_with(root.join(dir)))
        {
            error(
                format!(
                    "[images] cache_dir = \"{}\" is inside {inside}/, which sitegen reads as the site",
                    config.cache_dir
                ),
                "keep the cache beside them, e.g. \".sitegen-cache\" (the default)",
            );
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        formats.dedup();
        Ok(Some(Settings {
            widths: sorted(&config.widths),
            formats,
            quality: config.quality,
            thumbnail_ratio: ratio.unwrap_or((16, 9)),
            thumbnail_widths: sorted(&config.thumbnail_widths),
            share_card: config.share_card,
            cache_dir,
            memory: u64::from(config.memory_mb.max(64)) * 1024 * 1024,
        }))
    }

    /// What the bytes of every version depend on besides the source and the operation.
    fn fingerprint(&self) -> String {
        format!("v{VERSION}q{}", self.quality)
    }
}

fn sorted(widths: &[u32]) -> Vec<u32> {
    let mut w = widths.to_vec();
    w.sort_unstable();
    w.dedup();
    w
}

/// `"16:9"` (or `16/9`, `16x9`) → (16, 9).
fn parse_ratio(text: &str) -> Option<(u32, u32)> {
    let (w, h) = text.split_once([':', '/', 'x'])?;
    let w: u32 = w.trim().parse().ok()?;
    let h: u32 = h.trim().parse().ok()?;
    (w > 0 && h > 0 && w <= 100 * h && h <= 100 * w).then_some((w, h))
}

/// The format a source's versions keep: its own (a PNG stays PNG, for its transparency).
pub fn own_format(probe: Probe) -> Format {
    match probe.format {
        SourceFormat::Png => Format::Png,
        SourceFormat::Webp => Format::Webp,
        _ => Format::Jpeg,
    }
}

/// The versions of `source` for `purpose`, each with its output path: every width in
/// every format (extra formats first, then the source's own).
pub fn variants(
    settings: &Settings,
    source: &Arc<Source>,
    purpose: Purpose,
) -> Vec<(String, Variant)> {
    let probe = source.probe;
    let ops: Vec<Op> = match purpose {
        Purpose::Body => capped_widths(&settings.widths, probe.width)
            .into_iter()
            .map(Op::Width)
            .collect(),
        Purpose::Thumbnail => {
            let (rw, rh) = settings.thumbnail_ratio;
            let mut ops: Vec<Op> = settings
                .thumbnail_widths
                .iter()
                .map(|&w| Op::Fill {
                    width: w,
                    height: (u64::from(w) * u64::from(rh) / u64::from(rw)).max(1) as u32,
                })
                .collect();
            // A small source gives the same size for several boxes: keep one.
            ops.dedup_by_key(|op| process::output_size(probe.width, probe.height, *op));
            ops
        }
        Purpose::ShareCard => {
            let (width, height) = SHARE_CARD;
            return vec![variant(
                settings,
                source,
                Op::Fill { width, height },
                Format::Jpeg,
            )];
        }
    };
    let own = own_format(probe);
    let mut formats: Vec<Format> = settings
        .formats
        .iter()
        .copied()
        .filter(|&f| f != own)
        .collect();
    formats.push(own);
    formats
        .into_iter()
        .flat_map(|format| {
            ops.iter()
                .map(move |&op| variant(settings, source, op, format))
        })
        .collect()
}

/// The widths a source of `width` pixels gets: those below it, and the largest wanted
/// capped at its own width (a picture is never enlarged).
fn capped_widths(wanted: &[u32], width: u32) -> Vec<u32> {
    let mut widths: Vec<u32> = wanted.iter().copied().filter(|&w| w < width).collect();
    let largest = wanted.last().copied().unwrap_or(width).min(width);
    if widths.last() != Some(&largest) {
        widths.push(largest);
    }
    widths
}

/// One version and its output path.
pub fn variant(
    settings: &Settings,
    source: &Arc<Source>,
    op: Op,
    format: Format,
) -> (String, Variant) {
    let (width, height) = process::output_size(source.probe.width, source.probe.height, op);
    let variant = Variant {
        source: source.clone(),
        op,
        encoding: Encoding {
            format,
            quality: settings.quality,
        },
        width,
        height,
    };
    (name(settings, source, &variant), variant)
}

/// `img/chip.jpg` → `img/chip.3fa2c1d9e0.480w.webp` (a width) or
/// `img/chip.3fa2c1d9e0.480x270.webp` (a box).
fn name(settings: &Settings, source: &Source, variant: &Variant) -> String {
    let (dir, file) = match source.rel.rsplit_once('/') {
        Some((dir, file)) => (format!("{dir}/"), file),
        None => (String::new(), source.rel.as_str()),
    };
    let stem = file.rsplit_once('.').map_or(file, |(stem, _)| stem);
    let hash = blake3::hash(format!("{}{}", source.hash, settings.fingerprint()).as_bytes());
    let hash = &hash.to_hex()[..NAME_HASH_LEN];
    let size = match variant.op {
        Op::Width(_) => format!("{}w", variant.width),
        Op::Fill { .. } => format!("{}x{}", variant.width, variant.height),
    };
    format!(
        "{dir}{stem}.{hash}.{size}.{}",
        variant.encoding.format.extension()
    )
}

/// The cache key of a version: its source's bytes, the operation and the encoding.
pub fn cache_key(variant: &Variant) -> String {
    let text = format!(
        "{}|{:?}|{:?}|{}",
        variant.source.hash, variant.op, variant.encoding.format, variant.encoding.quality
    );
    let hash = blake3::hash(format!("v{VERSION}|{text}").as_bytes());
    hash.to_hex()[..32].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_never_exceed_the_source() {
        assert_eq!(capped_widths(&[480, 960, 1440], 4000), [480, 960, 1440]);
        assert_eq!(capped_widths(&[480, 960, 1440], 1200), [480, 960, 1200]);
        assert_eq!(capped_widths(&[480, 960, 1440], 960), [480, 960]);
        assert_eq!(capped_widths(&[480, 960, 1440], 300), [300]);
    }

    #[test]
    fn ratios_read_as_written() {
        assert_eq!(parse_ratio("16:9"), Some((16, 9)));
        assert_eq!(parse_ratio(" 4 / 3 "), Some((4, 3)));
        assert_eq!(parse_ratio("16"), None);
        assert_eq!(parse_ratio("0:9"), None);
    }

    #[test]
    fn bad_settings_are_all_reported() {
        let config = ImagesConfig {
            formats: vec!["gif".into()],
            quality: 0,
            thumbnail_ratio: "wide".into(),
            widths: vec![],
            cache_dir: "static/cache".into(),
            ..ImagesConfig::default()
        };
        let errors = Settings::from_config(&config, Path::new("/site")).unwrap_err();
        assert_eq!(errors.len(), 5, "{errors:?}");
    }
}
