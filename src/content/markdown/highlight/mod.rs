//! Code blocks (issue 14): highlighted at build time with tree-sitter grammars (`arborium`),
//! written with CSS classes (`hl-k` keyword, `hl-s` string, …; colours in
//! `static/css/code.css`), so the theme's light and dark modes both apply and no colour is
//! baked into the page.
//!
//! The block keeps the markup [`FenceInfo::open_html`] writes (caption, `<pre><code
//! class="language-x" data-…>`). When the fence asks for `hl_lines` or `linenos`, each line
//! is wrapped in `<span class="line">` (`class="line hl"` when marked, `data-line="N"` when
//! numbered: the number is drawn by CSS, so copying the code does not copy it). Tokens are
//! flat (never nested), so a token that spans lines, such as a block comment, is simply cut
//! at the line end and reopened on the next line.
//!
//! Grammars are compiled once, the first time a block of their language is met, and shared
//! by all threads; each thread keeps its own parser. An unknown language, or highlighting
//! turned off, gives plain escaped code.

mod ahead;
mod tokens;
mod walk;

use std::fmt::Write;

use pulldown_cmark_escape::escape_html_body_text;
use tokens::Token;

pub use ahead::CodeAhead;

use super::FenceInfo;

/// How code blocks are written; filled from the `[markdown]` config.
#[derive(Debug, Clone, Copy, Default)]
pub struct CodeOptions {
    /// Colour the code by language; false writes plain escaped code with no classes.
    pub highlight: bool,
}

/// The whole HTML of a code block: caption, `<pre>`, `<code>`. `fence` is None for an
/// indented block, which is written as plain `<pre><code>`.
pub(super) fn code_block(fence: Option<&FenceInfo>, code: &str, options: CodeOptions) -> String {
    let Some(fence) = fence else {
        return plain_block(code);
    };
    let mut html = fence.open_html();
    html.reserve(code.len() * 2 + 64);
    if !options.highlight {
        push_escaped(&mut html, code);
        html.push_str(fence.close_html());
        return html;
    }
    let tokens = fence
        .lang
        .as_deref()
        .and_then(canonical)
        .and_then(|lang| tokens::tokens(lang, code))
        .unwrap_or_default();
    let lines = LineMarks::from_fence(fence);
    write_body(&mut html, code, &tokens, &lines);
    html.push_str(fence.close_html());
    html
}

/// An indented block: no language, nothing to highlight.
fn plain_block(code: &str) -> String {
    let mut html = String::with_capacity(code.len() + 32);
    html.push_str("<pre><code>");
    push_escaped(&mut html, code);
    html.push_str("</code></pre>\n");
    html
}

fn push_escaped(html: &mut String, text: &str) {
    // Writing into a String cannot fail.
    let _ = escape_html_body_text(html, text);
}

/// The grammar for a language as a fence or an injection names it (`JS`, `c++`,
/// `console`), case-insensitive; None for an unknown language or "no highlighting wanted".
fn canonical(lang: &str) -> Option<&'static str> {
    let lang = lang.trim().to_ascii_lowercase();
    Some(match lang.as_str() {
        // Shell sessions and zsh read well enough with the bash grammar; one grammar fewer
        // in the binary.
        "bash" | "sh" | "shell" | "console" | "shell-session" | "shellsession" | "terminal"
        | "zsh" => "bash",
        "c" | "h" => "c",
        "c#" | "cs" | "csharp" | "c-sharp" => "c-sharp",
        "cpp" | "c++" | "cxx" | "cc" | "hpp" => "cpp",
        "css" => "css",
        "diff" | "patch" => "diff",
        "dockerfile" | "docker" | "containerfile" => "dockerfile",
        "go" | "golang" => "go",
        "html" | "htm" | "xhtml" => "html",
        "java" => "java",
        "javascript" | "js" | "jsx" | "mjs" | "cjs" | "ecmascript" => "javascript",
        "json" | "jsonc" | "json5" => "json",
        "kotlin" | "kt" | "kts" => "kotlin",
        "make" | "makefile" | "mk" | "mak" => "make",
        "markdown" | "md" => "markdown",
        "python" | "py" | "python3" => "python",
        "rust" | "rs" => "rust",
        "sql" => "sql",
        "swift" => "swift",
        "toml" => "toml",
        "typescript" | "ts" | "tsx" | "mts" => "typescript",
        "yaml" | "yml" => "yaml",
        _ => return None,
    })
}

