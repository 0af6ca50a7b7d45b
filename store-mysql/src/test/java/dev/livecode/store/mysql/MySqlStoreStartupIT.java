package dev.livecode.store.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.livecode.core.Execution;
import dev.livecode.core.Limits;
import dev.livecode.core.Page;
import dev.livecode.core.Session;
import dev.livecode.core.exception.StoreException;
import dev.livecode.core.spi.Store;
import dev.livecode.testing.MariaDbExtension;
import dev.livecode.testing.StoreContract;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Starting, stopping and restarting a MySqlStore: fail-fast messages, migrations, ownership. */
class MySqlStoreStartupIT {
  @RegisterExtension final MariaDbExtension db = new MariaDbExtension();

  private final String prefix = MySqlTestStore.newPrefix();
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void cleanUp() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
  }

  private MySqlStore start(MySqlStore.Builder builder) {
    MySqlStore store = builder.build();
    toClose.add(store);
    return store;
  }

  @Test
  void wrongPasswordFailsFastWithOneActionableLineWithoutThePassword() {
    String password = "not-the-password-" + UUID.randomUUID();
    long started = System.nanoTime();

    assertThatThrownBy(
            () -> start(MySqlTestStore.builder(db).password(password).tablePrefix(prefix)))
        .isInstanceOfSatisfying(
            StoreException.class,
            e -> {
              assertThat(e.getMessage())
                  .startsWith("cannot connect to MySQL at ")
                  .contains(" as " + db.user() + ": ")
                  .containsIgnoringCase("access denied")
                  .endsWith("check --mysql-url/--mysql-user/--mysql-password")
                  .doesNotContain(password)
                  .doesNotContain("\n");
              assertThat(e.getCause()).isNotNull();
            });
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void unreachablePortFailsFastWithOneActionableLine() {
    long started = System.nanoTime();

    assertThatThrownBy(
            () ->
                start(
                    MySqlStore.builder()
                        .jdbcUrl("jdbc:mysql://127.0.0.1:1/test")
                        .username("root")
                        .password("secret")
                        .connectionTimeout(Duration.ofSeconds(2))
                        .tablePrefix(prefix)))
        .isInstanceOfSatisfying(
            StoreException.class,
            e ->
                assertThat(e.getMessage())
                    .startsWith("cannot connect to MySQL at 127.0.0.1:1 as root: ")
                    .contains("Communications link failure")
                    .endsWith("check --mysql-url/--mysql-user/--mysql-password")
                    .doesNotContain("secret")
                    .doesNotContain("\n"));
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void passwordInTheUrlIsNeverShown() {
    assertThatThrownBy(
            () ->
                start(
                    MySqlStore.builder()
                        .jdbcUrl("jdbc:mysql://127.0.0.1:1/test?user=root&password=hunter2")
                        .tablePrefix(prefix)))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("as root")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void createsPrefixedUtf8mb4TablesAndItsOwnHistoryTable() throws Exception {
    start(MySqlTestStore.builder(db).tablePrefix(prefix));

    try (Connection c = db.connect();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT table_name, table_collation FROM information_schema.tables "
                    + "WHERE table_schema = DATABASE() AND table_name LIKE ? ORDER BY table_name")) {
      s.setString(1, prefix.replace("_", "\\_") + "%");
      List<String> tables = new ArrayList<>();
      try (ResultSet rows = s.executeQuery()) {
        while (rows.next()) {
          tables.add(rows.getString(1));
          if (!rows.getString(1).endsWith("schema_history")) {
            assertThat(rows.getString(2)).as(rows.getString(1)).isEqualTo("utf8mb4_bin");
          }
        }
      }
      assertThat(tables)
          .containsExactly(
              prefix + "api_keys",
              prefix + "executions",
              prefix + "execution_events",
              prefix + "schema_history",
              prefix + "sessions");
    }
  }

  /** A host application's schema already holds its own tables (and no livecode history table). */
  @Test
  void migratesIntoASchemaThatAlreadyHoldsAnotherApplicationsTables() throws Exception {
    String hostTable = prefix + "host_orders";
    try (Connection c = db.connect();
        java.sql.Statement s = c.createStatement()) {
      s.execute("CREATE TABLE " + hostTable + " (id INT PRIMARY KEY)");
    }
    try {
      start(MySqlTestStore.builder(db).tablePrefix(prefix));
      try (Connection c = db.connect();
          PreparedStatement s =
              c.prepareStatement(
                  "SELECT COUNT(*) FROM information_schema.tables "
                      + "WHERE table_schema = DATABASE() AND table_name IN (?, ?)")) {
        s.setString(1, prefix + "sessions");
        s.setString(2, prefix + "executions");
        try (ResultSet rows = s.executeQuery()) {
          rows.next();
          assertThat(rows.getInt(1))
              .as("livecode's tables were created beside the host's")
              .isEqualTo(2);
        }
      }
    } finally {
      try (Connection c = db.connect();
          java.sql.Statement s = c.createStatement()) {
        s.execute("DROP TABLE IF EXISTS " + hostTable);
      }
    }
  }

  @Test
  void validateOnlyRefusesATableSetThatWasNeverMigrated() {
    assertThatThrownBy(() -> start(MySqlTestStore.builder(db).tablePrefix(prefix).migrate(false)))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("prefix '" + prefix + "'")
        .hasMessageContaining("migrate");
  }

  @Test
  void validateOnlyAcceptsAMigratedTableSet() {
    start(MySqlTestStore.builder(db).tablePrefix(prefix)).close();

    MySqlStore store = start(MySqlTestStore.builder(db).tablePrefix(prefix).migrate(false));

    assertThat(store.findSession(UUID.randomUUID())).isEmpty();
  }

  @Test
  void keepsEverythingByteForByteAcrossARestart() {
    Instant t = Instant.parse("2026-03-04T05:06:07.654321Z");
    MySqlStore first = start(MySqlTestStore.builder(db).tablePrefix(prefix));
    Session session = new Session(UUID.randomUUID(), Session.ANONYMOUS, "python", "x = 1", 1, t, t);
    first.insertSession(session);
    Session saved =
        first.updateSession(
            Session.Update.source(session.id(), StoreContract.TRICKY_TEXT), t.plusSeconds(1));
    Execution execution =
        first
            .createExecution(
                new Store.NewExecution(
                    UUID.randomUUID(),
                    session.id(),
                    "🙂 stdin",
                    Limits.DEFAULTS,
                    Optional.of("restart-key"),
                    t.plusSeconds(2)))
            .execution();
    first.markRunning(execution.id(), t.plusSeconds(3));
    Execution.Result result =
        new Execution.Result(
            Execution.Status.COMPLETED,
            StoreContract.TRICKY_TEXT,
            "warn ⚠\n",
            OptionalInt.of(0),
            OptionalInt.empty(),
            Optional.empty(),
            false,
            false,
            Duration.ofMillis(17),
            t.plusSeconds(4));
    first.finish(execution.id(), result);
    first.close();

    MySqlStore second = start(MySqlTestStore.builder(db).tablePrefix(prefix));

    assertThat(second.findSession(session.id())).contains(saved);
    assertThat(second.findExecution(execution.id()))
        .contains(execution.running(t.plusSeconds(3)).finished(result));
    assertThat(second.listExecutions(session.id(), Page.Request.first(5)).items()).hasSize(1);
  }

  @Test
  void closingTwiceIsHarmlessAndClosesTheOwnPool() {
    MySqlStore store = start(MySqlTestStore.builder(db).tablePrefix(prefix));
    assertThat(Thread.getAllStackTraces().keySet())
        .anySatisfy(t -> assertThat(t.getName()).startsWith(MySqlStore.POOL_NAME));

    store.close();
    store.close();

    assertThatThrownBy(() -> store.findSession(UUID.randomUUID()))
        .isInstanceOf(StoreException.class);
  }

  @Test
  void leavesAHostOwnedDataSourceOpen() throws Exception {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(db.jdbcUrl());
    config.setUsername(db.user());
    config.setPassword(db.password());
    config.setMaximumPoolSize(2);
    config.setPoolName("host-app");
    HikariDataSource host = new HikariDataSource(config);
    toClose.add(host);
    MySqlStore store = MySqlStore.builder().dataSource(host).tablePrefix(prefix).build();
    Session session =
        new Session(
            UUID.randomUUID(), Session.ANONYMOUS, "python", "", 1, Instant.EPOCH, Instant.EPOCH);
    store.insertSession(session);

    store.close();

    assertThat(host.isClosed()).isFalse();
    try (Connection c = host.getConnection()) {
      assertThat(c.isValid(2)).isTrue();
    }
  }

  @Test
  void refusesContradictoryOrInvalidSettingsByName() {
    assertThatThrownBy(() -> MySqlStore.builder().build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("jdbcUrl")
        .hasMessageContaining("dataSource");
    assertThatThrownBy(() -> MySqlStore.builder().poolSize(0)).hasMessageContaining("poolSize");
    assertThatThrownBy(() -> MySqlStore.builder().tablePrefix("Bad-Prefix"))
        .hasMessageContaining("tablePrefix");
    assertThatThrownBy(() -> MySqlStore.builder().jdbcUrl("jdbc:postgresql://x/y?password=p"))
        .hasMessageContaining("jdbc:mysql:")
        .hasMessageNotContaining("=p");
  }
}
