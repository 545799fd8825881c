//! Formulas and diagrams in articles (issue 14): `$…$` and `$$…$$` become MathML at build
//! time, a formula that does not parse is a warning at its line, dollar amounts in Chinese
//! prose stay prose, and ```` ```mermaid ```` fences become figures drawn by a script the
//! site serves itself, published only on sites that have a diagram.

mod common;

use std::path::Path;

use common::*;

const DATE: &str = "2024-03-11T09:30:00+08:00";

/// A site with one article, `content/深度/NAME.md`, whose page is `2024/03/NAME/index.html`.
fn one_article(config: &str, name: &str, body: &str) -> tempfile::TempDir {
    site(
        config,
        &[(
            &format!("content/深度/{name}.md"),
            &article("公式与图示", DATE, &[], &[], body),
        )],
    )
}

/// Every file under `dir`, relative, with `/` separators.
fn files(dir: &Path) -> Vec<String> {
    tree(dir)
        .into_iter()
        .map(|(p, _)| p.to_string_lossy().replace('\\', "/"))
        .collect()
}

const FORMULAS: &str = "注意力的缩放因子是 $\\frac{1}{\\sqrt{d_k}}$，当 $a<b$ 时取前者。\n\n\
                        $$\n\\mathrm{softmax}(x_i) = \\frac{e^{x_i}}{\\sum_{j=1}^n e^{x_j}}\n$$\n\n\
                        $$\\begin{aligned} y &= Wx + b \\\\ \\hat{y} &= \\sigma(y) \\end{aligned}$$\n";

#[test]
fn inline_and_display_math_render_as_mathml() {
    let dir = one_article(MINIMAL_CONFIG, "注意力", FORMULAS);
    let out = build(dir.path(), &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stderr(&out).contains("warning"), "{}", stderr(&out));
    let page = read(&dir.path().join("public"), "2024/03/注意力/index.html");
    let body = prose(&page);
    assert_eq!(
        body.matches("<math display=\"inline\">").count(),
        2,
        "{body}"
    );
    assert_eq!(
        body.matches("<math display=\"block\">").count(),
        2,
        "{body}"
    );
    assert!(
        body.contains("<mfrac><mrow><mn>1</mn></mrow><mrow><msqrt>"),
        "{body}"
    );
    assert!(body.contains("<mi>a</mi><mo>&lt;</mo><mi>b</mi>"), "{body}");
    assert!(body.contains("<mtable"), "aligned becomes a table: {body}");
    assert!(!body.contains('$'), "no delimiter is left: {body}");
    assert!(!body.contains("math-error"), "{body}");
    // Nothing to load for a formula: no script, nothing from another origin.
    assert!(!page.contains("/js/diagram."), "{page}");
    assert!(
        !body.contains("<script") && !body.contains("http"),
        "{body}"
    );
}

#[test]
fn minified_pages_keep_the_mathml() {
    let dir = one_article(MINIMAL_CONFIG, "注意力", FORMULAS);
    let out = build_ok(dir.path(), &["--minify"]);
    let page = read(&out, "2024/03/注意力/index.html");
    assert!(page.contains("<mo>&lt;</mo>"), "{page}");
    assert!(
        page.contains("<msqrt>") && page.contains("<mtable"),
        "{page}"
    );
}

