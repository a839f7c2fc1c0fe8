#!/usr/bin/env bash
# The whole test suite: provisions PostgreSQL and MariaDB (Debian packages) when missing,
# starts them on loopback, runs every test project, and stops what it started.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/services.sh
trap services_stop EXIT
services_start
dotnet build Offen.slnx -c Release -nologo -v q
dotnet test Offen.slnx -c Release --no-build -nologo --logger "console;verbosity=minimal"
