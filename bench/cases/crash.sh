#!/usr/bin/env bash
# Crash safety of case intake: a release `quanke demo` on a fresh database, `case-create` with
# 16 clients, the server killed with SIGKILL in the middle of the load and started again at
# once (`quanke serve`); the clients retry what was not answered with the same Idempotency-Key.
# Then every case number the clients saw acknowledged (2xx) must be in the database: prints
# acknowledged, stored and lost (must be 0), duplicates (two cases for one key: must be 0), and
# accepted cases left without an assignee (routing that did not happen because of the kill).
#
#   bench/cases/crash.sh [KILL_AFTER_SECONDS] [DATABASES]      defaults: 5 "sqlite postgres"
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
kill_after="${1:-5}"
databases="${2:-sqlite postgres}"
build
work="$(mktemp -d)"
pid=
trap 'stop_server; rm -rf "$work"' EXIT
status=0

stored_numbers() {
  case "$1" in
    sqlite) sqlite3 "${2#sqlite:}" "SELECT number FROM cases" ;;
    postgres) psql -Atq "$2" -c "SELECT number FROM cases" ;;
  esac
}

count() {
  case "$1" in
    sqlite) sqlite3 "${2#sqlite:}" "$3" ;;
    postgres) psql -Atq "$2" -c "$3" ;;
  esac
}

for kind in $databases; do
  dir="$work/$kind"
  mkdir -p "$dir"
  url=$(fresh_db "$kind" "$dir")
  port=$(free_port)
  start_server demo "$url" "$dir" "$port"
  token=$("$bin/quanke" api token add qiantai --name 崩溃测试 --database "$url" 2>/dev/null)
  "$bin/case-create" "http://127.0.0.1:$port" --token "$token" --clients 16 \
    --seconds $((kill_after * 2 + 3)) --out "$dir/acked.txt" >"$dir/load.txt" &
  load=$!
  sleep "$kill_after"
  kill -KILL "$pid"
  wait "$pid" 2>/dev/null || true
  echo "$kind: server killed (SIGKILL) after ${kill_after}s of load; restarting"
  start_server serve "$url" "$dir" "$port"
  wait "$load"
  stop_server
  cat "$dir/load.txt"
  sort -u "$dir/acked.txt" >"$dir/acked.sorted"
  stored_numbers "$kind" "$url" | sort -u >"$dir/stored.sorted"
  acked=$(wc -l <"$dir/acked.sorted")
  stored=$(wc -l <"$dir/stored.sorted")
  lost=$(comm -23 "$dir/acked.sorted" "$dir/stored.sorted" | wc -l)
  dups=$(count "$kind" "$url" "SELECT COUNT(*) - COUNT(DISTINCT idempotency_key) FROM cases WHERE idempotency_key IS NOT NULL")
  # The demo community has a back-office worker: every accepted case should have been routed.
  unrouted=$(count "$kind" "$url" "SELECT COUNT(*) FROM cases WHERE state = 'accepted' AND assignee_id IS NULL")
  echo "== $kind: acknowledged $acked, stored $stored, lost $lost, duplicate keys $dups, accepted but unassigned $unrouted"
  if [ "$lost" -ne 0 ] || [ "$dups" -ne 0 ] || [ "$acked" -eq 0 ]; then status=1; fi
done
exit $status
