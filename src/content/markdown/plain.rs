//! The body as plain text, collected while events stream past: all of it for search and
//! the reading-time counts, and a cleaner copy for the summary.
//!
//! A summary is read in a listing, away from the article: it leaves out code blocks,
//! footnote text (and references, which are not text), raw HTML, shortcode syntax that
//! reached the text, and an opening heading that repeats the title.
//!
//! The summary's copy is kept only as far as a summary can need it: up to `<!--more-->`
//! when the author put one, else a few kilobytes when no marker can follow. A long
//! article would otherwise hold a second copy of its whole text while it renders.

use pulldown_cmark::{Event, Tag, TagEnd};

use crate::text::is_cjk;

/// Bytes of summary text kept when the body cannot hold a `<!--more-->`: a summary shows
/// [`super::SUMMARY_CHARS`] characters, at most 4 bytes each.
const SUMMARY_BYTES: usize = 16 * 1024;

/// Collects plain text and counts while events stream past.
#[derive(Default)]
pub(super) struct TextState {
    text: String,
    summary: String,
    /// Nothing more goes into `summary`: no summary can need it.
    summary_done: bool,
    /// `summary` may stop at [`SUMMARY_BYTES`]: the body has no `<!--more-->`.
    summary_bounded: bool,
    /// The title, normalised: an opening heading equal to it is not summary text.
    title: Option<String>,
    /// Inside blocks the summary leaves out (code blocks, footnote definitions).
    skipped: usize,
    /// No block has ended yet.
    before_first_block: bool,
    /// Where the summary stood when the body opened with a heading.
    opening_heading: Option<usize>,
    more_at: Option<usize>,
    /// The summary before `<!--more-->`, once the marker is met.
    more_summary: Option<String>,
    cjk_chars: usize,
    latin_words: usize,
    in_latin_word: bool,
}

/// What [`TextState`] collected.
pub(super) struct Plain {
    pub text: String,
    /// The summary's text before `<!--more-->`, when the author put one.
    pub more_summary: Option<String>,
    /// The summary's text, as far as a summary can need it: whole, or when a marker with
    /// text before it was met or none can come, at least [`super::SUMMARY_CHARS`] + 1
    /// characters of it when it has them.
    pub summary_text: String,
    pub cjk_chars: usize,
    pub latin_words: usize,
}

impl TextState {
    /// `markdown` is the body to come (for whether it can hold a `<!--more-->`);
    /// `root_path` is what links in its HTML may get.
    pub fn new(title: Option<&str>, markdown: &str, root_path: Option<&str>) -> Self {
        TextState {
            title: title.map(normalise).filter(|t| !t.is_empty()),
            before_first_block: true,
            summary_bounded: !may_hold_more(markdown) && !root_path.is_some_and(may_hold_more),
            // The text is most of the Markdown: grown by doubling it was copied twice over.
            text: String::with_capacity(markdown.len()),
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
                self.close_at_more();
            }
            _ => {}
        }
    }

    /// At `<!--more-->`: the summary is the text before it, unless that is empty (then it
    /// is cut from the whole text) or an opening heading is still open (which may yet be
    /// taken back out).
    fn close_at_more(&mut self) {
        let Some(at) = self.more_at else {
            return;
        };
        if self.opening_heading.is_some() || self.summary_done {
            return;
        }
        let before = more_summary(self.summary.get(..at).unwrap_or_default());
        if !before.is_empty() {
            self.summary_done = true;
        }
        self.more_summary = Some(before);
    }

    /// Whether the summary may stop growing: it holds enough for any summary, no marker
    /// can come, and nothing before the cut could change with what follows (an opening
    /// heading still open, template syntax whose span may close later).
    fn summary_full(&mut self) -> bool {
        if !self.summary_done
            && self.summary_bounded
            && self.summary.len() >= SUMMARY_BYTES
            && !self.before_first_block
            && self.opening_heading.is_none()
        {
            let bytes = self.summary.as_bytes();
            let templates = memchr::memmem::find(bytes, b"{{").is_some()
                || memchr::memmem::find(bytes, b"{%").is_some();
            if templates {
                self.summary_bounded = false;
            } else {
                self.summary_done = true;
            }
        }
        self.summary_done
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
        // A `<!--more-->` inside the heading waited for it to close.
        if self.more_at.is_some() && self.more_summary.is_none() {
            self.close_at_more();
        }
    }

    fn push_text(&mut self, t: &str) {
        let to_summary = self.skipped == 0 && !self.summary_full();
        // Copied a run of words at a time, not a character at a time: most of a build's
        // text passes through here. Ideographs and ASCII, nearly all of it, are told by
        // their bytes; only the rest is decoded.
        let bytes = t.as_bytes();
        let mut run = 0;
        let mut i = 0;
        while let Some(&b) = bytes.get(i) {
            if crate::text::is_unified_ideograph_at(bytes, i) {
                self.cjk_chars += 1;
                self.in_latin_word = false;
                i += 3;
                continue;
            }
            let (is_space, len) = match b {
                b'\t'..=b'\r' | b' ' => (true, 1),
                0..0x80 => {
                    self.latin_letter(b.is_ascii_alphanumeric());
                    (false, 1)
                }
                _ => {
                    let c = t[i..].chars().next().unwrap_or_default();
                    let is_space = c.is_whitespace();
                    if is_cjk(c) {
                        self.cjk_chars += 1;
                        self.in_latin_word = false;
                    } else if !is_space {
                        self.latin_letter(is_alphanumeric(c));
                    }
                    (is_space, c.len_utf8())
                }
            };
            if is_space {
                self.push_run(&t[run..i], to_summary);
                self.push_space();
                run = i + len;
            }
            i += len;
        }
        self.push_run(&t[run..], to_summary);
    }

    /// Counts a Latin word where a letter or digit follows anything else.
    fn latin_letter(&mut self, alphanumeric: bool) {
        if alphanumeric && !self.in_latin_word {
            self.latin_words += 1;
        }
        self.in_latin_word = alphanumeric;
    }

    fn push_run(&mut self, run: &str, to_summary: bool) {
        self.text.push_str(run);
        if to_summary {
            self.summary.push_str(run);
        }
    }

    fn push_space(&mut self) {
        self.in_latin_word = false;
        if !self.text.is_empty() && !self.text.ends_with(' ') {
            self.text.push(' ');
        }
        if self.skipped == 0
            && !self.summary_done
            && !self.summary.is_empty()
            && !self.summary.ends_with(' ')
        {
            self.summary.push(' ');
        }
    }

    pub fn finish(mut self) -> Plain {
        let trimmed = self.text.trim_end().len();
        self.text.truncate(trimmed);
        // It lives as long as the site model: on a 10,000-article site the slack that
        // growing it left behind is tens of megabytes.
        self.text.shrink_to_fit();
        let more_summary = match (self.more_at, self.more_summary) {
            (Some(at), None) => Some(more_summary(self.summary.get(..at).unwrap_or_default())),
            (_, done) => done,
        };
        Plain {
            text: self.text,
            more_summary,
            summary_text: without_template_syntax(&self.summary).trim().to_string(),
            cjk_chars: self.cjk_chars,
            latin_words: self.latin_words,
        }
    }
}

