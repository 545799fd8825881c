//! The benchmark's chart (issue 19): `scripts/plot-curve.py` draws `bench.sh --tsv`'s rows as
//! an SVG, and `scripts/bench-curve.sh` runs bench.sh per corpus size to collect them. The
//! plotter is checked on hand-written figures (a line and a marker per tool and measured size,
//! a missing figure skipped and named, never drawn as zero); the scripts' plumbing with fake
//! `cargo`, `gen_corpus`, `sitegen` and `hugo`, so that it takes seconds, not a benchmark.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn which(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

fn describe(out: &Output) -> String {
    format!(
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Asserts that a script exited with status 1 and said `text` on stderr.
fn assert_failed_saying(out: &Output, text: &str) {
    assert_eq!(out.status.code(), Some(1), "{}", describe(out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains(text),
        "{}",
        describe(out)
    );
}

/// python3, or None after saying the test is skipped.
fn python3() -> Option<PathBuf> {
    let found = which("python3");
    if found.is_none() {
        eprintln!("skipped: python3 is not installed (scripts/plot-curve.py needs it)");
    }
    found
}

const HEADER: &str = "articles\tshape\tseed\ttool\twall_s\tcpu_s\tpeak_rss_mb\tpages_html\toutput_mb\tcpus\tload1\tload5\tload15\tsitegen\tversion\tnote";

/// A bench.sh --tsv line; empty wall and rss for a build that has no figures.
fn line(n: u32, tool: &str, wall: &str, rss: &str, note: &str) -> String {
    let version = if tool == "hugo" {
        "v0.111.3"
    } else {
        "abc1234"
    };
    format!(
        "{n}\tnews\t42\t{tool}\t{wall}\t\t{rss}\t\t\t2\t0.50\t0.80\t1.00\tabc1234\t{version}\t{note}"
    )
}

/// Runs plot-curve.py on the TSV text: its exit and the SVG it wrote.
fn plot(python: &Path, tsv: &str) -> (Output, Option<String>) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("in.tsv"), tsv).unwrap();
    let out = Command::new(python)
        .arg(repo().join("scripts/plot-curve.py"))
        .arg(dir.path().join("in.tsv"))
        .arg(dir.path().join("out.svg"))
        .output()
        .unwrap();
    (
        out,
        std::fs::read_to_string(dir.path().join("out.svg")).ok(),
    )
}

fn panel<'a>(doc: &'a roxmltree::Document, metric: &str) -> roxmltree::Node<'a, 'a> {
    doc.descendants()
        .find(|n| {
            n.attribute("class") == Some("panel") && n.attribute("data-metric") == Some(metric)
        })
        .unwrap_or_else(|| panic!("no {metric} panel"))
}

/// The polyline's points of a tool in a panel (None: no line for it).
fn line_points(panel: roxmltree::Node, tool: &str) -> Option<Vec<(f64, f64)>> {
    let lines: Vec<_> = panel
        .descendants()
        .filter(|n| n.has_tag_name("polyline") && n.attribute("data-tool") == Some(tool))
        .collect();
    assert!(lines.len() <= 1, "{} lines for {tool}", lines.len());
    let points = lines.first()?.attribute("points").unwrap();
    Some(
        points
            .split_whitespace()
            .map(|p| {
                let (x, y) = p.split_once(',').unwrap();
                (x.parse().unwrap(), y.parse().unwrap())
            })
            .collect(),
    )
}

/// The markers (circles, squares, …) drawn for a tool's points in a panel.
fn markers(panel: roxmltree::Node, tool: &str) -> usize {
    panel
        .descendants()
        .find(|n| n.attribute("class") == Some("points") && n.attribute("data-tool") == Some(tool))
        .map_or(0, |g| g.children().filter(|c| c.is_element()).count())
}

/// The plot area's bottom edge (the y of zero): the axis path "M{left},{top}V{bottom}H…".
fn baseline(panel: roxmltree::Node) -> f64 {
    let d = panel
        .descendants()
        .find(|n| n.has_tag_name("path"))
        .and_then(|n| n.attribute("d"))
        .unwrap();
    let v = d.split_once('V').unwrap().1;
    v.split_once('H').unwrap().0.parse().unwrap()
}

