#!/usr/bin/env bash
# Case queues and case search at district scale (issue #13). For each database: a fresh demo
# street (for the catalogue), grown by `case-base` to CASES cases over 10 streets, 100
# communities and 1,000 workers (a fifth of the cases in one community, S01C01), then served by
# `quanke serve` (release) and read by `case-queues` at CLIENTS clients for SECONDS.
#
#   bench/cases/queues.sh [CASES] [CLIENTS] [SECONDS] [DATABASES]
#   bench/cases/queues.sh 1000000 4 20 "sqlite postgres"      # the issue's bar
#
# The grown database stays in the printed directory (SQLite) or in quanke_bench_cases
# (PostgreSQL) until the next run.
set -euo pipefail
source "$(dirname "$0")/common.sh"
cases=${1:-1000000}
clients=${2:-4}
seconds=${3:-20}
databases=${4:-"sqlite postgres"}
build
trap stop_server EXIT
for kind in $databases; do
  dir=$(mktemp -d /tmp/quanke-queues.XXXXXX)
  url=$(fresh_db "$kind" "$dir")
  port=$(free_port)
  start_server demo "$url" "$dir" "$port"
  stop_server
  "$bin/case-base" "$url" --cases "$cases" --big $((cases / 5)) >"$dir/tokens"
  # A million rows loaded in two minutes is ahead of autovacuum's statistics; a live database
  # grows slowly and is analysed as it goes (SQLite's are kept by the server: `Db::optimize`).
  if [ "$kind" = postgres ]; then psql -q "$url" -c "ANALYZE"; fi
  start_server serve "$url" "$dir" "$port"
  echo "== $kind ($dir): $cases cases, $clients clients, $seconds s"
  "$bin/case-queues" "http://127.0.0.1:$port" --tokens "$dir/tokens" \
    --clients "$clients" --seconds "$seconds"
  stop_server
done
