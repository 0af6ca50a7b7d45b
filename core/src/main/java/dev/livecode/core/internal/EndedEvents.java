package dev.livecode.core.internal;

import dev.livecode.core.Execution;
import dev.livecode.core.LivecodeEngine;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Flow;
import java.util.concurrent.ForkJoinPool;

/**
 * The events of an engine that keeps no live ones: once the execution has ended, its output in one
 * chunk per stream, then DONE. What {@link LivecodeEngine#events} gives by default.
 */
public final class EndedEvents {
  private static final Duration WAIT = Duration.ofMinutes(1);

  private EndedEvents() {}

  /**
   * @throws dev.livecode.core.exception.LivecodeException.ExecutionNotFound at once for an unknown
   *     id
   */
  public static Flow.Publisher<Execution.Event> of(
      LivecodeEngine engine, UUID executionId, long after) {
    engine.getExecution(executionId);
    return subscriber ->
        awaitEnd(
            engine,
            executionId,
            ended ->
                new EventPublisher(
                        InMemoryEventLog.ofEnded(ended), after, ForkJoinPool.commonPool())
                    .subscribe(subscriber));
  }

  private static void awaitEnd(
      LivecodeEngine engine, UUID executionId, java.util.function.Consumer<Execution> then) {
    engine
        .awaitExecutionAsync(executionId, WAIT)
        .thenAccept(
            execution -> {
              if (execution.isFinished()) {
                then.accept(execution);
              } else {
                awaitEnd(engine, executionId, then);
              }
            });
  }
}
