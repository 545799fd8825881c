#!/usr/bin/env bash
# Makes one target's release archive and its checksum, as the release workflow uploads them:
#
#   scripts/package-release.sh TARGET BINARY OUTDIR
#
#   OUTDIR/sitegen-TARGET.tar.gz   sitegen, LICENSE, README.md at the top level
#   OUTDIR/sitegen-TARGET.zip      (windows targets) sitegen.exe, LICENSE, README.md
#   OUTDIR/<archive>.sha256        one line as sha256sum prints it: "<hex>  <archive>"
#
# Asset names carry no version, so releases/latest/download/<asset> always works; install.sh
# and tests/install.rs rely on these names. Entries are sorted and owned by 0:0 (GNU tar;
# bsdtar on macOS gets the same by --uid/--gid), gzip stores no name or time, and with
# SOURCE_DATE_EPOCH set every entry gets that time: two runs give the same bytes.
# Runs on Linux, macOS and Git Bash on Windows (zip there: `zip`, else 7-Zip's `7z`).
set -euo pipefail

die() {
  echo "package-release.sh: $*" >&2
  exit 1
}

[ $# -eq 3 ] || die "usage: scripts/package-release.sh TARGET BINARY OUTDIR"
target=$1
binary=$2
outdir=$3
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

[ -f "$binary" ] || die "no binary at $binary"
for doc in LICENSE README.md; do
  [ -f "$root/$doc" ] || die "no $doc at the repository root ($root)"
done

case "$target" in
  *-windows-*)
    exe=sitegen.exe
    archive="sitegen-$target.zip"
    ;;
  *)
    exe=sitegen
    archive="sitegen-$target.tar.gz"
    ;;
esac

mkdir -p "$outdir"
outdir="$(cd "$outdir" && pwd)"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT

cp "$binary" "$stage/$exe"
cp "$root/LICENSE" "$root/README.md" "$stage/"
chmod 755 "$stage/$exe"
chmod 644 "$stage/LICENSE" "$stage/README.md"
if [ -n "${SOURCE_DATE_EPOCH:-}" ]; then
  # GNU touch takes -d @EPOCH; BSD touch (macOS) takes -t CCYYMMDDhhmm.SS.
  touch -d "@$SOURCE_DATE_EPOCH" "$stage"/* 2>/dev/null ||
    TZ=UTC0 touch -t "$(TZ=UTC0 date -r "$SOURCE_DATE_EPOCH" +%Y%m%d%H%M.%S)" "$stage"/*
fi
# Sorted (C locale): LICENSE, README.md, sitegen[.exe].
entries=(LICENSE README.md "$exe")

rm -f "$outdir/$archive" "$outdir/$archive.sha256"
case "$archive" in
  *.zip)
    if command -v zip >/dev/null 2>&1; then
      # -X: no extra attributes (uid/gid, extended times), which differ between machines.
      (cd "$stage" && zip -q -X "$outdir/$archive" "${entries[@]}")
    elif command -v 7z >/dev/null 2>&1; then
      (cd "$stage" && 7z a -tzip -bd "$outdir/$archive" "${entries[@]}" >/dev/null)
    else
      die "making a .zip needs zip or 7z"
    fi
    ;;
  *)
    if tar --version 2>/dev/null | grep -q 'GNU tar'; then
      tar_flags=(--format=ustar --owner=0 --group=0 --numeric-owner)
    else
      # bsdtar (macOS); COPYFILE_DISABLE keeps macOS's ._ metadata files out.
      export COPYFILE_DISABLE=1
      tar_flags=(--format=ustar --uid 0 --gid 0 --numeric-owner)
    fi
    # gzip's default level: -9 saves under 1 % on sitegen for three times the time.
    (cd "$stage" && tar "${tar_flags[@]}" -cf - "${entries[@]}") | gzip -n >"$outdir/$archive"
    ;;
esac

# Only the hash is taken from the tool (shasum on macOS without coreutils); the line is
# written here so that it reads "<hex>  <name>" on every platform (no "*" binary marker).
if command -v sha256sum >/dev/null 2>&1; then
  hash="$(cd "$outdir" && sha256sum "$archive")"
elif command -v shasum >/dev/null 2>&1; then
  hash="$(cd "$outdir" && shasum -a 256 "$archive")"
else
  die "needs sha256sum or shasum"
fi
hash="${hash%% *}"
[[ "$hash" =~ ^[0-9a-f]{64}$ ]] || die "could not hash $archive (got: $hash)"
printf '%s  %s\n' "$hash" "$archive" >"$outdir/$archive.sha256"
echo "$outdir/$archive"
echo "$outdir/$archive.sha256: $hash"
