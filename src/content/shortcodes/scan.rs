//! Finding shortcode tags in a Markdown body: where code is (left alone), and what the
//! text at a `{` is, in each generator's syntax.
//!
//! | written | syntax |
//! |---|---|
//! | `{{< name args >}}`, `{{< /name >}}`, `{{< name />}}`, `{{</* … */>}}` | Hugo |
//! | `{{% name args %}}` (the output is Markdown) | Hugo |
//! | `{{ name(k=v) }}`, `{% name(k=v) %}…{% end %}`, `{{/* … */}}` | Zola |
//! | `{% name args %}…{% endname %}`, `{{ site.baseurl }}` | Liquid (Hexo, Jekyll) |

use std::ops::Range;

use crate::content::markdown::{closes_fence, opens_fence};

/// A tag is never longer than this: a `{{` that is not closed within it is text.
const MAX_TAG: usize = 4096;

/// Which generator's syntax a tag is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    /// `{{< >}}`; `markdown` for `{{% %}}`, whose output is Markdown.
    Hugo { markdown: bool },
    /// `{{ name(…) }}`: never has a body.
    ZolaCall,
    /// `{% name(…) %}…{% end %}`.
    ZolaBlock,
    /// `{% name args %}`, closed by `{% endname %}` when it has a body.
    Liquid,
    /// `{{ expression }}`: a Liquid output such as `{{ site.baseurl }}`.
    LiquidOutput,
}

/// What a tag does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Form {
    Open,
    Close,
    /// Hugo `{{< name />}}`: explicitly without a body.
    SelfClosing,
    /// A comment form (`{{</* x */>}}`): the text to show literally.
    Literal(String),
}

/// One tag found in the body: bytes `start..end` of the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag<'a> {
    pub start: usize,
    pub end: usize,
    pub syntax: Syntax,
    pub form: Form,
    /// The shortcode's name (`figure`); for a Liquid close, without `end`.
    pub name: &'a str,
    /// The argument text, unparsed.
    pub args: &'a str,
}

impl Tag<'_> {
    /// Whether `self` closes a tag opened as `open`.
    pub fn closes(&self, open: &Tag<'_>) -> bool {
        self.form == Form::Close
            && match (open.syntax, self.syntax) {
                (Syntax::Hugo { .. }, Syntax::Hugo { .. }) => self.name == open.name,
                (Syntax::ZolaBlock, Syntax::ZolaBlock) => true,
                (Syntax::Liquid, Syntax::Liquid) => self.name == open.name,
                _ => false,
            }
    }

    /// Whether `self` opens a tag that `close` could close (for counting nesting).
    pub fn opens_like(&self, open: &Tag<'_>) -> bool {
        self.form == Form::Open
            && match (open.syntax, self.syntax) {
                (Syntax::Hugo { .. }, Syntax::Hugo { .. }) | (Syntax::Liquid, Syntax::Liquid) => {
                    self.name == open.name
                }
                (Syntax::ZolaBlock, Syntax::ZolaBlock) => true,
                _ => false,
            }
    }
}

/// The body's code (fenced and indented blocks), found once; code spans are found while
/// scanning, since they need the text after the backticks.
pub struct Scanner<'a> {
    text: &'a str,
    code: Vec<Range<usize>>,
}

impl<'a> Scanner<'a> {
    pub fn new(text: &'a str) -> Self {
        Scanner {
            text,
            code: code_blocks(text),
        }
    }

    /// The first tag starting in `from..to` that is not inside code.
    pub fn next_tag(&self, from: usize, to: usize) -> Option<Tag<'a>> {
        let bytes = self.text.as_bytes();
        let mut pos = from;
        while pos < to {
            let hit = pos + memchr::memchr2(b'{', b'`', &bytes[pos..to])?;
            if let Some(end) = self.code_block_end(hit) {
                pos = end;
                continue;
            }
            if bytes[hit] == b'`' {
                pos = code_span_end(self.text, hit);
                continue;
            }
            if let Some(tag) = parse_at(self.text, hit).filter(|t| t.end <= to) {
                return Some(tag);
            }
            pos = hit + 1;
        }
        None
    }

    /// The end of the fenced or indented code block that `pos` is in.
    fn code_block_end(&self, pos: usize) -> Option<usize> {
        let i = self.code.partition_point(|r| r.end <= pos);
        self.code.get(i).filter(|r| r.start <= pos).map(|r| r.end)
    }
}

