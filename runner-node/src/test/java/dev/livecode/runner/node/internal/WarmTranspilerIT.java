package dev.livecode.runner.node.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.livecode.core.spi.LanguageRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class WarmTranspilerIT {
  private static final Path NODE = Path.of("/usr/bin/node");
  private static final Duration LIMIT = Duration.ofSeconds(30);

  /** TypeScript's parser backtracks on each unclosed "async (": time doubles with each one. */
  static final String BOMB = "x = " + "async (".repeat(24);

  private static WarmTranspiler transpiler(int maxProcesses) {
    return new WarmTranspiler(
        NODE, TypeScriptLibrary.get(), LanguageRunner.HelperProcesses.uncapped(), maxProcesses);
  }

  @Test
  void transpilesTypeScriptToJavaScript() {
    try (WarmTranspiler transpiler = transpiler(2)) {
      WarmTranspiler.Outcome outcome =
          transpiler.transpile("const x: number = 1;\nconsole.log(x);\n", LIMIT);

      assertThat(outcome.kind()).isEqualTo(WarmTranspiler.Kind.JAVASCRIPT);
      assertThat(outcome.text())
          .startsWith("const x = 1;\nconsole.log(x);\n")
          .contains("sourceMappingURL=data:");
    }
  }

  /**
   * The first transpile of a fresh pool waits for the compiler to load (hundreds of ms, seconds on
   * a busy host) without that wait counting against the run: a run that arrives just after the
   * server started is not cut off by the server's own start.
   */
  @Test
  void firstTranspileOfAFreshPoolIsNotChargedForTheCompilersStart() {
    try (WarmTranspiler transpiler = transpiler(2)) {
      WarmTranspiler.Outcome outcome =
          transpiler.transpile("const x: number = 1;\n", Duration.ofMillis(50));
      assertThat(outcome.kind()).as(outcome.text()).isEqualTo(WarmTranspiler.Kind.JAVASCRIPT);
    }
  }

  @Test
  void reportsEveryDiagnosticWithUserPositions() {
    try (WarmTranspiler transpiler = transpiler(2)) {
      WarmTranspiler.Outcome outcome =
          transpiler.transpile("let ok = 1;\n\n  let a: = 1;\nclass {\n", LIMIT);

      assertThat(outcome.kind()).isEqualTo(WarmTranspiler.Kind.DIAGNOSTICS);
      assertThat(outcome.text())
          .startsWith("main.ts(3,10): error TS1110: Type expected.\n")
          .endsWith("main.ts(5,1): error TS1005: '}' expected.\n");
    }
  }

  @Test
  void keepsUnicodeIntact() {
    try (WarmTranspiler transpiler = transpiler(2)) {
      WarmTranspiler.Outcome outcome =
          transpiler.transpile("const s: string = 'é 世界 🎉';\n", LIMIT);

      assertThat(outcome.text()).startsWith("const s = 'é 世界 🎉';\n");
    }
  }

  @Test
  void killsATranspileThatRunsOutOfItsTimeLimitAndReplacesTheProcess() {
    try (WarmTranspiler transpiler = transpiler(2)) {
      transpiler.transpile("1;\n", LIMIT);
      List<Long> before = transpiler.pids();
      long started = System.nanoTime();

      WarmTranspiler.Outcome outcome = transpiler.transpile(BOMB, Duration.ofMillis(500));

      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
      assertThat(outcome.kind()).isEqualTo(WarmTranspiler.Kind.TIMED_OUT);
      assertThat(outcome.text()).contains("did not finish within 500 ms");
      assertThat(outcome.transpiling()).isGreaterThanOrEqualTo(Duration.ofMillis(450));
      assertThat(transpiler.transpile("2;\n", LIMIT).kind())
          .isEqualTo(WarmTranspiler.Kind.JAVASCRIPT);
      // The kill is a signal: the process is gone a moment later.
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (before.stream().allMatch(WarmTranspilerIT::alive) && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      assertThat(before).as("the process that ran out of time").anyMatch(pid -> !alive(pid));
    }
  }

  @Test
  void transpilesASmallProgramWhileAnotherTranspileRunsAway() {
    try (WarmTranspiler transpiler = transpiler(2)) {
      transpiler.transpile("1;\n", LIMIT);
      CompletableFuture<WarmTranspiler.Outcome> bomb =
          CompletableFuture.supplyAsync(() -> transpiler.transpile(BOMB, LIMIT));
      awaitBusy(transpiler, 1);
      long started = System.nanoTime();

      WarmTranspiler.Outcome small = transpiler.transpile("const n: number = 2;\n", LIMIT);

      assertThat(small.kind()).isEqualTo(WarmTranspiler.Kind.JAVASCRIPT);
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
      assertThat(bomb).isNotDone();
    }
  }

  @Test
  void startsNoMoreProcessesThanItsCap() {
    try (WarmTranspiler transpiler = transpiler(1)) {
      transpiler.transpile("1;\n", LIMIT);
      CompletableFuture<WarmTranspiler.Outcome> bomb =
          CompletableFuture.supplyAsync(() -> transpiler.transpile(BOMB, LIMIT));
      awaitBusy(transpiler, 1);

      WarmTranspiler.Outcome waited = transpiler.transpile("2;\n", Duration.ofMillis(300));

      assertThat(waited.kind()).isEqualTo(WarmTranspiler.Kind.TIMED_OUT);
      assertThat(waited.text()).contains("no TypeScript compiler was free within 300 ms");
      assertThat(waited.transpiling()).isZero();
      assertThat(transpiler.pids()).hasSize(1);
      assertThat(bomb).isNotDone();
    }
  }

  @Test
  void closeStopsTheProcessesAndIsIdempotent() {
    WarmTranspiler transpiler = transpiler(2);
    transpiler.transpile("1;\n", LIMIT);
    List<Long> pids = transpiler.pids();

    transpiler.close();
    transpiler.close();

    Instant deadline = Instant.now().plusSeconds(5);
    while (pids.stream().anyMatch(WarmTranspilerIT::alive) && Instant.now().isBefore(deadline)) {
      Thread.onSpinWait();
    }
    assertThat(pids).isNotEmpty().noneMatch(WarmTranspilerIT::alive);
    assertThatThrownBy(() -> transpiler.transpile("1;\n", LIMIT))
        .isInstanceOf(IllegalStateException.class);
  }

  private static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  static void awaitBusy(WarmTranspiler transpiler, int count) {
    long deadline = System.nanoTime() + LIMIT.toNanos();
    while (transpiler.busy() < count) {
      assertThat(System.nanoTime()).as("%d transpiles under way", count).isLessThan(deadline);
      Thread.onSpinWait();
    }
  }
}
