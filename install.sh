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
#   SITEGEN_DOWNLOAD_URL replaces https://github.com/sitegen-zh/sitegen/releases (mirrors)
#
# What it does: downloads sitegen-<target>.tar.gz and its .sha256 into a temporary folder,
# checks the hash before unpacking anything, then moves `sitegen` into DIR in one step.
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

main() {
  base=${SITEGEN_DOWNLOAD_URL:-https://github.com/sitegen-zh/sitegen/releases}
  version=${SITEGEN_VERSION:-latest}
  dir=${SITEGEN_INSTALL_DIR:-}
  pin=${SITEGEN_SHA256:-}
  while [ $# -gt 0 ]; do
    case $1 in
      --version | --to | --sha256) [ $# -ge 2 ] || die "$1 needs a value" ;;
    esac
    case $1 in
      --version) version=$2 && shift 2 ;;
      --to) dir=$2 && shift 2 ;;
      --sha256) pin=$2 && shift 2 ;;
      -h | --help)
        echo "usage: install.sh [--version V] [--to DIR] [--sha256 HEX]"
        return 0
        ;;
      *) die "unknown option $1 (try --help)" ;;
    esac
  done
  if [ -z "$dir" ]; then
    [ -n "${HOME:-}" ] || die "HOME is not set: say where to install with --to DIR"
    dir=$HOME/.local/bin
  fi
  version=${version#v}
  pin=$(printf '%s' "$pin" | tr 'A-F' 'a-f')

  case $(uname -s) in
    Linux) os=unknown-linux-musl ;;
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
  asset=sitegen-$arch-$os.tar.gz
  if [ "$version" = latest ]; then
    url=$base/latest/download/$asset
  else
    url=$base/download/v$version/$asset
  fi
  command -v sha256sum >/dev/null 2>&1 || command -v shasum >/dev/null 2>&1 ||
    die "needs sha256sum or shasum to check the download"

  tmp=$(mktemp -d 2>/dev/null || mktemp -d -t sitegen)
  trap 'rm -rf "$tmp" "$dir/.sitegen.tmp"' EXIT
  trap 'exit 1' HUP INT TERM

  echo "downloading $url"
  fetch "$url" "$tmp/$asset" || die "could not download $url"
  fetch "$url.sha256" "$tmp/$asset.sha256" ||
    die "no checksum file at $url.sha256: refusing to install an archive that cannot be checked"

  expected=$(cut -d ' ' -f 1 <"$tmp/$asset.sha256")
  actual=$(sha256 "$tmp/$asset")
  case $expected in
    *[!0-9a-f]* | '') expected=bad ;;
  esac
  [ ${#expected} -eq 64 ] || die "checksum file $url.sha256 holds no SHA-256: refusing to install"
  [ "$actual" = "$expected" ] ||
    die "checksum mismatch for $asset: expected $expected (from $url.sha256), got $actual; nothing was installed"
  if [ -n "$pin" ] && [ "$actual" != "$pin" ]; then
    die "checksum mismatch for $asset: expected $pin (--sha256), got $actual; nothing was installed"
  fi

  mkdir "$tmp/x"
  tar -xzf "$tmp/$asset" -C "$tmp/x" || die "could not unpack $asset"
  [ -f "$tmp/x/sitegen" ] || die "$asset holds no sitegen"
  mkdir -p "$dir" || die "cannot create $dir"
  # Copy beside the old binary, then rename over it: a running sitegen is never half-written.
  if ! { cp "$tmp/x/sitegen" "$dir/.sitegen.tmp" && chmod 755 "$dir/.sitegen.tmp" &&
    mv -f "$dir/.sitegen.tmp" "$dir/sitegen"; }; then
    die "could not write $dir/sitegen"
  fi

  echo "installed $dir/sitegen: $("$dir/sitegen" --version </dev/null)"
  case :$PATH: in
    *:"$dir":*) ;;
    *) echo "note: $dir is not on your PATH; add it, e.g. in ~/.profile: export PATH=\"$dir:\$PATH\"" ;;
  esac
}

main "$@"
