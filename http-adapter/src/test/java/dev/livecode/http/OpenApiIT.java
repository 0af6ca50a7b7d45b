package dev.livecode.http;

import static dev.livecode.http.testing.HttpClientSupport.JSON;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.livecode.core.Livecode;
import dev.livecode.core.LivecodeBuilder;
import dev.livecode.core.LivecodeEngine;
import dev.livecode.core.exception.QueueException;
import dev.livecode.core.exception.StoreException;
import dev.livecode.core.spi.JobQueue;
import dev.livecode.core.spi.LanguageRunner;
import dev.livecode.core.spi.Store;
import dev.livecode.http.OpenApiCheck.Exchange;
import dev.livecode.http.internal.Api;
import dev.livecode.http.testing.HttpClientSupport;
import dev.livecode.http.testing.HttpClientSupport.Reply;
import dev.livecode.http.testing.RawConnection;
import dev.livecode.http.testing.RawConnection.Answer;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document the server serves at /openapi.json, against the server's real answers: it is
 * valid OpenAPI, it describes every route of the router, and every answer provoked here (each
 * success and each problem status the server can give) conforms to it in status, headers and body.
 */
class OpenApiIT {
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);
  private static final int MAX_SOURCE_BYTES = 1024;
  private static final Set<String> HTTP_METHODS =
      Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");
  private static Served server;
  private static HttpClientSupport http;
  private static String document;
  private static OpenApiCheck check;

  @BeforeAll
  static void start() {
    server =
        new Served(
            Livecode.builder().workers(1).maxSourceBytes(MAX_SOURCE_BYTES),
            builder -> builder.headerTimeout(REQUEST_TIMEOUT).requestTimeout(REQUEST_TIMEOUT));
    http = new HttpClientSupport(server.port());
    Reply served = http.get("/openapi.json");
    assertThat(served.status()).as(served.raw().body()).isEqualTo(200);
    document = served.raw().body();
    check = new OpenApiCheck(document);
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  /**
   * An engine on the library's defaults (no warm pool, no ready sandboxes) and the HTTP server in
   * front of it.
   */
  private static final class Served implements AutoCloseable {
    private final LivecodeEngine engine;
    private final LivecodeHttpServer http;

    Served(LivecodeBuilder engine) {
      this(engine, UnaryOperator.identity());
    }

    Served(LivecodeBuilder engine, UnaryOperator<LivecodeHttpServer.Builder> http) {
      this.engine = engine.build();
      this.http = http.apply(LivecodeHttpServer.builder(this.engine).port(0)).start();
    }

    int port() {
      return http.port();
    }

    LivecodeEngine engine() {
      return engine;
    }

    @Override
    public void close() {
      http.close();
      engine.close();
    }
  }

  // --- the document ----------------------------------------------------------------------------

  @Test
  void isValidOpenApi() {
    ParseOptions options = new ParseOptions();
    options.setResolve(true);

    SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(document, null, options);

    assertThat(parsed.getMessages()).as("what the OpenAPI parser finds wrong").isEmpty();
    assertThat(parsed.getOpenAPI().getOpenapi()).startsWith("3.0.");
  }

  @Test
  void describesEveryRouteOfTheRouter() throws IOException {
    Set<String> described = new TreeSet<>();
    JSON.readTree(document)
        .get("paths")
        .fields()
        .forEachRemaining(
            path ->
                path.getValue()
                    .fieldNames()
                    .forEachRemaining(
                        method -> {
                          if (HTTP_METHODS.contains(method)) {
                            described.add(
                                method.toUpperCase(Locale.ROOT) + " " + template(path.getKey()));
                          }
                        }));

    List<String> routed =
        new Api(server.engine(), JSON)
            .routes().endpoints().stream()
                .map(endpoint -> endpoint.method() + " " + template(endpoint.pattern()))
                .toList();

    assertThat(routed).isNotEmpty();
    assertThat(routed.stream().filter(route -> !described.contains(route)).toList())
        .as("routes the router serves that /openapi.json does not describe")
        .isEmpty();
  }

  /**
   * A path with its parameters unnamed: {@code /executions/:id} and {@code
   * /executions/{execution_id}} are one.
   */
  private static String template(String path) {
    return path.replaceAll(":[^/]+", "{}").replaceAll("\\{[^/}]+}", "{}");
  }

  @Test
  void isServedCacheableAsItDescribesItself() {
    Exchange served = get("/openapi.json");

    check.assertConforms(served);
    assertThat(served.response().getHeaderValue("Cache-Control"))
        .hasValueSatisfying(
            value -> assertThat(value).contains("max-age=").doesNotContain("no-store"));
  }

  // --- successes ---------------------------------------------------------------------------------

  @Test
  void describesCreatingASession() {
    Exchange created =
        send("POST", "/code-sessions", "{\"language\": \"py\", \"source_code\": \"print(1)\"}");

    assertThat(created.status()).isEqualTo(200);
    check.assertConforms(created);
  }

  @Test
  void describesReadingASession() {
    Exchange read = get("/code-sessions/" + http.createSession("python", "print(1)"));

    assertThat(read.status()).isEqualTo(200);
    check.assertConforms(read);
  }

  @Test
  void describesSavingASessionWithIfMatch() {
    String session = http.createSession("python", "print(1)");

    Exchange saved =
        send(
            "PATCH",
            "/code-sessions/" + session,
            "application/json",
            "{\"source_code\": \"print(2)\"}",
            Map.of("If-Match", "\"1\""));

    assertThat(saved.status()).isEqualTo(200);
    check.assertConforms(saved);
  }

  @Test
  void describesRunningWithStdinLimitsAndAnIdempotencyKey() {
    String session = http.createSession("python", "print(input())");

    Exchange run =
        send(
            "POST",
            "/code-sessions/" + session + "/run",
            "application/json",
            "{\"stdin\": \"hello\\n\", \"limits\": {\"wall_time_ms\": 3000, \"memory_mb\": 128}}",
            Map.of("Idempotency-Key", "press-" + UUID.randomUUID()));

    assertThat(run.status()).isEqualTo(200);
    check.assertConforms(run);
  }

  @Test
  void describesAFailedExecutionWaitedFor() {
    String execution =
        http.run(http.createSession("python", "import sys\nprint('out')\nsys.exit(3)"), null);

    Exchange ended = get("/executions/" + execution + "?wait_ms=30000");

    assertThat(ended.status()).isEqualTo(200);
    assertThat(body(ended).get("failure_reason").asText()).isEqualTo("RUNTIME_ERROR");
    check.assertConforms(ended);
  }

  @Test
  void describesASessionsExecutionHistory() {
    String session = http.createSession("python", "print(1)");
    http.awaitEnd(http.run(session, null));
    http.run(session, null);

    Exchange page = get("/code-sessions/" + session + "/executions?limit=1");

    assertThat(body(page).get("executions")).hasSize(1);
    assertThat(body(page).get("next_cursor").isTextual()).isTrue();
    check.assertConforms(page);
  }

  @Test
  void describesTheLanguages() {
    Exchange languages = get("/languages");

    assertThat(languages.status()).isEqualTo(200);
    check.assertConforms(languages);
  }

  @Test
  void describesHealthUp() {
    Exchange health = get("/health");

    assertThat(health.status()).isEqualTo(200);
    check.assertConforms(health);
  }

  @Test
  void describesAQueuedExecution() {
    try (Served idle = new Served(Livecode.builder().workers(0))) {
      HttpClientSupport client = new HttpClientSupport(idle.port());
      String execution = client.run(client.createSession("python", "print(1)"), null);

      Exchange queued = exchange(client, "GET", "/executions/" + execution, null, null, Map.of());

      assertThat(body(queued).get("status").asText()).isEqualTo("QUEUED");
      check.assertConforms(queued);
    }
  }

  @Test
  void describesTheEventStreamOfAnEndedExecution() {
    String execution = http.run(http.createSession("python", "print('hi')"), null);
    http.awaitEnd(execution);

    Exchange events = get("/executions/" + execution + "/events");

    assertThat(events.status()).isEqualTo(200);
    assertThat(events.body()).contains("event: stdout").contains("event: done");
    check.assertConforms(events);
    Exchange resumed =
        send(
            "GET",
            "/executions/" + execution + "/events",
            null,
            null,
            Map.of("Last-Event-ID", "1"));
    assertThat(resumed.status()).isEqualTo(200);
    check.assertConforms(resumed);
  }

  @Test
  void describesSendingStdinAndItsConflicts() {
    String source = "import sys\nprint(sys.stdin.read())";
    String execution =
        http.run(
            http.createSession("python", source), HttpClientSupport.object("interactive", true));

    Exchange sent =
        send("POST", "/executions/" + execution + "/stdin", "{\"data\": \"hi\", \"eof\": true}");

    assertThat(sent.status()).isEqualTo(202);
    check.assertConforms(sent);
    http.awaitEnd(execution);
    Exchange ended = send("POST", "/executions/" + execution + "/stdin", "{\"data\": \"late\"}");
    assertProblem(ended, 409, "EXECUTION_CONFLICT");
    check.assertConforms(ended);
  }

  @Test
  void describesCancellingARunAndAgainAndOneThatEndedOtherwise() {
    String busy = "while True:\n    pass";
    String execution =
        http.run(http.createSession("python", busy), HttpClientSupport.object("interactive", true));

    Exchange cancelled = send("POST", "/executions/" + execution + "/cancel", null, null, Map.of());

    assertThat(cancelled.status()).isEqualTo(200);
    assertThat(body(cancelled).get("status").asText()).isEqualTo("CANCELLED");
    check.assertConforms(cancelled);
    check.assertConforms(
        send("POST", "/executions/" + execution + "/cancel", null, null, Map.of()));
    String done = http.run(http.createSession("python", "print(1)"), null);
    http.awaitEnd(done);
    Exchange conflict = send("POST", "/executions/" + done + "/cancel", null, null, Map.of());
    assertProblem(conflict, 409, "EXECUTION_CONFLICT");
    check.assertConforms(conflict);
  }

  @Test
  void describes404ForTheEventsOfAnUnknownExecution() {
    Exchange unknown = get("/executions/" + UUID.randomUUID() + "/events");

    assertProblem(unknown, 404, "EXECUTION_NOT_FOUND");
    check.assertConforms(unknown);
  }

  // --- problems, one per status ------------------------------------------------------------------

  @Test
  void describes400ForMalformedJson() {
    Exchange refused = send("POST", "/code-sessions", "{\"language\": ");

    assertProblem(refused, 400, "MALFORMED_JSON");
    check.assertAnswerConforms(refused);
  }

  @Test
  void describes400ForAnIdThatIsNotAUuid() {
    Exchange refused = get("/code-sessions/not-a-uuid");

    assertProblem(refused, 400, "INVALID_ID");
    check.assertAnswerConforms(refused);
  }

  @Test
  void describes404ForAnUnknownSession() {
    Exchange unknown = get("/code-sessions/" + UUID.randomUUID());

    assertProblem(unknown, 404, "SESSION_NOT_FOUND");
    check.assertConforms(unknown);
  }

  @Test
  void describes404ForAnUnknownExecution() {
    Exchange unknown = get("/executions/" + UUID.randomUUID() + "?wait_ms=1000");

    assertProblem(unknown, 404, "EXECUTION_NOT_FOUND");
    check.assertConforms(unknown);
  }

  @Test
  void describes404ForAPathNoEndpointHas() {
    Exchange unknown = get("/no-such-endpoint");

    assertProblem(unknown, 404, "NOT_FOUND");
    check.assertAnswerConformsTo("NotFound", "/no-such-endpoint", unknown);
  }

  @Test
  void describes405WithAllowForAMethodThePathDoesNotList() {
    Exchange refused = send("DELETE", "/code-sessions/" + UUID.randomUUID(), null, null, Map.of());

    assertProblem(refused, 405, "METHOD_NOT_ALLOWED");
    assertThat(refused.response().getHeaderValue("Allow")).hasValue("GET, PATCH");
    check.assertAnswerConformsTo("MethodNotAllowed", "/code-sessions/{session_id}", refused);
  }

  @Test
  void describes408ForABodyThatTricklesPastTheRequestTimeout() throws Exception {
    String path = "/code-sessions/" + http.createSession("python", "print(1)");
    try (RawConnection connection = RawConnection.open(server.port())) {
      connection.send(
          "PATCH "
              + path
              + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
              + "Content-Length: 100\r\n\r\n{");
      Thread trickle = trickle(connection);

      Answer answer = connection.read();
      trickle.interrupt();

      Exchange late =
          Exchange.of(
              OpenApiCheck.request("PATCH", path, "application/json", "{", Map.of()), answer);
      assertProblem(late, 408, "REQUEST_TIMEOUT");
      check.assertAnswerConforms(late);
    }
  }

  /** Sends a space every 200 ms until the server answers or the request timeout is long past. */
  private static Thread trickle(RawConnection connection) {
    long deadline = System.nanoTime() + REQUEST_TIMEOUT.plusSeconds(10).toNanos();
    Thread trickle =
        new Thread(
            () -> {
              try {
                while (System.nanoTime() < deadline) {
                  Thread.sleep(200);
                  connection.send(" ");
                }
              } catch (IOException | InterruptedException e) {
                // the server answered and closed, or the test is done: the trickle is over
              }
            },
            "livecode-test-trickle");
    trickle.setDaemon(true);
    trickle.start();
    return trickle;
  }

  @Test
  void describes409ForAStaleVersion() {
    String session = http.createSession("python", "print(1)");

    Exchange stale =
        send(
            "PATCH",
            "/code-sessions/" + session,
            "{\"source_code\": \"print(2)\", \"expected_version\": 7}");

    assertProblem(stale, 409, "VERSION_CONFLICT");
    check.assertConforms(stale);
  }

  @Test
  void describes413ForASourceOverTheLimit() {
    String source = "#".repeat(MAX_SOURCE_BYTES + 1);

    Exchange refused =
        send(
            "POST",
            "/code-sessions",
            "{\"language\": \"python\", \"source_code\": \"" + source + "\"}");

    assertProblem(refused, 413, "PAYLOAD_TOO_LARGE");
    check.assertConforms(refused);
  }

  @Test
  void describes415ForABodyThatIsNotJson() {
    Exchange refused = send("POST", "/code-sessions", "text/plain", "language=python", Map.of());

    assertProblem(refused, 415, "UNSUPPORTED_MEDIA_TYPE");
    check.assertAnswerConforms(refused);
  }

  @Test
  void describes431ForHeadersOverTheLimit() {
    Exchange refused = send("GET", "/health", null, null, Map.of("X-Large", "a".repeat(20 * 1024)));

    assertProblem(refused, 431, "HEADERS_TOO_LARGE");
    check.assertAnswerConforms(refused);
  }

  @Test
  void describes422ForALanguageWithoutItsInterpreter() {
    try (Served missing =
        new Served(
            Livecode.builder()
                .workers(1)
                .runnerSettings(
                    "python",
                    LanguageRunner.Settings.DEFAULTS.withInterpreter(
                        Path.of("/nonexistent/python3"))))) {
      HttpClientSupport client = new HttpClientSupport(missing.port());
      String session = client.createSession("python", "print(1)");

      Exchange refused =
          exchange(client, "POST", "/code-sessions/" + session + "/run", null, null, Map.of());

      assertProblem(refused, 422, "LANGUAGE_UNAVAILABLE");
      check.assertConforms(refused);
    }
  }

  @Test
  void describes410ForAnExecutionTheStoreEvicted() {
    try (Served small =
        new Served(Livecode.builder().workers(1).memoryStoreBudgetBytes(1024 * 1024))) {
      HttpClientSupport client = new HttpClientSupport(small.port());
      String session = client.createSession("python", "print('x' * 300000)");
      List<String> executions = new ArrayList<>();
      // The smallest budget holds three results of 300,000 characters: the first of four goes.
      for (int i = 0; i < 4; i++) {
        executions.add(client.run(session, null));
        client.awaitEnd(executions.get(i));
      }

      Exchange gone =
          exchange(client, "GET", "/executions/" + executions.get(0), null, null, Map.of());

      assertProblem(gone, 410, "EXECUTION_EVICTED");
      check.assertConforms(gone);
    }
  }

  @Test
  void describes503WithRetryAfterForAFullQueue() {
    try (Served idle = new Served(Livecode.builder().workers(0).maxWaitingRuns(1))) {
      HttpClientSupport client = new HttpClientSupport(idle.port());
      String session = client.createSession("python", "print(1)");
      client.run(session, null);

      Exchange refused =
          exchange(client, "POST", "/code-sessions/" + session + "/run", null, null, Map.of());

      assertProblem(refused, 503, "QUEUE_FULL");
      check.assertConforms(refused);
    }
  }

  @Test
  void describes503WithRetryAfterForAFullStore() {
    try (Served small =
        new Served(Livecode.builder().workers(0).memoryStoreBudgetBytes(1024 * 1024))) {
      HttpClientSupport client = new HttpClientSupport(small.port());
      String source = "#".repeat(200_000);
      // The smallest budget holds five sessions of 200,000 characters.
      for (int i = 0; i < 5; i++) {
        client.createSession("python", source);
      }

      Exchange refused =
          exchange(
              client,
              "POST",
              "/code-sessions",
              "application/json",
              "{\"language\": \"python\", \"source_code\": \"" + source + "\"}",
              Map.of());

      assertProblem(refused, 503, "STORE_FULL");
      check.assertConforms(refused);
    }
  }

  @Test
  void describes503WithRetryAfterForAnUnreachableStore() {
    try (Outage outage = new Outage()) {
      String session = outage.http.createSession("python", "print(1)");
      outage.store.set(() -> new StoreException("connection refused"));

      Exchange refused =
          exchange(outage.http, "GET", "/code-sessions/" + session, null, null, Map.of());

      assertProblem(refused, 503, "STORE_UNAVAILABLE");
      check.assertConforms(refused);
    }
  }

  @Test
  void describesHealthDownWhenTheQueueIsUnreachable() {
    try (Outage outage = new Outage()) {
      outage.queue.set(() -> new QueueException("redis down"));

      Exchange down = exchange(outage.http, "GET", "/health", null, null, Map.of());

      assertThat(down.status()).isEqualTo(503);
      assertThat(body(down).get("status").asText()).isEqualTo("DOWN");
      check.assertConforms(down);
    }
  }

  @Test
  void describes500ForAnUnexpectedFailure() {
    try (Outage outage = new Outage()) {
      String session = outage.http.createSession("python", "print(1)");
      outage.store.set(() -> new IllegalStateException("a bug"));

      Exchange failed =
          exchange(outage.http, "GET", "/code-sessions/" + session, null, null, Map.of());

      assertProblem(failed, 500, "INTERNAL_ERROR");
      check.assertConforms(failed);
    }
  }

  /** A server whose store and queue fail on demand: a fault the API cannot provoke. */
  private static final class Outage implements AutoCloseable {
    final AtomicReference<Supplier<RuntimeException>> store = new AtomicReference<>();
    final AtomicReference<Supplier<RuntimeException>> queue = new AtomicReference<>();
    final LivecodeEngine engine =
        Livecode.builder()
            .workers(0)
            .store(OutageIT.failing(Store.class, Store.inMemory(), store))
            .queue(OutageIT.failing(JobQueue.class, JobQueue.inMemory(), queue))
            .build();
    final LivecodeHttpServer server = LivecodeHttpServer.builder(engine).port(0).threads(4).start();
    final HttpClientSupport http = new HttpClientSupport(server.port());

    @Override
    public void close() {
      server.close();
      engine.close();
    }
  }

  // --- helpers -----------------------------------------------------------------------------------

  private static Exchange get(String path) {
    return send("GET", path, null, null, Map.of());
  }

  private static Exchange send(String method, String path, String json) {
    return send(method, path, "application/json", json, Map.of());
  }

  private static Exchange send(
      String method, String path, String contentType, String body, Map<String, String> headers) {
    return exchange(http, method, path, contentType, body, headers);
  }

  private static Exchange exchange(
      HttpClientSupport client,
      String method,
      String path,
      String contentType,
      String body,
      Map<String, String> headers) {
    Reply reply = client.send(method, path, contentType, body, headers);
    return Exchange.of(OpenApiCheck.request(method, path, contentType, body, headers), reply);
  }

  private static JsonNode body(Exchange exchange) {
    try {
      return JSON.readTree(exchange.body());
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + exchange.body(), e);
    }
  }

  /** The status and code provoked are the ones meant, whatever the document says. */
  private static void assertProblem(Exchange exchange, int status, String code) {
    assertThat(exchange.status()).as(exchange.body()).isEqualTo(status);
    assertThat(body(exchange).get("code").asText()).isEqualTo(code);
  }
}
