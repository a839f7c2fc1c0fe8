#!/usr/bin/env bash
# The whole test suite: provisions PostgreSQL and MariaDB (Debian packages) when missing,
# starts them on loopback, runs every test project, and stops what it started.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/services.sh
trap services_stop EXIT
services_start
# Every test server's output lands here; scripts/check-logs.py fails the run if it holds anything identifying.
export OFFEN_TEST_LOG_DIR=$(mktemp -d /tmp/offen-test-logs-XXXXXX)
# The build also builds the browser clients (web/, npm ci + esbuild) through src/Offen/Offen.csproj.
dotnet build Offen.slnx -c Release -nologo -v q
# Front-end units and types (web/): vitest and tsc on the same sources the bundles are built from.
(cd web && npx tsc -p tsconfig.json --noEmit && npx vitest run --reporter=dot)
dotnet test Offen.slnx -c Release --no-build -nologo --logger "console;verbosity=minimal"

# One binary (issue 5): a self-contained single-file executable that runs on its own, outside the SDK.
OUT=$(mktemp -d /tmp/offen-publish-XXXXXX)
dotnet publish src/Offen -c Release -r linux-x64 --self-contained -p:PublishSingleFile=true \
  -p:IncludeNativeLibrariesForSelfExtract=true -p:Revision=ci-check -o "$OUT" -nologo -v q
"$OUT/offen" version 2>&1 | tee "$OUT/version.txt"
grep -q 'revision=ci-check' "$OUT/version.txt" || { echo "published binary does not report its revision" >&2; exit 1; }
DOTNET_BUNDLE_EXTRACT_BASE_DIR="$OUT/extract" "$OUT/offen" secret -quiet | grep -Eq '^[A-Za-z0-9+/]{22}==$' || { echo "published binary failed to run" >&2; exit 1; }

# Browser tests (issue 3+): Debian's Chromium driven by playwright-core, against the published binary.
OFFEN_BIN="$OUT/offen" node --test --test-concurrency=1 tests/e2e/
# The auditorium's flows again with PostgreSQL behind the server (issue 4 item 9), and deletion through the
# operator's caches (ADR 0005) on PostgreSQL too.
OFFEN_E2E_DATABASE=postgres OFFEN_BIN="$OUT/offen" node --test --test-concurrency=1 \
  tests/e2e/auditorium.test.mjs tests/e2e/dashboard.test.mjs tests/e2e/visitor.test.mjs tests/e2e/deletion.test.mjs
# Issue 6: no IP, user agent, referrer, cookie value, email or password in any server log of this run.
/usr/bin/python3 scripts/check-logs.py "$OFFEN_TEST_LOG_DIR"
rm -rf "$OUT"
