//! End-to-end tests of what readers and crawlers get: RSS and Atom feeds (site and per
//! term), sitemaps, the Google News sitemap, robots.txt, alias redirects and the article
//! head (Open Graph, Twitter card, JSON-LD). Fixture sites are built with the real binary and
//! every XML file is checked by parsing it, never by string matching alone.

mod common;

use std::path::{Path, PathBuf};

use chrono::DateTime;
use common::{read, site, sitegen, tree};
use roxmltree::{Document, Node};
use tempfile::TempDir;

const BASE: &str = "https://t.example.com/";
/// A title that breaks naive XML, HTML attributes and JSON-in-`<script>` alike.
const NASTY: &str = "AI <script> & “引号” \"quotes\" </script><!--";
/// The nasty article's summary, written in its front matter.
const NASTY_SUMMARY: &str = "摘要：<b>粗体</b> & 'single' \"double\"";

const ATOM_NS: &str = "http://www.w3.org/2005/Atom";
const SITEMAP_NS: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";
const NEWS_NS: &str = "http://www.google.com/schemas/sitemap-news/0.9";

/// Front matter for one article; `extra` holds more TOML lines (updated, cover, …).
fn article(title: &str, date: &str, tags: &[&str], categories: &[&str], extra: &str) -> String {
    format!(
        "+++\ntitle = {title:?}\ndate = {date}\ntags = {tags:?}\ncategories = {categories:?}\n\
         {extra}+++\n正文内容。[上一篇](/2024/03/a01/)\n"
    )
}

/// 22 articles in section 资讯, one a day from 2024-03-01; plus the nasty title with an
/// alias, an update, a cover and an author, one in section 评论, and one draft.
fn portal(config_extra: &str) -> TempDir {
    let config = format!("title = \"测试日报\"\nbase_url = \"{BASE}\"\n{config_extra}");
    let mut files: Vec<(String, String)> = (1..=22)
        .map(|n| {
            let tags: &[&str] = if n <= 2 {
                &["开源", "AI"]
            } else {
                &["资讯"]
            };
            (
                format!("content/资讯/a{n:02}.md"),
                article(
                    &format!("第{n}篇报道"),
                    &format!("2024-03-{n:02}T09:30:00+08:00"),
                    tags,
                    &["新闻"],
                    "",
                ),
            )
        })
        .collect();
    files.push((
        "content/资讯/nasty.md".into(),
        article(
            NASTY,
            "2024-03-23T09:30:00+08:00",
            &["开源", "OpenAI"],
            &["人工智能"],
            "updated = 2024-03-24T08:00:00+08:00\naliases = [\"/old/path/\", \"/legacy/story.html\"]\n\
             cover = \"/images/cover.png\"\nauthor = \"张三\"\nslug = \"nasty\"\n\
             summary = \"摘要：<b>粗体</b> & 'single' \\\"double\\\"\"\n",
        ),
    ));
    files.push((
        "content/评论/view.md".into(),
        article(
            "开源与闭源之争",
            "2024-03-22T20:00:00+08:00",
            &["开源"],
            &["人工智能"],
            "",
        ),
    ));
    files.push((
        "content/资讯/secret.md".into(),
        article(
            "草稿不应出现",
            "2024-03-23T10:00:00+08:00",
            &["开源"],
            &["人工智能"],
            "draft = true\n",
        ),
    ));
    files.push(("static/images/cover.png".into(), "png".into()));
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    site(&config, &refs)
}

/// Builds `root` into `root/public` with `SOURCE_DATE_EPOCH` = `epoch`.
fn build_with(root: &Path, epoch: &str, args: &[&str]) -> PathBuf {
    let out = root.join("public");
    let result = sitegen()
        .arg("build")
        .arg("-r")
        .arg(root)
        .arg("-o")
        .arg(&out)
        .args(args)
        .env("SOURCE_DATE_EPOCH", epoch)
        .output()
        .expect("run sitegen");
    assert!(
        result.status.success(),
        "build failed:\n{}",
        String::from_utf8_lossy(&result.stderr)
    );
    out
}

