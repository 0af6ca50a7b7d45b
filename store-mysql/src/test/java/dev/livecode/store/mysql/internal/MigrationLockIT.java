package dev.livecode.store.mysql.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.livecode.core.exception.StoreException;
import dev.livecode.store.mysql.MySqlStore;
import dev.livecode.testing.MariaDbExtension;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Nodes that start at once on one database: each waits for the one migrating, none fails. */
class MigrationLockIT {
  /** On an instance field: a fresh, empty database for every test and every repetition. */
  @RegisterExtension final MariaDbExtension db = new MariaDbExtension();

  private final String prefix = MySqlStore.DEFAULT_TABLE_PREFIX;
  private final List<AutoCloseable> toClose = new ArrayList<>();
  private final ExecutorService nodes = Executors.newCachedThreadPool();

  @AfterEach
  void cleanUp() throws Exception {
    nodes.shutdownNow();
    // Stores before the pools they run on.
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  @Test
  void migrationWaitsWhileAnotherNodeHoldsTheLock() throws Exception {
    HikariDataSource pool = pool(2);
    try (Connection otherNode = db.connect()) {
      assertThat(lock(otherNode, "GET_LOCK(?, 0)")).isEqualTo(1);

      Future<MySqlStore> start = nodes.submit(() -> start(pool));
      Thread.sleep(400);
      assertThat(start).as("started while another node held the lock").isNotDone();

      lock(otherNode, "RELEASE_LOCK(?)");
      start.get(20, TimeUnit.SECONDS);
    }
    assertThat(appliedVersions()).isEqualTo(shippedVersions());
  }

  /**
   * Without the lock, about one repetition in five failed: a node that found no history table then
   * found the schema not empty (another node had just created that table) and tried to baseline it.
   * The timing makes that a chance, so {@link #migrationWaitsWhileAnotherNodeHoldsTheLock} is the
   * test that always fails without the lock.
   */
  @RepeatedTest(3)
  void nodesStartingAtOnceOnAnEmptyDatabaseAllFindTheSchemaComplete() throws Exception {
    int count = 6;
    // Pools first, so that the nodes' starts line up on the migration, not on connecting.
    List<HikariDataSource> pools = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      pools.add(pool(2));
    }
    CountDownLatch go = new CountDownLatch(1);
    List<Future<MySqlStore>> starts = new ArrayList<>();
    for (HikariDataSource pool : pools) {
      starts.add(
          nodes.submit(
              () -> {
                go.await();
                return start(pool);
              }));
    }

    go.countDown();

    for (Future<MySqlStore> start : starts) {
      start.get(30, TimeUnit.SECONDS);
    }
    assertThat(appliedVersions()).isEqualTo(shippedVersions());
  }

  @Test
  void givesUpWithAClearMessageWhenTheLockIsHeldPastTheWait() throws Exception {
    HikariDataSource pool = pool(1);
    try (Connection otherNode = db.connect()) {
      lock(otherNode, "GET_LOCK(?, 0)");
      long started = System.nanoTime();

      assertThatThrownBy(() -> Migrations.apply(pool, prefix, true, Duration.ofSeconds(1)))
          .isInstanceOf(StoreException.class)
          .hasMessageStartingWith(
              "another node has held the livecode migration lock for 1 s (prefix '" + prefix + "')")
          .hasMessageContaining("IS_USED_LOCK('" + lockName() + "')");
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }
    try (Connection back = pool.getConnection()) {
      assertThat(back.isValid(1)).as("the pool's only connection came back").isTrue();
    }
  }

  @Test
  void migratesThroughAHostPoolOfOneConnection() throws Exception {
    start(pool(1));

    assertThat(appliedVersions()).isEqualTo(shippedVersions());
  }

  @Test
  void releasesTheLockAfterAMigration() throws Exception {
    start(pool(2));

    assertThat(lockIsFree()).isTrue();
  }

  @Test
  void releasesTheLockWhenValidationFails() throws Exception {
    HikariDataSource pool = pool(2);

    assertThatThrownBy(() -> Migrations.apply(pool, prefix, false))
        .isInstanceOf(StoreException.class);
    assertThat(lockIsFree()).isTrue();
  }

  private MySqlStore start(HikariDataSource pool) {
    MySqlStore store = MySqlStore.builder().dataSource(pool).tablePrefix(prefix).build();
    closeLater(store);
    return store;
  }

  /** A node's own pool; a short connection timeout so that a pool waiting on itself fails fast. */
  private HikariDataSource pool(int size) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(db.jdbcUrl());
    config.setUsername(db.user());
    config.setPassword(db.password());
    config.setMaximumPoolSize(size);
    config.setConnectionTimeout(1_000);
    HikariDataSource pool = new HikariDataSource(config);
    closeLater(pool);
    return pool;
  }

  private void closeLater(AutoCloseable c) {
    synchronized (toClose) {
      toClose.add(c);
    }
  }

  private String lockName() {
    return MigrationLock.nameFor(db.database(), prefix);
  }

  private int lock(Connection c, String call) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT " + call)) {
      s.setString(1, lockName());
      try (ResultSet rows = s.executeQuery()) {
        rows.next();
        return rows.getInt(1);
      }
    }
  }

  private boolean lockIsFree() throws SQLException {
    try (Connection c = db.connect()) {
      return lock(c, "IS_FREE_LOCK(?)") == 1;
    }
  }

  /** Every version in the history table, in the order applied; a baseline row would show as 0. */
  private List<String> appliedVersions() throws SQLException {
    try (Connection c = db.connect();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT version FROM " + prefix + "schema_history ORDER BY installed_rank");
        ResultSet rows = s.executeQuery()) {
      List<String> versions = new ArrayList<>();
      while (rows.next()) {
        versions.add(rows.getString(1));
      }
      return versions;
    }
  }

  /** The versions of the migration scripts this release ships, lowest first. */
  private static List<String> shippedVersions() throws URISyntaxException, IOException {
    URI dir =
        Migrations.class
            .getResource("/" + Migrations.LOCATION.substring("classpath:".length()))
            .toURI();
    if (!"jar".equals(dir.getScheme())) {
      return versionsIn(Path.of(dir));
    }
    try (FileSystem jar = FileSystems.newFileSystem(dir, Map.of())) {
      return versionsIn(Path.of(dir));
    }
  }

  private static List<String> versionsIn(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .map(f -> f.getFileName().toString())
          .filter(name -> name.matches("V\\d+__.*\\.sql"))
          .map(name -> name.substring(1, name.indexOf("__")))
          .sorted(Comparator.comparingInt(Integer::parseInt))
          .toList();
    }
  }
}
