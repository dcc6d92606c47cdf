#!/usr/bin/env bash
# Grid work's pages through HTTP at street scale (issue #15): for each database, a street filled
# by `registry-search` (RESIDENTS people, about 2.8 to a household: 280,000 make some 100,000
# households) and `grid-pages setup` (VISITS visits over a year, 5,000 businesses), kept
# between runs (SQLite /tmp/quanke-grid/quanke.db, PostgreSQL quanke_bench_grid), and
# `grid-pages events` (EVENTS events, default 50,000: the issue's bar); then
# `quanke serve` (release) and `grid-pages` at CLIENTS clients for SECONDS.
#
#   bench/grid/pages.sh [RESIDENTS] [VISITS] [CLIENTS] [SECONDS] [DATABASES]
#   bench/grid/pages.sh 280000 1000000 4 20 "sqlite postgres"      # the issue's bar
#
# FRESH=1 drops the kept databases first; SKIP_BUILD=1 uses the binaries as built.
set -euo pipefail
source "$(dirname "$0")/../cases/common.sh"
residents=${1:-280000}
visits=${2:-1000000}
clients=${3:-4}
seconds=${4:-20}
databases=${5:-"sqlite postgres"}
events=${EVENTS:-50000}
pg_db=quanke_bench_grid
dir=/tmp/quanke-grid
[ -n "${SKIP_BUILD:-}" ] || build
mkdir -p "$dir"
trap stop_server EXIT
for kind in $databases; do
  case "$kind" in
    sqlite) url="sqlite:$dir/quanke.db"; done_mark="$dir/filled-sqlite" ;;
    postgres) url="$pg_server/$pg_db"; done_mark="$dir/filled-postgres" ;;
    *) echo "unknown database kind $kind" >&2; exit 1 ;;
  esac
  if [ -n "${FRESH:-}" ] || [ ! -f "$done_mark" ]; then
    rm -f "$done_mark"
    if [ "$kind" = sqlite ]; then rm -f "$dir"/quanke.db*; else
      psql -q "$pg_server/postgres" -c "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" >/dev/null
      psql -q "$pg_server/postgres" -c "CREATE DATABASE $pg_db" >/dev/null
      # registry-search keeps the people it made beside the database, by name.
      rm -f "/tmp/$pg_db.sample.tsv"
    fi
    "$bin/registry-search" "$url" "$residents" 10 >"$dir/fill-$kind.log"
    "$bin/grid-pages" setup "$url" "$visits" | tee -a "$dir/fill-$kind.log"
    "$bin/grid-pages" events "$url" "$events" | tee -a "$dir/fill-$kind.log"
    # What autovacuum does on a server (it is off on this machine): visibility for index-only
    # scans, and statistics.
    if [ "$kind" = postgres ]; then psql -q "$url" -c "VACUUM ANALYZE" >/dev/null; fi
    touch "$done_mark"
  fi
  port=$(free_port)
  start_server serve "$url" "$dir" "$port"
  echo "== $kind: $residents residents, $visits visits, $events events, $clients clients, $seconds s"
  "$bin/grid-pages" "http://127.0.0.1:$port" --clients "$clients" --seconds "$seconds"
  stop_server
done
