//! `sitegen check --external`: request every external link written in an article, with a
//! timeout and a limit on requests at once, and report those that fail at their line.

use std::collections::BTreeMap;
use std::time::Duration;

use rayon::prelude::*;

use crate::diagnostics::Diagnostic;
use crate::model::Site;

/// Requests in flight at once: polite to other sites, and enough to hide latency.
const CONCURRENCY: usize = 8;
/// A site that takes longer than this is reported as broken.
const TIMEOUT: Duration = Duration::from_secs(10);

/// Every external link in article bodies that does not answer with a success.
pub fn check(site: &Site) -> Vec<Diagnostic> {
    // One request per URL, however many articles link it.
    let mut by_url: BTreeMap<&str, Vec<(&std::path::Path, usize)>> = BTreeMap::new();
    for a in &site.articles {
        for link in a.links.iter().filter(|l| is_web(&l.target)) {
            by_url
                .entry(link.target.as_str())
                .or_default()
                .push((&a.source_path, link.line));
        }
    }
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(TIMEOUT))
        .http_status_as_error(false)
        .user_agent(concat!("sitegen-check/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let urls: Vec<(&str, Vec<(&std::path::Path, usize)>)> = by_url.into_iter().collect();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(CONCURRENCY)
        .build();
    let run = || {
        urls.par_iter()
            .filter_map(|(url, places)| problem(&agent, url).map(|p| (url, places, p)))
            .flat_map_iter(|(url, places, problem)| {
                places.iter().map(move |(path, line)| {
                    Diagnostic::new(*path, format!("broken external link to {url}"))
                        .line(*line)
                        .hint(problem.clone())
                })
            })
            .collect()
    };
    match pool {
        Ok(pool) => pool.install(run),
        Err(_) => run(),
    }
}

fn is_web(target: &str) -> bool {
    target.starts_with("http://") || target.starts_with("https://")
}

/// Why `url` is broken, or None when it answers 2xx/3xx. Sites that refuse HEAD get a GET.
fn problem(agent: &ureq::Agent, url: &str) -> Option<String> {
    let status = match agent.head(url).call() {
        Ok(r) if r.status().as_u16() == 405 || r.status().as_u16() == 501 => agent.get(url).call(),
        other => other,
    };
    match status {
        Ok(r) if r.status().as_u16() < 400 => None,
        Ok(r) => Some(format!("the server answered {}", r.status())),
        Err(e) => Some(format!("the request failed: {e}")),
    }
}
