package dev.livecode.benchmarks;

import dev.livecode.benchmarks.internal.EngineTiming;
import dev.livecode.benchmarks.internal.MysqlDatabase;
import dev.livecode.benchmarks.internal.RedisKeys;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Prints what one crossing between processes costs on this host, the unit a cluster run is made of:
 * a round trip to a thread of this JVM over loopback, a Redis {@code PING}, and MySQL's ping, a
 * {@code SELECT 1}, an autocommit insert (a commit, so a redo-log flush) and the same insert inside
 * an open transaction (no flush). Each is timed after a pause, as between two paced clicks on Run,
 * when every process on the path has gone idle, and back to back, as under load; rounds are
 * interleaved so that host load falls on every row alike. An embedded run makes none of these
 * crossings; a run through one api and one worker process makes at least a commit for its
 * acceptance, a Redis round trip for its enqueue, the queue's hand-over to the worker, a commit for
 * its result and the announcement's way back to the api. See {@code docs/benchmarks.md}:
 *
 * <pre>
 * java -cp benchmarks/target/livecode-benchmarks.jar dev.livecode.benchmarks.CrossingCost [rounds] [pause-ms]
 * </pre>
 *
 * Redis is {@code -Dredis.url} (default {@code redis://127.0.0.1:6379}); MySQL is {@code
 * -Dmysql.url} (default {@code jdbc:mysql://127.0.0.1:3306/}), {@code -Dmysql.user} (root) and
 * {@code -Dmysql.password} (empty), in a fresh database of its own, dropped at the end.
 */
public final class CrossingCost {
  private CrossingCost() {}

  /** One timed round trip. */
  @FunctionalInterface
  private interface Crossing {
    void cross() throws Exception;
  }

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 500;
    long pauseMs = args.length > 1 ? Long.parseLong(args[1]) : 5;
    String user = System.getProperty("mysql.user", "root");
    String password = System.getProperty("mysql.password", "");
    try (Echo echo = new Echo();
        RedisKeys redis =
            RedisKeys.connect(System.getProperty("redis.url", "redis://127.0.0.1:6379"));
        MysqlDatabase database =
            MysqlDatabase.create(
                System.getProperty("mysql.url", "jdbc:mysql://127.0.0.1:3306/"),
                user,
                password,
                false);
        Connection autocommit = DriverManager.getConnection(database.url(), user, password);
        Connection inTransaction = DriverManager.getConnection(database.url(), user, password)) {
      try (Statement s = autocommit.createStatement()) {
        s.execute("CREATE TABLE crossing (id BIGINT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(36))");
      }
      inTransaction.setAutoCommit(false);
      PreparedStatement select = autocommit.prepareStatement("SELECT 1");
      PreparedStatement commit = autocommit.prepareStatement("INSERT INTO crossing (v) VALUES (?)");
      PreparedStatement noCommit =
          inTransaction.prepareStatement("INSERT INTO crossing (v) VALUES (?)");
      Map<String, Crossing> crossings = new LinkedHashMap<>();
      crossings.put("loopback echo, a thread of this JVM", echo::roundTrip);
      crossings.put("redis PING", redis::ping);
      crossings.put("mysql ping (COM_PING)", () -> autocommit.isValid(1));
      crossings.put("mysql SELECT 1", () -> select.executeQuery().close());
      crossings.put("mysql INSERT, autocommit (a commit)", () -> insert(commit));
      crossings.put("mysql INSERT in an open transaction", () -> insert(noCommit));
      Map<String, long[]> paused = new LinkedHashMap<>();
      Map<String, long[]> backToBack = new LinkedHashMap<>();
      crossings.keySet().forEach(name -> paused.put(name, new long[rounds]));
      crossings.keySet().forEach(name -> backToBack.put(name, new long[rounds]));
      for (int round = -20; round < rounds; round++) { // twenty warm-up rounds
        for (Map.Entry<String, Crossing> c : crossings.entrySet()) {
          Thread.sleep(pauseMs);
          long afterPause = time(c.getValue());
          long again = time(c.getValue());
          if (round >= 0) {
            paused.get(c.getKey())[round] = afterPause;
            backToBack.get(c.getKey())[round] = again;
          }
        }
        if (round % 100 == 99) {
          inTransaction.rollback(); // keeps the open transaction's undo log small
        }
      }
      inTransaction.rollback();
      System.out.printf(
          "round trips, %d rounds interleaved, the first after a %d ms pause, the second at once%n",
          rounds, pauseMs);
      System.out.printf(
          "%-40s %12s %12s %12s %12s%n",
          "crossing", "paused p50", "paused p90", "at once p50", "at once p90");
      for (String name : crossings.keySet()) {
        System.out.printf(
            "%-40s %9.3f ms %9.3f ms %9.3f ms %9.3f ms%n",
            name,
            EngineTiming.percentileMs(paused.get(name), 50),
            EngineTiming.percentileMs(paused.get(name), 90),
            EngineTiming.percentileMs(backToBack.get(name), 50),
            EngineTiming.percentileMs(backToBack.get(name), 90));
      }
    }
  }

  private static long time(Crossing crossing) throws Exception {
    long started = System.nanoTime();
    crossing.cross();
    return System.nanoTime() - started;
  }

  private static void insert(PreparedStatement insert) throws SQLException {
    insert.setString(1, "00000000-0000-0000-0000-000000000000");
    insert.executeUpdate();
  }

  /** A thread of this JVM that sends back each byte it reads, over a loopback connection. */
  private static final class Echo implements AutoCloseable {
    private final ServerSocket server;
    private final Socket client;
    private final Thread thread;

    Echo() throws IOException {
      server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
      client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
      client.setTcpNoDelay(true);
      Socket accepted = server.accept();
      accepted.setTcpNoDelay(true);
      thread = new Thread(() -> echo(accepted), "crossing-echo");
      thread.setDaemon(true);
      thread.start();
    }

    private static void echo(Socket socket) {
      try (socket) {
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream();
        for (int b = in.read(); b >= 0; b = in.read()) {
          out.write(b);
        }
      } catch (IOException e) {
        // closed with the benchmark
      }
    }

    void roundTrip() throws IOException {
      client.getOutputStream().write(1);
      if (client.getInputStream().read() != 1) {
        throw new IOException("the echo thread closed its connection");
      }
    }

    @Override
    public void close() throws IOException {
      client.close();
      server.close();
    }
  }
}
