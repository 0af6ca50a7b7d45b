package dev.livecode.benchmarks.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Throughput: {@code runs} runs at a fixed concurrency (each client thread its own session, each
 * run POST + wait for the result), beside the same number of bare spawns at the same concurrency.
 * Bounded by a deadline: runs not finished by then are not counted.
 */
public final class ThroughputBench {

  /** What one level reached. */
  public record Result(
      int completed, int failures, double seconds, Summary latencyMs, String firstFailure) {
    public double perSecond() {
      return seconds > 0 ? completed / seconds : Double.NaN;
    }
  }

  /** A unit of work done by client thread {@code thread}; returns false for a wrong result. */
  @FunctionalInterface
  interface Work {
    String perform(int thread) throws IOException, InterruptedException;
  }

  /** {@code runs} runs through the server at {@code concurrency}. */
  public static Result server(
      LivecodeClient client, String language, int runs, int concurrency, Duration deadline)
      throws IOException, InterruptedException {
    List<String> sessions = new ArrayList<>();
    for (int i = 0; i < concurrency; i++) {
      sessions.add(client.createSession(language, LatencyBench.source(language)));
    }
    return drive(
        runs,
        concurrency,
        deadline,
        thread -> {
          LatencyBench.Sample s = LatencyBench.runOnce(client, sessions.get(thread));
          return s.ok() ? "" : s.failure();
        });
  }

  /** {@code runs} spawns of {@code command} at {@code concurrency}. */
  public static Result spawns(
      Spawner spawner,
      List<String> command,
      boolean sandboxed,
      int runs,
      int concurrency,
      Duration deadline)
      throws InterruptedException {
    return drive(
        runs,
        concurrency,
        deadline,
        thread -> {
          spawner.spawnOnce(command, sandboxed);
          return "";
        });
  }

  static Result drive(int runs, int concurrency, Duration deadline, Work work)
      throws InterruptedException {
    AtomicInteger left = new AtomicInteger(runs);
    AtomicInteger completed = new AtomicInteger();
    AtomicInteger failures = new AtomicInteger();
    AtomicReference<String> firstFailure = new AtomicReference<>("");
    long[][] latencies = new long[concurrency][runs];
    int[] counts = new int[concurrency];
    CountDownLatch start = new CountDownLatch(1);
    CountDownLatch end = new CountDownLatch(concurrency);
    long[] window = new long[2];
    long stopAt = System.nanoTime() + deadline.toNanos();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < concurrency; t++) {
      int thread = t;
      Thread worker =
          new Thread(
              () -> {
                try {
                  start.await();
                  while (left.getAndDecrement() > 0 && System.nanoTime() < stopAt) {
                    long t0 = System.nanoTime();
                    String failure;
                    try {
                      failure = work.perform(thread);
                    } catch (IOException e) {
                      failure = String.valueOf(e.getMessage());
                    }
                    if (failure.isEmpty()) {
                      latencies[thread][counts[thread]++] = System.nanoTime() - t0;
                      completed.incrementAndGet();
                    } else {
                      failures.incrementAndGet();
                      firstFailure.compareAndSet("", failure);
                    }
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                } finally {
                  end.countDown();
                }
              },
              "livecode-bench-load-" + t);
      worker.setDaemon(true);
      threads.add(worker);
      worker.start();
    }
    window[0] = System.nanoTime();
    start.countDown();
    end.await();
    window[1] = System.nanoTime();
    List<Double> all = new ArrayList<>();
    for (int t = 0; t < concurrency; t++) {
      for (int i = 0; i < counts[t]; i++) {
        all.add(latencies[t][i] / 1e6);
      }
    }
    double[] ms = all.stream().mapToDouble(Double::doubleValue).toArray();
    return new Result(
        completed.get(),
        failures.get(),
        (window[1] - window[0]) / 1e9,
        Summary.of(ms),
        firstFailure.get());
  }
}
