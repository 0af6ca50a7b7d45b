package dev.livecode.http.internal;

import com.sun.net.httpserver.HttpExchange;
import dev.livecode.http.Authenticator;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** One request as the handlers see it: path parameters, query, headers and a size-bounded body. */
public final class Request {
  private final HttpExchange exchange;
  private final Map<String, String> pathParams;
  private final Map<String, String> query;
  private final long maxBodyBytes;
  private final RequestWatch watch;
  private final Authenticator.Tenant tenant;

  Request(
      HttpExchange exchange,
      Map<String, String> pathParams,
      long maxBodyBytes,
      RequestWatch watch,
      Authenticator.Tenant tenant) {
    this.exchange = exchange;
    this.tenant = tenant;
    this.watch = watch;
    this.pathParams = Map.copyOf(pathParams);
    this.query = parseQuery(exchange.getRequestURI().getRawQuery());
    this.maxBodyBytes = maxBodyBytes;
  }

  /**
   * The tenant the request acts for: the owner of what it creates and of what it may see ({@link
   * Access#OPEN}'s on a server without keys).
   */
  public String tenant() {
    return tenant.id();
  }

  /** The tenant with its quota. */
  Authenticator.Tenant principal() {
    return tenant;
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
   * The body, read under the request's deadline: a body over {@code maxBodyBytes} is refused with
   * 413 before it is held in memory, one that does not come in time with 408. A body that is
   * present must be JSON (415 otherwise).
   */
  public byte[] body() {
    String length = exchange.getRequestHeaders().getFirst("Content-Length");
    long declared = -1;
    if (length != null) {
      try {
        declared = Long.parseLong(length.trim());
      } catch (NumberFormatException e) {
        throw ApiException.badRequest("INVALID_HEADER", "Content-Length is not a number");
      }
    }
    byte[] body = RequestBody.read(exchange.getRequestBody(), watch, maxBodyBytes, declared);
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
      throw new ApiException(
          415,
          "UNSUPPORTED_MEDIA_TYPE",
          "Content-Type '" + mediaType + "' is not supported; send application/json");
    }
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
