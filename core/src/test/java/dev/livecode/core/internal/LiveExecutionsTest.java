package dev.livecode.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.livecode.core.Execution;
import dev.livecode.core.Limits;
import dev.livecode.core.Livecode;
import dev.livecode.core.LivecodeBuilder;
import dev.livecode.core.LivecodeEngine;
import dev.livecode.core.RunRequest;
import dev.livecode.core.Session;
import dev.livecode.core.exception.LivecodeException;
import dev.livecode.core.testing.TestRunners;
import dev.livecode.sandbox.Isolation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Live executions through the engine's embedding API, with real interpreters in the sandbox: output
 * seen as it is written, resumed from a sequence number, interactive stdin, cancel. Timing is
 * asserted as order, never as tight milliseconds: the host is shared and slow.
 */
class LiveExecutionsTest {
  private static final Duration WAIT = Duration.ofSeconds(40);
  private static final String FIRST_SECOND_THIRD =
      """
      import time
      print('First')
      time.sleep(0.75)
      print('Second')
      time.sleep(0.75)
      print('Third')
      """;

  private final List<LivecodeEngine> engines = new ArrayList<>();

  @AfterEach
  void close() {
    engines.forEach(LivecodeEngine::close);
  }

  /** Cold on each tier; the warm variants are in engine-tests, with the real runners. */
  private DefaultEngine engine(String setup) {
    return engine(setup, Limits.DEFAULT_CAPS.wallTime());
  }

  private DefaultEngine engine(String setup, Duration maxWallTime) {
    LivecodeBuilder builder = base().maxLimits(Limits.DEFAULT_CAPS.withWallTime(maxWallTime));
    switch (setup) {
      case "unshare" -> builder.isolation(Isolation.UNSHARE);
      case "none" -> builder.isolation(Isolation.NONE);
      default -> {}
    }
    return build(builder);
  }

  private static LivecodeBuilder base() {
    return Livecode.builder()
        .discoverRunners(false)
        .runner(TestRunners.python())
        .runner(TestRunners.node())
        .workers(2);
  }

  private DefaultEngine build(LivecodeBuilder builder) {
    DefaultEngine engine = (DefaultEngine) builder.build();
    engines.add(engine);
    return engine;
  }

  private static Execution start(LivecodeEngine engine, String source, boolean interactive) {
    Session session = engine.createSession("python", source);
    return engine.run(RunRequest.of(session.id()).withInteractive(interactive));
  }

  @ParameterizedTest
  @ValueSource(strings = {"cold", "unshare", "none"})
  void subscriberSeesEachLineBeforeTheNextIsWritten(String setup) {
    DefaultEngine engine = engine(setup);
    Execution queued = start(engine, FIRST_SECOND_THIRD, false);
    EventCollector events = EventCollector.subscribe(engine.events(queued.id(), 0));

    events.awaitDone(WAIT);
    Execution ended = engine.getExecution(queued.id());
    assertThat(ended.status()).isEqualTo(Execution.Status.COMPLETED);
    long first = events.arrivalOf("First");
    long second = events.arrivalOf("Second");
    long third = events.arrivalOf("Third");
    // The program sleeps 750 ms between lines: a line seen only with the next would arrive with it.
    long gap = TimeUnit.MILLISECONDS.toNanos(250);
    assertThat(second - first).as("First arrives well before Second is written").isGreaterThan(gap);
    assertThat(third - second).as("Second arrives well before Third is written").isGreaterThan(gap);
    assertThat(events.sequences())
        .as("numbered from 1 without a gap")
        .isEqualTo(Stream.iterate(1L, n -> n + 1).limit(events.list().size()).toList());
    assertThat(events.list().get(0).kind()).isEqualTo(Execution.Event.Kind.STATUS);
    assertThat(events.list().get(0).status()).isEqualTo(Execution.Status.QUEUED);
    assertThat(events.text(Execution.Event.Kind.STDOUT))
        .isEqualTo(ended.result().orElseThrow().stdout())
        .isEqualTo("First\nSecond\nThird\n");
    assertThat(events.last().execution()).contains(ended);
  }

