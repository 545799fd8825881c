//! Decoding, resizing and encoding one picture: the pixel work of sitegen's image stage,
//! with no knowledge of sites, caches or URLs.
//!
//! A crate of its own so that it is optimised even in debug builds: `fast_image_resize`
//! and `image` do their work in generic and `#[inline]` functions, which are compiled in the
//! crate that calls them, and unoptimised they are 20-40x slower (a test site with a few
//! photos took minutes). See `[profile.dev.package.sitegen-zh-pixels]` in the root Cargo.toml.
//!
//! - [`probe`] reads a header only (format from the bytes, displayed size, alpha).
//! - [`decode`] decodes once, within a memory limit, turns the picture upright (EXIF
//!   orientation) and keeps it as 8-bit RGB (RGBA when the source has alpha).
//! - [`make`] cuts one version from a decoded picture (fast_image_resize, Lanczos3) and
//!   encodes it: JPEG and PNG with `image`, lossy WebP with libwebp (`webp`), AVIF with
//!   ravif. Versions are written from pixels alone, so they carry no EXIF, GPS, XMP or
//!   comments, whatever the source held.
//! - [`output_size`] says what [`make`] will produce without touching a pixel.
//!
//! Colour profiles: an embedded ICC profile is dropped, as Zola does; pixels are written as
//! they are and read as sRGB. `image` 0.25 converts only between CICP colour spaces, not from
//! an arbitrary ICC profile; converting Display P3 phone photos would take `moxcms` as a
//! direct dependency (it is already in the tree, under `image`). Most browsers treat an
//! untagged picture as sRGB, so a wide-gamut photo looks a little less saturated.
//!
//! Same input, same output: the encoders and the resizer are deterministic, so a version
//! is byte-identical from one build to the next on one machine. (fast_image_resize picks
//! SIMD code for the CPU it runs on; another CPU may round a few pixels differently.)

use std::io::Cursor;

use fast_image_resize as fir;
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::{self, PngEncoder};
use image::metadata::Orientation;
use image::{
    DynamicImage, ExtendedColorType, ImageDecoder, ImageEncoder, ImageError, ImageFormat,
    ImageReader, Limits,
};

/// A format a version can be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    Jpeg,
    Png,
    Webp,
    Avif,
}

impl Format {
    /// File extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Jpeg => "jpg",
            Format::Png => "png",
            Format::Webp => "webp",
            Format::Avif => "avif",
        }
    }

    /// MIME type, for `<source type="…">`.
    pub fn mime(self) -> &'static str {
        match self {
            Format::Jpeg => "image/jpeg",
            Format::Png => "image/png",
            Format::Webp => "image/webp",
            Format::Avif => "image/avif",
        }
    }

    /// `"webp"`, `"jpg"`/`"jpeg"`, `"png"`, `"avif"` (any case).
    pub fn parse(name: &str) -> Option<Format> {
        match name.to_ascii_lowercase().as_str() {
            "jpg" | "jpeg" => Some(Format::Jpeg),
            "png" => Some(Format::Png),
            "webp" => Some(Format::Webp),
            "avif" => Some(Format::Avif),
            _ => None,
        }
    }
}

/// What a source file holds, read from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceFormat {
    Jpeg,
    Png,
    Webp,
    Gif,
    /// Anything else the decoder does not take (SVG, TIFF, HEIC…): published as it is.
    Other,
}

/// A source picture's header: enough to plan its versions without decoding it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Probe {
    pub format: SourceFormat,
    /// As displayed: with EXIF orientation applied (a portrait photo stored sideways
    /// with orientation 6 reports its portrait size).
    pub width: u32,
    pub height: u32,
    /// Has an alpha channel (a PNG logo): its versions keep transparency.
    pub alpha: bool,
}

/// How a version is cut from the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Op {
    /// Scaled to this width, keeping the aspect ratio (height rounded).
    Width(u32),
    /// Scaled and cropped around the centre to exactly this box.
    Fill { width: u32, height: u32 },
}

/// How a version is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Encoding {
    pub format: Format,
    /// 1–100, for JPEG, WebP and AVIF (PNG is lossless).
    pub quality: u8,
}

/// Longest side [`decode`] accepts, whatever the memory limit: a guard against headers that
/// claim absurd sizes. (WebP versions stop at 16383 px a side anyway.)
const MAX_SIDE: u32 = 40_000;

/// rav1e speed for AVIF (1 slow … 10 fast). 6 and 8 gave nearly the same files and times
/// in the crate evaluation; 10 is ~3× faster but larger. See [`make`] for the cost.
const AVIF_SPEED: u8 = 6;

impl Probe {
    /// Memory [`decode`] needs for this picture at its peak, a little generously: the
    /// upright 8-bit picture (3 or 4 bytes a pixel) and room for one more copy, made while
    /// turning a sideways photo upright or converting a grey or 16-bit source (a 16-bit
    /// PNG needs up to 3×). A weight for sitegen's memory budget; give
    /// [`decode`] the whole budget as its limit.
    pub fn decode_bytes(&self) -> u64 {
        let channels = if self.alpha { 4 } else { 3 };
        u64::from(self.width) * u64::from(self.height) * channels * 2
    }
}

