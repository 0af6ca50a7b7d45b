package dev.livecode.http.internal;

import dev.livecode.core.EngineStatus;
import dev.livecode.core.LivecodeEngine;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * The meters of one HTTP server: its requests by route template, the engine's queue depth and live
 * workers, and (when asked) the JVM's; in the registry it was given, or in a Prometheus registry of
 * its own. Closing removes the gauges (they read the engine) and the JVM meters' listeners, and
 * closes a registry it created; counts already taken stay in a given registry.
 */
public final class ServerMetrics implements RequestMetrics, AutoCloseable {
  /**
   * Methods named as sent; any other is counted as {@code OTHER}, so a client cannot add series.
   */
  private static final Set<String> METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

  private final MeterRegistry registry;
  private final boolean created;
  private final List<Meter> gauges = new ArrayList<>();
  private final Optional<JvmGcMetrics> gc;

  private ServerMetrics(
      MeterRegistry registry, boolean created, LivecodeEngine engine, boolean jvm) {
    this.registry = registry;
    this.created = created;
    StatusSample status = new StatusSample(engine);
    gauges.add(
        gauge(
            "livecode.queue.depth",
            "runs waiting in the queue (NaN while it cannot be read)",
            status,
            s -> s.get().queueDepth().isPresent() ? s.get().queueDepth().getAsLong() : Double.NaN));
    gauges.add(
        gauge(
            "livecode.workers.live",
            "worker threads alive across every node; with a queue of this"
                + " process only, this engine's (NaN while the queue cannot be read)",
            status,
            s -> liveWorkers(s.get())));
    if (jvm) {
      new JvmMemoryMetrics().bindTo(registry);
      new JvmThreadMetrics().bindTo(registry);
      new ProcessorMetrics().bindTo(registry);
      new UptimeMetrics().bindTo(registry);
      JvmGcMetrics gcMetrics = new JvmGcMetrics();
      gcMetrics.bindTo(registry);
      this.gc = Optional.of(gcMetrics);
    } else {
      this.gc = Optional.empty();
    }
  }

  /**
   * Meters in {@code given}, or in a new Prometheus registry.
   *
   * @param jvm whether to bind the JVM meters; absent: only to a registry created here, since a
   *     registry brought by the application usually has them, and GC pauses bound twice count twice
   */
  public static ServerMetrics create(
      LivecodeEngine engine, Optional<MeterRegistry> given, Optional<Boolean> jvm) {
    MeterRegistry registry =
        given.orElseGet(() -> new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    return new ServerMetrics(registry, given.isEmpty(), engine, jvm.orElse(given.isEmpty()));
  }

  public MeterRegistry registry() {
    return registry;
  }

  /**
   * The registry {@code GET /metrics} writes: this one, or the first Prometheus one of a composite.
   */
  public Optional<PrometheusMeterRegistry> prometheus() {
    return prometheusIn(registry);
  }

  private static Optional<PrometheusMeterRegistry> prometheusIn(MeterRegistry registry) {
    if (registry instanceof PrometheusMeterRegistry prometheus) {
      return Optional.of(prometheus);
    }
    if (registry instanceof CompositeMeterRegistry composite) {
      for (MeterRegistry member : composite.getRegistries()) {
        Optional<PrometheusMeterRegistry> found = prometheusIn(member);
        if (found.isPresent()) {
          return found;
        }
      }
    }
    return Optional.empty();
  }

  @Override
  public void record(String method, String route, int status, long nanos) {
    Timer.builder("livecode.http.requests")
        .description("HTTP requests answered, by method, route template and status")
        .tag("method", METHODS.contains(method) ? method : "OTHER")
        .tag("route", route)
        .tag("status", Integer.toString(status))
        .register(registry)
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  private <T> Gauge gauge(String name, String description, T state, ToDoubleFunction<T> value) {
    // why: the state object is referenced by the gauge alone, and a weakly held one would be
    // collected, leaving the gauge at NaN.
    return Gauge.builder(name, state, value)
        .description(description)
        .strongReference(true)
        .register(registry);
  }

  private static double liveWorkers(EngineStatus status) {
    if (status.liveWorkers().isPresent()) {
      return status.liveWorkers().getAsLong();
    }
    // A queue that cannot count workers serves this process alone: its workers are all there are.
    return status.queueDepth().isPresent() ? status.workers() : Double.NaN;
  }

  @Override
  public void close() {
    gauges.forEach(registry::remove);
    gc.ifPresent(JvmGcMetrics::close);
    if (created) {
      registry.close();
    }
  }

  /**
   * The engine's status, read at most once a second: the gauges of one scrape share one read, and
   * with a Redis queue each read is a round trip.
   */
  private static final class StatusSample {
    private static final long MAX_AGE_NANOS = TimeUnit.SECONDS.toNanos(1);
    private final LivecodeEngine engine;
    private EngineStatus last;
    private long readAt;

    StatusSample(LivecodeEngine engine) {
      this.engine = engine;
    }

    synchronized EngineStatus get() {
      long now = System.nanoTime();
      if (last == null || now - readAt > MAX_AGE_NANOS) {
        last = engine.status();
        readAt = now;
      }
      return last;
    }
  }
}
