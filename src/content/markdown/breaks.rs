//! Line breaks in Chinese text: a soft break between two Chinese characters is no space
//! (Hugo's `eastAsianLineBreaks`), and a run of `……` or `——` is never split across lines.

use std::ops::Range;

use memchr::memchr_iter;
use pulldown_cmark::{CowStr, Event, TagEnd};

use super::emphasis::is_spaceless;

type Spanned<'a> = (Event<'a>, Range<usize>);

/// Drops each soft break whose neighbours — the last character before it and the first
/// after it, looking through inline markup such as `**` or a link's brackets — are both
/// written without spaces (Han, kana, CJK punctuation such as `，。「」`). A browser shows
/// a soft break as a space, which in `第一行\n第二行` is a gap in the middle of a sentence.
/// Between Latin words, or Chinese and Latin, the break stays.
///
/// This is goldmark's "simple" style (Pandoc's `east_asian_line_breaks`), which Hugo
/// uses: both sides must be East Asian wide. Two departures, both for Chinese text: the
/// fullwidth punctuation `，！？：；（）` counts as wide, as its East Asian Width says
/// (goldmark's table misses that block, so `好，\n下一句` keeps a space), and Hangul
/// does not, since Korean separates words with spaces. goldmark's "css3draft" style
/// drops a break when only one side is wide, which glues `中文\nEnglish` together; the
/// simple style leaves that choice to the writer.
pub(super) fn join_cjk_lines<'a>(mut events: Vec<Spanned<'a>>) -> Vec<Spanned<'a>> {
    let joined: Vec<usize> = events
        .iter()
        .enumerate()
        .filter(|(index, (event, _))| {
            matches!(event, Event::SoftBreak) && between_spaceless(&events, *index)
        })
        .map(|(index, _)| index)
        .collect();
    if joined.is_empty() {
        return events;
    }
    let mut index = 0;
    let mut next = joined.iter().peekable();
    events.retain(|_| {
        let drop = next.peek() == Some(&&index);
        if drop {
            next.next();
        }
        index += 1;
        !drop
    });
    events
}

