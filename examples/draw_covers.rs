//! Draws the demo site's pictures: abstract cover art for the articles in `content/` (chips,
//! wafers, server halls, waves, networks, charts, orbits, film strips, code windows…), in
//! one colour scheme per section (资讯 blue and teal, 深度 violet, 评论 red and amber), two
//! body pictures and a transparent PNG mark. Nothing is downloaded: every pixel is computed
//! here, from a seed per file, so a run writes the same bytes every time.
//!
//! Regenerate (from the repository root): `cargo run --example draw_covers` (about a minute;
//! `-- --out DIR` writes the tree under DIR instead, to look at it without touching the repo).
//!
//! Sizes are those a newsroom uploads: 1600×900 for features and recent news, 1280×720 for
//! older news and opinion pieces, one 2400×1600 camera-sized picture, one 1080×1440
//! portrait, one 800×450 brief, JPEG quality 80 (about 3 MB in all); the mark is a 512×512
//! RGBA PNG with a soft shadow.

use std::f32::consts::{PI, TAU};
use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use image::codecs::jpeg::JpegEncoder;
use image::{ImageEncoder, Rgb, RgbImage, Rgba, RgbaImage};

const QUALITY: u8 = 80;

// ---------------------------------------------------------------------------------------
// What is drawn where.

#[derive(Clone, Copy)]
enum Motif {
    Chip,
    Racks,
    Wafer,
    Waves,
    Bokeh,
    Network,
    BarsUp,
    BarsDown,
    Orbit,
    Film,
    Code,
    Pillars,
    Phone,
    Attention,
    TwoOrbs,
    Pebble,
}

/// One picture: its path from the site root, palette (section, variant), motif and size.
struct Job {
    path: &'static str,
    section: Section,
    variant: usize,
    motif: Motif,
    size: (u32, u32),
}

#[derive(Clone, Copy)]
enum Section {
    News,
    Feature,
    Opinion,
}

const fn job(
    path: &'static str,
    section: Section,
    variant: usize,
    motif: Motif,
    size: (u32, u32),
) -> Job {
    Job {
        path,
        section,
        variant,
        motif,
        size,
    }
}

const WIDE: (u32, u32) = (1600, 900);
/// Older and opinion pieces: what the CMS of the time stored.
const HD: (u32, u32) = (1280, 720);

use Motif::*;
use Section::*;

#[rustfmt::skip]
const JOBS: &[Job] = &[
    // 资讯
    job("static/img/covers/musk-sues-openai.jpg", News, 2, Pillars, HD),
    job("static/img/covers/apple-intelligence.jpg", News, 2, Bokeh, HD),
    job("static/img/covers/gpu-startup-funding.jpg", News, 0, BarsUp, HD),
    job("static/img/covers/gpt-5.jpg", News, 0, Network, HD),
    job("static/img/covers/nvidia-rubin.jpg", News, 1, Chip, WIDE),
    job("static/img/covers/colossus-2.jpg", News, 0, Racks, WIDE),
    job("static/img/covers/chatgpt-users.jpg", News, 1, Bokeh, HD),
    job("static/img/covers/gpt-4o.jpg", News, 0, Waves, HD),
    job("static/img/covers/grok-beta.jpg", News, 2, Orbit, (800, 450)),
    job("static/img/covers/sora.jpg", News, 2, Film, HD),
    job("static/img/covers/grok-1-open.jpg", News, 1, Network, HD),
    job("static/img/covers/linux-6-13.jpg", News, 1, Code, HD),
    job("static/img/covers/deepseek-r1.jpg", News, 2, Network, HD),
    job("static/img/covers/grok-3.jpg", News, 0, Orbit, HD),
    job("static/img/covers/openai-device.jpg", News, 2, Pebble, WIDE),
    job("static/img/covers/aliyun-price-cut.jpg", News, 1, BarsDown, HD),
    job("static/img/covers/nvidia-blackwell.jpg", News, 0, Chip, HD),
    job("static/img/covers/copilot-office.jpg", News, 0, Code, HD),
    job("static/img/covers/xai-founded.jpg", News, 2, Orbit, HD),
    job("static/img/covers/xai-series-b.jpg", News, 0, BarsUp, HD),
    job("static/img/covers/llama-3.jpg", News, 1, Waves, HD),
    job("static/img/covers/gpt-4.jpg", News, 0, Bokeh, HD),
    // 资讯, a page bundle: the cover and a body picture beside its index.md
    job("content/资讯/台积电二纳米量产/cover.jpg", News, 1, Wafer, WIDE),
    job("content/资讯/台积电二纳米量产/die.jpg", News, 0, Chip, (1200, 800)),
    // 深度
    job("static/img/covers/ai-outlook-2027.jpg", Feature, 0, Waves, WIDE),
    job("static/img/covers/openai-governance.jpg", Feature, 1, Pillars, WIDE),
    job("static/img/covers/china-ai-chips.jpg", Feature, 2, Chip, WIDE),
    job("static/img/covers/colossus.jpg", Feature, 1, Racks, (2400, 1600)),
        job("static/img/covers/open-weights-2025.jpg", Feature, 2, Bokeh, WIDE),
    job("static/img/covers/cloud-capex.jpg", Feature, 1, BarsUp, WIDE),
    // 深度, body pictures
    job("static/img/body/colossus-power.jpg", Feature, 2, Waves, WIDE),
    job("static/img/body/kv-cache-attention.jpg", Feature, 0, Attention, WIDE),
    // 评论
    job("static/img/covers/musk-openai-feud.jpg", Opinion, 0, TwoOrbs, HD),
    job("static/img/covers/copilot-pricing.jpg", Opinion, 1, BarsUp, HD),
    job("static/img/covers/open-weights-vs-open-source.jpg", Opinion, 2, Network, HD),
    job("static/img/covers/sora-creators.jpg", Opinion, 0, Film, HD),
    job("static/img/covers/price-war.jpg", Opinion, 1, BarsDown, HD),
    job("static/img/covers/ai-phone.jpg", Opinion, 2, Phone, (1080, 1440)),
    job("static/img/covers/prompt-injection.jpg", Opinion, 0, Code, HD),
    job("static/img/covers/rust-in-kernel.jpg", Opinion, 1, Code, HD),
];

/// The transparent mark (a chip in the site's red), for the launch notice's body.
const MARK: &str = "static/img/brand/siji-mark.png";

// ---------------------------------------------------------------------------------------
// Colours.

type Rgbf = [f32; 3];

const fn hex(c: u32) -> Rgbf {
    [
        ((c >> 16) & 255) as f32 / 255.0,
        ((c >> 8) & 255) as f32 / 255.0,
        (c & 255) as f32 / 255.0,
    ]
}

fn mix(a: Rgbf, b: Rgbf, t: f32) -> Rgbf {
    let t = t.clamp(0.0, 1.0);
    [
        a[0] + (b[0] - a[0]) * t,
        a[1] + (b[1] - a[1]) * t,
        a[2] + (b[2] - a[2]) * t,
    ]
}

fn scale(a: Rgbf, k: f32) -> Rgbf {
    [a[0] * k, a[1] * k, a[2] * k]
}

const BLACK: Rgbf = [0.0, 0.0, 0.0];
const WHITE: Rgbf = [1.0, 1.0, 1.0];

/// Background stops (dark to bright) and three accents.
struct Palette {
    bg: [Rgbf; 3],
    accent: Rgbf,
    accent2: Rgbf,
    light: Rgbf,
}

const fn palette(bg: [u32; 3], accent: u32, accent2: u32, light: u32) -> Palette {
    Palette {
        bg: [hex(bg[0]), hex(bg[1]), hex(bg[2])],
        accent: hex(accent),
        accent2: hex(accent2),
        light: hex(light),
    }
}

