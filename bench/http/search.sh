#!/usr/bin/env bash
# Catalogue search through HTTP: a release `quanke serve` on SQLite with a 2,000-item catalogue
# (the demo items grown by the bench crate), 16 concurrent keep-alive clients (wrk), queries
# from bench/search-eval.tsv in turn. Prints wrk's latency percentiles.
#
#   bench/http/search.sh [SECONDS]      (default 30; needs wrk: apt-get install wrk)
#
# Builds the release binaries into $CARGO_TARGET_DIR (default target/) unless SKIP_BUILD=1.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
secs="${1:-30}"
cd "$root"
bin="${CARGO_TARGET_DIR:-target}/release"
[ "${SKIP_BUILD:-}" = 1 ] || cargo build --release -q -p quanke-cli -p quanke-bench
work="$(mktemp -d)"
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
"$bin"/grow-catalogue 2000 > "$work/catalogue.json"
export QUANKE_DATA_DIR="$work/data"
"$bin"/quanke catalogue import "$work/catalogue.json" | tail -1
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
QUANKE_LOG_LEVEL=warn "$bin"/quanke serve --addr "127.0.0.1:$port" &
pid=$!
until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; do sleep 0.2; done
cut -f1 bench/search-eval.tsv | grep -v '^#' | grep -v '^$' |
  python3 -c 'import sys, urllib.parse; [print(urllib.parse.quote(l.rstrip("\n"))) for l in sys.stdin]' > "$work/queries.txt"
echo "queries: $(wc -l < "$work/queries.txt"), catalogue: 2000 items, clients: 16, ${secs}s"
# Warm up (builds the snapshot and its index), then measure.
QUERIES="$work/queries.txt" wrk -t2 -c16 -d3s -s bench/http/search.lua "http://127.0.0.1:$port" >/dev/null
QUERIES="$work/queries.txt" wrk -t2 -c16 -d"${secs}s" --latency -s bench/http/search.lua "http://127.0.0.1:$port"
