//! Emphasis that works in Chinese: the CommonMark CJK-friendly amendments
//! (<https://github.com/tats-u/markdown-cjk-friendly/blob/main/specification.md>, the rule
//! comrak and several JavaScript parsers adopted and pulldown-cmark merged but has not
//! released).
//!
//! CommonMark decides whether `**` opens or closes from the characters around it, and
//! counts CJK punctuation as punctuation: in `**注意：**正文` the second `**` follows `：`
//! and precedes a letter, so it may not close, and the reader sees the asterisks. Worse,
//! in `**注意：**正文和**重点**。` CommonMark does pair all four runs — into a strong
//! nested in another. So it is not enough to pair what pulldown-cmark left literal: for
//! each inline container (a paragraph, heading, table cell or tight list item) that has
//! delimiters and CJK text, this pass takes pulldown-cmark's emphasis apart into delimiter
//! runs again (their source offsets say which characters they were), reads every run's
//! neighbours with the amended flanking rules ([`chars`]) and runs CommonMark's "process
//! emphasis" algorithm ([`pairing`]) over the container. Code spans, raw HTML, math,
//! footnote references and links stay whole (a link's text is a container of its own, as
//! in CommonMark); code blocks and HTML blocks are never looked at. Where the amended rules
//! agree with CommonMark — any text without CJK next to a delimiter — the result is the
//! one pulldown-cmark gave.

mod chars;
mod pairing;

use std::ops::Range;

use memchr::{memchr3, memmem};
use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

pub(super) use chars::is_spaceless;
use chars::{Around, can_open_close};
use pairing::{Pair, Run, pair};

type Spanned<'a> = (Event<'a>, Range<usize>);

/// Re-pairs emphasis with the amended flanking rules. `source` is the Markdown the events
/// were parsed from (their ranges index it). Containers that cannot change — no delimiter
/// left in their text and at most one emphasis span, or no character at or above U+1000
/// — are passed through untouched, so a document with nothing to do costs one scan.
pub(super) fn cjk_friendly<'a>(source: &'a str, events: Vec<Spanned<'a>>) -> Vec<Spanned<'a>> {
    rework_containers(source, events, false)
}

/// [`cjk_friendly`], or with `all`, every container reworked (tests compare that with
/// pulldown-cmark's own pairing).
fn rework_containers<'a>(source: &'a str, events: Vec<Spanned<'a>>, all: bool) -> Vec<Spanned<'a>> {
    let segments = containers_to_rework(&events, all);
    if segments.is_empty() {
        return events;
    }
    let mut out = Vec::with_capacity(events.len() + 8 * segments.len());
    let mut rest = events.into_iter();
    let mut at = 0;
    for segment in segments {
        out.extend(rest.by_ref().take(segment.start - at));
        let inline: Vec<Spanned<'a>> = rest.by_ref().take(segment.end - segment.start).collect();
        out.extend(rework(source, inline, Edges::LINE));
        at = segment.end;
    }
    out.extend(rest);
    out
}

