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
mod diagram;
mod emphasis;
mod fence;
mod footnotes;
mod highlight;
mod images;
mod links;
mod math;
mod plain;
mod toc;

use std::cell::Cell;
use std::collections::HashMap;
use std::ops::Range;

use pulldown_cmark::{
    CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd, html,
};

pub use fence::FenceInfo;
pub(crate) use fence::{closes_fence, opens_fence};
pub use highlight::CodeAhead;
pub use links::{BodyLink, decode_entities, html_attribute_values, in_tag};
pub use toc::{TocEntry, toc};

use crate::config::MarkdownConfig;
use crate::escape;
use cjk::CjkSpacer;
use footnotes::Footnotes;
pub use images::BodyImage;
use images::{ImageBuffer, Images};
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
    /// Every heading, in order, with the id it was given (see [`toc`]).
    pub headings: Vec<Heading>,
    /// Problems in the body a writer should fix (a formula that does not parse), at lines
    /// relative to the body.
    pub warnings: Vec<BodyWarning>,
    /// The body has a code block: its page loads the code stylesheet and copy script.
    pub has_code: bool,
    /// The body has a formula.
    pub has_math: bool,
    /// The body has a diagram: its page loads the diagram script.
    pub has_diagram: bool,
    /// The Markdown pictures, in order, as written (see [`BodyImage`]).
    pub images: Vec<BodyImage>,
}

/// A heading of the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    /// 1 for `#`, 2 for `##`…
    pub level: u8,
    pub id: String,
    /// Its text, whitespace collapsed.
    pub title: String,
}

/// A problem in the body, at a line relative to it (`load` shifts it to the file's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyWarning {
    pub line: usize,
    /// 1-based column in characters.
    pub col: usize,
    pub message: String,
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

fn parser_options(markdown: MarkdownConfig) -> Options {
    let mut options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES;
    if markdown.math {
        options |= Options::ENABLE_MATH;
    }
    options
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
    /// The site's `[markdown]` switches.
    pub markdown: MarkdownConfig,
}

/// Renders a Markdown body.
///
/// The body streams through in top-level blocks: each block's events are parsed, passed
/// through the rewriting passes and [`Body`], and written as HTML before the next block is
/// parsed, so no list of the whole body's events is ever held (for a 50 MB article such
/// lists took 7 bytes of memory per byte of Markdown). Footnote references are the one
/// thing a block cannot settle alone — whether a note exists and its number are known at
/// the end — so each leaves its place in the HTML, filled in once the body is done.
pub fn render(markdown: &str, options: RenderOptions<'_>) -> Rendered {
    render_in_parts(markdown, options, PART_BYTES)
}

/// [`render`], parsing `part` bytes at a time (0: all at once).
fn render_in_parts(markdown: &str, options: RenderOptions<'_>, part: usize) -> Rendered {
    let written = Cell::new(0);
    let mut html = String::with_capacity(markdown.len() + markdown.len() / 2);
    let mut stream = Stream {
        blocks: Blocks::new(markdown, options.markdown, part),
        body: Body::new(markdown, options),
        ready: Vec::new(),
        references: Vec::new(),
        written: &written,
        links: Vec::new(),
        finished: false,
    };
    let sink = Counted {
        out: &mut html,
        written: &written,
    };
    // Writing into a String cannot fail.
    let _ = html::write_html_fmt(sink, &mut stream);
    let Stream {
        body,
        references,
        links,
        ..
    } = stream;
    body.finish(with_references(html, &references, &links))
}

type Spanned<'a> = (Event<'a>, Range<usize>);

/// Bytes of a long body parsed at once. pulldown-cmark holds a tree of the whole text it
/// parses (about 1.4 bytes per byte), so a long body is parsed in parts (see [`Blocks`]).
const PART_BYTES: usize = 256 * 1024;

