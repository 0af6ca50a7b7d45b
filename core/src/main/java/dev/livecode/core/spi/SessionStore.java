package dev.livecode.core.spi;

import dev.livecode.core.Session;
import dev.livecode.core.SessionNotFoundException;
import dev.livecode.core.SessionUpdate;
import dev.livecode.core.StoreException;
import dev.livecode.core.StoreFullException;
import dev.livecode.core.VersionConflictException;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * Where code sessions live. Implementations are thread-safe and wrap their own failures in
 * {@link StoreException}, keeping the cause.
 *
 * @since 0.1
 */
public interface SessionStore {

  /**
   * Stores a new session (version 1).
   *
   * @throws StoreFullException when a store with a memory budget has no room for it
   */
  void insertSession(Session session);

  Optional<Session> findSession(UUID sessionId);

  /**
   * Applies an autosave atomically: the version grows by exactly one per successful call, and an
   * expected version is checked in the same atomic step (never read-then-write).
   *
   * @throws SessionNotFoundException when there is no such session
   * @throws VersionConflictException when the expected version is not the stored one
   * @throws StoreFullException when a store with a memory budget has no room for a larger source
   */
  Session updateSession(SessionUpdate update, Instant now);
}
