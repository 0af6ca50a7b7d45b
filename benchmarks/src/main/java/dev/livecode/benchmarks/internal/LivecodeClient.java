package dev.livecode.benchmarks.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * The API of docs/API.md as a browser-side client uses it, on one JDK {@link HttpClient}
 * (HTTP/1.1, keep-alive; thread-safe, so load threads share it).
 */
public final class LivecodeClient {
  static final Set<String> FINAL = Set.of("COMPLETED", "FAILED", "TIMEOUT", "CANCELLED");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(40);

  private final HttpClient http;
  private final String base;

  public LivecodeClient(HttpClient http, String base) {
    this.http = Objects.requireNonNull(http, "http");
    this.base = Objects.requireNonNull(base, "base");
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
  public String createSession(String language, String source) throws IOException, InterruptedException {
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
   * GET /executions/:id?wait_ms=… until the execution has ended (a server that answers before
   * the end is asked again) or {@code timeout} has passed; returns the last answer.
   */
  public JsonNode awaitEnd(String executionId, Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    JsonNode last;
    do {
      long leftMs = Math.max(1, Math.min(30_000, (deadline - System.nanoTime()) / 1_000_000));
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
  public JsonNode send(String method, String path, String jsonBody) throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(REQUEST_TIMEOUT);
    if (jsonBody == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(jsonBody));
    }
    HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException(method + " " + path + " answered " + response.statusCode() + ": " + abbreviate(response.body()));
    }
    return JSON.readTree(response.body());
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
