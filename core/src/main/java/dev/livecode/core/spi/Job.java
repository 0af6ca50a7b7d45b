package dev.livecode.core.spi;

import java.util.Objects;
import java.util.UUID;

/** A queued run: the execution to perform. Everything else is in the store. */
public record Job(UUID executionId) {
  public Job {
    Objects.requireNonNull(executionId, "executionId");
  }
}
