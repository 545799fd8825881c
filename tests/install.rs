//! `install.sh` end to end (issue 18): a fake release made by `scripts/package-release.sh`
//! from the real test binary, served over HTTP on 127.0.0.1 in the layout GitHub uses
//! (`download/v<version>/<asset>`, `latest/download/<asset>`), installed by the script under
//! dash and busybox sh where they are (else `sh`). Also: the script refuses an archive whose
//! checksum is wrong, pinned wrong or missing; its default URL is Cargo.toml's repository;
//! every target the release workflow builds is the asset the script asks for; on Linux it
//! takes the glibc build where glibc is, and the musl build where the glibc one does not run.
#![cfg(unix)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

use sha2::{Digest, Sha256};
use tempfile::TempDir;
use tower_http::services::ServeDir;

const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The release targets of the contract (README, release.yml, install.sh).
const TARGETS: [&str; 7] = [
    "x86_64-unknown-linux-gnu",
    "aarch64-unknown-linux-gnu",
    "x86_64-unknown-linux-musl",
    "aarch64-unknown-linux-musl",
    "x86_64-apple-darwin",
    "aarch64-apple-darwin",
    "x86_64-pc-windows-msvc",
];

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn describe(out: &Output) -> String {
    format!(
        "status: {}\nstdout:\n{}\nstderr:\n{}",
        out.status,
        text(&out.stdout),
        text(&out.stderr)
    )
}

/// `name` on PATH, as a shell would find it.
fn which(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|file| file.is_file())
}

fn sha256_hex(file: &Path) -> String {
    let bytes = std::fs::read(file).unwrap_or_else(|e| panic!("read {}: {e}", file.display()));
    format!("{:x}", Sha256::digest(bytes))
}

/// The target install.sh picks on this machine, or None where it has no release build. On
/// Linux that is the build of the C library the test binary (packaged as the release) uses.
fn host_target() -> Option<String> {
    let arch = match std::env::consts::ARCH {
        "x86_64" => "x86_64",
        "aarch64" => "aarch64",
        _ => return None,
    };
    let os = match std::env::consts::OS {
        "linux" if cfg!(target_env = "gnu") => "unknown-linux-gnu",
        "linux" => "unknown-linux-musl",
        "macos" => "apple-darwin",
        _ => return None,
    };
    Some(format!("{arch}-{os}"))
}

/// Runs scripts/package-release.sh; panics with its output when it fails.
fn package(target: &str, binary: &Path, out: &Path, epoch: Option<&str>) -> Output {
    let mut cmd = Command::new("bash");
    cmd.arg(repo().join("scripts/package-release.sh"))
        .arg(target)
        .arg(binary)
        .arg(out);
    match epoch {
        Some(epoch) => cmd.env("SOURCE_DATE_EPOCH", epoch),
        None => cmd.env_remove("SOURCE_DATE_EPOCH"),
    };
    let output = cmd.output().expect("run package-release.sh");
    assert!(
        output.status.success(),
        "package-release.sh {target}:\n{}",
        describe(&output)
    );
    output
}

/// This machine's release archive, made once per test run from the real binary.
struct Release {
    asset: String,
    archive: PathBuf,
    checksum: PathBuf,
}

fn release() -> Option<&'static Release> {
    static RELEASE: OnceLock<Option<Release>> = OnceLock::new();
    RELEASE
        .get_or_init(|| {
            let Some(target) = host_target() else {
                eprintln!(
                    "skipped: install.sh has no release build for {} {}",
                    std::env::consts::OS,
                    std::env::consts::ARCH
                );
                return None;
            };
            // Under target/tmp, not the system temp dir: a static is never dropped.
            let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("install-release");
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            // The debug binary is ~500 MB of which ~80 % is debug info: a stripped copy
            // packs in seconds rather than a minute, and runs the same.
            let binary = dir.join("sitegen");
            let stripped = Command::new("strip")
                .arg("-o")
                .arg(&binary)
                .arg(env!("CARGO_BIN_EXE_sitegen"))
                .output()
                .is_ok_and(|o| o.status.success());
            if !stripped {
                std::fs::copy(env!("CARGO_BIN_EXE_sitegen"), &binary).unwrap();
            }
            let dist = dir.join("dist");
            package(&target, &binary, &dist, None);
            std::fs::remove_file(&binary).unwrap();
            let asset = format!("sitegen-{target}.tar.gz");
            Some(Release {
                archive: dist.join(&asset),
                checksum: dist.join(format!("{asset}.sha256")),
                asset,
            })
        })
        .as_ref()
}

/// A folder served over HTTP on 127.0.0.1 for as long as this lives.
struct Mirror {
    root: TempDir,
    url: String,
    _runtime: tokio::runtime::Runtime,
}

impl Mirror {
    fn new() -> Mirror {
        let root = tempfile::tempdir().unwrap();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let app = axum::Router::new().fallback_service(ServeDir::new(root.path()));
        runtime.spawn(async move { axum::serve(listener, app).await });
        Mirror {
            root,
            url,
            _runtime: runtime,
        }
    }

