#!/usr/bin/env bash
# The prefilter must not change a single byte of output: run figex with
# and without it over every golden input, the seed letters, and variants
# made to stress it (all upper case, CRLF line ends, wrapped at 23
# columns, invalid UTF-8 and KELVIN SIGN / LONG S spellings), at several
# block sizes, and compare.
#   prefilter-equivalence.sh FIGEX SOURCE_DIR
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
for f in "${inputs[@]}"; do
  for bs in 1M 4096 61; do
    "$figex" --block-size "$bs" "$f" > "$work/on.csv" 2> /dev/null || true
    "$figex" --no-prefilter --block-size "$bs" "$f" > "$work/off.csv" \
      2> /dev/null || true
    checked=$((checked + 1))
    if ! cmp -s "$work/on.csv" "$work/off.csv"; then
      echo "FAIL: $f --block-size $bs: the prefilter changes the rows:"
      diff "$work/off.csv" "$work/on.csv" | head -5
      fail=1
    fi
  done
done
rows=$(wc -l < "$work/on.csv")
echo "prefilter-equivalence: $checked runs compared ($rows rows in the last)"
exit $fail
