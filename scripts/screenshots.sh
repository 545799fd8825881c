#!/usr/bin/env bash
# Screenshots of the default theme for the README and docs, from the demo site in headless
# Chromium (Debian: `chromium fonts-noto-cjk`):
#
#   scripts/screenshots.sh [OUT_DIR]      (default docs/screenshots)
#
# Builds the demo with the release binary, serves it on 127.0.0.1 and writes
# NAME-375.png and NAME-1280.png for each page below.
set -euo pipefail
cd "$(dirname "$0")/.."
out_dir="${1:-docs/screenshots}"
command -v chromium >/dev/null || { echo "screenshots.sh: chromium is not installed" >&2; exit 1; }
mkdir -p "$out_dir"
work="$(mktemp -d)"
trap 'kill "${server:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT

cargo build --release --quiet
target/release/sitegen build -q -o "$work/site"
port=$((20000 + RANDOM % 20000))
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$work/site" >/dev/null 2>&1 &
server=$!
sleep 1

# name  path  height-at-375  height-at-1280
pages=(
  "home / 1800 1400"
  "article /2026/02/cloud-ai-capex/ 1800 1400"
  "explainer /2026/11/kv-cache-cost/ 2600 2000"
  "series-hub /专题/马斯克与-openai-之争/ 2000 1400"
  "series-index /专题/ 1400 1000"
  "author /authors/王澜/ 1800 1300"
  "article-in-series /2024/03/musk-vs-openai-lawsuit/ 2600 2000"
  "article-zh-hans /2025/10/台积电二纳米量产/ 1800 1400"
  "article-zh-hant /zh-hant/2025/10/台积电二纳米量产/ 1800 1400"
)
for page in "${pages[@]}"; do
  read -r name path tall_phone tall_desk <<<"$page"
  for width in 375 1280; do
    height=$tall_desk
    [[ $width == 375 ]] && height=$tall_phone
    chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
      --user-data-dir="$work/profile" --virtual-time-budget=4000 \
      --window-size="$width,$height" --screenshot="$out_dir/$name-$width.png" \
      "http://127.0.0.1:$port$path" >/dev/null 2>&1
    echo "$out_dir/$name-$width.png"
  done
done
