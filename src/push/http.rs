//! One POST to a push service, retried: a 5xx or a dropped connection is tried again after
//! a pause that doubles each time (3 tries in all), since both services shed load that
//! way. The base pause is `SITEGEN_PUSH_BACKOFF_MS` (default 1000), so tests run fast.

use std::time::Duration;

/// Tries per request, the first included.
const TRIES: u32 = 3;
/// How long one request may take, connecting included.
const TIMEOUT: Duration = Duration::from_secs(30);
/// Replies larger than this are cut (both services answer a few hundred bytes).
const MAX_REPLY: u64 = 1 << 20;

/// A service's answer (never a 5xx: those are retried, then a failure).
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub body: String,
}

/// An HTTP client for the push services.
pub fn agent() -> ureq::Agent {
    let config = ureq::Agent::config_builder()
        .timeout_global(Some(TIMEOUT))
        .http_status_as_error(false)
        .user_agent(concat!("sitegen/", env!("CARGO_PKG_VERSION")))
        .build();
    ureq::Agent::new_with_config(config)
}

/// The first pause between tries.
fn backoff() -> Duration {
    let ms = std::env::var("SITEGEN_PUSH_BACKOFF_MS")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or(1000);
    Duration::from_millis(ms)
}

/// POSTs `body` to `url`, retrying 5xx replies and transport errors. The error says what
/// the last try met; `secret` (a token in the URL) is blanked out of it.
pub fn post(
    agent: &ureq::Agent,
    url: &str,
    content_type: &str,
    body: &[u8],
    secret: Option<&str>,
) -> Result<Reply, String> {
    let mut pause = backoff();
    let mut last = String::new();
    for attempt in 0..TRIES {
        if attempt > 0 {
            std::thread::sleep(pause);
            pause *= 2;
        }
        match agent
            .post(url)
            .header("Content-Type", content_type)
            .send(body)
        {
            Ok(mut response) => {
                let status = response.status().as_u16();
                let body = response
                    .body_mut()
                    .with_config()
                    .limit(MAX_REPLY)
                    .read_to_string()
                    .unwrap_or_default();
                if status >= 500 {
                    last = format!("HTTP {status} {}", body.trim());
                    continue;
                }
                return Ok(Reply { status, body });
            }
            Err(e) => last = e.to_string(),
        }
    }
    let mut why = format!("{last} (after {TRIES} tries)");
    if let Some(secret) = secret.filter(|s| !s.is_empty()) {
        why = why.replace(secret, "***");
    }
    Err(why)
}
