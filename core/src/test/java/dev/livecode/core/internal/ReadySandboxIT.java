package dev.livecode.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livecode.core.Execution;
import dev.livecode.core.ExecutionResult;
import dev.livecode.core.ExecutionStatus;
import dev.livecode.core.IsolationMode;
import dev.livecode.core.LimitOverrides;
import dev.livecode.core.Limits;
import dev.livecode.core.Livecode;
import dev.livecode.core.LivecodeBuilder;
import dev.livecode.core.LivecodeEngine;
import dev.livecode.core.RunRequest;
import dev.livecode.core.Session;
import dev.livecode.core.testing.TestRunners;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Ready sandboxes on the bwrap tier with core's test runners (no warm interpreters): a run in one
 * ends exactly as a run in a sandbox made for it, sees nothing of the run before, and only runs
 * with the default limits take one.
 */
class ReadySandboxIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Limits LIMITS =
      new Limits(Duration.ofSeconds(2), Duration.ofSeconds(2), 256L << 20, 64, 8L << 20, 64 * 1024);
  private static final int POOL = 2;
  private static Path readyRoot;
  private static Path coldRoot;
  private static DefaultEngine ready;
  private static LivecodeEngine cold;

  @BeforeAll
  static void start() {
    try {
      readyRoot = Files.createTempDirectory("livecode-ready-it-");
      coldRoot = Files.createTempDirectory("livecode-cold-it-");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    ready = (DefaultEngine) engine("ready-it", readyRoot).readySandboxes(POOL).build();
    cold = engine("cold-it", coldRoot).build();
  }

  /** Each case starts from full pools (they refill a little after each run). */
  @BeforeEach
  void poolsFull() throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (ready.warmReady("python") != POOL || ready.warmReady("javascript") != POOL) {
      assertThat(System.nanoTime()).as("pools full within %s", WAIT).isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  private static LivecodeBuilder engine(String name, Path root) {
    return Livecode.builder().name(name).discoverRunners(false).runner(TestRunners.python()).runner(TestRunners.node())
        .isolation(IsolationMode.BWRAP).workers(2).defaultLimits(LIMITS).workspaceRoot(root);
  }

  @AfterAll
  static void stop() throws Exception {
    ready.close();
    cold.close();
    for (Path root : List.of(readyRoot, coldRoot)) {
      try (Stream<Path> walk = Files.walk(root)) {
        walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "python|print(1)|",
      "python|import sys; print('out'); sys.stderr.write('err\\n'); sys.exit(3)|",
      "python|import sys, os; print(sys.argv, __file__, sorted(os.listdir('.')), os.getcwd(), open('main.py').read()[:6])|",
      "python|print(input()[::-1]); print(input())|abc\\nline two\\n",
      "python|import os, signal; os.kill(os.getpid(), signal.SIGKILL)|",
      "python|while True: pass|",
      "python|print('no newline at the end')  # é ü 😀|",
      "javascript|console.log(1)|",
      "javascript|console.log('out'); console.error('err'); process.exit(3)|",
      "javascript|console.log(process.argv.slice(1), require.main === module, __filename)|",
      "javascript|console.log(require('fs').readFileSync(0, 'utf8').split('').reverse().join(''))|abc\\nline two\\n",
  })
  void readyRunEndsExactlyAsAColdRun(String language, String source, String stdin) {
    String input = stdin == null ? "" : stdin.replace("\\n", "\n");
    long takenBefore = ready.warmTaken(language);
    ExecutionResult staged = run(ready, language, source, input, LimitOverrides.NONE);
    ExecutionResult reference = run(cold, language, source, input, LimitOverrides.NONE);

    assertThat(ready.warmTaken(language)).as("the run took a ready sandbox").isEqualTo(takenBefore + 1);
    assertThat(staged.status()).isEqualTo(reference.status());
    assertThat(staged.failureReason()).isEqualTo(reference.failureReason());
    if (reference.status() != ExecutionStatus.TIMEOUT) {
      assertThat(staged.exitCode()).isEqualTo(reference.exitCode());
      assertThat(staged.signal()).isEqualTo(reference.signal());
    }
    assertThat(staged.stdout()).isEqualTo(reference.stdout());
    assertThat(staged.stderr()).isEqualTo(reference.stderr());
  }

  @Test
  void theNextRunSeesNoFileOfTheOneBefore() {
    assertThat(run(ready, "python", "open('left.txt', 'w').write('x'); print('written')", "", LimitOverrides.NONE).stdout())
        .isEqualTo("written\n");
    assertThat(run(ready, "python", "import os; print(sorted(os.listdir('.')))", "", LimitOverrides.NONE).stdout())
        .isEqualTo("['main.py']\n");
  }

  @Test
  void runWithOtherLimitsMakesItsOwnSandbox() {
    long takenBefore = ready.warmTaken("python");
    LimitOverrides other = LimitOverrides.NONE.withWallTime(LIMITS.wallTime().plusSeconds(1));
    assertThat(run(ready, "python", "print('own')", "", other).stdout()).isEqualTo("own\n");
    assertThat(ready.warmTaken("python")).isEqualTo(takenBefore);
  }

  private static ExecutionResult run(LivecodeEngine engine, String language, String source, String stdin,
      LimitOverrides limits) {
    Session session = engine.createSession(language, source);
    Execution queued = engine.run(RunRequest.of(session.id()).withStdin(stdin).withLimits(limits));
    Execution done = engine.awaitExecution(queued.id(), WAIT);
    assertThat(done.isFinished()).isTrue();
    return done.result().orElseThrow();
  }
}
