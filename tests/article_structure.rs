//! The structure of long articles (issue 14): heading anchors, the table of contents, pictures
//! in the body, links to other sites, and each page loading only the scripts its body needs.

mod common;

use common::*;

const DATE: &str = "2024-03-11T09:30:00+08:00";

/// The table of contents on a page, if the theme shows one.
fn toc(page: &str) -> Option<&str> {
    let start = page.find("<nav class=\"toc\"")?;
    let end = page[start..].find("</nav>")?;
    Some(&page[start..start + end])
}

const LONG: &str = "导语。\n\n## 背景\n\n正文。\n\n### 起因\n\n正文。\n\n### 起因\n\n重名的小节。\n\n\
                    #### 细节\n\n不进目录。\n\n## 经过\n\n正文。\n\n## 影响 `API`\n\n正文。\n";

#[test]
fn a_long_article_gets_a_nested_table_of_contents_and_heading_anchors() {
    let dir = site(
        MINIMAL_CONFIG,
        &[(
            "content/深度/长文.md",
            &article("长文解读", DATE, &[], &[], LONG),
        )],
    );
    let out = build_ok(dir.path(), &[]);
    let page = read(&out, "2024/03/长文/index.html");
    let body = prose(&page);
    for (level, id, text) in [
        (2, "背景", "背景"),
        (3, "起因", "起因"),
        (3, "起因-1", "起因"),
        (4, "细节", "细节"),
        (2, "影响-api", "影响 <code>API</code>"),
    ] {
        let heading = format!(
            "<h{level} id=\"{id}\">{text}<a class=\"anchor\" href=\"#{id}\" aria-label=\"本节链接\">#</a></h{level}>"
        );
        assert!(body.contains(&heading), "{heading} in {body}");
    }
    let toc = toc(&page).expect("three ## sections show the contents");
    let links: Vec<String> = links(toc);
    assert_eq!(
        links,
        ["#背景", "#起因", "#起因-1", "#经过", "#影响-api"],
        "{toc}"
    );
    // The ### entries nest under their ## section; #### is left out.
    let nested = &toc[toc.find("#背景").unwrap()..toc.find("#经过").unwrap()];
    assert!(nested.contains("<ol>"), "{toc}");
    assert!(
        toc.contains(">影响 API</a>"),
        "titles are plain text: {toc}"
    );
    assert!(page.contains("<article class=\"article has-toc\">"));
    assert!(page.contains("/js/toc."), "the contents script is loaded");
    assert_eq!(unbalanced_tags(&page), None);
}

#[test]
fn short_articles_and_toc_false_show_no_contents() {
    let two = "## 一\n\n正文。\n\n## 二\n\n正文。\n";
    let off = format!("+++\ntitle = \"关掉目录\"\ndate = {DATE}\ntoc = false\n+++\n{LONG}");
    let dir = site(
        MINIMAL_CONFIG,
        &[
            (
                "content/资讯/短文.md",
                &article("短文", DATE, &[], &[], two),
            ),
            ("content/资讯/关掉.md", &off),
        ],
    );
    let out = build_ok(dir.path(), &[]);
    for page in ["2024/03/短文/index.html", "2024/03/关掉/index.html"] {
        let html = read(&out, page);
        assert_eq!(toc(&html), None, "{page}");
        assert!(
            !html.contains("/js/toc."),
            "{page} loads no contents script"
        );
        assert!(
            html.contains("class=\"anchor\""),
            "{page} still has anchors"
        );
    }
}

#[test]
fn pictures_load_lazily_after_the_first_and_a_titled_one_gets_a_caption() {
    let body = "![发布会](/images/a.png)\n\n正文。\n\n![芯片特写](/images/b.png \"新一代芯片，摄于发布会现场\")\n\n\
                行内 ![图标](/images/c.png \"不成图\") 图片。\n";
    let dir = site(
        MINIMAL_CONFIG,
        &[("content/资讯/图.md", &article("图片", DATE, &[], &[], body))],
    );
    let out = build_ok(dir.path(), &[]);
    let body = prose(&read(&out, "2024/03/图/index.html")).to_string();
    assert!(
        body.contains("<p><img src=\"/images/a.png\" alt=\"发布会\"></p>"),
        "the first picture loads at once: {body}"
    );
    assert!(
        body.contains(
            "<figure class=\"picture\"><img src=\"/images/b.png\" alt=\"芯片特写\" title=\"新一代芯片，摄于发布会现场\" loading=\"lazy\" decoding=\"async\"><figcaption>新一代芯片，摄于发布会现场</figcaption></figure>"
        ),
        "{body}"
    );
    assert!(
        body.contains("行内 <img src=\"/images/c.png\" alt=\"图标\" title=\"不成图\" loading=\"lazy\" decoding=\"async\"> 图片。"),
        "a picture inside text stays inline: {body}"
    );
}

