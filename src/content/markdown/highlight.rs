//! Code blocks (issue 14). Highlighting is being written on branch h-hl; until it lands a
//! block is written as the fence info says, its code escaped.

use pulldown_cmark_escape::escape_html_body_text;

use super::FenceInfo;

#[derive(Debug, Clone, Copy, Default)]
#[allow(dead_code)] // read once highlighting lands
pub struct CodeOptions {
    pub highlight: bool,
}

pub(super) fn code_block(fence: Option<&FenceInfo>, code: &str, _options: CodeOptions) -> String {
    let mut html = match fence {
        Some(fence) => fence.open_html(),
        None => "<pre><code>".to_string(),
    };
    let _ = escape_html_body_text(&mut html, code);
    html.push_str(fence.map_or("</code></pre>\n", FenceInfo::close_html));
    html
}
