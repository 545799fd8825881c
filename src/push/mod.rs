//! `sitegen push`: tells Baidu and IndexNow about the pages added or changed since the
//! last push, so new articles are crawled within hours rather than days.
//!
//! What changed comes from the output's manifest (a hash per file, written by the build,
//! see [`crate::output::read_hashes`]) against each service's record of what it was sent
//! ([`state`], in the cache folder); which files are pages search engines should see comes
//! from the site's model, as for the sitemap ([`changes`]). Each service has its own record,
//! batch size and daily quota, so one being down or out of quota delays only its own URLs.

mod baidu;
pub mod changes;
mod http;
mod indexnow;
pub mod state;

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::config::CONFIG_FILE;
use crate::diagnostics::{Diagnostic, Diagnostics};
use changes::Candidate;
use state::State;

/// A push service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    Baidu,
    IndexNow,
}

impl Service {
    /// Its name in reports, `--only` and the state file's name.
    pub fn name(self) -> &'static str {
        match self {
            Service::Baidu => "baidu",
            Service::IndexNow => "indexnow",
        }
    }

    /// `baidu` or `indexnow`, as `--only` takes it.
    pub fn parse(name: &str) -> Option<Service> {
        match name.trim().to_ascii_lowercase().as_str() {
            "baidu" => Some(Service::Baidu),
            "indexnow" => Some(Service::IndexNow),
            _ => None,
        }
    }
}

/// What `sitegen push` was asked to do.
#[derive(Debug, Clone, Default)]
pub struct PushOptions {
    pub root: PathBuf,
    /// The built output; default `public/` under the root.
    pub output: Option<PathBuf>,
    /// Overrides `base_url`, as the build that made the output did.
    pub base_url: Option<String>,
    /// Print what would be sent; send nothing, record nothing.
    pub dry_run: bool,
    /// Send every page, not only the changed ones (and send on the first push).
    pub all: bool,
    /// Push to this service only.
    pub only: Option<Service>,
}

/// The outcome of one request, as a service told it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Taken, except `rejected` (URL, why); `remain` is today's quota left, when told.
    Done {
        rejected: Vec<(String, String)>,
        remain: Option<usize>,
    },
    /// Today's quota is used up: nothing of this batch was taken.
    OverQuota(String),
    /// The whole request was refused (a bad token, the key file not found).
    Refused(String),
}

/// What happened with one service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceReport {
    pub service: Service,
    /// First push: the pages recorded as already known, nothing sent.
    pub baseline: Option<usize>,
    /// With `--dry-run`: the URLs that would be sent.
    pub would_send: Vec<String>,
    pub sent: usize,
    pub accepted: usize,
    /// URLs the service refused one by one, with why; they are not sent again until
    /// they change.
    pub rejected: Vec<(String, String)>,
    /// Requests refused whole: how many URLs, and why; those URLs stay pending.
    pub refused: Option<(usize, String)>,
    /// URLs not sent, for the next push: over quota or after a failure.
    pub left: usize,
    /// Why sending stopped for the day, when the quota ran out.
    pub quota: Option<String>,
    /// The service could not be reached (after retries) or not asked (no token).
    pub failed: Option<String>,
}

impl ServiceReport {
    fn new(service: Service) -> Self {
        ServiceReport {
            service,
            baseline: None,
            would_send: Vec::new(),
            sent: 0,
            accepted: 0,
            rejected: Vec::new(),
            refused: None,
            left: 0,
            quota: None,
            failed: None,
        }
    }

    /// The service failed, or refused every URL sent: CI should turn red.
    pub fn is_failure(&self) -> bool {
        self.failed.is_some() || (self.sent > 0 && self.accepted == 0)
    }
}

/// What `sitegen push` did, per service, and notes on the output.
#[derive(Debug, Clone, Default)]
pub struct PushReport {
    pub services: Vec<ServiceReport>,
    pub dry_run: bool,
    /// Public pages missing from the output (it was built from other content).
    pub missing: usize,
}

impl PushReport {
    pub fn is_failure(&self) -> bool {
        self.services.iter().any(ServiceReport::is_failure)
    }

