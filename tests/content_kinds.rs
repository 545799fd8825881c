//! Content kinds from Hugo, Zola and Hexo archives: section index files (`_index.md`),
//! standalone pages, page bundles with their files, headless bundles and Hexo's
//! `_posts`/`_drafts` layout. Each built end to end with the real binary.

mod common;

use common::*;

const DATED: &str = "2024-03-11T09:30:00+08:00";

fn news(title: &str, date: &str, tags: &[&str]) -> String {
    article(
        title,
        date,
        tags,
        &[],
        "国产芯片厂商本周披露了新一代制程的量产时间表。",
    )
}

#[test]
fn section_index_gives_the_listing_title_description_and_body() {
    let dir = site(
        MINIMAL_CONFIG,
        &[
            (
                "content/资讯/_index.md",
                "+++\ntitle = \"科技资讯\"\ndescription = \"每日更新的国内外科技新闻\"\n[extra]\nbanner = \"蓝色\"\n+++\n本栏目由**编辑部**维护。\n",
            ),
            (
                "content/资讯/芯片量产.md",
                &news("芯片量产提速", DATED, &["芯片"]),
            ),
            (
                "content/_index.md",
                "+++\ntitle = \"首页\"\n+++\n欢迎来到测试日报。\n",
            ),
        ],
    );
    let out = build_ok(dir.path(), &[]);
    let section = read(&out, "资讯/index.html");
    assert!(section.contains("<h1>科技资讯</h1>"), "{section}");
    assert!(section.contains("每日更新的国内外科技新闻"), "{section}");
    assert!(section.contains("<strong>编辑部</strong>"), "{section}");
    assert!(section.contains("芯片量产提速"));
    // The index file is never an article: no page of its own, not in any listing.
    let home = read(&out, "index.html");
    assert!(home.contains("欢迎来到测试日报"), "home body shown");
    assert!(!home.contains("科技资讯</a></h2>"));
    assert!(!out.join("资讯/_index/index.html").exists());
    assert!(!read(&out, "rss.xml").contains("本栏目"));
    assert!(!read(&out, "sitemap.xml").contains("_index"));
}

#[test]
fn section_template_and_render_false_and_sort_by_weight() {
    let dir = site(
        MINIMAL_CONFIG,
        &[
            (
                "content/专题/_index.md",
                "+++\ntitle = \"专题\"\nsort_by = \"weight\"\ntemplate = \"special.html\"\n+++\n",
            ),
            (
                "content/专题/a.md",
                "+++\ntitle = \"甲篇\"\ndate = 2024-03-12\nweight = 2\n+++\n正文\n",
            ),
            (
                "content/专题/b.md",
                "+++\ntitle = \"乙篇\"\ndate = 2024-03-10\nweight = 1\n+++\n正文\n",
            ),
            (
                "content/隐藏/_index.md",
                "+++\ntitle = \"隐藏栏目\"\nrender = false\n+++\n",
            ),
            ("content/隐藏/c.md", &news("隐藏栏目的文章", DATED, &[])),
            (
                "content/其他/_index.md",
                "+++\ntitle = \"其他\"\ntemplate = \"nope.html\"\n+++\n",
            ),
            (
                "templates/special.html",
                "专题页:{% for a in articles %}{{ a.title }};{% endfor %}{{ section.title }}",
            ),
        ],
    );
    let result = build(dir.path(), &[]);
    let err = stderr(&result);
    assert!(result.status.success(), "{err}");
    assert!(
        err.contains(
            "content/其他/_index.md:1:1: warning: the template `nope.html` does not exist"
        ),
        "{err}"
    );
    let out = dir.path().join("public");
    assert_eq!(read(&out, "专题/index.html"), "专题页:乙篇;甲篇;专题");
    // `render = false`: no listing, but its articles are built.
    assert!(!out.join("隐藏/index.html").exists());
    assert!(read(&out, "index.html").contains("隐藏栏目的文章"));
    // A section with an `_index.md` and no articles still has its listing.
    assert!(read(&out, "其他/index.html").contains("<h1>其他</h1>"));
}

#[test]
fn nested_section_index_gets_its_own_listing() {
    let dir = site(
        MINIMAL_CONFIG,
        &[
            (
                "content/资讯/深度/_index.md",
                "+++\ntitle = \"深度报道\"\n+++\n长篇调查。\n",
            ),
            ("content/资讯/深度/调查.md", &news("晶圆厂调查", DATED, &[])),
            ("content/资讯/快讯.md", &news("一句话快讯", DATED, &[])),
        ],
    );
    let out = build_ok(dir.path(), &[]);
    let nested = read(&out, "资讯/深度/index.html");
    assert!(nested.contains("<h1>深度报道</h1>") && nested.contains("晶圆厂调查"));
    assert!(!nested.contains("一句话快讯"), "{nested}");
    assert!(read(&out, "资讯/index.html").contains("一句话快讯"));
}

