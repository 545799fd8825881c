//! Escaping for the markup sitegen writes by hand rather than through Tera (which escapes
//! what templates print): redirect and error pages in HTML, feeds and sitemaps in XML.
//! The documents are small and flat; one escape function per language, used everywhere, is
//! easier to audit than a writer API.
//!
//! Two things make hand-written XML go wrong, and both are handled by [`xml`] and
//! [`cdata`]: markup characters in text, and characters XML 1.0 forbids outright even when
//! escaped (control characters such as U+0001 that slip into titles pasted from Word or a
//! CMS export). A single one makes the whole feed unparseable, so they are dropped.

/// Escapes text for an HTML text node or a double- or single-quoted attribute value.
/// `'` becomes `&apos;`, which HTML5 defines (the pages sitegen writes are HTML5). HTML
/// escapes the same five characters as XML, and control characters are parse errors in
/// HTML too, so both drop what XML cannot carry.
pub fn html(text: &str) -> String {
    xml(text)
}

/// Text shown as written inside Markdown, whatever Markdown and HTML would make of it:
/// what [`html`] escapes, and the punctuation Markdown (and shortcode syntax) reads
/// (`*`, `_`, `[`, `` ` ``, `{`…) as character references. Lines stay as they are. For an
/// unknown shortcode shown to the reader as the author wrote it.
pub fn markdown_literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    for c in text.chars() {
        match c {
            '{' | '}' | '%' | '*' | '_' | '[' | ']' | '`' | '\\' | '#' | '|' | '~' | '!' => {
                out.push_str(&format!("&#{};", c as u32));
            }
            c => push_xml_char(&mut out, c),
        }
    }
    out
}

/// Escapes text for an XML text node or a double- or single-quoted attribute, and drops
/// characters XML cannot carry.
pub fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        push_xml_char(&mut out, c);
    }
    out
}

/// Appends `c` escaped for XML, or nothing when XML cannot carry it. Inlined: it is the
/// loop body of [`xml`], which escapes every title and summary of every page.
#[inline(always)]
fn push_xml_char(out: &mut String, c: char) {
    match c {
        '&' => out.push_str("&amp;"),
        '<' => out.push_str("&lt;"),
        '>' => out.push_str("&gt;"),
        '"' => out.push_str("&quot;"),
        '\'' => out.push_str("&apos;"),
        c if is_xml_char(c) => out.push(c),
        _ => {}
    }
}

/// Wraps HTML in an XML CDATA section. A `]]>` inside would end the section early, so it
/// is split across two sections (`]]` + `>`), the standard trick; forbidden characters are
/// dropped as in [`xml`].
pub fn cdata(text: &str) -> String {
    let clean: String = text.chars().filter(|&c| is_xml_char(c)).collect();
    format!("<![CDATA[{}]]>", clean.replace("]]>", "]]]]><![CDATA[>"))
}

/// Whether XML 1.0 allows `c` at all (its `Char` production).
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_literal_shows_shortcode_syntax_as_written() {
        assert_eq!(
            markdown_literal("{{< x a=\"<b>\" >}} *强调*\u{1}"),
            "&#123;&#123;&lt; x a=&quot;&lt;b&gt;&quot; &gt;&#125;&#125; &#42;强调&#42;"
        );
    }

    #[test]
    fn html_escapes_markup_and_both_quotes() {
        assert_eq!(
            html("AI <script> & “引号” \"q\" 'a'\t"),
            "AI &lt;script&gt; &amp; “引号” &quot;q&quot; &apos;a&apos;\t"
        );
        assert_eq!(html("&amp;"), "&amp;amp;");
        assert_eq!(
            html("标题\u{1}\u{8}"),
            "标题",
            "control characters are dropped"
        );
    }

    #[test]
    fn xml_escapes_markup_and_drops_forbidden_characters() {
        assert_eq!(
            xml("AI <script> & “引号” \"q\" 'a'\u{1}\u{FFFF}\t"),
            "AI &lt;script&gt; &amp; “引号” &quot;q&quot; &apos;a&apos;\t"
        );
    }

    #[test]
    fn cdata_survives_its_own_terminator() {
        assert_eq!(cdata("a]]>b"), "<![CDATA[a]]]]><![CDATA[>b]]>");
        assert_eq!(cdata("<p>x\u{0}</p>"), "<![CDATA[<p>x</p>]]>");
    }
}
