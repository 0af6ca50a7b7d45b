package dev.livecode.core.spi;

import dev.livecode.core.Execution;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Execution event logs shared by the nodes of a cluster: the node that runs a program appends its
 * events, and a node with a subscriber follows them, so that a client watching through any node
 * sees the same numbered sequence. Offered by {@link ExecutionEvents#liveLogs()}; the engine
 * numbers the entries (from 1, without gaps) and a log refuses an entry whose number does not
 * follow its last.
 *
 * <p>Methods other than {@link #append} and {@link #follow} may block for a round trip; failures to
 * reach the medium are {@link dev.livecode.core.exception.QueueException}s.
 *
 * @since 0.4
 */
public interface LiveLogs {

  /**
   * Appends entries in order, without waiting for the medium (a failure is logged: followers then
   * see the end from the store). The log keeps at most about {@code maxEntries}: the engine derives
   * it from its output cap, which already bounds the entries of a run.
   */
  void append(UUID executionId, List<Entry> entries, long maxEntries);

  /** The sequence number of the log's last entry; 0 when it has none. Waits for earlier appends. */
  long lastSequence(UUID executionId);

  /** Up to {@code max} entries numbered above {@code after}, in order. */
  List<Entry> read(UUID executionId, long after, int max);

  /** True while the medium holds the log: from its first entry until it expired after its end. */
  boolean exists(UUID executionId);

  /**
   * Calls {@code listener} with each batch of entries numbered above {@code after}, in order, as
   * they are appended on any node, until the subscription is closed or a {@link
   * Execution.Event.Kind#DONE} entry was delivered. The listener runs on a thread the medium shares
   * between all its followers: it must not block.
   */
  ExecutionEvents.Subscription follow(UUID executionId, long after, Consumer<List<Entry>> listener);

  /** The execution ended: its log is dropped {@code retention} from now. */
  void ended(UUID executionId, Duration retention);

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
