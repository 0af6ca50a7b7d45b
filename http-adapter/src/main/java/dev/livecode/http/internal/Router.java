package dev.livecode.http.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** A small route table: method + path pattern ({@code /code-sessions/:id}) to a handler. */
public final class Router {

  /** Handles one matched request. */
  @FunctionalInterface
  public interface Handler {
    Response handle(Request request);
  }

  /**
   * Handles one matched request whose answer may come later, without holding the request thread
   * meanwhile (a long poll).
   */
  @FunctionalInterface
  public interface DeferredHandler {
    CompletionStage<Response> handle(Request request);
  }

  /**
   * One endpoint; {@code template} is its pattern as metrics name it ({@code /executions/{id}}).
   */
  record Route(String method, String template, String[] segments, DeferredHandler handler) {}

  /** A route as it was added: its method and path pattern. */
  public record Endpoint(String method, String pattern) {}

  /**
   * The outcome of a lookup: a handler with its path parameters, or the methods the path allows;
   * {@code template} is the template of a route whose path matched, whatever its method, or {@link
   * #UNMATCHED}.
   */
  record Match(
      Optional<Route> route, Map<String, String> params, Set<String> allowed, String template) {}

  /**
   * The template of a request whose path no route has: never the path itself, which the client
   * chose.
   */
  static final String UNMATCHED = "UNMATCHED";

  private final List<Route> routes = new ArrayList<>();

  public Router add(String method, String pattern, Handler handler) {
    Objects.requireNonNull(handler, "handler");
    return addDeferred(
        method, pattern, request -> CompletableFuture.completedFuture(handler.handle(request)));
  }

  public Router addDeferred(String method, String pattern, DeferredHandler handler) {
    Objects.requireNonNull(handler, "handler");
    routes.add(new Route(method, template(pattern), split(pattern), handler));
    return this;
  }

  /** Every route, in the order added: what a description of the API must cover. */
  public List<Endpoint> endpoints() {
    return routes.stream()
        .map(route -> new Endpoint(route.method(), "/" + String.join("/", route.segments())))
        .toList();
  }

  Match match(String method, String path) {
    String[] segments = split(path);
    Set<String> allowed = new LinkedHashSet<>();
    String template = UNMATCHED;
    for (Route route : routes) {
      Map<String, String> params = bind(route.segments(), segments);
      if (params == null) {
        continue;
      }
      if (route.method().equals(method)) {
        return new Match(Optional.of(route), params, Set.of(), route.template());
      }
      allowed.add(route.method());
      template = allowed.size() == 1 ? route.template() : template;
    }
    return new Match(Optional.empty(), Map.of(), allowed, template);
  }

  /**
   * {@code /code-sessions/:id/run} as {@code /code-sessions/{id}/run}, the form dashboards know.
   */
  private static String template(String pattern) {
    String[] segments = split(pattern);
    StringBuilder template = new StringBuilder();
    for (String segment : segments) {
      template
          .append('/')
          .append(segment.startsWith(":") ? "{" + segment.substring(1) + "}" : segment);
    }
    return template.length() == 0 ? "/" : template.toString();
  }

  private static Map<String, String> bind(String[] pattern, String[] path) {
    if (pattern.length != path.length) {
      return null;
    }
    Map<String, String> params = new HashMap<>();
    for (int i = 0; i < pattern.length; i++) {
      if (pattern[i].startsWith(":")) {
        params.put(pattern[i].substring(1), path[i]);
      } else if (!pattern[i].equals(path[i])) {
        return null;
      }
    }
    return params;
  }

  private static String[] split(String path) {
    String trimmed = path;
    while (trimmed.startsWith("/")) {
      trimmed = trimmed.substring(1);
    }
    while (trimmed.endsWith("/")) {
      trimmed = trimmed.substring(0, trimmed.length() - 1);
    }
    return trimmed.isEmpty() ? new String[0] : trimmed.split("/", -1);
  }
}
