package dev.livecode.sandbox;

import dev.livecode.sandbox.internal.Sandboxes;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One cpu cgroup for an engine's helper processes on the host (a runner's transpilers: they parse
 * text and run no user code, so they need no sandbox): at most one core for all of them together,
 * so a source that sends a parser into exponential time costs that core, never the ones the runs
 * need. Where the host offers no writable cpu cgroup (not root, no delegated v2 subtree), helpers
 * run uncapped and the log says so once.
 */
public interface HelperCpuGroup extends AutoCloseable {

  /** The group of a new engine, or an uncapped stand-in where the host offers none. */
  static HelperCpuGroup create(String engineName) {
    return Sandboxes.helperCpuGroup(engineName);
  }

  /** The group's directory, when there is one. */
  Optional<Path> directory();

  /**
   * Moves a live process (every thread of it) into the group; false when it is gone or there is no
   * group.
   */
  boolean confine(ProcessHandle process);

  /** Removes the group once its helpers (stopped by their owners) have left it. */
  @Override
  void close();
}
