//! Shortcodes and tag plugins as Hugo, Zola, Hexo and Jekyll archives write them: each
//! family renders through `templates/shortcodes/`, nothing of their syntax leaks into the
//! pages, embeds load nothing from another origin, unknown ones are warnings shown as
//! text, code is left alone, and line numbers after an expansion stay right.

mod common;

use common::*;

const DATE: &str = "2024-03-11T09:30:00+08:00";

fn page(title: &str, body: &str) -> String {
    article(title, DATE, &[], &[], body)
}

/// Shortcode syntax that must not survive into a page.
fn assert_no_syntax(html: &str) {
    for raw in ["{{<", "{{%", "{%", "%}", "{{ youtube(", "{{ site."] {
        assert!(!html.contains(raw), "`{raw}` left in the page:\n{html}");
    }
}

/// No frame and no script from another origin: the theme's promise.
fn assert_nothing_external(html: &str) {
    assert!(!html.contains("<iframe"), "an iframe in the page:\n{html}");
    for (i, _) in html.match_indices("<script") {
        let tag = &html[i..html[i..].find('>').map_or(html.len(), |e| i + e)];
        assert!(
            !tag.contains("src=\"http") && !tag.contains("src=\"//"),
            "an external script: {tag}"
        );
    }
}

/// The article body of a built page.
fn body_of(html: &str) -> &str {
    let start = html.find("class=\"prose\"").expect("prose");
    &html[start..]
}

#[test]
fn hugo_shortcodes_render() {
    let body = r#"国产芯片迎来新一轮发布潮。

{{< figure src="/images/chip.png" title="新品发布" caption="**7 纳米**工艺" >}}

发布会回放：

{{< youtube id="dQw4w9WgXcQ" title="发布会全程回放" >}}

{{< bilibili BV1GJ411x7h7 >}}

{{< vimeo 146022717 >}}

{{< gist spf13 7896402 >}}

{{< tweet user="chipnews" id="1453110110599868418" >}}

{{< x user="chipnews" id="1" >}}

{{< qr text="https://example.cn/chip" />}}

{{< highlight go "linenos=table" >}}
func main() { fmt.Println("<script>芯片</script>") }
{{< /highlight >}}

{{< details summary="展开参数表" >}}
| 项目 | 数值 |
|---|---|
| 主频 | 3.2GHz |
{{< /details >}}

{{% details summary="Markdown 内容" %}}
**加粗**说明
{{% /details %}}

品牌：{{< param brand >}}，作者：{{< param "author" >}}。

详见[前文]({{< ref "/资讯/前文.md" >}})与[旧闻]({{< relref "旧闻.md#背景" >}})。

写法示例：{{</* youtube abc */>}}
"#;
    let dir = site(
        &format!("{MINIMAL_CONFIG}[extra]\nbrand = \"芯闻社\"\n"),
        &[(
            "content/资讯/chip.md",
            &format!(
                "+++\ntitle = \"国产芯片发布\"\ndate = {DATE}\nslug = \"chip\"\nauthor_note = \"x\"\n[extra]\nauthor = \"王小明\"\n+++\n{body}"
            ),
        )],
    );
    let out = build_ok(dir.path(), &[]);
    let html = read(&out, "2024/03/chip/index.html");
    let prose = body_of(&html);
    assert_no_syntax(prose);
    assert_nothing_external(&html);
    assert!(
        prose.contains("<figure><img src=\"/images/chip.png\""),
        "{prose}"
    );
    assert!(prose.contains("<h4>新品发布</h4>") && prose.contains("<strong>7 纳米</strong>工艺"));
    assert!(prose.contains(
        "class=\"embed embed-youtube\" href=\"https://www.youtube.com/watch?v=dQw4w9WgXcQ\""
    ));
    assert!(prose.contains("发布会全程回放"));
    assert!(prose.contains("href=\"https://www.bilibili.com/video/BV1GJ411x7h7/\""));
    assert!(prose.contains("href=\"https://vimeo.com/146022717\""));
    assert!(prose.contains("href=\"https://gist.github.com/spf13/7896402\""));
    assert!(prose.contains("href=\"https://x.com/chipnews/status/1453110110599868418\""));
    assert!(prose.contains("href=\"https://x.com/chipnews/status/1\""));
    assert!(prose.contains("class=\"embed\" href=\"https://example.cn/chip\""));
    // The code is escaped, in a code block with its language, never live.
    assert!(
        prose.contains("<code class=\"language-go\" data-linenos=\"table\">"),
        "{prose}"
    );
    assert!(prose.contains("&lt;script&gt;芯片&lt;/script&gt;"));
    assert!(!prose.contains("<script>芯片"));
    assert!(
        prose.contains("<details><summary>展开参数表</summary><table>"),
        "{prose}"
    );
    assert!(prose.contains("<strong>加粗</strong>说明"), "{prose}");
    assert!(prose.contains("品牌：芯闻社，作者：王小明。"), "{prose}");
    // Internal links carry the resolver's markers (or, once resolved, the target's URL).
    assert!(
        prose.contains("href=\"@/%E8%B5%84%E8%AE%AF/%E5%89%8D%E6%96%87.md\"")
            || !prose.contains("@/"),
        "{prose}"
    );
    assert!(
        prose.contains("写法示例：{{&lt; youtube abc &gt;}}"),
        "{prose}"
    );
}

