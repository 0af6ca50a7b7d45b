#!/usr/bin/env bash
# The README's first command: builds the server and starts it on the embedded default (in-memory
# queue and store, port 1409; extra arguments go to the server, e.g. --port 8080). Before that it
# installs bubblewrap, the strongest sandbox tier, where it can (root with apt-get); where it
# cannot (not root, no apt-get, no network, or LIVECODE_SKIP_INSTALL=1) the server picks the
# strongest tier that works and says which in its log and in GET /health.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v bwrap >/dev/null 2>&1 && [ "${LIVECODE_SKIP_INSTALL:-0}" != 1 ] \
    && [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "start: installing bubblewrap (the strongest sandbox tier)" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq bubblewrap >/dev/null 2>&1 \
    || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq bubblewrap >/dev/null 2>&1; } \
    || echo "start: bubblewrap could not be installed; the server will use a weaker tier" >&2
fi
mvn -q -B -ntp package -DskipTests
# The JIT's first tier only: see docs/deployment.md, "JVM options".
exec java -XX:TieredStopAtLevel=1 -jar server/target/livecode-server.jar "$@"
