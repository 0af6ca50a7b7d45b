package dev.livecode.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.livecode.http.testing.SseConnection;
import dev.livecode.testing.MariaDbExtension;
import dev.livecode.testing.PrivateRedis;
import dev.livecode.testing.RedisExtension;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The server jar as a cluster: one api process and worker processes in JVMs of their own, sharing
 * one MySQL database and one Redis (under a key prefix), as docker-compose.yml deploys them. A test
 * that kills, restarts or adds a node has a cluster, a database and a prefix of its own; the others
 * share one ({@link OnOneSharedCluster}). The nodes a test needs from the start are launched
 * together on the fresh database (they take turns to migrate it), and stopped together.
 *
 * <p>Services: those of {@link MariaDbExtension} and {@link RedisExtension}. Unreachable fails,
 * naming the variable. The outage test stops only a redis-server of its own, never the shared one.
 */
class ClusterIT {
  private static final Path SERVER_JAR =
      Path.of(System.getProperty("user.dir"), "target", "livecode-server.jar");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern FINISHED = Pattern.compile("execution finished id=([0-9a-f-]{36})");

  @RegisterExtension final MariaDbExtension mariaDb = new MariaDbExtension();
  @RegisterExtension final RedisExtension sharedRedis = new RedisExtension();

  private final List<Node> nodes = new ArrayList<>();
  private final List<AutoCloseable> others = new ArrayList<>();

  @AfterEach
  void cleanUp() throws Exception {
    closeAll(nodes);
    for (AutoCloseable other : others) {
      other.close();
    }
  }

  @Test
  void anEndedRunsEventsReplayTheSameAfterTheApiAndTheWorkerRestartAndRedisForgotThem()
      throws Exception {
    Node api = launch("api", sharedRedis.url(), List.of());
    Node worker = launch("worker", sharedRedis.url(), List.of("--workers", "1"));
    awaitHealthy(nodes);
    String session =
        api.createSession(
            "import sys, time\nprint('one')\ntime.sleep(0.2)\nprint('two', file=sys.stderr)\nprint('\u00e9')");
    String id = api.run(session, "");
    api.awaitEnd(id, Duration.ofSeconds(30));
    List<SseConnection.Event> before = replay(api, id, Map.of());
    // The worker keeps the sequence on an io thread just after the end: give it that instant.
    sleep(1000);

    api.kill();
    worker.kill();
    RedisClient client = RedisClient.create(sharedRedis.url());
    try (StatefulRedisConnection<String, String> redis = client.connect()) {
      redis.sync().del(sharedRedis.prefix() + ":live:" + id);
    } finally {
      client.shutdown();
    }
    Node restarted = launch("api", sharedRedis.url(), List.of());
    Node restartedWorker = launch("worker", sharedRedis.url(), List.of("--workers", "1"));
    awaitHealthy(List.of(restarted, restartedWorker));

    assertThat(before).hasSizeGreaterThan(4);
    assertThat(replay(restarted, id, Map.of())).isEqualTo(before);
    assertThat(replay(restarted, id, Map.of("Last-Event-ID", "3")))
        .isEqualTo(before.subList(3, before.size()));
  }

  private static List<SseConnection.Event> replay(Node node, String id, Map<String, String> headers)
      throws IOException {
    List<SseConnection.Event> events = new ArrayList<>();
    try (SseConnection stream = node.events(id, headers)) {
      assertThat(stream.status()).isEqualTo(200);
      for (SseConnection.Event event = stream.next(Duration.ofSeconds(30)).orElseThrow();
          ;
          event = stream.next(Duration.ofSeconds(30)).orElseThrow()) {
        events.add(event);
        if (event.name().equals("done")) {
          return events;
        }
      }
    }
  }

