#!/usr/bin/env bash
# Startup benchmark (issue 5, item 5): time from exec to the first 200 on /healthz, and idle RSS after 5 s,
# for `offen serve` on a fresh SQLite database, N runs, next to a baseline measured in the same run: a
# trivial server (`/usr/bin/python3 -m http.server`) started and polled the same way. Targets: < 300 ms, < 60 MB.
#   bash bench/startup.sh [runs=5] [binary]
# binary defaults to the Release build (framework-dependent, `offen` apphost); pass a published single-file
# `offen` to measure that instead (dotnet publish src/Offen -c Release -r linux-x64 --self-contained -p:PublishSingleFile=true).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-5}
BIN=${2:-}
PY=/usr/bin/python3
command -v curl >/dev/null || { echo "bench: curl is missing" >&2; exit 1; }
if [ -z "$BIN" ]; then
  dotnet build src/Offen -c Release -nologo -v q >/dev/null
  BIN=src/Offen/bin/Release/net10.0/offen
fi
W=$(mktemp -d /tmp/offen-startup-XXXXXX)
PID=
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$W"' EXIT

free_port() { $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# start_and_measure <port> <cmd...>: prints "<ms to first 200> <idle RSS kB>". The poll is a tight curl loop
# (1 ms sleeps); the clock starts right before exec.
start_and_measure() {
  local port=$1; shift
  local t0 t1 rss
  t0=$(date +%s%N)
  "$@" >"$W/out" 2>"$W/err" & PID=$!
  until curl -sf -o /dev/null --max-time 1 "http://127.0.0.1:$port/healthz"; do
    kill -0 "$PID" 2>/dev/null || { echo "bench: server exited:" >&2; cat "$W/err" >&2; exit 1; }
    sleep 0.001
  done
  t1=$(date +%s%N)
  sleep 5
  rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$PID/status")
  kill "$PID"; wait "$PID" 2>/dev/null || true; PID=
  echo "$(( (t1 - t0) / 1000000 )) $rss"
}

# offen's environment: nothing from the machine's OFFEN_* or env files, a fresh SQLite database.
isolated_env() {
  local v
  for v in $(env | grep -o '^OFFEN_[A-Z0-9_]*'); do unset "$v"; done
  export HOME="$W" XDG_CONFIG_HOME="$W" OFFEN_SERVER_PORT="$1" OFFEN_DATABASE_CONNECTIONSTRING="$W/offen.db" \
    OFFEN_SECRET="$(head -c16 /dev/urandom | base64)" OFFEN_SMTP_HOST=smtp.invalid OFFEN_APP_LOGLEVEL=warn
}

mkdir -p "$W/www" && echo '{"ok":true}' > "$W/www/healthz"
declare -a OFFEN_MS OFFEN_RSS BASE_MS BASE_RSS
for i in $(seq 1 "$N"); do
  rm -f "$W"/offen.db*
  port=$(free_port)
  read -r ms rss < <(isolated_env "$port"; start_and_measure "$port" "$BIN" serve)
  OFFEN_MS+=("$ms"); OFFEN_RSS+=("$rss")
  port=$(free_port)
  read -r ms rss < <(start_and_measure "$port" "$PY" -m http.server "$port" --bind 127.0.0.1 --directory "$W/www")
  BASE_MS+=("$ms"); BASE_RSS+=("$rss")
done

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
row() { printf '%-44s %8s %8s %8s %10s\n' "$@"; }
echo
echo "startup to first 200 on /healthz and idle RSS after 5 s; $N runs each; $(nproc) CPUs, load $(cut -d' ' -f1 /proc/loadavg)"
row "server" "min ms" "med ms" "max ms" "med RSS MB"
row "offen serve (SQLite, fresh db, migrations)" "$(printf '%s\n' "${OFFEN_MS[@]}" | sort -n | head -1)" "$(median "${OFFEN_MS[@]}")" \
  "$(printf '%s\n' "${OFFEN_MS[@]}" | sort -n | tail -1)" "$(( $(median "${OFFEN_RSS[@]}") / 1024 ))"
row "baseline: python3 -m http.server (trivial)" "$(printf '%s\n' "${BASE_MS[@]}" | sort -n | head -1)" "$(median "${BASE_MS[@]}")" \
  "$(printf '%s\n' "${BASE_MS[@]}" | sort -n | tail -1)" "$(( $(median "${BASE_RSS[@]}") / 1024 ))"
echo "targets: offen under 300 ms and under 60 MB"
