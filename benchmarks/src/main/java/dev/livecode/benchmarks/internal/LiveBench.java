package dev.livecode.benchmarks.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The live section: how soon a chunk a program writes reaches an SSE client, what one watcher costs
 * a run, and what many watchers cost a server.
 */
public final class LiveBench {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration RUN_WAIT = Duration.ofSeconds(30);

  private final LivecodeClient client;
  private final int port;

  public LiveBench(LivecodeClient client, int port) {
    this.client = client;
    this.port = port;
  }

  /**
   * A program writes its clock ({@code time.time_ns()}) {@code chunks} times, 10 ms apart, after a
   * pause that lets the client connect first; each figure is the client's clock when the chunk was
   * read minus the program's when it wrote it, in ms.
   */
  public Summary writeToChunk(int chunks) throws Exception {
    String source =
        "import sys, time\ntime.sleep(0.3)\nfor i in range("
            + chunks
            + "):\n    sys.stdout.write(str(time.time_ns()) + '\\n')\n    sys.stdout.flush()\n"
            + "    time.sleep(0.01)";
    String session = client.createSession("python", source);
    String id = client.run(session);
    double[] millis = new double[chunks];
    int n = 0;
    StringBuilder partial = new StringBuilder();
    try (SseReader sse = SseReader.open(port, "/executions/" + id + "/events")) {
      if (sse.status() != 200) {
        throw new IOException("events answered " + sse.status());
      }
      for (Optional<SseReader.Event> e = sse.next(); e.isPresent(); e = sse.next()) {
        SseReader.Event event = e.get();
        if (event.name().equals("done")) {
          break;
        }
        if (!event.name().equals("stdout")) {
          continue;
        }
        partial.append(JSON.readTree(event.data()).path("text").asText());
        int newline;
        while ((newline = partial.indexOf("\n")) >= 0) {
          long written = Long.parseLong(partial.substring(0, newline));
          partial.delete(0, newline + 1);
          if (n < millis.length) {
            millis[n++] = (event.arrivedEpochNanos() - written) / 1e6;
          }
        }
      }
    }
    return Summary.of(java.util.Arrays.copyOf(millis, n));
  }

  /** The same print(1) runs without and with one SSE watcher each, interleaved. */
  public record StreamingCost(Summary without, Summary with) {}

  /**
   * The pause before each run of {@link #streamingCost}: longer than a warm pool's refill (its
   * delay after a take plus one interpreter's start), so that every run, watched or not, takes a
   * warm interpreter and no refill competes with it for the cores, as in the latency section. Back
   * to back, each run shared the two cores with the start of the next warm interpreter, which made
   * the program itself three to four times slower and the pair's difference mostly noise.
   */
  static final long PACE_MILLIS = 120;

  /**
   * Streams of an ended run replayed before the samples: the server's watcher path (request,
   * subscription, frames) is then compiled like the run path the earlier sections warmed, rather
   * than interpreted or being compiled during the watched samples.
   */
  static final int WATCHER_WARMUP_STREAMS = 300;

  /** Paced warm-up pairs at least: the live watcher path (subscribed before the end) warms too. */
  static final int MIN_WARMUP_PAIRS = 20;

  public StreamingCost streamingCost(int samples, int warmup) throws Exception {
    String session = client.createSession("python", "print(1)");
    String ended = client.run(session);
    client.awaitEnd(ended, RUN_WAIT);
    for (int i = 0; i < WATCHER_WARMUP_STREAMS; i++) {
      drain(ended);
    }
    double[] without = new double[samples];
    double[] with = new double[samples];
    for (int i = -Math.max(warmup, MIN_WARMUP_PAIRS); i < samples; i++) {
      // why: the order alternates, so that neither side always starts right behind the other's
      // tail work on the server (its store writes after the end).
      double a;
      double b;
      if ((i & 1) == 0) {
        a = timed(session, false);
        b = timed(session, true);
      } else {
        b = timed(session, true);
        a = timed(session, false);
      }
      if (i >= 0) {
        without[i] = a;
        with[i] = b;
      }
    }
    return new StreamingCost(Summary.of(without), Summary.of(with));
  }

