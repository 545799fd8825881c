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
/// The GitHub Pages workflow; `@VERSION@` becomes this sitegen's version and
/// `@DOWNLOAD_URL@` the releases it downloads (see [`ci_file`]).
const WORKFLOW: &str = include_str!("files/deploy.yml");
/// The GitLab Pages pipeline, with the same placeholders.
const GITLAB_CI: &str = include_str!("files/gitlab-ci.yml");
/// The output folder and the staging folders `build` keeps beside it are never sources.
const GITIGNORE: &str = "# sitegen build output, and the folders and lock it keeps beside it\n\
                         /public\n/.public.sitegen-tmp\n/.public.sitegen-old\n/.public.sitegen-lock\n\
                         # resized pictures, kept between builds ([images] cache_dir)\n\
                         /.sitegen-cache\n";

/// What `sitegen init` was asked to do.
#[derive(Debug, Clone)]
pub struct InitOptions {
    /// The folder to create the site in; made when missing.
    pub dir: PathBuf,
    /// Write into a folder that already holds files (over same-named ones, leaving others).
    pub force: bool,
    /// Which CI service gets a publishing pipeline.
    pub ci: Ci,
}

/// The CI service `init` writes a pipeline for: each installs this very sitegen version
/// from its release, checksum checked, so the site publishes on its first push.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Ci {
    /// `.github/workflows/deploy.yml`: GitHub Pages.
    #[default]
    GitHub,
    /// `.gitlab-ci.yml`: GitLab Pages.
    GitLab,
    /// No pipeline (docs/deploy.md covers the other hosts).
    None,
}