/// 2024-03-25T00:00:00+08:00: after every fixture article.
const EPOCH: &str = "1711296000";

fn build(root: &Path) -> PathBuf {
    build_with(root, EPOCH, &[])
}

fn parse(text: &str) -> Document<'_> {
    Document::parse(text).unwrap_or_else(|e| panic!("not well-formed XML ({e}):\n{text}"))
}

fn children<'a, 'i>(node: Node<'a, 'i>, name: &str) -> Vec<Node<'a, 'i>> {
    node.children()
        .filter(|n| n.is_element() && n.tag_name().name() == name)
        .collect()
}

fn child<'a, 'i>(node: Node<'a, 'i>, name: &str) -> Node<'a, 'i> {
    children(node, name)
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("no <{name}> in <{}>", node.tag_name().name()))
}

fn text_of(node: Node<'_, '_>, name: &str) -> String {
    child(node, name).text().unwrap_or_default().to_string()
}

/// RSS `<item>`s of a parsed document.
fn rss_items<'a, 'i>(doc: &'a Document<'i>) -> Vec<Node<'a, 'i>> {
    children(child(doc.root_element(), "channel"), "item")
}

fn atom_entries<'a, 'i>(doc: &'a Document<'i>) -> Vec<Node<'a, 'i>> {
    children(doc.root_element(), "entry")
}

fn alternate_href(entry: Node<'_, '_>) -> String {
    children(entry, "link")
        .into_iter()
        .find(|l| l.attribute("rel") == Some("alternate"))
        .and_then(|l| l.attribute("href"))
        .expect("alternate link")
        .to_string()
}

/// Undoes the HTML escaping templates apply to attribute values.
fn unescape_html(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&#x2F;", "/")
        .replace("&amp;", "&")
}

/// The `content` of every `<meta property|name="key">`, unescaped, in order.
fn meta(html: &str, key: &str) -> Vec<String> {
    let mut found = Vec::new();
    for attr in ["property", "name"] {
        let open = format!("<meta {attr}=\"{key}\" content=\"");
        let mut rest = html;
        while let Some(i) = rest.find(&open) {
            rest = &rest[i + open.len()..];
            let end = rest.find('"').expect("closing quote");
            found.push(unescape_html(&rest[..end]));
        }
    }
    found
}

fn json_ld(html: &str) -> serde_json::Value {
    let open = "<script type=\"application/ld+json\">";
    let start = html.find(open).expect("JSON-LD script") + open.len();
    let end = start + html[start..].find("</script>").expect("end of script");
    serde_json::from_str(&html[start..end])
        .unwrap_or_else(|e| panic!("JSON-LD does not parse ({e}): {}", &html[start..end]))
}

/// Every `<loc>` of a sitemap document.
fn locs(doc: &Document<'_>) -> Vec<String> {
    doc.descendants()
        .filter(|n| n.has_tag_name((SITEMAP_NS, "loc")))
        .map(|n| n.text().unwrap_or_default().to_string())
        .collect()
}

fn abs(rel: &str) -> String {
    format!("{BASE}{rel}")
}

