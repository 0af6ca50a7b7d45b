package dev.livecode.runner.python;

import dev.livecode.core.Execution;
import dev.livecode.core.Livecode;
import dev.livecode.core.LivecodeEngine;
import dev.livecode.core.RunRequest;
import dev.livecode.core.spi.LanguageRunner;
import dev.livecode.sandbox.Isolation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Prints what the bootstrap costs: the median execution time of {@code print(1)} run by {@link
 * PythonRunner} beside the same interpreter started as {@code python -S -I -u main.py} (the command
 * before the bootstrap), both through one engine in production settings (AUTO isolation), rounds
 * interleaved so host load hits both columns alike. Not a test: after {@code mvn -pl runner-python
 * verify}, run {@code java -cp runner-python/target/classes:runner-python/target/test-classes:$(cat
 * cp.txt) dev.livecode.runner.python.PythonStartCost [runs]} with cp.txt from {@code mvn -pl
 * runner-python dependency:build-classpath -Dmdep.outputFile=cp.txt -Dmdep.includeScope=test}.
 */
public final class PythonStartCost {
  private PythonStartCost() {}

  public static void main(String[] args) {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 30;
    PythonRunner bootstrapped = new PythonRunner();
    LanguageRunner direct = new DirectPythonRunner();
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
          (median(withBootstrap) - median(withoutBootstrap)) / 1e6);
    }
  }

  private static long run(LivecodeEngine engine, String language) {
    Execution queued = engine.run(RunRequest.of(engine.createSession(language, "print(1)\n").id()));
    Execution done = engine.awaitExecution(queued.id(), Duration.ofSeconds(30));
    Execution.Result result =
        done.result().orElseThrow(() -> new IllegalStateException("run did not finish"));
    if (result.status() != Execution.Status.COMPLETED || !result.stdout().equals("1\n")) {
      throw new IllegalStateException(language + " run failed: " + result);
    }
    return result.executionTime().toNanos();
  }

  private static double median(long[] nanos) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  private static void print(String label, long[] nanos) {
    long[] v = nanos.clone();
    Arrays.sort(v);
    System.out.printf(
        "%-32s %10.2f %10.2f %10.2f%n",
        label, v[v.length / 2] / 1e6, v[v.length / 10] / 1e6, v[v.length * 9 / 10] / 1e6);
  }

  /** The python runner as it was before the bootstrap: {@code python -S -I -u main.py}. */
  private static final class DirectPythonRunner implements LanguageRunner {
    private final PythonRunner delegate = new PythonRunner();

    @Override
    public String id() {
      return "python-direct";
    }

    @Override
    public String displayName() {
      return "Python without bootstrap";
    }

    @Override
    public LanguageRunner.Probe probe(LanguageRunner.Settings settings) {
      return delegate.probe(settings);
    }

    @Override
    public LanguageRunner.Program prepare(
        String sourceCode, LanguageRunner.Probe probe, LanguageRunner.Settings settings) {
      List<String> argv = new ArrayList<>();
      argv.add(probe.requireExecutable().toString());
      argv.addAll(PythonRunner.FLAGS);
      argv.addAll(settings.extraArgs());
      argv.add(PythonRunner.MAIN_FILE);
      return LanguageRunner.Program.interpreted(
          Map.of(PythonRunner.MAIN_FILE, sourceCode), LanguageRunner.Command.of(argv));
    }
  }
}