/// The index ranges of maximal runs of inline events (one container's content each) that
/// the amendment could change.
fn containers_to_rework(events: &[Spanned<'_>], all: bool) -> Vec<Range<usize>> {
    let mut found = Vec::new();
    let mut verbatim = 0usize;
    let mut open: Option<(usize, Delimiters)> = None;
    for (index, (event, _)) in events.iter().enumerate() {
        if verbatim == 0 && is_inline(event) {
            open.get_or_insert((index, Delimiters::default()))
                .1
                .observe(event);
            continue;
        }
        if let Some((start, delimiters)) = open.take()
            && (all || delimiters.could_change(&events[start..index]))
        {
            found.push(start..index);
        }
        match event {
            Event::Start(Tag::CodeBlock(_) | Tag::HtmlBlock | Tag::MetadataBlock(_)) => {
                verbatim += 1;
            }
            Event::End(TagEnd::CodeBlock | TagEnd::HtmlBlock | TagEnd::MetadataBlock(_)) => {
                verbatim = verbatim.saturating_sub(1);
            }
            _ => {}
        }
    }
    if let Some((start, delimiters)) = open
        && (all || delimiters.could_change(&events[start..]))
    {
        found.push(start..events.len());
    }
    found
}

/// The delimiters in one container, counted while scanning for containers.
#[derive(Default)]
struct Delimiters {
    /// Some text has `*`, `_` or `~` that pulldown-cmark left literal.
    literal: bool,
    /// Emphasis, strong and strikethrough spans pulldown-cmark made.
    spans: usize,
}

impl Delimiters {
    fn observe(&mut self, event: &Event<'_>) {
        match event {
            Event::Text(text) if !self.literal => {
                self.literal = memchr3(b'*', b'_', b'~', text.as_bytes()).is_some();
            }
            Event::Start(Tag::Emphasis | Tag::Strong | Tag::Strikethrough) => self.spans += 1,
            _ => {}
        }
    }

    /// Whether the amended rules could pair the container's runs otherwise than
    /// CommonMark did. One span alone and nothing literal cannot change — its opener still
    /// opens and its closer still closes (the amendment only widens CommonMark's rules),
    /// and nothing else is there to pair with — unless a variation selector is about:
    /// punctuation followed by one is still punctuation to the amendment, which may stop a
    /// run from closing. And the rules differ only next to characters at or above U+1000
    /// (a UTF-8 lead byte from 0xE1), where the CJK characters and the selectors are; the
    /// selectors are in U+FE00–U+FE3F (UTF-8 `EF B8 ..`).
    fn could_change(&self, container: &[Spanned<'_>]) -> bool {
        if !self.literal && self.spans == 0 {
            return false;
        }
        let texts = || {
            container.iter().filter_map(|(event, _)| match event {
                Event::Text(text) => Some(text.as_bytes()),
                _ => None,
            })
        };
        if self.literal || self.spans >= 2 {
            texts().any(|bytes| bytes.iter().any(|&b| b >= 0xE1))
        } else {
            texts().any(|bytes| memmem::find(bytes, b"\xEF\xB8").is_some())
        }
    }
}

fn is_inline(event: &Event<'_>) -> bool {
    match event {
        Event::Text(_)
        | Event::Code(_)
        | Event::InlineHtml(_)
        | Event::InlineMath(_)
        | Event::DisplayMath(_)
        | Event::FootnoteReference(_)
        | Event::SoftBreak
        | Event::HardBreak
        | Event::TaskListMarker(_) => true,
        Event::Start(tag) => is_inline_end(&tag.to_end()),
        Event::End(end) => is_inline_end(end),
        Event::Html(_) | Event::Rule => false,
    }
}

fn is_inline_end(end: &TagEnd) -> bool {
    matches!(
        end,
        TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::Link
            | TagEnd::Image
    )
}

/// What a container's first run sees before it and its last run after it: nothing (the
/// edge of a line, read as whitespace) for a block's text, the brackets for a link's.
#[derive(Clone, Copy)]
struct Edges {
    before: Option<char>,
    after: Option<char>,
}

impl Edges {
    const LINE: Edges = Edges {
        before: None,
        after: None,
    };
    const BRACKETS: Edges = Edges {
        before: Some('['),
        after: Some(']'),
    };
}

/// One piece of a container, in order.
enum Piece<'a> {
    /// Text taken verbatim from the source, with no delimiter in it.
    Slice(Range<usize>),
    /// `len` × `ch` at `start` in the source: part or all of a delimiter run.
    Delim { ch: u8, start: usize, len: usize },
    /// Events passed through whole — code, raw HTML, math, breaks, a link with its
    /// (separately reworked) text — and the characters they show their neighbours (None
    /// reads as whitespace).
    Kept {
        events: Vec<Spanned<'a>>,
        first: Option<char>,
        last: Option<char>,
    },
}

/// One container's events, with emphasis re-paired. Events pulldown-cmark should never
/// produce (an unbalanced span, a span whose range does not start at its delimiter) leave
/// the container as it was.
fn rework<'a>(source: &'a str, events: Vec<Spanned<'a>>, edges: Edges) -> Vec<Spanned<'a>> {
    let Some(pieces) = tokenize(source, &events) else {
        return events;
    };
    let pieces = merge_runs(pieces);
    let (runs, run_of_piece) = read_runs(source, &pieces, edges);
    let pairs = pair(&runs);
    emit(source, pieces, &runs, &run_of_piece, &pairs)
}

fn kept<'a>(event: Spanned<'a>, first: Option<char>, last: Option<char>) -> Piece<'a> {
    Piece::Kept {
        events: vec![event],
        first,
        last,
    }
}

