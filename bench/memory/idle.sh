#!/usr/bin/env bash
# Idle resident memory on the demo street (issue #13): the first `quanke demo` on an empty
# directory (it plays the demo history and fills the registry), then RUNS starts of `quanke serve`
# on that directory. Each is measured as VmRSS from /proc, SETTLE seconds after /healthz first
# answers, with nothing else asked of the server.
#
#   bench/memory/idle.sh [RUNS] [SETTLE]
#
# Builds the release binaries unless SKIP_BUILD=1.
set -euo pipefail
source "$(dirname "$0")/../cases/common.sh"
runs=${1:-3}
settle=${2:-10}
[ "${SKIP_BUILD:-}" = 1 ] || build
work=$(mktemp -d /tmp/quanke-idle.XXXXXX)
trap 'stop_server; rm -rf "$work"' EXIT

resident_mb() { awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }

# measure CMD: one start, its resident memory after the settle time, one stop.
measure() {
  local port
  port=$(free_port)
  start_server "$1" "sqlite:$work/quanke.db" "$work" "$port"
  sleep "$settle"
  echo "$1 $(resident_mb "$pid") MB"
  stop_server
}

measure demo
for _ in $(seq "$runs"); do measure serve; done
