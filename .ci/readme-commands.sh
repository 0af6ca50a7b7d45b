#!/usr/bin/env bash
# Runs the commands the README and the docs show, from this checkout and in their quickest form,
# and checks what each one does; CI runs it on a fresh clone before the test suite. Each command
# is first looked up in the document that shows it, so that a document and this script cannot
# drift apart unnoticed; it also checks that http-adapter stays a library without the server's
# backends (.ci/check-library-deps.sh). Output of each step goes to target/ci/<step>.log; a
# failing step prints that log's last lines. Needs root (the no-bwrap server runs in a mount
# namespace of its own) and the services of scripts/services.sh (MariaDB and Redis for the
# benchmarks and store-mysql).
set -euo pipefail
cd "$(dirname "$0")/.."
out=target/ci
mkdir -p "$out"
jar=server/target/livecode-server.jar
bash_jar=examples/bash-runner/target/livecode-example-bash-runner-0.1.0-SNAPSHOT.jar

say() { echo "readme: $*"; }

fail() { # message [log]
  say "FAILED: $1"
  if [ -n "${2:-}" ] && [ -f "$2" ]; then
    echo "  last lines of $2:"
    tail -n 30 "$2" | cut -c1-300 | sed 's/^/  | /'
  fi
  exit 1
}

shows() { # document, command: the document must show the command as this script runs it
  grep -qF -- "$2" "$1" || fail "$1 no longer shows \`$2\`; update .ci/readme-commands.sh with the document"
}

step() { # name, command...: runs it with its output in $out/<name>.log
  local name=$1
  shift
  local started=$SECONDS
  "$@" > "$out/$name.log" 2>&1 || fail "$name: \`$*\` exited $?" "$out/$name.log"
  say "$name: ok in $((SECONDS - started)) s"
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

server_pid=""
server_log=""

stop_server() { # SIGTERM, as an operator stops it; it must be gone within 30 s
  [ -n "$server_pid" ] || return 0
  local pid=$server_pid
  server_pid=""
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 150); do
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
    sleep 0.2
  done
  kill -KILL "$pid" 2>/dev/null || true
  fail "the server did not stop within 30 s of SIGTERM" "$server_log"
}
trap stop_server EXIT

start_server() { # name, command... (--port and --host are appended): waits for /health
  local name=$1
  shift
  port=$(free_port)
  server_log="$out/$name.log"
  "$@" --port "$port" --host 127.0.0.1 > "$server_log" 2>&1 &
  server_pid=$!
  # Up to 3 minutes: the first command builds the server before it starts it.
  for _ in $(seq 1 900); do
    if curl -sf -o /dev/null "http://127.0.0.1:$port/health"; then
      return 0
    fi
    kill -0 "$server_pid" 2>/dev/null || { server_pid=""; fail "$name: the server exited before /health answered" "$server_log"; }
    sleep 0.2
  done
  fail "$name: /health did not answer within 3 minutes" "$server_log"
}

smoke() { # name, isolation, languages...: the README's four calls against the running server
  local name=$1
  shift
  say "$name: $(grep -o 'sandbox chosen tier=[A-Z]*' "$server_log" | head -n 1)"
  python3 .ci/api-smoke.py "http://127.0.0.1:$port" "$@" || fail "$name: the API calls above failed" "$server_log"
  stop_server
}

# --- README, modules: http-adapter is a library that brings no backend and no logging binding --
step library-deps .ci/check-library-deps.sh

# --- README, first command: install bubblewrap where it can, build, start on the embedded default
shows README.md "scripts/start.sh"
start_server server-bwrap scripts/start.sh
# README: "Then open http://localhost:1409/": the page, and the editor its import map names.
curl -sf "http://127.0.0.1:$port/" > "$out/playground.html" || fail "playground: GET / failed" "$server_log"
grep -q '<title>livecode playground</title>' "$out/playground.html" || fail "playground: GET / is not the page" "$out/playground.html"
editor=$(grep -o '/playground/vendor/codemirror__view-[^"]*' "$out/playground.html" | head -n 1)
curl -sf -o /dev/null "http://127.0.0.1:$port$editor" || fail "playground: the editor ($editor) is not served" "$server_log"
say "playground: ok"
smoke server-bwrap bwrap python javascript typescript

