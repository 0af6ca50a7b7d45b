package dev.livecode.http.internal;

import dev.livecode.http.QuotaCounters;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The counters of one server, in its memory: windows aligned to the clock, sets of members. Small
 * and coarse-locked: a quota check is one map operation beside a run that takes milliseconds.
 */
public final class MemoryQuotaCounters implements QuotaCounters {
  private final LongSupplier millis;
  private final Map<String, long[]> windows = new HashMap<>();
  private final Map<String, Set<String>> sets = new HashMap<>();

  public MemoryQuotaCounters() {
    this(System::currentTimeMillis);
  }

  MemoryQuotaCounters(LongSupplier millis) {
    this.millis = millis;
  }

  @Override
  public synchronized Window hit(String key, int limit, Duration window) {
    long now = millis.getAsLong();
    long length = Math.max(1, window.toMillis());
    long index = now / length;
    Duration reset = Duration.ofMillis(length - now % length);
    // Forget ended windows as they are met, so that the map holds one entry per active key.
    windows.values().removeIf(w -> w[0] < index - 1);
    long[] current = windows.computeIfAbsent(key + '\u0000' + length, k -> new long[] {index, 0});
    if (current[0] != index) {
      current[0] = index;
      current[1] = 0;
    }
    if (current[1] >= limit) {
      return new Window(false, current[1], reset);
    }
    current[1]++;
    return new Window(true, current[1], reset);
  }

  @Override
  public synchronized boolean reserve(String key, String member, int limit) {
    Set<String> set = sets.computeIfAbsent(key, k -> new HashSet<>());
    if (set.contains(member)) {
      return true;
    }
    if (set.size() >= limit) {
      return false;
    }
    return set.add(member);
  }

  @Override
  public synchronized void release(String key, String member) {
    Set<String> set = sets.get(key);
    if (set != null && set.remove(member) && set.isEmpty()) {
      sets.remove(key);
    }
  }

  @Override
  public synchronized Set<String> members(String key) {
    return Set.copyOf(sets.getOrDefault(key, Set.of()));
  }
}
