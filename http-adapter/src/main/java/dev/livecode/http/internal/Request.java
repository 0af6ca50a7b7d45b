package dev.livecode.http.internal;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** One request as the handlers see it: path parameters, query, headers and a size-bounded body. */
public final class Request {
  /** Beyond this, the connection is closed without reading the rest of an oversized body. */
  private static final long MAX_DRAIN_BYTES = 64L * 1024 * 1024;

  private final HttpExchange exchange;
  private final Map<String, String> pathParams;
  private final Map<String, String> query;
  private final long maxBodyBytes;

  Request(HttpExchange exchange, Map<String, String> pathParams, long maxBodyBytes) {
    this.exchange = exchange;
    this.pathParams = Map.copyOf(pathParams);
    this.query = parseQuery(exchange.getRequestURI().getRawQuery());
    this.maxBodyBytes = maxBodyBytes;
  }

  public String pathParam(String name) {
    return pathParams.get(name);
  }

  public Optional<String> query(String name) {
    return Optional.ofNullable(query.get(name));
  }

  public Optional<String> header(String name) {
    return Optional.ofNullable(exchange.getRequestHeaders().getFirst(name));
  }

  /**
   * The body, read through a bounded stream: a body over {@code maxBodyBytes} is refused with 413
   * before it is held in memory. A body that is present must be JSON (415 otherwise).
   */
  public byte[] body() {
    String length = exchange.getRequestHeaders().getFirst("Content-Length");
    if (length != null) {
      try {
        if (Long.parseLong(length.trim()) > maxBodyBytes) {
          drain(exchange.getRequestBody());
          throw tooLarge();
        }
      } catch (NumberFormatException e) {
        throw ApiException.badRequest("INVALID_HEADER", "Content-Length is not a number");
      }
    }
    byte[] body = readBounded(exchange.getRequestBody());
    if (body.length > 0) {
      checkContentType();
    }
    return body;
  }

  private void checkContentType() {
    String type = exchange.getRequestHeaders().getFirst("Content-Type");
    if (type == null) {
      return; // lenient: a body without a type is read as JSON
    }
    String mediaType = type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    if (!mediaType.equals("application/json") && !mediaType.endsWith("+json")) {
      throw new ApiException(415, "UNSUPPORTED_MEDIA_TYPE",
          "Content-Type '" + mediaType + "' is not supported; send application/json");
    }
  }

  private byte[] readBounded(InputStream in) {
    try (in) {
      byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBodyBytes + 1));
      if (bytes.length > maxBodyBytes) {
        drain(in);
        throw tooLarge();
      }
      return bytes;
    } catch (IOException e) {
      throw ApiException.badRequest("UNREADABLE_BODY", "the request body could not be read");
    }
  }

  /**
   * Reads and discards what the client is still sending (up to a bound), so that it gets to read
   * the 413 instead of a connection reset. Memory stays bounded: one small buffer.
   */
  private static void drain(InputStream in) {
    byte[] buffer = new byte[64 * 1024];
    long left = MAX_DRAIN_BYTES;
    try {
      int read;
      while (left > 0 && (read = in.read(buffer, 0, (int) Math.min(buffer.length, left))) >= 0) {
        left -= read;
      }
    } catch (IOException e) {
      // The client gave up: nothing to drain.
    }
  }

  private ApiException tooLarge() {
    return new ApiException(413, "PAYLOAD_TOO_LARGE", "the request body is larger than " + maxBodyBytes + " bytes");
  }

  private static Map<String, String> parseQuery(String raw) {
    Map<String, String> params = new HashMap<>();
    if (raw == null || raw.isEmpty()) {
      return params;
    }
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String key = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      params.putIfAbsent(key, value);
    }
    return params;
  }

  private static String decode(String value) {
    try {
      return URLDecoder.decode(value, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("INVALID_PARAMETER", "the query string is not well encoded");
    }
  }
}
