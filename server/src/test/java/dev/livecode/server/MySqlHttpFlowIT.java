package dev.livecode.server;

import static dev.livecode.http.testing.HttpClientSupport.object;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.livecode.http.testing.HttpClientSupport;
import dev.livecode.testing.MariaDbExtension;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole HTTP flow on {@code --store mysql}, and a server killed with {@code kill -9} that comes
 * back with every session and finished execution byte for byte. Needs the MySQL or MariaDB of
 * {@link MariaDbExtension}; each run works in a database of its own, dropped afterwards.
 */
class MySqlHttpFlowIT {
  @RegisterExtension final MariaDbExtension mariaDb = new MariaDbExtension();

  @Test
  void killedServerComesBackWithEverySessionAndFinishedExecutionByteForByte() throws Exception {
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "--store",
                "mysql",
                "--mysql-url",
                mariaDb.jdbcUrl(),
                "--mysql-user",
                mariaDb.user(),
                "--workers",
                "2"));
    if (!mariaDb.password().isEmpty()) {
      args.addAll(List.of("--mysql-password", mariaDb.password()));
    }
    Map<String, String> before = new LinkedHashMap<>();
    String interrupted;
    try (ServerProcess server = start(args)) {
      HttpClientSupport http = server.client();
      String emoji =
          http.createSession(
              "python",
              "s = 'héllo 世界 🎉 𝄞 \\u00e9'\nprint(s)\nprint(s, file=__import__('sys').stderr)");
      String sqlish = http.createSession("javascript", "'; DROP TABLE x; --");
      String sqlString =
          http.createSession("python", "print(\"'; DROP TABLE x; --\")\nprint('\\\\' + \"\\\"\")");
      String binary =
          http.createSession(
              "python",
              "import sys\nsys.stdout.buffer.write(bytes(range(1, 256)))\nsys.stderr.buffer.write(b'\\x7f\\xfe\\x01')\nsys.exit(4)");
      String patched = http.createSession("py", "print(1)");
      assertThat(
              http.patch("/code-sessions/" + patched, object("source_code", "print('v2 ✓')"))
                  .status())
          .isEqualTo(200);

      List<String> executions =
          List.of(
              http.run(emoji, null),
              http.run(sqlish, null),
              http.run(sqlString, object("stdin", "🎉")),
              http.run(binary, null),
              http.run(patched, null),
              http.run(patched, null));
      executions.forEach(http::awaitEnd);
      JsonNode emojiRun = http.get("/executions/" + executions.get(0)).body();
      assertThat(emojiRun.get("stdout").asText()).isEqualTo("héllo 世界 🎉 𝄞 é\n");
      assertThat(http.get("/executions/" + executions.get(1)).body().get("status").asText())
          .isEqualTo("FAILED");
      assertThat(http.get("/executions/" + executions.get(2)).body().get("stdout").asText())
          .isEqualTo("'; DROP TABLE x; --\n\\\"\n");
      JsonNode binaryRun = http.get("/executions/" + executions.get(3)).body();
      assertThat(binaryRun.get("exit_code").asInt()).isEqualTo(4);
      assertThat(binaryRun.get("stdout").asText())
          .startsWith("\u0001\u0002\u0003")
          .contains("\uFFFD");

      for (String session : List.of(emoji, sqlish, sqlString, binary, patched)) {
        before.put("/code-sessions/" + session, http.get("/code-sessions/" + session).raw().body());
        before.put(
            "/code-sessions/" + session + "/executions",
            http.get("/code-sessions/" + session + "/executions").raw().body());
      }
      for (String execution : executions) {
        before.put("/executions/" + execution, http.get("/executions/" + execution).raw().body());
      }
      interrupted = http.run(http.createSession("python", "import time\ntime.sleep(30)"), null);
      awaitRunning(http, interrupted);

      server.kill();
    }

    try (ServerProcess server = start(args)) {
      HttpClientSupport http = server.client();
      for (Map.Entry<String, String> entry : before.entrySet()) {
        assertThat(http.get(entry.getKey()).raw().body())
            .as(entry.getKey())
            .isEqualTo(entry.getValue());
      }
      JsonNode lost = http.get("/executions/" + interrupted).body();
      assertThat(lost.get("status").asText()).isEqualTo("FAILED");
      assertThat(lost.get("failure_reason").asText()).isEqualTo("INTERRUPTED");
      // And the restarted server works on the same data.
      String session = before.keySet().iterator().next().substring("/code-sessions/".length());
      assertThat(http.awaitEnd(http.run(session, null)).get("status").asText())
          .isEqualTo("COMPLETED");
    }
  }

  private static ServerProcess start(List<String> args) throws Exception {
    return ServerProcess.start(List.of(), args);
  }

  private static void awaitRunning(HttpClientSupport http, String execution)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!http.get("/executions/" + execution).body().get("status").asText().equals("RUNNING")) {
      assertThat(System.nanoTime()).as("execution never RUNNING").isLessThan(deadline);
      Thread.sleep(20);
    }
  }
}
