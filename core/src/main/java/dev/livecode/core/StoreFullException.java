package dev.livecode.core;

import java.time.Duration;
import java.util.Objects;

/**
 * The in-memory store cannot take more: live sessions and unfinished runs alone hold its whole
 * memory budget, and only finished executions can be evicted to make room. Retry after
 * {@link #retryAfter()}, when running executions have ended and can go.
 *
 * @since 0.2
 */
public final class StoreFullException extends LivecodeException {
  private static final long serialVersionUID = 1L;
  private final long liveBytes;
  private final long budgetBytes;
  private final transient Duration retryAfter;

  public StoreFullException(long liveBytes, long budgetBytes, Duration retryAfter) {
    super("the in-memory store is full: live sessions and unfinished runs hold " + liveBytes + " of its "
        + budgetBytes + " bytes; retry in " + Objects.requireNonNull(retryAfter, "retryAfter").toSeconds()
        + " s, or give it a larger budget, or use a MySQL store");
    this.liveBytes = liveBytes;
    this.budgetBytes = budgetBytes;
    this.retryAfter = retryAfter;
  }

  /** What sessions and unfinished executions hold, in bytes, when the request was refused. */
  public long liveBytes() {
    return liveBytes;
  }

  public long budgetBytes() {
    return budgetBytes;
  }

  public Duration retryAfter() {
    return retryAfter;
  }
}