const NEWS: [Palette; 3] = [
    palette([0x061a3a, 0x0b3d91, 0x0ea5e9], 0x38bdf8, 0x22d3ee, 0xe0f2fe),
    palette([0x03211f, 0x0f766e, 0x14b8a6], 0x5eead4, 0xa7f3d0, 0xf0fdfa),
    palette([0x0b1026, 0x1e3a8a, 0x6366f1], 0x818cf8, 0x38bdf8, 0xeef2ff),
];
const FEATURE: [Palette; 3] = [
    palette([0x1a0b2e, 0x4c1d95, 0xa21caf], 0xf0abfc, 0xfbbf24, 0xfdf4ff),
    palette([0x0f0a1e, 0x312e81, 0x7c3aed], 0xc4b5fd, 0xf472b6, 0xf5f3ff),
    palette([0x160d24, 0x581c87, 0xdb2777], 0xf9a8d4, 0xfde68a, 0xfdf2f8),
];
const OPINION: [Palette; 3] = [
    palette([0x2a0a0a, 0x991b1b, 0xea580c], 0xfdba74, 0xfde047, 0xfff7ed),
    palette([0x1c0f0a, 0x7c2d12, 0xd97706], 0xfcd34d, 0xfca5a5, 0xfffbeb),
    palette([0x260b14, 0x9f1239, 0xf43f5e], 0xfda4af, 0xfed7aa, 0xfff1f2),
];

fn palette_of(section: Section, variant: usize) -> &'static Palette {
    let set = match section {
        News => &NEWS,
        Feature => &FEATURE,
        Opinion => &OPINION,
    };
    &set[variant % set.len()]
}

// ---------------------------------------------------------------------------------------
// Random numbers: splitmix64 seeded by the file's path.

struct Rng(u64);

impl Rng {
    fn for_path(path: &str) -> Self {
        // FNV-1a of the path.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in path.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x100_0000_01b3);
        }
        Rng(h)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn f(&mut self) -> f32 {
        (self.next_u64() >> 40) as f32 / (1u64 << 24) as f32
    }

    fn range(&mut self, lo: f32, hi: f32) -> f32 {
        lo + (hi - lo) * self.f()
    }

    fn chance(&mut self, p: f32) -> bool {
        self.f() < p
    }

    fn pick(&mut self, colours: &[Rgbf]) -> Rgbf {
        colours[(self.next_u64() % colours.len() as u64) as usize]
    }
}

// ---------------------------------------------------------------------------------------
// A canvas of premultiplied RGBA floats, and anti-aliased shapes from distance functions.

#[derive(Clone, Copy, PartialEq)]
enum Blend {
    /// Paint over (alpha compositing).
    Over,
    /// Add light (glows, bokeh).
    Add,
}

struct Canvas {
    w: usize,
    h: usize,
    px: Vec<[f32; 4]>,
}

/// Coverage of a pixel at signed distance `d` (negative inside) from an edge `soft` wide.
fn cover(d: f32, soft: f32) -> f32 {
    (0.5 - d / soft.max(1e-3)).clamp(0.0, 1.0)
}

/// Signed distance to a box of half-size (hw, hh) with corner radius `r`, centred at 0.
fn rbox(x: f32, y: f32, hw: f32, hh: f32, r: f32) -> f32 {
    let r = r.min(hw).min(hh);
    let qx = x.abs() - hw + r;
    let qy = y.abs() - hh + r;
    let outside = (qx.max(0.0).powi(2) + qy.max(0.0).powi(2)).sqrt();
    outside + qx.max(qy).min(0.0) - r
}

/// Distance to the segment a–b.
fn segment(px: f32, py: f32, a: (f32, f32), b: (f32, f32)) -> f32 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len2 = (dx * dx + dy * dy).max(1e-6);
    let t = (((px - a.0) * dx + (py - a.1) * dy) / len2).clamp(0.0, 1.0);
    ((px - a.0 - t * dx).powi(2) + (py - a.1 - t * dy).powi(2)).sqrt()
}

/// A rounded rectangle: centre, half size, corner radius, rotation (radians), and a stroke
/// width (0 fills it).
#[derive(Clone, Copy)]
struct Rect {
    cx: f32,
    cy: f32,
    hw: f32,
    hh: f32,
    r: f32,
    angle: f32,
    stroke: f32,
}

fn rect(cx: f32, cy: f32, hw: f32, hh: f32, r: f32) -> Rect {
    Rect {
        cx,
        cy,
        hw,
        hh,
        r,
        angle: 0.0,
        stroke: 0.0,
    }
}

impl Rect {
    fn rotated(self, angle: f32) -> Rect {
        Rect { angle, ..self }
    }

    fn outline(self, stroke: f32) -> Rect {
        Rect { stroke, ..self }
    }

    /// Local coordinates: (x, y) relative to the centre in the rectangle's own axes.
    fn local(&self, x: f32, y: f32) -> (f32, f32) {
        let (s, c) = self.angle.sin_cos();
        let (dx, dy) = (x - self.cx, y - self.cy);
        (dx * c + dy * s, -dx * s + dy * c)
    }

    fn distance(&self, x: f32, y: f32) -> f32 {
        let (lx, ly) = self.local(x, y);
        let d = rbox(lx, ly, self.hw, self.hh, self.r);
        if self.stroke > 0.0 {
            d.abs() - self.stroke / 2.0
        } else {
            d
        }
    }

    fn bounds(&self) -> (f32, f32, f32, f32) {
        let reach = (self.hw * self.hw + self.hh * self.hh).sqrt() + self.stroke + 2.0;
        (
            self.cx - reach,
            self.cy - reach,
            self.cx + reach,
            self.cy + reach,
        )
    }
}

impl Canvas {
    fn new(w: u32, h: u32) -> Self {
        Canvas {
            w: w as usize,
            h: h as usize,
            px: vec![[0.0; 4]; w as usize * h as usize],
        }
    }

    fn wf(&self) -> f32 {
        self.w as f32
    }

    fn hf(&self) -> f32 {
        self.h as f32
    }

    /// Paints the pixels of the box (x0, y0)–(x1, y1) that `f` gives a colour and coverage.
    fn shade(
        &mut self,
        (x0, y0, x1, y1): (f32, f32, f32, f32),
        blend: Blend,
        f: impl Fn(f32, f32) -> (Rgbf, f32),
    ) {
        let clampx = |v: f32| (v.max(0.0) as usize).min(self.w);
        let clampy = |v: f32| (v.max(0.0) as usize).min(self.h);
        let (xa, xb) = (clampx(x0.floor()), clampx(x1.ceil() + 1.0));
        let (ya, yb) = (clampy(y0.floor()), clampy(y1.ceil() + 1.0));
        for y in ya..yb {
            for x in xa..xb {
                let (c, a) = f(x as f32 + 0.5, y as f32 + 0.5);
                if a <= 0.0 {
                    continue;
                }
                let a = a.min(1.0);
                let d = &mut self.px[y * self.w + x];
                match blend {
                    Blend::Over => {
                        for i in 0..3 {
                            d[i] = c[i] * a + d[i] * (1.0 - a);
                        }
                        d[3] = a + d[3] * (1.0 - a);
                    }
                    Blend::Add => {
                        for i in 0..3 {
                            d[i] += c[i] * a;
                        }
                    }
                }
            }
        }
    }

    fn everywhere(&self) -> (f32, f32, f32, f32) {
        (0.0, 0.0, self.wf(), self.hf())
    }

    /// A linear gradient over the whole canvas along `angle`, through `stops`.
    fn gradient(&mut self, stops: &[Rgbf; 3], angle: f32) {
        let (s, c) = angle.sin_cos();
        let (w, h) = (self.wf(), self.hf());
        let span = w * c.abs() + h * s.abs();
        self.shade(self.everywhere(), Blend::Over, |x, y| {
            let t = ((x - w / 2.0) * c + (y - h / 2.0) * s) / span + 0.5;
            let colour = if t < 0.5 {
                mix(stops[0], stops[1], t * 2.0)
            } else {
                mix(stops[1], stops[2], t * 2.0 - 1.0)
            };
            (colour, 1.0)
        });
    }

    /// Light that falls off smoothly from (cx, cy) to nothing at `r`.
    fn glow(&mut self, cx: f32, cy: f32, r: f32, colour: Rgbf, alpha: f32) {
        self.shade((cx - r, cy - r, cx + r, cy + r), Blend::Add, |x, y| {
            let d = ((x - cx).powi(2) + (y - cy).powi(2)).sqrt() / r;
            let k = (1.0 - d).max(0.0);
            (colour, alpha * k * k)
        });
    }

    /// A disc with an edge `soft` pixels wide (1 is crisp, larger is out of focus).
    fn disc(
        &mut self,
        (cx, cy): (f32, f32),
        r: f32,
        colour: Rgbf,
        alpha: f32,
        soft: f32,
        b: Blend,
    ) {
        let reach = r + soft;
        self.shade(
            (cx - reach, cy - reach, cx + reach, cy + reach),
            b,
            |x, y| {
                let d = ((x - cx).powi(2) + (y - cy).powi(2)).sqrt() - r;
                (colour, alpha * cover(d, soft))
            },
        );
    }

