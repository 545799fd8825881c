#!/usr/bin/env bash
# The real search page in headless Chromium: builds a small Chinese fixture site under a
# base path (/portal/), serves it on 127.0.0.1 with python3's http.server, loads
# /portal/search/?q=<query> and checks that the DOM Chromium dumps holds the expected hit
# (with the query highlighted) and never the draft.
#
#   tests/browser/search.sh [path/to/sitegen]
#   SEARCH_BUILD_ARGS=--minify tests/browser/search.sh   # the minified build
#
# Exits 0 on success, 1 on failure, 77 (skipped) when chromium or python3 is missing.
# `cargo test --test search` runs the same check from Rust when chromium is installed.
set -euo pipefail

repo="$(cd "$(dirname "$0")/../.." && pwd)"
sitegen="${1:-$repo/target/debug/sitegen}"
for tool in chromium python3; do
  command -v "$tool" >/dev/null || { echo "skipped: $tool not installed"; exit 77; }
done
[ -x "$sitegen" ] || (cd "$repo" && cargo build --quiet)

work="$(mktemp -d)"
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

site="$work/site"
mkdir -p "$site/content/资讯"
cat > "$site/config.toml" <<'TOML'
title = "测试日报"
base_url = "https://x.github.io/portal/"
TOML
article() { # file day title tags body [draft]
  printf '+++\ntitle = "%s"\ndate = 2024-03-%sT09:30:00+08:00\ntags = %s\ncategories = ["人工智能"]\n%b+++\n%s\n' \
    "$3" "$2" "$4" "${6:-}" "$5" > "$site/content/资讯/$1.md"
}
article open-model 11 "深度求索开源新模型" '["开源", "大模型"]' "模型权重以宽松许可证公开，社区反响热烈。"
article openai 12 "OpenAI 发布 GPT-4o" '["OpenAI"]' "新模型支持实时语音。正文提到开源的替代方案。"
article chips 13 "英伟达财报超预期" '["芯片"]' "数据中心收入大涨。"
article secret 14 "未公开的开源草稿" '["开源"]' "草稿正文。" 'draft = true\n'
# shellcheck disable=SC2086 # extra build flags, e.g. SEARCH_BUILD_ARGS=--minify
"$sitegen" build -r "$site" -o "$work/out" ${SEARCH_BUILD_ARGS:-} >/dev/null

# A free port, then the server (its own process, killed on exit).
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
mkdir -p "$work/root"
ln -s "$work/out" "$work/root/portal"
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$work/root" >"$work/http.log" 2>&1 &
server=$!
for _ in $(seq 50); do
  python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/portal/search/')" 2>/dev/null && break
  sleep 0.1
done

fail=0
check() { # query expected-title-substring forbidden...
  local query="$1" expected="$2"; shift 2
  local dom="${SEARCH_DOM_OUT:-$work/dom.html}"
  timeout 90 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$(mktemp -d -p "$work")" --virtual-time-budget=5000 \
    --dump-dom "http://127.0.0.1:$port/portal/search/?q=$query" >"$dom" 2>"$work/chromium.log" || true
  local results
  results="$(sed -n '/class="search-results"/,/class="search-more"/p' "$dom")"
  if ! grep -q "$expected" <<<"$results"; then
    echo "FAIL q=$query: expected a hit containing “$expected”"; fail=1
  elif ! grep -q '<mark>' <<<"$results"; then
    echo "FAIL q=$query: no highlighted term"; fail=1
  else
    echo "ok   q=$query: $(grep -o 'search-status[^<]*' "$dom" | sed 's/.*>//')"
  fi
  for forbidden in "$@"; do
    if grep -q "$forbidden" <<<"$results"; then echo "FAIL q=$query: found “$forbidden”"; fail=1; fi
  done
}
check "开源" "深度求索<mark>开源</mark>新模型" "未公开的开源草稿"
check "openai" "OpenAI" "英伟达"
check "%E6%95%B0%E6%8D%AE%E4%B8%AD%E5%BF%83" "英伟达财报超预期"   # 数据中心, only in the body
exit "$fail"
