#!/usr/bin/env bash
# The benchmark as a curve (issue 19): scripts/bench.sh once per corpus size, its rows
# collected into one TSV and drawn by scripts/plot-curve.py as an SVG (build time and peak
# memory against the number of articles, sitegen beside Hugo).
#
#   scripts/bench-curve.sh N1 N2 ... [--no-hugo] [--shape news|translated] [--out DIR]
#
#   --no-hugo      time sitegen only
#   --shape S      the corpus's shape (bench.sh --shape): news (default) or translated
#   --out DIR      where DIR/curve.tsv, DIR/curve.svg and each size's bench.sh output
#                  (bench-N.txt: its table; bench-N.log: its progress) go; default a new
#                  folder under $TMPDIR (or /tmp). An existing curve.tsv there is replaced.
#
# The sizes run in the order given, each with a fresh corpus (seed 42). Run it on a quiet
# machine with TMPDIR=/dev/shm, e.g.
#   TMPDIR=/dev/shm scripts/bench-curve.sh 1000 3000 10000 30000 100000 --out /tmp/curve
#   cp /tmp/curve/curve.svg docs/bench-curve.svg
# A build killed for memory (bench.sh's BENCH_MIN_AVAIL_MB) is a missing point, named in the
# chart's footnote; the chart is redrawn from the TSV alone with
#   scripts/plot-curve.py DIR/curve.tsv DIR/curve.svg
#
# Exit status: non-zero when a bench.sh run failed (its rows, if it wrote any, are drawn:
# a Hugo build killed for memory still leaves sitegen's point) or the chart cannot be drawn.
set -euo pipefail

usage() {
  awk 'NR > 1 && !/^#/ { exit } NR > 1' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}
die() {
  echo "bench-curve.sh: $*" >&2
  exit 1
}

SIZES=()
OUT=""
BENCH_ARGS=()
while (($#)); do
  case "$1" in
    --no-hugo) BENCH_ARGS+=(--no-hugo) ;;
    --shape)
      (($# >= 2)) || usage
      BENCH_ARGS+=(--shape "$2")
      shift
      ;;
    --out)
      (($# >= 2)) || usage
      OUT="$2"
      shift
      ;;
    -h | --help) usage ;;
    -*) echo "bench-curve.sh: unknown option $1" >&2 && usage ;;
    *)
      [[ "$1" =~ ^[1-9][0-9]*$ ]] || die "$1 is not a number of articles"
      SIZES+=("$1")
      ;;
  esac
  shift
done
((${#SIZES[@]})) || usage

SCRIPTS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [[ -z "$OUT" ]]; then
  OUT="$(mktemp -d "${TMPDIR:-/tmp}/sitegen-curve.XXXXXX")"
else
  mkdir -p "$OUT"
fi
OUT="$(cd "$OUT" && pwd)"
TSV="$OUT/curve.tsv"
SVG="$OUT/curve.svg"
rm -f "$TSV" "$SVG"

FAILED=()
i=0
for n in "${SIZES[@]}"; do
  i=$((i + 1))
  echo "== $n articles (${i} of ${#SIZES[@]}); progress in $OUT/bench-$n.log" >&2
  status=0
  "$SCRIPTS/bench.sh" "$n" "${BENCH_ARGS[@]}" --tsv "$TSV" 2>"$OUT/bench-$n.log" |
    tee "$OUT/bench-$n.txt" || status=$?
  if ((status != 0)); then
    tail -n 5 "$OUT/bench-$n.log" >&2 || true
    FAILED+=("$n (exit $status)")
  fi
done

if [[ ! -s "$TSV" ]] || (($(wc -l <"$TSV") < 2)); then
  die "no bench.sh run wrote any figures (see $OUT/bench-*.log)"
fi
if ! command -v python3 >/dev/null 2>&1; then
  die "python3 is needed to draw the chart: once installed, run $SCRIPTS/plot-curve.py $TSV $SVG"
fi
python3 "$SCRIPTS/plot-curve.py" "$TSV" "$SVG" || die "plot-curve.py could not draw $TSV"

echo
echo "figures: $TSV"
echo "chart:   $SVG"
if ((${#FAILED[@]})); then
  die "bench.sh failed at ${FAILED[*]}; the chart shows what those runs wrote (see $OUT/bench-N.log)"
fi
