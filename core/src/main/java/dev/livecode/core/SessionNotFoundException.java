package dev.livecode.core;

import java.util.Objects;
import java.util.UUID;

/** No code session has the given id. */
public final class SessionNotFoundException extends LivecodeException {
  private static final long serialVersionUID = 1L;
  private final UUID sessionId;

  public SessionNotFoundException(UUID sessionId) {
    super("no code session " + Objects.requireNonNull(sessionId, "sessionId"));
    this.sessionId = sessionId;
  }

  public UUID sessionId() {
    return sessionId;
  }
}
