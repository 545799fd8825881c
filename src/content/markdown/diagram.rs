//! ```` ```mermaid ```` fences: kept as diagrams. The source goes into the page as a
//! figure a reader can read as it is; `static/js/diagram.js` (loaded only on pages that
//! have one) turns it into SVG with the mermaid script the site serves itself.

use crate::escape;

/// Whether a fence's language asks for a diagram (`mermaid`, any case).
pub(super) fn is_mermaid(lang: &str) -> bool {
    lang.eq_ignore_ascii_case("mermaid")
}

/// The figure for a mermaid fence: `<pre class="mermaid">` with the source escaped, which
/// is what mermaid looks for, and which shows the source where no script runs.
pub(super) fn mermaid(code: &str) -> String {
    format!(
        "<figure class=\"diagram\"><pre class=\"mermaid\">{}</pre></figure>\n",
        escape::html(code)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_source_is_escaped_inside_a_figure() {
        let code = "graph LR\n  A[用户] -->|请求 <b>| B{网关 & 鉴权}\n";
        assert_eq!(
            mermaid(code),
            "<figure class=\"diagram\"><pre class=\"mermaid\">graph LR\n  A[用户] --&gt;|请求 &lt;b&gt;| B{网关 &amp; 鉴权}\n</pre></figure>\n"
        );
    }

    #[test]
    fn markup_cannot_close_the_figure() {
        let out = mermaid("</pre></figure><script>alert(1)</script>");
        assert_eq!(out.matches("</pre>").count(), 1, "{out}");
        assert!(!out.contains("<script>"), "{out}");
    }
}
