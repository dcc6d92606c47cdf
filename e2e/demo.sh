# Shared by run.sh and guide-shots.sh: finds the binary and Chromium, starts `quanke demo` on a
# free loopback port with a fresh temporary data dir, waits for /healthz, and stops it on exit.
# Source it with the binary path as $1; it sets `base` (the server's address) and `here`.
# Environment: CHROMIUM (default /usr/bin/chromium), QUANKE_E2E_KEEP=1 keeps the temp data dir.

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"

bin="${1:-$root/target/debug/quanke}"
# A relative path is taken from the current directory, or else from the repo root.
if [[ "$bin" != /* ]]; then
  if [[ -e "$bin" ]]; then bin="$PWD/$bin"; else bin="$root/$bin"; fi
fi
if [[ ! -x "$bin" ]]; then
  echo "e2e: no quanke binary at $bin (build it with: cargo build -p quanke-cli)" >&2
  exit 2
fi
chromium="${CHROMIUM:-/usr/bin/chromium}"
if [[ ! -x "$chromium" ]]; then
  echo "e2e: no Chromium at $chromium (Debian: apt-get install chromium)" >&2
  exit 2
fi
command -v node >/dev/null || { echo "e2e: node (>= 20) is required" >&2; exit 2; }

work="$(mktemp -d "${TMPDIR:-/tmp}/quanke-e2e.XXXXXX")"
server_pid=""
cleanup() {
  local rc=$?
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 50); do
      kill -0 "$server_pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  if [[ $rc -ne 0 && -s "$work/server.log" ]]; then
    echo "--- quanke server log (last 40 lines) ---" >&2
    tail -n 40 "$work/server.log" >&2 || true
  fi
  if [[ "${QUANKE_E2E_KEEP:-}" == 1 ]]; then
    echo "e2e: kept $work" >&2
  else
    rm -rf "$work"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A free loopback port: bind port 0, read what the kernel gave, let it go.
port="$(node -e '
  const s = require("net").createServer();
  s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });
')"
base="http://127.0.0.1:$port"

# The server runs from the temp dir with no QUANKE_* settings from this shell, so neither a
# ./quanke.toml nor a QUANKE_DATABASE_URL meant for something else can point it at real data.
mkdir -p "$work/data"
(
  cd "$work"
  for v in $(compgen -e); do
    [[ "$v" == QUANKE_* ]] && unset "$v"
  done
  exec "$bin" demo --data-dir "$work/data" --addr "127.0.0.1:$port"
) >"$work/server.log" 2>&1 &
server_pid=$!

echo "e2e: started quanke demo (pid $server_pid) at $base"
deadline=$((SECONDS + 30))
until node -e '
  fetch(process.argv[1]).then(r => process.exit(r.status === 200 ? 0 : 1), () => process.exit(1));
' "$base/healthz"; do
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "e2e: quanke demo exited before answering /healthz" >&2
    exit 1
  fi
  if ((SECONDS >= deadline)); then
    echo "e2e: /healthz did not answer 200 within 30 s" >&2
    exit 1
  fi
  sleep 0.3
done
echo "e2e: /healthz answered 200"
