package dev.livecode.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/** Limits a run request asks for; each absent one takes the server default. */
public record LimitOverrides(
    Optional<Duration> wallTime,
    Optional<Duration> cpuTime,
    OptionalLong memoryBytes,
    OptionalInt maxProcesses,
    OptionalLong maxFileBytes,
    OptionalLong maxOutputBytes) {

  /** No override: every limit is the server default. */
  public static final LimitOverrides NONE =
      new LimitOverrides(
          Optional.empty(),
          Optional.empty(),
          OptionalLong.empty(),
          OptionalInt.empty(),
          OptionalLong.empty(),
          OptionalLong.empty());

  public LimitOverrides {
    Objects.requireNonNull(wallTime, "wallTime");
    Objects.requireNonNull(cpuTime, "cpuTime");
    Objects.requireNonNull(memoryBytes, "memoryBytes");
    Objects.requireNonNull(maxProcesses, "maxProcesses");
    Objects.requireNonNull(maxFileBytes, "maxFileBytes");
    Objects.requireNonNull(maxOutputBytes, "maxOutputBytes");
  }

  public LimitOverrides withWallTime(Duration value) {
    return new LimitOverrides(Optional.of(value), cpuTime, memoryBytes, maxProcesses, maxFileBytes, maxOutputBytes);
  }

  public LimitOverrides withCpuTime(Duration value) {
    return new LimitOverrides(wallTime, Optional.of(value), memoryBytes, maxProcesses, maxFileBytes, maxOutputBytes);
  }

  public LimitOverrides withMemoryBytes(long value) {
    return new LimitOverrides(wallTime, cpuTime, OptionalLong.of(value), maxProcesses, maxFileBytes, maxOutputBytes);
  }

  public LimitOverrides withMaxProcesses(int value) {
    return new LimitOverrides(wallTime, cpuTime, memoryBytes, OptionalInt.of(value), maxFileBytes, maxOutputBytes);
  }

  public LimitOverrides withMaxFileBytes(long value) {
    return new LimitOverrides(wallTime, cpuTime, memoryBytes, maxProcesses, OptionalLong.of(value), maxOutputBytes);
  }

  public LimitOverrides withMaxOutputBytes(long value) {
    return new LimitOverrides(wallTime, cpuTime, memoryBytes, maxProcesses, maxFileBytes, OptionalLong.of(value));
  }

  /**
   * The effective limits: each override, or the default.
   *
   * @throws InvalidRequestException when an override is not positive or is above its cap
   */
  public Limits resolve(Limits defaults, Limits caps) {
    List<String> problems = new ArrayList<>();
    long wall = check("wall_time_ms", wallTime.map(Duration::toMillis), defaults.wallTime().toMillis(), caps.wallTime().toMillis(), problems);
    long cpu = check("cpu_time_ms", cpuTime.map(Duration::toMillis), defaults.cpuTime().toMillis(), caps.cpuTime().toMillis(), problems);
    long memory = check("memory_bytes", boxed(memoryBytes), defaults.memoryBytes(), caps.memoryBytes(), problems);
    long processes = check("max_processes", maxProcesses.isPresent() ? Optional.of((long) maxProcesses.getAsInt()) : Optional.empty(), defaults.maxProcesses(), caps.maxProcesses(), problems);
    long files = check("max_file_bytes", boxed(maxFileBytes), defaults.maxFileBytes(), caps.maxFileBytes(), problems);
    long output = check("max_output_bytes", boxed(maxOutputBytes), defaults.maxOutputBytes(), caps.maxOutputBytes(), problems);
    if (!problems.isEmpty()) {
      throw new InvalidRequestException(String.join("; ", problems));
    }
    return new Limits(Duration.ofMillis(wall), Duration.ofMillis(cpu), memory, (int) processes, files, output);
  }

  private static Optional<Long> boxed(OptionalLong value) {
    return value.isPresent() ? Optional.of(value.getAsLong()) : Optional.empty();
  }

  private static long check(String name, Optional<Long> requested, long fallback, long cap, List<String> problems) {
    if (requested.isEmpty()) {
      return Math.min(fallback, cap);
    }
    long value = requested.get();
    if (value <= 0) {
      problems.add(name + " must be > 0, was " + value);
    } else if (value > cap) {
      problems.add(name + " " + value + " is above this server's cap of " + cap);
    }
    return value;
  }
}