    /// Copies the release's archive and checksum into `rel` (`download/v0.2.0`): their paths.
    fn publish(&self, rel: &str, release: &Release) -> (PathBuf, PathBuf) {
        self.publish_as(rel, release, &release.asset)
    }

    /// The same, as the archive of the target whose asset is `asset` (where a test needs the
    /// other C library's archive on Linux: the test binary stands in for it).
    fn publish_as(&self, rel: &str, release: &Release, asset: &str) -> (PathBuf, PathBuf) {
        let dir = self.root.path().join(rel);
        std::fs::create_dir_all(&dir).unwrap();
        let archive = dir.join(asset);
        let checksum = dir.join(format!("{asset}.sha256"));
        std::fs::copy(&release.archive, &archive).unwrap();
        let line = std::fs::read_to_string(&release.checksum).unwrap();
        std::fs::write(&checksum, line.replace(&release.asset, asset)).unwrap();
        (archive, checksum)
    }
}

/// The shells install.sh must run under: dash and busybox sh where installed, else `sh`.
fn shells() -> Vec<Vec<String>> {
    let mut shells = Vec::new();
    if let Some(dash) = which("dash") {
        shells.push(vec![dash.display().to_string()]);
    }
    if let Some(busybox) = which("busybox") {
        shells.push(vec![busybox.display().to_string(), "sh".into()]);
    } else {
        eprintln!("note: busybox is not installed; install.sh runs under dash/sh only");
    }
    if shells.is_empty() {
        shells.push(vec!["sh".into()]);
    }
    shells
}

/// A place to install into and a TMPDIR to check the script cleans up.
struct Scratch {
    dir: TempDir,
}

impl Scratch {
    fn new() -> Scratch {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("tmp")).unwrap();
        Scratch { dir }
    }
    fn bin(&self) -> PathBuf {
        self.dir.path().join("bin")
    }
    fn tmp(&self) -> PathBuf {
        self.dir.path().join("tmp")
    }
    /// The names in `dir` (empty when it does not exist).
    fn files(dir: &Path) -> Vec<String> {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return Vec::new();
        };
        let mut names: Vec<String> = entries
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

