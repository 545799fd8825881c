#!/usr/bin/env bash
# Build benchmark: sitegen against Hugo on the same synthetic corpus (issue 5).
#
#   scripts/bench.sh N [--no-hugo] [--check-determinism] [--seed S] [--keep] [--baseline BIN]
#                      [--sitegen BIN] [--highlight-off] [--zh-hant] [--images] [--shape S] [--scenarios]
#                      [--tsv FILE] [--io-floor] [--rounds K]
#
# Generates N articles with crates/corpus (gen_corpus) into a temporary folder, builds them with
# sitegen and, when `hugo` is installed (Debian package `hugo`) and --no-hugo is not given,
# with the equivalent Hugo site in bench/hugo/, each timed by GNU `/usr/bin/time -v` in the
# same run, and prints wall time, CPU time (and its user and system parts), peak RSS, pages
# written (*.html), pages per second, megabytes written and the ratios. See
# docs/performance.md.
#
# Everything goes to a fresh folder under $TMPDIR (default /tmp). On a disk where creating
# files is slow or noisy, TMPDIR=/dev/shm measures the builds themselves.
#
#   --no-hugo             time sitegen only (the CI smoke test: scripts/bench.sh 500 --no-hugo)
#   --check-determinism   also regenerate the corpus and diff it, and build it with
#                         RAYON_NUM_THREADS=1 and =4 and diff -r the two outputs
#   --seed S              corpus seed (default 42)
#   --keep                keep the temporary folder and print its path
#   --baseline BIN        also time another sitegen binary (e.g. one built from an older
#                         commit) on the same corpus, three runs each, interleaved, and print
#                         the ratio of the median wall and CPU times: "is this change slower?"
#   --sitegen BIN         time BIN as sitegen instead of this checkout's `cargo build --release`
#                         (e.g. the PGO build of scripts/build-pgo.sh, as releases ship it)
#   --highlight-off       also time the same corpus with `[markdown] highlight_code = false`,
#                         three runs each way, interleaved, and print the medians and the
#                         on/off ratio: what code highlighting costs (issue 14)
#   --zh-hant             also time the same corpus with `[zh_hant] enabled = true`, the same
#                         way: what the Traditional Chinese edition costs (issue 17)
#   --images              give the corpus pictures (gen_corpus --images: a cover per article, a
#                         body picture in every fifth) and time, in one run: sitegen's first
#                         build (empty .sitegen-cache), its second (cache kept, new output
#                         folder) and the same site with `[images] process = false`, the
#                         last two five times each, interleaved (medians); then Hugo's first
#                         build (empty resources/_gen and cacheDir) and its second (both kept,
#                         new output folder), bench/hugo making the same versions (issue 15)
#   --shape S             the corpus's shape: news (default) or translated, a translated-
#                         articles archive (gen_corpus --shape translated; issue 19)
#   --scenarios           also build, with sitegen, the corpus with each of gen_corpus's
#                         scenarios (5,000 tags on one article, a tag on every article, every
#                         article on one day, a 50 MB article, 200,000 static files) and print
#                         each one's time and memory beside the plain corpus's: none may be a
#                         cliff (issue 19)
#   --io-floor            also time the I/O floor of sitegen's build (issue 19, goal 1): reading
#                         every file of the site (as `cat`, its cache folder left out), then
#                         `cp -r` of sitegen's output, one after the other in the same folder;
#                         and print sitegen's wall time over it (the goal: at most 1.2x on disk).
#                         On ext4 without a journal, inodes deleted in the last 5 minutes are
#                         passed over one by one when files are created: start an on-disk run
#                         at least 5 minutes after the last one ended (it deletes its folder),
#                         or both builds and the floor slow down severalfold
#   --rounds K            also build the corpus K more times with each tool, alternating (a
#                         cold sitegen build, then a cold Hugo build, K times), and print the
#                         median wall times, their ratio and each round's: on a shared machine
#                         one pair of builds can be off by a quarter either way (not with
#                         --images; needs Hugo)
#   --tsv FILE            also append the table's rows to FILE, tab-separated, one line per
#                         tool: articles, shape, seed, tool, wall_s, cpu_s, peak_rss_mb,
#                         pages_html, output_mb, CPUs, the load averages before that build,
#                         sitegen's commit, the tool's version and why a build has no figures
#                         (empty fields); a header line first when FILE is new. What
#                         scripts/bench-curve.sh collects and scripts/plot-curve.py draws
#
# A build that would exhaust the machine's memory is killed (BENCH_MIN_AVAIL_MB, default 1500
# MB of MemAvailable) and reported in the table.
#
# Exit status: non-zero when a build fails, when sitegen writes fewer pages than articles,
# or when --check-determinism finds a difference.
set -euo pipefail

usage() {
  # The comment block at the top, up to the first line of code.
  awk 'NR > 1 && !/^#/ { exit } NR > 1' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}
die() {
  echo "bench.sh: $*" >&2
  exit 1
}

