# syntax=docker/dockerfile:1
# livecode server image: `docker build -t livecode .` then see docker-compose.yml.
# Stage 1 runs the same Maven build CI runs (.ci/run -> scripts/test.sh), without the tests
# (they need MariaDB and Redis, which a build container does not have). It needs no node: the
# playground's editor comes from WebJars that the build unpacks into the http-adapter jar.
FROM maven:3-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.m2 mvn -B -ntp -DskipTests package \
 && cp server/target/livecode-server.jar /livecode-server.jar

# Stage 2: a JRE plus the interpreters the runners start and bubblewrap, the strongest sandbox
# tier. What the sandbox needs from the container runtime is in docs/deployment.md and in
# docker-compose.yml beside the worker service.
FROM eclipse-temurin:17-jre
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3 nodejs bubblewrap \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --create-home --home-dir /home/livecode livecode
COPY --from=build /livecode-server.jar /opt/livecode/livecode-server.jar
# why non-root: bubblewrap confines programs through unprivileged user namespaces; the server
# itself needs no privilege, so a sandbox escape lands in an unprivileged account.
USER livecode
WORKDIR /home/livecode
EXPOSE 1409
# why every interface: a container's loopback is out of reach of its published port. Without
# LIVECODE_API_KEYS_FILE such a server is open to whoever reaches the port (it logs so).
ENV LIVECODE_HOST=0.0.0.0
# why the JIT's first tier only: the server's Java work per run is small, and compiling it again
# with the second tier cost more CPU than it saved (docs/deployment.md, "JVM options").
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=50", "-XX:TieredStopAtLevel=1", "-jar", "/opt/livecode/livecode-server.jar"]