  @Test
  void aWatcherOfARunWhoseWorkerIsKilledSeesTheRestartAndOnlyTheNewAttemptsOutput()
      throws Exception {
    Node api = launch("api", sharedRedis.url(), List.of());
    Node doomed =
        launch("worker", sharedRedis.url(), List.of("--workers", "1", "--redis-lease-ms", "6000"));
    awaitHealthy(nodes);
    String session =
        api.createSession("import time\nprint('started', flush=True)\ntime.sleep(2)\nprint('end')");
    String id = api.run(session, "");
    try (SseConnection watch = api.events(id, Map.of())) {
      List<SseConnection.Event> events = new ArrayList<>();
      StringBuilder seen = new StringBuilder();
      while (!seen.toString().contains("started\n")) {
        SseConnection.Event event = watch.next(Duration.ofSeconds(30)).orElseThrow();
        events.add(event);
        if (event.name().equals("stdout")) {
          seen.append(readTree(event.data()).get("text").asText());
        }
      }

      doomed.kill();
      start("worker", sharedRedis.url(), List.of("--workers", "1", "--redis-lease-ms", "6000"));
      for (SseConnection.Event event = watch.next(Duration.ofSeconds(40)).orElseThrow();
          ;
          event = watch.next(Duration.ofSeconds(40)).orElseThrow()) {
        events.add(event);
        if (event.name().equals("done")) {
          break;
        }
      }

      int restart = -1;
      for (int i = 0; i < events.size(); i++) {
        if (events.get(i).name().equals("status")
            && readTree(events.get(i).data()).path("restarted").asBoolean()) {
          restart = i;
        }
      }
      assertThat(restart).as("a restarted status in %s", events).isPositive();
      StringBuilder after = new StringBuilder();
      events.subList(restart, events.size()).stream()
          .filter(event -> event.name().equals("stdout"))
          .forEach(event -> after.append(readTree(event.data()).get("text").asText()));
      JsonNode done = readTree(events.get(events.size() - 1).data());
      assertThat(done.get("status").asText()).isEqualTo("COMPLETED");
      assertThat(after.toString())
          .isEqualTo(done.get("stdout").asText())
          .isEqualTo("started\nend\n");
    }
  }

  @Test
  void runsOfAWorkerKilledMidRunEndOnTheSurvivor() throws Exception {
    Node api = launch("api", sharedRedis.url(), List.of());
    // A 6 s lease (the shortest safe one: 3 renewals of 2 s) instead of the 30 s default.
    Node doomed =
        launch("worker", sharedRedis.url(), List.of("--workers", "10", "--redis-lease-ms", "6000"));
    Node survivor =
        launch("worker", sharedRedis.url(), List.of("--workers", "10", "--redis-lease-ms", "6000"));
    awaitHealthy(nodes);
    String session = api.createSession("import time\ntime.sleep(3)\nprint('done')");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      ids.add(api.run(session, ""));
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!ids.stream()
        .allMatch(id -> api.execution(id).get("status").asText().equals("RUNNING"))) {
      assertThat(System.nanoTime()).as("all 20 runs RUNNING").isLessThan(deadline);
      Thread.sleep(50);
    }

    doomed.kill();
    long killed = System.nanoTime();

