package dev.livecode.core.internal;

import dev.livecode.core.spi.LanguageRunner;
import dev.livecode.sandbox.HelperCpuGroup;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The cgroup of one engine's runner helpers, as runners see it (see {@link
 * LanguageRunner.HelperProcesses}): at most one core for all of them together. The sandbox makes
 * and removes the group ({@link HelperCpuGroup}); this only hands it to the runners.
 */
public final class HelperGroup implements LanguageRunner.HelperProcesses, AutoCloseable {
  private final HelperCpuGroup group;

  private HelperGroup(HelperCpuGroup group) {
    this.group = group;
  }

  /** The group of a new engine, or an uncapped stand-in where the host offers none. */
  public static HelperGroup create(String engineName) {
    return new HelperGroup(HelperCpuGroup.create(engineName));
  }

  /** The group's directory, when there is one (for tests). */
  public Optional<Path> directory() {
    return group.directory();
  }

  @Override
  public boolean confine(ProcessHandle process) {
    return group.confine(process);
  }

  /** Removes the group once its helpers (stopped by their runners) have left it. */
  @Override
  public void close() {
    group.close();
  }
}
