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
 * @param interactive stdin stays open after {@code stdin} for {@link LivecodeEngine#sendStdin}
 *     until {@link LivecodeEngine#closeStdin} or the end of the run; the default wall-clock limit
 *     is then {@link Limits#INTERACTIVE_WALL_TIME} (since 0.4)
 * @param caps caps below the server's for this run (a tenant's, say): each present one lowers the
 *     server's cap, and with it the default, for this run only; a limit asked for above it is
 *     refused as above the server's (since 0.4)
 */
public record RunRequest(
    UUID sessionId,
    String stdin,
    Limits.Overrides limits,
    Optional<String> idempotencyKey,
    boolean interactive,
    Limits.Overrides caps) {

  /** The longest idempotency key accepted. */
  public static final int MAX_IDEMPOTENCY_KEY_LENGTH = 255;

  public RunRequest {
    Objects.requireNonNull(sessionId, "sessionId");
    Objects.requireNonNull(stdin, "stdin");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    Objects.requireNonNull(caps, "caps");
    idempotencyKey.ifPresent(
        key -> {
          if (key.isBlank() || key.length() > MAX_IDEMPOTENCY_KEY_LENGTH) {
            throw new LivecodeException.InvalidRequest(
                "Idempotency-Key must be 1 to " + MAX_IDEMPOTENCY_KEY_LENGTH + " characters");
          }
        });
  }

  /** A run whose stdin is {@code stdin} then end-of-file. */
  public RunRequest(
      UUID sessionId, String stdin, Limits.Overrides limits, Optional<String> idempotencyKey) {
    this(sessionId, stdin, limits, idempotencyKey, false, Limits.Overrides.NONE);
  }

  /** A run held to the server's caps alone. */
  public RunRequest(
      UUID sessionId,
      String stdin,
      Limits.Overrides limits,
      Optional<String> idempotencyKey,
      boolean interactive) {
    this(sessionId, stdin, limits, idempotencyKey, interactive, Limits.Overrides.NONE);
  }

  public static RunRequest of(UUID sessionId) {
    return new RunRequest(
        sessionId, "", Limits.Overrides.NONE, Optional.empty(), false, Limits.Overrides.NONE);
  }

  public RunRequest withStdin(String value) {
    return new RunRequest(sessionId, value, limits, idempotencyKey, interactive, caps);
  }

  public RunRequest withLimits(Limits.Overrides value) {
    return new RunRequest(sessionId, stdin, value, idempotencyKey, interactive, caps);
  }

  public RunRequest withIdempotencyKey(String value) {
    return new RunRequest(sessionId, stdin, limits, Optional.of(value), interactive, caps);
  }

  /**
   * @since 0.4
   */
  public RunRequest withInteractive(boolean value) {
    return new RunRequest(sessionId, stdin, limits, idempotencyKey, value, caps);
  }

  /**
   * @since 0.4
   */
  public RunRequest withCaps(Limits.Overrides value) {
    return new RunRequest(sessionId, stdin, limits, idempotencyKey, interactive, value);
  }
}