fn tokenize<'a>(source: &'a str, events: &[Spanned<'a>]) -> Option<Vec<Piece<'a>>> {
    let mut pieces = Vec::with_capacity(events.len() + 4);
    // The spans pulldown-cmark opened: the character and length of their opener.
    let mut spans: Vec<(u8, usize)> = Vec::new();
    let mut index = 0;
    while index < events.len() {
        let (event, range) = &events[index];
        let spanned = || (event.clone(), range.clone());
        match event {
            Event::Text(text) => split_text(source, text, range, &mut pieces),
            Event::Start(Tag::Emphasis | Tag::Strong | Tag::Strikethrough) => {
                let (ch, len) = opener_of(source, event, range)?;
                spans.push((ch, len));
                pieces.push(Piece::Delim {
                    ch,
                    start: range.start,
                    len,
                });
            }
            Event::End(TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough) => {
                let (ch, len) = spans.pop()?;
                let start = range.end.checked_sub(len)?;
                if !source.get(start..range.end)?.bytes().all(|b| b == ch) {
                    return None;
                }
                pieces.push(Piece::Delim { ch, start, len });
            }
            Event::Start(tag) => {
                let end = matching_end(events, index)?;
                let inner = events[index + 1..end].to_vec();
                let mut nested = vec![spanned()];
                nested.extend(rework(source, inner, Edges::BRACKETS));
                nested.push(events[end].clone());
                let first = if matches!(tag, Tag::Image { .. }) {
                    '!'
                } else {
                    '['
                };
                pieces.push(Piece::Kept {
                    events: nested,
                    first: Some(first),
                    last: Some(')'),
                });
                index = end + 1;
                continue;
            }
            Event::End(_) => return None,
            Event::Code(_) => pieces.push(kept(spanned(), Some('`'), Some('`'))),
            Event::InlineHtml(_) | Event::Html(_) => {
                pieces.push(kept(spanned(), Some('<'), Some('>')));
            }
            Event::InlineMath(_) | Event::DisplayMath(_) => {
                pieces.push(kept(spanned(), Some('$'), Some('$')));
            }
            Event::FootnoteReference(_) => pieces.push(kept(spanned(), Some('['), Some(']'))),
            // A hard break written `\` shows its backslash to the run before it.
            Event::HardBreak if source.as_bytes().get(range.start) == Some(&b'\\') => {
                pieces.push(kept(spanned(), Some('\\'), None));
            }
            Event::SoftBreak | Event::HardBreak | Event::TaskListMarker(_) | Event::Rule => {
                pieces.push(kept(spanned(), None, None));
            }
        }
        index += 1;
    }
    spans.is_empty().then_some(pieces)
}

/// The delimiter character and length behind a span pulldown-cmark opened at `range`:
/// `*` or `_` once for emphasis, twice for strong; one or two `~` for strikethrough.
fn opener_of(source: &str, event: &Event<'_>, range: &Range<usize>) -> Option<(u8, usize)> {
    let bytes = source.as_bytes().get(range.start..range.end)?;
    let ch = *bytes.first()?;
    let len = match event {
        Event::Start(Tag::Emphasis) => 1,
        Event::Start(Tag::Strong) => 2,
        _ => bytes.iter().take(2).take_while(|&&b| b == b'~').count(),
    };
    let valid = match ch {
        b'*' | b'_' => !matches!(event, Event::Start(Tag::Strikethrough)),
        b'~' => matches!(event, Event::Start(Tag::Strikethrough)),
        _ => false,
    };
    (valid && bytes.len() >= 2 * len && bytes[..len].iter().all(|&b| b == ch)).then_some((ch, len))
}

/// The index of the event that closes the tag opened at `open`.
fn matching_end(events: &[Spanned<'_>], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (index, (event, _)) in events.iter().enumerate().skip(open) {
        match event {
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(index);
                }
            }
            _ => {}
        }
    }
    None
}