    fn ring(
        &mut self,
        (cx, cy): (f32, f32),
        r: f32,
        width: f32,
        colour: Rgbf,
        alpha: f32,
        b: Blend,
    ) {
        let reach = r + width + 2.0;
        self.shade(
            (cx - reach, cy - reach, cx + reach, cy + reach),
            b,
            |x, y| {
                let d = (((x - cx).powi(2) + (y - cy).powi(2)).sqrt() - r).abs() - width / 2.0;
                (colour, alpha * cover(d, 1.0))
            },
        );
    }

    fn line(
        &mut self,
        a: (f32, f32),
        b: (f32, f32),
        width: f32,
        colour: Rgbf,
        alpha: f32,
        bl: Blend,
    ) {
        let reach = width + 2.0;
        let bounds = (
            a.0.min(b.0) - reach,
            a.1.min(b.1) - reach,
            a.0.max(b.0) + reach,
            a.1.max(b.1) + reach,
        );
        self.shade(bounds, bl, |x, y| {
            let d = segment(x, y, a, b) - width / 2.0;
            (colour, alpha * cover(d, 1.0))
        });
    }

    /// A soft line of light (a trace's glow).
    fn beam(&mut self, a: (f32, f32), b: (f32, f32), width: f32, colour: Rgbf, alpha: f32) {
        let reach = width + 2.0;
        let bounds = (
            a.0.min(b.0) - reach,
            a.1.min(b.1) - reach,
            a.0.max(b.0) + reach,
            a.1.max(b.1) + reach,
        );
        self.shade(bounds, Blend::Add, |x, y| {
            let k = (1.0 - segment(x, y, a, b) / width).max(0.0);
            (colour, alpha * k * k)
        });
    }

    fn polyline(&mut self, points: &[(f32, f32)], width: f32, colour: Rgbf, alpha: f32, b: Blend) {
        for pair in points.windows(2) {
            self.line(pair[0], pair[1], width, colour, alpha, b);
        }
    }

    /// A rounded rectangle filled by `fill(u, v)` → (colour, alpha), u and v in 0..1 across
    /// the rectangle's own axes.
    fn rect(&mut self, r: Rect, b: Blend, fill: impl Fn(f32, f32) -> (Rgbf, f32)) {
        self.shade(r.bounds(), b, |x, y| {
            let d = r.distance(x, y);
            if d > 1.0 {
                return (BLACK, 0.0);
            }
            let (lx, ly) = r.local(x, y);
            let u = (lx / (2.0 * r.hw) + 0.5).clamp(0.0, 1.0);
            let v = (ly / (2.0 * r.hh) + 0.5).clamp(0.0, 1.0);
            let (colour, alpha) = fill(u, v);
            (colour, alpha * cover(d, 1.0))
        });
    }

    fn solid(&mut self, r: Rect, colour: Rgbf, alpha: f32, b: Blend) {
        self.rect(r, b, |_, _| (colour, alpha));
    }

    /// The region below the curve y = f(x), shaded from `top` at the curve to `bottom` at
    /// the canvas' foot.
    fn band(&mut self, f: impl Fn(f32) -> f32, top: Rgbf, bottom: Rgbf, alpha: f32) {
        let h = self.hf();
        self.shade(self.everywhere(), Blend::Over, |x, y| {
            let edge = f(x);
            let d = edge - y;
            let t = ((y - edge) / (h - edge).max(1.0)).clamp(0.0, 1.0);
            (mix(top, bottom, t), alpha * cover(d, 1.5))
        });
    }

    /// Darkens the corners.
    fn vignette(&mut self, strength: f32) {
        let (w, h) = (self.wf(), self.hf());
        self.shade(self.everywhere(), Blend::Over, |x, y| {
            let dx = (x / w - 0.5) * 2.0;
            let dy = (y / h - 0.5) * 2.0;
            let d = ((dx * dx + dy * dy) / 2.0).sqrt();
            (BLACK, strength * (d * d).min(1.0))
        });
    }

    /// The opaque picture, with a 4×4 ordered dither against banding in the gradients.
    fn to_rgb(&self) -> RgbImage {
        const BAYER: [f32; 16] = [
            0.0, 8.0, 2.0, 10.0, 12.0, 4.0, 14.0, 6.0, 3.0, 11.0, 1.0, 9.0, 15.0, 7.0, 13.0, 5.0,
        ];
        RgbImage::from_fn(self.w as u32, self.h as u32, |x, y| {
            let p = self.px[y as usize * self.w + x as usize];
            let dither = BAYER[((y % 4) * 4 + x % 4) as usize] / 16.0 - 0.5;
            let q = |v: f32| {
                (v.clamp(0.0, 1.0) * 255.0 + dither)
                    .round()
                    .clamp(0.0, 255.0) as u8
            };
            Rgb([q(p[0]), q(p[1]), q(p[2])])
        })
    }

    /// The picture with its transparency (straight alpha, as PNG stores it).
    fn to_rgba(&self) -> RgbaImage {
        RgbaImage::from_fn(self.w as u32, self.h as u32, |x, y| {
            let p = self.px[y as usize * self.w + x as usize];
            let a = p[3].clamp(0.0, 1.0);
            let q = |v: f32| (v.clamp(0.0, 1.0) * 255.0).round() as u8;
            if a <= 0.0 {
                return Rgba([0, 0, 0, 0]);
            }
            Rgba([q(p[0] / a), q(p[1] / a), q(p[2] / a), q(a)])
        })
    }
}

// ---------------------------------------------------------------------------------------
// The motifs. Each draws on a canvas that already has its background.

/// Gradient, two large glows, the motif, a vignette.
fn draw(job: &Job) -> Canvas {
    let (w, h) = job.size;
    let mut c = Canvas::new(w, h);
    let mut r = Rng::for_path(job.path);
    let p = palette_of(job.section, job.variant);
    c.gradient(&p.bg, r.range(0.2, 0.9));
    let (wf, hf) = (c.wf(), c.hf());
    let big = wf.max(hf);
    c.glow(
        r.range(0.6, 1.0) * wf,
        r.range(0.0, 0.4) * hf,
        big * 0.6,
        p.accent,
        0.22,
    );
    c.glow(
        r.range(0.0, 0.3) * wf,
        r.range(0.6, 1.0) * hf,
        big * 0.5,
        p.bg[2],
        0.25,
    );
    match job.motif {
        Chip => chip(&mut c, p, &mut r),
        Racks => racks(&mut c, p, &mut r),
        Wafer => wafer(&mut c, p, &mut r),
        Waves => waves(&mut c, p, &mut r),
        Bokeh => bokeh(&mut c, p, &mut r),
        Network => network(&mut c, p, &mut r),
        BarsUp => bars(&mut c, p, &mut r, true),
        BarsDown => bars(&mut c, p, &mut r, false),
        Orbit => orbit(&mut c, p, &mut r),
        Film => film(&mut c, p, &mut r),
        Code => code(&mut c, p, &mut r),
        Pillars => pillars(&mut c, p, &mut r),
        Phone => phone(&mut c, p, &mut r),
        Attention => attention(&mut c, p, &mut r),
        TwoOrbs => two_orbs(&mut c, p, &mut r),
        Pebble => pebble(&mut c, p, &mut r),
    }
    c.vignette(0.35);
    c
}

/// The unit of length: 1 at 900 px on the short side.
fn unit(c: &Canvas) -> f32 {
    c.wf().min(c.hf()) / 900.0
}

