package dev.livecode.runner.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livecode.core.Execution;
import dev.livecode.core.Livecode;
import dev.livecode.core.LivecodeEngine;
import dev.livecode.core.RunRequest;
import dev.livecode.core.Session;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A TypeScript run must cost about what a JavaScript run costs (a warm transpiler, not a compiler
 * started per run), or choosing TypeScript would make every Run visibly slower. Runs {@code
 * console.log(1)} in both, interleaved, through an engine with discovered runners, and compares
 * medians. The bound is loose (the CI machine is shared); what it catches is a per-run compiler
 * start, which costs 170 ms and more.
 */
class TypeScriptCostIT {
  private static final int RUNS = 30;

  @Test
  void typeScriptRunCostsAboutWhatJavaScriptCosts() {
    try (LivecodeEngine engine = Livecode.builder().workers(1).build()) {
      for (int i = 0; i < 3; i++) { // warm the JVM paths and the transpiler
        timeRun(engine, "javascript", "console.log(1)\n");
        timeRun(engine, "typescript", "console.log(1)\n");
      }
      List<Long> js = new ArrayList<>();
      List<Long> ts = new ArrayList<>();
      List<Long> tsCached = new ArrayList<>();
      for (int i = 0; i < RUNS; i++) {
        // A different source each time, so every TypeScript run goes through the transpiler.
        js.add(timeRun(engine, "javascript", "console.log(1) // " + i + "\n"));
        ts.add(timeRun(engine, "typescript", "console.log(1) // " + i + "\n"));
        tsCached.add(timeRun(engine, "typescript", "console.log(1)\n"));
      }
      long jsMedian = median(js);
      long tsMedian = median(ts);
      System.out.printf(
          "run-to-result median of %d console.log(1): javascript=%.1f ms typescript=%.1f ms "
              + "(added %.1f ms) typescript-unchanged-source=%.1f ms (added %.1f ms)%n",
          RUNS,
          jsMedian / 1000.0,
          tsMedian / 1000.0,
          (tsMedian - jsMedian) / 1000.0,
          median(tsCached) / 1000.0,
          (median(tsCached) - jsMedian) / 1000.0);

      assertThat(tsMedian - jsMedian).isLessThan(Duration.ofMillis(40).toNanos() / 1000);
    }
  }

  private static long timeRun(LivecodeEngine engine, String language, String source) {
    Session session = engine.createSession(language, source);
    long started = System.nanoTime();
    Execution queued = engine.run(RunRequest.of(session.id()));
    Execution done = engine.awaitExecution(queued.id(), Duration.ofSeconds(30));
    long micros = (System.nanoTime() - started) / 1000;
    assertThat(done.status()).isEqualTo(Execution.Status.COMPLETED);
    assertThat(done.result().orElseThrow().stdout()).isEqualTo("1\n");
    return micros;
  }

  private static long median(List<Long> values) {
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }
}
