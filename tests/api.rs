//! The JSON API (`[api] enabled = true`): the files a build writes under `api/`, their
//! pagination and fields, the schemas in docs/api/ they follow, and what stays out.

mod common;

use std::io::Cursor;
use std::path::{Path, PathBuf};

use common::*;
use image::{ImageFormat, Rgb, RgbImage};
use serde_json::Value;

const CONFIG: &str = "title = \"测试日报\"\ndescription = \"科技新闻\"\nbase_url = \"https://t.example.com/portal/\"\n\n[api]\nenabled = true\nper_page = 2\n";

fn jpeg(w: u32, h: u32) -> Vec<u8> {
    let img = RgbImage::from_fn(w, h, |x, y| Rgb([(x % 200) as u8, (y % 200) as u8, 90]));
    let mut bytes = Vec::new();
    img.write_to(&mut Cursor::new(&mut bytes), ImageFormat::Jpeg)
        .expect("encode jpeg");
    bytes
}

fn news(title: &str, date: &str, extra: &str, body: &str) -> String {
    format!("+++\ntitle = \"{title}\"\ndate = {date}\n{extra}+++\n{body}\n")
}

/// Five published articles in two sections (one a page bundle with a cover, one with an
/// absolute-path cover), a draft, and a standalone page.
fn api_site(config: &str) -> tempfile::TempDir {
    let dir = site(
        config,
        &[
            (
                "content/资讯/fab/index.md",
                &news(
                    "芯片工厂开工",
                    "2026-03-05T09:00:00+08:00",
                    "cover = \"cover.jpg\"\ntags = [\"芯片\", \"制造\"]\ncategories = [\"产业\"]\nauthors = [\"王澜\", \"林舟\"]\nseries = \"芯片战争\"\nsummary = \"新厂今日动工。\"\n",
                    "## 开工仪式\n\n见[标签页](/tags/芯片/)与[旧闻](../old/)。\n\n![现场](site.jpg)\n",
                ),
            ),
            (
                "content/资讯/model.md",
                &news(
                    "大模型发布会",
                    "2026-03-04T10:00:00+08:00",
                    "cover = \"/img/stage.jpg\"\ntags = [\"大模型\"]\nauthor = \"林舟\"\n",
                    "发布会在北京举行。",
                ),
            ),
            (
                "content/资讯/old.md",
                &news(
                    "旧闻回顾",
                    "2026-03-01T08:00:00+08:00",
                    "tags = [\"芯片\"]\nupdated = 2026-03-06T12:00:00+08:00\n",
                    "回顾。",
                ),
            ),
            (
                "content/评测/phone.md",
                &news(
                    "新手机评测",
                    "2026-03-03T09:00:00+08:00",
                    "tags = [\"手机\"]\ncategories = [\"评测\"]\n",
                    "续航不错。",
                ),
            ),
            (
                "content/评测/laptop.md",
                &news(
                    "笔记本评测",
                    "2026-03-02T09:00:00+08:00",
                    "tags = [\"手机\"]\n",
                    "键盘手感好。",
                ),
            ),
            (
                "content/资讯/secret.md",
                &news(
                    "未发布的独家",
                    "2026-03-06T09:00:00+08:00",
                    "draft = true\ntags = [\"独家\"]\n",
                    "草稿。",
                ),
            ),
            (
                "content/about.md",
                "+++\ntitle = \"关于我们\"\n+++\n关于。\n",
            ),
        ],
    );
    put(dir.path(), "content/资讯/fab/cover.jpg", &jpeg(1200, 675));
    put(dir.path(), "content/资讯/fab/site.jpg", &jpeg(800, 600));
    put(dir.path(), "static/img/stage.jpg", &jpeg(1000, 500));
    dir
}

fn put(root: &Path, rel: &str, bytes: &[u8]) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, bytes).expect("write");
}

