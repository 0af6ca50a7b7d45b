package dev.livecode.core.spi;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * @param waiting jobs not yet taken by a worker
 * @param inFlight jobs taken and not yet acknowledged
 * @param liveWorkers workers seen alive recently across all nodes, when the queue can tell
 */
public record QueueStats(long waiting, long inFlight, OptionalLong liveWorkers) {
  public QueueStats {
    Objects.requireNonNull(liveWorkers, "liveWorkers");
  }
}