/// Reads a picture's header (format, displayed size, alpha), without decoding its pixels.
/// The format comes from the first bytes, not from a file name. Pictures the decoder does
/// not take (SVG, TIFF, HEIC, AVIF, text…) are an `Err` saying so.
pub fn probe(bytes: &[u8]) -> Result<Probe, String> {
    let (format, mut decoder) = open(bytes, None)?;
    let (w, h) = decoder.dimensions();
    let alpha = decoder.color_type().has_alpha();
    let orientation = read_orientation(&mut decoder, format);
    let (width, height) = if swaps_sides(orientation) {
        (h, w)
    } else {
        (w, h)
    };
    Ok(Probe {
        format,
        width,
        height,
        alpha,
    })
}

/// A decoded picture, upright (EXIF orientation applied), 8 bits per channel.
pub struct Decoded {
    pub width: u32,
    pub height: u32,
    /// Has an alpha channel (kept in WebP, AVIF and PNG versions; JPEG gets white).
    pub alpha: bool,
    /// `Rgb8`, or `Rgba8` when `alpha`.
    pixels: DynamicImage,
}

impl Decoded {
    /// Bytes the pixels take in memory.
    pub fn bytes(&self) -> u64 {
        self.pixels.as_bytes().len() as u64
    }
}

/// Decodes a whole picture, refusing one that would need more than `max_bytes` of memory.
/// Errors say what is wrong in words a writer understands ("truncated", "not a JPEG").
pub fn decode(bytes: &[u8], max_bytes: u64) -> Result<Decoded, String> {
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(max_bytes);
    let (format, mut decoder) = open(bytes, Some(limits))?;
    let (w, h) = decoder.dimensions();
    if w > MAX_SIDE || h > MAX_SIDE {
        return Err(format!(
            "{w}×{h} pixels is too large (at most {MAX_SIDE} pixels a side)"
        ));
    }
    let orientation = read_orientation(&mut decoder, format);

    // What decoding holds at its peak: the decoder's buffer plus its 8-bit copy when the
    // source is not 8-bit RGB(A) (a 16-bit or grey PNG), or the 8-bit picture plus its
    // turned copy for a sideways photo, whichever is more.
    let color = decoder.color_type();
    let alpha = color.has_alpha();
    let native = decoder.total_bytes();
    let eight_bit = u64::from(w) * u64::from(h) * if alpha { 4 } else { 3 };
    let converts = !matches!(color, image::ColorType::Rgb8 | image::ColorType::Rgba8);
    let turns = !matches!(
        orientation,
        Orientation::NoTransforms
            | Orientation::Rotate180
            | Orientation::FlipHorizontal
            | Orientation::FlipVertical
    );
    let need = std::cmp::max(
        native.saturating_add(if converts { eight_bit } else { 0 }),
        eight_bit.saturating_add(if turns { eight_bit } else { 0 }),
    );
    if need > max_bytes {
        return Err(too_big(need, max_bytes));
    }

    if format == SourceFormat::Jpeg && !jpeg_is_complete(bytes) {
        // zune-jpeg (lenient, as image sets it) fills a cut-off scan with grey.
        return Err("truncated JPEG: the file ends before the picture does".into());
    }
    let image = DynamicImage::from_decoder(decoder).map_err(|e| describe(e, format, max_bytes))?;
    let mut pixels = if alpha {
        DynamicImage::ImageRgba8(image.into_rgba8())
    } else {
        DynamicImage::ImageRgb8(image.into_rgb8())
    };
    pixels.apply_orientation(orientation);
    Ok(Decoded {
        width: pixels.width(),
        height: pixels.height(),
        alpha,
        pixels,
    })
}

/// One version of a decoded picture: resized (never up) or cropped as `op` says and
/// encoded. The bytes carry no metadata (no EXIF, no GPS).
///
/// Time per version (release build, 2 shared cores under load ~6, from a 4000×3000 JPEG
/// already decoded in ~170 ms, quality 80): WebP 50 / 130 / 260 ms at 480 / 960 / 1440 px
/// wide, JPEG 24 / 57 / 86 ms, a 480×270 WebP thumbnail 38 ms, the 1200×630 JPEG card
/// 47 ms. An AVIF 1440 px wide took 13 s (rav1e speed 6, both cores; about 3–5 s on an
/// idle machine by the issue-15 crate notes): 30–50× a WebP, hence opt-in.
pub fn make(picture: &Decoded, op: Op, encoding: Encoding) -> Result<Vec<u8>, String> {
    let (w, h) = (picture.width, picture.height);
    let (tw, th) = output_size(w, h, op);
    let cut;
    let version: &DynamicImage = if (tw, th) == (w, h) {
        &picture.pixels
    } else {
        cut = cut_version(&picture.pixels, op, tw, th)?;
        &cut
    };
    encode(version, encoding)
}

