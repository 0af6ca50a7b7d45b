package dev.livecode.core;

import dev.livecode.sandbox.Isolation;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * What {@code GET /health} reports.
 *
 * @param up the engine can take work
 * @param isolation the sandbox tier in use
 * @param enforcedLimits the limits really enforced on this host (e.g. memory, processes)
 * @param protections what else confines programs here: {@code namespaces}, {@code seccomp}, {@code
 *     no_new_privs}, {@code own_uid} (each program under a host uid of its own, never root), {@code
 *     no_user_namespaces}
 * @param sandboxGaps what the tier would give but this host does not, in words (e.g. why there is
 *     no seccomp filter); empty when nothing is missing
 * @param workers worker threads of this engine (0 in an API-only node)
 * @param queueDepth runs waiting in the queue, when the queue can tell
 * @param liveWorkers worker threads seen alive across all nodes, when the queue can tell
 * @param problem why the engine is not up, or empty
 */
public record EngineStatus(
    boolean up,
    Isolation isolation,
    List<String> enforcedLimits,
    List<String> protections,
    List<String> sandboxGaps,
    int workers,
    OptionalLong queueDepth,
    OptionalLong liveWorkers,
    String problem) {
  public EngineStatus {
    Objects.requireNonNull(isolation, "isolation");
    enforcedLimits = List.copyOf(enforcedLimits);
    protections = List.copyOf(protections);
    sandboxGaps = List.copyOf(sandboxGaps);
    Objects.requireNonNull(queueDepth, "queueDepth");
    Objects.requireNonNull(liveWorkers, "liveWorkers");
    Objects.requireNonNull(problem, "problem");
  }
}
