package dev.livecode.benchmarks;

import dev.livecode.benchmarks.internal.DirectPython;
import dev.livecode.benchmarks.internal.EngineTiming;
import dev.livecode.core.Limits;
import dev.livecode.core.Livecode;
import dev.livecode.core.LivecodeEngine;
import dev.livecode.core.spi.LanguageRunner;
import dev.livecode.runner.python.PythonRunner;
import dev.livecode.sandbox.Isolation;

/**
 * Prints what the bootstrap costs: the median execution time of {@code print(1)} run by {@link
 * PythonRunner} beside the same interpreter started as {@code python -S -I -u main.py} (the command
 * before the bootstrap), both through one engine in production settings (AUTO isolation), rounds
 * interleaved so host load hits both columns alike. See {@code docs/benchmarks.md}:
 *
 * <pre>
 * java -cp benchmarks/target/livecode-benchmarks.jar dev.livecode.benchmarks.PythonStartCost [runs]
 * </pre>
 */
public final class PythonStartCost {
  private PythonStartCost() {}

  public static void main(String[] args) {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 30;
    PythonRunner bootstrapped = new PythonRunner();
    LanguageRunner direct = new DirectPython("python-direct", PythonRunner.FLAGS);
    try (LivecodeEngine engine =
        Livecode.builder()
            .name("python-start-cost")
            .discoverRunners(false)
            .runner(bootstrapped)
            .runner(direct)
            .isolation(Isolation.AUTO)
            .workers(1)
            .build()) {
      long[] withBootstrap = new long[runs];
      long[] withoutBootstrap = new long[runs];
      for (int round = -5; round < runs; round++) { // five warm-up rounds
        long a = run(engine, bootstrapped.id());
        long b = run(engine, direct.id());
        if (round >= 0) {
          withBootstrap[round] = a;
          withoutBootstrap[round] = b;
        }
      }
      System.out.printf(
          "print(1), %d runs each, interleaved, execution time through the engine%n", runs);
      System.out.printf("%-32s %10s %10s %10s%n", "command", "median ms", "p10 ms", "p90 ms");
      print("python -S -I -u main.py", withoutBootstrap);
      print("python -S -I -u -c BOOTSTRAP", withBootstrap);
      System.out.printf(
          "added by the bootstrap (median): %.2f ms%n",
          EngineTiming.percentileMs(withBootstrap, 50)
              - EngineTiming.percentileMs(withoutBootstrap, 50));
    }
  }

  private static long run(LivecodeEngine engine, String language) {
    return EngineTiming.run(engine, language, "print(1)\n", "1\n", Limits.Overrides.NONE)[1];
  }

  private static void print(String label, long[] nanos) {
    System.out.printf(
        "%-32s %10.2f %10.2f %10.2f%n",
        label,
        EngineTiming.percentileMs(nanos, 50),
        EngineTiming.percentileMs(nanos, 10),
        EngineTiming.percentileMs(nanos, 90));
  }
}
