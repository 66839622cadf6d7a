#!/usr/bin/env bash
# figex's CSV and TSV, as other tools read them: csvkit's csvstat, the
# SQLite shell's .import and Miller.  Each must see the 19 columns and
# every row; SQLite must take start_byte for integers; Miller's records
# (read from the TSV) must hold the cells Python's csv module reads from
# the CSV.
#
#   tests/interop/csv-tools.sh FIGEX SOURCE_DIR
set -euo pipefail
figex=$1
cd "$2"
for tool in csvstat sqlite3 mlr python3; do
  if ! command -v "$tool" >/dev/null; then
    echo "SKIP: $tool is not installed (scripts/deps installs it)"
    exit 77
  fi
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() {
  echo "FAIL: $*" >&2
  exit 1
}

"$figex" --glob input.txt golden >"$work/out.csv"
"$figex" -f tsv --glob input.txt golden >"$work/out.tsv"
# A TSV row is always one line, so its line count is the row count.
rows=$(($(wc -l <"$work/out.tsv") - 1))
[ "$rows" -gt 500 ] || fail "only $rows rows from the golden inputs"
sum=$(awk -F '\t' 'NR > 1 { s += $2 } END { print s }' "$work/out.tsv")

# csvkit: sniffing off, so that it reads the file as plain RFC 4180.
csvstat --snifflimit 0 "$work/out.csv" >"$work/stat.txt" ||
  fail "csvstat exited with $?"
cols=$(grep -cE '^ *[0-9]+\. "' "$work/stat.txt")
[ "$cols" -eq 19 ] || fail "csvstat reports $cols columns, not 19"
echo "csvstat: $cols columns"

got=$(sqlite3 -batch :memory: ".import --csv $work/out.csv rows" \
  "select count(*) from pragma_table_info('rows');" \
  "select count(*) from rows;" \
  "select typeof(sum(start_byte)) || ' ' || sum(start_byte) from rows;")
want=$(printf '19\n%s\ninteger %s' "$rows" "$sum")
[ "$got" = "$want" ] ||
  fail "sqlite3 read columns, rows, sum: $(echo $got), expected $(echo $want)"
echo "sqlite3: 19 columns, $rows rows, start_byte sums to the integer $sum"

mlr -S --itsv --ojson cat "$work/out.tsv" >"$work/out.json"
python3 - "$work/out.csv" "$work/out.json" "$rows" <<'PY' || fail "miller"
import csv, json, sys
with open(sys.argv[1], newline="", encoding="utf-8") as f:
    table = list(csv.reader(f))
with open(sys.argv[2], encoding="utf-8") as f:
    records = json.load(f)
header, body = table[0], table[1:]
assert len(records) == int(sys.argv[3]) == len(body), (len(records), len(body))
for n, (rec, row) in enumerate(zip(records, body), 2):
    assert list(rec) == header, ("columns", n, list(rec))
    assert [str(v) for v in rec.values()] == row, ("cells", n, rec, row)
print(f"mlr: {len(records)} records, every cell as in the CSV")
PY
echo "ok: csvstat, sqlite3 and mlr read figex's output"