N=""
NO_HUGO=0
CHECK_DET=0
KEEP=0
SEED=42
BASELINE=""
SITEGEN_BIN=""
HIGHLIGHT_OFF=0
ZH_HANT=0
IMAGES=0
SHAPE=news
SCENARIOS=0
IO_FLOOR=0
ROUNDS=0
TSV=""
while (($#)); do
  case "$1" in
    --no-hugo) NO_HUGO=1 ;;
    --check-determinism) CHECK_DET=1 ;;
    --keep) KEEP=1 ;;
    --highlight-off) HIGHLIGHT_OFF=1 ;;
    --zh-hant) ZH_HANT=1 ;;
    --images) IMAGES=1 ;;
    --scenarios) SCENARIOS=1 ;;
    --io-floor) IO_FLOOR=1 ;;
    --shape)
      (($# >= 2)) || usage
      SHAPE="$2"
      shift
      ;;
    --tsv)
      (($# >= 2)) || usage
      TSV="$2"
      shift
      ;;
    --rounds)
      (($# >= 2)) || usage
      ROUNDS="$2"
      shift
      ;;
    --baseline)
      (($# >= 2)) || usage
      BASELINE="$2"
      shift
      ;;
    --sitegen)
      (($# >= 2)) || usage
      SITEGEN_BIN="$2"
      shift
      ;;
    --seed)
      (($# >= 2)) || usage
      SEED="$2"
      shift
      ;;
    -h | --help) usage ;;
    -*) echo "bench.sh: unknown option $1" >&2 && usage ;;
    *)
      [[ -z "$N" ]] || usage
      N="$1"
      ;;
  esac
  shift
done
[[ "$N" =~ ^[1-9][0-9]*$ ]] || usage
[[ "$SEED" =~ ^[0-9]+$ ]] || die "--seed takes a non-negative integer"
[[ "$ROUNDS" =~ ^[0-9]+$ ]] || die "--rounds takes a number of rounds"
((ROUNDS == 0 || !IMAGES)) || die "--rounds compares cold builds: not with --images"
((ROUNDS == 0 || !NO_HUGO)) || die "--rounds compares sitegen with Hugo: not with --no-hugo"

# --tsv: the columns, checked against an existing file's header before anything is built so
# that an hour's run does not end appending to a file of another format.
TSV_HEADER="$(printf '%s\t' articles shape seed tool wall_s cpu_s peak_rss_mb pages_html \
  output_mb cpus load1 load5 load15 sitegen version)note"
if [[ -n "$TSV" ]]; then
  [[ "$TSV" = /* ]] || TSV="$PWD/$TSV" # the script changes folder below
  [[ -d "$(dirname "$TSV")" ]] || die "--tsv $TSV: no such folder"
  if [[ -s "$TSV" ]]; then
    [[ "$(head -n 1 "$TSV")" == "$TSV_HEADER" ]] ||
      die "--tsv $TSV: its first line is not this script's header ($TSV_HEADER)"
  fi
  [[ -s "$TSV" ]] || printf '%s\n' "$TSV_HEADER" >"$TSV" || die "--tsv $TSV: cannot write it"
  [[ -w "$TSV" ]] || die "--tsv $TSV: cannot write it"
fi

# The script changes folder below: binaries named relative to where it was started.
[[ -z "$SITEGEN_BIN" || "$SITEGEN_BIN" = /* ]] || SITEGEN_BIN="$PWD/$SITEGEN_BIN"
[[ -z "$BASELINE" || "$BASELINE" = /* ]] || BASELINE="$PWD/$BASELINE"

TIME=/usr/bin/time
if ! [[ -x "$TIME" ]] || ! "$TIME" -v true >/dev/null 2>&1; then
  die "GNU time is needed at /usr/bin/time (Debian/Ubuntu: apt-get install time)"
fi

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"

echo "== cargo build --release --bin sitegen --bin gen_corpus" >&2
cargo build --release -p sitegen-zh -p sitegen-corpus --bin sitegen --bin gen_corpus >&2
TARGET="${CARGO_TARGET_DIR:-target}"
[[ "$TARGET" = /* ]] || TARGET="$REPO/$TARGET"
SITEGEN="${SITEGEN_BIN:-$TARGET/release/sitegen}"
GEN="$TARGET/release/gen_corpus"
[[ -z "$SITEGEN_BIN" || -x "$SITEGEN_BIN" ]] || die "--sitegen $SITEGEN_BIN is not an executable"
[[ -x "$SITEGEN" && -x "$GEN" ]] || die "built binaries not found under $TARGET/release"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/sitegen-bench.XXXXXX")"
if ((KEEP)); then
  echo "== keeping $WORK" >&2
else
  trap 'rm -rf "$WORK"' EXIT
fi

GEN_ARGS=(--articles "$N" --seed "$SEED" --shape "$SHAPE")
((IMAGES)) && GEN_ARGS+=(--images)
echo "== generating $N articles (seed $SEED, $SHAPE)$( ((IMAGES)) && echo ' with pictures')" >&2
"$GEN" "${GEN_ARGS[@]}" --out "$WORK/site"

# Below this much available memory a running build is killed (by its own pid) rather than
# pushing a shared machine into the OOM killer; Hugo needs about 2 GB per 10,000 articles.
MIN_AVAIL_MB="${BENCH_MIN_AVAIL_MB:-1500}"

avail_mb() {
  awk '/^MemAvailable:/ { print int($2 / 1024) }' /proc/meminfo 2>/dev/null || echo 999999
}

# timed LABEL LOGFILE COMMAND...: runs COMMAND under GNU time; sets T_WALL, T_CPU (T_USER
# plus T_SYS), T_RSS_MB, T_NOTE (why it failed) and T_LOAD (the load averages before it
# started, for --tsv).
# Returns the command's exit status.
timed() {
  local label="$1" log="$2"
  shift 2
  echo "== $label: $*" >&2
  # What earlier steps wrote is flushed first: on a disk, the writeback of the last build's
  # output (or of the corpus) would otherwise land in this one's time. The build's own
  # writes stay in the page cache, as they do for whatever it is compared with.
  sync
  T_NOTE=""
  T_LOAD="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || true)"
  local status=0 tpid child peak
  "$TIME" -v -o "$log.time" "$@" >"$log.out" 2>"$log.err" &
  tpid=$!
  while kill -0 "$tpid" 2>/dev/null; do
    if (($(avail_mb) < MIN_AVAIL_MB)); then
      child="$(pgrep -P "$tpid" | head -n 1 || true)"
      if [[ -n "$child" ]]; then
        peak="$(awk '/^VmHWM:/ { print int($2 / 1024) }' "/proc/$child/status" 2>/dev/null || true)"
        kill "$child" 2>/dev/null || true
        T_NOTE="killed: machine out of memory (peak RSS ${peak:-?} MB)"
        echo "bench.sh: $label $T_NOTE" >&2
      fi
      break
    fi
    sleep 1
  done
  wait "$tpid" || status=$?
  if ((status != 0)); then
    [[ -n "$T_NOTE" ]] || T_NOTE="failed (exit $status)"
    echo "bench.sh: $label failed (exit $status):" >&2
    tail -n 40 "$log.err" >&2 || true
    return "$status"
  fi
  T_WALL="$(awk -F': ' '/Elapsed \(wall clock\)/ {
      n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; printf "%.2f", s }' "$log.time")"
  T_USER="$(awk -F': ' '/User time/ {printf "%.2f", $2}' "$log.time")"
  T_SYS="$(awk -F': ' '/System time/ {printf "%.2f", $2}' "$log.time")"
  T_CPU="$(awk -v u="$T_USER" -v s="$T_SYS" 'BEGIN {printf "%.2f", u + s}')"
  T_RSS_MB="$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$log.time")"
}

# median VALUE...: the middle value (the mean of the two middle ones for an even count).
median() {
  printf '%s\n' "$@" | sort -g |
    awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

count_pages() {
  find "$1" -type f -name '*.html' | wc -l | tr -d ' '
}

# Megabytes of files under a folder: what a build wrote (issue 19 compares it with Hugo's).
output_mb() {
  find "$1" -type f -printf '%s\n' | awk '{ s += $1 } END { printf "%.1f", s / 1e6 }'
}

# Picture files (JPEG, PNG, WebP, AVIF) under a folder.
count_pictures() {
  find "$1" -type f \( -name '*.jpg' -o -name '*.png' -o -name '*.webp' -o -name '*.avif' \) |
    wc -l | tr -d ' '
}

# The table's first column: wide enough for "sitegen 2nd" and friends with --images.
LABEL_W=8
((IMAGES)) && LABEL_W=13
ROWS=()
SITEGEN_COMMIT="$(git -C "$REPO" describe --always --dirty 2>/dev/null || echo unknown)"
# A binary given with --sitegen may come from another commit: it says which.
if [[ -n "$SITEGEN_BIN" ]]; then
  SITEGEN_COMMIT="$("$SITEGEN" --version | sed -n 's/.*(commit \([0-9a-f]*\)).*/\1/p')"
  SITEGEN_COMMIT="${SITEGEN_COMMIT:-unknown}"
fi
# tsv_row TOOL WALL CPU RSS PAGES OUTPUT_MB VERSION NOTE: a --tsv line, with the run's fields.
TSV_ROWS=()
tsv_row() {
  local load1="" load5="" load15=""
  read -r load1 load5 load15 <<<"${T_LOAD:-}" || true
  TSV_ROWS+=("$(printf '%s\t' "$N" "$SHAPE" "$SEED" "$1" "$2" "$3" "$4" "$5" "$6" "$(nproc)" \
    "$load1" "$load5" "$load15" "$SITEGEN_COMMIT" "$7")${8}")
}
add_row() { # tool wall cpu rss pages [output_mb]
  local rate version="$SITEGEN_COMMIT"
  [[ "$1" != hugo* ]] || version="${HUGO_VERSION_SHORT:-}"
  tsv_row "$1" "$2" "$3" "$4" "$5" "${6:-}" "$version" ""
  rate="$(awk -v p="$5" -v w="$2" 'BEGIN { if (w > 0) printf "%.0f", p / w; else print "-" }')"
  ROWS+=("$(printf "%-${LABEL_W}s %9s %9s %14s %14s %10s %10s" "$1" "$2" "$3" "$4" "$5" "$rate" "${6:--}")")
}

# On a tmpfs (TMPDIR=/dev/shm) the output lives in memory: free it before the next build.
# On a disk it stays until the end: on some file systems (ext4 without a journal) creating
# files right after deleting many is slow, which would handicap the next build.
free_output() {
  if ((!KEEP)) && [[ "$(stat -f -c %T "$WORK" 2>/dev/null)" == tmpfs ]]; then
    rm -rf "$@"
  fi
}

# With --images, a hard-linked copy of the site whose config.toml turns processing off:
# pictures are published as they are (the baseline of the second build).
if ((IMAGES)); then
  cp -al "$WORK/site" "$WORK/site-off"
  rm "$WORK/site-off/config.toml"
  { cat "$WORK/site/config.toml"; printf '\n[images]\nprocess = false\n'; } \
    >"$WORK/site-off/config.toml"
fi

# --- sitegen ----------------------------------------------------------------------------
S_LABEL=sitegen
((IMAGES)) && S_LABEL="sitegen 1st"
timed "$S_LABEL" "$WORK/sitegen" "$SITEGEN" build -q -r "$WORK/site" -o "$WORK/out-sitegen" ||
  die "sitegen build failed"
S_WALL="$T_WALL" S_CPU="$T_CPU" S_RSS="$T_RSS_MB" S_USER="$T_USER" S_SYS="$T_SYS"
S_PAGES="$(count_pages "$WORK/out-sitegen")"
S_MB="$(output_mb "$WORK/out-sitegen")"
add_row "$S_LABEL" "$S_WALL" "$S_CPU" "$S_RSS" "$S_PAGES" "$S_MB"
((S_PAGES >= N)) || die "sitegen wrote $S_PAGES pages for $N articles"
((IMAGES)) && S_PICTURES="$(count_pictures "$WORK/out-sitegen")"

# --io-floor: what no generator can go below, in the same folder, right after: read every
# source, then copy the output sitegen wrote (the same files and bytes, nothing computed).
FLOOR_REPORT=""
if ((IO_FLOOR)); then
  # shellcheck disable=SC2016 # $1-$3 are the inner shell's, given after `_`
  timed "io floor" "$WORK/io-floor" bash -c \
    'find "$1" -name .sitegen-cache -prune -o -type f -exec cat {} + >/dev/null && cp -r "$2" "$3"' \
    _ "$WORK/site" "$WORK/out-sitegen" "$WORK/out-floor" || die "the I/O floor's commands failed"
  add_row "io floor" "$T_WALL" "$T_CPU" "$T_RSS_MB" "$(count_pages "$WORK/out-floor")" \
    "$(output_mb "$WORK/out-floor")"
  # GNU time counts hundredths: a build shorter than that (a few articles) has no ratio.
  FLOOR_REPORT="$(awk -v sw="$S_WALL" -v fw="$T_WALL" -v fs="$(stat -f -c %T "$WORK")" 'BEGIN {
      if (sw > 0) ratio = sprintf("%.2fx wall time", sw / (fw > 0 ? fw : 0.01))
      else ratio = "no ratio: sitegen took under 0.01 s"
      printf "sitegen / I/O floor: %s on %s (goal on disk: at most 1.2x)", ratio, fs
    }')"
  free_output "$WORK/out-floor"
fi
free_output "$WORK/out-sitegen"

# --- sitegen with pictures: second build and processing off ------------------------------
# The second build keeps the cache (.sitegen-cache under the site root, as by default) and
# writes a new output folder, as CI does with a restored cache: it should decode and encode
# nothing. It and the build with `process = false` run five times each, interleaved, and
# their medians are compared (the goal of issue 15: within 10 %; both take about a second
# for a few hundred articles, where a busy machine's noise is of that order).
IMAGES_REPORT=""
if ((IMAGES)); then
  # The pictures' versions only: the parse cache beside them rightly gains files for a new
  # output folder, and the notes of the sources' stamps (sources.tsv) may be written later.
  CACHE="$WORK/site/.sitegen-cache/images"
  versions() { find "$CACHE" -type f ! -name sources.tsv | wc -l | tr -d ' '; }
  CACHE_FILES=0 CACHE_MB=0
  if [[ -d "$CACHE" ]]; then
    CACHE_FILES="$(versions)"
    CACHE_MB="$(du -sm "$CACHE" | cut -f1)"
  else
    echo "bench.sh: the first build left no cache at $CACHE: were any pictures processed?" >&2
  fi
  W_WALLS=() W_CPUS=() W_RSSS=() O_WALLS=() O_CPUS=() O_RSSS=()
  for run in 1 2 3 4 5; do
    for mode in off warm; do
      src="$WORK/site"
      [[ "$mode" == warm ]] || src="$WORK/site-off"
      out="$WORK/out-$mode-$run"
      timed "sitegen $mode $run" "$WORK/sitegen-$mode-$run" \
        "$SITEGEN" build -q -r "$src" -o "$out" || die "sitegen $mode build failed"
      if [[ "$mode" == warm ]]; then
        W_WALLS+=("$T_WALL") W_CPUS+=("$T_CPU") W_RSSS+=("$T_RSS_MB")
        W_PAGES="$(count_pages "$out")" W_PICTURES="$(count_pictures "$out")"
      else
        O_WALLS+=("$T_WALL") O_CPUS+=("$T_CPU") O_RSSS+=("$T_RSS_MB")
        O_PAGES="$(count_pages "$out")"
      fi
      free_output "$out"
    done
  done
  W_WALL="$(median "${W_WALLS[@]}")" W_CPU="$(median "${W_CPUS[@]}")"
  O_WALL="$(median "${O_WALLS[@]}")" O_CPU="$(median "${O_CPUS[@]}")"
  add_row "sitegen 2nd" "$W_WALL" "$W_CPU" "$(median "${W_RSSS[@]}")" "$W_PAGES"
  add_row "sitegen off" "$O_WALL" "$O_CPU" "$(median "${O_RSSS[@]}")" "$O_PAGES"
  CACHE_AFTER=0
  [[ ! -d "$CACHE" ]] || CACHE_AFTER="$(versions)"
  ((W_PICTURES == S_PICTURES)) ||
    die "the second build published $W_PICTURES pictures, the first $S_PICTURES"
  ((CACHE_AFTER == CACHE_FILES)) ||
    die "the second build added $((CACHE_AFTER - CACHE_FILES)) files to the cache: it made versions again"
  IMAGES_REPORT="$(awk -v ww="$W_WALL" -v ow="$O_WALL" -v wc="$W_CPU" -v oc="$O_CPU" \
    -v wwl="${W_WALLS[*]}" -v owl="${O_WALLS[*]}" -v wcl="${W_CPUS[*]}" -v ocl="${O_CPUS[*]}" 'BEGIN {
      printf "sitegen 2nd (cache kept): median %.2f s wall, %.2f s CPU (runs: %s wall; %s CPU)\n", ww, wc, wwl, wcl
      printf "sitegen off (process = false): median %.2f s wall, %.2f s CPU (runs: %s wall; %s CPU)\n", ow, oc, owl, ocl
      printf "2nd/off: %.2fx wall time, %.2fx CPU time (goal: at most 1.10x wall)\n",
        ww / (ow > 0 ? ow : 0.01), wc / (oc > 0 ? oc : 0.01)
    }')"
fi

# --- baseline ---------------------------------------------------------------------------
# Three runs of each binary, interleaved (baseline, current, …) so that a change in the
# machine's load hits both alike; the medians are compared.
BASELINE_REPORT=""
if [[ -n "$BASELINE" ]]; then
  [[ -x "$BASELINE" ]] || die "--baseline $BASELINE is not an executable"
  B_WALLS=() B_CPUS=() C_WALLS=() C_CPUS=()
  for run in 1 2 3; do
    for who in baseline current; do
      bin="$SITEGEN"
      [[ "$who" == current ]] || bin="$BASELINE"
      # A folder per build, freed as free_output does: deleting the last one on a disk
      # would slow the next build's file creation (see --io-floor).
      timed "$who-$run" "$WORK/$who-$run" "$bin" build -q -r "$WORK/site" \
        -o "$WORK/out-$who-$run" || die "$who build failed"
      free_output "$WORK/out-$who-$run"
      if [[ "$who" == current ]]; then
        C_WALLS+=("$T_WALL") C_CPUS+=("$T_CPU")
      else
        B_WALLS+=("$T_WALL") B_CPUS+=("$T_CPU")
      fi
    done
  done
  BASELINE_REPORT="$(awk -v bw="$(median "${B_WALLS[@]}")" -v cw="$(median "${C_WALLS[@]}")" \
    -v bc="$(median "${B_CPUS[@]}")" -v cc="$(median "${C_CPUS[@]}")" \
    -v bwl="${B_WALLS[*]}" -v cwl="${C_WALLS[*]}" 'BEGIN {
      printf "baseline: median %.2f s wall, %.2f s CPU (runs: %s)\n", bw, bc, bwl
      printf "current:  median %.2f s wall, %.2f s CPU (runs: %s)\n", cw, cc, cwl
      printf "current/baseline: %.2fx wall time, %.2fx CPU time (below 1: faster)\n",
        cw / (bw > 0 ? bw : 0.01), cc / (bc > 0 ? bc : 0.01)
    }')"
fi

# --- config variants ---------------------------------------------------------------------
# The same corpus with a config.toml snippet appended (hard links, its own config.toml),
# three runs each way, interleaved like --baseline; the medians are compared.
#   variant NAME SNIPPET CHECK  sets VARIANT_REPORT; CHECK is a command run on the variant's
#   output folder and the plain one ($1, $2) that fails when the variant did not take.
variant() {
  local name="$1" snippet="$2" check="$3"
  cp -al "$WORK/site" "$WORK/site-$name"
  rm "$WORK/site-$name/config.toml"
  { cat "$WORK/site/config.toml"; printf '\n%s\n' "$snippet"; } >"$WORK/site-$name/config.toml"
  local plain_walls=() plain_cpus=() var_walls=() var_cpus=()
  for run in 1 2 3; do
    for mode in "$name" plain; do
      local src="$WORK/site"
      [[ "$mode" == plain ]] || src="$WORK/site-$name"
      rm -rf "$WORK/out-$mode"
      timed "$mode-$run" "$WORK/$mode-$run" \
        "$SITEGEN" build -q -r "$src" -o "$WORK/out-$mode" || die "$mode build failed"
      if [[ "$mode" == plain ]]; then
        plain_walls+=("$T_WALL") plain_cpus+=("$T_CPU")
      else
        var_walls+=("$T_WALL") var_cpus+=("$T_CPU")
      fi
    done
  done
  "$check" "$WORK/out-$name" "$WORK/out-plain" || die "$name: the variant did not take"
  VARIANT_REPORT="$(awk -v vw="$(median "${var_walls[@]}")" -v pw="$(median "${plain_walls[@]}")" \
    -v vc="$(median "${var_cpus[@]}")" -v pc="$(median "${plain_cpus[@]}")" -v name="$name" \
    -v vwl="${var_walls[*]}" -v pwl="${plain_walls[*]}" -v vcl="${var_cpus[*]}" -v pcl="${plain_cpus[*]}" 'BEGIN {
      printf "%-9s median %.2f s wall, %.2f s CPU (runs: %s wall; %s CPU)\n", name ":", vw, vc, vwl, vcl
      printf "%-9s median %.2f s wall, %.2f s CPU (runs: %s wall; %s CPU)\n", "plain:", pw, pc, pwl, pcl
      printf "%s/plain: %.2fx wall time, %.2fx CPU time\n", name, vw / (pw > 0 ? pw : 0.01), vc / (pc > 0 ? pc : 0.01)
    }')"
  ((KEEP)) || rm -rf "$WORK/out-$name" "$WORK/out-plain" "$WORK/site-$name"
}

# highlight_code = false wrote no highlighted code, where the default did.
highlight_took() {
  ! grep -q 'class="hl-' -r "$1" --include='*.html' -m 1 &&
    grep -q 'class="hl-' -r "$2" --include='*.html' -m 1
}
# The Traditional edition is there, page for page.
zh_hant_took() {
  [[ -f "$1/zh-hant/index.html" && ! -e "$2/zh-hant" ]] &&
    (( $(find "$1/zh-hant" -name '*.html' | wc -l) == $(find "$2" -name '*.html' | wc -l) ))
}

HIGHLIGHT_REPORT=""
if ((HIGHLIGHT_OFF)); then
  variant nohl $'[markdown]\nhighlight_code = false' highlight_took
  HIGHLIGHT_REPORT="$VARIANT_REPORT"
fi
ZH_HANT_REPORT=""
if ((ZH_HANT)); then
  variant zh-hant $'[zh_hant]\nenabled = true' zh_hant_took
  ZH_HANT_REPORT="$VARIANT_REPORT"
fi

# --- scenarios ---------------------------------------------------------------------------
# Each of gen_corpus's scenarios on the same corpus, built once by sitegen; its time and
# peak memory beside the plain corpus's first build. A scenario adds little content (one
# article of 50 MB, 200,000 files of 40 bytes), so anything much above 1x that is not in
# proportion to what it adds is a cliff.
SCENARIO_ROWS=()
if ((SCENARIOS)); then
  for scenario in many-tags tag-everywhere one-day huge-article many-statics; do
    "$GEN" "${GEN_ARGS[@]}" --scenario "$scenario" --out "$WORK/site-$scenario" 2>/dev/null
    in_mb="$( (find "$WORK/site-$scenario/content" "$WORK/site-$scenario/static" -type f -printf '%s\n' 2>/dev/null || true) |
      awk '{ s += $1 } END { printf "%.1f", s / 1e6 }')"
    if timed "scenario $scenario" "$WORK/scenario-$scenario" \
      "$SITEGEN" build -q -r "$WORK/site-$scenario" -o "$WORK/out-$scenario"; then
      SCENARIO_ROWS+=("$(awk -v n="$scenario" -v w="$T_WALL" -v c="$T_CPU" -v r="$T_RSS_MB" \
        -v sw="$S_WALL" -v sr="$S_RSS" -v i="$in_mb" -v o="$(output_mb "$WORK/out-$scenario")" 'BEGIN {
          printf "%-15s %8.2f %8.2f %8d %9.1f %9.1f %10.2fx %8.2fx\n", n, w, c, r, i, o, w / (sw > 0 ? sw : 0.01), r / (sr > 0 ? sr : 1)
        }')")
    else
      SCENARIO_ROWS+=("$(printf "%-15s %s" "$scenario" "$T_NOTE")")
    fi
    ((KEEP)) || rm -rf "$WORK/out-$scenario" "$WORK/site-$scenario"
  done
fi

# --- rounds ------------------------------------------------------------------------------
# --rounds K: K more cold builds of each tool, alternating, so that both meet the machine's
# load alike; the medians and each round's ratio go in ROUNDS_REPORT.
ROUNDS_REPORT=""
rounds() {
  ((ROUNDS)) || return 0
  local s_walls=() h_walls=() ratios=() r
  for ((r = 1; r <= ROUNDS; r++)); do
    rm -rf "$WORK/out-sitegen" "$WORK/site/.sitegen-cache"
    timed "sitegen round $r" "$WORK/sitegen-round-$r" \
      "$SITEGEN" build -q -r "$WORK/site" -o "$WORK/out-sitegen" || die "sitegen build failed"
    s_walls+=("$T_WALL")
    free_output "$WORK/out-sitegen"
    rm -rf "$WORK/out-hugo" "$WORK/hugo-cache" "$WORK/hugo/resources"
    timed "hugo round $r" "$WORK/hugo-round-$r" \
      hugo --quiet -s "$WORK/hugo" -d "$WORK/out-hugo" --cacheDir "$WORK/hugo-cache" ||
      die "hugo build failed in round $r"
    h_walls+=("$T_WALL")
    free_output "$WORK/out-hugo"
    ratios+=("$(awk -v s="${s_walls[-1]}" -v h="$T_WALL" 'BEGIN { printf "%.1fx", h / (s > 0 ? s : 0.01) }')")
  done
  rm -rf "$WORK/out-sitegen" "$WORK/site/.sitegen-cache"
  ROUNDS_REPORT="$(awk -v sm="$(median "${s_walls[@]}")" -v hm="$(median "${h_walls[@]}")" \
    -v k="$ROUNDS" -v sl="${s_walls[*]}" -v hl="${h_walls[*]}" -v rl="${ratios[*]}" 'BEGIN {
      printf "rounds (%d, alternating): sitegen median %.2f s wall (runs: %s)\n", k, sm, sl
      printf "rounds (%d, alternating): hugo median %.2f s wall (runs: %s)\n", k, hm, hl
      printf "sitegen/Hugo over the rounds: %.1fx faster (wall, medians); each round: %s\n", hm / (sm > 0 ? sm : 0.01), rl
    }')"
}

