package dev.livecode.runner.python;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livecode.core.Execution;
import dev.livecode.core.spi.LanguageRunner;
import dev.livecode.testing.LanguageRunnerContract;
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
    return "import sys\nfor _ in range("
        + (bytes / 64 + 1)
        + "):\n    sys.stdout.write('x' * 63 + '\\n')\n";
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
    LanguageRunner.Probe probe = new PythonRunner().probe(LanguageRunner.Settings.DEFAULTS);

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
    LanguageRunner.Probe probe =
        new PythonRunner()
            .probe(LanguageRunner.Settings.DEFAULTS.withInterpreter(Path.of("/usr/bin/python3")));

    assertThat(probe.available()).isTrue();
    assertThat(probe.requireExecutable().toString()).startsWith("/usr/bin/python3");
    assertThat(probe.readOnlyPaths()).isEmpty();
  }

  @Test
  void reportsMissingInterpreterAsUnavailable() {
    LanguageRunner.Probe probe =
        new PythonRunner()
            .probe(
                LanguageRunner.Settings.DEFAULTS.withInterpreter(Path.of("/nonexistent/python3")));

    assertThat(probe.available()).isFalse();
    assertThat(probe.unavailableReason())
        .hasValueSatisfying(reason -> assertThat(reason).contains("/nonexistent/python3"));
  }

  @Test
  void importsTheStandardLibrary() {
    Execution.Result result =
        run(
            "import json, math, random, collections, re, itertools, datetime\n"
                + "print(json.dumps({'pi': round(math.pi, 2)}))\n");

    assertThat(result.status())
        .as("stderr: %s", result.stderr())
        .isEqualTo(Execution.Status.COMPLETED);
    assertThat(result.stdout()).isEqualTo("{\"pi\": 3.14}\n");
  }

  @Test
  void reportsSyntaxErrorWithItsLine() {
    Execution.Result result = run("x = 1\nprint(x\n");

    assertThat(result.status()).isEqualTo(Execution.Status.FAILED);
    assertThat(result.failureReason()).hasValue(Execution.FailureReason.RUNTIME_ERROR);
    assertThat(result.stderr()).contains("main.py\", line 2").contains("SyntaxError");
  }

  @Test
  void keepsOutputPrintedBeforeATimeout() {
    Execution.Result result =
        run(
            "print('started')\nwhile True:\n    pass\n",
            request ->
                request.withLimits(
                    dev.livecode.core.Limits.Overrides.NONE.withWallTime(
                        java.time.Duration.ofSeconds(1))));

    assertThat(result.status()).isEqualTo(Execution.Status.TIMEOUT);
    assertThat(result.stdout()).isEqualTo("started\n");
  }

  @Test
  void exitsWithTheProgramsExitCode() {
    Execution.Result result = run("import sys\nsys.exit(3)\n");

    assertThat(result.failureReason()).hasValue(Execution.FailureReason.RUNTIME_ERROR);
    assertThat(result.exitCode()).hasValue(3);
  }

  @Test
  void exitEndsTheProgramSuccessfullyKeepingEarlierOutput() {
    Execution.Result result = run("print('before')\nexit()\nprint('after')\n");

    assertThat(result.status())
        .as("stderr: %s", result.stderr())
        .isEqualTo(Execution.Status.COMPLETED);
    assertThat(result.exitCode()).hasValue(0);
    assertThat(result.stdout()).isEqualTo("before\n");
    assertThat(result.stderr()).isEmpty();
  }

  @Test
  void quitEndsTheProgramSuccessfullyKeepingEarlierOutput() {
    Execution.Result result = run("print('before')\nquit()\nprint('after')\n");

    assertThat(result.status())
        .as("stderr: %s", result.stderr())
        .isEqualTo(Execution.Status.COMPLETED);
    assertThat(result.exitCode()).hasValue(0);
    assertThat(result.stdout()).isEqualTo("before\n");
  }

  @Test
  void exitWithACodeFailsWithThatCode() {
    Execution.Result result = run("print('before')\nexit(4)\n");

    assertThat(result.status()).isEqualTo(Execution.Status.FAILED);
    assertThat(result.failureReason()).hasValue(Execution.FailureReason.RUNTIME_ERROR);
    assertThat(result.exitCode()).hasValue(4);
    assertThat(result.stdout()).isEqualTo("before\n");
  }

  @Test
  void sysExitWithAMessagePrintsItAndExitsOne() {
    Execution.Result result = run("import sys\nsys.exit('bye')\n");

    assertThat(result.failureReason()).hasValue(Execution.FailureReason.RUNTIME_ERROR);
    assertThat(result.exitCode()).hasValue(1);
    assertThat(result.stderr()).isEqualTo("bye\n");
  }

  @Test
  void tracebackNamesMainPyAndTheUsersLinesOnly() {
    Execution.Result result = run("print('start')\ndef f():\n    return 1 / 0\nf()\n");

    assertThat(result.status()).isEqualTo(Execution.Status.FAILED);
    assertThat(result.failureReason()).hasValue(Execution.FailureReason.RUNTIME_ERROR);
    assertThat(result.exitCode()).hasValue(1);
    assertThat(result.stdout()).isEqualTo("start\n");
    assertThat(result.stderr())
        .startsWith(
            "Traceback (most recent call last):\n  File \"main.py\", line 4, in <module>\n    f()\n")
        .contains("  File \"main.py\", line 3, in f\n    return 1 / 0\n")
        .endsWith("ZeroDivisionError: division by zero\n")
        .doesNotContain("<string>", "runpy", "_livecode", "bootstrap");
  }

  @Test
  void syntaxErrorNamesMainPyAndItsLineLikePython() {
    Execution.Result result = run("x = 1\nprint(x\ny = 2\n");

    assertThat(result.failureReason()).hasValue(Execution.FailureReason.RUNTIME_ERROR);
    assertThat(result.exitCode()).hasValue(1);
    assertThat(result.stderr())
        .startsWith("  File \"main.py\", line 2\n    print(x\n")
        .contains("^")
        .contains("SyntaxError: ")
        .doesNotContain("Traceback", "<string>");
  }

  @Test
  void compilerWarningsNameMainPy() {
    Execution.Result result = run("x = 1\nprint(x is 1)\n");

    assertThat(result.status())
        .as("stderr: %s", result.stderr())
        .isEqualTo(Execution.Status.COMPLETED);
    assertThat(result.stdout()).isEqualTo("True\n");
    assertThat(result.stderr()).startsWith("main.py:2: SyntaxWarning: ");
  }

  @Test
  void runsAsMainModuleNamedMainPy() {
    Execution.Result result =
        run(
            "import sys\n"
                + "if __name__ == '__main__':\n"
                + "    print(__file__, sys.argv)\n"
                + "    print([name for name in globals() if not name.startswith('__')])\n"
                + "    print(sys._getframe().f_code.co_filename)\n");

    assertThat(result.status())
        .as("stderr: %s", result.stderr())
        .isEqualTo(Execution.Status.COMPLETED);
    assertThat(result.stdout()).isEqualTo("main.py ['main.py']\n['sys']\nmain.py\n");
  }

  @Test
  void readsStdinWithInput() {
    Execution.Result result =
        run(
            "name = input('name? ')\nprint('hello', name)\nprint(input())\n",
            request -> request.withStdin("Ada\nsecond\n"));

    assertThat(result.status())
        .as("stderr: %s", result.stderr())
        .isEqualTo(Execution.Status.COMPLETED);
    assertThat(result.stdout()).isEqualTo("name? hello Ada\nsecond\n");
  }
}
