package dev.livecode.sandbox;

import java.time.Duration;
import java.util.Objects;

/**
 * What confines one program: the limits a sandbox holds itself. The output cap is not here: the
 * caller reads the program's pipes and holds it.
 *
 * @param wallTime wall-clock time {@link ConfinedProcess#await} gives the program before it kills
 *     all of it
 * @param cpuTime CPU time (user + system) of the whole program
 * @param memoryBytes memory of the whole program (per process where the host has no memory cgroup)
 * @param maxProcesses processes and threads at once
 * @param maxFileBytes bytes in any one file the program writes
 */
public record SandboxLimits(
    Duration wallTime, Duration cpuTime, long memoryBytes, int maxProcesses, long maxFileBytes) {

  private static final long MIB = 1024L * 1024L;

  /**
   * 5 s of wall and CPU time, 256 MiB, 64 processes, 16 MiB per file: what teaching programs need.
   */
  public static final SandboxLimits DEFAULTS =
      new SandboxLimits(Duration.ofSeconds(5), Duration.ofSeconds(5), 256 * MIB, 64, 16 * MIB);

  public SandboxLimits {
    Objects.requireNonNull(wallTime, "wallTime");
    Objects.requireNonNull(cpuTime, "cpuTime");
    positive("wallTime", wallTime.toMillis());
    positive("cpuTime", cpuTime.toMillis());
    positive("memoryBytes", memoryBytes);
    positive("maxProcesses", maxProcesses);
    positive("maxFileBytes", maxFileBytes);
  }

  private static void positive(String name, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be > 0, was " + value);
    }
  }
}