fn chip(c: &mut Canvas, p: &Palette, r: &mut Rng) {
    let s = unit(c);
    let (w, h) = (c.wf(), c.hf());
    let (cx, cy) = (w * r.range(0.55, 0.66), h * 0.5);
    let hs = h * 0.2;
    // Traces leave each side, bend 45° once and end in a via.
    let pins = 9;
    for side in 0..4 {
        let (nx, ny) = [(1.0, 0.0), (0.0, 1.0), (-1.0, 0.0), (0.0, -1.0)][side];
        let (tx, ty) = (-ny, nx);
        for k in 0..pins {
            if r.chance(0.15) {
                continue;
            }
            let t = -hs * 0.8 + k as f32 * (1.6 * hs / (pins - 1) as f32);
            let start = (
                cx + nx * (hs + 22.0 * s) + tx * t,
                cy + ny * (hs + 22.0 * s) + ty * t,
            );
            let l1 = r.range(0.03, 0.12) * w;
            let l2 = r.range(0.02, 0.1) * w;
            let l3 = r.range(0.05, 0.3) * w;
            let sign = if t >= 0.0 { 1.0 } else { -1.0 };
            let p1 = (start.0 + nx * l1, start.1 + ny * l1);
            let d = std::f32::consts::FRAC_1_SQRT_2 * l2;
            let p2 = (p1.0 + (nx + tx * sign) * d, p1.1 + (ny + ty * sign) * d);
            let p3 = (p2.0 + nx * l3, p2.1 + ny * l3);
            let colour = if r.chance(0.3) { p.accent2 } else { p.accent };
            for pair in [(start, p1), (p1, p2), (p2, p3)] {
                c.beam(pair.0, pair.1, 10.0 * s, colour, 0.1);
            }
            c.polyline(&[start, p1, p2, p3], 2.6 * s, colour, 0.6, Blend::Over);
            c.ring((p3.0, p3.1), 6.0 * s, 2.5 * s, colour, 0.8, Blend::Over);
            if r.chance(0.4) {
                c.glow(p3.0, p3.1, 30.0 * s, colour, 0.35);
            }
        }
    }
    c.glow(cx, cy, hs * 3.0, p.accent, 0.35);
    // Pins.
    let body = rect(cx, cy, hs, hs, 18.0 * s);
    for side in 0..4 {
        let (nx, ny) = [(1.0, 0.0), (0.0, 1.0), (-1.0, 0.0), (0.0, -1.0)][side];
        let (tx, ty) = (-ny, nx);
        for k in 0..14 {
            let t = -hs * 0.85 + k as f32 * (1.7 * hs / 13.0);
            let (px, py) = (
                cx + nx * (hs + 10.0 * s) + tx * t,
                cy + ny * (hs + 10.0 * s) + ty * t,
            );
            let (hw, hh) = if nx != 0.0 {
                (12.0 * s, 4.0 * s)
            } else {
                (4.0 * s, 12.0 * s)
            };
            c.solid(rect(px, py, hw, hh, 2.0 * s), p.light, 0.75, Blend::Over);
        }
    }
    // Package, outline, die and its cells.
    let dark = mix(p.bg[0], BLACK, 0.4);
    let lit = mix(p.bg[1], BLACK, 0.3);
    c.rect(body, Blend::Over, |u, v| {
        (mix(lit, dark, (u + v) / 2.0), 1.0)
    });
    c.solid(body.outline(2.5 * s), p.accent, 0.7, Blend::Over);
    let die = rect(cx, cy, hs * 0.62, hs * 0.62, 10.0 * s);
    c.solid(die, mix(p.bg[0], BLACK, 0.6), 1.0, Blend::Over);
    c.solid(die.outline(2.0 * s), p.light, 0.35, Blend::Over);
    let cells = 6;
    let cell = hs * 1.24 / cells as f32;
    for i in 0..cells {
        for j in 0..cells {
            let x = cx - hs * 0.62 + (i as f32 + 0.5) * cell;
            let y = cy - hs * 0.62 + (j as f32 + 0.5) * cell;
            let colour = mix(p.accent, p.accent2, r.f());
            let alpha = r.range(0.25, 0.95);
            c.solid(
                rect(x, y, cell * 0.38, cell * 0.38, 3.0 * s),
                colour,
                alpha,
                Blend::Over,
            );
        }
    }
    // A sheen across the package.
    c.rect(body, Blend::Add, |u, v| {
        let k = (-((u - v + 0.2) * 6.0).powi(2)).exp();
        (WHITE, 0.12 * k)
    });
}

fn racks(c: &mut Canvas, p: &Palette, r: &mut Rng) {
    let s = unit(c);
    let (w, h) = (c.wf(), c.hf());
    // Ceiling light strips.
    for k in 0..4 {
        let y = h * (0.05 + 0.05 * k as f32);
        c.beam(
            (w * 0.1, y),
            (w * 0.9, y),
            14.0 * s,
            p.light,
            0.18 - 0.03 * k as f32,
        );
    }
    c.glow(w * 0.5, h * 0.42, w * 0.25, p.accent, 0.45);
    let layers = [(0.42, 0.56, 0.55), (0.68, 0.7, 0.3), (1.0, 0.88, 0.0)];
    for (depth, &(scale_k, floor, fog)) in layers.iter().enumerate() {
        let k = scale_k * s;
        let rack_w = 150.0 * k;
        let rack_h = 560.0 * k;
        let gap = 16.0 * k;
        let floor_y = h * floor;
        let body = mix(mix(p.bg[0], BLACK, 0.5), p.bg[1], fog);
        let mut x = -r.range(0.0, rack_w);
        // An aisle down the middle shows the rows behind.
        let aisle = [0.0, 0.09, 0.2][depth] * w;
        while x < w {
            let cx = x + rack_w / 2.0;
            if (cx - w / 2.0).abs() < aisle {
                x += rack_w + gap;
                continue;
            }
            let cy = floor_y - rack_h / 2.0;
            let box_ = rect(cx, cy, rack_w / 2.0, rack_h / 2.0, 6.0 * k);
            c.rect(box_, Blend::Over, |u, _| (scale(body, 0.85 + 0.3 * u), 1.0));
            c.solid(
                box_.outline(2.0 * k),
                p.light,
                0.12 + 0.1 * depth as f32,
                Blend::Over,
            );
            // A unit every 28 px: a slot, and LEDs at its right.
            let unit_h = 28.0 * k;
            let rows = (rack_h / unit_h) as usize;
            for row in 1..rows.saturating_sub(1) {
                let y = floor_y - rack_h + (row as f32 + 0.5) * unit_h;
                c.line(
                    (cx - rack_w * 0.38, y),
                    (cx + rack_w * 0.12, y),
                    5.0 * k,
                    mix(body, WHITE, 0.12),
                    1.0,
                    Blend::Over,
                );
                for led in 0..3 {
                    if !r.chance(0.4) {
                        continue;
                    }
                    let colour = r.pick(&[p.accent, p.accent2, p.accent, hex(0x4ade80)]);
                    let colour = mix(colour, p.bg[1], fog);
                    let lx = cx + rack_w * (0.22 + 0.07 * led as f32);
                    c.disc((lx, y), 2.6 * k, colour, 1.0, 1.0, Blend::Over);
                    c.glow(lx, y, 12.0 * k, colour, 0.25);
                    // The reflection on the polished floor.
                    let ry = 2.0 * floor_y - y;
                    if ry < h {
                        c.glow(lx, ry, 10.0 * k, colour, 0.08);
                    }
                }
            }
            x += rack_w + gap;
        }
        // Floor in front of this row.
        let fy = floor_y;
        let floor_colour = mix(p.bg[0], BLACK, 0.3);
        c.shade((0.0, fy, w, h), Blend::Over, |_, y| {
            let t = ((y - fy) / (h - fy).max(1.0)).clamp(0.0, 1.0);
            (floor_colour, 0.35 + 0.3 * t)
        });
        c.beam((0.0, fy), (w, fy), 6.0 * k, p.accent, 0.25);
    }
}

