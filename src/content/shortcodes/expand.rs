//! The walk over a body: each tag found is paired with its closing tag, expanded, and its
//! output spliced in where the call was.
//!
//! Where output goes matters to the Markdown pass that follows. A call alone on its lines
//! is block-level: its HTML is put on lines of its own between blank lines (so CommonMark
//! reads it as an HTML block and leaves it alone) with no blank line inside (which would
//! end the block: newlines inside `<pre>` become `&#10;`). A call inside a line of text is
//! inline: its output goes on that line. Either way [`Out`] records where the line count
//! changed, so warnings and links after it keep their source lines.

use std::borrow::Cow;
use std::collections::HashMap;

use tera::Context;

use super::builtins::{self, Call, Expansion, Problem};
use super::scan::{Form, Scanner, Syntax, Tag, parse_at};
use super::{Anchor, LineMap, Page, Shortcodes};
use crate::diagnostics::Diagnostic;

/// Expands `body`: the text, its line map and the warnings.
pub(super) fn run(
    body: &str,
    page: &Page<'_>,
    set: &Shortcodes,
) -> (String, LineMap, Vec<Diagnostic>) {
    let mut expander = Expander {
        text: body,
        scanner: Scanner::new(body),
        page,
        set,
        warnings: Vec::new(),
        counts: HashMap::new(),
        config: None,
    };
    let mut out = Out::default();
    expander.walk(0, body.len(), &mut out);
    (
        out.text,
        LineMap {
            anchors: out.anchors,
        },
        expander.warnings,
    )
}

struct Expander<'a, 'p> {
    text: &'a str,
    scanner: Scanner<'a>,
    page: &'p Page<'p>,
    set: &'p Shortcodes,
    warnings: Vec<Diagnostic>,
    /// Calls of each name so far, for `nth`.
    counts: HashMap<String, usize>,
    /// `config` for templates, made at the first template call.
    config: Option<tera::Value>,
}

/// What a call produced, and how it may be placed.
enum Output {
    /// Escaped text, same lines as the call: goes where the call was.
    Text(String),
    /// A value (a URL, a parameter): goes where the call was, on one line.
    Inline(String),
    /// HTML: a block of its own when the call is alone on its lines.
    Html(String),
    /// Markdown (a code fence, a Hugo `{{% %}}` call's output).
    Markdown(String),
}

