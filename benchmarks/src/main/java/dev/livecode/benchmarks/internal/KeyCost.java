package dev.livecode.benchmarks.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/** What checking an API key costs a request: the {@code keys} section's parts. */
final class KeyCost {
  /** Keys in the file: a server with many tenants, each request compared with all of them. */
  static final int KEYS = 100;

  /**
   * Measured turns of each server per level, taken in turn (off, on, on, off, ...): many short
   * turns, so that a neighbour's burst of load falls on both servers rather than on one turn.
   */
  static final int ROUNDS = 6;

  /** The warm-up of each turn: its connections are new, the servers are warm already. */
  static final Duration TURN_WARMUP = Duration.ofMillis(250);

  /**
   * The shortest uncounted turn. With one short uncounted turn each, the counted turns kept rising
   * for a dozen turns (the servers' and the client's JIT still at work), by far more than the key
   * check costs, and the alternating order could not cancel a trend that strong.
   */
  static final Duration WARM_TURN = Duration.ofSeconds(3);

  private KeyCost() {}

  /** A key file of {@link #KEYS} random keys, deleted on close; requests use the last one. */
  record KeyFile(Path path, String key) implements AutoCloseable {
    static KeyFile write() throws IOException {
      SecureRandom random = new SecureRandom();
      StringBuilder lines = new StringBuilder();
      String key = "";
      for (int i = 0; i < KEYS; i++) {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        key = HexFormat.of().formatHex(bytes);
        lines.append("bench-").append(i).append(' ').append(key).append('\n');
      }
      Path path = Files.createTempFile("livecode-bench-keys", ".txt");
      Files.writeString(path, lines);
      return new KeyFile(path, key);
    }

    Map<String, String> header() {
      return Map.of("Authorization", "Bearer " + key);
    }

    @Override
    public void close() throws IOException {
      Files.deleteIfExists(path);
    }
  }

  /** A server with sessions to PATCH and a finished execution to GET, as one tenant. */
  record Server(int port, Map<String, String> headers, List<String> sessions, String finished) {
    static Server prepare(
        int port, Map<String, String> headers, int sessions, String language, Duration timeout)
        throws IOException, InterruptedException {
      LivecodeClient client = new LivecodeClient("http://127.0.0.1:" + port, headers);
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < sessions; i++) {
        ids.add(client.createSession(language, "print(1)"));
      }
      String execution = client.run(ids.get(0));
      JsonNode result = client.awaitEnd(execution, timeout);
      if (!LivecodeClient.isFinal(result)) {
        throw new IllegalStateException("the execution for GET did not finish: " + result);
      }
      return new Server(port, headers, List.copyOf(ids), execution);
    }

    HttpLoad.Target target(boolean patch) {
      return patch
          ? HttpLoad.autosave(sessions, headers)
          : HttpLoad.get("/executions/" + finished, headers);
    }
  }

  /** The rounds of both servers at one level, summed, and each round's figure (req/s). */
  record Pair(HttpLoad.Result off, HttpLoad.Result on, List<Long> offRounds, List<Long> onRounds) {
    double ratio() {
      return on.perSecond() / off.perSecond();
    }

    /** The best turn of the keyed server over the best turn of the other. */
    double bestRatio() {
      return best(onRounds) / best(offRounds);
    }

    /** Each round's figure, so that a reader sees how much the machine moved between them. */
    String spread() {
      return "turns off "
          + join(offRounds)
          + ", on "
          + join(onRounds)
          + " req/s; best on / best off "
          + String.format(java.util.Locale.ROOT, "%.2f", bestRatio());
    }

    private static double best(List<Long> figures) {
      return figures.stream().mapToLong(Long::longValue).max().orElse(0);
    }

    private static String join(List<Long> figures) {
      return String.join(" / ", figures.stream().map(String::valueOf).toList());
    }
  }

  static Pair compare(
      String client, Server off, Server on, boolean patch, int connections, Duration measure)
      throws InterruptedException {
    Duration warmup = TURN_WARMUP;
    // Long first turns of each, not counted, so that neither is measured while a JIT still works.
    Duration longer = measure.multipliedBy(4);
    Duration warm = longer.compareTo(WARM_TURN) < 0 ? WARM_TURN : longer;
    for (int turn = 0; turn < 2; turn++) {
      HttpLoad.run(client, off.port(), off.target(patch), connections, warmup, warm);
      HttpLoad.run(client, on.port(), on.target(patch), connections, warmup, warm);
    }
    List<HttpLoad.Result> offs = new ArrayList<>();
    List<HttpLoad.Result> ons = new ArrayList<>();
    for (int round = 0; round < ROUNDS; round++) {
      // off, on, then on, off: a machine that speeds up or slows down favours neither.
      boolean offFirst = round % 2 == 0;
      if (offFirst) {
        offs.add(HttpLoad.run(client, off.port(), off.target(patch), connections, warmup, measure));
      }
      ons.add(HttpLoad.run(client, on.port(), on.target(patch), connections, warmup, measure));
      if (!offFirst) {
        offs.add(HttpLoad.run(client, off.port(), off.target(patch), connections, warmup, measure));
      }
    }
    return new Pair(sum(offs), sum(ons), perSecond(offs), perSecond(ons));
  }

  private static List<Long> perSecond(List<HttpLoad.Result> rounds) {
    return rounds.stream().map(r -> Math.round(r.perSecond())).toList();
  }

  private static HttpLoad.Result sum(List<HttpLoad.Result> rounds) {
    long requests = 0;
    long errors = 0;
    double seconds = 0;
    String firstError = "";
    for (HttpLoad.Result r : rounds) {
      requests += r.requests();
      errors += r.errors();
      seconds += r.seconds();
      if (firstError.isEmpty()) {
        firstError = r.firstError();
      }
    }
    // Latency is not compared here: the rows are throughput.
    return new HttpLoad.Result(
        requests, errors, seconds, rounds.get(rounds.size() - 1).latencyMs(), firstError);
  }
}
