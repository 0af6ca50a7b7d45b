package dev.livecode.benchmarks;

import dev.livecode.benchmarks.internal.DirectPython;
import dev.livecode.benchmarks.internal.EngineTiming;
import dev.livecode.core.Limits;
import dev.livecode.core.Livecode;
import dev.livecode.core.LivecodeEngine;
import dev.livecode.sandbox.Isolation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Prints the cost of each sandbox tier: the median wall time of {@code print(1)} under {@code
 * python3 -S -I} through bwrap, unshare and none, beside the bare interpreter started by the same
 * JVM, rounds interleaved so host load hits every column alike. Each tier's time is the whole
 * per-run path, from {@code engine.run} until {@code awaitExecution} returns on an engine of that
 * tier (one worker, in-memory store and queue, no warm interpreters, no ready sandboxes): cgroup,
 * launch shell, sandbox, program, kill and cgroup hand-back. These runs ask for a wall time 1 s
 * above the default, so their launch shell joins its cgroups on the run's path. {@code bwrap+ready}
 * is the bwrap tier with the default limits, as an engine prepares it: a launch shell that joined
 * its cgroups ahead of the run. An optional pause before each run (ms) lets the host go idle as
 * between two clicks on Run, which is when joining a cgroup on the run's path costs most. See
 * {@code docs/benchmarks.md}:
 *
 * <pre>
 * java -cp benchmarks/target/livecode-benchmarks.jar dev.livecode.benchmarks.SandboxCost [runs] [pause-ms]
 * </pre>
 */
public final class SandboxCost {
  private static final String LANGUAGE = "python3-direct";
  private static final List<String> FLAGS = List.of("-S", "-I");

  private SandboxCost() {}

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 50;
    long pauseMs = args.length > 1 ? Long.parseLong(args[1]) : 0;
    Limits.Overrides onTheRunsPath =
        Limits.Overrides.NONE.withWallTime(Limits.DEFAULTS.wallTime().plusSeconds(1));
    Map<String, LivecodeEngine> engines = new LinkedHashMap<>();
    Map<String, Limits.Overrides> limits = new LinkedHashMap<>();
    for (Isolation tier : List.of(Isolation.BWRAP, Isolation.UNSHARE, Isolation.NONE)) {
      engines.put(tier.name().toLowerCase(), engine(tier));
      limits.put(tier.name().toLowerCase(), onTheRunsPath);
    }
    engines.put("bwrap+ready", engine(Isolation.BWRAP));
    limits.put("bwrap+ready", Limits.Overrides.NONE);
    Path workspace = Files.createTempDirectory("livecode-cost-");
    Files.writeString(workspace.resolve("main.py"), "print(1)\n");
    List<String> bareArgv = List.of("/usr/bin/python3", "-S", "-I", "main.py");
    Map<String, long[]> nanos = new LinkedHashMap<>();
    nanos.put("bare", new long[runs]);
    engines.keySet().forEach(t -> nanos.put(t, new long[runs]));
    try {
      for (int round = -5; round < runs; round++) { // five warm-up rounds
        Thread.sleep(pauseMs);
        long started = System.nanoTime();
        Process p = new ProcessBuilder(bareArgv).directory(workspace.toFile()).start();
        check(p.getInputStream().readAllBytes(), p.waitFor());
        long bare = System.nanoTime() - started;
        if (round >= 0) {
          nanos.get("bare")[round] = bare;
        }
        for (Map.Entry<String, LivecodeEngine> tier : engines.entrySet()) {
          Thread.sleep(pauseMs);
          long took =
              EngineTiming.run(
                  tier.getValue(), LANGUAGE, "print(1)\n", "1\n", limits.get(tier.getKey()))[0];
          if (round >= 0) {
            nanos.get(tier.getKey())[round] = took;
          }
        }
      }
    } finally {
      engines.values().forEach(LivecodeEngine::close);
      Files.deleteIfExists(workspace.resolve("main.py"));
      Files.deleteIfExists(workspace);
    }
    System.out.printf(
        "print(1) with python3 -S -I, %d runs each, interleaved, %d ms pause before each%n",
        runs, pauseMs);
    System.out.printf("%-12s %10s %10s %10s%n", "tier", "median ms", "p10 ms", "p90 ms");
    for (Map.Entry<String, long[]> e : nanos.entrySet()) {
      System.out.printf(
          "%-12s %10.1f %10.1f %10.1f%n",
          e.getKey(),
          EngineTiming.percentileMs(e.getValue(), 50),
          EngineTiming.percentileMs(e.getValue(), 10),
          EngineTiming.percentileMs(e.getValue(), 90));
    }
  }

  private static LivecodeEngine engine(Isolation tier) {
    return Livecode.builder()
        .name("sandbox-cost-" + tier.name().toLowerCase())
        .discoverRunners(false)
        .runner(new DirectPython(LANGUAGE, FLAGS))
        .isolation(tier)
        .workers(1)
        .build();
  }

  private static void check(byte[] out, int exit) {
    if (exit != 0 || !new String(out).trim().equals("1")) {
      throw new IllegalStateException("unexpected run: exit " + exit + " out " + new String(out));
    }
  }
}
