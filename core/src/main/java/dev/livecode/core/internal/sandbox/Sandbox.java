package dev.livecode.core.internal.sandbox;

import dev.livecode.core.IsolationMode;
import dev.livecode.core.Limits;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Starts one program confined to its workspace under its limits. Implementations decide how
 * (bubblewrap, unshare, a plain subprocess) and which limits they can really hold on this host.
 */
public interface Sandbox extends AutoCloseable {

  /** The tier this sandbox gives. */
  IsolationMode tier();

  /** Names of the limits really enforced here: wall_time, cpu_time, memory, processes, file_size, output. */
  List<String> enforcedLimits();

  /**
   * What confines programs here besides the limits: {@code namespaces}, {@code seccomp},
   * {@code own_uid} (each program under a host uid of its own, never root),
   * {@code no_user_namespaces}.
   */
  default List<String> protections() {
    return List.of();
  }

  /** What this tier would give but this host does not, each in words (e.g. why there is no seccomp filter). */
  default List<String> gaps() {
    return List.of();
  }

  /**
   * Starts the program. The process's stdin, stdout and stderr are pipes. The caller owns the
   * returned handle and must close it.
   *
   * @throws IOException when the sandbox could not start the program (an INTERNAL_ERROR)
   */
  SandboxedProcess start(LaunchSpec spec) throws IOException;

  /**
   * Why this tier cannot show the program these host paths (a runner's read-only paths), or empty
   * when it can. Checked once at start, so that a language this tier cannot run is reported
   * unavailable instead of failing every run.
   */
  default Optional<String> unreachable(List<Path> readOnlyPaths) {
    return Optional.empty();
  }

  /**
   * Lets the sandbox prepare, ahead of time, up to {@code launches} starts of programs with
   * {@code limits} (the engine's defaults), where it can make them faster that way. Called once,
   * before the first {@link #start}.
   */
  default void prepare(Limits limits, int launches) {}

  @Override
  default void close() {}
}