fn between_spaceless(events: &[Spanned<'_>], at: usize) -> bool {
    let before = events[..at]
        .iter()
        .rev()
        .map(|(event, _)| event)
        .find_map(|event| visible_char(event, |text| text.chars().next_back()));
    let after = events
        .get(at + 1..)
        .unwrap_or_default()
        .iter()
        .map(|(event, _)| event)
        .find_map(|event| visible_char(event, |text| text.chars().next()));
    matches!((before, after), (Some(Some(a)), Some(Some(b))) if is_spaceless(a) && is_spaceless(b))
}

/// For a look across inline markup: None to look further (a tag around text), Some(char)
/// from text, Some(None) to stop (anything else: code, an image, raw HTML, a block edge).
fn visible_char(event: &Event<'_>, pick: impl Fn(&str) -> Option<char>) -> Option<Option<char>> {
    match event {
        Event::Start(tag) if is_markup(&tag.to_end()) => None,
        Event::End(end) if is_markup(end) => None,
        Event::Text(text) if text.is_empty() => None,
        Event::Text(text) => Some(pick(text)),
        _ => Some(None),
    }
}

fn is_markup(end: &TagEnd) -> bool {
    matches!(
        end,
        TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::Link
    )
}

/// The characters whose runs (`……`, `——`, `⋯⋯`) are one mark of punctuation in Chinese,
/// two characters wide, which a line break must not cut in half. All three start with
/// the UTF-8 byte 0xE2.
const RUN_CHARS: [char; 3] = ['\u{2026}', '\u{2014}', '\u{22EF}'];

/// `text` unchanged, or — when it has a run of two or more `…`, `—` or `⋯` — the text as
/// HTML with each such run wrapped in `<span class="nowrap">` (the stylesheet keeps a
/// `.nowrap` together). Text without the byte 0xE2 is answered by one `memchr`.
pub(super) fn keep_runs_together(text: CowStr<'_>) -> Event<'_> {
    if !has_run(&text) {
        return Event::Text(text);
    }
    let mut html = String::with_capacity(text.len() + 64);
    let mut done = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if !RUN_CHARS.contains(&c) {
            continue;
        }
        let mut end = start + c.len_utf8();
        while let Some(&(at, next)) = chars.peek()
            && next == c
        {
            end = at + next.len_utf8();
            chars.next();
        }
        if end - start > c.len_utf8() {
            html.push_str(&crate::escape::html(&text[done..start]));
            html.push_str("<span class=\"nowrap\">");
            html.push_str(&text[start..end]);
            html.push_str("</span>");
            done = end;
        }
    }
    html.push_str(&crate::escape::html(&text[done..]));
    Event::InlineHtml(CowStr::from(html))
}

fn has_run(text: &str) -> bool {
    let bytes = text.as_bytes();
    memchr_iter(0xE2, bytes).any(|at| {
        let (Some(one), Some(two)) = (bytes.get(at..at + 3), bytes.get(at + 3..at + 6)) else {
            return false;
        };
        one == two
            && RUN_CHARS
                .iter()
                .any(|c| c.encode_utf8(&mut [0; 4]).as_bytes() == one)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::{Options, Parser, html};

    fn render(markdown: &str) -> String {
        let events: Vec<Spanned<'_>> = Parser::new_ext(markdown, Options::ENABLE_STRIKETHROUGH)
            .into_offset_iter()
            .collect();
        let mut out = String::new();
        html::push_html(&mut out, join_cjk_lines(events).into_iter().map(|(e, _)| e));
        out
    }

    #[test]
    fn a_break_between_chinese_characters_goes() {
        assert_eq!(
            render("大模型的推理成本\n正在快速下降。\n"),
            "<p>大模型的推理成本正在快速下降。</p>\n"
        );
    }

    #[test]
    fn chinese_punctuation_counts_as_chinese() {
        assert_eq!(
            render("厂商纷纷降价，\n「价格战」已经开始。\n"),
            "<p>厂商纷纷降价，「价格战」已经开始。</p>\n"
        );
        assert_eq!(render("第一句。\n第二句\n"), "<p>第一句。第二句</p>\n");
    }

    #[test]
    fn a_break_between_latin_words_or_across_scripts_stays() {
        assert_eq!(
            render("open source\nmodels\n"),
            "<p>open source\nmodels</p>\n"
        );
        assert_eq!(render("发布了\nGPU 驱动\n"), "<p>发布了\nGPU 驱动</p>\n");
        assert_eq!(render("version 2\n版本\n"), "<p>version 2\n版本</p>\n");
        // Korean separates words with spaces.
        assert_eq!(render("한국어\n문장\n"), "<p>한국어\n문장</p>\n");
    }

    #[test]
    fn looks_through_inline_markup_but_not_code() {
        assert_eq!(
            render("本次更新的**重点**\n*在于*推理\n"),
            "<p>本次更新的<strong>重点</strong><em>在于</em>推理</p>\n"
        );
        assert_eq!(
            render("详见[发布说明](https://example.com/)\n中的表格\n"),
            "<p>详见<a href=\"https://example.com/\">发布说明</a>中的表格</p>\n"
        );
        assert_eq!(
            render("调用\n`接口`\n即可\n"),
            "<p>调用\n<code>接口</code>\n即可</p>\n"
        );
    }

    #[test]
    fn hard_breaks_stay() {
        assert_eq!(
            render("第一行\\\n第二行\n"),
            "<p>第一行<br />\n第二行</p>\n"
        );
    }

    fn html_of(event: Event<'_>) -> String {
        match event {
            Event::InlineHtml(html) => html.to_string(),
            Event::Text(text) => format!("TEXT:{text}"),
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn runs_of_ellipses_and_dashes_are_kept_together() {
        assert_eq!(
            html_of(keep_runs_together("他说……然后<停>了——再见".into())),
            "他说<span class=\"nowrap\">……</span>然后&lt;停&gt;了<span class=\"nowrap\">——</span>再见"
        );
        assert_eq!(
            html_of(keep_runs_together("⋯⋯⋯".into())),
            "<span class=\"nowrap\">⋯⋯⋯</span>"
        );
    }

    #[test]
    fn single_marks_and_other_text_stay_text() {
        for text in [
            "普通文本",
            "单个…省略",
            "破折号—一个",
            "“引号”与…—混排",
            "a & b",
        ] {
            assert_eq!(
                html_of(keep_runs_together(text.into())),
                format!("TEXT:{text}")
            );
        }
    }
}
