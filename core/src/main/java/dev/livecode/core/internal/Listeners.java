package dev.livecode.core.internal;

import dev.livecode.core.EngineListener;
import dev.livecode.core.Execution;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listeners of one engine as one: each is called in the order it was registered, and what one
 * throws is logged and goes no further, so that counting a run can never fail it.
 */
public final class Listeners implements EngineListener {
  private static final Logger LOG = LoggerFactory.getLogger(Listeners.class);

  private final String name;
  private final List<EngineListener> listeners;

  private Listeners(String name, List<EngineListener> listeners) {
    this.name = name;
    this.listeners = List.copyOf(listeners);
  }

  /** One listener for all of {@code listeners}; {@link EngineListener#NONE} when there are none. */
  public static EngineListener of(String name, List<EngineListener> listeners) {
    return listeners.isEmpty() ? EngineListener.NONE : new Listeners(name, listeners);
  }

  @Override
  public void executionQueued(UUID executionId, String language) {
    each("executionQueued", listener -> listener.executionQueued(executionId, language));
  }

  @Override
  public void executionStarted(UUID executionId, String language, Duration queueWait) {
    Duration wait = queueWait.isNegative() ? Duration.ZERO : queueWait;
    each("executionStarted", listener -> listener.executionStarted(executionId, language, wait));
  }

  @Override
  public void executionFinished(UUID executionId, String language, Execution.Result result) {
    each(
        "executionFinished", listener -> listener.executionFinished(executionId, language, result));
  }

  @Override
  public void warmPoolHit(String language) {
    each("warmPoolHit", listener -> listener.warmPoolHit(language));
  }

  @Override
  public void warmPoolMiss(String language) {
    each("warmPoolMiss", listener -> listener.warmPoolMiss(language));
  }

  private void each(String event, Consumer<EngineListener> call) {
    for (EngineListener listener : listeners) {
      try {
        call.accept(listener);
      } catch (RuntimeException e) {
        LOG.warn(
            "{} listener failed, ignored event={} listener={} error={}",
            name,
            event,
            listener.getClass().getName(),
            e.toString());
      }
    }
  }
}
