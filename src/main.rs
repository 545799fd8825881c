//! The `sitegen` command line. Argument parsing only: the work is in the library.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use sitegen::build::{BuildOptions, build};
use sitegen::diagnostics::{Diagnostics, count_noun};
use sitegen::progress::Progress;

/// The system allocator until `main` has read the command, mimalloc after it for all but
/// `serve` (see `sitegen::allocator`).
#[global_allocator]
static ALLOCATOR: sitegen::allocator::Switchable = sitegen::allocator::Switchable::new();

/// Whether `command` does its work and exits, as every command but `serve` does, which
/// holds a site for hours and should hand back the memory it frees.
fn ends_soon(command: &Command) -> bool {
    !matches!(command, Command::Serve(_))
}

/// Whether `command` runs on mimalloc: those that [`ends_soon`]. `serve` keeps less with the
/// system allocator, except on musl, whose allocator serialises threads on one lock: the
/// static release binaries would build 3.1x slower than glibc ones (1.7x with mimalloc).
fn wants_mimalloc(command: &Command) -> bool {
    cfg!(target_env = "musl") || ends_soon(command)
}

/// glibc grows a thread's heap a few pages at a time, each step an `mprotect` under the
/// process's memory lock, which every other thread's page faults then wait on: at 100,000
/// articles a publish build spent a tenth of its time there. With 64 MB of padding a heap
/// is made writable at once (its pages cost memory only once touched), and builds were
/// 10-15 % faster at the same peak memory (docs/performance.md). Builds now run on mimalloc;
/// `serve`, which stays on glibc's malloc, is what this is still for.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn pad_heaps() {
    unsafe extern "C" {
        /// glibc's `mallopt(3)`.
        fn mallopt(param: std::ffi::c_int, value: std::ffi::c_int) -> std::ffi::c_int;
    }
    /// `M_TOP_PAD` in glibc's malloc.h.
    const M_TOP_PAD: std::ffi::c_int = -2;
    // SAFETY: mallopt sets one of the allocator's parameters under its own lock; it is in
    // every glibc since 2.0, and called here before any other thread is started.
    unsafe {
        mallopt(M_TOP_PAD, 64 << 20);
    }
}

/// A fast static site generator for Chinese-language tech-news portals.
#[derive(Parser)]
#[command(name = "sitegen", version = sitegen::version::LONG, about)]
struct Cli {
    /// Print nothing but errors.
    #[arg(short, long, global = true)]
    quiet: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output folder (public/ by default).
    Build(BuildArgs),
    /// Render everything in memory and report broken internal links, images and anchors.
    Check(CheckArgs),
    /// Create a new site in DIR that builds at once (config, a sample article, CI workflow).
    Init(InitArgs),
    /// Write a draft article with its front matter filled in, and print its path.
    New(NewArgs),
    /// Preview the site: build it in memory, serve it, rebuild and reload tabs on every save.
    Serve(ServeArgs),
    /// Tell Baidu and IndexNow about the pages added or changed since the last push.
    Push(PushArgs),
}

/// What build, check and serve all take: which site, and which of its articles.
#[derive(Args)]
struct SiteArgs {
    /// The site folder (holding config.toml and content/).
    #[arg(short, long, default_value = ".")]
    root: PathBuf,
    /// Include articles marked draft.
    #[arg(long)]
    drafts: bool,
    /// Include articles dated in the future.
    #[arg(long)]
    future: bool,
    /// Override base_url from config.toml (e.g. https://user.github.io/portal/).
    #[arg(long)]
    base_url: Option<String>,
    /// Treat every warning as an error (also `strict = true` in config.toml), for CI.
    #[arg(long)]
    strict: bool,
}

impl From<SiteArgs> for sitegen::site::Options {
    fn from(args: SiteArgs) -> Self {
        sitegen::site::Options {
            root: args.root,
            base_url: args.base_url,
            drafts: args.drafts,
            future: args.future,
            strict: args.strict,
            progress: Progress::default(),
            images: Default::default(),
            parse_cache: false,
        }
    }
}

impl SiteArgs {
    /// The driver's options, reporting on `progress` (build and check; serve's quick
    /// rebuilds go to a log and show none).
    fn with_progress(self, progress: &Progress) -> sitegen::site::Options {
        sitegen::site::Options {
            progress: progress.clone(),
            ..self.into()
        }
    }
}

#[derive(Args)]
struct ServeArgs {
    #[command(flatten)]
    site: SiteArgs,
    /// The port to listen on; a taken port gives way to the next free one (0: any free port).
    #[arg(short, long, default_value_t = sitegen::serve::DEFAULT_PORT)]
    port: u16,
    /// The address to listen on; anything but loopback lets other machines see the preview
    /// (and answers any Host name; on loopback only localhost, 127.x.y.z and [::1]).
    #[arg(long, default_value = "127.0.0.1")]
    bind: std::net::IpAddr,
    /// Open the site in the default browser.
    #[arg(long)]
    open: bool,
}

