//! Data files (`data/**/*.{toml,yaml,yml,json,csv}`): every template reads them as `data`,
//! a file that does not parse is an error at its line (every such file in one run), and
//! `serve` picks up an edit.

mod common;

use common::server::{get, serve};
use common::{MINIMAL_CONFIG, article, build, build_ok, read, site, stderr, write};

/// A site whose home page template prints what it reads from `data`.
fn data_site(files: &[(&str, &str)]) -> tempfile::TempDir {
    let mut all = vec![
        (
            "content/资讯/a.md",
            article("芯片新闻", "2026-03-01T09:00:00+08:00", &[], &[], "正文"),
        ),
        (
            "templates/list.html",
            "<ul id=\"hot\">{% for i in data.hot.items %}<li>{{ i.title }}:{{ i.views }}</li>{% endfor %}</ul>\
             <p id=\"week\">{{ data[\"榜单\"][\"周榜\"].top | join(sep=\",\") }}</p>\
             <p id=\"csv\">{{ data.views.headers | join(sep=\"|\") }};{{ data.views.records | length }}</p>\
             <p id=\"who\">{{ data.authors[\"王澜\"].bio }}</p>"
                .to_string(),
        ),
    ];
    all.extend(files.iter().map(|(p, t)| (*p, t.to_string())));
    let borrowed: Vec<(&str, &str)> = all.iter().map(|(p, t)| (*p, t.as_str())).collect();
    site(MINIMAL_CONFIG, &borrowed)
}

const GOOD: [(&str, &str); 4] = [
    (
        "data/hot.toml",
        "[[items]]\ntitle = \"<b>星舰</b>\"\nviews = 120\n\n[[items]]\ntitle = \"芯片\"\nviews = 80\n",
    ),
    ("data/榜单/周榜.json", "{\"top\": [\"甲\", \"乙\"]}"),
    ("data/views.csv", "path,views\n/a/,10\n/b/,2\n"),
    ("data/authors.yaml", "王澜:\n  bio: 跑芯片线的记者\n"),
];

#[test]
fn every_format_reaches_templates_escaped() {
    let dir = data_site(&GOOD);
    let out = build_ok(dir.path(), &[]);
    let home = read(&out, "index.html");
    assert!(
        home.contains("<li>&lt;b&gt;星舰&lt;/b&gt;:120</li><li>芯片:80</li>"),
        "{home}"
    );
    assert!(home.contains("<p id=\"week\">甲,乙</p>"), "{home}");
    assert!(home.contains("<p id=\"csv\">path|views;2</p>"), "{home}");
    assert!(home.contains("<p id=\"who\">跑芯片线的记者</p>"), "{home}");
    // Data files are read, not published.
    assert!(!out.join("data").exists());
}

#[test]
fn every_bad_data_file_is_an_error_at_its_line_and_keeps_the_old_output() {
    let dir = data_site(&GOOD);
    let out = build_ok(dir.path(), &[]);
    let before = read(&out, "index.html");
    write(
        dir.path(),
        "data/hot.toml",
        "[[items]]\ntitle = \"星舰\nviews = 1\n",
    );
    write(
        dir.path(),
        "data/榜单/周榜.json",
        "{\n  \"top\": [1,],\n}\n",
    );
    let run = build(dir.path(), &[]);
    let err = stderr(&run);
    assert!(!run.status.success(), "{err}");
    assert!(err.contains("data/hot.toml:2:"), "{err}");
    assert!(err.contains("this TOML does not parse"), "{err}");
    assert!(err.contains("data/榜单/周榜.json:2:"), "{err}");
    assert_eq!(read(&out, "index.html"), before);
}

#[test]
fn serve_shows_a_data_edit() {
    let dir = data_site(&GOOD);
    let server = serve(dir.path(), &[]);
    let home = get(&server.addr, "/").text();
    assert!(home.contains("<li>芯片:80</li>"), "{home}");
    server.forget_output();
    write(
        dir.path(),
        "data/hot.toml",
        "[[items]]\ntitle = \"量子计算\"\nviews = 5\n",
    );
    let shown = server.rebuilt_until(|| {
        get(&server.addr, "/")
            .text()
            .contains("<li>量子计算:5</li>")
    });
    assert!(shown, "{}", server.output());
}
