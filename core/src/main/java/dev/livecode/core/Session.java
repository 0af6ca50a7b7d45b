package dev.livecode.core;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * A code session: one program in one language that an editor autosaves.
 *
 * @param id the session id
 * @param owner who owns it (a tenant); {@link #ANONYMOUS} when it was created without one
 * @param language the canonical language id
 * @param sourceCode the source as last saved
 * @param version starts at 1 and grows by one with every save
 * @param createdAt when it was created
 * @param updatedAt when it was last saved
 */
public record Session(
    UUID id,
    String owner,
    String language,
    String sourceCode,
    long version,
    Instant createdAt,
    Instant updatedAt) {

  /** The owner of sessions created without an identity. */
  public static final String ANONYMOUS = "anonymous";

  /** The longest owner a store keeps. */
  public static final int MAX_OWNER_LENGTH = 255;

  public Session {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(owner, "owner");
    if (owner.isBlank() || owner.length() > MAX_OWNER_LENGTH) {
      throw new IllegalArgumentException(
          "owner must be 1 to " + MAX_OWNER_LENGTH + " characters, not blank");
    }
    Objects.requireNonNull(language, "language");
    Objects.requireNonNull(sourceCode, "sourceCode");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
    if (version < 1) {
      throw new IllegalArgumentException("version must be >= 1, was " + version);
    }
  }

  /**
   * An autosave: new source and/or language, optionally only if the stored version is still {@code
   * expectedVersion}.
   */
  public record Update(
      UUID sessionId,
      Optional<String> sourceCode,
      Optional<String> language,
      OptionalLong expectedVersion) {

    public Update {
      Objects.requireNonNull(sessionId, "sessionId");
      Objects.requireNonNull(sourceCode, "sourceCode");
      Objects.requireNonNull(language, "language");
      Objects.requireNonNull(expectedVersion, "expectedVersion");
    }

    /** An unconditional save of new source. */
    public static Update source(UUID sessionId, String sourceCode) {
      return new Update(sessionId, Optional.of(sourceCode), Optional.empty(), OptionalLong.empty());
    }

    public Update withLanguage(String language) {
      return new Update(sessionId, sourceCode, Optional.of(language), expectedVersion);
    }

    public Update withExpectedVersion(long version) {
      return new Update(sessionId, sourceCode, language, OptionalLong.of(version));
    }
  }
}
