#!/usr/bin/env bash
# Checks the deployment files without a Docker engine (none runs in CI): docker-compose.yml
# parses and describes MySQL 8, Redis 7 with AOF, one api and two workers; every LIVECODE_*
# variable and --flag it uses is one the server knows; the Dockerfile builds the jar the way CI
# does and starts the file the shade plugin writes. Exits non-zero, naming the problem.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3)
if ! "$PY" -c 'import yaml' 2>/dev/null; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    echo "check-compose: installing python3-yaml" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-yaml >/dev/null \
      || { DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-yaml >/dev/null; }
    PY=/usr/bin/python3
  else
    echo "check-compose: needs PyYAML (apt-get install python3-yaml)" >&2
    exit 1
  fi
fi

exec "$PY" - <<'PYTHON'
import re
import sys

import yaml

problems = []

def check(condition, message):
    if not condition:
        problems.append(message)

with open("docker-compose.yml", encoding="utf-8") as f:
    compose = yaml.safe_load(f)  # resolves the x-livecode anchor and << merges

options_src = open("server/src/main/java/dev/livecode/server/internal/Options.java", encoding="utf-8").read()
known = set(re.findall(r'(?:opt|new Option)\(\s*"([a-z][a-z0-9-]*)"', options_src))
check(known, "no options found in Options.java")
known_env = {"LIVECODE_" + name.upper().replace("-", "_") for name in known}

services = compose.get("services") or {}
for name in ("mysql", "redis", "api", "worker"):
    check(name in services, f"service '{name}' is missing")

mysql = services.get("mysql", {})
check(str(mysql.get("image", "")).startswith("mysql:8"), "mysql must use a mysql:8.x image")
check(mysql.get("healthcheck"), "mysql needs a healthcheck (the livecode services wait for it)")

redis = services.get("redis", {})
check(str(redis.get("image", "")).startswith("redis:7"), "redis must use a redis:7.x image")
command = redis.get("command") or []
command = command if isinstance(command, list) else command.split()
check("--appendonly" in command and command[command.index("--appendonly") + 1] == "yes",
      "redis must run with --appendonly yes: accepted jobs live only in Redis")
check("noeviction" in command, "redis must not evict keys (--maxmemory-policy noeviction)")

def flags(service):
    cmd = service.get("command") or []
    return [c[2:].split("=", 1)[0] for c in cmd if isinstance(c, str) and c.startswith("--")]

for name in ("api", "worker"):
    service = services.get(name, {})
    cmd = service.get("command") or []
    check(service.get("build") == ".", f"{name} must be built from ./Dockerfile")
    check("--role" in cmd and cmd[cmd.index("--role") + 1] == name, f"{name} must run with --role {name}")
    for flag in flags(service):
        check(flag in known, f"{name}: unknown flag --{flag}")
    env = service.get("environment") or {}
    check(isinstance(env, dict), f"{name}: environment must be a mapping")
    for key, value in env.items():
        check(key in known_env, f"{name}: unknown variable {key}")
    check(env.get("LIVECODE_STORE") == "mysql", f"{name}: LIVECODE_STORE must be mysql")
    check(env.get("LIVECODE_QUEUE") == "redis", f"{name}: LIVECODE_QUEUE must be redis")
    check(str(env.get("LIVECODE_REDIS_URL", "")).startswith("redis"), f"{name}: LIVECODE_REDIS_URL must be a redis:// URL")
    depends = service.get("depends_on") or {}
    check("mysql" in depends and "redis" in depends, f"{name} must wait for mysql and redis")

worker = services.get("worker", {})
check((worker.get("deploy") or {}).get("replicas") == 2, "worker must have deploy.replicas: 2")
security = worker.get("security_opt") or []
for needed in ("seccomp=./deploy/seccomp-worker.json", "apparmor=unconfined", "systempaths=unconfined"):
    check(needed in security, f"worker needs security_opt {needed} for bubblewrap (docs/deployment.md)")
check("seccomp=unconfined" not in security, "the worker must not run without a seccomp profile")
import os
check(os.path.isfile("deploy/seccomp-worker.json"), "deploy/seccomp-worker.json is missing")
check(services.get("api", {}).get("ports"), "api must publish its port")

dockerfile = open("Dockerfile", encoding="utf-8").read()
check(re.search(r"FROM maven:3-eclipse-temurin-17 AS build", dockerfile), "Dockerfile: build stage must be maven:3-eclipse-temurin-17")
check("mvn -B -ntp -DskipTests package" in dockerfile, "Dockerfile: build must run mvn -B -ntp -DskipTests package")
check(re.search(r"FROM eclipse-temurin:17-jre", dockerfile), "Dockerfile: runtime must be eclipse-temurin:17-jre")
for package in ("python3", "nodejs", "bubblewrap"):
    check(re.search(r"apt-get install[^\n]*\b" + package + r"\b", dockerfile), f"Dockerfile: runtime must install {package}")
check("server/target/livecode-server.jar" in dockerfile, "Dockerfile: must copy server/target/livecode-server.jar")
shade = open("server/pom.xml", encoding="utf-8").read()
check("<outputFile>${project.build.directory}/livecode-server.jar</outputFile>" in shade,
      "server/pom.xml no longer writes target/livecode-server.jar; update the Dockerfile")
check(re.search(r'ENTRYPOINT \["java",.*"-jar", "/opt/livecode/livecode-server.jar"\]', dockerfile),
      "Dockerfile: entrypoint must be java -jar livecode-server.jar")

if problems:
    for p in problems:
        print("check-compose: " + p, file=sys.stderr)
    sys.exit(1)
print(f"check-compose: ok ({len(services)} services, {len(known)} server flags known)")
PYTHON