    /// The report as printed: a line per service, then its rejected URLs.
    pub fn text(&self) -> String {
        let mut out = String::new();
        if self.missing > 0 {
            let _ = writeln!(
                out,
                "note: {} pages of the site are not in the output and were left out: build before pushing",
                self.missing
            );
        }
        for r in &self.services {
            let name = r.service.name();
            if let Some(n) = r.baseline {
                let verb = if self.dry_run {
                    "would record"
                } else {
                    "recorded"
                };
                let _ = writeln!(
                    out,
                    "{name}: first push: {verb} {n} pages as already known and sent nothing \
                     (later pushes send what changes; `sitegen push --all` sends everything)"
                );
                continue;
            }
            if self.dry_run && r.would_send.is_empty() && r.left == 0 && r.failed.is_none() {
                let _ = writeln!(out, "{name}: nothing new or changed (dry run)");
                continue;
            }
            if self.dry_run {
                let _ = writeln!(
                    out,
                    "{name}: would send {} URLs (dry run, nothing sent){}",
                    r.would_send.len(),
                    left_text(r.left)
                );
                for url in &r.would_send {
                    let _ = writeln!(out, "  {url}");
                }
                if let Some(why) = &r.failed {
                    let _ = writeln!(out, "{name}: a real push would fail: {why}");
                }
                continue;
            }
            if let Some(why) = &r.failed
                && r.sent == 0
            {
                let _ = writeln!(out, "{name}: failed: {why}{}", left_text(r.left));
                continue;
            }
            if r.sent == 0 && r.left == 0 {
                let _ = writeln!(out, "{name}: nothing new or changed");
                continue;
            }
            let _ = writeln!(
                out,
                "{name}: sent {}, accepted {}, rejected {}{}",
                r.sent,
                r.accepted,
                r.rejected.len() + r.refused.as_ref().map_or(0, |(n, _)| *n),
                left_text(r.left)
            );
            for (url, why) in &r.rejected {
                let _ = writeln!(out, "  rejected {url}: {why}");
            }
            if let Some((n, why)) = &r.refused {
                let _ = writeln!(
                    out,
                    "  refused {n} URLs: {why}; they will be sent again next time"
                );
            }
            if let Some(why) = &r.quota {
                let _ = writeln!(out, "  daily quota used up ({why})");
            }
            if let Some(why) = &r.failed {
                let _ = writeln!(out, "  failed: {why}");
            }
        }
        out
    }
}

fn left_text(left: usize) -> String {
    match left {
        0 => String::new(),
        n => format!(", {n} left for the next push"),
    }
}

