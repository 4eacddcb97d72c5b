#!/usr/bin/env bash
# Says whether two DebVisor ISOs are bit-identical and, if not, which files inside differ
# (and which files inside the live filesystem, when that differs). usage: compare-builds.sh A.iso B.iso
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 A.iso B.iso" >&2; exit 2; }
a=$1; b=$2
if cmp -s "$a" "$b"; then echo "identical: $(sha256sum "$a" | cut -d' ' -f1)"; exit 0; fi
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
for side in a b; do
  iso=$a; [ $side = b ] && iso=$b
  xorriso -osirrox on -indev "$iso" -extract / "$work/$side" >/dev/null 2>&1
  (cd "$work/$side" && find . -type f -print0 | sort -z | xargs -0 sha256sum) > "$work/$side.sums"
done
echo "the ISOs differ; files inside that differ:"
{ diff "$work/a.sums" "$work/b.sums" || true; } | sed -n 's/^[<>] [0-9a-f]*  \.\//  /p' | sort -u
if ! cmp -s "$work/a/live/filesystem.squashfs" "$work/b/live/filesystem.squashfs"; then
  echo "files inside live/filesystem.squashfs that differ:"
  for side in a b; do
    unsquashfs -q -d "$work/$side-fs" "$work/$side/live/filesystem.squashfs" >/dev/null
    (cd "$work/$side-fs" && find . -type f -print0 | sort -z | xargs -0 sha256sum) > "$work/$side-fs.sums"
  done
  { diff "$work/a-fs.sums" "$work/b-fs.sums" || true; } | sed -n 's/^[<>] [0-9a-f]*  \.\//  /p' | sort -u
  # Same contents can still make different images: owners, modes, sizes and times.
  for side in a b; do unsquashfs -lln "$work/$side/live/filesystem.squashfs" | sed 1,3d > "$work/$side-fs.meta"; done
  if ! cmp -s "$work/a-fs.meta" "$work/b-fs.meta"; then
    echo "metadata inside live/filesystem.squashfs that differ (mode, owner, size, time, path; first 40 lines):"
    { diff "$work/a-fs.meta" "$work/b-fs.meta" || true; } | grep '^[<>]' | head -40 | sed 's/^/  /'
  fi
fi
for side in a b; do
  iso=$a; [ $side = b ] && iso=$b
  xorriso -indev "$iso" -find / -exec lsdl 2>/dev/null | sort > "$work/$side.meta"
done
if ! cmp -s "$work/a.meta" "$work/b.meta"; then
  echo "metadata of files in the ISO that differ (first 40 lines):"
  { diff "$work/a.meta" "$work/b.meta" || true; } | grep '^[<>]' | head -40 | sed 's/^/  /'
fi
exit 1
