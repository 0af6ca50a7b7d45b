package dev.livecode.core;

import java.time.Duration;
import java.util.UUID;

/**
 * Told what the engine does with runs, so that an application can count them (the HTTP module maps
 * it to Micrometer meters); register one with {@link LivecodeBuilder#listener}. Every method has a
 * no-op default, so a listener implements only what it needs, and a method added later breaks no
 * implementation.
 *
 * <p>Methods are called on the engine's own threads (request and worker threads) while a run is
 * under way: they must be quick and must not block. What a method throws is logged and ignored, so
 * a broken listener never changes a run. A language is always a canonical language id of an
 * installed runner, so there are only as many as there are runners.
 *
 * <p>Each engine reports what it did itself: on a node without workers, runs are queued and never
 * started; on a worker node, started and finished but not queued.
 *
 * @since 0.2
 */
public interface EngineListener {

  /** Hears nothing. */
  EngineListener NONE = new EngineListener() {};

  /**
   * A run was accepted and is being put on the queue, always before any worker can start it (a run
   * deduplicated by its idempotency key is not told); when the queue then refuses it, {@link
   * #executionFinished} follows with FAILED.
   */
  default void executionQueued(UUID executionId, String language) {}

  /**
   * A worker of this engine took the run and marked it RUNNING.
   *
   * @param queueWait from when the run was queued until now; zero when the clocks of two nodes
   *     disagree the wrong way
   */
  default void executionStarted(UUID executionId, String language, Duration queueWait) {}

  /**
   * The engine stored the run's final result: a worker of this engine ran it (or gave up on it), or
   * the queue was unreachable when it was accepted. {@link Execution.Result#executionTime()} is the
   * program's own run time; it is zero for a run that never got to start a program ({@link
   * Execution.FailureReason#INTERNAL_ERROR}, {@link Execution.FailureReason#INTERRUPTED}).
   */
  default void executionFinished(UUID executionId, String language, Execution.Result result) {}

  /** A run with the default limits took a warm interpreter or ready sandbox of its language. */
  default void warmPoolHit(String language) {}

  /** A run that could have used its language's warm pool found nothing waiting, and starts cold. */
  default void warmPoolMiss(String language) {}
}
