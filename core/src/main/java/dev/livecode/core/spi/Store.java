package dev.livecode.core.spi;

import dev.livecode.core.LivecodeBuilder;
import dev.livecode.core.internal.InMemoryStore;

/**
 * A store of sessions and executions. One type because a run snapshots a session into an
 * execution atomically.
 *
 * @since 0.1
 */
public interface Store extends Sessions, Executions, AutoCloseable {

  /**
   * A thread-safe store in this JVM's memory, within the default budget of
   * {@value LivecodeBuilder#DEFAULT_MEMORY_STORE_BUDGET_BYTES} bytes: see {@link #inMemory(long)}.
   */
  static Store inMemory() {
    return new InMemoryStore(LivecodeBuilder.DEFAULT_MEMORY_STORE_BUDGET_BYTES);
  }

  /**
   * A thread-safe store in this JVM's memory that holds at most {@code budgetBytes} of sessions
   * and executions: their source, stdin and output as the JVM keeps the text (one byte per
   * character when all are Latin-1, else two) plus a fixed cost each. Past the budget, the
   * executions that finished first are evicted: they leave their session's history, their
   * idempotency key is forgotten, and reading one throws
   * {@link dev.livecode.core.exception.LivecodeException.ExecutionEvicted} (for the latest evictions; older ones read
   * as unknown). Live sessions and unfinished executions are never evicted; when they alone fill
   * the budget, creating more throws {@link dev.livecode.core.exception.LivecodeException.StoreFull}. Nothing
   * survives a restart.
   *
   * @throws IllegalArgumentException for a budget under 64 KiB
   * @since 0.2
   */
  static Store inMemory(long budgetBytes) {
    return new InMemoryStore(budgetBytes);
  }

  /** True when what is stored survives a restart of this process. */
  default boolean durable() {
    return false;
  }

  /** Releases what the store created (its pool); harmless when called twice. */
  @Override
  default void close() {}
}