/// Pushes the new and changed pages of the built output to each configured service.
/// Errors are problems with the site or the output (nothing was sent); a service that
/// fails is told in its report.
pub fn push(options: &PushOptions) -> Result<PushReport, Diagnostics> {
    let loaded = crate::site::load(&crate::site::Options {
        root: options.root.clone(),
        base_url: options.base_url.clone(),
        images: crate::images::Mode::OnDemand,
        ..Default::default()
    })?;
    let site = &loaded.site;
    let config = &site.config;
    let services = services(&config.raw.push, options.only)?;
    let output = options
        .output
        .clone()
        .unwrap_or_else(|| options.root.join("public"));
    let manifest = crate::output::read_hashes(&output).ok_or_else(|| {
        Diagnostic::new(
            &output,
            "is not a finished sitegen output, so there is nothing to push",
        )
        .hint("run `sitegen build` first (with the same --root and --output-dir)")
    })?;
    let plan = crate::render::plan(site).map_err(Diagnostics::sorted)?;
    let urls = crate::urls::Urls::new(config);
    let built = changes::public_pages(site, &plan, &urls, &manifest);
    if !built.unhashed.is_empty() {
        return Err(Diagnostic::new(
            &output,
            format!(
                "was built by an older sitegen that kept no content hashes ({} pages), so what changed cannot be told",
                built.unhashed.len()
            ),
        )
        .hint("run `sitegen build` again, then push")
        .into());
    }
    let cache_dir = options.root.join(&config.raw.images.cache_dir);
    let today = site.now.format("%Y-%m-%d").to_string();
    let agent = http::agent();
    let mut report = PushReport {
        dry_run: options.dry_run,
        missing: built.missing.len(),
        ..Default::default()
    };
    for service in services {
        let path = state::path(&cache_dir, service.name());
        let job = Job {
            service,
            pages: &built.pages,
            output: &output,
            state_path: &path,
            today: &today,
            options,
        };
        let service_report = match service {
            Service::Baidu => {
                let Some(baidu) = &config.raw.push.baidu else {
                    continue;
                };
                let token = std::env::var(&baidu.token_env)
                    .ok()
                    .filter(|t| !t.trim().is_empty());
                match token {
                    None => job.unable(
                        format!(
                            "the environment variable {} holding Baidu's token is not set \
                             (set it from a CI secret; the token never goes in config.toml)",
                            baidu.token_env
                        ),
                        baidu.daily_quota,
                    )?,
                    Some(token) => {
                        let token = token.trim();
                        let url = baidu::request_url(baidu, token)
                            .map_err(|m| Diagnostic::new(CONFIG_FILE, m))?;
                        job.run(baidu.batch, baidu.daily_quota, &|batch| {
                            baidu::send(&agent, &url, token, batch)
                        })?
                    }
                }
            }
            Service::IndexNow => {
                let Some(indexnow) = &config.raw.push.indexnow else {
                    continue;
                };
                let host = url::Url::parse(&config.base_url)
                    .ok()
                    .and_then(|u| u.host_str().map(str::to_string))
                    .unwrap_or_default();
                let key_location = urls.absolute(&format!("{}.txt", indexnow.key));
                job.run(indexnow.batch, indexnow.daily_quota, &|batch| {
                    indexnow::send(
                        &agent,
                        &indexnow.endpoint,
                        &host,
                        &indexnow.key,
                        &key_location,
                        batch,
                    )
                })?
            }
        };
        report.services.push(service_report);
    }
    Ok(report)
}

/// The services to push to: those configured, or the one `--only` names.
fn services(
    push: &crate::config::PushConfig,
    only: Option<Service>,
) -> Result<Vec<Service>, Diagnostic> {
    let configured: Vec<Service> = [
        push.baidu.as_ref().map(|_| Service::Baidu),
        push.indexnow.as_ref().map(|_| Service::IndexNow),
    ]
    .into_iter()
    .flatten()
    .collect();
    match only {
        Some(service) if !configured.contains(&service) => Err(Diagnostic::new(
            CONFIG_FILE,
            format!(
                "--only {0}: config.toml has no [push.{0}] table",
                service.name()
            ),
        )
        .hint(format!(
            "add [push.{}] to config.toml (see docs/chinese-web.md)",
            service.name()
        ))),
        Some(service) => Ok(vec![service]),
        None if configured.is_empty() => Err(Diagnostic::new(
            CONFIG_FILE,
            "nothing to push to: config.toml has neither [push.baidu] nor [push.indexnow]",
        )
        .hint("add [push.baidu] site = \"https://…\" or [push.indexnow] key = \"…\" (see docs/chinese-web.md)")),
        None => Ok(configured),
    }
}

/// One service's push: its state, the pages, the options.
struct Job<'a> {
    service: Service,
    pages: &'a [Candidate],
    /// The output folder the pages are in.
    output: &'a Path,
    state_path: &'a Path,
    today: &'a str,
    options: &'a PushOptions,
}

