package dev.livecode.benchmarks.internal;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.ThreadLocalRandom;

/** The benchmark's own fresh database on the MySQL server, dropped on close unless kept. */
public final class MysqlDatabase implements AutoCloseable {
  private final String serverUrl;
  private final String user;
  private final String password;
  private final String name;
  private final boolean keep;

  private MysqlDatabase(String serverUrl, String user, String password, String name, boolean keep) {
    this.serverUrl = serverUrl;
    this.user = user;
    this.password = password;
    this.name = name;
    this.keep = keep;
  }

  /**
   * Creates {@code livecode_bench_<time>_<random>} on the server at {@code serverUrl}.
   *
   * @throws SQLException when the server is unreachable or refuses
   */
  public static MysqlDatabase create(String serverUrl, String user, String password, boolean keep)
      throws SQLException {
    String name =
        "livecode_bench_"
            + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss"))
            + "_"
            + ThreadLocalRandom.current().nextInt(1000, 10000);
    try (Connection c = DriverManager.getConnection(serverUrl, user, password);
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE `" + name + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
    }
    return new MysqlDatabase(serverUrl, user, password, name, keep);
  }

  public String name() {
    return name;
  }

  /** The JDBC URL of the new database: the server URL with the database name as its path. */
  public String url() {
    return withDatabase(serverUrl, name);
  }

  static String withDatabase(String serverUrl, String database) {
    int query = serverUrl.indexOf('?');
    String base = query < 0 ? serverUrl : serverUrl.substring(0, query);
    String params = query < 0 ? "" : serverUrl.substring(query);
    int hostStart = base.indexOf("//") + 2;
    int slash = base.indexOf('/', hostStart);
    String hostPart = slash < 0 ? base : base.substring(0, slash);
    return hostPart + "/" + database + params;
  }

  @Override
  public void close() throws SQLException {
    if (keep) {
      return;
    }
    try (Connection c = DriverManager.getConnection(serverUrl, user, password);
        Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS `" + name + "`");
    }
  }
}
