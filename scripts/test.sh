#!/usr/bin/env bash
# The whole test suite on a fresh machine: services first, then every module's unit and
# integration tests (`mvn verify`: surefire for *Test, failsafe for *IT), then one line per module
# with its counts. Arguments go to Maven (e.g. `scripts/test.sh -pl core`).
#
# Maven prints only what the tests say (each class's "Tests run:" line, each module's Results),
# its warnings and its errors: its progress lines (a header per plugin, about 250 a build) and
# Surefire's banners are left out so that a failure stands out. The tests log at WARN;
# LIVECODE_TEST_LOG=INFO (or -Dlivecode.test.log=INFO) shows their INFO lines too.
# `mvn -B -ntp verify` shows everything.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/services.sh

# Maven logs through slf4j-simple; a logger's level is looked up by name prefix, so `org` quiets
# every plugin and Maven's own progress, and the two test plugins are let back in at INFO.
quiet=(
  -Dorg.slf4j.simpleLogger.log.org=warn
  -Dorg.slf4j.simpleLogger.log.org.apache.maven.plugin.surefire=info
  -Dorg.slf4j.simpleLogger.log.org.apache.maven.plugin.failsafe=info
)

marker=$(mktemp)
trap 'rm -f "$marker"' EXIT
started=$SECONDS
status=0
# Surefire frames each module's tests with a banner and blank lines, 7 of the 9 lines it prints
# around them; they go, with the colour resets Maven writes even with -B. Nothing else is dropped.
mvn -B -ntp "${quiet[@]}" verify "$@" 2>&1 | sed -u -E -e 's/\x1b\[0m//g' -e '/^\[INFO\] (-+| T E S T S)?$/d' || status=$?
python3 scripts/test-report.py "$marker"
if [ "$status" -eq 0 ]; then
  echo "tests: passed in $((SECONDS - started)) s"
else
  echo "tests: FAILED (mvn exit $status) after $((SECONDS - started)) s: see the [ERROR] lines above; each test's report and output are in <module>/target/*-reports/"
fi
exit "$status"