fn texts(doc: &roxmltree::Document) -> Vec<String> {
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| n.text().unwrap_or_default().to_string())
        .collect()
}

fn close(a: f64, b: f64, tolerance: f64) -> bool {
    (a - b).abs() <= tolerance
}

#[test]
fn plot_curve_draws_a_line_per_tool_and_skips_missing_points() {
    let Some(python) = python3() else { return };
    let tsv = [
        HEADER.to_string(),
        line(1000, "sitegen", "0.61", "62", ""),
        line(1000, "hugo", "2.40", "310", ""),
        // Three builds at one size: drawn as their median (1.20 s, 110 MB).
        line(3000, "sitegen", "1.00", "100", ""),
        line(3000, "sitegen", "5.00", "500", ""),
        line(3000, "sitegen", "1.20", "110", ""),
        line(3000, "hugo", "6.40", "700", ""),
        line(10000, "sitegen", "3.10", "260", ""),
        line(10000, "hugo", "18.60", "2080", ""),
        line(100000, "sitegen", "22.10", "1800", ""),
        line(
            100000,
            "hugo",
            "",
            "",
            "killed: machine out of memory (peak RSS 6100 MB)",
        ),
    ]
    .join("\n")
        + "\n";
    let (out, svg) = plot(&python, &tsv);
    assert!(out.status.success(), "{}", describe(&out));
    let svg = svg.unwrap();
    let doc = roxmltree::Document::parse(&svg).expect("the SVG is well-formed XML");
    let root = doc.root_element();
    assert!(root.has_tag_name(("http://www.w3.org/2000/svg", "svg")));
    // Its own white background, for GitHub's dark mode.
    let background = root.children().find(|n| n.has_tag_name("rect")).unwrap();
    assert_eq!(background.attribute("fill"), Some("#fff"));

    for (metric, sitegen_values, hugo_values) in [
        ("wall_s", [0.61, 1.20, 3.10, 22.10], [2.40, 6.40, 18.60]),
        (
            "peak_rss_mb",
            [62.0, 110.0, 260.0, 1800.0],
            [310.0, 700.0, 2080.0],
        ),
    ] {
        let panel = panel(&doc, metric);
        let sitegen = line_points(panel, "sitegen").expect("sitegen's line");
        let hugo = line_points(panel, "hugo").expect("Hugo's line");
        assert_eq!(sitegen.len(), 4, "{metric}: sitegen's four sizes");
        assert_eq!(
            hugo.len(),
            3,
            "{metric}: Hugo's 100,000 is skipped, not drawn"
        );
        assert_eq!((markers(panel, "sitegen"), markers(panel, "hugo")), (4, 3));
        // The same sizes at the same x; nothing of Hugo's at 100,000.
        for (s, h) in sitegen.iter().zip(&hugo) {
            assert_eq!(s.0, h.0, "{metric}");
        }
        // Articles from 1,000 to 100,000: a logarithmic x axis, a decade per equal step.
        let decade = sitegen[2].0 - sitegen[0].0;
        assert!(
            close(sitegen[3].0 - sitegen[2].0, decade, 0.2),
            "{sitegen:?}"
        );
        assert!(
            close(sitegen[1].0 - sitegen[0].0, decade * 3f64.log10(), 0.2),
            "{sitegen:?}"
        );
        // Linear y from zero: each point's height is in proportion to its value (the
        // median at 3,000); nothing sits on the baseline.
        let bottom = baseline(panel);
        let scale = (bottom - sitegen[3].1) / sitegen_values[3];
        let drawn = sitegen
            .iter()
            .zip(sitegen_values)
            .chain(hugo.iter().zip(hugo_values));
        for (&(_, y), value) in drawn {
            assert!(y < bottom, "{metric}: a point on the zero line");
            assert!(
                close((bottom - y) / scale, value, value * 0.01 + 0.05),
                "{metric}: {value} drawn at {y}"
            );
        }
    }

    let texts = texts(&doc);
    let all = texts.join("\n");
    assert!(
        texts.iter().any(|t| t == "articles (logarithmic scale)"),
        "{all}"
    );
    assert!(texts.iter().any(|t| t.contains("Build time")), "{all}");
    assert!(texts.iter().any(|t| t.contains("Peak memory")), "{all}");
    assert!(
        texts.iter().any(|t| t == "Hugo") && texts.iter().any(|t| t == "sitegen"),
        "legend: {all}"
    );
    assert!(texts.iter().any(|t| t == "100,000"), "x ticks: {all}");
    // The largest size's figure, and Hugo's ratio where both have one.
    assert!(texts.iter().any(|t| t == "22.1 s"), "{all}");
    assert!(texts.iter().any(|t| t == "18.6 s (6.0x sitegen)"), "{all}");
    assert!(
        texts.iter().any(|t| t == "2,080 MB (8.0x sitegen)"),
        "{all}"
    );
    assert!(all.contains("2 CPUs"), "{all}");
    assert!(all.contains("0.50, 0.80, 1.00"), "load averages: {all}");
    assert!(all.contains("sitegen abc1234"), "{all}");
    assert!(all.contains("Hugo v0.111.3"), "{all}");
    assert!(all.contains("median of up to 3 builds"), "{all}");
    assert!(
        all.contains("Not drawn: Hugo at 100,000 articles (killed: machine out of memory (peak RSS 6100 MB))."),
        "{all}"
    );
    // The figures, also as text for screen readers.
    let desc = doc
        .descendants()
        .find(|n| n.has_tag_name("desc"))
        .unwrap()
        .text()
        .unwrap();
    assert!(
        desc.contains(
            "sitegen wall time: 1,000: 0.61 s, 3,000: 1.20 s, 10,000: 3.10 s, 100,000: 22.1 s."
        ),
        "{desc}"
    );

    // The same figures, the same bytes.
    let (again, svg_again) = plot(&python, &tsv);
    assert!(again.status.success(), "{}", describe(&again));
    assert_eq!(svg_again.unwrap(), svg);
}