  @Test
  void outputSoFarIsTheChunksWrittenWhileItRuns() {
    DefaultEngine engine = engine("cold");
    Execution queued = start(engine, FIRST_SECOND_THIRD, false);
    long deadline = System.nanoTime() + WAIT.toNanos();
    String seen = "";
    while (!seen.contains("First\n")) {
      assertThat(System.nanoTime()).as("First is written").isLessThan(deadline);
      seen = engine.outputSoFar(queued.id()).map(Execution.Output::stdout).orElse("");
    }
    // Read after the output: it was running when the output was taken.
    assertThat(engine.getExecution(queued.id()).status()).isEqualTo(Execution.Status.RUNNING);
    assertThat(seen).startsWith("First\n");

    Execution ended = engine.awaitExecution(queued.id(), WAIT);
    assertThat(ended.result().orElseThrow().stdout()).startsWith(seen);
    assertThat(engine.outputSoFar(queued.id())).as("ended: the result has it").isEmpty();
    assertThat(engine.outputSoFar(UUID.randomUUID())).isEmpty();
  }

  @Test
  void nodeOutputIsSeenAsWrittenToo() {
    DefaultEngine engine = engine("cold");
    Session session =
        engine.createSession(
            "javascript",
            """
        console.log('First');
        setTimeout(() => { console.log('Second'); setTimeout(() => console.log('Third'), 750); }, 750);
        """);
    Execution queued = engine.run(RunRequest.of(session.id()));
    EventCollector events = EventCollector.subscribe(engine.events(queued.id(), 0));
    events.awaitDone(WAIT);
    assertThat(events.arrivalOf("Second") - events.arrivalOf("First"))
        .isGreaterThan(TimeUnit.MILLISECONDS.toNanos(250));
    assertThat(events.text(Execution.Event.Kind.STDOUT)).isEqualTo("First\nSecond\nThird\n");
  }

  @Test
  void resubscribingFromTheLastSequenceNumberGivesExactlyTheRest() {
    DefaultEngine engine = engine("cold");
    Execution queued = start(engine, FIRST_SECOND_THIRD, false);
    EventCollector early =
        EventCollector.subscribeUntil(
            engine.events(queued.id(), 0), stdout -> stdout.contains("Second\n"));
    early.awaitDone(WAIT);
    assertThat(early.text(Execution.Event.Kind.STDOUT)).isEqualTo("First\nSecond\n");
    long last = early.last().sequence();

    EventCollector rest = EventCollector.subscribe(engine.events(queued.id(), last));
    rest.awaitDone(WAIT);
    // print() may write the line and its newline apart: one chunk or two.
    assertThat(rest.list().subList(0, rest.list().size() - 1))
        .extracting(Execution.Event::kind)
        .containsOnly(Execution.Event.Kind.STDOUT);
    assertThat(rest.text(Execution.Event.Kind.STDOUT)).isEqualTo("Third\n");
    assertThat(rest.last().kind()).isEqualTo(Execution.Event.Kind.DONE);
    assertThat(rest.list().get(0).sequence()).isEqualTo(last + 1);

    EventCollector replay = EventCollector.subscribe(engine.events(queued.id(), 0));
    replay.awaitDone(WAIT);
    assertThat(replay.text(Execution.Event.Kind.STDOUT))
        .as("a late subscriber from 0 replays it all")
        .isEqualTo("First\nSecond\nThird\n");
  }

