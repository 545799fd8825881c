//! Markdown as Hugo, Zola and Hexo render it: footnotes at the end, fence attributes,
//! setext titles, clean summaries, internal `@/` links, and `check` naming the Markdown
//! line of a broken body link.

mod common;

use common::*;

const DATE: &str = "2024-03-11T09:30:00+08:00";

fn check(root: &std::path::Path) -> std::process::Output {
    sitegen()
        .arg("check")
        .arg("-r")
        .arg(root)
        .env("SOURCE_DATE_EPOCH", "1790000000")
        .output()
        .expect("run sitegen check")
}

#[test]
fn footnotes_go_to_the_end_with_working_back_links() {
    let body = "## fn-1\n\n英伟达发布新一代 GPU[^hbm]，功耗下降三成[^power]。\n\n\
                [^hbm]: 采用 HBM3e 显存。\n\n## 市场反应\n\n分析师再次提到显存[^hbm]。\n\n\
                [^power]: 据厂商公布的数据。\n\n[^unused]: 没有被引用的脚注。\n\n结尾段落。\n";
    let dir = site(
        MINIMAL_CONFIG,
        &[(
            "content/硬件/gpu.md",
            &article("英伟达发布新 GPU", DATE, &[], &[], body),
        )],
    );
    let out = build_ok(dir.path(), &[]);
    let page = read(&out, "2024/03/gpu/index.html");
    let body = prose(&page);
    let notes = body.find("<section class=\"footnotes\">").expect(body);
    assert!(body.find("结尾段落").expect(body) < notes, "{body}");
    assert!(body.find("市场反应").expect(body) < notes, "{body}");
    // Numbered by first reference; the second reference to note 1 gets its own id.
    assert!(
        body.contains("<a href=\"#fn-1\" id=\"fnref-1\">1</a>"),
        "{body}"
    );
    assert!(
        body.contains("<a href=\"#fn-2\" id=\"fnref-2\">2</a>"),
        "{body}"
    );
    assert!(
        body.contains("<a href=\"#fn-1\" id=\"fnref-1-2\">1</a>"),
        "{body}"
    );
    let list = &body[notes..];
    let first = list.find("<li id=\"fn-1\">").expect(list);
    let second = list.find("<li id=\"fn-2\">").expect(list);
    assert!(list[first..second].contains("HBM3e"), "{list}");
    assert!(list[first..second].contains("href=\"#fnref-1\""), "{list}");
    assert!(
        list[first..second].contains("href=\"#fnref-1-2\""),
        "{list}"
    );
    assert!(list[second..].contains("href=\"#fnref-2\""), "{list}");
    assert!(
        !page.contains("没有被引用"),
        "an unreferenced note is dropped"
    );
    // A heading named `fn-1` does not take the note's id.
    assert_eq!(page.matches("id=\"fn-1\"").count(), 1, "{body}");
    assert!(body.contains("<h2 id=\"h-fn-1\">fn-1<a "), "{body}");
    // Every back-link and reference lands on an element that exists.
    let checked = check(dir.path());
    assert!(checked.status.success(), "{}", stderr(&checked));
}

#[test]
fn fence_info_becomes_language_and_data_attributes() {
    let body = "Zola 写法：\n\n```rust,name=lib.rs,hl_lines=2\nfn main() {\n    println!(\"你好\");\n}\n```\n\n\
                Hugo 写法：\n\n```go {linenos=true, hl_lines=[2,\"4-5\"], linenostart=10}\nfunc main() {}\n```\n\n\
                Pandoc 写法：\n\n```{.python}\nprint(1 < 2)\n```\n\n未知语言：\n\n```火星语 {未知=1}\n天书\n```\n";
    let dir = site(
        MINIMAL_CONFIG,
        &[(
            "content/开发/fences.md",
            &article("三种代码块写法", DATE, &[], &[], body),
        )],
    );
    let out = build_ok(dir.path(), &[]);
    let page = read(&out, "2024/03/fences/index.html");
    let body = prose(&page);
    assert!(
        body.contains(
            "<figure class=\"code-block\"><figcaption>lib.rs</figcaption><pre><code class=\"language-rust\" data-name=\"lib.rs\" data-hl-lines=\"2\">"
        ),
        "{body}"
    );
    assert!(
        body.contains("<pre><code class=\"language-go\" data-hl-lines=\"2 4-5\" data-linenos=\"true\" data-linenostart=\"10\"><span class=\"line\" data-line=\"10\"><span class=\"hl-k\">func</span>"),
        "{body}"
    );
    assert!(
        body.contains("<pre><code class=\"language-python\"><span class=\"hl-f\">print</span>(<span class=\"hl-n\">1</span> <span class=\"hl-o\">&lt;</span>"),
        "{body}"
    );
    assert!(
        body.contains("<pre><code class=\"language-火星语\">天书"),
        "{body}"
    );
    assert!(!body.contains("linenos=true"), "{body}");
}

#[test]
fn an_opening_setext_heading_is_the_title_and_shown_once() {
    let md = "---\ndate: 2024-03-11 09:30:00\n---\n苹果发布 Vision Pro 二代\n==================\n\n据报道，新设备更轻。\n";
    let dir = site(MINIMAL_CONFIG, &[("content/硬件/vision.md", md)]);
    let out = build_ok(dir.path(), &[]);
    let page = read(&out, "2024/03/vision/index.html");
    assert!(
        page.contains("<h1>苹果发布 Vision Pro 二代</h1>"),
        "the title is the heading: {page}"
    );
    assert!(!prose(&page).contains("Vision Pro 二代"), "{page}");
    assert_eq!(page.matches("<h1").count(), 1, "{page}");
    assert!(prose(&page).contains("据报道，新设备更轻。"));
}