impl<'a> Expander<'a, '_> {
    /// Expands `from..to` of the body into `out`.
    fn walk(&mut self, from: usize, to: usize, out: &mut Out) {
        let mut pos = from;
        while let Some(tag) = self.scanner.next_tag(pos, to) {
            out.copy(&uncomment(&self.text[pos..tag.start]));
            pos = self.tag(tag, to, out);
        }
        out.copy(&uncomment(&self.text[pos..to]));
    }

    /// Handles one tag; returns where the walk goes on.
    fn tag(&mut self, tag: Tag<'a>, to: usize, out: &mut Out) -> usize {
        match &tag.form {
            Form::Literal(text) => self.place(
                out,
                tag.start,
                tag.end,
                Output::Text(crate::escape::markdown_literal(text)),
            ),
            // A closing tag nothing opened (the opening one was unknown and is shown, or
            // was never written): shown as it is written.
            Form::Close => {
                let written = crate::escape::markdown_literal(&self.text[tag.start..tag.end]);
                self.place(out, tag.start, tag.end, Output::Text(written))
            }
            Form::Open | Form::SelfClosing => self.call(tag, to, out),
        }
    }

    fn call(&mut self, tag: Tag<'a>, to: usize, out: &mut Out) -> usize {
        let raw = builtins::raw_body(tag.syntax, tag.name);
        let close = match (&tag.form, tag.syntax) {
            _ if builtins::never_has_body(tag.syntax, tag.name) => None,
            (Form::Open, Syntax::Hugo { .. } | Syntax::ZolaBlock | Syntax::Liquid) => {
                self.find_close(&tag, to, raw)
            }
            _ => None,
        };
        let end = close.as_ref().map_or(tag.end, |c| c.end);
        let body = close.as_ref().map(|c| {
            if raw {
                uncomment(&self.text[tag.end..c.start]).into_owned()
            } else {
                let mut sub = Out::default();
                self.walk(tag.end, c.start, &mut sub);
                sub.text
            }
        });
        let missing_end = close.is_none() && needs_body(&tag);
        let result = if missing_end {
            Err(missing_close(&tag))
        } else {
            self.expansion(&tag, body)
        };
        match result {
            Ok(None) => {
                out.copy(&self.text[tag.start..tag.end]);
                tag.end
            }
            Ok(Some(output)) => self.place(out, tag.start, end, output),
            Err(problem) => {
                // Shown whole, body and closing tag too: without its template nobody knows
                // what the body is (code, a Go template that loads a CDN's script…), so
                // none of it may become live HTML.
                self.warn(tag.start, problem);
                let written = crate::escape::markdown_literal(&self.text[tag.start..end]);
                self.place(out, tag.start, end, Output::Text(written))
            }
        }
    }

    /// The tag that closes `open`, within `..to`. A code body ends at the first closing
    /// tag; any other counts tags of the same kind opened inside it.
    fn find_close(&self, open: &Tag<'a>, to: usize, raw: bool) -> Option<Tag<'a>> {
        let mut depth = 0usize;
        let mut pos = open.end;
        loop {
            let tag = if raw {
                next_close_anywhere(self.text, pos, to, open)?
            } else {
                self.scanner.next_tag(pos, to)?
            };
            if tag.closes(open) {
                if depth == 0 {
                    return Some(tag);
                }
                depth -= 1;
            } else if !raw && tag.opens_like(open) && self.has_close_ahead(&tag, to) {
                depth += 1;
            }
            pos = tag.end;
        }
    }

    /// Whether an inner opening tag of the same name has a closing tag of its own (Hugo's
    /// shortcodes may or may not have one: `{{< x >}}` inside `{{< x >}}…{{< /x >}}`).
    fn has_close_ahead(&self, inner: &Tag<'a>, to: usize) -> bool {
        if inner.syntax == Syntax::ZolaBlock {
            return true;
        }
        let mut pos = inner.end;
        let mut depth = 0usize;
        while let Some(tag) = self.scanner.next_tag(pos, to) {
            if tag.closes(inner) {
                if depth == 0 {
                    return true;
                }
                depth -= 1;
            } else if tag.opens_like(inner) {
                depth += 1;
            }
            pos = tag.end;
        }
        false
    }

    /// What a call expands to; `Ok(None)` leaves it as written.
    fn expansion(
        &mut self,
        tag: &Tag<'a>,
        body: Option<String>,
    ) -> Result<Option<Output>, Problem> {
        let nth = {
            let n = self.counts.entry(tag.name.to_string()).or_default();
            *n += 1;
            *n
        };
        let call = Call {
            syntax: tag.syntax,
            name: tag.name,
            args: tag.args,
            body,
            nth,
        };
        let set = self.set;
        Ok(Some(
            match builtins::expand(call, self.page, |n| set.has(n))? {
                Expansion::AsWritten => return Ok(None),
                Expansion::Value(v) => Output::Inline(v),
                Expansion::Markdown(m) => Output::Markdown(m),
                Expansion::Template {
                    name,
                    vars,
                    markdown,
                } => {
                    let mut context = Context::new();
                    context.insert_value("config", self.config_value());
                    for (key, value) in vars {
                        context.insert(key, &value);
                    }
                    let rendered = set.render(&name, &context).map_err(|why| Problem {
                        message: format!("shortcode `{}`: {why}", tag.name),
                        hint: format!(
                            "fix {} (sitegen's templates are Tera 2), or remove the call",
                            set.origin(&name)
                        ),
                    })?;
                    if markdown {
                        Output::Markdown(rendered)
                    } else {
                        Output::Html(rendered)
                    }
                }
            },
        ))
    }

    /// What a Zola shortcode template finds in `config`: `base_url`, `title`, `extra`.
    fn config_value(&mut self) -> tera::Value {
        let config = self.page.config;
        self.config
            .get_or_insert_with(|| {
                let value = serde_json::json!({
                    "base_url": config.base_url,
                    "title": config.raw.title,
                    "extra": config.raw.extra,
                });
                tera::Value::from_serializable(&value)
            })
            .clone()
    }

    fn warn(&mut self, at: usize, problem: Problem) {
        let (line, col) = crate::text::line_col(self.text, at);
        self.warnings.push(
            Diagnostic::warning(self.page.path, problem.message)
                .at(line + self.page.first_line - 1, col)
                .hint(problem.hint),
        );
    }

    /// Puts `output` for the call at `start..end` into `out`; returns where the walk goes
    /// on (past the rest of the line for a block).
    fn place(&self, out: &mut Out, start: usize, end: usize, output: Output) -> usize {
        let text = self.text;
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let indent = &text[line_start..start];
        let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i);
        let alone = indent.trim().is_empty() && text[end..line_end].trim().is_empty();
        let lines: Vec<String> = match output {
            Output::Text(s) => {
                out.splice(&s, &text[start..end]);
                return end;
            }
            Output::Inline(s) => {
                out.splice(&one_line(&s), &text[start..end]);
                return end;
            }
            Output::Html(html) if alone => block_lines(&html),
            Output::Html(html) => {
                out.splice(&one_line(&html), &text[start..end]);
                return end;
            }
            Output::Markdown(md) if alone => md.lines().map(str::to_string).collect(),
            Output::Markdown(md) => {
                out.splice(&md, &text[start..end]);
                return end;
            }
        };
        out.text
            .truncate(out.text.len().saturating_sub(indent.len()));
        let mut block = String::new();
        if !out.last_line_blank() {
            block.push('\n');
        }
        for (i, line) in lines.iter().enumerate() {
            if i > 0 {
                block.push('\n');
            }
            if !line.is_empty() {
                block.push_str(indent);
            }
            block.push_str(line);
        }
        let next_line = text.get(line_end + 1..).and_then(|t| t.split('\n').next());
        if next_line.is_some_and(|l| !l.trim().is_empty()) {
            block.push('\n');
        }
        out.splice(&block, &text[start..line_end]);
        line_end
    }
}

