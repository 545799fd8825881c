//! Decoding, resizing and encoding one picture: the pixel work, with no knowledge of sites,
//! caches or URLs. (Contract: filled in by the image helper.)

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

/// Reads a picture's header (format, displayed size, alpha), without decoding its pixels.
pub fn probe(bytes: &[u8]) -> Result<Probe, String> {
    let _ = bytes;
    Err("image probing is not built yet".into())
}

/// A decoded picture, upright (EXIF orientation applied), 8 bits per channel.
pub struct Decoded {
    pub width: u32,
    pub height: u32,
}

/// Decodes a whole picture, refusing one that would need more than `max_bytes` of memory.
/// Errors say what is wrong in words a writer understands ("truncated", "not a JPEG").
pub fn decode(bytes: &[u8], max_bytes: u64) -> Result<Decoded, String> {
    let _ = (bytes, max_bytes);
    Err("image decoding is not built yet".into())
}

/// One version of a decoded picture: resized (never up) or cropped as `op` says and
/// encoded. The bytes carry no metadata (no EXIF, no GPS).
pub fn make(picture: &Decoded, op: Op, encoding: Encoding) -> Result<Vec<u8>, String> {
    let _ = (picture, op, encoding);
    Err("image encoding is not built yet".into())
}

/// The size `op` gives a `width`×`height` picture (what [`make`] will produce), so that pages
/// can say `width`/`height` before any pixel is touched. Never larger than the source.
pub fn output_size(width: u32, height: u32, op: Op) -> (u32, u32) {
    let _ = op;
    (width, height)
}
