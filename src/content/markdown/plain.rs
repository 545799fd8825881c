//! The body as plain text, collected while events stream past: all of it for search and
//! the reading-time counts, and a cleaner copy for the summary.
//!
//! A summary is read in a listing, away from the article: it leaves out code blocks,
//! footnote text (and references, which are not text), raw HTML, shortcode syntax that
//! reached the text, and an opening heading that repeats the title.

use pulldown_cmark::{Event, Tag, TagEnd};

use crate::text::is_cjk;

/// Collects plain text and counts while events stream past.
#[derive(Default)]
pub(super) struct TextState {
    text: String,
    summary: String,
    /// The title, normalised: an opening heading equal to it is not summary text.
    title: Option<String>,
    /// Inside blocks the summary leaves out (code blocks, footnote definitions).
    skipped: usize,
    /// No block has ended yet.
    before_first_block: bool,
    /// Where the summary stood when the body opened with a heading.
    opening_heading: Option<usize>,
    more_at: Option<usize>,
    cjk_chars: usize,
    latin_words: usize,
    in_latin_word: bool,
}

/// What [`TextState`] collected.
pub(super) struct Plain {
    pub text: String,
    /// The summary's text before `<!--more-->`, when the author put one.
    pub more_summary: Option<String>,
    /// The summary's text, whole.
    pub summary_text: String,
    pub cjk_chars: usize,
    pub latin_words: usize,
}

impl TextState {
    pub fn new(title: Option<&str>) -> Self {
        TextState {
            title: title.map(normalise).filter(|t| !t.is_empty()),
            before_first_block: true,
            ..TextState::default()
        }
    }

    pub fn observe(&mut self, event: &Event<'_>) {
        match event {
            Event::Text(t) | Event::Code(t) => self.push_text(t),
            Event::SoftBreak | Event::HardBreak => self.push_space(),
            Event::Start(Tag::CodeBlock(_) | Tag::FootnoteDefinition(_)) => self.skipped += 1,
            Event::End(TagEnd::CodeBlock | TagEnd::FootnoteDefinition) => {
                self.skipped = self.skipped.saturating_sub(1);
                self.end_block();
            }
            Event::Start(Tag::Heading { .. }) if self.before_first_block => {
                self.opening_heading = Some(self.summary.len());
            }
            Event::End(TagEnd::Heading(_)) => {
                self.drop_repeated_title();
                self.end_block();
            }
            Event::End(
                TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell | TagEnd::BlockQuote(_),
            ) => self.end_block(),
            Event::Html(h) | Event::InlineHtml(h) if self.more_at.is_none() && is_more(h) => {
                self.more_at = Some(self.summary.len());
            }
            _ => {}
        }
    }

    fn end_block(&mut self) {
        self.before_first_block = false;
        self.push_space();
    }

    /// Takes the opening heading back out of the summary when it repeats the title.
    fn drop_repeated_title(&mut self) {
        let Some(start) = self.opening_heading.take() else {
            return;
        };
        if self.before_first_block
            && let Some(title) = &self.title
            && self.summary.get(start..).map(normalise).as_ref() == Some(title)
        {
            self.summary.truncate(start);
        }
    }

    fn push_text(&mut self, t: &str) {
        let to_summary = self.skipped == 0;
        for c in t.chars() {
            if c.is_whitespace() {
                self.push_space();
                continue;
            }
            if is_cjk(c) {
                self.cjk_chars += 1;
                self.in_latin_word = false;
            } else if c.is_alphanumeric() {
                if !self.in_latin_word {
                    self.latin_words += 1;
                    self.in_latin_word = true;
                }
            } else {
                self.in_latin_word = false;
            }
            self.text.push(c);
            if to_summary {
                self.summary.push(c);
            }
        }
    }

    fn push_space(&mut self) {
        self.in_latin_word = false;
        if !self.text.is_empty() && !self.text.ends_with(' ') {
            self.text.push(' ');
        }
        if self.skipped == 0 && !self.summary.is_empty() && !self.summary.ends_with(' ') {
            self.summary.push(' ');
        }
    }

    pub fn finish(mut self) -> Plain {
        let trimmed = self.text.trim_end().len();
        self.text.truncate(trimmed);
        // It lives as long as the site model: on a 10,000-article site the slack that
        // growing it left behind is tens of megabytes.
        self.text.shrink_to_fit();
        let more_summary = self.more_at.map(|at| {
            without_template_syntax(self.summary.get(..at).unwrap_or_default())
                .trim()
                .to_string()
        });
        Plain {
            text: self.text,
            more_summary,
            summary_text: without_template_syntax(&self.summary).trim().to_string(),
            cjk_chars: self.cjk_chars,
            latin_words: self.latin_words,
        }
    }
}

/// Text compared as a title: whitespace collapsed, case folded, a trailing colon or stop
/// dropped.
fn normalise(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .trim_end_matches(['。', '.', ':', '：'])
        .to_lowercase()
}

fn is_more(html: &str) -> bool {
    let compact: String = html.chars().filter(|c| !c.is_whitespace()).collect();
    compact.contains("<!--more-->")
}

/// Template delimiters whose spans are never summary text: Hugo `{{< >}}` and `{{% %}}`,
/// Zola `{{ name() }}`, Hexo and Jekyll `{% %}`. They reach the text only where a
/// shortcode was shown as written (an unknown one, or one in a summary cut before it
/// closed). Returns the opening and closing delimiter of the span starting at `at` (a `{`).
fn template_span(bytes: &[u8], at: usize) -> Option<(&'static str, &'static str)> {
    match (bytes.get(at + 1), bytes.get(at + 2)) {
        (Some(b'{'), Some(b'<')) => Some(("{{<", ">}}")),
        (Some(b'{'), Some(b'%')) => Some(("{{%", "%}}")),
        (Some(b'{'), _) => Some(("{{", "}}")),
        (Some(b'%'), _) => Some(("{%", "%}")),
        _ => None,
    }
}

/// `text` without template spans, whitespace collapsed; an unclosed span runs to the end.
/// One pass over `text`: a Jekyll page can hold hundreds of spans.
fn without_template_syntax(text: &str) -> String {
    let bytes = text.as_bytes();
    if memchr::memmem::find(bytes, b"{{").is_none() && memchr::memmem::find(bytes, b"{%").is_none()
    {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    while let Some(found) = memchr::memchr(b'{', &bytes[pos..]) {
        let at = pos + found;
        let Some((open, close)) = template_span(bytes, at) else {
            out.push_str(&text[pos..=at]);
            pos = at + 1;
            continue;
        };
        out.push_str(&text[pos..at]);
        let after = at + open.len();
        pos = text[after..]
            .find(close)
            .map_or(text.len(), |end| after + end + close.len());
    }
    out.push_str(&text[pos..]);
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_spans_are_dropped() {
        assert_eq!(
            without_template_syntax(
                "导语 {{< figure src=\"a.png\" >}} 正文 {% note info %}提示{% endnote %} 完"
            ),
            "导语 正文 提示 完"
        );
        assert_eq!(
            without_template_syntax("a {{ youtube(id=\"x\") }} b {{< cut"),
            "a b"
        );
        assert_eq!(without_template_syntax("无模板"), "无模板");
    }

    #[test]
    fn titles_compare_loosely() {
        assert_eq!(normalise(" Grok  开源。"), normalise("grok 开源"));
    }
}
