package dev.livecode.core.spi;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a runner found at start.
 *
 * @param available the language can run here
 * @param version the interpreter's version (e.g. {@code 3.11.7}), or {@code unknown}
 * @param executable the resolved interpreter (no shims, no PATH lookup per run)
 * @param readOnlyPaths host directories the program needs to see read-only inside the sandbox
 *     (e.g. an interpreter installed outside /usr); nothing more is exposed
 * @param unavailableReason why it is not available
 */
public record RunnerProbe(
    boolean available,
    String version,
    Optional<Path> executable,
    List<Path> readOnlyPaths,
    Optional<String> unavailableReason) {

  public RunnerProbe {
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(executable, "executable");
    readOnlyPaths = List.copyOf(readOnlyPaths);
    Objects.requireNonNull(unavailableReason, "unavailableReason");
  }

  public static RunnerProbe available(String version, Path executable, List<Path> readOnlyPaths) {
    return new RunnerProbe(true, version, Optional.of(executable), readOnlyPaths, Optional.empty());
  }

  public static RunnerProbe unavailable(String reason) {
    return new RunnerProbe(false, "unknown", Optional.empty(), List.of(), Optional.of(reason));
  }

  /** The executable; only call on an available probe. */
  public Path requireExecutable() {
    return executable.orElseThrow(() -> new IllegalStateException("runner is unavailable: " + unavailableReason.orElse("")));
  }
}
