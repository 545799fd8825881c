//! End-to-end tests of the theme's strings in the site's language (`language`,
//! `[strings]`) and of the 中文 SEO head (`[seo]`: the `<title>` pattern, `seo_title`,
//! keywords, verification tags, applicable-device, og:image, `sitemap.txt`), on sites
//! built with the real binary.

mod common;

use common::{build, build_ok, read, site, stderr};

const BASE: &str = "https://t.example.com/";

fn config(extra: &str) -> String {
    format!("title = \"硅谷观察\"\nbase_url = \"{BASE}\"\npaginate_by = 1\n{extra}")
}

/// One article in 资讯 with extra front-matter lines.
fn story(title: &str, day: u32, tags: &[&str], extra: &str) -> String {
    format!(
        "+++\ntitle = {title:?}\ndate = 2026-09-{day:02}T09:30:00+08:00\ntags = {tags:?}\n{extra}+++\n\
         英伟达在本周的财报电话会上表示，数据中心业务的营收再创新高，新一代芯片的订单已经排到明年。\n\n\
         分析师认为，大模型训练的需求仍在增长。\n"
    )
}

/// Two articles (so listings have two pages at `paginate_by = 1`).
fn files() -> Vec<(&'static str, String)> {
    vec![
        (
            "content/资讯/chips.md",
            story("英伟达财报超预期", 20, &["英伟达", "芯片"], ""),
        ),
        (
            "content/资讯/model.md",
            story("国产大模型开源", 18, &["开源"], ""),
        ),
    ]
}

fn make(extra_config: &str, files: &[(&str, String)]) -> tempfile::TempDir {
    let files: Vec<(&str, &str)> = files.iter().map(|(p, t)| (*p, t.as_str())).collect();
    site(&config(extra_config), &files)
}

/// The `content` of every `<meta name|property="NAME">` in `html`.
fn meta(html: &str, name: &str) -> Vec<String> {
    let mut found = Vec::new();
    for attr in ["name", "property"] {
        let open = format!("<meta {attr}=\"{name}\" content=\"");
        let mut rest = html;
        while let Some(at) = rest.find(&open) {
            rest = &rest[at + open.len()..];
            found.push(rest[..rest.find('"').unwrap_or(0)].to_string());
        }
    }
    found
}

fn title_of(html: &str) -> &str {
    let start = html.find("<title>").expect("title") + "<title>".len();
    &html[start..start + html[start..].find("</title>").expect("</title>")]
}

#[test]
fn english_site_shows_english_theme_strings() {
    let mut files = files();
    files.push((
        "content/资讯/moved.md",
        story("旧文迁移", 10, &[], "aliases = [\"/old/moved/\"]\n"),
    ));
    let dir = make("language = \"en\"\n", &files);
    let out = build_ok(dir.path(), &[]);
    let home = read(&out, "index.html");
    assert!(home.contains("<html lang=\"en\">"), "{home}");
    let redirect = read(&out, "old/moved/index.html");
    assert!(
        redirect.contains("This article has moved to <a href=\"/2026/09/moved/\">旧文迁移</a>."),
        "{redirect}"
    );
    for text in [
        ">Home</a>",
        ">Tags</a>",
        ">Categories</a>",
        ">Archives</a>",
        ">Skip to content</a>",
        "rel=\"next\">Next ›</a>",
        "aria-label=\"Pagination\"",
        ">Sep 20, 2026</time>",
    ] {
        assert!(home.contains(text), "{text} missing from the home page");
    }
    for chinese in ["首页", "标签", "归档", "跳到正文", "下一页"] {
        assert!(
            !home.contains(chinese),
            "{chinese} left on an English home page"
        );
    }
    let article = read(&out, "2026/09/chips/index.html");
    assert!(article.contains("<span class=\"reading-time\">1 min read</span>"));
    assert!(article.contains("<a href=\"/\">Home</a>"), "breadcrumb");
    let page2 = read(&out, "page/2/index.html");
    assert_eq!(title_of(&page2), "Page 2 - 硅谷观察");
    assert!(page2.contains("rel=\"prev\">‹ Previous</a>"));
    let archives = read(&out, "archives/index.html");
    assert!(archives.contains(">September 2026</a>"), "{archives}");
    let search = read(&out, "search/index.html");
    assert!(
        search.contains("No articles found for “{query}”"),
        "search.js messages"
    );
    let feed = read(&out, "tags/开源/rss.xml");
    assert!(
        feed.contains("<title>Tag: 开源 - 硅谷观察</title>"),
        "{feed}"
    );
    let missing = read(&out, "404.html");
    assert!(missing.contains("Sorry, this page does not exist"));
}

