//! Build-time facts the binary reports about itself.
//!
//! The built-in theme is embedded with `include_dir!`, which cannot tell cargo which files it
//! read: without the `rerun-if-changed` lines, editing a template or the stylesheet would not
//! rebuild the binary.
//!
//! `sitegen --version` names the commit it was built from (`SITEGEN_COMMIT`), so a bug report
//! or a CI log says exactly which code ran. A git checkout gives it with `git rev-parse`; a
//! crate downloaded from crates.io has no `.git` but carries `.cargo_vcs_info.json`, which
//! `cargo publish` writes with the commit; a build from neither says "unknown".

use std::path::Path;
use std::process::Command;

fn main() {
    for path in [
        "templates",
        "static/css",
        "static/js",
        "static/favicon.svg",
        "src/scaffold/files",
    ] {
        println!("cargo:rerun-if-changed={path}");
    }
    println!("cargo:rerun-if-env-changed=SITEGEN_COMMIT");
    let commit = std::env::var("SITEGEN_COMMIT")
        .ok()
        .filter(|c| !c.is_empty())
        .or_else(commit_from_git)
        .or_else(commit_from_vcs_info)
        .unwrap_or_else(|| "unknown".into());
    println!("cargo:rustc-env=SITEGEN_COMMIT={commit}");
}

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    let text = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (out.status.success() && !text.is_empty()).then_some(text)
}

/// The short commit of a checkout, rerunning this script when HEAD moves (a new commit
/// rewrites the branch's ref file, or `packed-refs` after `git gc`).
fn commit_from_git() -> Option<String> {
    if !Path::new(".git").exists() {
        return None;
    }
    let commit = git(&["rev-parse", "--short=10", "HEAD"])?;
    let git_dir = git(&["rev-parse", "--git-dir"])?;
    let mut watched = vec!["HEAD".to_string(), "packed-refs".to_string()];
    if let Some(branch) = git(&["symbolic-ref", "-q", "HEAD"]) {
        watched.push(branch);
    }
    for name in watched {
        // A path that does not exist would make cargo rerun this script on every build.
        let path = Path::new(&git_dir).join(name);
        if path.exists() {
            println!("cargo:rerun-if-changed={}", path.display());
        }
    }
    Some(commit)
}

/// `cargo publish` records the commit in `.cargo_vcs_info.json`: `{"git": {"sha1": "…"}}`.
fn commit_from_vcs_info() -> Option<String> {
    let text = std::fs::read_to_string(".cargo_vcs_info.json").ok()?;
    let start = text.find("\"sha1\"")? + "\"sha1\"".len();
    let hex: String = text[start..]
        .chars()
        .skip_while(|c| !c.is_ascii_hexdigit())
        .take_while(char::is_ascii_hexdigit)
        .take(10)
        .collect();
    (hex.len() == 10).then_some(hex)
}
