#!/usr/bin/env bash
# Makes sure what the test suite needs is installed and running: bubblewrap (the strongest
# sandbox tier), Chromium and chromedriver (the playground's browser tests), MariaDB on
# 127.0.0.1:3306 (root, empty password, database `test`) and Redis on 127.0.0.1:6379. Installs
# missing packages with apt-get. Exits non-zero when a service cannot be reached, so that tests
# fail instead of being skipped.
set -euo pipefail

log() { echo "services: $*" >&2; }

apt_updated=0
install_packages() {
  if [ "$(id -u)" -ne 0 ]; then
    log "cannot install $* without root; install them and run again"
    return 1
  fi
  if [ "$apt_updated" -eq 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

wait_for() { # name, seconds, command...
  local name=$1 seconds=$2
  shift 2
  for _ in $(seq 1 $((seconds * 5))); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.2
  done
  log "$name did not come up within ${seconds}s"
  return 1
}

command -v bwrap >/dev/null || { log "installing bubblewrap"; install_packages bubblewrap; }
command -v python3 >/dev/null || install_packages python3
command -v node >/dev/null || install_packages nodejs
# libseccomp's Python binding: core's test regenerates the checked-in seccomp filter with it.
/usr/bin/python3 -c "import seccomp" 2>/dev/null || { log "installing python3-seccomp"; install_packages python3-seccomp; }
# The playground's browser tests (server's PlaygroundIT): Debian's Chromium and its driver, by
# path; nothing downloads a browser. The tests fail, never skip, when either is missing.
{ [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; } \
  || { log "installing chromium and chromium-driver"; install_packages chromium chromium-driver; }

# Redis
if ! command -v redis-server >/dev/null; then log "installing redis"; install_packages redis-server redis-tools; fi
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  log "starting redis"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
fi
wait_for redis 20 redis-cli -h 127.0.0.1 -p 6379 ping

# MariaDB
if ! command -v mariadbd >/dev/null && ! command -v mysqld >/dev/null; then
  log "installing mariadb"; install_packages mariadb-server mariadb-client
fi
if ! mysqladmin -h 127.0.0.1 -P 3306 -uroot ping >/dev/null 2>&1; then
  log "starting mariadb"
  mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld 2>/dev/null || true
  start-stop-daemon --start --oknodo --background --exec "$(command -v mariadbd || command -v mysqld)"
fi
wait_for mariadb 60 mysqladmin -h 127.0.0.1 -P 3306 -uroot ping
mysql -h 127.0.0.1 -P 3306 -uroot -e 'CREATE DATABASE IF NOT EXISTS test CHARACTER SET utf8mb4' \
  || { log "cannot use MariaDB as root without a password on 127.0.0.1:3306"; exit 1; }
log "ready: bwrap $(bwrap --version 2>/dev/null | awk '{print $2}'), redis, mariadb"