#[test]
fn links_to_other_sites_get_target_and_rel_when_configured() {
    let body = "见[官网](https://x.ai/blog \"公告\")、[协议](//cdn.example.com/a)和[旧文](/2024/03/x/)。\n";
    let files = [(
        "content/资讯/链接.md",
        article("链接", DATE, &[], &[], body),
    )];
    let files: Vec<(&str, &str)> = files.iter().map(|(p, t)| (*p, t.as_str())).collect();

    let plain = site(MINIMAL_CONFIG, &files);
    let html = read(&build_ok(plain.path(), &[]), "2024/03/链接/index.html");
    assert!(
        prose(&html).contains("<a href=\"https://x.ai/blog\" title=\"公告\">官网</a>"),
        "{html}"
    );

    let config = format!(
        "{MINIMAL_CONFIG}[markdown]\nexternal_links_target_blank = true\nexternal_links_no_follow = true\nexternal_links_no_referrer = true\n"
    );
    let dir = site(&config, &files);
    let html = read(&build_ok(dir.path(), &[]), "2024/03/链接/index.html");
    let body = prose(&html);
    assert!(
        body.contains("<a href=\"https://x.ai/blog\" title=\"公告\" target=\"_blank\" rel=\"nofollow noreferrer noopener\">官网</a>"),
        "{body}"
    );
    assert!(
        body.contains("<a href=\"//cdn.example.com/a\" target=\"_blank\" rel=\"nofollow noreferrer noopener\">协议</a>"),
        "{body}"
    );
    assert!(body.contains("<a href=\"/2024/03/x/\">旧文</a>"), "{body}");
}

#[test]
fn pages_load_code_and_diagram_assets_only_where_the_body_has_them() {
    let code = "```rust\nfn main() {}\n```\n";
    let diagram = "```mermaid\ngraph LR\n  A --> B\n```\n";
    let dir = site(
        MINIMAL_CONFIG,
        &[
            (
                "content/资讯/代码.md",
                &article("代码", DATE, &[], &[], code),
            ),
            (
                "content/资讯/图示.md",
                &article("图示", DATE, &[], &[], diagram),
            ),
            (
                "content/资讯/纯文.md",
                &article("纯文", DATE, &[], &[], "只有文字。"),
            ),
        ],
    );
    let out = build_ok(dir.path(), &[]);
    let code = read(&out, "2024/03/代码/index.html");
    assert!(
        code.contains("/css/code.") && code.contains("/js/code."),
        "{code}"
    );
    assert!(!code.contains("/js/diagram."));
    let diagram = read(&out, "2024/03/图示/index.html");
    assert!(diagram.contains("/js/diagram."), "{diagram}");
    assert!(
        diagram.contains("<pre class=\"mermaid\">graph LR\n  A --&gt; B\n</pre>"),
        "the source stays readable: {diagram}"
    );
    let plain = read(&out, "2024/03/纯文/index.html");
    for asset in ["/css/code.", "/js/code.", "/js/diagram.", "/js/toc."] {
        assert!(!plain.contains(asset), "{asset} on a page without need");
    }
    let home = read(&out, "index.html");
    assert!(
        !home.contains("/js/code."),
        "listings load no article scripts"
    );
}

#[test]
fn a_section_whose_description_has_code_or_a_diagram_loads_what_it_needs() {
    let index = "+++\ntitle = \"开发者\"\n+++\n本栏目的示例：\n\n```go\nfunc main() {}\n```\n\n```mermaid\ngraph LR\n  A --> B\n```\n";
    let dir = site(
        MINIMAL_CONFIG,
        &[
            ("content/开发者/_index.md", index),
            (
                "content/开发者/纯文.md",
                &article("纯文", DATE, &[], &[], "只有文字。"),
            ),
        ],
    );
    let out = build_ok(dir.path(), &[]);
    let listing = read(&out, "开发者/index.html");
    assert!(listing.contains("class=\"hl-"), "{listing}");
    for asset in ["/css/code.", "/js/code.", "/js/diagram."] {
        assert!(listing.contains(asset), "{asset} on the listing");
    }
    assert!(
        out.join("js/vendor").is_dir(),
        "the diagram script is published for a listing's diagram"
    );
    let home = read(&out, "index.html");
    assert!(
        !home.contains("/js/diagram."),
        "other listings load nothing"
    );
}
