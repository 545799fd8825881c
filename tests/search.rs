//! Search end to end: the real binary builds a small Chinese site under a base path, and
//! the index it writes is queried with `sitegen::search::query` (the browser's algorithm in
//! Rust). When `chromium` is installed, the real search page runs in headless Chromium too,
//! and the script's tokeniser, hash and decoder are checked against the Rust ones.

mod common;

use std::path::{Path, PathBuf};
use std::time::Instant;

use common::server::serve_folder;
use common::*;
use sitegen::search::query::{self, Results};
use sitegen::search::{postings, tokenize};

const BASE: &str = "https://x.github.io/portal/";
/// Page time Chromium runs the search page for: enough to fetch the index and render hits.
const SETTLE: &[&str] = &["--virtual-time-budget=5000"];

fn fixture() -> tempfile::TempDir {
    let config = format!("title = \"测试日报\"\nbase_url = \"{BASE}\"\n");
    site(
        &config,
        &[
            (
                "content/资讯/deepseek.md",
                &article(
                    "深度求索发布开源大模型",
                    "2024-03-11T09:30:00+08:00",
                    &["开源", "大模型"],
                    &["人工智能"],
                    "模型权重以宽松许可证公开，开发者可以商用。",
                ),
            ),
            (
                "content/资讯/gpt4o.md",
                &article(
                    "OpenAI 推出 GPT-4o",
                    "2024-03-12T10:00:00+08:00",
                    &["OpenAI"],
                    &["人工智能"],
                    "新模型支持实时语音对话。",
                ),
            ),
            (
                "content/资讯/nvidia.md",
                &article(
                    "英伟达财报超预期",
                    "2024-03-10T08:00:00+08:00",
                    &["芯片"],
                    &["产业"],
                    "数据中心收入大涨。\n\n<!--more-->\n\n第二段：分析师认为，量子纠缠与本季业绩无关。",
                ),
            ),
            (
                "content/评论/weekly.md",
                &article(
                    "本周要闻",
                    "2024-03-13T18:00:00+08:00",
                    &[],
                    &["周报"],
                    "多家公司宣布开源计划，也有公司转向闭源。",
                ),
            ),
            (
                "content/资讯/secret.md",
                "+++\ntitle = \"未公开的开源草稿\"\ndate = 2024-03-14T09:00:00+08:00\ntags = [\"开源\"]\ndraft = true\n+++\n机密草稿正文。\n",
            ),
        ],
    )
}

fn search(out: &Path, q: &str) -> Results {
    let dir = out.join("search");
    query::search(&|rel: &str| std::fs::read(dir.join(rel)).ok(), q, 50)
        .unwrap_or_else(|e| panic!("query {q}: {e}"))
}

fn titles(out: &Path, q: &str) -> Vec<String> {
    search(out, q).hits.into_iter().map(|h| h.title).collect()
}

#[test]
fn built_index_finds_titles_tags_and_body_text_but_never_drafts() {
    let dir = fixture();
    let out = build_ok(dir.path(), &[]);
    assert_eq!(titles(&out, "开源"), ["深度求索发布开源大模型", "本周要闻"]);
    // Category hits tie; the newer article comes first.
    assert_eq!(
        titles(&out, "人工智能"),
        ["OpenAI 推出 GPT-4o", "深度求索发布开源大模型"]
    );
    assert_eq!(titles(&out, "OpenAI"), ["OpenAI 推出 GPT-4o"]);
    assert_eq!(titles(&out, "openai"), ["OpenAI 推出 GPT-4o"]);
    assert_eq!(titles(&out, "gpt-4o"), ["OpenAI 推出 GPT-4o"]);
    assert_eq!(titles(&out, "量子纠缠"), ["英伟达财报超预期"]);
    assert_eq!(titles(&out, "开源 闭源"), ["本周要闻"]);
    assert!(titles(&out, "开源 芯片").is_empty());
    for q in ["未公开", "机密草稿", "草稿"] {
        assert!(titles(&out, q).is_empty(), "{q} found a draft");
    }

    let hit = &search(&out, "英伟达").hits[0];
    assert_eq!(hit.date, "2024-03-10");
    assert!(
        hit.summary.starts_with("数据中心收入大涨"),
        "{}",
        hit.summary
    );
    assert!(hit.url.starts_with("/portal/"), "{}", hit.url);
    let page = target_of(&out, "/portal/", &hit.url).expect("internal url");
    assert!(page.is_file(), "{} is not a page", hit.url);
}

