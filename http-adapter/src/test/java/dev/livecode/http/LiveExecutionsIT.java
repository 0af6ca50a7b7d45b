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
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Live executions over HTTP: events as server-sent events, interactive stdin, cancel. */
class LiveExecutionsIT {
  private static final Duration EVENT_WAIT = Duration.ofSeconds(30);
  private static final String FIRST_SECOND_THIRD =
      String.join(
          "\n",
          "import time",
          "print('First', flush=True)",
          "time.sleep(0.75)",
          "print('Second', flush=True)",
          "time.sleep(0.75)",
          "print('Third', flush=True)");

  private static LivecodeEngine engine;
  private static LivecodeHttpServer server;
  private static HttpClientSupport http;

  @BeforeAll
  static void start() {
    // One worker, so that a second run stays QUEUED while the first runs.
    engine = Livecode.builder().workers(1).maxStdinBytes(1024).build();
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

  // --- events -----------------------------------------------------------------------------------

  @Test
  void streamsEachChunkAsWrittenWithIdsAndEndsWithDone() throws IOException {
    String id = http.run(http.createSession("python", FIRST_SECOND_THIRD), null);

    try (SseConnection sse = events(id, Map.of())) {
      assertThat(sse.status()).isEqualTo(200);
      assertThat(sse.header("Content-Type")).startsWith("text/event-stream");
      List<Event> seen = new ArrayList<>();
      Event first = until(sse, seen, "First");
      // Second is written 750 ms after First: the execution is still running when First arrives.
      JsonNode meanwhile = http.get("/executions/" + id).body();
      assertThat(meanwhile.get("status").asText()).isEqualTo("RUNNING");
      assertThat(meanwhile.get("stdout").asText()).as("the output so far").startsWith("First");
      long firstAt = System.nanoTime();
      Event second = until(sse, seen, "Second");
      assertThat(Duration.ofNanos(System.nanoTime() - firstAt))
          .isGreaterThan(Duration.ofMillis(300));
      assertThat(second.id()).isGreaterThan(first.id());
      Event done = rest(sse, seen);

      assertThat(done.name()).isEqualTo("done");
      assertThat(seen.get(0).id()).isEqualTo(1);
      for (int i = 1; i < seen.size(); i++) {
        assertThat(seen.get(i).id()).isEqualTo(seen.get(i - 1).id() + 1);
      }
      assertThat(seen).filteredOn(e -> e.name().equals("status")).isNotEmpty();
      JsonNode resource = HttpClientSupport.JSON.readTree(done.data());
      JsonNode got = http.get("/executions/" + id).body();
      assertThat(resource).isEqualTo(got);
      assertThat(resource.get("status").asText()).isEqualTo("COMPLETED");
      assertThat(joined(seen, "stdout")).isEqualTo(got.get("stdout").asText());
      assertThat(got.get("stdout").asText()).isEqualTo("First\nSecond\nThird\n");
      assertThat(sse.closedWithin(Duration.ofSeconds(10))).isTrue();
    }
  }

  @Test
  void resumesAfterLastEventIdWithExactlyTheRest() throws IOException {
    String id = http.run(http.createSession("python", FIRST_SECOND_THIRD), null);
    long lastId;
    try (SseConnection sse = events(id, Map.of())) {
      lastId = until(sse, new ArrayList<>(), "Second\n").id();
    }

    try (SseConnection sse = events(id, Map.of("Last-Event-ID", Long.toString(lastId)))) {
      List<Event> rest = new ArrayList<>();
      Event done = rest(sse, rest);

      assertThat(done.name()).isEqualTo("done");
      assertThat(rest.get(0).id()).isEqualTo(lastId + 1);
      assertThat(rest.subList(0, rest.size() - 1)).allMatch(e -> e.name().equals("stdout"));
      assertThat(joined(rest, "stdout")).isEqualTo("Third\n");
    }
    // After the end, ?after= replays from there just the same.
    try (SseConnection sse =
        SseConnection.open(server.port(), eventsPath(id) + "?after=" + lastId, Map.of())) {
      List<Event> rest = new ArrayList<>();
      assertThat(rest(sse, rest).name()).isEqualTo("done");
      assertThat(joined(rest, "stdout")).isEqualTo("Third\n");
    }
  }

  @Test
  void replaysAnEndedExecutionWhole() throws IOException {
    String id = http.run(http.createSession("python", "print('hi')"), null);
    JsonNode ended = http.awaitEnd(id);

    try (SseConnection sse = events(id, Map.of())) {
      List<Event> seen = new ArrayList<>();
      Event done = rest(sse, seen);
      assertThat(HttpClientSupport.JSON.readTree(done.data())).isEqualTo(ended);
      assertThat(joined(seen, "stdout")).isEqualTo("hi\n");
    }
  }

  @Test
  void answersProblemsForUnknownAndMalformedStreams() throws IOException {
    try (SseConnection sse = events(UUID.randomUUID().toString(), Map.of())) {
      assertThat(sse.status()).isEqualTo(404);
      assertThat(sse.header("Content-Type")).startsWith("application/problem+json");
      assertThat(HttpClientSupport.JSON.readTree(sse.plainBody()).get("code").asText())
          .isEqualTo("EXECUTION_NOT_FOUND");
    }
    assertProblem(http.get("/executions/nope/events"), 400, "INVALID_ID");
    String id = http.run(http.createSession("python", "print(1)"), null);
    assertProblem(http.get("/executions/" + id + "/events?after=-1"), 400, "INVALID_PARAMETER");
    http.awaitEnd(id);
  }

  @Test
  void aWatcherThatNeverReadsHoldsUpNeitherTheRunNorOtherClients() throws IOException {
    String source = "for i in range(4000):\n    print('x' * 200, flush=True)";
    String id = http.run(http.createSession("python", source), null);
    List<Socket> stalled = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        stalled.add(SseConnection.openAndNeverRead(server.port(), eventsPath(id)));
      }

      JsonNode ended = http.awaitEnd(id);
      assertThat(ended.get("stdout").asText()).startsWith("x".repeat(200));
      assertThat(http.get("/health").status()).isEqualTo(200);
      // A reader that keeps up still gets the whole stream.
      try (SseConnection sse = events(id, Map.of())) {
        List<Event> seen = new ArrayList<>();
        assertThat(rest(sse, seen).name()).isEqualTo("done");
        assertThat(joined(seen, "stdout")).isEqualTo(ended.get("stdout").asText());
      }
    } finally {
      for (Socket socket : stalled) {
        socket.close();
      }
    }
  }

  // --- interactive runs -------------------------------------------------------------------------

  @Test
  void answersInputTwiceInARowOverStdin() throws IOException {
    String source = "a = input()\nprint('got ' + a, flush=True)\nb = input()\nprint('got ' + b)";
    String id = http.run(http.createSession("python", source), object("interactive", true));

    try (SseConnection sse = events(id, Map.of())) {
      List<Event> seen = new ArrayList<>();
      Reply sent = http.post(stdinPath(id), object("data", "one\n"));
      assertThat(sent.status()).isEqualTo(202);
      assertThat(sent.body().get("accepted_bytes").asInt()).isEqualTo(4);
      until(sse, seen, "got one");
      assertThat(http.post(stdinPath(id), object("data", "two\n")).status()).isEqualTo(202);
      assertThat(rest(sse, seen).name()).isEqualTo("done");
    }
    JsonNode ended = http.awaitEnd(id);
    assertThat(ended.get("status").asText()).isEqualTo("COMPLETED");
    assertThat(ended.get("stdout").asText()).isEqualTo("got one\ngot two\n");
    assertProblem(http.post(stdinPath(id), object("data", "late\n")), 409, "EXECUTION_CONFLICT");
  }

  @Test
  void closesStdinWithEof() {
    String source = "import sys\nprint(len(sys.stdin.read()))";
    String id = http.run(http.createSession("python", source), object("interactive", true));

    assertThat(http.post(stdinPath(id), object("data", "abc", "eof", true)).status())
        .isEqualTo(202);

    assertThat(http.awaitEnd(id).get("stdout").asText()).isEqualTo("3\n");
  }

  @Test
  void refusesStdinToARunThatIsNotInteractiveOrTooMuchOfIt() {
    String plain = http.run(http.createSession("python", "print(1)"), null);
    assertProblem(http.post(stdinPath(plain), object("data", "x")), 409, "EXECUTION_CONFLICT");
    http.awaitEnd(plain);

    String source = "import sys\nsys.stdin.read()";
    String id = http.run(http.createSession("python", source), object("interactive", true));
    assertProblem(
        http.post(stdinPath(id), object("data", "x".repeat(2000))), 413, "PAYLOAD_TOO_LARGE");
    assertProblem(http.post(stdinPath(id), object("data", 5)), 400, "INVALID_FIELD");
    assertProblem(
        http.post(stdinPath(UUID.randomUUID().toString()), object("data", "x")),
        404,
        "EXECUTION_NOT_FOUND");
    assertThat(http.post(stdinPath(id), object("eof", true)).status()).isEqualTo(202);
    assertThat(http.awaitEnd(id).get("status").asText()).isEqualTo("COMPLETED");
  }

  // --- cancel -----------------------------------------------------------------------------------

  @Test
  void cancelsQueuedAndRunningRunsKeepingTheOutputSoFar() throws IOException {
    String busy = "print('before', flush=True)\nwhile True:\n    pass";
    // Interactive: a 60 s wall limit, so the loop runs until cancelled.
    String running = http.run(http.createSession("python", busy), object("interactive", true));
    try (SseConnection sse = events(running, Map.of())) {
      List<Event> seen = new ArrayList<>();
      until(sse, seen, "before");
      String queued = http.run(http.createSession("python", "print('never')"), null);
      assertThat(http.get("/executions/" + queued).body().get("status").asText())
          .isEqualTo("QUEUED");

      Reply cancelledQueued = cancel(queued);
      assertThat(cancelledQueued.status()).isEqualTo(200);
      assertThat(cancelledQueued.body().get("status").asText()).isEqualTo("CANCELLED");
      assertThat(cancelledQueued.body().get("stdout").asText()).isEmpty();

      Reply cancelled = cancel(running);
      assertThat(cancelled.status()).isEqualTo(200);
      assertThat(cancelled.body().get("status").asText()).isEqualTo("CANCELLED");
      assertThat(cancelled.body().get("stdout").asText()).isEqualTo("before\n");
      Event done = rest(sse, seen);
      assertThat(HttpClientSupport.JSON.readTree(done.data()).get("status").asText())
          .isEqualTo("CANCELLED");

      Reply again = cancel(running);
      assertThat(again.status()).isEqualTo(200);
      assertThat(again.body().get("status").asText()).isEqualTo("CANCELLED");
      assertThat(http.awaitEnd(queued).get("status").asText()).isEqualTo("CANCELLED");
    }
  }

  @Test
  void refusesToCancelARunThatEndedOtherwiseOrDoesNotExist() {
    String id = http.run(http.createSession("python", "print(1)"), null);
    http.awaitEnd(id);

    Reply conflict = cancel(id);
    assertProblem(conflict, 409, "EXECUTION_CONFLICT");
    assertThat(conflict.body().get("execution_status").asText()).isEqualTo("COMPLETED");
    assertProblem(cancel(UUID.randomUUID().toString()), 404, "EXECUTION_NOT_FOUND");
  }

  // --- helpers ----------------------------------------------------------------------------------

  private static SseConnection events(String id, Map<String, String> headers) throws IOException {
    return SseConnection.open(server.port(), eventsPath(id), headers);
  }

  private static String eventsPath(String id) {
    return "/executions/" + id + "/events";
  }

  private static String stdinPath(String id) {
    return "/executions/" + id + "/stdin";
  }

  private static Reply cancel(String id) {
    return http.send("POST", "/executions/" + id + "/cancel", null, null, Map.of());
  }

  /**
   * Reads events into {@code seen} until the stdout so far contains {@code text} (a line may come
   * in more than one chunk); returns the chunk that completed it.
   */
  private static Event until(SseConnection sse, List<Event> seen, String text) throws IOException {
    while (true) {
      Optional<Event> next = sse.next(EVENT_WAIT);
      assertThat(next).as("stream ended before %s", text).isPresent();
      seen.add(next.get());
      if (next.get().name().equals("stdout") && joined(seen, "stdout").contains(text)) {
        return next.get();
      }
      assertThat(next.get().name()).as("ended before %s", text).isNotEqualTo("done");
    }
  }

  /** Reads the rest of the stream into {@code seen}; returns the done event, the last. */
  private static Event rest(SseConnection sse, List<Event> seen) throws IOException {
    while (true) {
      Optional<Event> next = sse.next(EVENT_WAIT);
      assertThat(next).as("stream ended without done").isPresent();
      seen.add(next.get());
      if (next.get().name().equals("done")) {
        assertThat(sse.next(EVENT_WAIT)).isEmpty();
        return next.get();
      }
    }
  }

  private static String joined(List<Event> events, String name) throws IOException {
    StringBuilder text = new StringBuilder();
    for (Event event : events) {
      if (event.name().equals(name)) {
        text.append(text(event));
      }
    }
    return text.toString();
  }

  private static String text(Event event) throws IOException {
    return HttpClientSupport.JSON.readTree(event.data()).get("text").asText();
  }
}
