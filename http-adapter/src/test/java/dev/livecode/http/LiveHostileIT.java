package dev.livecode.http;

import static dev.livecode.http.testing.HttpClientSupport.assertProblem;
import static dev.livecode.http.testing.HttpClientSupport.object;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.livecode.core.Livecode;
import dev.livecode.core.LivecodeEngine;
import dev.livecode.http.testing.HttpClientSupport;
import dev.livecode.http.testing.HttpClientSupport.Reply;
import dev.livecode.http.testing.SseConnection;
import dev.livecode.http.testing.SseConnection.Event;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Clients and programs that attack the live endpoints: floods, crowds of watchers, a stop. */
class LiveHostileIT {
  private static final Duration EVENT_WAIT = Duration.ofSeconds(30);
  private static final int OUTPUT_CAP = 65_536;
  private static final int STDIN_CAP = 4096;

  /** The server's cap on open event streams (docs/api.md). */
  private static final int MAX_STREAMS = 256;

  private static LivecodeEngine engine;
  private static LivecodeHttpServer server;
  private static HttpClientSupport http;

  @BeforeAll
  static void start() {
    engine = Livecode.builder().workers(2).maxStdinBytes(STDIN_CAP).build();
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

  @Test
  void aProgramFloodingTinyChunksIsCutAtTheCapAndTheServerStaysHealthy() throws Exception {
    String source =
        "import sys\nw = sys.stdout.write\nf = sys.stdout.flush\nwhile True:\n    w('x')\n    f()";
    assertFloodIsCapped(source);
  }

  @Test
  void aProgramWritingOneHugeLineIsCutAtTheCap() throws Exception {
    assertFloodIsCapped("import sys\nsys.stdout.write('y' * 50_000_000)\nsys.stdout.flush()");
  }

  private static void assertFloodIsCapped(String source) throws Exception {
    String id =
        http.run(
            http.createSession("python", source),
            object("limits", object("max_output_bytes", OUTPUT_CAP, "wall_time_ms", 3000)));
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicLong slowestHealthNanos = new AtomicLong();
    Thread prober = healthProber(running, slowestHealthNanos);
    try (SseConnection sse = events(id)) {
      List<Event> seen = new ArrayList<>();
      Event done = rest(sse, seen);
      JsonNode ended = HttpClientSupport.JSON.readTree(done.data());
      assertThat(ended.get("stdout_truncated").asBoolean()).isTrue();
      String text = joined(seen, "stdout");
      assertThat(text.length()).isLessThanOrEqualTo(OUTPUT_CAP);
      assertThat(text).isEqualTo(ended.get("stdout").asText());
      // The engine's log holds what the stream replays: no empty chunks, so at most one event per
      // byte kept, plus the status events and done.
      assertThat(seen)
          .filteredOn(e -> e.name().equals("stdout"))
          .hasSizeLessThanOrEqualTo(OUTPUT_CAP);
      assertThat(seen.size()).isLessThanOrEqualTo(OUTPUT_CAP + 8);
    } finally {
      running.set(false);
      prober.join();
    }
    assertThat(Duration.ofNanos(slowestHealthNanos.get())).isLessThan(Duration.ofSeconds(2));
  }

  @Test
  void fiveHundredWatchersAreCappedAndTheReadersGetEverything() throws Exception {
    String source =
        "import time\nfor i in range(150):\n    print('line', i, flush=True)\n    time.sleep(0.02)";
    String id =
        http.run(
            http.createSession("python", source), object("limits", object("wall_time_ms", 20000)));
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicLong slowestHealthNanos = new AtomicLong();
    AtomicInteger mostWriters = new AtomicInteger();
    Thread prober = healthProber(running, slowestHealthNanos);
    Thread counter = writerCounter(running, mostWriters);
    List<Socket> stalled = new ArrayList<>();
    List<SseConnection> readers = new ArrayList<>();
    int refused = 0;
    ExecutorService pool = Executors.newFixedThreadPool(64);
    try {
      for (int i = 0; i < 100; i++) {
        stalled.add(SseConnection.openAndNeverRead(server.port(), eventsPath(id)));
      }
      for (int i = 0; i < 400; i++) {
        SseConnection sse = events(id);
        if (sse.status() == 200) {
          readers.add(sse);
        } else {
          assertThat(sse.status()).isEqualTo(503);
          assertThat(sse.header("Content-Type")).startsWith("application/problem+json");
          assertThat(sse.header("Retry-After")).isNotNull();
          assertThat(HttpClientSupport.JSON.readTree(sse.plainBody()).get("code").asText())
              .isEqualTo("TOO_MANY_STREAMS");
          sse.close();
          refused++;
        }
      }
      assertThat(readers).hasSizeLessThanOrEqualTo(MAX_STREAMS - stalled.size()).isNotEmpty();
      assertThat(refused).isGreaterThanOrEqualTo(500 - MAX_STREAMS);
      List<Future<String>> texts = new ArrayList<>();
      for (SseConnection sse : readers) {
        texts.add(pool.submit(() -> wholeStdout(sse)));
      }
      JsonNode ended = http.awaitEnd(id);
      assertThat(ended.get("status").asText()).isEqualTo("COMPLETED");
      for (Future<String> text : texts) {
        assertThat(text.get()).isEqualTo(ended.get("stdout").asText());
      }
    } finally {
      running.set(false);
      prober.join();
      counter.join();
      pool.shutdownNow();
      readers.forEach(SseConnection::close);
      for (Socket socket : stalled) {
        socket.close();
      }
    }
    assertThat(Duration.ofNanos(slowestHealthNanos.get())).isLessThan(Duration.ofSeconds(2));
    // At most one writer per open stream, and the streams are capped.
    assertThat(mostWriters.get()).isLessThanOrEqualTo(MAX_STREAMS);
  }

  @Test
  void aStdinFloodStopsAtTheCapAndTheRunGetsExactlyWhatWasAccepted() {
    String source = "import sys\nprint(len(sys.stdin.read()))";
    String id = http.run(http.createSession("python", source), object("interactive", true));
    int accepted = 0;
    int refused = 0;
    String chunk = "z".repeat(100);
    for (int i = 0; i < 60; i++) {
      Reply reply = http.post(stdinPath(id), object("data", chunk));
      if (reply.status() == 202) {
        assertThat(refused).as("accepted after a refusal").isZero();
        accepted += reply.body().get("accepted_bytes").asInt();
      } else {
        assertProblem(reply, 413, "PAYLOAD_TOO_LARGE");
        refused++;
      }
    }
    char[] huge = new char[8 * 1024 * 1024];
    Arrays.fill(huge, 'h');
    assertThat(http.post(stdinPath(id), object("data", new String(huge))).status()).isEqualTo(413);
    assertThat(http.get("/health").status()).isEqualTo(200);
    assertThat(accepted).isLessThanOrEqualTo(STDIN_CAP).isGreaterThan(STDIN_CAP - chunk.length());
    assertThat(refused).isPositive();
    assertThat(http.post(stdinPath(id), object("eof", true)).status()).isEqualTo(202);

    JsonNode ended = http.awaitEnd(id);
    assertThat(ended.get("status").asText()).isEqualTo("COMPLETED");
    assertThat(ended.get("stdout").asText()).isEqualTo(accepted + "\n");
  }

  @Test
  void openStreamsEndPromptlyWhenTheServerStops() throws Exception {
    // A long stop delay: without active closing the watcher would wait for all of it.
    LivecodeHttpServer stopping =
        LivecodeHttpServer.builder(engine).port(0).stopDelay(Duration.ofSeconds(10)).start();
    HttpClientSupport client = new HttpClientSupport(stopping.port());
    String id =
        client.run(
            client.createSession("python", "print('up', flush=True)\ninput()"),
            object("interactive", true));
    try (SseConnection sse = SseConnection.open(stopping.port(), eventsPath(id), Map.of());
        Socket stalled = SseConnection.openAndNeverRead(stopping.port(), eventsPath(id))) {
      assertThat(sse.status()).isEqualTo(200);
      List<Event> seen = new ArrayList<>();
      while (!joined(seen, "stdout").contains("up")) {
        seen.add(sse.next(EVENT_WAIT).orElseThrow());
      }
      Thread closer = new Thread(stopping::close);
      long stopAt = System.nanoTime();
      closer.start();
      Optional<Event> next;
      do {
        next = sse.next(Duration.ofSeconds(3));
      } while (next.isPresent());
      assertThat(Duration.ofNanos(System.nanoTime() - stopAt)).isLessThan(Duration.ofSeconds(3));
      closer.join(Duration.ofSeconds(15).toMillis());
      assertThat(closer.isAlive()).isFalse();
    } finally {
      stopping.close();
      engine.cancel(java.util.UUID.fromString(id));
    }
  }

  // --- helpers ----------------------------------------------------------------------------------

  private static Thread healthProber(AtomicBoolean running, AtomicLong slowest) {
    Thread prober =
        new Thread(
            () -> {
              while (running.get()) {
                long start = System.nanoTime();
                assertThat(http.get("/health").status()).isEqualTo(200);
                slowest.accumulateAndGet(System.nanoTime() - start, Math::max);
                sleep(50);
              }
            });
    prober.start();
    return prober;
  }

  private static Thread writerCounter(AtomicBoolean running, AtomicInteger most) {
    Thread counter =
        new Thread(
            () -> {
              var threads = ManagementFactory.getThreadMXBean();
              while (running.get()) {
                int writers = 0;
                for (var info : threads.getThreadInfo(threads.getAllThreadIds())) {
                  if (info != null && info.getThreadName().startsWith("livecode-http-events-")) {
                    writers++;
                  }
                }
                most.accumulateAndGet(writers, Math::max);
                sleep(20);
              }
            });
    counter.start();
    return counter;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String wholeStdout(SseConnection sse) throws IOException {
    List<Event> seen = new ArrayList<>();
    rest(sse, seen);
    for (int i = 1; i < seen.size(); i++) {
      assertThat(seen.get(i).id()).isEqualTo(seen.get(i - 1).id() + 1);
    }
    return joined(seen, "stdout");
  }

  private static SseConnection events(String id) throws IOException {
    return SseConnection.open(server.port(), eventsPath(id), Map.of());
  }

  private static String eventsPath(String id) {
    return "/executions/" + id + "/events";
  }

  private static String stdinPath(String id) {
    return "/executions/" + id + "/stdin";
  }

  private static Event rest(SseConnection sse, List<Event> seen) throws IOException {
    while (true) {
      Optional<Event> next = sse.next(EVENT_WAIT);
      assertThat(next).as("stream ended without done").isPresent();
      seen.add(next.get());
      if (next.get().name().equals("done")) {
        return next.get();
      }
    }
  }

  private static String joined(List<Event> events, String name) throws IOException {
    StringBuilder text = new StringBuilder();
    for (Event event : events) {
      if (event.name().equals(name)) {
        text.append(HttpClientSupport.JSON.readTree(event.data()).get("text").asText());
      }
    }
    return text.toString();
  }
}
