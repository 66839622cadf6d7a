#!/usr/bin/env bash
# The install test (ctest -L install): what a user gets from
# `cmake --install`, checked the way a user would use it.
#
#   tests/install.sh BUILD SOURCE CC [CFLAGS]
#
# installs BUILD into a scratch prefix (BUILD/install-test/prefix), then
#   1. checks the installed files, the shared library's soname and that it
#      exports exactly the FX_API functions of figex.h;
#   2. runs the installed figex, which must find its rules in the prefix;
#   3. builds examples/scan.c with `pkg-config --cflags --libs figex`,
#      shared and static, and with find_package(figex) (examples/
#      CMakeLists.txt), and requires each to print what the installed
#      figex prints for the same text;
#   4. renders both man pages without a warning and checks that figex.1
#      names every option and command that `figex --help` lists.
# CFLAGS (the sanitizer flags of a FIGEX_SANITIZE build) go to every
# compile of the example, whose objects must match the library's.
# Everything is kept under BUILD/install-test for a look after a failure.
set -euo pipefail

if [ $# -lt 3 ]; then
  echo "usage: tests/install.sh BUILD SOURCE CC [CFLAGS]" >&2
  exit 2
fi
build=$(cd "$1" && pwd)
source=$(cd "$2" && pwd)
cc=$3
read -r -a sanitize <<<"${4:-}"
cflags=(-std=c11 -Wall -Wextra -Werror -pedantic "${sanitize[@]}")

work=$build/install-test
prefix=$work/prefix
rm -rf "$work"
mkdir -p "$work"
checks=0
failures=0

fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}
pass() {
  checks=$((checks + 1))
}
# check DESCRIPTION COMMAND...: run COMMAND, count a failure if it fails.
check() {
  local what=$1
  shift
  if "$@"; then pass; else fail "$what"; fi
}

# logged LOG COMMAND...: run a step whose output only matters when it
# fails; then show it and stop, since the later steps need its result.
logged() {
  local log=$1
  shift
  if ! "$@" >"$log" 2>&1; then
    echo "FAIL: $*" >&2
    cat "$log" >&2
    exit 1
  fi
}

echo "== install into $prefix"
logged "$work/install.log" cmake --install "$build" --prefix "$prefix"

echo "== installed files"
for f in bin/figex include/figex.h lib/pkgconfig/figex.pc lib/libfigex.a \
         lib/libfigex.so lib/libfigex.so.0 share/man/man1/figex.1 \
         share/man/man5/figex-rules.5 lib/cmake/figex/figex-config.cmake \
         lib/cmake/figex/figex-config-version.cmake \
         lib/cmake/figex/figex-targets.cmake; do
  check "missing $f" test -e "$prefix/$f"