#[test]
fn site_rss_has_the_newest_articles_with_absolute_links_and_escaped_titles() {
    let dir = portal("");
    let out = build(dir.path());
    let text = read(&out, "rss.xml");
    let doc = parse(&text);
    let rss = doc.root_element();
    assert_eq!(rss.attribute("version"), Some("2.0"));
    let channel = child(rss, "channel");
    assert_eq!(text_of(channel, "title"), "测试日报");
    assert_eq!(text_of(channel, "link"), BASE);
    let items = rss_items(&doc);
    // 24 published articles, default feed_limit 20; the draft never appears.
    assert_eq!(items.len(), 20);
    assert!(!text.contains("草稿不应出现"));
    let first = items[0];
    assert_eq!(text_of(first, "title"), NASTY);
    assert_eq!(text_of(first, "link"), abs("2024/03/nasty/"));
    assert_eq!(text_of(first, "guid"), abs("2024/03/nasty/"));
    assert_eq!(text_of(first, "pubDate"), "Sat, 23 Mar 2024 09:30:00 +0800");
    assert_eq!(text_of(first, "creator"), "张三");
    assert_eq!(text_of(first, "description"), NASTY_SUMMARY);
    let categories: Vec<String> = children(first, "category")
        .iter()
        .map(|c| c.text().unwrap_or_default().to_string())
        .collect();
    assert_eq!(categories, ["人工智能", "开源", "OpenAI"]);
    assert!(
        children(first, "encoded").is_empty(),
        "summary only by default"
    );
    // Newest first, every date RFC 822, every link absolute.
    let dates: Vec<_> = items
        .iter()
        .map(|i| DateTime::parse_from_rfc2822(&text_of(*i, "pubDate")).expect("RFC 822 date"))
        .collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "{dates:?}");
    for item in &items {
        assert!(text_of(*item, "link").starts_with(BASE));
    }
    // lastBuildDate is the newest change (the nasty article's update), not the clock.
    assert_eq!(
        text_of(channel, "lastBuildDate"),
        "Sun, 24 Mar 2024 08:00:00 +0800"
    );
    let self_link = children(channel, "link")
        .into_iter()
        .find(|l| l.tag_name().namespace() == Some(ATOM_NS))
        .expect("atom:link rel=self");
    assert_eq!(self_link.attribute("href"), Some(abs("rss.xml").as_str()));
}

#[test]
fn site_atom_is_valid_with_rfc3339_dates() {
    let dir = portal("");
    let out = build(dir.path());
    let text = read(&out, "atom.xml");
    let doc = parse(&text);
    let feed = doc.root_element();
    assert!(feed.has_tag_name((ATOM_NS, "feed")));
    assert_eq!(text_of(feed, "id"), BASE);
    assert_eq!(text_of(feed, "updated"), "2024-03-24T08:00:00+08:00");
    assert_eq!(text_of(child(feed, "author"), "name"), "测试日报");
    let entries = atom_entries(&doc);
    assert_eq!(entries.len(), 20);
    let first = entries[0];
    assert_eq!(text_of(first, "title"), NASTY);
    assert_eq!(alternate_href(first), abs("2024/03/nasty/"));
    assert_eq!(text_of(first, "id"), abs("2024/03/nasty/"));
    assert_eq!(text_of(first, "published"), "2024-03-23T09:30:00+08:00");
    assert_eq!(text_of(first, "updated"), "2024-03-24T08:00:00+08:00");
    assert_eq!(text_of(first, "summary"), NASTY_SUMMARY);
    assert!(
        children(first, "content").is_empty(),
        "summary only by default"
    );
    for e in &entries {
        DateTime::parse_from_rfc3339(&text_of(*e, "published")).expect("RFC 3339");
        DateTime::parse_from_rfc3339(&text_of(*e, "updated")).expect("RFC 3339");
        assert!(!text_of(*e, "summary").is_empty());
    }
}

#[test]
fn feed_limit_and_full_content_follow_the_config() {
    let dir = portal("feed_limit = 3\nfeed_full_content = true\n");
    let out = build(dir.path());
    let rss = read(&out, "rss.xml");
    let doc = parse(&rss);
    let items = rss_items(&doc);
    assert_eq!(items.len(), 3);
    let html = text_of(items[0], "encoded");
    // The body as HTML, with host-relative links made absolute for readers off the site.
    assert!(
        html.contains("<a href=\"https://t.example.com/2024/03/a01/\">"),
        "{html}"
    );
    assert!(rss.contains("<![CDATA["));
    let atom = read(&out, "atom.xml");
    let doc = parse(&atom);
    let entries = atom_entries(&doc);
    assert_eq!(entries.len(), 3);
    let content = child(entries[0], "content");
    assert_eq!(content.attribute("type"), Some("html"));
    assert!(content.text().unwrap_or_default().contains("<p>"));
    // A tag with two articles has two, fewer than the limit.
    let ai = read(&out, "tags/ai/rss.xml");
    let doc = parse(&ai);
    assert_eq!(rss_items(&doc).len(), 2);
}