#[test]
fn plot_curve_uses_a_linear_axis_for_close_sizes_and_draws_sitegen_alone() {
    let Some(python) = python3() else { return };
    let tsv = [
        HEADER.to_string(),
        line(500, "sitegen", "0.31", "60", ""),
        line(1000, "sitegen", "0.52", "80", ""),
        line(2000, "sitegen", "0.93", "101", ""),
    ]
    .join("\n");
    let (out, svg) = plot(&python, &tsv);
    assert!(out.status.success(), "{}", describe(&out));
    let svg = svg.unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let texts = texts(&doc);
    assert!(texts.iter().any(|t| t == "articles"), "{texts:?}");
    assert!(
        !texts
            .iter()
            .any(|t| t.contains("logarithmic") || t.contains("Hugo")),
        "{texts:?}"
    );
    assert!(
        !texts.iter().any(|t| t.contains("Not drawn")),
        "nothing was skipped: {texts:?}"
    );
    for metric in ["wall_s", "peak_rss_mb"] {
        let panel = panel(&doc, metric);
        assert!(line_points(panel, "hugo").is_none());
        let xs: Vec<f64> = line_points(panel, "sitegen")
            .unwrap()
            .iter()
            .map(|p| p.0)
            .collect();
        assert_eq!(xs.len(), 3);
        // Linear: 500 to 1,000 is half of 1,000 to 2,000.
        assert!(close((xs[2] - xs[1]) / 2.0, xs[1] - xs[0], 0.2), "{xs:?}");
    }
}

