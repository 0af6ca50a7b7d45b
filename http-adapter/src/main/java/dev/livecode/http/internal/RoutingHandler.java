package dev.livecode.http.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.livecode.http.Authenticator;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one {@link HttpHandler} of the server: checks the request's timing and header size, routes,
 * maps errors to problem documents, writes JSON, and logs one line per request (never a body).
 *
 * <p>A handler's answer that is not ready yet (a long poll) is parked: the request thread returns
 * to the pool and the answer is written by another when it comes. A request whose connection broke
 * is reported to the JDK server by throwing, so that it forgets the connection; a request whose
 * body was not read to its end is answered with {@code Connection: close}.
 */
public final class RoutingHandler implements HttpHandler {
  private static final Logger LOG = LoggerFactory.getLogger("dev.livecode.http.access");

  /** How long writing an answer and closing may take when the JDK server still drains a body. */
  private static final String TENANT_ATTRIBUTE = "dev.livecode.http.tenant";

  private static final long LINGER_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final Router router;
  private final Errors errors;
  private final ObjectMapper json;
  private final long maxBodyBytes;
  private final int maxHeaderBytes;
  private final RequestThreads threads;
  private final RequestMetrics metrics;
  private final Access access;
  private final Set<CompletableFuture<Response>> parked = ConcurrentHashMap.newKeySet();

  /** Bodies still being written, weakly: one that is done is forgotten without a call back. */
  private final Set<Response.Streamed> streaming =
      Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

  private volatile boolean stopping;

  public RoutingHandler(
      Router router,
      Errors errors,
      ObjectMapper json,
      long maxBodyBytes,
      int maxHeaderBytes,
      RequestThreads threads,
      RequestMetrics metrics,
      Access access) {
    this.router = router;
    this.errors = errors;
    this.json = json;
    this.maxBodyBytes = maxBodyBytes;
    this.maxHeaderBytes = maxHeaderBytes;
    this.threads = threads;
    this.metrics = metrics;
    this.access = access;
  }

  /**
   * One request, as read by the JDK server and timed since its first byte, with what the route
   * table found for it.
   */
  private record Exchange(
      HttpExchange http, String method, String path, long startNanos, Router.Match match) {}

  @Override
  public void handle(HttpExchange http) throws IOException {
    RequestWatch watch = threads.current();
    long startNanos = System.nanoTime();
    String method = http.getRequestMethod();
    // An opaque request target (no path at all) is matched as the empty path: no route has it.
    String path = Objects.requireNonNullElse(http.getRequestURI().getRawPath(), "");
    Exchange exchange =
        new Exchange(
            http,
            method,
            path,
            startNanos,
            router.match("HEAD".equals(method) ? "GET" : method, path));
    CompletableFuture<Response> answer;
    boolean bodyRead;
    if (!watch.enterHandler() || watch.headersLate(exchange.startNanos())) {
      answer = CompletableFuture.completedFuture(problem(RequestBody.timedOut()));
      bodyRead = false;
    } else if (headerBytes(http) > maxHeaderBytes) {
      answer =
          CompletableFuture.completedFuture(
              problem(
                  new ApiException(
                      431,
                      "HEADERS_TOO_LARGE",
                      "the request line and headers are larger than "
                          + maxHeaderBytes
                          + " bytes")));
      bodyRead = false;
    } else {
      answer = dispatch(exchange, watch);
      bodyRead = RequestBody.discard(http.getRequestBody(), watch, RequestBody.DISCARD_BYTES);
    }
    if (!answer.isDone() && !bodyRead) {
      // A long poll is answered later, on another thread: the body must be gone by then.
      answer.cancel(false);
      answer =
          CompletableFuture.completedFuture(
              problem(
                  watch.requestLate(System.nanoTime())
                      ? RequestBody.timedOut()
                      : new ApiException(413, "PAYLOAD_TOO_LARGE", "this request takes no body")));
    }
    if (answer.isDone()) {
      respond(exchange, outcome(answer), bodyRead, watch);
    } else {
      park(exchange, answer);
    }
  }

  private CompletableFuture<Response> dispatch(Exchange exchange, RequestWatch watch) {
    try {
      String method = exchange.method();
      Router.Match match = exchange.match();
      Optional<Authenticator.Tenant> tenant =
          access.tenant(
              "HEAD".equals(method) ? "GET" : method,
              match.template(),
              exchange.http().getRequestHeaders());
      // For the access log: the tenant, never the key.
      tenant.ifPresent(t -> exchange.http().setAttribute(TENANT_ATTRIBUTE, t.id()));
      if (match.route().isPresent()) {
        Authenticator.Tenant owner = tenant.orElse(Access.OPEN);
        return match
            .route()
            .get()
            .handler()
            .handle(new Request(exchange.http(), match.params(), maxBodyBytes, watch, owner))
            .toCompletableFuture();
      }
      if (match.allowed().isEmpty()) {
        throw new ApiException(404, "NOT_FOUND", "no resource at " + exchange.path());
      }
      String allow = String.join(", ", match.allowed());
      throw new ApiException(
          405,
          "METHOD_NOT_ALLOWED",
          method + " is not allowed on " + exchange.path() + "; allowed: " + allow,
          Map.of(),
          Map.of("Allow", allow));
    } catch (Throwable e) {
      if (e instanceof Error
          && !(e instanceof StackOverflowError || e instanceof OutOfMemoryError)) {
        throw (Error) e;
      }
      return CompletableFuture.failedFuture(e);
    }
  }