#[test]
fn tags_categories_and_sections_have_their_own_feeds() {
    let dir = portal("");
    let out = build(dir.path());
    let cases = [
        ("tags/开源/", "标签：开源 - 测试日报", 4usize),
        ("tags/ai/", "标签：AI - 测试日报", 2),
        ("categories/人工智能/", "分类：人工智能 - 测试日报", 2),
        ("categories/新闻/", "分类：新闻 - 测试日报", 20),
        ("资讯/", "资讯 - 测试日报", 20),
        ("评论/", "评论 - 测试日报", 1),
    ];
    for (path, title, count) in cases {
        let rss = read(&out, &format!("{path}rss.xml"));
        let doc = parse(&rss);
        let channel = child(doc.root_element(), "channel");
        assert_eq!(text_of(channel, "title"), title, "{path}");
        let encoded: String =
            percent_encoding::utf8_percent_encode(path, percent_encoding::NON_ALPHANUMERIC)
                .to_string()
                .replace("%2F", "/");
        assert_eq!(text_of(channel, "link"), abs(&encoded), "{path}");
        assert_eq!(rss_items(&doc).len(), count, "{path}");
        let atom = read(&out, &format!("{path}atom.xml"));
        let doc = parse(&atom);
        assert_eq!(atom_entries(&doc).len(), count, "{path}");
        // The listing page links its own feeds besides the site's.
        let html = read(&out, &format!("{path}index.html"));
        assert!(
            html.contains(&format!(
                "type=\"application/rss+xml\" title=\"{}",
                title.split_once('：').map_or(title, |(_, t)| t)
            )),
            "{path}: no term feed link"
        );
        assert!(
            html.contains(&format!("href=\"/{encoded}rss.xml\"")),
            "{path}"
        );
        assert!(
            html.contains(&format!("href=\"/{encoded}atom.xml\"")),
            "{path}"
        );
    }
    // The OpenAI tag only has the nasty article.
    let doc_text = read(&out, "tags/openai/rss.xml");
    let doc = parse(&doc_text);
    let items = rss_items(&doc);
    assert_eq!(items.len(), 1);
    assert_eq!(text_of(items[0], "title"), NASTY);
}

#[test]
fn every_page_head_links_the_site_feeds() {
    let dir = portal("");
    let out = build(dir.path());
    for page in common::html_files(&out) {
        let html = read(&out, page.to_str().expect("utf-8"));
        if html.contains("http-equiv=\"refresh\"") {
            continue; // an alias redirect
        }
        assert!(
            html.contains(
                "<link rel=\"alternate\" type=\"application/rss+xml\" title=\"测试日报 RSS\" href=\"/rss.xml\">"
            ),
            "{}",
            page.display()
        );
        assert!(
            html.contains(
                "type=\"application/atom+xml\" title=\"测试日报 Atom\" href=\"/atom.xml\""
            ),
            "{}",
            page.display()
        );
    }
}

