package dev.livecode.core.internal;

import dev.livecode.core.exception.LivecodeException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The byte budget of the in-memory store, in two parts: what live sessions and unfinished
 * executions hold (never evicted: an editor's session or a waiting run must not vanish), and what
 * finished executions hold (evicted, oldest first, while the sum is over the budget). New live
 * bytes are admitted against the live part alone, because finished executions can always make room.
 * Thread-safe; concurrent admissions may overshoot the budget by what they admit at once, until the
 * eviction that follows each of them.
 *
 * <p>Sizes estimate the heap that text takes under compact strings: one byte per character when
 * every character is Latin-1, two otherwise; each object adds a fixed cost for its record, ids,
 * times and map entries, so that many small executions still add up.
 */
final class MemoryBudget {
  /** A session's record, id, times, history list and map entries, beside its source. */
  static final long SESSION_OVERHEAD_BYTES = 512;

  /**
   * An execution's records (with its result), ids, times, limits and map entries, beside its text.
   */
  static final long EXECUTION_OVERHEAD_BYTES = 1024;

  /**
   * When a full store may have room again: a run under the default limits ends within 5 s, and its
   * execution can then be evicted.
   */
  static final Duration RETRY_AFTER = Duration.ofSeconds(5);

  private final long budgetBytes;
  private final AtomicLong live = new AtomicLong();
  private final AtomicLong finished = new AtomicLong();

  MemoryBudget(long budgetBytes) {
    this.budgetBytes = budgetBytes;
  }

  /** Bytes of a string's characters as the JVM keeps them. */
  static long textBytes(String text) {
    int length = text.length();
    for (int i = 0; i < length; i++) {
      if (text.charAt(i) > 0xFF) {
        return 2L * length;
      }
    }
    return length;
  }

  /**
   * Adds live bytes (a negative amount, from a smaller source, is always taken).
   *
   * @throws LivecodeException.StoreFull when live bytes alone would go over the budget
   */
  void admit(long bytes) {
    while (true) {
      long now = live.get();
      if (bytes > 0 && now + bytes > budgetBytes) {
        throw new LivecodeException.StoreFull(now, budgetBytes, RETRY_AFTER);
      }
      if (live.compareAndSet(now, now + bytes)) {
        return;
      }
    }
  }

  /** Gives back live bytes admitted for what was not stored after all. */
  void release(long bytes) {
    live.addAndGet(-bytes);
  }

  /** An execution ended: its live bytes become finished (evictable) ones, with its output. */
  void finished(long liveBytes, long finishedBytes) {
    finished.addAndGet(finishedBytes);
    live.addAndGet(-liveBytes);
  }

  /** A finished execution was evicted. */
  void evicted(long finishedBytes) {
    finished.addAndGet(-finishedBytes);
  }

  /** True while finished executions should be evicted. */
  boolean over() {
    return live.get() + finished.get() > budgetBytes;
  }

  long budgetBytes() {
    return budgetBytes;
  }

  long liveBytes() {
    return live.get();
  }

  long finishedBytes() {
    return finished.get();
  }
}
