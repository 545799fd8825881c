//! Markdown to HTML, plus what the site needs to know about the text in the same pass:
//! plain text (for summaries and search), the `<!--more-->` split, the first heading (for
//! files without front matter), the links with their lines and the counts behind reading
//! time.
//!
//! It renders as the peers do: footnotes at the end ([`footnotes`]), fence info strings
//! read as Zola and Hugo read them ([`FenceInfo`]), and summaries without code, notes or a
//! repeated title ([`plain`]).

mod breaks;
mod cjk;
mod emphasis;
mod fence;
mod footnotes;
mod links;
mod plain;

use std::collections::HashMap;

use pulldown_cmark::{
    CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd, html,
};

pub use fence::FenceInfo;
pub use links::{BodyLink, decode_entities, html_attribute_values, in_tag};

use cjk::CjkSpacer;
use footnotes::Footnotes;
use links::{LineCounter, with_root_path};
use plain::TextState;

/// Characters shown in an automatic summary before it is cut.
const SUMMARY_CHARS: usize = 120;
/// Reading speeds: Chinese is counted in characters, Latin text in words.
const CJK_CHARS_PER_MINUTE: usize = 400;
const LATIN_WORDS_PER_MINUTE: usize = 200;

/// The rendered body and facts about its text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rendered {
    pub html: String,
    /// Plain text of the body, whitespace collapsed (search, feeds).
    pub text: String,
    /// Summary text before `<!--more-->`, when the author put one.
    pub more_summary: Option<String>,
    /// The text a summary is cut from: the body without code blocks, footnotes, shortcode
    /// syntax or an opening heading that repeats the title.
    pub summary_text: String,
    /// The heading that opened the body, lifted out of it (see [`RenderOptions::lift_title`]).
    pub title: Option<String>,
    pub cjk_chars: usize,
    pub latin_words: usize,
    /// Every link and image in the body (Markdown or raw HTML) with where it is (relative
    /// to the body), so `sitegen check` can point at the line a writer must fix.
    pub links: Vec<BodyLink>,
}

impl Rendered {
    /// Minutes to read, at least one.
    pub fn reading_minutes(&self) -> usize {
        let exact = self.cjk_chars as f64 / CJK_CHARS_PER_MINUTE as f64
            + self.latin_words as f64 / LATIN_WORDS_PER_MINUTE as f64;
        (exact.ceil() as usize).max(1)
    }

