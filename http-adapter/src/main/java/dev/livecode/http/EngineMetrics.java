package dev.livecode.http;

import dev.livecode.core.EngineListener;
import dev.livecode.core.Execution;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Counts an engine's runs in a Micrometer registry. Register it on the engine, and give the same
 * registry to the HTTP server so that {@code GET /metrics} shows them:
 *
 * <pre>{@code
 * PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
 * LivecodeEngine engine = Livecode.builder().listener(new EngineMetrics(registry)).build();
 * LivecodeHttpServer server = LivecodeHttpServer.builder(engine).meterRegistry(registry).start();
 * }</pre>
 *
 * <p>The meters (Prometheus names): {@code livecode_runs_total{language,status,reason}} (runs
 * finished; {@code reason} is the failure reason, {@code none} unless FAILED), {@code
 * livecode_runs_queued_total{language}}, {@code livecode_run_duration_seconds{language}} (the
 * program's own run time, of runs that started a program) and {@code
 * livecode_queue_wait_seconds{language}} (queued to started), both with histogram buckets, and
 * {@code livecode_warm_pool_hits_total{language}} / {@code
 * livecode_warm_pool_misses_total{language}}. Every label value is a language id, a status or a
 * failure reason: never an id, a path or anything a user wrote.
 *
 * @since 0.2
 */
public final class EngineMetrics implements EngineListener {
  /** Longest run time the buckets resolve: the highest wall-time cap. */
  private static final Duration LONGEST_RUN = Duration.ofSeconds(30);

  /** Longest queue wait the buckets resolve. */
  private static final Duration LONGEST_WAIT = Duration.ofMinutes(5);

  private final MeterRegistry registry;

  public EngineMetrics(MeterRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  @Override
  public void executionQueued(UUID executionId, String language) {
    Counter.builder("livecode.runs.queued")
        .description("runs accepted and queued by this node")
        .tag("language", language)
        .register(registry)
        .increment();
  }

  @Override
  public void executionStarted(UUID executionId, String language, Duration queueWait) {
    Timer.builder("livecode.queue.wait")
        .description("time from a run's acceptance to its start on a worker of this node")
        .tag("language", language)
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(LONGEST_WAIT)
        .register(registry)
        .record(queueWait);
  }

  @Override
  public void executionFinished(UUID executionId, String language, Execution.Result result) {
    Optional<Execution.FailureReason> reason = result.failureReason();
    Counter.builder("livecode.runs")
        .description("runs finished by this node, by language, status and failure reason")
        .tag("language", language)
        .tag("status", result.status().name())
        .tag("reason", reason.map(Enum::name).orElse("none"))
        .register(registry)
        .increment();
    // why: a run that never started a program has no run time; its zero would drag the percentiles
    // down.
    if (reason.isPresent()
        && (reason.get() == Execution.FailureReason.INTERNAL_ERROR
            || reason.get() == Execution.FailureReason.INTERRUPTED)) {
      return;
    }
    Timer.builder("livecode.run.duration")
        .description("the program's own run time, start to exit")
        .tag("language", language)
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(LONGEST_RUN)
        .register(registry)
        .record(result.executionTime());
  }

  @Override
  public void warmPoolHit(String language) {
    Counter.builder("livecode.warm.pool.hits")
        .description("runs that took a warm interpreter or ready sandbox")
        .tag("language", language)
        .register(registry)
        .increment();
  }

  @Override
  public void warmPoolMiss(String language) {
    Counter.builder("livecode.warm.pool.misses")
        .description("runs that could have used the warm pool but found nothing waiting")
        .tag("language", language)
        .register(registry)
        .increment();
  }
}
