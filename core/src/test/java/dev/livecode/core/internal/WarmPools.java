package dev.livecode.core.internal;

import dev.livecode.core.LivecodeEngine;

/** Test access to an engine's warm pools from other test packages. */
public final class WarmPools {
  private WarmPools() {}

  /**
   * True when {@code language} has no pool, or its pool holds as many waiting processes as
   * configured.
   */
  public static boolean full(LivecodeEngine engine, String language) {
    DefaultEngine defaults = (DefaultEngine) engine;
    int ready = defaults.warmReady(language);
    return ready < 0 || ready == defaults.warmSize(language);
  }

  /** Runs of {@code language} that took a warm process; -1 without a pool. */
  public static long taken(LivecodeEngine engine, String language) {
    return ((DefaultEngine) engine).warmTaken(language);
  }
}
