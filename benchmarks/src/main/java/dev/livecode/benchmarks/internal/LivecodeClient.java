package dev.livecode.benchmarks.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The API of docs/api.md as a browser-side client uses it: HTTP/1.1 keep-alive connections on
 * blocking sockets ({@link RawHttpConnection}), one per concurrent caller, reused (thread-safe, so
 * load threads share it). Not the JDK {@link HttpClient}: its selector and executor threads add 2-3
 * ms of hand-offs per request on these 2-core machines, which would be counted as the server's.
 */
public final class LivecodeClient {
  static final Set<String> FINAL = Set.of("COMPLETED", "FAILED", "TIMEOUT", "CANCELLED");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String base;
  private final String host;
  private final int port;
  private final Map<String, String> headers;
  private final Queue<RawHttpConnection> idle = new ConcurrentLinkedQueue<>();

  /** A client of the server at {@code base} ({@code http://host:port}). */
  public LivecodeClient(String base) {
    this(base, Map.of());
  }

  /** A client that sends {@code headers} (an API key) with every request. */
  public LivecodeClient(String base, Map<String, String> headers) {
    this.headers = Map.copyOf(headers);
    this.base = Objects.requireNonNull(base, "base");
    URI uri = URI.create(base);
    this.host = uri.getHost();
    this.port = uri.getPort();
  }

  public static HttpClient newHttpClient() {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  public String base() {
    return base;
  }

  /** POST /code-sessions; returns the session id. */
  public String createSession(String language, String source)
      throws IOException, InterruptedException {
    ObjectNode body = JSON.createObjectNode().put("language", language).put("source_code", source);
    return send("POST", "/code-sessions", body.toString()).path("session_id").asText();
  }

  /** PATCH /code-sessions/:id. */
  public JsonNode patch(String sessionId, String source) throws IOException, InterruptedException {
    ObjectNode body = JSON.createObjectNode().put("source_code", source);
    return send("PATCH", "/code-sessions/" + sessionId, body.toString());
  }

  /** POST /code-sessions/:id/run; returns the execution id. */
  public String run(String sessionId) throws IOException, InterruptedException {
    return send("POST", "/code-sessions/" + sessionId + "/run", "{}").path("execution_id").asText();
  }

  /**
   * GET /executions/:id?wait_ms=… until the execution has ended (a server that answers before the
   * end is asked again) or {@code timeout} has passed; returns the last answer.
   */
  public JsonNode awaitEnd(String executionId, Duration timeout)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    JsonNode last;
    do {
      long leftMs = Math.max(1, Math.min(25_000, (deadline - System.nanoTime()) / 1_000_000));
      last = send("GET", "/executions/" + executionId + "?wait_ms=" + leftMs, null);
      if (FINAL.contains(last.path("status").asText())) {
        return last;
      }
    } while (System.nanoTime() < deadline);
    return last;
  }

  public JsonNode get(String path) throws IOException, InterruptedException {
    return send("GET", path, null);
  }

  /** Sends one request; a status other than 200 is an {@link IOException} with the body. */
  public JsonNode send(String method, String path, String jsonBody) throws IOException {
    return JSON.readTree(sendForText(method, path, jsonBody));
  }

  /**
   * A counter of the server's Prometheus text at {@code /metrics}, the line that starts with {@code
   * series} (name and labels); 0 when the series is not there yet (Micrometer registers a counter
   * at its first increment), NaN when the server does not answer it.
   */
  public double counter(String series) {
    String text;
    try {
      text = sendForText("GET", "/metrics", null);
    } catch (IOException e) {
      return Double.NaN;
    }
    for (String line : text.split("\n")) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1).trim());
      }
    }
    return 0;
  }

  private String sendForText(String method, String path, String jsonBody) throws IOException {
    RawHttpConnection connection = idle.poll();
    if (connection == null) {
      connection = new RawHttpConnection(host, port);
    }
    RawHttpConnection.Response response;
    try {
      response =
          connection.exchangeForBody(
              RawHttpConnection.request(method, path, host + ":" + port, jsonBody, headers));
    } catch (IOException | RuntimeException e) {
      connection.close();
      throw e;
    }
    idle.add(connection);
    String body = new String(response.body(), StandardCharsets.UTF_8);
    if (response.status() != 200) {
      throw new IOException(
          method + " " + path + " answered " + response.status() + ": " + abbreviate(body));
    }
    return body;
  }

  static boolean isFinal(JsonNode execution) {
    return FINAL.contains(execution.path("status").asText());
  }

  /** An ISO-8601 time field of the execution, in epoch microseconds; -1 when absent. */
  static long micros(JsonNode execution, String field) {
    JsonNode node = execution.path(field);
    if (!node.isTextual()) {
      return -1;
    }
    try {
      Instant t = Instant.parse(node.asText());
      return t.getEpochSecond() * 1_000_000L + t.getNano() / 1_000;
    } catch (java.time.format.DateTimeParseException e) {
      return -1;
    }
  }

  static String abbreviate(String s) {
    return s.length() <= 300 ? s : s.substring(0, 300) + "…";
  }
}