fn wafer(c: &mut Canvas, p: &Palette, r: &mut Rng) {
    let s = unit(c);
    let (w, h) = (c.wf(), c.hf());
    let (cx, cy, rad) = (w * 0.62, h * 0.56, h * 0.6);
    // Lithography beams from the left.
    for k in 0..6 {
        let y = h * (0.15 + 0.13 * k as f32);
        c.beam((0.0, y), (cx - rad * 0.6, y), 4.0 * s, p.light, 0.25);
    }
    c.glow(cx, cy, rad * 1.6, p.accent, 0.3);
    let irid = |x: f32, y: f32| {
        let a = (y - cy).atan2(x - cx);
        let d = ((x - cx).powi(2) + (y - cy).powi(2)).sqrt() / rad;
        let t = 0.5 + 0.5 * (a * 2.0 + d * 5.0).sin();
        mix(mix(p.accent, p.accent2, t), p.light, 0.25 * (1.0 - d))
    };
    c.disc(
        (cx, cy),
        rad,
        mix(p.bg[0], p.light, 0.35),
        1.0,
        1.5,
        Blend::Over,
    );
    let cell = 84.0 * s;
    let gap = 6.0 * s;
    let n = (rad / cell) as i32 + 1;
    for i in -n..=n {
        for j in -n..=n {
            let x = cx + i as f32 * cell;
            let y = cy + j as f32 * cell;
            let far = ((x - cx).abs() + cell / 2.0).hypot((y - cy).abs() + cell / 2.0);
            if far > rad - 8.0 * s {
                continue;
            }
            let colour = mix(irid(x, y), WHITE, r.range(0.0, 0.15));
            let die = rect(x, y, (cell - gap) / 2.0, (cell - gap) / 2.0, 3.0 * s);
            c.rect(die, Blend::Over, |u, v| {
                let inner = (u - 0.5).abs().max((v - 0.5).abs()) < 0.2;
                let k = if inner { 0.75 } else { 1.0 };
                (scale(colour, k), 0.92)
            });
        }
    }
    // The notch, and light sweeping across the wafer.
    c.disc((cx, cy + rad), 10.0 * s, p.bg[0], 1.0, 1.0, Blend::Over);
    c.shade(
        (cx - rad, cy - rad, cx + rad, cy + rad),
        Blend::Add,
        |x, y| {
            let inside = cover(((x - cx).powi(2) + (y - cy).powi(2)).sqrt() - rad, 1.5);
            let band = ((x - cx) + (y - cy) * 0.6) / rad + 0.3;
            (WHITE, inside * 0.22 * (-(band * 3.0).powi(2)).exp())
        },
    );
    c.ring((cx, cy), rad, 3.0 * s, p.light, 0.5, Blend::Over);
}

fn waves(c: &mut Canvas, p: &Palette, r: &mut Rng) {
    let s = unit(c);
    let (w, h) = (c.wf(), c.hf());
    for _ in 0..70 {
        let (x, y) = (r.range(0.0, w), r.range(0.0, h * 0.45));
        c.disc(
            (x, y),
            r.range(0.6, 1.8) * s,
            p.light,
            r.range(0.2, 0.8),
            1.0,
            Blend::Add,
        );
    }
    c.glow(w * 0.5, h * 0.5, w * 0.5, p.accent2, 0.2);
    let layers = 5;
    for k in 0..layers {
        let t = k as f32 / (layers - 1) as f32;
        let base = h * (0.42 + 0.36 * t);
        let amps = [
            r.range(20.0, 60.0) * s,
            r.range(8.0, 24.0) * s,
            r.range(4.0, 10.0) * s,
        ];
        let freqs = [r.range(0.6, 1.4), r.range(2.0, 3.5), r.range(5.0, 8.0)];
        let phases = [r.range(0.0, TAU), r.range(0.0, TAU), r.range(0.0, TAU)];
        let curve = move |x: f32| {
            let u = x / w * TAU;
            base + (0..3)
                .map(|i| amps[i] * (u * freqs[i] + phases[i]).sin())
                .sum::<f32>()
        };
        let top = mix(p.accent, p.bg[2], t * 0.7);
        let bottom = mix(p.bg[0], BLACK, 0.3);
        c.band(curve, top, bottom, 0.55 + 0.4 * t);
        // A bright crest along the edge.
        c.shade(c.everywhere(), Blend::Add, |x, y| {
            let d = (y - curve(x)).abs();
            let k = (1.0 - d / (6.0 * s)).max(0.0);
            (p.light, 0.35 * k * k)
        });
    }
    // A voice: thin lines that swell in the middle.
    for k in 0..7 {
        let phase = r.range(0.0, TAU);
        let freq = r.range(5.0, 9.0);
        let amp = r.range(40.0, 110.0) * s;
        let mid = h * 0.36;
        let colour = if k % 2 == 0 { p.accent2 } else { p.light };
        let points: Vec<(f32, f32)> = (0..=160)
            .map(|i| {
                let x = w * 0.08 + w * 0.84 * i as f32 / 160.0;
                let u = (x / w - 0.5) * 2.0;
                let env = (-(u * 2.2).powi(2)).exp();
                (x, mid + amp * env * (u * freq * PI + phase).sin())
            })
            .collect();
        c.polyline(&points, 1.6 * s, colour, 0.5, Blend::Add);
    }
}

fn bokeh(c: &mut Canvas, p: &Palette, r: &mut Rng) {
    let s = unit(c);
    let (w, h) = (c.wf(), c.hf());
    let slope = r.range(-0.3, 0.3);
    for k in 0..90 {
        let x = r.range(-0.05, 1.05) * w;
        // Along a band across the picture, as lights of a street out of focus.
        let y = h * (0.5 + slope * (x / w - 0.5)) + r.range(-0.3, 0.3) * h;
        let rad = if k < 12 {
            r.range(90.0, 170.0)
        } else {
            r.range(12.0, 80.0)
        } * s;
        let colour = r.pick(&[p.accent, p.accent2, p.light, p.bg[2]]);
        let soft = rad * r.range(0.05, 0.5);
        c.disc((x, y), rad, colour, r.range(0.06, 0.28), soft, Blend::Add);
        if r.chance(0.15) {
            c.ring((x, y), rad, 2.0 * s, colour, 0.15, Blend::Add);
        }
    }
    for _ in 0..40 {
        let (x, y) = (r.range(0.0, w), r.range(0.0, h));
        c.glow(x, y, r.range(6.0, 16.0) * s, p.light, 0.6);
    }
}

fn network(c: &mut Canvas, p: &Palette, r: &mut Rng) {
    let s = unit(c);
    let (w, h) = (c.wf(), c.hf());
    let mut nodes: Vec<(f32, f32)> = Vec::new();
    let min = 70.0 * s;
    for _ in 0..2000 {
        if nodes.len() >= 80 {
            break;
        }
        let q = (r.range(0.02, 0.98) * w, r.range(0.04, 0.96) * h);
        if nodes.iter().all(|n| (n.0 - q.0).hypot(n.1 - q.1) > min) {
            nodes.push(q);
        }
    }
    let reach = 230.0 * s;
    for (i, a) in nodes.iter().enumerate() {
        for b in &nodes[i + 1..] {
            let d = (a.0 - b.0).hypot(a.1 - b.1);
            if d < reach {
                c.line(
                    *a,
                    *b,
                    1.6 * s,
                    p.light,
                    0.4 * (1.0 - d / reach),
                    Blend::Add,
                );
            }
        }
    }
    for (i, n) in nodes.iter().enumerate() {
        let hub = i % 11 == 0;
        let colour = if hub { p.accent2 } else { p.accent };
        let rad = if hub { 9.0 } else { r.range(3.0, 6.0) } * s;
        c.glow(n.0, n.1, rad * 6.0, colour, if hub { 0.5 } else { 0.25 });
        c.disc((n.0, n.1), rad, colour, 1.0, 1.0, Blend::Over);
        if hub {
            c.ring((n.0, n.1), rad * 2.2, 1.5 * s, colour, 0.7, Blend::Over);
        }
    }
}

fn bars(c: &mut Canvas, p: &Palette, r: &mut Rng, rising: bool) {
    let s = unit(c);
    let (w, h) = (c.wf(), c.hf());
    let n = 12;
    let left = w * 0.08;
    let span = w * 0.84;
    let step = span / n as f32;
    let foot = h * 0.86;
    let mut tops = Vec::new();
    for i in 0..n {
        let t = i as f32 / (n - 1) as f32;
        let trend = if rising { t } else { 1.0 - t };
        let height = h * (0.15 + 0.55 * trend.powf(1.4) + r.range(-0.04, 0.06));
        let cx = left + (i as f32 + 0.5) * step;
        let bar = rect(cx, foot - height / 2.0, step * 0.3, height / 2.0, 6.0 * s);
        let (top, bottom) = (mix(p.accent, p.light, 0.2), p.bg[1]);
        c.rect(bar, Blend::Over, |_, v| {
            (mix(top, bottom, v), 0.9 - 0.6 * v)
        });
        c.glow(cx, foot - height, step * 0.6, p.accent, 0.25);
        tops.push((cx, foot - height - 40.0 * s));
    }
    c.polyline(&tops, 4.0 * s, p.accent2, 0.95, Blend::Over);
    for &(x, y) in &tops {
        c.glow(x, y, 28.0 * s, p.accent2, 0.4);
        c.disc((x, y), 7.0 * s, p.accent2, 1.0, 1.0, Blend::Over);
        c.disc((x, y), 3.0 * s, p.bg[0], 1.0, 1.0, Blend::Over);
    }
    // An arrow at the end of the line.
    if let [.., a, b] = tops[..] {
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let len = dx.hypot(dy).max(1e-3);
        let (ux, uy) = (dx / len, dy / len);
        let tip = (b.0 + ux * 70.0 * s, b.1 + uy * 70.0 * s);
        c.line(b, tip, 4.0 * s, p.accent2, 0.95, Blend::Over);
        for side in [-1.0, 1.0] {
            let back = (
                tip.0 - ux * 28.0 * s - uy * 18.0 * s * side,
                tip.1 - uy * 28.0 * s + ux * 18.0 * s * side,
            );
            c.line(tip, back, 4.0 * s, p.accent2, 0.95, Blend::Over);
        }
    }
    c.line(
        (left, foot),
        (left + span, foot),
        2.0 * s,
        p.light,
        0.5,
        Blend::Over,
    );
}