/// The parser's events a top-level block at a time, through the passes that rewrite
/// events by looking at their neighbours. Those passes never look past the block an event
/// is in, so running them a block at a time gives what running them on the whole body did.
///
/// A body longer than a part is parsed a part at a time, each part starting at a
/// top-level block, so that the parser's tree never holds the whole body. Markdown
/// decides where a block ends line by line, from the lines before (and the next one, for
/// a setext underline or a table's delimiter row), so a block followed by another in the
/// same part parses as it does in the whole body, and so does what follows it. The last
/// block of a part is parsed again at the start of the next. The one thing that reaches
/// across the whole body is a link reference definition (`[x]: url`, used anywhere), so a
/// body with `]:` anywhere in it is parsed whole. Parts start only at a block after a
/// blank line; the blocks since the last such place are held until the next.
struct Blocks<'a> {
    source: &'a str,
    switches: MarkdownConfig,
    /// The part being parsed: `source[start..end]`, its ranges relative to `start`.
    parser: pulldown_cmark::OffsetIter<'a>,
    start: usize,
    end: usize,
    /// Bytes a part takes; 0: the whole body at once.
    part: usize,
    /// The current part's size (doubled when a part held no place to restart at).
    size: usize,
    /// Where the next part starts when one is needed: the start of the line of the first
    /// block not yet handed on.
    restart: usize,
    /// Blocks read since `restart`, waiting for the next place to restart at.
    held: Vec<Vec<Spanned<'a>>>,
    /// Blocks ready to hand on, first first.
    ready: std::collections::VecDeque<Vec<Spanned<'a>>>,
    /// Emptied blocks given back ([`Blocks::recycle`]), so that reading a block does not
    /// grow a new vector from nothing each time.
    spare: Vec<Vec<Spanned<'a>>>,
}

impl<'a> Blocks<'a> {
    fn new(source: &'a str, switches: MarkdownConfig, part: usize) -> Self {
        let whole = part == 0 || memchr::memmem::find(source.as_bytes(), b"]:").is_some();
        let part = if whole { 0 } else { part };
        let end = if part == 0 {
            source.len()
        } else {
            part_end(source, part)
        };
        Blocks {
            source,
            switches,
            parser: Parser::new_ext(&source[..end], parser_options(switches)).into_offset_iter(),
            start: 0,
            end,
            part,
            size: part,
            restart: 0,
            held: Vec::new(),
            ready: std::collections::VecDeque::new(),
            spare: Vec::new(),
        }
    }

    /// Takes back a block whose events were all handed on.
    fn recycle(&mut self, mut block: Vec<Spanned<'a>>) {
        block.clear();
        self.spare.push(block);
    }

