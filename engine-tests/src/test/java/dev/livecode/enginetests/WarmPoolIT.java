package dev.livecode.enginetests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livecode.core.Execution;
import dev.livecode.core.Limits;
import dev.livecode.core.Livecode;
import dev.livecode.core.LivecodeEngine;
import dev.livecode.core.RunRequest;
import dev.livecode.core.Session;
import dev.livecode.core.spi.LanguageRunner;
import dev.livecode.runner.node.JavaScriptRunner;
import dev.livecode.runner.python.PythonRunner;
import dev.livecode.sandbox.Isolation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The warm pool on the bwrap tier with the real python and javascript runners, with warm
 * interpreters and with ready sandboxes: a pooled run ends as a cold one, leaves nothing to the
 * next, is refilled, is skipped for other limits, and close() ends it all.
 */
class WarmPoolIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Limits LIMITS =
      new Limits(Duration.ofSeconds(2), Duration.ofSeconds(2), 256L << 20, 64, 8L << 20, 64 * 1024);
  private static final int POOL = 2;
  private static Path warmRoot;
  private static Path readyRoot;
  private static Path coldRoot;

  /** Warm interpreters. */
  private static LivecodeEngine warm;

  /**
   * Ready sandboxes instead (no warm interpreters): the same pool, the interpreter started per run.
   */
  private static LivecodeEngine ready;

  private static LivecodeEngine cold;

  /** Programs run through a pool and through a sandbox made for them: language, source, stdin. */
  private static final List<List<String>> PROGRAMS =
      List.of(
          List.of("python", "print(1)", ""),
          List.of(
              "python", "import sys; print('out'); sys.stderr.write('err\\n'); sys.exit(3)", ""),
          List.of(
              "python",
              "import sys; print(sys.argv, __name__, __file__, open('main.py').read()[:6])",
              ""),
          List.of("python", "print(input()[::-1]); print(input())", "abc\nline two\n"),
          List.of("python", "import os, signal; os.kill(os.getpid(), signal.SIGKILL)", ""),
          List.of("python", "while True: pass", ""),
          List.of("python", "print('no newline at the end')  # \u00e9 \ud83d\ude00", ""),
          List.of("javascript", "console.log(1)", ""),
          List.of("javascript", "console.log('out'); console.error('err'); process.exit(3)", ""),
          List.of(
              "javascript",
              "console.log(process.argv.slice(1), require.main === module, __filename, process.execArgv)",
              ""),
          List.of(
              "javascript",
              "console.log(require('fs').readFileSync(0, 'utf8').split('').reverse().join(''))",
              "abc\nline two\n"),
          List.of("javascript", "for (;;) {}", ""));

  static Stream<Arguments> pooledRuns() {
    return Stream.of("warm", "ready")
        .flatMap(
            pool -> PROGRAMS.stream().map(p -> Arguments.of(pool, p.get(0), p.get(1), p.get(2))));
  }

  /**
   * Pools refill a little after each run (WarmPool.REFILL_DELAY): each case starts from full ones.
   */
  @BeforeEach
  void poolsFull() throws Exception {
    for (LivecodeEngine engine : List.of(warm, ready)) {
      eventually(
          "pools full",
          () -> WarmPools.full(engine, "python") && WarmPools.full(engine, "javascript"));
    }
  }

  @BeforeAll
  static void start() throws Exception {
    warmRoot = Files.createTempDirectory("livecode-warm-it-");
    readyRoot = Files.createTempDirectory("livecode-ready-it-");
    coldRoot = Files.createTempDirectory("livecode-cold-it-");
    warm = engine("warm-it", warmRoot).warmPool(POOL).build();
    ready = engine("ready-it", readyRoot).readySandboxes(POOL).build();
    cold = engine("cold-it", coldRoot).build();
  }

  private static LivecodeEngine pool(String kind) {
    return kind.equals("warm") ? warm : ready;
  }

  private static dev.livecode.core.LivecodeBuilder engine(String name, Path root) {
    return Livecode.builder()
        .name(name)
        .discoverRunners(false)
        .runner(new PythonRunner())
        .runner(new JavaScriptRunner())
        .isolation(Isolation.BWRAP)
        .workers(2)
        .defaultLimits(LIMITS)
        .workspaceRoot(root);
  }

  @AfterAll
  static void stop() throws Exception {
    for (LivecodeEngine engine : java.util.Arrays.asList(warm, ready, cold)) {
      if (engine != null) {
        engine.close();
      }
    }
    for (Path root : List.of(warmRoot, readyRoot, coldRoot)) {
      deleteTree(root);
    }
  }

  @ParameterizedTest(name = "{0} {1}: {2}")
  @MethodSource("pooledRuns")
  void pooledRunEndsExactlyAsAColdRun(String kind, String language, String source, String input) {
    LivecodeEngine pooled = pool(kind);
    long takenBefore = WarmPools.taken(pooled, language);
    Execution.Result hot = run(pooled, language, source, input, Limits.Overrides.NONE);
    Execution.Result reference = run(cold, language, source, input, Limits.Overrides.NONE);

    assertThat(WarmPools.taken(pooled, language))
        .as("the run took a pooled process")
        .isEqualTo(takenBefore + 1);
    assertThat(hot.status()).isEqualTo(reference.status());
    assertThat(hot.failureReason()).isEqualTo(reference.failureReason());
    if (reference.status() != Execution.Status.TIMEOUT) {
      // A timeout's signal is SIGKILL (wall) or SIGXCPU (CPU), whichever limit comes first: with
      // equal limits a race in either mode; a warm run's CPU time includes its interpreter's start.
      assertThat(hot.exitCode()).isEqualTo(reference.exitCode());
      assertThat(hot.signal()).isEqualTo(reference.signal());
    }
    assertThat(hot.stdout()).isEqualTo(reference.stdout());
    assertThat(hot.stderr()).isEqualTo(reference.stderr());
  }

  static Stream<Arguments> consecutivePrograms() {
    List<List<String>> programs =
        List.of(
            List.of(
                "python",
                "import builtins; builtins.SECRET = 'x'; open('left.txt', 'w').write('x'); open('/tmp/left.txt', 'w').write('x'); print('written')",
                "import builtins, os; print(hasattr(builtins, 'SECRET'), sorted(os.listdir('.')), os.path.exists('/tmp/left.txt'))",
                "False ['main.py'] False"),
            List.of(
                "javascript",
                "globalThis.SECRET = 'x'; const fs = require('fs'); fs.writeFileSync('left.txt', 'x'); fs.writeFileSync('/tmp/left.txt', 'x'); console.log('written')",
                "const fs = require('fs'); console.log(typeof SECRET, fs.readdirSync('.'), fs.existsSync('/tmp/left.txt'))",
                "undefined [ 'main.js' ] false"));
    return Stream.of("warm", "ready")
        .flatMap(
            pool ->
                programs.stream()
                    .map(p -> Arguments.of(pool, p.get(0), p.get(1), p.get(2), p.get(3))));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("consecutivePrograms")
  void consecutiveRunsSeeNeitherTheFilesNorTheGlobalsOfTheOneBefore(
      String kind, String language, String writer, String reader, String expected) {
    LivecodeEngine pooled = pool(kind);
    long takenBefore = WarmPools.taken(pooled, language);
    assertThat(run(pooled, language, writer, "", Limits.Overrides.NONE).stdout())
        .isEqualTo("written\n");
    assertThat(run(pooled, language, reader, "", Limits.Overrides.NONE).stdout())
        .isEqualTo(expected + "\n");
    assertThat(WarmPools.taken(pooled, language)).isEqualTo(takenBefore + 2);
  }

  @Test
  void thePoolRefillsAfterRuns() throws Exception {
    for (int i = 0; i < POOL + 1; i++) {
      assertThat(run(warm, "python", "print(" + i + ")", "", Limits.Overrides.NONE).stdout())
          .isEqualTo(i + "\n");
    }
    eventually("python pool full again", () -> WarmPools.full(warm, "python"));
  }

  /**
   * Three runs at once against a pool of one: the two that find it empty get interpreters forked
   * for them by the fork server (counted as taken), not cold starts.
   */
  @Test
  void runsThatFindThePoolEmptyAreForkedNotStartedCold() throws Exception {
    Path root = Files.createTempDirectory("livecode-fork-on-miss-it-");
    try (LivecodeEngine engine = engine("fork-on-miss-it", root).warmPool(1).workers(3).build()) {
      eventually("python pool full", () -> WarmPools.full(engine, "python"));
      Session session = engine.createSession("python", "import time; time.sleep(0.3); print('ok')");
      List<Execution> queued = new java.util.ArrayList<>();
      for (int i = 0; i < 3; i++) {
        queued.add(engine.run(RunRequest.of(session.id())));
      }
      for (Execution execution : queued) {
        Execution done = engine.awaitExecution(execution.id(), WAIT);
        assertThat(done.result().orElseThrow().stdout()).isEqualTo("ok\n");
      }

      assertThat(WarmPools.taken(engine, "python")).isEqualTo(3);
    } finally {
      deleteTree(root);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"warm", "ready"})
  void aRunWithOtherLimitsStartsCold(String kind) {
    LivecodeEngine pooled = pool(kind);
    long takenBefore = WarmPools.taken(pooled, "python");
    Execution.Result result =
        run(
            pooled,
            "python",
            "print('cold')",
            "",
            Limits.Overrides.NONE.withWallTime(Duration.ofSeconds(3)));

    assertThat(result.stdout()).isEqualTo("cold\n");
    assertThat(WarmPools.taken(pooled, "python")).isEqualTo(takenBefore);
  }

  @Test
  void wallTimeCountsFromWhenTheProgramIsSentNotFromTheInterpretersStart() throws Exception {
    eventually("python pool full", () -> WarmPools.full(warm, "python"));
    Thread.sleep(LIMITS.wallTime().toMillis() + 500);

    Execution.Result result =
        run(
            warm,
            "python",
            "import time; time.sleep(1); print('slept')",
            "",
            Limits.Overrides.NONE);

    assertThat(result.status()).isEqualTo(Execution.Status.COMPLETED);
    assertThat(result.stdout()).isEqualTo("slept\n");
    assertThat(result.executionTime()).isLessThan(LIMITS.wallTime());
  }

  @Test
  void closingTheEngineLeavesNoProcessAndNoWorkspace() throws Exception {
    Path root = Files.createTempDirectory("livecode-warm-close-");
    // Marks this engine's interpreters (python accepts any -X option), apart from other engines'.
    String marker = "livecode-close-" + UUID.randomUUID();
    try {
      LivecodeEngine engine =
          Livecode.builder()
              .name("warm-close")
              .discoverRunners(false)
              .runner(new PythonRunner())
              .runnerSettings(
                  "python", LanguageRunner.Settings.DEFAULTS.withExtraArgs(List.of("-X", marker)))
              .isolation(Isolation.BWRAP)
              .workers(1)
              .defaultLimits(LIMITS)
              .workspaceRoot(root)
              .warmPool(POOL)
              .build();
      eventually("pool full", () -> WarmPools.full(engine, "python"));
      eventually("its interpreters started", () -> marked(marker) >= POOL);

      engine.close();

      eventually("no process of the closed engine left", () -> marked(marker) == 0);
      assertThat(Files.exists(root) ? Files.list(root).count() : 0).isZero();
    } finally {
      deleteTree(root);
    }
  }

  /**
   * A forked program's workspace is a tmpfs made in its sandbox: a host folder per start would be
   * made and deleted on the host's disk for nothing. The pool names one empty folder for all its
   * starts, and what the programs write never reaches it.
   */
  @Test
  void forkedInterpretersMakeNoHostFolderPerStart() throws Exception {
    Path root = Files.createTempDirectory("livecode-warm-forked-");
    try (LivecodeEngine engine =
        Livecode.builder()
            .name("warm-forked")
            .discoverRunners(false)
            .runner(new PythonRunner())
            .isolation(Isolation.BWRAP)
            .workers(1)
            .defaultLimits(LIMITS)
            .workspaceRoot(root)
            .warmPool(POOL)
            .build()) {
      eventually("pool full", () -> WarmPools.full(engine, "python"));
      List<Path> before = folders(root);

      for (int i = 0; i < 2 * POOL; i++) {
        Execution.Result result =
            run(
                engine,
                "python",
                "open('left', 'w').write('x'); print(1)",
                "",
                Limits.Overrides.NONE);
        assertThat(result.stdout()).isEqualTo("1\n");
      }
      eventually("pool full again", () -> WarmPools.full(engine, "python"));

      assertThat(WarmPools.taken(engine, "python")).isEqualTo(2 * POOL);
      assertThat(before).hasSize(1);
      assertThat(folders(root)).isEqualTo(before);
      try (Stream<Path> left = Files.list(before.get(0))) {
        assertThat(left).as("what the programs wrote").isEmpty();
      }
    } finally {
      deleteTree(root);
    }
  }

  private static void deleteTree(Path root) throws java.io.IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private static List<Path> folders(Path root) throws java.io.IOException {
    try (Stream<Path> listed = Files.list(root)) {
      return listed.sorted().toList();
    }
  }

  private static long marked(String marker) {
    return ProcessHandle.current()
        .descendants()
        .filter(
            p ->
                p.isAlive()
                    && p.info().commandLine().map(line -> line.contains(marker)).orElse(false))
        .count();
  }

  private static Execution.Result run(
      LivecodeEngine engine,
      String language,
      String source,
      String stdin,
      Limits.Overrides limits) {
    Session session = engine.createSession(language, source);
    Execution queued = engine.run(RunRequest.of(session.id()).withStdin(stdin).withLimits(limits));
    Execution done = engine.awaitExecution(queued.id(), WAIT);
    assertThat(done.isFinished()).isTrue();
    return done.result().orElseThrow();
  }

  private static void eventually(String what, BooleanSupplier check) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!check.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not true within " + WAIT + ": " + what);
      }
      Thread.sleep(20);
    }
  }
}
