package dev.livecode.core.spi;

import dev.livecode.core.Execution;
import dev.livecode.core.internal.LocalEvents;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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

  /**
   * An execution changed status. Live output chunks will travel the same way.
   *
   * @param end for a final status, how it ended as the store holds it, when the publisher offers it
   *     (since 0.5): a node waiting on the execution answers from it and what it read before,
   *     without reading the store again. A medium may leave it out (a large output), and a listener
   *     then reads the store.
   */
  record Event(UUID executionId, Execution.Status status, Optional<End> end) {
    public Event {
      Objects.requireNonNull(executionId, "executionId");
      Objects.requireNonNull(status, "status");
      Objects.requireNonNull(end, "end");
      if (end.isPresent() && end.get().result().status() != status) {
        throw new IllegalArgumentException(
            "status " + status + " differs from the end's " + end.get().result().status());
      }
    }

    /** A change without its end. */
    public Event(UUID executionId, Execution.Status status) {
      this(executionId, status, Optional.empty());
    }

    /**
     * The end of {@code stored}, a finished execution exactly as its store keeps it (see {@link
     * Store#asStored}).
     *
     * @throws IllegalArgumentException when it has not finished
     */
    public static Event ended(Execution stored) {
      Execution.Result result =
          stored
              .result()
              .orElseThrow(
                  () ->
                      new IllegalArgumentException("execution " + stored.id() + " has not ended"));
      return new Event(
          stored.id(), stored.status(), Optional.of(new End(stored.startedAt(), result)));
    }

    /**
     * The ended execution, from {@code before} (the same execution read earlier, unfinished) and
     * this event's end; empty without an end, or for another execution.
     */
    public Optional<Execution> endOf(Execution before) {
      if (end.isEmpty() || !before.id().equals(executionId)) {
        return Optional.empty();
      }
      End ended = end.get();
      return Optional.of(
          new Execution(
              before.id(),
              before.sessionId(),
              before.language(),
              before.sourceCode(),
              before.stdin(),
              before.limits(),
              before.idempotencyKey(),
              status,
              before.queuedAt(),
              ended.startedAt(),
              Optional.of(ended.result()),
              before.interactive()));
    }
  }

  /**
   * What an execution's end changed of it: when it started (none for one that never started) and
   * its result.
   *
   * @since 0.5
   */
  record End(Optional<Instant> startedAt, Execution.Result result) {
    public End {
      Objects.requireNonNull(startedAt, "startedAt");
      Objects.requireNonNull(result, "result");
    }
  }

  /**
   * Execution event logs shared by the nodes of a cluster: the node that runs a program appends its
   * events, and a node with a subscriber follows them, so that a client watching through any node
   * sees the same numbered sequence. Offered by {@link ExecutionEvents#liveLogs()}; the engine
   * numbers the entries (from 1, without gaps) and a log refuses an entry whose number does not
   * follow its last.
   *
   * <p>Methods other than {@link #append}, {@link #ended} and the follows may block for a round
   * trip; failures to reach the medium are {@link dev.livecode.core.exception.QueueException}s.
   *
   * @since 0.4
   */
  interface LiveLogs {

    /**
     * Appends entries in order, without waiting for the medium (a failure is logged: followers then
     * see the end from the store). The log keeps at most about {@code maxEntries}: the engine
     * derives it from its output cap, which already bounds the entries of a run.
     */
    void append(UUID executionId, List<Entry> entries, long maxEntries);

    /**
     * The sequence number of the log's last entry; 0 when it has none. Waits for earlier appends.
     */
    long lastSequence(UUID executionId);

    /** Up to {@code max} entries numbered above {@code after}, in order. */
    List<Entry> read(UUID executionId, long after, int max);

    /** True while the medium holds the log: from its first entry until it expired after its end. */
    boolean exists(UUID executionId);

    /**
     * Calls {@code listener} with each batch of entries numbered above {@code after}, in order, as
     * they are appended on any node, until the subscription is closed or a {@link
     * Execution.Event.Kind#DONE} entry was delivered. The listener runs on a thread the medium
     * shares between all its followers: it must not block.
     */
    ExecutionEvents.Subscription follow(
        UUID executionId, long after, Consumer<List<Entry>> listener);

    /**
     * The execution ended: its log (and its requests) are dropped {@code retention} from now. Need
     * not wait for the medium.
     */
    void ended(UUID executionId, Duration retention);

    /**
     * Sends a request to the run of an execution, for whichever node runs it or will: requests are
     * kept with the log, in the order sent, so one sent while the run is queued is there when it
     * starts. Stdin past {@code maxStdinBytes} in all, or after stdin was closed, is not sent.
     */
    Sent send(UUID executionId, Request request, long maxStdinBytes);

    /** The requests sent to the run of an execution so far, in order. */
    List<Request> requests(UUID executionId);

    /**
     * Calls {@code listener} with the requests sent to the run of an execution, from the first, as
     * they are sent on any node, until the subscription is closed. Same thread rules as {@link
     * #follow}.
     */
    ExecutionEvents.Subscription followRequests(UUID executionId, Consumer<List<Request>> listener);

    /** What became of a request. */
    enum Sent {
      SENT,
      /** Stdin after stdin was closed. */
      STDIN_CLOSED,
      /** Stdin past the cap. */
      TOO_LARGE
    }

    /**
     * A request to the run of an execution: stdin to write ({@code text}, then end-of-file when
     * {@code closeStdin}), or a cancel.
     */
    record Request(Kind kind, String text, boolean closeStdin) {
      public Request {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(text, "text");
      }

      public static Request stdin(String text, boolean closeStdin) {
        return new Request(Kind.STDIN, text, closeStdin);
      }

      public static Request cancel() {
        return new Request(Kind.CANCEL, "", false);
      }

      /** What a request asks. */
      public enum Kind {
        STDIN,
        CANCEL
      }
    }

    /**
     * One event of a log. A DONE entry carries no execution: its reader takes the ended execution
     * from the store, which has it before the DONE is appended.
     *
     * @param status the status a STATUS or DONE entry says; RUNNING for output
     * @param text the chunk of an output entry; empty otherwise
     */
    record Entry(
        long sequence,
        Execution.Event.Kind kind,
        Execution.Status status,
        boolean restarted,
        String text) {
      public Entry {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(text, "text");
        if (sequence < 1) {
          throw new IllegalArgumentException("sequence must be >= 1, was " + sequence);
        }
      }

      /** The entry of an event. */
      public static Entry of(Execution.Event event) {
        return new Entry(
            event.sequence(), event.kind(), event.status(), event.restarted(), event.text());
      }
    }
  }
}
