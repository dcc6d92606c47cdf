#!/usr/bin/env bash
# Where intake's CPU goes, thread by thread (issue #13): `quanke demo`, then `quanke serve` on it,
# wrk with bench/cases/intake.lua at CLIENTS keep-alive clients for SECONDS after a 2 s warm-up;
# prints wrk's summary and each busy thread's share of one core from /proc (the case writer's
# SQLite connection shows as one `sqlx-sqlite-wor` thread; Tokio's workers as `tokio-rt-worker`).
#
#   bench/cases/threads.sh [SECONDS] [CLIENTS]
#
# QUANKE_LOG_LEVEL="warn,sqlx::query=debug" and LOG=FILE keep the server's statement log in
# FILE. Needs wrk; builds the release binaries unless SKIP_BUILD=1.
set -euo pipefail
source "$(dirname "$0")/common.sh"
seconds=${1:-15}
clients=${2:-16}
export REPORT_LUA="$root/bench/cases/report.lua"
[ "${SKIP_BUILD:-}" = 1 ] || build
work=$(mktemp -d /tmp/quanke-threads.XXXXXX)
trap 'stop_server; [ -z "${LOG:-}" ] || cp "$work/demo/server.log" "$LOG"; rm -rf "$work"' EXIT

# ticks: "TID NAME TICKS" for each thread of the server, TICKS its user + system CPU time.
ticks() {
  for t in /proc/"$pid"/task/*; do
    echo "${t##*/} $(tr ' ' _ <"$t/comm") $(sed 's/^.*) //' "$t/stat" | awk '{print $12 + $13}')"
  done | sort
}

port=$(free_port)
mkdir -p "$work/demo"
start_server demo "sqlite:$work/demo/quanke.db" "$work/demo" "$port"
stop_server
start_server serve "sqlite:$work/demo/quanke.db" "$work/demo" "$port"
token=$("$bin/quanke" api token add qiantai --name 压测 --database "sqlite:$work/demo/quanke.db" 2>/dev/null)
export APPLICANTS; APPLICANTS=${APPLICANTS_GIVEN:-$(applicants "sqlite:$work/demo/quanke.db")}
url="http://127.0.0.1:$port"
TOKEN=$token wrk -t2 -c"$clients" -d2s -s "$root/bench/cases/intake.lua" "$url" >/dev/null
ticks >"$work/before"
TOKEN=$token wrk -t2 -c"$clients" -d"${seconds}s" --timeout 10s -s "$root/bench/cases/intake.lua" "$url" |
  grep '^summary'
ticks >"$work/after"
hz=$(getconf CLK_TCK)
join "$work/before" "$work/after" |
  awk -v s="$seconds" -v hz="$hz" '$5 > $3 { printf "%s %s %.0f%%\n", $1, $4, ($5 - $3) * 100 / hz / s }' |
  sort -k3 -n -r | head -12
