#!/usr/bin/env bash
# Two server processes on one PostgreSQL database under intake through both (issue #13): a
# release `quanke demo` (server A) and `quanke serve` (server B) on a fresh database,
# `case-create` with 8 clients against each, B killed with SIGKILL in the middle of the load and
# started again at once; the clients retry what was not answered with the same Idempotency-Key.
# Then: every acknowledged case is stored (lost must be 0), no key made two cases, each
# community's numbers of a day are 1..N with no gap and no repeat, and the open cases per
# worker the database keeps for routing equal a fresh count.
#
#   bench/cases/servers.sh [KILL_AFTER_SECONDS]      default: 5
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
kill_after="${1:-5}"
build
work="$(mktemp -d)"
pid_a=
pid_b=
stop_both() {
  for p in $pid_a $pid_b; do
    if kill -0 "$p" 2>/dev/null; then kill -TERM "$p"; wait "$p" 2>/dev/null || true; fi
  done
}
trap 'stop_both; rm -rf "$work"' EXIT
sql() { psql -Atq "$url" -c "$1"; }

url=$(fresh_db postgres "$work")
port_a=$(free_port)
start_server demo "$url" "$work" "$port_a"
pid_a=$pid
port_b=$(free_port)
start_server serve "$url" "$work" "$port_b"
pid_b=$pid
token=$("$bin/quanke" api token add qiantai --name 双进程测试 --database "$url" 2>/dev/null)
seconds=$((kill_after * 2 + 3))
"$bin/case-create" "http://127.0.0.1:$port_a" --token "$token" --clients 8 \
  --seconds "$seconds" --out "$work/acked_a.txt" >"$work/load_a.txt" &
load_a=$!
"$bin/case-create" "http://127.0.0.1:$port_b" --token "$token" --clients 8 \
  --seconds "$seconds" --out "$work/acked_b.txt" >"$work/load_b.txt" &
load_b=$!
sleep "$kill_after"
kill -KILL "$pid_b"
wait "$pid_b" 2>/dev/null || true
echo "server B killed (SIGKILL) after ${kill_after}s of load; restarting"
start_server serve "$url" "$work" "$port_b"
pid_b=$pid
wait "$load_a" "$load_b"
stop_both
echo "-- through A"; cat "$work/load_a.txt"
echo "-- through B"; cat "$work/load_b.txt"

sort -u "$work/acked_a.txt" "$work/acked_b.txt" >"$work/acked.sorted"
sql "SELECT number FROM cases" | sort -u >"$work/stored.sorted"
acked=$(wc -l <"$work/acked.sorted")
lost=$(comm -23 "$work/acked.sorted" "$work/stored.sorted" | wc -l)
dups=$(sql "SELECT COUNT(*) - COUNT(DISTINCT idempotency_key) FROM cases WHERE idempotency_key IS NOT NULL")
# Per community and day (the number's "CODE-YYYYMMDD" part: a case transferred to another
# community keeps its number): the numbers must be exactly 1..N.
gaps=$(sql "SELECT COUNT(*) FROM (SELECT left(number, length(number) - strpos(reverse(number), '-')) AS counter,
              COUNT(*) AS n, COUNT(DISTINCT number) AS distinct_n,
              MAX(reverse(split_part(reverse(number), '-', 1))::int) AS top
            FROM cases GROUP BY 1) d WHERE n <> distinct_n OR top <> n")
loads=$(sql "SELECT COUNT(*) FROM (
              SELECT assignee_id AS id, COUNT(*) AS n FROM cases WHERE assignee_id IS NOT NULL
                AND state IN ('received','awaiting_materials','accepted','in_progress','awaiting_department','completed')
              GROUP BY 1) c
            FULL JOIN (SELECT user_id AS id, open_cases AS n FROM worker_loads WHERE open_cases <> 0) w
              USING (id) WHERE c.n IS DISTINCT FROM w.n")
echo "== two servers: acknowledged $acked, lost $lost, duplicate keys $dups, days with gaps or repeats $gaps, workers whose kept load differs from a count $loads"
[ "$lost" -eq 0 ] && [ "$dups" -eq 0 ] && [ "$gaps" -eq 0 ] && [ "$loads" -eq 0 ] && [ "$acked" -gt 0 ]
