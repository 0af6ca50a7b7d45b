package dev.livecode.core;

import java.util.Objects;
import java.util.UUID;

/** No execution has the given id. */
public final class ExecutionNotFoundException extends LivecodeException {
  private static final long serialVersionUID = 1L;
  private final UUID executionId;

  public ExecutionNotFoundException(UUID executionId) {
    super("no execution " + Objects.requireNonNull(executionId, "executionId"));
    this.executionId = executionId;
  }

  public UUID executionId() {
    return executionId;
  }
}
