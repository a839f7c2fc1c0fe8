#!/usr/bin/env bash
# Horizontal scale (issue 6, item 6): sustained POST /api/events throughput of one `offen serve` against two behind
# nginx (round-robin), on one PostgreSQL database, with the same load (wrk, same visitors, same payload size).
# Both nodes run with OFFEN_APP_SINGLENODE=false and OFFEN_SERVER_REVERSEPROXY=true; `offen migrate` runs before.
# PostgreSQL is a private throwaway instance (test-infra.md §1), nginx a foreground one (§5); loopback only,
# bounded (about 4 × duration + 30 s), and everything it starts is stopped on exit. Needs root (initdb as postgres).
#   bash bench/scale.sh [duration_seconds=15] [connections=64]
#   env: SCALE_VISITORS=2000 NO_BUILD=1 (use the existing Release build)
set -euo pipefail
cd "$(dirname "$0")/.."
DUR=${1:-15}; CONNS=${2:-64}; THREADS=2; VISITORS=${SCALE_VISITORS:-2000}
for c in wrk nginx psql; do command -v $c >/dev/null || { echo "scale: $c is missing" >&2; exit 1; }; done
[ "$(id -u)" = 0 ] || { echo "scale: run as root (the private PostgreSQL is initialised as the postgres user)" >&2; exit 1; }
PGBIN=/usr/lib/postgresql/$(ls /usr/lib/postgresql | sort -n | tail -1)/bin

W=$(mktemp -d /tmp/offen-scale-XXXXXX)
chmod 755 "$W"   # postgres and nginx's workers (nobody) must traverse it
PIDS=(); PG_UP=; NGINX_UP=
cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  if [ -n "$NGINX_UP" ] && [ -f "$W/nginx/nginx.pid" ]; then kill -TERM "$(cat "$W/nginx/nginx.pid")" 2>/dev/null || true; fi
  if [ -n "$PG_UP" ]; then su postgres -c "$PGBIN/pg_ctl -D $W/pg/data -m fast stop" >/dev/null 2>&1 || true; fi
  sleep 0.2; rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# shellcheck source=bench/lib.sh
. bench/lib.sh
bench_build

# private PostgreSQL; max_connections above two nodes' pools under this load
PGPORT=$(free_port)
install -d -o postgres "$W/pg"; echo offen > "$W/pg/pw"; chown postgres "$W/pg/pw"
su postgres -c "$PGBIN/initdb -D $W/pg/data -U offen --pwfile=$W/pg/pw -A scram-sha-256" >/dev/null
su postgres -c "$PGBIN/pg_ctl -D $W/pg/data -l $W/pg/log -w -o '-p $PGPORT -k $W/pg -c listen_addresses=127.0.0.1 -c max_connections=300' start" >/dev/null
PG_UP=1
PGPASSWORD=offen psql -h 127.0.0.1 -p "$PGPORT" -U offen -d postgres -qc 'create database offen'
rows() { PGPASSWORD=offen psql -h 127.0.0.1 -p "$PGPORT" -U offen -d offen -Atc 'select count(*) from events'; }

for v in $(compgen -e | grep '^OFFEN_' || true); do unset "$v"; done
ACCOUNT=$(cat /proc/sys/kernel/random/uuid)
export OFFEN_DATABASE_DIALECT=postgres OFFEN_DATABASE_CONNECTIONSTRING="Host=127.0.0.1;Port=$PGPORT;Username=offen;Password=offen;Database=offen" \
  OFFEN_SECRET=$(head -c16 /dev/urandom | base64) OFFEN_APP_SINGLENODE=false OFFEN_SERVER_REVERSEPROXY=true OFFEN_SERVER_HOST=127.0.0.1 \
  OFFEN_APP_LOGLEVEL=warn OFFEN_SMTP_HOST=smtp.invalid
offen() { (cd "$W" && HOME=$W XDG_CONFIG_HOME=$W "$BIN" "$@"); }
offen migrate >"$W/migrate.log" 2>&1 || { cat "$W/migrate.log" >&2; exit 1; }
offen setup -name scale -email scale@example.test -password "$(head -c 12 /dev/urandom | base64)" -forceid "$ACCOUNT" >"$W/setup.log" 2>&1 \
  || { cat "$W/setup.log" >&2; exit 1; }
PA=$(free_port); PB=$(free_port)
(cd "$W" && HOME=$W XDG_CONFIG_HOME=$W OFFEN_SERVER_PORT=$PA exec "$BIN" serve) >/dev/null 2>"$W/a.err" & PIDS+=($!)
(cd "$W" && HOME=$W XDG_CONFIG_HOME=$W OFFEN_SERVER_PORT=$PB exec "$BIN" serve) >/dev/null 2>"$W/b.err" & PIDS+=($!)
health "$PA"; health "$PB"