#[test]
fn traditional_sites_use_taiwan_and_hong_kong_strings() {
    let dir = make("language = \"zh-TW\"\n", &files());
    let out = build_ok(dir.path(), &[]);
    let home = read(&out, "index.html");
    assert!(home.contains("<html lang=\"zh-TW\">"));
    assert!(home.contains(">首頁</a>") && home.contains(">標籤</a>"));
    assert!(home.contains(">搜尋</button>"));
    assert!(!home.contains("首页"));
    let article = read(&out, "2026/09/chips/index.html");
    assert!(article.contains("約 1 分鐘讀完"));

    let dir = make("language = \"zh-Hant-HK\"\n", &files());
    let home = read(&build_ok(dir.path(), &[]), "index.html");
    assert!(home.contains("<html lang=\"zh-HK\">"));
    assert!(home.contains(">首頁</a>") && home.contains(">存檔</a>"));
}

#[test]
fn default_stays_simplified_and_unknown_languages_fall_back_with_a_warning() {
    let dir = make("", &files());
    let home = read(&build_ok(dir.path(), &[]), "index.html");
    assert!(home.contains("<html lang=\"zh-CN\">"));
    assert!(home.contains(">首页</a>") && home.contains(">跳到正文</a>"));

    let dir = make("language = \"fr\"\n", &files());
    let run = build(dir.path(), &[]);
    assert!(run.status.success());
    let err = stderr(&run);
    assert!(
        err.contains("language = \"fr\"") && err.contains("zh-CN"),
        "{err}"
    );
    assert!(read(&dir.path().join("public"), "index.html").contains(">首页</a>"));
}

#[test]
fn strings_overrides_win_and_a_language_table_wins_over_flat_keys() {
    let extra = "language = \"en\"\n[strings]\nhome = \"Front page\"\narchives = \"All stories\"\n\
                 [strings.\"en\"]\narchives = \"Back issues\"\n[strings.\"zh-TW\"]\nhome = \"封面\"\n";
    let dir = make(extra, &files());
    let home = read(&build_ok(dir.path(), &[]), "index.html");
    assert!(home.contains(">Front page</a>"), "flat override");
    assert!(
        home.contains(">Back issues</a>"),
        "the language's own table"
    );
    assert!(!home.contains("封面"));
}

#[test]
fn an_unknown_string_key_is_an_error_at_its_line() {
    let extra = "[strings]\nhome = \"头版\"\nhoem = \"头版\"\n";
    let dir = make(extra, &files());
    let run = build(dir.path(), &[]);
    assert!(!run.status.success());
    let err = stderr(&run);
    assert!(err.contains("config.toml:6:1"), "{err}");
    assert!(
        err.contains("hoem") && err.contains("did you mean `home`"),
        "{err}"
    );

    let dir = make("[strings.\"zh-TX\"]\nhome = \"封面\"\n", &files());
    let err = stderr(&build(dir.path(), &[]));
    assert!(
        err.contains("config.toml:4:1") && err.contains("`zh-TW`"),
        "{err}"
    );
}