/// `SHELL… install.sh ARGS` against `mirror`, with no SITEGEN_* or proxy settings inherited.
fn install(
    shell: &[String],
    mirror: &Mirror,
    scratch: &Scratch,
    args: &[&str],
    env: &[(&str, &str)],
) -> Output {
    let mut cmd = Command::new(&shell[0]);
    cmd.args(&shell[1..])
        .arg(repo().join("install.sh"))
        .args(args)
        .env("SITEGEN_DOWNLOAD_URL", &mirror.url)
        .env("HOME", scratch.dir.path())
        .env("TMPDIR", scratch.tmp())
        .stdin(Stdio::null());
    for var in [
        "SITEGEN_VERSION",
        "SITEGEN_INSTALL_DIR",
        "SITEGEN_SHA256",
        "http_proxy",
        "HTTP_PROXY",
        "all_proxy",
        "ALL_PROXY",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("no_proxy", "127.0.0.1")
        .env("NO_PROXY", "127.0.0.1");
    cmd.envs(env.iter().copied());
    cmd.output().expect("run install.sh")
}

fn assert_installed(out: &Output, bin: &Path, scratch: &Scratch) {
    assert!(
        out.status.success(),
        "install.sh failed:\n{}",
        describe(out)
    );
    assert_eq!(
        Scratch::files(bin),
        ["sitegen"],
        "the install dir holds sitegen and nothing else:\n{}",
        describe(out)
    );
    let version = Command::new(bin.join("sitegen"))
        .arg("--version")
        .output()
        .expect("run the installed sitegen");
    assert!(version.status.success(), "{}", describe(&version));
    let printed = text(&version.stdout);
    assert!(
        printed.starts_with(&format!("sitegen {VERSION}")),
        "installed sitegen --version: {printed}"
    );
    let said = text(&out.stdout);
    assert!(
        said.contains(printed.trim()),
        "install.sh prints the installed version: {said}"
    );
    assert!(
        said.contains("not on your PATH"),
        "hint for a dir off PATH: {said}"
    );
    assert!(
        Scratch::files(&scratch.tmp()).is_empty(),
        "install.sh left its temp dir: {:?}",
        Scratch::files(&scratch.tmp())
    );
}

#[test]
fn installs_a_version_under_each_shell() {
    let Some(release) = release() else { return };
    let mirror = Mirror::new();
    mirror.publish(&format!("download/v{VERSION}"), release);
    for shell in shells() {
        let scratch = Scratch::new();
        let bin = scratch.bin();
        let out = install(
            &shell,
            &mirror,
            &scratch,
            &["--version", VERSION, "--to", bin.to_str().unwrap()],
            &[],
        );
        assert_installed(&out, &bin, &scratch);
        assert!(
            text(&out.stdout).contains(&format!("/download/v{VERSION}/{}", release.asset)),
            "{shell:?}: {}",
            describe(&out)
        );
    }
}

#[test]
fn settings_come_from_the_environment_too() {
    let Some(release) = release() else { return };
    let mirror = Mirror::new();
    mirror.publish(&format!("download/v{VERSION}"), release);
    let scratch = Scratch::new();
    let bin = scratch.bin();
    // A pin in capitals and a version with its tag's "v" are accepted as written.
    let pin = sha256_hex(&release.archive).to_uppercase();
    let tag = format!("v{VERSION}");
    let out = install(
        &shells()[0],
        &mirror,
        &scratch,
        &[],
        &[
            ("SITEGEN_VERSION", &tag),
            ("SITEGEN_INSTALL_DIR", bin.to_str().unwrap()),
            ("SITEGEN_SHA256", &pin),
        ],
    );
    assert_installed(&out, &bin, &scratch);
}

#[test]
fn installs_the_latest_release_without_a_version() {
    let Some(release) = release() else { return };
    let mirror = Mirror::new();
    // Only latest/: the script cannot have found the archive anywhere else.
    mirror.publish("latest/download", release);
    let scratch = Scratch::new();
    let bin = scratch.bin();
    let out = install(
        &shells()[0],
        &mirror,
        &scratch,
        &["--to", bin.to_str().unwrap()],
        &[],
    );
    assert_installed(&out, &bin, &scratch);
}

#[test]
fn the_default_install_dir_is_home_local_bin() {
    let Some(release) = release() else { return };
    let mirror = Mirror::new();
    mirror.publish("latest/download", release);
    let scratch = Scratch::new();
    let out = install(&shells()[0], &mirror, &scratch, &[], &[]);
    assert_installed(&out, &scratch.dir.path().join(".local/bin"), &scratch);
}

/// Runs install.sh where it must refuse: it fails, says why (`expect` in stderr), and leaves
/// an earlier sitegen in the install dir exactly as it was, with nothing beside it.
fn assert_refused(mirror: &Mirror, args: &[&str], expect: &[&str]) {
    let scratch = Scratch::new();
    let bin = scratch.bin();
    std::fs::create_dir(&bin).unwrap();
    std::fs::write(bin.join("sitegen"), "the sitegen installed before").unwrap();
    let mut all = args.to_vec();
    all.extend(["--version", VERSION, "--to", bin.to_str().unwrap()]);
    for shell in shells() {
        let out = install(&shell, mirror, &scratch, &all, &[]);
        assert!(!out.status.success(), "{shell:?}: {}", describe(&out));
        let err = text(&out.stderr);
        for phrase in expect {
            assert!(err.contains(phrase), "{shell:?}: no {phrase:?} in:\n{err}");
        }
        assert_eq!(Scratch::files(&bin), ["sitegen"], "{shell:?}");
        assert_eq!(
            std::fs::read_to_string(bin.join("sitegen")).unwrap(),
            "the sitegen installed before",
            "{shell:?}"
        );
        assert!(Scratch::files(&scratch.tmp()).is_empty(), "{shell:?}");
    }
}

#[test]
fn a_tampered_archive_is_refused() {
    let Some(release) = release() else { return };
    let mirror = Mirror::new();
    let (archive, _) = mirror.publish(&format!("download/v{VERSION}"), release);
    // One byte changed after the .sha256 was written, as a corrupted or swapped download.
    let mut bytes = std::fs::read(&archive).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x55;
    std::fs::write(&archive, bytes).unwrap();
    let actual = sha256_hex(&archive);
    let expected = sha256_hex(&release.archive);
    assert_refused(
        &mirror,
        &[],
        &["checksum mismatch", &release.asset, &expected, &actual],
    );
}

#[test]
fn a_wrong_pin_is_refused() {
    let Some(release) = release() else { return };
    let mirror = Mirror::new();
    mirror.publish(&format!("download/v{VERSION}"), release);
    let wrong = "0".repeat(64);
    assert_refused(
        &mirror,
        &["--sha256", &wrong],
        &["checksum mismatch", "--sha256", &wrong],
    );
}

#[test]
fn a_missing_checksum_file_is_refused() {
    let Some(release) = release() else { return };
    let mirror = Mirror::new();
    let (_, checksum) = mirror.publish(&format!("download/v{VERSION}"), release);
    std::fs::remove_file(&checksum).unwrap();
    assert_refused(
        &mirror,
        &[],
        &["no checksum file", &format!("{}.sha256", release.asset)],
    );
}

#[test]
fn a_checksum_file_without_a_hash_is_refused() {
    let Some(release) = release() else { return };
    let mirror = Mirror::new();
    let (_, checksum) = mirror.publish(&format!("download/v{VERSION}"), release);
    // What a web server's error page or an empty upload would give.
    std::fs::write(&checksum, "<html>Not Found</html>\n").unwrap();
    assert_refused(&mirror, &[], &["holds no SHA-256"]);
}

/// A folder of links to every command on PATH but `missing`: PATH for a machine without them.
fn path_without(missing: &[&str], into: &Path) -> String {
    std::fs::create_dir_all(into).unwrap();
    let path = std::env::var_os("PATH").unwrap_or_default();
    for dir in std::env::split_paths(&path) {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let link = into.join(&name);
            if missing.iter().any(|m| name == *m) || link.symlink_metadata().is_ok() {
                continue;
            }
            let _ = std::os::unix::fs::symlink(entry.path(), link);
        }
    }
    into.display().to_string()
}

