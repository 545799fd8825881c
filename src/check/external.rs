//! `sitegen check --external`: request every external link written in an article, with a
//! timeout and a limit on requests at once, and report those that fail at their line.
//!
//! The check runs in CI, where a link (or a redirect) to `http://169.254.169.254/` would
//! read the cloud's metadata service. So unless `--allow-private` is given, every host name
//! is resolved by [`GuardedResolver`], which drops loopback, private, link-local and other
//! non-public addresses (see [`forbidden`]) before ureq connects: the check happens after
//! DNS resolution and again on every redirect hop, since ureq resolves each hop through it.
//! Behind a proxy (`HTTPS_PROXY`…) the proxy resolves names, so sitegen checks the link's
//! own host before the request and does not follow redirects (a 3xx counts as alive).

use std::collections::BTreeMap;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, ToSocketAddrs};
use std::time::Duration;

use rayon::prelude::*;
use ureq::config::Config;
use ureq::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{DefaultConnector, NextTimeout};

use crate::diagnostics::Diagnostic;
use crate::model::Site;

/// Requests in flight at once: polite to other sites, and enough to hide latency.
const CONCURRENCY: usize = 8;
/// A site that takes longer than this is reported as broken.
const TIMEOUT: Duration = Duration::from_secs(10);
/// Redirect hops followed (each one resolved and checked again).
const MAX_REDIRECTS: u32 = 10;

/// Where a link is written: file, line, column.
type Place<'a> = (&'a std::path::Path, usize, usize);