#[test]
fn title_pattern_and_seo_title() {
    let mut files = files();
    files.push((
        "content/资讯/quote.md",
        story(
            "马斯克回应 \"xAI\" 融资传闻",
            19,
            &[],
            "seo_title = \"xAI 融资 <最新> 消息｜硅谷观察\"\n",
        ),
    ));
    files.push((
        "content/hexo.md",
        "---\ntitle: 无栏目文章\ndate: 2026-09-17 10:00\ntitle_tag: 谷歌发布新模型 - 专题报道\n---\n正文。\n".into(),
    ));
    files.push((
        "content/plain.md",
        "---\ntitle: 普通文章\ndate: 2026-09-16 10:00\n---\n正文。\n".into(),
    ));
    let dir = make(
        "[seo]\ntitle_pattern = \"{title}｜{section}｜{site}\"\n",
        &files,
    );
    let out = build_ok(dir.path(), &[]);
    assert_eq!(
        title_of(&read(&out, "2026/09/chips/index.html")),
        "英伟达财报超预期｜资讯｜硅谷观察"
    );
    assert_eq!(
        title_of(&read(&out, "2026/09/quote/index.html")),
        "xAI 融资 &lt;最新&gt; 消息｜硅谷观察"
    );
    assert_eq!(
        title_of(&read(&out, "2026/09/hexo/index.html")),
        "谷歌发布新模型 - 专题报道"
    );
    // No section: `{section}` leaves with its separator.
    assert_eq!(
        title_of(&read(&out, "2026/09/plain/index.html")),
        "普通文章｜硅谷观察"
    );

    let dir = make("[seo]\ntitle_pattern = \"{site}\"\n", &[]);
    let err = stderr(&build(dir.path(), &[]));
    assert!(
        err.contains("config.toml:5:1") && err.contains("{title}"),
        "{err}"
    );
}

#[test]
fn keywords_from_front_matter_then_config_then_tags() {
    let mut files = files();
    files.push((
        "content/资讯/list.md",
        story(
            "OpenAI 发布新模型",
            15,
            &["OpenAI"],
            "keywords = [\"OpenAI\", \"GPT\", \"\\\"引号\\\"\"]\n",
        ),
    ));
    files.push((
        "content/资讯/comma.md",
        "---\ntitle: 苹果发布会\ndate: 2026-09-14 10:00\nkeywords: 苹果, iPhone，发布会、A19\n---\n正文。\n"
            .into(),
    ));
    let dir = make("", &files);
    let out = build_ok(dir.path(), &[]);
    assert_eq!(
        meta(&read(&out, "2026/09/list/index.html"), "keywords"),
        ["OpenAI,GPT,&quot;引号&quot;"]
    );
    assert_eq!(
        meta(&read(&out, "2026/09/comma/index.html"), "keywords"),
        ["苹果,iPhone,发布会,A19"]
    );
    // Neither front matter nor config: the tags.
    assert_eq!(
        meta(&read(&out, "2026/09/chips/index.html"), "keywords"),
        ["英伟达,芯片"]
    );
    assert!(meta(&read(&out, "index.html"), "keywords").is_empty());

    let dir = make("[seo]\nkeywords = [\"科技\", \"互联网\"]\n", &files);
    let out = build_ok(dir.path(), &[]);
    assert_eq!(
        meta(&read(&out, "2026/09/chips/index.html"), "keywords"),
        ["科技,互联网"]
    );
    assert_eq!(meta(&read(&out, "index.html"), "keywords"), ["科技,互联网"]);
    assert_eq!(
        meta(&read(&out, "2026/09/list/index.html"), "keywords"),
        ["OpenAI,GPT,&quot;引号&quot;"]
    );
}