/// Where the code span opened by the backticks at `pos` ends: after the closing run of as
/// many backticks, within the paragraph; just after the run when it is not closed.
fn code_span_end(text: &str, pos: usize) -> usize {
    let bytes = text.as_bytes();
    let run = bytes[pos..].iter().take_while(|&&b| b == b'`').count();
    let after = pos + run;
    let limit = memchr::memmem::find(&bytes[after..], b"\n\n").map_or(text.len(), |i| after + i);
    let mut at = after;
    while let Some(i) = memchr::memchr(b'`', &bytes[at..limit]) {
        let start = at + i;
        let n = bytes[start..limit]
            .iter()
            .take_while(|&&b| b == b'`')
            .count();
        if n == run {
            return start + n;
        }
        at = start + n;
    }
    after
}

/// Byte ranges of fenced code blocks (at any indentation, since lists indent them) and
/// indented code blocks (four spaces after a blank line, outside lists).
pub fn code_blocks(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut fence: Option<(u8, usize, usize)> = None;
    let mut indented: Option<usize> = None;
    let (mut prev_blank, mut in_list) = (true, false);
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let end = start + line.len();
        let trimmed = line.trim_start();
        let content = trimmed.trim_end();
        if let Some((c, n, s)) = fence {
            if closes_fence(content, c, n) {
                out.push(s..end);
                fence = None;
            }
            start = end;
            continue;
        }
        let blank = content.is_empty();
        let indent = indent_width(line);
        if let Some(f) = opens_fence(content) {
            if let Some(s) = indented.take() {
                out.push(s..start);
            }
            fence = Some((f.0, f.1, start));
        } else if indent >= 4 && !blank && !in_list && (prev_blank || indented.is_some()) {
            indented.get_or_insert(start);
        } else if !blank {
            if let Some(s) = indented.take() {
                out.push(s..start);
            }
            if is_list_item(content) {
                in_list = true;
            } else if indent == 0 && prev_blank {
                in_list = false;
            }
        }
        prev_blank = blank;
        start = end;
    }
    if let Some(s) = fence.map(|f| f.2).or(indented) {
        out.push(s..text.len());
    }
    out
}

fn indent_width(line: &str) -> usize {
    let mut width = 0;
    for c in line.chars() {
        match c {
            ' ' => width += 1,
            '\t' => width += 4 - width % 4,
            _ => break,
        }
    }
    width
}

fn is_list_item(line: &str) -> bool {
    let bullet = line.strip_prefix(['-', '*', '+']);
    if let Some(rest) = bullet {
        return rest.starts_with([' ', '\t']) || rest.is_empty();
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    (1..10).contains(&digits)
        && line[digits..].starts_with(['.', ')'])
        && line[digits + 1..].starts_with([' ', '\t'])
}

/// The tag whose first `{` is at `pos`, if the text there is one.
pub fn parse_at(text: &str, pos: usize) -> Option<Tag<'_>> {
    let rest = &text[pos..];
    if let Some(d) = rest.strip_prefix("{{").and_then(|r| r.chars().next()) {
        if d == '<' || d == '%' {
            return hugo_at(text, pos, d);
        }
        return double_brace_at(text, pos);
    }
    if rest.starts_with("{%") {
        return brace_percent_at(text, pos);
    }
    None
}

/// Hugo `{{< … >}}` or `{{% … %}}`, `d` being `<` or `%`.
fn hugo_at(text: &str, pos: usize, d: char) -> Option<Tag<'_>> {
    let inner_start = pos + 3;
    let close = if d == '<' { ">}}" } else { "%}}" };
    let syntax = Syntax::Hugo { markdown: d == '%' };
    if let Some(tag) = comment_at(text, pos, inner_start, &format!("*/{close}"), syntax) {
        return Some(tag);
    }
    let (inner_end, end) = find_close(text, inner_start, close, true)?;
    let inner = text[inner_start..inner_end].trim();
    let (form, inner) = if let Some(name) = inner.strip_prefix('/') {
        (Form::Close, name.trim_start())
    } else if let Some(body) = inner.strip_suffix('/') {
        (Form::SelfClosing, body.trim_end())
    } else {
        (Form::Open, inner)
    };
    let (name, args) = split_name(inner);
    valid_hugo_name(name).then_some(Tag {
        start: pos,
        end,
        syntax,
        form,
        name,
        args,
    })
}

/// A comment form opening right after the delimiter at `inner_start` (`/*`, spaces
/// allowed around it) and closing with `close` (`*/>}}`): shown as the tag it comments.
fn comment_at<'a>(
    text: &'a str,
    pos: usize,
    inner_start: usize,
    close: &str,
    syntax: Syntax,
) -> Option<Tag<'a>> {
    let after = &text[inner_start..];
    let skipped = after.len() - after.trim_start().len();
    let body_start = inner_start + skipped + after.trim_start().strip_prefix("/*").map(|_| 2)?;
    let limit = (body_start + MAX_TAG).min(text.len());
    let window = text.get(body_start..limit).unwrap_or(&text[body_start..]);
    let body_len = find_spaced(window, close)?;
    let (open_delim, close_delim) = (&text[pos..inner_start], &close[2..]);
    let body = &text[body_start..body_start + body_len.0];
    Some(Tag {
        start: pos,
        end: body_start + body_len.1,
        syntax,
        form: Form::Literal(format!("{open_delim}{body}{close_delim}")),
        name: "",
        args: "",
    })
}

