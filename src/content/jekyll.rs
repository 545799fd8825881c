//! Jekyll's collections: folders such as `_docs/` that Jekyll publishes only when its
//! `_config.yml` says `output: true`, each at its own permalink pattern
//! (`/:collection/:path/`). A Jekyll site copied into `content/` brings that file along, so
//! its pages keep their URLs; without it, an underscore folder is not published, as
//! Jekyll and Hexo leave such folders (`_includes/`, `_layouts/`, `_data/`) out.

use std::collections::HashMap;
use std::path::{Component, Path};

use serde_json::Value;

/// Jekyll's default permalink for a collection's documents.
const DEFAULT_PERMALINK: &str = "/:collection/:path:output_ext";

/// The collections `content/_config.yml` declares with `output: true`, by name, with
/// their permalink pattern.
#[derive(Debug, Clone, Default)]
pub struct Collections(HashMap<String, String>);

impl Collections {
    /// Reads `content/_config.yml` under `root`; none when it is missing or is not YAML
    /// (it is another tool's file: sitegen does not judge it).
    pub fn read(root: &Path) -> Self {
        let path = root.join(crate::load::CONTENT_DIR).join("_config.yml");
        let Ok(text) = std::fs::read_to_string(path) else {
            return Collections::default();
        };
        let Ok(config) = serde_saphyr::from_str::<Value>(&text) else {
            return Collections::default();
        };
        Collections::from_config(&config)
    }

    fn from_config(config: &Value) -> Self {
        let Some(declared) = config.get("collections").and_then(Value::as_object) else {
            return Collections::default();
        };
        let published = declared.iter().filter_map(|(name, settings)| {
            let output = settings.get("output").and_then(Value::as_bool) == Some(true);
            let pattern = settings
                .get("permalink")
                .and_then(Value::as_str)
                .unwrap_or(DEFAULT_PERMALINK);
            output.then(|| (name.clone(), pattern.to_string()))
        });
        Collections(published.collect())
    }

    /// For a file in an underscore folder (`content/_docs/a/b.md`): `Some(Some(url))` when
    /// Jekyll publishes it, at that URL path (relative to the root); `Some(None)` when the
    /// folder is not a published collection; `None` when the file is in no such folder
    /// (or in `_posts/`, `_drafts/`).
    pub fn place(&self, rel: &Path) -> Option<Option<String>> {
        let mut parts = rel.components();
        parts.next(); // content/
        let Some(Component::Normal(folder)) = parts.next() else {
            return None;
        };
        let name = folder.to_str()?.strip_prefix('_')?;
        if matches!(name, "posts" | "drafts") || parts.clone().next().is_none() {
            return None;
        }
        let Some(pattern) = self.0.get(name) else {
            return Some(None);
        };
        let inner = parts.as_path().with_extension("");
        let inner = inner.to_string_lossy().replace('\\', "/");
        let stem = rel
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let filled = pattern
            .replace(":collection", name)
            .replace(":path", &inner)
            .replace(":name", &stem)
            .replace(":title", &stem)
            .replace(":output_ext", ".html");
        let mut url: String = filled
            .split('/')
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join("/");
        if !url.ends_with(".html") {
            url.push('/');
        }
        Some(Some(url))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_collections_fill_their_pattern() {
        let config: Value = serde_saphyr::from_str(
            "collections:\n  docs:\n    permalink: /:collection/:path/\n    output: true\n  notes:\n    output: true\n  drafts_box:\n    output: false\n",
        )
        .unwrap();
        let c = Collections::from_config(&config);
        let place = |p: &str| c.place(Path::new(p));
        assert_eq!(
            place("content/_docs/安装/快速上手.md"),
            Some(Some("docs/安装/快速上手/".into()))
        );
        assert_eq!(
            place("content/_notes/a.md"),
            Some(Some("notes/a.html".into()))
        );
        assert_eq!(place("content/_drafts_box/a.md"), Some(None));
        assert_eq!(place("content/_includes/a.md"), Some(None));
        assert_eq!(place("content/_posts/a.md"), None);
        assert_eq!(place("content/docs/a.md"), None);
        assert_eq!(place("content/_a.md"), None);
    }
}
