//! Publish builds (issue 19): a build with the previous output present keeps the pages
//! whose inputs did not change instead of rendering them again, and its output must be
//! byte-identical to a cold build of the same sources, through adds, edits, deletes,
//! renames, picture, template and config changes.

mod common;

use std::io::Cursor;
use std::path::{Path, PathBuf};

use common::{sitegen, tree, write};
use image::{ImageFormat, Rgb, RgbImage};
use tempfile::TempDir;

const CONFIG: &str =
    "title = \"发布测试日报\"\nbase_url = \"https://pub.example.com/\"\npaginate_by = 4\n";
const TAGS: &[&str] = &["芯片", "大模型", "手机", "云计算", "开源", "汽车"];
const SECTIONS: &[&str] = &["资讯", "产业", "评测"];

/// A picture whose pixels depend on `seed`, so that two seeds give two files.
fn jpeg(seed: u8) -> Vec<u8> {
    let img = RgbImage::from_fn(640, 360, |x, y| {
        Rgb([seed, (x % 251) as u8, ((y + u32::from(seed)) % 241) as u8])
    });
    let mut bytes = Vec::new();
    img.write_to(&mut Cursor::new(&mut bytes), ImageFormat::Jpeg)
        .expect("encode jpeg");
    bytes
}

/// Article `i`: its section, month, tags, series and cover follow from `i`.
fn article(i: usize) -> (String, String) {
    let section = SECTIONS[i % SECTIONS.len()];
    let tags = [TAGS[i % TAGS.len()], TAGS[(i * 5 + 1) % TAGS.len()]];
    let cover = if i.is_multiple_of(3) {
        format!("cover = \"/img/covers/c{}.jpg\"\n", i % 4)
    } else {
        String::new()
    };
    let series = if i.is_multiple_of(7) {
        "series = [\"芯片战争\"]\n"
    } else {
        ""
    };
    let link = if i % 5 == 1 && i > 1 {
        format!(
            "\n延伸阅读：[上一篇](@/{}/a{:03}.md)。\n",
            SECTIONS[(i - 1) % 3],
            i - 1
        )
    } else {
        String::new()
    };
    let text = format!(
        "+++\ntitle = \"第{i}号快讯：{}行业观察\"\ndate = 2025-{:02}-{:02}T09:{:02}:00+08:00\ntags = {tags:?}\ncategories = [\"{section}\"]\nauthors = [\"{}\"]\n{cover}{series}+++\n\n据业内人士透露，本周{}领域迎来新一轮发布。第{i}号报道关注价格、供应链与开发者生态。\n\n## 背景\n\n多家厂商表示将在下个季度跟进。{link}\n```rust\nfn main() {{ println!(\"{i}\"); }}\n```\n",
        tags[0],
        1 + i % 9,
        1 + i % 27,
        i % 60,
        ["林知远", "苏清和"][i % 2],
        tags[1],
    );
    (format!("content/{section}/a{i:03}.md"), text)
}

fn new_site(articles: usize) -> TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    std::fs::write(root.join("config.toml"), CONFIG).expect("config");
    for i in 0..articles {
        let (rel, text) = article(i);
        write(root, &rel, &text);
    }
    for c in 0..4 {
        let path = root.join(format!("static/img/covers/c{c}.jpg"));
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, jpeg(c * 40)).expect("write cover");
    }
    write(
        root,
        "content/资讯/_index.md",
        "+++\ntitle = \"资讯频道\"\ndescription = \"每日科技资讯\"\n+++\n频道介绍。\n",
    );
    write(
        root,
        "content/about.md",
        "+++\ntitle = \"关于我们\"\n+++\n一家科技媒体。\n",
    );
    dir
}