#[test]
fn plot_curve_rejects_what_it_cannot_draw() {
    let Some(python) = python3() else { return };
    for (tsv, says) in [
        (
            "articles\ttool\twall_s\n1000\tsitegen\t1.0\n".to_string(),
            "peak_rss_mb",
        ),
        (
            format!("{HEADER}\n{}\n", line(1000, "sitegen", "fast", "60", "")),
            "line 2: wall_s",
        ),
        (
            format!("{HEADER}\n{}\n", line(1000, "hugo", "", "", "killed")),
            "no figures",
        ),
        (format!("{HEADER}\n1000\tsitegen\n"), "line 2: 2 fields"),
    ] {
        let (out, svg) = plot(&python, &tsv);
        assert_eq!(out.status.code(), Some(1), "{tsv}\n{}", describe(&out));
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(says),
            "{tsv}\n{}",
            describe(&out)
        );
        assert!(svg.is_none(), "wrote a chart for {tsv}");
    }
}

/// A folder of fake tools for bench.sh: `cargo` (does nothing), and under target/release a
/// `gen_corpus` writing N tiny articles and a `sitegen` writing a page per article and a home
/// page (and noting the inode of the first article in `inodes.log` and its output folder in
/// `outputs.log`; first sleeping
/// $FAKE_SITEGEN_SLEEP seconds when set); `hugo` on PATH likewise, failing with exit 3 when
/// the site has $FAKE_HUGO_FAIL_AT articles.
struct Fakes {
    dir: tempfile::TempDir,
}

impl Fakes {
    fn new() -> Fakes {
        let dir = tempfile::tempdir().unwrap();
        let write = |rel: &str, text: &str| {
            let path = dir.path().join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, text).unwrap();
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        };
        write(
            "bin/cargo",
            "#!/bin/sh\necho \"fake cargo $*\" >>\"$FAKES/cargo.log\"\n",
        );
        write(
            "target/release/gen_corpus",
            r#"#!/bin/sh
while [ $# -gt 0 ]; do
  case "$1" in --articles) n=$2; shift ;; --out) out=$2; shift ;; esac
  shift
done
mkdir -p "$out/content/posts"
printf 'title = "fake"\n' >"$out/config.toml"
i=1
while [ "$i" -le "$n" ]; do
  printf '+++\ndate = 2024-03-08T09:00:00+08:00\n+++\n# %s\n' "$i" >"$out/content/posts/a$i.md"
  i=$((i + 1))
done
"#,
        );
        let pages = r#"
n=$(find "$src/content" -name '*.md' | wc -l)
mkdir -p "$out"
i=0
while [ "$i" -le "$n" ]; do echo '<p>page</p>' >"$out/p$i.html"; i=$((i + 1)); done
"#;
        write(
            "target/release/sitegen",
            &format!(
                r#"#!/bin/sh
while [ $# -gt 0 ]; do
  case "$1" in -r) src=$2; shift ;; -o) out=$2; shift ;; esac
  shift
done
stat -c %i "$src/content/posts/a1.md" >>"$FAKES/inodes.log" 2>/dev/null || true
echo "$out" >>"$FAKES/outputs.log"
[ -z "${{FAKE_SITEGEN_SLEEP:-}}" ] || sleep "$FAKE_SITEGEN_SLEEP"{pages}"#
            ),
        );
        write(
            "bin/hugo",
            &format!(
                r#"#!/bin/sh
if [ "$1" = version ]; then
  echo "hugo v0.111.3+extended linux/amd64 BuildDate=2023-03-16T08:41:31Z"
  exit 0
fi
while [ $# -gt 0 ]; do
  case "$1" in -s) src=$2; shift ;; -d) out=$2; shift ;; esac
  shift
done
if [ "$(find "$src/content" -name '*.md' | wc -l)" = "${{FAKE_HUGO_FAIL_AT:-}}" ]; then
  echo "fake hugo: failing as told" >&2
  exit 3
fi{pages}"#
            ),
        );
        std::fs::create_dir(dir.path().join("tmp")).unwrap();
        Fakes { dir }
    }

    /// A command running a script of scripts/ with the fakes first on PATH.
    fn script(&self, name: &str) -> Command {
        let path = std::env::var_os("PATH").unwrap_or_default();
        let mut dirs = vec![self.dir.path().join("bin")];
        dirs.extend(std::env::split_paths(&path));
        let mut cmd = Command::new(repo().join("scripts").join(name));
        cmd.env("PATH", std::env::join_paths(dirs).unwrap())
            .env("CARGO_TARGET_DIR", self.dir.path().join("target"))
            .env("TMPDIR", self.dir.path().join("tmp"))
            .env("FAKES", self.dir.path())
            // A busy machine must not make the benchmark kill the fakes.
            .env("BENCH_MIN_AVAIL_MB", "0");
        cmd
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }
}