#[test]
fn article_head_has_open_graph_twitter_and_json_ld_escaped() {
    let dir = portal("[publisher]\nname = \"硅基传媒\"\nlogo = \"/images/logo.png\"\n");
    let out = build(dir.path());
    let html = read(&out, "2024/03/nasty/index.html");
    let head = &html[..html.find("</head>").expect("head")];
    // The raw title never appears: every copy of it is escaped for where it stands.
    assert!(!head.contains(NASTY));
    assert_eq!(meta(head, "og:title"), [NASTY]);
    assert_eq!(meta(head, "og:type"), ["article"]);
    assert_eq!(meta(head, "og:url"), [abs("2024/03/nasty/")]);
    assert_eq!(meta(head, "og:image"), [abs("images/cover.png")]);
    assert_eq!(meta(head, "og:site_name"), ["测试日报"]);
    assert_eq!(
        meta(head, "article:published_time"),
        ["2024-03-23T09:30:00+08:00"]
    );
    assert_eq!(
        meta(head, "article:modified_time"),
        ["2024-03-24T08:00:00+08:00"]
    );
    assert_eq!(meta(head, "article:tag"), ["开源", "OpenAI"]);
    assert_eq!(meta(head, "twitter:card"), ["summary_large_image"]);
    assert_eq!(meta(head, "twitter:image"), [abs("images/cover.png")]);
    assert_eq!(meta(head, "description"), [NASTY_SUMMARY]);
    assert_eq!(meta(head, "og:description"), [NASTY_SUMMARY]);
    assert_eq!(meta(head, "twitter:description"), [NASTY_SUMMARY]);
    assert!(
        head.contains("<link rel=\"canonical\" href=\"https://t.example.com/2024/03/nasty/\">")
    );

    let ld = json_ld(head);
    assert_eq!(ld["@context"], "https://schema.org");
    assert_eq!(ld["@type"], "NewsArticle");
    assert_eq!(ld["headline"], NASTY);
    assert_eq!(ld["description"], NASTY_SUMMARY);
    assert_eq!(ld["datePublished"], "2024-03-23T09:30:00+08:00");
    assert_eq!(ld["dateModified"], "2024-03-24T08:00:00+08:00");
    assert_eq!(ld["author"]["@type"], "Person");
    assert_eq!(ld["author"]["name"], "张三");
    assert_eq!(ld["publisher"]["@type"], "Organization");
    assert_eq!(ld["publisher"]["name"], "硅基传媒");
    assert_eq!(ld["publisher"]["logo"]["url"], abs("images/logo.png"));
    assert_eq!(ld["image"][0], abs("images/cover.png"));
    assert_eq!(ld["keywords"], serde_json::json!(["开源", "OpenAI"]));
    assert_eq!(ld["mainEntityOfPage"]["@id"], abs("2024/03/nasty/"));
    assert_eq!(ld["articleSection"], "资讯");
}

#[test]
fn article_without_cover_or_author_gets_a_summary_card_and_the_publisher() {
    let dir = portal("");
    let out = build(dir.path());
    let html = read(&out, "2024/03/a05/index.html");
    assert_eq!(meta(&html, "twitter:card"), ["summary"]);
    assert!(meta(&html, "og:image").is_empty());
    assert_eq!(
        meta(&html, "article:modified_time"),
        ["2024-03-05T09:30:00+08:00"]
    );
    let ld = json_ld(&html);
    assert_eq!(ld["author"]["@type"], "Organization");
    assert_eq!(ld["author"]["name"], "测试日报");
    assert_eq!(ld["publisher"]["name"], "测试日报");
    assert!(ld["publisher"].get("logo").is_none());
    assert!(ld.get("image").is_none());
    // Listing pages are websites, not articles, and carry no JSON-LD.
    let home = read(&out, "index.html");
    assert_eq!(meta(&home, "og:type"), ["website"]);
    assert!(!home.contains("application/ld+json"));
}

#[test]
fn aliases_redirect_to_the_article() {
    let dir = portal("");
    let out = build(dir.path());
    for file in ["old/path/index.html", "legacy/story.html"] {
        let html = read(&out, file);
        assert!(
            html.contains("<meta http-equiv=\"refresh\" content=\"0; url=/2024/03/nasty/\">"),
            "{file}: {html}"
        );
        assert!(
            html.contains("<link rel=\"canonical\" href=\"https://t.example.com/2024/03/nasty/\">"),
            "{file}"
        );
        assert!(html.contains("<meta name=\"robots\" content=\"noindex\">"));
        // The title is escaped, so it cannot break out of the page.
        assert!(!html.contains(NASTY), "{file}");
    }
}