#[test]
fn drafts_stay_out_of_the_index_even_in_a_drafts_preview() {
    let dir = fixture();
    let out = build_ok(dir.path(), &["--drafts"]);
    assert!(read(&out, "index.html").contains("未公开的开源草稿"));
    assert!(titles(&out, "机密草稿").is_empty());
    assert_eq!(titles(&out, "开源").len(), 2);
}

#[test]
fn search_page_loads_the_script_and_index_under_the_base_path() {
    let dir = fixture();
    let out = build_ok(dir.path(), &[]);
    let html = read(&out, "search/index.html");
    assert!(
        html.contains("data-index=\"/portal/search/\""),
        "index location missing:\n{html}"
    );
    let script = links(&html)
        .into_iter()
        .find(|l| l.starts_with("/portal/js/search.") && l.ends_with(".js"))
        .unwrap_or_else(|| panic!("no /portal/js/search…js script in:\n{html}"));
    let file = target_of(&out, "/portal/", &script).expect("internal");
    assert!(file.is_file(), "{script} was not written");
    assert!(out.join("js/search.js").is_file());
    assert!(html.contains("name=\"q\""));
    // The header's box on every page submits to the search page.
    assert!(read(&out, "index.html").contains("action=\"/portal/search/\""));
    assert!(broken_links(&out, "/portal/").is_empty());
}

#[test]
fn index_files_are_byte_identical_across_runs_and_thread_counts() {
    let dir = fixture();
    let trees: Vec<Vec<(PathBuf, Vec<u8>)>> = ["1", "2", "3"]
        .iter()
        .map(|threads| {
            let out = dir.path().join(format!("out-{threads}"));
            let status = sitegen()
                .args(["build", "-q", "-r"])
                .arg(dir.path())
                .arg("-o")
                .arg(&out)
                .env("RAYON_NUM_THREADS", threads)
                .status()
                .expect("run sitegen");
            assert!(status.success());
            tree(&out.join("search"))
        })
        .collect();
    assert!(trees[0].len() > 3);
    assert_eq!(trees[0], trees[1]);
    assert_eq!(trees[0], trees[2]);
}

// ---- the page in a real browser ----

/// The text between `start` and the next `end` in `dom`, unescaped.
fn between<'a>(dom: &'a str, start: &str, end: &str) -> &'a str {
    let from = dom
        .find(start)
        .unwrap_or_else(|| panic!("no {start} in the dumped DOM:\n{dom}"))
        + start.len();
    let to = dom[from..].find(end).map_or(dom.len(), |i| from + i);
    &dom[from..to]
}

