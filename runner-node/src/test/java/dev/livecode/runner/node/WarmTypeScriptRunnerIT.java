package dev.livecode.runner.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livecode.core.Execution;
import dev.livecode.core.Limits;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The TypeScript contract and tests again, every run with the default limits on a warm node process
 * fed the transpiled program; and warm and cold runs side by side.
 */
class WarmTypeScriptRunnerIT extends TypeScriptRunnerIT {

  @Override
  protected int warmPool() {
    return 2;
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "const n: number = 1;\nconsole.log(n);\n",
        "function f(): never {\n  throw new Error('boom');\n}\nf();\n",
        "let x: = 1;\n",
        "import { readFileSync } from 'fs';\nconsole.log(readFileSync(0, 'utf8').trim(), process.argv.length);\n",
      })
  void warmRunEndsAsTheColdRunOfTheSameProgram(String source) {
    Execution.Result warm = run(source, request -> request.withStdin("input\n"));
    Execution.Result cold =
        run(
            source,
            request ->
                request
                    .withStdin("input\n")
                    .withLimits(
                        Limits.Overrides.NONE.withWallTime(
                            Limits.DEFAULTS.wallTime().plus(Duration.ofSeconds(1)))));

    assertThat(warm.status()).isEqualTo(cold.status());
    assertThat(warm.failureReason()).isEqualTo(cold.failureReason());
    assertThat(warm.exitCode()).isEqualTo(cold.exitCode());
    assertThat(warm.stdout()).isEqualTo(cold.stdout());
    assertThat(WarmJavaScriptRunnerIT.ownFrames(warm.stderr()))
        .isEqualTo(WarmJavaScriptRunnerIT.ownFrames(cold.stderr()));
  }
}
