#!/usr/bin/env bash
# The case writer alone under callgrind (issue #13): `case-writer` from each DIR writes ROUNDS
# batches of 16 intakes into a fresh copy of the grown district (after 50 batches outside
# valgrind, so the schema is migrated and the pages it writes are in place), and the instructions
# spent in the writer's batches are printed. Instruction counts repeat to a few in ten thousand
# whatever else the machine does, so two builds' writers compare exactly.
#
#   bench/cases/writer.sh ROUNDS DIR...
#   bench/cases/writer.sh 100 /tmp/before/release /work/target-bench-main/release
#
# The district is grown as in queues.sh (CASES, default 1,000,000). Needs valgrind.
set -euo pipefail
source "$(dirname "$0")/common.sh"
rounds=$1
shift
cases=${CASES:-1000000}
work=$(mktemp -d /tmp/quanke-writer.XXXXXX)
trap 'rm -rf "$work"' EXIT

for dir in "$@"; do
  url=$(grown sqlite "$cases")
  "$dir/case-writer" "$url" --rounds 50 >/dev/null
  valgrind --tool=callgrind --callgrind-out-file="$work/out" \
    "$dir/case-writer" "$url" --rounds "$rounds" --batch 16 2>/dev/null
  n=$(callgrind_annotate --inclusive=yes "$work/out" | grep 'cases::writer::run::{{closure}}' |
    awk '{ gsub(",", "", $1); print $1 }')
  echo "writer[$dir] instructions=$n per_case=$((n / (rounds * 16)))"
done