/// The summary before `<!--more-->`, from the summary text up to it.
fn more_summary(before: &str) -> String {
    without_template_syntax(before).trim().to_string()
}

/// Whether `text` may put `<!--more-->` in an HTML event: [`is_more`] ignores whitespace,
/// and an event inside a block quote lacks the quote's `>`, so the letters of `more` are
/// looked for with either between them. False means no event of it can be a marker.
fn may_hold_more(text: &str) -> bool {
    let bytes = text.as_bytes();
    memchr::memchr_iter(b'm', bytes).any(|at| {
        let mut rest = text[at + 1..]
            .chars()
            .filter(|&c| !c.is_whitespace() && c != '>');
        rest.next() == Some('o') && rest.next() == Some('r') && rest.next() == Some('e')
    })
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

/// `c.is_alphanumeric()`, answered without Unicode's tables for ASCII and for the
/// punctuation of Chinese text (，。、“”《》…), which is most of what is neither ASCII nor
/// CJK there: the tables' slow path was a percent of a build with much code.
fn is_alphanumeric(c: char) -> bool {
    match c as u32 {
        0..=0x7F => c.is_ascii_alphanumeric(),
        PUNCTUATION_START..=0x206F
        | 0x3001..=0x3004
        | 0x3008..=0x3020
        | 0xFF01..=0xFF0F
        | 0xFF1A..=0xFF20
        | 0xFF3B..=0xFF40
        | 0xFF5B..=0xFF65 => false,
        _ => c.is_alphanumeric(),
    }
}

/// General Punctuation (`—`, `“`, `…`) starts here.
const PUNCTUATION_START: u32 = 0x2000;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_punctuation_shortcut_agrees_with_unicode() {
        for cp in (0..0x80)
            .chain(PUNCTUATION_START..0x2070)
            .chain(0x3000..0x3100)
            .chain(0xFF00..0xFF70)
        {
            let Some(c) = char::from_u32(cp) else {
                continue;
            };
            assert_eq!(is_alphanumeric(c), c.is_alphanumeric(), "U+{cp:04X}");
        }
    }

    /// [`TextState::push_text`] reads ASCII and ideographs by their bytes: its counts
    /// and text must be those of the plain reading, character by character.
    #[test]
    fn text_read_by_bytes_counts_as_by_characters() {
        let text = "马斯克宣布 xAI 开源Grok-1，参数 3140 亿。\t\u{b}Ｏｐｅｎ\u{3000}㐀𠀀ひらがな한국 \
                    café\u{1c}naïve\u{a0}x\u{2003}y — “引号” 〇 end";
        let mut state = TextState::default();
        state.push_text(text);
        let mut cjk = 0;
        let mut words = 0;
        let mut in_word = false;
        for c in text.chars() {
            if is_cjk(c) {
                cjk += 1;
                in_word = false;
            } else if is_alphanumeric(c) && !c.is_whitespace() {
                words += usize::from(!in_word);
                in_word = true;
            } else {
                in_word = false;
            }
        }
        assert_eq!((state.cjk_chars, state.latin_words), (cjk, words));
        assert_eq!((cjk, words), (21, 10));
        let spaced: Vec<&str> = text
            .split(char::is_whitespace)
            .filter(|w| !w.is_empty())
            .collect();
        assert_eq!(state.text, spaced.join(" "));
    }

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
