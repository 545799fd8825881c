//! Code blocks (issue 14): highlighted at build time with CSS classes, Hugo's and Zola's
//! fence attributes (hl_lines, linenos, linenostart, name/title), plain code for an unknown
//! language or with `highlight_code = false`, and the stylesheet and copy script in the
//! output.

mod common;

use common::server::serve_folder;
use common::*;

const DATE: &str = "2024-05-20T10:00:00+08:00";

const BODY: &str = r#"本周发布的推理框架新版本改了不少接口，下面按语言列出迁移要点。

```rust,name=src/lib.rs,linenos,hl_lines=2
// 读取配置：失败时返回默认值
pub fn limit(a: u32, b: u32) -> bool {
    a < b && b > 0
}
```

```py
def warmup(model, steps: int = 3):
    """预热若干步。"""
    return [model.step(i) for i in range(steps)]
```

```go {linenos=true, hl_lines=[1,"3-4"], linenostart=20}
func main() {
	ctx := context.Background()
	if err := run(ctx); err != nil {
		log.Fatal(err)
	}
}
```

```JS
const url = `/api/v1/chat?model=${name}&stream=true`;
```

```ts {title="client.ts"}
export interface Reply { text: string; tokens: number }
```

```yml
replicas: 3   # 副本数
```

```c++
template <typename T> T max(T a, T b) { return a > b ? a : b; }
```

```sh
curl -s "http://localhost:8000/v1/health?x=1&y=2" | jq .
```

```golang
var ready = make(chan struct{})
```

```mermaid
graph LR
  客户端 --> 网关
```

```brainfart
+++[>++<-] 这不是一门已知语言 <script>alert(1)</script> & 完
```

    缩进的代码块 a < b
"#;

/// The code blocks of a body, each from `<pre` to `</pre>`.
fn blocks(body: &str) -> Vec<&str> {
    body.match_indices("<pre")
        .map(|(at, _)| {
            let end = body[at..].find("</pre>").expect("</pre>") + at;
            &body[at..end]
        })
        .collect()
}

/// The block whose `<code>` has `class="language-LANG"`.
fn block<'a>(body: &'a str, lang: &str) -> &'a str {
    let class = format!("class=\"language-{lang}\"");
    blocks(body)
        .into_iter()
        .find(|b| b.contains(&class))
        .unwrap_or_else(|| panic!("no {lang} block in {body}"))
}

/// The file a tag starting with `tag_start` (up to the quote that opens its URL, then the
/// start of the URL) points at, relative to the output folder.
fn asset(page: &str, tag_start: &str) -> String {
    let at = page
        .find(tag_start)
        .unwrap_or_else(|| panic!("{tag_start} in {page}"));
    let url_start = at + tag_start.rfind('"').expect("quote") + 2;
    let url_end = url_start + page[url_start..].find('"').expect("closing quote");
    page[url_start..url_end].to_string()
}

fn build_site(config: &str) -> (tempfile::TempDir, std::path::PathBuf, String) {
    let dir = site(
        config,
        &[(
            "content/开发/迁移指南.md",
            &article("推理框架 2.0 迁移指南", DATE, &["开发"], &[], BODY),
        )],
    );
    let out = build_ok(dir.path(), &[]);
    let page = read(&out, "2024/05/迁移指南/index.html");
    (dir, out, page)
}

#[test]
fn code_is_highlighted_with_classes_in_every_language_and_alias() {
    let (_dir, out, page) = build_site(MINIMAL_CONFIG);
    let body = prose(&page);
    for lang in ["rust", "py", "go", "JS", "ts", "yml", "c++", "sh", "golang"] {
        let block = block(body, lang);
        assert!(
            block.contains("<span class=\"hl-"),
            "{lang} is highlighted: {block}"
        );
    }
    // Keywords and strings get their classes, with the code's text intact.
    let rust = block(body, "rust");
    assert!(rust.contains("<span class=\"hl-k\">fn</span>"), "{rust}");
    assert!(
        rust.contains("<span class=\"hl-c\">// 读取配置：失败时返回默认值</span>"),
        "{rust}"
    );
    let py = block(body, "py");
    assert!(py.contains("<span class=\"hl-k\">def</span>"), "{py}");
    assert!(py.contains("\"\"\"预热若干步。\"\"\""), "{py}");
    // No colour is baked into the page: the stylesheet decides, for light and dark mode.
    assert!(!body.contains("style="), "no inline styles: {body}");

    // The page loads the theme's own stylesheet and script for code, from this site
    // (fingerprinted names: css/code.HASH.css).
    let css = read(
        &out,
        &asset(&page, "<link rel=\"stylesheet\" href=\"/css/code."),
    );
    for class in [
        ".hl-k",
        ".hl-s",
        ".hl-c",
        ".hl-f",
        ".line.hl",
        "[data-line]::before",
    ] {
        assert!(css.contains(class), "code.css styles {class}");
    }
    assert!(css.contains("@media (prefers-color-scheme: dark)"), "{css}");
    assert!(!css.contains("http:") && !css.contains("https:") && !css.contains("@import"));
    let js = read(&out, &asset(&page, "<script src=\"/js/code."));
    assert!(
        js.contains("navigator.clipboard") && js.contains("复制"),
        "{js}"
    );
}

