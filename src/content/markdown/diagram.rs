//! Mermaid diagrams (issue 14). Being written on branch h-math; until it lands the source
//! is shown as a figure.

use crate::escape;

pub(super) fn is_mermaid(lang: &str) -> bool {
    lang.eq_ignore_ascii_case("mermaid")
}

pub(super) fn mermaid(code: &str) -> String {
    format!(
        "<figure class=\"diagram\"><pre class=\"mermaid\">{}</pre></figure>\n",
        escape::html(code)
    )
}
