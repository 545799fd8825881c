#!/usr/bin/env bash
# Serve benchmark (issue 19, goal 3): the memory `sitegen serve` holds on a big site, and how
# long an edit takes to show.
#
#   scripts/bench-serve.sh N [--rounds R] [--baseline BIN] [--seed S] [--keep]
#
# Generates N articles with crates/corpus (gen_corpus) into a fresh folder under $TMPDIR
# (default /tmp; TMPDIR=/dev/shm keeps the disk out of the figures), starts `sitegen serve`
# on it and waits for its first build. Then it reports the resident memory (VmRSS) and its
# peak so far (VmHWM):
#
#   startup   once the server prints its URL
#   pages     after opening the home page, page 2, an article, the tag index, a tag and the
#             archives
#   edits     after the edits below
#   feeds     after fetching rss.xml and sitemap.xml (which makes feeds, sitemaps and the
#             search index)
#
# and, for three kinds of edit to one article (its body, its tags, its date, R rounds of
# each, default 3), the time from writing the file until the article's page, polled as
# fast as curl goes, shows the change: the time a writer waits for a tab to show a save, less the tab's
# own reload. Each edit replaces the file as editors do (a new file renamed over the old).
#
#   --rounds R      edits of each kind (the median is printed; default 3)
#   --baseline BIN  also run another sitegen binary (e.g. built from an older commit) on the
#                   same corpus, each binary's session after the other's, and print both
#   --seed S        corpus seed (default 42)
#   --keep          keep the temporary folder and print its path
#
# Linux only (/proc/PID/status). Needs curl. Exit status: non-zero when the server does not
# start or an edit never shows (30 s).
set -euo pipefail

usage() {
  awk 'NR > 1 && !/^#/ { exit } NR > 1' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}
die() {
  echo "bench-serve.sh: $*" >&2
  exit 1
}

N=""
ROUNDS=3
BASELINE=""
SEED=42
KEEP=0
while (($#)); do
  case "$1" in
    --rounds) ROUNDS="${2:-}"; shift ;;
    --baseline) BASELINE="${2:-}"; shift ;;
    --seed) SEED="${2:-}"; shift ;;
    --keep) KEEP=1 ;;
    -h | --help) usage ;;
    -*) usage ;;
    *) [[ -z "$N" ]] || usage; N="$1" ;;
  esac
  shift