  /**
   * One print(1) run, POST to COMPLETED in ms, with or without a watcher read to its end.
   *
   * <p>The watcher's request goes out on this thread as soon as the run's id is known, and its
   * events are read once the result is in: the server writes them as they come all the same (into
   * the socket, which holds far more than a print(1) run's few frames), but the reading, which is a
   * browser's work on another machine, no longer shares the two cores with the run. Read on a
   * thread of the client's own, as before, the hand-off to it, its connection and its parsing cost
   * the run about as much CPU as the server's side of the stream.
   */
  private double timed(String session, boolean watched) throws Exception {
    Thread.sleep(PACE_MILLIS);
    long start = System.nanoTime();
    String id = client.run(session);
    SseReader watcher = watched ? SseReader.send(port, "/executions/" + id + "/events") : null;
    JsonNode ended;
    try {
      ended = client.awaitEnd(id, RUN_WAIT);
    } catch (IOException | RuntimeException e) {
      if (watcher != null) {
        watcher.close();
      }
      throw e;
    }
    double millis = (System.nanoTime() - start) / 1e6;
    if (watcher != null) {
      try (watcher) {
        readToDone(watcher);
      }
    }
    if (!"COMPLETED".equals(ended.path("status").asText())) {
      throw new IOException("a print(1) run did not complete: " + ended);
    }
    return millis;
  }

  private static void readToDone(SseReader sse) throws IOException {
    if (sse.status() != 200) {
      throw new IOException("events answered " + sse.status());
    }
    for (Optional<SseReader.Event> e = sse.next(); e.isPresent(); e = sse.next()) {
      if (e.get().name().equals("done")) {
        return;
      }
    }
    throw new IOException("an event stream ended without its done event");
  }

  private void drain(String id) throws IOException {
    try (SseReader sse = SseReader.open(port, "/executions/" + id + "/events")) {
      readToDone(sse);
    }
  }

  /** GET /health round trips, in ms. */
  public Summary health(int samples) throws Exception {
    double[] millis = new double[samples];
    for (int i = 0; i < samples; i++) {
      long start = System.nanoTime();
      client.get("/health");
      millis[i] = (System.nanoTime() - start) / 1e6;
    }
    return Summary.of(millis);
  }

  /**
   * Opens {@code count} watchers of one interactive run that waits on input(), each with its first
   * event read; the caller measures with them open, then {@link Crowd#close()} ends the run.
   */
  public Crowd crowd(int count) throws Exception {
    String session = client.createSession("python", "input()");
    String id =
        client
            .send("POST", "/code-sessions/" + session + "/run", "{\"interactive\": true}")
            .path("execution_id")
            .asText();
    List<SseReader> open = new ArrayList<>(count);
    int refused = 0;
    for (int i = 0; i < count; i++) {
      SseReader sse = SseReader.open(port, "/executions/" + id + "/events");
      if (sse.status() == 200 && sse.next().isPresent()) {
        open.add(sse);
      } else {
        refused++;
        sse.close();
      }
    }
    return new Crowd(id, open, refused);
  }

  /** Watchers held open on one run. */
  public final class Crowd implements AutoCloseable {
    private final String id;
    private final List<SseReader> watchers;
    private final int refused;

    Crowd(String id, List<SseReader> watchers, int refused) {
      this.id = id;
      this.watchers = watchers;
      this.refused = refused;
    }

    public int open() {
      return watchers.size();
    }

    public int refused() {
      return refused;
    }

    @Override
    public void close() {
      try {
        client.send("POST", "/executions/" + id + "/cancel", null);
      } catch (IOException e) {
        // the run ends at its wall time anyway
      }
      watchers.forEach(SseReader::close);
    }
  }
}
