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
    push_xml(&mut out, text);
    out
}

/// Appends `text` escaped as [`xml`] does. Runs of bytes that need nothing (nearly all of
/// a title or summary) are copied whole: every feed and sitemap escapes each article's
/// title and summary, and a character at a time was most of their cost.
fn push_xml(out: &mut String, text: &str) {
    let bytes = text.as_bytes();
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        if !NEEDS_LOOK[usize::from(bytes[i])] {
            i += 1;
            continue;
        }
        let (len, replacement) = match bytes[i] {
            b'&' => (1, "&amp;"),
            b'<' => (1, "&lt;"),
            b'>' => (1, "&gt;"),
            b'"' => (1, "&quot;"),
            b'\'' => (1, "&apos;"),
            // U+FFFE and U+FFFF: the only characters from U+0020 up that XML forbids.
            0xEF if matches!(bytes.get(i + 1..i + 3), Some([0xBF, 0xBE | 0xBF])) => (3, ""),
            0xEF => {
                // Any other character of U+F000..U+FFFF, such as full-width punctuation.
                i += 1;
                continue;
            }
            // The control characters other than tab and the line ends.
            _ => (1, ""),
        };
        out.push_str(&text[copied..i]);
        out.push_str(replacement);
        i += len;
        copied = i;
    }
    out.push_str(&text[copied..]);
}

/// By byte: what [`push_xml`] must look at. The markup characters, the control characters
/// XML forbids, and 0xEF, which leads U+FFFE and U+FFFF in UTF-8.
const NEEDS_LOOK: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = !matches!(b as u8, b'\t' | b'\n' | b'\r');
        b += 1;
    }
    table[b'&' as usize] = true;
    table[b'<' as usize] = true;
    table[b'>' as usize] = true;
    table[b'"' as usize] = true;
    table[b'\'' as usize] = true;
    table[0xEF] = true;
    table
};

/// Appends `c` escaped for XML, or nothing when XML cannot carry it: what [`xml`] does to
/// each character, for [`markdown_literal`], which escapes more characters besides.
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
    fn xml_gives_what_escaping_each_character_gives() {
        let each = |text: &str| {
            let mut out = String::new();
            for c in text.chars() {
                push_xml_char(&mut out, c);
            }
            out
        };
        // Every ASCII character, full-width forms and the specials beside the two
        // forbidden ones, characters whose UTF-8 holds 0xBF or 0xBE, and ideographs.
        let chars = (0..0x80u32)
            .chain(0xFF00..=0xFFFF)
            .chain([0xEF, 0xBF, 0x3FBF, 0xEFBF, 0x4E2D, 0x10FFFF])
            .filter_map(char::from_u32);
        for c in chars {
            for text in [format!("{c}"), format!("标题{c}x"), format!("&{c}{c}\u{1}")] {
                assert_eq!(xml(&text), each(&text), "{:?}", c);
            }
        }
        assert_eq!(xml("（一）\u{FFFE}：\u{FFFF}！"), "（一）：！");
    }

    #[test]
    fn cdata_survives_its_own_terminator() {
        assert_eq!(cdata("a]]>b"), "<![CDATA[a]]]]><![CDATA[>b]]>");
        assert_eq!(cdata("<p>x\u{0}</p>"), "<![CDATA[<p>x</p>]]>");
    }
}