/// Whether a call cannot stand without its closing tag.
fn needs_body(tag: &Tag<'_>) -> bool {
    match tag.syntax {
        Syntax::ZolaBlock => true,
        Syntax::Liquid => matches!(
            tag.name,
            "highlight"
                | "codeblock"
                | "code"
                | "raw"
                | "blockquote"
                | "quote"
                | "pullquote"
                | "note"
        ),
        _ => false,
    }
}

fn missing_close(tag: &Tag<'_>) -> Problem {
    let close = match tag.syntax {
        Syntax::ZolaBlock => "{% end %}".to_string(),
        _ => format!("{{% end{} %}}", tag.name),
    };
    Problem {
        message: format!("shortcode `{}` is not closed", tag.name),
        hint: format!("add `{close}` after its body"),
    }
}

/// The next tag closing `open` in `from..to`, code or not (a code body's end).
fn next_close_anywhere<'a>(
    text: &'a str,
    from: usize,
    to: usize,
    open: &Tag<'_>,
) -> Option<Tag<'a>> {
    let bytes = text.as_bytes();
    let mut pos = from;
    while pos < to {
        let hit = pos + memchr::memchr(b'{', &bytes[pos..to])?;
        if let Some(tag) = parse_at(text, hit).filter(|t| t.end <= to && t.closes(open)) {
            return Some(tag);
        }
        pos = hit + 1;
    }
    None
}

/// Comment forms left in copied text (they are in code, where the scanner does not look)
/// become the shortcode they show, as Hugo and Zola do inside code blocks; and Liquid's
/// `{% raw %}`/`{% endraw %}` there go, as Jekyll (which runs Liquid before Markdown)
/// drops them from the code they protect.
fn uncomment(text: &str) -> Cow<'_, str> {
    if !text.contains("/*") && !text.contains("raw") {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    for i in memchr::memchr_iter(b'{', text.as_bytes()) {
        if i < pos {
            continue;
        }
        let Some(tag) = parse_at(text, i) else {
            continue;
        };
        let shown = match &tag.form {
            Form::Literal(literal) => literal.as_str(),
            Form::Open | Form::Close if tag.syntax == Syntax::Liquid && tag.name == "raw" => "",
            _ => continue,
        };
        out.push_str(&text[pos..i]);
        out.push_str(shown);
        pos = tag.end;
    }
    out.push_str(&text[pos..]);
    Cow::Owned(out)
}