done
[[ "$N" =~ ^[0-9]+$ && "$N" -gt 0 ]] || usage
[[ "$ROUNDS" =~ ^[0-9]+$ && "$ROUNDS" -gt 0 ]] || usage
[[ -z "$BASELINE" || -x "$BASELINE" ]] || die "--baseline $BASELINE is not an executable"
command -v curl > /dev/null || die "curl is needed"
[[ -r /proc/self/status ]] || die "needs /proc (Linux)"

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
echo "== cargo build --release --bin sitegen --bin gen_corpus" >&2
cargo build --release -p sitegen-zh -p sitegen-corpus --bin sitegen --bin gen_corpus >&2
TARGET="${CARGO_TARGET_DIR:-target}"
[[ "$TARGET" = /* ]] || TARGET="$REPO/$TARGET"
SITEGEN="$TARGET/release/sitegen"
GEN="$TARGET/release/gen_corpus"
[[ -x "$SITEGEN" && -x "$GEN" ]] || die "built binaries not found under $TARGET/release"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/sitegen-bench-serve.XXXXXX")"
SERVER_PID=""
cleanup() {
  if [[ -n "$SERVER_PID" ]]; then
    kill "$SERVER_PID" 2> /dev/null || true
    wait "$SERVER_PID" 2> /dev/null || true
  fi
  if ((KEEP)); then
    echo "== kept $WORK" >&2
  else
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT

echo "== generating $N articles (seed $SEED)" >&2
"$GEN" --articles "$N" --seed "$SEED" --out "$WORK/site" >&2
SITE="$WORK/site"

# The article edited: the first whose file name is plain ASCII (its URL is then
# /YYYY/MM/<stem>/ under the default permalink), with a day that can move by one within
# its month (the URL stays).
ARTICLE=""
while IFS= read -r -d '' file; do
  [[ "$(basename "$file")" =~ ^[a-z0-9-]+\.md$ ]] || continue
  grep -q '^date: [0-9]\{4\}-[0-9][0-9]-[0-9][0-9] ' "$file" || continue
  grep -q '^tags: \[' "$file" || continue
  ARTICLE="$file"
  break
done < <(find "$SITE/content" -name '*.md' -print0 | sort -z)
[[ -n "$ARTICLE" ]] || die "no article with a plain file name, a date and tags in the corpus"
ORIGINAL="$WORK/original.md"
cp "$ARTICLE" "$ORIGINAL"
DATE_LINE="$(grep -m1 '^date: ' "$ARTICLE")"
YEAR="${DATE_LINE:6:4}"
MONTH="${DATE_LINE:11:2}"
DAY="${DATE_LINE:14:2}"
CLOCK="${DATE_LINE:17:5}"
STEM="$(basename "$ARTICLE" .md)"
PAGE="/$YEAR/$MONTH/$STEM/"
# The second day the date edits alternate with.
DAY=$((10#$DAY))
if ((DAY < 28)); then OTHER_DAY=$((DAY + 1)); else OTHER_DAY=$((DAY - 1)); fi

# rss_of PID: "VmRSS VmHWM" in MB.
rss_of() {
  awk '/^VmRSS:/ { rss = $2 } /^VmHWM:/ { hwm = $2 }
       END { printf "%d %d", rss / 1024, hwm / 1024 }' "/proc/$1/status"
}

now_ms() {
  echo $(($(date +%s%N) / 1000000))
}

# replace_file FILE CONTENT: as an editor saves, a new file renamed over the old one.
replace_file() {
  printf '%s' "$2" > "$1.bench-tmp"
  mv "$1.bench-tmp" "$1"
}

# shows URL TEXT: whether the page at URL contains TEXT (one curl, no other process: each
# poll costs a few milliseconds, which is the figures' resolution).
shows() {
  local page
  page="$(curl -s --max-time 30 "$1")"
  [[ "$page" == *"$2"* ]]
}

# timed_edit URL TEXT CONTENT: writes CONTENT over the article and prints the milliseconds
# until the page at URL shows TEXT, polled as fast as curl goes.
timed_edit() {
  local url="$1" text="$2" content="$3" start end
  start="$(now_ms)"
  replace_file "$ARTICLE" "$content"
  end=$((start + 30000))
  until shows "$url" "$text"; do
    (($(now_ms) < end)) || die "the edit never showed on $url ($text)"
  done
  echo $(($(now_ms) - start))
}

median() {
  sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}

# session LABEL BINARY: serves the corpus with BINARY and prints its figures.
session() {
  local label="$1" binary="$2" log="$WORK/serve-$1.log" url="" i start
  cp "$ORIGINAL" "$ARTICLE"
  start="$(now_ms)"
  "$binary" serve -r "$SITE" --port 0 > "$log" 2>&1 &
  SERVER_PID=$!
  for ((i = 0; i < 6000; i++)); do
    url="$(sed -n 's/^serving \(http[^ ]*\).*/\1/p' "$log")"
    [[ -n "$url" ]] && break
    kill -0 "$SERVER_PID" 2> /dev/null || die "$label: serve exited: $(cat "$log")"
    sleep 0.05
  done
  [[ -n "$url" ]] || die "$label: serve did not start within 300 s"
  url="${url%/}"
  local startup_s
  startup_s="$(awk -v ms=$(($(now_ms) - start)) 'BEGIN { printf "%.1f", ms / 1000 }')"
  local m_start m_pages m_edits m_feeds
  m_start="$(rss_of "$SERVER_PID")"
  curl -sf -o /dev/null "$url$PAGE" || die "$label: $url$PAGE is not served (the article's URL)"
  local tag
  tag="$(curl -s "$url$PAGE" | grep -o 'href="/tags/[^"]*/"' | head -1 | sed 's/^href="//; s/"$//')"
  for path in / /page/2/ "$PAGE" /tags/ "$tag" /archives/; do
    curl -s -o /dev/null "$url$path"
  done
  m_pages="$(rss_of "$SERVER_PID")"

  local body=() tags=() dates=() r content day line
  for ((r = 1; r <= ROUNDS; r++)); do
    content="$(cat "$ARTICLE")"
    body+=("$(timed_edit "$url$PAGE" "基准正文$label$r" "${content/$'\n---\n'/$'\n---\n'基准正文$label$r}")")
    sleep 0.5
    content="$(cat "$ARTICLE")"
    tags+=("$(timed_edit "$url$PAGE" "基准标签$label$r" "${content/$'\ntags: ['/$'\ntags: [\"'基准标签$label$r\", }")")
    sleep 0.5
    content="$(cat "$ARTICLE")"
    if ((r % 2)); then day=$OTHER_DAY; else day=$DAY; fi
    day="$(printf '%02d' "$day")"
    line="$(grep -m1 '^date: ' <<< "$content")"
    content="${content/$line/date: $YEAR-$MONTH-$day ${line:17}}"
    dates+=("$(timed_edit "$url$PAGE" "$YEAR-$MONTH-$day $CLOCK" "$content")")
    sleep 0.5
  done
  m_edits="$(rss_of "$SERVER_PID")"
  curl -s -o /dev/null "$url/rss.xml"
  curl -s -o /dev/null "$url/sitemap.xml"
  m_feeds="$(rss_of "$SERVER_PID")"
  kill "$SERVER_PID"
  wait "$SERVER_PID" 2> /dev/null || true
  SERVER_PID=""

  local b t d
  b="$(printf '%s\n' "${body[@]}" | median)"
  t="$(printf '%s\n' "${tags[@]}" | median)"
  d="$(printf '%s\n' "${dates[@]}" | median)"
  printf '%-9s %9s %13s %13s %13s %13s %8s %8s %8s\n' "$label" "$startup_s" \
    "${m_start/ //}" "${m_pages/ //}" "${m_edits/ //}" "${m_feeds/ //}" "$b" "$t" "$d"
  echo "  $label edits (ms): body ${body[*]}; tags ${tags[*]}; date ${dates[*]}" >&2
}

echo "== $N articles, $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg); editing $PAGE" >&2
echo "== memory: VmRSS/VmHWM in MB; edits: median ms until the page shows them ($ROUNDS rounds)"
printf '%-9s %9s %13s %13s %13s %13s %8s %8s %8s\n' binary startup_s startup pages edits \
  feeds body_ms tags_ms date_ms
if [[ -n "$BASELINE" ]]; then
  session baseline "$BASELINE"
fi
session sitegen "$SITEGEN"
