package dev.livecode.core.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The ids of the latest evicted executions, so that reading one answers "evicted" rather than
 * "unknown". Bounded, because evictions never stop: past {@code capacity} the oldest is forgotten.
 */
final class EvictedIds {
  /** Heap per remembered id: the UUID and its linked map entry. */
  static final long BYTES_PER_ID = 96;

  private final Map<UUID, Boolean> ids;

  EvictedIds(int capacity) {
    this.ids =
        new LinkedHashMap<>(16, 0.75f, false) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<UUID, Boolean> eldest) {
            return size() > capacity;
          }
        };
  }

  synchronized void add(UUID id) {
    ids.put(id, Boolean.TRUE);
  }

  synchronized boolean contains(UUID id) {
    return ids.containsKey(id);
  }
}