# nginx: one port per case, the same proxy settings as deploy/nginx.conf (keepalive upstreams, no buffering);
# the access log records only which upstream answered, to show the round-robin split
N1=$(free_port); N2=$(free_port)
mkdir -p "$W/nginx/tmp"
cat > "$W/nginx/nginx.conf" <<EOF
worker_processes auto;
pid nginx.pid;
error_log stderr warn;
events { worker_connections 1024; }
http {
  log_format upstream '\$upstream_addr \$status';
  client_body_temp_path tmp/body; proxy_temp_path tmp/proxy; fastcgi_temp_path tmp/fastcgi; uwsgi_temp_path tmp/uwsgi; scgi_temp_path tmp/scgi;
  upstream one { server 127.0.0.1:$PA; keepalive 64; }
  upstream two { server 127.0.0.1:$PA; server 127.0.0.1:$PB; keepalive 64; }
  proxy_http_version 1.1;
  proxy_set_header Connection "";
  proxy_set_header Host \$host;
  proxy_set_header X-Forwarded-Host \$host;
  proxy_set_header X-Forwarded-Proto \$scheme;
  proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
  proxy_buffering off;
  server { listen 127.0.0.1:$N1; access_log one.log upstream; location / { proxy_pass http://one; } }
  server { listen 127.0.0.1:$N2; access_log two.log upstream; location / { proxy_pass http://two; } }
}
EOF
nginx -p "$W/nginx/" -c nginx.conf -e stderr -g 'daemon off;' 2>"$W/nginx/err.log" & PIDS+=($!)
NGINX_UP=1
health "$N1"; health "$N2"

# visitors with a stored secret, through the real exchange (RSA-OAEP-wrapped AES key, clients-and-crypto.md §4.4)
"$LOADGEN" exchange --base "http://127.0.0.1:$PA" --account "$ACCOUNT" --count "$VISITORS" --out "$W/users.txt"
# a payload of the size a real pageview has (about 400 bytes of ciphertext); offen never inspects it
PAYLOAD="{1,} $(head -c 300 /dev/urandom | base64 -w0) $(head -c 12 /dev/urandom | base64 -w0)"
cat > "$W/events.lua" <<LUA
local users, n, offset = {}, 0, 0
local counter = 0
function setup(thread) thread:set("offset", counter); counter = counter + 1 end
function init()
  for line in io.lines("$W/users.txt") do users[#users + 1] = line end
  offset = wrk.thread:get("offset")
  n = offset * math.floor(#users / $THREADS)
end
function request()
  n = n % #users + 1
  return wrk.format("POST", "/api/events", {["Cookie"] = "consent=allow; user=" .. users[n]},
    '{"accountId":"$ACCOUNT","payload":"$PAYLOAD"}')
end
LUA
parse() { # prints: req/s p50 p99 requests non2xx socket_errors
  awk '/Requests\/sec/ {rps=$2} / 50%/ {p50=$2} / 99%/ {p99=$2} /requests in/ {req=$1} /Non-2xx/ {bad=$5}
       /Socket errors/ {gsub(",", ""); se=$4+$6+$8+$10}
       END {printf "%s %s %s %s %s %s\n", rps, p50, p99, req, (bad==""?0:bad), (se==""?0:se)}'
}
run() { wrk -t$THREADS -c"$CONNS" -d"$1" --latency -s "$W/events.lua" "http://127.0.0.1:$2" 2>&1; }

# warm-up, not measured: both nodes' JIT and pools
run 3s "$N2" >/dev/null
: > "$W/nginx/two.log"
declare -A RES
for c in direct:$PA one:$N1 two:$N2; do
  name=${c%%:*}; port=${c#*:}
  before=$(rows)
  RES[$name]="$(run "${DUR}s" "$port" | parse) $(( $(rows) - before ))"
done

SPLIT=$(awk -v a="127.0.0.1:$PA" -v b="127.0.0.1:$PB" '$1==a {x++} $1==b {y++} END {t=x+y; if (t==0) t=1; printf "node A %.0f %% / node B %.0f %%", 100*x/t, 100*y/t}' "$W/nginx/two.log")
printf '\nIngest on PostgreSQL (one database, OFFEN_APP_SINGLENODE=false), %s connections, %s s each, %s visitors, %s cores\n\n' \
  "$CONNS" "$DUR" "$VISITORS" "$(nproc)"
printf '| %-38s | %9s | %9s | %9s | %8s | %7s | %9s |\n' case req/s p50 p99 non-2xx socket "rows new"
printf '|%s|%s|%s|%s|%s|%s|%s|\n' "----------------------------------------" "-----------" "-----------" "-----------" "----------" "---------" "-----------"
FAIL=0
for c in "direct:1 node, direct (reference)" "one:1 node behind nginx" "two:2 nodes behind nginx, round-robin"; do
  read -r rps p50 p99 req bad se new <<<"${RES[${c%%:*}]}"
  printf '| %-38s | %9s | %9s | %9s | %8s | %7s | %9s |\n' "${c#*:}" "$rps" "$p50" "$p99" "$bad" "$se" "$new"
  # every 201 is a stored row (up to one request per connection is cut off at the end, answered but not counted)
  ok=$(( req - bad ))
  if [ "$bad" != 0 ] || [ "$se" != 0 ] || [ "$new" -lt $(( ok - CONNS )) ] || [ "$new" -gt $(( ok + CONNS )) ]; then FAIL=1; fi
done
read -r one_rps _ <<<"${RES[one]}"; read -r two_rps _ <<<"${RES[two]}"
awk -v a="$one_rps" -v b="$two_rps" 'BEGIN {printf "\n2 nodes / 1 node behind nginx: %.2fx", b/a}'
printf '   (split of the 2-node run: %s)\n' "$SPLIT"
for p in "${PIDS[@]:0:2}"; do kill -0 "$p" 2>/dev/null || { echo "scale: a node exited" >&2; FAIL=1; }; done
exit $FAIL
