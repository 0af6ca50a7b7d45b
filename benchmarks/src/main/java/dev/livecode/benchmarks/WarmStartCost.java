package dev.livecode.benchmarks;

import dev.livecode.benchmarks.internal.EngineTiming;
import dev.livecode.core.Limits;
import dev.livecode.core.Livecode;
import dev.livecode.core.LivecodeEngine;
import dev.livecode.core.spi.LanguageRunner;
import dev.livecode.runner.node.JavaScriptRunner;
import dev.livecode.runner.node.TypeScriptRunner;
import dev.livecode.runner.python.PythonRunner;
import dev.livecode.sandbox.Isolation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Prints what a warm start saves: the time from {@code engine.run} to {@code awaitExecution}
 * returning the result (what an HTTP client sees, less HTTP) of a one-line program, cold and warm,
 * through one engine in production settings (AUTO isolation, default limits, a warm pool of 2),
 * rounds interleaved so host load hits both columns alike. A cold run is one that asks for a wall
 * time 1 s above the default (any other limits take the cold path); before each warm run the pool
 * is let refill, as between two clicks on Run. See {@code docs/benchmarks.md}:
 *
 * <pre>
 * java -cp benchmarks/target/livecode-benchmarks.jar dev.livecode.benchmarks.WarmStartCost [runs] [language...]
 * </pre>
 *
 * with 50 runs and python, javascript and typescript by default.
 */
public final class WarmStartCost {
  /** One language to measure: a program and the stdout it must print. */
  private record Case(LanguageRunner runner, String source, String output) {}

  private static final Map<String, Case> CASES =
      Map.of(
          "python", new Case(new PythonRunner(), "print(1)\n", "1\n"),
          "javascript", new Case(new JavaScriptRunner(), "console.log(1)\n", "1\n"),
          "typescript",
              new Case(new TypeScriptRunner(), "const n: number = 1;\nconsole.log(n);\n", "1\n"));

  private WarmStartCost() {}

  public static void main(String[] args) throws InterruptedException {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 50;
    List<String> languages =
        args.length > 1
            ? Arrays.asList(args).subList(1, args.length)
            : List.of("python", "javascript", "typescript");
    List<Case> cases = new ArrayList<>();
    for (String language : languages) {
      Case c = CASES.get(language);
      if (c == null) {
        throw new IllegalArgumentException(
            "no case for " + language + "; known: " + CASES.keySet());
      }
      cases.add(c);
    }
    measure(runs, cases);
  }

  private static void measure(int runs, List<Case> cases) throws InterruptedException {
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
          long[] coldRun = EngineTiming.run(engine, id, c.source(), c.output(), cold);
          EngineTiming.awaitFullPool(engine, id);
          Thread.sleep(20);
          long takenBefore = EngineTiming.pool(engine, id).taken();
          long[] w = EngineTiming.run(engine, id, c.source(), c.output(), Limits.Overrides.NONE);
          if (EngineTiming.pool(engine, id).taken() != takenBefore + 1) {
            throw new IllegalStateException("a warm run did not take a warm process");
          }
          EngineTiming.awaitFullPool(engine, id);
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

  private static void print(String language, String mode, long[] total, long[] exec) {
    System.out.printf(
        "%-12s %-6s %10.2f %10.2f %10.2f %14.2f%n",
        language,
        mode,
        EngineTiming.percentileMs(total, 50),
        EngineTiming.percentileMs(total, 10),
        EngineTiming.percentileMs(total, 90),
        EngineTiming.percentileMs(exec, 50));
  }
}