#[test]
fn zola_shortcodes_and_site_shortcodes_with_a_body() {
    let body = r#"开源大模型周报。

{{ youtube(id="abc123", title="模型发布会") }}

{% 引用(author="李研究员", n=2, strong=true) %}
开源*不是*终点。
{% end %}

{{ 警告(text="测试版") }}

{{/* youtube(id="literal") */}}
"#;
    let dir = site(
        MINIMAL_CONFIG,
        &[
            ("content/周报.md", &page("模型周报", body)),
            (
                "templates/shortcodes/引用.html",
                "<blockquote class=\"q{{ n }}\">{{ body | markdown | safe }}<footer>{{ author }}{% if strong %}!{% endif %} · {{ config.title }}</footer></blockquote>",
            ),
            // Tera 1 syntax Tera 2 refuses: a warning naming the file, the call shown.
            (
                "templates/shortcodes/警告.html",
                "{% if text %}{{ text | safe }}{% endif",
            ),
        ],
    );
    let out = build(dir.path(), &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("content/周报.md:15:1: warning: shortcode `警告`"),
        "{err}"
    );
    assert!(err.contains("templates/shortcodes/警告.html"), "{err}");
    let html = read(&dir.path().join("public"), "2024/03/周报/index.html");
    let prose = body_of(&html);
    assert!(
        prose.contains("watch?v=abc123") && prose.contains("模型发布会"),
        "{prose}"
    );
    assert!(
        prose.contains("<blockquote class=\"q2\"><p>开源<em>不是</em>终点。</p>"),
        "{prose}"
    );
    assert!(
        prose.contains("<footer>李研究员! · 测试日报</footer>"),
        "{prose}"
    );
    assert!(prose.contains("{{ 警告(text=\"测试版\") }}"), "{prose}");
    assert!(prose.contains("{{ youtube(id=\"literal\") }}"), "{prose}");
    assert!(
        !prose.contains("{% 引用") && !prose.contains("{% end %}"),
        "{prose}"
    );
    assert_nothing_external(&html);
}

