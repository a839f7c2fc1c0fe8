#!/usr/bin/env bash
# Ingest benchmark (issue 2): sustained POST /api/events on SQLite with many visitors, next to a static
# response of the same server measured in the same run. Loopback only, bounded (about 40 s).
#   bash bench/events.sh [duration_seconds=15] [connections=64]
set -euo pipefail
cd "$(dirname "$0")/.."
DUR=${1:-15}; CONNS=${2:-64}; THREADS=2; USERS_PER_THREAD=5000
command -v wrk >/dev/null || { echo "bench: wrk is missing (apt-get install wrk)" >&2; exit 1; }
command -v sqlite3 >/dev/null || { echo "bench: sqlite3 is missing (apt-get install sqlite3)" >&2; exit 1; }
W=$(mktemp -d /tmp/offen-bench-XXXXXX)
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null; rm -rf "$W"' EXIT
dotnet build src/Offen -c Release -nologo -v q >/dev/null
BIN=src/Offen/bin/Release/net10.0/offen
PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
ACCOUNT=$(cat /proc/sys/kernel/random/uuid)
export OFFEN_DATABASE_CONNECTIONSTRING="$W/offen.db" OFFEN_SERVER_PORT=$PORT OFFEN_SECRET=$(head -c16 /dev/urandom | base64) OFFEN_APP_LOGLEVEL=warn
$BIN setup -name bench -email bench@example.test -password benchpassword -forceid "$ACCOUNT" >/dev/null 2>&1
# Visitors who already exchanged their secret (POST /api/exchange costs one durable commit each, so the
# bench writes the rows directly: secret_id = hex(SHA-256(userId ‖ account user_salt)), server.md §5.5).
/usr/bin/python3 - "$W/offen.db" "$ACCOUNT" "$THREADS" "$USERS_PER_THREAD" <<'PY'
import sqlite3, sys, hashlib, base64
db, account, threads, users = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
c = sqlite3.connect(db)
salt = base64.b64decode(c.execute("select user_salt from accounts where account_id=?", (account,)).fetchone()[0].split(" ")[1])
rows = [(hashlib.sha256(f"bench-{t}-{n}".encode() + salt).hexdigest(), "{1,} c2VjcmV0")
        for t in range(1, threads + 1) for n in range(1, users + 1)]
c.executemany("insert into secrets (secret_id, encrypted_secret) values (?, ?)", rows)
c.commit()
PY
$BIN serve >/dev/null 2>"$W/serve.err" & PID=$!
until curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null; do sleep 0.1; done

# A payload of the size a real pageview has (about 400 bytes of ciphertext).
PAYLOAD="{1,} $(head -c 300 /dev/urandom | base64 -w0) $(head -c 12 /dev/urandom | base64 -w0)"
cat > "$W/events.lua" <<LUA
local n, id = 0, 0
local counter = 1
function setup(thread) thread:set("id", counter); counter = counter + 1 end
function init() id = wrk.thread:get("id") end
function request()
  n = n % $USERS_PER_THREAD + 1
  return wrk.format("POST", "/api/events", {["Cookie"] = "consent=allow; user=bench-" .. id .. "-" .. n},
    '{"accountId":"$ACCOUNT","payload":"$PAYLOAD"}')
end
LUA
SECRETS=$(sqlite3 "$W/offen.db" 'select count(*) from secrets')

run() { wrk -t$THREADS -c$CONNS -d${DUR}s --latency "$@" "http://127.0.0.1:$PORT" 2>&1; }
parse() { # prints: req/s p50 p99 requests non2xx
  awk '/Requests\/sec/ {rps=$2} / 50%/ {p50=$2} / 99%/ {p99=$2} /requests in/ {req=$1} /Non-2xx/ {bad=$5}
       END {printf "%s %s %s %s %s\n", rps, p50, p99, req, (bad==""?0:bad)}'
}
BASE=$(wrk -t$THREADS -c$CONNS -d${DUR}s --latency "http://127.0.0.1:$PORT/robots.txt" | parse)
BEFORE=$(sqlite3 "$W/offen.db" 'select count(*) from events')
EV=$(run -s "$W/events.lua" | parse)
AFTER=$(sqlite3 "$W/offen.db" 'select count(*) from events')
read -r b_rps b_p50 b_p99 _ _ <<<"$BASE"
read -r e_rps e_p50 e_p99 e_req e_bad <<<"$EV"
STORED=$((AFTER - BEFORE))
printf '\nIngest on SQLite, %s connections, %s s each, %s visitors with secrets (%s cores)\n\n' "$CONNS" "$DUR" "$SECRETS" "$(nproc)"
printf '| %-34s | %10s | %9s | %9s |\n' "case" "req/s" "p50" "p99"
printf '|%s|%s|%s|%s|\n' "------------------------------------" "------------" "-----------" "-----------"
printf '| %-34s | %10s | %9s | %9s |\n' "GET /robots.txt (static baseline)" "$b_rps" "$b_p50" "$b_p99"
printf '| %-34s | %10s | %9s | %9s |\n' "POST /api/events (201 = committed)" "$e_rps" "$e_p50" "$e_p99"
awk -v e="$e_rps" -v b="$b_rps" 'BEGIN {printf "\nratio events/static: %.1f %%   (target: >= 10000 events/s and >= 35 %%)\n", 100*e/b}'
printf 'responses: %s, non-2xx: %s, new rows in events: %s\n' "$e_req" "$e_bad" "$STORED"