/// The size `op` gives a `width`×`height` picture (what [`make`] will produce), so that pages
/// can say `width`/`height` before any pixel is touched. Never larger than the source.
///
/// - `Width(w)`: `w` wide and the height in proportion (rounded, at least 1); the source's
///   own size when it is not wider than `w`.
/// - `Fill { width, height }`: exactly that box when the source covers it; otherwise the
///   largest box of that shape the source holds (a 300×200 source filled to 480×270 gives
///   300×169), never scaled up.
pub fn output_size(width: u32, height: u32, op: Op) -> (u32, u32) {
    let (w, h) = (u64::from(width.max(1)), u64::from(height.max(1)));
    match op {
        Op::Width(target) => {
            let target = u64::from(target.max(1));
            if target >= w {
                (w as u32, h as u32)
            } else {
                (target as u32, div_round(h * target, w).clamp(1, h) as u32)
            }
        }
        Op::Fill {
            width: bw,
            height: bh,
        } => {
            let (bw, bh) = (u64::from(bw.max(1)), u64::from(bh.max(1)));
            if w >= bw && h >= bh {
                (bw as u32, bh as u32)
            } else if w * bh <= h * bw {
                // The width is what runs short (scale w / bw is the smaller one).
                (w as u32, div_round(bh * w, bw).clamp(1, h) as u32)
            } else {
                (div_round(bw * h, bh).clamp(1, w) as u32, h as u32)
            }
        }
    }
}

// ---------------------------------------------------------------------------------------

/// `a / b` rounded to the nearest integer (halves up).
fn div_round(a: u64, b: u64) -> u64 {
    (a + b / 2) / b
}

/// A decoder for `bytes`, with the format it was recognised as.
fn open(
    bytes: &[u8],
    limits: Option<Limits>,
) -> Result<(SourceFormat, Box<dyn ImageDecoder + '_>), String> {
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| format!("could not read the picture: {e}"))?;
    let format = match reader.format() {
        Some(ImageFormat::Jpeg) => SourceFormat::Jpeg,
        Some(ImageFormat::Png) => SourceFormat::Png,
        Some(ImageFormat::WebP) => SourceFormat::Webp,
        Some(ImageFormat::Gif) => SourceFormat::Gif,
        Some(other) => {
            return Err(format!(
                "not a picture sitegen can read ({} is not supported; JPEG, PNG, WebP and GIF are)",
                other
                    .extensions_str()
                    .first()
                    .unwrap_or(&"this format")
                    .to_uppercase()
            ));
        }
        None => {
            return Err(
                "not a picture sitegen can read (not JPEG, PNG, WebP or GIF by its first bytes)"
                    .into(),
            );
        }
    };
    if let Some(limits) = limits {
        reader.limits(limits);
    } else {
        // A header read allocates next to nothing, but a hostile header should still
        // not make the decoder reserve much.
        let mut limits = Limits::default();
        limits.max_alloc = Some(64 << 20);
        reader.limits(limits);
    }
    let decoder = reader.into_decoder().map_err(|e| describe(e, format, 0))?;
    Ok((format, Box::new(decoder)))
}

/// The EXIF orientation; a broken EXIF block is taken as "upright" rather than failing a
/// picture whose pixels are fine.
fn read_orientation(decoder: &mut Box<dyn ImageDecoder + '_>, format: SourceFormat) -> Orientation {
    match format {
        SourceFormat::Gif | SourceFormat::Other => Orientation::NoTransforms,
        _ => decoder.orientation().unwrap_or(Orientation::NoTransforms),
    }
}

/// Whether a JPEG's segments and scans run through to its end-of-image marker. The marker
/// cannot occur inside scan data (a 0xFF there is followed by 0x00 or a restart marker),
/// and segment lengths are followed, so an EXIF thumbnail's own end marker does not count.
fn jpeg_is_complete(bytes: &[u8]) -> bool {
    const SOS: u8 = 0xda;
    const EOI: u8 = 0xd9;
    let mut i = 2; // after SOI
    loop {
        // A marker: 0xFF, possibly padded with more 0xFF, then its code.
        if bytes.get(i) != Some(&0xff) {
            return false;
        }
        while bytes.get(i) == Some(&0xff) {
            i += 1;
        }
        let Some(&code) = bytes.get(i) else {
            return false;
        };
        i += 1;
        match code {
            EOI => return true,
            // Markers without a length.
            0x01 | 0xd0..=0xd7 => continue,
            _ => {}
        }
        let (Some(&hi), Some(&lo)) = (bytes.get(i), bytes.get(i + 1)) else {
            return false;
        };
        i += usize::from(u16::from_be_bytes([hi, lo]));
        if code == SOS {
            // Entropy-coded data up to the next real marker.
            loop {
                match (bytes.get(i), bytes.get(i + 1)) {
                    (Some(0xff), Some(0x00 | 0xd0..=0xd7)) => i += 2,
                    (Some(0xff), Some(_)) => break,
                    (Some(_), _) => i += 1,
                    (None, _) => return false,
                }
            }
        }
    }
}

