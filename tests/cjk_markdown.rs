//! Chinese in Markdown, right (issue 14): `**` next to Chinese punctuation is emphasis (the
//! CommonMark CJK-friendly amendments), a line break between Chinese characters is no
//! space, `……` and `——` stay on one line — and `[markdown]` can turn the first two off.

mod common;

use common::*;

const DATE: &str = "2024-05-20T10:00:00+08:00";

const EMPHASIS: &str = "\
本期架构解读采用**依赖注入（DI）**方式组织网关代码。

**数据面：网关。**这一层负责鉴权、限流和路由转发。

**注意：**正文中的配置项均以生产环境为准。

**模型：**通义千问，**价格：**每百万词元两元，*限时：*到月底为止。

发布会上的口径~~已经确认开源。~~尚未确定。

**控制面*（配置中心）*说明**

## **背景：**为什么要拆分网关

| 组件 | 说明 |
|---|---|
| 网关 | **职责：**转发请求 |

- **要点：**灰度发布
- 第二条
";

#[test]
fn emphasis_next_to_chinese_punctuation_works() {
    let dir = site(
        MINIMAL_CONFIG,
        &[(
            "content/架构/gateway.md",
            &article("网关拆分实践", DATE, &[], &[], EMPHASIS),
        )],
    );
    let out = build_ok(dir.path(), &[]);
    let page = read(&out, "2024/05/gateway/index.html");
    let body = prose(&page);
    for expected in [
        "采用<strong>依赖注入（DI）</strong>方式",
        "<p><strong>数据面：网关。</strong>这一层负责",
        "<p><strong>注意：</strong>正文中的配置项",
        // Several spans in one paragraph pair as written, not nested.
        "<strong>模型：</strong>通义千问，<strong>价格：</strong>每百万词元两元，<em>限时：</em>到月底",
        "口径<del>已经确认开源。</del>尚未确定",
        "<strong>控制面<em>（配置中心）</em>说明</strong>",
        "<h2 id=\"背景-为什么要拆分网关\"><strong>背景：</strong>为什么要拆分网关<a",
        "<td><strong>职责：</strong>转发请求</td>",
        "<li><strong>要点：</strong>灰度发布</li>",
    ] {
        assert!(body.contains(expected), "missing {expected}\n{body}");
    }
    assert!(!body.contains("**"), "{body}");
    assert!(!body.contains("~~"), "{body}");
}

#[test]
fn what_commonmark_leaves_literal_stays_literal() {
    let body = "\
调用 `**kwargs` 时要小心，a**b**c 仍是强调，2*3*4 也是。

变量名 snake_case_name 与 __init__ 方法不变，函数__init__方法也不变。

只有开头的**星号没有结尾。

左右有空格的 ** 星号 ** 不算强调。

工期1~3天，预算5~8万元。

```text
**注意：**代码块里原样保留
```
";
    let dir = site(
        MINIMAL_CONFIG,
        &[(
            "content/架构/literal.md",
            &article("字面保留", DATE, &[], &[], body),
        )],
    );
    let out = build_ok(dir.path(), &[]);
    let page = read(&out, "2024/05/literal/index.html");
    let body = prose(&page);
    for expected in [
        "<code>**kwargs</code>",
        "a<strong>b</strong>c 仍是强调，2<em>3</em>4 也是",
        "snake_case_name 与 <strong>init</strong> 方法不变，函数__init__方法也不变",
        "只有开头的**星号没有结尾",
        "左右有空格的 ** 星号 ** 不算强调",
        "工期1~3天，预算5~8万元",
        "**注意：**代码块里原样保留",
    ] {
        assert!(body.contains(expected), "missing {expected}\n{body}");
    }
}

const LINES: &str = "\
大模型的推理成本
正在快速下降，
「价格战」已经开始。

The open source
models keep improving.

本周发布了
GPU 驱动更新。

厂商的**官方说明**
*明确表示*会继续降价。

他说……然后——停顿了一下，又补充了⋯⋯几句。
";

#[test]
fn line_breaks_between_chinese_go_and_ellipses_stay_together() {
    let dir = site(
        MINIMAL_CONFIG,
        &[(
            "content/行业/price.md",
            &article("推理降价", DATE, &[], &[], LINES),
        )],
    );
    let out = build_ok(dir.path(), &[]);
    let page = read(&out, "2024/05/price/index.html");
    let body = prose(&page);
    for expected in [
        "<p>大模型的推理成本正在快速下降，「价格战」已经开始。</p>",
        "<p>The open source\nmodels keep improving.</p>",
        "<p>本周发布了\nGPU 驱动更新。</p>",
        "<strong>官方说明</strong><em>明确表示</em>会继续降价",
        "他说<span class=\"nowrap\">……</span>然后<span class=\"nowrap\">——</span>停顿了一下，又补充了<span class=\"nowrap\">⋯⋯</span>几句",
    ] {
        assert!(body.contains(expected), "missing {expected}\n{body}");
    }
}

#[test]
fn plain_text_and_summaries_have_no_stray_markup() {
    let body = "**注意：**本文采用**依赖注入（DI）**方式，\n讲解网关的拆分。\n";
    let dir = site(
        MINIMAL_CONFIG,
        &[(
            "content/架构/summary.md",
            &article("摘要测试", DATE, &[], &[], body),
        )],
    );
    let out = build_ok(dir.path(), &[]);
    let plain = "注意：本文采用依赖注入（DI）方式，讲解网关的拆分。";
    // The listing's summary, the feed's summary and the search index all read the plain
    // text the renderer collects after these passes.
    for file in ["index.html", "atom.xml", "search/docs/0.json"] {
        let text = read(&out, file);
        assert!(text.contains(plain), "{file}:\n{text}");
        assert!(!text.contains("**"), "{file}:\n{text}");
    }
    let page = read(&out, "2024/05/summary/index.html");
    assert!(
        page.contains(&format!("<meta name=\"description\" content=\"{plain}")),
        "{page}"
    );
}

#[test]
fn the_markdown_switches_turn_both_off() {
    let config = format!(
        "{MINIMAL_CONFIG}\n[markdown]\ncjk_friendly_emphasis = false\neast_asian_line_breaks = false\n"
    );
    let body = "**注意：**正文采用**依赖注入（DI）**方式。\n\n大模型的推理成本\n正在快速下降。\n";
    let dir = site(
        &config,
        &[(
            "content/架构/off.md",
            &article("开关关闭", DATE, &[], &[], body),
        )],
    );
    let out = build_ok(dir.path(), &[]);
    let page = read(&out, "2024/05/off/index.html");
    let body = prose(&page);
    // CommonMark's own reading: the runs beside `：` and `）` cannot close.
    assert!(!body.contains("<strong>注意：</strong>"), "{body}");
    assert!(!body.contains("<strong>依赖注入（DI）</strong>"), "{body}");
    assert!(body.contains("**"), "{body}");
    assert!(
        body.contains("<p>大模型的推理成本\n正在快速下降。</p>"),
        "{body}"
    );
}
