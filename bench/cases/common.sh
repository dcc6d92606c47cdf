# Shared by bench/cases/run.sh and bench/cases/crash.sh (sourced, not run).
# Builds the release binaries into $CARGO_TARGET_DIR (default /work/target-bench), and starts
# and stops a demo server on SQLite or a fresh PostgreSQL database.

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/work/target-bench}"
bin="$CARGO_TARGET_DIR/release"
pg_server="${QUANKE_BENCH_PG:-postgres://postgres@127.0.0.1:5432}"
pg_db=quanke_bench_cases
keep=/tmp/quanke-grown
export QUANKE_LOG_LEVEL="${QUANKE_LOG_LEVEL:-warn}"

build() {
  (cd "$root" && cargo build --release -q -p quanke-cli -p quanke-bench)
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# fresh_db sqlite|postgres DIR: prints the database URL of a new, empty database.
fresh_db() {
  case "$1" in
    sqlite) echo "sqlite:$2/quanke.db" ;;
    postgres)
      psql -q "$pg_server/postgres" -c "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" >/dev/null
      psql -q "$pg_server/postgres" -c "CREATE DATABASE $pg_db" >/dev/null
      echo "$pg_server/$pg_db" ;;
    *) echo "unknown database kind $1" >&2; return 1 ;;
  esac
}

# start_server CMD URL DIR PORT: `demo` (creates the demo street once) or `serve`; sets $pid.
start_server() {
  local cmd=$1 url=$2 dir=$3 port=$4 waited=0
  if [ "$cmd" = demo ]; then
    "$bin/quanke" demo --database "$url" --addr "127.0.0.1:$port" >>"$dir/server.log" 2>&1 &
  else
    "$bin/quanke" serve --database "$url" --addr "127.0.0.1:$port" >>"$dir/server.log" 2>&1 &
  fi
  pid=$!
  until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; do
    if ! kill -0 "$pid" 2>/dev/null; then echo "server exited; see $dir/server.log" >&2; return 1; fi
    sleep 0.1
    waited=$((waited + 1))
    if [ "$waited" -gt 1200 ]; then echo "server did not start in 120 s" >&2; return 1; fi
  done
}

stop_server() {
  if [ -n "${pid:-}" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    wait "$pid" 2>/dev/null || true
  fi
  pid=
}

# cpu_ticks PID: user + system CPU time of the process so far, in clock ticks.
cpu_ticks() {
  # Fields after the command name (which may hold spaces): utime is the 12th, stime the 13th.
  sed 's/^.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'
}

# switches PID: the context switches (voluntary and not) of the process's threads so far.
switches() { cat /proc/"$1"/task/*/status 2>/dev/null | awk '/ctxt_switches/ { s += $2 } END { print s }'; }

# measure PID LUA URL NAME [TOKEN]: one wrk run at $clients clients (default 16) for $seconds,
# its output kept in $work/NAME.txt; prints its summary with the server's CPU time and context
# switches per request answered.
measure() {
  local p=$1 s0 c0 s1 c1 n
  s0=$(switches "$p"); c0=$(cpu_ticks "$p")
  TOKEN=${5:-} wrk -t2 -c"${clients:-16}" -d"${seconds}s" --timeout 10s -s "$2" "$3" >"$work/$4.txt"
  s1=$(switches "$p"); c1=$(cpu_ticks "$p")
  n=$(grep '^summary' "$work/$4.txt" | sed 's/.*requests=\([0-9]*\).*/\1/')
  echo "$4 $(grep '^summary' "$work/$4.txt" | cut -d' ' -f2-) \
cpu_us_per_request=$(( (c1 - c0) * 1000000 / $(getconf CLK_TCK) / n )) \
switches_per_request=$(( (s1 - s0) / n ))"
}

# applicants URL: the ID numbers of the active residents of the demo desk's community (qiantai's,
# /1/2/), comma separated, for intake.lua's APPLICANTS. The intake scripts take APPLICANTS_GIVEN
# instead when it is set (an ID number nobody has measures intake without the person's reads).
applicants() {
  local sql="SELECT id_number FROM registry_residents WHERE org_path LIKE '/1/2/%' \
AND status = 'active' ORDER BY id"
  case "$1" in
    sqlite:*) sqlite3 "${1#sqlite:}" "$sql" ;;
    *) psql -qtA "$1" -c "$sql" ;;
  esac | paste -sd, -
}

# grown KIND CASES: the URL of a fresh copy of a database grown by `case-base` to CASES cases
# (the demo street, then 10 streets, 100 communities, 1,000 workers, a fifth of the cases in
# S01C01), growing it first when there is none or FRESH=1. The grown one is kept in
# $keep/KIND (SQLite) or the PostgreSQL database quanke_bench_grown; the copy is in $keep/KIND
# or quanke_bench_cases, with the callers' tokens in $keep/KIND/tokens.
grown() {
  local kind=$1 cases=$2 dir="$keep/$1"
  if [ "$kind" = sqlite ]; then
    if [ "${FRESH:-}" = 1 ] || [ "$(cat "$dir/cases" 2>/dev/null)" != "$cases" ]; then
      rm -rf "$dir" && mkdir -p "$dir"
      grow sqlite "sqlite:$dir/grown.db" "$dir" "$cases" || return 1
    fi
    rm -f "$dir"/quanke.db*
    for f in "$dir"/grown.db*; do cp "$f" "$dir/quanke.db${f#"$dir"/grown.db}"; done
    # The copy's gigabyte (and what the run before wrote) is otherwise written back to the disk
    # during the run that follows, whose log writes and checkpoints then wait behind it: the
    # run after a round's bare app had a p99 of 0.7-0.9 s where the next had 40 ms.
    sync
    echo "sqlite:$dir/quanke.db"
  else
    local base=quanke_bench_grown
    mkdir -p "$dir"
    if [ "${FRESH:-}" = 1 ] || [ "$(cat "$dir/cases" 2>/dev/null)" != "$cases" ]; then
      psql -q "$pg_server/postgres" -c "DROP DATABASE IF EXISTS $base WITH (FORCE)" >/dev/null
      psql -q "$pg_server/postgres" -c "CREATE DATABASE $base" >/dev/null
      grow postgres "$pg_server/$base" "$dir" "$cases" || return 1
    fi
    psql -q "$pg_server/postgres" -c "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" >/dev/null
    psql -q "$pg_server/postgres" -c "CREATE DATABASE $pg_db TEMPLATE $base" >/dev/null
    echo "$pg_server/$pg_db"
  fi
}

# grow KIND URL DIR CASES: the demo street, then case-base's district (its output to stderr).
grow() {
  local port cases=$4
  port=$(free_port)
  # Callers take the URL in $(...), where `set -e` does not reach: a failed step must return,
  # or the district is marked grown without its cases (seen when case-base predated a migration).
  start_server demo "$2" "$3" "$port" >&2 || return 1
  stop_server
  "$bin/case-base" "$2" --cases "$cases" --big $((cases / 5)) >"$3/tokens" 2>&2 || return 1
  if [ "$1" = postgres ]; then psql -q "$2" -c "VACUUM ANALYZE" >&2; fi
  echo "$cases" >"$3/cases"
}
