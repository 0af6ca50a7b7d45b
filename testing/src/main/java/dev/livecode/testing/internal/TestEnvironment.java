package dev.livecode.testing.internal;

import java.util.Locale;
import java.util.Optional;

/**
 * Where the services of the integration tests are: the one place that reads it. An environment
 * variable such as {@code LIVECODE_TEST_MYSQL_URL} wins; else the system property of the same name
 * in lower case with dots ({@code -Dlivecode.test.mysql.url=...}); a blank value counts as unset.
 */
public final class TestEnvironment {
  /** What every "unreachable" message ends with: how to get the services of a fresh checkout. */
  public static final String HOW_TO_START =
      "run scripts/services.sh (it starts MariaDB on 127.0.0.1:3306 and Redis on 127.0.0.1:6379)";

  private TestEnvironment() {}

  public static Optional<String> variable(String name) {
    String value = System.getenv(name);
    if (value == null || value.isBlank()) {
      value = System.getProperty(name.toLowerCase(Locale.ROOT).replace('_', '.'));
    }
    return Optional.ofNullable(value).filter(v -> !v.isBlank());
  }

  public static String variable(String name, String fallback) {
    return variable(name).orElse(fallback);
  }

  /**
   * {@code url} fit for a message: a password in its user part or in its parameters becomes {@code
   * ***}.
   */
  public static String masked(String url) {
    return url.replaceAll("(://[^:/@]*:)[^@/]*@", "$1***@")
        .replaceAll("(?i)(password=)[^&;]*", "$1***");
  }
}
