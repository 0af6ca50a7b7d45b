package dev.livecode.core;

import java.time.Duration;

/** More runs are waiting than the engine accepts (backpressure); retry after {@link #retryAfter()}. */
public final class QueueFullException extends LivecodeException {
  private static final long serialVersionUID = 1L;
  private final long waiting;
  private final transient Duration retryAfter;

  public QueueFullException(long waiting, long maxWaiting, Duration retryAfter) {
    super(waiting + " runs are waiting (at most " + maxWaiting + "); retry in "
        + retryAfter.toSeconds() + " s");
    this.waiting = waiting;
    this.retryAfter = retryAfter;
  }

  public long waiting() {
    return waiting;
  }

  public Duration retryAfter() {
    return retryAfter;
  }
}