fn json(out: &Path, rel: &str) -> Value {
    serde_json::from_str(&read(out, rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// Every file under `out/api`, relative to `out`, sorted.
fn api_files(out: &Path) -> Vec<String> {
    let mut files: Vec<String> = walkdir::WalkDir::new(out.join("api"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            e.path()
                .strip_prefix(out)
                .expect("prefix")
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    files.sort();
    files
}

fn titles(page: &Value) -> Vec<&str> {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["title"].as_str().expect("title"))
        .collect()
}

/// The output file an absolute URL under the site points at.
fn file_of(out: &Path, url: &str) -> PathBuf {
    let path = url
        .strip_prefix("https://t.example.com/portal/")
        .unwrap_or_else(|| panic!("{url} is not under the site"));
    let decoded = percent_encoding::percent_decode_str(path)
        .decode_utf8()
        .expect("utf-8");
    let file = out.join(decoded.as_ref());
    if path.is_empty() || path.ends_with('/') {
        file.join("index.html")
    } else {
        file
    }
}

#[test]
fn articles_are_paginated_newest_first_with_links_between_pages() {
    let dir = api_site(CONFIG);
    let out = build_ok(dir.path(), &[]);
    let first = json(&out, "api/articles/page/1.json");
    assert_eq!(first["version"], 1);
    assert_eq!(first["page"], 1);
    assert_eq!(first["per_page"], 2);
    assert_eq!(first["total_articles"], 5);
    assert_eq!(first["total_pages"], 3);
    assert_eq!(first["prev"], Value::Null);
    assert_eq!(
        first["next"],
        "https://t.example.com/portal/api/articles/page/2.json"
    );
    assert_eq!(first["listing"]["kind"], "articles");
    assert_eq!(first["listing"]["url"], "https://t.example.com/portal/");
    assert_eq!(titles(&first), ["芯片工厂开工", "大模型发布会"]);
    let second = json(&out, "api/articles/page/2.json");
    assert_eq!(titles(&second), ["新手机评测", "笔记本评测"]);
    assert_eq!(
        second["prev"],
        "https://t.example.com/portal/api/articles/page/1.json"
    );
    let last = json(&out, "api/articles/page/3.json");
    assert_eq!(titles(&last), ["旧闻回顾"]);
    assert_eq!(last["next"], Value::Null);
    assert!(!out.join("api/articles/page/4.json").exists());
    // Every next/prev link names a file the build wrote.
    for page in [&first, &second, &last] {
        for link in ["next", "prev"] {
            if let Some(url) = page[link].as_str() {
                assert!(file_of(&out, url).is_file(), "{url}");
            }
        }
    }
}

#[test]
fn items_carry_absolute_urls_terms_and_dates() {
    let dir = api_site(CONFIG);
    let out = build_ok(dir.path(), &[]);
    let first = json(&out, "api/articles/page/1.json");
    let fab = &first["items"][0];
    let id = fab["id"].as_str().expect("id");
    assert!(
        id.len() == 12 && id.bytes().all(|b| b.is_ascii_hexdigit()),
        "{id}"
    );
    assert_eq!(fab["url"], "https://t.example.com/portal/2026/03/fab/");
    assert_eq!(fab["path"], "/portal/2026/03/fab/");
    assert_eq!(
        fab["api"],
        format!("https://t.example.com/portal/api/articles/{id}.json")
    );
    assert_eq!(fab["date"], "2026-03-05T09:00:00+08:00");
    assert_eq!(fab["updated"], Value::Null);
    assert_eq!(fab["summary"], "新厂今日动工。");
    assert_eq!(fab["author"], "王澜、林舟");
    assert_eq!(fab["authors"][0]["name"], "王澜");
    assert_eq!(fab["series"][0]["name"], "芯片战争");
    assert_eq!(fab["section"]["name"], "资讯");
    assert_eq!(
        fab["section"]["api"],
        "https://t.example.com/portal/api/sections/%E8%B5%84%E8%AE%AF/page/1.json"
    );
    let tags: Vec<&str> = fab["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(tags, ["芯片", "制造"]);
    assert_eq!(
        fab["tags"][0]["url"],
        "https://t.example.com/portal/tags/%E8%8A%AF%E7%89%87/"
    );
    assert_eq!(fab["categories"][0]["name"], "产业");
    assert!(fab["reading_minutes"].as_u64().unwrap() >= 1);
    // Every listing an item links to exists.
    for term in fab["tags"].as_array().unwrap() {
        assert!(file_of(&out, term["api"].as_str().unwrap()).is_file());
        assert!(file_of(&out, term["url"].as_str().unwrap()).is_file());
    }
    let old = json(&out, "api/articles/page/3.json");
    assert_eq!(old["items"][0]["updated"], "2026-03-06T12:00:00+08:00");
}

#[test]
fn an_article_file_has_its_body_with_absolute_links_and_its_toc() {
    let dir = api_site(CONFIG);
    let out = build_ok(dir.path(), &[]);
    let first = json(&out, "api/articles/page/1.json");
    let url = first["items"][0]["api"].as_str().unwrap();
    let file = file_of(&out, url);
    let article: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(article["title"], "芯片工厂开工");
    assert_eq!(article["id"], first["items"][0]["id"]);
    let content = article["content"].as_str().unwrap();
    assert!(
        content.contains("href=\"https://t.example.com/portal/tags/%E8%8A%AF%E7%89%87/\""),
        "{content}"
    );
    // A relative link in the Markdown, resolved against the article's URL.
    assert!(
        content.contains("href=\"https://t.example.com/portal/2026/03/old/\"")
            || content.contains("href=\"https://t.example.com/portal/%E8%B5%84%E8%AE%AF/old/\""),
        "{content}"
    );
    for href in links(content) {
        assert!(
            href.starts_with("https://") || href.starts_with('#'),
            "{href} in {content}"
        );
    }
    assert_eq!(article["toc"][0]["title"], "开工仪式");
    assert_eq!(article["toc"][0]["level"], 2);
}

#[test]
fn covers_come_with_the_versions_the_image_stage_made() {
    let dir = api_site(CONFIG);
    let out = build_ok(dir.path(), &[]);
    let first = json(&out, "api/articles/page/1.json");
    let cover = &first["items"][0]["cover"];
    assert_eq!(
        cover["url"],
        "https://t.example.com/portal/2026/03/fab/cover.jpg"
    );
    assert_eq!(cover["width"], 1200);
    assert_eq!(cover["height"], 675);
    for picture in [&cover["image"], &cover["thumbnail"]] {
        let src = picture["src"].as_str().expect("src");
        assert!(file_of(&out, src).is_file(), "{src}");
        let srcset = picture["srcset"].as_str().unwrap();
        assert!(!srcset.is_empty());
        let sources = picture["sources"].as_array().unwrap();
        assert!(
            sources.iter().any(|s| s["type"] == "image/webp"),
            "{picture}"
        );
        let all =
            std::iter::once(srcset).chain(sources.iter().map(|s| s["srcset"].as_str().unwrap()));
        for set in all {
            for candidate in set.split(", ") {
                let url = candidate.split(' ').next().unwrap();
                assert!(file_of(&out, url).is_file(), "{url}");
            }
        }
    }
    let stage = &first["items"][1]["cover"];
    assert_eq!(stage["url"], "https://t.example.com/portal/img/stage.jpg");
    assert!(stage["image"]["srcset"].as_str().unwrap().contains("480w"));
}

#[test]
fn with_processing_off_covers_are_the_originals() {
    let dir = api_site(&format!("{CONFIG}\n[images]\nprocess = false\n"));
    let out = build_ok(dir.path(), &[]);
    let cover = &json(&out, "api/articles/page/1.json")["items"][0]["cover"];
    assert_eq!(
        cover["url"],
        "https://t.example.com/portal/2026/03/fab/cover.jpg"
    );
    assert_eq!(cover["image"], Value::Null);
    assert_eq!(cover["width"], Value::Null);
}

#[test]
fn every_listing_kind_has_its_files_and_the_index_names_them() {
    let dir = api_site(CONFIG);
    let out = build_ok(dir.path(), &[]);
    let index = json(&out, "api/index.json");
    assert_eq!(index["version"], 1);
    assert_eq!(index["site"]["title"], "测试日报");
    assert_eq!(index["site"]["base_url"], "https://t.example.com/portal");
    assert_eq!(index["site"]["language"], "zh-CN");
    // The newest change in the content: the old article's update.
    assert_eq!(index["updated"], "2026-03-06T12:00:00+08:00");
    assert_eq!(
        index["article"],
        "https://t.example.com/portal/api/articles/{id}.json"
    );
    assert_eq!(index["articles"]["count"], 5);
    assert_eq!(index["articles"]["pages"], 3);
    let names = |key: &str| -> Vec<(String, u64)> {
        index[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| {
                (
                    l["name"].as_str().unwrap().to_string(),
                    l["count"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    assert_eq!(
        names("sections"),
        [("资讯".to_string(), 3), ("评测".to_string(), 2)]
    );
    // 独家 is only on the draft.
    assert!(!names("tags").iter().any(|(n, _)| n == "独家"));
    assert!(names("tags").contains(&("芯片".to_string(), 2)));
    assert!(names("categories").contains(&("产业".to_string(), 1)));
    for kind in ["sections", "tags", "categories", "authors", "series"] {
        for listing in index[kind].as_array().unwrap() {
            let first = file_of(&out, listing["api"].as_str().unwrap());
            let page: Value =
                serde_json::from_str(&std::fs::read_to_string(&first).unwrap()).unwrap();
            assert_eq!(page["total_articles"], listing["count"]);
            assert_eq!(&page["listing"], listing);
            assert!(file_of(&out, listing["url"].as_str().unwrap()).is_file());
        }
    }
    let chips = json(&out, "api/tags/芯片/page/1.json");
    assert_eq!(titles(&chips), ["芯片工厂开工", "旧闻回顾"]);
    assert_eq!(chips["listing"]["kind"], "tag");
    assert_eq!(chips["listing"]["slug"], "芯片");
    let reviews = json(&out, "api/sections/评测/page/1.json");
    assert_eq!(titles(&reviews), ["新手机评测", "笔记本评测"]);
    assert_eq!(reviews["next"], Value::Null);
}

/// Needs `Site::authors` and `Site::series` filled (the series and authors helper's work).
#[test]
fn authors_and_series_have_listings_and_linked_bylines() {
    let dir = api_site(CONFIG);
    let out = build_ok(dir.path(), &[]);
    let index = json(&out, "api/index.json");
    let count = |kind: &str, name: &str| {
        index[kind]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["name"] == name)
            .map(|l| l["count"].as_u64().unwrap())
    };
    assert_eq!(count("authors", "林舟"), Some(2));
    assert_eq!(count("authors", "王澜"), Some(1));
    assert_eq!(count("series", "芯片战争"), Some(1));
    let lin = json(&out, "api/authors/林舟/page/1.json");
    assert_eq!(titles(&lin), ["芯片工厂开工", "大模型发布会"]);
    assert_eq!(lin["listing"]["kind"], "author");
    let series = json(&out, "api/series/芯片战争/page/1.json");
    assert_eq!(titles(&series), ["芯片工厂开工"]);
    let fab = &series["items"][0];
    for byline in fab["authors"]
        .as_array()
        .unwrap()
        .iter()
        .chain(fab["series"].as_array().unwrap())
    {
        let api = byline["api"].as_str().expect("linked byline");
        assert!(file_of(&out, api).is_file(), "{api}");
        assert!(file_of(&out, byline["url"].as_str().unwrap()).is_file());
    }
}

#[test]
fn drafts_are_never_in_the_api_even_when_built() {
    let dir = api_site(CONFIG);
    let out = build_ok(dir.path(), &["--drafts"]);
    // The draft's page is built...
    assert!(read(&out, "2026/03/secret/index.html").contains("未发布的独家"));
    // ...but no API file mentions it.
    for file in api_files(&out) {
        let text = read(&out, &file);
        assert!(!text.contains("未发布的独家"), "{file}");
        assert!(!text.contains("独家"), "{file}");
    }
    assert_eq!(json(&out, "api/articles/page/1.json")["total_articles"], 5);
}

#[test]
fn every_file_follows_its_schema() {
    let dir = api_site(CONFIG);
    let out = build_ok(dir.path(), &[]);
    let schemas = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/api");
    let validator = |name: &str| {
        let text = std::fs::read_to_string(schemas.join(name)).expect("schema");
        let schema: Value = serde_json::from_str(&text).expect("schema is JSON");
        jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .should_validate_formats(true)
            .build(&schema)
            .unwrap_or_else(|e| panic!("{name}: {e}"))
    };
    let index = validator("index.schema.json");
    let listing = validator("listing.schema.json");
    let article = validator("article.schema.json");
    let files = api_files(&out);
    let mut seen = [0; 3];
    for file in &files {
        let value = json(&out, file);
        let (which, v) = if file == "api/index.json" {
            (0, &index)
        } else if file.contains("/page/") {
            (1, &listing)
        } else {
            (2, &article)
        };
        seen[which] += 1;
        let errors: Vec<String> = v
            .iter_errors(&value)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{file}: {errors:#?}");
    }
    // index; 3 article pages + 2 sections + 5 tags + 2 categories + 2 authors + 1 series;
    // 5 articles.
    assert_eq!(seen, [1, 15, 5], "{files:#?}");
}

#[test]
fn there_is_no_api_unless_enabled() {
    let dir = api_site(MINIMAL_CONFIG);
    let out = build_ok(dir.path(), &[]);
    assert!(out.join("index.html").is_file());
    assert!(!out.join("api").exists());
}

#[test]
fn the_path_is_configurable() {
    let config = CONFIG.replace("per_page = 2", "per_page = 10\npath = \"/app/v1/\"");
    let dir = api_site(&config);
    let out = build_ok(dir.path(), &[]);
    assert!(!out.join("api").exists());
    let page = json(&out, "app/v1/articles/page/1.json");
    assert_eq!(page["total_pages"], 1);
    assert_eq!(titles(&page).len(), 5);
    assert_eq!(
        json(&out, "app/v1/index.json")["articles"]["api"],
        "https://t.example.com/portal/app/v1/articles/page/1.json"
    );
}

#[test]
fn bad_settings_are_errors_naming_the_key() {
    for (setting, message) in [
        (
            "per_page = 0",
            "config.toml:7:1: error: [api] per_page must be at least 1",
        ),
        (
            "path = \"../x\"",
            "config.toml:7:1: error: [api] path = \"../x\" is not a folder under the site",
        ),
        (
            "path = \"\"",
            "config.toml:7:1: error: [api] path = \"\" is not a folder under the site",
        ),
    ] {
        let config = CONFIG.replace("per_page = 2", setting);
        let dir = api_site(&config);
        let built = build(dir.path(), &[]);
        assert!(!built.status.success(), "{setting}");
        let err = stderr(&built);
        assert!(err.contains(message), "{setting}: {err}");
    }
}

#[test]
fn a_page_or_static_file_cannot_take_an_api_file() {
    let dir = api_site(CONFIG);
    write(
        dir.path(),
        "content/评测/alias.md",
        &news(
            "占位",
            "2026-02-01T09:00:00+08:00",
            "aliases = [\"/api/index.json\"]\n",
            "正文。",
        ),
    );
    let built = build(dir.path(), &[]);
    assert!(!built.status.success());
    let err = stderr(&built);
    assert!(
        err.contains("/api/index.json is both a generated file and"),
        "{err}"
    );

    let dir = api_site(CONFIG);
    write(dir.path(), "static/api/articles/page/1.json", "{}");
    let built = build(dir.path(), &[]);
    assert!(!built.status.success());
    assert!(
        stderr(&built).contains("api/articles/page/1.json"),
        "{}",
        stderr(&built)
    );
}

#[test]
fn the_sitemap_lists_no_json_and_check_finds_no_broken_link() {
    let dir = api_site(CONFIG);
    let out = build_ok(dir.path(), &[]);
    assert!(out.join("api/index.json").is_file());
    for file in ["sitemap.xml", "robots.txt"] {
        if out.join(file).is_file() {
            assert!(!read(&out, file).contains(".json"), "{file}");
        }
    }
    let checked = sitegen()
        .arg("check")
        .arg("-r")
        .arg(dir.path())
        .env("SOURCE_DATE_EPOCH", "1790000000")
        .output()
        .expect("run");
    assert!(checked.status.success(), "{}", stderr(&checked));
}

#[test]
fn api_bytes_are_the_same_whatever_the_thread_count() {
    let dir = api_site(CONFIG);
    let run = |threads: &str| {
        let out = dir.path().join(format!("out-{threads}"));
        let status = sitegen()
            .args(["build", "-q", "-r"])
            .arg(dir.path())
            .arg("-o")
            .arg(&out)
            .env("RAYON_NUM_THREADS", threads)
            .env("SOURCE_DATE_EPOCH", "1790000000")
            .status()
            .expect("run");
        assert!(status.success());
        tree(&out.join("api"))
    };
    let one = run("1");
    assert!(one.len() > 10);
    assert_eq!(one, run("2"));
}

#[test]
fn serve_serves_the_api() {
    let dir = api_site(CONFIG);
    let server = common::server::serve(dir.path(), &[]);
    let reply = common::server::get(&server.addr, "/api/index.json");
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert!(
        reply
            .header("content-type")
            .is_some_and(|t| t.starts_with("application/json")),
        "{:?}",
        reply.headers
    );
    let index: Value = serde_json::from_slice(&reply.body).expect("JSON");
    assert_eq!(index["articles"]["count"], 5);
    let page = common::server::get(&server.addr, "/api/tags/%E8%8A%AF%E7%89%87/page/1.json");
    assert_eq!(page.status, 200);
}
