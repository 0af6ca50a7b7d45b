package dev.livecode.runner.node.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class WarmTranspilerIT {
  private static final Path NODE = Path.of("/usr/bin/node");

  @Test
  void transpilesTypeScriptToJavaScript() {
    try (WarmTranspiler transpiler = new WarmTranspiler(NODE, TypeScriptLibrary.get(), Duration.ofSeconds(5))) {
      WarmTranspiler.Outcome outcome = transpiler.transpile("const x: number = 1;\nconsole.log(x);\n");

      assertThat(outcome.compiled()).isTrue();
      assertThat(outcome.text()).startsWith("const x = 1;\nconsole.log(x);\n").contains("sourceMappingURL=data:");
    }
  }

  @Test
  void reportsEveryDiagnosticWithUserPositions() {
    try (WarmTranspiler transpiler = new WarmTranspiler(NODE, TypeScriptLibrary.get(), Duration.ofSeconds(5))) {
      WarmTranspiler.Outcome outcome = transpiler.transpile("let ok = 1;\n\n  let a: = 1;\nclass {\n");

      assertThat(outcome.compiled()).isFalse();
      assertThat(outcome.text()).startsWith("main.ts(3,10): error TS1110: Type expected.\n")
          .endsWith("main.ts(5,1): error TS1005: '}' expected.\n");
    }
  }

  @Test
  void keepsUnicodeIntact() {
    try (WarmTranspiler transpiler = new WarmTranspiler(NODE, TypeScriptLibrary.get(), Duration.ofSeconds(5))) {
      WarmTranspiler.Outcome outcome = transpiler.transpile("const s: string = 'é 世界 🎉';\n");

      assertThat(outcome.text()).startsWith("const s = 'é 世界 🎉';\n");
    }
  }

  @Test
  void killsATranspileThatTakesTooLongAndStartsAfresh() throws InterruptedException {
    StringBuilder huge = new StringBuilder();
    for (int i = 0; i < 20_000; i++) {
      huge.append("const v").append(i).append(": Array<Map<string, number>> = [new Map([['k', ").append(i).append("]])];\n");
    }
    try (WarmTranspiler transpiler = new WarmTranspiler(NODE, TypeScriptLibrary.get(), Duration.ofMillis(1))) {
      transpiler.warmUpInBackground();
      // Let the warm-up start its process first: one that came after the timeout would start
      // another and leave it running.
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (!transpiler.isRunning() && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      WarmTranspiler.Outcome outcome = transpiler.transpile(huge.toString());

      assertThat(outcome.compiled()).isFalse();
      assertThat(outcome.text()).contains("did not finish within 1 ms");
      assertThat(transpiler.isRunning()).isFalse();
    }
  }

  @Test
  void closeStopsTheProcessAndIsIdempotent() {
    WarmTranspiler transpiler = new WarmTranspiler(NODE, TypeScriptLibrary.get(), Duration.ofSeconds(5));
    transpiler.transpile("1;\n");
    long pid = transpiler.pid();

    transpiler.close();
    transpiler.close();

    Instant deadline = Instant.now().plusSeconds(5);
    while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && Instant.now().isBefore(deadline)) {
      Thread.onSpinWait();
    }
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).isNotEqualTo(java.util.Optional.of(true));
    assertThatThrownBy(() -> transpiler.transpile("1;\n")).isInstanceOf(IllegalStateException.class);
  }
}
