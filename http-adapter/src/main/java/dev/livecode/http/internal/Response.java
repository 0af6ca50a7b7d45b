package dev.livecode.http.internal;

import com.sun.net.httpserver.HttpExchange;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a handler answers: a status, a JSON body (a map or list) or bytes written as they are,
 * headers.
 */
public record Response(int status, Object body, String contentType, Map<String, String> headers) {
  public static final String JSON = "application/json; charset=utf-8";
  public static final String PROBLEM_JSON = "application/problem+json; charset=utf-8";

  public Response {
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(contentType, "contentType");
    headers = Map.copyOf(headers);
  }

  public static Response ok(Object body) {
    return new Response(200, body, JSON, Map.of());
  }

  public static Response json(int status, Object body) {
    return new Response(status, body, JSON, Map.of());
  }

  /** An answer whose body is already bytes in {@code contentType}, not JSON (the metrics text). */
  public static Response bytes(int status, String contentType, byte[] body) {
    return new Response(status, body, contentType, Map.of());
  }

  /**
   * A body written after the headers by its own writer, which then owns the exchange and closes it
   * (an event stream).
   */
  public interface Streamed {
    /** The headers are sent: write the body and close {@code exchange} when done. */
    void start(HttpExchange exchange);

    /** The body will not be written (a HEAD request, or the exchange failed first). */
    void abandon();
  }

  public Response withHeader(String name, String value) {
    Map<String, String> copy = new LinkedHashMap<>(headers);
    copy.put(name, value);
    return new Response(status, body, contentType, copy);
  }
}
