package dev.livecode.core.spi;

import dev.livecode.core.ExecutionStatus;
import java.util.Objects;
import java.util.UUID;

/** An execution changed status. Live output chunks will travel the same way. */
public record ExecutionEvent(UUID executionId, ExecutionStatus status) {
  public ExecutionEvent {
    Objects.requireNonNull(executionId, "executionId");
    Objects.requireNonNull(status, "status");
  }
}