/// HTML as lines for an HTML block: no blank line (outside `<pre>`, blank lines go;
/// inside, every newline becomes `&#10;`, which `<pre>` shows the same).
fn block_lines(html: &str) -> Vec<String> {
    let mut flat = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(open) = rest.find("<pre") {
        flat.push_str(&rest[..open]);
        let close = rest[open..].find("</pre>").map_or(rest.len(), |i| open + i);
        flat.push_str(&rest[open..close].replace('\n', "&#10;"));
        rest = &rest[close..];
    }
    flat.push_str(rest);
    flat.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.trim_end().to_string())
        .collect()
}

/// HTML on one line, for output inside a line of text.
fn one_line(html: &str) -> String {
    block_lines(html).join(" ")
}

/// The expanded text being written, with the anchors of a [`LineMap`].
#[derive(Default)]
struct Out {
    text: String,
    anchors: Vec<Anchor>,
    /// 0-based line of `text`'s end, and of the source there.
    out_line: usize,
    src_line: usize,
}

impl Out {
    /// Source text, unchanged.
    fn copy(&mut self, s: &str) {
        let n = newlines(s);
        self.text.push_str(s);
        self.out_line += n;
        self.src_line += n;
    }

    /// `generated` in place of source text `replaced`.
    fn splice(&mut self, generated: &str, replaced: &str) {
        let (g, r) = (newlines(generated), newlines(replaced));
        if g != r {
            self.anchors.push(Anchor {
                out: self.out_line,
                src: self.src_line,
                fixed: true,
            });
        }
        self.text.push_str(generated);
        self.out_line += g;
        self.src_line += r;
        if g != r {
            self.anchors.push(Anchor {
                out: self.out_line,
                src: self.src_line,
                fixed: false,
            });
        }
    }

    /// Whether the text so far ends a blank line (or is empty).
    fn last_line_blank(&self) -> bool {
        match self.text.strip_suffix('\n') {
            None => self.text.trim().is_empty(),
            Some(before) => before
                .rsplit('\n')
                .next()
                .is_none_or(|l| l.trim().is_empty()),
        }
    }
}

