//! `sitegen serve`: a live preview an editor can leave running all day.
//!
//! The site is built in memory (never into `public/`, which may be the deployable copy;
//! feeds and the search index go to a folder of the server's own in the cache folder),
//! served over HTTP, and rebuilt when `content/`, `templates/`, `static/` or `config.toml`
//! change. Open tabs reload themselves through Server-Sent Events.
//!
//! * [`rebuild`]: the incremental builder and the thread it runs on: a parse cache per
//!   Markdown file ([`sources`]), a model kept between builds ([`live`]), and page
//!   fingerprints ([`crate::render::fingerprint`]) that say which pages an edit changed;
//!   pages are rendered when they are asked for, on the same thread, and the most recent
//!   kept ([`pages`]); date, tag and category edits re-index the model in place
//!   ([`reshape`]); [`generated`] makes feeds and the search index off that thread when
//!   one of them is asked for.
//! * [`watch`]: the debounced file watcher.
//! * [`http`]: path safety, routing into the pages, the generated files and `static/`,
//!   content types.
//! * [`reload`]: the event stream and the script injected into served HTML.
//!
//! A rebuild swaps the new fingerprints in under a short write lock: a request sees either
//! the old or the new version of a page, never half of one. Memory stays proportional to
//! the model, not to the output: at 10,000 articles the rendered pages alone would be
//! 340 MB (`scripts/bench-serve.sh` measures it, and how long edits take to show).

mod generated;
mod http;
mod live;
mod pages;
mod rebuild;
mod reload;
mod reshape;
mod sources;
mod watch;

use std::collections::HashMap;
use std::io::ErrorKind;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Sender, channel};
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use tokio::sync::{broadcast, oneshot, watch as signal_watch};

use crate::config::CONFIG_FILE;
use crate::diagnostics::{Diagnostic, Diagnostics};

/// What `sitegen serve` was asked to do.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The site; its `base_url` defaults to `http://ADDR:PORT/`, so that canonical links
    /// and feeds point at the preview.
    pub site: crate::site::Options,
    /// 0 lets the system pick a free port (tests use this and read the printed URL).
    pub port: u16,
    pub bind: IpAddr,
    /// Open the site in the default browser once it is served.
    pub open: bool,
    pub quiet: bool,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            site: crate::site::Options {
                root: PathBuf::from("."),
                ..Default::default()
            },
            port: DEFAULT_PORT,
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            open: false,
            quiet: false,
        }
    }
}

pub const DEFAULT_PORT: u16 = 1111;
/// How many ports after a taken one are tried before giving up.
const PORT_TRIES: u16 = 10;
/// How long Ctrl-C waits for open requests before exiting anyway.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(1);
/// See [`header_timeout`].
const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// Connections served at once: far more than a few browser tabs open (six each), and few
/// enough to stay under the usual limit of 1,024 open files.
const MAX_CONNECTIONS: usize = 512;
/// The pause after a failed accept (out of file descriptors).
const ACCEPT_BACKOFF: Duration = Duration::from_millis(50);

/// A message for open tabs.
#[derive(Debug, Clone)]
pub(crate) enum Notice {
    /// A rebuild changed what is served.
    Reload,
    /// A rebuild failed; the text is what the terminal showed.
    Error(String),
}

/// What the rebuild thread is asked to do; it handles one message at a time, so a page is
/// rendered from one version of the site, and a request made after a rebuild started is
/// answered from the rebuilt site.
pub(crate) enum Message {
    /// A batch of file events from the watcher.
    Files(watch::Batch),
    /// Render the page at this output path, unless it is cached meanwhile. The answer is
    /// `None` when no page is planned there.
    Render {
        file: String,
        reply: oneshot::Sender<Option<Rendered>>,
    },
    /// Make feeds, sitemaps and the search index if they lag behind the site.
    Generate,
}

/// A page rendered for a request, or why it could not be: the text of a build or template
/// error, shown in place of the page.
pub(crate) type Rendered = Result<Bytes, String>;

/// Whether the last build succeeded, and how many successful rebuilds there were.
#[derive(Debug, Default)]
pub(crate) struct Status {
    /// Bumped on every rebuild that changed what is served; a page carries the generation
    /// it was served at, so a tab that missed a reload while loading catches up.
    pub generation: u64,
    /// The last build's errors, while they last.
    pub error: Option<String>,
    /// At least one build succeeded: there are pages to serve.
    pub built: bool,
}

