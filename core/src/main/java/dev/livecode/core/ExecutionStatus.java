package dev.livecode.core;

/** Where an execution is in its life. QUEUED and RUNNING are the only unfinished states. */
public enum ExecutionStatus {
  QUEUED,
  RUNNING,
  COMPLETED,
  FAILED,
  TIMEOUT,
  CANCELLED;

  /** True once the execution has ended and can no longer change. */
  public boolean isFinal() {
    return this != QUEUED && this != RUNNING;
  }
}
