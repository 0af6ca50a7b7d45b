package dev.livecode.core.sandbox;

import dev.livecode.sandbox.ConfinedProcess;
import dev.livecode.sandbox.Isolation;
import dev.livecode.sandbox.LaunchSpec;
import dev.livecode.sandbox.Sandbox;
import dev.livecode.sandbox.SandboxLimits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Prints the cost of each sandbox tier: the median wall time of {@code print(1)} under {@code
 * python3 -S -I} through bwrap, unshare and none, beside the bare interpreter started by the same
 * JVM, rounds interleaved so host load hits every column alike. Each tier's time is the whole
 * per-run path: cgroup, launch shell, sandbox, program, kill and cgroup hand-back. {@code
 * bwrap+ready} is the bwrap tier as an engine prepares it: a launch shell that joined its cgroups
 * ahead of the run. An optional pause before each run (ms) lets the host go idle as between two
 * clicks on Run, which is when joining a cgroup on the run's path costs most. Not a test (nothing
 * asserted); after {@code mvn -pl core test-compile}:
 *
 * <pre>
 * mvn -q -pl core dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
 * java -cp core/target/classes:core/target/test-classes:$(cat /tmp/cp.txt) dev.livecode.core.sandbox.SandboxCost 100 25
 * </pre>
 */
public final class SandboxCost {
  private SandboxCost() {}

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 50;
    long pauseMs = args.length > 1 ? Long.parseLong(args[1]) : 0;
    Path root = Files.createTempDirectory("livecode-cost-");
    Path workspace = Files.createDirectory(root.resolve("workspace"));
    Files.writeString(workspace.resolve("main.py"), "print(1)\n");
    List<String> argv = List.of("/usr/bin/python3", "-S", "-I", "main.py");
    Map<String, Sandbox> tiers = new LinkedHashMap<>();
    for (Isolation tier : List.of(Isolation.BWRAP, Isolation.UNSHARE, Isolation.NONE)) {
      tiers.put(tier.name().toLowerCase(), Sandbox.create(tier));
    }
    Sandbox ready = Sandbox.create(Isolation.BWRAP);
    ready.prepare(SandboxLimits.DEFAULTS, 1);
    tiers.put("bwrap+ready", ready);
    Map<String, long[]> nanos = new LinkedHashMap<>();
    nanos.put("bare", new long[runs]);
    tiers.keySet().forEach(t -> nanos.put(t, new long[runs]));
    for (int round = -5; round < runs; round++) { // five warm-up rounds
      Thread.sleep(pauseMs);
      long bare =
          time(
              () -> {
                Process p = new ProcessBuilder(argv).directory(workspace.toFile()).start();
                check(p.getInputStream().readAllBytes(), p.waitFor());
              });
      if (round >= 0) {
        nanos.get("bare")[round] = bare;
      }
      for (Map.Entry<String, Sandbox> tier : tiers.entrySet()) {
        LaunchSpec spec =
            new LaunchSpec(
                argv,
                Map.of("PATH", "/usr/bin:/bin"),
                workspace,
                List.of(),
                SandboxLimits.DEFAULTS,
                false);
        Thread.sleep(pauseMs);
        long took =
            time(
                () -> {
                  try (ConfinedProcess p = tier.getValue().start(spec)) {
                    p.process().getOutputStream().close();
                    check(p.process().getInputStream().readAllBytes(), p.process().waitFor());
                  }
                });
        if (round >= 0) {
          nanos.get(tier.getKey())[round] = took;
        }
      }
    }
    System.out.printf(
        "print(1) with python3 -S -I, %d runs each, interleaved, %d ms pause before each%n",
        runs, pauseMs);
    System.out.printf("%-12s %10s %10s %10s%n", "tier", "median ms", "p10 ms", "p90 ms");
    for (Map.Entry<String, long[]> e : nanos.entrySet()) {
      long[] v = e.getValue().clone();
      Arrays.sort(v);
      System.out.printf(
          "%-12s %10.1f %10.1f %10.1f%n",
          e.getKey(), v[v.length / 2] / 1e6, v[v.length / 10] / 1e6, v[v.length * 9 / 10] / 1e6);
    }
    tiers.values().forEach(Sandbox::close);
    try (var files = Files.list(workspace)) {
      for (Path f : new ArrayList<>(files.toList())) {
        Files.delete(f);
      }
    }
    Files.delete(workspace);
    Files.delete(root);
  }

  private interface Body {
    void run() throws Exception;
  }

  private static long time(Body body) throws Exception {
    long start = System.nanoTime();
    body.run();
    return System.nanoTime() - start;
  }

  private static void check(byte[] out, int exit) {
    if (exit != 0 || !new String(out).trim().equals("1")) {
      throw new IllegalStateException("unexpected run: exit " + exit + " out " + new String(out));
    }
  }
}
