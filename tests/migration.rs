//! Migration: archives written for Hugo, Zola, Hexo and Jekyll build unchanged (issue 12).

mod common;

use common::{MINIMAL_CONFIG, build_ok, site};

/// `ignore` globs (Hugo's `ignoreFiles`, Zola's `ignored_content`) keep files out of the
/// site without a warning: a pattern without `/` names a file or folder at any depth, one
/// with `/` a path under content/.
#[test]
fn ignored_content_is_not_published() {
    let config = format!("{MINIMAL_CONFIG}ignore = [\"*.bak.md\", \"草稿箱\", \"资讯/2019/**\"]\n");
    let article = |title: &str| {
        format!("---\ntitle: {title}\ndate: 2024-03-01 09:00\nslug: {title}\n---\n正文。\n")
    };
    let dir = site(
        &config,
        &[
            ("content/资讯/留下.md", &article("留下")),
            ("content/资讯/旧稿.bak.md", &article("旧稿")),
            ("content/资讯/草稿箱/半成品.md", &article("半成品")),
            ("content/资讯/2019/往年.md", &article("往年")),
        ],
    );
    let out = build_ok(dir.path(), &["--strict"]);
    assert!(out.join("2024/03/留下/index.html").is_file());
    for gone in ["旧稿", "半成品", "往年"] {
        assert!(
            !out.join(format!("2024/03/{gone}")).exists(),
            "{gone} was published"
        );
    }
}

/// The header links a few sections, never one per folder: an archive with many folders
/// gets its largest eight, and `_index.md` files with a `weight` choose and order them.
#[test]
fn header_navigation_stays_short() {
    let article = |n: usize| {
        format!("---\ntitle: 第{n}篇\ndate: 2024-03-01 09:00\nslug: a{n}\n---\n正文。\n")
    };
    let mut files: Vec<(String, String)> = Vec::new();
    for folder in 0..12 {
        for n in 0..=folder {
            files.push((
                format!("content/栏目{folder:02}/{n}.md"),
                article(folder * 100 + n),
            ));
        }
    }
    let borrowed: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let dir = site(
        &format!("{MINIMAL_CONFIG}permalink = \"/:section/:slug/\"\n"),
        &borrowed,
    );
    let out = build_ok(dir.path(), &[]);
    let nav = header_nav(&common::read(&out, "index.html"));
    let expected: Vec<String> = (4..12).map(|f| format!("栏目{f:02}")).collect();
    assert_eq!(nav, expected);

    common::write(
        dir.path(),
        "content/栏目01/_index.md",
        "---\ntitle: 快讯\nweight: 2\n---\n",
    );
    common::write(
        dir.path(),
        "content/栏目07/_index.md",
        "---\ntitle: 深度\nweight: 1\n---\n",
    );
    let out = build_ok(dir.path(), &[]);
    assert_eq!(
        header_nav(&common::read(&out, "index.html")),
        ["深度", "快讯"]
    );
}

/// The section names in the header (between 首页 and 标签).
fn header_nav(html: &str) -> Vec<String> {
    let nav = html
        .split("class=\"site-nav\"")
        .nth(1)
        .and_then(|rest| rest.split("</nav>").next())
        .unwrap_or_default();
    nav.split("<a href=")
        .skip(1)
        .filter_map(|a| a.split('>').nth(1)?.split('<').next())
        .map(str::to_string)
        .filter(|name| !["首页", "标签", "分类", "归档"].contains(&name.as_str()))
        .collect()
}

// ---------------------------------------------------------------------------------------
// One small archive per source generator, written the way its documentation and example
// sites write content, built unchanged: each page at the URL the source generator gives
// it, its assets beside it, no shortcode syntax left, footnotes at the end, `check` clean.

/// Builds the site, then runs `sitegen check` on it; both must pass.
fn build_and_check(dir: &std::path::Path, args: &[&str]) -> std::path::PathBuf {
    let out = build_ok(dir, args);
    let check = common::sitegen()
        .arg("check")
        .arg("-r")
        .arg(dir)
        .args(args)
        .env("SOURCE_DATE_EPOCH", "1790000000")
        .output()
        .expect("run sitegen check");
    // `check` follows every link, relative ones included, to a file of the output.
    assert!(
        check.status.success(),
        "check failed:\n{}",
        common::stderr(&check)
    );
    out
}

/// No page carries shortcode or tag-plugin syntax outside code blocks.
fn assert_no_shortcode_syntax(out: &std::path::Path) {
    for page in common::html_files(out) {
        let html = common::read(out, page.to_str().expect("utf-8 path"));
        let outside_code: String = html
            .split("<pre")
            .enumerate()
            .map(|(i, part)| {
                if i == 0 {
                    part
                } else {
                    part.split("</pre>").nth(1).unwrap_or("")
                }
            })
            .collect();
        for syntax in ["{{<", "{{%", "{%", "{{ "] {
            assert!(
                !outside_code.contains(syntax),
                "{} still holds `{syntax}`",
                page.display()
            );
        }
    }
}

