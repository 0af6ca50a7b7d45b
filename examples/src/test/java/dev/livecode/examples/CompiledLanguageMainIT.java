package dev.livecode.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livecode.core.Execution;
import dev.livecode.core.Livecode;
import dev.livecode.core.LivecodeEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CompiledLanguageMainIT {
  private static LivecodeEngine engine;

  @BeforeAll
  static void start() {
    engine =
        Livecode.builder()
            .discoverRunners(false)
            .runner(new CompiledLanguageMain.GccRunner())
            .workers(1)
            .build();
  }

  @AfterAll
  static void stop() {
    engine.close();
  }

  @Test
  void compilesThenRunsAProgram() {
    Execution.Result result =
        CompiledLanguageMain.runAndWait(
            engine,
            "#include <stdio.h>\nint main(void) {\n  printf(\"%d\\n\", 6 * 7);\n  return 0;\n}\n");

    assertThat(result.status())
        .as("stderr: %s", result.stderr())
        .isEqualTo(Execution.Status.COMPLETED);
    assertThat(result.stdout()).isEqualTo("42\n");
  }

  @Test
  void reportsCompilerDiagnosticsAsCompileError() {
    Execution.Result result =
        CompiledLanguageMain.runAndWait(engine, "int main(void) {\n  return missing;\n}\n");

    assertThat(result.status()).isEqualTo(Execution.Status.FAILED);
    assertThat(result.failureReason()).hasValue(Execution.FailureReason.COMPILE_ERROR);
    assertThat(result.stderr()).contains("main.c:2:").contains("missing");
  }
}