#[derive(Args)]
struct BuildArgs {
    #[command(flatten)]
    site: SiteArgs,
    /// Where to write the site; default: public/ under the root.
    #[arg(short, long)]
    output_dir: Option<PathBuf>,
    /// Accepted for old scripts, but takes over nothing more: the output is only ever an
    /// empty folder or one sitegen created, never a source folder, the root or $HOME.
    #[arg(long)]
    force: bool,
    /// Print the time each stage took.
    #[arg(long)]
    timings: bool,
    /// Minify HTML (with inline CSS and JS), CSS and JS files; feeds are left as they are.
    #[arg(long)]
    minify: bool,
    /// After a successful build, run `sitegen push` on the new output.
    #[arg(long)]
    push: bool,
}

#[derive(Args)]
struct PushArgs {
    /// The site folder (holding config.toml and content/).
    #[arg(short, long, default_value = ".")]
    root: PathBuf,
    /// The built output to push; default: public/ under the root.
    #[arg(short, long = "output-dir", visible_alias = "output")]
    output_dir: Option<PathBuf>,
    /// Override base_url from config.toml, as the build did (e.g. https://user.github.io/portal/).
    #[arg(long)]
    base_url: Option<String>,
    /// Print the URLs each service would get; send nothing, record nothing.
    #[arg(long)]
    dry_run: bool,
    /// Send every page, not only the new and changed ones.
    #[arg(long)]
    all: bool,
    /// Push to one service only.
    #[arg(long, value_parser = ["baidu", "indexnow"])]
    only: Option<String>,
}

#[derive(Args)]
struct InitArgs {
    /// The folder to create; it must be empty or missing.
    dir: PathBuf,
    /// Write into a folder that is not empty: same-named files are replaced, nothing is deleted.
    #[arg(long)]
    force: bool,
    /// The CI pipeline to write: GitHub Pages, GitLab Pages, or none.
    #[arg(long, default_value = "github", value_parser = sitegen::scaffold::Ci::NAMES)]
    ci: String,
}

#[derive(Args)]
struct NewArgs {
    /// The article's title, in quotes.
    title: String,
    /// The section (folder under content/) to put it in, e.g. 资讯.
    #[arg(short, long)]
    section: Option<String>,
    /// The file name and URL segment; default: from the title, Chinese kept.
    #[arg(long)]
    slug: Option<String>,
    /// The site folder (holding config.toml and content/).
    #[arg(short, long, default_value = ".")]
    root: PathBuf,
}

#[derive(Args)]
struct CheckArgs {
    #[command(flatten)]
    site: SiteArgs,
    /// Also request every external link (with a 10 s timeout, 8 at a time).
    #[arg(long)]
    external: bool,
    /// With --external: also request links to loopback, private, link-local and
    /// cloud-metadata addresses (refused by default, after DNS and on every redirect).
    #[arg(long)]
    allow_private: bool,
}

fn main() -> ExitCode {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    pad_heaps();
    // Before anything makes a template map: ahash takes its seed source once.
    sitegen::render::seed_maps_per_thread();
    let cli = Cli::parse();
    if wants_mimalloc(&cli.command) {
        ALLOCATOR.use_mimalloc();
        // Not for the static release's `serve`, which runs on mimalloc too.
        if ends_soon(&cli.command) {
            sitegen::allocator::keep_freed_memory();
        }
        sitegen::allocator::tree_sitter_on_mimalloc();
    }
    // A build keeps each of the parse cache's 256 shard files open while it may read
    // bodies from them (`model::LazyText`), beside the files it writes: macOS starts
    // programs with room for 256 open files. A limit that cannot be raised is left as is.
    #[cfg(unix)]
    let _ = rlimit::increase_nofile_limit(10_240);
    match cli.command {
        Command::Build(args) => run_build(args, cli.quiet),
        Command::Check(args) => run_check(args, cli.quiet),
        Command::Init(args) => run_init(args, cli.quiet),
        Command::New(args) => run_new(args),
        Command::Serve(args) => run_serve(args, cli.quiet),
        Command::Push(args) => run_push(&push_options(args), cli.quiet),
    }
}