#[test]
fn a_broken_formula_is_a_warning_at_its_line_and_shows_as_code() {
    // The article's front matter takes 6 lines: the body starts on line 7.
    let body = "导语。\n\n公式 $\\frac{1}$ 少了分母，$x^2$ 没问题。\n\n$$\n\\begin{nosuch} x \\end{nosuch}\n$$\n";
    let dir = one_article(MINIMAL_CONFIG, "写错", body);
    let out = build(dir.path(), &[]);
    let err = stderr(&out);
    assert!(
        out.status.success(),
        "a warning does not fail the build: {err}"
    );
    assert!(
        err.contains("content/深度/写错.md:9:4: warning: formula does not parse: expected a token (near `\\frac{1}`)"),
        "{err}"
    );
    assert!(
        err.contains("content/深度/写错.md:11:1: warning: formula does not parse: unknown mathematical environment found (near `\\begin{nosuch} x \\end{nosuch}`)"),
        "{err}"
    );
    let page = read(&dir.path().join("public"), "2024/03/写错/index.html");
    let body = prose(&page);
    assert!(
        body.contains("<code class=\"math-error\">\\frac{1}</code>"),
        "{body}"
    );
    assert!(body.contains("<msup><mi>x</mi><mn>2</mn></msup>"), "{body}");

    let out = build(dir.path(), &["--strict"]);
    assert!(!out.status.success(), "--strict fails on it");
    assert!(
        stderr(&out).contains("写错.md:9:4: error: formula does not parse"),
        "{}",
        stderr(&out)
    );
}

/// Dollar amounts in Chinese prose, with and without spaces, that no peer renders as math.
const AMOUNTS: [&str; 7] = [
    "售价 $5，折后 $3。",
    "$30 美元",
    "花了 $1,000 和 $2,000。",
    "价格从$30降到$20。",
    "售价$5，折后$3。",
    "成本$30，利润是$x$的一半。",
    "转账 $5 给他，又转 $6。",
];

#[test]
fn dollar_amounts_stay_text() {
    let mut body = AMOUNTS.join("\n\n");
    body.push_str("\n\n转义的 \\$x\\$ 也是原文。\n\n而 $x$ 是公式。\n");
    let dir = one_article(MINIMAL_CONFIG, "价格", &body);
    let out = build_ok(dir.path(), &[]);
    let page = read(&out, "2024/03/价格/index.html");
    let body = prose(&page);
    for amount in AMOUNTS {
        assert!(
            body.contains(&format!("<p>{amount}</p>")),
            "{amount} in {body}"
        );
    }
    assert!(body.contains("<p>转义的 $x$ 也是原文。</p>"), "{body}");
    assert_eq!(
        body.matches("<math").count(),
        1,
        "only the real formula: {body}"
    );
    assert!(
        body.contains("<p>而 <math display=\"inline\"><mi>x</mi></math> 是公式。</p>"),
        "{body}"
    );
}

#[test]
fn math_off_leaves_dollars_literal() {
    let config = format!("{MINIMAL_CONFIG}\n[markdown]\nmath = false\n");
    let dir = one_article(&config, "关闭", "质能方程 $E=mc^2$ 与 $$x$$ 原样显示。\n");
    let out = build_ok(dir.path(), &[]);
    let page = read(&out, "2024/03/关闭/index.html");
    let body = prose(&page);
    assert!(
        body.contains("质能方程 $E=mc^2$ 与 $$x$$ 原样显示。"),
        "{body}"
    );
    assert!(!body.contains("<math"), "{body}");
}

const DIAGRAM: &str = "网关的请求路径：\n\n```mermaid\ngraph LR\n  用户 -->|HTTPS| 网关\n  网关 --> 鉴权{Token 有效?}\n  鉴权 -->|是| 服务\n```\n";

