//! `sitegen init DIR`: a new site that builds at once.

use std::fs;
use std::path::{Path, PathBuf};

use chrono::{FixedOffset, SecondsFormat};

use crate::config::CONFIG_FILE;
use crate::diagnostics::Diagnostic;

use super::shown;

/// `config.toml` with every key, its default and a comment in Chinese and English.
pub(crate) const CONFIG: &str = include_str!("files/config.toml");
/// The sample article; `@DATE@` becomes the time of `init`.
const SAMPLE: &str = include_str!("files/sample.md");
/// Where the sample goes: in a section, so the new site shows one from the start.
pub(crate) const SAMPLE_PATH: &str = "content/资讯/欢迎使用-sitegen.md";
/// The GitHub Pages workflow; `@VERSION@` becomes this sitegen's version.
const WORKFLOW: &str = include_str!("files/deploy.yml");
/// The output folder and the staging folders `build` keeps beside it are never sources.
const GITIGNORE: &str = "# sitegen build output, and the folders it prepares beside it\n\
                         /public\n/.public.sitegen-tmp\n/.public.sitegen-old\n\
                         # resized pictures, kept between builds ([images] cache_dir)\n\
                         /.sitegen-cache\n";

/// What `sitegen init` was asked to do.
#[derive(Debug, Clone)]
pub struct InitOptions {
    /// The folder to create the site in; made when missing.
    pub dir: PathBuf,
    /// Write into a folder that already holds files (over same-named ones, leaving others).
    pub force: bool,
}

/// What `sitegen init` did.
#[derive(Debug, Clone)]
pub struct InitSummary {
    pub dir: PathBuf,
    /// The files written, relative to `dir`.
    pub files: Vec<&'static str>,
}

/// The files of a new site, as (path relative to the site folder, contents).
fn files(now: &str) -> Vec<(&'static str, String)> {
    vec![
        (CONFIG_FILE, CONFIG.to_string()),
        (SAMPLE_PATH, SAMPLE.replace("@DATE@", now)),
        // Git does not keep empty folders; these say where overrides go.
        ("templates/.gitkeep", String::new()),
        ("static/.gitkeep", String::new()),
        (".gitignore", GITIGNORE.to_string()),
        (
            ".github/workflows/deploy.yml",
            WORKFLOW.replace("@VERSION@", env!("CARGO_PKG_VERSION")),
        ),
    ]
}

/// Creates the site. Refuses a folder that holds anything unless `force`; never deletes.
pub fn init(options: &InitOptions) -> Result<InitSummary, Diagnostic> {
    let dir = &options.dir;
    if dir.exists() && !dir.is_dir() {
        return Err(Diagnostic::new(
            dir,
            "cannot create a site here: it is a file",
        ));
    }
    if !options.force && !is_empty_or_missing(dir)? {
        return Err(Diagnostic::new(
            dir,
            "refusing to create a site in a folder that is not empty",
        )
        .hint("choose a new folder, or pass --force to add the site's files (same-named files are replaced, nothing is deleted)"));
    }
    let now = crate::site::now(site_offset()?).to_rfc3339_opts(SecondsFormat::Secs, false);
    let files = files(&now);
    for (rel, text) in &files {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)
                .map_err(|e| Diagnostic::new(parent, format!("cannot create: {e}")))?;
        }
        fs::write(&path, text).map_err(|e| Diagnostic::new(&path, format!("cannot write: {e}")))?;
    }
    Ok(InitSummary {
        dir: dir.clone(),
        files: files.iter().map(|(rel, _)| *rel).collect(),
    })
}

/// The timezone the generated config sets, so the sample's date reads in the site's time.
fn site_offset() -> Result<FixedOffset, Diagnostic> {
    crate::config::SiteConfig::parse(CONFIG, None).map(|c| c.offset)
}

