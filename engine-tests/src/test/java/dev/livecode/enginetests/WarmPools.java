package dev.livecode.enginetests;

import dev.livecode.core.EngineStatus;
import dev.livecode.core.LivecodeEngine;

/** An engine's pools as the tests wait on them, read through {@link LivecodeEngine#status()}. */
final class WarmPools {
  private WarmPools() {}

  /**
   * True when {@code language} has no pool, or its pool holds as many waiting processes as
   * configured.
   */
  static boolean full(LivecodeEngine engine, String language) {
    EngineStatus.Pool pool = engine.status().pools().get(language);
    return pool == null || pool.full();
  }

  /** Runs of {@code language} that took a warm process; -1 without a pool. */
  static long taken(LivecodeEngine engine, String language) {
    EngineStatus.Pool pool = engine.status().pools().get(language);
    return pool == null ? -1 : pool.taken();
  }
}
