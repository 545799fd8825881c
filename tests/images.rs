//! Pictures (issue 15): covers and body pictures published in several widths and in WebP,
//! thumbnails and share cards, `<picture>` markup with sizes, EXIF orientation applied and
//! metadata stripped, a cache that makes the second build encode nothing, broken pictures
//! as warnings, `resize_image`, and serve making versions on request.

mod common;

use std::io::Cursor;
use std::path::{Path, PathBuf};

use common::server::{get, serve};
use common::{MINIMAL_CONFIG, build, build_ok, read, site, stderr, write};
use image::{ImageFormat, Rgb, RgbImage, Rgba, RgbaImage};

/// A JPEG of `w`×`h`: left half red, right half blue, so orientation shows in the pixels.
fn jpeg(w: u32, h: u32) -> Vec<u8> {
    let img = RgbImage::from_fn(w, h, |x, y| {
        let shade = ((x + y) % 32) as u8;
        if x < w / 2 {
            Rgb([220, shade, shade])
        } else {
            Rgb([shade, shade, 220])
        }
    });
    let mut bytes = Vec::new();
    img.write_to(&mut Cursor::new(&mut bytes), ImageFormat::Jpeg)
        .expect("encode jpeg");
    bytes
}

fn png_with_alpha(w: u32, h: u32) -> Vec<u8> {
    let img = RgbaImage::from_fn(w, h, |x, _| Rgba([10, 120, 200, (x * 255 / w) as u8]));
    let mut bytes = Vec::new();
    img.write_to(&mut Cursor::new(&mut bytes), ImageFormat::Png)
        .expect("encode png");
    bytes
}

/// `jpeg` with an EXIF segment saying "rotate 90° clockwise to show" (orientation 6) and a
/// GPS position, spliced in after the start-of-image marker as a camera writes it.
fn jpeg_with_exif(w: u32, h: u32) -> Vec<u8> {
    let plain = jpeg(w, h);
    // TIFF, big-endian: IFD0 at 8 with Orientation and a GPS pointer; the GPS IFD at 38
    // with GPSLatitudeRef = "N".
    let mut tiff: Vec<u8> = b"MM\0\x2a\0\0\0\x08".to_vec();
    tiff.extend([0, 2]); // two entries
    tiff.extend([0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0]); // Orientation SHORT 6
    tiff.extend([0x88, 0x25, 0, 4, 0, 0, 0, 1, 0, 0, 0, 38]); // GPSInfo LONG -> 38
    tiff.extend([0, 0, 0, 0]); // no next IFD
    tiff.extend([0, 1]); // GPS IFD: one entry
    tiff.extend([0, 1, 0, 2, 0, 0, 0, 2, b'N', 0, 0, 0]); // GPSLatitudeRef ASCII "N"
    tiff.extend([0, 0, 0, 0]);
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend(tiff);
    let len = (app1.len() + 2) as u16;
    let mut out = plain[..2].to_vec();
    out.extend([0xFF, 0xE1]);
    out.extend(len.to_be_bytes());
    out.extend(app1);
    out.extend(&plain[2..]);
    out
}

fn put(root: &Path, rel: &str, bytes: &[u8]) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, bytes).expect("write");
}

fn files_under(dir: &Path) -> Vec<String> {
    let mut found: Vec<String> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            e.path()
                .strip_prefix(dir)
                .ok()
                .map(|p| p.to_string_lossy().replace('\\', "/"))
        })
        .collect();
    found.sort();
    found
}

/// Output files under `dir` (relative to `out`) whose names start with `stem.`, less the
/// original.
fn versions(out: &Path, dir: &str, stem: &str) -> Vec<String> {
    files_under(&out.join(dir))
        .into_iter()
        .filter(|f| f.starts_with(&format!("{stem}.")) && f.matches('.').count() == 3)
        .collect()
}