/// `*/` then optional spaces then the rest of `close` in `window`: (offset of `*/`, end).
fn find_spaced(window: &str, close: &str) -> Option<(usize, usize)> {
    let (star, rest) = close.split_at(2);
    let mut from = 0;
    while let Some(i) = window[from..].find(star) {
        let at = from + i;
        let after = &window[at + 2..];
        let trimmed = after.trim_start();
        if let Some(tail) = trimmed.strip_prefix(rest) {
            return Some((at, window.len() - tail.len()));
        }
        from = at + 2;
    }
    None
}

/// `{{ name(args) }}` (Zola), `{{/* … */}}` (Zola's comment form) or `{{ expr }}` (Liquid).
fn double_brace_at(text: &str, pos: usize) -> Option<Tag<'_>> {
    if let Some(tag) = comment_at(text, pos, pos + 2, "*/}}", Syntax::ZolaCall) {
        return Some(tag);
    }
    let (inner_end, end) = find_close(text, pos + 2, "}}", true)?;
    let inner = text[pos + 2..inner_end].trim();
    if let Some((name, args)) = zola_call(inner) {
        return Some(Tag {
            start: pos,
            end,
            syntax: Syntax::ZolaCall,
            form: Form::SelfClosing,
            name,
            args,
        });
    }
    let inner = inner.trim_matches('-').trim();
    (!inner.is_empty() && !inner.contains('\n')).then_some(Tag {
        start: pos,
        end,
        syntax: Syntax::LiquidOutput,
        form: Form::SelfClosing,
        name: "",
        args: inner,
    })
}

/// `{% … %}`: a Zola block or its `{% end %}`, a Zola comment, or a Liquid tag.
fn brace_percent_at(text: &str, pos: usize) -> Option<Tag<'_>> {
    if let Some(tag) = comment_at(text, pos, pos + 2, "*/%}", Syntax::ZolaBlock) {
        return Some(tag);
    }
    // Liquid finds `%}` without regard to quotes (`{% blockquote Jobs' words %}`).
    let (inner_end, end) = find_close(text, pos + 2, "%}", false)?;
    let inner = text[pos + 2..inner_end].trim();
    let inner = inner.strip_prefix('-').unwrap_or(inner);
    let inner = inner.strip_suffix('-').unwrap_or(inner).trim();
    let tag = |syntax, form, name, args| Tag {
        start: pos,
        end,
        syntax,
        form,
        name,
        args,
    };
    if let Some((name, args)) = zola_call(inner) {
        return Some(tag(Syntax::ZolaBlock, Form::Open, name, args));
    }
    if inner == "end" {
        return Some(tag(Syntax::ZolaBlock, Form::Close, "end", ""));
    }
    let (name, args) = split_name(inner);
    if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
        return None;
    }
    match name.strip_prefix("end").filter(|n| !n.is_empty()) {
        Some(opened) => Some(tag(Syntax::Liquid, Form::Close, opened, args)),
        None => Some(tag(Syntax::Liquid, Form::Open, name, args)),
    }
}

/// `name(args)` → (name, args).
fn zola_call(inner: &str) -> Option<(&str, &str)> {
    let open = inner.find('(')?;
    let name = inner[..open].trim_end();
    let args = inner[open + 1..].strip_suffix(')')?;
    let ident = !name.is_empty()
        && name.chars().all(|c| c.is_alphanumeric() || c == '_')
        && !name.starts_with(|c: char| c.is_ascii_digit());
    ident.then_some((name, args))
}

/// The first word and the rest.
fn split_name(inner: &str) -> (&str, &str) {
    match inner.find(char::is_whitespace) {
        Some(i) => (&inner[..i], inner[i..].trim()),
        None => (inner, ""),
    }
}

fn valid_hugo_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '/'))
}

