use super::*;
use crate::config::SiteConfig;

fn config() -> SiteConfig {
    SiteConfig::parse(
        "title = \"t\"\nbase_url = \"https://t.example.com/portal/\"\n[extra]\nbrand = \"科技日报\"\n",
        None,
    )
    .unwrap()
}

fn run(syntax: Syntax, name: &str, args: &str, body: Option<&str>) -> Result<Expansion, Problem> {
    let config = config();
    let params = serde_json::json!({"author": {"name": "小李"}});
    let page = Page {
        path: std::path::Path::new("content/a.md"),
        first_line: 1,
        params: params.as_object().unwrap(),
        config: &config,
    };
    let call = Call {
        syntax,
        name,
        args,
        body: body.map(str::to_string),
        nth: 1,
    };
    let set = super::super::Shortcodes::default();
    expand(call, &page, |n| set.has(n))
}

pub(super) fn value(e: Result<Expansion, Problem>) -> String {
    match e {
        Ok(Expansion::Value(v) | Expansion::Markdown(v)) => v,
        Ok(Expansion::Template { name, .. }) => format!("template {name}"),
        Ok(Expansion::AsWritten) => "as written".into(),
        Err(p) => format!("problem {}", p.message),
    }
}

fn vars(e: Result<Expansion, Problem>) -> Map<String, Value> {
    match e {
        Ok(Expansion::Template { vars, .. }) => vars,
        _ => panic!("not a template"),
    }
}

const HUGO: Syntax = Syntax::Hugo { markdown: false };

#[test]
fn values() {
    assert_eq!(
        value(run(HUGO, "ref", "\"/资讯/a b.md#x\"", None)),
        "@/%E8%B5%84%E8%AE%AF/a%20b.md#x"
    );
    assert_eq!(value(run(HUGO, "relref", "a.md", None)), "@ref:a.md");
    assert_eq!(value(run(HUGO, "param", "author.name", None)), "小李");
    assert_eq!(value(run(HUGO, "param", "brand", None)), "科技日报");
    assert_eq!(
        value(run(HUGO, "param", "none", None)),
        "problem param `none` is not set"
    );
    assert_eq!(
        value(run(Syntax::Liquid, "post_url", "2020-01-01-x", None)),
        "@ref:2020-01-01-x"
    );
    assert_eq!(
        value(run(Syntax::Liquid, "link", "_posts/x.md", None)),
        "@ref:_posts/x.md"
    );
    assert_eq!(
        value(run(Syntax::LiquidOutput, "", "site.baseurl", None)),
        "/portal"
    );
    assert_eq!(
        value(run(
            Syntax::LiquidOutput,
            "",
            "\"/img/a.png\" | relative_url",
            None
        )),
        "/portal/img/a.png"
    );
    assert_eq!(
        value(run(Syntax::LiquidOutput, "", "page.title", None)),
        "as written"
    );
    assert_eq!(
        value(run(HUGO, "nope", "", None)),
        "problem unknown shortcode `nope`"
    );
    assert!(
        value(run(Syntax::Liquid, "for", "post in site.posts", None))
            .starts_with("problem Liquid `{% for %}` is template logic")
    );
}

#[test]
fn embeds_and_aliases() {
    let v = vars(run(HUGO, "youtube", "dQw4w9WgXcQ", None));
    assert_eq!(v["url"], "https://www.youtube.com/watch?v=dQw4w9WgXcQ");
    let v = vars(run(HUGO, "tweet", "user=\"a\" id=\"12\"", None));
    assert_eq!(v["url"], "https://x.com/a/status/12");
    let v = vars(run(HUGO, "bilibili", "BV1GJ411x7h7 3", None));
    assert_eq!(v["url"], "https://www.bilibili.com/video/BV1GJ411x7h7/?p=3");
    let v = vars(run(HUGO, "gist", "spf13 7896402 img.html", None));
    assert_eq!(
        v["url"],
        "https://gist.github.com/spf13/7896402#file-img-html"
    );
    let v = vars(run(
        HUGO,
        "highlight",
        "go \"linenos=table,hl_lines=8 15-17\"",
        Some("x"),
    ));
    assert_eq!(v["info"], "go {linenos=table,hl_lines=8 15-17}");
    let v = vars(run(Syntax::Liquid, "highlight", "ruby linenos", Some("x")));
    assert_eq!(v["info"], "ruby {linenos=true}");
}