#[test]
fn a_mermaid_fence_is_a_figure_drawn_by_the_site_s_own_script() {
    let config = "title = \"测试日报\"\nbase_url = \"https://t.example.com/portal/\"\n";
    let dir = one_article(config, "网关", DIAGRAM);
    let out = build_ok(dir.path(), &[]);
    let page = read(&out, "2024/03/网关/index.html");
    assert!(
        prose(&page).contains(
            "<figure class=\"diagram\"><pre class=\"mermaid\">graph LR\n  用户 --&gt;|HTTPS| 网关\n  网关 --&gt; 鉴权{Token 有效?}\n  鉴权 --&gt;|是| 服务\n</pre></figure>"
        ),
        "the source is readable without a script: {page}"
    );
    // The loader, content-hashed, under the site's path; the mermaid release it loads
    // named by version, from the same site.
    let tag_start = page
        .find("<script src=\"/portal/js/diagram.")
        .expect("loader");
    let tag = &page[tag_start..tag_start + page[tag_start..].find('>').unwrap()];
    let src = tag.split('"').nth(1).unwrap();
    let mermaid = tag
        .split("data-mermaid=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("data-mermaid");
    assert!(
        mermaid.starts_with("/portal/js/vendor/mermaid-11."),
        "{tag}"
    );
    for url in [src, mermaid] {
        let file = out.join(url.trim_start_matches("/portal/"));
        assert!(file.is_file(), "{url} is in the output");
    }
    let loader = read(&out, src.trim_start_matches("/portal/"));
    assert!(loader.contains("pre.mermaid") && loader.contains("data-mermaid"));
    let script = std::fs::read(out.join(mermaid.trim_start_matches("/portal/"))).unwrap();
    assert!(script.len() > 1_000_000, "the whole release");
    assert!(
        out.join("js/vendor/mermaid-LICENSE.txt").is_file(),
        "with its licence"
    );
    assert!(
        !files(&out)
            .iter()
            .any(|f| f.starts_with("js/vendor/mermaid-11.")
                && f.as_str() != mermaid.trim_start_matches("/portal/")),
        "no content-hashed second copy: {:?}",
        files(&out)
    );
}

#[test]
fn a_site_without_diagrams_does_not_carry_the_mermaid_release() {
    let dir = one_article(MINIMAL_CONFIG, "注意力", FORMULAS);
    let out = build_ok(dir.path(), &["--minify"]);
    let all = files(&out);
    assert!(
        all.iter().any(|f| f.starts_with("js/")),
        "other scripts are there: {all:?}"
    );
    assert!(
        !all.iter()
            .any(|f| f.contains("mermaid") || f.starts_with("js/vendor")),
        "{all:?}"
    );

    // A diagram on a standalone page is enough to publish it.
    let dir = site(
        MINIMAL_CONFIG,
        &[
            (
                "content/about.md",
                &format!("+++\ntitle = \"关于\"\n+++\n{DIAGRAM}"),
            ),
            (
                "content/深度/注意力.md",
                &article("注意力", DATE, &[], &[], FORMULAS),
            ),
        ],
    );
    let out = build_ok(dir.path(), &[]);
    assert!(
        files(&out)
            .iter()
            .any(|f| f.starts_with("js/vendor/mermaid-11.")),
        "{:?}",
        files(&out)
    );
}

/// In a real browser, under a sub-path: the loader fetches the site's own mermaid, a
/// diagram becomes SVG, and a diagram mermaid cannot read keeps showing its source.
#[test]
fn the_browser_draws_the_diagram_and_keeps_a_broken_one_readable() {
    let Some(chromium) = chromium() else {
        return;
    };
    let broken = "```mermaid\ngraph LR\n  甲 --> 乙 --> [[[ 写错了\n```\n";
    let config = "title = \"测试日报\"\nbase_url = \"https://t.example.com/portal/\"\n";
    let dir = one_article(config, "网关", &format!("{DIAGRAM}\n{broken}"));
    let out = build_ok(dir.path(), &[]);
    let port = common::server::serve_folder(out, "/portal/");
    let scratch = dir.path().join("chromium");
    std::fs::create_dir_all(&scratch).expect("scratch dir");
    let dom = dump_dom(
        &chromium,
        &format!("http://127.0.0.1:{port}/portal/2024/03/网关/"),
        &scratch,
        &["--virtual-time-budget=20000"],
    );
    let figures: Vec<&str> = dom.split("<figure class=\"diagram\">").skip(1).collect();
    assert_eq!(figures.len(), 2, "{dom}");
    assert!(
        figures[0].contains("<svg") && figures[0].contains("网关"),
        "the diagram is drawn: {}",
        figures[0]
    );
    assert!(
        !figures[1].contains("<svg") && figures[1].contains("写错了"),
        "the broken one keeps its source: {}",
        figures[1]
    );
}