# The same jar where bubblewrap cannot be run: /dev/null is bound over it inside a mount
# namespace of the server's own, so the rest of the host keeps its bwrap. The server must fall
# back to the unshare tier and still run every language.
[ "$(id -u)" -eq 0 ] || fail "the no-bwrap server needs root for unshare --mount (CI runs as root)"
bwrap=$(readlink -f "$(command -v bwrap)") || fail "bwrap is not installed; run scripts/services.sh first"
# LIVECODE_SKIP_INSTALL: as on a machine where the first command cannot install bubblewrap.
start_server server-unshare env LIVECODE_SKIP_INSTALL=1 unshare --mount --propagation private -- \
  sh -c 'mount --bind /dev/null "$0" && exec "$@"' "$bwrap" scripts/start.sh
smoke server-unshare unshare python javascript typescript

shows README.md "java -jar $jar --help"
java -jar "$jar" --help > "$out/help.log" 2>&1 || fail "--help exited $?" "$out/help.log"
grep -q -- '--port' "$out/help.log" || fail "--help does not list --port" "$out/help.log"
say "help: ok"

# --- README, embedding: the example program ---------------------------------------------------
embed="mvn -q -B -ntp -pl examples -am test-compile exec:java -Dexec.mainClass=dev.livecode.examples.EmbeddingMain"
shows README.md "$embed"
step embedding $embed
for line in "python: COMPLETED" "javascript: COMPLETED"; do
  grep -q "^$line" "$out/embedding.log" || fail "embedding: no '$line' line" "$out/embedding.log"
done

# --- examples/bash-runner/README.md: a language added as a jar beside the server ---------------
plugin="java -cp $jar:$bash_jar dev.livecode.server.Main"
shows examples/bash-runner/README.md "$plugin"
start_server bash-plugin $plugin
grep -q 'runner discovered language=bash' "$server_log" || fail "bash-plugin: the bash runner was not discovered" "$server_log"
curl -sf "http://127.0.0.1:$port/languages" | grep -q '"id":"bash"' || fail "bash-plugin: /languages does not list bash" "$server_log"
smoke bash-plugin bwrap bash python

# --- docs/benchmarks.md: build, then both modes with the fewest samples that still fill every row
shows docs/benchmarks.md "mvn -q -B -ntp -pl server,benchmarks -am package -DskipTests"
shows docs/benchmarks.md "java -jar benchmarks/target/livecode-benchmarks.jar --mode all"
step benchmarks-build mvn -q -B -ntp -pl server,benchmarks -am package -DskipTests

# --- store-mysql/README.md and docs/benchmarks.md: autosave throughput, in-memory beside MySQL -
autosave="-cp benchmarks/target/livecode-benchmarks.jar dev.livecode.benchmarks.AutosaveThroughput"
shows store-mysql/README.md "$autosave"
shows docs/benchmarks.md "java -Dthreads=2 -Dseconds=1 $autosave"
step autosave-throughput java -Dthreads=2 -Dseconds=1 $autosave
for store in in-memory mysql; do
  grep -q "^$store .*updates/s" "$out/autosave-throughput.log" || fail "autosave-throughput: no $store line" "$out/autosave-throughput.log"
done

step benchmarks java -jar benchmarks/target/livecode-benchmarks.jar --mode all --quick --samples 5 --runs 10 \
  --back-to-back-runs 10 --watchers 50 --concurrency 2 --connections 1 --http-seconds 1 --tiers bwrap --cold-args '' --out "$out/benchmarks/results.json"
python3 - "$out/benchmarks/results.json" <<'PYTHON' || fail "benchmarks: the results above are incomplete" "$out/benchmarks.log"
import json, math, sys
rows = json.load(open(sys.argv[1]))["rows"]
failed = [r for r in rows if "failed" in (r.get("note") or "") or r["name"] == "mode failed"
          or any(isinstance(v, float) and math.isnan(v) for v in (r.get("livecode") or {}).values())]
modes = sorted({r["section"].split()[0] for r in rows if r["section"].split()[0] in ("embedded", "redis-mysql")})
shown = set()
for r in rows:  # one headline per mode and language: the first latency row, against a bare spawn
    key = (r["section"], r["name"])
    if r["section"].endswith(" latency") and r["name"].endswith("POST run -> COMPLETED") and "baseline" in r and key not in shown:
        shown.add(key)
        print(f"  {r['section']:<20} {r['name'].split(':')[0]:<26} p50 {r['livecode']['p50']:6.1f} ms"
              f"  (bare: {r['baseline']['p50']:.1f} ms)")
print(f"  {len(rows)} rows over {', '.join(modes)}; {len(failed)} failed")
for r in failed:
    print(f"  FAILED row: {r['section']} | {r['name']} | {r.get('note')}")
sys.exit(0 if rows and not failed and modes == ["embedded", "redis-mysql"] else 1)
PYTHON
say "all commands ran as the documents show"
