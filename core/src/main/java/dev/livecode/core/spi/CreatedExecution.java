package dev.livecode.core.spi;

import dev.livecode.core.Execution;
import java.util.Objects;

/** The execution a run request maps to, and whether this request created it. */
public record CreatedExecution(Execution execution, boolean created) {
  public CreatedExecution {
    Objects.requireNonNull(execution, "execution");
  }
}