/// Orientations that turn the picture a quarter, so that width and height trade places.
fn swaps_sides(orientation: Orientation) -> bool {
    matches!(
        orientation,
        Orientation::Rotate90
            | Orientation::Rotate270
            | Orientation::Rotate90FlipH
            | Orientation::Rotate270FlipH
    )
}

fn format_name(format: SourceFormat) -> &'static str {
    match format {
        SourceFormat::Jpeg => "JPEG",
        SourceFormat::Png => "PNG",
        SourceFormat::Webp => "WebP",
        SourceFormat::Gif => "GIF",
        SourceFormat::Other => "picture",
    }
}

/// "600 MB", "1.4 MB".
fn megabytes(bytes: u64) -> String {
    let mb = bytes as f64 / f64::from(1u32 << 20);
    if mb >= 10.0 {
        format!("{} MB", mb.round())
    } else {
        format!("{mb:.1} MB")
    }
}

fn too_big(need: u64, max_bytes: u64) -> String {
    format!(
        "would need {} to decode, over the {} limit",
        megabytes(need),
        megabytes(max_bytes)
    )
}

/// An `image` error in a writer's words.
fn describe(error: ImageError, format: SourceFormat, max_bytes: u64) -> String {
    let name = format_name(format);
    // The underlying cause reads better than image's "Format error decoding Jpeg: …".
    let cause = |e: &dyn std::error::Error| match e.source() {
        Some(source) => source.to_string(),
        None => e.to_string(),
    };
    match &error {
        ImageError::Limits(e) => {
            if max_bytes > 0 {
                format!(
                    "too large to decode within the {} limit ({e})",
                    megabytes(max_bytes)
                )
            } else {
                format!("too large to read ({e})")
            }
        }
        ImageError::Unsupported(e) => format!("a {name} sitegen cannot read: {e}"),
        ImageError::IoError(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
            format!("truncated {name}: the file ends too early")
        }
        ImageError::Decoding(e) => {
            let cause = cause(e);
            if cause.contains("ot enough bytes") || cause.contains("nexpected EOF") {
                format!("truncated {name}: the file ends too early")
            } else {
                format!("truncated or corrupt {name}: {cause}")
            }
        }
        _ => format!("truncated or corrupt {name}: {}", cause(&error)),
    }
}

/// Resizes (and for `Fill`, crops around the centre) to exactly `tw`×`th`.
fn cut_version(source: &DynamicImage, op: Op, tw: u32, th: u32) -> Result<DynamicImage, String> {
    let (w, h) = (source.width(), source.height());
    let options = fir::ResizeOptions::new()
        .resize_alg(fir::ResizeAlg::Convolution(fir::FilterType::Lanczos3));
    let options = match op {
        Op::Width(_) => options,
        Op::Fill { .. } => {
            // The largest region of the source with the version's shape, centred.
            let (wf, hf) = (f64::from(w), f64::from(h));
            let (cw, ch) = if u64::from(w) * u64::from(th) > u64::from(tw) * u64::from(h) {
                (hf * f64::from(tw) / f64::from(th), hf)
            } else {
                (wf, wf * f64::from(th) / f64::from(tw))
            };
            if (cw - f64::from(tw)).abs() < 0.5 && (ch - f64::from(th)).abs() < 0.5 {
                // No scaling (a source smaller than the box): a plain crop, whole pixels.
                let left = (w - tw) / 2;
                let top = (h - th) / 2;
                return Ok(source.crop_imm(left, top, tw, th));
            }
            options.crop((wf - cw) / 2.0, (hf - ch) / 2.0, cw, ch)
        }
    };
    let mut out = DynamicImage::new(tw, th, source.color());
    fir::Resizer::new()
        .resize(source, &mut out, &options)
        .map_err(|e| format!("resizing to {tw}×{th} failed: {e}"))?;
    Ok(out)
}