fn exists(out: &std::path::Path, rel: &str) -> bool {
    out.join(rel).is_file()
}

#[test]
fn a_hugo_archive_builds_as_hugo_built_it() {
    let config = format!("{MINIMAL_CONFIG}permalink = \"/:sections/:slug/\"\n");
    let article = "---\ntitle: 英伟达 H20 开始向国内客户交付\ndate: 2024-03-08T02:00:00Z\ntags: [芯片, 英伟达]\naliases: [/old/h20.html]\n---\n\
英伟达面向国内市场的 H20 加速卡开始交付[^1]。\n\n\
{{< figure src=\"/images/h20.svg\" title=\"H20 加速卡\" >}}\n\n\
{{< bilibili BV1GJ411x7h7 >}}\n\n\
[^1]: 据多家供应链企业透露。\n\n\
{{< highlight go \"linenos=table\" >}}\nfmt.Println(\"<b>交付</b>\")\n{{< /highlight >}}\n\n\
延伸阅读：[国产 GPU 进展]({{< ref \"post/gpu/index.md\" >}})。\n\n\
## 市场反应\n\n分析师认为交付节奏取决于许可审批。\n";
    let dir = site(
        &config,
        &[
            (
                "content/_index.md",
                "+++\ntitle = \"硅基周刊\"\ndescription = \"芯片与算力\"\n+++\n",
            ),
            (
                "content/post/_index.md",
                "+++\ntitle = \"文章\"\nweight = 1\naliases = [\"/posts/\"]\n+++\n本栏目收录芯片产业报道。\n",
            ),
            ("content/post/nvidia-h20.md", article),
            (
                "content/post/gpu/index.md",
                "---\ntitle: 国产 GPU 进展\ndate: 2024-03-01\n---\n![架构图](arch.svg)\n\n多家厂商公布新架构。\n",
            ),
            (
                "content/post/gpu/arch.svg",
                "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
            ),
            (
                "content/about.md",
                "---\ntitle: 关于我们\n---\n硅基周刊关注芯片与算力。\n",
            ),
            // A theme's stand-in for the archive page, dated, as Hugo's example site has it.
            (
                "content/archives.md",
                "---\ndate: 2019-05-28\ntype: section\nlayout: archives\n---\n",
            ),
            (
                "static/images/h20.svg",
                "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
            ),
        ],
    );
    let out = build_and_check(dir.path(), &[]);
    let html = common::read(&out, "post/nvidia-h20/index.html");
    assert!(html.contains("英伟达 H20 开始向国内客户交付"));
    // A `Z` date is shown in the site's time zone (+08:00).
    assert!(
        html.contains("2024-03-08T10:00:00+08:00"),
        "date not in +08:00"
    );
    assert!(exists(&out, "old/h20.html"), "the .html alias is a file");
    assert!(exists(&out, "posts/index.html"), "the section's alias");
    assert!(html.contains("href=\"/post/gpu/\""), "ref resolved");
    assert!(
        html.contains("&lt;b&gt;交付&lt;/b&gt;"),
        "highlight body escaped"
    );
    // The footnote sits after the last paragraph, not where it was written.
    let notes = html.find("class=\"footnotes\"").expect("footnotes");
    assert!(notes > html.find("分析师认为").expect("last paragraph"));
    // The bundle's page is named by its folder, its file beside it.
    assert!(exists(&out, "post/gpu/index.html") && exists(&out, "post/gpu/arch.svg"));
    // The undated file is a page, not an article: no listing or feed shows it.
    assert!(common::read(&out, "about/index.html").contains("硅基周刊关注芯片与算力"));
    assert!(!common::read(&out, "rss.xml").contains("关于我们"));
    let section = common::read(&out, "post/index.html");
    assert!(
        section.contains("本栏目收录芯片产业报道"),
        "the _index.md body"
    );
    assert!(!exists(&out, "post/_index/index.html"));
    assert_no_shortcode_syntax(&out);
}

