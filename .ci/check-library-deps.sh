#!/usr/bin/env bash
# http-adapter is a library: what it needs at compile and run time is what every application that
# embeds LivecodeHttpServer gets. Resolves that set (Maven's runtime scope: compile and runtime,
# transitively) and fails, printing the whole tree, when it holds what only the standalone server
# may choose: a JDBC driver, a Redis client, a connection pool, Flyway, a logging binding, or the
# store, queue, runner and server modules. Extra arguments go to Maven (e.g. -o).
set -euo pipefail
cd "$(dirname "$0")/.."
out=target/ci
mkdir -p "$out"
# Relative: each module of the reactor writes its own tree under its own target/.
tree=http-adapter/target/runtime-dependencies.txt
rm -f "$tree"

# -am: core comes from this checkout's reactor, not from whatever the local repository holds.
mvn -q -B -ntp "$@" -pl http-adapter -am org.apache.maven.plugins:maven-dependency-plugin:3.8.1:tree \
  -Dscope=runtime -DoutputFile=target/runtime-dependencies.txt > "$out/check-library-deps.log" 2>&1 \
  || { cat "$out/check-library-deps.log"; echo "library-deps: mvn dependency:tree failed"; exit 1; }
[ -s "$tree" ] || { echo "library-deps: no dependency tree written to $tree"; exit 1; }

# groupId:artifactId patterns (extended regular expressions, anchored at the coordinates' start).
banned=(
  'com\.mysql:' 'mysql:mysql-connector-java:' 'org\.mariadb\.jdbc:'
  'io\.lettuce:' 'redis\.clients:'
  'com\.zaxxer:HikariCP' 'org\.flywaydb:'
  'ch\.qos\.logback:' 'org\.slf4j:slf4j-(simple|reload4j|jdk14|nop):' 'org\.apache\.logging\.log4j:log4j-slf4j2?-impl:'
  'dev\.livecode:livecode-(store-|queue-|runner-|server)'
)
found=()
for pattern in "${banned[@]}"; do
  while IFS= read -r line; do
    found+=("$line")
  done < <(sed -E 's/^[| +\\-]*//' "$tree" | grep -E "^($pattern)" || true)
done

if [ "${#found[@]}" -gt 0 ]; then
  echo "library-deps: FAILED: livecode-http-adapter brings what only the standalone server may choose:"
  printf '  %s\n' "${found[@]}"
  echo "  its compile and runtime dependencies (mvn dependency:tree -pl http-adapter -Dscope=runtime):"
  sed 's/^/  | /' "$tree"
  exit 1
fi
echo "library-deps: ok ($(($(wc -l < "$tree") - 1)) dependencies of livecode-http-adapter at run time," \
  "no backend and no logging binding among them)"
