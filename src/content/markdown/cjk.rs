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