    for (String id : ids) {
      // Lease (6 s) + run time (3 s) + slack for a loaded machine.
      JsonNode execution = api.awaitEnd(id, Duration.ofSeconds(60));
      assertThat(execution.get("status").asText()).as("execution %s", id).isEqualTo("COMPLETED");
    }
    double recovered = (System.nanoTime() - killed) / 1e9;
    Set<String> onDoomed = new HashSet<>(doomed.finishedIds());
    Set<String> onSurvivor = new HashSet<>(survivor.finishedIds());
    assertThat(onDoomed).as("the killed worker held runs when it died").hasSizeLessThan(20);
    for (String id : ids) {
      assertThat(onDoomed.contains(id) || onSurvivor.contains(id))
          .as("execution %s finished by a worker", id)
          .isTrue();
    }
    assertThat(onSurvivor).hasSizeGreaterThan(20 - onDoomed.size() - 1);
    System.out.printf(
        "cluster figures: worker killed with %d of 20 runs unfinished; all 20 COMPLETED %.1f s after"
            + " the kill%n",
        20 - onDoomed.size(), recovered);
  }

  @Test
  void redisStoppedForFiveSecondsDuringLoadGives503sNot500sAndLosesNoAcceptedRun()
      throws Exception {
    PrivateRedis redis = new PrivateRedis();
    others.add(redis);
    Node api = launch("api", redis.url(), List.of());
    launch("worker", redis.url(), List.of("--workers", "2"));
    awaitHealthy(nodes);
    String session = api.createSession("print('ok')");

    Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
    List<String> accepted = Collections.synchronizedList(new ArrayList<>());
    ExecutorService load = Executors.newSingleThreadExecutor();
    long start = System.nanoTime();
    Future<?> posting =
        load.submit(
            () -> {
              while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(12)) {
                HttpResponse<String> reply =
                    api.send("POST", "/code-sessions/" + session + "/run", "{}");
                statuses.merge(reply.statusCode(), 1, Integer::sum);
                if (reply.statusCode() == 200) {
                  accepted.add(readTree(reply.body()).get("execution_id").asText());
                }
                sleep(50);
              }
              return null;
            });
    sleep(2_000);
    redis.kill();
    sleep(1_000);
    int healthDuringOutage = api.send("GET", "/health", null).statusCode();
    sleep(4_000);
    redis.start();
    posting.get(2, TimeUnit.MINUTES);
    load.shutdownNow();

    assertThat(statuses.keySet()).as("statuses of POST run: %s", statuses).containsOnly(200, 503);
    assertThat(statuses.get(503)).as("503s during the outage").isPositive();
    assertThat(healthDuringOutage).isEqualTo(503);
    for (String id : accepted) {
      JsonNode execution = api.awaitEnd(id, Duration.ofSeconds(60));
      assertThat(execution.get("status").asText()).as("accepted run %s", id).isEqualTo("COMPLETED");
    }
    System.out.printf(
        "cluster figures: Redis outage of 5 s under load: POST run statuses %s, %d accepted runs all"
            + " COMPLETED%n",
        statuses, accepted.size());
  }

  /**
   * The tests that neither kill nor restart a node share one cluster, two api processes and two
   * worker processes of two threads each, started once for them all: each test runs in a session of
   * its own and asserts only on the executions it created, so that what another test left behind
   * can neither pass nor fail it. Starting the four JVMs takes longer than most of these tests.
   */
  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class OnOneSharedCluster {
    @RegisterExtension static final MariaDbExtension DB = new MariaDbExtension();
    @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

    private final List<Node> cluster = new ArrayList<>();
    private Node apiA;
    private Node apiB;
    private Node workerA;
    private Node workerB;

    @BeforeAll
    void startCluster() throws Exception {
      Backends backends = Backends.of(DB, REDIS.url(), REDIS.prefix());
      apiA = launch(cluster, backends, "api", List.of());
      apiB = launch(cluster, backends, "api", List.of());
      workerA = launch(cluster, backends, "worker", List.of("--workers", "2"));
      workerB = launch(cluster, backends, "worker", List.of("--workers", "2"));
      awaitHealthy(cluster);
    }

    @AfterAll
    void stopCluster() throws Exception {
      closeAll(cluster);
    }

    @Test
    void thousandRunsOnTwoWorkerProcessesEachEndCompletedAndRunOnce() throws Exception {
      Node api = apiA;
      String session = api.createSession("import sys\nn = int(sys.stdin.read())\nprint(n * n)");
      int runs = 1000;

      long start = System.nanoTime();
      Map<String, Integer> inputOf = new ConcurrentHashMap<>();
      ExecutorService clients = Executors.newFixedThreadPool(16);
      try {
        List<Future<?>> posted = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
          int n = i;
          posted.add(clients.submit(() -> inputOf.put(api.run(session, Integer.toString(n)), n)));
        }
        for (Future<?> future : posted) {
          future.get(5, TimeUnit.MINUTES);
        }
        List<Future<JsonNode>> ended = new ArrayList<>();
        for (String id : inputOf.keySet()) {
          ended.add(clients.submit(() -> api.awaitEnd(id, Duration.ofMinutes(4))));
        }
        List<String> wrong = new ArrayList<>();
        for (Future<JsonNode> future : ended) {
          JsonNode execution = future.get(5, TimeUnit.MINUTES);
          int n = inputOf.get(execution.get("execution_id").asText());
          if (!execution.get("status").asText().equals("COMPLETED")
              || !execution.get("stdout").asText().equals((long) n * n + "\n")) {
            wrong.add("stdin " + n + ": " + execution);
          }
        }
        assertThat(wrong).as("%d of %d runs ended wrong", wrong.size(), runs).isEmpty();
      } finally {
        clients.shutdownNow();
      }
      double seconds = (System.nanoTime() - start) / 1e9;

      assertThat(inputOf).hasSize(runs);
      // One result per execution in the store: the session lists each run exactly once.
      List<String> listed = api.listExecutions(session);
      assertThat(listed).hasSize(runs).doesNotHaveDuplicates();
      assertThat(Set.copyOf(listed)).isEqualTo(inputOf.keySet());
      // Executed exactly once by outcome: every run finished once, on one of the two workers. The
      // workers' logs also name the other tests' runs: only this test's ids are counted.
      List<String> finishedA = workerA.finishedIds(inputOf.keySet());
      List<String> finishedB = workerB.finishedIds(inputOf.keySet());
      List<String> all = new ArrayList<>(finishedA);
      all.addAll(finishedB);
      assertThat(all).hasSize(runs).doesNotHaveDuplicates();
      assertThat(finishedA).isNotEmpty();
      assertThat(finishedB).isNotEmpty();
      System.out.printf(
          "cluster figures: %d runs on 2 worker processes x 2 threads in %.1f s = %.1f runs/s"
              + " (worker A %d, worker B %d)%n",
          runs, seconds, runs / seconds, finishedA.size(), finishedB.size());
    }

    @Test
    void aWatcherOfOneApiNodeSeesTheWorkersOutputLiveAndResumesOnTheOtherNode() throws Exception {
      Node nodeA = apiA;
      Node nodeB = apiB;
      String session =
          nodeA.createSession(
              "import time\nprint('First')\ntime.sleep(0.75)\nprint('Second')\ntime.sleep(0.75)\n"
                  + "print('Third')");
      String id = nodeA.run(session, "");

      long last;
      long firstAt = 0;
      StringBuilder seen = new StringBuilder();
      try (SseConnection watch = nodeA.events(id, Map.of())) {
        assertThat(watch.status()).isEqualTo(200);
        SseConnection.Event event;
        do {
          event = watch.next(Duration.ofSeconds(30)).orElseThrow();
          if (event.name().equals("stdout")) {
            seen.append(readTree(event.data()).get("text").asText());
            if (firstAt == 0 && seen.toString().contains("First\n")) {
              firstAt = System.nanoTime();
            }
          }
        } while (!seen.toString().contains("Second\n"));
        last = event.id();
      }
      long secondAt = System.nanoTime();

      List<SseConnection.Event> rest = new ArrayList<>();
      try (SseConnection resumed = nodeB.events(id, Map.of("Last-Event-ID", Long.toString(last)))) {
        for (SseConnection.Event event = resumed.next(Duration.ofSeconds(30)).orElseThrow();
            ;
            event = resumed.next(Duration.ofSeconds(30)).orElseThrow()) {
          rest.add(event);
          if (event.name().equals("done")) {
            break;
          }
        }
      }

      assertThat(seen.toString()).isEqualTo("First\nSecond\n");
      assertThat(secondAt - firstAt)
          .as("First seen before Second was written")
          .isGreaterThan(TimeUnit.MILLISECONDS.toNanos(500));
      assertThat(rest.get(0).id()).isEqualTo(last + 1);
      assertThat(rest.stream().map(SseConnection.Event::name).toList())
          .doesNotContain("status")
          .endsWith("done");
      StringBuilder third = new StringBuilder();
      rest.stream()
          .filter(event -> event.name().equals("stdout"))
          .forEach(event -> third.append(readTree(event.data()).get("text").asText()));
      assertThat(third.toString()).isEqualTo("Third\n");
      assertThat(readTree(rest.get(rest.size() - 1).data()).get("stdout").asText())
          .isEqualTo("First\nSecond\nThird\n");
    }

    @Test
    void inputOfARunOnTheWorkerIsAnsweredTwiceThroughTheOtherApiNode() throws Exception {
      Node nodeA = apiA;
      Node nodeB = apiB;
      String session =
          nodeA.createSession("a = input()\nprint('got ' + a)\nb = input()\nprint('got ' + b)");
      String id =
          nodeA
              .ok(
                  nodeA.send(
                      "POST", "/code-sessions/" + session + "/run", "{\"interactive\": true}"))
              .get("execution_id")
              .asText();

      try (SseConnection watch = nodeA.events(id, Map.of())) {
        StringBuilder seen = new StringBuilder();
        assertThat(
                nodeB
                    .send("POST", "/executions/" + id + "/stdin", "{\"data\": \"one\\n\"}")
                    .statusCode())
            .isEqualTo(202);
        while (!seen.toString().contains("got one\n")) {
          SseConnection.Event event = watch.next(Duration.ofSeconds(30)).orElseThrow();
          if (event.name().equals("stdout")) {
            seen.append(readTree(event.data()).get("text").asText());
          }
        }
        assertThat(nodeB.execution(id).get("status").asText()).isEqualTo("RUNNING");
        assertThat(
                nodeB
                    .send("POST", "/executions/" + id + "/stdin", "{\"data\": \"two\\n\"}")
                    .statusCode())
            .isEqualTo(202);
      }

      JsonNode ended = nodeB.awaitEnd(id, Duration.ofSeconds(30));
      assertThat(ended.get("status").asText()).isEqualTo("COMPLETED");
      assertThat(ended.get("stdout").asText()).isEqualTo("got one\ngot two\n");
    }

    @Test
    void aCancelThroughTheOtherApiNodeStopsTheRunOnTheWorkerAndAnswersCancelled() throws Exception {
      Node nodeA = apiA;
      Node nodeB = apiB;
      String session = nodeA.createSession("print('spinning', flush=True)\nwhile True: pass");
      String id = nodeA.run(session, "");
      try (SseConnection watch = nodeA.events(id, Map.of())) {
        StringBuilder seen = new StringBuilder();
        while (!seen.toString().contains("spinning\n")) {
          SseConnection.Event event = watch.next(Duration.ofSeconds(30)).orElseThrow();
          if (event.name().equals("stdout")) {
            seen.append(readTree(event.data()).get("text").asText());
          }
        }
      }

      HttpResponse<String> cancel = nodeB.send("POST", "/executions/" + id + "/cancel", null);

      assertThat(cancel.statusCode()).as("%s", cancel.body()).isEqualTo(200);
      JsonNode cancelled = readTree(cancel.body());
      assertThat(cancelled.get("status").asText()).isEqualTo("CANCELLED");
      assertThat(cancelled.get("stdout").asText()).isEqualTo("spinning\n");
      assertThat(nodeA.execution(id).get("status").asText()).isEqualTo("CANCELLED");
    }
  }

  // ---------------------------------------------------------------------------------------

  /** A node of this test on the shared MySQL database and this Redis, healthy when it returns. */
  private Node start(String role, String redisUrl, List<String> extra) throws Exception {
    Node node = launch(role, redisUrl, extra);
    node.awaitHealthy();
    return node;
  }

  /** A node of this test, not yet healthy: nodes launched together start in parallel. */
  private Node launch(String role, String redisUrl, List<String> extra) throws IOException {
    return ClusterIT.launch(
        nodes, Backends.of(mariaDb, redisUrl, sharedRedis.prefix()), role, extra);
  }

  private static Node launch(List<Node> into, Backends backends, String role, List<String> extra)
      throws IOException {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--role",
                role,
                "--store",
                "mysql",
                "--mysql-url",
                backends.jdbcUrl(),
                "--mysql-user",
                backends.user(),
                "--queue",
                "redis",
                "--redis-url",
                backends.redisUrl(),
                "--redis-prefix",
                backends.redisPrefix()));
    args.addAll(extra);
    Map<String, String> env = new HashMap<>();
    if (!backends.password().isEmpty()) {
      env.put("LIVECODE_MYSQL_PASSWORD", backends.password());
    }
    Node node = Node.launch(role, args, env);
    into.add(node);
    return node;
  }

  private static void awaitHealthy(List<Node> launched) throws Exception {
    for (Node node : launched) {
      node.awaitHealthy();
    }
  }

  /** Stops them all at once (each SIGTERM first, then the waits), then keeps their logs. */
  private static void closeAll(List<Node> started) throws Exception {
    for (Node node : started) {
      node.terminate();
    }
    for (Node node : started) {
      node.close();
    }
    started.clear();
  }

  /** Where the nodes keep their state: one MySQL database, one Redis under one key prefix. */
  private record Backends(
      String jdbcUrl, String user, String password, String redisUrl, String redisPrefix) {
    static Backends of(MariaDbExtension db, String redisUrl, String redisPrefix) {
      return new Backends(db.jdbcUrl(), db.user(), db.password(), redisUrl, redisPrefix);
    }
  }

  private static JsonNode readTree(String body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** One server process: its port, its log, and the few API calls these tests make. */
  private static final class Node implements AutoCloseable {
    private final String role;
    private final Process process;
    private final Path log;
    private final String base;
    private final int port;
    private final HttpClient http =
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Node(String role, Process process, Path log, int port) {
      this.role = role;
      this.process = process;
      this.log = log;
      this.base = "http://127.0.0.1:" + port;
      this.port = port;
    }

    /** GET /executions/:id/events, with these request headers. */
    SseConnection events(String id, Map<String, String> headers) throws IOException {
      return SseConnection.open(port, "/executions/" + id + "/events", headers);
    }

    /** Starts the process and returns at once; {@link #awaitHealthy()} waits for it. */
    static Node launch(String role, List<String> args, Map<String, String> env) throws IOException {
      assertThat(SERVER_JAR).as("the server jar (mvn package builds it)").exists();
      int port = freePort();
      List<String> command =
          new ArrayList<>(
              List.of(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-Xmx256m",
                  "-XX:TieredStopAtLevel=1",
                  "-jar",
                  SERVER_JAR.toString(),
                  "--port",
                  Integer.toString(port)));
      command.addAll(args);
      Path log = Files.createTempFile("livecode-cluster-" + role, ".log");
      ProcessBuilder builder =
          new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
      builder.environment().putAll(env);
      return new Node(role, builder.start(), log, port);
    }

    /** Up to 60 s from now, which is also enough for four nodes launched at once. */
    void awaitHealthy() throws Exception {
      Duration timeout = Duration.ofSeconds(60);
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          fail(role + " exited with " + process.exitValue() + ":\n" + log());
        }
        try {
          if (send("GET", "/health", null).statusCode() == 200) {
            return;
          }
        } catch (UncheckedIOException e) {
          // not listening yet
        }
        Thread.sleep(100);
      }
      fail(role + " not healthy within " + timeout + ":\n" + log());
    }

    HttpResponse<String> send(String method, String path, String body) {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(URI.create(base + path))
              .timeout(Duration.ofSeconds(60))
              .method(
                  method,
                  body == null
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofString(body));
      if (body != null) {
        request.header("Content-Type", "application/json");
      }
      try {
        return http.send(
            request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    private JsonNode ok(HttpResponse<String> reply) {
      assertThat(reply.statusCode()).as("%s", reply.body()).isEqualTo(200);
      return readTree(reply.body());
    }

    String createSession(String source) throws IOException {
      String body = JSON.writeValueAsString(Map.of("language", "python", "source_code", source));
      return ok(send("POST", "/code-sessions", body)).get("session_id").asText();
    }

    /** POST run; a 503 (backpressure) is retried after its Retry-After. */
    String run(String session, String stdin) {
      try {
        String body = JSON.writeValueAsString(Map.of("stdin", stdin));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
          HttpResponse<String> reply = send("POST", "/code-sessions/" + session + "/run", body);
          if (reply.statusCode() != 503 || System.nanoTime() > deadline) {
            return ok(reply).get("execution_id").asText();
          }
          Thread.sleep(200);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    JsonNode execution(String id) {
      return ok(send("GET", "/executions/" + id, null));
    }

    JsonNode awaitEnd(String id, Duration patience) {
      long deadline = System.nanoTime() + patience.toNanos();
      while (true) {
        JsonNode execution = ok(send("GET", "/executions/" + id + "?wait_ms=10000", null));
        String status = execution.get("status").asText();
        if (!status.equals("QUEUED") && !status.equals("RUNNING")) {
          return execution;
        }
        assertThat(System.nanoTime()).as("execution %s still %s", id, status).isLessThan(deadline);
      }
    }

    List<String> listExecutions(String session) {
      List<String> ids = new ArrayList<>();
      String cursor = null;
      do {
        JsonNode page =
            ok(
                send(
                    "GET",
                    "/code-sessions/"
                        + session
                        + "/executions?limit=100"
                        + (cursor == null ? "" : "&cursor=" + cursor),
                    null));
        page.get("executions").forEach(e -> ids.add(e.get("execution_id").asText()));
        JsonNode next = page.get("next_cursor");
        cursor = next == null || next.isNull() ? null : next.asText();
      } while (cursor != null);
      return ids;
    }

    /** Ids of the executions this process finished, from its log, in order, repeats kept. */
    List<String> finishedIds() {
      List<String> ids = new ArrayList<>();
      Matcher matcher = FINISHED.matcher(log());
      while (matcher.find()) {
        ids.add(matcher.group(1));
      }
      return ids;
    }

    /** Those of {@link #finishedIds()} that are among {@code ours}, in order, repeats kept. */
    List<String> finishedIds(Set<String> ours) {
      return finishedIds().stream().filter(ours::contains).toList();
    }

    String log() {
      try {
        return Files.readString(log, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** SIGKILL: no shutdown hook, no acknowledgement, as when a machine dies. */
    void kill() throws InterruptedException {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM, without waiting: {@link #close()} waits. */
    void terminate() {
      process.destroy();
    }

    @Override
    public void close() throws Exception {
      if (process.isAlive()) {
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          process.waitFor(15, TimeUnit.SECONDS);
        }
      }
      // Kept for diagnosis: target/cluster-logs/<role>-<pid>.log
      Path kept = Path.of(System.getProperty("user.dir"), "target", "cluster-logs");
      Files.createDirectories(kept);
      Files.move(
          log,
          kept.resolve(role + "-" + process.pid() + ".log"),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
