package dev.livecode.testing;

import dev.livecode.testing.internal.MariaDbServer;
import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real MariaDB (or MySQL) for an integration test, in a fresh database of the test's own that is
 * dropped afterwards: one per test class when registered on a static field, one per test method on
 * an instance field.
 *
 * <pre>
 * &#64;RegisterExtension
 * static final MariaDbExtension DB = new MariaDbExtension();
 * ... MySqlStore.builder().jdbcUrl(DB.jdbcUrl()).username(DB.user()).password(DB.password()) ...
 * </pre>
 *
 * <p>The server is {@value #URL_VARIABLE} (default {@value #DEFAULT_URL}) as {@value
 * #USER_VARIABLE} (default {@value #DEFAULT_USER}) with {@value #PASSWORD_VARIABLE} (default
 * empty), which {@code scripts/services.sh} starts; or, where Docker exists, {@value
 * #CONTAINER_VARIABLE} ({@code mysql:8.4}) starts that image once per JVM instead. Each variable
 * may also be given as the system property of the same name in lower case with dots. The user must
 * be allowed to create databases. An unreachable server fails the tests, naming the variables; they
 * are never skipped. The fresh database has the server's default character set, as a host
 * application's schema would.
 *
 * @since 0.2
 */
public final class MariaDbExtension
    implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
  public static final String URL_VARIABLE = MariaDbServer.URL_VARIABLE;
  public static final String USER_VARIABLE = MariaDbServer.USER_VARIABLE;
  public static final String PASSWORD_VARIABLE = MariaDbServer.PASSWORD_VARIABLE;
  public static final String CONTAINER_VARIABLE = MariaDbServer.CONTAINER_VARIABLE;
  public static final String DEFAULT_URL = MariaDbServer.DEFAULT_URL;
  public static final String DEFAULT_USER = MariaDbServer.DEFAULT_USER;

  private MariaDbServer server;
  private String classDatabase;
  private String testDatabase;

  @Override
  public void beforeAll(ExtensionContext context) {
    server = MariaDbServer.get();
    classDatabase = server.createDatabase();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    if (classDatabase == null) {
      server = MariaDbServer.get();
      testDatabase = server.createDatabase();
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (testDatabase != null) {
      server.dropDatabase(testDatabase);
      testDatabase = null;
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (classDatabase != null) {
      server.dropDatabase(classDatabase);
      classDatabase = null;
    }
  }

  /** The name of the test's database. */
  public String database() {
    String database = testDatabase != null ? testDatabase : classDatabase;
    if (database == null) {
      throw new IllegalStateException(
          "no database outside a test: register MariaDbExtension on a field "
              + "annotated @RegisterExtension, static for one database per class");
    }
    return database;
  }

  /** The JDBC URL of the test's database: the configured URL with its database replaced. */
  public String jdbcUrl() {
    String database = database();
    return server.urlOf(database);
  }

  public String user() {
    database();
    return server.user();
  }

  public String password() {
    database();
    return server.password();
  }

  /** A new connection to the test's database; the caller closes it. */
  public Connection connect() throws SQLException {
    return server.connect(jdbcUrl());
  }
}
