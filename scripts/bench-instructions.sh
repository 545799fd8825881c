#!/usr/bin/env bash
# Instructions a cold build executes, counted by valgrind (cachegrind without its cache
# simulation), for one or more sitegen executables on the same generated corpus.
#
#   scripts/bench-instructions.sh N [--shape S] [--top K] BIN [BIN...]
#
# A wall-time comparison on a shared machine varies by a tenth from one minute to the next,
# so a cut of 1-3 % cannot be told from the noise there (docs/performance.md). The count of
# instructions does not vary: the same executable on the same corpus executes the same
# instructions, whatever else the machine runs. It is not time (a cache miss costs more
# than an add, and a profile-guided build inlines what a plain one calls), so a change that
# cuts instructions is then timed as usual (`bench.sh --baseline`); but it tells a real
# cut from a lucky round, and which functions it came from.
#
# Generates N articles with gen_corpus (`--shape translated` for the long articles with
# code) under $TMPDIR (default /tmp), builds it cold with each BIN under
# `valgrind --tool=cachegrind --cache-sim=no` (about fifty times slower than a build: keep N
# in the low thousands), and prints each executable's instructions and their ratio to the
# first's; with --top K, each executable's K costliest functions (cg_annotate). Needs
# valgrind (Debian package `valgrind`).
set -euo pipefail

die() {
  echo "bench-instructions.sh: $*" >&2
  exit 1
}

N=""
SHAPE=news
TOP=0
BINS=()
while (($#)); do
  case "$1" in
    --shape)
      shift
      SHAPE="${1:-}"
      ;;
    --top)
      shift
      TOP="${1:-}"
      [[ "$TOP" =~ ^[0-9]+$ ]] || die "--top wants a number of functions, not '$TOP'"
      ;;
    -h | --help)
      sed -n '2,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *)
      if [[ -z "$N" && "$1" =~ ^[0-9]+$ ]]; then
        N="$1"
      else
        [[ -x "$1" ]] || die "not an executable: $1"
        BINS+=("$(cd "$(dirname "$1")" && pwd)/$(basename "$1")")
      fi
      ;;
  esac
  shift
done
[[ -n "$N" && ${#BINS[@]} -gt 0 ]] ||
  die "usage: scripts/bench-instructions.sh N [--shape S] [--top K] BIN [BIN...]"
command -v valgrind >/dev/null || die "needs valgrind (Debian package \`valgrind\`)"

cd "$(dirname "${BASH_SOURCE[0]}")/.."
echo "== cargo build --release --bin gen_corpus" >&2
cargo build --release -q -p sitegen-corpus --bin gen_corpus
GEN="$(cd "${CARGO_TARGET_DIR:-target}" && pwd)/release/gen_corpus"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/sitegen-instructions.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
"$GEN" --articles "$N" --shape "$SHAPE" --out "$WORK/site" >/dev/null

first=""
printf '%-60s %16s %8s\n' "executable" "instructions" "ratio"
for i in "${!BINS[@]}"; do
  bin="${BINS[$i]}"
  rm -rf "$WORK/site/public" "$WORK/site/.sitegen-cache"
  out="$WORK/cachegrind.$i"
  if ! valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file="$out" \
    "$bin" build -q -r "$WORK/site" 2>"$WORK/valgrind.log"; then
    # The folder goes with the script's exit: what the build and valgrind said, here.
    tail -n 20 "$WORK/valgrind.log" >&2
    die "$bin failed under valgrind (its last lines above)"
  fi
  count="$(sed -n 's/^summary: *//p' "$out")"
  [[ -n "$count" ]] || die "no count in $out"
  first="${first:-$count}"
  printf '%-60s %16s %8s\n' "$bin" "$count" "$(awk -v a="$count" -v b="$first" 'BEGIN {printf "%.4f", a / b}')"
  if ((TOP > 0)); then
    cg_annotate "$out" 2>/dev/null | sed -n '/file:function/,$p' | sed -n "3,$((TOP + 2))p"
  fi
done
