package dev.livecode.core.testing;

import dev.livecode.core.Execution;
import dev.livecode.core.Limits;
import dev.livecode.core.Livecode;
import dev.livecode.core.LivecodeEngine;
import dev.livecode.core.RunRequest;
import dev.livecode.core.internal.WarmPools;
import dev.livecode.core.spi.LanguageRunner;
import dev.livecode.sandbox.Isolation;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * Prints what a warm start saves: the time from {@code engine.run} to {@code awaitExecution}
 * returning the result (what an HTTP client sees, less HTTP) of a one-line program, cold and warm,
 * through one engine in production settings (AUTO isolation, default limits, a warm pool of 2),
 * rounds interleaved so host load hits both columns alike. A cold run is one that asks for a wall
 * time 1 s above the default (any other limits take the cold path); before each warm run the pool
 * is let refill, as between two clicks on Run. Not a test: each runner module has a small main that
 * calls {@link #measure} with its languages (see its class comment for the command).
 */
public final class WarmStartCost {
  private WarmStartCost() {}

  /** One language to measure: a program and the stdout it must print. */
  public record Case(LanguageRunner runner, String source, String output) {}

  public static void measure(int runs, List<Case> cases) throws InterruptedException {
    Limits.Overrides cold =
        Limits.Overrides.NONE.withWallTime(Limits.DEFAULTS.wallTime().plusSeconds(1));
    var builder =
        Livecode.builder()
            .name("warm-start-cost")
            .discoverRunners(false)
            .isolation(Isolation.AUTO)
            .workers(2)
            .warmPool(2);
    cases.forEach(c -> builder.runner(c.runner()));
    try (LivecodeEngine engine = builder.build()) {
      System.out.printf(
          "engine.run -> awaitExecution, %d runs each, cold and warm interleaved, isolation %s%n",
          runs, engine.status().isolation());
      System.out.printf(
          "%-12s %-6s %10s %10s %10s %14s%n",
          "language", "mode", "p50 ms", "p10 ms", "p90 ms", "exec p50 ms");
      for (Case c : cases) {
        String id = c.runner().id();
        long[] coldTotal = new long[runs];
        long[] warmTotal = new long[runs];
        long[] coldExec = new long[runs];
        long[] warmExec = new long[runs];
        for (int round = -5; round < runs; round++) { // five warm-up rounds
          long[] coldRun = run(engine, id, c.source(), c.output(), cold);
          awaitFull(engine, id);
          Thread.sleep(20);
          long takenBefore = WarmPools.taken(engine, id);
          long[] w = run(engine, id, c.source(), c.output(), Limits.Overrides.NONE);
          if (WarmPools.taken(engine, id) != takenBefore + 1) {
            throw new IllegalStateException("a warm run did not take a warm process");
          }
          awaitFull(engine, id);
          Thread.sleep(20);
          if (round >= 0) {
            coldTotal[round] = coldRun[0];
            coldExec[round] = coldRun[1];
            warmTotal[round] = w[0];
            warmExec[round] = w[1];
          }
        }
        print(id, "cold", coldTotal, coldExec);
        print(id, "warm", warmTotal, warmExec);
      }
    }
  }

  private static void awaitFull(LivecodeEngine engine, String id) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!WarmPools.full(engine, id)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the warm pool did not refill");
      }
      Thread.sleep(2);
    }
  }

  /** {total nanos, execution time nanos} of one run. */
  private static long[] run(
      LivecodeEngine engine,
      String language,
      String source,
      String output,
      Limits.Overrides limits) {
    var session = engine.createSession(language, source);
    long started = System.nanoTime();
    Execution queued = engine.run(RunRequest.of(session.id()).withLimits(limits));
    Execution done = engine.awaitExecution(queued.id(), Duration.ofSeconds(30));
    long total = System.nanoTime() - started;
    Execution.Result result =
        done.result().orElseThrow(() -> new IllegalStateException("run did not finish"));
    if (result.status() != Execution.Status.COMPLETED || !result.stdout().equals(output)) {
      throw new IllegalStateException(language + " run failed: " + result);
    }
    return new long[] {total, result.executionTime().toNanos()};
  }

  private static void print(String language, String mode, long[] total, long[] exec) {
    long[] v = total.clone();
    Arrays.sort(v);
    long[] e = exec.clone();
    Arrays.sort(e);
    System.out.printf(
        "%-12s %-6s %10.2f %10.2f %10.2f %14.2f%n",
        language,
        mode,
        v[v.length / 2] / 1e6,
        v[v.length / 10] / 1e6,
        v[v.length * 9 / 10] / 1e6,
        e[e.length / 2] / 1e6);
  }
}
