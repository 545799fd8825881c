#!/usr/bin/env bash
# Publish-build benchmark (issue 19, goal 2): how long a build takes when the previous
# output is present and one article was added or edited, as a newsroom's CI builds dozens of
# times a day.
#
#   scripts/bench-publish.sh N [--shape S] [--stable-pagination] [--keep] [--no-check]
#                              [--baseline BIN] [--rounds R] [--fresh-checkout]
#
# Generates N articles with gen_corpus into a fresh folder under $TMPDIR (default /tmp; use
# TMPDIR=/dev/shm to leave the disk out), then, each timed by GNU `/usr/bin/time`:
#   cold      the first build, into an empty output folder
#   second    no change (writes the spare folder the next builds reuse)
#   unchanged no change again: every page kept
#   add       one new article (the newest), like a publish
#   edit      one existing article's body edited
# and prints wall time, CPU time, peak RSS, the pages the build kept, and the files and
# megabytes the build wrote (files in the output newer than the build's start). Unless
# --no-check, the last output is compared with a cold build of the same sources (`diff -r`):
# it must be byte-identical. With --baseline BIN, the same steps run first with that sitegen
# executable (an earlier commit's `target/release/sitegen`, copied aside) on a fresh copy
# of the same corpus, its rows marked `base`, so that before and after come from one run.
# --stable-pagination sets `stable_pagination = true` in the site's config.toml: numbered
# listing pages count from the oldest, so a publish leaves full pages as they are.
# --rounds R times the add R times in all (rows `add`, `add-2` ...; default 1) and prints
# each executable's median: before each extra round the new article is taken out and the
# site built twice, so that both output folders lack it again. One run on a shared machine
# varies by a fifth; the median of five does not.
# --fresh-checkout copies `content/` anew before every build after the cold one, as a CI
# job that clones the repository each time has it: every source is a new file, so no
# stamp the last build kept matches and every source is read again (without it the
# folder stays, as on a build server that pulls into one checkout, and sources whose
# size and times did not change are not read).
# Exit status: non-zero when a build fails or the outputs differ.
set -euo pipefail

die() {
  echo "bench-publish.sh: $*" >&2
  exit 1
}

N=""
SHAPE=news
KEEP=0
STABLE=0
CHECK=1
BASELINE=""
ROUNDS=1
FRESH=0
MEDIANS=()
while (($#)); do
  case "$1" in
    --baseline)
      shift
      BASELINE="${1:-}"
      [[ -x "$BASELINE" ]] || die "--baseline wants an executable, not '$BASELINE'"
      BASELINE="$(cd "$(dirname "$BASELINE")" && pwd)/$(basename "$BASELINE")"
      ;;
    --shape)
      shift
      SHAPE="${1:-}"
      ;;
    --rounds)
      shift
      ROUNDS="${1:-}"
      [[ "$ROUNDS" =~ ^[1-9][0-9]*$ ]] || die "--rounds wants a number of rounds, not '$ROUNDS'"
      ;;
    --keep) KEEP=1 ;;
    --stable-pagination) STABLE=1 ;;
    --no-check) CHECK=0 ;;
    --fresh-checkout) FRESH=1 ;;
    -h | --help)
      sed -n '2,33p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *)
      [[ -z "$N" && "$1" =~ ^[0-9]+$ ]] || die "unknown argument: $1"
      N="$1"
      ;;
  esac
  shift
done
[[ -n "$N" ]] || die "usage: scripts/bench-publish.sh N [--shape S] [--stable-pagination] [--keep] [--no-check] [--baseline BIN] [--rounds R] [--fresh-checkout]"
[[ -x /usr/bin/time ]] || die "needs GNU time (/usr/bin/time; Debian package \`time\`)"

cd "$(dirname "${BASH_SOURCE[0]}")/.."
echo "== cargo build --release --bin sitegen --bin gen_corpus" >&2
cargo build --release -q -p sitegen-zh -p sitegen-corpus --bin sitegen --bin gen_corpus
TARGET="$(cd "${CARGO_TARGET_DIR:-target}" && pwd)"
SITEGEN="$TARGET/release/sitegen"
GEN="$TARGET/release/gen_corpus"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/sitegen-publish.XXXXXX")"
if ((KEEP)); then
  echo "== keeping $WORK" >&2
else
  trap 'rm -rf "$WORK"' EXIT
fi
SITE="$WORK/site"
OUT="$WORK/public"
PRISTINE="$WORK/corpus"
"$GEN" --articles "$N" --out "$PRISTINE" --shape "$SHAPE" >&2
if ((STABLE)); then
  # First, before any [table] the config may have.
  sed -i '1i stable_pagination = true' "$PRISTINE/config.toml"
fi

