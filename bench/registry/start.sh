#!/usr/bin/env bash
# Server start with a filled registry: time from launching `quanke serve` until /healthz answers.
# usage: bench/registry/start.sh DATABASE_URL [RUNS]
#   (fill the database first with: cargo run --release -p quanke-bench --bin registry-search -- URL 1000000)
# Uses target/release/quanke (cargo build --release -p quanke-cli). Prints each run and the median.
set -euo pipefail
url=${1:?usage: start.sh DATABASE_URL [RUNS]}
runs=${2:-5}
bin=${QUANKE_BIN:-target/release/quanke}
port=18477
times=()
for i in $(seq "$runs"); do
  start=$(date +%s%N)
  QUANKE_DATABASE_URL="$url" "$bin" serve --addr "127.0.0.1:$port" >/dev/null 2>&1 &
  pid=$!
  until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; do
    if ! kill -0 "$pid" 2>/dev/null; then echo "server exited" >&2; exit 1; fi
    sleep 0.01
  done
  end=$(date +%s%N)
  kill -TERM "$pid"; wait "$pid" || true
  ms=$(( (end - start) / 1000000 ))
  times+=("$ms")
  echo "run $i: ready in $ms ms"
done
median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
echo "median: $median ms over $runs runs"