/// What the HTTP side reads and the rebuild thread writes.
pub(crate) struct State {
    /// Every planned page's fingerprint, and the pages rendered lately.
    pub pages: RwLock<pages::PageTable>,
    /// The generated files (feeds, sitemaps, search index…) by path relative to the site
    /// root, as last made (see [`generated`]).
    pub files: RwLock<HashMap<String, generated::Made>>,
    /// The folder the generated files are written to, once they are; removed on exit.
    pub generated_dir: Mutex<Option<PathBuf>>,
    /// The hashed stylesheets and scripts of the site being served.
    pub assets: RwLock<HashMap<String, Bytes>>,
    /// Bumped by every rebuild that changed what is served (see [`State::generated`]).
    pub site_version: AtomicU64,
    /// The site version the generated files were last made from.
    pub generated: signal_watch::Sender<u64>,
    /// The Traditional edition's folder, when it is served under the site's host: its
    /// pages are generated files.
    pub hant_folder: RwLock<Option<String>>,
    /// Requests to the rebuild thread.
    pub requests: Sender<Message>,
    /// The theme's stylesheets, scripts and icon, compiled into the binary.
    pub theme_static: HashMap<String, &'static [u8]>,
    /// The site's `static/` folder, read at request time so that a new image needs no
    /// rebuild.
    pub static_dir: PathBuf,
    /// Files of page bundles by output path (`about/photo.jpg`) → the file in `content/`,
    /// read at request time as `static/` is; set by each rebuild from the model.
    pub bundles: RwLock<HashMap<String, PathBuf>>,
    /// The pictures' versions, made on first request into the cache; set by each rebuild.
    pub images: RwLock<Arc<crate::images::Images>>,
    /// The URL path the site lives under (`/` or `/portal/`), from the base URL.
    pub root_path: RwLock<String>,
    pub status: Mutex<Status>,
    pub notices: broadcast::Sender<Notice>,
    /// Becomes true on Ctrl-C: event streams end so that shutdown need not wait for them.
    pub shutdown: signal_watch::Receiver<bool>,
}

impl State {
    fn new(root: &Path, requests: Sender<Message>, shutdown: signal_watch::Receiver<bool>) -> Self {
        let (notices, _) = broadcast::channel(64);
        State {
            pages: RwLock::new(pages::PageTable::new(pages::PageTable::budget_from_env())),
            files: RwLock::new(HashMap::new()),
            generated_dir: Mutex::new(None),
            assets: RwLock::new(HashMap::new()),
            site_version: AtomicU64::new(0),
            generated: signal_watch::Sender::new(0),
            hant_folder: RwLock::new(None),
            requests,
            theme_static: crate::theme::static_files().into_iter().collect(),
            static_dir: root.join("static"),
            bundles: RwLock::new(HashMap::new()),
            images: RwLock::new(Arc::default()),
            root_path: RwLock::new("/".into()),
            status: Mutex::new(Status::default()),
            notices,
            shutdown,
        }
    }

    pub fn status(&self) -> std::sync::MutexGuard<'_, Status> {
        self.status.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn root_path(&self) -> String {
        self.root_path
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    pub fn pages(&self) -> std::sync::RwLockReadGuard<'_, pages::PageTable> {
        self.pages.read().unwrap_or_else(PoisonError::into_inner)
    }

    /// A hashed stylesheet or script of the site being served.
    pub fn asset(&self, rel: &str) -> Option<Bytes> {
        self.assets
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(rel)
            .cloned()
    }

    /// A generated file as last made, if there is one at `rel`.
    pub fn file(&self, rel: &str) -> Option<generated::Made> {
        self.files
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(rel)
            .cloned()
    }

    pub fn generated_version(&self) -> u64 {
        *self.generated.borrow()
    }

    pub fn site_version(&self) -> u64 {
        self.site_version.load(Ordering::Acquire)
    }

    /// Hands `message` to the rebuild thread; false when it is gone.
    pub fn ask(&self, message: Message) -> bool {
        self.requests.send(message).is_ok()
    }
}