  @ParameterizedTest
  @ValueSource(strings = {"cold", "unshare"})
  void inputIsAnsweredTwiceInARowThroughSendStdin(String setup) {
    DefaultEngine engine = engine(setup, Duration.ofMinutes(2));
    Execution queued =
        start(
            engine,
            """
        name = input('name? ')
        print('hello', name)
        age = input('age? ')
        print('age', age)
        """,
            true);
    assertThat(queued.limits().wallTime())
        .as("an interactive run's own default")
        .isEqualTo(Limits.INTERACTIVE_WALL_TIME);
    EventCollector events = EventCollector.subscribe(engine.events(queued.id(), 0));

    events.awaitText(Execution.Event.Kind.STDOUT, "name? ", WAIT);
    assertThat(engine.sendStdin(queued.id(), "Ada\n")).isEqualTo(4);
    events.awaitText(Execution.Event.Kind.STDOUT, "name? hello Ada\nage? ", WAIT);
    engine.sendStdin(queued.id(), "36\n");
    events.awaitDone(WAIT);

    Execution ended = engine.getExecution(queued.id());
    assertThat(ended.status()).isEqualTo(Execution.Status.COMPLETED);
    assertThat(ended.result().orElseThrow().stdout()).isEqualTo("name? hello Ada\nage? age 36\n");
    assertThatThrownBy(() -> engine.sendStdin(queued.id(), "late\n"))
        .isInstanceOf(LivecodeException.ExecutionConflict.class);
  }

  @Test
  void stdinSentWhileQueuedAndClosedReachesTheProgramInOrder() {
    DefaultEngine engine = build(base().workers(1));
    Execution blocker = start(engine, "import time\ntime.sleep(1.5)\n", false);
    Session session = engine.createSession("python", "import sys\nprint(repr(sys.stdin.read()))\n");
    Execution queued =
        engine.run(RunRequest.of(session.id()).withStdin("one\n").withInteractive(true));
    assertThat(queued.limits().wallTime())
        .as("the interactive default, within the cap")
        .isEqualTo(Limits.DEFAULT_CAPS.wallTime());
    engine.sendStdin(queued.id(), "two\n");
    engine.closeStdin(queued.id());
    assertThatThrownBy(() -> engine.sendStdin(queued.id(), "three\n"))
        .isInstanceOf(LivecodeException.ExecutionConflict.class)
        .hasMessageContaining("closed");

    Execution ended = engine.awaitExecution(queued.id(), WAIT);
    assertThat(ended.result().orElseThrow().stdout()).isEqualTo("'one\\ntwo\\n'\n");
    assertThat(engine.awaitExecution(blocker.id(), WAIT).status())
        .isEqualTo(Execution.Status.COMPLETED);
  }

  @Test
  void stdinForARunThatIsNotInteractiveIsAConflict() {
    DefaultEngine engine = engine("cold");
    Execution queued = start(engine, "print(input())", false);
    assertThatThrownBy(() -> engine.sendStdin(queued.id(), "x\n"))
        .isInstanceOf(LivecodeException.ExecutionConflict.class);
    assertThatThrownBy(() -> engine.closeStdin(queued.id()))
        .isInstanceOf(LivecodeException.ExecutionConflict.class);
    assertThatThrownBy(() -> engine.sendStdin(UUID.randomUUID(), "x"))
        .isInstanceOf(LivecodeException.ExecutionNotFound.class);
  }

  @Test
  void stdinPastTheCapCountedAcrossCallsIsTooLargeAndTheRunGoesOn() {
    DefaultEngine engine = build(base().maxStdinBytes(1000));
    Session session = engine.createSession("python", "import sys\nprint(len(sys.stdin.read()))\n");
    Execution queued =
        engine.run(RunRequest.of(session.id()).withStdin("a".repeat(300)).withInteractive(true));
    engine.sendStdin(queued.id(), "b".repeat(600));
    assertThatThrownBy(() -> engine.sendStdin(queued.id(), "c".repeat(101)))
        .isInstanceOfSatisfying(
            LivecodeException.InvalidRequest.class, e -> assertThat(e.isTooLarge()).isTrue());
    for (int i = 0; i < 50; i++) {
      assertThatThrownBy(() -> engine.sendStdin(queued.id(), "d".repeat(200)))
          .isInstanceOf(LivecodeException.InvalidRequest.class);
    }
    engine.sendStdin(queued.id(), "e".repeat(100));
    engine.closeStdin(queued.id());

    Execution ended = engine.awaitExecution(queued.id(), WAIT);
    assertThat(ended.status()).isEqualTo(Execution.Status.COMPLETED);
    assertThat(ended.result().orElseThrow().stdout()).isEqualTo("1000\n");
  }

