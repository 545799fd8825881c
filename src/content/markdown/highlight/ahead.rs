//! Code blocks highlighted ahead of their render, a language at a time.
//!
//! Rendering meets code blocks in document order, and an article mixes languages: each
//! block's parse then starts with its grammar's parse tables and lexer out of the
//! processor's caches, evicted by the last block's grammar and the prose in between. Parsed
//! one language after another, the blocks of a few dozen articles took half the time or
//! less (a Python block: 39 µs against 70-100 µs), and a 3,000-article translated corpus
//! built in 0.88x the time (docs/performance.md, "Code blocks a language at a time").
//!
//! So the loader hands each group of sources it is about to parse to [`CodeAhead`] first.
//! It finds their fenced blocks by reading lines (no Markdown parse), highlights them
//! sorted by language, and keeps the tokens on this thread, keyed by language and code,
//! for [`super::code_block`] to take. Only an exact match is taken: a block the line
//! reading misreads (in a block quote, in a nested list, changed by a shortcode) is
//! simply highlighted when rendered, as before, and one found that the render never asks
//! for costs its highlighting and nothing else.

use std::marker::PhantomData;

use super::{FenceInfo, canonical, tokens};
use crate::content::markdown::{closes_fence, opens_fence};

/// Code bytes highlighted ahead per group at most: the tokens wait in memory until their
/// block is rendered, and a huge article full of code must not hold all of its tokens at
/// once. The gain comes from a few dozen blocks of a language in a row, far below this.
const BUDGET: usize = 1 << 20;

/// The tokens of a group's code blocks, worked out ahead and kept on this thread until
/// dropped (so it is not `Send`).
#[must_use = "the tokens are forgotten when it is dropped"]
pub struct CodeAhead {
    _this_thread: PhantomData<*const ()>,
}

impl CodeAhead {
    /// Highlights the fenced code blocks of `sources` (Markdown files, front matter and
    /// all, as the loader decodes them), a language at a time; with `highlight` false
    /// (`highlight_code = false`), nothing.
    pub fn prepare<'a>(sources: impl IntoIterator<Item = &'a str>, highlight: bool) -> Self {
        let ahead = CodeAhead {
            _this_thread: PhantomData,
        };
        if !highlight {
            return ahead;
        }
        let mut blocks = Vec::new();
        let mut bytes = 0;
        'sources: for source in sources {
            for (lang, code) in fenced_blocks(source) {
                bytes += code.len();
                if bytes > BUDGET {
                    break 'sources;
                }
                blocks.push((lang, code));
            }
        }
        tokens::prepare(blocks);
        ahead
    }
}

impl Drop for CodeAhead {
    fn drop(&mut self) {
        tokens::forget_prepared();
    }
}

/// The fenced code blocks of a Markdown text in a language sitegen highlights, as a
/// reading of its lines finds them: the grammar's name, and the code as the render is
/// handed it. A fence indented up to three spaces opens a block whose lines lose as many
/// spaces; that is also how a fence in a list item reads when it is indented as the
/// item's text. Tabs, block quotes and deeper indents are left to the render, as are
/// blocks never closed. `text` is the source as the loader decodes it (`\n` line ends).
pub(super) fn fenced_blocks(text: &str) -> Vec<(&'static str, String)> {
    let mut blocks = Vec::new();
    let mut open: Option<Fence> = None;
    let mut at = 0;
    while at < text.len() {
        // Outside a block only a line that may open one is read: prose is skipped to the
        // next fence character, which is how most of a source is passed over.
        if open.is_none() {
            match next_fence_line(text.as_bytes(), at) {
                Some(start) => at = start,
                None => break,
            }
        }
        let end = memchr::memchr(b'\n', &text.as_bytes()[at..]).map_or(text.len(), |i| at + i + 1);
        let line = &text[at..end];
        at = end;
        match &mut open {
            None => open = Fence::opened_by(line),
            Some(fence) if fence.is_closed_by(line) => {
                if let Some(fence) = open.take()
                    && let Some(lang) = fence.lang
                {
                    blocks.push((lang, fence.code));
                }
            }
            Some(fence) => {
                let strip = line
                    .bytes()
                    .take(fence.indent)
                    .take_while(|&b| b == b' ')
                    .count();
                fence.code.push_str(&line[strip..]);
            }
        }
    }
    blocks
}

/// The start of the first line from `from` (a line start) that may open a fence: one
/// whose first byte after at most three spaces is `` ` `` or `~`. The first fence character
/// of the rest of the text is either there, or the line it is on cannot open a fence and
/// the search goes on from the next line.
fn next_fence_line(text: &[u8], mut from: usize) -> Option<usize> {
    loop {
        let mark = from + memchr::memchr2(b'`', b'~', &text[from..])?;
        let start = text[from..mark]
            .iter()
            .rposition(|&b| b != b' ')
            .map_or(from, |i| from + i + 1);
        let at_line_start = start == from || text[start - 1] == b'\n';
        if at_line_start && mark - start <= 3 {
            return Some(start);
        }
        from = mark + memchr::memchr(b'\n', &text[mark..])? + 1;
    }
}