/// Query strings for the tokeniser comparison: fixed cases plus pseudo-random mixes of
/// every character class the tokeniser knows.
fn tokenizer_cases() -> Vec<String> {
    let mut cases: Vec<String> = [
        "开源",
        "人工智能",
        "OpenAI",
        "GPT-4o 发布",
        "ＯｐｅｎＡＩ５Ｇ",
        "iPhone16发布会",
        "constructor __proto__ toString",
        "「开」、源！",
        "𠀀𠀁 한국어 カタカナー・ひらがな 〇",
        "supercalifragilisticexpialidocious-words",
        "café naïve İstanbul STRASSE straße",
        "",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let pool: Vec<char> =
        "开源人工智能的 ，。AbZz09Ｏｐ５-._éİß😀𠀀カー・한〇\u{3000}\u{FF3F}\u{30FB}x"
            .chars()
            .collect();
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    for _ in 0..300 {
        let mut s = String::new();
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let len = (seed >> 59) as usize + (seed >> 40 & 31) as usize;
        for _ in 0..len {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            s.push(pool[(seed >> 33) as usize % pool.len()]);
        }
        cases.push(s);
    }
    cases
}

/// Checks the script's pure functions against the Rust ones, then the page itself.
const PARITY_HARNESS: &str = r#"<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>parity</title></head>
<body><pre id="out"></pre>
<script src="/portal/js/search.js"></script>
<script>
const CASES = __CASES__;
const POSTINGS = __POSTINGS__;
const S = window.sitegenSearch;
const tokens = CASES.map(s => S.tokenize(s));
const hashes = tokens.map(ts => ts.map(t => S.fnv1a(t)));
const decoded = POSTINGS.map(p => { const d = S.decode(p); return d && d.ids.map((id, i) => [id, d.codes[i]]); });
const weights = Array.from({length: 32}, (_, c) => S.weight(c));
document.getElementById("out").textContent = JSON.stringify({tokens, hashes, decoded, weights});
</script>
</body></html>
"#;

#[test]
fn search_page_and_script_work_in_headless_chromium() {
    let Some(chromium) = chromium() else {
        return;
    };
    let dir = fixture();
    let out = build_ok(dir.path(), &[]);

    // 1. The script's tokeniser, shard hash, decoder and weights equal the Rust ones.
    let cases = tokenizer_cases();
    let mut encoded = Vec::new();
    for ids in [
        vec![0u32],
        vec![0, 1, 2, 3],
        vec![5, 40, 41, 1_000, 70_000, 2_000_000],
    ] {
        let mut text = Vec::new();
        let mut next = 0;
        for (i, &id) in ids.iter().enumerate() {
            postings::push(&mut text, &mut next, id, (i % 31 + 1) as u8);
        }
        encoded.push(String::from_utf8(text).expect("ascii"));
    }
    encoded.push("W".into()); // malformed: decodes to null
    let json = |v: &serde_json::Value| v.to_string().replace('<', "\\u003c");
    let harness = PARITY_HARNESS
        .replace("__CASES__", &json(&serde_json::json!(cases)))
        .replace("__POSTINGS__", &json(&serde_json::json!(encoded)));
    std::fs::write(out.join("parity.html"), harness).expect("write harness");
    let port = serve_folder(out.clone(), "/portal/");
    let dom = dump_dom(
        &chromium,
        &format!("http://127.0.0.1:{port}/portal/parity.html"),
        dir.path(),
        SETTLE,
    );
    let text = between(&dom, "<pre id=\"out\">", "</pre>")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    let got: serde_json::Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("harness output is not JSON ({e}):\n{dom}"));
    for (i, case) in cases.iter().enumerate() {
        let rust = tokenize::query_terms(case);
        assert_eq!(
            got["tokens"][i],
            serde_json::json!(rust),
            "tokens of {case:?} differ"
        );
        let hashes: Vec<u32> = rust.iter().map(|t| tokenize::fnv1a(t)).collect();
        assert_eq!(
            got["hashes"][i],
            serde_json::json!(hashes),
            "hashes of {case:?}"
        );
    }
    for (i, e) in encoded.iter().enumerate() {
        assert_eq!(
            got["decoded"][i],
            serde_json::json!(postings::decode(e)),
            "decode {e:?}"
        );
    }
    let weights: Vec<u32> = (0..32).map(postings::weight).collect();
    assert_eq!(got["weights"], serde_json::json!(weights));

    // 2. /search/?q=开源 shows the hits on load, best first, highlighted, and no draft.
    let dom = dump_dom(
        &chromium,
        &format!("http://127.0.0.1:{port}/portal/search/?q=%E5%BC%80%E6%BA%90"),
        dir.path(),
        SETTLE,
    );
    let results = between(&dom, "class=\"search-results\">", "class=\"search-more\"");
    let first = results
        .find("深度求索发布<mark>开源</mark>大模型")
        .unwrap_or_else(|| panic!("title hit missing or not highlighted:\n{results}"));
    let second = results
        .find("本周要闻")
        .unwrap_or_else(|| panic!("body hit missing:\n{results}"));
    assert!(first < second, "title hit must come first:\n{results}");
    assert!(results.contains("宣布<mark>开源</mark>计划"), "{results}");
    assert!(results.contains("href=\"/portal/"), "{results}");
    assert!(!results.contains("草稿"), "draft shown:\n{results}");
    assert!(
        between(&dom, "class=\"search-status\"", "</p>").contains("找到 2 篇"),
        "{dom}"
    );

    // 3. Latin words are case-insensitive; a body-only phrase is found.
    let dom = dump_dom(
        &chromium,
        &format!("http://127.0.0.1:{port}/portal/search/?q=openai"),
        dir.path(),
        SETTLE,
    );
    let results = between(&dom, "class=\"search-results\">", "class=\"search-more\"");
    assert!(
        results.contains("<mark>OpenAI</mark> 推出 GPT-4o"),
        "{results}"
    );
    let dom = dump_dom(
        &chromium,
        &format!("http://127.0.0.1:{port}/portal/search/?q=%E9%87%8F%E5%AD%90%E7%BA%A0%E7%BC%A0"),
        dir.path(),
        SETTLE,
    );
    let results = between(&dom, "class=\"search-results\">", "class=\"search-more\"");
    assert!(results.contains("英伟达财报超预期"), "{results}");
}

