package dev.livecode.benchmarks.internal;

import dev.livecode.core.EngineStatus;
import dev.livecode.core.Execution;
import dev.livecode.core.Limits;
import dev.livecode.core.LivecodeEngine;
import dev.livecode.core.RunRequest;
import java.time.Duration;
import java.util.Arrays;

/**
 * Times runs through an engine in this JVM, for the programs that measure the engine without HTTP
 * ({@code WarmStartCost}, {@code PythonStartCost}, {@code SandboxCost}).
 */
public final class EngineTiming {
  private static final Duration PATIENCE = Duration.ofSeconds(30);

  private EngineTiming() {}

  /**
   * Runs {@code source} once and checks that it completed printing {@code output}.
   *
   * @return {nanoseconds from {@code engine.run} until {@code awaitExecution} returned, the run's
   *     own execution time in nanoseconds}
   */
  public static long[] run(
      LivecodeEngine engine,
      String language,
      String source,
      String output,
      Limits.Overrides limits) {
    var session = engine.createSession(language, source);
    long started = System.nanoTime();
    Execution queued = engine.run(RunRequest.of(session.id()).withLimits(limits));
    Execution done = engine.awaitExecution(queued.id(), PATIENCE);
    long total = System.nanoTime() - started;
    Execution.Result result =
        done.result().orElseThrow(() -> new IllegalStateException("run did not finish"));
    if (result.status() != Execution.Status.COMPLETED || !result.stdout().equals(output)) {
      throw new IllegalStateException(language + " run failed: " + result);
    }
    return new long[] {total, result.executionTime().toNanos()};
  }

  /** Waits until {@code language}'s pool is full (every process it keeps is waiting). */
  public static void awaitFullPool(LivecodeEngine engine, String language)
      throws InterruptedException {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (!pool(engine, language).full()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the pool of " + language + " did not refill");
      }
      Thread.sleep(2);
    }
  }

  /** {@code language}'s pool as the engine reports it; fails when it has none. */
  public static EngineStatus.Pool pool(LivecodeEngine engine, String language) {
    EngineStatus.Pool pool = engine.status().pools().get(language);
    if (pool == null) {
      throw new IllegalStateException(
          language + " has no pool: does its runner offer a warm command?");
    }
    return pool;
  }

  /** The value at {@code percent} of {@code nanos} (nearest rank, sorted copy), in milliseconds. */
  public static double percentileMs(long[] nanos, int percent) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    return sorted[Math.min(sorted.length - 1, sorted.length * percent / 100)] / 1e6;
  }
}