#[test]
fn wget_and_shasum_serve_where_curl_and_sha256sum_are_missing() {
    let Some(release) = release() else { return };
    if which("wget").is_none() || which("shasum").is_none() {
        eprintln!("skipped: needs wget and shasum on PATH");
        return;
    }
    let mirror = Mirror::new();
    mirror.publish(&format!("download/v{VERSION}"), release);
    let scratch = Scratch::new();
    let bin = scratch.bin();
    let path = path_without(&["curl", "sha256sum"], &scratch.dir.path().join("path"));
    let out = install(
        &shells()[0],
        &mirror,
        &scratch,
        &["--version", VERSION, "--to", bin.to_str().unwrap()],
        &[("PATH", &path)],
    );
    assert_installed(&out, &bin, &scratch);

    // And a tampered archive is still refused on that path.
    let (archive, _) = mirror.publish(&format!("download/v{VERSION}"), release);
    let mut bytes = std::fs::read(&archive).unwrap();
    bytes[100] ^= 1;
    std::fs::write(&archive, bytes).unwrap();
    let scratch = Scratch::new();
    let bin = scratch.bin();
    let out = install(
        &shells()[0],
        &mirror,
        &scratch,
        &["--version", VERSION, "--to", bin.to_str().unwrap()],
        &[("PATH", &path)],
    );
    assert!(!out.status.success(), "{}", describe(&out));
    assert!(
        text(&out.stderr).contains("checksum mismatch"),
        "{}",
        describe(&out)
    );
    assert!(Scratch::files(&bin).is_empty());
}

#[test]
fn the_default_download_url_is_the_repository_releases() {
    let script = std::fs::read_to_string(repo().join("install.sh")).unwrap();
    let releases = format!("{}/releases", env!("CARGO_PKG_REPOSITORY"));
    let default = script
        .split("${SITEGEN_DOWNLOAD_URL:-")
        .nth(1)
        .and_then(|rest| rest.split('}').next())
        .expect("install.sh: base=${SITEGEN_DOWNLOAD_URL:-…}");
    assert_eq!(default, releases);
    // The usage lines in its header name the same place.
    for url in script
        .split_whitespace()
        .filter(|w| w.contains("github.com"))
    {
        assert!(
            url.contains(&releases),
            "install.sh names {url}, not {releases}"
        );
    }
}

/// The matrix targets of release.yml's build job.
fn workflow_targets() -> Vec<String> {
    let yml = std::fs::read_to_string(repo().join(".github/workflows/release.yml")).unwrap();
    let workflow: serde_json::Value = serde_saphyr::from_str(&yml).expect("release.yml parses");
    let include = workflow["jobs"]["build"]["strategy"]["matrix"]["include"]
        .as_array()
        .expect("jobs.build.strategy.matrix.include");
    include
        .iter()
        .map(|entry| {
            entry["target"]
                .as_str()
                .expect("each matrix entry has a target")
                .to_string()
        })
        .collect()
}

