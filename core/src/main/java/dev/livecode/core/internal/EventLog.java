package dev.livecode.core.internal;

import dev.livecode.core.Execution;
import java.util.List;
import java.util.UUID;

/**
 * The ordered events of one execution, numbered from 1: what a live subscriber reads from any
 * position. In memory here ({@link InMemoryEventLog}); behind this interface so that a shared log
 * (a Redis stream) can carry one execution's events between the node that runs it and the nodes its
 * subscribers are connected to.
 */
interface EventLog {

  UUID executionId();

  /**
   * A change of status before the end; a RUNNING that says {@code restarted} starts the output
   * over.
   */
  void status(Execution.Status status, boolean restarted);

  /** A chunk of stdout or stderr, as the program wrote it (already within the output cap). */
  void output(Execution.Event.Kind stream, String text);

  /**
   * The end: first whatever of the final stdout and stderr the chunks have not said yet (the
   * timeout line, a compile step's diagnostics, a character completed at the end), so that the
   * chunks joined are exactly the result's; then DONE. Nothing is appended after it.
   */
  void done(Execution ended);

  /**
   * As {@link #done}, except that the listeners hear of it only when the returned action runs: a
   * worker first wakes the clients waiting for the result, whose answer would otherwise share the
   * cores with the subscribers' delivery of the end (the whole execution, as each writes it out).
   * Whoever the result wakes already finds the log {@linkplain #complete() complete}.
   */
  Runnable appendDone(Execution ended);

  /** Up to {@code max} events with a sequence number above {@code sequence}, in order. */
  List<Execution.Event> after(long sequence, int max);

  /** True once DONE is in the log. */
  boolean complete();

  /** True once the log was dropped: its events are gone, a subscriber behind cannot catch up. */
  boolean expired();

  /**
   * Calls {@code listener} (on the appending thread; it must not block) after each append or the
   * expiry.
   */
  Runnable onChange(Runnable listener);

  /**
   * What the log's events take in memory, estimated: two bytes a char of text plus a fixed cost per
   * event.
   */
  long weightBytes();
}