/// GNU time at /usr/bin/time, which bench.sh needs, or None after saying the test is skipped.
fn gnu_time() -> Option<()> {
    let ok = Command::new("/usr/bin/time")
        .args(["-v", "true"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("skipped: GNU time is not at /usr/bin/time (bench.sh needs it)");
    }
    ok.then_some(())
}

#[test]
fn bench_curve_collects_a_row_per_tool_and_size_and_draws_them() {
    let Some(_) = python3() else { return };
    let Some(()) = gnu_time() else { return };
    let fakes = Fakes::new();
    let out_dir = fakes.path("curve");
    let out = fakes
        .script("bench-curve.sh")
        .args(["3", "5", "--shape", "translated", "--out"])
        .arg(&out_dir)
        .env("FAKE_HUGO_FAIL_AT", "5")
        .output()
        .unwrap();
    // Hugo failed at 5 articles: the run fails, but the chart is drawn from what was measured.
    assert_failed_saying(&out, "bench.sh failed at 5 (exit 1)");
    // bench.sh's own table, for each size.
    let table = std::fs::read_to_string(out_dir.join("bench-3.txt")).unwrap();
    assert!(table.contains("sitegen/Hugo:"), "{table}");

    let tsv = std::fs::read_to_string(out_dir.join("curve.tsv")).unwrap();
    let lines: Vec<Vec<&str>> = tsv.lines().map(|l| l.split('\t').collect()).collect();
    assert_eq!(lines[0].join("\t"), HEADER, "one header, first");
    let rows: Vec<_> = lines[1..].iter().map(|l| (l[0], l[3])).collect();
    assert_eq!(
        rows,
        [
            ("3", "sitegen"),
            ("3", "hugo"),
            ("5", "sitegen"),
            ("5", "hugo")
        ],
        "{tsv}"
    );
    let nproc = String::from_utf8(Command::new("nproc").output().unwrap().stdout).unwrap();
    for l in &lines[1..] {
        assert_eq!(l.len(), 16, "{l:?}");
        assert_eq!((l[1], l[2]), ("translated", "42"), "{l:?}");
        assert_eq!(l[9], nproc.trim(), "{l:?}");
        for load in &l[10..13] {
            assert!(
                load.parse::<f64>().is_ok(),
                "load average {load:?} in {l:?}"
            );
        }
        assert!(!l[13].is_empty(), "sitegen's commit: {l:?}");
    }
    let pages = |l: &[&str]| l[7].parse::<u32>().unwrap();
    for l in &lines[1..4] {
        assert!(
            l[4].parse::<f64>().is_ok() && l[5].parse::<f64>().is_ok(),
            "{l:?}"
        );
        assert!(
            l[6].parse::<u32>().is_ok() && l[8].parse::<f64>().is_ok(),
            "{l:?}"
        );
        assert_eq!(l[15], "", "{l:?}");
    }
    assert_eq!(
        (pages(&lines[1]), pages(&lines[2]), pages(&lines[3])),
        (4, 4, 6)
    );
    assert_eq!(lines[2][14], "v0.111.3");
    assert_eq!(
        lines[1][14], lines[1][13],
        "sitegen's version is its commit"
    );
    assert_eq!(
        &lines[4][4..9],
        ["", "", "", "", ""],
        "no figures for the failed build"
    );
    assert_eq!(lines[4][15], "failed (exit 3)");

    let svg = std::fs::read_to_string(out_dir.join("curve.svg")).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    for metric in ["wall_s", "peak_rss_mb"] {
        let panel = panel(&doc, metric);
        assert_eq!(line_points(panel, "sitegen").unwrap().len(), 2, "{metric}");
        assert_eq!(line_points(panel, "hugo").unwrap().len(), 1, "{metric}");
    }
    let all = texts(&doc).join("\n");
    assert!(
        all.contains("Not drawn: Hugo at 5 articles (failed (exit 3))."),
        "{all}"
    );
    assert!(all.contains("translated-articles corpus"), "{all}");
}

#[test]
fn bench_sh_refuses_a_tsv_of_another_format_before_building() {
    let Some(()) = gnu_time() else { return };
    let fakes = Fakes::new();
    let tsv = fakes.path("other.tsv");
    std::fs::write(&tsv, "size\tseconds\n1000\t2.5\n").unwrap();
    let out = fakes
        .script("bench.sh")
        .args(["5", "--no-hugo", "--tsv"])
        .arg(&tsv)
        .output()
        .unwrap();
    assert_failed_saying(&out, "header");
    assert_eq!(
        std::fs::read_to_string(&tsv).unwrap(),
        "size\tseconds\n1000\t2.5\n"
    );
    assert!(
        !fakes.path("cargo.log").exists(),
        "it built before checking --tsv"
    );
}

#[test]
fn bench_sh_io_floor_copies_sitegens_output_and_compares_the_times() {
    let Some(()) = gnu_time() else { return };
    let fakes = Fakes::new();
    // Long enough for GNU time's hundredths: a fake that took "0.00 s" has no ratio.
    let out = fakes
        .script("bench.sh")
        .args(["5", "--no-hugo", "--io-floor"])
        .env("FAKE_SITEGEN_SLEEP", "0.05")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", describe(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let pages = |tool: &str| {
        let row = stdout.lines().find(|l| l.starts_with(tool));
        let row = row.unwrap_or_else(|| panic!("no {tool} row in:\n{stdout}"));
        row.split_whitespace().rev().nth(2).map(str::to_string)
    };
    // The fake sitegen writes a page per article and one more: the floor copies them all.
    assert_eq!(pages("sitegen "), Some("6".into()));
    assert_eq!(pages("io floor"), Some("6".into()));
    let report = stdout
        .lines()
        .find(|l| l.starts_with("sitegen / I/O floor: "));
    let report = report.unwrap_or_else(|| panic!("no ratio in:\n{stdout}"));
    let ratio = report["sitegen / I/O floor: ".len()..]
        .split('x')
        .next()
        .unwrap();
    assert!(ratio.parse::<f64>().is_ok_and(|r| r > 0.0), "{report}");
    assert!(report.contains("goal on disk: at most 1.2x"), "{report}");
}

