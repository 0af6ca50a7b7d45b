package dev.livecode.core;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;

/**
 * One run of a session's source, as snapshotted when Run was pressed.
 *
 * @param id the execution id
 * @param sessionId the session it ran
 * @param language the canonical language id at run time
 * @param sourceCode the source as saved at the moment of the run request
 * @param stdin what the program reads on standard input
 * @param limits the effective limits
 * @param idempotencyKey the client's key that makes retried run requests safe
 * @param status where it is now
 * @param queuedAt when it was accepted
 * @param startedAt when a worker started it
 * @param result how it ended, once it has
 * @param interactive its stdin stays open after {@code stdin} for {@link LivecodeEngine#sendStdin}
 *     (since 0.4)
 */
public record Execution(
    UUID id,
    UUID sessionId,
    String language,
    String sourceCode,
    String stdin,
    Limits limits,
    Optional<String> idempotencyKey,
    Status status,
    Instant queuedAt,
    Optional<Instant> startedAt,
    Optional<Result> result,
    boolean interactive) {

  /** An execution whose stdin is what it was given: not interactive. */
  public Execution(
      UUID id,
      UUID sessionId,
      String language,
      String sourceCode,
      String stdin,
      Limits limits,
      Optional<String> idempotencyKey,
      Status status,
      Instant queuedAt,
      Optional<Instant> startedAt,
      Optional<Result> result) {
    this(
        id,
        sessionId,
        language,
        sourceCode,
        stdin,
        limits,
        idempotencyKey,
        status,
        queuedAt,
        startedAt,
        result,
        false);
  }

  public Execution {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(sessionId, "sessionId");
    Objects.requireNonNull(language, "language");
    Objects.requireNonNull(sourceCode, "sourceCode");
    Objects.requireNonNull(stdin, "stdin");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(queuedAt, "queuedAt");
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(result, "result");
    if (result.isPresent() && result.get().status() != status) {
      throw new IllegalArgumentException(
          "status " + status + " differs from the result's " + result.get().status());
    }
    if (status.isFinal() && result.isEmpty()) {
      throw new IllegalArgumentException("a " + status + " execution needs a result");
    }
  }

  public boolean isFinished() {
    return status.isFinal();
  }

  public Execution running(Instant at) {
    return new Execution(
        id,
        sessionId,
        language,
        sourceCode,
        stdin,
        limits,
        idempotencyKey,
        Status.RUNNING,
        queuedAt,
        Optional.of(at),
        Optional.empty(),
        interactive);
  }

  public Execution finished(Result outcome) {
    return new Execution(
        id,
        sessionId,
        language,
        sourceCode,
        stdin,
        limits,
        idempotencyKey,
        outcome.status(),
        queuedAt,
        startedAt,
        Optional.of(outcome),
        interactive);
  }

  /** Where an execution is in its life. QUEUED and RUNNING are the only unfinished states. */
  public enum Status {
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

  /**
   * How an execution ended. Timeouts, non-zero exits, memory kills and truncated output are data
   * here, never exceptions.
   *
   * @param status a final status
   * @param stdout what the program wrote to stdout, up to the output cap
   * @param stderr what it wrote to stderr, up to the cap (plus {@code Execution Timed Out} on
   *     timeout)
   * @param exitCode the exit code, when the program exited on its own
   * @param signal the signal that killed it, when one did
   * @param failureReason why it FAILED
   * @param stdoutTruncated stdout went past the cap and was cut
   * @param stderrTruncated stderr went past the cap and was cut
   * @param executionTime the program's own wall time, start to exit
   * @param finishedAt when the result was made
   */
  public record Result(
      Status status,
      String stdout,
      String stderr,
      OptionalInt exitCode,
      OptionalInt signal,
      Optional<FailureReason> failureReason,
      boolean stdoutTruncated,
      boolean stderrTruncated,
      Duration executionTime,
      Instant finishedAt) {

    public Result {
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
      if (failureReason.isPresent() != (status == Status.FAILED)) {
        throw new IllegalArgumentException(
            "failureReason goes with FAILED and only with it: " + status + "/" + failureReason);
      }
    }

    /** A result for a run that never got to start a program (internal error, interruption). */
    public static Result failedWithoutRun(FailureReason reason, String stderr, Instant at) {
      return new Result(
          Status.FAILED,
          "",
          stderr,
          OptionalInt.empty(),
          OptionalInt.empty(),
          Optional.of(reason),
          false,
          false,
          Duration.ZERO,
          at);
    }
  }

  /**
   * What a running execution has written so far, as its live events have it: the chunks after the
   * last restart, joined.
   *
   * @since 0.4
   */
  public record Output(String stdout, String stderr) {
    public Output {
      Objects.requireNonNull(stdout, "stdout");
      Objects.requireNonNull(stderr, "stderr");
    }
  }

  /**
   * One event of an execution's live sequence: its status changes, the chunks of its output as the
   * program wrote them, and its end. The events of one execution are numbered from 1 with no gap,
   * all kinds in one sequence, so one number says how far a subscriber has got. The {@link
   * Kind#STDOUT} chunks joined are exactly the final {@link Result#stdout()} (likewise stderr),
   * truncation and the timeout line included, counted from the last {@link Kind#STATUS} event that
   * says {@code restarted}.
   *
   * @param sequence this event's number, from 1
   * @param kind what it says
   * @param status for STATUS, the new status; for DONE, the final one
   * @param restarted for STATUS RUNNING, the run was started again (its worker died): the output
   *     before this event does not count
   * @param text for STDOUT and STDERR, the chunk; empty otherwise
   * @param execution for DONE, the execution as it ended
   * @since 0.4
   */
  public record Event(
      long sequence,
      Kind kind,
      Status status,
      boolean restarted,
      String text,
      Optional<Execution> execution) {

    public Event {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(status, "status");
      Objects.requireNonNull(text, "text");
      Objects.requireNonNull(execution, "execution");
      if (sequence < 1) {
        throw new IllegalArgumentException("sequence must be >= 1, was " + sequence);
      }
      if (execution.isPresent() != (kind == Kind.DONE)) {
        throw new IllegalArgumentException("an execution goes with DONE and only with it: " + kind);
      }
      if (kind == Kind.DONE && !status.isFinal()) {
        throw new IllegalArgumentException("DONE needs a final status, was " + status);
      }
    }

    public static Event status(long sequence, Status status, boolean restarted) {
      return new Event(sequence, Kind.STATUS, status, restarted, "", Optional.empty());
    }

    /** A chunk of stdout or stderr; {@code status} is RUNNING. */
    public static Event output(long sequence, Kind stream, String text) {
      if (stream != Kind.STDOUT && stream != Kind.STDERR) {
        throw new IllegalArgumentException("output is STDOUT or STDERR, was " + stream);
      }
      return new Event(sequence, stream, Status.RUNNING, false, text, Optional.empty());
    }

    public static Event done(long sequence, Execution ended) {
      return new Event(sequence, Kind.DONE, ended.status(), false, "", Optional.of(ended));
    }

    /** What an event says. */
    public enum Kind {
      STATUS,
      STDOUT,
      STDERR,
      /** The last event: the execution has ended. */
      DONE
    }
  }

  /** Why an execution ended {@link Status#FAILED}. */
  public enum FailureReason {
    RUNTIME_ERROR,
    COMPILE_ERROR,
    MEMORY_LIMIT_EXCEEDED,
    OUTPUT_LIMIT_EXCEEDED,
    SIGNALED,
    INTERRUPTED,
    INTERNAL_ERROR
  }
}
