package dev.livecode.runner.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livecode.core.Execution;
import dev.livecode.core.Limits;
import dev.livecode.core.Livecode;
import dev.livecode.core.LivecodeEngine;
import dev.livecode.core.RunRequest;
import dev.livecode.core.Session;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * TypeScript sources that send the compiler into exponential time ("compiler bombs": its parser
 * backtracks on each unclosed {@code async (}, so the time doubles with each one) are charged to
 * their own runs: they end TIMEOUT within their run's wall limit, are refused at once the next
 * time, and do not hold up other runs meanwhile. A real engine with two workers, as on a 2-core
 * server.
 */
class TypeScriptBombIT {
  private static final Duration AWAIT = Duration.ofSeconds(60);

  /** Far beyond any wall limit: 24 of them take minutes. */
  private static final int DEPTH = 24;

  private final TypeScriptRunner typescript = new TypeScriptRunner();
  private LivecodeEngine engine;

  static String bomb(String name) {
    return name + " = " + "async (".repeat(DEPTH);
  }

  @BeforeEach
  void startEngine() {
    engine =
        Livecode.builder()
            .name("bombs")
            .discoverRunners(false)
            .runner(typescript)
            .runner(new JavaScriptRunner())
            .workers(2)
            .shutdownGrace(Duration.ofSeconds(1))
            .build();
    awaitUntil("a transpiler is ready", () -> typescript.transpilersReady() >= 1);
  }

  @AfterEach
  void closeEngine() {
    engine.close();
  }

  @Test
  void bombEndsTimeoutWithinItsWallLimit() {
    long started = System.nanoTime();

    Execution.Result result = end(start("typescript", bomb("x"), Duration.ofSeconds(2)));
    System.out.printf(
        "bomb with a 2 s wall limit ended after %d ms%n",
        Duration.ofNanos(System.nanoTime() - started).toMillis());

    assertThat(result.status()).isEqualTo(Execution.Status.TIMEOUT);
    assertThat(result.failureReason()).isEmpty();
    assertThat(result.stderr())
        .contains("did not finish within 2000 ms")
        .endsWith("Execution Timed Out");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(3000));
  }

  @Test
  void bombThatTimedOutBeforeIsRefusedAtOnce() {
    assertThat(end(start("typescript", bomb("x"), Duration.ofSeconds(2))).status())
        .isEqualTo(Execution.Status.TIMEOUT);
    long started = System.nanoTime();

    Execution.Result again = end(start("typescript", bomb("x"), Duration.ofSeconds(2)));

    Duration refused = Duration.ofNanos(System.nanoTime() - started);
    System.out.printf("the same bomb again was refused after %d ms%n", refused.toMillis());
    assertThat(refused).isLessThan(Duration.ofMillis(500));
    assertThat(again.status()).isEqualTo(Execution.Status.FAILED);
    assertThat(again.failureReason()).hasValue(Execution.FailureReason.COMPILE_ERROR);
    assertThat(again.stderr()).contains("timed out before");
  }

  @Test
  void twoBombsInFlightDelayAJavaScriptRunByLessThanASecond() {
    Duration alone = medianLatency("javascript", i -> "console.log('hello " + i + "')\n");
    startTwoBombs();

    Duration latency = latency("javascript", "console.log('hello')\n");
    System.out.printf(
        "javascript run-to-result alone=%d ms beside two bombs=%d ms%n",
        alone.toMillis(), latency.toMillis());

    assertThat(latency.minus(alone))
        .as("javascript alone %s, beside two bombs %s", alone, latency)
        .isLessThan(Duration.ofSeconds(1));
    assertThat(typescript.transpiling()).as("both bombs still in the transpiler").isEqualTo(2);
  }

  @Test
  void twoBombsInFlightDelayASmallTypeScriptRunByLessThanTwoSeconds() {
    Duration alone =
        medianLatency("typescript", i -> "const n: number = " + i + ";\nconsole.log(n);\n");
    startTwoBombs();

    Duration latency = latency("typescript", "const n: number = -1;\nconsole.log(n);\n");
    System.out.printf(
        "typescript run-to-result alone=%d ms beside two bombs=%d ms%n",
        alone.toMillis(), latency.toMillis());

    assertThat(latency.minus(alone))
        .as("typescript alone %s, beside two bombs %s", alone, latency)
        .isLessThan(Duration.ofSeconds(2));
    assertThat(typescript.transpiling()).as("both bombs still in the transpiler").isEqualTo(2);
  }

  @Test
  void transpilersRunInTheEnginesHelperGroup() throws Exception {
    List<Long> pids = typescript.transpilerPids();

    assertThat(pids).isNotEmpty();
    for (long pid : pids) {
      assertThat(Files.readString(Path.of("/proc/" + pid + "/cgroup")))
          .contains("livecode-" + ProcessHandle.current().pid() + "-helpers-");
    }
  }

  /**
   * Two different bombs, each in a transpiler of its own, with wall limits that outlast the test;
   * returns once the pool has a spare transpiler ready again, as it does a moment after bombs take
   * its ready ones (a start takes 0.4 s on an idle 2-core host, seconds on a busy one).
   */
  private void startTwoBombs() {
    start("typescript", bomb("x"), Duration.ofSeconds(20));
    start("typescript", bomb("y"), Duration.ofSeconds(20));
    awaitUntil("both bombs are in the transpiler", () -> typescript.transpiling() == 2);
    awaitUntil("a spare transpiler is ready", () -> typescript.transpilersReady() >= 1);
  }

  private Duration medianLatency(String language, IntFunction<String> source) {
    List<Duration> latencies = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      latencies.add(latency(language, source.apply(i)));
    }
    Collections.sort(latencies);
    return latencies.get(latencies.size() / 2);
  }

  private Duration latency(String language, String source) {
    long started = System.nanoTime();
    Execution.Result result = end(start(language, source, Duration.ofSeconds(5)));
    Duration latency = Duration.ofNanos(System.nanoTime() - started);
    assertThat(result.status())
        .as("stderr: %s", result.stderr())
        .isEqualTo(Execution.Status.COMPLETED);
    return latency;
  }

  private Execution start(String language, String source, Duration wallTime) {
    Session session = engine.createSession(language, source);
    return engine.run(
        RunRequest.of(session.id()).withLimits(Limits.Overrides.NONE.withWallTime(wallTime)));
  }

  private Execution.Result end(Execution queued) {
    Execution done = engine.awaitExecution(queued.id(), AWAIT);
    assertThat(done.isFinished()).as("execution %s finished within %s", done.id(), AWAIT).isTrue();
    return done.result().orElseThrow();
  }

  private static void awaitUntil(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + AWAIT.toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("%s within %s", what, AWAIT).isLessThan(deadline);
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }
}
