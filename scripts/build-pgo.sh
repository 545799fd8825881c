#!/usr/bin/env bash
# Builds sitegen with profile-guided optimisation (PGO) and copies it to OUT (default:
# target/pgo/sitegen, i.e. under CARGO_TARGET_DIR when set). The release binaries are built
# this way; `cargo build --release` stays the plain build everyone else gets.
#
#   scripts/build-pgo.sh [--target TRIPLE] [OUT]
#
# Three steps, about twice a release build's time:
#   1. build sitegen instrumented (-Cprofile-generate), in target/pgo/gen;
#   2. build three training sites with it, each cold and then unchanged: the demo site (this
#      repository's own), 1,000 news articles and 300 long translated articles with code
#      (both from gen_corpus), so that the profile covers loading, Markdown, highlighting,
#      the search index, templates, writing and the publish build's skipping;
#   3. merge the counts (llvm-profdata) and build again with them (-Cprofile-use), in
#      target/pgo/use. The compiler then lays out and inlines the hot paths (the Markdown
#      passes, Tera's interpreter, the search index's tally) by what the builds ran; the
#      output is the same, only faster (docs/performance.md, "Profile-guided optimisation").
#
# The profile is made afresh from the sources being built, never kept: a profile of older
# code would guide the compiler by functions that changed.
#
# Without --target, RUSTFLAGS reach build scripts too, and their runs write profiles of their
# own: those are deleted before the training. (Giving cargo the host's triple would keep
# them out, but compiles every crate that build scripts share with sitegen twice: the first
# build here was still running after 14 minutes, against 7.) With --target, for a musl
# target set CC_<triple> as scripts/build-static.sh does; the training runs the target's
# binary, so it must run on this machine.
#
# The C inside sitegen (tree-sitter and its grammars, mimalloc, libwebp, blake3) is trained
# too when a clang of rustc's LLVM major version is found (`clang-<major>`): its counts go
# into the same profile as the Rust's, matched by function name, so one training serves
# both (0.91-0.96x wall on top of the Rust's PGO, docs/performance.md). Without one (macOS's
# Apple clang is another LLVM), the C is built as the plain build does and the script says
# so. For a musl target, clang compiles against musl's headers (musl-tools' include folder).
#
# Installs nothing. Needs llvm-profdata of the same LLVM major version as rustc
# (`rustc -vV`): rustup's `rustup component add llvm-tools`, or Debian/Ubuntu's
# `apt-get install llvm-<major>`. Exit status 3 means it is missing. For the C:
# `apt-get install clang-<major>` (apt.llvm.org has every version for Ubuntu).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target_dir="${CARGO_TARGET_DIR:-$root/target}"
[[ "$target_dir" = /* ]] || target_dir="$root/$target_dir"
cargo="${CARGO:-cargo}"

die() {
  echo "build-pgo.sh: $*" >&2
  exit 1
}

usage() {
  echo "usage: scripts/build-pgo.sh [--target TRIPLE] [OUT]" >&2
  exit 2
}

target=""
out=""
while (($#)); do
  case "$1" in
    --target)
      (($# >= 2)) || usage
      target="$2"
      shift
      ;;
    -h | --help) usage ;;
    -*) usage ;;
    *)
      [[ -z "$out" ]] || usage
      out="$1"
      ;;
  esac
  shift
done
out="${out:-$target_dir/pgo/sitegen}"

rustc_info="$(rustc -vV)"
host="$(sed -n 's/^host: //p' <<<"$rustc_info")"
llvm_major="$(sed -n 's/^LLVM version: \([0-9]*\).*/\1/p' <<<"$rustc_info")"
[[ -n "$llvm_major" ]] || die "rustc -vV names no LLVM version"

# --- llvm-profdata of rustc's LLVM ----------------------------------------------------------
# A profile written by one LLVM version is read by the same major version's tools only.
profdata=""
candidates=(
  "$(rustc --print sysroot)/lib/rustlib/$host/bin/llvm-profdata"
  "/usr/lib/llvm-$llvm_major/bin/llvm-profdata"
  "$(command -v "llvm-profdata-$llvm_major" || true)"
  "$(command -v llvm-profdata || true)"
)
for candidate in "${candidates[@]}"; do
  [[ -n "$candidate" && -x "$candidate" ]] || continue
  if "$candidate" --version 2>/dev/null | grep -qE "LLVM version $llvm_major\."; then
    profdata="$candidate"
    break
  fi
done
if [[ -z "$profdata" ]]; then
  {
    echo "build-pgo.sh: no llvm-profdata of LLVM $llvm_major (rustc's) found; install one:"
    echo "  rustup component add llvm-tools"
    echo "  or: apt-get install -y llvm-$llvm_major"
  } >&2
  exit 3
fi

# --- clang of rustc's LLVM, for the C ------------------------------------------------------
# Its instrumented objects must write the raw profile format of the runtime rustc links in,
# and llvm-profdata must read what both wrote: the same major version throughout.
clang=""
for candidate in "clang-$llvm_major" "/usr/lib/llvm-$llvm_major/bin/clang" clang; do
  candidate="$(command -v "$candidate" || true)"
  [[ -n "$candidate" ]] || continue
  if "$candidate" --version 2>/dev/null | grep -v Apple | grep -qE "clang version $llvm_major\."; then
    clang="$candidate"
    break
  fi
done

c_triple="${target:-$host}"
# cc-rs takes the most specific of CC_<triple>, TARGET_CC, CC (and so for CFLAGS): setting
# the triple's own keeps a caller's general CFLAGS, and overrides a musl-gcc given for it.
c_var="${c_triple//-/_}"
cc_var="CC_$c_var"
cflags_var="CFLAGS_$c_var"
c_flags="${!cflags_var:-${CFLAGS:-}}"
no_c_pgo=""
if [[ -n "$clang" && "$c_triple" == *-linux-musl ]]; then
  musl_include="/usr/include/${c_triple%%-*}-linux-musl"
  if [[ -d "$musl_include" ]]; then
    # What musl-gcc's specs do: musl's headers instead of glibc's, clang's own first.
    c_flags="$c_flags -nostdinc -isystem $("$clang" -print-resource-dir)/include -isystem $musl_include"
  else
    no_c_pgo="$clang has no musl headers: no $musl_include (apt-get install musl-tools)"
    clang=""
  fi
fi
if [[ -n "$clang" ]]; then
  echo "== the C is trained too, compiled by $clang"
else
  echo "== the C is built without PGO: ${no_c_pgo:-no clang of LLVM $llvm_major (apt-get install clang-$llvm_major)}"
fi

pgo="$target_dir/pgo"
data="$pgo/data"
work="$(mktemp -d "${TMPDIR:-/tmp}/sitegen-pgo.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# Where cargo puts the binary under a target folder.
release="release"
target_args=()
if [[ -n "$target" ]]; then
  release="$target/release"
  target_args=(--target "$target")
fi

build() { # build DIR FLAG: sitegen into target folder DIR, FLAG given to rustc (and clang)
  echo "== cargo build --release --locked ${target_args[*]+${target_args[*]}} ($2)"
  local c_env=()
  if [[ -n "$clang" ]]; then
    # clang spells -Cprofile-generate=D and -Cprofile-use=F as -fprofile-generate=D and
    # -fprofile-use=F; functions the training never ran are not worth a warning each.
    c_env=("$cc_var=$clang" "$cflags_var=$c_flags -f${2#-C} -Wno-profile-instr-unprofiled")
  fi
  (cd "$root" && env ${c_env[@]+"${c_env[@]}"} RUSTFLAGS="${RUSTFLAGS:-} $2" \
    CARGO_TARGET_DIR="$1" \
    "$cargo" build --release --locked ${target_args[@]+"${target_args[@]}"} --bin sitegen)
  [[ -x "$1/$release/sitegen" ]] || die "cargo reported success but no $1/$release/sitegen"
}

# --- 1. instrumented ------------------------------------------------------------------------
build "$pgo/gen" "-Cprofile-generate=$data"
instrumented="$pgo/gen/$release/sitegen"
# What build scripts wrote while it compiled (see above), and any earlier run's profile.
rm -rf "$data"
mkdir -p "$data"

# --- 2. training ----------------------------------------------------------------------------
# The corpus generator is a plain host build: only sitegen's runs belong in the profile.
(cd "$root" && "$cargo" build --release --locked -p sitegen-corpus --bin gen_corpus)
gen="$target_dir/release/gen_corpus"
[[ -x "$gen" ]] || die "cargo reported success but no $gen"

# The demo site is copied so that its cache folder is not written into the repository.
mkdir "$work/demo"
for part in config.toml content data static templates; do
  if [[ -e "$root/$part" ]]; then cp -r "$root/$part" "$work/demo/"; fi
done
"$gen" --articles 1000 --out "$work/news" >/dev/null
"$gen" --articles 300 --shape translated --out "$work/translated" >/dev/null

echo "== training: demo, 1,000 news articles, 300 translated articles (cold, then unchanged)"
for site in demo news translated; do
  for run in cold unchanged; do
    "$instrumented" build -q -r "$work/$site" -o "$work/$site-public" ||
      die "the instrumented sitegen failed the $run build of the $site site"
  done
done

# --- 3. optimised ---------------------------------------------------------------------------
shopt -s nullglob
raw=("$data"/*.profraw)
((${#raw[@]})) || die "the training wrote no profile into $data"
"$profdata" merge --sparse -o "$data/sitegen.profdata" "${raw[@]}"
build "$pgo/use" "-Cprofile-use=$data/sitegen.profdata"

mkdir -p "$(dirname "$out")"
cp "$pgo/use/$release/sitegen" "$out"
echo "== PGO binary: $out"
