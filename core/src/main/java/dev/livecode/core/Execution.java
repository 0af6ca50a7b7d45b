package dev.livecode.core;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
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
    Optional<Result> result) {

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
      throw new IllegalArgumentException("status " + status + " differs from the result's " + result.get().status());
    }
    if (status.isFinal() && result.isEmpty()) {
      throw new IllegalArgumentException("a " + status + " execution needs a result");
    }
  }

  public boolean isFinished() {
    return status.isFinal();
  }

  public Execution running(Instant at) {
    return new Execution(id, sessionId, language, sourceCode, stdin, limits, idempotencyKey,
        Status.RUNNING, queuedAt, Optional.of(at), Optional.empty());
  }

  public Execution finished(Result outcome) {
    return new Execution(id, sessionId, language, sourceCode, stdin, limits, idempotencyKey,
        outcome.status(), queuedAt, startedAt, Optional.of(outcome));
  }
}
