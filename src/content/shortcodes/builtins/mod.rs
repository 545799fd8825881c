//! What each built-in shortcode means: its arguments, as each generator writes them, turned
//! into the variables its template gets; or, for the few that are values rather than
//! presentation (`ref`, `param`, `post_url`, `asset_path`, `{{ site.baseurl }}`), the value.
//!
//! Every template gets its arguments twice: normalised (`id`, `title`, `url`… always
//! present, empty when not given, so Tera 2 never meets an undefined name) and as written
//! (named ones by name, positional ones in `args`), plus `body` (the text between the
//! tags, shortcodes in it expanded) and `nth` (the how-manieth call of this name in the
//! article), as Zola gives them.
//!
//! Here: the dispatch; `values` (the calls that are values), `vars` (each template's
//! variables, with `embeds`, `code` and `hexo` for the families), `links` (URLs).

mod code;
mod embeds;
mod hexo;
mod links;
mod values;
mod vars;

use serde_json::{Map, Value};

use super::Page;
use super::args::{self, Args};
use super::scan::Syntax;
use values::value;
use vars::normalise;

/// What a call expands to.
pub enum Expansion {
    /// Not a shortcode after all (a Liquid `{{ expression }}` sitegen does not know): the
    /// text stays as written, as Hugo and Zola leave it.
    AsWritten,
    /// Text to put in place of the call as it is (a URL, an escaped value).
    Value(String),
    /// Markdown to put in place of the call (`{% raw %}`).
    Markdown(String),
    /// A template to render with these variables; `markdown` when its output is Markdown
    /// (a code fence, or a Hugo `{{% %}}` call).
    Template {
        name: String,
        vars: Map<String, Value>,
        markdown: bool,
    },
}

/// Why a call cannot be expanded: a warning at the call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub message: String,
    pub hint: String,
}

impl Problem {
    fn new(message: impl Into<String>, hint: impl Into<String>) -> Self {
        Problem {
            message: message.into(),
            hint: hint.into(),
        }
    }
}

/// The theme's shortcode templates (`templates/shortcodes/NAME.html`).
pub const BUILT_IN: &[&str] = &[
    "admonition",
    "asset_img",
    "asset_link",
    "bilibili",
    "blockquote",
    "center",
    "codeblock",
    "details",
    "figure",
    "gist",
    "highlight",
    "iframe",
    "img",
    "instagram",
    "jsfiddle",
    "left",
    "link",
    "music",
    "note",
    "post_link",
    "pullquote",
    "qr",
    "right",
    "vimeo",
    "x",
    "youku",
    "youtube",
];

/// Names that are another built-in's.
fn canonical(name: &str) -> &str {
    match name {
        "tweet" | "twitter" | "twitter_simple" => "x",
        "vimeo_simple" => "vimeo",
        "instagram_simple" => "instagram",
        "code" => "codeblock",
        "quote" => "blockquote",
        "image" => "img",
        "expand" => "details",
        "notice" => "admonition",
        other => other,
    }
}

/// Whether the body of this call is text to show as it is, not Markdown that may hold
/// other shortcodes: its end is the first closing tag, whatever comes between.
pub fn raw_body(syntax: Syntax, name: &str) -> bool {
    match syntax {
        Syntax::Hugo { .. } => name == "highlight",
        Syntax::Liquid => matches!(canonical(name), "highlight" | "codeblock" | "raw"),
        _ => false,
    }
}

/// Whether a built-in never has a body, so no closing tag is looked for: an archive with a
/// thousand `{% asset_img %}` in one article must not look a thousand times to its end.
pub fn never_has_body(syntax: Syntax, name: &str) -> bool {
    let liquid = matches!(
        name,
        "asset_img"
            | "asset_link"
            | "asset_path"
            | "post_link"
            | "post_url"
            | "img"
            | "image"
            | "iframe"
            | "youtube"
            | "vimeo"
            | "link"
            | "gist"
            | "jsfiddle"
    );
    let hugo = matches!(
        name,
        "figure"
            | "youtube"
            | "vimeo"
            | "bilibili"
            | "gist"
            | "x"
            | "tweet"
            | "twitter"
            | "twitter_simple"
            | "vimeo_simple"
            | "instagram"
            | "param"
            | "ref"
            | "relref"
            | "youku"
            | "music"
    );
    match syntax {
        Syntax::Liquid => liquid,
        Syntax::Hugo { .. } => hugo,
        _ => false,
    }
}

