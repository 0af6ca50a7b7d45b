package dev.livecode.server.internal;

import dev.livecode.core.Limits;
import dev.livecode.http.Authenticator;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * The options after a key, in a key file line or a stored key: {@code concurrent_runs=N
 * runs_per_minute=N event_streams=N admin=true} and caps on the limits its runs may ask for ({@code
 * max_wall_time_ms=N max_cpu_time_ms=N max_memory_mb=N cap_max_processes=N cap_max_file_bytes=N
 * cap_max_output_bytes=N}). One parser for both, so that a key means the same wherever it is kept.
 */
final class KeyOptions {
  /** What {@code <tenant>} may be: also a safe word in logs and listings. */
  static final Pattern TENANT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,127}");

  static final String TENANT_RULE =
      "a tenant is 1 to 128 letters, digits and . _ @ - (starting with a letter or digit)";

  static final String USAGE =
      "[concurrent_runs=N] [runs_per_minute=N] [event_streams=N] [admin=true]"
          + " [max_wall_time_ms=N] [max_cpu_time_ms=N] [max_memory_mb=N] [cap_max_processes=N]"
          + " [cap_max_file_bytes=N] [cap_max_output_bytes=N]";

  private static final long MIB = 1024 * 1024;

  private static final String KNOWN =
      "concurrent_runs, runs_per_minute, event_streams, admin, max_wall_time_ms, max_cpu_time_ms,"
          + " max_memory_mb, cap_max_processes, cap_max_file_bytes, cap_max_output_bytes";

  private KeyOptions() {}

  /**
   * The tenant a key with these options stands for.
   *
   * @throws IllegalArgumentException naming the bad option
   */
  static Authenticator.Tenant tenant(String tenant, List<String> options) {
    if (!TENANT.matcher(tenant).matches()) {
      throw new IllegalArgumentException(TENANT_RULE);
    }
    OptionalInt concurrentRuns = OptionalInt.empty();
    OptionalInt runsPerMinute = OptionalInt.empty();
    OptionalInt eventStreams = OptionalInt.empty();
    Limits.Overrides caps = Limits.Overrides.NONE;
    boolean admin = false;
    for (String option : options) {
      int eq = option.indexOf('=');
      String name = eq < 0 ? option : option.substring(0, eq);
      String value = eq < 0 ? "" : option.substring(eq + 1);
      switch (name) {
        case "concurrent_runs" -> concurrentRuns = OptionalInt.of(positive(name, value));
        case "runs_per_minute" -> runsPerMinute = OptionalInt.of(positive(name, value));
        case "event_streams" -> eventStreams = OptionalInt.of(positive(name, value));
        // The caps are named as the server's own flags are (--max-wall-time-ms, ...).
        case "max_wall_time_ms" ->
            caps = caps.withWallTime(Duration.ofMillis(positive(name, value)));
        case "max_cpu_time_ms" -> caps = caps.withCpuTime(Duration.ofMillis(positive(name, value)));
        case "max_memory_mb" -> caps = caps.withMemoryBytes(positive(name, value) * MIB);
        case "cap_max_processes" -> caps = caps.withMaxProcesses(positive(name, value));
        case "cap_max_file_bytes" -> caps = caps.withMaxFileBytes(positive(name, value));
        case "cap_max_output_bytes" -> caps = caps.withMaxOutputBytes(positive(name, value));
        case "admin" -> {
          if (!value.equals("true") && !value.equals("false")) {
            throw new IllegalArgumentException("admin must be true or false");
          }
          admin = value.equals("true");
        }
        default ->
            throw new IllegalArgumentException("unknown option '" + name + "'; known: " + KNOWN);
      }
    }
    return new Authenticator.Tenant(
        tenant,
        admin,
        new Authenticator.Quota(concurrentRuns, runsPerMinute, OptionalInt.empty(), eventStreams),
        caps);
  }

  private static int positive(String name, String value) {
    try {
      int parsed = Integer.parseInt(value);
      if (parsed >= 1) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // the message below
    }
    throw new IllegalArgumentException(name + " must be a positive integer");
  }
}