    /// The summary to show in listings: the `<!--more-->` part (the whole text when the
    /// marker closes the body), else the first [`SUMMARY_CHARS`] characters of summary
    /// text, cut on a character boundary. A marker with nothing before it counts as none.
    pub fn auto_summary(&self) -> String {
        match self.more_summary.as_ref().filter(|s| !s.is_empty()) {
            Some(s) => s.clone(),
            None => truncate_chars(&self.summary_text, SUMMARY_CHARS),
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
    /// The article's title from front matter: an opening heading that repeats it is left
    /// out of the summary.
    pub title: Option<&'a str>,
}

/// Renders a Markdown body.
pub fn render(markdown: &str, options: RenderOptions<'_>) -> Rendered {
    let prefix = options.root_path.filter(|p| *p != "/");
    let mut state = TextState::new(options.title);
    let mut spacer = options.cjk_spacing.then(CjkSpacer::default);
    let mut body: Vec<Event<'_>> = Vec::new();
    let mut footnotes = Footnotes::default();
    let mut heading: Option<HeadingBuffer<'_>> = None;
    let mut fences: Vec<Option<FenceInfo>> = Vec::new();
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
        links::collect(&event, range.start, &mut lines, &mut links);
        state.observe(&event);
        let event = match event {
            Event::Start(Tag::FootnoteDefinition(label)) => {
                footnotes.start(&label);
                continue;
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                footnotes.end();
                continue;
            }
            Event::Start(Tag::CodeBlock(kind)) => open_code_block(kind, &mut fences),
            Event::End(TagEnd::CodeBlock) => close_code_block(&mut fences),
            other => other,
        };
        let events = footnotes.sink().unwrap_or(&mut body);
        if let Some(mut buf) = heading.take() {
            if let Event::End(TagEnd::Heading(_)) = event {
                buf.flush(events, &mut ids);
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

    let mut html = String::with_capacity(markdown.len() + markdown.len() / 2);
    html::push_html(&mut html, footnotes.finish(body).into_iter());
    // It lives as long as the site model: on a 10,000-article site the slack that growing
    // it left behind is tens of megabytes.
    html.shrink_to_fit();
    let plain = state.finish();
    Rendered {
        html,
        text: plain.text,
        more_summary: plain.more_summary,
        summary_text: plain.summary_text,
        title: title.done,
        cjk_chars: plain.cjk_chars,
        latin_words: plain.latin_words,
        links,
    }
}

/// A fenced block opens as its info string says ([`FenceInfo`]); an indented one as
/// pulldown-cmark writes it.
fn open_code_block<'a>(kind: CodeBlockKind<'a>, fences: &mut Vec<Option<FenceInfo>>) -> Event<'a> {
    match kind {
        CodeBlockKind::Fenced(info) => {
            let fence = FenceInfo::parse(&info);
            let open = fence.open_html();
            fences.push(Some(fence));
            Event::Html(CowStr::from(open))
        }
        indented => {
            fences.push(None);
            Event::Start(Tag::CodeBlock(indented))
        }
    }
}

fn close_code_block<'a>(fences: &mut Vec<Option<FenceInfo>>) -> Event<'a> {
    match fences.pop().flatten() {
        Some(fence) => Event::Html(CowStr::Borrowed(fence.close_html())),
        None => Event::End(TagEnd::CodeBlock),
    }
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

/// Heading ids that keep Chinese (`## 开源之争` → `id="开源之争"`), stay unique and
/// leave the footnotes' ids alone.
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
        // `fn-N` and `fnref-N` are the footnotes' ids (see [`footnotes`]).
        if base.starts_with("fn-") || base.starts_with("fnref-") {
            base.insert_str(0, "h-");
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

    #[test]
    fn summaries_leave_out_code_notes_html_and_the_repeated_title() {
        let options = RenderOptions {
            title: Some("Grok 开源"),
            ..RenderOptions::default()
        };
        let md = "# Grok 开源\n\n导语[^1]。\n\n```rust\nfn main() {}\n```\n\n<div>浮层</div>\n\n结尾 {{< figure src=\"a.png\" >}} 段。\n\n[^1]: 注释正文。\n";
        let r = render(md, options);
        assert_eq!(r.auto_summary(), "导语。 结尾 段。");
        assert!(
            r.text.contains("fn main"),
            "search still finds code: {}",
            r.text
        );
        assert!(r.html.contains("<h1 id=\"grok-开源\">"), "{}", r.html);
        // A heading that is not the title stays.
        let r = render("# 另一个标题\n\n正文\n", options);
        assert_eq!(r.auto_summary(), "另一个标题 正文");
    }

    #[test]
    fn more_marker_on_the_last_line_keeps_the_whole_text() {
        for md in [
            "第一段。\n\n第二段。\n\n<!--more-->\n",
            "第一段。\n\n第二段。\n<!-- more -->",
        ] {
            let r = render(md, RenderOptions::default());
            assert_eq!(r.auto_summary(), "第一段。 第二段。", "{md:?}");
        }
        let first = render("<!--more-->\n\n正文。\n", RenderOptions::default());
        assert_eq!(first.auto_summary(), "正文。");
    }

    #[test]
    fn fenced_blocks_carry_their_attributes() {
        let r = render(
            "```rust,name=lib.rs,hl_lines=2\nfn a() {}\n```\n\n```go {linenos=true, hl_lines=[2,\"4-5\"], linenostart=10}\nx < y\n```\n\n    缩进代码\n",
            RenderOptions::default(),
        );
        assert!(
            r.html.contains("<figure class=\"code-block\"><figcaption>lib.rs</figcaption><pre><code class=\"language-rust\" data-name=\"lib.rs\" data-hl-lines=\"2\">fn a() {}\n</code></pre></figure>"),
            "{}",
            r.html
        );
        assert!(
            r.html.contains("<pre><code class=\"language-go\" data-hl-lines=\"2 4-5\" data-linenos=\"true\" data-linenostart=\"10\">x &lt; y\n</code></pre>"),
            "{}",
            r.html
        );
        assert!(
            r.html.contains("<pre><code>缩进代码\n</code></pre>"),
            "{}",
            r.html
        );
    }

    #[test]
    fn raw_html_links_are_collected_with_line_and_column() {
        let r = render(
            "导语\n\n<p>见 <a href=\"/old/?a=1&amp;b=2\">旧文</a></p>\n\n正文 <img src=\"/i.png\">\n",
            RenderOptions::default(),
        );
        let found: Vec<(&str, usize, usize)> = r
            .links
            .iter()
            .map(|l| (l.target.as_str(), l.line, l.col))
            .collect();
        assert_eq!(found, vec![("/old/?a=1&b=2", 3, 9), ("/i.png", 5, 9)]);
    }
}
