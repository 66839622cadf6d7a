#!/usr/bin/env bash
# Run the golden cases and compare their output with the expected files.
#
#   scripts/golden.sh [--update] [CASE...]
#
# Each golden/CASE/ holds `args` (the figex arguments, paths relative to the
# repository root), an input text, `expected.csv` (or expected.tsv when the
# args ask for TSV), and optionally `expected.stderr` and `expected.exit`
# (default 0).  Cases whose args name a file under ../shared that is not
# there are reported as skipped.  With FIGEX_BLOCK_SIZES="1 7 64" each case
# also runs with those --block-size values and must give the same bytes.
# Actual outputs are kept in $GOLDEN_OUT (default build/golden-out).
set -uo pipefail
cd "$(dirname "$0")/.."
figex=${FIGEX:-build/figex}
out_root=${GOLDEN_OUT:-build/golden-out}
update=0
if [ "${1:-}" = "--update" ]; then update=1; shift; fi
cases=("$@")
if [ ${#cases[@]} -eq 0 ]; then
  for d in golden/*/; do cases+=("$(basename "$d")"); done
fi
passed=0 failed=0 skipped=0
for c in "${cases[@]}"; do
  dir=golden/$c
  read -r -a args < "$dir/args"
  missing=""
  for a in "${args[@]}"; do
    case $a in ../shared/*) [ -e "$a" ] || missing=$a ;; esac
  done
  if [ -n "$missing" ]; then
    echo "SKIP $c: $missing is not present"; skipped=$((skipped + 1)); continue
  fi
  ext=csv
  for a in "${args[@]}"; do [ "$a" = tsv ] && ext=tsv; done
  out=$out_root/$c
  mkdir -p "$out"
  "$figex" "${args[@]}" > "$out/actual.$ext" 2> "$out/actual.stderr"
  echo $? > "$out/actual.exit"
  if [ $update = 1 ]; then
    cp "$out/actual.$ext" "$dir/expected.$ext"
    if [ -s "$out/actual.stderr" ]; then cp "$out/actual.stderr" "$dir/expected.stderr"
    else rm -f "$dir/expected.stderr"; fi
    if [ "$(cat "$out/actual.exit")" != 0 ]; then cp "$out/actual.exit" "$dir/expected.exit"
    else rm -f "$dir/expected.exit"; fi
    echo "UPDATED $c"; continue
  fi
  ok=1
  cmp -s "$dir/expected.$ext" "$out/actual.$ext" || {
    echo "FAIL $c: output differs from $dir/expected.$ext:"
    diff "$dir/expected.$ext" "$out/actual.$ext" | head -20; ok=0; }
  exp_err=/dev/null; [ -f "$dir/expected.stderr" ] && exp_err=$dir/expected.stderr
  cmp -s "$exp_err" "$out/actual.stderr" || {
    echo "FAIL $c: stderr differs:"; diff "$exp_err" "$out/actual.stderr" | head -20; ok=0; }
  exp_exit=0; [ -f "$dir/expected.exit" ] && exp_exit=$(cat "$dir/expected.exit")
  [ "$exp_exit" = "$(cat "$out/actual.exit")" ] || {
    echo "FAIL $c: exit $(cat "$out/actual.exit"), expected $exp_exit"; ok=0; }
  for bs in ${FIGEX_BLOCK_SIZES:-}; do
    "$figex" --block-size "$bs" "${args[@]}" > "$out/actual-$bs.$ext" 2>/dev/null
    cmp -s "$dir/expected.$ext" "$out/actual-$bs.$ext" || {
      echo "FAIL $c: --block-size $bs gives different bytes"; ok=0; }
  done
  if [ $ok = 1 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
done
[ $update = 1 ] && exit 0
echo "golden: $passed passed, $failed failed, $skipped skipped"
[ $failed = 0 ]