#[test]
fn a_zola_archive_builds_as_zola_built_it() {
    let config = format!("{MINIMAL_CONFIG}permalink = \"/:sections/:slug/\"\n");
    let article = "+++\ntitle = \"Rust 2024 版本发布\"\n[taxonomies]\ntags = [\"Rust\"]\n+++\n\
新版本稳定了异步闭包，详见[发布说明](@/blog/release-notes/index.md)。\n\n\
{% callout(kind=\"注意\") %}\n升级前请先运行 cargo fix。\n{% end %}\n\n\
```rust,name=main.rs\nfn main() { println!(\"{{ 不是短代码 }}\"); }\n```\n";
    let dir = site(
        &config,
        &[
            ("content/_index.md", "+++\nsort_by = \"date\"\n+++\n"),
            (
                "content/blog/_index.md",
                "+++\ntitle = \"博客\"\nsort_by = \"date\"\n+++\n",
            ),
            ("content/blog/2024-03-05-rust-2024.md", article),
            (
                "content/blog/release-notes/index.md",
                "+++\ntitle = \"发布说明\"\ndate = 2024-03-01\n+++\n![流程图](diagram.svg)\n",
            ),
            (
                "content/blog/release-notes/diagram.svg",
                "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
            ),
            (
                "content/pages/about.md",
                "+++\ntitle = \"关于\"\npath = \"about\"\n+++\n一份关注编程语言的周刊。\n",
            ),
            (
                "templates/shortcodes/callout.html",
                "<aside class=\"callout\"><b>{{ kind }}</b>{{ body }}</aside>",
            ),
        ],
    );
    let out = build_and_check(dir.path(), &[]);
    // Zola takes the date from the file name and drops it from the slug.
    let html = common::read(&out, "blog/rust-2024/index.html");
    assert!(html.contains("2024-03-05"));
    assert!(
        html.contains("href=\"/blog/release-notes/\""),
        "@/ link resolved"
    );
    assert!(
        html.contains("<aside class=\"callout\"><b>注意</b>"),
        "site shortcode with a body"
    );
    assert!(html.contains("main.rs"), "the fence's file name");
    assert!(html.contains("{{ 不是短代码 }}"), "code is left alone");
    assert!(exists(&out, "blog/release-notes/diagram.svg"));
    assert!(common::read(&out, "about/index.html").contains("关注编程语言"));
    assert!(common::read(&out, "blog/index.html").contains("博客"));
    assert_no_shortcode_syntax(&out);
}

#[test]
fn a_hexo_archive_builds_as_hexo_built_it() {
    let config = format!("{MINIMAL_CONFIG}permalink = \":year/:month/:day/:title/\"\n");
    let post = "---\ntitle: 从 Hexo 迁移到 sitegen\ndate: 2024-03-10 09:00:00\ntags: [迁移]\ncategories:\n- [教程]\n---\n\
这是列表页的摘要。\n\n<!-- more -->\n\n\
{% codeblock app.js lang:javascript %}\nconsole.log('{% 不展开 %}');\n{% endcodeblock %}\n\n\
{% note info %}\n迁移前请备份 source 目录。\n{% endnote %}\n\n\
下一篇：{% post_link second-post %}\n";
    let dir = site(
        &config,
        &[
            ("content/_posts/hello-sitegen.md", post),
            (
                "content/_posts/second-post.md",
                "---\ntitle: 第二篇：主题适配\ndate: 2024-03-11 09:00:00\n---\n正文。\n",
            ),
            (
                "content/_drafts/draft.md",
                "---\ntitle: 未完成的草稿\n---\n草稿。\n",
            ),
            (
                "content/about/index.md",
                "---\ntitle: 关于本站\ndate: 2024-01-01 00:00:00\n---\n本站由 Hexo 迁移而来。\n",
            ),
            (
                "content/images/logo.svg",
                "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
            ),
        ],
    );
    let out = build_and_check(dir.path(), &[]);
    let html = common::read(&out, "2024/03/10/hello-sitegen/index.html");
    assert!(
        html.contains("href=\"/2024/03/11/second-post/\">第二篇：主题适配</a>"),
        "post_link takes the target's URL and title"
    );
    assert!(html.contains("{% 不展开 %}"), "a codeblock body is code");
    assert!(html.contains("迁移前请备份"));
    assert!(common::read(&out, "index.html").contains("这是列表页的摘要"));
    // Hexo pages live at their folder; the rest of source/ is published as it is.
    assert!(common::read(&out, "about/index.html").contains("本站由 Hexo 迁移而来"));
    assert!(!common::read(&out, "rss.xml").contains("关于本站"));
    assert!(exists(&out, "images/logo.svg"));
    assert!(
        !out.join("2024/03/draft").exists()
            && !common::read(&out, "index.html").contains("未完成的草稿")
    );
    assert!(!out.join("_posts").exists());
    assert_no_shortcode_syntax(&out);
}

