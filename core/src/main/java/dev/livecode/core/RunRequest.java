package dev.livecode.core;

import dev.livecode.core.exception.LivecodeException;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * A press of Run.
 *
 * @param sessionId the session whose saved source runs
 * @param stdin standard input for the program
 * @param limits limits asked for, each up to the server's cap
 * @param idempotencyKey the same key for the same session returns the same execution
 */
public record RunRequest(
    UUID sessionId, String stdin, Limits.Overrides limits, Optional<String> idempotencyKey) {

  /** The longest idempotency key accepted. */
  public static final int MAX_IDEMPOTENCY_KEY_LENGTH = 255;

  public RunRequest {
    Objects.requireNonNull(sessionId, "sessionId");
    Objects.requireNonNull(stdin, "stdin");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    idempotencyKey.ifPresent(
        key -> {
          if (key.isBlank() || key.length() > MAX_IDEMPOTENCY_KEY_LENGTH) {
            throw new LivecodeException.InvalidRequest(
                "Idempotency-Key must be 1 to " + MAX_IDEMPOTENCY_KEY_LENGTH + " characters");
          }
        });
  }

  public static RunRequest of(UUID sessionId) {
    return new RunRequest(sessionId, "", Limits.Overrides.NONE, Optional.empty());
  }

  public RunRequest withStdin(String value) {
    return new RunRequest(sessionId, value, limits, idempotencyKey);
  }

  public RunRequest withLimits(Limits.Overrides value) {
    return new RunRequest(sessionId, stdin, value, idempotencyKey);
  }

  public RunRequest withIdempotencyKey(String value) {
    return new RunRequest(sessionId, stdin, limits, Optional.of(value));
  }
}
