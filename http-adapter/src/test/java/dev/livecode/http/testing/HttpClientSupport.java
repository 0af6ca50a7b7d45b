package dev.livecode.http.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * A small JSON client for the server under test; shared with the server module's tests
 * (http-adapter's test-jar).
 */
public final class HttpClientSupport {
  public static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;
  private final Map<String, String> headers;

  public HttpClientSupport(int port) {
    this(port, Map.of());
  }

  /** A client that sends {@code headers} (an API key) with every request. */
  public HttpClientSupport(int port, Map<String, String> headers) {
    this.base = "http://127.0.0.1:" + port;
    this.headers = Map.copyOf(headers);
  }

  /** The same server, with this key as {@code Authorization: Bearer}. */
  public HttpClientSupport withKey(String key) {
    return new HttpClientSupport(
        Integer.parseInt(base.substring(base.lastIndexOf(':') + 1)),
        Map.of("Authorization", "Bearer " + key));
  }

  public record Reply(int status, JsonNode body, HttpResponse<String> raw) {
    public String header(String name) {
      return raw.headers().firstValue(name).orElse(null);
    }

    public String contentType() {
      return header("Content-Type");
    }
  }

  public Reply get(String path) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
  }

  public Reply post(String path, Object body) {
    return send(json(path, body).POST(publisher(body)));
  }

  public Reply patch(String path, Object body) {
    return send(json(path, body).method("PATCH", publisher(body)));
  }

  public Reply send(
      String method, String path, String contentType, String body, Map<String, String> headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    headers.forEach(request::header);
    return send(request);
  }

  public Reply send(HttpRequest.Builder request) {
    headers.forEach(request::header);
    try {
      HttpResponse<String> response =
          client.send(
              request.timeout(Duration.ofSeconds(60)).build(),
              HttpResponse.BodyHandlers.ofString());
      // An event stream's body is text: only JSON answers are parsed.
      boolean json = response.headers().firstValue("Content-Type").orElse("json").contains("json");
      JsonNode body =
          response.body().isEmpty() || !json ? JSON.nullNode() : JSON.readTree(response.body());
      return new Reply(response.statusCode(), body, response);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private HttpRequest.Builder json(String path, Object body) {
    return HttpRequest.newBuilder(URI.create(base + path))
        .header("Content-Type", "application/json");
  }

  private static HttpRequest.BodyPublisher publisher(Object body) {
    try {
      return HttpRequest.BodyPublishers.ofString(
          body instanceof String s ? s : JSON.writeValueAsString(body));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static ObjectNode object(Object... keyValues) {
    ObjectNode node = JSON.createObjectNode();
    for (int i = 0; i < keyValues.length; i += 2) {
      node.set((String) keyValues[i], JSON.valueToTree(keyValues[i + 1]));
    }
    return node;
  }

  /** A problem document (RFC 9457) with this status and code, and every member the API promises. */
  public static void assertProblem(Reply reply, int status, String code) {
    assertThat(reply.status()).as(reply.raw().body()).isEqualTo(status);
    assertThat(reply.contentType()).startsWith("application/problem+json");
    JsonNode body = reply.body();
    assertThat(body.get("type").asText()).isEqualTo("about:blank");
    assertThat(body.get("title").asText()).isNotBlank();
    assertThat(body.get("status").asInt()).isEqualTo(status);
    assertThat(body.get("detail").asText()).isNotBlank();
    assertThat(body.get("code").asText()).isEqualTo(code);
  }

  // --- the flow ---------------------------------------------------------------------------------

  public String createSession(String language, String source) {
    Reply reply = post("/code-sessions", object("language", language, "source_code", source));
    assertThat(reply.status()).as(reply.raw().body()).isEqualTo(200);
    return reply.body().get("session_id").asText();
  }

  public String run(String sessionId, Object body) {
    Reply reply =
        body == null
            ? send("POST", "/code-sessions/" + sessionId + "/run", null, null, Map.of())
            : post("/code-sessions/" + sessionId + "/run", body);
    assertThat(reply.status()).as(reply.raw().body()).isEqualTo(200);
    return reply.body().get("execution_id").asText();
  }

  /** Waits for the end with wait_ms, polling against a deadline. */
  public JsonNode awaitEnd(String executionId) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      Reply reply = get("/executions/" + executionId + "?wait_ms=10000");
      assertThat(reply.status()).isEqualTo(200);
      String status = reply.body().get("status").asText();
      if (!status.equals("QUEUED") && !status.equals("RUNNING")) {
        return reply.body();
      }
      assertThat(System.nanoTime())
          .as("execution %s still %s", executionId, status)
          .isLessThan(deadline);
    }
  }

  public JsonNode runToEnd(String language, String source, Object runBody) {
    return awaitEnd(run(createSession(language, source), runBody));
  }
}
