package dev.livecode.server;

import static dev.livecode.http.testing.HttpClientSupport.assertProblem;
import static dev.livecode.http.testing.HttpClientSupport.object;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.livecode.http.testing.HttpClientSupport;
import dev.livecode.http.testing.HttpClientSupport.Reply;
import dev.livecode.server.internal.RunningServer;
import dev.livecode.server.internal.ServerConfig;
import dev.livecode.server.internal.ServerLauncher;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/**
 * The in-memory store's budget over HTTP, on the smallest budget the server takes (1 MiB): it holds
 * three results of 300,000 characters, or five sessions of 200,000.
 */
class MemoryStoreBudgetIT {
  private static final String LARGE_OUTPUT = "print('x' * 300000)";
  private static final String LARGE_SOURCE = "#".repeat(200_000);

  private static RunningServer server() {
    return ServerLauncher.launch(
        ServerConfig.parse(
            new String[] {
              "--port",
              "0",
              "--workers",
              "1",
              "--warm-pool",
              "0",
              "--ready-sandboxes",
              "0",
              "--memory-store-budget-mb",
              "1"
            },
            Map.of()));
  }

  /** Runs the session to its end four times; the first result is the one evicted. */
  private static List<String> fourLargeResults(HttpClientSupport http, String session) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      String id = http.run(session, null);
      JsonNode done = http.awaitEnd(id);
      assertThat(done.get("stdout").asText()).hasSize(300_001);
      ids.add(id);
    }
    return ids;
  }

  @Test
  void answersGoneWithAProblemForAnExecutionEvictedFromTheStore() {
    try (RunningServer server = server()) {
      HttpClientSupport http = new HttpClientSupport(server.port());
      List<String> ids = fourLargeResults(http, http.createSession("python", LARGE_OUTPUT));

      Reply evicted = http.get("/executions/" + ids.get(0));
      Reply kept = http.get("/executions/" + ids.get(1));

      assertProblem(evicted, 410, "EXECUTION_EVICTED");
      assertThat(evicted.body().get("title").asText()).isEqualTo("Gone");
      assertThat(evicted.body().get("detail").asText()).contains(ids.get(0)).contains("evicted");
      assertThat(http.get("/executions/" + ids.get(0) + "?wait_ms=1000").status()).isEqualTo(410);
      assertThat(kept.status()).isEqualTo(200);
    }
  }

  @Test
  void leavesAnEvictedExecutionOutOfTheSessionHistory() {
    try (RunningServer server = server()) {
      HttpClientSupport http = new HttpClientSupport(server.port());
      String session = http.createSession("python", LARGE_OUTPUT);
      List<String> ids = fourLargeResults(http, session);

      Reply history = http.get("/code-sessions/" + session + "/executions");

      assertThat(history.status()).isEqualTo(200);
      assertThat(
              StreamSupport.stream(history.body().get("executions").spliterator(), false)
                  .map(e -> e.get("execution_id").asText())
                  .toList())
          .containsExactly(ids.get(3), ids.get(2), ids.get(1));
    }
  }

  @Test
  void answersServiceUnavailableWithRetryAfterWhenLiveSessionsFillTheBudget() {
    try (RunningServer server = server()) {
      HttpClientSupport http = new HttpClientSupport(server.port());
      for (int i = 0; i < 5; i++) {
        http.createSession("python", LARGE_SOURCE);
      }

      Reply refused =
          http.post("/code-sessions", object("language", "python", "source_code", LARGE_SOURCE));

      assertProblem(refused, 503, "STORE_FULL");
      assertThat(refused.header("Retry-After")).isEqualTo("5");
      assertThat(refused.body().get("detail").asText()).contains("in-memory store is full");
    }
  }

  @Test
  void refusesARunWithServiceUnavailableWhenLiveSessionsFillTheBudget() {
    try (RunningServer server = server()) {
      HttpClientSupport http = new HttpClientSupport(server.port());
      List<String> sessions = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        sessions.add(http.createSession("python", LARGE_SOURCE));
      }

      Reply refused =
          http.send("POST", "/code-sessions/" + sessions.get(0) + "/run", null, null, Map.of());

      assertProblem(refused, 503, "STORE_FULL");
      assertThat(refused.header("Retry-After")).isEqualTo("5");
    }
  }
}