/// Every external link in article bodies that does not answer with a success, or that
/// leads to a non-public address (unless `allow_private`).
pub fn check(site: &Site, allow_private: bool) -> Vec<Diagnostic> {
    // One request per URL, however many articles link it.
    let mut by_url: BTreeMap<&str, Vec<Place<'_>>> = BTreeMap::new();
    for a in &site.articles {
        for link in a.links.iter().filter(|l| is_web(&l.target)) {
            by_url.entry(link.target.as_str()).or_default().push((
                &a.source_path,
                link.line,
                link.col,
            ));
        }
    }
    let checker = Checker::new(allow_private);
    let urls: Vec<(&str, Vec<Place<'_>>)> = by_url.into_iter().collect();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(CONCURRENCY)
        .build();
    let run = || {
        urls.par_iter()
            .filter_map(|(url, places)| checker.problem(url).map(|p| (url, places, p)))
            .flat_map_iter(|(url, places, problem)| {
                places.iter().map(move |(path, line, col)| {
                    let diagnostic = match &problem {
                        Problem::Broken(why) => {
                            Diagnostic::new(*path, format!("broken external link to {url}"))
                                .hint(why.clone())
                        }
                        Problem::Refused(refused) => Diagnostic::new(
                            *path,
                            format!("refused external link to {url}: {refused}"),
                        )
                        .hint("pass --allow-private to check it"),
                    };
                    diagnostic.at(*line, *col)
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

/// Why a link is reported.
enum Problem {
    /// It failed or answered with an error.
    Broken(String),
    /// It leads to an address sitegen will not request.
    Refused(Refused),
}

/// The agent and what it was configured with.
struct Checker {
    agent: ureq::Agent,
    /// Without `--allow-private`, an environment proxy resolves names itself: links are checked before the request
    /// and redirects are not followed.
    proxied: bool,
}

impl Checker {
    fn new(allow_private: bool) -> Self {
        let builder = ureq::Agent::config_builder()
            .timeout_global(Some(TIMEOUT))
            .http_status_as_error(false)
            .user_agent(concat!("sitegen-check/", env!("CARGO_PKG_VERSION")));
        let proxied = !allow_private && ureq::Proxy::try_from_env().is_some();
        let builder = if proxied {
            builder.max_redirects(0).max_redirects_will_error(false)
        } else {
            builder.max_redirects(MAX_REDIRECTS)
        };
        let config = builder.build();
        let agent = if allow_private {
            ureq::Agent::new_with_config(config)
        } else {
            ureq::Agent::with_parts(config, DefaultConnector::new(), GuardedResolver::default())
        };
        Checker { agent, proxied }
    }

    /// Why `url` is reported, or None when it answers 2xx/3xx. Sites that refuse HEAD get
    /// a GET.
    fn problem(&self, url: &str) -> Option<Problem> {
        if self.proxied
            && let Some(refused) = preflight(url)
        {
            return Some(Problem::Refused(refused));
        }
        let agent = &self.agent;
        let status = match agent.head(url).call() {
            Ok(r) if r.status().as_u16() == 405 || r.status().as_u16() == 501 => {
                agent.get(url).call()
            }
            other => other,
        };
        match status {
            Ok(r) if r.status().as_u16() < 400 => None,
            Ok(r) => Some(Problem::Broken(format!(
                "the server answered {}",
                r.status()
            ))),
            Err(e) => Some(match refused_by_resolver(&e) {
                Some(refused) => Problem::Refused(refused.clone()),
                None => Problem::Broken(format!("the request failed: {e}")),
            }),
        }
    }
}

/// The [`Refused`] a [`GuardedResolver`] failed a request with, if that is why it failed.
fn refused_by_resolver(e: &ureq::Error) -> Option<&Refused> {
    match e {
        ureq::Error::Io(io) => io.get_ref()?.downcast_ref::<Refused>(),
        _ => None,
    }
}

/// Behind a proxy: the link's own host, resolved here, must not be a non-public address.
fn preflight(url: &str) -> Option<Refused> {
    let uri: Uri = url.parse().ok()?;
    let host = uri.host()?.trim_start_matches('[').trim_end_matches(']');
    let port = uri.port_u16().unwrap_or(default_port(&uri));
    let addrs: Vec<SocketAddr> = (host, port).to_socket_addrs().ok()?.collect();
    addrs.iter().find_map(|a| {
        forbidden(a.ip()).map(|class| Refused {
            host: host.to_string(),
            ip: a.ip(),
            class,
        })
    })
}

fn default_port(uri: &Uri) -> u16 {
    if uri.scheme_str() == Some("https") {
        443
    } else {
        80
    }
}

/// A host that resolved only to addresses sitegen will not request.
#[derive(Debug, Clone)]
pub(crate) struct Refused {
    host: String,
    ip: IpAddr,
    class: &'static str,
}

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.host == self.ip.to_string() {
            write!(f, "{} is {} address", self.ip, self.class)
        } else {
            write!(
                f,
                "{} resolves to {} address {}",
                self.host, self.class, self.ip
            )
        }
    }
}

impl std::error::Error for Refused {}

/// ureq's own resolver, keeping only public addresses. ureq calls it for the first request
/// and for every redirect hop, right before connecting, so a name that resolves to a
/// public address for a first look and to a private one later is still refused.
#[derive(Debug, Default)]
struct GuardedResolver {
    inner: DefaultResolver,
}

impl Resolver for GuardedResolver {
    fn resolve(
        &self,
        uri: &Uri,
        config: &Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let resolved = self.inner.resolve(uri, config, timeout)?;
        if is_proxy(uri, config) {
            // The user's own proxy (often on loopback) is where requests are meant to go.
            return Ok(resolved);
        }
        let host = uri.host().unwrap_or_default();
        let mut kept = self.empty();
        let mut first_refused = None;
        for addr in resolved.iter() {
            match forbidden(addr.ip()) {
                None => kept.push(*addr),
                Some(class) => {
                    first_refused.get_or_insert(Refused {
                        host: host.trim_start_matches('[').trim_end_matches(']').into(),
                        ip: addr.ip(),
                        class,
                    });
                }
            }
        }
        match first_refused {
            Some(refused) if kept.is_empty() => {
                Err(ureq::Error::Io(std::io::Error::other(refused)))
            }
            _ => Ok(kept),
        }
    }
}

/// Whether ureq is resolving the configured proxy rather than a link's host.
fn is_proxy(uri: &Uri, config: &Config) -> bool {
    config.proxy().is_some_and(|p| {
        uri.host() == Some(p.host()) && uri.port_u16().unwrap_or(default_port(uri)) == p.port()
    })
}

/// What kind of non-public address `ip` is ("a loopback", "a private", …), or None for
/// an address on the public internet. IPv4 addresses inside IPv6 ones (mapped,
/// compatible, NAT64, 6to4) are judged as the IPv4 address they carry.
pub(crate) fn forbidden(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => forbidden_v4(v4),
        IpAddr::V6(v6) => forbidden_v6(v6),
    }
}

fn forbidden_v4(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, c, d] = ip.octets();
    let class = match (a, b, c, d) {
        // AWS, GCP, Azure, OpenStack; AWS ECS task metadata; Alibaba; Oracle.
        (169, 254, 169, 254) | (169, 254, 170, 2) | (100, 100, 100, 200) | (192, 0, 0, 192) => {
            "a cloud metadata"
        }
        _ if ip.is_loopback() => "a loopback",
        _ if ip.is_private() => "a private",
        _ if ip.is_link_local() => "a link-local",
        (100, 64..=127, _, _) => "a shared (CGNAT)",
        _ if ip.is_unspecified() || a == 0 => "an unspecified",
        _ if ip.is_multicast() => "a multicast",
        _ if ip.is_broadcast() => "a broadcast",
        _ if ip.is_documentation() => "a documentation",
        (192, 0, 0, _) | (198, 18..=19, _, _) | (240..=255, _, _, _) => "a reserved",
        _ => return None,
    };
    Some(class)
}

fn forbidden_v6(ip: Ipv6Addr) -> Option<&'static str> {
    let s = ip.segments();
    if let Some(v4) = embedded_v4(ip) {
        return forbidden_v4(v4);
    }
    let class = match s {
        [0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254] => "a cloud metadata",
        _ if ip.is_loopback() => "a loopback",
        _ if ip.is_unspecified() => "an unspecified",
        _ if ip.is_multicast() => "a multicast",
        _ if s[0] & 0xfe00 == 0xfc00 => "a unique-local (private)",
        _ if s[0] & 0xffc0 == 0xfe80 => "a link-local",
        _ if s[0] & 0xffc0 == 0xfec0 => "a site-local (private)",
        _ if s[0] == 0x2001 && s[1] == 0x0db8 => "a documentation",
        _ => return None,
    };
    Some(class)
}

/// The IPv4 address an IPv6 one carries: `::ffff:a.b.c.d` (mapped), `::a.b.c.d`
/// (compatible), `64:ff9b::a.b.c.d` (NAT64) and `2002:AABB:CCDD::` (6to4).
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let s = ip.segments();
    let low = || Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
    match s {
        [0, 0, 0, 0, 0, 0xffff, _, _] => Some(low()),
        // `::` and `::1` are IPv6's own unspecified and loopback addresses.
        [0, 0, 0, 0, 0, 0, hi, lo] if hi != 0 || lo > 1 => Some(low()),
        [0x64, 0xff9b, 0, 0, 0, 0, _, _] => Some(low()),
        [0x2002, hi, lo, ..] => Some(Ipv4Addr::new(
            (hi >> 8) as u8,
            hi as u8,
            (lo >> 8) as u8,
            lo as u8,
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class(ip: &str) -> Option<&'static str> {
        forbidden(ip.parse().expect("an address"))
    }

    #[test]
    fn every_non_public_class_is_refused() {
        for (ip, want) in [
            ("127.0.0.1", "a loopback"),
            ("127.8.9.10", "a loopback"),
            ("10.0.0.5", "a private"),
            ("172.16.3.4", "a private"),
            ("192.168.1.1", "a private"),
            ("169.254.1.2", "a link-local"),
            ("169.254.169.254", "a cloud metadata"),
            ("100.100.100.200", "a cloud metadata"),
            ("192.0.0.192", "a cloud metadata"),
            ("100.64.0.1", "a shared (CGNAT)"),
            ("0.0.0.0", "an unspecified"),
            ("0.1.2.3", "an unspecified"),
            ("224.0.0.1", "a multicast"),
            ("255.255.255.255", "a broadcast"),
            ("198.18.0.1", "a reserved"),
            ("::1", "a loopback"),
            ("::", "an unspecified"),
            ("ff02::1", "a multicast"),
            ("fd12:3456::1", "a unique-local (private)"),
            ("fc00::1", "a unique-local (private)"),
            ("fd00:ec2::254", "a cloud metadata"),
            ("fe80::1", "a link-local"),
            ("::ffff:127.0.0.1", "a loopback"),
            ("::ffff:169.254.169.254", "a cloud metadata"),
            ("::ffff:10.1.2.3", "a private"),
            ("::10.1.2.3", "a private"),
            ("64:ff9b::a9fe:a9fe", "a cloud metadata"),
            ("2002:7f00:1::", "a loopback"),
        ] {
            assert_eq!(class(ip), Some(want), "{ip}");
        }
    }

    #[test]
    fn public_addresses_pass() {
        for ip in [
            "1.1.1.1",
            "93.184.216.34",
            "100.128.0.1",
            "172.32.0.1",
            "2606:4700::1111",
            "::ffff:8.8.8.8",
            "2002:0808:0808::",
        ] {
            assert_eq!(class(ip), None, "{ip}");
        }
    }

    fn resolve(url: &str) -> Result<Vec<SocketAddr>, ureq::Error> {
        let uri: Uri = url.parse().expect("a URI");
        let config = Config::default();
        GuardedResolver::default()
            .resolve(&uri, &config, NextTimeout::default())
            .map(|a| a.to_vec())
    }

    #[test]
    fn the_resolver_refuses_after_resolution_and_says_why() {
        for (url, ip) in [
            ("http://127.0.0.1:8080/", "127.0.0.1"),
            ("http://localhost/", "127.0.0.1"),
            ("http://[::ffff:169.254.169.254]/latest/", "169.254.169.254"),
            ("http://[fd00:ec2::254]/", "fd00:ec2::254"),
            ("http://10.0.0.5/", "10.0.0.5"),
        ] {
            let err = resolve(url).expect_err(url);
            let refused = refused_by_resolver(&err).expect("refused by the guard");
            assert!(
                refused.to_string().contains(ip)
                    || ip == "127.0.0.1" && refused.to_string().contains("::1"),
                "{url}: {refused}"
            );
        }
        let refused = resolve("http://localhost/").expect_err("localhost");
        assert!(
            refused
                .to_string()
                .contains("localhost resolves to a loopback address"),
            "{refused}"
        );
    }

    #[test]
    fn the_resolver_keeps_public_addresses() {
        let addrs = resolve("http://1.1.1.1:8080/").expect("a public address");
        assert_eq!(
            addrs,
            vec!["1.1.1.1:8080".parse::<SocketAddr>().expect("addr")]
        );
    }
}