#[test]
fn hexo_tag_plugins_render() {
    let body = r#"## 发布会

{% asset_img 现场.jpg 发布会现场 %}

附件：{% asset_link 参数表.pdf 完整参数表 %}，路径 {% asset_path 参数表.pdf %}。

{% codeblock 安装.sh lang:bash https://example.cn/install 下载脚本 %}
echo "<b>安装</b>" && make {{ all }}
{% endcodeblock %}

{% blockquote 张工, 发布会致辞 %}
芯片是**硬科技**。
{% endblockquote %}

{% pullquote left %}
一句金句
{% endpullquote %}

{% raw %}
<span class="raw">{{ 原样 }}</span>
{% endraw %}

相关：{% post_link hello-world %} 与 {% post_link hello-world 开篇 %}。

{% img right /images/芯片.png 300 200 "芯片图" "芯片特写" %}

{% iframe https://player.example.com/v/1 640 360 %}

{% youtube dQw4w9WgXcQ %}

{% link 官方网站 https://example.cn true 点击访问 %}

{% note warning %}
测试版**慎用**。
{% endnote %}
"#;
    let dir = site(
        MINIMAL_CONFIG,
        &[
            ("content/posts/发布会.md", &page("发布会实录", body)),
            ("content/posts/hello-world.md", &page("开篇", "你好。")),
        ],
    );
    let out = build(dir.path(), &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        !stderr(&out).contains("warning: unknown"),
        "{}",
        stderr(&out)
    );
    let html = read(&dir.path().join("public"), "2024/03/发布会/index.html");
    let prose = body_of(&html);
    assert_no_syntax(&prose.replace("{{ 原样 }}", "").replace("{{ all }}", ""));
    assert_nothing_external(&html);
    assert!(
        prose.contains("<img src=\"%E7%8E%B0%E5%9C%BA.jpg\" alt=\"发布会现场\""),
        "{prose}"
    );
    assert!(
        prose.contains(">完整参数表</a>") && prose.contains("路径 %E5%8F%82"),
        "{prose}"
    );
    assert!(
        prose.contains("<div class=\"code-caption\"><span>安装.sh</span>"),
        "{prose}"
    );
    assert!(prose.contains("<code class=\"language-bash\"><span class=\"hl-f\">echo</span> <span class=\"hl-s\">\"&lt;b&gt;安装&lt;/b&gt;\"</span> <span class=\"hl-o\">&amp;&amp;</span> <span class=\"hl-f\">make</span> {{ all }}"), "{prose}");
    assert!(prose.contains("<strong>硬科技</strong>") && prose.contains("<strong>张工</strong>"));
    assert!(prose.contains("<cite>发布会致辞</cite>"), "{prose}");
    assert!(prose.contains("<blockquote class=\"pullquote left\"><p>一句金句</p>"));
    assert!(
        prose.contains("<span class=\"raw\">{{ 原样 }}</span>"),
        "{prose}"
    );
    // post_link: the resolver's marker, empty text meaning "the target's title".
    assert!(
        prose.contains("<a href=\"@ref:hello-world\"></a>")
            || prose.contains("<a href=\"/2024/03/hello-world/\">开篇</a>"),
        "{prose}"
    );
    assert!(prose.contains("class=\"right\"") && prose.contains("title=\"芯片图\""));
    assert!(
        prose.contains("href=\"https://player.example.com/v/1\""),
        "{prose}"
    );
    assert!(prose.contains("watch?v=dQw4w9WgXcQ"));
    assert!(prose.contains("<a href=\"https://example.cn\" target=\"_blank\" rel=\"noopener\" title=\"点击访问\">官方网站</a>"), "{prose}");
    assert!(prose.contains("<div class=\"note warning\"><p>测试版<strong>慎用</strong>。</p>"));
}

#[test]
fn jekyll_liquid_renders() {
    let body = r#"![架构图]({{ site.baseurl }}/assets/arch.png)

[下载]({{ "/files/sdk.zip" | relative_url }}) 见 {{ site.url }}。

{% highlight ruby linenos %}
puts "{% raw %}{{ page.url }}{% endraw %}"
{% endhighlight %}

{% raw %}
模板写法 {{ page.title }}
{% endraw %}

[上一篇]({% post_url 2024-01-01-开年 %})，[关于]({% link _pages/about.md %})。
"#;
    let dir = site(
        "title = \"测试日报\"\nbase_url = \"https://t.example.com/portal/\"\n",
        &[(
            "content/_posts/2024-03-11-jekyll.md",
            &page("Jekyll 迁移", body),
        )],
    );
    let out = build_ok(dir.path(), &[]);
    let html = read(&out, "2024/03/jekyll/index.html");
    let prose = body_of(&html);
    assert!(prose.contains("src=\"/portal/assets/arch.png\""), "{prose}");
    assert!(prose.contains("href=\"/portal/files/sdk.zip\""), "{prose}");
    assert!(prose.contains("见 https://t.example.com。"), "{prose}");
    assert!(
        prose.contains(
            "<code class=\"language-ruby\" data-linenos=\"true\"><span class=\"line\" data-line=\"1\">puts \"{{ page.url }}\""
        ),
        "{prose}"
    );
    assert!(prose.contains("模板写法 {{ page.title }}"), "{prose}");
    assert!(
        prose.contains("href=\"@ref:2024-01-01-%E5%BC%80%E5%B9%B4\"") || !prose.contains("@ref:"),
        "{prose}"
    );
    assert!(
        !prose.contains("{% post_url") && !prose.contains("{% link"),
        "{prose}"
    );
}

#[test]
fn unknown_shortcodes_are_warnings_shown_as_text() {
    let body = "第一段。\n\n{{< 投票 id=\"7\" >}}\n\n文中 {% include_code demo.js %} 结束。\n\n{{< 折叠 >}}\n**正文**保留\n{{< /折叠 >}}\n";
    let dir = site(MINIMAL_CONFIG, &[("content/a.md", &page("投票", body))]);
    let out = build(dir.path(), &[]);
    assert!(out.status.success());
    let err = stderr(&out);
    // The front matter takes lines 1-6: the body's third line is line 9.
    assert!(
        err.contains("content/a.md:9:1: warning: unknown shortcode `投票`"),
        "{err}"
    );
    assert!(err.contains("templates/shortcodes/投票.html"), "{err}");
    assert!(
        err.contains("content/a.md:11:4: warning: unknown shortcode `include_code`"),
        "{err}"
    );
    assert!(
        err.contains("content/a.md:13:1: warning: unknown shortcode `折叠`"),
        "{err}"
    );
    let html = read(&dir.path().join("public"), "2024/03/a/index.html");
    let prose = body_of(&html);
    assert!(prose.contains("{{&lt; 投票 id=\"7\" &gt;}}"), "{prose}");
    assert!(
        prose.contains("文中 {% include_code demo.js %} 结束。"),
        "{prose}"
    );
    // The body is shown too, as written: without a template nothing says what it is.
    assert!(prose.contains("**正文**保留"), "{prose}");
    assert!(!prose.contains("<strong>正文"), "{prose}");
    assert!(prose.contains("{{&lt; /折叠 &gt;}}"), "{prose}");
    // --strict makes them errors.
    let strict = build(dir.path(), &["--strict"]);
    assert!(!strict.status.success());
}

#[test]
fn code_is_left_alone() {
    let body = "用 `{{< youtube x >}}` 嵌入视频。\n\n```markdown\n{{< figure src=\"a.png\" >}}\n{% asset_img a.png %}\n```\n\n    {{ youtube(id=\"y\") }}\n";
    let dir = site(MINIMAL_CONFIG, &[("content/a.md", &page("代码", body))]);
    let out = build(dir.path(), &[]);
    assert!(out.status.success());
    assert!(!stderr(&out).contains("warning"), "{}", stderr(&out));
    let html = read(&dir.path().join("public"), "2024/03/a/index.html");
    let prose = body_of(&html);
    assert!(
        prose.contains("<code>{{&lt; youtube x &gt;}}</code>"),
        "{prose}"
    );
    assert!(
        prose.contains("{{&lt; figure src=\"a.png\" &gt;}}\n{% asset_img a.png %}\n</code></pre>"),
        "{prose}"
    );
    assert!(
        prose.contains("<pre><code>{{ youtube(id=\"y\") }}"),
        "{prose}"
    );
    assert!(!prose.contains("embed"), "{prose}");
}

#[test]
fn a_site_template_overrides_the_built_in() {
    let body = "{{< youtube abc >}}\n";
    let dir = site(
        MINIMAL_CONFIG,
        &[
            ("content/a.md", &page("覆盖", body)),
            (
                "templates/shortcodes/youtube.html",
                "<div class=\"my-video\">视频 {{ id }}</div>",
            ),
        ],
    );
    let out = build_ok(dir.path(), &[]);
    let html = read(&out, "2024/03/a/index.html");
    assert!(
        body_of(&html).contains("<div class=\"my-video\">视频 abc</div>"),
        "{html}"
    );
    assert!(!html.contains("embed-youtube"));
}

#[test]
fn lines_after_an_expansion_stay_right() {
    // The youtube call is one line and becomes an HTML block between blank lines; the
    // broken link after it must still be reported at its own line.
    let body = "导语\n{{< youtube abc >}}\n见[旧文](/2024/03/missing/)。\n";
    let dir = site(MINIMAL_CONFIG, &[("content/a.md", &page("行号", body))]);
    let out = sitegen()
        .arg("check")
        .arg("-r")
        .arg(dir.path())
        .output()
        .expect("run");
    let err = stderr(&out);
    assert!(
        err.contains("content/a.md:9:2: error: broken link to /2024/03/missing/"),
        "{err}"
    );
}

#[test]
fn hugo_inline_shortcodes_are_shown_not_run() {
    // A Go template that would pull a CDN's script into the page.
    let body = "公式：\n\n{{< math.inline >}}\n<script src=\"https://cdn.example.com/katex.js\"></script>\n{{</ math.inline >}}\n";
    let dir = site(MINIMAL_CONFIG, &[("content/a.md", &page("公式", body))]);
    let out = build(dir.path(), &[]);
    assert!(out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("content/a.md:9:1: warning: inline shortcode `math.inline`"),
        "{err}"
    );
    let html = read(&dir.path().join("public"), "2024/03/a/index.html");
    assert_nothing_external(&html);
    assert!(body_of(&html).contains("&lt;script src=\"https://cdn.example.com/katex.js\"&gt;"));
}
