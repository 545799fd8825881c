//! Markdown to HTML, plus what the site needs to know about the text in the same pass:
//! plain text (for summaries and search), the `<!--more-->` split, the first heading (for
//! files without front matter) and the counts behind reading time.

use std::collections::HashMap;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd, html};

use crate::text::{is_cjk, is_han};

/// Characters shown in an automatic summary before it is cut.
const SUMMARY_CHARS: usize = 120;
/// Reading speeds: Chinese is counted in characters, Latin text in words.
const CJK_CHARS_PER_MINUTE: usize = 400;
const LATIN_WORDS_PER_MINUTE: usize = 200;

/// The rendered body and facts about its text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rendered {
    pub html: String,
    /// Plain text of the body, whitespace collapsed.
    pub text: String,
    /// Plain text before `<!--more-->`, when the author put one.
    pub more_summary: Option<String>,
    /// The heading that opened the body, lifted out of it (see [`RenderOptions::lift_title`]).
    pub title: Option<String>,
    pub cjk_chars: usize,
    pub latin_words: usize,
    /// Every link and image in the body with the 1-based line it is on (relative to the
    /// body), so `sitegen check` can point at the line a writer must fix.
    pub links: Vec<BodyLink>,
}

/// A link or image destination as written in the Markdown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyLink {
    pub target: String,
    pub line: usize,
}

impl Rendered {
    /// Minutes to read, at least one.
    pub fn reading_minutes(&self) -> usize {
        let exact = self.cjk_chars as f64 / CJK_CHARS_PER_MINUTE as f64
            + self.latin_words as f64 / LATIN_WORDS_PER_MINUTE as f64;
        (exact.ceil() as usize).max(1)
    }

    /// The summary to show in listings: the `<!--more-->` part, else the first
    /// [`SUMMARY_CHARS`] characters of text, cut on a character boundary.
    pub fn auto_summary(&self) -> String {
        match &self.more_summary {
            Some(s) => s.clone(),
            None => truncate_chars(&self.text, SUMMARY_CHARS),
        }
    }
}

/// Cuts `text` to at most `max` characters, adding `…` when something was cut.
pub fn truncate_chars(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        None => text.to_string(),
        Some((byte, _)) => {
            let mut cut = text[..byte].trim_end().to_string();
            cut.push('…');
            cut
        }
    }
}

fn parser_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// How to render article bodies.
#[derive(Debug, Clone, Copy, Default)]
pub struct RenderOptions<'a> {
    /// Space out Chinese next to Latin letters and digits in text (never in code or URLs).
    pub cjk_spacing: bool,
    /// The URL path the site lives under (`/portal/`). Writers link other articles as
    /// `/2024/03/grok/`; on a site under a path those links get the path, so content need
    /// not change when the site moves. None (or `/`) leaves links alone.
    pub root_path: Option<&'a str>,
    /// The article has no title: a heading that opens the body (ATX `# …` or setext
    /// `…` over `===`) becomes [`Rendered::title`] and leaves the body, so the page does
    /// not show it twice.
    pub lift_title: bool,
}

/// Renders a Markdown body.
pub fn render(markdown: &str, options: RenderOptions<'_>) -> Rendered {
    let prefix = options.root_path.filter(|p| *p != "/");
    let mut state = TextState::default();
    let mut spacer = options.cjk_spacing.then(CjkSpacer::default);
    let mut events: Vec<Event<'_>> = Vec::new();
    let mut heading: Option<HeadingBuffer<'_>> = None;
    let mut ids = IdAllocator::default();
    let mut links = Vec::new();
    let mut lines = LineCounter::new(markdown);
    let mut title = TitleLift::new(options.lift_title);

    for (event, range) in Parser::new_ext(markdown, parser_options()).into_offset_iter() {
        if title.take(&event) {
            continue;
        }
        let event = match spacer.as_mut() {
            Some(spacer) => spacer.apply(event),
            None => event,
        };
        let event = match prefix {
            Some(prefix) => with_root_path(event, prefix),
            None => event,
        };
        if let Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) = &event {
            links.push(BodyLink {
                target: dest_url.to_string(),
                line: lines.line_at(range.start),
            });
        }
        state.observe(&event);
        if let Some(mut buf) = heading.take() {
            if let Event::End(TagEnd::Heading(_)) = event {
                buf.flush(&mut events, &mut ids);
                events.push(event);
            } else {
                buf.push(event);
                heading = Some(buf);
            }
            continue;
        }
        match event {
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => {
                heading = Some(HeadingBuffer {
                    level,
                    id,
                    classes,
                    attrs,
                    inner: Vec::new(),
                    text: String::new(),
                });
            }
            other => events.push(other),
        }
    }

    let mut out = String::with_capacity(markdown.len() + markdown.len() / 2);
    html::push_html(&mut out, events.into_iter());
    let mut rendered = state.finish(out);
    rendered.links = links;
    rendered.title = title.done;
    rendered
}

