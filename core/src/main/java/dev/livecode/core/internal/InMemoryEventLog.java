package dev.livecode.core.internal;

import dev.livecode.core.Execution;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An execution's events in this JVM. Its size is bounded by what feeds it: output chunks only carry
 * what the output cap keeps, so the text is at most the cap per stream (and the timeout line).
 */
final class InMemoryEventLog implements EventLog {
  private static final Logger LOG = LoggerFactory.getLogger(InMemoryEventLog.class);

  /**
   * The estimated fixed cost of one event beside its text: the record, its string, the list slot.
   */
  static final long EVENT_OVERHEAD_BYTES = 128;

  private final UUID executionId;

  /** The sequence number before this log's first event: not 0 when it continues a shared log. */
  private final long base;

  /** Hears each event as it is appended, in order, under the log's lock: it must not block. */
  private final Consumer<Execution.Event> sink;

  private final List<Execution.Event> events = new ArrayList<>();
  private final CopyOnWriteArrayList<Runnable> listeners = new CopyOnWriteArrayList<>();

  /** Index of the first event of the current attempt (after the last restart). */
  private int attemptStart;

  private long textChars;
  private boolean complete;
  private boolean expired;

  InMemoryEventLog(UUID executionId) {
    this(executionId, 0, event -> {});
  }

  /**
   * A log whose first event is numbered {@code base + 1}, each event of which {@code sink} hears:
   * this node's part of a log shared between nodes.
   */
  InMemoryEventLog(UUID executionId, long base, Consumer<Execution.Event> sink) {
    this.executionId = Objects.requireNonNull(executionId, "executionId");
    this.base = base;
    this.sink = Objects.requireNonNull(sink, "sink");
  }

  /** A log that says only how an execution ended, for one whose live log is no longer kept. */
  static InMemoryEventLog ofEnded(Execution ended) {
    InMemoryEventLog log = new InMemoryEventLog(ended.id());
    log.done(ended);
    return log;
  }

  @Override
  public UUID executionId() {
    return executionId;
  }

  @Override
  public void status(Execution.Status status, boolean restarted) {
    synchronized (this) {
      if (complete || expired) {
        return;
      }
      if (restarted) {
        attemptStart = events.size();
      }
      add(Execution.Event.status(next(), status, restarted));
    }
    changed();
  }

  @Override
  public void output(Execution.Event.Kind stream, String text) {
    if (text.isEmpty()) {
      return;
    }
    synchronized (this) {
      if (complete || expired) {
        return;
      }
      add(Execution.Event.output(next(), stream, text));
      textChars += text.length();
    }
    changed();
  }

  /**
   * Appends an event another node logged, as it numbered it; false (and nothing appended) when it
   * is not the next one, or the log is complete.
   */
  boolean copy(Execution.Event event) {
    synchronized (this) {
      if (complete || expired || event.sequence() != next()) {
        return false;
      }
      if (event.restarted()) {
        attemptStart = events.size();
      }
      add(event);
      textChars += event.text().length();
      complete = event.kind() == Execution.Event.Kind.DONE;
    }
    changed();
    return true;
  }

  @Override
  public void done(Execution ended) {
    appendDone(ended).run();
  }

  @Override
  public Runnable appendDone(Execution ended) {
    synchronized (this) {
      if (complete || expired) {
        return () -> {};
      }
      ended
          .result()
          .ifPresent(
              result -> {
                rest(Execution.Event.Kind.STDOUT, result.stdout());
                rest(Execution.Event.Kind.STDERR, result.stderr());
              });
      add(Execution.Event.done(next(), ended));
      complete = true;
    }
    return this::changed;
  }

  /**
   * Appends what of {@code whole} the chunks of this attempt have not said; they must be its start.
   */
  private void rest(Execution.Event.Kind stream, String whole) {
    int said = 0;
    for (int i = attemptStart; i < events.size(); i++) {
      Execution.Event event = events.get(i);
      if (event.kind() != stream) {
        continue;
      }
      if (!whole.startsWith(event.text(), said)) {
        // Cannot happen while chunks are cut from the bytes the result is decoded from.
        LOG.warn(
            "live output differs from the result execution={} stream={} at={}",
            executionId,
            stream,
            said);
        return;
      }
      said += event.text().length();
    }
    if (said < whole.length()) {
      String text = whole.substring(said);
      add(Execution.Event.output(next(), stream, text));
      textChars += text.length();
    }
  }

  private long next() {
    return base + events.size() + 1L;
  }

  private void add(Execution.Event event) {
    events.add(event);
    sink.accept(event);
  }

  @Override
  public synchronized List<Execution.Event> after(long sequence, int max) {
    int from = (int) Math.max(0, Math.min(sequence - base, events.size()));
    int to = (int) Math.min(events.size(), (long) from + max);
    return from >= to ? List.of() : List.copyOf(events.subList(from, to));
  }

  @Override
  public synchronized boolean complete() {
    return complete;
  }

  @Override
  public synchronized boolean expired() {
    return expired;
  }

  /** Drops the events; subscribers still behind are told. */
  void expire() {
    synchronized (this) {
      if (expired) {
        return;
      }
      expired = true;
      events.clear();
      textChars = 0;
    }
    changed();
  }

  @Override
  public Runnable onChange(Runnable listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  @Override
  public synchronized long weightBytes() {
    return textChars * 2 + events.size() * EVENT_OVERHEAD_BYTES;
  }

  /** How many events it holds. */
  synchronized int size() {
    return events.size();
  }

  private void changed() {
    for (Runnable listener : listeners) {
      try {
        listener.run();
      } catch (RuntimeException e) {
        LOG.warn("event log listener failed execution={} error={}", executionId, e.toString());
      }
    }
  }
}