#[test]
fn term_index_titles_the_tag_page() {
    let dir = site(
        MINIMAL_CONFIG,
        &[
            (
                "content/tags/马斯克/_index.md",
                "+++\ntitle = \"埃隆·马斯克\"\ndescription = \"特斯拉与 SpaceX 掌门人的相关报道\"\n+++\n",
            ),
            ("content/a.md", &news("星舰第五次试飞", DATED, &["马斯克"])),
            // Hugo's index of the taxonomy itself: sitegen's /tags/ stays.
            ("content/tags/_index.md", "+++\ntitle = \"全部标签\"\n+++\n"),
        ],
    );
    let out = build_ok(dir.path(), &[]);
    let tag = read(&out, "tags/马斯克/index.html");
    assert!(tag.contains("埃隆·马斯克"), "{tag}");
    assert!(tag.contains("特斯拉与 SpaceX 掌门人的相关报道"), "{tag}");
    assert!(tag.contains("星舰第五次试飞"));
    assert!(read(&out, "tags/index.html").contains("马斯克"));
}

#[test]
fn undated_file_is_a_standalone_page() {
    let dir = site(
        MINIMAL_CONFIG,
        &[
            (
                "content/关于我们.md",
                "+++\ntitle = \"关于我们\"\n+++\n测试日报创办于 2015 年，专注科技新闻。\n",
            ),
            (
                "content/公司/联系.md",
                "---\ntitle: 联系我们\nlayout: page\ndate: 2023-05-01\n---\n邮箱见页脚。\n",
            ),
            ("content/a.md", &news("芯片量产提速", DATED, &["芯片"])),
        ],
    );
    let out = build_ok(dir.path(), &[]);
    let page = read(&out, "关于我们/index.html");
    assert!(page.contains("<h1>关于我们</h1>") && page.contains("创办于 2015 年"));
    assert!(page.contains("article page"), "rendered with page.html");
    assert!(!page.contains("class=\"byline\"") && !page.contains("相关文章"));
    assert!(read(&out, "公司/联系/index.html").contains("邮箱见页脚"));
    for listing in ["index.html", "archives/index.html", "rss.xml", "atom.xml"] {
        let text = read(&out, listing);
        assert!(!text.contains("关于我们"), "{listing} lists the page");
        assert!(!text.contains("联系我们"), "{listing} lists the page");
    }
    let sitemap = read(&out, "sitemap.xml");
    let about = sitemap
        .split("<url>")
        .find(|u| u.contains("%E5%85%B3%E4%BA%8E%E6%88%91%E4%BB%AC") || u.contains("关于我们"))
        .unwrap_or_else(|| panic!("page not in the sitemap: {sitemap}"));
    assert!(
        !about.contains("<lastmod>"),
        "undated page has no lastmod: {about}"
    );
    let contact = sitemap
        .split("<url>")
        .find(|u| u.contains("%E8%81%94%E7%B3%BB") || u.contains("联系"))
        .expect("dated page in the sitemap");
    assert!(contact.contains("<lastmod>2023-05-01"), "{contact}");
}

#[test]
fn bundle_page_sits_at_its_slug_with_its_files_beside_it() {
    let dir = site(
        MINIMAL_CONFIG,
        &[
            (
                "content/资讯/2024-03-11-芯片/index.md",
                "+++\ntitle = \"芯片产能报告\"\n+++\n![封面](cover.png)\n\n![图表](chart.svg)\n",
            ),
            ("content/资讯/2024-03-11-芯片/cover.png", "PNG"),
            ("content/资讯/2024-03-11-芯片/图/chart.svg", "<svg/>"),
            ("content/资讯/2024-03-11-芯片/chart.svg", "<svg></svg>"),
        ],
    );
    let out = build_ok(dir.path(), &[]);
    // Dated by its folder name: an article at the permalink pattern, slug `芯片`.
    let page = out.join("2024/03/芯片/index.html");
    assert!(page.exists(), "{:?}", html_files(&out));
    assert_eq!(read(&out, "2024/03/芯片/cover.png"), "PNG");
    assert_eq!(read(&out, "2024/03/芯片/chart.svg"), "<svg></svg>");
    assert_eq!(read(&out, "2024/03/芯片/图/chart.svg"), "<svg/>");
    // Relative links in the body resolve beside the page (`check` below follows them).
    assert!(read(&out, "2024/03/芯片/index.html").contains("src=\"cover.png\""));
    // The bundle folder is a page, never a section.
    assert!(!out.join("2024-03-11-芯片/index.html").exists());
    let check = sitegen()
        .args(["check", "-r"])
        .arg(dir.path())
        .output()
        .expect("run check");
    assert!(check.status.success(), "{}", stderr(&check));
}