fn is_empty_or_missing(dir: &Path) -> Result<bool, Diagnostic> {
    match fs::read_dir(dir) {
        Ok(mut entries) => Ok(entries.next().is_none()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(true),
        Err(e) => Err(Diagnostic::new(dir, format!("cannot read: {e}"))),
    }
}

/// What to type next, for the message `init` prints.
pub fn next_steps(summary: &InitSummary) -> String {
    let dir = shell_quote(&shown(&summary.dir));
    let mut text = format!(
        "created a new site in {dir}: {}\n\nnext:\n",
        summary.files.join(", ")
    );
    text.push_str(&format!(
        "  cd {dir} && sitegen build           # builds the site into public/\n"
    ));
    text.push_str(
        "  sitegen serve                      # previews it in the browser as you edit\n",
    );
    text.push_str("  sitegen new \"标题\" --section 资讯   # starts a draft article\n");
    text.push_str(
        "then edit title and base_url in config.toml, and see .github/workflows/deploy.yml to publish\n",
    );
    text
}

/// Quotes a path for a POSIX shell when it needs it.
fn shell_quote(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| !c.is_ascii() || c.is_ascii_alphanumeric() || "-_./+,:@%".contains(c));
    if plain {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::SiteConfig;

    #[test]
    fn generated_config_parses_with_the_documented_defaults() {
        let config = SiteConfig::parse(CONFIG, None).unwrap();
        let raw = &config.raw;
        let defaults =
            SiteConfig::parse("title = \"t\"\nbase_url = \"https://example.com/\"\n", None)
                .unwrap()
                .raw;
        // Everything but the values a new site needs filled in is the default, so deleting
        // a line never changes the site.
        assert_eq!(raw.language, defaults.language);
        assert_eq!(raw.timezone, defaults.timezone);
        assert_eq!(raw.paginate_by, defaults.paginate_by);
        assert_eq!(raw.permalink, defaults.permalink);
        assert_eq!(raw.cjk_spacing, defaults.cjk_spacing);
        assert_eq!(raw.feed_limit, defaults.feed_limit);
        assert_eq!(raw.feed_full_content, defaults.feed_full_content);
        assert_eq!(raw.footer.copyright, defaults.footer.copyright);
        assert_eq!(raw.footer.icp, defaults.footer.icp);
        assert_eq!(raw.publisher.name, defaults.publisher.name);
        assert_eq!(raw.publisher.logo, defaults.publisher.logo);
        assert_eq!(raw.markdown, defaults.markdown);
        assert!(raw.extra.is_empty());
        assert_eq!(raw.author, "编辑部");
    }

    /// The keys serde knows for a table, read from its "unknown field" error, which lists
    /// them all: this follows `Config` as fields are added, with no list to keep in step.
    fn known_keys(table: Option<&str>) -> Vec<String> {
        let probe = match table {
            None => "title = \"t\"\nbase_url = \"https://a.com\"\nzz_probe = 1\n".to_string(),
            Some(t) => {
                format!("title = \"t\"\nbase_url = \"https://a.com\"\n[{t}]\nzz_probe = 1\n")
            }
        };
        let err = SiteConfig::parse(&probe, None).unwrap_err();
        assert!(err.message.contains("zz_probe"), "{err}");
        let expected = err.message.split("expected").nth(1).unwrap_or_default();
        let keys: Vec<String> = expected
            .split('`')
            .skip(1)
            .step_by(2)
            .map(str::to_string)
            .collect();
        assert!(!keys.is_empty(), "no keys in {err}");
        keys
    }

    /// The keys the generated config sets, per table (None for the top level).
    fn written_keys(table: Option<&str>) -> Vec<String> {
        let value: toml::Table = toml::from_str(CONFIG).unwrap();
        let table = match table {
            None => &value,
            Some(t) => value[t].as_table().unwrap(),
        };
        table.keys().cloned().collect()
    }

    #[test]
    fn generated_config_has_every_key() {
        let top = known_keys(None);
        assert!(top.contains(&"title".to_string()) && top.contains(&"author".to_string()));
        let written = written_keys(None);
        for key in &top {
            assert!(written.contains(key), "config.toml lacks `{key}`");
            assert!(
                CONFIG.contains(&format!("\n{key} = ")) || CONFIG.contains(&format!("\n[{key}]")),
                "`{key}` is not written out in config.toml"
            );
        }
        let value: toml::Table = toml::from_str(CONFIG).unwrap();
        for (name, item) in &value {
            // Free tables (any key is allowed), and `[push]`, whose services are optional
            // tables shown commented out.
            if ["extra", "sections", "strings", "push"].contains(&name.as_str()) || !item.is_table()
            {
                continue;
            }
            let written = written_keys(Some(name));
            for key in known_keys(Some(name)) {
                assert!(written.contains(&key), "config.toml lacks `[{name}] {key}`");
            }
        }
    }

    #[test]
    fn every_key_is_commented_in_both_languages() {
        let lines: Vec<&str> = CONFIG.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let is_key = line.contains(" = ") && !line.starts_with('#');
            let is_table = line.starts_with('[');
            if !is_key && !is_table {
                continue;
            }
            let comments: String = lines[..i]
                .iter()
                .rev()
                .take_while(|l| l.starts_with('#'))
                .copied()
                .collect();
            let chinese = comments
                .chars()
                .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
            let english = comments
                .split_whitespace()
                .filter(|w| w.is_ascii() && w.chars().any(|c| c.is_ascii_alphabetic()))
                .count()
                >= 2;
            assert!(
                chinese && english,
                "line {}: {line} lacks a bilingual comment",
                i + 1
            );
        }
    }

    #[test]
    fn sample_article_is_valid_front_matter() {
        let files = files("2026-09-21T22:13:20+08:00");
        let (_, sample) = files.iter().find(|(p, _)| *p == SAMPLE_PATH).unwrap();
        let front = sample.split("+++").nth(1).unwrap();
        let value: toml::Table = toml::from_str(front).unwrap();
        assert!(value["date"].is_datetime());
        assert!(!sample.contains("@DATE@"));
        let (_, workflow) = files
            .iter()
            .find(|(p, _)| p.ends_with("deploy.yml"))
            .unwrap();
        assert!(workflow.contains(env!("CARGO_PKG_VERSION")) && !workflow.contains("@VERSION@"));
    }

    #[test]
    fn workflow_pushes_after_the_deploy_only_when_configured() {
        #[derive(serde::Deserialize)]
        struct Workflow {
            jobs: std::collections::BTreeMap<String, Job>,
        }
        #[derive(serde::Deserialize)]
        struct Job {
            #[serde(default)]
            needs: Vec<String>,
            steps: Vec<Step>,
        }
        #[derive(serde::Deserialize)]
        struct Step {
            #[serde(rename = "if")]
            condition: Option<String>,
            run: Option<String>,
            uses: Option<String>,
            with: Option<std::collections::BTreeMap<String, serde_json::Value>>,
        }
        // `needs: build` is a string in the deploy job: read it as a list of one.
        let yaml = WORKFLOW.replace("needs: build\n", "needs: [build]\n");
        let workflow: Workflow = serde_saphyr::from_str(&yaml).unwrap();
        let push = &workflow.jobs["push"];
        assert_eq!(push.needs, ["build", "deploy"]);
        for step in &push.steps {
            let condition = step.condition.as_deref().unwrap_or("");
            assert!(
                condition.contains("env.BAIDU_PUSH_TOKEN != ''"),
                "{condition}"
            );
        }
        let run = push.steps.iter().filter_map(|s| s.run.as_deref());
        assert!(
            run.clone()
                .any(|r| r.starts_with("sitegen push --base-url"))
        );
        // The push state is cached between runs, under the cache folder, never published.
        let cached = push
            .steps
            .iter()
            .filter(|s| s.uses.as_deref() == Some("actions/cache@v4"))
            .filter_map(|s| s.with.as_ref()?.get("path")?.as_str())
            .collect::<Vec<_>>();
        assert!(cached.contains(&".sitegen-cache/push"), "{cached:?}");
        // The build hands the manifest over.
        let build = &workflow.jobs["build"];
        assert!(build.steps.iter().any(|s| {
            s.with.as_ref().is_some_and(|w| {
                w.get("path").and_then(|p| p.as_str()) == Some("public/.sitegen-output")
            })
        }));
    }

    #[test]
    fn quotes_paths_for_the_shell() {
        assert_eq!(shell_quote("my-site"), "my-site");
        assert_eq!(shell_quote("资讯站"), "资讯站");
        assert_eq!(shell_quote("my site"), "'my site'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
    }
}