/// Splits a text event into verbatim slices and delimiter runs. Text that is not the
/// source verbatim (an entity such as `&#42;`) has no delimiters, and neither has a
/// backslash-escaped first character (`\*`: pulldown-cmark starts the text after the
/// backslash).
fn split_text<'a>(
    source: &str,
    text: &CowStr<'a>,
    range: &Range<usize>,
    pieces: &mut Vec<Piece<'a>>,
) {
    let verbatim = source.get(range.clone()) == Some(&**text);
    if !verbatim {
        let first = text.chars().next();
        let last = text.chars().next_back();
        pieces.push(kept(
            (Event::Text(text.clone()), range.clone()),
            first,
            last,
        ));
        return;
    }
    let bytes = text.as_bytes();
    let mut from = if escaped(source, range.start) {
        text.chars().next().map_or(0, char::len_utf8)
    } else {
        0
    };
    let mut literal = 0;
    while let Some(offset) = bytes
        .get(from..)
        .and_then(|rest| memchr3(b'*', b'_', b'~', rest))
    {
        let start = from + offset;
        let ch = bytes[start];
        let len = bytes[start..].iter().take_while(|&&b| b == ch).count();
        if literal < start {
            pieces.push(Piece::Slice(range.start + literal..range.start + start));
        }
        pieces.push(Piece::Delim {
            ch,
            start: range.start + start,
            len,
        });
        from = start + len;
        literal = from;
    }
    if literal < bytes.len() {
        pieces.push(Piece::Slice(range.start + literal..range.end));
    }
}

/// Whether the character at `at` is backslash-escaped: an odd number of backslashes
/// right before it.
fn escaped(source: &str, at: usize) -> bool {
    let before = source.as_bytes().get(..at).unwrap_or_default();
    before.iter().rev().take_while(|&&b| b == b'\\').count() % 2 == 1
}

