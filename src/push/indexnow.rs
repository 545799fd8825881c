//! IndexNow (Bing, Yandex, Naver, Seznam): JSON `{host, key, keyLocation, urlList}`.
//! 200 and 202 mean taken; 400, 403 and 422 refuse the whole request (403: the key file
//! was not found at keyLocation); 429 means too many requests, so stop for today.

use super::{Outcome, http};

/// The request body.
#[derive(Debug, serde::Serialize)]
struct Request<'a> {
    host: &'a str,
    key: &'a str,
    #[serde(rename = "keyLocation")]
    key_location: &'a str,
    #[serde(rename = "urlList")]
    url_list: &'a [&'a str],
}

/// Sends one batch for `host` (`news.example.com`) with `key` published at `key_location`.
pub fn send(
    agent: &ureq::Agent,
    endpoint: &str,
    host: &str,
    key: &str,
    key_location: &str,
    batch: &[&str],
) -> Result<Outcome, String> {
    let body = serde_json::to_vec(&Request {
        host,
        key,
        key_location,
        url_list: batch,
    })
    .map_err(|e| e.to_string())?;
    let reply = http::post(
        agent,
        endpoint,
        "application/json; charset=utf-8",
        &body,
        None,
    )
    .map_err(|why| format!("{endpoint}: {why}"))?;
    let said = reply.body.trim();
    let said = if said.is_empty() {
        String::new()
    } else {
        format!(": {}", said.chars().take(200).collect::<String>())
    };
    Ok(match reply.status {
        200 | 202 => Outcome::Done {
            rejected: Vec::new(),
            remain: None,
        },
        429 => Outcome::OverQuota(format!("IndexNow: HTTP 429 too many requests{said}")),
        400 => Outcome::Refused(format!("HTTP 400 bad request{said}")),
        403 => Outcome::Refused(format!(
            "HTTP 403: the key is not valid: the key file was not found at {key_location} (deploy the site before pushing){said}"
        )),
        422 => Outcome::Refused(format!(
            "HTTP 422: the URLs do not belong to {host} or the key does not match{said}"
        )),
        status => Outcome::Refused(format!("HTTP {status}{said}")),
    })
}