# --- Hugo -------------------------------------------------------------------------------
HUGO_VERSION=""
HUGO_FAILED=""
if ((NO_HUGO)); then
  :
elif ! command -v hugo >/dev/null 2>&1; then
  echo "== hugo not found: sitegen only (Debian: apt-get install hugo)" >&2
else
  HUGO_VERSION="$(hugo version 2>/dev/null | head -n 1)"
  # "hugo v0.111.3+extended linux/amd64 …" -> v0.111.3
  HUGO_VERSION_SHORT="$(awk '{ sub(/[+-].*/, "", $2); print $2 }' <<<"$HUGO_VERSION")"
  cp -r "$REPO/bench/hugo" "$WORK/hugo"
  cp -r "$WORK/site/content" "$WORK/hugo/content"
  # The pictures, hard-linked: hugo.toml mounts static/img as assets/img for resources.Get.
  [[ ! -d "$WORK/site/static" ]] || cp -al "$WORK/site/static" "$WORK/hugo/static"
  H_LABEL=hugo
  ((IMAGES)) && H_LABEL="hugo 1st"
  if timed "$H_LABEL" "$WORK/hugo-run" hugo --quiet -s "$WORK/hugo" -d "$WORK/out-hugo" \
    --cacheDir "$WORK/hugo-cache"; then
    H_WALL="$T_WALL" H_CPU="$T_CPU" H_RSS="$T_RSS_MB" H_USER="$T_USER" H_SYS="$T_SYS"
    H_PAGES="$(count_pages "$WORK/out-hugo")"
    add_row "$H_LABEL" "$H_WALL" "$H_CPU" "$H_RSS" "$H_PAGES" "$(output_mb "$WORK/out-hugo")"
    ((IMAGES)) && H_PICTURES="$(count_pictures "$WORK/out-hugo")"
  else
    HUGO_FAILED="$T_NOTE"
    ROWS+=("$(printf "%-${LABEL_W}s %s" "$H_LABEL" "$HUGO_FAILED")")
    tsv_row "$H_LABEL" "" "" "" "" "" "$HUGO_VERSION_SHORT" "$HUGO_FAILED"
  fi
  free_output "$WORK/out-hugo"
  [[ -n "$HUGO_FAILED" ]] || rounds
  # Hugo's second build: its image cache (resources/_gen in the site) and cacheDir kept, a
  # new output folder.
  if ((IMAGES)) && [[ -z "$HUGO_FAILED" ]]; then
    if timed "hugo 2nd" "$WORK/hugo-run-2" hugo --quiet -s "$WORK/hugo" -d "$WORK/out-hugo-2" \
      --cacheDir "$WORK/hugo-cache"; then
      H2_WALL="$T_WALL" H2_CPU="$T_CPU" H2_RSS="$T_RSS_MB"
      add_row "hugo 2nd" "$H2_WALL" "$H2_CPU" "$H2_RSS" "$(count_pages "$WORK/out-hugo-2")"
    else
      HUGO_FAILED="$T_NOTE"
      ROWS+=("$(printf "%-${LABEL_W}s %s" "hugo 2nd" "$HUGO_FAILED")")
      tsv_row "hugo 2nd" "" "" "" "" "" "$HUGO_VERSION_SHORT" "$HUGO_FAILED"
    fi
  fi
  ((KEEP)) || rm -rf "$WORK/out-hugo" "$WORK/out-hugo-2" "$WORK/hugo" "$WORK/hugo-cache"
