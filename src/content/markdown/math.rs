//! `$…$` and `$$…$$` math: LaTeX turned into MathML at build time, so a formula needs no
//! script and nothing from another origin, and dollar amounts in prose left as prose.
//!
//! The LaTeX is read by `pulldown-latex` (MIT): it covers what tech articles write
//! (`\frac`, `\sum_{i=1}^n`, `\sqrt`, `aligned`/`cases`/`pmatrix`, Greek, `\mathbb`,
//! `\operatorname`, `\def` macros with expansion limits), returns mistakes as errors rather
//! than panicking, and has a small dependency tree. Its writer leaves `<` and `&` raw
//! inside `<mo>` and `<mi>` (`$a<b$` gives `<mo><</mo>`), so [`escape_stray_markup`]
//! escapes every `<`, `>` and `&` that is not the writer's own markup.
//!
//! pulldown-cmark decides what is math with the peers' first two rules (no space after
//! the opening `$`, none before the closing one). That keeps `售价 $5，折后 $3` as prose
//! but not `价格从$30降到$20`, where Chinese leaves no spaces to go by; [`dollars_as_text`]
//! adds pandoc's third rule and one for Chinese prose.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event};
use pulldown_latex::config::DisplayMode;
use pulldown_latex::event::Content;
use pulldown_latex::{Parser, RenderConfig, Storage};

/// Characters of the formula shown around a mistake in a message.
const CONTEXT_CHARS: usize = 40;

/// Renders a formula (without its `$` delimiters) as a `<math>` element, `display="block"`
/// for display math. The error says what did not parse and where, in words a writer can
/// act on; the caller shows the source instead and warns.
pub(super) fn to_mathml(tex: &str, display: bool) -> Result<String, String> {
    let storage = Storage::new();
    let mut events = Vec::new();
    for event in Parser::new(tex, &storage) {
        let event = event.map_err(|e| describe(&e, tex))?;
        if let pulldown_latex::Event::Content(Content::Function(name)) = &event
            && name.contains(['<', '>', '&'])
        {
            return Err(format!(
                "an operator name cannot contain `<`, `>` or `&` (in `{}`)",
                shorten(name)
            ));
        }
        events.push(Ok::<_, pulldown_latex::ParserError>(event));
    }
    let config = RenderConfig {
        display_mode: if display {
            DisplayMode::Block
        } else {
            DisplayMode::Inline
        },
        ..RenderConfig::default()
    };
    let mut mathml = String::with_capacity(tex.len() * 8);
    pulldown_latex::push_mathml(&mut mathml, events.into_iter(), config)
        .map_err(|e| format!("the formula could not be written as MathML: {e}"))?;
    Ok(escape_stray_markup(&mathml))
}

/// A parser error in one line: what went wrong, and the part of the formula around it.
/// pulldown-latex's own message draws the context as a box over several lines, which a
/// `path:line:col: warning: …` line cannot carry.
fn describe(error: &pulldown_latex::ParserError, tex: &str) -> String {
    let what = std::error::Error::source(error)
        .map(|kind| kind.to_string())
        .unwrap_or_else(|| "the formula does not parse".to_string())
        .replace("unkown", "unknown");
    match context_of(&error.to_string()).map(|near| widen(tex, &near)) {
        Some(near) if !near.is_empty() => format!("{what} (near `{}`)", shorten(&near)),
        _ => what,
    }
}

/// The first line of source the error's context box shows (`│ \frac{1}{2`).
fn context_of(message: &str) -> Option<String> {
    let line = message
        .lines()
        .skip_while(|l| !l.contains("context:"))
        .skip(1)
        // A line of only `…` marks context cut off before the shown part.
        .find_map(|l| {
            l.strip_prefix('│')
                .filter(|rest| !rest.trim().trim_matches('…').trim().is_empty())
        })?;
    let near = line.strip_prefix([' ', '…']).unwrap_or(line).trim();
    (!near.chars().all(|c| c == '^')).then(|| near.to_string())
}