#[test]
fn headless_bundle_is_not_rendered_and_bundle_clash_is_an_error() {
    let dir = site(
        MINIMAL_CONFIG,
        &[
            (
                "content/片段/index.md",
                "---\ntitle: 片段\nheadless: true\n---\n页脚文字\n",
            ),
            ("content/片段/secret.pdf", "PDF"),
            (
                "content/片段/页脚.md",
                "---\ntitle: 页脚区块\nweight: 2\n---\n版权所有\n",
            ),
            ("content/a.md", &news("芯片量产提速", DATED, &[])),
        ],
    );
    let result = build(dir.path(), &[]);
    let err = stderr(&result);
    assert!(result.status.success(), "{err}");
    // Markdown beside a bundle's index.md is a resource of it (Hugo), named, not built.
    assert!(
        err.contains("content/片段/页脚.md: warning: inside the page bundle content/片段/index.md"),
        "{err}"
    );
    let out = dir.path().join("public");
    assert!(!out.join("片段/index.html").exists());
    assert!(!out.join("片段/secret.pdf").exists());
    assert!(!out.join("片段/页脚/index.html").exists());

    // A bundle file at a page's file: an error naming both.
    write(
        dir.path(),
        "content/about/index.md",
        "+++\ntitle = \"关于\"\n+++\n正文\n",
    );
    write(dir.path(), "content/about/index.html", "<p>旧页面</p>");
    let result = build(dir.path(), &[]);
    let err = stderr(&result);
    assert_eq!(result.status.code(), Some(1), "{err}");
    assert!(err.contains("content/about/index.md"), "{err}");
    assert!(
        err.contains("/about/index.html is both the bundle file content/about/index.html"),
        "{err}"
    );
}

#[test]
fn hexo_layout_posts_drafts_and_pages() {
    let dir = site(
        MINIMAL_CONFIG,
        &[
            (
                "content/_posts/2024-03-11-芯片量产.md",
                "---\ntitle: 芯片量产提速\ntags: [芯片]\n---\n正文\n",
            ),
            (
                "content/_drafts/未完稿.md",
                "---\ntitle: 未完稿\ndate: 2024-03-12\n---\n草稿\n",
            ),
            (
                "content/about/index.md",
                "---\ntitle: 关于本站\ndate: 2020-01-01\n---\n一个 Hexo 站点。\n",
            ),
            ("content/about/logo.svg", "<svg/>"),
            ("content/assets/壁纸.jpg", "JPG"),
            (
                "content/tags/index.md",
                "---\ntitle: 标签\ntype: tags\n---\n",
            ),
            (
                "content/index.md",
                "---\ntitle: 首页\n---\n欢迎阅读本站。\n",
            ),
            ("content/_data/menu.yml", "首页: /"),
        ],
    );
    let out = build_ok(dir.path(), &[]);
    // `_posts` gives no section and no URL segment.
    assert!(
        out.join("2024/03/芯片量产/index.html").exists(),
        "{:?}",
        html_files(&out)
    );
    assert!(!out.join("_posts").exists());
    assert!(!read(&out, "index.html").contains("未完稿"), "a draft");
    // Outside `_posts/`: a page, even with a date.
    assert!(read(&out, "about/index.html").contains("一个 Hexo 站点"));
    assert_eq!(read(&out, "about/logo.svg"), "<svg/>");
    // Hexo copies the rest of `source/` as it is; `_` folders are its own.
    assert_eq!(read(&out, "assets/壁纸.jpg"), "JPG");
    assert!(!out.join("_data").exists() && !out.join("about/about").exists());
    assert!(!read(&out, "index.html").contains("关于本站"));
    // NexT's `type: tags` page stands in for the tag index sitegen makes; `index.md` at
    // the top of `source/` is the home page, whose listing shows its body.
    assert!(read(&out, "tags/index.html").contains("芯片"));
    assert!(read(&out, "index.html").contains("欢迎阅读本站"));
    let with_drafts = build_ok(dir.path(), &["--drafts"]);
    assert!(read(&with_drafts, "index.html").contains("未完稿"));
}