/// One call, ready to expand.
pub struct Call<'a> {
    pub syntax: Syntax,
    pub name: &'a str,
    pub args: &'a str,
    pub body: Option<String>,
    pub nth: usize,
}

/// What `call` expands to, given the templates that exist (`has`).
pub fn expand(
    call: Call<'_>,
    page: &Page<'_>,
    has: impl Fn(&str) -> bool,
) -> Result<Expansion, Problem> {
    let markdown_call = matches!(call.syntax, Syntax::Hugo { markdown: true });
    let args = match call.syntax {
        Syntax::Hugo { .. } => args::hugo(call.args),
        Syntax::ZolaCall | Syntax::ZolaBlock => args::zola(call.args).map_err(|e| {
            Problem::new(
                format!("shortcode `{}`: {e}", call.name),
                "Zola arguments are `name=value` pairs: strings in quotes, numbers, true or false",
            )
        })?,
        Syntax::Liquid => args::liquid(call.args),
        Syntax::LiquidOutput => Args::default(),
    };
    if let Some(value) = value(&call, &args, page)? {
        return Ok(value);
    }
    let name = canonical(call.name);
    // A site's template with the name as written (`tweet`) wins over the built-in alias.
    let name = if has(call.name) { call.name } else { name };
    if !has(name) {
        return Err(match call.name.strip_suffix(".inline") {
            Some(_) if matches!(call.syntax, Syntax::Hugo { .. }) => inline_shortcode(call.name),
            _ if call.syntax == Syntax::Liquid && LIQUID_LOGIC.contains(&call.name) => {
                liquid_logic(call.name)
            }
            _ => unknown(call.name),
        });
    }
    let mut vars = args.named.clone();
    let fixed = normalise(name, call.syntax, &args, call.body.as_deref(), page);
    let code = fixed.contains_key("fence");
    // A Hugo `{{% %}}` call's output is Markdown; the theme's templates already render
    // their body, so theirs is HTML (Markdown would reread a `<pre>` with blank lines).
    let markdown_call = markdown_call && !BUILT_IN.contains(&name);
    vars.extend(fixed);
    vars.insert(
        "args".into(),
        Value::from(
            args.positional
                .iter()
                .map(|s| Value::from(s.as_str()))
                .collect::<Vec<_>>(),
        ),
    );
    vars.entry("body")
        .or_insert_with(|| Value::from(call.body.unwrap_or_default()));
    vars.insert("nth".into(), Value::from(call.nth));
    Ok(Expansion::Template {
        name: name.to_string(),
        vars,
        markdown: markdown_call || code,
    })
}

fn unknown(name: &str) -> Problem {
    Problem::new(
        format!("unknown shortcode `{name}`"),
        format!(
            "add templates/shortcodes/{name}.html to render it: its arguments are template variables (positional ones in `args`), `body` is the text between its tags"
        ),
    )
}

/// Liquid's own tags, which Jekyll runs in every page: template logic, not shortcodes.
const LIQUID_LOGIC: &[&str] = &[
    "if",
    "unless",
    "case",
    "for",
    "assign",
    "capture",
    "include",
    "include_relative",
    "increment",
    "decrement",
    "cycle",
    "tablerow",
    "comment",
    "elsif",
    "else",
    "when",
];

/// A Liquid tag such as `{% for %}` or `{% include %}` in a Jekyll page: a program over
/// the site's data, which sitegen does not run.
fn liquid_logic(name: &str) -> Problem {
    Problem::new(
        format!(
            "Liquid `{{% {name} %}}` is template logic, which sitegen does not run: shown as written"
        ),
        "write what it produces into the page, or move it into a template",
    )
}

/// Hugo's inline shortcodes (`{{< x.inline >}}…{{< /x.inline >}}`) are Go templates
/// written in the article; sitegen cannot run Go templates.
fn inline_shortcode(name: &str) -> Problem {
    Problem::new(
        format!("inline shortcode `{name}`: its body is a Go template, which sitegen does not run"),
        format!("write what it does as templates/shortcodes/{name}.html (Tera), or remove it"),
    )
}

#[cfg(test)]
mod tests;
