package dev.livecode.testing.internal;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;

/**
 * The MariaDB or MySQL server of the integration tests, resolved once per JVM, and the fresh
 * databases made on it.
 *
 * @param url the JDBC URL as configured, naming an existing database (by default {@code test})
 */
public record MariaDbServer(String url, String user, String password) {
  public static final String URL_VARIABLE = "LIVECODE_TEST_MYSQL_URL";
  public static final String USER_VARIABLE = "LIVECODE_TEST_MYSQL_USER";
  public static final String PASSWORD_VARIABLE = "LIVECODE_TEST_MYSQL_PASSWORD";
  public static final String CONTAINER_VARIABLE = "LIVECODE_TEST_MYSQL_CONTAINER";
  public static final String DEFAULT_URL = "jdbc:mysql://127.0.0.1:3306/test";
  public static final String DEFAULT_USER = "root";

  /** A dead address must fail the test class quickly, not hang it. */
  private static final int CONNECT_TIMEOUT_MS = 5_000;

  private static MariaDbServer shared;

  /** The configured server; checked reachable on first use; fails (never skips) when it is not. */
  public static synchronized MariaDbServer get() {
    if (shared == null) {
      Optional<String> image = TestEnvironment.variable(CONTAINER_VARIABLE);
      MariaDbServer server =
          image.isPresent()
              ? container(image.get())
              : new MariaDbServer(
                  TestEnvironment.variable(URL_VARIABLE, DEFAULT_URL),
                  TestEnvironment.variable(USER_VARIABLE, DEFAULT_USER),
                  TestEnvironment.variable(PASSWORD_VARIABLE, ""));
      server.checkReachable();
      shared = server;
    }
    return shared;
  }

  private static MariaDbServer container(String image) {
    try {
      return MariaDbContainer.start(image);
    } catch (NoClassDefFoundError e) {
      throw new IllegalStateException(
          CONTAINER_VARIABLE
              + " is set, and starting "
              + image
              + " needs "
              + "org.testcontainers:mysql on the test class path (an optional dependency of livecode-testing)",
          e);
    }
  }

  void checkReachable() {
    try (Connection c = connect(url)) {
      c.isValid(3);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "the MariaDB/MySQL server of the integration tests is unreachable at "
              + TestEnvironment.masked(url)
              + " as "
              + user
              + " ("
              + firstLine(e)
              + "); "
              + TestEnvironment.HOW_TO_START
              + ", or point "
              + URL_VARIABLE
              + ", "
              + USER_VARIABLE
              + " and "
              + PASSWORD_VARIABLE
              + " at one (or set "
              + CONTAINER_VARIABLE
              + "=mysql:8.4 where Docker exists)",
          e);
    }
  }

  /**
   * Creates a database of the test's own, with the server's default character set as a host's
   * schema has.
   */
  public String createDatabase() {
    String name = "livecode_test_" + UUID.randomUUID().toString().substring(0, 8);
    execute("CREATE DATABASE " + name);
    return name;
  }

  public void dropDatabase(String name) {
    execute("DROP DATABASE IF EXISTS " + name);
  }

  private void execute(String sql) {
    try (Connection c = connect(url);
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(
          sql + " failed on " + TestEnvironment.masked(url) + " as " + user + ": " + firstLine(e),
          e);
    }
  }

  public Connection connect(String jdbcUrl) throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", user);
    properties.setProperty("password", password);
    properties.setProperty("connectTimeout", Integer.toString(CONNECT_TIMEOUT_MS));
    return DriverManager.getConnection(jdbcUrl, properties);
  }

  /** {@link #url} with {@code database} as its path, its parameters kept. */
  public String urlOf(String database) {
    int query = url.indexOf('?');
    String base = query < 0 ? url : url.substring(0, query);
    String parameters = query < 0 ? "" : url.substring(query);
    int hostStart = base.indexOf("//") + 2;
    int slash = base.indexOf('/', hostStart);
    return (slash < 0 ? base : base.substring(0, slash)) + "/" + database + parameters;
  }

  private static String firstLine(SQLException e) {
    return String.valueOf(e.getMessage()).lines().findFirst().orElse("");
  }

  @Override
  public String toString() {
    return "MariaDbServer[url=" + TestEnvironment.masked(url) + ", user=" + user + "]";
  }
}
