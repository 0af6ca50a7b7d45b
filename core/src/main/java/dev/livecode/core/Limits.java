package dev.livecode.core;

import java.time.Duration;
import java.util.Objects;

/**
 * The resource limits of one execution.
 *
 * @param wallTime wall-clock time from start to kill
 * @param cpuTime CPU time (user + system) of the whole program
 * @param memoryBytes memory of the whole program
 * @param maxProcesses processes and threads at once
 * @param maxFileBytes bytes in any one file the program writes
 * @param maxOutputBytes bytes kept of stdout, and of stderr; the rest is cut and flagged
 */
public record Limits(
    Duration wallTime,
    Duration cpuTime,
    long memoryBytes,
    int maxProcesses,
    long maxFileBytes,
    long maxOutputBytes) {

  private static final long MIB = 1024L * 1024L;

  /** The defaults of the original service: 5 s wall, and sizes that suit teaching programs. */
  public static final Limits DEFAULTS =
      new Limits(Duration.ofSeconds(5), Duration.ofSeconds(5), 256 * MIB, 64, 16 * MIB, MIB);

  /** The default caps a run request may ask for at most. */
  public static final Limits DEFAULT_CAPS =
      new Limits(Duration.ofSeconds(30), Duration.ofSeconds(30), 1024 * MIB, 256, 256 * MIB, 8 * MIB);

  public Limits {
    Objects.requireNonNull(wallTime, "wallTime");
    Objects.requireNonNull(cpuTime, "cpuTime");
    positive("wallTime", wallTime.toMillis());
    positive("cpuTime", cpuTime.toMillis());
    positive("memoryBytes", memoryBytes);
    positive("maxProcesses", maxProcesses);
    positive("maxFileBytes", maxFileBytes);
    positive("maxOutputBytes", maxOutputBytes);
  }

  private static void positive(String name, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be > 0, was " + value);
    }
  }

  /** True when every limit here is at most the same limit of {@code caps}. */
  public boolean within(Limits caps) {
    return wallTime.compareTo(caps.wallTime) <= 0
        && cpuTime.compareTo(caps.cpuTime) <= 0
        && memoryBytes <= caps.memoryBytes
        && maxProcesses <= caps.maxProcesses
        && maxFileBytes <= caps.maxFileBytes
        && maxOutputBytes <= caps.maxOutputBytes;
  }
}
