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
export APPLICANTS; APPLICANTS=${APPLICANTS_GIVEN:-$(applicants "sqlite:$work/demo/quanke.db")}
measure "$pid" "$root/bench/cases/intake.lua" "http://127.0.0.1:$port" intake "$token"
stop_server
