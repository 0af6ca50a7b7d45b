package dev.livecode.benchmarks;

import dev.livecode.benchmarks.internal.MysqlDatabase;
import dev.livecode.core.Session;
import dev.livecode.core.spi.Store;
import dev.livecode.store.mysql.MySqlStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Measures autosave throughput at N concurrent writers (each on its own session, as editors are)
 * and the latency of one autosave, on the in-memory store and on MySQL, in one run, at the store
 * itself (no HTTP; {@code BenchmarkMain --sections http} measures the same through the server).
 * Prints, never asserts: it is a measurement, not a test. See {@code docs/benchmarks.md}:
 *
 * <pre>
 * java [-Dthreads=32 -Dseconds=5 -Dpool=10] -cp benchmarks/target/livecode-benchmarks.jar \
 *     dev.livecode.benchmarks.AutosaveThroughput
 * </pre>
 *
 * The server is {@code -Dmysql.url} (default {@code jdbc:mysql://127.0.0.1:3306/}, the MariaDB of
 * {@code scripts/services.sh}), {@code -Dmysql.user} (root) and {@code -Dmysql.password} (empty);
 * the program works in a fresh database of its own and drops it at the end.
 */
public final class AutosaveThroughput {
  private static final String SOURCE =
      "def greet(name):\n    return f'hello {name} 😀'\n\n".repeat(40); // ~2 KiB

  private AutosaveThroughput() {}

  public static void main(String[] args) throws Exception {
    int threads = Integer.getInteger("threads", 32);
    int seconds = Integer.getInteger("seconds", 5);
    int pool = Integer.getInteger("pool", MySqlStore.DEFAULT_POOL_SIZE);
    System.out.printf(
        "autosave benchmark: %d threads, %d s measured after 2 s warm-up, ~%d B source, mysql pool %d%n",
        threads, seconds, SOURCE.getBytes(java.nio.charset.StandardCharsets.UTF_8).length, pool);
    String user = System.getProperty("mysql.user", "root");
    String password = System.getProperty("mysql.password", "");
    try (MysqlDatabase database =
            MysqlDatabase.create(
                System.getProperty("mysql.url", "jdbc:mysql://127.0.0.1:3306/"),
                user,
                password,
                false);
        MySqlStore mysql =
            MySqlStore.builder()
                .jdbcUrl(database.url())
                .username(user)
                .password(password)
                .poolSize(pool)
                .build();
        Store memory = Store.inMemory()) {
      report("in-memory", memory, threads, seconds);
      report("mysql", mysql, threads, seconds);
    }
  }

  private static void report(String name, Store store, int threads, int seconds) throws Exception {
    double[] idle = latencies(store, 2_000);
    Result loaded = load(store, threads, seconds);
    System.out.printf(
        "%-9s  %,9.0f updates/s at %d threads   p50 %.3f ms  p99 %.3f ms (under load)   "
            + "p50 %.3f ms  p99 %.3f ms (one writer)%n",
        name,
        loaded.perSecond,
        threads,
        loaded.p50,
        loaded.p99,
        percentile(idle, 50),
        percentile(idle, 99));
  }

  private static Session session(Store store) {
    Instant now = Instant.now();
    Session session =
        new Session(UUID.randomUUID(), Session.ANONYMOUS, "python", SOURCE, 1, now, now);
    store.insertSession(session);
    return session;
  }

  /**
   * Sequential autosaves of one session: the latency of one PATCH's store work with no contention.
   */
  private static double[] latencies(Store store, int count) {
    Session session = session(store);
    for (int i = 0; i < count / 4; i++) {
      store.updateSession(Session.Update.source(session.id(), SOURCE + i), Instant.now());
    }
    double[] millis = new double[count];
    for (int i = 0; i < count; i++) {
      long start = System.nanoTime();
      store.updateSession(Session.Update.source(session.id(), SOURCE + i), Instant.now());
      millis[i] = (System.nanoTime() - start) / 1e6;
    }
    return millis;
  }

  private record Result(double perSecond, double p50, double p99) {}

  private static Result load(Store store, int threads, int seconds) throws Exception {
    AtomicBoolean measuring = new AtomicBoolean();
    AtomicBoolean stop = new AtomicBoolean();
    CountDownLatch done = new CountDownLatch(threads);
    List<List<Double>> samples = new ArrayList<>();
    long[] counts = new long[threads];
    for (int t = 0; t < threads; t++) {
      Session session = session(store);
      List<Double> mine = new ArrayList<>();
      samples.add(mine);
      int index = t;
      Thread worker =
          new Thread(
              () -> {
                try {
                  for (int i = 0; !stop.get(); i++) {
                    long start = System.nanoTime();
                    store.updateSession(
                        Session.Update.source(session.id(), SOURCE + i), Instant.now());
                    if (measuring.get()) {
                      mine.add((System.nanoTime() - start) / 1e6);
                      counts[index]++;
                    }
                  }
                } finally {
                  done.countDown();
                }
              },
              "livecode-bench-" + t);
      worker.start();
    }
    Thread.sleep(2_000);
    measuring.set(true);
    long begin = System.nanoTime();
    Thread.sleep(seconds * 1_000L);
    measuring.set(false);
    double elapsed = (System.nanoTime() - begin) / 1e9;
    stop.set(true);
    done.await();
    long total = Arrays.stream(counts).sum();
    double[] all =
        samples.stream().flatMap(List::stream).mapToDouble(Double::doubleValue).toArray();
    return new Result(total / elapsed, percentile(all, 50), percentile(all, 99));
  }

  private static double percentile(double[] values, int p) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted.length == 0
        ? Double.NaN
        : sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
  }
}
