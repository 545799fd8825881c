#!/bin/sh
# Installs sitegen from its GitHub release on Linux and macOS (x86_64, arm64):
#
#   curl -fsSL https://github.com/sitegen-zh/sitegen/releases/latest/download/install.sh | sh
#   curl -fsSL .../install.sh | sh -s -- --version 0.2.0 --to /usr/local/bin
#
#   --version V   release to install (env SITEGEN_VERSION; default: the latest)
#   --to DIR      where to put `sitegen` (env SITEGEN_INSTALL_DIR; default: ~/.local/bin)
#   --sha256 HEX  the archive hash you expect (env SITEGEN_SHA256), checked as well as the
#                 release's own .sha256
#   --libc L      Linux: gnu or musl (env SITEGEN_LIBC; default: gnu where the machine's C
#                 library is glibc and the glibc build runs, else musl)
#   SITEGEN_DOWNLOAD_URL replaces https://github.com/sitegen-zh/sitegen/releases (mirrors)
#
# What it does: downloads sitegen-<target>.tar.gz and its .sha256 into a temporary folder,
# checks the hash before unpacking anything, then moves `sitegen` into DIR in one step.
# Linux has two builds: the glibc one builds sites about 1.2x faster (musl's memcpy is slow
# on the short copies sitegen makes everywhere), the musl one is static and runs anywhere
# (Alpine, old distributions). The glibc build is taken where glibc is, and tried before it
# is installed: where it does not run (a glibc older than the one it was built against), or
# where the release has none (releases before the glibc builds), the musl build is taken.
# The whole script is one function, called on the last line: a download cut short runs nothing.
set -eu

die() {
  echo "install.sh: $*" >&2
  exit 1
}

# fetch URL FILE, with curl or wget.
fetch() {
  if command -v curl >/dev/null 2>&1; then
    curl -fsSL --retry 3 -o "$2" "$1"
  elif command -v wget >/dev/null 2>&1; then
    wget -q -O "$2" "$1"
  else
    die "needs curl or wget to download"
  fi
}

# sha256 FILE: prints the hex digest.
sha256() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d ' ' -f 1
  else
    shasum -a 256 "$1" | cut -d ' ' -f 1
  fi
}

# glibc_here: succeeds where the machine's C library is glibc. getconf knows glibc's version;
# musl's has no GNU_LIBC_VERSION, and musl's ldd names musl.
glibc_here() {
  case $(getconf GNU_LIBC_VERSION 2>/dev/null) in
    glibc*) return 0 ;;
  esac
  ldd --version 2>&1 | grep -qi -e glibc -e 'gnu libc'
}

# download ASSET: fetches ASSET (of the version asked for) into $tmp; sets $url to where it
# asked. Fails where the archive cannot be had.
download() {
  if [ "$version" = latest ]; then
    url=$base/latest/download/$1
  else
    url=$base/download/v$version/$1
  fi
  echo "downloading $url"
  fetch "$url" "$tmp/$1"
}