#[test]
fn sitemap_lists_every_published_page_with_lastmod() {
    let dir = portal("");
    let out = build(dir.path());
    let text = read(&out, "sitemap.xml");
    let doc = parse(&text);
    assert!(doc.root_element().has_tag_name((SITEMAP_NS, "urlset")));
    let locs = locs(&doc);
    for rel in [
        "",
        "2024/03/nasty/",
        "2024/03/a01/",
        "2024/03/view/",
        "%E8%B5%84%E8%AE%AF/",
        "%E8%B5%84%E8%AE%AF/page/2/",
        "tags/",
        "tags/%E5%BC%80%E6%BA%90/",
        "categories/%E4%BA%BA%E5%B7%A5%E6%99%BA%E8%83%BD/",
        "archives/",
        "archives/2024/03/",
    ] {
        assert!(locs.contains(&abs(rel)), "missing {rel} in {locs:#?}");
    }
    for loc in &locs {
        assert!(loc.starts_with(BASE), "{loc}");
        for left_out in ["old/path", "legacy", "404.html", "search", "secret"] {
            assert!(!loc.contains(left_out), "{loc} should not be listed");
        }
    }
    // No duplicates.
    let mut sorted = locs.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), locs.len());
    // lastmod = updated, else date.
    let lastmod_of = |rel: &str| {
        doc.descendants()
            .filter(|n| n.has_tag_name((SITEMAP_NS, "url")))
            .find(|u| text_of(*u, "loc") == abs(rel))
            .map(|u| text_of(u, "lastmod"))
            .expect("url entry")
    };
    assert_eq!(lastmod_of("2024/03/nasty/"), "2024-03-24T08:00:00+08:00");
    assert_eq!(lastmod_of("2024/03/a01/"), "2024-03-01T09:30:00+08:00");
    assert_eq!(lastmod_of(""), "2024-03-24T08:00:00+08:00");
}

#[test]
fn news_sitemap_holds_the_last_two_days_relative_to_source_date_epoch() {
    let dir = portal("");
    let news = |epoch: &str| {
        let out = build_with(dir.path(), epoch, &[]);
        let text = read(&out, "news-sitemap.xml");
        let doc = parse(&text);
        let titles: Vec<String> = doc
            .descendants()
            .filter(|n| n.has_tag_name((NEWS_NS, "title")))
            .map(|n| n.text().unwrap_or_default().to_string())
            .collect();
        (text, titles)
    };
    // 2024-03-24T00:00:00+08:00: from 2024-03-22T00:00 on, so the 22nd's report and
    // comment and the nasty article of the 23rd; the 21st is too old and the draft never
    // counts.
    let (text, titles) = news("1711209600");
    assert_eq!(
        titles,
        [NASTY, "开源与闭源之争", "第22篇报道"].map(String::from)
    );
    let doc = parse(&text);
    let first = doc
        .descendants()
        .find(|n| n.has_tag_name((NEWS_NS, "news")))
        .expect("news:news");
    let publication = child(first, "publication");
    assert_eq!(text_of(publication, "name"), "测试日报");
    assert_eq!(text_of(publication, "language"), "zh-cn");
    assert_eq!(
        text_of(first, "publication_date"),
        "2024-03-23T09:30:00+08:00"
    );
    assert_eq!(locs(&doc)[0], abs("2024/03/nasty/"));
    // A later "now" leaves fewer articles; a much later one none (an empty, valid urlset).
    let (_, titles) = news("1711324800"); // 2024-03-25T08:00+08:00
    assert_eq!(titles, [NASTY].map(String::from));
    let (text, titles) = news("1790000000");
    assert!(titles.is_empty());
    assert!(
        parse(&text)
            .root_element()
            .has_tag_name((SITEMAP_NS, "urlset"))
    );
}

#[test]
fn robots_txt_names_the_sitemaps() {
    let dir = portal("");
    let out = build(dir.path());
    let robots = read(&out, "robots.txt");
    assert!(robots.contains("User-agent: *\n"));
    assert!(robots.contains("Sitemap: https://t.example.com/sitemap.xml\n"));
    assert!(robots.contains("Sitemap: https://t.example.com/news-sitemap.xml\n"));
}

