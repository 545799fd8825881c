//! The built-ins that are values, not templates: links to other articles (the resolver's
//! markers), parameters, and Jekyll's `site` variables.

use super::links::{encode, is_url};
use super::{Call, Expansion, Problem};
use crate::content::shortcodes::Page;
use crate::content::shortcodes::args::{self, Args};
use crate::content::shortcodes::scan::Syntax;

/// The calls that are values, not templates.
pub(super) fn value(
    call: &Call<'_>,
    args: &Args,
    page: &Page<'_>,
) -> Result<Option<Expansion>, Problem> {
    let first = || args.positional.first().cloned().unwrap_or_default();
    let out = match (call.syntax, call.name) {
        (Syntax::LiquidOutput, _) => {
            return Ok(Some(
                liquid_output(call.args, page).map_or(Expansion::AsWritten, Expansion::Value),
            ));
        }
        (Syntax::Hugo { .. }, "ref" | "relref") => {
            let target = args.get("path", 0).unwrap_or_default();
            Expansion::Value(internal_link(&target))
        }
        (Syntax::Hugo { .. }, "param") => {
            let key = args.get("name", 0).unwrap_or_default();
            let value = param(page, &key).ok_or_else(|| {
                Problem::new(
                    format!("param `{key}` is not set"),
                    format!(
                        "set `{key}` in the article's front matter or under [extra] in config.toml"
                    ),
                )
            })?;
            Expansion::Value(crate::escape::html(&value))
        }
        (Syntax::Liquid, "raw") => Expansion::Markdown(call.body.clone().unwrap_or_default()),
        (Syntax::Liquid, "post_url") => Expansion::Value(format!("@ref:{}", encode(&first()))),
        // Jekyll's `{% link _posts/x.md %}` (Hexo's `link` has a text and a URL).
        (Syntax::Liquid, "link") if args.positional.len() == 1 && !is_url(&first()) => {
            Expansion::Value(format!("@ref:{}", encode(&first())))
        }
        (Syntax::Liquid, "asset_path") => Expansion::Value(encode(&first())),
        _ => return Ok(None),
    };
    Ok(Some(out))
}

/// A link to another article as the contract with the link resolver writes it: `@/PATH`
/// for a path from `content/` (Hugo's leading `/`), `@ref:NAME` for a lookup.
pub(super) fn internal_link(target: &str) -> String {
    let target = target.trim();
    let (path, fragment) = match target.split_once('#') {
        Some((path, fragment)) => (path, format!("#{}", encode(fragment))),
        None => (target, String::new()),
    };
    match path.strip_prefix('/') {
        Some(path) => format!("@/{}{fragment}", encode(path)),
        None => format!("@ref:{}{fragment}", encode(path)),
    }
}

/// A Hugo `param`: the article's front matter, then config.toml's `[extra]`; a dotted
/// name reaches into tables.
pub(super) fn param(page: &Page<'_>, key: &str) -> Option<String> {
    let mut parts = key.split('.');
    let first = parts.next()?;
    let rest: Vec<&str> = parts.collect();
    let from_page = page.params.get(first).and_then(|v| {
        rest.iter()
            .try_fold(v, |v, k| v.get(k))
            .map(args::value_text)
    });
    from_page.or_else(|| {
        let v = page.config.raw.extra.get(first)?;
        let v = rest.iter().try_fold(v, |v, k| v.get(k))?;
        Some(match v {
            toml::Value::String(s) => s.clone(),
            other => other.to_string(),
        })
    })
}

/// Jekyll's `{{ site.baseurl }}`, `{{ site.url }}` and `{{ "/x" | relative_url }}`; None
/// for any other expression, which is left as written.
pub(super) fn liquid_output(expr: &str, page: &Page<'_>) -> Option<String> {
    let root = page.config.root_path.trim_end_matches('/');
    match expr {
        "site.baseurl" => return Some(root.to_string()),
        "site.url" => return Some(page.config.origin.clone()),
        _ => {}
    }
    let (value, filter) = expr.split_once('|')?;
    let value = value.trim();
    let quoted = value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .or_else(|| value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))?;
    let path = quoted.trim_start_matches('/');
    match filter.trim() {
        "relative_url" => Some(format!("{root}/{path}")),
        "absolute_url" => Some(format!("{}/{path}", page.config.base_url)),
        _ => None,
    }
}