/// Where `close` ends the tag whose inside starts at `from`: (start of `close`, end). A tag
/// never spans a blank line nor more than [`MAX_TAG`] bytes; `quotes` skips `close` inside
/// quoted strings.
fn find_close(text: &str, from: usize, close: &str, quotes: bool) -> Option<(usize, usize)> {
    let limit = (from + MAX_TAG).min(text.len());
    let window = &text.as_bytes()[from..limit];
    let window = match memchr::memmem::find(window, b"\n\n") {
        Some(i) => &window[..i],
        None => window,
    };
    let close = close.as_bytes();
    let plain = || memchr::memmem::find(window, close).map(|i| (from + i, from + i + close.len()));
    if !quotes {
        return plain();
    }
    let mut quote: Option<u8> = None;
    for (i, &b) in window.iter().enumerate() {
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'"' || b == b'`' => quote = Some(b),
            None if window[i..].starts_with(close) => {
                return Some((from + i, from + i + close.len()));
            }
            None => {}
        }
    }
    // An unbalanced quote (`{{< note "it's >}}`): the first close wins, as a writer meant.
    plain()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(text: &str) -> Vec<(Syntax, Form, String, String)> {
        let scanner = Scanner::new(text);
        let mut out = Vec::new();
        let mut pos = 0;
        while let Some(t) = scanner.next_tag(pos, text.len()) {
            out.push((
                t.syntax,
                t.form.clone(),
                t.name.to_string(),
                t.args.to_string(),
            ));
            pos = t.end;
        }
        out
    }

    const ANGLE: Syntax = Syntax::Hugo { markdown: false };

    #[test]
    fn hugo_forms() {
        let t = tags(
            r#"a {{< figure src="a.png" title="x >}} y" >}} b {{% note %}}x{{% /note %}} {{< br />}}"#,
        );
        assert_eq!(
            t[0],
            (
                ANGLE,
                Form::Open,
                "figure".into(),
                r#"src="a.png" title="x >}} y""#.into()
            )
        );
        assert_eq!(t[1].0, Syntax::Hugo { markdown: true });
        assert_eq!((t[2].1.clone(), t[2].2.as_str()), (Form::Close, "note"));
        assert_eq!((t[3].1.clone(), t[3].2.as_str()), (Form::SelfClosing, "br"));
    }

    #[test]
    fn comment_forms_are_literal() {
        let t =
            tags(r#"{{</* youtube id="x" */>}} {{%/* n */%}} {{/* yt(id=1) */}} {%/* q() */%}"#);
        let lits: Vec<_> = t
            .iter()
            .map(|t| match &t.1 {
                Form::Literal(s) => s.clone(),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(
            lits,
            [
                r#"{{< youtube id="x" >}}"#,
                "{{% n %}}",
                "{{ yt(id=1) }}",
                "{% q() %}"
            ]
        );
    }

    #[test]
    fn zola_and_liquid_forms() {
        let t = tags(
            "{{ yt(id=\"a\") }} {% quote(by=\"x\") %}b{% end %} {% codeblock a.js lang:js %}x{% endcodeblock %} {{ site.baseurl }} {%- raw -%}",
        );
        assert_eq!(
            t[0],
            (
                Syntax::ZolaCall,
                Form::SelfClosing,
                "yt".into(),
                "id=\"a\"".into()
            )
        );
        assert_eq!(
            t[1],
            (
                Syntax::ZolaBlock,
                Form::Open,
                "quote".into(),
                "by=\"x\"".into()
            )
        );
        assert_eq!(
            t[2],
            (Syntax::ZolaBlock, Form::Close, "end".into(), "".into())
        );
        assert_eq!(
            t[3],
            (
                Syntax::Liquid,
                Form::Open,
                "codeblock".into(),
                "a.js lang:js".into()
            )
        );
        assert_eq!(
            t[4],
            (Syntax::Liquid, Form::Close, "codeblock".into(), "".into())
        );
        assert_eq!(t[5].0, Syntax::LiquidOutput);
        assert_eq!(t[5].3, "site.baseurl");
        assert_eq!((t[6].0, t[6].2.as_str()), (Syntax::Liquid, "raw"));
    }

    #[test]
    fn code_is_skipped() {
        let text = "`{{< a >}}` and ``x `{{< b >}}` y``\n\n```\n{{< c >}}\n```\n\n    {{< d >}}\n\n~~~md\n{% e %}\n~~~\n{{< f >}}";
        let names: Vec<String> = tags(text).into_iter().map(|t| t.2).collect();
        assert_eq!(names, ["f"]);
        // Inside a list, four spaces are the item's text, not code.
        let list = "- 第一步\n\n    {{< g >}}\n";
        assert_eq!(tags(list).len(), 1);
        // An unclosed backtick is a backtick.
        assert_eq!(tags("it`s {{< h >}}").len(), 1);
        // A fence in a list item, indented.
        assert_eq!(tags("1. a\n\n   ```\n   {{< i >}}\n   ```\n").len(), 0);
    }

    #[test]
    fn not_tags() {
        assert!(
            tags("{{ }} {% %} {{< >}} {{ a b }}x")
                .iter()
                .all(|t| t.0 == Syntax::LiquidOutput)
        );
        assert!(tags("{{< unclosed\n\n>}}").is_empty());
        assert!(tags("函数 {x} 与 {{").is_empty());
    }
}