impl Ci {
    /// The names `--ci` takes.
    pub const NAMES: [&'static str; 3] = ["github", "gitlab", "none"];

    pub fn from_name(name: &str) -> Option<Ci> {
        match name {
            "github" => Some(Ci::GitHub),
            "gitlab" => Some(Ci::GitLab),
            "none" => Some(Ci::None),
            _ => None,
        }
    }

    /// Where the pipeline goes in the site, with its template.
    fn file(self) -> Option<(&'static str, &'static str)> {
        match self {
            Ci::GitHub => Some((".github/workflows/deploy.yml", WORKFLOW)),
            Ci::GitLab => Some((".gitlab-ci.yml", GITLAB_CI)),
            Ci::None => None,
        }
    }
}

/// A pipeline template filled in: this version, and the releases Cargo.toml's repository
/// publishes (a fork that changes `repository` gets pipelines that download its own).
pub fn ci_file(template: &str) -> String {
    template
        .replace("@VERSION@", crate::version::VERSION)
        .replace(
            "@DOWNLOAD_URL@",
            &format!("{}/releases", crate::version::REPOSITORY),
        )
}

/// What `sitegen init` did.
#[derive(Debug, Clone)]
pub struct InitSummary {
    pub dir: PathBuf,
    /// The files written, relative to `dir`.
    pub files: Vec<&'static str>,
    pub ci: Ci,
}

/// The files of a new site, as (path relative to the site folder, contents).
fn files(now: &str, ci: Ci) -> Vec<(&'static str, String)> {
    let mut files = vec![
        (CONFIG_FILE, CONFIG.to_string()),
        (SAMPLE_PATH, SAMPLE.replace("@DATE@", now)),
        // Git does not keep empty folders; these say where overrides go.
        ("templates/.gitkeep", String::new()),
        ("static/.gitkeep", String::new()),
        (".gitignore", GITIGNORE.to_string()),
    ];
    if let Some((path, template)) = ci.file() {
        files.push((path, ci_file(template)));
    }
    files
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
    let files = files(&now, options.ci);
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
        ci: options.ci,
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
    text.push_str("then edit title and base_url in config.toml; ");
    text.push_str(match summary.ci {
        Ci::GitHub => {
            "to publish, push to GitHub and set Settings → Pages → Source to \"GitHub Actions\" (.github/workflows/deploy.yml)\n"
        }
        Ci::GitLab => "to publish, push to GitLab: .gitlab-ci.yml deploys to GitLab Pages\n",
        Ci::None => "to publish, see docs/deploy.md in sitegen's repository\n",
    });
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

    /// New sites pin the minor version that made them: bumping the version means
    /// updating the pin written into config.toml.
    #[test]
    fn generated_config_pins_this_minor_version() {
        let minor: Vec<&str> = crate::version::VERSION.split('.').take(2).collect();
        let pin = format!("\nsitegen_version = \">={}\"\n", minor.join("."));
        assert!(CONFIG.contains(&pin), "config.toml should pin {pin}");
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
        let files = files("2026-09-21T22:13:20+08:00", Ci::GitHub);
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

    #[derive(serde::Deserialize)]
    struct Workflow {
        env: std::collections::BTreeMap<String, String>,
        jobs: std::collections::BTreeMap<String, Job>,
    }
    #[derive(serde::Deserialize)]
    struct Job {
        #[serde(default)]
        needs: Vec<String>,
        #[serde(rename = "if")]
        condition: Option<String>,
        steps: Vec<Step>,
    }
    #[derive(serde::Deserialize)]
    struct Step {
        run: Option<String>,
        uses: Option<String>,
        with: Option<std::collections::BTreeMap<String, serde_json::Value>>,
    }

    impl Job {
        fn runs(&self) -> impl Iterator<Item = &str> {
            self.steps.iter().filter_map(|s| s.run.as_deref())
        }
        fn cached_paths(&self) -> Vec<&str> {
            self.steps
                .iter()
                .filter(|s| {
                    s.uses
                        .as_deref()
                        .is_some_and(|u| u.starts_with("actions/cache@"))
                })
                .filter_map(|s| s.with.as_ref()?.get("path")?.as_str())
                .collect()
        }
    }

    fn github_workflow() -> Workflow {
        // `needs: build` is a string in the deploy job: read it as a list of one.
        let yaml = ci_file(WORKFLOW).replace("needs: build\n", "needs: [build]\n");
        serde_saphyr::from_str(&yaml).unwrap()
    }

    #[test]
    fn pipelines_install_this_version_from_the_release_with_its_checksum() {
        for template in [WORKFLOW, GITLAB_CI] {
            let text = ci_file(template);
            assert!(
                !text.contains("@VERSION@") && !text.contains("@DOWNLOAD_URL@"),
                "a placeholder is left: {text}"
            );
            assert!(text.contains(&format!("SITEGEN_VERSION: \"{}\"", crate::version::VERSION)));
            let releases = format!(
                "SITEGEN_DOWNLOAD_URL: \"{}/releases\"",
                crate::version::REPOSITORY
            );
            assert!(text.contains(&releases), "{text}");
            assert!(text.contains("sha256sum -c \"$asset.sha256\""), "{text}");
        }
        // GitHub's Ubuntu runners have glibc, for the faster build; GitLab's job is Alpine.
        assert!(ci_file(WORKFLOW).contains("unknown-linux-gnu.tar.gz"));
        assert!(ci_file(GITLAB_CI).contains("unknown-linux-musl.tar.gz"));
        let workflow = github_workflow();
        assert_eq!(workflow.env["SITEGEN_VERSION"], crate::version::VERSION);
        let build = &workflow.jobs["build"];
        assert!(build.runs().any(|r| r.contains("sha256sum -c")));
        assert!(build.runs().any(|r| {
            r.starts_with("sitegen build") && r.contains("steps.pages.outputs.base_url")
        }));
        assert!(build.cached_paths().contains(&".sitegen-cache"));
        let uses: Vec<&str> = workflow
            .jobs
            .values()
            .flat_map(|j| &j.steps)
            .filter_map(|s| s.uses.as_deref())
            .collect();
        for action in [
            "actions/configure-pages@",
            "actions/upload-pages-artifact@",
            "actions/deploy-pages@",
        ] {
            assert!(
                uses.iter().any(|u| u.starts_with(action)),
                "{action} missing"
            );
        }
    }

    #[test]
    fn workflow_pushes_after_the_deploy_only_when_configured() {
        let workflow = github_workflow();
        let push = &workflow.jobs["push"];
        assert_eq!(push.needs, ["build", "deploy"]);
        // The two jobs install sitegen with the same step (GitHub cannot share it between
        // jobs without a file of its own); tests/install.rs runs the build job's.
        let install = |job: &Job| {
            job.steps
                .iter()
                .find(|s| s.run.as_deref().is_some_and(|r| r.contains("sha256sum -c")))
                .and_then(|s| s.run.clone())
        };
        assert!(install(push).is_some());
        assert_eq!(install(push), install(&workflow.jobs["build"]));
        assert_eq!(
            push.condition.as_deref(),
            Some("vars.SITEGEN_PUSH == 'true'")
        );
        assert!(
            push.runs()
                .any(|r| r.starts_with("sitegen push --base-url"))
        );
        // The push state is cached between runs, under the cache folder, never published.
        assert!(push.cached_paths().contains(&".sitegen-cache/push"));
        // The build hands the manifest over.
        let build = &workflow.jobs["build"];
        assert!(build.steps.iter().any(|s| {
            s.with.as_ref().is_some_and(|w| {
                w.get("path").and_then(|p| p.as_str()) == Some("public/.sitegen-output")
            })
        }));
    }

    #[test]
    fn gitlab_pipeline_publishes_public_with_the_pages_url() {
        #[derive(serde::Deserialize)]
        struct Pages {
            script: Vec<String>,
            before_script: Vec<String>,
            cache: Cache,
            artifacts: Artifacts,
        }
        #[derive(serde::Deserialize)]
        struct Cache {
            paths: Vec<String>,
        }
        #[derive(serde::Deserialize)]
        struct Artifacts {
            paths: Vec<String>,
        }
        let mut pipeline: std::collections::BTreeMap<String, serde_json::Value> =
            serde_saphyr::from_str(&ci_file(GITLAB_CI)).unwrap();
        let pages: Pages = serde_json::from_value(pipeline.remove("pages").unwrap()).unwrap();
        assert_eq!(pages.artifacts.paths, ["public"]);
        assert_eq!(pages.cache.paths, [".sitegen-cache/"]);
        assert!(pages.before_script.concat().contains("sha256sum -c"));
        assert!(
            pages
                .script
                .iter()
                .any(|s| s.starts_with("sitegen build") && s.contains("$CI_PAGES_URL"))
        );
    }

    #[test]
    fn ci_names_map_to_files() {
        assert_eq!(
            Ci::NAMES.map(|n| Ci::from_name(n).unwrap()),
            [Ci::GitHub, Ci::GitLab, Ci::None]
        );
        assert_eq!(Ci::from_name("jenkins"), None);
        let files = |ci| {
            files("2026-09-21T22:13:20+08:00", ci)
                .into_iter()
                .map(|(p, _)| p)
                .collect::<Vec<_>>()
        };
        assert!(files(Ci::GitLab).contains(&".gitlab-ci.yml"));
        assert!(!files(Ci::GitLab).iter().any(|p| p.starts_with(".github")));
        assert!(
            !files(Ci::None)
                .iter()
                .any(|p| p.contains("ci") || p.starts_with(".github"))
        );
    }

    #[test]
    fn quotes_paths_for_the_shell() {
        assert_eq!(shell_quote("my-site"), "my-site");
        assert_eq!(shell_quote("资讯站"), "资讯站");
        assert_eq!(shell_quote("my site"), "'my site'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
    }
}