#[test]
fn verification_tags_on_the_home_page_and_baidu_meta_everywhere() {
    let extra = "[seo.verification]\nbaidu = \"code-bd\"\ngoogle = \"code-g\"\nbing = \"code-b\"\n\
                 sogou = \"code-sg\"\n360 = \"code-360\"\nshenma = \"code-sm\"\nyandex = \"code-y\"\n";
    let dir = make(extra, &files());
    let out = build_ok(dir.path(), &[]);
    let home = read(&out, "index.html");
    for (name, content) in [
        ("baidu-site-verification", "code-bd"),
        ("google-site-verification", "code-g"),
        ("msvalidate.01", "code-b"),
        ("sogou_site_verification", "code-sg"),
        ("360-site-verification", "code-360"),
        ("shenma-site-verification", "code-sm"),
        ("yandex-verification", "code-y"),
    ] {
        assert_eq!(meta(&home, name), [content], "{name}");
    }
    let article = read(&out, "2026/09/chips/index.html");
    assert!(meta(&article, "baidu-site-verification").is_empty());
    for page in [&home, &article] {
        assert_eq!(meta(page, "applicable-device"), ["pc,mobile"]);
        assert!(page.contains("<meta http-equiv=\"Cache-Control\" content=\"no-transform\">"));
        assert!(page.contains("<meta http-equiv=\"Cache-Control\" content=\"no-siteapp\">"));
    }

    let dir = make("[seo]\napplicable_device = \"\"\n", &files());
    let home = read(&build_ok(dir.path(), &[]), "index.html");
    assert!(meta(&home, "applicable-device").is_empty());

    let dir = make(
        "[seo.verification]\nbaidu = \"x\"\nbaido = \"y\"\n",
        &files(),
    );
    let err = stderr(&build(dir.path(), &[]));
    assert!(
        err.contains("config.toml:6:1") && err.contains("baido"),
        "{err}"
    );
    assert!(err.contains("did you mean `baidu`"), "{err}");
    assert!(
        err.contains("baidu, google, bing, sogou, 360, shenma, yandex"),
        "{err}"
    );
}

#[test]
fn sitemap_txt_lists_exactly_the_sitemap_urls() {
    let dir = make("", &files());
    let out = build_ok(dir.path(), &[]);
    assert!(!out.join("sitemap.txt").exists(), "off by default");

    let dir = make("[seo]\nsitemap_txt = true\n", &files());
    let out = build_ok(dir.path(), &[]);
    let xml = read(&out, "sitemap.xml");
    let doc = roxmltree::Document::parse(&xml).expect("sitemap.xml parses");
    let from_xml: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("loc"))
        .filter_map(|n| n.text())
        .collect();
    let txt = read(&out, "sitemap.txt");
    let from_txt: Vec<&str> = txt.lines().collect();
    assert!(from_xml.len() > 5, "{from_xml:?}");
    assert_eq!(from_txt, from_xml);
    assert!(from_txt.iter().all(|u| u.starts_with(BASE)));
}

#[test]
fn every_article_has_an_og_image() {
    let mut files = files();
    files.push((
        "content/资讯/cover.md",
        story(
            "华为发布新手机",
            17,
            &[],
            "cover = \"https://cdn.example.com/mate.jpg\"\n",
        ),
    ));
    files.push((
        "content/资讯/picture.md",
        "+++\ntitle = \"正文配图\"\ndate = 2026-09-16T09:00:00+08:00\n+++\n正文。\n\n![芯片](https://cdn.example.com/chip.png)\n"
            .into(),
    ));
    let dir = make("[seo]\ndefault_image = \"/images/share.png\"\n", &files);
    let out = build_ok(dir.path(), &[]);
    let og = |page: &str| meta(&read(&out, page), "og:image");
    assert_eq!(
        og("2026/09/cover/index.html"),
        ["https://cdn.example.com/mate.jpg"]
    );
    assert_eq!(
        og("2026/09/picture/index.html"),
        ["https://cdn.example.com/chip.png"]
    );
    assert_eq!(
        og("2026/09/chips/index.html"),
        ["https://t.example.com/images/share.png"]
    );

    // Without default_image: the publisher's logo.
    let dir = make("[publisher]\nlogo = \"/images/logo.png\"\n", &files);
    let out = build_ok(dir.path(), &[]);
    assert_eq!(
        meta(&read(&out, "2026/09/chips/index.html"), "og:image"),
        ["https://t.example.com/images/logo.png"]
    );
}
