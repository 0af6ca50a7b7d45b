package dev.livecode.http.internal;

import dev.livecode.core.EngineStatus;
import dev.livecode.core.LivecodeEngine;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * What orchestrators and monitoring read: liveness, readiness and the metrics text. Served on every
 * role, since a worker node is where runs happen.
 */
public final class OperationsApi {
  /** The Prometheus text format, version 0.0.4: what every Prometheus scrapes. */
  static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final LivecodeEngine engine;
  private final Optional<PrometheusMeterRegistry> metrics;

  /**
   * {@code metrics} absent: {@code GET /metrics} is not served (the registry is not a Prometheus
   * one).
   */
  public OperationsApi(LivecodeEngine engine, Optional<PrometheusMeterRegistry> metrics) {
    this.engine = engine;
    this.metrics = metrics;
  }

  /** Adds the endpoints to {@code router}. */
  public Router addTo(Router router) {
    router.add("GET", "/health/live", this::live).add("GET", "/health/ready", this::ready);
    metrics.ifPresent(
        registry ->
            router.add(
                "GET",
                "/metrics",
                request ->
                    Response.bytes(
                        200,
                        PROMETHEUS_TEXT,
                        registry.scrape(PROMETHEUS_TEXT).getBytes(StandardCharsets.UTF_8))));
    return router;
  }

  /** Answers while the process answers HTTP at all: nothing else is checked. */
  Response live(Request request) {
    return Response.ok(Map.of("status", "UP"));
  }

  /** Up when the engine can take work: open, and its queue reachable. */
  Response ready(Request request) {
    EngineStatus status = engine.status();
    if (status.up()) {
      return Response.ok(Map.of("status", "UP"));
    }
    throw new ApiException(
        503,
        "NOT_READY",
        "not ready: " + status.problem(),
        Map.of(),
        Map.of("Retry-After", Errors.RETRY_AFTER_SECONDS));
  }
}
