package dev.livecode.core.spi;

/**
 * Where a runner's own long-lived helper processes go: processes it keeps on the host, outside
 * any run's sandbox, because they run no user code but only read user text (a warm transpiler, a
 * language server). Reading text can still be made to take exponential time, so the engine puts
 * every runner's helpers into one group whose CPU it caps (one core, in a cgroup, where the host
 * offers one), apart from the runs. Handed to a runner once, in
 * {@link LanguageRunner#probe(RunnerSettings, HelperProcesses)}; thread-safe.
 *
 * @since 0.3
 */
@FunctionalInterface
public interface HelperProcesses {

  /**
   * Moves a started helper process, with all its threads, into the helpers' group; what it
   * starts later is in the group too. A runner may let a helper start first (load its code) and
   * confine it before it reads any user text, so that a helper's start does not queue behind the
   * helpers it is meant to relieve.
   *
   * @return true when the process is now CPU-capped; false when this host gives helpers no group
   *     (they run uncapped) or the process is gone
   */
  boolean confine(ProcessHandle process);

  /** Helpers left where they are started (no cgroup on this host; tests; a runner probed alone). */
  static HelperProcesses uncapped() {
    return process -> false;
  }
}
