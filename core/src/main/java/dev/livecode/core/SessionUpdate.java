package dev.livecode.core;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * An autosave: new source and/or language, optionally only if the stored version is still
 * {@code expectedVersion}.
 */
public record SessionUpdate(
    UUID sessionId,
    Optional<String> sourceCode,
    Optional<String> language,
    OptionalLong expectedVersion) {

  public SessionUpdate {
    Objects.requireNonNull(sessionId, "sessionId");
    Objects.requireNonNull(sourceCode, "sourceCode");
    Objects.requireNonNull(language, "language");
    Objects.requireNonNull(expectedVersion, "expectedVersion");
  }

  /** An unconditional save of new source. */
  public static SessionUpdate source(UUID sessionId, String sourceCode) {
    return new SessionUpdate(
        sessionId, Optional.of(sourceCode), Optional.empty(), OptionalLong.empty());
  }

  public SessionUpdate withLanguage(String language) {
    return new SessionUpdate(sessionId, sourceCode, Optional.of(language), expectedVersion);
  }

  public SessionUpdate withExpectedVersion(long version) {
    return new SessionUpdate(sessionId, sourceCode, language, OptionalLong.of(version));
  }
}
