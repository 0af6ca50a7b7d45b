package dev.livecode.benchmarks.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Run latency: POST run, then GET /executions/:id?wait_ms until the result, for one trivial program
 * per language, each sample interleaved with the baselines (bare spawn, bwrap spawn) so that a
 * neighbour's load on the shared machine hits both sides alike.
 */
public final class LatencyBench {
  static final Duration RESULT_TIMEOUT = Duration.ofSeconds(20);

  private final Spawner spawner;
  private final Duration budget;

  /**
   * @param budget the longest one language may take; sampling stops early past it
   */
  public LatencyBench(Spawner spawner, Duration budget) {
    this.spawner = spawner;
    this.budget = budget;
  }

  public static String source(String language) {
    return "python".equals(language) ? "print(1)" : "console.log(1)";
  }

  /** The samples of one language, in milliseconds, by subject. */
  public record Samples(
      String language,
      Summary server,
      Map<String, Summary> baselines,
      Map<String, Summary> breakdown,
      int failures,
      String firstFailure) {}

  /**
   * Measures {@code samples} runs of {@code language} through the server after {@code warmup}
   * unrecorded ones. {@code withBaselines} adds the bare and bwrap spawns, {@code withPlainPython}
   * for python also the plain {@code python3 -c}.
   */
  public Samples measure(
      LivecodeClient client,
      String language,
      int samples,
      int warmup,
      boolean withBaselines,
      boolean withPlainPython)
      throws IOException, InterruptedException {
    String session = client.createSession(language, source(language));
    Map<String, List<String>> baselines = new LinkedHashMap<>();
    Map<String, Boolean> sandboxedFlag = new LinkedHashMap<>();
    if (withBaselines) {
      List<String> argv = spawner.argv(language);
      baselines.put("bare spawn (" + Spawner.describe(language) + ")", argv);
      sandboxedFlag.put("bare spawn (" + Spawner.describe(language) + ")", false);
      if (spawner.hasBwrap()) {
        String name = "bare bwrap spawn (" + Spawner.describe(language) + ")";
        baselines.put(name, spawner.sandboxed(argv));
        sandboxedFlag.put(name, true);
        if (spawner.hardens()) {
          // What the uid drop and the seccomp filter cost a spawn: the same bwrap without them.
          String unhardened =
              "bwrap spawn without uid drop and seccomp (" + Spawner.describe(language) + ")";
          baselines.put(unhardened, spawner.unhardened(argv));
          sandboxedFlag.put(unhardened, true);
        }
      }
      if ("python".equals(language) && withPlainPython) {
        baselines.put("bare python3 -c", spawner.plainPythonArgv());
        sandboxedFlag.put("bare python3 -c", false);
      }
    }
    for (int i = 0; i < warmup; i++) {
      runOnce(client, session);
      for (Map.Entry<String, List<String>> b : baselines.entrySet()) {
        spawner.spawnOnce(b.getValue(), sandboxedFlag.get(b.getKey()));
      }
    }
    double[] server = new double[samples];
    Map<String, double[]> base = new LinkedHashMap<>();
    baselines.keySet().forEach(k -> base.put(k, new double[samples]));
    String[] parts = {
      "POST run round trip",
      "queue wait (started_at - queued_at)",
      "run (finished_at - started_at)",
      "program wall (execution_time_ms)",
      "runner overhead (run - program wall)",
      "outside the engine: HTTP, JSON, wake-up (total - (finished_at - queued_at))"
    };
    Map<String, double[]> breakdown = new LinkedHashMap<>();
    for (String p : parts) {
      breakdown.put(p, new double[samples]);
    }
    int done = 0;
    int breakdowns = 0;
    int failures = 0;
    String firstFailure = "";
    long deadline = System.nanoTime() + budget.toNanos();
    for (int i = 0; i < samples && System.nanoTime() < deadline; i++) {
      Sample s;
      try {
        s = runOnce(client, session);
      } catch (IOException e) {
        s = Sample.failed(e.getMessage());
      }
      if (!s.ok()) {
        failures++;
        if (firstFailure.isEmpty()) {
          firstFailure = s.failure();
        }
        continue;
      }
      for (Map.Entry<String, List<String>> b : baselines.entrySet()) {
        base.get(b.getKey())[done] =
            spawner.spawnOnce(b.getValue(), sandboxedFlag.get(b.getKey())) / 1e6;
      }
      server[done] = s.totalMs();
      if (s.hasTimes()) {
        breakdown.get(parts[0])[breakdowns] = s.postMs();
        breakdown.get(parts[1])[breakdowns] = s.queueMs();
        breakdown.get(parts[2])[breakdowns] = s.runMs();
        breakdown.get(parts[3])[breakdowns] = s.programMs();
        breakdown.get(parts[4])[breakdowns] = s.runMs() - s.programMs();
        breakdown.get(parts[5])[breakdowns] = s.totalMs() - (s.queueMs() + s.runMs());
        breakdowns++;
      }
      done++;
    }
    Map<String, Summary> baseSummaries = new LinkedHashMap<>();
    for (Map.Entry<String, double[]> e : base.entrySet()) {
      baseSummaries.put(e.getKey(), Summary.of(java.util.Arrays.copyOf(e.getValue(), done)));
    }
    Map<String, Summary> breakdownSummaries = new LinkedHashMap<>();
    for (Map.Entry<String, double[]> e : breakdown.entrySet()) {
      breakdownSummaries.put(
          e.getKey(), Summary.of(java.util.Arrays.copyOf(e.getValue(), breakdowns)));
    }
    return new Samples(
        language,
        Summary.of(java.util.Arrays.copyOf(server, done)),
        baseSummaries,
        breakdownSummaries,
        failures,
        firstFailure);
  }

