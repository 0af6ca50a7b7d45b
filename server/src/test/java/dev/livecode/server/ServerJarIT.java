package dev.livecode.server;

import static dev.livecode.http.testing.HttpClientSupport.object;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.livecode.http.testing.HttpClientSupport;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/**
 * livecode-server.jar as an operator runs it: flags, exit codes, SIGTERM, a dropped-in language.
 */
class ServerJarIT {

  @Test
  void helpListsEveryFlagWithItsVariableAndDefault() throws Exception {
    ServerProcess.Finished help = ServerProcess.runToExit(List.of("--help"), Map.of());

    assertThat(help.exitCode()).isZero();
    assertThat(help.stdout())
        .contains(
            "--port",
            "LIVECODE_PORT",
            "Default: 1409",
            "--workers",
            "--role",
            "--isolation",
            "--wall-time-ms",
            "--max-wall-time-ms",
            "--python",
            "--node",
            "--lang-<id>-interpreter",
            "--store",
            "--mysql-url",
            "--mysql-password-file",
            "--queue",
            "--redis-url",
            "--redis-prefix");
  }

  @Test
  void badFlagExitsWithTwoAndOneLine() throws Exception {
    ServerProcess.Finished unknown =
        ServerProcess.runToExit(List.of("--no-such-flag", "1"), Map.of());
    ServerProcess.Finished badValue =
        ServerProcess.runToExit(List.of(), Map.of("LIVECODE_WORKERS", "many"));

    assertThat(unknown.exitCode()).isEqualTo(2);
    assertThat(unknown.stderr().strip())
        .isEqualTo("livecode: unknown flag --no-such-flag; see --help");
    assertThat(badValue.exitCode()).isEqualTo(2);
    assertThat(badValue.stderr().strip())
        .isEqualTo("livecode: LIVECODE_WORKERS must be an integer, was 'many'");
  }

  @Test
  void unreachableDatabaseExitsWithOneAndAnActionableLine() throws Exception {
    ServerProcess.Finished result =
        ServerProcess.runToExit(
            List.of(
                "--port",
                "0",
                "--store",
                "mysql",
                "--mysql-url",
                "jdbc:mysql://127.0.0.1:1/livecode",
                "--mysql-password",
                "hunter2"),
            Map.of());

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.stderr().strip())
        .startsWith("livecode: cannot start:")
        .contains("127.0.0.1:1");
    assertThat(result.stderr().strip().lines()).hasSize(1);
    assertThat(result.stderr() + result.stdout()).doesNotContain("hunter2").doesNotContain("\tat ");
  }

  @Test
  void unreachableRedisExitsWithOneAndMasksThePassword() throws Exception {
    ServerProcess.Finished result =
        ServerProcess.runToExit(
            List.of(
                "--port", "0", "--queue", "redis", "--redis-url", "redis://:hunter2@127.0.0.1:1"),
            Map.of());

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.stderr().strip()).startsWith("livecode: cannot start:");
    assertThat(result.stderr().strip().lines()).hasSize(1);
    assertThat(result.stderr() + result.stdout()).doesNotContain("hunter2").doesNotContain("\tat ");
  }

  @Test
  void sigtermLetsTheRunningExecutionFinishThenExits() throws Exception {
    try (ServerProcess server = ServerProcess.start(List.of(), List.of("--workers", "1"))) {
      HttpClientSupport http = server.client();
      String execution =
          http.run(http.createSession("python", "import time\ntime.sleep(1)\nprint('done')"), null);
      awaitStatus(http, execution, "RUNNING");

      server.terminate(Duration.ofSeconds(20));

      String log = server.log();
      assertThat(log).contains("execution finished id=" + execution);
      assertThat(log.indexOf("execution finished id=" + execution))
          .isLessThan(log.indexOf("engine stopped"));
      assertThat(log).contains("request method=POST path=/code-sessions status=200");
    }
  }

  @Test
  void languageJarDroppedOnTheClassPathIsListedAndRunsThroughHttp() throws Exception {
    Path bashJar =
        Path.of(
            Class.forName("dev.livecode.examples.bash.BashRunner")
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());

    try (ServerProcess server = ServerProcess.start(List.of(bashJar), List.of("--workers", "1"))) {
      HttpClientSupport http = server.client();
      JsonNode languages = http.get("/languages").body().get("languages");
      JsonNode done = http.runToEnd("bash", "echo hi", null);

      assertThat(
              StreamSupport.stream(languages.spliterator(), false).map(l -> l.get("id").asText()))
          .contains("bash", "python", "javascript", "typescript");
      assertThat(done.get("status").asText()).isEqualTo("COMPLETED");
      assertThat(done.get("stdout").asText()).isEqualTo("hi\n");
    }
  }

  @Test
  void workerRoleServesOnlyHealth() throws Exception {
    String prefix = "lc-jar-it-" + System.nanoTime();
    try (ServerProcess server =
        ServerProcess.start(
            List.of(),
            List.of(
                "--role",
                "worker",
                "--workers",
                "1",
                "--queue",
                "redis",
                "--redis-prefix",
                prefix))) {
      HttpClientSupport http = server.client();

      assertThat(http.get("/health").status()).isEqualTo(200);
      HttpClientSupport.assertProblem(
          http.post("/code-sessions", object("language", "python")), 404, "NOT_FOUND");
    } finally {
      deleteRedisKeys(prefix);
    }
  }

  private static void deleteRedisKeys(String prefix) {
    RedisClient client = RedisClient.create("redis://127.0.0.1:6379");
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      List<String> keys = connection.sync().keys(prefix + "*");
      if (!keys.isEmpty()) {
        connection.sync().del(keys.toArray(String[]::new));
      }
    } finally {
      client.shutdown();
    }
  }

  private static void awaitStatus(HttpClientSupport http, String execution, String status)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!http.get("/executions/" + execution).body().get("status").asText().equals(status)) {
      assertThat(System.nanoTime()).as("execution never %s", status).isLessThan(deadline);
      Thread.sleep(20);
    }
  }
}