/// The text a reader sees in a block: tags dropped, entities decoded.
fn text_of(block: &str) -> String {
    let code = block.find("<code").expect("<code");
    let body = &block[code + block[code..].find('>').expect(">") + 1..];
    let body = body.split("</code>").next().unwrap_or_default();
    let mut text = String::new();
    let mut in_tag = false;
    for c in body.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

/// The fenced blocks of [`BODY`]: (language as written, code).
fn fences() -> Vec<(String, String)> {
    let mut fences = Vec::new();
    let mut rest = BODY;
    while let Some(open) = rest.find("```") {
        let info_end = open + rest[open..].find('\n').expect("info line");
        let info = &rest[open + 3..info_end];
        let close = info_end + rest[info_end..].find("\n```").expect("closing fence");
        let lang = info.split([',', ' ']).next().unwrap_or_default();
        if lang != "mermaid" {
            fences.push((lang.to_string(), rest[info_end + 1..close + 1].to_string()));
        }
        rest = &rest[close + 4..];
    }
    fences
}

#[test]
fn code_is_escaped_and_its_text_kept() {
    let (_dir, _out, page) = build_site(MINIMAL_CONFIG);
    let body = prose(&page);
    let fences = fences();
    assert_eq!(fences.len(), 10);
    for (lang, code) in &fences {
        let block = block(body, lang);
        assert_eq!(&text_of(block), code, "{lang}: {block}");
    }
    let rust = block(body, "rust");
    assert!(rust.contains("&amp;&amp;"), "{rust}");
    let js = block(body, "JS");
    assert!(js.contains("&amp;stream=true"), "{js}");
    let cpp = block(body, "c++");
    assert!(cpp.contains("&lt;"), "{cpp}");
    assert!(!body.contains("<script>"), "{body}");
}

#[test]
fn unknown_language_and_indented_blocks_are_plain_escaped_code() {
    let (_dir, _out, page) = build_site(MINIMAL_CONFIG);
    let body = prose(&page);
    let unknown = block(body, "brainfart");
    assert_eq!(
        unknown,
        "<pre><code class=\"language-brainfart\">+++[&gt;++&lt;-] 这不是一门已知语言 \
         &lt;script&gt;alert(1)&lt;/script&gt; &amp; 完\n</code>"
    );
    assert!(
        body.contains("<pre><code>缩进的代码块 a &lt; b\n</code></pre>"),
        "{body}"
    );
}

#[test]
fn marked_lines_numbers_and_captions() {
    let (_dir, _out, page) = build_site(MINIMAL_CONFIG);
    let body = prose(&page);

    // Zola: name caption, linenos, hl_lines=2.
    let rust_start = body
        .find("<figure class=\"code-block\"><figcaption>src/lib.rs</figcaption><pre>")
        .unwrap_or_else(|| panic!("caption for the named block: {body}"));
    assert!(body[rust_start..].contains("</code></pre></figure>"));
    let rust = block(body, "rust");
    let lines: Vec<&str> = rust.split("<span class=\"line").skip(1).collect();
    assert_eq!(lines.len(), 4, "{rust}");
    for (i, line) in lines.iter().enumerate() {
        let number = format!("data-line=\"{}\">", i + 1);
        assert!(line.contains(&number), "line {i} numbered: {line}");
        assert_eq!(
            line.starts_with(" hl\""),
            i == 1,
            "only line 2 marked: {line}"
        );
    }

    // Hugo: {linenos=true, hl_lines=[1,"3-4"], linenostart=20}; marks count from the
    // block's first line, numbers from linenostart.
    let go = block(body, "go");
    let marked: Vec<bool> = go
        .split("<span class=\"line")
        .skip(1)
        .map(|l| l.starts_with(" hl\""))
        .collect();
    assert_eq!(marked, [true, false, true, true, false, false], "{go}");
    assert!(go.contains("data-line=\"20\""), "{go}");
    assert!(go.contains("data-line=\"25\""), "{go}");
    assert!(!go.contains("data-line=\"26\""), "{go}");
    // The numbers are attributes drawn by CSS: the code's text does not contain them.
    assert!(!go.contains(">20<"), "{go}");

    // Hugo's title= is a caption too.
    assert!(
        body.contains("<figure class=\"code-block\"><figcaption>client.ts</figcaption>"),
        "{body}"
    );
    // Blocks that asked for neither are not split into lines.
    assert!(!block(body, "py").contains("class=\"line"), "{body}");
}

#[test]
fn highlight_code_false_writes_plain_code_with_the_language_class() {
    let config = format!("{MINIMAL_CONFIG}\n[markdown]\nhighlight_code = false\n");
    let (_dir, _out, page) = build_site(&config);
    let body = prose(&page);
    assert!(!body.contains("class=\"hl-"), "{body}");
    assert!(!body.contains("class=\"line"), "{body}");
    let py = block(body, "py");
    assert!(
        py.starts_with("<pre><code class=\"language-py\">def warmup(model, steps: int = 3):\n"),
        "{py}"
    );
    assert!(
        block(body, "JS").contains("${name}&amp;stream=true"),
        "{body}"
    );
    assert!(
        body.contains("<figure class=\"code-block\"><figcaption>src/lib.rs</figcaption>"),
        "the caption stays: {body}"
    );
}

/// In a browser: every block gets a copy button, the stylesheet colours tokens, and the line
/// numbers are not part of the text a reader copies.
#[test]
fn browser_copy_buttons_and_token_colours() {
    let Some(chromium) = chromium() else {
        return;
    };
    let (dir, out, page) = build_site(MINIMAL_CONFIG);
    // A probe appended to the page reports what the browser made of it once loaded.
    let probe = r#"<script>
window.addEventListener("load", function () {
  var r = [];
  var buttons = document.querySelectorAll(".prose .code-frame > pre + button.code-copy");
  r.push("code-blocks=" + document.querySelectorAll(".prose pre > code").length);
  r.push("diagram-buttons=" + document.querySelectorAll(".code-frame pre.mermaid").length);
  r.push("buttons=" + buttons.length);
  r.push("label=" + buttons[0].getAttribute("aria-label") + "/" + buttons[0].textContent + "/" + buttons[0].type);
  var k = document.querySelector(".prose .hl-k");
  var plain = document.querySelector(".prose pre code");
  r.push("keyword-coloured=" + (getComputedStyle(k).color !== getComputedStyle(plain).color));
  var go = document.querySelector(".prose code.language-go");
  r.push("go-text-starts=" + JSON.stringify(go.textContent.slice(0, 12)));
  var number = getComputedStyle(go.querySelector(".line"), "::before").content;
  r.push("number=" + number);
  var out = document.createElement("pre");
  out.id = "result";
  out.textContent = r.join("\n");
  document.body.appendChild(out);
});
</script></body>"#;
    let probed = page.replacen("</body>", probe, 1);
    std::fs::write(out.join("2024/05/迁移指南/index.html"), probed).expect("write probe");
    let port = serve_folder(out.clone(), "/");
    let scratch = dir.path().join("chromium");
    std::fs::create_dir_all(&scratch).expect("scratch dir");
    let dom = dump_dom(
        &chromium,
        &format!("http://127.0.0.1:{port}/2024/05/%E8%BF%81%E7%A7%BB%E6%8C%87%E5%8D%97/"),
        &scratch,
        &["--window-size=1280,900", "--virtual-time-budget=5000"],
    );
    let start = dom
        .find("<pre id=\"result\">")
        .unwrap_or_else(|| panic!("no result in the dumped DOM:\n{dom}"));
    let end = dom[start..].find("</pre>").expect("</pre>") + start;
    let result = dom[start + "<pre id=\"result\">".len()..end].replace("&quot;", "\"");
    let body = prose(&page);
    assert!(
        body.contains("<pre class=\"mermaid\">"),
        "a diagram too: {body}"
    );
    let pres = blocks(body)
        .iter()
        .filter(|b| b.starts_with("<pre><code"))
        .count();
    assert_eq!(pres, 11, "code blocks in the page");
    for want in [
        format!("code-blocks={pres}"),
        format!("buttons={pres}"),
        "diagram-buttons=0".to_string(),
        "label=复制代码/复制/button".to_string(),
        "keyword-coloured=true".to_string(),
        "go-text-starts=\"func main() \"".to_string(),
        "number=\"20\"".to_string(),
    ] {
        assert!(result.contains(&want), "{want} in:\n{result}");
    }
}
