package dev.livecode.http;

import java.time.Duration;
import java.util.Set;

/**
 * Where the server counts what each tenant uses against its {@link Authenticator.Quota}. The
 * server's own keeps the counts in its memory; servers that share one implemented on a shared store
 * (Redis) hold each tenant to its quota across all of them. Each operation must be atomic across
 * everything that shares the counters.
 *
 * @since 0.4
 */
public interface QuotaCounters {

  /**
   * Counts one hit on {@code key} in the current window of length {@code window}, unless the window
   * already has {@code limit} hits.
   */
  Window hit(String key, int limit, Duration window);

  /**
   * Adds {@code member} to the set {@code key} unless the set already holds {@code limit} others.
   *
   * @return whether {@code member} is in the set now
   */
  boolean reserve(String key, String member, int limit);

  /** Removes {@code member} from the set {@code key}, if it is there. */
  void release(String key, String member);

  /** The members of the set {@code key}. */
  Set<String> members(String key);

  /**
   * The outcome of a {@link #hit}.
   *
   * @param admitted whether the hit was counted (the window was below its limit)
   * @param count hits in the window, this one included when admitted
   * @param reset time until the window ends
   */
  record Window(boolean admitted, long count, Duration reset) {}
}
