#!/usr/bin/env bash
# Case queues and case search at district scale (issue #13). For each database: a copy of the
# district grown by `case-base` to CASES cases over 10 streets, 100 communities and 1,000
# workers (a fifth of the cases in one community, S01C01; see `grown` in common.sh, kept
# between runs, FRESH=1 grows it again), served by `quanke serve` (release) and read by
# `case-queues` at CLIENTS clients for SECONDS. Every request is written to
# $keep/KIND/samples.txt (start, client, latency, list) to tell stalls from slow plans.
#
#   bench/cases/queues.sh [CASES] [CLIENTS] [SECONDS] [DATABASES]
#   bench/cases/queues.sh 1000000 4 20 "sqlite postgres"      # the issue's bar
set -euo pipefail
source "$(dirname "$0")/common.sh"
cases=${1:-1000000}
clients=${2:-4}
seconds=${3:-20}
databases=${4:-"sqlite postgres"}
[ "${SKIP_BUILD:-}" = 1 ] || build
trap stop_server EXIT
for kind in $databases; do
  url=$(grown "$kind" "$cases")
  dir=$keep/$kind
  port=$(free_port)
  start_server serve "$url" "$dir" "$port"
  echo "== $kind ($url): $cases cases, $clients clients, $seconds s"
  "$bin/case-queues" "http://127.0.0.1:$port" --tokens "$dir/tokens" \
    --clients "$clients" --seconds "$seconds" --samples "$dir/samples.txt"
  stop_server
done
