#!/usr/bin/env bash
# GNU parallel --pipe cuts a lines-format input at line ends wherever its
# 1 MB blocks fall, and runs one figex per piece.  With -k the pieces'
# rows come back in input order, so, header lines aside, they must be the
# rows of a single figex over the whole input, byte for byte.
#
#   tests/interop/gnu-parallel.sh FIGEX SOURCE_DIR
set -euo pipefail
figex=$1
cd "$2"
if ! parallel --version 2>/dev/null | grep -q '^GNU parallel'; then
  echo "SKIP: GNU parallel is not installed (scripts/deps installs it)"
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# One document per line, named by its golden case: the TABs and line
# breaks inside a document become spaces.  Copies of the set, their ids
# numbered, make a multi-megabyte input that needs several blocks.
for f in golden/*/input.txt; do
  printf '%s\t' "$(basename "$(dirname "$f")")"
  tr '\t\r\n' '   ' <"$f"
  echo
done >"$work/set.lines"
awk -v copies=70 '{ doc[NR] = $0 }
  END { for (c = 1; c <= copies; c++)
          for (i = 1; i <= NR; i++) print c "/" doc[i] }' \
  "$work/set.lines" >"$work/all.lines"
size=$(wc -c <"$work/all.lines")
if [ "$size" -lt $((3 << 20)) ]; then
  echo "FAIL: the generated input has only $size bytes" >&2
  exit 1
fi

"$figex" --input-format lines <"$work/all.lines" >"$work/one.csv"
parallel --will-cite --pipe -j 4 --block 1M -k -q \
  "$figex" --input-format lines <"$work/all.lines" >"$work/parallel.csv"

header=$(head -n 1 "$work/one.csv")
jobs=$(grep -cxF -- "$header" "$work/parallel.csv")
grep -vxF -- "$header" "$work/one.csv" >"$work/one.rows"
grep -vxF -- "$header" "$work/parallel.csv" >"$work/parallel.rows"
rows=$(wc -l <"$work/one.rows")
echo "input: $size bytes in $(wc -l <"$work/all.lines") documents;" \
  "parallel ran $jobs jobs; $rows rows"
if [ "$jobs" -lt 3 ] || [ "$rows" -lt 10000 ]; then
  echo "FAIL: expected at least 3 jobs and 10000 rows" >&2
  exit 1
fi
if ! cmp "$work/one.rows" "$work/parallel.rows"; then
  diff "$work/one.rows" "$work/parallel.rows" | head -20 >&2
  echo "FAIL: parallel's rows differ from one process's" >&2
  exit 1
fi
echo "ok: the rows of parallel --pipe -j 4 --block 1M -k match one figex"
