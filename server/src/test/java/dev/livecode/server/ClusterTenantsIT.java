package dev.livecode.server;

import static dev.livecode.http.testing.HttpClientSupport.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.livecode.http.testing.HttpClientSupport;
import dev.livecode.http.testing.HttpClientSupport.Reply;
import dev.livecode.http.testing.SseConnection;
import dev.livecode.testing.MariaDbExtension;
import dev.livecode.testing.RedisExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Tenants on a cluster: two api processes and a worker process sharing one MariaDB and one Redis. A
 * tenant hitting both api nodes is held to its quota as a whole, not once per node, and another
 * tenant sees nothing of its work on either node.
 */
class ClusterTenantsIT {
  private static final String KEY_RUNNER = "runner-0123456789abcdef01";
  private static final String KEY_WATCHER = "watcher-0123456789abcdef0";
  private static final String KEY_OTHER = "other-0123456789abcdef012";

  @RegisterExtension static final MariaDbExtension DB = new MariaDbExtension();
  @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

  private static Path keyFile;
  private static String cappedKey;
  private static final List<ServerProcess> nodes = new ArrayList<>();
  private static HttpClientSupport[] api;

  @BeforeAll
  static void startCluster() throws Exception {
    keyFile = Files.createTempFile("livecode-keys", ".txt");
    Files.writeString(
        keyFile,
        "runner "
            + KEY_RUNNER
            + " concurrent_runs=2\nwatcher "
            + KEY_WATCHER
            + " event_streams=1\nother "
            + KEY_OTHER
            + "\n");
    List<String> create =
        new ArrayList<>(List.of("keys", "create", "capped", "max_wall_time_ms=1500"));
    create.addAll(shared());
    ServerProcess.Finished created = ServerProcess.runToExit(create, Map.of());
    assertThat(created.exitCode()).as(created.stderr()).isZero();
    cappedKey = created.stdout().strip();
    List<String> apiArgs = shared();
    apiArgs.addAll(
        List.of(
            "--role",
            "api",
            "--api-keys-file",
            keyFile.toString(),
            "--api-keys-store",
            "true",
            "--host",
            "127.0.0.1"));
    List<String> workerArgs = shared();
    workerArgs.addAll(List.of("--role", "worker", "--workers", "4"));
    nodes.addAll(ServerProcess.startTogether(List.of(apiArgs, apiArgs, workerArgs)));
    api = new HttpClientSupport[] {nodes.get(0).client(), nodes.get(1).client()};
  }

  @AfterAll
  static void stopCluster() throws Exception {
    for (ServerProcess node : nodes) {
      node.close();
    }
    Files.deleteIfExists(keyFile);
  }

  @Test
  void aTenantWithTwoConcurrentRunsNeverHasMoreInFlightAcrossBothNodesAndGets429ForTheRest()
      throws Exception {
    HttpClientSupport[] runner = {api[0].withKey(KEY_RUNNER), api[1].withKey(KEY_RUNNER)};
    String session = runner[0].createSession("python", "import time\ntime.sleep(0.4)");
    List<String> accepted = new CopyOnWriteArrayList<>();
    List<Reply> refused = new CopyOnWriteArrayList<>();
    AtomicInteger observedMax = new AtomicInteger();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
    ExecutorService clients = Executors.newFixedThreadPool(5);
    try {
      List<Future<?>> work = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        HttpClientSupport node = runner[t % 2];
        work.add(
            clients.submit(
                () -> {
                  while (System.nanoTime() < end) {
                    Reply reply = node.post("/code-sessions/" + session + "/run", "{}");
                    if (reply.status() == 200) {
                      accepted.add(reply.body().get("execution_id").asText());
                    } else {
                      refused.add(reply);
                    }
                  }
                  return null;
                }));
      }
      work.add(clients.submit(() -> pollInFlight(runner, accepted, observedMax, end)));
      for (Future<?> future : work) {
        future.get(30, TimeUnit.SECONDS);
      }
    } finally {
      clients.shutdownNow();
    }

