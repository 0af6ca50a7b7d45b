package dev.livecode.http;

import static dev.livecode.http.testing.HttpClientSupport.assertProblem;
import static dev.livecode.http.testing.HttpClientSupport.object;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.livecode.core.Livecode;
import dev.livecode.core.LivecodeEngine;
import dev.livecode.http.testing.HttpClientSupport;
import dev.livecode.http.testing.HttpClientSupport.Reply;
import dev.livecode.http.testing.RawConnection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The REST API of docs/api.md on the embedded defaults, with the real Python and Node runners. */
class HttpApiIT {
  private static LivecodeEngine engine;
  private static LivecodeHttpServer server;
  private static HttpClientSupport http;

  @BeforeAll
  static void start() {
    // The standalone server's warm interpreters and ready sandboxes, so that runs take those paths
    // too.
    engine = Livecode.builder().workers(4).warmPool(2).readySandboxes(2).build();
    server = LivecodeHttpServer.builder(engine).port(0).start();
    http = new HttpClientSupport(server.port());
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
    if (engine != null) {
      engine.close();
    }
  }

  // --- the four documented calls ----------------------------------------------------------------

  @Test
  void createsSessionWith200TheDocumentedShapeAndLocation() {
    Reply reply =
        http.post("/code-sessions", object("language", "PY", "source_code", "print('Hello')"));

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.contentType()).startsWith("application/json");
    JsonNode body = reply.body();
    assertThat(fieldNames(body))
        .containsExactly(
            "session_id",
            "status",
            "language",
            "source_code",
            "version",
            "created_at",
            "updated_at");
    assertThat(body.get("status").asText()).isEqualTo("ACTIVE");
    assertThat(body.get("language").asText()).isEqualTo("python");
    assertThat(body.get("source_code").asText()).isEqualTo("print('Hello')");
    assertThat(body.get("version").asLong()).isEqualTo(1);
    assertThat(Instant.parse(body.get("created_at").asText())).isNotNull();
    assertThat(reply.header("Location"))
        .isEqualTo("/code-sessions/" + body.get("session_id").asText());
  }

  @Test
  void createsSessionWithoutSourceAsEmpty() {
    Reply reply = http.post("/code-sessions", object("language", "javascript"));

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.body().get("source_code").asText()).isEmpty();
  }

  @Test
  void autosavesWithPatchIncrementingTheVersion() {
    String id = http.createSession("python", "print(1)");

    Reply patched = http.patch("/code-sessions/" + id, object("source_code", "print(2)"));
    Reply read = http.get("/code-sessions/" + id);

    assertThat(patched.status()).isEqualTo(200);
    assertThat(patched.body().get("version").asLong()).isEqualTo(2);
    assertThat(read.status()).isEqualTo(200);
    assertThat(read.body().get("source_code").asText()).isEqualTo("print(2)");
    assertThat(read.body().get("version").asLong()).isEqualTo(2);
  }

  @Test
  void patchChangesLanguageToItsCanonicalId() {
    String id = http.createSession("python", "console.log(1)");

    Reply patched = http.patch("/code-sessions/" + id, object("language", "js"));

    assertThat(patched.body().get("language").asText()).isEqualTo("javascript");
    assertThat(http.awaitEnd(http.run(id, null)).get("stdout").asText()).isEqualTo("1\n");
  }

  @Test
  void answersConflictWithTheCurrentVersionWhenExpectedVersionIsStale() {
    String id = http.createSession("python", "a");
    http.patch("/code-sessions/" + id, object("source_code", "b"));

    Reply byBody =
        http.patch("/code-sessions/" + id, object("source_code", "c", "expected_version", 1));
    Reply byHeader =
        http.send(
            "PATCH",
            "/code-sessions/" + id,
            "application/json",
            "{\"source_code\":\"d\"}",
            Map.of("If-Match", "\"1\""));
    Reply matching =
        http.send(
            "PATCH",
            "/code-sessions/" + id,
            "application/json",
            "{\"source_code\":\"e\"}",
            Map.of("If-Match", "\"2\""));

    assertProblem(byBody, 409, "VERSION_CONFLICT");
    assertThat(byBody.body().get("current_version").asLong()).isEqualTo(2);
    assertProblem(byHeader, 409, "VERSION_CONFLICT");
    assertThat(matching.status()).isEqualTo(200);
    assertThat(matching.body().get("version").asLong()).isEqualTo(3);
  }

  @Test
  void runAnswers200WithQueuedExecutionAndLocation() {
    String id = http.createSession("python", "print('Hello')");

    Reply reply = http.send("POST", "/code-sessions/" + id + "/run", null, null, Map.of());

    assertThat(reply.status()).isEqualTo(200);
    assertThat(fieldNames(reply.body())).containsExactly("execution_id", "status");
    assertThat(reply.body().get("status").asText()).isIn("QUEUED", "RUNNING", "COMPLETED");
    assertThat(reply.header("Location"))
        .isEqualTo("/executions/" + reply.body().get("execution_id").asText());
  }

  @Test
  void getExecutionGivesTheDocumentedShape() {
    JsonNode done = http.runToEnd("python", "print('Hello Updated')", null);

    assertThat(fieldNames(done))
        .containsExactly(
            "execution_id",
            "session_id",
            "language",
            "status",
            "stdout",
            "stderr",
            "exit_code",
            "failure_reason",
            "stdout_truncated",
            "stderr_truncated",
            "execution_time_ms",
            "queued_at",
            "started_at",
            "finished_at");
    assertThat(done.get("status").asText()).isEqualTo("COMPLETED");
    assertThat(done.get("stdout").asText()).isEqualTo("Hello Updated\n");
    assertThat(done.get("stderr").asText()).isEmpty();
    assertThat(done.get("exit_code").asInt()).isZero();
    assertThat(done.get("failure_reason").isNull()).isTrue();
    assertThat(done.get("stdout_truncated").asBoolean()).isFalse();
    assertThat(done.get("execution_time_ms").asLong()).isNotNegative();
    assertThat(Instant.parse(done.get("finished_at").asText()))
        .isAfterOrEqualTo(Instant.parse(done.get("queued_at").asText()));
  }

  @Test
  void unfinishedExecutionHasEmptyOutputFieldsAndNoFinishedAt() {
    String session = http.createSession("python", "import time\ntime.sleep(1)");
    String execution = http.run(session, null);

    JsonNode early = http.get("/executions/" + execution).body();

    assertThat(early.get("status").asText()).isIn("QUEUED", "RUNNING");
    assertThat(early.get("stdout").asText()).isEmpty();
    assertThat(early.get("stderr").asText()).isEmpty();
    assertThat(early.get("finished_at").isNull()).isTrue();
    assertThat(http.awaitEnd(execution).get("status").asText()).isEqualTo("COMPLETED");
  }

  @Test
  void runUsesTheSourceSavedAtRunTimeNotALaterAutosave() {
    String id = http.createSession("python", "import time\ntime.sleep(0.2)\nprint('first')");

    String execution = http.run(id, null);
    http.patch("/code-sessions/" + id, object("source_code", "print('second')"));

    assertThat(http.awaitEnd(execution).get("stdout").asText()).isEqualTo("first\n");
    assertThat(http.awaitEnd(http.run(id, null)).get("stdout").asText()).isEqualTo("second\n");
  }

  @Test
  void listsASessionsExecutionsNewestFirstInPages() {
    String id = http.createSession("python", "print(1)");
    List<String> runs = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      runs.add(http.run(id, null));
    }
    runs.forEach(http::awaitEnd);

    Reply first = http.get("/code-sessions/" + id + "/executions?limit=2");
    Reply second =
        http.get(
            "/code-sessions/"
                + id
                + "/executions?limit=2&cursor="
                + java.net.URLEncoder.encode(
                    first.body().get("next_cursor").asText(),
                    java.nio.charset.StandardCharsets.UTF_8));

    assertThat(first.status()).isEqualTo(200);
    assertThat(ids(first.body().get("executions"))).containsExactly(runs.get(2), runs.get(1));
    assertThat(ids(second.body().get("executions"))).containsExactly(runs.get(0));
    assertThat(second.body().get("next_cursor").isNull()).isTrue();
  }

  // --- what programs do -------------------------------------------------------------------------

  @Test
  void capturesStderrSeparately() {
    JsonNode done =
        http.runToEnd("python", "import sys\nprint('out')\nprint('err', file=sys.stderr)", null);

    assertThat(done.get("stdout").asText()).isEqualTo("out\n");
    assertThat(done.get("stderr").asText()).isEqualTo("err\n");
  }

  @Test
  void reportsNonZeroExitAsFailedRuntimeError() {
    JsonNode done = http.runToEnd("python", "import sys\nsys.exit(3)", null);

    assertThat(done.get("status").asText()).isEqualTo("FAILED");
    assertThat(done.get("failure_reason").asText()).isEqualTo("RUNTIME_ERROR");
    assertThat(done.get("exit_code").asInt()).isEqualTo(3);
  }

  @Test
  void reportsSyntaxErrorAsFailedWithTheMessage() {
    JsonNode done = http.runToEnd("python", "print('unclosed'", null);

    assertThat(done.get("status").asText()).isEqualTo("FAILED");
    assertThat(done.get("failure_reason").asText()).isIn("RUNTIME_ERROR", "COMPILE_ERROR");
    assertThat(done.get("stderr").asText()).contains("SyntaxError");
  }

  @Test
  void runsJavaScript() {
    JsonNode done = http.runToEnd("node", "console.log('js', 1 + 1)", null);

    assertThat(done.get("status").asText()).isEqualTo("COMPLETED");
    assertThat(done.get("language").asText()).isEqualTo("javascript");
    assertThat(done.get("stdout").asText()).isEqualTo("js 2\n");
  }

  @Test
  void timesOutInfiniteLoopWithinTheLimitPlusOneSecondAndLeavesNoProcess() {
    Set<Long> before = pythonDescendants();
    long start = System.nanoTime();

    JsonNode done =
        http.runToEnd(
            "python",
            "print('before', flush=True)\nwhile True:\n    pass",
            object("limits", Map.of("wall_time_ms", 1000)));
    long elapsedMs = (System.nanoTime() - start) / 1_000_000;

    assertThat(done.get("status").asText()).isEqualTo("TIMEOUT");
    assertThat(done.get("stdout").asText()).isEqualTo("before\n");
    assertThat(done.get("stderr").asText()).isEqualTo("Execution Timed Out");
    assertThat(done.get("execution_time_ms").asLong()).isBetween(900L, 2000L);
    assertThat(elapsedMs).isLessThan(2000 + 1000); // the run plus its HTTP calls
    assertNoNewPythonProcess(before);
  }

  @Test
  void killsAForkedSleepingChildAtTimeout() {
    // The child becomes `sleep <marker>`: a unique command line to look for among all processes,
    // since an orphan is no longer a descendant of this JVM.
    String marker = "61." + (System.nanoTime() % 1_000_000_000L);

    JsonNode done =
        http.runToEnd(
            "python",
            "import os, time\nif os.fork() == 0:\n    os.execv('/bin/sleep', ['sleep', '"
                + marker
                + "'])\n"
                + "print('parent', flush=True)\ntime.sleep(60)",
            object("limits", Map.of("wall_time_ms", 800)));

    assertThat(done.get("status").asText()).isEqualTo("TIMEOUT");
    assertThat(done.get("stdout").asText()).isEqualTo("parent\n");
    assertThat(done.get("stderr").asText()).endsWith("Execution Timed Out");
    long deadline = System.nanoTime() + Duration.ofMillis(1500).toNanos();
    List<ProcessHandle> left;
    do {
      left =
          ProcessHandle.allProcesses()
              .filter(p -> p.info().commandLine().map(c -> c.contains(marker)).orElse(false))
              .toList();
    } while (!left.isEmpty() && pause() && System.nanoTime() < deadline);
    assertThat(left).as("the forked child is still alive").isEmpty();
  }

  @Test
  void waitMsAnswersAsSoonAsTheRunEnds() {
    String execution =
        http.run(http.createSession("python", "import time\ntime.sleep(0.3)\nprint('ok')"), null);
    long start = System.nanoTime();

    Reply reply = http.get("/executions/" + execution + "?wait_ms=20000");
    long elapsedMs = (System.nanoTime() - start) / 1_000_000;

    assertThat(reply.body().get("status").asText()).isEqualTo("COMPLETED");
    assertThat(elapsedMs).isLessThan(5000);
  }

  @Test
  void waitMsAnswersAfterTheWaitWhenTheRunIsStillGoing() {
    String execution = http.run(http.createSession("python", "import time\ntime.sleep(3)"), null);
    long start = System.nanoTime();

    Reply reply = http.get("/executions/" + execution + "?wait_ms=300");
    long elapsedMs = (System.nanoTime() - start) / 1_000_000;

    assertThat(reply.body().get("status").asText()).isIn("QUEUED", "RUNNING");
    assertThat(elapsedMs).isBetween(250L, 2500L);
  }

  @Test
  void truncatesAndFlagsTwoMebibytesOfOutput() {
    JsonNode done =
        http.runToEnd("python", "import sys\nsys.stdout.write('x' * (2 * 1024 * 1024))", null);

    assertThat(done.get("stdout_truncated").asBoolean()).isTrue();
    assertThat(done.get("stdout").asText().length()).isLessThanOrEqualTo(1024 * 1024);
    assertThat(done.get("stdout").asText()).startsWith("xxxx");
  }

  @Test
  void decodesNonUtf8OutputWithReplacementCharacters() {
    JsonNode done =
        http.runToEnd("python", "import sys\nsys.stdout.buffer.write(b'a\\xffb\\xc3')", null);

    assertThat(done.get("stdout").asText()).isEqualTo("a\uFFFDb\uFFFD");
  }

  @Test
  void roundTripsUnicodeAndEmojiInSourceAndOutput() {
    String source = "s = 'héllo 世界 🎉 𝄞'\nprint(s)\nprint(len(s))";
    String id = http.createSession("python", source);

    assertThat(http.get("/code-sessions/" + id).body().get("source_code").asText())
        .isEqualTo(source);
    JsonNode done = http.awaitEnd(http.run(id, null));
    assertThat(done.get("stdout").asText()).isEqualTo("héllo 世界 🎉 𝄞\n12\n");
  }

  @Test
  void feedsStdinToTheProgram() {
    JsonNode done =
        http.runToEnd(
            "python", "print(input().upper())\nprint(input())", object("stdin", "abc\nü🎉\n"));

    assertThat(done.get("stdout").asText()).isEqualTo("ABC\nü🎉\n");
  }

  @Test
  void finishesFiftyConcurrentRunsCorrectly() {
    ExecutorService clients = Executors.newFixedThreadPool(16);
    try {
      List<CompletableFuture<JsonNode>> runs =
          IntStream.range(0, 50)
              .mapToObj(
                  i ->
                      CompletableFuture.supplyAsync(
                          () ->
                              i % 2 == 0
                                  ? http.runToEnd("python", "print(" + i + " * 2)", null)
                                  : http.runToEnd("javascript", "console.log(" + i + " * 2)", null),
                          clients))
              .toList();

      for (int i = 0; i < runs.size(); i++) {
        JsonNode done = runs.get(i).join();
        assertThat(done.get("status").asText()).as("run %d", i).isEqualTo("COMPLETED");
        assertThat(done.get("stdout").asText()).as("run %d", i).isEqualTo((i * 2) + "\n");
      }
    } finally {
      clients.shutdownNow();
    }
  }

  @Test
  void sameIdempotencyKeyTwiceGivesTheSameExecution() {
    String id = http.createSession("python", "print(1)");
    Map<String, String> key = Map.of("Idempotency-Key", "click-" + id);

    Reply first = http.send("POST", "/code-sessions/" + id + "/run", null, null, key);
    Reply second = http.send("POST", "/code-sessions/" + id + "/run", null, null, key);

    assertThat(first.status()).isEqualTo(200);
    assertThat(second.status()).isEqualTo(200);
    assertThat(second.body().get("execution_id").asText())
        .isEqualTo(first.body().get("execution_id").asText());
  }

  @Test
  void acceptsLimitsWithinTheCaps() {
    JsonNode done =
        http.runToEnd(
            "python",
            "print('ok')",
            object(
                "limits",
                Map.of(
                    "wall_time_ms",
                    2000,
                    "cpu_time_ms",
                    2000,
                    "memory_mb",
                    128,
                    "max_processes",
                    16,
                    "max_file_bytes",
                    1024,
                    "max_output_bytes",
                    4096)));

    assertThat(done.get("status").asText()).isEqualTo("COMPLETED");
  }

  // --- service ----------------------------------------------------------------------------------

  @Test
  void listsPythonJavascriptAndTypescript() {
    Reply reply = http.get("/languages");

    assertThat(reply.status()).isEqualTo(200);
    JsonNode languages = reply.body().get("languages");
    assertThat(ids(languages, "id")).contains("python", "javascript", "typescript");
    for (JsonNode language : languages) {
      assertThat(fieldNames(language))
          .containsExactly(
              "id", "name", "version", "aliases", "available", "unavailable_reason", "note");
    }
    JsonNode python =
        StreamSupport.stream(languages.spliterator(), false)
            .filter(l -> l.get("id").asText().equals("python"))
            .findFirst()
            .orElseThrow();
    assertThat(python.get("available").asBoolean()).isTrue();
    assertThat(python.get("aliases").toString()).contains("py");
    assertThat(reply.body().get("isolation").asText()).isNotEmpty();
  }

  @Test
  void healthIsUpWithWorkersAndQueueDepth() {
    Reply reply = http.get("/health");

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.body().get("status").asText()).isEqualTo("UP");
    assertThat(reply.body().get("workers").asInt()).isEqualTo(4);
    assertThat(reply.body().has("queue_depth")).isTrue();
    assertThat(reply.body().has("isolation")).isTrue();
    assertThat(reply.body().get("enforced_limits").isArray()).isTrue();
  }

  // --- bad input: a 4xx with a problem body, never a 500
  // -------------------------------------------

  @Test
  void rejectsMalformedJson() {
    assertProblem(http.post("/code-sessions", "{\"language\": \"python\","), 400, "MALFORMED_JSON");
    assertProblem(http.post("/code-sessions", "[1, 2]"), 400, "MALFORMED_JSON");
    assertProblem(
        http.post("/code-sessions", "{\"language\":\"python\"} trailing"), 400, "MALFORMED_JSON");
    assertProblem(http.post("/code-sessions", ""), 400, "MALFORMED_JSON");
    String id = http.createSession("python", "");
    assertProblem(http.patch("/code-sessions/" + id, "{nope"), 400, "MALFORMED_JSON");
    assertProblem(http.post("/code-sessions/" + id + "/run", "{\"stdin\":"), 400, "MALFORMED_JSON");
  }

  @Test
  void rejectsMissingAndMistypedFields() {
    assertProblem(
        http.post("/code-sessions", object("source_code", "print(1)")), 400, "INVALID_FIELD");
    assertProblem(http.post("/code-sessions", object("language", 7)), 400, "INVALID_FIELD");
    assertProblem(
        http.post("/code-sessions", "{\"language\":\"python\",\"source_code\":null}"),
        400,
        "INVALID_FIELD");
    assertProblem(
        http.post("/code-sessions", object("language", "python", "source_code", 42)),
        400,
        "INVALID_FIELD");
    assertProblem(
        http.post("/code-sessions", object("language", "python", "source_code", Map.of("a", 1))),
        400,
        "INVALID_FIELD");
    String id = http.createSession("python", "");
    assertProblem(
        http.patch("/code-sessions/" + id, object("source_code", List.of(1))),
        400,
        "INVALID_FIELD");
    assertProblem(
        http.patch("/code-sessions/" + id, object("language", true)), 400, "INVALID_FIELD");
    assertProblem(http.patch("/code-sessions/" + id, object()), 400, "INVALID_FIELD");
    assertProblem(
        http.patch("/code-sessions/" + id, object("source_code", "x", "expected_version", "one")),
        400,
        "INVALID_FIELD");
    assertProblem(
        http.post("/code-sessions/" + id + "/run", object("stdin", 5)), 400, "INVALID_FIELD");
    assertProblem(
        http.post("/code-sessions/" + id + "/run", object("limits", Map.of("wall_time_ms", -1))),
        400,
        "INVALID_FIELD");
    assertProblem(
        http.post("/code-sessions/" + id + "/run", object("limits", Map.of("wall_time_ms", 1.5))),
        400,
        "INVALID_FIELD");
    assertProblem(
        http.post(
            "/code-sessions/" + id + "/run", object("limits", Map.of("wall_time_ms", "1000"))),
        400,
        "INVALID_FIELD");
    assertProblem(
        http.post("/code-sessions/" + id + "/run", object("limits", Map.of("walltime", 1000))),
        400,
        "INVALID_FIELD");
    assertProblem(
        http.post("/code-sessions/" + id + "/run", object("limits", 5)), 400, "INVALID_FIELD");
  }

  @Test
  void rejectsUnknownLanguage() {
    Reply reply = http.post("/code-sessions", object("language", "cobol", "source_code", "x"));

    assertProblem(reply, 400, "UNSUPPORTED_LANGUAGE");
    assertThat(reply.body().get("detail").asText()).contains("cobol").contains("python");
    String id = http.createSession("python", "");
    assertProblem(
        http.patch("/code-sessions/" + id, object("language", "cobol")),
        400,
        "UNSUPPORTED_LANGUAGE");
  }

  @Test
  void rejectsLimitsOverTheCaps() {
    String id = http.createSession("python", "print(1)");

    Reply reply =
        http.post(
            "/code-sessions/" + id + "/run", object("limits", Map.of("wall_time_ms", 3_600_000)));

    assertProblem(reply, 400, "INVALID_REQUEST");
    assertThat(reply.body().get("detail").asText()).contains("wall_time_ms");
  }

  @Test
  void rejectsMalformedIds() {
    assertProblem(http.get("/code-sessions/not-a-uuid"), 400, "INVALID_ID");
    assertProblem(http.get("/executions/123"), 400, "INVALID_ID");
    assertProblem(http.patch("/code-sessions/zzz", object("source_code", "x")), 400, "INVALID_ID");
    assertProblem(
        http.send("POST", "/code-sessions/%7B%7D/run", null, null, Map.of()), 400, "INVALID_ID");
    assertProblem(http.get("/code-sessions/xyz/executions"), 400, "INVALID_ID");
  }

  @Test
  void answersNotFoundForUnknownIdsAndPaths() {
    String unknown = "3f2504e0-4f89-11d3-9a0c-0305e82c3301";
    Reply session = http.get("/code-sessions/" + unknown);

    assertProblem(session, 404, "SESSION_NOT_FOUND");
    assertThat(session.body().get("detail").asText()).contains(unknown);
    assertProblem(
        http.patch("/code-sessions/" + unknown, object("source_code", "x")),
        404,
        "SESSION_NOT_FOUND");
    assertProblem(
        http.send("POST", "/code-sessions/" + unknown + "/run", null, null, Map.of()),
        404,
        "SESSION_NOT_FOUND");
    assertProblem(http.get("/code-sessions/" + unknown + "/executions"), 404, "SESSION_NOT_FOUND");
    assertProblem(http.get("/executions/" + unknown + "?wait_ms=100"), 404, "EXECUTION_NOT_FOUND");
    assertProblem(http.get("/nothing/here"), 404, "NOT_FOUND");
    assertProblem(http.get("/"), 404, "NOT_FOUND");
  }

  @Test
  void answersMethodNotAllowedWithAllow() {
    Reply onCollection = http.send("GET", "/code-sessions", null, null, Map.of());
    Reply onSession =
        http.send(
            "DELETE", "/code-sessions/3f2504e0-4f89-11d3-9a0c-0305e82c3301", null, null, Map.of());
    Reply onRun =
        http.send(
            "GET", "/code-sessions/3f2504e0-4f89-11d3-9a0c-0305e82c3301/run", null, null, Map.of());

    assertProblem(onCollection, 405, "METHOD_NOT_ALLOWED");
    assertThat(onCollection.header("Allow")).isEqualTo("POST");
    assertProblem(onSession, 405, "METHOD_NOT_ALLOWED");
    assertThat(onSession.header("Allow")).contains("GET").contains("PATCH");
    assertThat(onRun.header("Allow")).isEqualTo("POST");
    assertThat(http.send("PUT", "/languages", null, null, Map.of()).header("Allow"))
        .isEqualTo("GET");
  }

  @Test
  void rejectsBodiesOverTheLimit() {
    String huge =
        "{\"language\":\"python\",\"source_code\":\"" + "x".repeat(5 * 1024 * 1024) + "\"}";
    String overSourceCap = "x".repeat(256 * 1024 + 1);

    assertProblem(http.post("/code-sessions", huge), 413, "PAYLOAD_TOO_LARGE");
    assertProblem(
        http.post("/code-sessions", object("language", "python", "source_code", overSourceCap)),
        413,
        "PAYLOAD_TOO_LARGE");
    String id = http.createSession("python", "");
    assertProblem(
        http.patch("/code-sessions/" + id, object("source_code", overSourceCap)),
        413,
        "PAYLOAD_TOO_LARGE");
    assertProblem(
        http.post("/code-sessions/" + id + "/run", object("stdin", "y".repeat(1024 * 1024 + 1))),
        413,
        "PAYLOAD_TOO_LARGE");
  }

  @Test
  void answers400ProblemAtOnceToAMalformedChunkedBody() throws Exception {
    try (RawConnection connection = RawConnection.open(server.port(), Duration.ofSeconds(5))) {
      RawConnection.Answer answer =
          connection
              .send(
                  "PATCH /code-sessions/"
                      + UUID.randomUUID()
                      + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")
              .read();

      assertThat(answer.status()).isEqualTo(400);
      assertThat(answer.headers().get("content-type")).startsWith("application/problem+json");
      assertThat(answer.closes()).isTrue();
    }
  }

  @Test
  void rejectsNonJsonContentType() {
    Reply reply =
        http.send("POST", "/code-sessions", "text/plain", "{\"language\":\"python\"}", Map.of());
    Reply form =
        http.send(
            "POST",
            "/code-sessions",
            "application/x-www-form-urlencoded",
            "language=python",
            Map.of());

    assertProblem(reply, 415, "UNSUPPORTED_MEDIA_TYPE");
    assertProblem(form, 415, "UNSUPPORTED_MEDIA_TYPE");
  }

  @Test
  void rejectsBadQueryParameters() {
    String id = http.createSession("python", "");
    String execution = http.run(id, null);

    assertProblem(
        http.get("/executions/" + execution + "?wait_ms=30001"), 400, "INVALID_PARAMETER");
    assertProblem(http.get("/executions/" + execution + "?wait_ms=-1"), 400, "INVALID_PARAMETER");
    assertProblem(http.get("/executions/" + execution + "?wait_ms=soon"), 400, "INVALID_PARAMETER");
    assertProblem(
        http.get("/code-sessions/" + id + "/executions?limit=0"), 400, "INVALID_PARAMETER");
    assertProblem(
        http.get("/code-sessions/" + id + "/executions?limit=101"), 400, "INVALID_PARAMETER");
    assertProblem(
        http.get("/code-sessions/" + id + "/executions?cursor=%21not-a-cursor%21"),
        400,
        "INVALID_REQUEST");
    assertProblem(
        http.send(
            "POST", "/code-sessions/" + id + "/run", null, null, Map.of("Idempotency-Key", " ")),
        400,
        "INVALID_REQUEST");
    assertProblem(
        http.send(
            "PATCH",
            "/code-sessions/" + id,
            "application/json",
            "{\"source_code\":\"x\"}",
            Map.of("If-Match", "abc")),
        400,
        "INVALID_HEADER");
  }

  // --- helpers ----------------------------------------------------------------------------------

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static List<String> ids(JsonNode executions) {
    return ids(executions, "execution_id");
  }

  private static List<String> ids(JsonNode array, String field) {
    return StreamSupport.stream(array.spliterator(), false)
        .map(n -> n.get(field).asText())
        .toList();
  }

  private static boolean pause() {
    try {
      Thread.sleep(20);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Python processes of this JVM, but for the warm interpreters the server keeps waiting (their
   * bootstrap reads the program with posix.read) and the fork server they are forked from (which
   * its children's command line names first): the runs checked here ask for other limits than the
   * defaults, so they start cold, and the pool refills meanwhile.
   */
  private static Set<Long> pythonDescendants() {
    return ProcessHandle.current()
        .descendants()
        .filter(
            p ->
                p.info()
                    .commandLine()
                    .map(
                        c ->
                            c.contains("python")
                                && !c.contains("posix.read(0, 1)")
                                && !c.contains("def _forkserver"))
                    .orElse(false))
        .map(ProcessHandle::pid)
        .collect(Collectors.toCollection(HashSet::new));
  }

  /** The program's processes may take a moment to be reaped; poll against a deadline. */
  private static void assertNoNewPythonProcess(Set<Long> before) {
    long deadline = System.nanoTime() + Duration.ofMillis(1500).toNanos();
    Set<Long> left;
    do {
      left = pythonDescendants();
      left.removeAll(before);
      if (left.isEmpty()) {
        return;
      }
    } while (pause() && System.nanoTime() < deadline);
    assertThat(left).as("processes of the program left alive").isEmpty();
  }
}