fn run_build(args: BuildArgs, quiet: bool) -> ExitCode {
    let timings = args.timings;
    let push = args.push.then(|| sitegen::push::PushOptions {
        root: args.site.root.clone(),
        output: args.output_dir.clone(),
        base_url: args.site.base_url.clone(),
        ..Default::default()
    });
    let progress = Progress::on_stderr(quiet);
    let options = BuildOptions {
        site: sitegen::site::Options {
            parse_cache: true,
            ..args.site.with_progress(&progress)
        },
        output: args.output_dir,
        force: args.force,
        minify: args.minify,
    };
    let built = build(&options);
    progress.finish();
    match built {
        Ok(summary) => {
            eprint!("{}", summary.warnings.list());
            if !quiet {
                println!(
                    "built {} pages ({} articles, {} static files) into {} in {:.2} s{}",
                    summary.pages,
                    summary.articles,
                    summary.static_files,
                    summary.output.display(),
                    summary.elapsed.as_secs_f64(),
                    with_warnings(&summary.warnings),
                );
                if summary.pages_kept > 0 || summary.parses_cached > 0 {
                    // A fresh checkout reads every source: nothing to say then.
                    let unread = match summary.sources_unread {
                        0 => String::new(),
                        n => format!(
                            " ({n} files not read again: their size and times had not changed)"
                        ),
                    };
                    println!(
                        "kept {} pages and {} parsed files whose inputs had not changed since the previous build{unread}",
                        summary.pages_kept, summary.parses_cached
                    );
                }
                if summary.picture_versions > 0 {
                    println!(
                        "pictures: {} versions published, {} made now, the rest from the cache",
                        summary.picture_versions, summary.pictures_made
                    );
                }
                if !summary.skipped.is_empty() {
                    println!(
                        "not published: {} (`sitegen check` names them)",
                        sitegen::load::skipped_counts(&summary.skipped)
                    );
                }
            }
            if timings {
                eprint!("{}", summary.stages.table());
            }
            match push {
                Some(options) => run_push(&options, quiet),
                None => ExitCode::SUCCESS,
            }
        }
        Err(errors) => failed(&errors),
    }
}

/// ` with 3 warnings`, or nothing.
fn with_warnings(warnings: &Diagnostics) -> String {
    match warnings.warning_count() {
        0 => String::new(),
        n => format!(" with {}", count_noun(n, "warning", "warnings")),
    }
}

fn failed(errors: &Diagnostics) -> ExitCode {
    eprintln!("{errors}");
    ExitCode::FAILURE
}

fn run_check(args: CheckArgs, quiet: bool) -> ExitCode {
    let progress = Progress::on_stderr(quiet);
    let options = sitegen::check::CheckOptions {
        site: args.site.with_progress(&progress),
        external: args.external,
        allow_private: args.allow_private,
    };
    let checked = sitegen::check::check(&options);
    progress.finish();
    match checked {
        Ok(summary) => {
            eprint!("{}", summary.warnings.list());
            if !quiet {
                for (path, why) in &summary.skipped {
                    println!("{}: not published: {}", path.display(), why.describe().0);
                }
                println!(
                    "checked {} links on {} pages: all good{}",
                    summary.links,
                    summary.pages,
                    with_warnings(&summary.warnings),
                );
            }
            ExitCode::SUCCESS
        }
        Err(errors) => failed(&errors),
    }
}

fn run_init(args: InitArgs, quiet: bool) -> ExitCode {
    let options = sitegen::scaffold::InitOptions {
        dir: args.dir,
        force: args.force,
        // clap accepts only Ci::NAMES.
        ci: sitegen::scaffold::Ci::from_name(&args.ci).unwrap_or_default(),
    };
    match sitegen::scaffold::init(&options) {
        Ok(summary) => {
            if !quiet {
                print!("{}", sitegen::scaffold::next_steps(&summary));
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("{error}");
            ExitCode::FAILURE
        }
    }
}

/// Prints the new file's path even with `-q`: it is the output, for `$EDITOR "$(sitegen new …)"`.
fn run_new(args: NewArgs) -> ExitCode {
    let options = sitegen::scaffold::NewOptions {
        root: args.root,
        title: args.title,
        section: args.section,
        slug: args.slug,
    };
    match sitegen::scaffold::new_article(&options) {
        Ok(path) => {
            println!("{}", path.strip_prefix(".").unwrap_or(&path).display());
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("{error}");
            ExitCode::FAILURE
        }
    }
}

fn run_serve(args: ServeArgs, quiet: bool) -> ExitCode {
    let options = sitegen::serve::ServeOptions {
        site: args.site.into(),
        port: args.port,
        bind: args.bind,
        open: args.open,
        quiet,
    };
    match sitegen::serve::serve(options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(errors) => failed(&errors),
    }
}

fn push_options(args: PushArgs) -> sitegen::push::PushOptions {
    sitegen::push::PushOptions {
        root: args.root,
        output: args.output_dir,
        base_url: args.base_url,
        dry_run: args.dry_run,
        all: args.all,
        only: args.only.as_deref().and_then(sitegen::push::Service::parse),
    }
}

/// Prints the report even with `-q` when a service failed; fails when one did.
fn run_push(options: &sitegen::push::PushOptions, quiet: bool) -> ExitCode {
    match sitegen::push::push(options) {
        Ok(report) => {
            let failed = report.is_failure();
            if failed {
                eprint!("{}", report.text());
                ExitCode::FAILURE
            } else {
                if !quiet {
                    print!("{}", report.text());
                }
                ExitCode::SUCCESS
            }
        }
        Err(errors) => failed(&errors),
    }
}
