package dev.livecode.http.internal;

import com.sun.net.httpserver.Headers;
import dev.livecode.core.Session;
import dev.livecode.http.Authenticator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Who a request acts for: the tenant of its API key, or {@link #OPEN} when the server has no
 * authenticator. The probes, the language list and the API description need no key, so that load
 * balancers and clients can read them before they have one, and so do the playground's files, which
 * ask for a key once loaded.
 */
public final class Access {
  /** The tenant of every request to a server without keys. */
  public static final Authenticator.Tenant OPEN = new Authenticator.Tenant(Session.ANONYMOUS, true);

  /** What a client gets for a missing or wrong key; it names no key. */
  static final Map<String, String> CHALLENGE = Map.of("WWW-Authenticate", "Bearer");

  private static final String BEARER = "bearer ";

  private final Optional<Authenticator> authenticator;

  public Access(Optional<Authenticator> authenticator) {
    this.authenticator = authenticator;
  }

  /** Whether tenants are told apart: without an authenticator everything is {@link #OPEN}'s. */
  public boolean enforced() {
    return authenticator.isPresent();
  }

  /**
   * The tenant of a request to the route of {@code template}.
   *
   * @return empty for an open endpoint on a server with keys: nobody needs to be known there
   * @throws ApiException 401 for a missing or unknown key, 403 for {@code /metrics} without an
   *     admin key
   */
  Optional<Authenticator.Tenant> tenant(String method, String template, Headers headers) {
    if (authenticator.isEmpty()) {
      return Optional.of(OPEN);
    }
    boolean read = method.equals("GET") || method.equals("HEAD");
    if (read && isOpen(template)) {
      return Optional.empty();
    }
    Optional<String> key = key(headers);
    if (key.isEmpty()) {
      throw new ApiException(
          401,
          "UNAUTHORIZED",
          "this request needs an API key: Authorization: Bearer <key> or X-Api-Key: <key>",
          Map.of(),
          CHALLENGE);
    }
    Authenticator.Tenant tenant =
        authenticator
            .get()
            .authenticate(key.get())
            .orElseThrow(
                () ->
                    new ApiException(
                        401, "UNAUTHORIZED", "the API key is not valid", Map.of(), CHALLENGE));
    if (read && template.equals("/metrics") && !tenant.admin()) {
      throw new ApiException(403, "FORBIDDEN", "GET /metrics needs the key of an admin tenant");
    }
    return Optional.of(tenant);
  }

  /** By the matched route, never the raw path, so that no spelling of a path reaches past it. */
  private static boolean isOpen(String template) {
    return template.equals("/health")
        || template.equals("/health/live")
        || template.equals("/health/ready")
        || template.equals("/languages")
        || template.equals("/openapi.json")
        || Playground.isOpen(template);
  }

  private static Optional<String> key(Headers headers) {
    String authorization = headers.getFirst("Authorization");
    if (authorization != null
        && authorization.length() > BEARER.length()
        && authorization.substring(0, BEARER.length()).toLowerCase(Locale.ROOT).equals(BEARER)) {
      String token = authorization.substring(BEARER.length()).strip();
      if (!token.isEmpty()) {
        return Optional.of(token);
      }
    }
    String apiKey = headers.getFirst("X-Api-Key");
    if (apiKey != null && !apiKey.isBlank()) {
      return Optional.of(apiKey.strip());
    }
    return Optional.empty();
  }
}
