#!/usr/bin/env bash
# The whole test suite on a fresh machine: services first, then every module's unit and
# integration tests (`mvn verify`: surefire for *Test, failsafe for *IT).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/services.sh
exec mvn -B -ntp verify "$@"
