package dev.livecode.store.mysql;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.livecode.testing.MariaDbExtension;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One MySqlStore per test class, on the class's fresh database ({@link MariaDbExtension}) under a
 * table prefix of its own; its rows are deleted after each test, so every test starts from an empty
 * store. Register as {@code @RegisterExtension static final MySqlTestStore DB = new
 * MySqlTestStore();}.
 */
final class MySqlTestStore implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {
  private final MariaDbExtension database = new MariaDbExtension();
  private final String prefix = newPrefix();
  private final boolean onHostPool;
  private HikariDataSource hostPool;
  private MySqlStore store;

  MySqlTestStore() {
    this(false);
  }

  /**
   * With {@code onHostPool}, the store runs on a pool this extension owns, as a host application's
   * would be, and then sends its statements one at a time.
   */
  MySqlTestStore(boolean onHostPool) {
    this.onHostPool = onHostPool;
  }

  /** A fresh prefix such as {@code it_3f2a9c1b_}: lower case, unique, at most 32 characters. */
  static String newPrefix() {
    return "it_" + UUID.randomUUID().toString().substring(0, 8) + "_";
  }

  /** A builder for {@code database} with nothing else set. */
  static MySqlStore.Builder builder(MariaDbExtension database) {
    return MySqlStore.builder()
        .jdbcUrl(database.jdbcUrl())
        .username(database.user())
        .password(database.password());
  }

  /** The class's database. */
  MariaDbExtension database() {
    return database;
  }

  /** A builder for the class's database with nothing else set. */
  MySqlStore.Builder builder() {
    return builder(database);
  }

  /** This class's store, on its own table prefix. */
  MySqlStore store() {
    if (store == null) {
      throw new IllegalStateException(
          "register MySqlTestStore as a static @RegisterExtension field");
    }
    return store;
  }

  String prefix() {
    return prefix;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    database.beforeAll(context);
    if (onHostPool) {
      HikariConfig config = new HikariConfig();
      config.setJdbcUrl(database.jdbcUrl());
      config.setUsername(database.user());
      config.setPassword(database.password());
      config.setMaximumPoolSize(20);
      hostPool = new HikariDataSource(config);
      store = MySqlStore.builder().dataSource(hostPool).tablePrefix(prefix).build();
    } else {
      store = builder().tablePrefix(prefix).poolSize(20).build();
    }
  }

  @Override
  public void afterEach(ExtensionContext context) throws SQLException {
    try (Connection c = database.connect();
        Statement s = c.createStatement()) {
      s.execute("DELETE FROM " + prefix + "execution_events");
      s.execute("DELETE FROM " + prefix + "executions");
      s.execute("DELETE FROM " + prefix + "sessions");
      s.execute("DELETE FROM " + prefix + "api_keys");
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    try {
      if (store != null) {
        store.close();
      }
      if (hostPool != null) {
        hostPool.close();
      }
    } finally {
      database.afterAll(context);
    }
  }
}
