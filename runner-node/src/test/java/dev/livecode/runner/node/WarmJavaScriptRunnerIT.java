package dev.livecode.runner.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livecode.core.Execution;
import dev.livecode.core.Limits;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The JavaScript contract and tests again, every run with the default limits on a warm node
 * process; and warm and cold runs of the same programs side by side.
 */
class WarmJavaScriptRunnerIT extends JavaScriptRunnerIT {

  @Override
  protected int warmPool() {
    return 2;
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "console.log(1)",
        "console.log(process.argv.slice(1), process.execArgv, __filename, require.main === module, typeof module.exports)",
        "console.log(require('fs').readdirSync('.'), process.cwd())",
        "console.log(typeof fs, typeof header, typeof source, Object.keys(globalThis).length)",
        "console.log('out'); console.error('err'); process.exitCode = 4",
        "function f() {\n  throw new TypeError('boom');\n}\nf();\n",
        "let x = ;\n",
        "Promise.reject(new Error('unhandled'));",
        "process.stdout.write(require('fs').readFileSync(0, 'utf8').toUpperCase())",
      })
  void warmRunEndsAsTheColdRunOfTheSameProgram(String source) {
    Execution.Result warm = run(source, request -> request.withStdin("some\ninput\n"));
    // Any limit other than the default takes the cold path.
    Execution.Result cold =
        run(
            source,
            request ->
                request
                    .withStdin("some\ninput\n")
                    .withLimits(
                        Limits.Overrides.NONE.withWallTime(
                            Limits.DEFAULTS.wallTime().plus(Duration.ofSeconds(1)))));

    assertThat(warm.status()).isEqualTo(cold.status());
    assertThat(warm.failureReason()).isEqualTo(cold.failureReason());
    assertThat(warm.exitCode()).isEqualTo(cold.exitCode());
    assertThat(warm.stdout()).isEqualTo(cold.stdout());
    assertThat(ownFrames(warm.stderr())).isEqualTo(ownFrames(cold.stderr()));
  }

  /** Stderr without the stack frames of node's own machinery, which differ below the program's. */
  static String ownFrames(String stderr) {
    List<String> kept =
        stderr
            .lines()
            .filter(
                line ->
                    !(line.startsWith("    at ")
                        && (line.contains("node:internal")
                            || line.contains("[eval]")
                            || line.contains("runScriptInThisContext"))))
            .toList();
    return kept.stream().collect(Collectors.joining("\n"));
  }
}
