package dev.livecode.runner.python;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livecode.core.ExecutionResult;
import dev.livecode.core.ExecutionStatus;
import dev.livecode.core.FailureReason;
import dev.livecode.core.spi.LanguageRunner;
import dev.livecode.core.spi.LanguageRunnerContract;
import dev.livecode.core.spi.RunnerProbe;
import dev.livecode.core.spi.RunnerSettings;
import java.nio.file.Path;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class PythonRunnerIT extends LanguageRunnerContract {

  @Override
  protected LanguageRunner runner() {
    return new PythonRunner();
  }

  @Override
  protected String printLine(String text) {
    return "print(\"" + text + "\")\n";
  }

  @Override
  protected String infiniteLoop() {
    return "while True:\n    pass\n";
  }

  @Override
  protected String crash() {
    return "def f():\n    return 1 / 0\nf()\n";
  }

  @Override
  protected String writeBytes(int bytes) {
    return "import sys\nfor _ in range(" + (bytes / 64 + 1) + "):\n    sys.stdout.write('x' * 63 + '\\n')\n";
  }

  @Override
  protected String echoStdin() {
    return "import sys\nsys.stdout.write(sys.stdin.read())\n";
  }

  @Test
  void serviceLoaderFindsPythonRunner() {
    assertThat(ServiceLoader.load(LanguageRunner.class).stream().map(ServiceLoader.Provider::type))
        .containsExactly(PythonRunner.class);
  }

  @Test
  void probeResolvesTheRealInterpreterBehindShims() {
    RunnerProbe probe = new PythonRunner().probe(RunnerSettings.DEFAULTS);

    assertThat(probe.available()).isTrue();
    Path exe = probe.requireExecutable();
    assertThat(exe).isAbsolute();
    assertThat(exe.toString()).doesNotContain("/shims/");
    assertThat(probe.version()).matches("3\\.\\d+\\.\\d+.*");
    assertThat(probe.readOnlyPaths()).allSatisfy(path -> assertThat(exe.startsWith(path)).isTrue());
    if (exe.startsWith("/usr")) {
      assertThat(probe.readOnlyPaths()).isEmpty();
    }
  }

  @Test
  void usesConfiguredInterpreter() {
    RunnerProbe probe = new PythonRunner().probe(RunnerSettings.DEFAULTS.withInterpreter(Path.of("/usr/bin/python3")));

    assertThat(probe.available()).isTrue();
    assertThat(probe.requireExecutable().toString()).startsWith("/usr/bin/python3");
    assertThat(probe.readOnlyPaths()).isEmpty();
  }

  @Test
  void reportsMissingInterpreterAsUnavailable() {
    RunnerProbe probe = new PythonRunner().probe(RunnerSettings.DEFAULTS.withInterpreter(Path.of("/nonexistent/python3")));

    assertThat(probe.available()).isFalse();
    assertThat(probe.unavailableReason()).hasValueSatisfying(reason -> assertThat(reason).contains("/nonexistent/python3"));
  }

  @Test
  void importsTheStandardLibrary() {
    ExecutionResult result = run("import json, math, random, collections, re, itertools, datetime\n"
        + "print(json.dumps({'pi': round(math.pi, 2)}))\n");

    assertThat(result.status()).as("stderr: %s", result.stderr()).isEqualTo(ExecutionStatus.COMPLETED);
    assertThat(result.stdout()).isEqualTo("{\"pi\": 3.14}\n");
  }

  @Test
  void reportsSyntaxErrorWithItsLine() {
    ExecutionResult result = run("x = 1\nprint(x\n");

    assertThat(result.status()).isEqualTo(ExecutionStatus.FAILED);
    assertThat(result.failureReason()).hasValue(FailureReason.RUNTIME_ERROR);
    assertThat(result.stderr()).contains("main.py\", line 2").contains("SyntaxError");
  }

  @Test
  void keepsOutputPrintedBeforeATimeout() {
    ExecutionResult result = run("print('started')\nwhile True:\n    pass\n",
        request -> request.withLimits(dev.livecode.core.LimitOverrides.NONE.withWallTime(java.time.Duration.ofSeconds(1))));

    assertThat(result.status()).isEqualTo(ExecutionStatus.TIMEOUT);
    assertThat(result.stdout()).isEqualTo("started\n");
  }

  @Test
  void exitsWithTheProgramsExitCode() {
    ExecutionResult result = run("import sys\nsys.exit(3)\n");

    assertThat(result.failureReason()).hasValue(FailureReason.RUNTIME_ERROR);
    assertThat(result.exitCode()).hasValue(3);
  }
}