fn newlines(s: &str) -> usize {
    memchr::memchr_iter(b'\n', s.as_bytes()).count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::SiteConfig;
    use serde_json::Map;
    use std::path::Path;

    fn expand(body: &str) -> (String, LineMap, Vec<Diagnostic>) {
        let config =
            SiteConfig::parse("title = \"t\"\nbase_url = \"https://a.cn/\"\n", None).unwrap();
        let params = Map::new();
        let page = Page {
            path: Path::new("content/a.md"),
            first_line: 5,
            params: &params,
            config: &config,
        };
        run(body, &page, &Shortcodes::default())
    }

    #[test]
    fn block_output_is_an_html_block_between_blank_lines() {
        let (text, lines, warnings) = expand("导语\n{{< youtube abc >}}\n结尾 [链接](/x)\n");
        assert!(warnings.is_empty(), "{warnings:?}");
        let expected = "导语\n\n<div class=\"embed-card\">";
        assert!(text.starts_with(expected), "{text}");
        assert!(text.contains("</div>\n\n结尾"), "{text}");
        // 结尾 is on line 3 of the body, line 5 of the expanded text.
        assert_eq!(lines.source_line(5), 3);
        assert_eq!(lines.source_line(1), 1);
    }

    #[test]
    fn unknown_is_a_warning_and_shown_escaped() {
        let (text, _, warnings) = expand("第一行\n文字 {{< 神秘 a=\"<b>\" >}} 结束\n");
        assert_eq!(warnings.len(), 1);
        let w = &warnings[0];
        assert_eq!((w.line, w.col), (Some(6), Some(4)));
        assert!(
            w.message.contains("unknown shortcode `神秘`"),
            "{}",
            w.message
        );
        assert!(
            w.hint
                .as_deref()
                .unwrap()
                .contains("templates/shortcodes/神秘.html")
        );
        assert!(!text.contains("<b>") && !text.contains("{{<"), "{text}");
        assert!(
            text.contains("&#123;&#123;&lt; 神秘 a=&quot;&lt;b&gt;&quot; &gt;&#125;&#125;"),
            "{text}"
        );
    }

    #[test]
    fn code_bodies_become_fences() {
        let body = "{{< highlight html >}}\n<script>alert(1)</script>\n{{< /highlight >}}\n后文\n";
        let (text, lines, _) = expand(body);
        assert!(
            text.starts_with("```html\n<script>alert(1)</script>\n```\n"),
            "{text}"
        );
        assert_eq!(
            lines.source_line(text.lines().position(|l| l == "后文").unwrap() + 1),
            4
        );
        let (text, _, _) = expand(
            "{% codeblock 示例 lang:go %}\nfmt.Println(\"{{< x >}}\")\n{% endcodeblock %}\n",
        );
        assert!(text.contains("<span>示例</span>"), "{text}");
        assert!(
            text.contains("```go\nfmt.Println(\"{{< x >}}\")\n```"),
            "{text}"
        );
    }

    #[test]
    fn paired_bodies_nest() {
        let (text, _, warnings) = expand(
            "{{< details summary=\"展开\" >}}\n正文 **粗体**\n{{< details >}}内层{{< /details >}}\n{{< /details >}}\n",
        );
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(text.matches("<details>").count(), 2, "{text}");
        assert!(text.contains("<strong>粗体</strong>"), "{text}");
        assert!(!text.contains("{{<"), "{text}");
    }

    #[test]
    fn comment_forms_and_code_are_left_alone() {
        let (text, _, warnings) = expand("`{{< x >}}` {{</* y */>}}\n```\n{{</* z */>}}\n```\n");
        assert!(warnings.is_empty(), "{warnings:?}");
        assert!(
            text.starts_with("`{{< x >}}` &#123;&#123;&lt; y &gt;&#125;&#125;\n"),
            "{text}"
        );
        assert!(text.contains("```\n{{< z >}}\n```"), "{text}");
    }

    #[test]
    fn raw_tags_in_code_go_as_in_jekyll() {
        let (text, _, warnings) =
            expand("```liquid\n{% raw %}\n{{ page.title }}\n{% endraw %}\n```\n");
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(text, "```liquid\n\n{{ page.title }}\n\n```\n");
    }

    #[test]
    fn unclosed_block_tags_are_warned() {
        let (text, _, warnings) = expand("{% note info %}\n未闭合\n");
        assert_eq!(warnings.len(), 1);
        assert!(
            warnings[0]
                .hint
                .as_deref()
                .unwrap()
                .contains("{% endnote %}")
        );
        assert!(text.contains("&#123;&#37; note info &#37;&#125;"), "{text}");
        let (_, _, warnings) = expand("{% quote(by=\"x\") %}\n无结尾\n");
        assert!(warnings[0].hint.as_deref().unwrap().contains("{% end %}"));
    }

    #[test]
    fn inline_values() {
        let (text, _, _) =
            expand("见[上文]({{< ref \"/资讯/a.md\" >}})与 {% post_link hello %}。\n");
        assert!(text.contains("[上文](@/%E8%B5%84%E8%AE%AF/a.md)"), "{text}");
        assert!(text.contains("<a href=\"@ref:hello\"></a>。"), "{text}");
        let (text, _, _) = expand("![图]({{ site.baseurl }}/a.png) {{ page.x }}\n");
        assert_eq!(text, "![图]/a.png) {{ page.x }}\n".replace("]/", "](/"));
    }

    #[test]
    fn lists_keep_their_indent() {
        let (text, _, _) = expand("1. 第一步\n\n   {{< youtube abc >}}\n");
        assert!(text.contains("\n   <div class=\"embed-card\">"), "{text}");
    }
}
