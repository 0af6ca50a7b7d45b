package dev.livecode.http.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.livecode.core.LivecodeEngine;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The live endpoints of docs/api.md: an execution's events, its stdin, and cancelling it. */
final class LiveApi {
  private static final Logger LOG = LoggerFactory.getLogger(LiveApi.class);

  /**
   * Event streams one server keeps open at once. Each may hold a writer thread while its client
   * does not read (until the stall timeout drops it), so this also bounds those threads; beyond it
   * a watcher gets 503 and retries, rather than the server running out of threads or memory.
   */
  static final int DEFAULT_MAX_OPEN_STREAMS = 256;

  private final AtomicInteger openStreams = new AtomicInteger();
  private final int maxOpenStreams;
  private final LivecodeEngine engine;
  private final ObjectMapper json;
  private final Api api;
  private final Quotas quotas;

  LiveApi(LivecodeEngine engine, ObjectMapper json, Api api, Quotas quotas, int maxOpenStreams) {
    this.maxOpenStreams = maxOpenStreams;
    this.engine = engine;
    this.json = json;
    this.api = api;
    this.quotas = quotas;
  }

  /**
   * Server-sent events from {@code Last-Event-ID} or {@code ?after=} on. The request is parked
   * until the first event (or a short wait), so that an unknown or expired stream is still a
   * problem document; the events are then written off the request threads by {@link EventStream}.
   */
  CompletionStage<Response> events(Request request) {
    UUID id = Api.id(request, "execution");
    long after = Api.longParam(request, "after", 0, 0, Long.MAX_VALUE);
    Optional<String> lastEventId = request.header("Last-Event-ID").map(String::trim);
    if (lastEventId.isPresent() && !lastEventId.get().isEmpty()) {
      after = lastEventId(lastEventId.get());
    }
    api.checkOwner(request, id); // another tenant's is answered as unknown
    var publisher = engine.events(id, after);
    if (openStreams.incrementAndGet() > maxOpenStreams) {
      openStreams.decrementAndGet();
      throw new ApiException(
          503,
          "TOO_MANY_STREAMS",
          "the server has " + maxOpenStreams + " event streams open; retry shortly",
          Map.of(),
          Map.of("Retry-After", Errors.RETRY_AFTER_SECONDS));
    }
    Runnable tenantStream;
    try {
      tenantStream = quotas.admitStream(request.principal(), id);
    } catch (RuntimeException e) {
      openStreams.decrementAndGet();
      throw e;
    }
    EventStream stream =
        new EventStream(
            json,
            () -> {
              openStreams.decrementAndGet();
              try {
                tenantStream.run();
              } catch (RuntimeException e) {
                // The stream must still close; a place the counters kept is dropped once its
                // execution has ended (Quotas.admitStream).
                LOG.warn(
                    "event stream place not given back execution={} error={}",
                    id,
                    e.getClass().getSimpleName());
              }
            });
    var response = stream.response();
    publisher.subscribe(stream);
    return response;
  }

  Response stdin(Request request) {
    UUID id = Api.id(request, "execution");
    api.execution(request, id); // another tenant's is answered as unknown
    JsonNode body = api.object(request.body(), true);
    String data = Api.optionalString(body, "data").orElse("");
    boolean eof = optionalBoolean(body, "eof").orElse(false);
    int accepted = 0;
    if (!data.isEmpty() || !eof) {
      accepted = engine.sendStdin(id, data);
    }
    if (eof) {
      engine.closeStdin(id);
    }
    return Response.json(202, Map.of("accepted_bytes", accepted));
  }

  /** Answers once the execution has stopped: the engine's cancel returns then. */
  Response cancel(Request request) {
    UUID id = Api.id(request, "execution");
    api.execution(request, id); // another tenant's is answered as unknown
    return Response.ok(Representations.execution(engine.cancel(id)));
  }

  static Optional<Boolean> optionalBoolean(JsonNode body, String field) {
    JsonNode value = body.get(field);
    if (value == null) {
      return Optional.empty();
    }
    if (!value.isBoolean()) {
      throw ApiException.invalidField(field + " must be true or false, was " + Api.describe(value));
    }
    return Optional.of(value.booleanValue());
  }

  private static long lastEventId(String raw) {
    try {
      long value = Long.parseLong(raw);
      if (value >= 0) {
        return value;
      }
    } catch (NumberFormatException e) {
      // Answered below.
    }
    throw ApiException.badRequest(
        "INVALID_HEADER", "Last-Event-ID must be an event id (a non-negative integer)");
  }
}
