package dev.livecode.runner.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livecode.core.Execution;
import dev.livecode.core.Livecode;
import dev.livecode.core.LivecodeEngine;
import dev.livecode.core.RunRequest;
import dev.livecode.core.Session;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A TypeScript run must cost about what a JavaScript run costs: its source goes to a compiler that
 * is already warm, never to one started for it (a compiler's start costs 170 ms and more). What is
 * asserted is that behaviour, not a time: through an engine with discovered runners, runs whose
 * sources all differ (so that each is transpiled) are served by the compiler processes that were
 * there before them.
 */
class TypeScriptTranspilerReuseIT {
  private static final int RUNS = 20;

  @Test
  void runsOfChangingSourcesAreTranspiledByTheCompilersAlreadyRunning() {
    try (LivecodeEngine engine = Livecode.builder().workers(1).build()) {
      assertThat(run(engine, "console.log(1) // first\n")).isEqualTo("1\n");
      Set<Long> before = compilerPids();
      assertThat(before).as("TypeScript compiler processes after the first run").isNotEmpty();

      for (int i = 0; i < RUNS; i++) {
        String source = "const n: number = " + i + ";\nconsole.log(n)\n";

        assertThat(run(engine, source)).isEqualTo(i + "\n");
        assertThat(compilerPids()).as("compilers after run %d", i).isSubsetOf(before);
      }
      assertThat(compilerPids()).as("the compilers that served every run").isEqualTo(before);
    }
  }

  private static String run(LivecodeEngine engine, String source) {
    Session session = engine.createSession("typescript", source);
    Execution done =
        engine.awaitExecution(engine.run(RunRequest.of(session.id())).id(), Duration.ofSeconds(30));
    assertThat(done.status()).as("%s", done).isEqualTo(Execution.Status.COMPLETED);
    return done.result().orElseThrow().stdout();
  }

  /** This JVM's child processes that run the TypeScript compiler's script. */
  private static Set<Long> compilerPids() {
    return ProcessHandle.current()
        .children()
        .filter(
            child ->
                child
                    .info()
                    .arguments()
                    .map(args -> Arrays.stream(args).anyMatch(arg -> arg.endsWith("typescript.js")))
                    .orElse(false))
        .map(ProcessHandle::pid)
        .collect(Collectors.toSet());
  }
}