/// The context pulldown-latex shows is a window of bytes that may cut a command in two
/// (`egin{nosuch} x \end{nosu`); found in the formula, it is widened to whole words.
/// Context from inside a macro's expansion is not in the formula and stays as it is.
fn widen(tex: &str, near: &str) -> String {
    let Some(start) = tex.find(near) else {
        return near.to_string();
    };
    let end = start + near.len();
    let from = tex[..start]
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_whitespace())
        .map_or(0, |(i, c)| i + c.len_utf8());
    let to = tex[end..]
        .find(char::is_whitespace)
        .map_or(tex.len(), |i| end + i);
    tex[from..to].trim().to_string()
}

fn shorten(text: &str) -> String {
    crate::content::markdown::truncate_chars(text, CONTEXT_CHARS)
}

/// Escapes what the MathML writer left raw. Its own markup is `<` followed by a lowercase
/// tag name or `/`, up to the next `>` (its attribute values never hold one), and the
/// entities `&amp;` `&lt;` `&gt;` `&nbsp;`; everything else is text. The text that reaches
/// it from the formula is either escaped already (`\text{…}`), digits, single characters
/// inside their own element (`<mo><</mo>`, so a raw `<` is never followed by a letter), or
/// an operator name, which [`to_mathml`] refuses when it holds markup characters. Control
/// characters, which HTML does not allow, are dropped.
fn escape_stray_markup(mathml: &str) -> String {
    const ENTITIES: [&str; 4] = ["amp;", "lt;", "gt;", "nbsp;"];
    let mut out = String::with_capacity(mathml.len() + 16);
    let mut in_tag = false;
    for (i, c) in mathml.char_indices() {
        let rest = &mathml[i + c.len_utf8()..];
        match c {
            _ if in_tag => {
                out.push(c);
                in_tag = c != '>';
            }
            '<' if rest.starts_with(|n: char| n.is_ascii_lowercase() || n == '/') => {
                out.push('<');
                in_tag = true;
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' if ENTITIES.iter().any(|e| rest.starts_with(e)) => out.push('&'),
            '&' => out.push_str("&amp;"),
            c if c.is_control() && !matches!(c, '\n' | '\t') => {}
            c => out.push(c),
        }
    }
    out
}

/// Turns inline math that is really money back into the text the writer typed.
///
/// pulldown-cmark pairs two `$` as inline math when the opening one is not followed by
/// whitespace and the closing one is not preceded by it. Chinese prose puts no spaces
/// around amounts, so in `价格从$30降到$20` it pairs `$30降到$`. An inline formula is
/// taken for prose, and becomes the text `$…$` again, when either
///
/// 1. the closing `$` is followed at once by an ASCII digit (pandoc's rule: `$30降到$20`,
///    `花了$1,000和$2,000`), or
/// 2. the formula starts with an ASCII digit and holds Chinese (a CJK character or
///    punctuation) outside braces (`成本$30，利润是$x$` pairs `$30，利润是$`); a formula
///    like `$5\text{元}$` keeps its Chinese inside braces and stays math.
///
/// `source` is the Markdown the events were parsed from and each range the event's place
/// in it, as pulldown-cmark's offset iterator gives them. Run it before any pass that
/// looks at text, so they see the amounts as text. Display math is never touched.
pub(super) fn dollars_as_text<'a>(source: &str, events: &mut [(Event<'a>, Range<usize>)]) {
    for (event, range) in events.iter_mut() {
        let Event::InlineMath(tex) = event else {
            continue;
        };
        let digit_after = source
            .get(range.end..)
            .is_some_and(|after| after.starts_with(|c: char| c.is_ascii_digit()));
        if digit_after || reads_as_prose(tex) {
            *event = Event::Text(CowStr::from(format!("${tex}$")));
        }
    }
}

/// Rule 2 of [`dollars_as_text`]: a digit first, and Chinese outside braces.
fn reads_as_prose(tex: &str) -> bool {
    if !tex.starts_with(|c: char| c.is_ascii_digit()) {
        return false;
    }
    let mut depth = 0usize;
    let mut escaped = false;
    for c in tex.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            c if depth == 0 && is_chinese(c) => return true,
            _ => {}
        }
    }
    false
}

