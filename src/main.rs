//! The `sitegen` command line. Argument parsing only: the work is in the library.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use sitegen::build::{BuildOptions, build};

/// A fast static site generator for Chinese-language tech-news portals.
#[derive(Parser)]
#[command(name = "sitegen", version, about)]
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
}

#[derive(Args)]
struct BuildArgs {
    /// The site folder (holding config.toml and content/).
    #[arg(short, long, default_value = ".")]
    root: PathBuf,
    /// Where to write the site; default: public/ under the root.
    #[arg(short, long)]
    output_dir: Option<PathBuf>,
    /// Override base_url from config.toml (e.g. https://user.github.io/portal/).
    #[arg(long)]
    base_url: Option<String>,
    /// Include articles marked draft.
    #[arg(long)]
    drafts: bool,
    /// Include articles dated in the future.
    #[arg(long)]
    future: bool,
    /// Replace an output folder that sitegen did not create.
    #[arg(long)]
    force: bool,
    /// Print the time each stage took.
    #[arg(long)]
    timings: bool,
}

#[derive(Args)]
struct CheckArgs {
    /// The site folder (holding config.toml and content/).
    #[arg(short, long, default_value = ".")]
    root: PathBuf,
    /// Include articles marked draft.
    #[arg(long)]
    drafts: bool,
    /// Include articles dated in the future.
    #[arg(long)]
    future: bool,
    /// Also request every external link (with a 10 s timeout, 8 at a time).
    #[arg(long)]
    external: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build(args) => run_build(args, cli.quiet),
        Command::Check(args) => run_check(args, cli.quiet),
    }
}

fn run_build(args: BuildArgs, quiet: bool) -> ExitCode {
    let timings = args.timings;
    let options = BuildOptions {
        root: args.root,
        output: args.output_dir,
        base_url: args.base_url,
        drafts: args.drafts,
        future: args.future,
        force: args.force,
    };
    match build(&options) {
        Ok(summary) => {
            if !quiet {
                println!(
                    "built {} pages ({} articles, {} static files) into {} in {:.2} s",
                    summary.pages,
                    summary.articles,
                    summary.static_files,
                    summary.output.display(),
                    summary.elapsed.as_secs_f64()
                );
            }
            if timings {
                for (stage, took) in &summary.stages {
                    eprintln!("  {stage:<28} {:>8.1} ms", took.as_secs_f64() * 1000.0);
                }
            }
            ExitCode::SUCCESS
        }
        Err(errors) => {
            eprintln!("{errors}");
            ExitCode::FAILURE
        }
    }
}

fn run_check(args: CheckArgs, quiet: bool) -> ExitCode {
    let options = sitegen::check::CheckOptions {
        root: args.root,
        base_url: None,
        drafts: args.drafts,
        future: args.future,
        external: args.external,
    };
    match sitegen::check::check(&options) {
        Ok(summary) => {
            if !quiet {
                println!(
                    "checked {} links on {} pages: all good",
                    summary.links, summary.pages
                );
            }
            ExitCode::SUCCESS
        }
        Err(errors) => {
            eprintln!("{errors}");
            ExitCode::FAILURE
        }
    }
}