/// Prefixes host-relative link and image targets (`/x/`, not `//host/x`) with the site's path.
fn with_root_path<'a>(event: Event<'a>, prefix: &str) -> Event<'a> {
    let rebase = |dest: CowStr<'a>| -> CowStr<'a> {
        match dest.strip_prefix('/') {
            Some(rest) if !rest.starts_with('/') && !dest.starts_with(prefix) => {
                CowStr::from(format!("{prefix}{rest}"))
            }
            _ => dest,
        }
    };
    match event {
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: rebase(dest_url),
            title,
            id,
        }),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Image {
            link_type,
            dest_url: rebase(dest_url),
            title,
            id,
        }),
        other => other,
    }
}

/// Byte offset → line number, for offsets that only move forward (as events do, mostly).
struct LineCounter<'a> {
    text: &'a str,
    offset: usize,
    line: usize,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a str) -> Self {
        LineCounter {
            text,
            offset: 0,
            line: 1,
        }
    }

    fn line_at(&mut self, offset: usize) -> usize {
        if offset < self.offset {
            self.offset = 0;
            self.line = 1;
        }
        let slice = self
            .text
            .as_bytes()
            .get(self.offset..offset)
            .unwrap_or_default();
        self.line += slice.iter().filter(|&&b| b == b'\n').count();
        self.offset = offset.max(self.offset);
        self.line
    }
}

/// Inserts spaces at Chinese↔Latin boundaries in text events. Code spans and code blocks
/// are never touched; a boundary across two text events (`中文**AI**`) is spaced too, since
/// the previous text's last character is remembered until the block ends.
#[derive(Default)]
struct CjkSpacer {
    last: Option<char>,
    in_code_block: bool,
}

impl CjkSpacer {
    fn apply<'a>(&mut self, event: Event<'a>) -> Event<'a> {
        match event {
            Event::Start(Tag::CodeBlock(_)) => {
                self.in_code_block = true;
                event
            }
            Event::End(TagEnd::CodeBlock) => {
                self.in_code_block = false;
                self.last = None;
                event
            }
            Event::Text(text) if !self.in_code_block => {
                let spaced = space_cjk(&text, self.last);
                self.last = text.chars().last();
                Event::Text(spaced.map_or(text, CowStr::from))
            }
            Event::Code(_) => {
                // `中文 `code`` keeps its own spacing; reset so no space is forced after it.
                self.last = None;
                event
            }
            Event::End(_) | Event::SoftBreak | Event::HardBreak => {
                if !matches!(
                    event,
                    Event::End(
                        TagEnd::Emphasis | TagEnd::Strong | TagEnd::Link | TagEnd::Strikethrough
                    )
                ) {
                    self.last = None;
                }
                event
            }
            other => other,
        }
    }
}

/// `text` with spaces at Chinese↔Latin boundaries, or None when nothing changes.
/// `before` is the character that precedes `text` in the same block.
fn space_cjk(text: &str, before: Option<char>) -> Option<String> {
    let mut out: Option<String> = None;
    let mut prev = before;
    for (i, c) in text.char_indices() {
        if let Some(p) = prev
            && needs_space(p, c)
        {
            let buf = out.get_or_insert_with(|| text[..i].to_string());
            buf.push(' ');
        }
        if let Some(buf) = out.as_mut() {
            buf.push(c);
        }
        prev = Some(c);
    }
    out
}

fn needs_space(a: char, b: char) -> bool {
    let latin = |c: char| c.is_ascii_alphanumeric();
    (is_han(a) && latin(b)) || (latin(a) && is_han(b))
}

/// A heading's events held back until its text is known, so it can get an `id`.
struct HeadingBuffer<'a> {
    level: HeadingLevel,
    id: Option<CowStr<'a>>,
    classes: Vec<CowStr<'a>>,
    attrs: Vec<(CowStr<'a>, Option<CowStr<'a>>)>,
    inner: Vec<Event<'a>>,
    text: String,
}

impl<'a> HeadingBuffer<'a> {
    fn push(&mut self, event: Event<'a>) {
        if let Event::Text(t) | Event::Code(t) = &event {
            self.text.push_str(t);
        }
        self.inner.push(event);
    }

    fn flush(self, events: &mut Vec<Event<'a>>, ids: &mut IdAllocator) {
        let id = match self.id {
            Some(given) => given,
            None => CowStr::from(ids.allocate(&self.text)),
        };
        events.push(Event::Start(Tag::Heading {
            level: self.level,
            id: Some(id),
            classes: self.classes,
            attrs: self.attrs,
        }));
        events.extend(self.inner);
    }
}