/// Which lines are marked (`hl_lines`) and whether and from where lines are numbered
/// (`linenos`, `linenostart`), as Hugo and Zola write them.
#[derive(Debug, Default, PartialEq, Eq)]
struct LineMarks {
    /// Inclusive 1-based ranges of marked lines, counted from the block's first line
    /// whatever `linenostart` says (as in Hugo and Zola).
    marked: Vec<(u64, u64)>,
    /// The first line's number, when lines are numbered.
    first_number: Option<u64>,
}

impl LineMarks {
    fn from_fence(fence: &FenceInfo) -> LineMarks {
        let marked = fence.get("hl_lines").map(parse_ranges).unwrap_or_default();
        let numbered = fence.get("linenos").is_some_and(|v| {
            !matches!(v.trim().to_ascii_lowercase().as_str(), "false" | "0" | "no")
        });
        let start = fence
            .get("linenostart")
            .and_then(|v| v.trim().parse::<u64>().ok())
            .unwrap_or(1);
        LineMarks {
            marked,
            first_number: numbered.then_some(start),
        }
    }

    /// Whether lines need wrapping at all.
    fn any(&self) -> bool {
        !self.marked.is_empty() || self.first_number.is_some()
    }

    fn is_marked(&self, line: u64) -> bool {
        self.marked.iter().any(|&(a, b)| a <= line && line <= b)
    }
}

/// `1 3-5`, `2,4-5`: line numbers and ranges; anything else is skipped.
fn parse_ranges(value: &str) -> Vec<(u64, u64)> {
    value
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter_map(|item| {
            let item = item.trim_matches(|c| c == '"' || c == '\'' || c == '[' || c == ']');
            let (a, b) = item.split_once('-').unwrap_or((item, item));
            let (a, b) = (a.trim().parse::<u64>().ok()?, b.trim().parse::<u64>().ok()?);
            Some((a.min(b), a.max(b)))
        })
        .collect()
}

/// The code, escaped, with each token in `<span class="hl-TAG">` and, when `lines` asks for
/// it, each line in `<span class="line">`.
fn write_body(html: &mut String, code: &str, tokens: &[Token], lines: &LineMarks) {
    if !lines.any() {
        write_tokens(html, code, 0, code.len(), tokens);
        return;
    }
    let mut start = 0;
    let mut tokens = tokens;
    for (index, line) in code.split_inclusive('\n').enumerate() {
        let end = start + line.trim_end_matches(['\n', '\r']).len();
        let number = index as u64 + 1;
        html.push_str("<span class=\"line");
        if lines.is_marked(number) {
            html.push_str(" hl");
        }
        html.push('"');
        if let Some(first) = lines.first_number {
            let _ = write!(
                html,
                " data-line=\"{}\"",
                first.saturating_add(index as u64)
            );
        }
        html.push('>');
        tokens = write_tokens(html, code, start, end, tokens);
        html.push_str("</span>");
        push_escaped(html, &code[end..start + line.len()]);
        start += line.len();
    }
}

/// Writes `code[start..end]` with the tokens that fall in it; returns the tokens not yet
/// finished (a token that runs past `end` is written up to `end` and stays in the list).
fn write_tokens<'t>(
    html: &mut String,
    code: &str,
    start: usize,
    end: usize,
    mut tokens: &'t [Token],
) -> &'t [Token] {
    let mut at = start;
    while let Some(token) = tokens.first() {
        let (t_start, t_end) = (token.start as usize, token.end as usize);
        if t_start >= end {
            break;
        }
        let from = t_start.max(at);
        let to = t_end.min(end);
        // Tokens come from tree-sitter byte offsets; any that would cut a character or run
        // backwards are left as plain text rather than trusted.
        if from < to && code.is_char_boundary(from) && code.is_char_boundary(to) {
            push_escaped(html, &code[at..from]);
            html.push_str("<span class=\"hl-");
            html.push_str(token.tag);
            html.push_str("\">");
            push_escaped(html, &code[from..to]);
            html.push_str("</span>");
            at = to;
        }
        if t_end > end {
            break;
        }
        tokens = &tokens[1..];
    }
    push_escaped(html, &code[at..end]);
    tokens
}

