#!/usr/bin/env bash
# Neither the prefilter, the block size nor the thread count may change a
# single byte of output: run figex over every golden input, the seed
# letters, and variants made to stress the prefilter (all upper case, CRLF
# line ends, wrapped at 23 columns, invalid UTF-8 and KELVIN SIGN / LONG S
# spellings), with the prefilter off at the default block size as the
# reference, and compare each other way of running it; then all of them
# together, eight times over, read in large blocks.
#   invariance.sh FIGEX SOURCE_DIR
set -euo pipefail
figex=$1
src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
inputs=()
for f in "$src"/golden/*/input.txt "$src"/../shared/seeds/*.txt; do
  [ -f "$f" ] && inputs+=("$f")
done
cat "${inputs[@]}" > "$work/all.txt"
tr '[:lower:]' '[:upper:]' < "$work/all.txt" > "$work/upper.txt"
sed 's/$/\r/' "$work/all.txt" > "$work/crlf.txt"
fold -s -w 23 "$work/all.txt" > "$work/narrow.txt"
# Bytes that are not UTF-8, and characters PCRE2 folds with k and s.
sed -e 's/ the / \xff\xfe the /g' -e 's/ss/\xc5\xbfs/g' \
    -e 's/k/\xe2\x84\xaa/g' "$work/all.txt" > "$work/odd.txt"
inputs+=("$work/upper.txt" "$work/crlf.txt" "$work/narrow.txt" "$work/odd.txt")
fail=0
checked=0
rows=0
# compare FILE WAY...: figex run each WAY over FILE gives the reference's
# rows (one thread, no prefilter).
compare() {
  local f=$1 way
  shift
  "$figex" --no-prefilter "$f" > "$work/ref.csv" 2> /dev/null || true
  rows=$((rows + $(wc -l < "$work/ref.csv")))
  for way in "$@"; do
    # shellcheck disable=SC2086
    "$figex" $way "$f" > "$work/way.csv" 2> /dev/null || true
    checked=$((checked + 1))
    if ! cmp -s "$work/ref.csv" "$work/way.csv"; then
      echo "FAIL: $f with $way: other rows than one thread, no prefilter:"
      diff "$work/ref.csv" "$work/way.csv" | head -5
      fail=1
    fi
  done
}
for f in "${inputs[@]}"; do
  compare "$f" "--block-size 1M" "--block-size 4096" "--block-size 61" \
    "--no-prefilter --block-size 61" "-j 2" "-j 3 --block-size 61"
done
# Text that arrives in large blocks is scanned for literals in parts, one
# per thread: a bigger input, read a MiB or more at a time.
for i in 1 2 3 4 5 6 7 8; do cat "${inputs[@]}"; done > "$work/big.txt"
compare "$work/big.txt" "--block-size 1M" "-j 2 --block-size 1M" \
  "-j 3 --block-size 4M"
echo "invariance: $checked runs compared with the reference ($rows rows)"
exit $fail