#[test]
fn bench_sh_splits_the_cpu_time_and_gives_each_baseline_build_its_own_folder() {
    let Some(()) = gnu_time() else { return };
    let fakes = Fakes::new();
    let sitegen = fakes.path("target/release/sitegen");
    let out = fakes
        .script("bench.sh")
        .args(["5", "--no-hugo", "--baseline"])
        .arg(&sitegen)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", describe(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    // The split adds up to the table's cpu_s (each part rounded to hundredths).
    let row = stdout.lines().find(|l| l.starts_with("sitegen "));
    let row = row.unwrap_or_else(|| panic!("no sitegen row in:\n{stdout}"));
    let cpu: f64 = row.split_whitespace().nth(2).unwrap().parse().unwrap();
    let split = stdout.lines().find(|l| l.starts_with("cpu_s is "));
    let split = split.unwrap_or_else(|| panic!("no cpu_s split in:\n{stdout}"));
    let parts: Vec<f64> = split
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    assert_eq!(parts.len(), 2, "{split}");
    assert!(
        close(parts[0] + parts[1], cpu, 0.011),
        "{split} against {row}"
    );
    assert!(split.ends_with("s system for sitegen"), "{split}");
    // Three builds of each binary, each into a folder no other build wrote: deleting the
    // last one's output would slow the next build on some disks.
    let log = std::fs::read_to_string(fakes.path("outputs.log")).unwrap();
    let compared: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("/out-baseline") || l.contains("/out-current"))
        .collect();
    let distinct: std::collections::BTreeSet<&&str> = compared.iter().collect();
    assert_eq!(compared.len(), 6, "{log}");
    assert_eq!(distinct.len(), 6, "{log}");
}