#[test]
fn a_jekyll_archive_builds_as_jekyll_built_it() {
    let config = format!(
        "{MINIMAL_CONFIG}permalink = \"/:categories/:year/:month/:day/:title:output_ext\"\n"
    );
    let post = "---\nlayout: post\ntitle: \"欢迎来到新站\"\ndate: 2024-03-12 10:00:00 +0800\ncategories: [jekyll, update]\n---\n\
{% highlight ruby %}\nputs \"你好\"\n{% endhighlight %}\n\n\
上一篇：[开站公告]({% post_url 2024-03-01-hello %})\n\n\
![截图]({{ site.baseurl }}/assets/shot.svg)\n";
    let dir = site(
        &config,
        &[
            ("content/_posts/2024-03-12-welcome.markdown", post),
            (
                "content/_posts/2024-03-01-hello.md",
                "---\nlayout: post\ntitle: 开站公告\n---\n新站上线。\n",
            ),
            (
                "content/about.md",
                "---\nlayout: page\ntitle: 关于\npermalink: /about/\n---\n一个技术博客。\n",
            ),
            (
                "content/assets/shot.svg",
                "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
            ),
            // A collection published by _config.yml, and folders Jekyll never publishes.
            (
                "content/_config.yml",
                "title: 技术博客\ncollections:\n  docs:\n    output: true\n    permalink: /:collection/:path/\n  notes:\n    output: false\n",
            ),
            (
                "content/_docs/部署/静态托管.md",
                "---\ntitle: 部署到静态托管\n---\n把生成的目录上传即可。\n",
            ),
            (
                "content/_notes/想法.md",
                "---\ntitle: 随手记\n---\n不发布。\n",
            ),
            ("content/_includes/页脚.md", "版权所有。\n"),
        ],
    );
    let out = build_and_check(dir.path(), &[]);
    assert!(common::read(&out, "docs/部署/静态托管/index.html").contains("上传即可"));
    assert!(!out.join("_notes").exists() && !out.join("_includes").exists());
    assert!(!out.join("notes").exists() && !out.join("_config.yml").exists());
    let html = common::read(&out, "jekyll/update/2024/03/12/welcome.html");
    assert!(
        html.contains("href=\"/2024/03/01/hello.html\""),
        "post_url resolved"
    );
    assert!(html.contains("src=\"/assets/shot.svg\""));
    assert!(html.contains("language-ruby"));
    assert!(exists(&out, "2024/03/01/hello.html"));
    assert!(common::read(&out, "about/index.html").contains("一个技术博客"));
    assert!(exists(&out, "assets/shot.svg"));
    assert_no_shortcode_syntax(&out);
}

/// Nothing is dropped silently: the build counts the files it read but did not publish,
/// and `check` names each with its reason.
#[test]
fn files_not_published_are_counted_and_named() {
    let dir = site(
        MINIMAL_CONFIG,
        &[
            (
                "content/资讯/发布.md",
                "---\ntitle: 已发布\ndate: 2024-03-01\n---\n正文。\n",
            ),
            (
                "content/资讯/草稿.md",
                "---\ntitle: 草稿\ndate: 2024-03-02\ndraft: true\n---\n正文。\n",
            ),
            (
                "content/资讯/预告.md",
                "---\ntitle: 预告\ndate: 2099-01-01\n---\n正文。\n",
            ),
            (
                "content/片段/index.md",
                "---\ntitle: 片段\nheadless: true\n---\n",
            ),
        ],
    );
    let out = common::build(dir.path(), &["--strict"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", common::stderr(&out));
    assert!(
        stdout.contains("not published: 1 draft, 1 future article, 1 headless page"),
        "{stdout}"
    );
    let check = common::sitegen()
        .args(["check", "-r"])
        .arg(dir.path())
        .env("SOURCE_DATE_EPOCH", "1790000000")
        .output()
        .expect("run sitegen check");
    let listed = String::from_utf8_lossy(&check.stdout);
    assert!(
        listed.contains("content/资讯/草稿.md: not published: a draft"),
        "{listed}"
    );
    assert!(listed.contains("content/资讯/预告.md: not published: dated in the future"));
    assert!(listed.contains("content/片段/index.md: not published: headless"));
    assert!(!listed.contains("发布.md: not published"));
}

/// A standalone page's relative alias sits beside the page's own URL (Hugo), not beside
/// the URL the article pattern would have given it.
#[test]
fn a_pages_relative_alias_sits_beside_the_page() {
    let dir = site(
        MINIMAL_CONFIG,
        &[(
            "content/公司/关于我们.md",
            "---\ntitle: 关于我们\naliases: [about-us, /company.html]\n---\n硅基日报创办于 2024 年。\n",
        )],
    );
    let out = build_and_check(dir.path(), &["--strict"]);
    assert!(exists(&out, "公司/关于我们/index.html"));
    assert!(
        exists(&out, "公司/about-us/index.html"),
        "relative alias beside the page"
    );
    assert!(exists(&out, "company.html"));
}