/// An open fence: its character, length and indent, the grammar of the language it names
/// (None for one sitegen does not highlight), the code so far.
struct Fence {
    mark: u8,
    len: usize,
    indent: usize,
    lang: Option<&'static str>,
    code: String,
}

impl Fence {
    fn opened_by(line: &str) -> Option<Fence> {
        let (indent, line) = within_fence_indent(line)?;
        let (mark, len) = opens_fence(line)?;
        Some(Fence {
            mark,
            len,
            indent,
            lang: FenceInfo::parse(&line[len..])
                .lang
                .as_deref()
                .and_then(canonical),
            code: String::new(),
        })
    }

    fn is_closed_by(&self, line: &str) -> bool {
        within_fence_indent(line).is_some_and(|(_, line)| closes_fence(line, self.mark, self.len))
    }
}

/// A line's indent and what follows it up to the line end, when the indent (in spaces)
/// is one a fence may have: at most three.
fn within_fence_indent(line: &str) -> Option<(usize, &str)> {
    let indent = line.bytes().take_while(|&b| b == b' ').count();
    (indent <= 3).then(|| (indent, line[indent..].trim_end()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::markdown::{RenderOptions, render};

    #[test]
    fn blocks_highlighted_ahead_are_all_taken_and_render_as_they_would() {
        let text = "# 代码示例\n\n```rust\nfn main() { println!(\"你好\"); }\n```\n\n\
                    1. 安装\n\n   ```bash\n   cargo install sitegen\n   ```\n\n\
                    ```python\nprint('你好')\n```\n\n```py\nprint('你好')\n```\n\n\
                    ```json {linenos=true}\n{\"分\": 1}\n```\n";
        let html = || render(text, RenderOptions::default()).html;
        let in_order = html();
        let ahead = CodeAhead::prepare([text], true);
        assert_eq!(tokens::prepared_count(), 5);
        let from_ahead = html();
        assert_eq!(tokens::prepared_count(), 0, "every block prepared is taken");
        drop(ahead);
        assert!(from_ahead.contains("hl-"), "{from_ahead}");
        assert_eq!(from_ahead, in_order);
    }

    #[test]
    fn nothing_is_kept_once_dropped_or_with_highlighting_off() {
        let text = "```rust\nfn f() {}\n```\n";
        drop(CodeAhead::prepare([text], true));
        assert_eq!(tokens::prepared_count(), 0);
        let _off = CodeAhead::prepare([text], false);
        assert_eq!(tokens::prepared_count(), 0);
    }

    #[test]
    fn code_past_the_budget_is_left_to_the_render() {
        let block = format!("```bash\n{}```\n\n", "echo 1\n".repeat(BUDGET / 7 * 3 / 5));
        let _ahead = CodeAhead::prepare([block.as_str(), block.as_str()], true);
        assert_eq!(tokens::prepared_count(), 1);
    }

    #[test]
    fn fences_are_found_as_commonmark_reads_them() {
        let text = "---\ntitle: 例\n---\n正文\n\n```rust\nfn main() {}\n```\n\n\
                    ~~~~ python {linenos=true}\nprint(1)\n```\n~~~~\n\n\
                    1. 第一步\n\n   ```bash\n   ls -l\n     cd /\n   ```\n\n\
                    ````go\n```\n````\n\n```\n无语言\n```\n\n\
                    ``` js ` 不是围栏\n\n    ```c\n    缩进代码\n    ```\n\n\
                    ```mermaid\ngraph TD\n```\n\n```JS\nlet x;\n```\n";
        let blocks = fenced_blocks(text);
        assert_eq!(
            blocks,
            vec![
                ("rust", "fn main() {}\n".to_string()),
                ("python", "print(1)\n```\n".to_string()),
                ("bash", "ls -l\n  cd /\n".to_string()),
                ("go", "```\n".to_string()),
                ("javascript", "let x;\n".to_string()),
            ]
        );
    }

    #[test]
    fn fence_characters_within_lines_are_passed_over() {
        let text = "用 `ls` 列出文件，~~删除线~~ 也行。\n   `x` 开头的行\n\
                    正文 ```rust 不是围栏\n```toml\na = 1\n```\n\
                    \t```c 制表符缩进，不是围栏\n\
                    段落\n  ~~~yaml\n  k: v\n  ~~~";
        assert_eq!(
            fenced_blocks(text),
            vec![
                ("toml", "a = 1\n".to_string()),
                ("yaml", "k: v\n".to_string()),
            ]
        );
    }

    #[test]
    fn a_fence_never_closed_gives_no_block() {
        assert!(fenced_blocks("```rust\nfn main() {}\n").is_empty());
    }
}
