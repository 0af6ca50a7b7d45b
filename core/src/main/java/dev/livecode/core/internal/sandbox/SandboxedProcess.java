package dev.livecode.core.internal.sandbox;

/** A started program and the means to end all of it. */
public interface SandboxedProcess extends AutoCloseable {

  /** The process the JVM started (its stdin/stdout/stderr are the program's). */
  Process process();

  /** Kills every process of this program, including children that left its process group. */
  void killAll();

  /** True when the program hit its memory limit (from the cgroup's OOM counter, not a guess). */
  default boolean memoryLimitHit() {
    return false;
  }

  /** True when the program used up its CPU-time limit. */
  default boolean cpuLimitHit() {
    return false;
  }

  /**
   * True when the sandbox itself could not set the program up (a mount or namespace failure),
   * so the exit code and stderr are the sandbox's, not the program's: an INTERNAL_ERROR.
   */
  default boolean sandboxFailed() {
    return false;
  }

  /** Kills what is left and releases the program's cgroup; harmless when called twice. */
  @Override
  void close();
}