# One timed build; prints a table row.
build() {
  local step="$1" stamp="$WORK/stamp-$1"
  touch "$stamp"
  sleep 0.01
  /usr/bin/time -f "%e %U %S %M" -o "$WORK/$step.time" \
    "$BIN" build -r "$SITE" -o "$OUT" >"$WORK/$step.out" 2>"$WORK/$step.err" ||
    die "the $step build failed: $(tail -5 "$WORK/$step.err")"
  local wall user sys rss kept files mb
  read -r wall user sys rss <"$WORK/$step.time"
  kept=$(sed -n 's/^kept \([0-9]*\) pages.*/\1/p' "$WORK/$step.out")
  files=$(find "$OUT/" -type f -newer "$stamp" | wc -l)
  mb=$(find "$OUT/" -type f -newer "$stamp" -printf '%s\n' | awk '{s += $1} END {printf "%.1f", s / 1e6}')
  printf '%-15s %8s %8.2f %12d %10s %12s %10s\n' "$LABEL$step" "$wall" "$(echo "$user + $sys" | bc)" \
    "$((rss / 1024))" "${kept:-0}" "$files" "$mb"
}

# An article of the corpus, copied as a new one dated on the newest article's day (so the
# newest year, which every page's copyright line shows, stays the same, as it does for a
# newsroom publishing today), its front matter YAML or TOML.
add_article() {
  local from day
  from=$(find "$SITE/content" -name '*.md' | sort | sed -n 1p)
  day=$(grep -rhoE '^date *[:=] *[0-9]{4}-[0-9]{2}-[0-9]{2}' "$SITE/content" |
    grep -oE '[0-9]{4}-[0-9]{2}-[0-9]{2}' | sort | sed -n '$p')
  sed -e 's/^title: .*/title: "快讯：新一代芯片今日正式发布"/' \
    -e 's/^title = .*/title = "快讯：新一代芯片今日正式发布"/' \
    -e "s/^date: .*/date: $day 23:59:00/" \
    -e "s/^date = .*/date = ${day}T23:59:00+08:00/" \
    "$from" >"$(dirname "$from")/zz-publish-new.md"
}

# With --fresh-checkout, `content/` as a new clone has it: every file new on disk.
checkout() {
  ((FRESH)) || return 0
  cp -r "$SITE/content" "$SITE/.content-checkout"
  rm -rf "$SITE/content"
  mv "$SITE/.content-checkout" "$SITE/content"
}

edit_article() {
  local file
  file=$(find "$SITE/content" -name '*.md' | sort | sed -n 2p)
  printf '\n编者按：本文已于发布后更新。\n' >>"$file"
}

echo
echo "articles: $N (shape $SHAPE$( ((STABLE)) && echo ', stable pagination')$( ((FRESH)) && echo ', a fresh checkout before each build')), sitegen $(git describe --always --dirty 2>/dev/null || echo '?')"
echo "machine:  $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "folder:   $WORK"
echo
printf '%-15s %8s %8s %12s %10s %12s %10s\n' step wall_s cpu_s peak_rss_mb pages_kept files_written mb_written

# The five steps with executable $1, rows labelled $2, on a fresh copy of the corpus.
steps() {
  BIN="$1" LABEL="$2"
  rm -rf "$SITE" "$OUT" "$WORK/.public.sitegen-old" "$WORK/.public.sitegen-tmp"
  cp -r "$PRISTINE" "$SITE"
  build cold
  checkout
  build second
  checkout
  build unchanged
  add_article
  checkout
  build add
  edit_article
  checkout
  build edit
  local round
  for ((round = 2; round <= ROUNDS; round++)); do
    rm "$(new_article)"
    "$BIN" build -q -r "$SITE" -o "$OUT" >/dev/null
    "$BIN" build -q -r "$SITE" -o "$OUT" >/dev/null
    add_article
    checkout
    build "add-$round"
  done
  if ((ROUNDS > 1)); then
    local who="${LABEL% }"
    MEDIANS+=("${who:-new}: $(median "$WORK"/add*.time) s, the median of $ROUNDS adds")
  fi
}

# Where add_article puts the new article.
new_article() {
  find "$SITE/content" -name 'zz-publish-new.md' | sed -n 1p
}

# The median wall time of the GNU time files given.
median() {
  cut -d' ' -f1 "$@" | sort -n | awk '{ v[NR] = $1 } END {
    print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}

if [[ -n "$BASELINE" ]]; then
  steps "$BASELINE" "base "
fi
steps "$SITEGEN" ""
for median in "${MEDIANS[@]}"; do
  echo "$median"
done

if ((CHECK)); then
  "$SITEGEN" build -q -r "$SITE" -o "$WORK/cold-check" ||
    die "the cold check build failed"
  if diff -r -q "$OUT" "$WORK/cold-check" >"$WORK/diff.txt"; then
    echo
    echo "the publish build's output is byte-identical to a cold build's"
  else
    head -20 "$WORK/diff.txt" >&2
    die "the publish build's output differs from a cold build's"
  fi
fi
