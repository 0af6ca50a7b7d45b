package dev.livecode.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.livecode.core.exception.QueueException;
import dev.livecode.core.spi.JobQueue;
import dev.livecode.core.testing.TestRunners;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What an {@link EngineListener} registered on the builder is told, and that it cannot hurt a run
 * (of the warm pool: WarmPoolListenerIT in engine-tests, which has the real runners' warm
 * interpreters).
 */
class EngineListenerTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private final List<LivecodeEngine> engines = new ArrayList<>();

  @AfterEach
  void closeEngines() {
    engines.forEach(LivecodeEngine::close);
  }

  private LivecodeEngine engine(LivecodeBuilder builder) {
    LivecodeEngine engine = builder.discoverRunners(false).build();
    engines.add(engine);
    return engine;
  }

  private static Execution.Result runToEnd(LivecodeEngine engine, String source) {
    Session session = engine.createSession("python", source);
    Execution done = engine.awaitExecution(engine.run(RunRequest.of(session.id())).id(), WAIT);
    assertThat(done.status().isFinal()).as("finished within %s", WAIT).isTrue();
    return done.result().orElseThrow();
  }

  @Test
  void listenerIsToldOfQueuedStartedAndFinishedForOneRun() {
    Recording events = new Recording();
    LivecodeEngine engine =
        engine(Livecode.builder().workers(1).runner(TestRunners.python()).listener(events));
    Session session = engine.createSession("python", "print('hi')");

    Execution queued = engine.run(RunRequest.of(session.id()));
    engine.awaitExecution(queued.id(), WAIT);

    // why: the end reaches waiting clients before the listener, so the last event may come later.
    eventually("the finished event", () -> events.list().size() == 3);
    assertThat(events.list())
        .containsExactly(
            "queued " + queued.id() + " python",
            "started " + queued.id() + " python",
            "finished " + queued.id() + " python COMPLETED -");
    assertThat(events.queueWaits)
        .singleElement()
        .satisfies(wait -> assertThat(wait.isNegative()).isFalse());
    assertThat(events.runTimes).singleElement().satisfies(time -> assertThat(time).isPositive());
  }

  @Test
  void listenerIsToldOfEveryListenerInTheOrderAdded() {
    Recording first = new Recording();
    Recording second = new Recording();
    LivecodeEngine engine =
        engine(
            Livecode.builder()
                .workers(1)
                .runner(TestRunners.python())
                .listener(first)
                .listener(second));

    runToEnd(engine, "print(1)");

    eventually(
        "both listeners told of the end",
        () -> first.list().size() == 3 && second.list().size() == 3);
    assertThat(second.list()).isEqualTo(first.list());
  }

  @Test
  void throwingListenerLeavesTheRunAndTheOtherListenersAlone() {
    Recording after = new Recording();
    EngineListener broken =
        new EngineListener() {
          @Override
          public void executionQueued(UUID executionId, String language) {
            throw new IllegalStateException("broken listener");
          }

          @Override
          public void executionStarted(UUID executionId, String language, Duration queueWait) {
            throw new IllegalStateException("broken listener");
          }

          @Override
          public void executionFinished(
              UUID executionId, String language, Execution.Result result) {
            throw new IllegalStateException("broken listener");
          }
        };
    LivecodeEngine engine =
        engine(
            Livecode.builder()
                .workers(1)
                .runner(TestRunners.python())
                .listener(broken)
                .listener(after));

    Execution.Result result = runToEnd(engine, "print('still runs')");

    assertThat(result.status()).isEqualTo(Execution.Status.COMPLETED);
    assertThat(result.stdout()).isEqualTo("still runs\n");
    eventually("the listener after the broken one told of the end", () -> after.list().size() == 3);
  }

  @Test
  void runRefusedByAnUnreachableQueueIsToldAsQueuedThenFinishedFailed() {
    Recording events = new Recording();
    LivecodeEngine engine =
        engine(
            Livecode.builder()
                .workers(0)
                .runner(TestRunners.python())
                .queue(new UnreachableQueue())
                .listener(events));
    Session session = engine.createSession("python", "print(1)");

    assertThatThrownBy(() -> engine.run(RunRequest.of(session.id())))
        .isInstanceOf(QueueException.class);

    assertThat(events.list()).hasSize(2);
    assertThat(events.list().get(0)).startsWith("queued ");
    assertThat(events.list().get(1))
        .startsWith("finished ")
        .endsWith(" python FAILED INTERNAL_ERROR");
  }

  @Test
  void defaultMethodsHearNothingAndThrowNothing() {
    EngineListener.NONE.executionQueued(UUID.randomUUID(), "python");
    EngineListener.NONE.executionStarted(UUID.randomUUID(), "python", Duration.ZERO);
    EngineListener.NONE.warmPoolHit("python");
    EngineListener.NONE.warmPoolMiss("python");
    assertThatThrownBy(() -> Livecode.builder().listener(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("listener");
  }

  private static void eventually(String what, BooleanSupplier check) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!check.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waiting for %s", what).isLessThan(deadline);
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  /** Writes down what it is told, one line per run event. */
  private static final class Recording implements EngineListener {
    private final List<String> events = Collections.synchronizedList(new ArrayList<>());
    final List<Duration> queueWaits = Collections.synchronizedList(new ArrayList<>());
    final List<Duration> runTimes = Collections.synchronizedList(new ArrayList<>());

    List<String> list() {
      synchronized (events) {
        return List.copyOf(events);
      }
    }

    @Override
    public void executionQueued(UUID executionId, String language) {
      events.add("queued " + executionId + " " + language);
    }

    @Override
    public void executionStarted(UUID executionId, String language, Duration queueWait) {
      queueWaits.add(queueWait);
      events.add("started " + executionId + " " + language);
    }

    @Override
    public void executionFinished(UUID executionId, String language, Execution.Result result) {
      runTimes.add(result.executionTime());
      events.add(
          "finished "
              + executionId
              + " "
              + language
              + " "
              + result.status()
              + " "
              + result.failureReason().map(Enum::name).orElse("-"));
    }
  }

  /** A queue that cannot be reached for enqueueing; the rest works, so the engine starts. */
  private static final class UnreachableQueue implements JobQueue {
    private final JobQueue delegate = JobQueue.inMemory();

    @Override
    public void enqueue(JobQueue.Job job) {
      throw new QueueException("queue unreachable (test)");
    }

    @Override
    public Optional<JobQueue.Delivery> take(Duration maxWait) {
      return delegate.take(maxWait);
    }

    @Override
    public void ack(JobQueue.Delivery delivery) {
      delegate.ack(delivery);
    }

    @Override
    public JobQueue.Stats stats() {
      return delegate.stats();
    }
  }
}
