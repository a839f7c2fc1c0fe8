#!/usr/bin/env bash
# Argon2id benchmark: managed Offen.Crypto vs libargon2 (P/Invoke) vs Debian's argon2 CLI, in one run.
# Usage: bench/argon2.sh [--runs N]     Needs the Debian packages argon2 and libargon2-1 for the baselines.
# The decision these figures support is recorded in docs/adr/0001-argon2.md.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build bench/Argon2Bench/Argon2Bench.csproj -c Release -nologo -v q -clp:ErrorsOnly
exec dotnet bench/Argon2Bench/bin/Release/net10.0/Argon2Bench.dll "$@"
