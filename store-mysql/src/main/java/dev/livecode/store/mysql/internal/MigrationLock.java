package dev.livecode.store.mysql.internal;

import dev.livecode.core.exception.StoreException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server-wide named lock ({@code GET_LOCK}) that lets one node at a time migrate a database's
 * table set. Flyway's own named lock covers only creating its history table and applying each
 * migration, not its check whether that table exists: two nodes on an empty database could both
 * find none, and the slower one then tried to baseline the table the faster one had just created.
 *
 * <p>The lock belongs to the connection's session, so it is released by {@link #close()} or, if the
 * node dies, by the server when the session ends.
 */
final class MigrationLock implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MigrationLock.class);

  /** The server refuses longer lock names. */
  static final int MAX_NAME_LENGTH = 64;

  private static final String NAME_START = "livecode-migrate:";

  /** A wait shorter than this is a normal start beside another node, not worth a log line. */
  private static final long NOTICEABLE_WAIT_MS = 200;

  private final Connection connection;
  private final String name;

  private MigrationLock(Connection connection, String name) {
    this.connection = connection;
    this.name = name;
  }

  /**
   * The lock name for one table set: the database and the prefix, readable while that fits, else a
   * hash of both.
   */
  static String nameFor(String database, String tablePrefix) {
    String plain = NAME_START + database + ":" + tablePrefix;
    if (plain.length() <= MAX_NAME_LENGTH) {
      return plain;
    }
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest((database + ":" + tablePrefix).getBytes(StandardCharsets.UTF_8));
      return NAME_START + HexFormat.of().formatHex(digest, 0, 20);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  /**
   * Galera (MariaDB Galera Cluster, Percona XtraDB Cluster) keeps named locks on one node only, and
   * its strict mode refuses them, so there they cannot serialise anything.
   */
  static boolean unsupportedOn(Connection connection) throws SQLException {
    try (PreparedStatement s = connection.prepareStatement("SHOW VARIABLES LIKE 'wsrep_on'");
        ResultSet rows = s.executeQuery()) {
      return rows.next() && "ON".equalsIgnoreCase(rows.getString(2));
    }
  }

  /**
   * Takes the lock for {@code tablePrefix} in the connection's database, waiting at most {@code
   * wait} for another node to release it.
   *
   * @throws StoreException when the wait ran out
   */
  static MigrationLock acquire(Connection connection, String tablePrefix, Duration wait)
      throws SQLException {
    String name = nameFor(databaseOf(connection), tablePrefix);
    long waitSeconds = Math.max(1, (wait.toMillis() + 999) / 1000);
    long started = System.nanoTime();
    Integer got;
    try (PreparedStatement s = connection.prepareStatement("SELECT GET_LOCK(?, ?)")) {
      s.setString(1, name);
      s.setLong(2, waitSeconds);
      try (ResultSet rows = s.executeQuery()) {
        rows.next();
        int value = rows.getInt(1);
        got = rows.wasNull() ? null : value;
      }
    }
    long waitedMs = (System.nanoTime() - started) / 1_000_000;
    if (got == null) {
      // GET_LOCK answers NULL for an error such as the session being killed while it waited.
      throw new StoreException("the server refused the livecode migration lock '" + name + "'");
    }
    if (got != 1) {
      throw new StoreException(
          "another node has held the livecode migration lock for "
              + waitedMs / 1000
              + " s (prefix '"
              + tablePrefix
              + "'); if no node is migrating, end the session that holds it: SELECT IS_USED_LOCK('"
              + name
              + "') names it");
    }
    if (waitedMs >= NOTICEABLE_WAIT_MS) {
      LOG.info("mysql migration lock waited ms={} prefix={}", waitedMs, tablePrefix);
    }
    return new MigrationLock(connection, name);
  }

  private static String databaseOf(Connection connection) throws SQLException {
    try (PreparedStatement s = connection.prepareStatement("SELECT DATABASE()");
        ResultSet rows = s.executeQuery()) {
      String database = rows.next() ? rows.getString(1) : null;
      return database == null ? "" : database;
    }
  }

  @Override
  public void close() {
    try (PreparedStatement s = connection.prepareStatement("SELECT RELEASE_LOCK(?)")) {
      s.setString(1, name);
      s.executeQuery().close();
    } catch (SQLException e) {
      // The server still releases it when this session ends, which a broken connection soon does.
      LOG.warn(
          "mysql migration lock not released name={} error=\"{}\"", name, SqlErrors.oneLine(e));
    }
  }
}
