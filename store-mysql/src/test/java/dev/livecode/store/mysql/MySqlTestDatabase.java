package dev.livecode.store.mysql;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.containers.MySQLContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The MySQL server the ITs talk to, and one table prefix per test class so runs never see each
 * other's rows. By default the local server of CI (127.0.0.1:3306, root, empty password, database
 * {@code test}); the environment variables below override it. An unreachable server fails the test
 * class; it is never skipped.
 *
 * <p>Where Docker exists, {@code LIVECODE_TEST_MYSQL_CONTAINER=mysql:8.4} starts that pinned image
 * once per JVM (Testcontainers) instead of using the URL.
 *
 * <p>Register as {@code @RegisterExtension static final MySqlTestDatabase DB = new
 * MySqlTestDatabase();}.
 */
public final class MySqlTestDatabase
    implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {
  public static final String URL_VARIABLE = "LIVECODE_TEST_MYSQL_URL";
  public static final String USER_VARIABLE = "LIVECODE_TEST_MYSQL_USER";
  public static final String PASSWORD_VARIABLE = "LIVECODE_TEST_MYSQL_PASSWORD";
  public static final String CONTAINER_VARIABLE = "LIVECODE_TEST_MYSQL_CONTAINER";
  public static final String DEFAULT_URL = "jdbc:mysql://127.0.0.1:3306/test";

  private static volatile Server server;

  private final String prefix = newPrefix();
  private MySqlStore store;

  /** Where to connect, resolved once per JVM. */
  public record Server(String url, String user, String password) {}

  /** A fresh prefix such as {@code it_3f2a9c1b_}: lower case, unique, at most 32 characters. */
  public static String newPrefix() {
    return "it_" + UUID.randomUUID().toString().substring(0, 8) + "_";
  }

  public static synchronized Server server() {
    if (server == null) {
      Optional<String> image = variable(CONTAINER_VARIABLE);
      server =
          image.isPresent()
              ? startContainer(image.get())
              : new Server(
                  variable(URL_VARIABLE).orElse(DEFAULT_URL),
                  variable(USER_VARIABLE).orElse("root"),
                  variable(PASSWORD_VARIABLE).orElse(""));
      checkReachable(server);
    }
    return server;
  }

  private static Optional<String> variable(String name) {
    String value = System.getenv(name);
    if (value == null) {
      value = System.getProperty(name.toLowerCase(Locale.ROOT).replace('_', '.'));
    }
    return Optional.ofNullable(value);
  }

  @SuppressWarnings("resource") // lives as long as the JVM; Testcontainers' reaper removes it
  private static Server startContainer(String image) {
    MySQLContainer<?> container =
        new MySQLContainer<>(DockerImageName.parse(image).asCompatibleSubstituteFor("mysql"))
            .withDatabaseName("test");
    container.start();
    return new Server(container.getJdbcUrl(), container.getUsername(), container.getPassword());
  }

  private static void checkReachable(Server s) {
    try (Connection c = DriverManager.getConnection(s.url(), s.user(), s.password())) {
      c.isValid(3);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "the MySQL server for integration tests is unreachable at "
              + s.url()
              + " as "
              + s.user()
              + " ("
              + e.getMessage().lines().findFirst().orElse("")
              + "); start it (.ci/run does) or point "
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

  /** A builder for the test server with nothing else set. */
  public static MySqlStore.Builder builder() {
    Server s = server();
    return MySqlStore.builder().jdbcUrl(s.url()).username(s.user()).password(s.password());
  }

  public static Connection connect() throws SQLException {
    Server s = server();
    return DriverManager.getConnection(s.url(), s.user(), s.password());
  }

  /** Drops the tables of {@code tablePrefix}, whichever exist. */
  public static void dropTables(String tablePrefix) {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS " + tablePrefix + "executions");
      s.execute("DROP TABLE IF EXISTS " + tablePrefix + "sessions");
      s.execute("DROP TABLE IF EXISTS " + tablePrefix + "schema_history");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot drop the tables of prefix " + tablePrefix, e);
    }
  }

  /** This class's store, on its own table prefix. */
  public MySqlStore store() {
    if (store == null) {
      throw new IllegalStateException(
          "register MySqlTestDatabase as a static @RegisterExtension field");
    }
    return store;
  }

  public String prefix() {
    return prefix;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    store = builder().tablePrefix(prefix).poolSize(20).build();
  }

  @Override
  public void afterEach(ExtensionContext context) throws SQLException {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.execute("DELETE FROM " + prefix + "executions");
      s.execute("DELETE FROM " + prefix + "sessions");
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (store != null) {
      store.close();
    }
    dropTables(prefix);
  }
}