/// Builds, serves and watches until Ctrl-C. Errors are problems that stop the server from
/// starting (no site here, port unavailable); build errors never end it.
pub fn serve(options: ServeOptions) -> Result<(), Diagnostics> {
    let config = options.site.root.join(CONFIG_FILE);
    if !config.is_file() {
        return Err(Diagnostic::new(config, format!("no {CONFIG_FILE} here"))
            .hint("run sitegen serve in a site folder, or pass --root DIR")
            .into());
    }
    // Other config errors are shown in the preview until the writer fixes them; a pin this
    // binary does not meet cannot be fixed by editing, so it stops the server from starting.
    let text =
        std::fs::read_to_string(&config).map_err(|e| Diagnostic::new(&config, e.to_string()))?;
    crate::version::check_site_pin(&text)?;
    let root = std::fs::canonicalize(&options.site.root)
        .map_err(|e| Diagnostic::new(&options.site.root, e.to_string()))?;
    let listener = bind(options.bind, options.port, options.quiet)?;
    let addr = listener
        .local_addr()
        .map_err(|e| Diagnostic::new("--bind", format!("cannot read the bound address: {e}")))?;
    if !options.bind.is_loopback() {
        let warning = Diagnostic::warning(
            "--bind",
            format!(
                "serving on {} makes the preview (with drafts, if --drafts) reachable by other \
                 machines on the network",
                options.bind
            ),
        )
        .hint("use --bind 127.0.0.1 to keep it local");
        eprintln!("{warning}");
    }
    let url = local_url(addr);
    let mut site = options.site.clone();
    site.root = root.clone();
    site.base_url.get_or_insert_with(|| url.clone());

    let (stop, stopped) = signal_watch::channel(false);
    let (requests, messages) = channel();
    // The watcher starts before the first build, so that a save during it is not lost.
    let events = watch::start(&root, requests.clone())?;
    let state = Arc::new(State::new(&root, requests, stopped));
    let builder = rebuild::Builder::new(site, options.quiet, Arc::clone(&state));
    // The URL is printed once the first build is in.
    let (built, first_build) = channel();
    rebuild::spawn(builder, events, messages, built)?;
    let _ = first_build.recv();

    // With a base URL that has a path (`/portal/`), the site lives under it.
    let site_url = format!(
        "{url}{}",
        crate::slug::encode_path(state.root_path().trim_start_matches('/'))
    );
    println!("serving {site_url} (Ctrl-C to stop)");
    if options.open {
        open_browser(&site_url);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Diagnostic::new("--port", format!("cannot start the server: {e}")))?;
    let hosts = http::HostRule {
        any_host: !options.bind.is_loopback(),
    };
    let result = runtime.block_on(run_server(listener, Arc::clone(&state), stop, hosts));
    // A stuck blocking read (a slow disk) must not hold up Ctrl-C either.
    runtime.shutdown_timeout(Duration::from_millis(200));
    generated::remove_folder(&state);
    result
}

/// Serves until Ctrl-C, then gives open requests [`SHUTDOWN_GRACE`] to finish.
///
/// The accept loop is our own rather than `axum::serve`, which sets no timeouts: hyper's
/// header read timeout closes a connection that is slow to send a request head, and the
/// same timer runs while a kept-alive connection sits idle between requests. An event
/// stream is a response being written, not a head being read, so it is never cut. At most
/// [`MAX_CONNECTIONS`] are served at once; more wait in the kernel's queue, costing no
/// file descriptor, until one closes.
async fn run_server(
    listener: TcpListener,
    state: Arc<State>,
    stop: signal_watch::Sender<bool>,
    hosts: http::HostRule,
) -> Result<(), Diagnostics> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use hyper_util::service::TowerToHyperService;

    let listener = tokio::net::TcpListener::from_std(listener)
        .map_err(|e| Diagnostic::new("--port", format!("cannot serve: {e}")))?;
    let app = Router::new()
        .route(reload::EVENTS_PATH, axum::routing::get(reload::events))
        .fallback(http::respond)
        .with_state(state)
        .layer(axum::middleware::from_fn_with_state(
            hosts,
            http::check_host,
        ));
    let header_timeout = header_timeout();
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let slots = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    let ctrl_c = tokio::signal::ctrl_c();
    let mut ctrl_c = std::pin::pin!(ctrl_c);
    loop {
        let slot = tokio::select! {
            _ = &mut ctrl_c => break,
            slot = Arc::clone(&slots).acquire_owned() => slot,
        };
        let Ok(slot) = slot else { break };
        let stream = tokio::select! {
            _ = &mut ctrl_c => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                // Out of file descriptors, or a connection reset before it was taken:
                // wait a little rather than spin, then go on serving.
                Err(_) => {
                    tokio::time::sleep(ACCEPT_BACKOFF).await;
                    continue;
                }
            },
        };
        let service = TowerToHyperService::new(app.clone());
        let connection = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(header_timeout)
            .serve_connection(TokioIo::new(stream), service);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            let _ = connection.await;
            drop(slot);
        });
    }
    // Event streams end on this, so that shutdown need not wait for them.
    let _ = stop.send(true);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(SHUTDOWN_GRACE) => {}
    }
    Ok(())
}