impl Job<'_> {
    /// The state to push against; None on the first push, when it is to be recorded.
    fn state(&self) -> Result<Option<State>, Diagnostic> {
        let mut previous = state::load(self.state_path)?;
        if let Some(state) = &mut previous {
            state.upgrade_hashes(self.pages, self.output);
        }
        Ok(previous.or_else(|| self.options.all.then(State::default)))
    }

    /// On the first push, records every page as known and sends nothing.
    fn baseline(&self) -> Result<ServiceReport, Diagnostic> {
        let mut report = ServiceReport::new(self.service);
        report.baseline = Some(self.pages.len());
        if !self.options.dry_run {
            let state = State {
                sent: self
                    .pages
                    .iter()
                    .map(|c| (c.file.clone(), c.hash.clone()))
                    .collect(),
                ..Default::default()
            };
            state::save(self.state_path, &state)?;
        }
        Ok(report)
    }

    /// The pages to send, in order, with the state they are measured against.
    fn pending(&self, state: &mut State) -> Vec<&Candidate> {
        // Pages no longer published are forgotten: if one comes back, it is news again.
        let published: HashSet<&str> = self.pages.iter().map(|c| c.file.as_str()).collect();
        state.sent.retain(|f, _| published.contains(f.as_str()));
        changes::to_push(self.pages, &state.sent, self.options.all)
    }

    /// The service cannot be asked at all (no token): a failure, nothing recorded.
    fn unable(&self, why: String, quota: usize) -> Result<ServiceReport, Diagnostic> {
        let mut report = ServiceReport::new(self.service);
        let Some(mut state) = self.state()? else {
            if self.options.dry_run {
                return self.baseline();
            }
            report.failed = Some(why);
            return Ok(report);
        };
        let pending = self.pending(&mut state);
        if self.options.dry_run {
            let left_today = state.quota_left(self.today, quota);
            report.would_send = pending
                .iter()
                .take(left_today)
                .map(|c| c.url.clone())
                .collect();
            report.left = pending.len().saturating_sub(left_today);
        } else {
            report.left = pending.len();
        }
        report.failed = Some(why);
        Ok(report)
    }

    /// Sends the pending pages in batches of `batch`, within today's `quota`, through
    /// `send`; records what the service took.
    fn run(
        &self,
        batch: usize,
        quota: usize,
        send: &dyn Fn(&[&str]) -> Result<Outcome, String>,
    ) -> Result<ServiceReport, Diagnostic> {
        let Some(mut state) = self.state()? else {
            return self.baseline();
        };
        let mut report = ServiceReport::new(self.service);
        let pending = self.pending(&mut state);
        let mut remaining = state.quota_left(self.today, quota);
        if self.options.dry_run {
            report.would_send = pending
                .iter()
                .take(remaining)
                .map(|c| c.url.clone())
                .collect();
            report.left = pending.len().saturating_sub(remaining);
            return Ok(report);
        }
        let mut queue = pending.as_slice();
        if remaining == 0 && !queue.is_empty() {
            report.quota = Some(format!("{quota} URLs a day, all sent today"));
        }
        while !queue.is_empty() && remaining > 0 {
            let (chunk, rest) = queue.split_at(batch.max(1).min(remaining).min(queue.len()));
            let urls: Vec<&str> = chunk.iter().map(|c| c.url.as_str()).collect();
            match send(&urls) {
                Err(why) => {
                    report.failed = Some(why);
                    break;
                }
                Ok(Outcome::OverQuota(why)) => {
                    report.quota = Some(why);
                    state.use_quota(self.today, 0);
                    state.used_today = state.used_today.max(quota);
                    break;
                }
                Ok(Outcome::Refused(why)) => {
                    report.sent += chunk.len();
                    report.refused = Some((chunk.len(), why));
                    queue = rest;
                    break;
                }
                Ok(Outcome::Done { rejected, remain }) => {
                    report.sent += chunk.len();
                    state.use_quota(self.today, chunk.len());
                    remaining -= chunk.len();
                    let refused: HashMap<&str, &str> = rejected
                        .iter()
                        .map(|(u, w)| (u.as_str(), w.as_str()))
                        .collect();
                    for c in chunk {
                        // Refused URLs are recorded too: sent again unchanged, they would
                        // be refused again. A changed page is sent again.
                        state.sent.insert(c.file.clone(), c.hash.clone());
                        if !refused.contains_key(c.url.as_str()) {
                            report.accepted += 1;
                        }
                    }
                    report.rejected.extend(rejected);
                    if let Some(remain) = remain
                        && remain < remaining
                    {
                        remaining = remain;
                        state.used_today = state.used_today.max(quota.saturating_sub(remain));
                        if remain == 0 && !rest.is_empty() {
                            report.quota = Some("the service says no quota remains today".into());
                        }
                    }
                    if remaining == 0 && !rest.is_empty() && report.quota.is_none() {
                        report.quota = Some(format!("{quota} URLs a day"));
                    }
                }
            }
            queue = rest;
        }
        report.left = queue.len();
        state::save(self.state_path, &state)?;
        Ok(report)
    }
}
