package dev.livecode.core;

import java.util.UUID;

/** An autosave named an expected version that is no longer the stored one. */
public final class VersionConflictException extends LivecodeException {
  private static final long serialVersionUID = 1L;
  private final UUID sessionId;
  private final long expectedVersion;
  private final long currentVersion;

  public VersionConflictException(UUID sessionId, long expectedVersion, long currentVersion) {
    super("code session " + sessionId + " is at version " + currentVersion + ", not "
        + expectedVersion + "; reload it and apply the change again");
    this.sessionId = sessionId;
    this.expectedVersion = expectedVersion;
    this.currentVersion = currentVersion;
  }

  public UUID sessionId() {
    return sessionId;
  }

  public long expectedVersion() {
    return expectedVersion;
  }

  public long currentVersion() {
    return currentVersion;
  }
}
