package dev.livecode.http.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one {@link HttpHandler} of the server: routes, maps errors to problem documents, writes
 * JSON, and logs one line per request (never a body).
 */
public final class RoutingHandler implements HttpHandler {
  private static final Logger LOG = LoggerFactory.getLogger("dev.livecode.http.access");

  private final Router router;
  private final Errors errors;
  private final ObjectMapper json;
  private final long maxBodyBytes;

  public RoutingHandler(Router router, Errors errors, ObjectMapper json, long maxBodyBytes) {
    this.router = router;
    this.errors = errors;
    this.json = json;
    this.maxBodyBytes = maxBodyBytes;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    long start = System.nanoTime();
    String method = exchange.getRequestMethod();
    String path = exchange.getRequestURI().getRawPath();
    int status = 500;
    try {
      Response response;
      try {
        response = dispatch(exchange, method, path);
      } catch (Throwable e) {
        if (e instanceof Error && !(e instanceof StackOverflowError || e instanceof OutOfMemoryError)) {
          throw e;
        }
        ApiException problem = errors.map(e);
        response = new Response(problem.status(), Errors.problem(problem), Response.PROBLEM_JSON, problem.headers());
      }
      status = response.status();
      write(exchange, response, method);
    } catch (IOException e) {
      // The client went away: nothing to answer.
      LOG.debug("response not written method={} path={} error={}", method, path, e.toString());
    } finally {
      exchange.close();
      LOG.info("request method={} path={} status={} ms={}", method, path, status,
          (System.nanoTime() - start) / 1_000_000);
    }
  }

  private Response dispatch(HttpExchange exchange, String method, String path) {
    Router.Match match = router.match("HEAD".equals(method) ? "GET" : method, path);
    if (match.route().isPresent()) {
      return match.route().get().handler().handle(new Request(exchange, match.params(), maxBodyBytes));
    }
    if (match.allowed().isEmpty()) {
      throw new ApiException(404, "NOT_FOUND", "no resource at " + path);
    }
    String allow = String.join(", ", match.allowed());
    throw new ApiException(405, "METHOD_NOT_ALLOWED", method + " is not allowed on " + path + "; allowed: " + allow,
        Map.of(), Map.of("Allow", allow));
  }

  private void write(HttpExchange exchange, Response response, String method) throws IOException {
    byte[] bytes = json.writeValueAsBytes(response.body());
    exchange.getResponseHeaders().set("Content-Type", response.contentType());
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    response.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
    if ("HEAD".equals(method)) {
      exchange.sendResponseHeaders(response.status(), -1);
      return;
    }
    exchange.sendResponseHeaders(response.status(), bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
