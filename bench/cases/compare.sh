#!/usr/bin/env bash
# Intake of several builds on the grown district (issue #13), interleaved with the bare insert
# app so that each round compares within minutes: the machine is shared and its speed moves by a
# tenth between runs. Per round: the bare app, then `quanke serve` from each DIR (a folder with a
# release `quanke`) on a fresh copy of the district, warmed for 5 s, then wrk at 16 clients for
# SECONDS; prints each run's wrk summary with the server's CPU and context switches per request.
# Each round starts one DIR later than the last (A B, then B A), since the build measured first
# in a round was seen to do better; run an even number of rounds for two builds.
#
#   bench/cases/compare.sh SECONDS ROUNDS DIR...
#   bench/cases/compare.sh 30 2 /tmp/before/release /work/target-bench-main/release
#
# The district is grown as in queues.sh (CASES, default 1,000,000). Needs wrk.
set -euo pipefail
source "$(dirname "$0")/common.sh"
seconds=$1
rounds=$2
shift 2
cases=${CASES:-1000000}
export REPORT_LUA="$root/bench/cases/report.lua"
work=$(mktemp -d /tmp/quanke-compare.XXXXXX)
bare_pid=
trap 'stop_server; [ -z "$bare_pid" ] || kill "$bare_pid" 2>/dev/null || true; rm -rf "$work"' EXIT

dirs=("$@")
for round in $(seq 0 $((rounds - 1))); do
  port=$(free_port)
  rm -f "$work"/bare.db*
  "$bin/bare-insert" "sqlite:$work/bare.db" "127.0.0.1:$port" & bare_pid=$!
  until curl -s -o /dev/null "http://127.0.0.1:$port/"; do sleep 0.1; done
  measure "$bare_pid" "$root/bench/cases/bare.lua" "http://127.0.0.1:$port" bare
  kill "$bare_pid"; wait "$bare_pid" 2>/dev/null || true; bare_pid=
  for i in $(seq 0 $((${#dirs[@]} - 1))); do
    dir=${dirs[$(((i + round) % ${#dirs[@]}))]}
    url=$(grown sqlite "$cases")
    port=$(free_port)
    bin=$dir start_server serve "$url" "$keep/sqlite" "$port"
    token=$("$dir/quanke" api token add qiantai --name 压测 --database "$url" 2>/dev/null)
    export APPLICANTS; APPLICANTS=${APPLICANTS_GIVEN:-$(applicants "$url")}
    TOKEN=$token wrk -t2 -c16 -d5s -s "$root/bench/cases/intake.lua" "http://127.0.0.1:$port" >/dev/null
    measure "$pid" "$root/bench/cases/intake.lua" "http://127.0.0.1:$port" "intake-${dir//\//_}" "$token"
    stop_server
  done
done