done
rules=("$prefix"/share/figex/rules/*.rules)
check "no share/figex/rules/*.rules" test -e "${rules[0]}"
check "rules/agencies.tsv not installed beside the rules" \
  test -e "$prefix/share/figex/rules/agencies.tsv"
# The only header: module headers are never API.
headers=$(cd "$prefix/include" && find . -type f | sort)
check "include/ holds more than figex.h: $headers" \
  test "$headers" = "./figex.h"

soname=$(readelf -d "$prefix/lib/libfigex.so" |
         sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
check "soname is '$soname', expected libfigex.so.0" \
  test "$soname" = "libfigex.so.0"

# Exactly the functions declared FX_API in figex.h, nothing internal.
nm -D --defined-only "$prefix/lib/libfigex.so" | awk '{print $3}' |
  sort >"$work/exported.txt"
grep -E '^FX_API ' "$prefix/include/figex.h" |
  sed -E 's/^[^(]*[ *](fx_[a-z0-9_]+)\(.*/\1/' | sort >"$work/declared.txt"
if diff -u "$work/declared.txt" "$work/exported.txt" >"$work/symbols.diff"
then
  pass
else
  fail "libfigex.so exports other symbols than figex.h's FX_API" \
    "functions (- declared only, + exported only):"
  sed 1,2d "$work/symbols.diff" | grep '^[-+]' >&2
fi
check "figex.h declares fewer than 20 FX_API functions (parse error?)" \
  test "$(wc -l <"$work/declared.txt")" -ge 20

echo "== the installed figex"
figex=$prefix/bin/figex
version=$("$figex" --version)
pc_version=$(sed -n 's/^Version: //p' "$prefix/lib/pkgconfig/figex.pc")
check "figex --version printed '$version', figex.pc says $pc_version" \
  test "$version" = "figex $pc_version"
# From the prefix, the rules it loads by default are the installed ones,
# named relative to the working directory.
(cd "$prefix" && bin/figex --list-rules) >"$work/list-rules.tsv"
outside=$(awk -F'\t' \
  'NR > 1 && $4 !~ /^share\/figex\/rules\/[a-z]+\.rules:[0-9]+$/' \
  "$work/list-rules.tsv")
check "figex from the prefix loads rules from elsewhere: $outside" \
  test -z "$outside"
check "figex --list-rules listed no rules" \
  test "$(wc -l <"$work/list-rules.tsv")" -gt 10

# A short press release with facts of every type; the five checked below
# are the plainest the bundled rules promise in their examples.
sample=$work/sample.txt
cat >"$sample" <<'EOF'
WASHINGTON, January 18, 2022 - The Federal Bureau of Investigation (FBI)
opened more than 300,000 investigations last year, Director Christopher
Wray said.  Since 1998 the FBI has received 6.5 million reports.
EOF
(cd "$work" && "$figex" -f tsv - <"$sample") >"$work/figex.tsv"
# type and value of each row, for the facts checked below.
cut -f6,8 "$work/figex.tsv" >"$work/figex-values.tsv"
for fact in "agency	Federal Bureau of Investigation" "date	2022-01-18" \
            "date	1998" "statistic	300000" "statistic	6500000"; do
  check "the installed figex missed '$fact' in the sample" \
    grep -qxF "$fact" "$work/figex-values.tsv"
done
# The --count lines the example must print for the same text.
for t in agency official date statistic; do
  n=$(cut -f6 "$work/figex.tsv" | grep -cx "$t" || true)
  printf '%-10s %s\n' "$t" "$n"
done >"$work/figex-counts.txt"

# The rows of a TSV file, each rule_source cut to "date.rules:12".
rule_file_names() {
  awk -F'\t' -v OFS='\t' 'NR > 1 { sub(/.*\//, "", $19) } 1' "$1"
}

# run_example NAME BINARY: the example must print figex's rows and counts.
run_example() {
  local name=$1 binary=$2
  local status=0
  "$binary" <"$sample" >"$work/$name.tsv" 2>"$work/$name.stderr" ||
    status=$?
  if [ "$status" -ne 0 ] || [ -s "$work/$name.stderr" ]; then
    fail "$name exited with status $status on the sample:"
    cat "$work/$name.stderr" >&2
    return
  fi
  # rule_source names the same rule file by another path (the example's
  # comes from pkg-config or CMake): compare its file name and line.
  if diff <(rule_file_names "$work/figex.tsv") \
          <(rule_file_names "$work/$name.tsv") >"$work/$name.diff"; then
    pass
  else
    fail "$name printed other rows than figex -f tsv:"
    head -20 "$work/$name.diff" >&2
  fi
  # The arguments as text, and a custom sink.
  "$binary" --count "$(cat "$sample")" >"$work/$name-counts.txt" ||
    fail "$name --count exited with status $?"
  if cmp -s "$work/figex-counts.txt" "$work/$name-counts.txt"; then
    pass
  else
    fail "$name --count disagrees with figex's rows:"
    diff "$work/figex-counts.txt" "$work/$name-counts.txt" >&2
  fi
}

# needs BINARY LIB: whether BINARY was linked against shared LIB.
needs() {
  readelf -d "$1" | grep -q "(NEEDED).*\[$2\]"
}

echo "== the example through pkg-config"
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
check "pkg-config --modversion figex is not $version" \
  test "figex $(pkg-config --modversion figex)" = "$version"
rulesdir=$(pkg-config --variable=rulesdir figex)
installed_rules=$(cd "$prefix/share/figex/rules" && pwd -P)
check "pkg-config's rulesdir $rulesdir is not the installed rules" \
  test "$(cd "$rulesdir" && pwd -P)" = "$installed_rules"
read -r -a pc_cflags <<<"$(pkg-config --cflags figex)"
read -r -a pc_libs <<<"$(pkg-config --libs figex)"
libdir=$(pkg-config --variable=libdir figex)
"$cc" "${cflags[@]}" "${pc_cflags[@]}" -DFIGEX_RULES_DIR="\"$rulesdir\"" \
  "$source/examples/scan.c" -o "$work/scan-pc" "${pc_libs[@]}" \
  -Wl,-rpath,"$libdir"
check "scan-pc is not linked against libfigex.so.0" \
  needs "$work/scan-pc" libfigex.so.0
run_example scan-pc "$work/scan-pc"

# Static: libfigex.a, with what `pkg-config --static` adds for it.
read -r -a pc_static <<<"$(pkg-config --static --libs figex)"
"$cc" "${cflags[@]}" "${pc_cflags[@]}" -DFIGEX_RULES_DIR="\"$rulesdir\"" \
  "$source/examples/scan.c" -o "$work/scan-pc-static" \
  "${pc_static[@]/#-lfigex/-l:libfigex.a}"
check "scan-pc-static is linked against libfigex.so" \
  bash -c "! readelf -d '$work/scan-pc-static' | grep -q libfigex"
run_example scan-pc-static "$work/scan-pc-static"

echo "== the example through find_package(figex)"
logged "$work/cmake-configure.log" \
  cmake -S "$source/examples" -B "$work/cmake" -DCMAKE_C_COMPILER="$cc" \
  -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_C_FLAGS="${cflags[*]}"
figex_dir=$(sed -n 's/^figex_DIR:PATH=//p' "$work/cmake/CMakeCache.txt")
check "find_package(figex) found $figex_dir, not the install" \
  test "$figex_dir" = "$prefix/lib/cmake/figex"
logged "$work/cmake-build.log" cmake --build "$work/cmake"
check "scan (figex::figex) is not linked against libfigex.so.0" \
  needs "$work/cmake/scan" libfigex.so.0
run_example scan-cmake "$work/cmake/scan"
check "scan-static (figex::figex_static) is linked against libfigex.so" \
  bash -c "! readelf -d '$work/cmake/scan-static' | grep -q libfigex"
run_example scan-cmake-static "$work/cmake/scan-static"

echo "== man pages"
# render PAGE: the page as plain text, as man shows it in 80 columns,
# without hyphenation so that options are never split; any warning fails.
render() {
  local page=$1 out=$work/$(basename "$1").txt
  MANWIDTH=80 LC_ALL=C.UTF-8 man --warnings --no-hyphenation -l -Tutf8 \
    "$page" 2>"$work/man.stderr" | sed 's/.\x08//g' >"$out"
  if [ -s "$work/man.stderr" ]; then
    fail "man $(basename "$page") warns:"
    cat "$work/man.stderr" >&2
  elif [ "$(wc -l <"$out")" -lt 50 ]; then
    fail "man $(basename "$page") rendered only $(wc -l <"$out") lines"
  else
    pass
  fi
}
render "$prefix/share/man/man1/figex.1"
render "$prefix/share/man/man5/figex-rules.5"
page=$work/figex.1.txt
footer=$(tail -n 1 "$page")
check "figex.1's footer '$footer' does not name $version" \
  grep -q "^$version " <<<"$footer"
footer=$(tail -n 1 "$work/figex-rules.5.txt")
check "figex-rules.5's footer '$footer' does not name $version" \
  grep -q "^$version " <<<"$footer"

# Every option of `figex --help` and of each command's --help: its long
# name, and "-x, --long" when it has a short one.
"$figex" --help >"$work/help.txt"
"$figex" test --help >"$work/help-test.txt"
"$figex" score --help >"$work/help-score.txt"
cat "$work"/help*.txt | grep -oE '^ +(-[A-Za-z], )?--[a-z][a-z-]*' |
  sed 's/^ *//' | sort -u >"$work/options.txt"
check "figex --help lists no options" test -s "$work/options.txt"
while read -r option; do
  check "figex.1 does not document '$option'" \
    grep -qE -- "(^|[^-a-z])$option([^-a-z]|\$)" "$page"
done <"$work/options.txt"
# The commands of the usage line: "figex [OPTION?] [FILE...] | check ...".
commands=$(sed -n '/^Usage:/,/^$/p' "$work/help.txt" | tr '\n' ' ' |
           grep -oE '\| *[a-z]+' | grep -oE '[a-z]+' || true)
check "figex --help names no commands" test -n "$commands"
for command in $commands; do
  check "figex.1 does not document 'figex $command'" \
    grep -q "^       figex $command" "$page"
done

echo "install: $checks passed, $failures failed"
[ "$failures" -eq 0 ]