/// Joins delimiter pieces that are one run in the source: `***` that pulldown-cmark made
/// emphasis around strong, or `**` it left as two one-character texts.
fn merge_runs(pieces: Vec<Piece<'_>>) -> Vec<Piece<'_>> {
    let mut merged: Vec<Piece<'_>> = Vec::with_capacity(pieces.len());
    for piece in pieces {
        if let Piece::Delim { ch, start, len } = piece
            && let Some(Piece::Delim {
                ch: last_ch,
                start: last_start,
                len: last_len,
            }) = merged.last_mut()
            && *last_ch == ch
            && *last_start + *last_len == start
        {
            *last_len += len;
            continue;
        }
        merged.push(piece);
    }
    merged
}

/// The runs, with what each can do, and for each piece the index of its run.
fn read_runs(source: &str, pieces: &[Piece<'_>], edges: Edges) -> (Vec<Run>, Vec<Option<usize>>) {
    let mut runs = Vec::new();
    let mut run_of_piece = Vec::with_capacity(pieces.len());
    for (index, piece) in pieces.iter().enumerate() {
        let Piece::Delim { ch, len, .. } = *piece else {
            run_of_piece.push(None);
            continue;
        };
        let (last, second) = chars_before(source, &pieces[..index], edges.before);
        let next = pieces
            .get(index + 1)
            .map_or(edges.after, |piece| first_char(source, piece));
        let (can_open, can_close) = can_open_close(ch, len, Around { last, second, next });
        run_of_piece.push(Some(runs.len()));
        runs.push(Run {
            ch,
            len,
            can_open,
            can_close,
        });
    }
    (runs, run_of_piece)
}

fn first_char(source: &str, piece: &Piece<'_>) -> Option<char> {
    match piece {
        Piece::Slice(range) => source.get(range.clone()).and_then(|s| s.chars().next()),
        Piece::Delim { ch, .. } => Some(char::from(*ch)),
        Piece::Kept { first, .. } => *first,
    }
}

/// The last two characters before a run (the second only matters after a variation
/// selector). Whitespace-like pieces (breaks) and the line's edge end the look-back.
fn chars_before(
    source: &str,
    pieces: &[Piece<'_>],
    edge: Option<char>,
) -> (Option<char>, Option<char>) {
    let mut found: Vec<char> = Vec::with_capacity(2);
    for piece in pieces.iter().rev() {
        match piece {
            Piece::Slice(range) => {
                let text = source.get(range.clone()).unwrap_or_default();
                found.extend(text.chars().rev().take(2 - found.len()));
            }
            Piece::Delim { ch, len, .. } => {
                found.extend(std::iter::repeat_n(
                    char::from(*ch),
                    (*len).min(2 - found.len()),
                ));
            }
            Piece::Kept { last: Some(c), .. } => found.push(*c),
            Piece::Kept { last: None, .. } => {
                return (found.first().copied(), found.get(1).copied());
            }
        }
        if found.len() >= 2 {
            return (Some(found[0]), Some(found[1]));
        }
    }
    if let Some(c) = edge {
        found.push(c);
    }
    (found.first().copied(), found.get(1).copied())
}

/// What the pairs became, per run: the spans it closes (innermost first) and the ones it
/// opens (innermost first), each with the source range of the whole span.
#[derive(Default, Clone)]
struct RunUse {
    closes: Vec<(TagEnd, Range<usize>)>,
    opens: Vec<(Tag<'static>, Range<usize>)>,
    /// Characters used from the start (closing) and from the end (opening).
    from_start: usize,
    from_end: usize,
}

fn span_tag(ch: u8, width: usize) -> (Tag<'static>, TagEnd) {
    match (ch, width) {
        (b'~', _) => (Tag::Strikethrough, TagEnd::Strikethrough),
        (_, 2) => (Tag::Strong, TagEnd::Strong),
        _ => (Tag::Emphasis, TagEnd::Emphasis),
    }
}

fn run_uses(
    pieces: &[Piece<'_>],
    runs: &[Run],
    run_of_piece: &[Option<usize>],
    pairs: &[Pair],
) -> Vec<RunUse> {
    let mut starts = vec![0usize; runs.len()];
    for (piece, run) in pieces.iter().zip(run_of_piece) {
        if let (Piece::Delim { start, .. }, Some(run)) = (piece, run) {
            starts[*run] = *start;
        }
    }
    let mut uses = vec![RunUse::default(); runs.len()];
    for p in pairs {
        let opener_end = starts[p.opener] + runs[p.opener].len - uses[p.opener].from_end;
        let closer_start = starts[p.closer] + uses[p.closer].from_start;
        let span = opener_end.saturating_sub(p.width)..closer_start + p.width;
        let (tag, end) = span_tag(runs[p.opener].ch, p.width);
        uses[p.opener].from_end += p.width;
        uses[p.opener].opens.push((tag, span.clone()));
        uses[p.closer].from_start += p.width;
        uses[p.closer].closes.push((end, span));
    }
    uses
}

fn emit<'a>(
    source: &'a str,
    pieces: Vec<Piece<'a>>,
    runs: &[Run],
    run_of_piece: &[Option<usize>],
    pairs: &[Pair],
) -> Vec<Spanned<'a>> {
    let uses = run_uses(&pieces, runs, run_of_piece, pairs);
    let mut out = Emitter {
        source,
        events: Vec::with_capacity(pieces.len() + 2 * pairs.len()),
        text: None,
    };
    for (piece, run) in pieces.into_iter().zip(run_of_piece) {
        match piece {
            Piece::Slice(range) => out.text(range),
            Piece::Kept { events, .. } => {
                for (event, range) in events {
                    out.event(event, range);
                }
            }
            Piece::Delim { start, len, .. } => {
                let Some(run_use) = run.and_then(|run| uses.get(run)) else {
                    out.text(start..start + len);
                    continue;
                };
                for (end, span) in &run_use.closes {
                    out.event(Event::End(*end), span.clone());
                }
                let literal = start + run_use.from_start..start + len - run_use.from_end;
                if !literal.is_empty() {
                    out.text(literal);
                }
                for (tag, span) in run_use.opens.iter().rev() {
                    out.event(Event::Start(tag.clone()), span.clone());
                }
            }
        }
    }
    out.finish()
}

/// Collects events, joining text that is contiguous in the source into one borrowed
/// slice.
struct Emitter<'a> {
    source: &'a str,
    events: Vec<Spanned<'a>>,
    text: Option<Range<usize>>,
}

impl<'a> Emitter<'a> {
    fn text(&mut self, range: Range<usize>) {
        match &mut self.text {
            Some(open) if open.end == range.start => open.end = range.end,
            _ => {
                self.flush();
                self.text = Some(range);
            }
        }
    }

    fn event(&mut self, event: Event<'a>, range: Range<usize>) {
        self.flush();
        self.events.push((event, range));
    }

    fn flush(&mut self) {
        if let Some(range) = self.text.take()
            && let Some(text) = self.source.get(range.clone())
        {
            self.events
                .push((Event::Text(CowStr::Borrowed(text)), range));
        }
    }

    fn finish(mut self) -> Vec<Spanned<'a>> {
        self.flush();
        self.events
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::{Options, Parser, html};

    fn options() -> Options {
        Options::ENABLE_TABLES
            | Options::ENABLE_FOOTNOTES
            | Options::ENABLE_STRIKETHROUGH
            | Options::ENABLE_TASKLISTS
            | Options::ENABLE_HEADING_ATTRIBUTES
            | Options::ENABLE_MATH
    }

    fn parse(markdown: &str) -> Vec<Spanned<'_>> {
        Parser::new_ext(markdown, options())
            .into_offset_iter()
            .collect()
    }

    fn to_html(events: Vec<Spanned<'_>>) -> String {
        let mut out = String::new();
        html::push_html(&mut out, events.into_iter().map(|(event, _)| event));
        out
    }

    fn render(markdown: &str) -> String {
        to_html(cjk_friendly(markdown, parse(markdown)))
    }

    /// The rendered paragraph's inside.
    fn inline(markdown: &str) -> String {
        let html = render(markdown);
        html.trim_end()
            .strip_prefix("<p>")
            .and_then(|h| h.strip_suffix("</p>"))
            .unwrap_or(&html)
            .to_string()
    }

    fn plain_commonmark(markdown: &str) -> String {
        to_html(parse(markdown))
    }

    #[test]
    fn the_three_examples_from_the_issue() {
        assert_eq!(
            inline("采用**依赖注入（DI）**方式"),
            "采用<strong>依赖注入（DI）</strong>方式"
        );
        assert_eq!(
            inline("**数据面：网关。**这一层负责"),
            "<strong>数据面：网关。</strong>这一层负责"
        );
        assert_eq!(inline("**注意：**正文"), "<strong>注意：</strong>正文");
    }

    #[test]
    fn commonmark_alone_gets_them_wrong() {
        // What this pass is for: the same text through pulldown-cmark alone.
        assert!(plain_commonmark("采用**依赖注入（DI）**方式").contains("**"));
        assert!(plain_commonmark("**注意：**正文").contains("**"));
    }

    #[test]
    fn several_spans_in_one_paragraph_pair_as_written() {
        // CommonMark pairs these four runs too — as a strong inside a strong.
        let md = "**注意：**正文和**重点**。";
        assert!(plain_commonmark(md).contains("<strong>注意：<strong>"));
        assert_eq!(
            inline(md),
            "<strong>注意：</strong>正文和<strong>重点</strong>。"
        );
        assert_eq!(
            inline("**模型：**GPT-4o，**价格：**每百万词元5美元"),
            "<strong>模型：</strong>GPT-4o，<strong>价格：</strong>每百万词元5美元"
        );
    }

    #[test]
    fn single_stars_and_tildes() {
        assert_eq!(inline("*注意：*正文"), "<em>注意：</em>正文");
        assert_eq!(
            inline("这是*「引用」*的内容"),
            "这是<em>「引用」</em>的内容"
        );
        assert_eq!(
            inline("售价~~不是999元。~~现在只要699元"),
            "售价<del>不是999元。</del>现在只要699元"
        );
        assert_eq!(inline("~~旧说法：~~新说法"), "<del>旧说法：</del>新说法");
        // A single tilde between numbers is a range, not strikethrough.
        assert_eq!(inline("工期1~3天，预算5~8万"), "工期1~3天，预算5~8万");
    }

    #[test]
    fn mixed_nesting() {
        assert_eq!(
            inline("**加粗*斜体*加粗**"),
            "<strong>加粗<em>斜体</em>加粗</strong>"
        );
        assert_eq!(
            inline("***注意：***正文"),
            "<em><strong>注意：</strong></em>正文"
        );
        assert_eq!(
            inline("**外层：*内层。*结束。**后文"),
            "<strong>外层：<em>内层。</em>结束。</strong>后文"
        );
    }

    #[test]
    fn latin_results_do_not_change() {
        for md in [
            "a**b**c",
            "2*3*4",
            "snake_case_name",
            "**foo*",
            "*foo**",
            "*foo**bar*",
            "__foo__bar",
            "foo*bar*",
            "a **\"quoted\"** b",
            "a**\"b\"**c",
            "~~gone~~ and ~one~",
            "***both***",
            "**a** **b** *c*",
            "_foo_bar_",
            "*(*foo*)*",
        ] {
            // Chinese elsewhere in the paragraph makes the pass rework it.
            let with_chinese = format!("中文 {md} 中文");
            assert_eq!(
                render(&with_chinese),
                plain_commonmark(&with_chinese),
                "{md}"
            );
        }
    }

    #[test]
    fn what_stays_literal_under_the_amendment_too() {
        // `_` never works inside a word, Chinese or not.
        assert_eq!(inline("中文_强调_中文"), "中文_强调_中文");
        assert_eq!(inline("函数__init__方法"), "函数__init__方法");
        // Runs beside spaces.
        assert_eq!(inline("左边 ** 右边 ** 结束"), "左边 ** 右边 ** 结束");
        assert_eq!(inline("开始** 中间**"), "开始** 中间**");
        // Latin punctuation beside a Latin letter is CommonMark's case.
        assert_eq!(inline("中文a**“b”**c"), "中文a**“b”**c");
        // Escaped or written as entities.
        assert_eq!(inline("\\*\\*注意：\\*\\*正文"), "**注意：**正文");
        assert_eq!(inline("&#42;&#42;注意：&#42;&#42;正文"), "**注意：**正文");
        // Unbalanced.
        assert_eq!(inline("**注意：正文"), "**注意：正文");
    }

    #[test]
    fn punctuation_with_a_variation_selector_is_still_punctuation() {
        // `。︁` (U+3002 U+FE01) before `_` is punctuation, so the `_` can open.
        assert_eq!(
            inline("正體字。\u{FE01}_繁體。_"),
            "正體字。\u{FE01}<em>繁體。</em>"
        );
        // `\︁` before `*` followed by a digit: CommonMark sees a mark (U+FE01 is not
        // punctuation) and closes; the amendment reads `\` + selector as punctuation,
        // which may not close before a letter.
        let md = "“*`\\\u{FE01}*1";
        assert!(plain_commonmark(md).contains("<em>"));
        assert!(!inline(md).contains("<em>"), "{}", inline(md));
        // The fullwidth form of a quotation mark counts as CJK.
        assert_eq!(
            inline("**“\u{FE01}Git”\u{FE01}**Hub"),
            "<strong>“\u{FE01}Git”\u{FE01}</strong>Hub"
        );
    }

    #[test]
    fn code_html_and_math_are_left_alone() {
        assert_eq!(inline("`**注意：**`正文"), "<code>**注意：**</code>正文");
        assert_eq!(
            render("```\n**注意：**正文\n```\n"),
            "<pre><code>**注意：**正文\n</code></pre>\n"
        );
        assert_eq!(
            render("<div>\n**注意：**正文\n</div>\n"),
            "<div>\n**注意：**正文\n</div>\n"
        );
        assert!(inline("$a**b$和**注意：**正文").contains("<strong>注意：</strong>正文"));
        assert!(inline("$a**b$和**注意：**正文").contains("a**b"));
    }

    #[test]
    fn links_are_whole_and_their_text_is_a_container_of_its_own() {
        assert_eq!(
            inline("**[文档](https://a.example/)：**正文"),
            "<strong><a href=\"https://a.example/\">文档</a>：</strong>正文"
        );
        assert_eq!(
            inline("[**注意：**正文](https://a.example/)"),
            "<a href=\"https://a.example/\"><strong>注意：</strong>正文</a>"
        );
        // A run inside the link never pairs with one outside it.
        assert_eq!(
            inline("**[注意：**正文](https://a.example/)"),
            "**<a href=\"https://a.example/\">注意：**正文</a>"
        );
    }

    #[test]
    fn headings_cells_and_tight_list_items() {
        assert_eq!(
            render("## **注意：**标题\n"),
            "<h2><strong>注意：</strong>标题</h2>\n"
        );
        assert!(
            render("| 列 |\n|---|\n| **注意：**单元格 |\n")
                .contains("<td><strong>注意：</strong>单元格</td>")
        );
        assert_eq!(
            render("- **注意：**条目\n- 第二条\n"),
            "<ul>\n<li><strong>注意：</strong>条目</li>\n<li>第二条</li>\n</ul>\n"
        );
    }

    #[test]
    fn new_events_carry_their_source_ranges() {
        let md = "采用**依赖注入（DI）**方式";
        let events = cjk_friendly(md, parse(md));
        let strong = events
            .iter()
            .find(|(event, _)| matches!(event, Event::Start(Tag::Strong)))
            .map(|(_, range)| range.clone())
            .expect("a strong span");
        assert_eq!(&md[strong], "**依赖注入（DI）**");
        for (event, range) in &events {
            if let Event::Text(text) = event {
                assert_eq!(&md[range.clone()], &**text);
            }
        }
    }

    #[test]
    fn nothing_to_do_hands_back_the_same_events() {
        for md in [
            "纯中文段落，没有任何强调。\n\n第二段。",
            "Only **Latin** text *here*.",
            "只有**一处**强调。",
        ] {
            let events = parse(md);
            let before = events.as_ptr();
            let after = cjk_friendly(md, events);
            assert_eq!(after.as_ptr(), before, "{md}");
        }
    }

    fn balanced(events: &[Spanned<'_>]) -> bool {
        let mut stack = Vec::new();
        for (event, _) in events {
            match event {
                Event::Start(tag) => stack.push(tag.to_end()),
                Event::End(end) if stack.pop() != Some(*end) => return false,
                _ => {}
            }
        }
        stack.is_empty()
    }

    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]

        #[test]
        fn never_panics_and_stays_balanced(
            md in "[*_~ a1中文，。「」（）：“”\u{FE01}\u{E0100}한&#;\\n\\\\`\\[\\]()$>#|-]{0,40}"
        ) {
            let events = cjk_friendly(&md, parse(&md));
            prop_assert!(balanced(&events), "{:?}", events);
            let _ = to_html(events);
        }

        #[test]
        fn reworking_latin_text_changes_nothing(md in "[*_~ a.\\n\\\\`\\[\\]()<>|$&;1:\"^-]{0,40}") {
            let reworked = to_html(rework_containers(&md, parse(&md), true));
            prop_assert_eq!(reworked, plain_commonmark(&md));
        }
    }
}