fi

# --- report -----------------------------------------------------------------------------
echo
MD_MB="$(find "$WORK/site/content" -type f -name '*.md' -printf '%s\n' | awk '{ s += $1 } END { printf "%.1f", s / 1e6 }')"
echo "articles: $N (seed $SEED, $MD_MB MB of Markdown)"
if ((IMAGES)); then
  find "$WORK/site/static/img" -type f -printf '%s %f\n' | awk '
    { n++; s += $1; if ($2 ~ /\.png$/) p++; else j++ }
    END { printf "pictures: %d (%d JPEG, %d PNG), %.1f MB\n", n, j, p, s / 1e6 }'
  echo "sitegen:  $S_PICTURES picture files published (originals and versions); picture cache: $CACHE_FILES versions, $CACHE_MB MB"
  [[ -z "${H_PICTURES:-}" ]] || echo "hugo:     $H_PICTURES picture files published (originals and versions)"
fi
echo "sitegen:  $SITEGEN_COMMIT"
[[ -z "$HUGO_VERSION" ]] || echo "hugo:     $HUGO_VERSION"
echo "machine:  $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo
printf "%-${LABEL_W}s %9s %9s %14s %14s %10s %10s\n" tool wall_s cpu_s peak_rss_mb pages_html pages_per_s output_mb
printf '%s\n' "${ROWS[@]}"
# The kernel's part of the CPU time: creating and writing the output's files, reading the
# sources, and first touches of memory, which on a virtual machine cost more the first
# time the host backs a page (docs/performance.md, "The kernel's part").
printf "cpu_s is %s s user + %s s system for %s" "$S_USER" "$S_SYS" "$S_LABEL"
[[ -z "${H_USER:-}" ]] || printf ", %s s user + %s s system for %s" "$H_USER" "$H_SYS" "$H_LABEL"
echo
# Written with the table: its figures stand whatever the checks below find.
[[ -z "$TSV" ]] || printf '%s\n' "${TSV_ROWS[@]}" >>"$TSV"
if ((IMAGES)) && [[ -n "$HUGO_VERSION" && -z "$HUGO_FAILED" ]]; then
  awk -v sw="$S_WALL" -v hw="$H_WALL" -v sc="$S_CPU" -v hc="$H_CPU" -v sr="$S_RSS" -v hr="$H_RSS" \
    -v s2w="$W_WALL" -v h2w="$H2_WALL" -v s2c="$W_CPU" -v h2c="$H2_CPU" 'BEGIN {
      printf "\nfirst build, sitegen/Hugo: %.1fx faster (wall), %.1fx less CPU time, %.1fx less peak RSS\n",
        hw / (sw > 0 ? sw : 0.01), hc / (sc > 0 ? sc : 0.01), hr / (sr > 0 ? sr : 1)
      printf "second build, sitegen/Hugo: %.1fx faster (wall), %.1fx less CPU time\n",
        h2w / (s2w > 0 ? s2w : 0.01), h2c / (s2c > 0 ? s2c : 0.01)
    }'
