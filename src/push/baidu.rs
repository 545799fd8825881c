//! Baidu's link submission (普通收录): URLs as plain text, one a line, to
//! `{endpoint}?site={site}&token={token}`. The reply counts what was taken
//! (`success`), what is left of today's quota (`remain`) and names the URLs refused
//! (`not_same_site`, `not_valid`); `{"error":400,"message":"over quota"}` means stop.

use serde::Deserialize;

use super::{Outcome, http};
use crate::config::BaiduPushConfig;

/// A success reply.
#[derive(Debug, Deserialize)]
struct Accepted {
    #[serde(default)]
    remain: Option<usize>,
    #[serde(default)]
    not_same_site: Vec<String>,
    #[serde(default)]
    not_valid: Vec<String>,
}

/// An error reply.
#[derive(Debug, Deserialize)]
struct Refused {
    #[serde(default)]
    message: String,
}

/// The request URL with the site and token as query parameters.
pub fn request_url(config: &BaiduPushConfig, token: &str) -> Result<String, String> {
    let mut url = url::Url::parse(&config.endpoint)
        .map_err(|e| format!("[push.baidu] endpoint is not a URL: {e}"))?;
    url.query_pairs_mut()
        .append_pair("site", config.site.trim())
        .append_pair("token", token);
    Ok(url.into())
}

/// Sends one batch.
pub fn send(
    agent: &ureq::Agent,
    url: &str,
    token: &str,
    batch: &[&str],
) -> Result<Outcome, String> {
    let body = batch.join("\n");
    let reply = http::post(agent, url, "text/plain", body.as_bytes(), Some(token))
        .map_err(|why| format!("{}: {why}", shown(url)))?;
    if reply.status == 200 {
        let ok: Accepted = serde_json::from_str(&reply.body)
            .map_err(|e| format!("unexpected reply ({e}): {}", reply.body.trim()))?;
        let mut rejected: Vec<(String, String)> = Vec::new();
        for url in ok.not_same_site {
            rejected.push((url, "not_same_site: not under [push.baidu] site".into()));
        }
        for url in ok.not_valid {
            rejected.push((url, "not_valid: Baidu does not accept this URL".into()));
        }
        return Ok(Outcome::Done {
            rejected,
            remain: ok.remain,
        });
    }
    let message = serde_json::from_str::<Refused>(&reply.body)
        .map(|r| r.message)
        .unwrap_or_else(|_| reply.body.trim().to_string());
    if message.contains("over quota") {
        return Ok(Outcome::OverQuota(format!("Baidu: {message}")));
    }
    let why = match message.as_str() {
        "token is not valid" => format!(
            "HTTP {}: {message} (check the token in the environment variable)",
            reply.status
        ),
        "site init fail" => format!(
            "HTTP {}: {message} (is [push.baidu] site the site verified in Baidu's 站长平台?)",
            reply.status
        ),
        _ => format!("HTTP {}: {message}", reply.status),
    };
    Ok(Outcome::Refused(why))
}

/// The request URL without its query, which holds the token.
fn shown(url: &str) -> &str {
    url.split('?').next().unwrap_or(url)
}
