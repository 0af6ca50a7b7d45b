package dev.livecode.testing;

import dev.livecode.core.spi.ExecutionEvents;

/** The in-process default meets the events contract, and the contract is sound. */
class LocalEventsTest extends ExecutionEventsContract {
  @Override
  protected ExecutionEvents newEvents() {
    return ExecutionEvents.local();
  }

  /** Each {@code local()} is a medium of its own: one engine's waiters and workers. */
  @Override
  protected boolean handlesShareEvents() {
    return false;
  }
}
