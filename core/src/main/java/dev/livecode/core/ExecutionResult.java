package dev.livecode.core;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * How an execution ended. Timeouts, non-zero exits, memory kills and truncated output are data
 * here, never exceptions.
 *
 * @param status a final status
 * @param stdout what the program wrote to stdout, up to the output cap
 * @param stderr what it wrote to stderr, up to the cap (plus {@code Execution Timed Out} on timeout)
 * @param exitCode the exit code, when the program exited on its own
 * @param signal the signal that killed it, when one did
 * @param failureReason why it FAILED
 * @param stdoutTruncated stdout went past the cap and was cut
 * @param stderrTruncated stderr went past the cap and was cut
 * @param executionTime the program's own wall time, start to exit
 * @param finishedAt when the result was made
 */
public record ExecutionResult(
    ExecutionStatus status,
    String stdout,
    String stderr,
    OptionalInt exitCode,
    OptionalInt signal,
    Optional<FailureReason> failureReason,
    boolean stdoutTruncated,
    boolean stderrTruncated,
    Duration executionTime,
    Instant finishedAt) {

  public ExecutionResult {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(stdout, "stdout");
    Objects.requireNonNull(stderr, "stderr");
    Objects.requireNonNull(exitCode, "exitCode");
    Objects.requireNonNull(signal, "signal");
    Objects.requireNonNull(failureReason, "failureReason");
    Objects.requireNonNull(executionTime, "executionTime");
    Objects.requireNonNull(finishedAt, "finishedAt");
    if (!status.isFinal()) {
      throw new IllegalArgumentException("a result needs a final status, was " + status);
    }
    if (failureReason.isPresent() != (status == ExecutionStatus.FAILED)) {
      throw new IllegalArgumentException("failureReason goes with FAILED and only with it: " + status + "/" + failureReason);
    }
  }

  /** A result for a run that never got to start a program (internal error, interruption). */
  public static ExecutionResult failedWithoutRun(FailureReason reason, String stderr, Instant at) {
    return new ExecutionResult(
        ExecutionStatus.FAILED, "", stderr, OptionalInt.empty(), OptionalInt.empty(),
        Optional.of(reason), false, false, Duration.ZERO, at);
  }
}
