package dev.livecode.benchmarks.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The whole benchmark: for each mode, start the server (and workers), measure latency, throughput,
 * HTTP and memory beside their baselines, and stop everything again.
 */
public final class Suite implements AutoCloseable {
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
  private static final String PYTHON = "python";

  private final Options options;
  private final ResultTable table;
  private final Spawner spawner;
  private final HttpClient http = LivecodeClient.newHttpClient();
  private final RssSampler rss = new RssSampler();
  private final long started = System.nanoTime();
  private final Map<String, LatencyBench.Samples> pythonByMode = new LinkedHashMap<>();

  /** mode -> "patch@c" / "get@c" -> result, for the rows that compare the modes. */
  private final Map<String, Map<String, HttpLoad.Result>> httpByMode = new LinkedHashMap<>();

  /** label -> concurrency -> result, for the rows that compare 2 worker processes with 1. */
  private final Map<String, Map<Integer, ThroughputBench.Result>> throughputByLabel =
      new LinkedHashMap<>();

  private final Path serverJar;
  private ServerProcess trivial;

  /**
   * @throws IOException when the server jar cannot be copied
   */
  public Suite(Options options, ResultTable table, Spawner spawner) throws IOException {
    this.options = Objects.requireNonNull(options, "options");
    this.table = Objects.requireNonNull(table, "table");
    this.spawner = Objects.requireNonNull(spawner, "spawner");
    // why: a rebuild of the server module during a run would replace the jar under the running
    // servers (and break class loading); every child runs from a private copy.
    java.nio.file.Files.createDirectories(options.logDir());
    this.serverJar = options.logDir().resolve("livecode-server-under-test.jar");
    java.nio.file.Files.copy(
        options.serverJar(), serverJar, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    table.meta(
        "server_jar",
        options.serverJar().toAbsolutePath()
            + " (modified "
            + java.nio.file.Files.getLastModifiedTime(options.serverJar())
            + ", "
            + java.nio.file.Files.size(options.serverJar())
            + " bytes)");
  }

  public void run() {
    for (String mode : options.modes()) {
      try {
        if ("embedded".equals(mode)) {
          embedded();
        } else {
          redisMysql();
        }
      } catch (Exception e) {
        progress("mode " + mode + " failed: " + e);
        table.add(Row.of(mode, "mode failed", "-", Figure.value(Double.NaN)).withNote(oneLine(e)));
      }
    }
    if (pythonByMode.containsKey("embedded") && pythonByMode.containsKey("redis-mysql")) {
      table.add(
          Row.compared(
              "modes",
              "python print(1) POST run -> COMPLETED, redis-mysql vs embedded",
              "ms",
              Figure.distribution(pythonByMode.get("redis-mysql").server()),
              "embedded (same run)",
              Figure.distribution(pythonByMode.get("embedded").server())));
    }
    Map<String, HttpLoad.Result> memory = httpByMode.get("embedded");
    Map<String, HttpLoad.Result> mysql = httpByMode.get("redis-mysql");
    if (memory != null && mysql != null) {
      for (int c : options.connections()) {
        HttpLoad.Result m = memory.get("patch@" + c);
        HttpLoad.Result y = mysql.get("patch@" + c);
        if (m != null && y != null) {
          table.add(
              Row.compared(
                  "modes",
                  "autosave PATCH/s at " + c + " connections, mysql store vs memory store",
                  "req/s",
                  Figure.value(y.perSecond()),
                  "memory store (same run)",
                  Figure.value(m.perSecond())));
          table.add(
              Row.compared(
                  "modes",
                  "autosave PATCH latency at " + c + " connections, mysql vs memory",
                  "ms",
                  Figure.distribution(y.latencyMs()),
                  "memory store (same run)",
                  Figure.distribution(m.latencyMs())));
        }
        HttpLoad.Result mg = memory.get("get@" + c);
        HttpLoad.Result yg = mysql.get("get@" + c);
        if (mg != null && yg != null) {
          table.add(
              Row.compared(
                  "modes",
                  "GET /executions/:id per s at " + c + " connections, mysql vs memory",
                  "req/s",
                  Figure.value(yg.perSecond()),
                  "memory store (same run)",
                  Figure.value(mg.perSecond())));
        }
      }
    }
    Map<Integer, ThroughputBench.Result> one =
        throughputByLabel.get("redis-mysql (1 worker process)");
    Map<Integer, ThroughputBench.Result> two =
        throughputByLabel.get("redis-mysql (2 worker processes)");
    if (one != null && two != null) {
      for (int c : options.concurrency()) {
        if (one.containsKey(c) && two.containsKey(c)) {
          table.add(
              Row.compared(
                  "modes",
                  "redis-mysql runs/s at concurrency " + c + ", 2 worker processes vs 1",
                  "runs/s",
                  Figure.value(two.get(c).perSecond()),
                  "1 worker process (same run)",
                  Figure.value(one.get(c).perSecond())));
        }
      }
    }
    table.meta("load_average_at_end", Machine.loadAverage());
    table.meta("duration_s", Math.round((System.nanoTime() - started) / 1e8) / 10.0);
  }

  // ---------------------------------------------------------------- embedded

  private void embedded() throws Exception {
    String mode = "embedded";
    List<String> args = serverArgs(options.isolation());
    try (ServerProcess server = startServer("livecode-embedded", args)) {
      LivecodeClient client = new LivecodeClient("http://127.0.0.1:" + server.port());
      describeServer(mode, client);
      double idle = warmAndIdle(client, server);
      // The standalone default keeps a warm pool: these are warm figures (0 = warm-pool targets).
      latency(mode, client, 0);
      rss.reset();
      throughput(mode, client, "", new LinkedHashMap<>());
      double runPeak = rss.peakMib(server);
      rss.reset();
      http(mode, server, client);
      double httpPeak = rss.peakMib(server);
      ServerProcess.pause(1000);
      memoryRows(mode, server, idle, runPeak, httpPeak, RssSampler.nowMib(server));
      live(mode, client, server.port(), 5.0);
    }
    watchers();
    keyCost();
    if (!options.coldArgs().isEmpty() && options.includes("latency")) {
      List<String> coldArgs = serverArgs(options.isolation());
      coldArgs.addAll(options.coldArgs());
      try (ServerProcess cold = startServer("livecode-embedded-cold", coldArgs)) {
        LivecodeClient client = new LivecodeClient("http://127.0.0.1:" + cold.port());
        describeServer("embedded_cold", client);
        warmAndIdle(client, cold);
        latency("embedded cold (" + String.join(" ", options.coldArgs()) + ")", client, 4.0);
      } catch (Exception e) {
        progress("cold server failed: " + e);
        table.add(
            Row.of("embedded cold", "cold server", "-", Figure.value(Double.NaN))
                .withNote("failed: " + oneLine(e)));
      }
    }
    tiers();
  }

  private void tiers() {
    if (!options.includes("latency")) {
      return;
    }
    for (String tier : options.tiers()) {
      String name = "python print(1) POST run -> COMPLETED, --isolation " + tier;
      List<String> args = serverArgs(tier);
      args.addAll(options.coldArgs()); // the tier's own cost: cold starts
      try (ServerProcess server = startServer("livecode-isolation-" + tier, args)) {
        LivecodeClient client = new LivecodeClient("http://127.0.0.1:" + server.port());
        JsonNode health = client.get("/health");
        table.meta("isolation_" + tier + ".health", health);
        progress("isolation " + tier + ": " + options.samples() + " samples");
        LatencyBench.Samples s =
            new LatencyBench(spawner, budget())
                .measure(client, PYTHON, options.samples(), options.warmup(), true, false);
        String reported = findText(health, "isolation", "tier").orElse("?");
        for (Map.Entry<String, Summary> b : s.baselines().entrySet()) {
          if (b.getKey().startsWith("bare python3 -c")) {
            continue;
          }
          Row row =
              Row.compared(
                      "isolation",
                      name,
                      "ms",
                      Figure.distribution(s.server()),
                      b.getKey(),
                      Figure.distribution(b.getValue()))
                  .withNote("server reports tier " + reported);
          table.add(failures(row, s));
        }
      } catch (Exception e) {
        progress("isolation " + tier + " failed: " + e);
        table.add(
            Row.of("isolation", name, "ms", Figure.value(Double.NaN))
                .withNote("failed: " + oneLine(e)));
      }
    }
  }

  // ---------------------------------------------------------------- redis + mysql

  private void redisMysql() throws Exception {
    String mode = "redis-mysql";
    String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMddHHmmss"));
    String prefix =
        "livecode-bench-" + stamp + "-" + ThreadLocalRandom.current().nextInt(1000, 10000) + ":";
    try (RedisKeys redis = RedisKeys.connect(options.redisUrl());
        MysqlDatabase db =
            MysqlDatabase.create(
                options.mysqlUrl(),
                options.mysqlUser(),
                options.mysqlPassword(),
                options.keepData())) {
      redis.ping();
      table.meta("redis_mysql.database", db.name());
      table.meta("redis_mysql.redis_prefix", prefix);
      List<String> common = serverArgs(options.isolation());
      common.addAll(
          List.of(
              "--store", "mysql", "--mysql-url", db.url(), "--mysql-user", options.mysqlUser()));
      if (!options.mysqlPassword().isEmpty()) {
        common.addAll(List.of("--mysql-password", options.mysqlPassword()));
      }
      common.addAll(
          List.of("--queue", "redis", "--redis-url", options.redisUrl(), "--redis-prefix", prefix));
      List<String> apiArgs = new ArrayList<>(common);
      apiArgs.addAll(List.of("--role", "api"));
      List<String> workerArgs = new ArrayList<>(common);
      workerArgs.addAll(List.of("--role", "worker"));
      try (ServerProcess api = startServer("livecode-api", apiArgs);
          ServerProcess worker1 = startWorker("livecode-worker-1", workerArgs)) {
        LivecodeClient client = new LivecodeClient("http://127.0.0.1:" + api.port());
        describeServer(mode, client);
        double apiIdle = warmAndIdle(client, api);
        double w1Idle = RssSampler.nowMib(worker1);
        latency(mode, client, 8.0);
        Map<Integer, ThroughputBench.Result> bare = new LinkedHashMap<>();
        rss.reset();
        throughput(mode, client, " (1 worker process)", bare);
        double apiRunPeak = rss.peakMib(api);
        double w1RunPeak = rss.peakMib(worker1);
        try (ServerProcess worker2 = startWorker("livecode-worker-2", workerArgs)) {
          throughput(mode, client, " (2 worker processes)", bare);
          rss.reset();
          http(mode, api, client);
          double apiHttpPeak = rss.peakMib(api);
          ServerProcess.pause(1000);
          memoryRows(mode, api, apiIdle, apiRunPeak, apiHttpPeak, RssSampler.nowMib(api));
          memoryRows(mode, worker1, w1Idle, w1RunPeak, Double.NaN, RssSampler.nowMib(worker1));
          live(mode, client, api.port(), 10.0);
          table.add(
              Row.of(
                  mode + " memory",
                  "worker-2 RSS after the 2-worker runs",
                  "MiB",
                  Figure.value(RssSampler.nowMib(worker2))));
        }
      } finally {
        if (!options.keepData()) {
          try {
            long n = redis.deletePrefix(prefix);
            progress("deleted " + n + " redis keys under " + prefix);
          } catch (IOException e) {
            progress("could not delete redis keys under " + prefix + ": " + e);
          }
        }
      }
    }
  }

  private ServerProcess startWorker(String name, List<String> args) throws IOException {
    ServerProcess worker = startProcess(name, args);
    // A worker serves at most /health; readiness is that answer.
    worker.awaitReady(http, "/health", READY_TIMEOUT);
    return worker;
  }

  // ---------------------------------------------------------------- sections

  /** Live output: write to SSE chunk beside the run's latency, and one watcher's cost on a run. */
  private void live(String mode, LivecodeClient client, int port, double chunkTargetMs) {
    if (!options.includes("live")) {
      return;
    }
    LiveBench bench = new LiveBench(client, port);
    try {
      progress(mode + " live: streaming cost, " + options.samples() + " samples");
      String hits = "livecode_warm_pool_hits_total{language=\"" + PYTHON + "\"}";
      String misses = "livecode_warm_pool_misses_total{language=\"" + PYTHON + "\"}";
      double hitsBefore = client.counter(hits);
      double missesBefore = client.counter(misses);
      LiveBench.StreamingCost cost = bench.streamingCost(options.samples(), options.warmup());
      double hit = client.counter(hits) - hitsBefore;
      double missed = client.counter(misses) - missesBefore;
      Row watched =
          Row.compared(
              mode + " live",
              "python print(1) POST run -> COMPLETED with one SSE watcher",
              "ms",
              Figure.distribution(cost.with()),
              "no watcher (interleaved)",
              Figure.distribution(cost.without()));
      watched =
          watched.withNote(
              target("p50 within 1 ms of no watcher", watched.diff().orElse(Double.NaN) <= 1.0));
      if (hit + missed > 0) {
        // Only where the api node runs the programs; the warm-up rounds included.
        watched =
            watched.withNote(
                "warm pool " + Math.round(hit) + " hits, " + Math.round(missed) + " misses");
      }
      table.add(watched);
      progress(mode + " live: write -> chunk, " + options.samples() + " chunks");
      Summary chunk = bench.writeToChunk(options.samples());
      table.add(
          Row.compared(
                  mode + " live",
                  "program write -> stdout chunk at an SSE client (10 ms apart)",
                  "ms",
                  Figure.distribution(chunk),
                  "print(1) POST run -> COMPLETED, no watcher (same run)",
                  Figure.distribution(cost.without()))
              .withNote(
                  target(
                      "p50 under " + Figure.format(chunkTargetMs) + " ms",
                      chunk.p50() < chunkTargetMs)));
    } catch (Exception e) {
      progress(mode + " live failed: " + e);
      table.add(
          Row.of(mode + " live", "live section", "-", Figure.value(Double.NaN))
              .withNote("failed: " + oneLine(e)));
    }
  }

  /** One server (stream cap raised) with 1,000 SSE watchers open on one run, beside idle. */
  private void watchers() {
    if (!options.includes("live")) {
      return;
    }
    int count = options.watchers();
    List<String> args = serverArgs(options.isolation());
    args.addAll(
        List.of(
            "--max-event-streams",
            Integer.toString(count + 100),
            "--max-connections",
            Integer.toString(Math.max(2048, 2 * count))));
    try (ServerProcess server = startServer("livecode-watchers", args)) {
      LivecodeClient client = new LivecodeClient("http://127.0.0.1:" + server.port());
      double idle = warmAndIdle(client, server);
      LiveBench bench = new LiveBench(client, server.port());
      int samples = Math.max(20, options.samples() / 2);
      Summary healthIdle = bench.health(samples);
      progress("embedded live: " + count + " watchers");
      try (LiveBench.Crowd crowd = bench.crowd(count)) {
        ServerProcess.pause(1000);
        double with = RssSampler.nowMib(server);
        Summary healthWith = bench.health(samples);
        String note = crowd.open() + " open, " + crowd.refused() + " refused";
        table.add(
            Row.compared(
                    "embedded live",
                    "server RSS with " + count + " SSE watchers on one run",
                    "MiB",
                    Figure.value(with),
                    "idle (same server)",
                    Figure.value(idle))
                .withNote(note));
        table.add(
            Row.compared(
                    "embedded live",
                    "GET /health with " + count + " SSE watchers open",
                    "ms",
                    Figure.distribution(healthWith),
                    "idle (same server)",
                    Figure.distribution(healthIdle))
                .withNote(note));
      }
    } catch (Exception e) {
      progress("watchers failed: " + e);
      table.add(
          Row.of("embedded live", "watchers", "-", Figure.value(Double.NaN))
              .withNote("failed: " + oneLine(e)));
    }
  }

  private void latency(String mode, LivecodeClient client, double targetDiffMs) {
    if (!options.includes("latency")) {
      return;
    }
    Map<String, LatencyBench.Samples> byLanguage = new LinkedHashMap<>();
    for (String language : options.languages()) {
      String name = language + " " + LatencyBench.source(language) + ": POST run -> COMPLETED";
      try {
        progress(mode + " latency " + language + ": " + options.samples() + " samples");
        LatencyBench.Samples s =
            new LatencyBench(spawner, budget())
                .measure(client, language, options.samples(), options.warmup(), true, true);
        byLanguage.put(language, s);
        for (Map.Entry<String, Summary> b : s.baselines().entrySet()) {
          Row row =
              Row.compared(
                  mode + " latency",
                  name,
                  "ms",
                  Figure.distribution(s.server()),
                  b.getKey(),
                  Figure.distribution(b.getValue()));
          if (targetDiffMs > 0 && PYTHON.equals(language) && b.getKey().startsWith("bare bwrap")) {
            row =
                row.withNote(
                    target(
                        "p50 within " + Figure.format(targetDiffMs) + " ms of bare bwrap",
                        row.diff().orElse(Double.NaN) <= targetDiffMs));
          }
          if (targetDiffMs <= 0 && b.getKey().startsWith("bare bwrap")) {
            // the warm pool's latency targets: absolute p50s
            double limit = PYTHON.equals(language) ? 5.0 : 8.0;
            row =
                row.withNote(
                    target(
                        "warm p50 under " + Figure.format(limit) + " ms",
                        s.server().p50() < limit));
          }
          table.add(failures(row, s));
        }
        List<String> names = LatencyBench.names(s);
        if (names.size() >= 2 && names.get(1).startsWith("bare bwrap")) {
          table.add(
              Row.compared(
                      mode + " latency",
                      "(baseline) " + names.get(1),
                      "ms",
                      Figure.distribution(s.baselines().get(names.get(1))),
                      names.get(0),
                      Figure.distribution(s.baselines().get(names.get(0))))
                  .withNote("cost of the sandbox alone"));
        }
        String bwrapName =
            names.stream().filter(n -> n.startsWith("bare bwrap")).findFirst().orElse("");
        for (Map.Entry<String, Summary> part : s.breakdown().entrySet()) {
          Row row =
              Row.of(
                  mode + " breakdown",
                  language + ": " + part.getKey(),
                  "ms",
                  Figure.distribution(part.getValue()));
          if (part.getKey().startsWith("program wall") && !bwrapName.isEmpty()) {
            // the server's own spawn (its sandbox, cgroup, rlimits) against the minimal bwrap spawn
            row =
                Row.compared(
                    row.section(),
                    row.name(),
                    "ms",
                    row.livecode(),
                    bwrapName,
                    Figure.distribution(s.baselines().get(bwrapName)));
          }
          table.add(row);
        }
      } catch (Exception e) {
        progress(mode + " latency " + language + " failed: " + e);
        table.add(
            Row.of(mode + " latency", name, "ms", Figure.value(Double.NaN))
                .withNote("failed: " + oneLine(e)));
      }
    }
    backToBack(mode, client);
    if (byLanguage.containsKey(PYTHON)) {
      pythonByMode.put(mode, byLanguage.get(PYTHON));
    }
    if (byLanguage.containsKey("typescript") && byLanguage.containsKey("javascript")) {
      Row row =
          Row.compared(
              mode + " latency",
              "typescript console.log(1) vs javascript, through the server",
              "ms",
              Figure.distribution(byLanguage.get("typescript").server()),
              "javascript console.log(1) (same run)",
              Figure.distribution(byLanguage.get("javascript").server()));
      table.add(
          row.withNote(target("within 3 ms of javascript", row.diff().orElse(Double.NaN) <= 3.0)));
    }
  }

  private void backToBack(String mode, LivecodeClient client) {
    for (String language : options.languages()) {
      String name =
          language
              + " "
              + LatencyBench.source(language)
              + ": "
              + options.backToBackRuns()
              + " runs, no pause";
      try {
        progress(mode + " back-to-back " + language + ": " + options.backToBackRuns() + " runs");
        String hits = "livecode_warm_pool_hits_total{language=\"" + language + "\"}";
        String misses = "livecode_warm_pool_misses_total{language=\"" + language + "\"}";
        double hitsBefore = client.counter(hits);
        double missesBefore = client.counter(misses);
        LatencyBench.BackToBack b =
            new LatencyBench(spawner, budget())
                .backToBack(client, language, options.backToBackRuns(), options.warmup());
        double hit = client.counter(hits) - hitsBefore;
        double missed = client.counter(misses) - missesBefore;
        Row row =
            Row.compared(
                mode + " back-to-back",
                name,
                "ms",
                Figure.distribution(b.server()),
                b.baselineName() + ", back to back",
                Figure.distribution(b.baseline()));
        if (PYTHON.equals(language)) {
          row = row.withNote(target("p50 under 6 ms", b.server().p50() < 6.0));
        } else {
          row =
              row.withNote(
                  target("p50 not above the bare spawn", b.server().p50() <= b.baseline().p50()));
        }
        if (hit + missed > 0) {
          // Includes the warm-up rounds; a pool that keeps up misses none of them.
          row =
              row.withNote(
                  "warm pool " + Math.round(hit) + " hits, " + Math.round(missed) + " misses");
        }
        if (b.failures() > 0) {
          row = row.withNote(b.failures() + " failed, first: " + b.firstFailure());
        }
        table.add(row);
      } catch (Exception e) {
        progress(mode + " back-to-back " + language + " failed: " + e);
        table.add(
            Row.of(mode + " back-to-back", name, "ms", Figure.value(Double.NaN))
                .withNote("failed: " + oneLine(e)));
      }
    }
  }

  private void throughput(
      String mode,
      LivecodeClient client,
      String label,
      Map<Integer, ThroughputBench.Result> bareCache) {
    if (!options.includes("throughput")) {
      return;
    }
    boolean sandboxed = spawner.hasBwrap();
    List<String> command =
        sandboxed ? spawner.sandboxed(spawner.argv(PYTHON)) : spawner.argv(PYTHON);
    String bareName = (sandboxed ? "bare bwrap spawns" : "bare spawns") + " (python3 -S -I -c)";
    Duration deadline = Duration.ofSeconds(options.quick() ? 60 : 180);
    for (int c : options.concurrency()) {
      String name =
          "python print(1) runs/s, " + options.runs() + " runs at concurrency " + c + label;
      try {
        progress(mode + " throughput c=" + c + label);
        ThroughputBench.Result server =
            ThroughputBench.server(client, PYTHON, options.runs(), c, deadline);
        throughputByLabel.computeIfAbsent(mode + label, k -> new LinkedHashMap<>()).put(c, server);
        ThroughputBench.Result bare = bareCache.get(c);
        if (bare == null) {
          bare = ThroughputBench.spawns(spawner, command, sandboxed, options.runs(), c, deadline);
          bareCache.put(c, bare);
        }
        Row row =
            Row.compared(
                    mode + " throughput",
                    name,
                    "runs/s",
                    Figure.value(server.perSecond()),
                    bareName + " at " + c,
                    Figure.value(bare.perSecond()))
                .withNote("p50 " + Figure.format(server.latencyMs().p50()) + " ms per run");
        if (c == 8) {
          row = row.withNote(target(">= 80% of bare bwrap", row.ratio().orElse(0.0) >= 0.8));
        }
        if (server.failures() > 0 || server.completed() < options.runs()) {
          row =
              row.withNote(
                  server.completed()
                      + " of "
                      + options.runs()
                      + " completed, "
                      + server.failures()
                      + " failed: "
                      + server.firstFailure());
        }
        table.add(row);
      } catch (Exception e) {
        progress(mode + " throughput failed: " + e);
        table.add(
            Row.of(mode + " throughput", name, "runs/s", Figure.value(Double.NaN))
                .withNote("failed: " + oneLine(e)));
      }
    }
  }

  private void http(String mode, ServerProcess server, LivecodeClient client) {
    if (!options.includes("http")) {
      return;
    }
    Duration measure = Duration.ofMillis((long) (options.httpSeconds() * 1000));
    Duration warmup = Duration.ofMillis(Math.min(1000, measure.toMillis() / 2));
    int maxConnections = options.connections().stream().mapToInt(Integer::intValue).max().orElse(1);
    String store = "redis-mysql".equals(mode) ? "mysql" : "memory";
    List<String> sessions = new ArrayList<>();
    String finished;
    try {
      progress(mode + " http: creating " + maxConnections + " sessions");
      for (int i = 0; i < maxConnections; i++) {
        sessions.add(client.createSession(PYTHON, "print(1)"));
      }
      String execution = client.run(sessions.get(0));
      JsonNode result = client.awaitEnd(execution, LatencyBench.RESULT_TIMEOUT);
      if (!LivecodeClient.isFinal(result)) {
        throw new IllegalStateException("the execution for GET did not finish: " + result);
      }
      finished = execution;
      startTrivial();
    } catch (Exception e) {
      progress(mode + " http setup failed: " + e);
      table.add(
          Row.of(mode + " http", "HTTP setup", "req/s", Figure.value(Double.NaN))
              .withNote("failed: " + oneLine(e)));
      return;
    }
    HttpLoad.Target patch = HttpLoad.autosave(sessions, Map.of());
    HttpLoad.Target get = HttpLoad.get("/executions/" + finished, Map.of());
    HttpLoad.Target trivialGet = HttpLoad.get("/health", Map.of());
    for (int c : options.connections()) {
      try {
        progress(mode + " http c=" + c);
        HttpLoad.Result base =
            HttpLoad.run(options.loadClient(), trivial.port(), trivialGet, c, warmup, measure);
        HttpLoad.Result p =
            HttpLoad.run(options.loadClient(), server.port(), patch, c, warmup, measure);
        HttpLoad.Result g =
            HttpLoad.run(options.loadClient(), server.port(), get, c, warmup, measure);
        Map<String, HttpLoad.Result> byLevel =
            httpByMode.computeIfAbsent(mode, k -> new LinkedHashMap<>());
        byLevel.put("patch@" + c, p);
        byLevel.put("get@" + c, g);
        String baseName = "trivial JDK HttpServer handler at " + c;
        Row patchRow =
            Row.compared(
                mode + " http",
                "autosave PATCH/s (" + store + " store) at " + c + " connections",
                "req/s",
                Figure.value(p.perSecond()),
                baseName,
                Figure.value(base.perSecond()));
        if (c == 32) {
          double target = "memory".equals(store) ? 20_000 : 6_000;
          patchRow =
              patchRow.withNote(target(">= " + (int) target + " PATCH/s", p.perSecond() >= target));
        }
        table.add(errors(patchRow, p));
        table.add(
            Row.compared(
                mode + " http",
                "autosave PATCH latency at " + c + " connections",
                "ms",
                Figure.distribution(p.latencyMs()),
                baseName,
                Figure.distribution(base.latencyMs())));
        Row getRow =
            Row.compared(
                mode + " http",
                "GET /executions/:id (finished) per s at " + c + " connections",
                "req/s",
                Figure.value(g.perSecond()),
                baseName,
                Figure.value(base.perSecond()));
        if (c == 32) {
          getRow = getRow.withNote(target(">= 22000 req/s", g.perSecond() >= 22_000));
        }
        table.add(errors(getRow, g));
        table.add(
            Row.compared(
                mode + " http",
                "GET /executions/:id latency at " + c + " connections",
                "ms",
                Figure.distribution(g.latencyMs()),
                baseName,
                Figure.distribution(base.latencyMs())));
      } catch (Exception e) {
        progress(mode + " http c=" + c + " failed: " + e);
        table.add(
            Row.of(
                    mode + " http",
                    "HTTP at " + c + " connections",
                    "req/s",
                    Figure.value(Double.NaN))
                .withNote("failed: " + oneLine(e)));
      }
    }
  }

  /**
   * The cost of checking an API key: the same PATCH and GET load on a server without keys and on
   * one with {@value KeyCost#KEYS} keys in its key file (each request compared with every one),
   * both alive at once and measured in turn after a turn each that is not counted, {@value
   * KeyCost#ROUNDS} short turns each in the order off, on, on, off, ..., so that drift of the
   * machine falls on both alike.
   */
  private void keyCost() {
    if (!options.includes("keys")) {
      return;
    }
    String section = "embedded keys";
    try (KeyCost.KeyFile keys = KeyCost.KeyFile.write();
        ServerProcess open = startServer("livecode-keys-off", serverArgs(options.isolation()));
        ServerProcess keyed = startServer("livecode-keys-on", keyedArgs(keys.path()))) {
      // Half an HTTP level's window per turn, six turns each: as long in all as three levels.
      Duration turn = Duration.ofMillis(Math.max(500, (long) (options.httpSeconds() * 500)));
      int most = options.connections().stream().mapToInt(Integer::intValue).max().orElse(1);
      KeyCost.Server off =
          KeyCost.Server.prepare(open.port(), Map.of(), most, PYTHON, LatencyBench.RESULT_TIMEOUT);
      KeyCost.Server on =
          KeyCost.Server.prepare(
              keyed.port(), keys.header(), most, PYTHON, LatencyBench.RESULT_TIMEOUT);
      for (int c : options.connections()) {
        progress(section + " c=" + c);
        KeyCost.Pair patch = KeyCost.compare(options.loadClient(), off, on, true, c, turn);
        KeyCost.Pair get = KeyCost.compare(options.loadClient(), off, on, false, c, turn);
        table.add(keyRow(section, "autosave PATCH/s", c, patch));
        table.add(keyRow(section, "GET /executions/:id (finished) per s", c, get));
      }
    } catch (Exception e) {
      progress(section + " failed: " + e);
      table.add(
          Row.of(section, "key checking", "req/s", Figure.value(Double.NaN))
              .withNote("failed: " + oneLine(e)));
    }
  }

  private List<String> keyedArgs(Path keyFile) {
    List<String> args = serverArgs(options.isolation());
    args.addAll(List.of("--api-keys-file", keyFile.toString()));
    return args;
  }

  private static Row keyRow(String section, String what, int c, KeyCost.Pair pair) {
    Row row =
        Row.compared(
                section,
                what + " with an API key (" + KeyCost.KEYS + " keys) at " + c + " connections",
                "req/s",
                Figure.value(pair.on().perSecond()),
                "the same without keys at " + c,
                Figure.value(pair.off().perSecond()))
            .withNote(target("within 5% of keys off", pair.ratio() >= 0.95))
            .withNote(pair.spread());
    if (pair.on().errors() + pair.off().errors() > 0) {
      row =
          row.withNote(
              (pair.on().errors() + pair.off().errors())
                  + " errors, first: "
                  + (pair.on().firstError().isEmpty()
                      ? pair.off().firstError()
                      : pair.on().firstError()));
    }
    return row;
  }

  private void memoryRows(
      String section, ServerProcess p, double idle, double runPeak, double httpPeak, double after) {
    String s = section + " memory";
    table.add(
        Row.of(
            s, p.name() + " RSS idle (started, one run per language)", "MiB", Figure.value(idle)));
    table.add(Row.of(s, p.name() + " RSS peak under run load", "MiB", Figure.value(runPeak)));
    if (!Double.isNaN(httpPeak)) {
      table.add(Row.of(s, p.name() + " RSS peak under HTTP load", "MiB", Figure.value(httpPeak)));
    }
    table.add(Row.of(s, p.name() + " RSS after the load", "MiB", Figure.value(after)));
  }

  // ---------------------------------------------------------------- helpers

  private List<String> serverArgs(String isolation) {
    // Loopback only: the benchmark never exposes a server beyond this machine.
    List<String> args = new ArrayList<>(List.of("--host", "127.0.0.1", "--isolation", isolation));
    options.workers().ifPresent(w -> args.addAll(List.of("--workers", Integer.toString(w))));
    args.addAll(options.serverArgs());
    return args;
  }

  private ServerProcess startServer(String name, List<String> args) throws IOException {
    ServerProcess server = startProcess(name, args);
    server.awaitReady(http, "/health", READY_TIMEOUT);
    return server;
  }

  private ServerProcess startProcess(String name, List<String> args) throws IOException {
    List<String> main = new ArrayList<>(List.of("-jar", serverJar.toString()));
    main.addAll(args);
    progress("starting " + name);
    // The server as scripts/start.sh and the Dockerfile start it; --server-jvm-args come after,
    // and a later -XX option wins (-XX:TieredStopAtLevel=4 measures the JVM's default JIT).
    List<String> jvmArgs = new ArrayList<>(ServerProcess.LAUNCH_JVM_ARGS);
    jvmArgs.addAll(options.serverJvmArgs());
    ServerProcess p = ServerProcess.start(name, jvmArgs, main, true, options.logDir());
    rss.watch(p);
    return p;
  }

  private void startTrivial() throws IOException {
    if (trivial != null && trivial.isAlive()) {
      return;
    }
    trivial =
        ServerProcess.start(
            "trivial-httpserver",
            List.of(),
            List.of("-cp", System.getProperty("java.class.path"), TrivialServer.class.getName()),
            true,
            options.logDir());
    trivial.awaitReady(http, "/health", READY_TIMEOUT);
  }

  private void describeServer(String mode, LivecodeClient client) {
    try {
      table.meta(mode + ".health", client.get("/health"));
      table.meta(mode + ".languages", client.get("/languages"));
    } catch (Exception e) {
      table.meta(mode + ".health", "unreadable: " + e);
    }
  }

  /** One run per language (class loading, JIT, first spawn), then the RSS once settled. */
  private double warmAndIdle(LivecodeClient client, ServerProcess server) {
    for (String language : options.languages()) {
      try {
        LatencyBench.runOnce(client, client.createSession(language, LatencyBench.source(language)));
      } catch (Exception e) {
        progress("warm-up run " + language + " failed: " + e);
      }
    }
    ServerProcess.pause(1000);
    return RssSampler.nowMib(server);
  }

  private Duration budget() {
    return Duration.ofSeconds(options.quick() ? 60 : 150);
  }

  private static Row failures(Row row, LatencyBench.Samples s) {
    return s.failures() == 0
        ? row
        : row.withNote(s.failures() + " failed runs excluded, first: " + s.firstFailure());
  }

  private static Row errors(Row row, HttpLoad.Result r) {
    return r.errors() == 0 ? row : row.withNote(r.errors() + " errors, first: " + r.firstError());
  }

  private static String target(String what, boolean met) {
    return "target " + what + ": " + (met ? "met" : "MISSED");
  }

  private static java.util.Optional<String> findText(JsonNode node, String... names) {
    for (String name : names) {
      JsonNode found = node.findValue(name);
      if (found != null && found.isValueNode()) {
        return java.util.Optional.of(found.asText());
      }
    }
    return java.util.Optional.empty();
  }

  static String oneLine(Throwable e) {
    String m = e.getMessage() == null ? e.toString() : e.getMessage();
    return LivecodeClient.abbreviate(m.replace('\n', ' '));
  }

  private void progress(String message) {
    System.err.printf("[%6.1fs] %s%n", (System.nanoTime() - started) / 1e9, message);
  }

  @Override
  public void close() {
    if (trivial != null) {
      trivial.close();
    }
    rss.close();
  }

  public Path out() {
    return options.out();
  }
}
