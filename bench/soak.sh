#!/usr/bin/env bash
# Soak (issue 6, item 4): the real `offen serve` on SQLite at a steady ingest rate, with visitors (exchange once,
# then encrypted pageviews) and operators (login, GET /api/login, GET /api/accounts/<id> with decryption) mixed.
# Prints requests, errors and p50/p99 per kind and the server's RSS every interval, then a verdict; exits 1 if
# errors exceed 0.1 %, RSS grows (median of the last third > median of the middle third + max(15 %, 16 MiB); the
# first third is ramp-up), an acknowledged event is missing or fails to decrypt, or the database fails its
# integrity check.
# Loopback only, bounded; everything it starts is stopped on exit.
#   bash bench/soak.sh [duration_seconds=180] [events_per_second=200]
#   env: SOAK_VISITORS=1000 SOAK_OPERATORS=2 SOAK_INTERVAL=15 NO_BUILD=1 (use the existing Release build)
set -euo pipefail
cd "$(dirname "$0")/.."
DUR=${1:-180}; RATE=${2:-200}
VISITORS=${SOAK_VISITORS:-1000}; OPERATORS=${SOAK_OPERATORS:-2}; INTERVAL=${SOAK_INTERVAL:-15}
command -v sqlite3 >/dev/null || { echo "soak: sqlite3 is missing (apt-get install sqlite3)" >&2; exit 1; }
W=$(mktemp -d /tmp/offen-soak-XXXXXX)
PID=
cleanup() {
  if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; fi
  rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# shellcheck source=bench/lib.sh
. bench/lib.sh
bench_build

# A clean configuration: no OFFEN_* from the caller, no env file from the machine (HOME and XDG_CONFIG_HOME point
# at the temp dir, which is also the working directory, server.md §4.1).
for v in $(compgen -e | grep '^OFFEN_' || true); do unset "$v"; done
PORT=$(free_port)
ACCOUNT=$(cat /proc/sys/kernel/random/uuid)
EMAIL=soak@example.test
PASSWORD=$(head -c 12 /dev/urandom | base64)
export OFFEN_DATABASE_CONNECTIONSTRING="$W/offen.db" OFFEN_SERVER_HOST=127.0.0.1 OFFEN_SERVER_PORT=$PORT \
  OFFEN_SECRET=$(head -c16 /dev/urandom | base64) OFFEN_APP_LOGLEVEL=warn OFFEN_SMTP_HOST=smtp.invalid

(cd "$W" && HOME=$W XDG_CONFIG_HOME=$W "$BIN" setup -name soak -email "$EMAIL" -password "$PASSWORD" -forceid "$ACCOUNT") >"$W/setup.log" 2>&1 \
  || { cat "$W/setup.log" >&2; exit 1; }
# the access log goes to stdout in this (non-proxy) mode; it is written, as in production, and dropped
(cd "$W" && HOME=$W XDG_CONFIG_HOME=$W exec "$BIN" serve) >/dev/null 2>"$W/serve.err" & PID=$!
for _ in $(seq 1 600); do
  curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break
  kill -0 "$PID" 2>/dev/null || { echo "soak: offen serve exited:" >&2; cat "$W/serve.err" >&2; exit 1; }
  sleep 0.1
done

printf 'Soak on SQLite, %s cores, offen serve pid %s on 127.0.0.1:%s\n' "$(nproc)" "$PID" "$PORT"
set +e
"$LOADGEN" soak --base "http://127.0.0.1:$PORT" --account "$ACCOUNT" --email "$EMAIL" --password "$PASSWORD" --pid "$PID" \
  --rate "$RATE" --duration "$DUR" --interval "$INTERVAL" --visitors "$VISITORS" --operators "$OPERATORS" | tee "$W/loadgen.out"
RC=${PIPESTATUS[0]}
set -e

# the database after the run: every acknowledged event is a row, and SQLite finds no corruption
ACKED=$(awk '/^acked events:/ {print $3}' "$W/loadgen.out")
ROWS=$(sqlite3 "$W/offen.db" 'select count(*) from events')
CHECK=$(sqlite3 "$W/offen.db" 'pragma integrity_check')
printf 'database: %s rows in events for %s acknowledged, integrity_check: %s\n' "$ROWS" "${ACKED:-?}" "$CHECK"
[ "$ROWS" = "${ACKED:-x}" ] && [ "$CHECK" = ok ] || RC=1

# a clean stop (SIGTERM) within 10 s
kill -TERM "$PID"
for _ in $(seq 1 100); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$PID" 2>/dev/null; then echo "soak: offen did not stop within 10 s of SIGTERM" >&2; RC=1; fi
wait "$PID" 2>/dev/null || true
PID=
if grep -qiE 'panic|unhandled|fatal' "$W/serve.err"; then echo "soak: the server logged:" >&2; grep -iE 'panic|unhandled|fatal' "$W/serve.err" | head -5 >&2; RC=1; fi
exit "$RC"
