package dev.livecode.core.spi;

import dev.livecode.core.Execution;
import dev.livecode.core.internal.LocalEvents;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Tells every node that an execution changed, so that a request waiting on one node answers the
 * moment a worker on another node finishes. JobQueue.Delivery is best-effort: waiters re-read the
 * store.
 *
 * <p>While the medium is healthy, each subscriber hears every event published after it subscribed
 * (by any node, its own included), once, and the events one thread published in the order it
 * published them. Listeners may be called on the publishing thread or on another one; what a
 * listener throws is logged and ignored, and the others still hear the event. {@code
 * dev.livecode.testing.ExecutionEventsContract} (artifact {@code livecode-testing}) checks an
 * implementation against this.
 *
 * @since 0.1
 */
public interface ExecutionEvents extends AutoCloseable {

  /** Events within this JVM only. */
  static ExecutionEvents local() {
    return new LocalEvents();
  }

  void publish(Event event);

  /** Calls {@code listener} for every event from now on, until the subscription is closed. */
  Subscription subscribe(Consumer<Event> listener);

  /**
   * The live event logs this medium shares between nodes, when it can (a queue shared by several
   * processes): the engine then writes every execution's events to them and serves its subscribers
   * from them. Default: none, each engine keeps the events of the runs it makes in its own memory.
   *
   * @since 0.4
   */
  default Optional<LiveLogs> liveLogs() {
    return Optional.empty();
  }

  @Override
  default void close() {}

  /** An active subscription. */
  interface Subscription extends AutoCloseable {
    @Override
    void close();
  }

  /** An execution changed status. Live output chunks will travel the same way. */
  record Event(UUID executionId, Execution.Status status) {
    public Event {
      Objects.requireNonNull(executionId, "executionId");
      Objects.requireNonNull(status, "status");
    }
  }
}