/// A lit sphere: Lambert shading with the light at the upper left, and a rim of light.
fn sphere(c: &mut Canvas, cx: f32, cy: f32, rad: f32, dark: Rgbf, lit: Rgbf) {
    ellipsoid(c, (cx, cy), (rad, rad), dark, lit);
}

/// [`sphere`] squashed to radii (rx, ry).
fn ellipsoid(c: &mut Canvas, (cx, cy): (f32, f32), (rx, ry): (f32, f32), dark: Rgbf, lit: Rgbf) {
    c.glow(cx, cy, rx.max(ry) * 1.8, lit, 0.3);
    c.shade((cx - rx, cy - ry, cx + rx, cy + ry), Blend::Over, |x, y| {
        let (nx, ny) = ((x - cx) / rx, (y - cy) / ry);
        let d2 = nx * nx + ny * ny;
        let inside = cover((d2.sqrt() - 1.0) * rx.min(ry), 1.5);
        let nz = (1.0 - d2).max(0.0).sqrt();
        let lambert = (-0.5 * nx - 0.6 * ny + 0.62 * nz).max(0.0);
        let rim = (1.0 - nz).powi(3);
        let colour = mix(mix(dark, lit, lambert), WHITE, rim * 0.35);
        (colour, inside)
    });
}

fn orbit(c: &mut Canvas, p: &Palette, r: &mut Rng) {
    let s = unit(c);
    let (w, h) = (c.wf(), c.hf());
    for _ in 0..260 {
        let (x, y) = (r.range(0.0, w), r.range(0.0, h));
        c.disc(
            (x, y),
            r.range(0.5, 1.8) * s,
            p.light,
            r.range(0.2, 0.9),
            1.0,
            Blend::Add,
        );
    }
    let (cx, cy, rad) = (w * r.range(0.58, 0.7), h * 0.56, h * 0.26);
    let tilt = r.range(-0.35, -0.15);
    let rings = [(rad * 1.45, 3.0), (rad * 1.7, 2.0), (rad * 2.05, 1.5)];
    // The rings' far half, the planet, then their near half over it.
    let ellipse = |x: f32, y: f32, big: f32| {
        let (sn, cs) = tilt.sin_cos();
        let (dx, dy) = (x - cx, y - cy);
        let (lx, ly) = (dx * cs + dy * sn, -dx * sn + dy * cs);
        let squash = 0.28;
        ((lx.hypot(ly / squash) - big) * squash, ly)
    };
    for near in [false, true] {
        if near {
            sphere(
                c,
                cx,
                cy,
                rad,
                mix(p.bg[0], BLACK, 0.3),
                mix(p.accent, p.light, 0.3),
            );
        }
        for &(big, width) in &rings {
            c.shade(
                (
                    cx - big - 4.0,
                    cy - big - 4.0,
                    cx + big + 4.0,
                    cy + big + 4.0,
                ),
                Blend::Over,
                |x, y| {
                    let (d, ly) = ellipse(x, y, big);
                    if (ly > 0.0) != near {
                        return (BLACK, 0.0);
                    }
                    (p.accent2, 0.75 * cover(d.abs() - width * s / 2.0, 1.0))
                },
            );
        }
    }
    let (mx, my) = (cx - rad * 2.3, cy - rad * 0.9);
    sphere(c, mx, my, rad * 0.16, mix(p.bg[0], BLACK, 0.4), p.light);
}

fn film(c: &mut Canvas, p: &Palette, r: &mut Rng) {
    let s = unit(c);
    let (w, h) = (c.wf(), c.hf());
    let angle = r.range(-0.24, -0.14);
    let (cx, cy) = (w * 0.5, h * 0.52);
    let strip = rect(cx, cy, w * 0.75, h * 0.24, 0.0).rotated(angle);
    c.glow(cx, cy, w * 0.55, p.accent, 0.25);
    c.solid(strip, mix(p.bg[0], BLACK, 0.6), 0.92, Blend::Over);
    let (sn, cs) = angle.sin_cos();
    let along = |t: f32, off: f32| (cx + t * cs - off * sn, cy + t * sn + off * cs);
    // Sprocket holes on both edges.
    let mut t = -w * 0.75;
    while t < w * 0.75 {
        for off in [-h * 0.205, h * 0.205] {
            let (x, y) = along(t, off);
            let hole = rect(x, y, 9.0 * s, 6.0 * s, 2.0 * s).rotated(angle);
            c.solid(hole, p.light, 0.75, Blend::Over);
        }
        t += 36.0 * s;
    }
    // Frames, each a small scene: sky, sun, hills.
    let frame_w = h * 0.3;
    let step = frame_w * 1.12;
    let count = (w * 1.4 / step) as i32;
    for k in -count / 2..=count / 2 {
        let (x, y) = along(k as f32 * step, 0.0);
        let frame = rect(x, y, frame_w / 2.0, h * 0.16, 4.0 * s).rotated(angle);
        let sky_top = mix(p.bg[1], r.pick(&[p.accent, p.accent2, p.bg[2]]), 0.5);
        let sky_low = mix(p.accent2, p.light, r.f() * 0.5);
        let sun = (r.range(0.2, 0.8), r.range(0.25, 0.5));
        let hill = (r.range(0.0, TAU), r.range(4.0, 9.0));
        let ground = mix(p.bg[0], p.accent, 0.25);
        let aspect = frame.hw / frame.hh;
        c.rect(frame, Blend::Over, |u, v| {
            let sky = mix(sky_top, sky_low, v);
            let horizon = 0.68 + 0.07 * (u * hill.1 + hill.0).sin();
            let sun_d = ((u - sun.0) * aspect).hypot(v - sun.1);
            let colour = if v > horizon {
                ground
            } else {
                mix(sky, p.light, cover((sun_d - 0.1) * 60.0, 1.0))
            };
            (colour, 1.0)
        });
    }
}

