package dev.livecode.server.internal;

import dev.livecode.http.Authenticator;
import java.util.List;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * The options after a key, in a key file line or a stored key: {@code concurrent_runs=N
 * runs_per_minute=N admin=true}. One parser for both, so that a key means the same wherever it is
 * kept.
 */
final class KeyOptions {
  /** What {@code <tenant>} may be: also a safe word in logs and listings. */
  static final Pattern TENANT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,127}");

  static final String TENANT_RULE =
      "a tenant is 1 to 128 letters, digits and . _ @ - (starting with a letter or digit)";

  static final String USAGE = "[concurrent_runs=N] [runs_per_minute=N] [admin=true]";

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
    boolean admin = false;
    for (String option : options) {
      int eq = option.indexOf('=');
      String name = eq < 0 ? option : option.substring(0, eq);
      String value = eq < 0 ? "" : option.substring(eq + 1);
      switch (name) {
        case "concurrent_runs" -> concurrentRuns = OptionalInt.of(positive(name, value));
        case "runs_per_minute" -> runsPerMinute = OptionalInt.of(positive(name, value));
        case "admin" -> {
          if (!value.equals("true") && !value.equals("false")) {
            throw new IllegalArgumentException("admin must be true or false");
          }
          admin = value.equals("true");
        }
        default ->
            throw new IllegalArgumentException(
                "unknown option '" + name + "'; known: concurrent_runs, runs_per_minute, admin");
      }
    }
    return new Authenticator.Tenant(
        tenant, admin, new Authenticator.Quota(concurrentRuns, runsPerMinute, OptionalInt.empty()));
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
