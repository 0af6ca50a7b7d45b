package dev.livecode.core.spi;

import dev.livecode.core.Limits;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/** What the engine asks the store to create when Run is pressed. */
public record NewExecution(
    UUID id,
    UUID sessionId,
    String stdin,
    Limits limits,
    Optional<String> idempotencyKey,
    Instant queuedAt) {
  public NewExecution {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(sessionId, "sessionId");
    Objects.requireNonNull(stdin, "stdin");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    Objects.requireNonNull(queuedAt, "queuedAt");
  }
}