  /** A back-to-back loop's figures: the server's runs beside the same count of bare spawns. */
  public record BackToBack(
      String language,
      Summary server,
      String baselineName,
      Summary baseline,
      int failures,
      String firstFailure) {}

  /**
   * One client, no pause: {@code runs} runs through the server each sent as soon as the last one's
   * result is in, and as many bare bwrap spawns (bare spawns without bwrap) of the same interpreter
   * back to back. The two loops alternate in {@link #BACK_TO_BACK_BLOCKS} blocks so that a
   * neighbour's load falls on both; within a block nothing pauses, so a warm pool sees a client
   * that never lets it rest.
   */
  public BackToBack backToBack(LivecodeClient client, String language, int runs, int warmup)
      throws IOException, InterruptedException {
    String session = client.createSession(language, source(language));
    List<String> argv = spawner.argv(language);
    boolean sandboxed = spawner.hasBwrap();
    List<String> command = sandboxed ? spawner.sandboxed(argv) : argv;
    String name =
        (sandboxed ? "bare bwrap spawn (" : "bare spawn (") + Spawner.describe(language) + ")";
    for (int i = 0; i < warmup; i++) {
      runOnce(client, session);
      spawner.spawnOnce(command, sandboxed);
    }
    double[] server = new double[runs];
    double[] base = new double[runs];
    int done = 0;
    int spawned = 0;
    int failures = 0;
    String firstFailure = "";
    long deadline = System.nanoTime() + budget.toNanos();
    int block = Math.max(1, runs / BACK_TO_BACK_BLOCKS);
    for (int attempt = 0; attempt < runs && System.nanoTime() < deadline; attempt += block) {
      int n = Math.min(block, runs - attempt);
      for (int i = 0; i < n; i++) {
        Sample s;
        try {
          s = runOnce(client, session);
        } catch (IOException e) {
          s = Sample.failed(e.getMessage());
        }
        if (s.ok()) {
          server[done++] = s.totalMs();
        } else {
          failures++;
          if (firstFailure.isEmpty()) {
            firstFailure = s.failure();
          }
        }
      }
      for (int i = 0; i < n; i++) {
        base[spawned++] = spawner.spawnOnce(command, sandboxed) / 1e6;
      }
    }
    return new BackToBack(
        language,
        Summary.of(java.util.Arrays.copyOf(server, done)),
        name,
        Summary.of(java.util.Arrays.copyOf(base, spawned)),
        failures,
        firstFailure);
  }

  /** Blocks a back-to-back loop is cut into, alternating with the baseline's. */
  static final int BACK_TO_BACK_BLOCKS = 2;

  /** One run through the server: POST run, then wait for the result; checks it printed 1. */
  static Sample runOnce(LivecodeClient client, String session)
      throws IOException, InterruptedException {
    long t0 = System.nanoTime();
    String execution = client.run(session);
    long t1 = System.nanoTime();
    JsonNode result = client.awaitEnd(execution, RESULT_TIMEOUT);
    long t2 = System.nanoTime();
    String status = result.path("status").asText();
    String stdout = result.path("stdout").asText();
    if (!"COMPLETED".equals(status) || !"1\n".equals(stdout)) {
      return Sample.failed(
          "status "
              + status
              + (result.path("failure_reason").isTextual()
                  ? " " + result.path("failure_reason").asText()
                  : "")
              + " stdout "
              + result.path("stdout")
              + " stderr "
              + LivecodeClient.abbreviate(result.path("stderr").toString()));
    }
    long queued = LivecodeClient.micros(result, "queued_at");
    long started = LivecodeClient.micros(result, "started_at");
    long finished = LivecodeClient.micros(result, "finished_at");
    double program = result.path("execution_time_ms").asDouble(Double.NaN);
    boolean times = queued > 0 && started > 0 && finished > 0;
    return new Sample(
        true,
        "",
        (t2 - t0) / 1e6,
        (t1 - t0) / 1e6,
        times ? (started - queued) / 1e3 : Double.NaN,
        times ? (finished - started) / 1e3 : Double.NaN,
        program,
        times);
  }

  /** One sample's figures, in milliseconds. */
  record Sample(
      boolean ok,
      String failure,
      double totalMs,
      double postMs,
      double queueMs,
      double runMs,
      double programMs,
      boolean hasTimes) {
    static Sample failed(String why) {
      return new Sample(
          false, why, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, false);
    }
  }

  /** For rows: the baseline names in the order measured. */
  static List<String> names(Samples s) {
    return new ArrayList<>(s.baselines().keySet());
  }
}
