#!/usr/bin/env bash
# Provision and start the real servers the test suite needs, on loopback only.
# Sourced by scripts/test.sh; `services_start` exports OFFEN_TEST_POSTGRES and OFFEN_TEST_MYSQL,
# `services_stop` stops only what services_start started. Recipes: ../shared/test-infra.md.
set -euo pipefail

: "${T:=/tmp/offen-test}"
export DEBIAN_FRONTEND=noninteractive
STARTED=()

# Install the Debian packages that are missing (apt-get update once, as root).
services_install() {
  local need=()
  command -v pg_ctlcluster >/dev/null 2>&1 || need+=(postgresql)
  command -v mariadbd >/dev/null 2>&1 || need+=(mariadb-server)
  command -v wrk >/dev/null 2>&1 || need+=(wrk)
  command -v argon2 >/dev/null 2>&1 || need+=(argon2)
  /usr/bin/python3 -c "import aiosmtpd" 2>/dev/null || need+=(python3-aiosmtpd)
  command -v sqlite3 >/dev/null 2>&1 || need+=(sqlite3)
  command -v nginx >/dev/null 2>&1 || need+=(nginx)
  command -v pebble >/dev/null 2>&1 || need+=(pebble)
  command -v openssl >/dev/null 2>&1 || need+=(openssl)
  [ -x /usr/bin/chromium ] || need+=(chromium)
  [ -e /usr/lib/x86_64-linux-gnu/libargon2.so.1 ] || [ -e /usr/lib/aarch64-linux-gnu/libargon2.so.1 ] || need+=(libargon2-1)
  if [ ${#need[@]} -gt 0 ]; then
    if [ "$(id -u)" != 0 ]; then echo "services: missing ${need[*]} and not root; install them first" >&2; return 1; fi
    echo "services: installing ${need[*]}" >&2
    apt-get update -q >/dev/null
    apt-get install -y -q "${need[@]}" >/dev/null
  fi
}

services_start() {
  mkdir -p "$T"
  services_install
  # PostgreSQL (Debian cluster 15/main)
  local pgver
  pgver=$(ls /usr/lib/postgresql | sort -n | tail -1)
  if ! pg_ctlcluster "$pgver" main status >/dev/null 2>&1; then
    pg_ctlcluster "$pgver" main start
    STARTED+=("pg:$pgver")
  fi
  pg_isready -h 127.0.0.1 -p 5432 -t 20 >/dev/null
  su postgres -c "psql -v ON_ERROR_STOP=1 -q" <<'SQL'
DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname='offen') THEN
  CREATE ROLE offen LOGIN CREATEDB PASSWORD 'offen'; END IF; END$$;
SQL
  # MariaDB
  if ! mariadb-admin ping >/dev/null 2>&1; then
    install -d -o mysql -g mysql /run/mysqld
    (mariadbd --user=mysql --bind-address=127.0.0.1 >"$T/mariadbd.out" 2>&1 &)
    STARTED+=("mariadb")
    for _ in $(seq 1 100); do mariadb-admin ping >/dev/null 2>&1 && break; sleep 0.1; done
  fi
  mariadb -e "CREATE USER IF NOT EXISTS 'offen'@'localhost' IDENTIFIED BY 'offen';
    CREATE USER IF NOT EXISTS 'offen'@'127.0.0.1' IDENTIFIED BY 'offen';
    GRANT ALL ON *.* TO 'offen'@'localhost'; GRANT ALL ON *.* TO 'offen'@'127.0.0.1';"
  export OFFEN_TEST_POSTGRES="Host=127.0.0.1;Port=5432;Username=offen;Password=offen;Database=postgres"
  export OFFEN_TEST_MYSQL="Server=127.0.0.1;Port=3306;User ID=offen;Password=offen"
}

services_stop() {
  local s
  for s in "${STARTED[@]}"; do
    case "$s" in
      pg:*) pg_ctlcluster "${s#pg:}" main stop || true ;;
      mariadb)
        local p; p=$(cat /run/mysqld/mysqld.pid 2>/dev/null || true)
        if [ -n "$p" ]; then kill "$p" 2>/dev/null || true; while kill -0 "$p" 2>/dev/null; do sleep 0.1; done; fi ;;
    esac
  done
}
