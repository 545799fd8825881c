//! Spacing between Chinese and Latin text (`马斯克宣布 xAI 开源`), never in code or URLs.

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

use crate::text::is_han;

/// Inserts spaces at Chinese↔Latin boundaries in text events. Code spans and code blocks
/// are never touched; a boundary across two text events (`中文**AI**`) is spaced too, since
/// the previous text's last character is remembered until the block ends.
#[derive(Default)]
pub(super) struct CjkSpacer {
    last: Option<char>,
    in_code_block: bool,
}

impl CjkSpacer {
    pub fn apply<'a>(&mut self, event: Event<'a>) -> Event<'a> {
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
///
/// A boundary touches an ASCII letter or digit, a one-byte character, so the text is
/// scanned by bytes for those and only their neighbours are decoded: most of a Chinese
/// page's text has none, and decoding every character here was a visible share of a build.
fn space_cjk(text: &str, before: Option<char>) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut space_at = |at: usize| {
        let buf = out.get_or_insert_with(|| String::with_capacity(text.len() + 8));
        buf.push_str(&text[copied..at]);
        buf.push(' ');
        copied = at;
    };
    // A Latin `before` meeting Chinese at the start: the one boundary not at a Latin run.
    if before.is_some_and(latin) && text.chars().next().is_some_and(is_han) {
        space_at(0);
    }
    let mut at = 0;
    while let Some(start) = bytes[at..].iter().position(u8::is_ascii_alphanumeric) {
        let start = at + start;
        let end = bytes[start..]
            .iter()
            .position(|b| !b.is_ascii_alphanumeric())
            .map_or(bytes.len(), |n| start + n);
        let prev = match start {
            0 => before,
            _ => text[..start].chars().next_back(),
        };
        if prev.is_some_and(is_han) {
            space_at(start);
        }
        if text[end..].chars().next().is_some_and(is_han) {
            space_at(end);
        }
        at = end;
    }
    let mut out = out?;
    out.push_str(&text[copied..]);
    Some(out)
}

fn latin(c: char) -> bool {
    c.is_ascii_alphanumeric()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rule as first written: a character at a time.
    fn space_cjk_plainly(text: &str, before: Option<char>) -> Option<String> {
        let needs_space = |a: char, b: char| (is_han(a) && latin(b)) || (latin(a) && is_han(b));
        let mut out: Option<String> = None;
        let mut prev = before;
        for (i, c) in text.char_indices() {
            if let Some(p) = prev
                && needs_space(p, c)
            {
                out.get_or_insert_with(|| text[..i].to_string()).push(' ');
            }
            if let Some(buf) = out.as_mut() {
                buf.push(c);
            }
            prev = Some(c);
        }
        out
    }

    #[test]
    fn spaces_go_between_han_and_latin_only() {
        assert_eq!(
            space_cjk("马斯克宣布xAI开源Grok3模型", None).as_deref(),
            Some("马斯克宣布 xAI 开源 Grok3 模型")
        );
        assert_eq!(space_cjk("已有空格 xAI 和、标点。", None), None);
        assert_eq!(
            space_cjk("かなとHangul한국", None),
            None,
            "kana and Hangul stay"
        );
        assert_eq!(space_cjk("发布", Some('I')).as_deref(), Some(" 发布"));
        assert_eq!(
            space_cjk("AI 芯片", Some('新')).as_deref(),
            Some(" AI 芯片")
        );
        assert_eq!(space_cjk("", Some('新')), None);
    }

    #[test]
    fn the_byte_scan_agrees_with_the_rule_character_by_character() {
        let pieces = [
            "马斯克",
            "xAI",
            "开源",
            " ",
            "Grok3",
            "，",
            "GPT-4o",
            "模型",
            "é",
            "ＡＩ",
            "〇",
            "かな",
            "한국",
            "7",
            "😀",
            "发布",
        ];
        // Every sequence of three pieces, after each kind of preceding character.
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    let text = format!("{a}{b}{c}");
                    for before in [None, Some('x'), Some('中'), Some(' ')] {
                        assert_eq!(
                            space_cjk(&text, before),
                            space_cjk_plainly(&text, before),
                            "{text:?} after {before:?}"
                        );
                    }
                }
            }
        }
    }
}