    List<JsonNode> ended = new ArrayList<>();
    for (String id : accepted) {
      ended.add(runner[1].awaitEnd(id));
    }
    assertThat(observedMax.get())
        .as("unfinished runs seen at once on both nodes")
        .isLessThanOrEqualTo(2);
    assertThat(mostAtOnce(ended))
        .as("runs in flight at once, by their times")
        .isLessThanOrEqualTo(2);
    assertThat(accepted.size()).as("slots are reused as runs end").isGreaterThan(2);
    assertThat(refused).isNotEmpty();
    for (Reply reply : refused) {
      assertProblem(reply, 429, "QUOTA_EXCEEDED");
      assertThat(reply.header("Retry-After")).isNotBlank();
      assertThat(reply.header("RateLimit-Limit")).isEqualTo("2");
      assertThat(reply.raw().body()).doesNotContain(KEY_RUNNER);
    }
    assertThat(
            runner[0]
                .get("/code-sessions/" + session + "/executions?limit=100")
                .body()
                .get("executions"))
        .as("nothing was queued for a refused run")
        .hasSize(accepted.size());
  }

  @Test
  void aTenantsOpenEventStreamsCountOnBothNodes() throws Exception {
    HttpClientSupport[] watcher = {api[0].withKey(KEY_WATCHER), api[1].withKey(KEY_WATCHER)};
    String session = watcher[0].createSession("python", "import time\ntime.sleep(1.5)");
    String events = "/executions/" + watcher[0].run(session, null) + "/events";
    try (SseConnection open =
        SseConnection.open(
            nodes.get(0).port, events, Map.of("Authorization", "Bearer " + KEY_WATCHER))) {
      assertThat(open.status()).isEqualTo(200);

      Reply refused = watcher[1].get(events);

      assertProblem(refused, 429, "QUOTA_EXCEEDED");
      assertThat(refused.body().get("quota").asText()).isEqualTo("event_streams");
      assertThat(refused.header("RateLimit-Limit")).isEqualTo("1");
    }
  }

  @Test
  void aStoredKeysCapOnLimitsHoldsOnEveryNode() {
    HttpClientSupport capped = api[1].withKey(cappedKey);
    String session =
        api[0].withKey(cappedKey).createSession("python", "import time\ntime.sleep(3)");

    Reply over =
        capped.post("/code-sessions/" + session + "/run", "{\"limits\":{\"wall_time_ms\":3000}}");

    assertProblem(over, 400, "INVALID_REQUEST");
    assertThat(over.raw().body()).contains("1500").doesNotContain(cappedKey);
    assertThat(capped.awaitEnd(capped.run(session, null)).get("status").asText())
        .isEqualTo("TIMEOUT");
    for (ServerProcess node : nodes) {
      assertThat(node.log()).doesNotContain(cappedKey).doesNotContain(KEY_RUNNER);
    }
  }

  @Test
  void noKeyAndAWrongKeyGet401WithAChallengeOnEitherNode() {
    for (HttpClientSupport node : api) {
      for (HttpClientSupport client : List.of(node, node.withKey("not-" + KEY_OTHER))) {
        Reply reply = client.post("/code-sessions", "{\"language\":\"python\"}");

        assertProblem(reply, 401, "UNAUTHORIZED");
        assertThat(reply.header("WWW-Authenticate")).isEqualTo("Bearer");
        assertThat(reply.raw().body()).doesNotContain(KEY_OTHER);
      }
    }
  }

  @Test
  void anotherTenantGetsTheUnknownIdAnswerForEverythingOfATenantOnEitherNode() {
    HttpClientSupport owner = api[0].withKey(KEY_RUNNER);
    String session = owner.createSession("python", "print(input())");
    String execution = owner.run(session, HttpClientSupport.object("interactive", true));
    String unknown = java.util.UUID.randomUUID().toString();
    try {
      for (HttpClientSupport node : api) {
        HttpClientSupport other = node.withKey(KEY_OTHER);
        Map<String, Reply[]> answers =
            Map.of(
                "session",
                new Reply[] {
                  other.get("/code-sessions/" + session), other.get("/code-sessions/" + unknown)
                },
                "update",
                new Reply[] {
                  other.patch("/code-sessions/" + session, "{\"source_code\":\"print(2)\"}"),
                  other.patch("/code-sessions/" + unknown, "{\"source_code\":\"print(2)\"}")
                },
                "history",
                new Reply[] {
                  other.get("/code-sessions/" + session + "/executions"),
                  other.get("/code-sessions/" + unknown + "/executions")
                },
                "execution",
                new Reply[] {
                  other.get("/executions/" + execution), other.get("/executions/" + unknown)
                },
                "events",
                new Reply[] {
                  other.get("/executions/" + execution + "/events"),
                  other.get("/executions/" + unknown + "/events")
                },
                "stdin",
                new Reply[] {
                  other.post("/executions/" + execution + "/stdin", "{\"data\":\"x\\n\"}"),
                  other.post("/executions/" + unknown + "/stdin", "{\"data\":\"x\\n\"}")
                },
                "cancel",
                new Reply[] {
                  other.post("/executions/" + execution + "/cancel", "{}"),
                  other.post("/executions/" + unknown + "/cancel", "{}")
                });
        answers.forEach(
            (what, pair) -> {
              assertThat(pair[0].status()).as(what).isEqualTo(404);
              assertThat(pair[0].body().get("code")).as(what).isEqualTo(pair[1].body().get("code"));
            });
      }
      assertThat(owner.get("/executions/" + execution).body().get("status").asText())
          .as("the other tenant's stdin and cancel reached nothing")
          .isIn("QUEUED", "RUNNING");
    } finally {
      owner.post("/executions/" + execution + "/cancel", "{}");
    }
  }

  /**
   * Reads the accepted runs newest first, alternating nodes: a run seen unfinished was in flight
   * from its acceptance on, so older runs seen unfinished later in the same pass were in flight
   * together with it; the count of one pass is a count at one instant, never more.
   */
  private static Void pollInFlight(
      HttpClientSupport[] nodes, List<String> accepted, AtomicInteger max, long end) {
    List<String> finished = new ArrayList<>();
    int turn = 0;
    while (System.nanoTime() < end) {
      List<String> newestFirst = new ArrayList<>(accepted);
      newestFirst.removeAll(finished);
      Collections.reverse(newestFirst);
      int unfinished = 0;
      for (String id : newestFirst) {
        String status = nodes[turn++ % 2].get("/executions/" + id).body().get("status").asText();
        if (status.equals("QUEUED") || status.equals("RUNNING")) {
          unfinished++;
        } else {
          finished.add(id);
        }
      }
      max.accumulateAndGet(unfinished, Math::max);
    }
    return null;
  }

  /** The most runs whose [queued_at, finished_at) overlap. */
  private static int mostAtOnce(List<JsonNode> executions) {
    List<long[]> edges = new ArrayList<>();
    for (JsonNode execution : executions) {
      edges.add(new long[] {millis(execution, "queued_at"), 1});
      edges.add(new long[] {millis(execution, "finished_at"), -1});
    }
    // At the same instant an end comes before a start: the slot is given back, then taken.
    edges.sort((x, y) -> x[0] != y[0] ? Long.compare(x[0], y[0]) : Long.compare(x[1], y[1]));
    int now = 0;
    int most = 0;
    for (long[] edge : edges) {
      now += (int) edge[1];
      most = Math.max(most, now);
    }
    return most;
  }

  private static long millis(JsonNode execution, String field) {
    return Instant.parse(execution.get(field).asText()).toEpochMilli();
  }

  private static List<String> shared() {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--store",
                "mysql",
                "--mysql-url",
                DB.jdbcUrl(),
                "--mysql-user",
                DB.user(),
                "--queue",
                "redis",
                "--redis-url",
                REDIS.url(),
                "--redis-prefix",
                REDIS.prefix()));
    if (!DB.password().isEmpty()) {
      args.addAll(List.of("--mysql-password", DB.password()));
    }
    return args;
  }
}
