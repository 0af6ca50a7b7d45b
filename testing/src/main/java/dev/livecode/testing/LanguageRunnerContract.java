package dev.livecode.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livecode.core.EngineStatus;
import dev.livecode.core.Execution;
import dev.livecode.core.LanguageInfo;
import dev.livecode.core.Limits;
import dev.livecode.core.Livecode;
import dev.livecode.core.LivecodeEngine;
import dev.livecode.core.RunRequest;
import dev.livecode.core.Session;
import dev.livecode.core.spi.LanguageRunner;
import dev.livecode.sandbox.Isolation;
import java.time.Duration;
import java.util.ServiceLoader;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The contract every {@link LanguageRunner} keeps, checked on the real interpreter through a real
 * engine (the same path, limits and sandbox as production). A runner module extends it in an {@code
 * *IT}, supplies the runner and a few snippets in its language, and adds its own tests.
 *
 * <p>One engine is built per test class ({@link Isolation#AUTO}, discovery off, only this runner),
 * so subclasses see the runner probed once, as in production.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class LanguageRunnerContract {

  /** How long a test waits for a run that should end well before. */
  protected static final Duration AWAIT = Duration.ofSeconds(30);

  private LivecodeEngine engine;
  private LanguageRunner runner;

  /** A fresh instance of the runner under test. */
  protected abstract LanguageRunner runner();

  /** Source that prints {@code text} and a newline to stdout, and exits 0. */
  protected abstract String printLine(String text);

  /** Source that never ends on its own (a busy loop). */
  protected abstract String infiniteLoop();

  /** Source that fails at run time (an uncaught error) so the process exits non-zero. */
  protected abstract String crash();

  /** Source that writes at least {@code bytes} bytes of ASCII to stdout and exits 0. */
  protected abstract String writeBytes(int bytes);

  /** Source that copies all of stdin to stdout unchanged. */
  protected abstract String echoStdin();

  /** Settings the engine gives the runner; override to test an interpreter path or flags. */
  protected LanguageRunner.Settings settings() {
    return LanguageRunner.Settings.DEFAULTS;
  }

  /**
   * Warm processes the contract's engine keeps for this runner (see {@link
   * LanguageRunner#warmCommand}); a subclass returning more than 0 runs the whole contract on warm
   * processes: before each run the pool is let fill, so every run with the default limits takes
   * one.
   *
   * @since 0.2
   */
  protected int warmPool() {
    return 0;
  }

  /**
   * Whether the runner is listed in {@code META-INF/services}; only test doubles say no. Real
   * runners must be found by ServiceLoader.
   */
  protected boolean registeredAsService() {
    return true;
  }

  /** The engine the contract runs on; subclasses may use it for their own tests. */
  protected final LivecodeEngine engine() {
    return engine;
  }

  /** The runner instance the engine was built with. */
  protected final LanguageRunner registeredRunner() {
    return runner;
  }

  @BeforeAll
  final void startEngine() {
    runner = runner();
    engine =
        Livecode.builder()
            .name("contract-" + runner.id())
            .discoverRunners(false)
            .runner(runner)
            .runnerSettings(runner.id(), settings())
            .isolation(Isolation.AUTO)
            .workers(2)
            .warmPool(warmPool())
            .build();
  }

  @AfterAll
  final void closeEngine() {
    if (engine != null) {
      engine.close();
    }
  }

  /** Runs {@code source} in this runner's language and waits for the end. */
  protected final Execution.Result run(String source) {
    return run(source, request -> request);
  }

  /** Runs {@code source} with a request shaped by {@code customize}, and waits for the end. */
  protected final Execution.Result run(String source, UnaryOperator<RunRequest> customize) {
    Session session = engine.createSession(runner.id(), source);
    if (warmPool() > 0) {
      awaitFullWarmPool();
    }
    Execution queued = engine.run(customize.apply(RunRequest.of(session.id())));
    Execution done = engine.awaitExecution(queued.id(), AWAIT);
    assertThat(done.isFinished()).as("execution %s finished within %s", done.id(), AWAIT).isTrue();
    return done.result().orElseThrow();
  }

  private void awaitFullWarmPool() {
    long deadline = System.nanoTime() + AWAIT.toNanos();
    while (!warmPoolFull()) {
      assertThat(System.nanoTime())
          .as("the warm pool of %s refilled within %s", runner.id(), AWAIT)
          .isLessThan(deadline);
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  /**
   * With {@link #warmPool()} above 0: the runner offers a warm command and runs take its processes.
   */
  @Test
  void runsWithTheDefaultLimitsTakeWarmProcessesWhenThePoolIsOn() {
    if (warmPool() == 0) {
      return;
    }
    assertThat(engine.status().pools())
        .as("%s has a warm pool: its runner offers a warm command", runner.id())
        .containsKey(runner.id());
    long before = pool().taken();
    assertThat(run(printLine("warm")).stdout()).isEqualTo("warm\n");
    assertThat(pool().taken()).isEqualTo(before + 1);
  }

  /**
   * True when the runner has no pool (the test above says why that is wrong), or its pool is full.
   */
  private boolean warmPoolFull() {
    EngineStatus.Pool pool = engine.status().pools().get(runner.id());
    return pool == null || pool.full();
  }

  private EngineStatus.Pool pool() {
    return engine.status().pools().get(runner.id());
  }

  @Test
  void isAvailableOnThisMachine() {
    LanguageInfo info =
        engine.languages().stream()
            .filter(l -> l.id().equals(runner.id()))
            .findFirst()
            .orElseThrow();
    assertThat(info.available()).as("unavailable because %s", info.unavailableReason()).isTrue();
    assertThat(info.version()).isNotBlank().isNotEqualTo("unknown");
    assertThat(info.name()).isEqualTo(runner.displayName());
  }

  @Test
  void idAndAliasesAreLowerCase() {
    assertThat(runner.id()).matches("[a-z0-9][a-z0-9_+-]*");
    assertThat(runner.aliases())
        .allSatisfy(alias -> assertThat(alias).matches("[a-z0-9][a-z0-9_+-]*"));
  }

  @Test
  void isFoundByServiceLoaderOnTheClassPath() {
    if (!registeredAsService()) {
      return;
    }
    assertThat(ServiceLoader.load(LanguageRunner.class).stream().map(ServiceLoader.Provider::type))
        .as("META-INF/services/%s lists the runner", LanguageRunner.class.getName())
        .contains(runner.getClass().asSubclass(LanguageRunner.class));
  }

  @Test
  void printsHelloWorld() {
    Execution.Result result = run(printLine("hello, world"));

    assertThat(result.status())
        .as("stderr: %s", result.stderr())
        .isEqualTo(Execution.Status.COMPLETED);
    assertThat(result.stdout()).isEqualTo("hello, world\n");
    assertThat(result.exitCode()).hasValue(0);
    assertThat(result.stdoutTruncated()).isFalse();
  }

  @Test
  void acceptsAliasesAsLanguage() {
    for (String alias : runner.aliases()) {
      Session session = engine.createSession(alias, printLine("alias"));
      assertThat(session.language()).isEqualTo(runner.id());
    }
  }

  @Test
  void timesOutInfiniteLoop() {
    Execution.Result result =
        run(
            infiniteLoop(),
            request ->
                request.withLimits(Limits.Overrides.NONE.withWallTime(Duration.ofSeconds(1))));

    assertThat(result.status()).isEqualTo(Execution.Status.TIMEOUT);
    assertThat(result.stderr()).endsWith("Execution Timed Out");
    assertThat(result.executionTime()).isLessThan(Duration.ofSeconds(3));
  }

  @Test
  void reportsCrashAsRuntimeError() {
    Execution.Result result = run(crash());

    assertThat(result.status()).isEqualTo(Execution.Status.FAILED);
    assertThat(result.failureReason()).hasValue(Execution.FailureReason.RUNTIME_ERROR);
    assertThat(result.exitCode()).isPresent();
    assertThat(result.exitCode().getAsInt()).isNotZero();
    assertThat(result.stderr()).isNotBlank();
  }

  @Test
  void truncatesOutputOverTheCap() {
    int cap = 64 * 1024;
    Execution.Result result =
        run(
            writeBytes(4 * cap),
            request -> request.withLimits(Limits.Overrides.NONE.withMaxOutputBytes(cap)));

    assertThat(result.stdoutTruncated()).isTrue();
    assertThat(result.stdout().length()).isLessThanOrEqualTo(cap);
  }

  @Test
  void echoesStdin() {
    String input = "first line\nsecond line\n";
    Execution.Result result = run(echoStdin(), request -> request.withStdin(input));

    assertThat(result.status())
        .as("stderr: %s", result.stderr())
        .isEqualTo(Execution.Status.COMPLETED);
    assertThat(result.stdout()).isEqualTo(input);
  }

  @Test
  void roundTripsUnicodeAndEmojiInSource() {
    String text = "héllo wörld, 世界, Ελληνικά, 🎉🐍";
    Execution.Result result = run(printLine(text));

    assertThat(result.status())
        .as("stderr: %s", result.stderr())
        .isEqualTo(Execution.Status.COMPLETED);
    assertThat(result.stdout()).isEqualTo(text + "\n");
  }

  @Test
  void roundTripsUnicodeAndEmojiThroughStdin() {
    String input = "naïve café ☕ 😀 𝄞\n";
    Execution.Result result = run(echoStdin(), request -> request.withStdin(input));

    assertThat(result.stdout()).isEqualTo(input);
  }

  @Test
  void runsWithoutTheServerEnvironment() {
    // The engine gives programs a minimal environment; a runner must not need more to start.
    Execution.Result result = run(printLine("env ok"));

    assertThat(result.stderr()).isEmpty();
    assertThat(result.stdout()).isEqualTo("env ok\n");
  }
}
