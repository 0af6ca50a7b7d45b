package dev.livecode.core.internal;

import dev.livecode.core.spi.ExecutionEvents;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Events within one JVM, delivered synchronously on the publishing thread. */
public final class LocalEvents implements ExecutionEvents {
  private static final Logger LOG = LoggerFactory.getLogger(LocalEvents.class);
  private final CopyOnWriteArrayList<Consumer<ExecutionEvents.Event>> listeners =
      new CopyOnWriteArrayList<>();

  @Override
  public void publish(ExecutionEvents.Event event) {
    Objects.requireNonNull(event, "event");
    for (Consumer<ExecutionEvents.Event> listener : listeners) {
      try {
        listener.accept(event);
      } catch (RuntimeException e) {
        LOG.warn("event listener failed execution={} error={}", event.executionId(), e.toString());
      }
    }
  }

  @Override
  public Subscription subscribe(Consumer<ExecutionEvents.Event> listener) {
    Objects.requireNonNull(listener, "listener");
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }
}
