package dev.livecode.core;

import dev.livecode.sandbox.Isolation;
import java.util.List;
import java.util.Map;
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
 * @param pools the pool of each language that has one (warm interpreters or ready sandboxes; see
 *     {@link LivecodeBuilder#warmPool} and {@link LivecodeBuilder#readySandboxes}), by language id;
 *     empty on an engine without workers. Read from the engine: {@code GET /health} leaves it out
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
    String problem,
    Map<String, Pool> pools) {
  public EngineStatus {
    Objects.requireNonNull(isolation, "isolation");
    enforcedLimits = List.copyOf(enforcedLimits);
    protections = List.copyOf(protections);
    sandboxGaps = List.copyOf(sandboxGaps);
    Objects.requireNonNull(queueDepth, "queueDepth");
    Objects.requireNonNull(liveWorkers, "liveWorkers");
    Objects.requireNonNull(problem, "problem");
    pools = Map.copyOf(pools);
  }

  /**
   * One language's pool at the moment of {@link LivecodeEngine#status()}: how full it is, and how
   * many runs it has served. A pool refills a little after each run it serves, so {@link #full()}
   * right after a run is normally false; an operator sees a pool that never fills (a broken warm
   * command) as {@code waiting} staying below {@code size}.
   *
   * @param size how many processes the pool keeps waiting when full
   * @param waiting how many are waiting now
   * @param taken runs so far that took a waiting process, or one forked for them when none waited,
   *     instead of starting cold
   * @since 0.2
   */
  public record Pool(int size, int waiting, long taken) {
    /** Every process the pool keeps is waiting: the next run with the default limits takes one. */
    public boolean full() {
      return waiting >= size;
    }
  }
}
