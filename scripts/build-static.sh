#!/usr/bin/env bash
# Builds sitegen as a fully static Linux binary (musl libc) for this machine's architecture
# and copies it to OUT (default: target/static/sitegen, i.e. under CARGO_TARGET_DIR when set).
# The Dockerfile's build stage runs this very script, and tests/container.rs runs it where
# no Docker engine is, so the image's binary and the tested one are built the same way.
#
#   scripts/build-static.sh [OUT]
#
# Installs nothing. Needs (Debian/Ubuntu):
#   rustup target add "$(uname -m)-unknown-linux-musl"
#   apt-get install -y musl-tools    # musl-gcc
# Exit status 3 means one of these is missing (the message says which).
#
# Why musl-gcc: libwebp (libwebp-sys), the tree-sitter grammars (arborium), ring and blake3
# compile C with cc-rs, and objects built against glibc's headers do not link statically
# into a musl binary. All of that C is plain C: nothing in the tree compiles C++ for the
# target (musl-tools has no C++ wrapper; a future C++ dependency would fail in cc-rs with
# "failed to find tool x86_64-linux-musl-g++", and would need a musl C++ cross toolchain).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target_dir="${CARGO_TARGET_DIR:-$root/target}"
out="${1:-$target_dir/static/sitegen}"
cargo="${CARGO:-cargo}"

die() {
  echo "build-static.sh: $*" >&2
  exit 1
}

[ "$(uname -s)" = Linux ] || die "builds a Linux binary on Linux only (this is $(uname -s))"
arch="$(uname -m)"
case "$arch" in
  x86_64 | aarch64) ;;
  arm64) arch=aarch64 ;;
  *) die "no static build for $arch (x86_64 and aarch64 only)" ;;
esac
target="$arch-unknown-linux-musl"
# cc-rs reads CC_<target with underscores>.
target_var="${target//-/_}"

# --- what the build needs, all reported at once -------------------------------------------
missing=()
if command -v rustup >/dev/null 2>&1; then
  if ! rustup target list --installed | grep -qx "$target"; then
    missing+=("the Rust standard library for $target: rustup target add $target")
  fi
elif ! [ -d "$(rustc --print sysroot)/lib/rustlib/$target" ]; then
  missing+=("the Rust standard library for $target (no rustup here: install it the way this Rust was installed)")
fi
cc_var="CC_$target_var"
musl_cc="${!cc_var:-musl-gcc}"
if ! command -v "$musl_cc" >/dev/null 2>&1; then
  missing+=("$musl_cc, the C compiler for musl (libwebp, tree-sitter grammars): apt-get install -y musl-tools")
fi
if ! command -v cc >/dev/null 2>&1; then
  missing+=("cc, the host C compiler and linker: apt-get install -y gcc")
fi
if ((${#missing[@]})); then
  {
    echo "build-static.sh: cannot build a static $target binary; missing:"
    printf '  - %s\n' "${missing[@]}"
  } >&2
  exit 3
fi

# --- build ----------------------------------------------------------------------------------
# The target's C goes through musl-gcc (its own headers and libc); the host's build scripts
# keep the system cc. Rust links musl targets statically (crt-static is their default).
export "$cc_var=$musl_cc"
echo "== cargo build --release --locked --target $target (CC_$target_var=$musl_cc)"
(cd "$root" && "$cargo" build --release --locked --target "$target" --bin sitegen)

built="$target_dir/$target/release/sitegen"
[ -x "$built" ] || die "cargo reported success but $built is not there"

# --- static, or fail ------------------------------------------------------------------------
# glibc's ldd says "not a dynamic executable" (static) or "statically linked" (static-pie,
# Rust's default for musl); file says "statically linked" or "static-pie linked".
ldd_says="$(ldd "$built" 2>&1 || true)"
file_says=""
if command -v file >/dev/null 2>&1; then
  file_says="$(file -b "$built")"
fi
if ! grep -qE 'not a dynamic executable|statically linked' <<<"$ldd_says" &&
  ! grep -qE 'statically linked|static-pie linked' <<<"$file_says"; then
  die "$built is not static:
ldd: $ldd_says
file: ${file_says:-(file not installed)}"
fi

mkdir -p "$(dirname "$out")"
cp "$built" "$out"
echo "== static binary: $out (${file_says:-$ldd_says})"