    /// The next top-level block's events, or None at the end of the body.
    fn next_block(&mut self) -> Option<Vec<Spanned<'a>>> {
        loop {
            if let Some(mut block) = self.ready.pop_front() {
                self.rewrite(&mut block);
                return Some(block);
            }
            let Some(block) = self.read_block() else {
                if self.end == self.source.len() {
                    if self.held.is_empty() {
                        return None;
                    }
                    self.ready.extend(self.held.drain(..));
                } else {
                    self.next_part();
                }
                continue;
            };
            let at = block[0].1.start;
            if self.end == self.source.len() {
                self.ready.extend(self.held.drain(..));
                self.ready.push_back(block);
                continue;
            }
            if let Some(line) = self.restart_at(at) {
                self.ready.extend(self.held.drain(..));
                self.restart = line;
            }
            self.held.push(block);
        }
    }

    /// The current part's next top-level block, its ranges in `source`.
    fn read_block(&mut self) -> Option<Vec<Spanned<'a>>> {
        let mut block = self.spare.pop().unwrap_or_default();
        let mut depth = 0usize;
        for (event, range) in self.parser.by_ref() {
            match event {
                Event::Start(_) => depth += 1,
                Event::End(_) => depth = depth.saturating_sub(1),
                _ => {}
            }
            block.push((event, range.start + self.start..range.end + self.start));
            if depth == 0 {
                break;
            }
        }
        if block.is_empty() {
            self.spare.push(block);
            return None;
        }
        Some(block)
    }

    /// The start of the line of a block starting at `at`, when the part may restart
    /// there: only indentation before the block on its line, and a blank line before it.
    fn restart_at(&self, at: usize) -> Option<usize> {
        let bytes = self.source.as_bytes();
        let line = memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |n| n + 1);
        let blank = |s: &[u8]| s.iter().all(|&b| b == b' ' || b == b'\t');
        if line == 0 || !blank(&bytes[line..at]) {
            return None;
        }
        let previous = memchr::memrchr(b'\n', &bytes[..line - 1]).map_or(0, |n| n + 1);
        blank(&bytes[previous..line - 1]).then_some(line)
    }

    /// Parses on from `restart`, in a part twice as long when the last one held no place
    /// to restart at.
    fn next_part(&mut self) {
        if self.restart == self.start {
            self.size = self.size.saturating_mul(2);
        } else {
            self.size = self.part;
        }
        self.held.clear();
        self.start = self.restart;
        self.end = part_end(self.source, self.start + self.size);
        self.parser = Parser::new_ext(
            &self.source[self.start..self.end],
            parser_options(self.switches),
        )
        .into_offset_iter();
    }

    /// The passes that rewrite a block's events.
    fn rewrite(&self, block: &mut Vec<Spanned<'a>>) {
        if self.switches.math {
            math::dollars_as_text(self.source, block);
        }
        if self.switches.cjk_friendly_emphasis {
            *block = emphasis::cjk_friendly(self.source, std::mem::take(block));
        }
        if self.switches.east_asian_line_breaks {
            *block = breaks::join_cjk_lines(std::mem::take(block));
        }
    }
}

/// The end of a part reaching to `at`: the end of that line, or of the body.
fn part_end(source: &str, at: usize) -> usize {
    if at >= source.len() {
        return source.len();
    }
    memchr::memchr(b'\n', &source.as_bytes()[at..]).map_or(source.len(), |n| at + n + 1)
}

/// The events for the HTML writer, pulled a block at a time through [`Body`]. A footnote
/// reference is written as nothing, its place (`written`, the bytes written so far)
/// noted; the notes follow the last block.
struct Stream<'a, 'o, 'w> {
    blocks: Blocks<'a>,
    body: Body<'a, 'o>,
    /// The current block's finished events, last first.
    ready: Vec<Event<'a>>,
    /// Each footnote reference met: where it goes in the HTML, and its label.
    references: Vec<(usize, CowStr<'a>)>,
    written: &'w Cell<usize>,
    /// What each reference became, once the body is done.
    links: Vec<String>,
    finished: bool,
}

impl<'a> Iterator for Stream<'a, '_, '_> {
    type Item = Event<'a>;

    fn next(&mut self) -> Option<Event<'a>> {
        loop {
            if let Some(event) = self.ready.pop() {
                if let Event::FootnoteReference(label) = event {
                    self.references.push((self.written.get(), label));
                    // Writes nothing, and leaves the writer as a reference would: not at
                    // the start of a line.
                    return Some(Event::Text(CowStr::Borrowed("")));
                }
                return Some(event);
            }
            if self.finished {
                return None;
            }
            match self.blocks.next_block() {
                Some(mut block) => {
                    for (event, range) in block.drain(..) {
                        self.body.event(event, range);
                    }
                    self.blocks.recycle(block);
                    std::mem::swap(&mut self.ready, &mut self.body.out);
                    self.ready.reverse();
                }
                None => {
                    self.finished = true;
                    let footnotes = std::mem::take(&mut self.body.footnotes);
                    let labels: Vec<&str> = self.references.iter().map(|(_, l)| &**l).collect();
                    let (links, notes) = footnotes.finish(&labels);
                    self.links = links;
                    self.ready
                        .extend(notes.map(|n| Event::Html(CowStr::from(n))));
                }
            }
        }
    }
}

