#!/usr/bin/env bash
# What one request costs the server, intake against the bare insert app, in one sitting on the
# demo street (issue #13): for each, wrk at CLIENTS keep-alive clients for SECONDS, then the
# server's CPU time and its threads' context switches (voluntary and not, from /proc) divided by
# the requests answered. Intake's rate as a share of the bare app's follows from the same run.
#
#   bench/cases/cost.sh [SECONDS] [CLIENTS]
#
# Needs wrk; builds the release binaries unless SKIP_BUILD=1.
set -euo pipefail
source "$(dirname "$0")/common.sh"
seconds=${1:-20}
clients=${2:-16}
export REPORT_LUA="$root/bench/cases/report.lua"
[ "${SKIP_BUILD:-}" = 1 ] || build
work=$(mktemp -d /tmp/quanke-cost.XXXXXX)
bare_pid=
trap 'stop_server; [ -z "$bare_pid" ] || kill "$bare_pid" 2>/dev/null || true; rm -rf "$work"' EXIT

switches() { cat /proc/"$1"/task/*/status 2>/dev/null | awk '/ctxt_switches/ { s += $2 } END { print s }'; }

# measure PID LUA URL NAME [TOKEN]: one wrk run, then the summary with the cost per request.
measure() {
  local p=$1 s0 c0 s1 c1 n
  s0=$(switches "$p"); c0=$(cpu_ticks "$p")
  TOKEN=${5:-} wrk -t2 -c"$clients" -d"${seconds}s" --timeout 10s -s "$2" "$3" >"$work/$4.txt"
  s1=$(switches "$p"); c1=$(cpu_ticks "$p")
  n=$(grep '^summary' "$work/$4.txt" | sed 's/.*requests=\([0-9]*\).*/\1/')
  echo "$4 $(grep '^summary' "$work/$4.txt" | cut -d' ' -f2-) \
cpu_us_per_request=$(( (c1 - c0) * 1000000 / $(getconf CLK_TCK) / n )) \
switches_per_request=$(( (s1 - s0) / n ))"
}

port=$(free_port)
"$bin/bare-insert" "sqlite:$work/bare.db" "127.0.0.1:$port" & bare_pid=$!
until curl -s -o /dev/null "http://127.0.0.1:$port/"; do sleep 0.1; done
measure "$bare_pid" "$root/bench/cases/bare.lua" "http://127.0.0.1:$port" bare
kill "$bare_pid"; wait "$bare_pid" 2>/dev/null || true; bare_pid=

port=$(free_port)
mkdir -p "$work/demo"
start_server demo "sqlite:$work/demo/quanke.db" "$work/demo" "$port"
# Measured on `serve` after the demo street is made, as a deployment runs: the demo's first
# start plans on the statistics of its few hundred cases until its next `Db::optimize`.
stop_server
start_server serve "sqlite:$work/demo/quanke.db" "$work/demo" "$port"
token=$("$bin/quanke" api token add qiantai --name 压测 --database "sqlite:$work/demo/quanke.db" 2>/dev/null)
measure "$pid" "$root/bench/cases/intake.lua" "http://127.0.0.1:$port" intake "$token"
stop_server
