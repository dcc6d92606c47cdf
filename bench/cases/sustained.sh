#!/usr/bin/env bash
# Sustained intake at district scale (issue #13): the bare insert app (bench/src/bin/bare-insert.rs)
# for BARE_SECONDS, then `quanke serve` on a database already holding CASES cases (grown by
# `case-base` as in queues.sh) under wrk for SECONDS, both at CLIENTS keep-alive clients with the
# same body; prints each one's summary line (rate, p50/p99/p99.9/max, answers over 1 s, errors) and
# intake's rate as a share of the bare app's.
#
#   bench/cases/sustained.sh [SECONDS] [CLIENTS] [CASES] [DATABASES]
#   bench/cases/sustained.sh 600 16 1000000 "sqlite postgres"    # the issue's bar
#
# The grown database is kept between runs and copied afresh for each (see `grown` in
# common.sh; FRESH=1 grows it again). Needs wrk.
set -euo pipefail
source "$(dirname "$0")/common.sh"
seconds=${1:-600}
clients=${2:-16}
cases=${3:-1000000}
databases=${4:-"sqlite postgres"}
bare_seconds=${BARE_SECONDS:-60}
export REPORT_LUA="$root/bench/cases/report.lua"
[ "${SKIP_BUILD:-}" = 1 ] || build
bare_pid=
trap 'stop_server; [ -z "$bare_pid" ] || kill "$bare_pid" 2>/dev/null || true' EXIT

rate_of() { grep '^summary ' "$1" | tr ' ' '\n' | grep '^rate=' | cut -d= -f2; }

for kind in $databases; do
  mkdir -p "$keep"
  work=$(mktemp -d /tmp/quanke-bare.XXXXXX)
  if [ "$kind" = sqlite ]; then bare_url="sqlite:$work/bare.db"; else bare_url=$(fresh_db postgres "$work"); fi
  port=$(free_port)
  "$bin/bare-insert" "$bare_url" "127.0.0.1:$port" & bare_pid=$!
  until curl -s -o /dev/null "http://127.0.0.1:$port/"; do sleep 0.1; done
  echo "== $kind, bare insert app, $clients clients, ${bare_seconds}s"
  wrk -t2 -c"$clients" -d"${bare_seconds}s" --timeout 10s -s "$root/bench/cases/bare.lua" \
    "http://127.0.0.1:$port" | tee "$keep/$kind-bare.txt" | grep '^summary'
  kill "$bare_pid"; wait "$bare_pid" 2>/dev/null || true; bare_pid=
  rm -rf "$work"

  url=$(grown "$kind" "$cases")
  dir=$keep/$kind
  port=$(free_port)
  start_server serve "$url" "$dir" "$port"
  token=$("$bin/quanke" api token add qiantai --name 压测 --database "$url" 2>/dev/null)
  export APPLICANTS; APPLICANTS=$(applicants "$url")
  echo "== $kind, intake at $cases cases, $clients clients, ${seconds}s"
  TOKEN=$token wrk -t2 -c"$clients" -d"${seconds}s" --timeout 10s -s "$root/bench/cases/intake.lua" \
    "http://127.0.0.1:$port" | tee "$dir/intake.txt" | grep '^summary'
  stop_server
  awk -v a="$(rate_of "$dir/intake.txt")" -v b="$(rate_of "$keep/$kind-bare.txt")" \
    'BEGIN { if (b > 0) printf "intake / bare = %.0f %%\n", 100 * a / b }'
done