/// How long a client may take to send a request head, and how long a kept-alive
/// connection may sit idle: [`HEADER_TIMEOUT`], or `SITEGEN_SERVE_HEADER_TIMEOUT_MS`
/// (read here only; tests shorten it).
fn header_timeout() -> Duration {
    std::env::var("SITEGEN_SERVE_HEADER_TIMEOUT_MS")
        .ok()
        .and_then(|ms| ms.trim().parse::<u64>().ok())
        .filter(|&ms| ms > 0)
        .map_or(HEADER_TIMEOUT, Duration::from_millis)
}

/// Binds `addr:port`; a taken port gives way to the next free one, said aloud.
fn bind(addr: IpAddr, port: u16, quiet: bool) -> Result<TcpListener, Diagnostic> {
    let tries = if port == 0 { 1 } else { PORT_TRIES };
    let mut last = None;
    for candidate in (0..tries).filter_map(|i| port.checked_add(i)) {
        match TcpListener::bind(SocketAddr::new(addr, candidate)) {
            Ok(listener) => {
                if candidate != port && !quiet {
                    eprintln!("port {port} is in use; serving on port {candidate} instead");
                }
                listener
                    .set_nonblocking(true)
                    .map_err(|e| Diagnostic::new("--port", format!("cannot serve: {e}")))?;
                return Ok(listener);
            }
            Err(e) if e.kind() == ErrorKind::AddrInUse => last = Some(e),
            Err(e) => {
                let at = SocketAddr::new(addr, port);
                return Err(Diagnostic::new(
                    "--bind",
                    format!("cannot listen on {at}: {e}"),
                ));
            }
        }
    }
    let detail = last.map(|e| format!(": {e}")).unwrap_or_default();
    Err(Diagnostic::new(
        "--port",
        format!(
            "port {port} and the {} after it are in use{detail}",
            tries - 1
        ),
    )
    .hint("pass another with --port N (or --port 0 for any free port)"))
}

/// The URL to print and to use as the base URL: an unspecified bind address (`0.0.0.0`)
/// is reached locally through the loopback address.
fn local_url(addr: SocketAddr) -> String {
    let ip = match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(std::net::Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    format!("http://{}/", SocketAddr::new(ip, addr.port()))
}

/// `--open`: the `open` crate knows each desktop's opener (macOS, Windows, xdg-open
/// and its fallbacks, WSL) and reaps it; failing to open is only a warning.
fn open_browser(url: &str) {
    if let Err(e) = open::that_detached(url) {
        eprintln!("warning: cannot open a browser ({e}); open {url} yourself");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_urls_use_loopback_for_unspecified_addresses() {
        let any: SocketAddr = "0.0.0.0:1111".parse().unwrap();
        assert_eq!(local_url(any), "http://127.0.0.1:1111/");
        let v6: SocketAddr = "[::1]:8080".parse().unwrap();
        assert_eq!(local_url(v6), "http://[::1]:8080/");
    }

    #[test]
    fn a_taken_port_gives_way_to_the_next() {
        let taken = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = taken.local_addr().unwrap().port();
        let listener = bind(IpAddr::V4(Ipv4Addr::LOCALHOST), port, true)
            .expect("one of the ports after a taken one is free");
        let got = listener.local_addr().unwrap().port();
        assert!(
            got > port && got - port < PORT_TRIES,
            "taken {port}, got {got}"
        );
    }
}