  @Test
  void cancelOfAQueuedRunEndsItBeforeItEverStarts() {
    DefaultEngine engine = build(base().workers(1));
    Execution busy = start(engine, "while True: pass\n", false);
    eventually(
        "the first run started",
        () -> engine.getExecution(busy.id()).status() == Execution.Status.RUNNING);
    Execution queued = start(engine, "print('never')\n", false);

    Execution cancelled = engine.cancel(queued.id());
    assertThat(cancelled.status()).isEqualTo(Execution.Status.CANCELLED);
    assertThat(cancelled.startedAt()).isEmpty();
    assertThat(engine.cancel(queued.id()).status())
        .as("a second cancel is fine")
        .isEqualTo(Execution.Status.CANCELLED);
    EventCollector events = EventCollector.subscribe(engine.events(queued.id(), 0));
    events.awaitDone(WAIT);
    assertThat(events.list())
        .extracting(Execution.Event::kind)
        .containsExactly(Execution.Event.Kind.STATUS, Execution.Event.Kind.DONE);

    assertThat(engine.cancel(busy.id()).status()).isEqualTo(Execution.Status.CANCELLED);
    Execution next = start(engine, "print('next')\n", false);
    assertThat(engine.awaitExecution(next.id(), WAIT).result().orElseThrow().stdout())
        .isEqualTo("next\n");
    assertThat(engine.getExecution(queued.id()).startedAt())
        .as("the cancelled run never started")
        .isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"cold", "unshare", "none"})
  void cancelOfARunningProgramKillsItsWholeTreeAndKeepsItsOutput(String setup) throws IOException {
    DefaultEngine engine = engine(setup);
    String marker = "livecode-cancel-" + UUID.randomUUID();
    Execution queued =
        start(
            engine,
            """
        import subprocess
        subprocess.Popen(['/bin/sh', '-c', 'while :; do :; done', '%s'])
        print('before')
        while True:
            pass
        """
                .formatted(marker),
            false);
    EventCollector events = EventCollector.subscribe(engine.events(queued.id(), 0));
    events.awaitText(Execution.Event.Kind.STDOUT, "before\n", WAIT);
    eventually("the child runs", () -> processesWith(marker) > 0);

    Execution cancelled = engine.cancel(queued.id());
    assertThat(cancelled.status()).isEqualTo(Execution.Status.CANCELLED);
    assertThat(cancelled.result().orElseThrow().stdout()).isEqualTo("before\n");
    assertThat(cancelled.result().orElseThrow().failureReason()).isEmpty();
    assertThat(processesWith(marker)).as("no process of the program survives its cancel").isZero();
    events.awaitDone(WAIT);
    assertThat(events.last().status()).isEqualTo(Execution.Status.CANCELLED);
    assertThat(events.text(Execution.Event.Kind.STDOUT)).isEqualTo("before\n");
    assertThat(engine.cancel(queued.id()).status()).isEqualTo(Execution.Status.CANCELLED);
  }

  @Test
  void cancelOfARunThatEndedOtherwiseIsAConflict() {
    DefaultEngine engine = engine("cold");
    Execution queued = start(engine, "print(1)\n", false);
    engine.awaitExecution(queued.id(), WAIT);
    assertThatThrownBy(() -> engine.cancel(queued.id()))
        .isInstanceOfSatisfying(
            LivecodeException.ExecutionConflict.class,
            e -> assertThat(e.status()).isEqualTo("COMPLETED"));
  }

  @Test
  void manySubscribersAndOneThatNeverReadsKeepTheEngineBoundedAndTheProgramOnTime() {
    long cap = 64 * 1024;
    DefaultEngine engine =
        build(
            base()
                .defaultLimits(
                    new Limits(
                        Duration.ofSeconds(10),
                        Duration.ofSeconds(10),
                        256L << 20,
                        64,
                        16L << 20,
                        cap)));
    // 2 MB of stdout, far past the cap, and a little stderr.
    Execution queued =
        start(
            engine,
            """
        import sys
        line = 'x' * 999 + '\\n'
        for i in range(2000):
            sys.stdout.write(line)
        sys.stderr.write('done\\n')
        """,
            false);
    EventCollector stalled = EventCollector.subscribeWithoutDemand(engine.events(queued.id(), 0));
    List<EventCollector> readers = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      readers.add(EventCollector.subscribe(engine.events(queued.id(), 0)));
    }

    Execution ended = engine.awaitExecution(queued.id(), WAIT);
    assertThat(ended.isFinished()).as("the program finished on time").isTrue();
    Execution.Result result = ended.result().orElseThrow();
    assertThat(result.stdoutTruncated()).isTrue();
    long weight = engine.eventBytes(queued.id());
    int count = engine.eventCount(queued.id());
    assertThat(weight)
        .as("the events weigh at most the capped text (2 bytes a char) and a fixed cost per event")
        .isLessThanOrEqualTo(2 * (2 * cap) + InMemoryEventLog.EVENT_OVERHEAD_BYTES * count)
        .isLessThanOrEqualTo(6 * cap);
    for (EventCollector reader : readers) {
      reader.awaitDone(WAIT);
      assertThat(reader.text(Execution.Event.Kind.STDOUT)).isEqualTo(result.stdout());
      assertThat(reader.text(Execution.Event.Kind.STDERR)).isEqualTo("done\n");
    }
    assertThat(stalled.list()).isEmpty();
    stalled.request(Long.MAX_VALUE);
    stalled.awaitDone(WAIT);
    assertThat(stalled.text(Execution.Event.Kind.STDOUT))
        .as("the one that never read catches up later")
        .isEqualTo(result.stdout());
  }

  @Test
  void timeoutLineAndCompileLikeEndsAreInTheChunks() {
    DefaultEngine engine =
        build(base().defaultLimits(Limits.DEFAULTS.withWallTime(Duration.ofSeconds(2))));
    Execution queued =
        start(
            engine,
            "import sys\nprint('tick')\nsys.stderr.write('half')\nwhile True: pass\n",
            false);
    EventCollector events = EventCollector.subscribe(engine.events(queued.id(), 0));
    events.awaitDone(WAIT);
    Execution.Result result = engine.getExecution(queued.id()).result().orElseThrow();
    assertThat(result.status()).isEqualTo(Execution.Status.TIMEOUT);
    assertThat(events.text(Execution.Event.Kind.STDERR))
        .isEqualTo(result.stderr())
        .isEqualTo("half\nExecution Timed Out");
    assertThat(events.text(Execution.Event.Kind.STDOUT)).isEqualTo("tick\n");
  }

  @Test
  void unknownExecutionHasNoEvents() {
    DefaultEngine engine = engine("cold");
    assertThatThrownBy(() -> engine.events(UUID.randomUUID(), 0))
        .isInstanceOf(LivecodeException.ExecutionNotFound.class);
    assertThatThrownBy(() -> engine.cancel(UUID.randomUUID()))
        .isInstanceOf(LivecodeException.ExecutionNotFound.class);
  }

  /**
   * Live processes (not zombies: those have no command line) whose command line holds {@code
   * marker}.
   */
  private static long processesWith(String marker) {
    try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
      return entries
          .filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
          .filter(
              p -> {
                try {
                  return new String(
                          Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8)
                      .contains(marker);
                } catch (IOException e) {
                  return false;
                }
              })
          .count();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void eventually(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + WAIT + ": " + what);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