fn code(c: &mut Canvas, p: &Palette, r: &mut Rng) {
    let s = unit(c);
    let (w, h) = (c.wf(), c.hf());
    let panel = mix(p.bg[0], BLACK, 0.45);
    // A window behind, then the front one.
    let back = rect(w * 0.66, h * 0.4, w * 0.28, h * 0.3, 16.0 * s);
    c.solid(back, panel, 0.55, Blend::Over);
    c.solid(back.outline(1.5 * s), p.light, 0.15, Blend::Over);
    let (cx, cy, hw, hh) = (w * 0.5, h * 0.54, w * 0.33, h * 0.35);
    c.glow(cx, cy, w * 0.5, p.accent, 0.2);
    let front = rect(cx, cy, hw, hh, 18.0 * s);
    c.solid(front, panel, 0.94, Blend::Over);
    c.solid(front.outline(1.5 * s), p.light, 0.25, Blend::Over);
    let bar_y = cy - hh + 26.0 * s;
    c.line(
        (cx - hw + 2.0, bar_y + 24.0 * s),
        (cx + hw - 2.0, bar_y + 24.0 * s),
        1.0 * s,
        p.light,
        0.15,
        Blend::Over,
    );
    for (k, colour) in [0xf87171u32, 0xfbbf24, 0x4ade80].into_iter().enumerate() {
        let x = cx - hw + (28.0 + 26.0 * k as f32) * s;
        c.disc((x, bar_y), 7.0 * s, hex(colour), 0.85, 1.0, Blend::Over);
    }
    // Lines of "code": capsules in the syntax colours, indented by a random walk.
    let colours = [p.accent, p.accent2, p.light, hex(0xf9a8d4), hex(0xfde68a)];
    let mut indent = 0i32;
    let line_h = 34.0 * s;
    let first = bar_y + 60.0 * s;
    let lines = ((cy + hh - first - 20.0 * s) / line_h) as usize;
    let mut last_end = (0.0, 0.0);
    for k in 0..lines {
        let y = first + k as f32 * line_h;
        if r.chance(0.12) {
            continue;
        }
        let mut x = cx - hw + (40.0 + 36.0 * indent as f32) * s;
        c.disc(
            (cx - hw + 18.0 * s, y),
            2.5 * s,
            p.light,
            0.3,
            1.0,
            Blend::Over,
        );
        for _ in 0..(1 + r.next_u64() % 4) {
            let len = r.range(30.0, 200.0) * s;
            if x + len > cx + hw - 30.0 * s {
                break;
            }
            let colour = r.pick(&colours);
            c.line((x, y), (x + len, y), 11.0 * s, colour, 0.8, Blend::Over);
            x += len + 22.0 * s;
        }
        last_end = (x, y);
        indent = (indent + [-1, 0, 0, 1][(r.next_u64() % 4) as usize]).clamp(0, 4);
    }
    // The cursor.
    let cursor = rect(last_end.0 + 4.0 * s, last_end.1, 7.0 * s, 14.0 * s, 1.5 * s);
    c.glow(cursor.cx, cursor.cy, 40.0 * s, p.accent2, 0.5);
    c.solid(cursor, p.accent2, 1.0, Blend::Over);
}

fn pillars(c: &mut Canvas, p: &Palette, r: &mut Rng) {
    let s = unit(c);
    let (w, h) = (c.wf(), c.hf());
    let cx = w * r.range(0.45, 0.55);
    // Light falling from above, in rays.
    c.glow(cx, h * 0.1, w * 0.55, p.light, 0.25);
    for k in 0..7 {
        let a = -0.6 + 1.2 * k as f32 / 6.0;
        let end = (cx + a.sin() * h * 1.2, h * 0.1 + a.cos() * h * 1.2);
        c.beam((cx, h * 0.05), end, 60.0 * s, p.accent, 0.08);
    }
    let stone = mix(p.light, p.accent, 0.25);
    let cols = 6;
    let span = w * 0.5;
    let top = h * 0.36;
    let foot = h * 0.8;
    let col_hw = span / cols as f32 * 0.26;
    for k in 0..cols {
        let x = cx - span / 2.0 + (k as f32 + 0.5) * span / cols as f32;
        let shaft = rect(x, (top + foot) / 2.0, col_hw, (foot - top) / 2.0, 0.0);
        c.rect(shaft, Blend::Over, |u, _| {
            let round = 0.55 + 0.45 * (u * PI).sin();
            let flute = 1.0 - 0.12 * (0.5 + 0.5 * (u * 5.0 * TAU).cos());
            (scale(stone, round * flute), 0.95)
        });
        for y in [top, foot] {
            c.solid(
                rect(x, y, col_hw * 1.35, 9.0 * s, 2.0 * s),
                stone,
                0.95,
                Blend::Over,
            );
        }
    }
    // Entablature, pediment, steps.
    let beam_y = top - 26.0 * s;
    c.solid(
        rect(cx, beam_y, span / 2.0 + 30.0 * s, 17.0 * s, 2.0 * s),
        stone,
        0.95,
        Blend::Over,
    );
    let apex = beam_y - 130.0 * s;
    let base = beam_y - 20.0 * s;
    let half = span / 2.0 + 40.0 * s;
    let slope = (base - apex) / half;
    let cosine = 1.0 / (1.0 + slope * slope).sqrt();
    c.shade((cx - half, apex, cx + half, base), Blend::Over, |x, y| {
        let d_base = y - base;
        let d_side = ((x - cx).abs() - half * (y - apex) / (base - apex)) * slope * cosine;
        (scale(stone, 0.9), 0.95 * cover(d_base.max(d_side), 1.0))
    });
    for k in 0..3 {
        let y = foot + (18.0 + 22.0 * k as f32) * s;
        let hw = span / 2.0 + (40.0 + 30.0 * k as f32) * s;
        c.solid(
            rect(cx, y, hw, 10.0 * s, 2.0 * s),
            scale(stone, 0.9 - 0.1 * k as f32),
            0.95,
            Blend::Over,
        );
    }
}

fn phone(c: &mut Canvas, p: &Palette, r: &mut Rng) {
    let s = unit(c);
    let (w, h) = (c.wf(), c.hf());
    let (cx, cy) = (w * 0.5, h * 0.5);
    let ph = h.min(w * 1.4) * 0.36;
    let pw = ph * 0.48;
    for _ in 0..30 {
        let (x, y) = (r.range(0.0, w), r.range(0.0, h));
        let colour = r.pick(&[p.accent, p.accent2, p.light]);
        c.disc(
            (x, y),
            r.range(20.0, 90.0) * s,
            colour,
            0.08,
            30.0 * s,
            Blend::Add,
        );
    }
    c.glow(cx, cy, ph * 2.2, p.accent, 0.35);
    let body = rect(cx, cy, pw, ph, pw * 0.28);
    let screen = rect(cx, cy, pw - 12.0 * s, ph - 12.0 * s, pw * 0.24);
    c.solid(body, mix(p.bg[0], BLACK, 0.7), 1.0, Blend::Over);
    c.solid(body.outline(3.0 * s), p.light, 0.35, Blend::Over);
    // The screen: a gradient with soft blobs of colour.
    let blobs: Vec<((f32, f32), f32, Rgbf)> = (0..5)
        .map(|_| {
            (
                (r.range(0.1, 0.9), r.range(0.1, 0.9)),
                r.range(0.15, 0.35),
                r.pick(&[p.accent, p.accent2, p.bg[2], p.light]),
            )
        })
        .collect();
    let (top, low) = (p.bg[1], mix(p.bg[0], BLACK, 0.3));
    c.rect(screen, Blend::Over, |u, v| {
        let mut colour = mix(top, low, v);
        for &((bx, by), rad, bc) in &blobs {
            let d = ((u - bx) * 0.5).hypot(v - by) / rad;
            colour = mix(colour, bc, 0.6 * (-d * d).exp());
        }
        (colour, 1.0)
    });
    // A glowing edge whose colour turns around the screen, as an assistant listening.
    let ring_colours = [p.accent, p.accent2, hex(0xf472b6), p.light];
    c.shade(screen.bounds(), Blend::Add, |x, y| {
        let d = screen.distance(x, y).abs();
        let k = (1.0 - d / (18.0 * s)).max(0.0);
        let a = ((y - cy).atan2(x - cx) / TAU + 0.5) * ring_colours.len() as f32;
        let i = a as usize % ring_colours.len();
        let j = (i + 1) % ring_colours.len();
        (
            mix(ring_colours[i], ring_colours[j], a.fract()),
            0.8 * k * k,
        )
    });
    let island = rect(cx, cy - ph + 40.0 * s, pw * 0.22, 11.0 * s, 11.0 * s);
    c.solid(island, BLACK, 1.0, Blend::Over);
}

fn attention(c: &mut Canvas, p: &Palette, r: &mut Rng) {
    let s = unit(c);
    let (w, h) = (c.wf(), c.hf());
    // A causal attention matrix: the lower triangle lit, strongest near the diagonal.
    let n = 22;
    let size = h * 0.72;
    let (x0, y0) = (w * 0.9 - size, (h - size) / 2.0);
    let cell = size / n as f32;
    c.glow(x0 + size / 2.0, y0 + size / 2.0, size, p.accent, 0.25);
    for i in 0..n {
        for j in 0..n {
            let x = x0 + (j as f32 + 0.5) * cell;
            let y = y0 + (i as f32 + 0.5) * cell;
            let box_ = rect(x, y, cell * 0.42, cell * 0.42, 2.5 * s);
            if j > i {
                c.solid(box_.outline(1.0 * s), p.light, 0.12, Blend::Over);
                continue;
            }
            let near = (-((i - j) as f32) / 4.0).exp();
            let k = (0.15 + 0.85 * near * r.range(0.6, 1.0) + 0.25 * r.f() * r.f()).min(1.0);
            let colour = mix(
                mix(p.bg[1], p.accent, k),
                p.accent2,
                (k - 0.7).max(0.0) * 2.0,
            );
            c.solid(box_, colour, 0.95, Blend::Over);
        }
    }
    // On the left, stacked memory slabs.
    let (sx, sy) = (w * 0.2, h * 0.58);
    for k in 0..8 {
        let y = sy - k as f32 * 34.0 * s;
        let x = sx + k as f32 * 10.0 * s;
        let slab = rect(x, y, w * 0.12, 18.0 * s, 6.0 * s);
        let t = k as f32 / 7.0;
        c.solid(slab, mix(p.bg[1], p.accent, t), 0.9, Blend::Over);
        c.solid(slab.outline(1.5 * s), p.light, 0.35, Blend::Over);
        for dot in 0..6 {
            let dx = x - w * 0.09 + dot as f32 * w * 0.036;
            c.disc((dx, y), 3.0 * s, p.accent2, 0.8, 1.0, Blend::Over);
        }
    }
}