/// Heading ids that keep Chinese (`## 开源之争` → `id="开源之争"`) and stay unique.
#[derive(Default)]
struct IdAllocator {
    seen: HashMap<String, usize>,
}

impl IdAllocator {
    fn allocate(&mut self, text: &str) -> String {
        let mut base = crate::slug::slugify(text);
        if base.is_empty() {
            base = "section".into();
        }
        let n = self.seen.entry(base.clone()).or_insert(0);
        *n += 1;
        if *n == 1 {
            base
        } else {
            format!("{base}-{}", *n - 1)
        }
    }
}

/// Lifts a heading that opens the body out of it, as the title.
struct TitleLift {
    /// Still looking at the body's first block.
    open: bool,
    in_heading: bool,
    text: String,
    done: Option<String>,
}

impl TitleLift {
    fn new(wanted: bool) -> Self {
        TitleLift {
            open: wanted,
            in_heading: false,
            text: String::new(),
            done: None,
        }
    }

    /// Whether `event` belongs to the lifted heading (and so not to the body).
    fn take(&mut self, event: &Event<'_>) -> bool {
        if !self.open {
            return false;
        }
        match event {
            Event::Start(Tag::Heading { .. }) if !self.in_heading => self.in_heading = true,
            Event::End(TagEnd::Heading(_)) => {
                self.open = false;
                let title = self.text.trim();
                self.done = (!title.is_empty()).then(|| title.to_string());
            }
            Event::Text(t) | Event::Code(t) if self.in_heading => self.text.push_str(t),
            _ if self.in_heading => {}
            _ => {
                self.open = false;
                return false;
            }
        }
        true
    }
}

/// Collects plain text and counts while events stream past.
#[derive(Default)]
struct TextState {
    text: String,
    more_at: Option<usize>,
    cjk_chars: usize,
    latin_words: usize,
    in_latin_word: bool,
}

impl TextState {
    fn observe(&mut self, event: &Event<'_>) {
        match event {
            Event::Text(t) | Event::Code(t) => self.push_text(t),
            Event::SoftBreak | Event::HardBreak => self.push_space(),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::TableCell
                | TagEnd::CodeBlock
                | TagEnd::BlockQuote(_),
            ) => self.push_space(),
            Event::Html(h) | Event::InlineHtml(h) if self.more_at.is_none() && is_more(h) => {
                self.more_at = Some(self.text.len());
            }
            _ => {}
        }
    }

    fn push_text(&mut self, t: &str) {
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
        }
    }

    fn push_space(&mut self) {
        self.in_latin_word = false;
        if !self.text.is_empty() && !self.text.ends_with(' ') {
            self.text.push(' ');
        }
    }

    fn finish(mut self, mut html: String) -> Rendered {
        let trimmed = self.text.trim_end().len();
        self.text.truncate(trimmed);
        // Both live as long as the site model: on a 10,000-article site the slack that
        // growing them left behind is tens of megabytes.
        html.shrink_to_fit();
        self.text.shrink_to_fit();
        let more_summary = self
            .more_at
            .map(|at| self.text.get(..at).unwrap_or_default().trim().to_string());
        Rendered {
            html,
            text: self.text,
            more_summary,
            title: None,
            cjk_chars: self.cjk_chars,
            latin_words: self.latin_words,
            links: Vec::new(),
        }
    }
}