#[test]
fn summaries_leave_out_code_notes_and_the_repeated_title() {
    let body = "# 谷歌开源 Gemma 模型\n\n谷歌今天开源了 Gemma[^lic]，可在笔记本上运行。\n\n```python\nimport gemma\n```\n\n\
                <div class=\"ad\">广告位</div>\n\n模型分为两个尺寸。\n\n[^lic]: 采用宽松许可证。\n";
    let dir = site(
        MINIMAL_CONFIG,
        &[(
            "content/人工智能/gemma.md",
            &article("谷歌开源 Gemma 模型", DATE, &[], &[], body),
        )],
    );
    let out = build_ok(dir.path(), &[]);
    let home = read(&out, "index.html");
    let start = home.find("<p class=\"summary\">").expect(&home);
    let summary = &home[start..start + home[start..].find("</p>").expect("end")];
    assert_eq!(
        summary,
        "<p class=\"summary\">谷歌今天开源了 Gemma，可在笔记本上运行。 模型分为两个尺寸。"
    );
    assert!(!home.contains("采用宽松许可证"), "{home}");
}

#[test]
fn a_more_marker_on_the_last_line_keeps_the_whole_text() {
    let hexo = "---\ntitle: 小米汽车首发\ndate: 2024-03-11 09:30:00\n---\n小米汽车今日首发。\n\n售价公布在即。\n<!-- more -->";
    let hugo = article(
        "华为新机发布",
        DATE,
        &[],
        &[],
        "华为新机今日发布。\n\n<!--more-->\n",
    );
    let dir = site(
        MINIMAL_CONFIG,
        &[
            ("content/汽车/xiaomi.md", hexo),
            ("content/手机/huawei.md", &hugo),
        ],
    );
    let out = build_ok(dir.path(), &[]);
    let home = read(&out, "index.html");
    assert!(
        home.contains("<p class=\"summary\">小米汽车今日首发。 售价公布在即。</p>"),
        "{home}"
    );
    assert!(
        home.contains("<p class=\"summary\">华为新机今日发布。</p>"),
        "{home}"
    );
}

#[test]
fn zola_internal_links_resolve_and_a_missing_one_is_warned_at_its_line() {
    let linking = article(
        "芯片行业周报",
        "2024-03-12T09:00:00+08:00",
        &[],
        &[],
        "本周要闻。\n\n详见[光刻机新闻](@/硬件/光刻机.md#出口)。\n\n另见[](@/硬件/光刻机.md)与[旧闻](@/硬件/不存在.md)。\n",
    );
    let target = article("光刻机出口新规", DATE, &[], &[], "## 出口\n\n新规生效。\n");
    let dir = site(
        "title = \"测试日报\"\nbase_url = \"https://t.example.com/portal/\"\n",
        &[
            ("content/硬件/周报.md", &linking),
            ("content/硬件/光刻机.md", &target),
        ],
    );
    let built = build(dir.path(), &[]);
    assert!(built.status.success(), "{}", stderr(&built));
    let err = stderr(&built);
    // Front matter is six lines; the body's fifth line is line 11; `[旧闻]` is at column 19.
    assert!(
        err.contains(
            "content/硬件/周报.md:11:19: warning: link to `@/硬件/不存在.md`: no such page"
        ),
        "{err}"
    );
    let out = dir.path().join("public");
    let page = read(&out, "2024/03/周报/index.html");
    let body = prose(&page);
    let url = "/portal/2024/03/%E5%85%89%E5%88%BB%E6%9C%BA/";
    assert!(
        body.contains(&format!(
            "<a href=\"{url}#%E5%87%BA%E5%8F%A3\">光刻机新闻</a>"
        )),
        "{body}"
    );
    assert!(
        body.contains(&format!("<a href=\"{url}\">光刻机出口新规</a>")),
        "empty link text gets the title: {body}"
    );
    assert!(body.contains("<a href=\"#\">旧闻</a>"), "{body}");
    assert!(!page.contains("href=\"@"), "{page}");
    // The resolved anchor exists, so check passes (with the warning).
    let checked = check(dir.path());
    assert!(checked.status.success(), "{}", stderr(&checked));
}

#[test]
fn check_names_the_markdown_line_of_a_broken_body_link() {
    let body = "导语。\n\n<p>延伸阅读：<a href=\"/2016/05/gone/\">旧闻</a></p>\n\n\
                见[另一篇](/2016/05/also-gone/)。\n";
    let dir = site(
        MINIMAL_CONFIG,
        &[(
            "content/资讯/x.md",
            &article("存档文章", "2016-05-20T10:00:00+08:00", &[], &[], body),
        )],
    );
    let out = check(dir.path());
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("content/资讯/x.md:9:12: error: broken link to /2016/05/gone/"),
        "{err}"
    );
    assert!(
        err.contains("content/资讯/x.md:11:2: error: broken link to /2016/05/also-gone/"),
        "{err}"
    );
    assert!(!err.contains("(page)"), "{err}");
}