/// Encodes 8-bit RGB or RGBA pixels.
fn encode(picture: &DynamicImage, encoding: Encoding) -> Result<Vec<u8>, String> {
    let (w, h) = (picture.width(), picture.height());
    let quality = encoding.quality.clamp(1, 100);
    let alpha = picture.color().has_alpha();
    let failed = |e: &dyn std::fmt::Display| {
        format!(
            "writing a {}×{} {} failed: {e}",
            w,
            h,
            encoding.format.extension().to_uppercase()
        )
    };
    let mut out = Vec::new();
    match encoding.format {
        Format::Jpeg => {
            // JPEG has no transparency: transparent parts go white (pages are white).
            let flat;
            let rgb: &[u8] = if alpha {
                flat = flatten_on_white(picture.as_bytes());
                &flat
            } else {
                picture.as_bytes()
            };
            JpegEncoder::new_with_quality(&mut out, quality)
                .write_image(rgb, w, h, ExtendedColorType::Rgb8)
                .map_err(|e| failed(&e))?;
        }
        Format::Png => {
            // `Default` (zlib level 6 class) rather than image's own default `Fast`: PNG
            // versions are for logos, charts and screenshots, made once and cached, and
            // served many times, so bytes matter more than milliseconds.
            let color = if alpha {
                ExtendedColorType::Rgba8
            } else {
                ExtendedColorType::Rgb8
            };
            PngEncoder::new_with_quality(
                &mut out,
                png::CompressionType::Default,
                png::FilterType::Adaptive,
            )
            .write_image(picture.as_bytes(), w, h, color)
            .map_err(|e| failed(&e))?;
        }
        Format::Webp => {
            let encoder = if alpha {
                webp::Encoder::from_rgba(picture.as_bytes(), w, h)
            } else {
                webp::Encoder::from_rgb(picture.as_bytes(), w, h)
            };
            let memory = encoder
                .encode_simple(false, f32::from(quality))
                .map_err(|e| failed(&format!("{e:?}")))?;
            out = memory.to_vec();
        }
        Format::Avif => {
            let encoder = ravif::Encoder::new()
                .with_quality(f32::from(quality))
                .with_alpha_quality(f32::from(quality))
                .with_speed(AVIF_SPEED);
            let bytes = picture.as_bytes();
            let (wu, hu) = (w as usize, h as usize);
            let encoded = if alpha {
                let pixels: Vec<ravif::RGBA8> = bytes
                    .chunks_exact(4)
                    .map(|p| ravif::RGBA8::new(p[0], p[1], p[2], p[3]))
                    .collect();
                encoder.encode_rgba(ravif::Img::new(&pixels[..], wu, hu))
            } else {
                let pixels: Vec<ravif::RGB8> = bytes
                    .chunks_exact(3)
                    .map(|p| ravif::RGB8::new(p[0], p[1], p[2]))
                    .collect();
                encoder.encode_rgb(ravif::Img::new(&pixels[..], wu, hu))
            };
            out = encoded.map_err(|e| failed(&e))?.avif_file;
        }
    }
    Ok(out)
}