/// Index size, build time and per-query downloads for a large site (the figures in
/// docs/search.md):
/// `SEARCH_CORPUS=/tmp/c10k cargo test --release --test search -- --ignored --nocapture`.
#[test]
#[ignore = "needs a generated corpus in SEARCH_CORPUS"]
fn measure_index_of_a_large_site() {
    let root = std::env::var_os("SEARCH_CORPUS")
        .expect("set SEARCH_CORPUS to a site folder: a measurement for docs/search.md");
    let options = sitegen::site::Options {
        root: Path::new(&root).to_path_buf(),
        ..Default::default()
    };
    let site = sitegen::site::load(&options)
        .unwrap_or_else(|e| panic!("{} problems loading the site", e.0.len()))
        .site;
    let urls = sitegen::urls::Urls::new(&site.config);
    let docs = sitegen::search::docs(&site, &urls);
    let text_bytes: usize = docs
        .iter()
        .map(|d| d.text.read().map_or(0, |t| t.len()))
        .sum();
    let mut times = Vec::new();
    let mut built = None;
    let mut cpu = Vec::new();
    for _ in 0..3 {
        let started = Instant::now();
        let cpu_before = cpu_ms();
        built = Some(sitegen::search::index::build(&docs).expect("index"));
        times.push(started.elapsed());
        cpu.push(cpu_ms() - cpu_before);
    }
    println!("CPU time per build (ms): {cpu:?}");
    let built = built.expect("built");
    let s = &built.stats;
    println!(
        "{} articles, {:.1} MB of body text; index built in {:?} (best of {:?})",
        s.docs,
        text_bytes as f64 / 1e6,
        times.iter().min().expect("times"),
        times
    );
    println!(
        "{} terms, {} postings, {} shards (largest {:.1} KB), {} files, {:.2} MB in all",
        s.terms,
        s.postings,
        s.shards,
        s.largest_shard as f64 / 1024.0,
        built.files.len(),
        s.bytes as f64 / 1e6
    );
    let files: std::collections::BTreeMap<&str, &[u8]> = built
        .files
        .iter()
        .map(|(p, b)| (p.strip_prefix("search/").unwrap_or(p), b.as_slice()))
        .collect();
    let read = |p: &str| files.get(p).map(|b| b.to_vec());
    for q in [
        "开源",
        "人工智能",
        "芯片",
        "OpenAI",
        "rust",
        "的",
        "长风通信 kubectl",
    ] {
        let r = query::search(&read, q, 20).expect("query");
        println!(
            "q={q}: {} hits, fetched {} files, {:.1} KB",
            r.total,
            r.fetched.len(),
            r.fetched_bytes as f64 / 1024.0
        );
        assert!(r.fetched_bytes < 1_000_000, "{q} fetched too much");
    }
}

/// CPU time (user + system) of this process so far in milliseconds, from /proc (Linux only;
/// 0 elsewhere): wall time means little on a shared machine.
fn cpu_ms() -> u64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit(')')
        .next()
        .unwrap_or("")
        .split_whitespace()
        .collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    // After the command name: state is field 0, utime 11, stime 12 (clock ticks of 10 ms).
    (ticks(11) + ticks(12)) * 10
}