/// The wall times of bench-publish.sh's add rows labelled `label` (`base ` or none).
fn add_times(stdout: &str, label: &str) -> Vec<f64> {
    stdout
        .lines()
        .filter_map(|line| line.strip_prefix(label))
        .filter(|rest| rest.starts_with("add"))
        .filter_map(|rest| rest.split_whitespace().nth(1)?.parse().ok())
        .collect()
}

#[test]
fn bench_publish_times_the_add_in_rounds_and_prints_each_median() {
    let Some(()) = gnu_time() else { return };
    let fakes = Fakes::new();
    let sitegen = fakes.path("target/release/sitegen");
    let out = fakes
        .script("bench-publish.sh")
        .args(["4", "--rounds", "3", "--baseline"])
        .arg(&sitegen)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", describe(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    for (label, who) in [("base ", "base"), ("", "new")] {
        let mut times = add_times(&stdout, label);
        assert_eq!(times.len(), 3, "three adds for {who}: {stdout}");
        times.sort_by(f64::total_cmp);
        let line = stdout
            .lines()
            .find(|l| l.starts_with(&format!("{who}: ")))
            .unwrap_or_else(|| panic!("no median line for {who}: {stdout}"));
        let median: f64 = line[who.len() + 2..]
            .split(' ')
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no figure in {line:?}"));
        assert_eq!(median, times[1], "{line} against {times:?}");
        assert!(line.ends_with("the median of 3 adds"), "{line}");
    }
    assert!(stdout.contains("byte-identical"), "{stdout}");
    // Without --rounds, one add and no median.
    let out = fakes.script("bench-publish.sh").arg("3").output().unwrap();
    assert!(out.status.success(), "{}", describe(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(add_times(&stdout, "").len(), 1, "{stdout}");
    assert!(!stdout.contains("median"), "{stdout}");
    let out = fakes
        .script("bench-publish.sh")
        .args(["3", "--rounds", "0"])
        .output()
        .unwrap();
    assert_failed_saying(&out, "--rounds wants a number");
}

/// The inodes of the first article, as each build of a bench-publish.sh run saw it.
fn inodes_seen(fakes: &Fakes, args: &[&str]) -> Vec<String> {
    let _ = std::fs::remove_file(fakes.path("inodes.log"));
    let out = fakes
        .script("bench-publish.sh")
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", describe(&out));
    let log = std::fs::read_to_string(fakes.path("inodes.log")).unwrap();
    // The five timed builds (the cold check's comes after).
    log.lines().take(5).map(str::to_string).collect()
}

#[test]
fn bench_publish_with_fresh_checkout_gives_every_build_new_source_files() {
    let Some(()) = gnu_time() else { return };
    let fakes = Fakes::new();
    let kept = inodes_seen(&fakes, &["3"]);
    assert_eq!(kept.len(), 5, "{kept:?}");
    assert!(kept.iter().all(|i| *i == kept[0]), "one checkout: {kept:?}");
    let fresh = inodes_seen(&fakes, &["3", "--fresh-checkout"]);
    let distinct: std::collections::BTreeSet<&String> = fresh.iter().collect();
    assert_eq!(
        distinct.len(),
        5,
        "a new checkout for each build: {fresh:?}"
    );
}

#[test]
fn the_benchmark_scripts_pass_shellcheck() {
    if which("shellcheck").is_none() {
        let required =
            std::env::var("SITEGEN_REQUIRE_SHELLCHECK").is_ok_and(|v| !v.is_empty() && v != "0");
        assert!(
            !required,
            "SITEGEN_REQUIRE_SHELLCHECK is set but shellcheck is not installed (apt-get install -y shellcheck)"
        );
        eprintln!("skipped: shellcheck is not installed");
        return;
    }
    let out = Command::new("shellcheck")
        .args([
            "scripts/bench.sh",
            "scripts/bench-curve.sh",
            "scripts/bench-smoke.sh",
            "scripts/bench-publish.sh",
        ])
        .current_dir(repo())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", describe(&out));
}
