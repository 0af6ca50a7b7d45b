package dev.livecode.core;

import java.util.Objects;
import java.util.UUID;

/**
 * The execution existed but its store let it go: the in-memory store evicts the oldest finished
 * executions to stay within its memory budget. Its result is gone for good; a durable store
 * (MySQL) keeps every execution.
 *
 * @since 0.2
 */
public final class ExecutionEvictedException extends LivecodeException {
  private static final long serialVersionUID = 1L;
  private final UUID executionId;

  public ExecutionEvictedException(UUID executionId) {
    super("execution " + Objects.requireNonNull(executionId, "executionId")
        + " was evicted from the in-memory store to stay within its memory budget; run it again"
        + " (a MySQL store keeps every execution)");
    this.executionId = executionId;
  }

  public UUID executionId() {
    return executionId;
  }
}
