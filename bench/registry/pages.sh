#!/usr/bin/env bash
# The registry pages and the home pages at 1,000,000 residents through HTTP (issue #13): for each
# database, a street filled by `registry-search` (ten communities of four grids, kept between
# runs: SQLite /tmp/quanke-pages/quanke.db, PostgreSQL quanke_bench_pages), the accounts of
# `registry-pages setup`, `quanke serve` (release), then `registry-pages` at CLIENTS clients for
# SECONDS as the street administrator and the head of one community.
#
#   bench/registry/pages.sh [RESIDENTS] [CLIENTS] [SECONDS] [DATABASES]
#   bench/registry/pages.sh 1000000 4 20 "sqlite postgres"      # the issue's bar
#
# QUANKE_BIN names another server binary (an older build, for a before/after comparison in one
# sitting; the database must then be filled by that build's `registry-search`, REGISTRY_SEARCH).
# FRESH=1 drops the kept databases first. PAGES_DIR and PAGES_PG_DB name other kept databases
# (default /tmp/quanke-pages and quanke_bench_pages), so two people can measure at once.
set -euo pipefail
source "$(dirname "$0")/../cases/common.sh"
residents=${1:-1000000}
clients=${2:-4}
seconds=${3:-20}
databases=${4:-"sqlite postgres"}
pg_db=${PAGES_PG_DB:-quanke_bench_pages}
dir=${PAGES_DIR:-/tmp/quanke-pages}
server=${QUANKE_BIN:-$bin/quanke}
filler=${REGISTRY_SEARCH:-$bin/registry-search}
[ -n "${SKIP_BUILD:-}" ] || build
mkdir -p "$dir"
trap stop_server EXIT
for kind in $databases; do
  case "$kind" in
    sqlite) url="sqlite:$dir/quanke.db"; sample="$dir/quanke.db.sample.tsv" ;;
    postgres) url="$pg_server/$pg_db"; sample="/tmp/$pg_db.sample.tsv" ;;
    *) echo "unknown database kind $kind" >&2; exit 1 ;;
  esac
  if [ -n "${FRESH:-}" ] || [ ! -f "$sample" ]; then
    rm -f "$dir"/quanke.db* "$sample"
    if [ "$kind" = postgres ]; then
      psql -q "$pg_server/postgres" -c "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" >/dev/null
      psql -q "$pg_server/postgres" -c "CREATE DATABASE $pg_db" >/dev/null
    fi
    "$filler" "$url" "$residents" 50 >"$dir/fill-$kind.log"
    "$bin/registry-pages" setup "$url"
  fi
  port=$(free_port)
  # `start_server serve` runs $bin/quanke; an older build is started the same way by hand.
  "$server" serve --database "$url" --addr "127.0.0.1:$port" >>"$dir/server.log" 2>&1 &
  pid=$!
  until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; do
    if ! kill -0 "$pid" 2>/dev/null; then echo "server exited; see $dir/server.log" >&2; exit 1; fi
    sleep 0.1
  done
  echo "== $kind: $residents residents, $clients clients, $seconds s, server $server"
  "$bin/registry-pages" "http://127.0.0.1:$port" --sample "$sample" \
    --clients "$clients" --seconds "$seconds"
  stop_server
done
