package dev.livecode.core.spi;

import dev.livecode.core.internal.InMemoryStore;

/**
 * A store of sessions and executions. One type because a run snapshots a session into an
 * execution atomically.
 *
 * @since 0.1
 */
public interface Store extends SessionStore, ExecutionStore, AutoCloseable {

  /** A thread-safe store in this JVM's memory: nothing survives a restart. */
  static Store inMemory() {
    return new InMemoryStore();
  }

  /** True when what is stored survives a restart of this process. */
  default boolean durable() {
    return false;
  }

  /** Releases what the store created (its pool); harmless when called twice. */
  @Override
  default void close() {}
}
