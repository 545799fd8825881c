#!/usr/bin/env bash
# CI smoke test of the benchmark (issue 5): 500 articles, sitegen only, plus the determinism
# check. Fails when the build fails, writes fewer pages than articles, or output depends on
# the thread count. Takes a few seconds once the release build exists.
set -euo pipefail
exec "$(dirname "${BASH_SOURCE[0]}")/bench.sh" 500 --no-hugo --check-determinism "$@"