/// The HTML writer's output, counting the bytes written so far for [`Stream`].
struct Counted<'s> {
    out: &'s mut String,
    written: &'s Cell<usize>,
}

impl std::fmt::Write for Counted<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.out.push_str(s);
        self.written.set(self.out.len());
        Ok(())
    }
}

/// `html` with each footnote reference's HTML put in at its place.
fn with_references(html: String, references: &[(usize, CowStr<'_>)], links: &[String]) -> String {
    if references.is_empty() {
        return html;
    }
    let added: usize = links.iter().map(String::len).sum();
    let mut out = String::with_capacity(html.len() + added);
    let mut done = 0;
    for ((at, _), link) in references.iter().zip(links) {
        out.push_str(&html[done..*at]);
        out.push_str(link);
        done = *at;
    }
    out.push_str(&html[done..]);
    out
}

/// The state of one body's render: each event goes through the passes in order (title
/// lift, CJK spacing, site path, link and text collection), then is written out, some
/// (code blocks, formulas, images, headings) through their own renderers.
struct Body<'a, 'o> {
    options: RenderOptions<'o>,
    state: TextState,
    spacer: Option<CjkSpacer>,
    out: Vec<Event<'a>>,
    footnotes: Footnotes<'a>,
    heading: Option<HeadingBuffer<'a>>,
    code: Option<CodeBuffer>,
    image: Option<ImageBuffer<'a>>,
    images: Images,
    ids: IdAllocator,
    headings: Vec<Heading>,
    links: Vec<BodyLink>,
    lines: LineCounter<'a>,
    title: TitleLift,
    warnings: Vec<BodyWarning>,
    has_code: bool,
    has_math: bool,
    has_diagram: bool,
}

impl<'a, 'o> Body<'a, 'o> {
    fn new(markdown: &'a str, options: RenderOptions<'o>) -> Self {
        Body {
            options,
            state: TextState::new(options.title, markdown, options.root_path),
            spacer: options.cjk_spacing.then(CjkSpacer::default),
            out: Vec::new(),
            footnotes: Footnotes::default(),
            heading: None,
            code: None,
            image: None,
            images: Images::default(),
            ids: IdAllocator::default(),
            headings: Vec::new(),
            links: Vec::new(),
            lines: LineCounter::new(markdown),
            title: TitleLift::new(options.lift_title),
            warnings: Vec::new(),
            has_code: false,
            has_math: false,
            has_diagram: false,
        }
    }

    fn event(&mut self, event: Event<'a>, range: Range<usize>) {
        if self.title.take(&event) {
            return;
        }
        let event = match self.spacer.as_mut() {
            Some(spacer) => spacer.apply(event),
            None => event,
        };
        let event = match self.options.root_path.filter(|p| *p != "/") {
            Some(prefix) => with_root_path(event, prefix),
            None => event,
        };
        links::collect(&event, range.start, &mut self.lines, &mut self.links);
        self.state.observe(&event);
        if let Some(code) = self.code.as_mut() {
            match event {
                Event::Text(text) => code.text.push_str(&text),
                Event::End(TagEnd::CodeBlock) => self.close_code_block(),
                _ => {}
            }
            return;
        }
        if let Some(image) = self.image.as_mut() {
            match event {
                Event::End(TagEnd::Image) => self.close_image(),
                Event::Text(t) | Event::Code(t) => image.alt.push_str(&t),
                _ => {}
            }
            return;
        }
        if !matches!(event, Event::End(TagEnd::Paragraph)) {
            // Only a picture that closes its paragraph stands alone in it.
            self.images.not_alone();
        }
        let event = match event {
            Event::Start(Tag::FootnoteDefinition(label)) => {
                self.footnotes.start(&label);
                return;
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                self.footnotes.end();
                return;
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                self.code = Some(CodeBuffer::open(kind));
                return;
            }
            Event::Start(Tag::Image {
                dest_url, title, ..
            }) => {
                self.image = Some(ImageBuffer::new(dest_url, title));
                return;
            }
            Event::InlineMath(tex) => self.formula(&tex, false, range.start),
            Event::DisplayMath(tex) => self.formula(&tex, true, range.start),
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => links::open_link(link_type, dest_url, title, id, self.options.markdown),
            Event::End(TagEnd::Paragraph) => {
                let out = self.footnotes.sink().unwrap_or(&mut self.out);
                if self.images.make_figure(out) {
                    return;
                }
                Event::End(TagEnd::Paragraph)
            }
            Event::Text(text) if self.heading.is_none() => breaks::keep_runs_together(text),
            other => other,
        };
        self.write(event);
    }

    /// Writes an event out, through the heading being gathered if one is open.
    fn write(&mut self, event: Event<'a>) {
        let out = self.footnotes.sink().unwrap_or(&mut self.out);
        if let Some(mut heading) = self.heading.take() {
            if let Event::End(TagEnd::Heading(_)) = event {
                let written = heading.flush(out, &mut self.ids);
                self.headings.push(written);
                out.push(event);
            } else {
                heading.push(event);
                self.heading = Some(heading);
            }
            return;
        }
        match event {
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => self.heading = Some(HeadingBuffer::new(level, id, classes, attrs)),
            other => out.push(other),
        }
    }

    fn close_code_block(&mut self) {
        let Some(code) = self.code.take() else {
            return;
        };
        let html = match &code.fence {
            Some(fence) if fence.lang.as_deref().is_some_and(diagram::is_mermaid) => {
                self.has_diagram = true;
                diagram::mermaid(&code.text)
            }
            fence => {
                self.has_code = true;
                let options = highlight::CodeOptions {
                    highlight: self.options.markdown.highlight_code,
                };
                highlight::code_block(fence.as_ref(), &code.text, options)
            }
        };
        self.write(Event::Html(CowStr::from(html)));
    }

    fn close_image(&mut self) {
        let Some(image) = self.image.take() else {
            return;
        };
        let html = self.images.render(&image);
        self.write(Event::InlineHtml(CowStr::from(html)));
    }

    /// A formula as MathML; one that does not parse is a warning at its place and is
    /// shown as its source.
    fn formula(&mut self, tex: &str, display: bool, at: usize) -> Event<'a> {
        self.has_math = true;
        match math::to_mathml(tex, display) {
            Ok(mathml) => Event::InlineHtml(CowStr::from(mathml)),
            Err(message) => {
                let (line, col) = self.lines.line_col(at);
                self.warnings.push(BodyWarning {
                    line,
                    col,
                    message: format!("formula does not parse: {message}"),
                });
                Event::InlineHtml(CowStr::from(format!(
                    "<code class=\"math-error\">{}</code>",
                    escape::html(tex)
                )))
            }
        }
    }

    fn finish(self, mut html: String) -> Rendered {
        // It lives as long as the site model: on a 10,000-article site the slack that
        // growing it left behind is tens of megabytes.
        html.shrink_to_fit();
        let plain = self.state.finish();
        Rendered {
            html,
            text: plain.text,
            more_summary: plain.more_summary,
            summary_text: plain.summary_text,
            title: self.title.done,
            cjk_chars: plain.cjk_chars,
            latin_words: plain.latin_words,
            links: self.links,
            headings: self.headings,
            warnings: self.warnings,
            has_code: self.has_code,
            has_math: self.has_math,
            has_diagram: self.has_diagram,
            images: self.images.found,
        }
    }
}

/// A code block's text, gathered until it closes so it can be highlighted whole.
struct CodeBuffer {
    /// None for an indented block.
    fence: Option<FenceInfo>,
    text: String,
}

impl CodeBuffer {
    fn open(kind: CodeBlockKind<'_>) -> Self {
        CodeBuffer {
            fence: match kind {
                CodeBlockKind::Fenced(info) => Some(FenceInfo::parse(&info)),
                CodeBlockKind::Indented => None,
            },
            text: String::new(),
        }
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
    fn new(
        level: HeadingLevel,
        id: Option<CowStr<'a>>,
        classes: Vec<CowStr<'a>>,
        attrs: Vec<(CowStr<'a>, Option<CowStr<'a>>)>,
    ) -> Self {
        HeadingBuffer {
            level,
            id,
            classes,
            attrs,
            inner: Vec::new(),
            text: String::new(),
        }
    }

    fn push(&mut self, event: Event<'a>) {
        let event = match event {
            Event::Text(t) => {
                self.text.push_str(&t);
                breaks::keep_runs_together(t)
            }
            Event::Code(t) => {
                self.text.push_str(&t);
                Event::Code(t)
            }
            other => other,
        };
        self.inner.push(event);
    }

    /// Writes the heading with its id and a `#` link to itself; returns it for the table
    /// of contents.
    fn flush(self, events: &mut Vec<Event<'a>>, ids: &mut IdAllocator) -> Heading {
        let id = match self.id {
            Some(given) => given.to_string(),
            None => ids.allocate(&self.text),
        };
        let anchor = format!(
            "<a class=\"anchor\" href=\"#{}\" aria-label=\"本节链接\">#</a>",
            escape::html(&id)
        );
        events.push(Event::Start(Tag::Heading {
            level: self.level,
            id: Some(CowStr::from(id.clone())),
            classes: self.classes,
            attrs: self.attrs,
        }));
        events.extend(self.inner);
        events.push(Event::InlineHtml(CowStr::from(anchor)));
        Heading {
            level: self.level as u8,
            id,
            title: self.text.split_whitespace().collect::<Vec<_>>().join(" "),
        }
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
            r.html.contains(
                "<h2 id=\"开源之争\">开源之争<a class=\"anchor\" href=\"#开源之争\" aria-label=\"本节链接\">#</a></h2>"
            ),
            "{}",
            r.html
        );
        let ids: Vec<&str> = r.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["开源之争", "开源之争-1", "grok-1.5-发布"]);
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
            r.html.contains("<figure class=\"code-block\"><figcaption>lib.rs</figcaption><pre><code class=\"language-rust\" data-name=\"lib.rs\" data-hl-lines=\"2\"><span class=\"line\"><span class=\"hl-k\">fn</span>"),
            "{}",
            r.html
        );
        assert!(
            r.html.contains("<pre><code class=\"language-go\" data-hl-lines=\"2 4-5\" data-linenos=\"true\" data-linenostart=\"10\"><span class=\"line\" data-line=\"10\"><span class=\"hl-v\">x</span> <span class=\"hl-o\">&lt;</span>"),
            "{}",
            r.html
        );
        assert!(
            r.html.contains("<pre><code>缩进代码\n</code></pre>"),
            "{}",
            r.html
        );
    }

    /// Markdown of most kinds, for rendering whole and in parts: lists tight and loose,
    /// quotes, fences and HTML blocks with blank lines and unindented lines inside, tables,
    /// setext headings, indented code, CJK emphasis and line breaks, formulas, pictures.
    const MIXED: &str = "# 标题\n\n第一段**注意：**正文和**重点**。\n第二行\n\n- 甲\n- 乙\n\n- 丙\n\n  续\n\n1. 一\n2. 二\n\n> 引用\n> ```\n> 代码\n\n正文 $x^2$ 与 $30降到$20。\n\n```rust\nfn a() {}\n\nno indent\n```\n\n<!-- 注释\n\n跨空行 -->\n\n<div>\n块\n</div>\n\n<pre>\n\n预排\n</pre>\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n副标题\n===\n\n    缩进代码\n\n    续行\n\n***\n\n![图](/a.png \"说明\")\n\n## 开源之争\n\n## 开源之争\n\n- ```\n  列表里的代码\n\n  ```\n\n```\n未闭合\n\n正文?\n";

    #[test]
    fn a_body_parsed_in_parts_renders_as_parsed_whole() {
        let long = format!(
            "{}\n<!--more-->\n\n{}",
            MIXED.replace("未闭合", "闭合\n```"),
            MIXED
        )
        .repeat(3);
        for body in [MIXED.to_string(), long] {
            let whole = render_in_parts(&body, RenderOptions::default(), 0);
            for part in [1, 9, 60, 300, 4096] {
                assert_eq!(
                    render_in_parts(&body, RenderOptions::default(), part),
                    whole,
                    "parts of {part} bytes"
                );
            }
        }
    }

    #[test]
    fn a_body_with_a_link_reference_definition_is_parsed_whole() {
        let body = format!("{}\n\n见[定义]。\n\n[定义]: /x/\n", "段落。\n\n".repeat(50));
        let r = render_in_parts(&body, RenderOptions::default(), 16);
        assert!(r.html.contains("<a href=\"/x/\">定义</a>"), "{}", r.html);
    }

    #[test]
    fn footnote_references_anywhere_are_numbered_in_the_stream() {
        let md = "| 列[^a] |\n|---|\n| 格[^b] |\n\n## 标题[^a]\n\n正文[^c]。\n\n[^b]: 乙。\n[^a]: 甲。\n";
        let html = render(md, RenderOptions::default()).html;
        assert!(
            html.contains(
                "列<sup class=\"footnote-ref\"><a href=\"#fn-1\" id=\"fnref-1\">1</a></sup>"
            ),
            "{html}"
        );
        assert!(
            html.contains("格<sup class=\"footnote-ref\"><a href=\"#fn-2\""),
            "{html}"
        );
        assert!(html.contains("id=\"fnref-1-2\">1</a>"), "{html}");
        assert!(html.contains("正文[^c]。"), "{html}");
        assert!(html.ends_with("</ol>\n</section>\n"), "{html}");
    }

    #[test]
    fn a_long_body_keeps_only_the_summary_it_needs() {
        let paragraph = "人工智能正在改变新闻行业的工作方式。".repeat(40);
        let long = format!("{paragraph}\n\n").repeat(100);
        let r = render(&long, RenderOptions::default());
        let expected = truncate_chars(&paragraph, SUMMARY_CHARS);
        assert_eq!(r.auto_summary(), expected);
        assert!(r.summary_text.len() < 32 * 1024, "{}", r.summary_text.len());
        assert_eq!(r.text.len(), long.trim_end().len() - 99);

        let marked = format!("导语。\n\n<!--more-->\n\n{long}");
        let r = render(&marked, RenderOptions::default());
        assert_eq!(r.auto_summary(), "导语。");
        assert!(r.summary_text.len() < 32 * 1024, "{}", r.summary_text.len());

        // A marker late in the body still has everything before it.
        let late = format!("{long}<!--more-->\n\n结尾。\n");
        let r = render(&late, RenderOptions::default());
        assert_eq!(
            r.more_summary.map(|s| s.chars().count()),
            Some(long.chars().count() - 200 + 99)
        );
        // An empty part before the marker: the summary is cut from the whole text.
        let r = render(&format!("<!--more-->\n\n{long}"), RenderOptions::default());
        assert_eq!(r.auto_summary(), expected);
        // Template syntax early in the text may close late: nothing is cut.
        let r = render(
            &format!("{{{{< 未闭合\n\n{long}收尾 >}}}} 完"),
            RenderOptions::default(),
        );
        assert_eq!(r.auto_summary(), "完");
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