elif [[ -n "$HUGO_VERSION" && -z "$HUGO_FAILED" ]]; then
  awk -v sw="$S_WALL" -v hw="$H_WALL" -v sc="$S_CPU" -v hc="$H_CPU" -v sr="$S_RSS" -v hr="$H_RSS" \
    'BEGIN {
      printf "\nsitegen/Hugo: %.1fx faster (wall), %.1fx less CPU time, %.1fx less peak RSS\n",
        hw / (sw > 0 ? sw : 0.01), hc / (sc > 0 ? sc : 0.01), hr / (sr > 0 ? sr : 1)
    }'
fi

if [[ -n "$ROUNDS_REPORT" ]]; then
  echo
  echo "$ROUNDS_REPORT"
fi

if [[ -n "$FLOOR_REPORT" ]]; then
  echo
  echo "$FLOOR_REPORT"
fi

if [[ -n "$BASELINE_REPORT" ]]; then
  echo
  echo "$BASELINE_REPORT"
fi

if ((${#SCENARIO_ROWS[@]})); then
  echo
  echo "scenarios (sitegen; ratios to the plain corpus's build above):"
  printf "%-15s %8s %8s %8s %9s %9s %11s %9s\n" scenario wall_s cpu_s rss_mb input_mb output_mb wall/plain rss/plain
  printf '%s\n' "${SCENARIO_ROWS[@]}"
fi

if [[ -n "$HIGHLIGHT_REPORT" ]]; then
  echo
  echo "$HIGHLIGHT_REPORT"
fi

if [[ -n "$ZH_HANT_REPORT" ]]; then
  echo
  echo "$ZH_HANT_REPORT"
fi

if [[ -n "$IMAGES_REPORT" ]]; then
  echo
  echo "$IMAGES_REPORT"
fi

# --- determinism ------------------------------------------------------------------------
if ((CHECK_DET)); then
  echo
  echo "== determinism: regenerating the corpus with RAYON_NUM_THREADS=1" >&2
  RAYON_NUM_THREADS=1 "$GEN" "${GEN_ARGS[@]}" --out "$WORK/site2" 2>/dev/null
  diff -r -q -x .sitegen-cache "$WORK/site" "$WORK/site2" >&2 || die "gen_corpus output differs between runs"
  echo "corpus:   identical when regenerated"
  export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-1767225600}"
  for threads in 1 4; do
    echo "== determinism: sitegen with RAYON_NUM_THREADS=$threads" >&2
    RAYON_NUM_THREADS="$threads" "$SITEGEN" build -q -r "$WORK/site" -o "$WORK/det-$threads" ||
      die "sitegen build failed with RAYON_NUM_THREADS=$threads"
  done
  if ! diff -r "$WORK/det-1" "$WORK/det-4" >"$WORK/det.diff"; then
    head -n 40 "$WORK/det.diff" >&2
    die "sitegen output differs between RAYON_NUM_THREADS=1 and 4 (see above)"
  fi
  echo "sitegen:  byte-identical output with RAYON_NUM_THREADS=1 and 4 ($(find "$WORK/det-1" -type f | wc -l | tr -d ' ') files)"
fi

[[ -z "$HUGO_FAILED" ]] || die "hugo $HUGO_FAILED"
