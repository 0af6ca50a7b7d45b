package dev.livecode.core;

import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * What {@code GET /health} reports.
 *
 * @param up the engine can take work
 * @param isolation the sandbox tier in use
 * @param enforcedLimits the limits really enforced on this host (e.g. memory, processes)
 * @param workers worker threads of this engine (0 in an API-only node)
 * @param queueDepth runs waiting in the queue, when the queue can tell
 * @param liveWorkers worker threads seen alive across all nodes, when the queue can tell
 * @param problem why the engine is not up, or empty
 */
public record EngineStatus(
    boolean up,
    IsolationMode isolation,
    List<String> enforcedLimits,
    int workers,
    OptionalLong queueDepth,
    OptionalLong liveWorkers,
    String problem) {
  public EngineStatus {
    Objects.requireNonNull(isolation, "isolation");
    enforcedLimits = List.copyOf(enforcedLimits);
    Objects.requireNonNull(queueDepth, "queueDepth");
    Objects.requireNonNull(liveWorkers, "liveWorkers");
    Objects.requireNonNull(problem, "problem");
  }
}