#[test]
fn hexo_tags() {
    let v = vars(run(
        Syntax::Liquid,
        "codeblock",
        "main.go lang:go https://go.dev 官网 line_number:false",
        Some("\nfmt.Println(\"```\")\n"),
    ));
    assert_eq!(
        (v["title"].as_str(), v["lang"].as_str(), v["url"].as_str()),
        (Some("main.go"), Some("go"), Some("https://go.dev"))
    );
    assert_eq!(v["link_text"], "官网");
    assert_eq!(v["fence"], "````");
    assert_eq!(v["code"], "fmt.Println(\"```\")");
    let v = vars(run(
        Syntax::Liquid,
        "blockquote",
        "乔布斯, 斯坦福演讲",
        Some("求知若饥"),
    ));
    assert_eq!(
        (v["author"].as_str(), v["source_title"].as_str()),
        (Some("乔布斯"), Some("斯坦福演讲"))
    );
    let v = vars(run(
        Syntax::Liquid,
        "blockquote",
        "Linus https://lkml.org/x 邮件",
        Some("x"),
    ));
    assert_eq!(v["source"], "https://lkml.org/x");
    let v = vars(run(
        Syntax::Liquid,
        "img",
        "left /img/芯片.png 300 200 \"标题\" \"替代\"",
        None,
    ));
    assert_eq!(
        (
            v["class"].as_str(),
            v["src"].as_str(),
            v["width"].as_str(),
            v["alt"].as_str()
        ),
        (
            Some("left"),
            Some("/portal/img/芯片.png"),
            Some("300"),
            Some("替代")
        )
    );
    let v = vars(run(
        Syntax::Liquid,
        "asset_img",
        "发布会.jpg 现场照片",
        None,
    ));
    assert_eq!(v["src"], "%E5%8F%91%E5%B8%83%E4%BC%9A.jpg");
    assert_eq!(v["title"], "现场照片");
    let v = vars(run(
        Syntax::Liquid,
        "link",
        "官方 博客 https://x.org true 标题",
        None,
    ));
    assert_eq!(
        (
            v["text"].as_str(),
            v["external"].as_bool(),
            v["title"].as_str()
        ),
        (Some("官方 博客"), Some(true), Some("标题"))
    );
    let v = vars(run(Syntax::Liquid, "link", "坏 javascript:alert(1)", None));
    assert_eq!(v["url"], "#");
    let v = vars(run(Syntax::Liquid, "post_link", "hello-world", None));
    assert_eq!(
        (v["href"].as_str(), v["text"].as_str()),
        (Some("@ref:hello-world"), Some(""))
    );
}

#[test]
fn built_in_lists_the_theme_templates() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/shortcodes");
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            e.unwrap()
                .file_name()
                .to_string_lossy()
                .trim_end_matches(".html")
                .to_string()
        })
        .collect();
    names.sort();
    assert_eq!(names, BUILT_IN);
}

#[test]
fn chinese_hugo_theme_shortcodes() {
    let v = vars(run(
        Syntax::Hugo { markdown: true },
        "admonition",
        "warning \"注意\" true",
        Some("**小心**"),
    ));
    assert_eq!(
        (
            v["type"].as_str(),
            v["title"].as_str(),
            v["details"].as_bool()
        ),
        (Some("warning"), Some("注意"), Some(true))
    );
    let v = vars(run(HUGO, "notice", "tip", Some("x")));
    assert_eq!(v["title"], "tip");
    let v = vars(run(HUGO, "expand", "\"展开看看\"", Some("x")));
    assert_eq!(v["summary"], "展开看看");
    let v = vars(run(HUGO, "youku", "XMzQ0ODUxMjM2NA", None));
    assert_eq!(
        v["url"],
        "https://v.youku.com/v_show/id_XMzQ0ODUxMjM2NA.html"
    );
    let v = vars(run(
        Syntax::Hugo { markdown: true },
        "music",
        "\"28196554\"",
        None,
    ));
    assert_eq!(v["url"], "https://music.163.com/#/song?id=28196554");
    // A built-in's `{{% %}}` output is HTML, not Markdown.
    let e = run(Syntax::Hugo { markdown: true }, "center", "", Some("居中"));
    assert!(matches!(
        e,
        Ok(Expansion::Template {
            markdown: false,
            ..
        })
    ));
}