#[test]
fn a_base_path_shows_in_every_feed_and_sitemap_url() {
    let dir = portal("feed_full_content = true\n");
    let base = "https://x.github.io/portal/";
    let out = build_with(
        dir.path(),
        "1711209600",
        &["--base-url", "https://x.github.io/portal/"],
    );
    let mut checked = 0;
    for (file, bytes) in tree(&out) {
        let name = file.to_string_lossy().replace('\\', "/");
        if !name.ends_with(".xml") {
            continue;
        }
        let text = String::from_utf8(bytes).expect("utf-8");
        let doc = parse(&text);
        for node in doc.descendants().filter(|n| n.is_element()) {
            let name_of = node.tag_name().name();
            let mut urls: Vec<&str> = Vec::new();
            if matches!(name_of, "loc" | "guid" | "id")
                || (name_of == "link" && node.tag_name().namespace().is_none())
            {
                urls.extend(node.text());
            }
            urls.extend(node.attribute("href"));
            urls.extend(node.attribute(("http://www.w3.org/XML/1998/namespace", "base")));
            for url in urls {
                assert!(url.starts_with(base), "{name}: {url}");
                checked += 1;
            }
        }
    }
    assert!(checked > 100, "only {checked} URLs checked");
    let robots = read(&out, "robots.txt");
    assert!(robots.contains("Sitemap: https://x.github.io/portal/sitemap.xml"));
    assert!(robots.contains("Disallow: /portal/search/"));
    let html = read(&out, "2024/03/nasty/index.html");
    assert!(html.contains("href=\"/portal/rss.xml\""));
    assert_eq!(meta(&html, "og:url"), [format!("{base}2024/03/nasty/")]);
    assert_eq!(
        json_ld(&html)["image"][0],
        format!("{base}images/cover.png")
    );
    let tag = read(&out, "tags/ai/index.html");
    assert!(tag.contains("href=\"/portal/tags/ai/rss.xml\""));
}

#[test]
fn drafts_stay_out_of_feeds_and_sitemaps_even_when_built() {
    let dir = portal("");
    let out = build_with(dir.path(), EPOCH, &["--drafts"]);
    assert!(out.join("2024/03/secret/index.html").is_file());
    for (file, bytes) in tree(&out) {
        let name = file.to_string_lossy().into_owned();
        if name.ends_with(".xml") {
            let text = String::from_utf8_lossy(&bytes);
            assert!(!text.contains("草稿不应出现"), "{name}");
            assert!(!text.contains("/secret/"), "{name}");
        }
    }
}

#[test]
fn feeds_and_sitemaps_are_reproducible() {
    let dir = portal("feed_full_content = true\n");
    let xml = |out: &Path| -> Vec<(PathBuf, Vec<u8>)> {
        tree(out)
            .into_iter()
            .filter(|(f, _)| f.extension().is_some_and(|e| e == "xml") || f.ends_with("robots.txt"))
            .collect()
    };
    let first = xml(&build(dir.path()));
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let second = xml(&build(dir.path()));
    assert!(first.len() > 20);
    assert!(
        first == second,
        "feeds changed between two builds of the same content"
    );
}

#[test]
fn a_site_without_articles_still_has_valid_feeds_and_sitemaps() {
    let dir = site(
        "title = \"空站\"\nbase_url = \"https://e.example.com\"\n",
        &[],
    );
    let out = build(dir.path());
    let doc_text = read(&out, "rss.xml");
    assert!(rss_items(&parse(&doc_text)).is_empty());
    let atom = read(&out, "atom.xml");
    assert_eq!(
        text_of(parse(&atom).root_element(), "updated"),
        "1970-01-01T00:00:00+00:00"
    );
    parse(&read(&out, "sitemap.xml"));
    parse(&read(&out, "news-sitemap.xml"));
}
