package dev.livecode.runner.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livecode.core.Execution;
import dev.livecode.core.spi.LanguageRunner;
import dev.livecode.testing.LanguageRunnerContract;
import org.junit.jupiter.api.Test;

class JavaScriptRunnerIT extends LanguageRunnerContract {

  @Override
  protected LanguageRunner runner() {
    return new JavaScriptRunner();
  }

  @Override
  protected String printLine(String text) {
    return "console.log(\"" + text + "\");\n";
  }

  @Override
  protected String infiniteLoop() {
    return "while (true) {}\n";
  }

  @Override
  protected String crash() {
    return "function f() {\n  throw new Error('boom');\n}\nf();\n";
  }

  @Override
  protected String writeBytes(int bytes) {
    return "const line = 'x'.repeat(63) + '\\n';\nfor (let i = 0; i < "
        + (bytes / 64 + 1)
        + "; i++) process.stdout.write(line);\n";
  }

  @Override
  protected String echoStdin() {
    return "process.stdout.write(require('fs').readFileSync(0, 'utf8'));\n";
  }

  @Test
  void reportsRuntimeErrorWithItsLine() {
    Execution.Result result = run(crash());

    assertThat(result.stderr()).contains("main.js:2").contains("Error: boom");
  }

  @Test
  void reportsSyntaxErrorAsRuntimeError() {
    Execution.Result result = run("let x = ;\n");

    assertThat(result.status()).isEqualTo(Execution.Status.FAILED);
    assertThat(result.failureReason()).hasValue(Execution.FailureReason.RUNTIME_ERROR);
    assertThat(result.stderr()).contains("SyntaxError");
  }

  @Test
  void requiresNodeBuiltins() {
    Execution.Result result =
        run(
            "const os = require('os');\nconsole.log(typeof os.cpus, require('path').join('a', 'b'));\n");

    assertThat(result.stdout()).isEqualTo("function a/b\n");
  }

  @Test
  void runsAsyncCode() {
    Execution.Result result =
        run(
            "setTimeout(() => console.log('later'), 10);\n"
                + "(async () => { await null; console.log('sooner'); })();\n");

    assertThat(result.stdout()).isEqualTo("sooner\nlater\n");
  }
}
