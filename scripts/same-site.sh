#!/usr/bin/env bash
# Checks that two sitegen binaries built from the same sources write the same site: a release
# binary (PGO, cross-compiled, static) against a plain or debug build. Compiler flags must not
# change what a site looks like; a difference is a bug (undefined behaviour in the C, a
# float printed differently, an overflow that wraps in one build only).
#
#   scripts/same-site.sh BIN_A BIN_B [SITE]
#
# SITE defaults to this repository's demo site. Each binary builds its own copy of the site,
# so each starts from a cold cache (it parses, highlights and resizes every page itself) and
# nothing is written into SITE. The output manifest (.sitegen-output) is left out of the
# comparison: its fingerprints name the binary that wrote each page, by design.
set -euo pipefail

usage() {
  echo "usage: scripts/same-site.sh BIN_A BIN_B [SITE]" >&2
  exit 2
}
(($# == 2 || $# == 3)) || usage
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
site="${3:-$root}"
for bin in "$1" "$2"; do
  [[ -x "$bin" ]] || {
    echo "same-site.sh: $bin is not an executable" >&2
    exit 2
  }
done
[[ -f "$site/config.toml" ]] || {
  echo "same-site.sh: $site has no config.toml" >&2
  exit 2
}

work="$(mktemp -d "${TMPDIR:-/tmp}/sitegen-same.XXXXXX")"
trap 'rm -rf "$work"' EXIT

for side in a b; do
  mkdir "$work/$side"
  for part in config.toml content data static templates; do
    if [[ -e "$site/$part" ]]; then cp -r "$site/$part" "$work/$side/"; fi
  done
done
"$1" build -q -r "$work/a" -o "$work/a-public"
"$2" build -q -r "$work/b" -o "$work/b-public"

if ! diff -r -x .sitegen-output "$work/a-public" "$work/b-public"; then
  echo "same-site.sh: $1 and $2 write different sites (diff above)" >&2
  exit 1
fi
echo "same-site.sh: $(find "$work/a-public" -type f | wc -l) files, the same from both"