#[cfg(test)]
mod tests {
    use super::*;

    fn on() -> CodeOptions {
        CodeOptions { highlight: true }
    }

    fn block(info: &str, code: &str) -> String {
        code_block(Some(&FenceInfo::parse(info)), code, on())
    }

    /// The text of the block with every tag removed and entities decoded: the code a reader
    /// copies.
    fn text_of(html: &str) -> String {
        let body = html
            .split_once("<code")
            .and_then(|(_, rest)| rest.split_once('>'))
            .map_or(html, |(_, rest)| rest);
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

    #[test]
    fn rust_is_highlighted_with_classes_and_keeps_its_text() {
        let code = "fn main() {\n    let s = \"a < b && c\";\n}\n";
        let html = block("rust", code);
        assert!(
            html.starts_with("<pre><code class=\"language-rust\">"),
            "{html}"
        );
        assert!(html.contains("<span class=\"hl-k\">fn</span>"), "{html}");
        assert!(html.contains("class=\"hl-s\""), "{html}");
        assert!(html.contains("&lt; b &amp;&amp; c"), "{html}");
        assert!(!html.contains("style="), "{html}");
        assert_eq!(text_of(&html), code);
        assert!(html.ends_with("</code></pre>\n"), "{html}");
    }

    #[test]
    fn the_required_languages_and_aliases_all_highlight() {
        let samples = [
            ("rust", "fn f() {}\n"),
            ("go", "func f() {}\n"),
            ("golang", "func f() {}\n"),
            ("python", "def f():\n    return 1\n"),
            ("py", "def f():\n    return 1\n"),
            ("javascript", "function f() { return 1; }\n"),
            ("js", "const a = 1;\n"),
            ("typescript", "const a: number = 1;\n"),
            ("ts", "let a: string = 'x';\n"),
            ("java", "class A { int f() { return 1; } }\n"),
            ("kotlin", "fun f(): Int = 1\n"),
            ("swift", "func f() -> Int { return 1 }\n"),
            ("c", "int main(void) { return 0; }\n"),
            ("cpp", "int main() { return 0; }\n"),
            ("c++", "int main() { return 0; }\n"),
            ("C#", "class A { int F() { return 1; } }\n"),
            ("csharp", "class A { int F() { return 1; } }\n"),
            ("bash", "echo \"hi\" # 注释\n"),
            ("sh", "echo \"hi\"\n"),
            ("shell", "echo \"hi\"\n"),
            ("zsh", "echo \"hi\"\n"),
            ("console", "echo \"hi\"\n"),
            ("sql", "SELECT 1 FROM t;\n"),
            ("json", "{\"a\": 1}\n"),
            ("yaml", "a: 1\n"),
            ("yml", "a: 1\n"),
            ("toml", "a = 1\n"),
            ("html", "<p class=\"x\">hi</p>\n"),
            ("css", "p { color: red; }\n"),
            ("diff", "--- a\n+++ b\n-x\n+y\n"),
            ("dockerfile", "FROM debian\nRUN echo hi\n"),
            ("Dockerfile", "FROM debian\nRUN echo hi\n"),
            ("makefile", "all:\n\techo hi\n"),
            ("make", "all:\n\techo hi\n"),
            ("markdown", "# 标题\n\n*强调*\n"),
            ("md", "# 标题\n"),
            ("RUST", "fn f() {}\n"),
        ];
        for (lang, code) in samples {
            let html = block(lang, code);
            assert!(html.contains("class=\"hl-"), "{lang}: {html}");
            assert_eq!(text_of(&html), code, "{lang}");
        }
    }

    #[test]
    fn unknown_language_is_plain_escaped_code() {
        let html = block("brainfart", "a < b & c\n");
        assert_eq!(
            html,
            "<pre><code class=\"language-brainfart\">a &lt; b &amp; c\n</code></pre>\n"
        );
        let html = block("text", "<x>\n");
        assert_eq!(
            html,
            "<pre><code class=\"language-text\">&lt;x&gt;\n</code></pre>\n"
        );
    }

    #[test]
    fn highlighting_off_writes_plain_code_with_the_language_class() {
        let fence = FenceInfo::parse("rust,hl_lines=1");
        let html = code_block(
            Some(&fence),
            "fn a() {}\n",
            CodeOptions { highlight: false },
        );
        assert_eq!(
            html,
            "<pre><code class=\"language-rust\" data-hl-lines=\"1\">fn a() {}\n</code></pre>\n"
        );
    }

    #[test]
    fn indented_blocks_are_plain() {
        assert_eq!(
            code_block(None, "if a < b {}\n", on()),
            "<pre><code>if a &lt; b {}\n</code></pre>\n"
        );
    }

    #[test]
    fn hl_lines_mark_lines_in_zola_and_hugo_syntax() {
        let code = "a = 1\nb = 2\nc = 3\nd = 4\ne = 5\n";
        for info in ["python,hl_lines=1 3-4", r#"python {hl_lines=[1,"3-4"]}"#] {
            let html = block(info, code);
            let lines: Vec<&str> = html.matches("<span class=\"line").collect();
            assert_eq!(lines.len(), 5, "{info}: {html}");
            assert_eq!(
                html.matches("<span class=\"line hl\">").count(),
                3,
                "{html}"
            );
            let marked: Vec<bool> = html
                .split("<span class=\"line")
                .skip(1)
                .map(|l| l.starts_with(" hl\""))
                .collect();
            assert_eq!(marked, [true, false, true, true, false], "{html}");
            assert_eq!(text_of(&html), code);
            assert!(
                !html.contains("data-line="),
                "no numbers unless asked: {html}"
            );
        }
    }

    #[test]
    fn line_numbers_are_attributes_not_text() {
        let code = "x := 1\ny := 2\n";
        let html = block("go {linenos=true, linenostart=9}", code);
        assert!(
            html.contains("<span class=\"line\" data-line=\"9\">"),
            "{html}"
        );
        assert!(
            html.contains("<span class=\"line\" data-line=\"10\">"),
            "{html}"
        );
        assert_eq!(text_of(&html), code, "numbers are not in the copied text");
        let html = block("go,linenos", code);
        assert!(html.contains("data-line=\"1\""), "{html}");
        let html = block("go {linenos=false}", code);
        assert!(!html.contains("data-line="), "{html}");
    }

    #[test]
    fn tokens_spanning_lines_are_closed_and_reopened_at_each_line() {
        let code = "/* 第一行\n   第二行 */\nint x;\n";
        let html = block("c,hl_lines=2", code);
        for line in html.split("<span class=\"line").skip(1) {
            let line = line.split('\n').next().unwrap_or_default();
            assert_eq!(
                line.matches("<span").count(),
                line.matches("</span>").count() - 1,
                "each line closes what it opens: {line}"
            );
        }
        assert!(
            html.contains(
                "<span class=\"line hl\"><span class=\"hl-c\">   第二行 */</span></span>"
            ),
            "{html}"
        );
        assert_eq!(text_of(&html), code);
    }

    #[test]
    fn caption_with_the_file_name() {
        let html = block("toml,name=Cargo.toml", "[package]\nname = \"a\"\n");
        assert!(
            html.starts_with("<figure class=\"code-block\"><figcaption>Cargo.toml</figcaption><pre><code class=\"language-toml\" data-name=\"Cargo.toml\">"),
            "{html}"
        );
        assert!(html.ends_with("</code></pre></figure>\n"), "{html}");
        let html = block(r#"js {title="app.js"}"#, "let a = 1;\n");
        assert!(html.contains("<figcaption>app.js</figcaption>"), "{html}");
    }

    #[test]
    fn odd_input_never_panics_and_keeps_the_text() {
        let cases = [
            ("rust", ""),
            ("rust", "\n\n"),
            ("rust", "fn 中文() { \"未闭合\n"),
            ("python", "\r\nx = 1\r\n"),
            ("json", "{{{{[[[["),
            ("html", "<script>alert(1)</script>"),
        ];
        for (lang, code) in cases {
            let html = block(
                &format!("{lang},linenos,hl_lines=1-999999999999 x 3-"),
                code,
            );
            assert_eq!(text_of(&html), code, "{lang}: {html}");
            assert!(!html.contains("<script>"), "{html}");
        }
    }

    #[test]
    fn range_parsing() {
        assert_eq!(parse_ranges("1 3-5"), [(1, 1), (3, 5)]);
        assert_eq!(parse_ranges("2,\"4-5\""), [(2, 2), (4, 5)]);
        assert_eq!(parse_ranges("5-3 x -"), [(3, 5)]);
    }
}