  private void park(Exchange exchange, CompletableFuture<Response> answer) {
    parked.add(answer);
    if (stopping) {
      answer.complete(stoppingProblem());
    }
    answer.whenComplete(
        (response, error) ->
            threads.answer(
                () -> {
                  parked.remove(answer);
                  try {
                    respond(exchange, outcome(answer), true, RequestWatch.unwatched());
                  } catch (IOException e) {
                    // Logged by respond; the JDK server closes the connection when its timers find
                    // it.
                  }
                }));
  }

  /** Answers every parked request now with 503, and every later one at once: the server stops. */
  public void stop() {
    stopping = true;
    for (CompletableFuture<Response> answer : List.copyOf(parked)) {
      answer.complete(stoppingProblem());
    }
    List<Response.Streamed> open;
    synchronized (streaming) {
      open = List.copyOf(streaming);
    }
    open.forEach(Response.Streamed::stop);
  }

  private static Response stoppingProblem() {
    return problem(
        new ApiException(
            503,
            "SHUTTING_DOWN",
            "the server is stopping; retry shortly",
            Map.of(),
            Map.of("Retry-After", Errors.RETRY_AFTER_SECONDS, "Connection", "close")));
  }

  private Response outcome(CompletableFuture<Response> answer) {
    try {
      return answer.join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      return problem(errors.map(cause));
    } catch (RuntimeException e) {
      return problem(errors.map(e));
    }
  }

  private static Response problem(ApiException problem) {
    return new Response(
        problem.status(), Errors.problem(problem), Response.PROBLEM_JSON, problem.headers());
  }

  /**
   * Writes the answer and closes the exchange.
   *
   * @throws IOException when the connection broke, so that the JDK server forgets it
   */
  private void respond(Exchange exchange, Response answer, boolean bodyRead, RequestWatch watch)
      throws IOException {
    Response response = bodyRead ? answer : answer.withHeader("Connection", "close");
    boolean lingering = !bodyRead && watch.beginLinger(System.nanoTime() + LINGER_NANOS);
    IOException failure = null;
    boolean handedOver = false;
    try {
      handedOver = write(exchange.http(), response, exchange.method());
    } catch (IOException e) {
      failure = e;
    } finally {
      if (!handedOver) {
        exchange.http().close();
      }
      if (lingering) {
        watch.endLinger();
      }
    }
    if (failure != null) {
      // The client went away: nothing to answer.
      LOG.debug(
          "response not written method={} path={} error={}",
          exchange.method(),
          exchange.path(),
          failure.toString());
    }
    long elapsedNanos = System.nanoTime() - exchange.startNanos();
    Object tenant = exchange.http().getAttribute(TENANT_ATTRIBUTE);
    LOG.info(
        "request method={} path={} status={} ms={} tenant={}",
        exchange.method(),
        exchange.path(),
        response.status(),
        elapsedNanos / 1_000_000,
        tenant == null ? "-" : tenant);
    try {
      // Last: a registry that refuses the meter (it has another of that name and type) throws,
      // and by then the request has been answered and logged.
      metrics.record(
          exchange.method(), exchange.match().template(), response.status(), elapsedNanos);
    } finally {
      if (failure != null) {
        throw failure;
      }
    }
  }

  private static final int WRITE_SLICE = 16 * 1024;

  /** Writes the answer; true when a streamed body took the exchange over, to close it itself. */
  private boolean write(HttpExchange exchange, Response response, String method)
      throws IOException {
    if (response.body() instanceof Response.Streamed streamed) {
      return writeStreamed(exchange, response, method, streamed);
    }
    byte[] bytes =
        response.body() instanceof byte[] raw ? raw : json.writeValueAsBytes(response.body());
    writeHeaders(exchange, response);
    if ("HEAD".equals(method)) {
      exchange.sendResponseHeaders(response.status(), -1);
      return false;
    }
    exchange.sendResponseHeaders(response.status(), bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      // In slices: the JDK server's write buffer grows to the largest single write and keeps
      // that size for the connection's life, so one 16 MiB result would pin 16 MiB or more per
      // idle keep-alive connection.
      for (int offset = 0; offset < bytes.length; offset += WRITE_SLICE) {
        out.write(bytes, offset, Math.min(WRITE_SLICE, bytes.length - offset));
      }
    }
    return false;
  }

  private boolean writeStreamed(
      HttpExchange exchange, Response response, String method, Response.Streamed streamed)
      throws IOException {
    writeHeaders(exchange, response);
    boolean started = false;
    try {
      // Length 0: chunked, each flush of the body goes out as it is.
      exchange.sendResponseHeaders(response.status(), "HEAD".equals(method) ? -1 : 0);
      if (!"HEAD".equals(method)) {
        exchange.getResponseBody().flush();
        streaming.add(streamed);
        streamed.start(exchange);
        started = true;
      }
    } finally {
      if (!started) {
        streamed.abandon();
      }
    }
    return started;
  }

  private static void writeHeaders(HttpExchange exchange, Response response) {
    exchange.getResponseHeaders().set("Content-Type", response.contentType());
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    response.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
  }

  /** The request line and header lines as sent, CRLFs included. */
  static long headerBytes(HttpExchange exchange) {
    long bytes =
        exchange.getRequestMethod().length()
            + 1
            + exchange.getRequestURI().toString().length()
            + 1
            + exchange.getProtocol().length()
            + 2;
    for (Map.Entry<String, List<String>> header : exchange.getRequestHeaders().entrySet()) {
      for (String value : header.getValue()) {
        bytes += header.getKey().length() + 2 + value.length() + 2;
      }
    }
    return bytes + 2;
  }
}