/// A folder of stand-ins for `uname`, `getconf` and `ldd` answering from the environment:
/// `uname -s`/`-m` say FAKE_S/FAKE_M; with FAKE_GLIBC set, `getconf GNU_LIBC_VERSION` and
/// `ldd --version` say glibc of that version, as on Debian, else they fail as on Alpine.
/// PATH with it first.
fn fake_machine(scratch: &Scratch) -> String {
    let fake = scratch.dir.path().join("fake-machine");
    std::fs::create_dir_all(&fake).unwrap();
    let scripts = [
        (
            "uname",
            "case $1 in -s) echo \"$FAKE_S\" ;; -m) echo \"$FAKE_M\" ;; *) exit 1 ;; esac",
        ),
        (
            "getconf",
            "[ \"$1\" = GNU_LIBC_VERSION ] && [ -n \"$FAKE_GLIBC\" ] || exit 1\necho \"glibc $FAKE_GLIBC\"",
        ),
        (
            "ldd",
            "if [ -n \"$FAKE_GLIBC\" ]; then echo \"ldd (Debian GLIBC $FAKE_GLIBC) $FAKE_GLIBC\"; \
             else echo 'musl libc (x86_64)' >&2; exit 1; fi",
        ),
    ];
    for (name, body) in scripts {
        let file = fake.join(name);
        std::fs::write(&file, format!("#!/bin/sh\n{body}\n")).unwrap();
        std::fs::set_permissions(&file, std::os::unix::fs::PermissionsExt::from_mode(0o755))
            .unwrap();
    }
    format!(
        "{}:{}",
        fake.display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

/// What a stand-in machine ([`fake_machine`]) says it is: `uname -s`, `uname -m`, and its
/// glibc's version ("" for a machine without glibc).
struct Machine<'a> {
    os: &'a str,
    arch: &'a str,
    glibc: &'a str,
}

/// Runs `install.sh ARGS --version VERSION --to <scratch>/bin` under `shell` on `machine`.
fn install_on(
    shell: &[String],
    machine: &Machine<'_>,
    args: &[&str],
    mirror: &Mirror,
    scratch: &Scratch,
) -> Output {
    let path = fake_machine(scratch);
    let bin = scratch.bin();
    let mut all = args.to_vec();
    all.extend(["--version", VERSION, "--to", bin.to_str().unwrap()]);
    install(
        shell,
        mirror,
        scratch,
        &all,
        &[
            ("PATH", &path),
            ("FAKE_S", machine.os),
            ("FAKE_M", machine.arch),
            ("FAKE_GLIBC", machine.glibc),
        ],
    )
}

#[test]
fn every_release_target_is_an_asset_install_sh_asks_for() {
    let targets = workflow_targets();
    assert_eq!(
        targets.iter().map(String::as_str).collect::<BTreeSet<_>>(),
        TARGETS.into_iter().collect::<BTreeSet<_>>(),
        "release.yml builds the contract's targets"
    );
    let yml = std::fs::read_to_string(repo().join(".github/workflows/release.yml")).unwrap();
    assert!(
        yml.contains("scripts/package-release.sh \"$TARGET\""),
        "release.yml packages with scripts/package-release.sh"
    );

    // The names package-release.sh gives each target's archive, from a stand-in binary.
    let work = tempfile::tempdir().unwrap();
    let stand_in = work.path().join("sitegen");
    std::fs::write(&stand_in, "#!/bin/sh\n").unwrap();
    let mirror = Mirror::new();
    let scratch = Scratch::new();
    for target in &targets {
        let dist = work.path().join(target);
        package(target, &stand_in, &dist, None);
        let mut made = Scratch::files(&dist);
        made.retain(|name| !name.ends_with(".sha256"));
        assert_eq!(made.len(), 1, "{target}: {made:?}");
        let asset = &made[0];

        let arch = target.split('-').next().unwrap();
        // What uname says on such a machine, including the other spellings of each arch.
        let unames: Vec<(&str, &str)> = if target.contains("-linux-") {
            let other = if arch == "x86_64" { "amd64" } else { "arm64" };
            vec![("Linux", arch), ("Linux", other)]
        } else if target.contains("-apple-darwin") {
            vec![("Darwin", if arch == "aarch64" { "arm64" } else { arch })]
        } else {
            vec![("MINGW64_NT-10.0-26100", arch), ("MSYS_NT-10.0", arch)]
        };
        // The glibc build where the C library is glibc; the musl one where it is not, and
        // where it is but `--libc musl` asks for the static build.
        let machines: &[(&str, &[&str])] = if target.ends_with("-linux-gnu") {
            &[("2.36", &[]), ("", &["--libc", "gnu"])]
        } else {
            &[("", &[]), ("2.36", &["--libc", "musl"])]
        };
        for (os, machine) in unames {
            for (glibc, args) in machines {
                let on = Machine {
                    os,
                    arch: machine,
                    glibc,
                };
                // The mirror has nothing: the error names what install.sh asked for.
                let out = install_on(&shells()[0], &on, args, &mirror, &scratch);
                assert!(!out.status.success(), "{os} {machine}: {}", describe(&out));
                let said = format!("{}{}", text(&out.stdout), text(&out.stderr));
                assert!(
                    said.contains(asset.as_str()),
                    "{os} {machine}, glibc {glibc:?}, {args:?}: install.sh should ask for \
                     {asset}:\n{said}"
                );
            }
        }
    }

    // Elsewhere it says to build from source, with the crates.io package's name.
    let mirror = Mirror::new();
    for (os, machine) in [("FreeBSD", "amd64"), ("Linux", "riscv64")] {
        let on = Machine {
            os,
            arch: machine,
            glibc: "2.36",
        };
        let out = install_on(&shells()[0], &on, &[], &mirror, &scratch);
        assert!(!out.status.success());
        let err = text(&out.stderr);
        assert!(
            err.contains(&format!("cargo install {}", env!("CARGO_PKG_NAME"))),
            "{os} {machine}: {err}"
        );
    }
}

/// Where the glibc build does not run (the machine's glibc is older than the build's) or
/// the release has none, install.sh takes the static musl build and says why; asked for the
/// glibc build with `--libc gnu`, it refuses and leaves what was installed before.
#[test]
fn the_musl_build_is_taken_where_the_glibc_one_does_not_run() {
    let Some(release) = release() else { return };
    if std::env::consts::OS != "linux" {
        return;
    }
    let arch = std::env::consts::ARCH;
    let mirror = Mirror::new();
    let dir = mirror.root.path().join(format!("download/v{VERSION}"));
    // The glibc build, answering as glibc's loader does where the glibc is too old.
    let work = tempfile::tempdir().unwrap();
    let too_new = work.path().join("sitegen");
    std::fs::write(
        &too_new,
        "#!/bin/sh\necho \"sitegen: /lib/libc.so.6: version 'GLIBC_2.99' not found\" >&2\nexit 1\n",
    )
    .unwrap();
    package(&format!("{arch}-unknown-linux-gnu"), &too_new, &dir, None);
    // The musl build: the real binary.
    let musl = format!("sitegen-{arch}-unknown-linux-musl.tar.gz");
    mirror.publish_as(&format!("download/v{VERSION}"), release, &musl);

    let old_glibc = Machine {
        os: "Linux",
        arch,
        glibc: "2.17",
    };
    for shell in shells() {
        let scratch = Scratch::new();
        let out = install_on(&shell, &old_glibc, &[], &mirror, &scratch);
        assert_installed(&out, &scratch.bin(), &scratch);
        let said = text(&out.stdout);
        for phrase in [
            &format!("{arch}-unknown-linux-gnu.tar.gz"),
            "the glibc build does not run on this machine",
            "GLIBC_2.99",
            &format!("/download/v{VERSION}/{musl}"),
        ] {
            assert!(
                said.contains(phrase),
                "{shell:?}: no {phrase:?} in:\n{said}"
            );
        }
    }

    // A release from before the glibc builds has only the musl one: taken, with a note.
    let older = Mirror::new();
    let (musl_archive, _) = older.publish_as(&format!("download/v{VERSION}"), release, &musl);
    let scratch = Scratch::new();
    let glibc = Machine {
        os: "Linux",
        arch,
        glibc: "2.36",
    };
    let out = install_on(&shells()[0], &glibc, &[], &older, &scratch);
    assert_installed(&out, &scratch.bin(), &scratch);
    assert!(
        text(&out.stdout).contains("no glibc build at"),
        "{}",
        describe(&out)
    );
    // Pinned, as a script written for such a release pins its only Linux archive: the same.
    let musl_hash = sha256_hex(&musl_archive);
    let scratch = Scratch::new();
    let out = install_on(
        &shells()[0],
        &glibc,
        &["--sha256", &musl_hash],
        &older,
        &scratch,
    );
    assert_installed(&out, &scratch.bin(), &scratch);

    assert_refused(
        &mirror,
        &["--libc", "gnu"],
        &["the glibc build does not run", "GLIBC_2.99", "--libc musl"],
    );
    // A pin names the glibc archive's bytes: no falling back to another archive under it.
    // (install.sh takes the glibc build on its own here only where this machine has glibc.)
    if cfg!(target_env = "gnu") {
        let gnu_hash = sha256_hex(&dir.join(format!("sitegen-{arch}-unknown-linux-gnu.tar.gz")));
        assert_refused(
            &mirror,
            &["--sha256", &gnu_hash],
            &[
                "the glibc build does not run",
                "--sha256 pins",
                "--libc musl",
            ],
        );
    }
    assert_refused(
        &mirror,
        &["--libc", "bionic"],
        &["--libc takes gnu or musl"],
    );
}

fn listing(archive: &Path) -> Vec<String> {
    let out = Command::new("tar")
        .arg("-tvzf")
        .arg(archive)
        .output()
        .expect("run tar");
    assert!(out.status.success(), "{}", describe(&out));
    text(&out.stdout).lines().map(str::to_string).collect()
}

#[test]
fn release_archives_hold_what_the_contract_says() {
    let work = tempfile::tempdir().unwrap();
    let binary = work.path().join("built-binary");
    std::fs::write(&binary, "#!/bin/sh\necho stand-in\n").unwrap();

    let target = "aarch64-apple-darwin";
    let first = work.path().join("first");
    package(target, &binary, &first, Some("1790000000"));
    let asset = format!("sitegen-{target}.tar.gz");
    let archive = first.join(&asset);
    assert_eq!(
        Scratch::files(&first),
        [asset.clone(), format!("{asset}.sha256")]
    );

    // sitegen (executable), LICENSE and README.md at the top level, owned by 0:0.
    let entries = listing(&archive);
    let names: Vec<&str> = entries
        .iter()
        .map(|line| line.split_whitespace().last().unwrap())
        .collect();
    assert_eq!(names, ["LICENSE", "README.md", "sitegen"], "{entries:#?}");
    for line in &entries {
        assert!(
            line.contains(" 0/0 ") || line.contains(" root/root "),
            "{line}"
        );
    }
    assert!(entries[2].starts_with("-rwxr-xr-x"), "{}", entries[2]);
    let unpacked = Command::new("tar")
        .arg("-xzOf")
        .arg(&archive)
        .arg("sitegen")
        .output()
        .unwrap();
    assert_eq!(unpacked.stdout, std::fs::read(&binary).unwrap());

    // The .sha256 line is sha256sum's: "<hex>  <name>\n", and the hash is right.
    let line = std::fs::read_to_string(first.join(format!("{asset}.sha256"))).unwrap();
    assert_eq!(line, format!("{}  {asset}\n", sha256_hex(&archive)));

    // The same inputs at the same SOURCE_DATE_EPOCH give the same bytes.
    let second = work.path().join("second");
    package(target, &binary, &second, Some("1790000000"));
    assert_eq!(
        std::fs::read(&archive).unwrap(),
        std::fs::read(second.join(&asset)).unwrap(),
        "package-release.sh is deterministic"
    );

    // Windows: a .zip with sitegen.exe.
    if which("zip").is_none() && which("7z").is_none() {
        eprintln!("skipped the .zip: neither zip nor 7z is installed");
        return;
    }
    let target = "x86_64-pc-windows-msvc";
    let win = work.path().join("win");
    package(target, &binary, &win, None);
    let asset = format!("sitegen-{target}.zip");
    assert_eq!(
        Scratch::files(&win),
        [asset.clone(), format!("{asset}.sha256")]
    );
    let line = std::fs::read_to_string(win.join(format!("{asset}.sha256"))).unwrap();
    assert_eq!(
        line,
        format!("{}  {asset}\n", sha256_hex(&win.join(&asset)))
    );
    if which("unzip").is_some() {
        let out = Command::new("unzip")
            .arg("-Z1")
            .arg(win.join(&asset))
            .output()
            .unwrap();
        assert_eq!(
            text(&out.stdout).lines().collect::<Vec<_>>(),
            ["LICENSE", "README.md", "sitegen.exe"]
        );
    }
}

#[test]
fn the_scripts_pass_shellcheck() {
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
    for args in [
        &["-s", "sh", "install.sh"][..],
        &["scripts/package-release.sh"][..],
    ] {
        let out = Command::new("shellcheck")
            .args(args)
            .current_dir(repo())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "shellcheck {args:?}:\n{}",
            describe(&out)
        );
    }
}

