package dev.livecode.runner.python;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livecode.core.Execution;
import dev.livecode.core.Limits;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Python contract and tests again, every run with the default limits on a warm interpreter; and
 * warm and cold runs of the same programs side by side.
 */
class WarmPythonRunnerIT extends PythonRunnerIT {

  @Override
  protected int warmPool() {
    return 2;
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "print(1)",
        "import sys\nprint(sys.argv, __name__, __file__, __cached__, sorted(globals()), sorted(sys.modules)[:3])",
        "import sys\nprint(len(sys.modules), 'posix' in sys.modules, 'os' in sys.modules, exit, quit)",
        "import os\nprint(sorted(os.listdir('.')), os.getcwd())",
        "print('out')\nimport sys\nsys.stderr.write('err\\n')\nexit(4)",
        "def f():\n    raise ValueError('boom')\n\nf()\n",
        "print('before')\nx = (1,\n",
        "import sys\nsys.exit('bye')",
        "import sys\nprint(sys.stdin.read().upper(), end='')",
        "print(input(), input())",
        "raise KeyboardInterrupt",
        "def r(n):\n    return r(n + 1)\nr(0)\n",
        "class A:\n    def __del__(self):\n        print('destroyed')\na = A()\nimport atexit\natexit.register(print, 'at exit')\nprint('end')\n",
        "import threading, time\ndef late():\n    time.sleep(0.2)\n    print('thread done')\nthreading.Thread(target=late).start()\nprint('main done')\n",
        "import sys\nsys.stdout.write('no newline')\nsys.exit(3)",
        "import signal\nprint(signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGPIPE))",
        "import os, signal\nos.kill(1, signal.SIGINT)\nos.kill(1, signal.SIGTERM)\nprint('alive')",
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
    assertThat(warm.signal()).isEqualTo(cold.signal());
    assertThat(warm.stdout()).isEqualTo(cold.stdout());
    assertThat(warm.stderr()).isEqualTo(cold.stderr());
  }
}
