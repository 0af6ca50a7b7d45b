package dev.livecode.core.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The ids of the latest evicted executions, so that reading one answers "evicted" rather than
 * "unknown", each with its session, whose owner is the execution's: another tenant must get the
 * answer for an unknown id. Bounded, because evictions never stop: past {@code capacity} the oldest
 * is forgotten.
 */
final class EvictedIds {
  /** Heap per remembered id: the UUID, its linked map entry and the session's UUID. */
  static final long BYTES_PER_ID = 128;

  private final Map<UUID, UUID> sessions;

  EvictedIds(int capacity) {
    this.sessions =
        new LinkedHashMap<>(16, 0.75f, false) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<UUID, UUID> eldest) {
            return size() > capacity;
          }
        };
  }

  synchronized void add(UUID id, UUID sessionId) {
    sessions.put(id, sessionId);
  }

  synchronized boolean contains(UUID id) {
    return sessions.containsKey(id);
  }

  synchronized Optional<UUID> sessionOf(UUID id) {
    return Optional.ofNullable(sessions.get(id));
  }
}