# unpack ASSET: fetches its .sha256, checks the hash (and the pin) before unpacking anything,
# and unpacks it into its own folder; sets $unpacked to its sitegen.
unpack() {
  fetch "$url.sha256" "$tmp/$1.sha256" ||
    die "no checksum file at $url.sha256: refusing to install an archive that cannot be checked"

  expected=$(cut -d ' ' -f 1 <"$tmp/$1.sha256")
  actual=$(sha256 "$tmp/$1")
  case $expected in
    *[!0-9a-f]* | '') expected=bad ;;
  esac
  [ ${#expected} -eq 64 ] || die "checksum file $url.sha256 holds no SHA-256: refusing to install"
  [ "$actual" = "$expected" ] ||
    die "checksum mismatch for $1: expected $expected (from $url.sha256), got $actual; nothing was installed"
  if [ -n "$pin" ] && [ "$actual" != "$pin" ]; then
    die "checksum mismatch for $1: expected $pin (--sha256), got $actual; nothing was installed"
  fi

  mkdir "$tmp/$1.d"
  tar -xzf "$tmp/$1" -C "$tmp/$1.d" || die "could not unpack $1"
  unpacked=$tmp/$1.d/sitegen
  [ -f "$unpacked" ] || die "$1 holds no sitegen"
}

# stage: copies $unpacked beside the installed binary, as $dir/.sitegen.tmp.
stage() {
  { cp "$unpacked" "$dir/.sitegen.tmp" && chmod 755 "$dir/.sitegen.tmp"; } ||
    die "could not write $dir/.sitegen.tmp"
}

# take_musl WHY: the static musl build instead of the glibc one, saying why.
take_musl() {
  echo "note: $1; taking the static musl build"
  asset=sitegen-$arch-unknown-linux-musl.tar.gz
  download "$asset" || die "could not download $url"
  unpack "$asset"
}

main() {
  base=${SITEGEN_DOWNLOAD_URL:-https://github.com/sitegen-zh/sitegen/releases}
  version=${SITEGEN_VERSION:-latest}
  dir=${SITEGEN_INSTALL_DIR:-}
  pin=${SITEGEN_SHA256:-}
  libc=${SITEGEN_LIBC:-auto}
  while [ $# -gt 0 ]; do
    case $1 in
      --version | --to | --sha256 | --libc) [ $# -ge 2 ] || die "$1 needs a value" ;;
    esac
    case $1 in
      --version) version=$2 && shift 2 ;;
      --to) dir=$2 && shift 2 ;;
      --sha256) pin=$2 && shift 2 ;;
      --libc) libc=$2 && shift 2 ;;
      -h | --help)
        echo "usage: install.sh [--version V] [--to DIR] [--sha256 HEX] [--libc gnu|musl]"
        return 0
        ;;
      *) die "unknown option $1 (try --help)" ;;
    esac
  done
  case $libc in
    auto | gnu | musl) ;;
    *) die "--libc takes gnu or musl, not $libc" ;;
  esac
  if [ -z "$dir" ]; then
    [ -n "${HOME:-}" ] || die "HOME is not set: say where to install with --to DIR"
    dir=$HOME/.local/bin
  fi
  version=${version#v}
  pin=$(printf '%s' "$pin" | tr 'A-F' 'a-f')

  case $(uname -s) in
    Linux)
      if [ "$libc" = auto ]; then
        if glibc_here; then os=unknown-linux-gnu; else os=unknown-linux-musl; fi
      else
        os=unknown-linux-$libc
      fi
      ;;
    Darwin) os=apple-darwin ;;
    MINGW* | MSYS* | CYGWIN* | Windows_NT)
      die "on Windows, download sitegen-x86_64-pc-windows-msvc.zip from $base and put sitegen.exe on your PATH"
      ;;
    *) die "no release build for $(uname -s); build from source: cargo install sitegen-zh" ;;
  esac
  case $(uname -m) in
    x86_64 | amd64) arch=x86_64 ;;
    aarch64 | arm64) arch=aarch64 ;;
    *) die "no release build for $(uname -m); build from source: cargo install sitegen-zh" ;;
  esac
  command -v sha256sum >/dev/null 2>&1 || command -v shasum >/dev/null 2>&1 ||
    die "needs sha256sum or shasum to check the download"

  tmp=$(mktemp -d 2>/dev/null || mktemp -d -t sitegen)
  trap 'rm -rf "$tmp" "$dir/.sitegen.tmp"' EXIT
  trap 'exit 1' HUP INT TERM

  asset=sitegen-$arch-$os.tar.gz
  if download "$asset"; then
    unpack "$asset"
  elif [ "$os" = unknown-linux-gnu ] && [ "$libc" = auto ]; then
    take_musl "no glibc build at $url (older releases have none)"
  else
    die "could not download $url"
  fi

  mkdir -p "$dir" || die "cannot create $dir"
  stage
  # The glibc build needs the glibc it was built against or a newer one: tried first, where
  # it is to run (a temporary folder may be mounted noexec).
  if [ "$asset" = "sitegen-$arch-unknown-linux-gnu.tar.gz" ] &&
    ! "$dir/.sitegen.tmp" --version </dev/null >/dev/null 2>&1; then
    why=$("$dir/.sitegen.tmp" --version </dev/null 2>&1 | head -n 1)
    [ "$libc" = auto ] ||
      die "the glibc build does not run on this machine ($why); nothing was installed: try --libc musl"
    # The pin matched the glibc archive's bytes, so the musl archive can never match it.
    [ -z "$pin" ] ||
      die "the glibc build does not run on this machine ($why), and --sha256 pins $asset; nothing was installed: to install the static build, pin its hash with --libc musl"
    take_musl "the glibc build does not run on this machine ($why)"
    stage
  fi
  # Renamed over the old binary: a running sitegen is never half-written.
  mv -f "$dir/.sitegen.tmp" "$dir/sitegen" || die "could not write $dir/sitegen"

  echo "installed $dir/sitegen: $("$dir/sitegen" --version </dev/null)"
  case :$PATH: in
    *:"$dir":*) ;;
    *) echo "note: $dir is not on your PATH; add it, e.g. in ~/.profile: export PATH=\"$dir:\$PATH\"" ;;
  esac
}

main "$@"