/// `sitegen build -r ROOT -o OUT ARGS…` with a fixed "now"; returns stdout.
fn build(root: &Path, out: &Path, args: &[&str]) -> String {
    let run = sitegen()
        .arg("build")
        .arg("-r")
        .arg(root)
        .arg("-o")
        .arg(out)
        .args(args)
        .env("SOURCE_DATE_EPOCH", "1790000000")
        .output()
        .expect("run sitegen");
    assert!(
        run.status.success(),
        "build failed:\n{}{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    String::from_utf8_lossy(&run.stdout).into_owned()
}

/// The numbers in "kept N pages and M parsed files …": (0, 0) when the build kept none.
fn kept_and_cached(stdout: &str) -> (usize, usize) {
    stdout
        .lines()
        .find_map(|l| {
            let words: Vec<&str> = l.strip_prefix("kept ")?.split(' ').collect();
            Some((words.first()?.parse().ok()?, words.get(3)?.parse().ok()?))
        })
        .unwrap_or((0, 0))
}

/// Markdown files under `content/` that the parse cache keeps (all but `_index.md`).
fn cacheable(root: &Path) -> usize {
    walkdir::WalkDir::new(root.join("content"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .filter(|e| e.file_name() != "_index.md")
        .count()
}

/// A copy of the site without its cache folder, for a build from nothing.
fn copy_without_cache(root: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(Result::ok)
    {
        let rel = entry.path().strip_prefix(root).expect("prefix");
        if rel.starts_with(".sitegen-cache") {
            continue;
        }
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).expect("mkdir");
        } else {
            std::fs::copy(entry.path(), &dest).expect("copy");
        }
    }
}

/// HTML files in the output.
/// Rendered pages in the output: every HTML page, and the side column's fragment.
fn pages(out: &Path) -> usize {
    common::html_files(out).len() + usize::from(out.join("side.html").is_file())
}

/// A publish build into `published`, then a cold one (a copy of the sources without the
/// cache folder, into a new folder): the two outputs must be the same, file for file and
/// byte for byte. Returns the pages kept.
fn publish_matches_cold(root: &Path, published: &Path, args: &[&str], step: &str) -> usize {
    publish_and_compare(root, published, args, step).0
}

/// [`publish_matches_cold`], returning the pages kept and the parses cached.
fn publish_and_compare(root: &Path, published: &Path, args: &[&str], step: &str) -> (usize, usize) {
    let stdout = build(root, published, args);
    let scratch = tempfile::tempdir().expect("temp");
    let fresh = scratch.path().join("site");
    copy_without_cache(root, &fresh);
    let cold: PathBuf = scratch.path().join("cold");
    let cold_stdout = build(&fresh, &cold, args);
    assert_eq!(
        kept_and_cached(&cold_stdout),
        (0, 0),
        "{step}: a cold build"
    );
    let (got, want) = (tree(published), tree(&cold));
    let names = |t: &[(PathBuf, Vec<u8>)]| t.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>();
    assert_eq!(names(&got), names(&want), "{step}: the files differ");
    for ((path, a), (_, b)) in got.iter().zip(&want) {
        assert!(
            a == b,
            "{step}: {} differs from a cold build's",
            path.display()
        );
    }
    kept_and_cached(&stdout)
}

#[test]
fn publish_builds_keep_unchanged_pages_and_match_cold_builds() {
    let site = new_site(40);
    let root = site.path();
    let out_dir = tempfile::tempdir().expect("temp");
    let out = out_dir.path().join("public");
    // The first build has nothing to keep; the second writes into a new spare folder; from
    // the third on, the spare is the build before last and its pages can be kept.
    assert_eq!(publish_matches_cold(root, &out, &[], "first build"), 0);
    publish_matches_cold(root, &out, &[], "second build");
    let all = pages(&out);
    assert_eq!(
        publish_matches_cold(root, &out, &[], "unchanged"),
        all,
        "an unchanged site keeps every page"
    );

    let (rel, text) = article(40);
    write(root, &rel, &text.replace("行业观察", "独家：新品发布"));
    let kept = publish_matches_cold(root, &out, &[], "an article added");
    assert!(
        kept > all / 3,
        "adding one article re-renders few pages: kept {kept} of {all}"
    );
    publish_matches_cold(root, &out, &[], "the same again");

    let edit = |rel: &str, from: &str, to: &str| {
        let path = root.join(rel);
        let text = std::fs::read_to_string(&path).expect("read");
        assert!(text.contains(from), "{rel} has no {from:?}");
        std::fs::write(&path, text.replacen(from, to, 1)).expect("write");
    };
    // In the code block, past the summary: only the article's own page shows it.
    edit("content/产业/a004.md", "println!(\"4\")", "println!(\"8\")");
    let (kept, cached) = publish_and_compare(root, &out, &[], "a body edited");
    assert_eq!(
        cached,
        cacheable(root) - 1,
        "only the edited file is parsed again"
    );
    assert!(
        kept > all / 2,
        "a body edit re-renders few pages: kept {kept} of {all}"
    );
    edit("content/评测/a005.md", "tags = [", "tags = [\"新标签\", ");
    publish_matches_cold(root, &out, &[], "tags edited");
    edit("content/资讯/a006.md", "date = 2025-", "date = 2024-");
    publish_matches_cold(root, &out, &[], "a date edited");
    std::fs::remove_file(root.join("content/产业/a007.md")).expect("delete");
    publish_matches_cold(root, &out, &[], "an article deleted");
    std::fs::rename(
        root.join("content/评测/a008.md"),
        root.join("content/评测/a008-renamed.md"),
    )
    .expect("rename");
    publish_matches_cold(root, &out, &[], "an article renamed");
    // The newest articles of all, one build each: the search index appends them to the
    // last build's (src/search/update.rs; the second also copies what the first changed
    // into the folder of the build before), keeping its ledger in the cache folder.
    for (i, day) in [(41, "01"), (42, "02")] {
        let (_, text) = article(i);
        let newest = format!("date = 2026-01-{day}T08:00:00+08:00\n");
        let text = text.replacen("date = 2025-", "old_date = 2025-", 1);
        write(
            root,
            &format!("content/产业/newest{i}.md"),
            &text.replacen("tags = ", &format!("{newest}tags = "), 1),
        );
        publish_matches_cold(root, &out, &[], "the newest article added");
    }
    let ledger = |name: &str| {
        let ledgers = std::fs::read_dir(root.join(".sitegen-cache/generated")).expect("ledgers");
        ledgers
            .flatten()
            .find(|e| e.file_name().to_string_lossy().starts_with(name))
            .map(|e| e.path())
    };
    assert!(ledger("search-").is_some());
    // Listing entries are kept there too (src/render/cards/store.rs). One cut short, as
    // by a build stopped mid-write, is read as far as it is whole: the pages that the
    // next step renders again (every listing showing the moved article) still match.
    let cards = ledger("cards-").expect("the listing entries are kept");
    let bytes = std::fs::read(&cards).expect("cards");
    std::fs::write(&cards, &bytes[..bytes.len() * 2 / 3]).expect("cut the store short");
    // a001's body links a000 with `@/`: a000's URL changes with its slug.
    edit(
        "content/资讯/a000.md",
        "+++\ntitle",
        "+++\nslug = \"moved\"\ntitle",
    );
    publish_matches_cold(root, &out, &[], "a linked article moved");

    std::fs::write(root.join("static/img/covers/c1.jpg"), jpeg(222)).expect("cover");
    publish_matches_cold(root, &out, &[], "a cover picture changed");
    publish_matches_cold(root, &out, &[], "after the picture change");

    write(
        root,
        "templates/partials/tags.html",
        "{%- if tags %}<p class=\"tags\">{% for tag in tags %}<a href=\"{{ tag.url }}\">#{{ tag.name }}</a>{% endfor %}</p>{% endif %}\n",
    );
    assert_eq!(
        publish_matches_cold(root, &out, &[], "a template changed"),
        0,
        "a template change renders every page"
    );
    std::fs::write(
        root.join("config.toml"),
        CONFIG.replace("发布测试日报", "发布测试晚报"),
    )
    .expect("config");
    assert_eq!(
        publish_matches_cold(root, &out, &[], "the config changed"),
        0
    );
    publish_matches_cold(root, &out, &["--minify"], "minified");
    publish_matches_cold(root, &out, &["--minify"], "minified again");
    publish_matches_cold(root, &out, &[], "plain again");
}

#[test]
fn publish_builds_of_a_traditional_edition_match_cold_builds() {
    let site = new_site(16);
    let root = site.path();
    std::fs::write(
        root.join("config.toml"),
        format!("{CONFIG}\n[zh_hant]\nenabled = true\n"),
    )
    .expect("config");
    let out_dir = tempfile::tempdir().expect("temp");
    let out = out_dir.path().join("public");
    for step in ["first", "second", "third"] {
        publish_matches_cold(root, &out, &[], step);
    }
    assert!(out.join("zh-hant").is_dir(), "the edition is built");
    let (rel, text) = article(16);
    write(root, &rel, &text);
    let kept = publish_matches_cold(root, &out, &[], "an article added");
    assert!(kept > 0, "the edition's publish build keeps pages");
    publish_matches_cold(root, &out, &[], "the same again");
}

/// A build keeps the parse cache's shard files open while it may read bodies from them
/// (up to 256): it raises a low limit on open files (macOS starts programs with 256)
/// instead of failing to read its sources.
#[cfg(unix)]
#[test]
fn a_low_open_files_limit_is_raised_not_a_failure() {
    let site = new_site(300);
    let root = site.path();
    let out = root.join("public");
    for step in ["cold", "from the cache"] {
        let run = std::process::Command::new("sh")
            .arg("-c")
            .arg("ulimit -S -n 64 && exec \"$0\" build -r \"$1\" -o \"$2\"")
            .arg(env!("CARGO_BIN_EXE_sitegen"))
            .arg(root)
            .arg(&out)
            .env("SOURCE_DATE_EPOCH", "1790000000")
            .output()
            .expect("run sitegen under a low limit");
        let stdout = String::from_utf8_lossy(&run.stdout);
        assert!(
            run.status.success(),
            "{step} build failed:\n{stdout}{}",
            String::from_utf8_lossy(&run.stderr)
        );
        if step == "from the cache" {
            assert_eq!(kept_and_cached(&stdout).1, cacheable(root), "{stdout}");
        }
    }
}

/// The articles a listing page shows, by their number in [`article`]'s titles, in order.
fn shown_articles(page: &Path) -> Vec<usize> {
    let html = std::fs::read_to_string(page).expect("read a listing page");
    let mut shown: Vec<usize> = html
        .split("号快讯")
        .filter_map(|before| before.rsplit_once('第')?.1.parse().ok())
        .collect();
    // A title can show twice in an article's entry (its link and its picture's text).
    shown.dedup();
    shown
}

/// `stable_pagination`: `page/N/` counts from the oldest, so that a full page keeps its
/// articles and its bytes when an article is published; the pages cut the same articles
/// as Hugo's numbering does when they fill the pages exactly, in the other order.
#[test]
fn stable_pagination_keeps_full_pages_when_an_article_is_published() {
    let site = new_site(40);
    let root = site.path();
    let out_dir = tempfile::tempdir().expect("temp");
    let hugo = out_dir.path().join("hugo");
    build(root, &hugo, &[]);
    std::fs::write(
        root.join("config.toml"),
        format!("{CONFIG}stable_pagination = true\n"),
    )
    .expect("config");
    let out = out_dir.path().join("public");
    for step in ["first", "second", "third"] {
        publish_matches_cold(root, &out, &[], step);
    }
    // 40 articles, 4 to a page: the listing's URL and page/9/ … page/1/, where Hugo has
    // pages 1 … 10.
    let page = |dir: &Path, n: usize| dir.join(format!("page/{n}/index.html"));
    assert!(!page(&out, 10).exists() && !hugo.join("page/1/index.html").exists());
    assert_eq!(
        shown_articles(&out.join("index.html")),
        shown_articles(&hugo.join("index.html"))
    );
    for n in 1..=9 {
        let stable = shown_articles(&page(&out, n));
        assert_eq!(stable.len(), 4, "page/{n}/ is full");
        assert_eq!(stable, shown_articles(&page(&hugo, 11 - n)), "page/{n}/");
    }
    let home = std::fs::read_to_string(out.join("index.html")).expect("home");
    assert!(home.contains("href=\"/page/9/\" rel=\"next\""), "{home}");
    let oldest = std::fs::read_to_string(page(&out, 1)).expect("page 1");
    assert!(!oldest.contains("rel=\"next\"") && !oldest.contains("共 40 篇"));

    // The newest article of all, twice: the first starts page/10/ (and changes the links
    // of the pages next to it), the second changes no numbered page of the home listing.
    // Dated in the same year as the rest: every page's copyright line shows the newest.
    let bytes = |n: usize| std::fs::read(page(&out, n)).expect("a numbered page");
    for (i, day) in [(40, "01"), (41, "02")] {
        let before: Vec<Vec<u8>> = (1..=9).map(bytes).collect();
        let (rel, text) = article(i);
        let newest = format!("date = 2025-12-{day}T08:00:00+08:00\n");
        let text = text.replacen("date = 2025-", "old_date = 2025-", 1);
        write(
            root,
            &rel,
            &text.replacen("tags = ", &format!("{newest}tags = "), 1),
        );
        publish_matches_cold(root, &out, &[], "the newest article added");
        let unchanged = (1..=9).filter(|&n| bytes(n) == before[n - 1]).count();
        if i == 40 {
            assert!(
                page(&out, 10).exists(),
                "a new page once the last one filled"
            );
            assert!(unchanged >= 5, "{unchanged} of 9 pages unchanged");
        } else {
            assert_eq!(unchanged, 9, "no numbered page changes");
        }
        assert!(shown_articles(&out.join("index.html")).contains(&i));
    }
}

/// The number in "(N files not read again …)": sources whose stamps had not changed.
fn unread(stdout: &str) -> usize {
    stdout
        .lines()
        .find_map(|l| {
            let (_, rest) = l.split_once(" build (")?;
            rest.split(' ').next()?.parse().ok()
        })
        .unwrap_or(0)
}

/// A publish build does not read a source whose size, times and inode have not changed
/// (its stamp says its bytes hash as before); an edit that keeps the file's size and puts
/// its modification time back is still seen (the change time moved), and the output is
/// still the cold build's.
#[test]
fn sources_with_unchanged_stamps_are_not_read_and_a_same_size_edit_is_still_seen() {
    let site = new_site(6);
    let root = site.path();
    let out = root.join("public");
    // Only stamps of files that had settled before a build are kept (2 s).
    std::thread::sleep(std::time::Duration::from_millis(2500));
    build(root, &out, &[]);
    let stdout = build(root, &out, &[]);
    assert_eq!(unread(&stdout), cacheable(root), "{stdout}");

    let (rel, text) = article(2);
    let path = root.join(&rel);
    let modified = std::fs::metadata(&path)
        .and_then(|m| m.modified())
        .expect("mtime");
    // 快 and 简 are both three bytes in UTF-8: the file keeps its size.
    let edited = text.replacen("快讯", "简讯", 1);
    assert_eq!(edited.len(), text.len());
    std::fs::write(&path, &edited).expect("edit");
    std::fs::File::options()
        .write(true)
        .open(&path)
        .and_then(|f| f.set_modified(modified))
        .expect("put the modification time back");

    let (_, cached) = publish_and_compare(root, &out, &[], "a same-size edit");
    assert_eq!(
        cached,
        cacheable(root) - 1,
        "the edited file is parsed again"
    );
    let page = common::html_files(&out)
        .into_iter()
        .find(|p| p.to_string_lossy().contains("a002"))
        .expect("article 2's page");
    let html = std::fs::read_to_string(out.join(page)).expect("read page");
    assert!(html.contains("第2号简讯"), "the edit is published");
    let stdout = build(root, &out, &[]);
    assert_eq!(
        unread(&stdout),
        cacheable(root) - 1,
        "the edited file, changed within the settling time, is read again"
    );
}