fn two_orbs(c: &mut Canvas, p: &Palette, r: &mut Rng) {
    let s = unit(c);
    let (w, h) = (c.wf(), c.hf());
    let rad = h * 0.22;
    let (a, b) = ((w * 0.22, h * 0.52), (w * 0.78, h * 0.48));
    // The taut line between them, with sparks.
    let points: Vec<(f32, f32)> = (0..=200)
        .map(|i| {
            let t = i as f32 / 200.0;
            let x = a.0 + (b.0 - a.0) * t;
            let y = a.1 + (b.1 - a.1) * t + 14.0 * s * (t * 31.0).sin() * (t * PI).sin();
            (x, y)
        })
        .collect();
    for pair in points.windows(2) {
        c.beam(pair[0], pair[1], 16.0 * s, p.accent2, 0.06);
    }
    c.polyline(&points, 3.0 * s, p.light, 0.85, Blend::Over);
    for _ in 0..40 {
        let t = r.range(0.35, 0.65);
        let (x, y) = points[(t * 200.0) as usize];
        let (x, y) = (x + r.range(-60.0, 60.0) * s, y + r.range(-60.0, 60.0) * s);
        c.glow(x, y, r.range(8.0, 22.0) * s, p.accent2, 0.7);
    }
    c.glow(w * 0.5, h * 0.5, 160.0 * s, p.light, 0.5);
    sphere(c, a.0, a.1, rad, mix(p.bg[0], BLACK, 0.3), p.accent);
    sphere(c, b.0, b.1, rad, mix(p.bg[0], BLACK, 0.3), p.accent2);
}

/// A screenless device: a pebble of matte ceramic on a lit floor, a ring of light on its face.
fn pebble(c: &mut Canvas, p: &Palette, r: &mut Rng) {
    let s = unit(c);
    let (w, h) = (c.wf(), c.hf());
    let (cx, cy) = (w * r.range(0.45, 0.55), h * 0.5);
    let (rx, ry) = (h * 0.34, h * 0.2);
    for k in 0..3 {
        let x = w * (0.2 + 0.3 * k as f32);
        c.beam((x, 0.0), (cx + (x - cx) * 0.3, cy), 90.0 * s, p.light, 0.07);
    }
    // The floor's ellipse of light, and the shadow under the pebble.
    let floor_y = cy + ry * 0.95;
    c.shade((0.0, floor_y - ry, w, h), Blend::Add, |x, y| {
        let d = ((x - cx) / (rx * 2.2)).hypot((y - floor_y) / (ry * 0.7));
        (p.accent, 0.25 * (1.0 - d).max(0.0))
    });
    c.shade(
        (cx - rx * 1.3, floor_y - ry, cx + rx * 1.3, floor_y + ry),
        Blend::Over,
        |x, y| {
            let d = ((x - cx) / (rx * 1.1)).hypot((y - floor_y) / (ry * 0.28));
            (BLACK, 0.55 * (1.0 - d).max(0.0).powf(0.7))
        },
    );
    ellipsoid(
        c,
        (cx, cy),
        (rx, ry),
        mix(p.bg[0], p.bg[1], 0.3),
        mix(p.light, p.accent, 0.15),
    );
    // The ring of light on its top face.
    let (ex, ey) = (cx - rx * 0.08, cy - ry * 0.25);
    c.shade((ex - rx, ey - ry, ex + rx, ey + ry), Blend::Add, |x, y| {
        let d = ((x - ex) / (rx * 0.42)).hypot((y - ey) / (ry * 0.3)) - 1.0;
        let k = (1.0 - d.abs() * 9.0).max(0.0);
        (p.accent2, 0.9 * k * k)
    });
}

/// The site's mark: a chip in the site's red on a transparent background, with a soft
/// shadow (semi-transparent pixels, to check alpha survives processing).
fn mark() -> Canvas {
    let mut c = Canvas::new(512, 512);
    let (cx, cy) = (256.0, 248.0);
    let red = hex(0xd7261e);
    let deep = hex(0x8f1020);
    // Shadow.
    let shadow = rect(cx, cy + 14.0, 170.0, 170.0, 60.0);
    c.shade(shadow.bounds(), Blend::Over, |x, y| {
        let d = shadow.distance(x, y);
        (BLACK, 0.35 * cover(d, 40.0))
    });
    // Pins.
    for side in 0..4 {
        let (nx, ny) = [(1.0, 0.0), (0.0, 1.0), (-1.0, 0.0), (0.0, -1.0)][side];
        let (tx, ty) = (-ny, nx);
        for k in 0..5 {
            let t = -100.0 + 50.0 * k as f32;
            let (px, py) = (cx + nx * 176.0 + tx * t, cy + ny * 176.0 + ty * t);
            let (hw, hh) = if nx != 0.0 { (26.0, 9.0) } else { (9.0, 26.0) };
            c.solid(rect(px, py, hw, hh, 9.0), deep, 1.0, Blend::Over);
        }
    }
    let body = rect(cx, cy, 160.0, 160.0, 52.0);
    c.rect(body, Blend::Over, |u, v| {
        (mix(red, deep, (u + v) / 2.0), 1.0)
    });
    c.rect(body, Blend::Add, |u, v| {
        (WHITE, 0.18 * (-((u + v - 0.5) * 3.0).powi(2)).exp())
    });
    c.solid(
        rect(cx, cy, 86.0, 86.0, 20.0).outline(12.0),
        WHITE,
        1.0,
        Blend::Over,
    );
    for i in 0..3 {
        for j in 0..3 {
            let x = cx - 44.0 + 44.0 * i as f32;
            let y = cy - 44.0 + 44.0 * j as f32;
            let gold = i == 2 && j == 0;
            let colour = if gold { hex(0xfbbf24) } else { WHITE };
            let alpha = if gold {
                1.0
            } else {
                0.55 + 0.15 * ((i + j) % 3) as f32
            };
            c.solid(rect(x, y, 14.0, 14.0, 4.0), colour, alpha, Blend::Over);
        }
    }
    c
}

// ---------------------------------------------------------------------------------------

fn write_jpeg(img: &RgbImage, path: &Path) -> Result<(), String> {
    let file = File::create(path).map_err(|e| format!("{}: {e}", path.display()))?;
    JpegEncoder::new_with_quality(BufWriter::new(file), QUALITY)
        .write_image(
            img.as_raw(),
            img.width(),
            img.height(),
            image::ExtendedColorType::Rgb8,
        )
        .map_err(|e| format!("{}: {e}", path.display()))
}

fn run() -> Result<(), String> {
    let mut out = PathBuf::from(".");
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--out" => out = PathBuf::from(args.next().ok_or("--out needs a folder")?),
            other => return Err(format!("unknown argument {other:?} (only --out DIR)")),
        }
    }
    let mut total = 0u64;
    for job in JOBS {
        let path = out.join(job.path);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        write_jpeg(&draw(job).to_rgb(), &path)?;
        let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        total += bytes;
        println!(
            "{:>7} KB  {}×{}  {}",
            bytes / 1024,
            job.size.0,
            job.size.1,
            job.path
        );
    }
    let path = out.join(MARK);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    mark()
        .to_rgba()
        .save(&path)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    total += bytes;
    println!("{:>7} KB  512×512  {MARK}", bytes / 1024);
    println!("{:>7} KB  in all", total / 1024);
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("draw_covers: {e}");
            ExitCode::FAILURE
        }
    }
}