/// RGBA → RGB, composited over white.
fn flatten_on_white(rgba: &[u8]) -> Vec<u8> {
    let mut rgb = Vec::with_capacity(rgba.len() / 4 * 3);
    for p in rgba.chunks_exact(4) {
        let a = u32::from(p[3]);
        for &c in &p[..3] {
            let v = (u32::from(c) * a + 255 * (255 - a) + 127) / 255;
            rgb.push(v as u8);
        }
    }
    rgb
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{GenericImageView, Rgb, RgbImage, Rgba, RgbaImage};

    fn jpeg(img: &RgbImage, quality: u8) -> Vec<u8> {
        let mut out = Vec::new();
        JpegEncoder::new_with_quality(&mut out, quality)
            .write_image(
                img.as_raw(),
                img.width(),
                img.height(),
                ExtendedColorType::Rgb8,
            )
            .unwrap();
        out
    }

    fn png_rgba(img: &RgbaImage) -> Vec<u8> {
        let mut out = Vec::new();
        PngEncoder::new(&mut out)
            .write_image(
                img.as_raw(),
                img.width(),
                img.height(),
                ExtendedColorType::Rgba8,
            )
            .unwrap();
        out
    }

    /// A busy picture (gradients and a bit of pattern), so encoders have work to do.
    fn busy(w: u32, h: u32) -> RgbImage {
        RgbImage::from_fn(w, h, |x, y| {
            Rgb([
                (x * 255 / w.max(1)) as u8,
                (y * 255 / h.max(1)) as u8,
                (((x / 7) ^ (y / 5)) & 1) as u8 * 120 + ((x * y) % 64) as u8,
            ])
        })
    }

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }

    /// An APP1 Exif segment: big-endian TIFF, IFD0 with Orientation = `orientation` and a
    /// pointer to a GPS IFD holding GPSVersionID and GPSLatitudeRef = "N".
    fn exif_segment(orientation: u16) -> Vec<u8> {
        let mut tiff = Vec::new();
        tiff.extend_from_slice(b"MM\x00\x2a");
        tiff.extend_from_slice(&8u32.to_be_bytes()); // IFD0 at 8
        // IFD0: 2 entries (2 + 2×12 + 4 = 30 bytes), so the GPS IFD starts at 38.
        tiff.extend_from_slice(&2u16.to_be_bytes());
        // Orientation (0x0112), SHORT, 1, value left-justified.
        tiff.extend_from_slice(&0x0112u16.to_be_bytes());
        tiff.extend_from_slice(&3u16.to_be_bytes());
        tiff.extend_from_slice(&1u32.to_be_bytes());
        tiff.extend_from_slice(&orientation.to_be_bytes());
        tiff.extend_from_slice(&[0, 0]);
        // GPSInfo IFD pointer (0x8825), LONG, 1, offset 38.
        tiff.extend_from_slice(&0x8825u16.to_be_bytes());
        tiff.extend_from_slice(&4u16.to_be_bytes());
        tiff.extend_from_slice(&1u32.to_be_bytes());
        tiff.extend_from_slice(&38u32.to_be_bytes());
        tiff.extend_from_slice(&0u32.to_be_bytes()); // no IFD1
        assert_eq!(tiff.len(), 38);
        // GPS IFD: 2 entries.
        tiff.extend_from_slice(&2u16.to_be_bytes());
        // GPSVersionID (0x0000), BYTE, 4: 2.2.0.0
        tiff.extend_from_slice(&0x0000u16.to_be_bytes());
        tiff.extend_from_slice(&1u16.to_be_bytes());
        tiff.extend_from_slice(&4u32.to_be_bytes());
        tiff.extend_from_slice(&[2, 2, 0, 0]);
        // GPSLatitudeRef (0x0001), ASCII, 2: "N\0"
        tiff.extend_from_slice(&0x0001u16.to_be_bytes());
        tiff.extend_from_slice(&2u16.to_be_bytes());
        tiff.extend_from_slice(&2u32.to_be_bytes());
        tiff.extend_from_slice(b"N\0\0\0");
        tiff.extend_from_slice(&0u32.to_be_bytes());

        let mut seg = vec![0xff, 0xe1];
        let len = (2 + 6 + tiff.len()) as u16;
        seg.extend_from_slice(&len.to_be_bytes());
        seg.extend_from_slice(b"Exif\0\0");
        seg.extend_from_slice(&tiff);
        seg
    }

    /// `jpeg` with an Exif segment spliced in right after SOI.
    fn with_exif(jpeg: &[u8], orientation: u16) -> Vec<u8> {
        assert_eq!(&jpeg[..2], &[0xff, 0xd8]);
        let mut out = jpeg[..2].to_vec();
        out.extend_from_slice(&exif_segment(orientation));
        out.extend_from_slice(&jpeg[2..]);
        out
    }

    /// Stored 40×20, a red block in the stored top-left corner, the rest green.
    fn sideways() -> Vec<u8> {
        let img = RgbImage::from_fn(40, 20, |x, y| {
            if x < 12 && y < 12 {
                Rgb([230, 20, 20])
            } else {
                Rgb([20, 200, 20])
            }
        });
        with_exif(&jpeg(&img, 95), 6)
    }

    fn is_red(p: [u8; 3]) -> bool {
        p[0] > 150 && p[1] < 100 && p[2] < 100
    }

    fn is_green(p: [u8; 3]) -> bool {
        p[1] > 150 && p[0] < 100 && p[2] < 100
    }

    fn rgb_at(d: &Decoded, x: u32, y: u32) -> [u8; 3] {
        let p = d.pixels.get_pixel(x, y).0;
        [p[0], p[1], p[2]]
    }

    const MB: u64 = 1 << 20;

    #[test]
    fn exif_orientation_is_applied_and_dropped() {
        let bytes = sideways();
        assert!(contains(&bytes, b"Exif"));
        let header = probe(&bytes).unwrap();
        assert_eq!(header.format, SourceFormat::Jpeg);
        assert_eq!(
            (header.width, header.height),
            (20, 40),
            "orientation 6 swaps sides"
        );
        assert!(!header.alpha);

        let d = decode(&bytes, 64 * MB).unwrap();
        assert_eq!((d.width, d.height), (20, 40));
        // Turned a quarter clockwise: the stored top-left is now the top-right.
        assert!(is_red(rgb_at(&d, 19, 0)), "{:?}", rgb_at(&d, 19, 0));
        assert!(is_green(rgb_at(&d, 0, 0)), "{:?}", rgb_at(&d, 0, 0));
        assert!(is_green(rgb_at(&d, 19, 39)));

        for format in [Format::Jpeg, Format::Webp, Format::Png] {
            let out = make(
                &d,
                Op::Width(480),
                Encoding {
                    format,
                    quality: 80,
                },
            )
            .unwrap();
            assert!(!contains(&out, b"Exif"), "{format:?} kept EXIF");
            assert!(
                !contains(&out, b"MM\x00\x2a"),
                "{format:?} kept a TIFF block"
            );
            let back = probe(&out).unwrap();
            // Upright pixels, no orientation tag: the same displayed size.
            assert_eq!((back.width, back.height), (20, 40), "{format:?}");
        }
    }

    #[test]
    fn truncated_jpeg_is_an_error() {
        let bytes = jpeg(&busy(300, 200), 90);
        assert!(decode(&bytes, 64 * MB).is_ok());
        let cut = &bytes[..bytes.len() / 2];
        let err = decode(cut, 64 * MB)
            .err()
            .expect("a truncated JPEG must not decode");
        assert_eq!(err, "truncated JPEG: the file ends before the picture does");
        // Cut inside the header: even probing fails.
        let err = probe(&bytes[..20]).expect_err("header cut short");
        assert_eq!(err, "truncated JPEG: the file ends too early");
    }

    #[test]
    fn jpeg_completeness_follows_segments() {
        let bytes = jpeg(&busy(64, 48), 90);
        assert!(jpeg_is_complete(&bytes));
        // Bytes after the end marker (some cameras append data) are fine.
        let mut trailing = bytes.clone();
        trailing.extend_from_slice(b"trailing junk");
        assert!(jpeg_is_complete(&trailing));
        // An APP segment holding an end marker (an EXIF thumbnail's) does not end the file.
        let mut thumb = bytes[..2].to_vec();
        thumb.extend_from_slice(&[0xff, 0xe1, 0x00, 0x06, 0xff, 0xd9, 0xff, 0xd9]);
        thumb.extend_from_slice(&bytes[2..]);
        assert!(jpeg_is_complete(&thumb));
        assert!(!jpeg_is_complete(&thumb[..thumb.len() - 2]));
        for cut in [3, 10, bytes.len() / 3, bytes.len() - 1] {
            assert!(!jpeg_is_complete(&bytes[..cut]), "cut at {cut}");
        }
    }

    #[test]
    fn not_pictures_are_errors() {
        let svg = br#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>"#;
        let err = probe(svg).unwrap_err();
        assert!(err.starts_with("not a picture sitegen can read"), "{err}");
        assert!(decode(svg, 64 * MB).is_err());
        assert!(probe(b"").is_err());
        let err = probe(b"II*\x00\x08\x00\x00\x00rest of a tiff").unwrap_err();
        assert!(err.contains("TIFF"), "{err}");
    }

    #[test]
    fn png_alpha_and_gif_are_probed() {
        let img = RgbaImage::from_fn(30, 10, |x, _| {
            Rgba([0, 0, 255, if x < 15 { 0 } else { 255 }])
        });
        let p = probe(&png_rgba(&img)).unwrap();
        assert_eq!(p.format, SourceFormat::Png);
        assert_eq!((p.width, p.height), (30, 10));
        assert!(p.alpha);
        assert_eq!(p.decode_bytes(), 30 * 10 * 4 * 2);

        let mut gif = Vec::new();
        {
            let frame = image::Frame::new(RgbaImage::from_pixel(7, 5, Rgba([9, 9, 9, 255])));
            let mut enc = image::codecs::gif::GifEncoder::new(&mut gif);
            enc.encode_frame(frame).unwrap();
        }
        let p = probe(&gif).unwrap();
        assert_eq!(p.format, SourceFormat::Gif);
        assert_eq!((p.width, p.height), (7, 5));
    }

    #[test]
    fn webp_keeps_alpha_and_jpeg_goes_white() {
        let img = RgbaImage::from_fn(64, 32, |x, _| {
            if x < 32 {
                Rgba([200, 0, 0, 0])
            } else {
                Rgba([0, 0, 200, 255])
            }
        });
        let d = decode(&png_rgba(&img), 64 * MB).unwrap();
        assert!(d.alpha);
        let webp = make(
            &d,
            Op::Width(32),
            Encoding {
                format: Format::Webp,
                quality: 80,
            },
        )
        .unwrap();
        let back = image::load_from_memory(&webp).unwrap();
        assert!(back.color().has_alpha());
        assert_eq!((back.width(), back.height()), (32, 16));
        assert!(back.get_pixel(2, 8).0[3] < 10, "{:?}", back.get_pixel(2, 8));
        assert!(back.get_pixel(29, 8).0[3] > 245);

        let png = make(
            &d,
            Op::Width(32),
            Encoding {
                format: Format::Png,
                quality: 80,
            },
        )
        .unwrap();
        assert!(image::load_from_memory(&png).unwrap().color().has_alpha());

        let jpg = make(
            &d,
            Op::Width(64),
            Encoding {
                format: Format::Jpeg,
                quality: 90,
            },
        )
        .unwrap();
        let back = image::load_from_memory(&jpg).unwrap().to_rgb8();
        let white = back.get_pixel(4, 16).0;
        assert!(white.iter().all(|&c| c > 240), "{white:?}");
    }

    #[test]
    fn same_input_same_bytes() {
        let bytes = jpeg(&busy(320, 240), 90);
        for format in [Format::Webp, Format::Jpeg, Format::Png] {
            let enc = Encoding {
                format,
                quality: 80,
            };
            let a = make(&decode(&bytes, 64 * MB).unwrap(), Op::Width(200), enc).unwrap();
            let b = make(&decode(&bytes, 64 * MB).unwrap(), Op::Width(200), enc).unwrap();
            assert_eq!(a, b, "{format:?}");
            let fill = Op::Fill {
                width: 160,
                height: 90,
            };
            let a = make(&decode(&bytes, 64 * MB).unwrap(), fill, enc).unwrap();
            let b = make(&decode(&bytes, 64 * MB).unwrap(), fill, enc).unwrap();
            assert_eq!(a, b, "{format:?} fill");
        }
    }

    #[test]
    fn output_size_is_what_make_makes() {
        let shapes = [
            (400, 300),
            (301, 199),
            (199, 301),
            (1, 1),
            (3, 2),
            (50, 400),
            (400, 7),
        ];
        let ops = [
            Op::Width(480),
            Op::Width(200),
            Op::Width(33),
            Op::Width(1),
            Op::Fill {
                width: 480,
                height: 270,
            },
            Op::Fill {
                width: 120,
                height: 63,
            },
            Op::Fill {
                width: 100,
                height: 100,
            },
            Op::Fill {
                width: 7,
                height: 3,
            },
            Op::Fill {
                width: 1,
                height: 1,
            },
        ];
        for (w, h) in shapes {
            let d = decode(&jpeg(&busy(w, h), 90), 64 * MB).unwrap();
            assert_eq!((d.width, d.height), (w, h));
            for op in ops {
                let want = output_size(w, h, op);
                assert!(
                    want.0 >= 1 && want.1 >= 1 && want.0 <= w && want.1 <= h,
                    "{w}×{h} {op:?} → {want:?}"
                );
                let out = make(
                    &d,
                    op,
                    Encoding {
                        format: Format::Png,
                        quality: 80,
                    },
                )
                .unwrap();
                let got = probe(&out).unwrap();
                assert_eq!((got.width, got.height), want, "{w}×{h} {op:?}");
            }
        }
    }

    #[test]
    fn output_size_rules() {
        // Never up.
        assert_eq!(output_size(300, 200, Op::Width(480)), (300, 200));
        assert_eq!(output_size(300, 200, Op::Width(300)), (300, 200));
        // In proportion, rounded.
        assert_eq!(output_size(4000, 3000, Op::Width(480)), (480, 360));
        assert_eq!(output_size(3000, 4000, Op::Width(1440)), (1440, 1920));
        assert_eq!(output_size(1001, 667, Op::Width(480)), (480, 320));
        assert_eq!(output_size(2000, 1, Op::Width(480)), (480, 1));
        // Fill: the box, or the largest box of its shape a small source holds.
        let card = Op::Fill {
            width: 1200,
            height: 630,
        };
        assert_eq!(output_size(4000, 3000, card), (1200, 630));
        assert_eq!(output_size(1000, 1000, card), (1000, 525));
        assert_eq!(output_size(1300, 600, card), (1143, 600));
        let thumb = Op::Fill {
            width: 480,
            height: 270,
        };
        assert_eq!(output_size(300, 200, thumb), (300, 169));
        assert_eq!(output_size(480, 270, thumb), (480, 270));
        assert_eq!(output_size(1, 1, card), (1, 1));
    }

    #[test]
    fn fill_crops_the_centre() {
        // A wide picture: a black band in the middle third, white outside.
        let img = RgbImage::from_fn(300, 100, |x, _| {
            if (100..200).contains(&x) {
                Rgb([0, 0, 0])
            } else {
                Rgb([255, 255, 255])
            }
        });
        let d = decode(&jpeg(&img, 95), 64 * MB).unwrap();
        // A square crop keeps the middle 100×100: all black.
        let out = make(
            &d,
            Op::Fill {
                width: 50,
                height: 50,
            },
            Encoding {
                format: Format::Png,
                quality: 80,
            },
        )
        .unwrap();
        let back = image::load_from_memory(&out).unwrap().to_rgb8();
        assert_eq!(back.dimensions(), (50, 50));
        for (x, y) in [(5, 5), (25, 25), (44, 44)] {
            assert!(back.get_pixel(x, y).0.iter().all(|&c| c < 40), "{x},{y}");
        }
    }

    #[test]
    fn memory_limit_is_a_readable_error() {
        let bytes = jpeg(&busy(400, 300), 80);
        let err = decode(&bytes, 100_000).err().expect("over the limit");
        assert_eq!(err, "would need 0.3 MB to decode, over the 0.1 MB limit");
        assert!(decode(&bytes, 400 * 300 * 3).is_ok());
        // Sideways: room for the turned copy is needed too.
        let sideways = with_exif(&bytes, 6);
        assert!(decode(&sideways, 400 * 300 * 3).is_err());
        let d = decode(&sideways, 2 * 400 * 300 * 3).unwrap();
        assert_eq!((d.width, d.height), (300, 400));
        assert_eq!(d.bytes(), 400 * 300 * 3);
    }

    #[test]
    fn avif_encodes() {
        let d = decode(&jpeg(&busy(64, 48), 90), 64 * MB).unwrap();
        let out = make(
            &d,
            Op::Width(32),
            Encoding {
                format: Format::Avif,
                quality: 60,
            },
        )
        .unwrap();
        assert!(contains(&out[..32], b"ftypavif"), "{:?}", &out[..32]);
        assert!(!contains(&out, b"Exif"));
    }
}
