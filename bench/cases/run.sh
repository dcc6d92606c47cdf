#!/usr/bin/env bash
# Case intake through the JSON API: a release `quanke demo` on a fresh database, a token for the
# front desk (qiantai), then `case-create` with CLIENTS concurrent keep-alive clients for
# SECONDS, creating 高龄津贴 cases (outcome accept, all materials brought, a unique
# Idempotency-Key each). Reports cases/s, p50/p99 and the server's CPU time per created case
# (utime + stime from /proc/PID/stat before and after the load). Each run starts from a fresh
# database; the medians over RUNS runs close the report.
#
#   bench/cases/run.sh [SECONDS] [CLIENTS] [RUNS] [DATABASES]
#       defaults: 20 16 3 "sqlite postgres"
#   CARGO_TARGET_DIR (default /work/target-bench); QUANKE_BENCH_PG (default
#   postgres://postgres@127.0.0.1:5432; the database quanke_bench_cases is dropped and made anew)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
secs="${1:-20}"
clients="${2:-16}"
runs="${3:-3}"
databases="${4:-sqlite postgres}"
build
hz=$(getconf CLK_TCK)
work="$(mktemp -d)"
pid=
trap 'stop_server; rm -rf "$work"' EXIT

field() { grep '^summary ' "$2" | tr ' ' '\n' | grep "^$1=" | cut -d= -f2; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

for kind in $databases; do
  rates=(); p50s=(); p99s=(); cpus=()
  for run in $(seq "$runs"); do
    dir="$work/$kind-$run"
    mkdir -p "$dir"
    url=$(fresh_db "$kind" "$dir")
    port=$(free_port)
    start_server demo "$url" "$dir" "$port"
    token=$("$bin/quanke" api token add qiantai --name 压测 --database "$url" 2>/dev/null)
    before=$(cpu_ticks "$pid")
    "$bin/case-create" "http://127.0.0.1:$port" --token "$token" --clients "$clients" \
      --seconds "$secs" --out "$dir/acked.txt" | tee "$dir/load.txt"
    after=$(cpu_ticks "$pid")
    stop_server
    created=$(field created "$dir/load.txt")
    rate=$(field rate "$dir/load.txt")
    p50=$(field p50_ms "$dir/load.txt")
    p99=$(field p99_ms "$dir/load.txt")
    cpu=$(awk -v t=$((after - before)) -v hz="$hz" -v n="$created" \
      'BEGIN { if (n > 0) printf "%.0f", t / hz * 1e6 / n; else print "n/a" }')
    echo "$kind run $run: $rate cases/s, p50 $p50 ms, p99 $p99 ms, server CPU $cpu µs per case ($created cases)"
    rates+=("$rate"); p50s+=("$p50"); p99s+=("$p99"); cpus+=("$cpu")
  done
  echo "== $kind, median of $runs runs ($clients clients, ${secs}s):" \
    "$(printf '%s\n' "${rates[@]}" | median) cases/s," \
    "p50 $(printf '%s\n' "${p50s[@]}" | median) ms," \
    "p99 $(printf '%s\n' "${p99s[@]}" | median) ms," \
    "server CPU $(printf '%s\n' "${cpus[@]}" | median) µs per case"
done
