package dev.livecode.core;

/** Why an execution ended {@link ExecutionStatus#FAILED}. */
public enum FailureReason {
  RUNTIME_ERROR,
  COMPILE_ERROR,
  MEMORY_LIMIT_EXCEEDED,
  OUTPUT_LIMIT_EXCEEDED,
  SIGNALED,
  INTERRUPTED,
  INTERNAL_ERROR
}