fn is_more(html: &str) -> bool {
    let compact: String = html.chars().filter(|c| !c.is_whitespace()).collect();
    compact.contains("<!--more-->")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_extensions() {
        let r = render(
            "| a | b |\n|---|---|\n| 1 | 2 |\n\n~~旧~~\n\n- [x] 完成\n\n脚注[^1]\n\n[^1]: 说明\n",
            RenderOptions::default(),
        );
        assert!(r.html.contains("<table>"), "{}", r.html);
        assert!(r.html.contains("<del>旧</del>"));
        assert!(r.html.contains("type=\"checkbox\""));
        assert!(r.html.contains("footnote"));
    }

    #[test]
    fn headings_get_chinese_ids_unique() {
        let r = render(
            "## 开源之争\n\n## 开源之争\n\n## Grok 1.5 发布\n",
            RenderOptions::default(),
        );
        assert!(
            r.html.contains("<h2 id=\"开源之争\">开源之争</h2>"),
            "{}",
            r.html
        );
        assert!(r.html.contains("<h2 id=\"开源之争-1\">"));
        assert!(r.html.contains("<h2 id=\"grok-1.5-发布\">"));
        assert_eq!(r.title, None, "nothing is lifted unless asked");
    }

    #[test]
    fn an_opening_heading_is_lifted_as_the_title() {
        let lift = RenderOptions {
            lift_title: true,
            ..RenderOptions::default()
        };
        for md in ["# 开源 `Grok`\n\n正文\n", "开源 `Grok`\n===\n\n正文\n"] {
            let r = render(md, lift);
            assert_eq!(r.title.as_deref(), Some("开源 Grok"), "{md}");
            assert_eq!(r.html.trim(), "<p>正文</p>", "{md}");
            assert_eq!(r.text.trim(), "正文", "{md}");
        }
        let r = render("正文\n\n# 后来的标题\n", lift);
        assert_eq!(r.title, None);
        assert!(r.html.contains("<h1"), "{}", r.html);
    }

    #[test]
    fn collects_links_with_their_lines() {
        let r = render(
            "第一行\n\n见[旧文](/2024/03/grok/)。\n\n![图](/images/a.png)\n",
            RenderOptions::default(),
        );
        let found: Vec<(&str, usize)> = r
            .links
            .iter()
            .map(|l| (l.target.as_str(), l.line))
            .collect();
        assert_eq!(found, vec![("/2024/03/grok/", 3), ("/images/a.png", 5)]);
    }

    #[test]
    fn cjk_spacing_spaces_text_but_not_code_or_urls() {
        let on = RenderOptions {
            cjk_spacing: true,
            ..RenderOptions::default()
        };
        let r = render(
            "马斯克宣布xAI开源Grok-1模型，共3140亿参数。\n\n见[官网GitHub](https://x.ai/中文)和`代码a`。\n\n中文**AI**中文\n\n```\n代码block\n```\n",
            on,
        );
        assert!(
            r.html
                .contains("马斯克宣布 xAI 开源 Grok-1 模型，共 3140 亿参数。"),
            "{}",
            r.html
        );
        assert!(
            r.html.contains("href=\"https://x.ai/%E4%B8%AD%E6%96%87\""),
            "{}",
            r.html
        );
        assert!(r.html.contains("官网 GitHub"), "{}", r.html);
        assert!(r.html.contains("<code>代码a</code>"), "{}", r.html);
        // Across inline markup the space lands inside it; it reads the same.
        assert!(
            r.html.contains("中文<strong> AI</strong> 中文"),
            "{}",
            r.html
        );
        assert!(r.html.contains("代码block"), "{}", r.html);
        let off = render("马斯克宣布xAI开源", RenderOptions::default());
        assert!(off.html.contains("马斯克宣布xAI开源"));
    }

    #[test]
    fn host_relative_links_get_the_site_path() {
        let options = RenderOptions {
            root_path: Some("/portal/"),
            ..RenderOptions::default()
        };
        let r = render(
            "[a](/2024/03/x/) [b](//cdn.example.com/y) [c](https://a.com/z) [d](rel/) ![i](/images/p.svg)",
            options,
        );
        assert!(r.html.contains("href=\"/portal/2024/03/x/\""), "{}", r.html);
        assert!(r.html.contains("href=\"//cdn.example.com/y\""));
        assert!(r.html.contains("href=\"https://a.com/z\""));
        assert!(r.html.contains("href=\"rel/\""));
        assert!(r.html.contains("src=\"/portal/images/p.svg\""));
        assert_eq!(r.links[0].target, "/portal/2024/03/x/");
    }

    #[test]
    fn more_marker_splits_summary() {
        let r = render(
            "第一段，导语。\n\n<!--more-->\n\n第二段正文。\n",
            RenderOptions::default(),
        );
        assert_eq!(r.more_summary.as_deref(), Some("第一段，导语。"));
        assert_eq!(r.auto_summary(), "第一段，导语。");
    }

    #[test]
    fn auto_summary_cuts_on_char_boundary() {
        let body = "人".repeat(300);
        let s = render(&body, RenderOptions::default()).auto_summary();
        assert_eq!(s.chars().count(), SUMMARY_CHARS + 1);
        assert!(s.ends_with('…'));
        assert_eq!(truncate_chars("短文", 120), "短文");
    }

    #[test]
    fn counts_cjk_characters_and_latin_words_separately() {
        let r = render(
            "马斯克宣布 xAI 开源 Grok-1 模型。\n",
            RenderOptions::default(),
        );
        assert_eq!(r.cjk_chars, 9);
        assert_eq!(r.latin_words, 3); // xAI, Grok, 1
        let long = render(&"字".repeat(1000), RenderOptions::default());
        assert_eq!(long.reading_minutes(), 3);
        let words = render(&"word ".repeat(400), RenderOptions::default());
        assert_eq!(words.reading_minutes(), 2);
        assert_eq!(render("短", RenderOptions::default()).reading_minutes(), 1);
    }
}