/// A CJK character or CJK/full-width punctuation (`，`, `。`, `：`).
fn is_chinese(c: char) -> bool {
    crate::text::is_cjk(c)
        || matches!(c, '\u{3000}'..='\u{303F}' | '\u{FF00}'..='\u{FFEF}' | '\u{2014}' | '\u{2026}')
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::{Options, Parser as Markdown};

    fn math(tex: &str) -> String {
        to_mathml(tex, false).unwrap_or_else(|e| panic!("{tex}: {e}"))
    }

    #[test]
    fn common_formulas_render_as_mathml() {
        let cases = [
            (r"\frac{a}{b}", "<mfrac>"),
            (r"\sum_{i=1}^n i^2", "<mo movablelimits=\"false\">∑</mo>"),
            (r"\sqrt{x}", "<msqrt>"),
            (r"\sqrt[3]{x}", "<mroot>"),
            (r"\begin{pmatrix}1&2\\3&4\end{pmatrix}", "<mtable"),
            (r"\begin{aligned} a &= b \\ c &= d \end{aligned}", "<mtr>"),
            (
                r"\begin{cases} 1 & x>0 \\ 0 & \text{否则} \end{cases}",
                "<mtext>否则</mtext>",
            ),
            (r"\alpha+\beta=\Gamma", "<mi>α</mi>"),
            (r"\mathbb{R}^n", "<mi>ℝ</mi>"),
            (r"\operatorname{softmax}(x)", "<mi>softmax</mi>"),
            (r"\lim_{x\to 0}\frac{\sin x}{x}=1", "<mi>lim</mi>"),
        ];
        for (tex, part) in cases {
            let out = math(tex);
            assert!(out.starts_with("<math display=\"inline\">"), "{tex}: {out}");
            assert!(out.ends_with("</math>"), "{tex}: {out}");
            assert!(out.contains(part), "{tex}: {out}");
        }
    }

    #[test]
    fn display_math_is_a_block() {
        let out = to_mathml(r"E = mc^2", true).unwrap();
        assert!(out.starts_with("<math display=\"block\">"), "{out}");
        assert!(out.contains("<msup><mi>c</mi><mn>2</mn></msup>"), "{out}");
    }

    #[test]
    fn markup_characters_are_escaped() {
        assert_eq!(
            math("a<b"),
            "<math display=\"inline\"><mi>a</mi><mo>&lt;</mo><mi>b</mi></math>"
        );
        assert!(math("x > 0").contains("<mo>&gt;</mo>"));
        assert!(
            math(r"a \& b").contains("<mi>&amp;</mi>"),
            "{}",
            math(r"a \& b")
        );
        let text = math(r"\text{<script>&amp;}");
        assert!(
            text.contains("<mtext>&lt;script&gt;&amp;amp;</mtext>"),
            "{text}"
        );
        assert!(!math(r"\mathrm{<}").contains("<<"));
        assert!(to_mathml(r"\operatorname{a<b}", false).is_err());
    }

    #[test]
    fn nothing_from_another_origin_and_no_script() {
        for tex in [r"\href{javascript:alert(1)}{x}", r"\url{https://a.com}"] {
            assert!(to_mathml(tex, false).is_err(), "{tex}");
        }
        let out = math(r"\color{red}{x} \textcolor{blue}{y}");
        assert!(!out.contains("http") && !out.contains("script"), "{out}");
    }

    #[test]
    fn mistakes_say_what_did_not_parse_and_where() {
        let e = to_mathml(r"\frac{1}{2", false).unwrap_err();
        assert!(e.contains("expected it to be closed with `}`"), "{e}");
        assert!(e.contains("near `\\frac{1}{2`"), "{e}");
        assert!(!e.contains('\n'), "one line: {e}");
        let e = to_mathml(r"x + \foo", true).unwrap_err();
        assert!(e.contains("unknown primitive command"), "{e}");
        assert!(e.contains(r"\foo"), "{e}");
        // Context cut off before the part shown (a `…` line) still names the part.
        let e = to_mathml("\\frac{n!}{k!(n-k)!} = {^n}C_k\n{n \\choose k}", true).unwrap_err();
        assert!(e.contains(r"near `{n \choose k}`"), "{e}");
        let e = to_mathml(r"\begin{nosuch} x \end{nosuch}", false).unwrap_err();
        assert_eq!(
            e,
            r"unknown mathematical environment found (near `\begin{nosuch} x \end{nosuch}`)"
        );
        let e = to_mathml(&r"\def\x{\x}\x".repeat(3), false).unwrap_err();
        assert!(e.contains("recursion"), "{e}");
        assert!(e.chars().count() < 200, "short: {e}");
    }

    #[test]
    fn deep_or_long_input_neither_panics_nor_overflows() {
        let n = 20_000;
        let nested = format!("{}x{}", "{".repeat(n), "}".repeat(n));
        assert!(to_mathml(&nested, true).is_ok());
        assert!(to_mathml(&r"\frac{".repeat(n), true).is_err());
        assert!(to_mathml(&"x^".repeat(n), false).is_err());
        assert!(to_mathml("", false).is_ok());
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

        #[test]
        fn never_panics_and_never_leaks_markup(tex in r"(\\[a-z]{1,6}|[{}\[\]^_&<>$#%'\\ a-z0-9]|\\begin\{(aligned|cases|array)\}|\\end\{(aligned|cases)\}|中|\n){0,24}") {
            if let Ok(out) = to_mathml(&tex, true) {
                let inner = out.strip_prefix("<math display=\"block\">").unwrap();
                proptest::prop_assert!(inner.ends_with("</math>"));
                proptest::prop_assert!(!inner.contains("<<") && !inner.contains("<script"));
            }
        }

        #[test]
        fn arbitrary_text_never_panics(tex in "\\PC{0,64}") {
            let _ = to_mathml(&tex, false);
        }
    }

    /// What pulldown-cmark (with math on) and [`dollars_as_text`] make of `md`: the inline
    /// math found, and the text.
    fn read(md: &str) -> (Vec<String>, String) {
        let mut events: Vec<_> = Markdown::new_ext(md, Options::ENABLE_MATH)
            .into_offset_iter()
            .collect();
        dollars_as_text(md, &mut events);
        let mut math = Vec::new();
        let mut text = String::new();
        for (event, _) in events {
            match event {
                Event::InlineMath(t) => math.push(format!("${t}$")),
                Event::DisplayMath(t) => math.push(format!("$${t}$$")),
                Event::Text(t) => text.push_str(&t),
                _ => {}
            }
        }
        (math, text)
    }

    #[test]
    fn dollar_amounts_stay_text() {
        for md in [
            "售价 $5，折后 $3。",
            "$30 美元",
            "花了 $1,000 和 $2,000",
            "价格从$30降到$20",
            "售价$5，折后$3",
            "花了$1,000和$2,000。",
            "成本$30，利润是$x$的一半",
            r"转账 \$5 给他，又转 \$6",
        ] {
            let (math, text) = read(md);
            assert!(math.is_empty(), "{md}: {math:?}");
            assert_eq!(text, md.replace(r"\$", "$"), "{md}");
        }
    }

    #[test]
    fn formulas_stay_math() {
        let (math, _) = read("设 $x$ 为输入，则$y=2x$，且 $5\\text{元}$ 与 $2^{10}$ 都是。");
        assert_eq!(math, ["$x$", "$y=2x$", r"$5\text{元}$", "$2^{10}$"]);
        let (math, _) = read("$$\n\\sum_{i=1}^n i\n$$\n");
        assert_eq!(math, ["$$\n\\sum_{i=1}^n i\n$$"]);
        let (math, _) = read("$$E=mc^2$$2");
        assert_eq!(math, ["$$E=mc^2$$"], "display math is left alone");
    }
}
