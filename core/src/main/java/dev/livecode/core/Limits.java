package dev.livecode.core;

import dev.livecode.core.exception.LivecodeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

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

  /**
   * The default wall-clock limit of an {@linkplain RunRequest#interactive() interactive} run (a
   * person types slowly), capped like the others; its other defaults are the usual ones.
   *
   * @since 0.4
   */
  public static final Duration INTERACTIVE_WALL_TIME = Duration.ofSeconds(60);

  /** The default caps a run request may ask for at most. */
  public static final Limits DEFAULT_CAPS =
      new Limits(
          Duration.ofSeconds(30), Duration.ofSeconds(30), 1024 * MIB, 256, 256 * MIB, 8 * MIB);

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

  /** These limits with another wall-clock limit. @since 0.4 */
  public Limits withWallTime(Duration value) {
    return new Limits(value, cpuTime, memoryBytes, maxProcesses, maxFileBytes, maxOutputBytes);
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

  /** Limits a run request asks for; each absent one takes the server default. */
  public record Overrides(
      Optional<Duration> wallTime,
      Optional<Duration> cpuTime,
      OptionalLong memoryBytes,
      OptionalInt maxProcesses,
      OptionalLong maxFileBytes,
      OptionalLong maxOutputBytes) {

    /** No override: every limit is the server default. */
    public static final Overrides NONE =
        new Overrides(
            Optional.empty(),
            Optional.empty(),
            OptionalLong.empty(),
            OptionalInt.empty(),
            OptionalLong.empty(),
            OptionalLong.empty());

    public Overrides {
      Objects.requireNonNull(wallTime, "wallTime");
      Objects.requireNonNull(cpuTime, "cpuTime");
      Objects.requireNonNull(memoryBytes, "memoryBytes");
      Objects.requireNonNull(maxProcesses, "maxProcesses");
      Objects.requireNonNull(maxFileBytes, "maxFileBytes");
      Objects.requireNonNull(maxOutputBytes, "maxOutputBytes");
    }

    public Overrides withWallTime(Duration value) {
      return new Overrides(
          Optional.of(value), cpuTime, memoryBytes, maxProcesses, maxFileBytes, maxOutputBytes);
    }

    public Overrides withCpuTime(Duration value) {
      return new Overrides(
          wallTime, Optional.of(value), memoryBytes, maxProcesses, maxFileBytes, maxOutputBytes);
    }

    public Overrides withMemoryBytes(long value) {
      return new Overrides(
          wallTime, cpuTime, OptionalLong.of(value), maxProcesses, maxFileBytes, maxOutputBytes);
    }

    public Overrides withMaxProcesses(int value) {
      return new Overrides(
          wallTime, cpuTime, memoryBytes, OptionalInt.of(value), maxFileBytes, maxOutputBytes);
    }

    public Overrides withMaxFileBytes(long value) {
      return new Overrides(
          wallTime, cpuTime, memoryBytes, maxProcesses, OptionalLong.of(value), maxOutputBytes);
    }

    public Overrides withMaxOutputBytes(long value) {
      return new Overrides(
          wallTime, cpuTime, memoryBytes, maxProcesses, maxFileBytes, OptionalLong.of(value));
    }

    /**
     * {@code caps} with each limit present here taken instead where it is lower: the caps of a run
     * held to lower caps than the server's.
     *
     * @since 0.4
     */
    public Limits lower(Limits caps) {
      return new Limits(
          min(caps.wallTime(), wallTime),
          min(caps.cpuTime(), cpuTime),
          memoryBytes.isPresent()
              ? Math.min(caps.memoryBytes(), memoryBytes.getAsLong())
              : caps.memoryBytes(),
          maxProcesses.isPresent()
              ? Math.min(caps.maxProcesses(), maxProcesses.getAsInt())
              : caps.maxProcesses(),
          maxFileBytes.isPresent()
              ? Math.min(caps.maxFileBytes(), maxFileBytes.getAsLong())
              : caps.maxFileBytes(),
          maxOutputBytes.isPresent()
              ? Math.min(caps.maxOutputBytes(), maxOutputBytes.getAsLong())
              : caps.maxOutputBytes());
    }

    private static Duration min(Duration cap, Optional<Duration> lower) {
      return lower.filter(l -> l.compareTo(cap) < 0).orElse(cap);
    }

    /**
     * The effective limits: each override, or the default.
     *
     * @throws LivecodeException.InvalidRequest when an override is not positive or is above its cap
     */
    public Limits resolve(Limits defaults, Limits caps) {
      List<String> problems = new ArrayList<>();
      long wall =
          check(
              "wall_time_ms",
              wallTime.map(Duration::toMillis),
              defaults.wallTime().toMillis(),
              caps.wallTime().toMillis(),
              problems);
      long cpu =
          check(
              "cpu_time_ms",
              cpuTime.map(Duration::toMillis),
              defaults.cpuTime().toMillis(),
              caps.cpuTime().toMillis(),
              problems);
      long memory =
          check(
              "memory_bytes",
              boxed(memoryBytes),
              defaults.memoryBytes(),
              caps.memoryBytes(),
              problems);
      long processes =
          check(
              "max_processes",
              maxProcesses.isPresent()
                  ? Optional.of((long) maxProcesses.getAsInt())
                  : Optional.empty(),
              defaults.maxProcesses(),
              caps.maxProcesses(),
              problems);
      long files =
          check(
              "max_file_bytes",
              boxed(maxFileBytes),
              defaults.maxFileBytes(),
              caps.maxFileBytes(),
              problems);
      long output =
          check(
              "max_output_bytes",
              boxed(maxOutputBytes),
              defaults.maxOutputBytes(),
              caps.maxOutputBytes(),
              problems);
      if (!problems.isEmpty()) {
        throw new LivecodeException.InvalidRequest(String.join("; ", problems));
      }
      return new Limits(
          Duration.ofMillis(wall), Duration.ofMillis(cpu), memory, (int) processes, files, output);
    }

    private static Optional<Long> boxed(OptionalLong value) {
      return value.isPresent() ? Optional.of(value.getAsLong()) : Optional.empty();
    }

    private static long check(
        String name, Optional<Long> requested, long fallback, long cap, List<String> problems) {
      if (requested.isEmpty()) {
        return Math.min(fallback, cap);
      }
      long value = requested.get();
      if (value <= 0) {
        problems.add(name + " must be > 0, was " + value);
      } else if (value > cap) {
        problems.add(name + " " + value + " is above the cap of " + cap);
      }
      return value;
    }
  }
}