fn size_of(path: &Path) -> (u32, u32) {
    image::image_dimensions(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn news(cover: &str, body: &str) -> String {
    format!(
        "+++\ntitle = \"芯片工厂开工\"\ndate = 2026-03-01T09:00:00+08:00\ncover = \"{cover}\"\ntags = [\"芯片\"]\n+++\n{body}\n"
    )
}

fn picture_site() -> tempfile::TempDir {
    let dir = site(
        MINIMAL_CONFIG,
        &[(
            "content/资讯/chip.md",
            &news(
                "img/wide.jpg",
                "首段文字。\n\n![厂房](/img/wide.jpg \"新厂房外景\")\n\n中段。\n\n![小图](/img/small.png)\n\n![动图](/img/anim.gif) ![矢量](/img/logo.svg)\n",
            ),
        )],
    );
    put(dir.path(), "static/img/wide.jpg", &jpeg(1600, 800));
    put(
        dir.path(),
        "static/img/small.png",
        &png_with_alpha(300, 200),
    );
    put(dir.path(), "static/img/anim.gif", b"GIF89a not really");
    write(
        dir.path(),
        "static/img/logo.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    dir
}

fn article_page(out: &Path) -> String {
    read(out, "2026/03/chip/index.html")
}

#[test]
fn covers_and_body_pictures_come_in_widths_and_webp_never_enlarged() {
    let dir = picture_site();
    let out = build_ok(dir.path(), &[]);
    let wide = versions(&out, "img", "wide");
    let widths: Vec<&str> = wide
        .iter()
        .filter(|f| f.contains("w."))
        .map(String::as_str)
        .collect();
    for w in [
        "480w.jpg",
        "960w.jpg",
        "1440w.jpg",
        "480w.webp",
        "960w.webp",
        "1440w.webp",
    ] {
        assert!(widths.iter().any(|f| f.ends_with(w)), "{w} in {wide:?}");
    }
    assert_eq!(
        widths.len(),
        6,
        "no 1600w: never the original's size again: {wide:?}"
    );
    let v960 = wide
        .iter()
        .find(|f| f.ends_with(".960w.webp"))
        .expect("960w");
    assert_eq!(size_of(&out.join("img").join(v960)), (960, 480));
    // A 300 px PNG is not enlarged: one width, in PNG and WebP, transparency kept.
    let small = versions(&out, "img", "small");
    assert_eq!(small.len(), 2, "{small:?}");
    assert!(small.iter().any(|f| f.ends_with(".300w.png")), "{small:?}");
    let webp = small
        .iter()
        .find(|f| f.ends_with(".300w.webp"))
        .expect("webp");
    let decoded = image::open(out.join("img").join(webp)).expect("decode webp");
    assert!(decoded.color().has_alpha(), "transparency kept");
    // The originals stay, and a GIF and an SVG pass through untouched.
    assert_eq!(
        std::fs::read(out.join("img/wide.jpg")).unwrap(),
        jpeg(1600, 800)
    );
    assert!(versions(&out, "img", "anim").is_empty() && versions(&out, "img", "logo").is_empty());
}

#[test]
fn pages_say_srcset_sizes_width_and_height() {
    let dir = picture_site();
    let out = build_ok(dir.path(), &[]);
    let page = article_page(&out);
    // The cover heads the article, fetched first.
    let cover = &page[page.find("<figure class=\"cover\">").expect("cover")..];
    let cover = &cover[..cover.find("</figure>").expect("end")];
    assert!(
        cover.contains("<picture><source type=\"image/webp\" srcset=\"/img/wide."),
        "{cover}"
    );
    assert!(cover.contains(".480w.webp 480w, /img/wide."), "{cover}");
    assert!(
        cover.contains("sizes=\"(min-width: 720px) 680px, calc(100vw - 32px)\""),
        "{cover}"
    );
    assert!(cover.contains("width=\"1440\" height=\"720\""), "{cover}");
    assert!(
        cover.contains("fetchpriority=\"high\"") && !cover.contains("loading=\"lazy\""),
        "{cover}"
    );
    assert!(
        cover.contains(".960w.jpg\" srcset="),
        "the fallback is the 960 px JPEG: {cover}"
    );
    // Body pictures: lazy, as the cover is above them; a figure with its caption.
    let prose = common::prose(&page);
    assert!(
        prose.contains("<figure class=\"picture\"><picture><source type=\"image/webp\""),
        "{prose}"
    );
    assert!(
        prose.contains("alt=\"厂房\" title=\"新厂房外景\" loading=\"lazy\" decoding=\"async\"><"),
        "{prose}"
    );
    assert!(
        prose.contains("<figcaption>新厂房外景</figcaption>"),
        "{prose}"
    );
    let small = &prose[prose.find("alt=\"小图\"").expect("small") - 200..];
    assert!(small.contains("width=\"300\" height=\"200\""), "{small}");
    assert!(
        prose.contains("alt=\"小图\" loading=\"lazy\" decoding=\"async\">"),
        "{prose}"
    );
    // The GIF and the SVG are left as written.
    assert!(
        prose.contains("<img src=\"/img/anim.gif\" alt=\"动图\""),
        "{prose}"
    );
    assert!(
        prose.contains("<img src=\"/img/logo.svg\" alt=\"矢量\""),
        "{prose}"
    );
    // Every URL in every srcset is a published file.
    for set in page.split("srcset=\"").skip(1) {
        let set = &set[..set.find('"').expect("quote")];
        for candidate in set.split(", ") {
            let url = candidate.split(' ').next().expect("url");
            let file = out.join(url.trim_start_matches('/'));
            assert!(file.is_file(), "{url} in {set}");
        }
    }
    // The share card: 1200×630 JPEG for og:image.
    let og = page
        .split("<meta property=\"og:image\" content=\"")
        .nth(1)
        .expect("og:image");
    let og = &og[..og.find('"').expect("quote")];
    assert!(
        og.starts_with("https://t.example.com/img/wide.") && og.ends_with(".1200x630.jpg"),
        "{og}"
    );
    let card = out.join(og.trim_start_matches("https://t.example.com/"));
    assert_eq!(size_of(&card), (1200, 630));
}

#[test]
fn listings_show_thumbnails_cropped_to_the_ratio() {
    let dir = picture_site();
    let out = build_ok(dir.path(), &[]);
    let listing = read(&out, "资讯/index.html");
    let thumb = &listing[listing.find("class=\"item-thumb\"").expect("thumb")..];
    let thumb = &thumb[..thumb.find("</a>").expect("end")];
    assert!(thumb.contains(".480x270.webp 480w"), "{thumb}");
    assert!(thumb.contains("width=\"960\" height=\"540\""), "{thumb}");
    assert!(thumb.contains("loading=\"lazy\""), "{thumb}");
    let file = versions(&out, "img", "wide")
        .into_iter()
        .find(|f| f.ends_with(".480x270.jpg"))
        .expect("thumbnail");
    assert_eq!(size_of(&out.join("img").join(file)), (480, 270));
    // A 4:3 ratio from config.
    std::fs::write(
        dir.path().join("config.toml"),
        format!("{MINIMAL_CONFIG}[images]\nthumbnail_ratio = \"4:3\"\nthumbnail_widths = [400]\n"),
    )
    .unwrap();
    let out = build_ok(dir.path(), &[]);
    assert!(
        versions(&out, "img", "wide")
            .iter()
            .any(|f| f.ends_with(".400x300.webp"))
    );
}

#[test]
fn exif_orientation_is_applied_and_metadata_stripped() {
    let dir = site(
        MINIMAL_CONFIG,
        &[("content/photo.md", &news("img/phone.jpg", "正文。"))],
    );
    // Stored 1600×1200 sideways; shown as a 1200×1600 portrait.
    let original = jpeg_with_exif(1600, 1200);
    put(dir.path(), "static/img/phone.jpg", &original);
    let out = build_ok(dir.path(), &[]);
    let made = versions(&out, "img", "phone");
    assert!(!made.is_empty());
    let v480 = made
        .iter()
        .find(|f| f.ends_with(".480w.jpg"))
        .expect("480w");
    let file = out.join("img").join(v480);
    assert_eq!(size_of(&file), (480, 640), "portrait");
    // The red half was on the left; turned 90° clockwise it is at the top.
    let top = image::open(&file).unwrap().to_rgb8();
    let Rgb([r, _, b]) = *top.get_pixel(240, 20);
    assert!(r > 150 && b < 100, "red at the top: {r} {b}");
    for f in &made {
        let bytes = std::fs::read(out.join("img").join(f)).unwrap();
        assert!(!bytes.windows(4).any(|w| w == b"Exif"), "{f} carries EXIF");
    }
    let page = read(&out, "2026/03/photo/index.html");
    assert!(
        page.contains("width=\"1200\" height=\"1600\""),
        "portrait size on the page"
    );
}

#[test]
fn the_second_build_encodes_nothing_and_writes_the_same_bytes() {
    let dir = picture_site();
    // Notes are kept only of pictures that had settled before the build (2 s), as the
    // parse cache's stamps of sources are.
    std::thread::sleep(std::time::Duration::from_millis(2500));
    let first = build(dir.path(), &[]);
    assert!(first.status.success(), "{}", stderr(&first));
    let said = String::from_utf8_lossy(&first.stdout).into_owned();
    assert!(
        said.contains("pictures: ") && !said.contains(" 0 made now"),
        "{said}"
    );
    let out = dir.path().join("public");
    let before = common::tree(&out);
    let cache = dir.path().join(".sitegen-cache/images");
    assert!(cache.join("sources.tsv").is_file(), "the cache keeps notes");
    let second = build(dir.path(), &[]);
    let said = String::from_utf8_lossy(&second.stdout).into_owned();
    assert!(said.contains(", 0 made now"), "{said}");
    assert_eq!(before, common::tree(&out), "same output");
    // With the output gone, the versions still come from the cache.
    std::fs::remove_dir_all(&out).unwrap();
    let third = build(dir.path(), &[]);
    assert!(String::from_utf8_lossy(&third.stdout).contains(", 0 made now"));
    assert_eq!(before, common::tree(&out));
    // A changed picture gets new names and is made again.
    put(dir.path(), "static/img/wide.jpg", &jpeg(1500, 1000));
    let fourth = build(dir.path(), &[]);
    let said = String::from_utf8_lossy(&fourth.stdout).into_owned();
    assert!(!said.contains(", 0 made now"), "{said}");
    assert!(
        versions(&out, "img", "wide")
            .iter()
            .any(|f| f.ends_with(".1440w.webp"))
    );
    assert!(
        !common::tree(&out)
            .iter()
            .any(|(p, _)| before.iter().any(|(q, _)| q == p
                && p.to_string_lossy().contains("wide.")
                && p.to_string_lossy().contains("w.")))
    );
}

#[test]
fn broken_and_mislabelled_pictures_are_warnings_and_published_as_they_are() {
    let dir = site(
        MINIMAL_CONFIG,
        &[(
            "content/broken.md",
            &news(
                "img/cut.jpg",
                "![一半](/img/cut.jpg)\n\n![错名](/img/named.jpg)\n",
            ),
        )],
    );
    let whole = jpeg(1200, 800);
    let cut = &whole[..whole.len() / 3];
    put(dir.path(), "static/img/cut.jpg", cut);
    put(
        dir.path(),
        "static/img/named.jpg",
        &png_with_alpha(600, 400),
    );
    let built = build(dir.path(), &[]);
    let err = stderr(&built);
    assert!(built.status.success(), "{err}");
    assert!(err.contains("static/img/named.jpg: warning: cannot process this picture: it is a PNG picture named .jpg"), "{err}");
    assert!(
        err.contains("static/img/cut.jpg: warning: cannot process this picture"),
        "{err}"
    );
    let out = dir.path().join("public");
    assert_eq!(std::fs::read(out.join("img/cut.jpg")).unwrap(), cut);
    assert!(versions(&out, "img", "cut").is_empty() && versions(&out, "img", "named").is_empty());
    let page = read(&out, "2026/03/broken/index.html");
    assert!(
        page.contains(
            "<img src=\"/img/cut.jpg\" width=\"1200\" height=\"800\" alt=\"一半\" loading=\"lazy\""
        ),
        "the original, with the size its header gives: {page}"
    );
    assert!(
        page.contains("<img src=\"/img/named.jpg\" alt=\"错名\""),
        "{page}"
    );
    assert!(
        page.contains("og:image\" content=\"https://t.example.com/img/cut.jpg\""),
        "the original shared, no card: {page}"
    );
    // Newsroom CI: --strict makes them errors.
    let strict = build(dir.path(), &["--strict"]);
    assert!(!strict.status.success());
}

#[test]
fn page_bundle_covers_and_processing_off() {
    let dir = site(
        MINIMAL_CONFIG,
        &[(
            "content/资讯/fab/index.md",
            &news("cover.jpg", "![](inside.jpg)"),
        )],
    );
    put(dir.path(), "content/资讯/fab/cover.jpg", &jpeg(1200, 600));
    put(dir.path(), "content/资讯/fab/inside.jpg", &jpeg(700, 700));
    let out = build_ok(dir.path(), &[]);
    let page = read(&out, "2026/03/fab/index.html");
    assert!(page.contains("srcset=\"/2026/03/fab/cover."), "{page}");
    assert!(
        versions(&out, "2026/03/fab", "cover")
            .iter()
            .any(|f| f.ends_with(".960w.webp"))
    );
    assert!(
        versions(&out, "2026/03/fab", "inside")
            .iter()
            .any(|f| f.ends_with(".700w.webp"))
    );
    std::fs::write(
        dir.path().join("config.toml"),
        format!("{MINIMAL_CONFIG}[images]\nprocess = false\n"),
    )
    .unwrap();
    let out = build_ok(dir.path(), &[]);
    assert!(versions(&out, "2026/03/fab", "cover").is_empty());
    let page = read(&out, "2026/03/fab/index.html");
    assert!(
        !page.contains("<picture>") && page.contains("<img src=\"inside.jpg\""),
        "{page}"
    );
    // The cover is still found beside its page, not at the site root.
    assert!(
        page.contains("<img src=\"/2026/03/fab/cover.jpg\" alt=\"芯片工厂开工\""),
        "{page}"
    );
}

#[test]
fn a_build_that_fails_makes_no_pictures() {
    let dir = picture_site();
    write(
        dir.path(),
        "content/坏.md",
        "+++\ntitle = \"坏\"\ndate = \"不是日期\"\n+++\n正文\n",
    );
    let built = build(dir.path(), &[]);
    assert!(!built.status.success(), "{}", stderr(&built));
    let cache = dir.path().join(".sitegen-cache/images");
    let made = walkdir::WalkDir::new(&cache)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| {
            e.path()
                .extension()
                .is_some_and(|x| x == "webp" || x == "jpg")
        })
        .count();
    assert_eq!(made, 0, "no version made for a build that failed");
}

#[test]
fn bad_image_settings_name_the_key() {
    let dir = site(
        &format!("{MINIMAL_CONFIG}[images]\nformats = [\"bmp\"]\nquality = 101\n"),
        &[("content/a.md", &news("x.jpg", "正文"))],
    );
    let built = build(dir.path(), &[]);
    assert!(!built.status.success());
    let err = stderr(&built);
    assert!(
        err.contains("[images] formats: `bmp`") && err.contains("[images] quality = 101"),
        "{err}"
    );
}

#[test]
fn templates_ask_for_any_version_with_resize_image() {
    let dir = picture_site();
    write(
        dir.path(),
        "templates/partials/toc.html",
        "{% set r = resize_image(path=\"img/wide.jpg\", width=300, height=300, op=\"fill\", format=\"webp\") %}\
         <i id=\"r\">{{ r.url }}|{{ r.width }}x{{ r.height }}|{{ r.orig_width }}x{{ r.orig_height }}</i>\
         {% set s = resize_image(path=\"static/img/small.png\", width=100, op=\"fit_width\") %}<i id=\"s\">{{ s.static_path }}</i>",
    );
    let out = build_ok(dir.path(), &[]);
    let page = article_page(&out);
    let r = page.split("<i id=\"r\">").nth(1).expect("r");
    let r = &r[..r.find("</i>").unwrap()];
    let (url, rest) = r.split_once('|').unwrap();
    assert!(
        url.starts_with("/img/wide.") && url.ends_with(".300x300.webp"),
        "{r}"
    );
    assert_eq!(rest, "300x300|1600x800");
    assert_eq!(size_of(&out.join(url.trim_start_matches('/'))), (300, 300));
    let s = page.split("<i id=\"s\">").nth(1).expect("s");
    let s = &s[..s.find("</i>").unwrap()];
    assert!(
        s.starts_with("img/small.") && s.ends_with(".100w.png"),
        "{s}"
    );
    assert_eq!(size_of(&out.join(s)), (100, 67));
}

#[test]
fn serve_makes_versions_on_first_request() {
    let dir = picture_site();
    let server = serve(dir.path(), &[]);
    let page = get(&server.addr, "/2026/03/chip/").text();
    let url = page
        .split("srcset=\"")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .expect("a version")
        .to_string();
    assert!(url.ends_with(".480w.webp"), "{url}");
    let cache = dir.path().join(".sitegen-cache/images");
    let cached = || -> Vec<PathBuf> {
        walkdir::WalkDir::new(&cache)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.path().extension().is_some_and(|x| x == "webp"))
            .map(|e| e.path().to_path_buf())
            .collect()
    };
    assert!(cached().is_empty(), "nothing made before it is asked for");
    let reply = get(&server.addr, &url);
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("content-type"), Some("image/webp"));
    assert_eq!(cached().len(), 1, "made once, into the cache");
    assert_eq!(get(&server.addr, &url).status, 200);
}
