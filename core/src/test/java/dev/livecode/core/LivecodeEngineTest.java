package dev.livecode.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.livecode.core.exception.LivecodeException;
import dev.livecode.core.spi.JobQueue;
import dev.livecode.core.spi.Store;
import dev.livecode.core.testing.TestRunners;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LivecodeEngineTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private final List<LivecodeEngine> engines = new ArrayList<>();

  private LivecodeEngine engine(LivecodeBuilder builder) {
    LivecodeEngine engine =
        builder
            .discoverRunners(false)
            .runner(TestRunners.python())
            .runner(TestRunners.node())
            .build();
    engines.add(engine);
    return engine;
  }

  private LivecodeEngine engine() {
    return engine(Livecode.builder().workers(2));
  }

  @AfterEach
  void closeEngines() {
    engines.forEach(LivecodeEngine::close);
  }

  private Execution.Result runToEnd(LivecodeEngine engine, String language, String source) {
    Session session = engine.createSession(language, source);
    return runToEnd(engine, RunRequest.of(session.id()));
  }

  private Execution.Result runToEnd(LivecodeEngine engine, RunRequest request) {
    Execution queued = engine.run(request);
    Execution done = engine.awaitExecution(queued.id(), WAIT);
    assertThat(done.status().isFinal()).as("finished within %s", WAIT).isTrue();
    return done.result().orElseThrow();
  }

  @Test
  void createsSessionAtVersionOneWithCanonicalLanguage() {
    Session session = engine().createSession("PYTHON", "print(1)");
    assertThat(session.language()).isEqualTo("python");
    assertThat(session.version()).isEqualTo(1);
    assertThat(session.owner()).isEqualTo(Session.ANONYMOUS);
  }

  @Test
  void rejectsUnknownLanguageNamingTheInstalledOnes() {
    assertThatThrownBy(() -> engine().createSession("rust", ""))
        .isInstanceOf(LivecodeException.UnsupportedLanguage.class)
        .hasMessageContaining("rust")
        .hasMessageContaining("python");
  }

  @Test
  void rejectsSourceOverTheSizeLimit() {
    LivecodeEngine engine = engine(Livecode.builder().maxSourceBytes(10));
    assertThatThrownBy(() -> engine.createSession("python", "print('more than ten bytes')"))
        .isInstanceOf(LivecodeException.InvalidRequest.class);
  }

  @Test
  void saysItsSizeCapsAndFlagsWhatIsOverThemAsTooLarge() {
    LivecodeEngine engine = engine(Livecode.builder().maxSourceBytes(10).maxStdinBytes(4));
    Session session = engine.createSession("python", "print(1)");

    assertThat(engine.sizeCaps()).isEqualTo(new LivecodeEngine.SizeCaps(10, 4));
    assertThat(engine().sizeCaps()).isEqualTo(LivecodeEngine.SizeCaps.DEFAULTS);
    assertThatThrownBy(() -> engine.createSession("python", "print('more than ten bytes')"))
        .isInstanceOfSatisfying(
            LivecodeException.InvalidRequest.class, e -> assertThat(e.isTooLarge()).isTrue())
        .hasMessage("source_code is larger than 10 bytes of UTF-8");
    assertThatThrownBy(
            () -> engine.updateSession(Session.Update.source(session.id(), "é".repeat(6))))
        .isInstanceOfSatisfying(
            LivecodeException.InvalidRequest.class, e -> assertThat(e.isTooLarge()).isTrue());
    assertThatThrownBy(() -> engine.run(RunRequest.of(session.id()).withStdin("12345")))
        .isInstanceOfSatisfying(
            LivecodeException.InvalidRequest.class, e -> assertThat(e.isTooLarge()).isTrue())
        .hasMessage("stdin is larger than 4 bytes of UTF-8");
    // The request's own size is checked before the store is asked about its session.
    assertThatThrownBy(() -> engine.run(RunRequest.of(UUID.randomUUID()).withStdin("12345")))
        .isInstanceOfSatisfying(
            LivecodeException.InvalidRequest.class, e -> assertThat(e.isTooLarge()).isTrue());
    assertThatThrownBy(
            () ->
                engine.run(
                    RunRequest.of(session.id())
                        .withLimits(Limits.Overrides.NONE.withWallTime(Duration.ofHours(1)))))
        .isInstanceOfSatisfying(
            LivecodeException.InvalidRequest.class, e -> assertThat(e.isTooLarge()).isFalse());
  }

  @Test
  void autosaveIncrementsVersion() {
    LivecodeEngine engine = engine();
    Session session = engine.createSession("python", "print(1)");
    Session saved = engine.updateSession(Session.Update.source(session.id(), "print(2)"));
    assertThat(saved.version()).isEqualTo(2);
    assertThat(engine.getSession(session.id()).sourceCode()).isEqualTo("print(2)");
  }

  @Test
  void autosaveWithStaleVersionConflicts() {
    LivecodeEngine engine = engine();
    Session session = engine.createSession("python", "print(1)");
    engine.updateSession(Session.Update.source(session.id(), "print(2)"));
    assertThatThrownBy(
            () ->
                engine.updateSession(
                    Session.Update.source(session.id(), "print(3)").withExpectedVersion(1)))
        .isInstanceOfSatisfying(
            LivecodeException.VersionConflict.class,
            e -> assertThat(e.currentVersion()).isEqualTo(2));
  }

  @Test
  void autosaveOfUnknownSessionIsNotFound() {
    assertThatThrownBy(() -> engine().updateSession(Session.Update.source(UUID.randomUUID(), "")))
        .isInstanceOf(LivecodeException.SessionNotFound.class);
  }

  @Test
  void runReturnsQueuedExecutionAtOnce() {
    LivecodeEngine engine = engine(Livecode.builder().workers(0));
    Session session = engine.createSession("python", "print(1)");
    Execution execution = engine.run(RunRequest.of(session.id()));
    assertThat(execution.status()).isEqualTo(Execution.Status.QUEUED);
    assertThat(execution.result()).isEmpty();
  }

  @Test
  void runsPythonAndCapturesStdout() {
    Execution.Result result = runToEnd(engine(), "python", "print('Hello')");
    assertThat(result.status()).isEqualTo(Execution.Status.COMPLETED);
    assertThat(result.stdout()).isEqualTo("Hello\n");
    assertThat(result.exitCode()).hasValue(0);
  }

  @Test
  void runsJavaScript() {
    Execution.Result result = runToEnd(engine(), "javascript", "console.log(6 * 7)");
    assertThat(result.stdout()).isEqualTo("42\n");
  }

  @Test
  void nonZeroExitIsRuntimeError() {
    Execution.Result result =
        runToEnd(engine(), "python", "import sys\nprint('oops', file=sys.stderr)\nsys.exit(3)");
    assertThat(result.status()).isEqualTo(Execution.Status.FAILED);
    assertThat(result.failureReason()).hasValue(Execution.FailureReason.RUNTIME_ERROR);
    assertThat(result.exitCode()).hasValue(3);
    assertThat(result.stderr()).isEqualTo("oops\n");
  }

  @Test
  void runUsesSourceSavedAtRunTime() {
    LivecodeEngine engine = engine(Livecode.builder().workers(0));
    Session session = engine.createSession("python", "print('at run time')");
    Execution queued = engine.run(RunRequest.of(session.id()));
    engine.updateSession(Session.Update.source(session.id(), "print('later')"));
    assertThat(engine.getExecution(queued.id()).sourceCode()).isEqualTo("print('at run time')");
  }

  @Test
  void timesOutInfiniteLoopAndSaysSo() {
    LivecodeEngine engine = engine();
    Session session = engine.createSession("python", "while True: pass");
    long started = System.nanoTime();
    Execution.Result result =
        runToEnd(
            engine,
            RunRequest.of(session.id())
                .withLimits(Limits.Overrides.NONE.withWallTime(Duration.ofSeconds(1))));
    assertThat(result.status()).isEqualTo(Execution.Status.TIMEOUT);
    assertThat(result.stderr()).isEqualTo("Execution Timed Out");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void keepsOutputWrittenBeforeTimeout() {
    LivecodeEngine engine = engine();
    Session session =
        engine.createSession(
            "python",
            "import sys,time\nprint('before')\nprint('err', file=sys.stderr)\ntime.sleep(30)");
    Execution.Result result =
        runToEnd(
            engine,
            RunRequest.of(session.id())
                .withLimits(Limits.Overrides.NONE.withWallTime(Duration.ofSeconds(1))));
    assertThat(result.stdout()).isEqualTo("before\n");
    assertThat(result.stderr()).isEqualTo("err\nExecution Timed Out");
  }

  @Test
  void truncatesOutputOverTheCap() {
    LivecodeEngine engine = engine();
    Session session =
        engine.createSession("python", "import sys\nsys.stdout.write('x' * (2 * 1024 * 1024))");
    Execution.Result result = runToEnd(engine, RunRequest.of(session.id()));
    assertThat(result.status()).isEqualTo(Execution.Status.COMPLETED);
    assertThat(result.stdoutTruncated()).isTrue();
    assertThat(result.stdout()).hasSize((int) Limits.DEFAULTS.maxOutputBytes());
  }

  @Test
  void decodesInvalidUtf8WithReplacementCharacters() {
    Execution.Result result =
        runToEnd(engine(), "python", "import sys\nsys.stdout.buffer.write(b'a\\xff\\xfeb')");
    assertThat(result.stdout()).isEqualTo("a\uFFFD\uFFFDb");
  }

  @Test
  void roundTripsUnicodeAndEmoji() {
    Execution.Result result = runToEnd(engine(), "python", "print('héllo 世界 🎉')");
    assertThat(result.stdout()).isEqualTo("héllo 世界 🎉\n");
  }

  @Test
  void feedsStdin() {
    LivecodeEngine engine = engine();
    Session session = engine.createSession("python", "print(input()[::-1])");
    Execution.Result result = runToEnd(engine, RunRequest.of(session.id()).withStdin("abc\n"));
    assertThat(result.stdout()).isEqualTo("cba\n");
  }

  @Test
  void repeatedIdempotencyKeyReturnsSameExecution() {
    LivecodeEngine engine = engine(Livecode.builder().workers(0));
    Session session = engine.createSession("python", "print(1)");
    Execution first = engine.run(RunRequest.of(session.id()).withIdempotencyKey("click-1"));
    Execution second = engine.run(RunRequest.of(session.id()).withIdempotencyKey("click-1"));
    assertThat(second.id()).isEqualTo(first.id());
    assertThat(engine.executions(session.id(), Page.Request.first(10)).items()).hasSize(1);
  }

  @Test
  void rejectsLimitsAboveTheCap() {
    LivecodeEngine engine = engine();
    Session session = engine.createSession("python", "print(1)");
    RunRequest tooLong =
        RunRequest.of(session.id())
            .withLimits(Limits.Overrides.NONE.withWallTime(Duration.ofHours(1)));
    assertThatThrownBy(() -> engine.run(tooLong))
        .isInstanceOf(LivecodeException.InvalidRequest.class)
        .hasMessageContaining("wall_time_ms");
  }

  @Test
  void refusesRunsWhenTooManyAreWaiting() {
    LivecodeEngine engine = engine(Livecode.builder().workers(0).maxWaitingRuns(1));
    Session session = engine.createSession("python", "print(1)");
    engine.run(RunRequest.of(session.id()));
    assertThatThrownBy(() -> engine.run(RunRequest.of(session.id())))
        .isInstanceOf(LivecodeException.QueueFull.class);
  }

  @Test
  void awaitReturnsAsSoonAsTheRunEnds() {
    LivecodeEngine engine = engine();
    Session session = engine.createSession("python", "print(1)");
    Execution queued = engine.run(RunRequest.of(session.id()));
    long started = System.nanoTime();
    Execution done = engine.awaitExecution(queued.id(), Duration.ofSeconds(30));
    assertThat(done.status()).isEqualTo(Execution.Status.COMPLETED);
    assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started)).isLessThan(10);
  }

  @Test
  void awaitReturnsUnfinishedExecutionAfterTimeout() {
    LivecodeEngine engine = engine(Livecode.builder().workers(0));
    Session session = engine.createSession("python", "print(1)");
    Execution queued = engine.run(RunRequest.of(session.id()));
    assertThat(engine.awaitExecution(queued.id(), Duration.ofMillis(50)).status())
        .isEqualTo(Execution.Status.QUEUED);
  }

  @Test
  void awaitAsyncCompletesWhenTheRunEnds() throws Exception {
    LivecodeEngine engine = engine();
    Session session = engine.createSession("python", "import time\ntime.sleep(0.3)\nprint(1)");
    Execution queued = engine.run(RunRequest.of(session.id()));

    CompletableFuture<Execution> ended =
        engine.awaitExecutionAsync(queued.id(), Duration.ofSeconds(30));

    assertThat(ended.get(20, TimeUnit.SECONDS).status()).isEqualTo(Execution.Status.COMPLETED);
  }

  @Test
  void awaitAsyncCompletesWithTheUnfinishedExecutionAfterTimeout() throws Exception {
    LivecodeEngine engine = engine(Livecode.builder().workers(0));
    Session session = engine.createSession("python", "print(1)");
    Execution queued = engine.run(RunRequest.of(session.id()));

    CompletableFuture<Execution> ended =
        engine.awaitExecutionAsync(queued.id(), Duration.ofMillis(50));

    assertThat(ended.get(10, TimeUnit.SECONDS).status()).isEqualTo(Execution.Status.QUEUED);
  }

  @Test
  void awaitAsyncOfUnknownExecutionIsNotFoundAtOnce() {
    LivecodeEngine engine = engine(Livecode.builder().workers(0));

    assertThatThrownBy(() -> engine.awaitExecutionAsync(UUID.randomUUID(), Duration.ofSeconds(1)))
        .isInstanceOf(LivecodeException.ExecutionNotFound.class);
  }

  @Test
  void listsExecutionsNewestFirstAcrossPages() {
    LivecodeEngine engine = engine(Livecode.builder().workers(0));
    Session session = engine.createSession("python", "print(1)");
    List<UUID> created = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      created.add(engine.run(RunRequest.of(session.id())).id());
    }
    Page<Execution> first = engine.executions(session.id(), Page.Request.first(3));
    Page<Execution> second =
        engine.executions(session.id(), new Page.Request(3, first.nextCursor()));
    List<UUID> seen = new ArrayList<>();
    first.items().forEach(e -> seen.add(e.id()));
    second.items().forEach(e -> seen.add(e.id()));
    assertThat(seen)
        .containsExactly(
            created.get(4), created.get(3), created.get(2), created.get(1), created.get(0));
    assertThat(second.nextCursor()).isEmpty();
  }

  @Test
  void restartMarksRunsLeftUnfinishedAsInterrupted() {
    Store store = Store.inMemory();
    LivecodeEngine first = engine(Livecode.builder().workers(0).store(store));
    Session session = first.createSession("python", "print(1)");
    Execution left = first.run(RunRequest.of(session.id()));
    first.close();
    LivecodeEngine second =
        engine(Livecode.builder().workers(0).store(store).queue(JobQueue.inMemory()));
    Execution after = second.getExecution(left.id());
    assertThat(after.status()).isEqualTo(Execution.Status.FAILED);
    assertThat(after.result().orElseThrow().failureReason())
        .hasValue(Execution.FailureReason.INTERRUPTED);
  }

  @Test
  void runsFiftyConcurrentExecutionsCorrectly() {
    LivecodeEngine engine = engine();
    List<Execution> queued = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      Session session = engine.createSession("python", "print(" + i + " * 2)");
      queued.add(engine.run(RunRequest.of(session.id())));
    }
    for (int i = 0; i < 50; i++) {
      Execution done = engine.awaitExecution(queued.get(i).id(), Duration.ofSeconds(60));
      assertThat(done.result().orElseThrow().stdout()).isEqualTo((i * 2) + "\n");
    }
  }

  @Test
  void closeTwiceIsHarmless() {
    LivecodeEngine engine = engine();
    engine.close();
    engine.close();
    assertThat(engine.status().up()).isFalse();
  }

  @Test
  void removesItsOwnWorkspaceRootWhenClosed(@TempDir Path tmp) throws Exception {
    String original = System.getProperty("java.io.tmpdir");
    System.setProperty("java.io.tmpdir", tmp.toString());
    LivecodeBuilder builder;
    try {
      builder = Livecode.builder();
    } finally {
      System.setProperty("java.io.tmpdir", original);
    }
    LivecodeEngine engine = engine(builder.workers(1));
    runToEnd(engine, "python", "print(1)");
    try (var made = Files.list(tmp)) {
      assertThat(made).hasSize(1);
    }
    engine.close();
    try (var left = Files.list(tmp)) {
      assertThat(left).isEmpty();
    }
  }

  @Test
  void languagesListsRegisteredRunners() {
    assertThat(engine().languages())
        .extracting(LanguageInfo::id)
        .containsExactly("python", "javascript");
  }

  @Test
  void runOfUnknownSessionIsNotFound() {
    assertThatThrownBy(() -> engine().run(RunRequest.of(UUID.randomUUID())))
        .isInstanceOf(LivecodeException.SessionNotFound.class);
  }

  @Test
  void runOfUnknownSessionWithLimitsOverTheCapsIsNotFoundFirst() {
    assertThatThrownBy(
            () ->
                engine()
                    .run(
                        RunRequest.of(UUID.randomUUID())
                            .withLimits(Limits.Overrides.NONE.withWallTime(Duration.ofHours(1)))))
        .isInstanceOf(LivecodeException.SessionNotFound.class);
  }
}