// ---------------------------------------------------------------------------------------
// The pipelines `sitegen init` writes install sitegen with shell steps of their own (no
// script piped from the network): those steps, exactly as written, against the fake release.

/// `sitegen init --ci CI` into a temp folder: the pipeline file's text.
fn init_pipeline(ci: &str, file: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_sitegen"))
        .args(["init", "site", "--ci", ci, "-q"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", describe(&out));
    std::fs::read_to_string(dir.path().join("site").join(file)).unwrap()
}

/// The GitHub workflow's top-level env and its build job's "Install sitegen" script.
fn github_install_step() -> (Vec<(String, String)>, String) {
    #[derive(serde::Deserialize)]
    struct Workflow {
        env: std::collections::BTreeMap<String, String>,
        jobs: std::collections::BTreeMap<String, Job>,
    }
    #[derive(serde::Deserialize)]
    struct Job {
        steps: Vec<Step>,
    }
    #[derive(serde::Deserialize)]
    struct Step {
        name: Option<String>,
        run: Option<String>,
    }
    let yaml = init_pipeline("github", ".github/workflows/deploy.yml")
        .replace("needs: build\n", "needs: [build]\n");
    let workflow: Workflow = serde_saphyr::from_str(&yaml).unwrap();
    let script = workflow.jobs["build"]
        .steps
        .iter()
        .find(|s| s.name.as_deref() == Some("Install sitegen"))
        .and_then(|s| s.run.clone())
        .expect("an Install sitegen step");
    (workflow.env.into_iter().collect(), script)
}

/// Runs the step as GitHub's runner does (`bash -e`), with the workflow's env but the
/// mirror's URL, in a scratch HOME and RUNNER_TEMP: its output and the GITHUB_PATH file.
fn run_github_step(mirror: &Mirror, scratch: &Scratch, extra: &[(&str, &str)]) -> (Output, String) {
    let (env, script) = github_install_step();
    let github_path = scratch.dir.path().join("github_path");
    std::fs::write(&github_path, "").unwrap();
    let out = Command::new("bash")
        .args(["--noprofile", "--norc", "-eo", "pipefail", "-c", &script])
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .env("SITEGEN_DOWNLOAD_URL", &mirror.url)
        .env("HOME", scratch.dir.path())
        .env("RUNNER_TEMP", scratch.tmp())
        .env("GITHUB_PATH", &github_path)
        .env("no_proxy", "127.0.0.1")
        .envs(extra.iter().copied())
        .output()
        .unwrap();
    (out, std::fs::read_to_string(github_path).unwrap())
}

#[test]
fn the_init_workflow_installs_its_pinned_release_unedited() {
    let Some(release) = release() else { return };
    let mirror = Mirror::new();
    mirror.publish(&format!("download/v{VERSION}"), release);
    let (env, _) = github_install_step();
    let releases = format!("{}/releases", env!("CARGO_PKG_REPOSITORY"));
    assert!(
        env.contains(&("SITEGEN_DOWNLOAD_URL".into(), releases)),
        "{env:?}"
    );
    assert!(
        env.contains(&("SITEGEN_VERSION".into(), VERSION.into())),
        "{env:?}"
    );

    let scratch = Scratch::new();
    let (out, github_path) = run_github_step(&mirror, &scratch, &[]);
    assert!(out.status.success(), "{}", describe(&out));
    let bin = scratch.dir.path().join(".local/bin");
    assert_eq!(github_path.trim(), bin.to_str().unwrap());
    assert!(
        text(&out.stdout).contains(&format!("sitegen {VERSION} (commit ")),
        "{}",
        describe(&out)
    );

    // The archive's own hash pinned in SITEGEN_SHA256 passes; a wrong one fails the step.
    let scratch = Scratch::new();
    let pinned = sha256_hex(&release.archive);
    let (out, _) = run_github_step(&mirror, &scratch, &[("SITEGEN_SHA256", &pinned)]);
    assert!(out.status.success(), "{}", describe(&out));
    let scratch = Scratch::new();
    let (out, _) = run_github_step(&mirror, &scratch, &[("SITEGEN_SHA256", &"0".repeat(64))]);
    assert!(!out.status.success(), "{}", describe(&out));
    assert!(!scratch.dir.path().join(".local/bin/sitegen").exists());
}

#[test]
fn the_init_workflow_refuses_a_tampered_release() {
    let Some(release) = release() else { return };
    let mirror = Mirror::new();
    let (archive, _) = mirror.publish(&format!("download/v{VERSION}"), release);
    let mut bytes = std::fs::read(&archive).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0x01;
    std::fs::write(&archive, bytes).unwrap();
    let scratch = Scratch::new();
    let (out, github_path) = run_github_step(&mirror, &scratch, &[]);
    assert!(!out.status.success(), "{}", describe(&out));
    assert!(
        text(&out.stdout).contains("FAILED") || text(&out.stderr).contains("FAILED"),
        "{}",
        describe(&out)
    );
    assert!(!scratch.dir.path().join(".local/bin/sitegen").exists());
    assert!(github_path.is_empty());
}

#[test]
fn the_init_gitlab_pipeline_installs_its_pinned_release_under_busybox() {
    #[derive(serde::Deserialize)]
    struct Pipeline {
        variables: std::collections::BTreeMap<String, String>,
        pages: Pages,
    }
    #[derive(serde::Deserialize)]
    struct Pages {
        before_script: Vec<String>,
    }
    let Some(release) = release() else { return };
    let Some(busybox) = which("busybox") else {
        eprintln!("skipped: busybox (the shell of GitLab's alpine image) is not installed");
        return;
    };
    let mirror = Mirror::new();
    // GitLab's job runs on Alpine, so it asks for the musl build.
    let musl = format!(
        "sitegen-{}-unknown-linux-musl.tar.gz",
        std::env::consts::ARCH
    );
    mirror.publish_as(&format!("download/v{VERSION}"), release, &musl);
    let pipeline: Pipeline =
        serde_saphyr::from_str(&init_pipeline("gitlab", ".gitlab-ci.yml")).unwrap();
    assert_eq!(pipeline.variables["SITEGEN_VERSION"], VERSION);
    let scratch = Scratch::new();
    let bin = scratch.bin();
    std::fs::create_dir(&bin).unwrap();
    // The job runs as root in a throwaway container; here it must not touch this machine's
    // /usr/local/bin or /tmp, so those two paths point into the scratch folder.
    let script = pipeline
        .pages
        .before_script
        .join("\n")
        .replace("/usr/local/bin", bin.to_str().unwrap())
        .replace("cd /tmp", &format!("cd '{}'", scratch.tmp().display()));
    let out = Command::new(&busybox)
        .args(["sh", "-e", "-c", &format!("{script}\n")])
        .envs(pipeline.variables.iter())
        .env("SITEGEN_DOWNLOAD_URL", &mirror.url)
        .env("CI_PROJECT_DIR", scratch.dir.path())
        .env(
            "PATH",
            format!(
                "{}:{}",
                bin.display(),
                std::env::var("PATH").unwrap_or_default()
            ),
        )
        .env("no_proxy", "127.0.0.1")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", describe(&out));
    assert_eq!(Scratch::files(&bin), ["sitegen"]);
    assert!(
        text(&out.stdout).contains(&format!("sitegen {VERSION} (commit ")),
        "{}",
        describe(&out)
    );
}

/// `cargo binstall sitegen-zh` reads Cargo.toml's `[package.metadata.binstall]`: its URL,
/// filled in as binstall does, must name the assets the release workflow uploads.
#[test]
fn binstall_metadata_names_the_release_assets() {
    let manifest: toml::Table =
        toml::from_str(&std::fs::read_to_string(repo().join("Cargo.toml")).unwrap()).unwrap();
    let binstall = &manifest["package"]["metadata"]["binstall"];
    let pkg_url = binstall["pkg-url"].as_str().unwrap();
    for target in TARGETS {
        let format = binstall
            .get("overrides")
            .and_then(|o| o.get(target))
            .and_then(|o| o.get("pkg-fmt"))
            .or_else(|| binstall.get("pkg-fmt"))
            .and_then(|f| f.as_str())
            .unwrap();
        let suffix = match format {
            "tgz" => ".tar.gz",
            "zip" => ".zip",
            other => panic!("{target}: pkg-fmt {other}"),
        };
        let url = pkg_url
            .replace("{ repo }", env!("CARGO_PKG_REPOSITORY"))
            .replace("{ version }", VERSION)
            .replace("{ target }", target)
            .replace("{ archive-suffix }", suffix);
        let expected_asset = if target.contains("windows") {
            format!("sitegen-{target}.zip")
        } else {
            format!("sitegen-{target}.tar.gz")
        };
        assert_eq!(
            url,
            format!(
                "{}/releases/download/v{VERSION}/{expected_asset}",
                env!("CARGO_PKG_REPOSITORY")
            )
        );
    }
    // The binary sits at the archive's top level.
    assert_eq!(binstall["bin-dir"].as_str(), Some("sitegen{ binary-ext }"));
}
