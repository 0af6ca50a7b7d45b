package dev.livecode.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livecode.core.spi.JobQueue;
import dev.livecode.core.spi.LanguageRunner;
import dev.livecode.core.testing.TestRunners;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A runner's prepare step (a transpile) is charged to its own run: bounded by the run's wall time,
 * and not counted against the engine's run concurrency while it takes long.
 */
class LongPrepareTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private final Stalling stalling = new Stalling();
  private final LeaseCountingQueue queue = new LeaseCountingQueue();
  private LivecodeEngine engine;

  private LivecodeEngine engine(int workers) {
    return engine(Livecode.builder().workers(workers));
  }

  private LivecodeEngine engine(LivecodeBuilder builder) {
    engine = builder.discoverRunners(false).runner(TestRunners.python()).runner(stalling).build();
    return engine;
  }

  @AfterEach
  void close() {
    stalling.release.countDown();
    if (engine != null) {
      engine.close();
    }
    queue.close();
  }

  private Execution start(String language, String source, Duration wallTime) {
    Session session = engine.createSession(language, source);
    return engine.run(
        RunRequest.of(session.id()).withLimits(Limits.Overrides.NONE.withWallTime(wallTime)));
  }

  private Execution.Result end(Execution queued) {
    Execution done = engine.awaitExecution(queued.id(), WAIT);
    assertThat(done.isFinished()).as("finished within %s", WAIT).isTrue();
    return done.result().orElseThrow();
  }

  @Test
  void runnerIsGivenTheRunsWallTimeToPrepare() {
    engine(1);

    end(start("stalling", "echo", Duration.ofMillis(3500)));

    assertThat(stalling.limits).containsExactly(Duration.ofMillis(3500));
  }

  @Test
  void prepareThatRunsOutOfTimeEndsTimeoutLikeAProgram() {
    engine(1);
    stalling.release.countDown();

    Execution.Result result = end(start("stalling", "stall", Duration.ofSeconds(2)));

    assertThat(result.status()).isEqualTo(Execution.Status.TIMEOUT);
    assertThat(result.failureReason()).isEmpty();
    assertThat(result.stderr())
        .startsWith("stall: did not finish\n")
        .endsWith("Execution Timed Out");
  }

  @Test
  void longPreparesLeaveTheRunSlotToOtherRuns() {
    LivecodeEngine engine = engine(1);
    Execution first = start("stalling", "stall", Duration.ofSeconds(10));
    Execution second = start("stalling", "stall", Duration.ofSeconds(10));
    awaitPreparing(2);

    Execution.Result python = end(start("python", "print('hello')", Duration.ofSeconds(5)));

    assertThat(python.stdout()).isEqualTo("hello\n");
    assertThat(stalling.preparing.get()).as("both stalls still preparing").isEqualTo(2);
    assertThat(engine.getExecution(first.id()).status()).isEqualTo(Execution.Status.RUNNING);
    assertThat(engine.getExecution(second.id()).status()).isEqualTo(Execution.Status.RUNNING);
  }

  @Test
  void programOfALongPrepareRunsOnceASlotIsFree() {
    engine(1);
    Execution slow = start("stalling", "stall then echo", Duration.ofSeconds(10));
    awaitPreparing(1);
    stalling.release.countDown();

    Execution.Result result = end(slow);

    assertThat(result.status())
        .as("stderr: %s", result.stderr())
        .isEqualTo(Execution.Status.COMPLETED);
    assertThat(result.stdout()).isEqualTo("prepared\n");
  }

  @Test
  void renewsTheQueueLeaseOfAJobWhileItPrepares() {
    engine(Livecode.builder().workers(1).queue(queue));
    Execution slow = start("stalling", "stall then echo", Duration.ofSeconds(10));
    awaitPreparing(1);
    awaitUntil("the lease renewed", () -> queue.renewals.get() > 0);
    assertThat(queue.acks.get()).isZero();
    stalling.release.countDown();

    assertThat(end(slow).stdout()).isEqualTo("prepared\n");
    awaitUntil("the job acknowledged", () -> queue.acks.get() == 1);
  }

  private void awaitPreparing(int count) {
    awaitUntil(count + " prepares under way", () -> stalling.preparing.get() >= count);
  }

  private static void awaitUntil(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("%s within %s", what, WAIT).isLessThan(deadline);
      Thread.onSpinWait();
    }
  }

  /**
   * The in-memory queue, claiming to be durable (so the engine keeps leases), counting renewals.
   */
  static final class LeaseCountingQueue implements JobQueue {
    final JobQueue delegate = JobQueue.inMemory();
    final AtomicInteger renewals = new AtomicInteger();
    final AtomicInteger acks = new AtomicInteger();

    @Override
    public void enqueue(JobQueue.Job job) {
      delegate.enqueue(job);
    }

    @Override
    public Optional<JobQueue.Delivery> take(Duration maxWait) {
      return delegate.take(maxWait);
    }

    @Override
    public void ack(JobQueue.Delivery delivery) {
      acks.incrementAndGet();
      delegate.ack(delivery);
    }

    @Override
    public void renew(JobQueue.Delivery delivery) {
      renewals.incrementAndGet();
    }

    @Override
    public JobQueue.Stats stats() {
      return delegate.stats();
    }

    @Override
    public boolean durable() {
      return true;
    }

    @Override
    public void close() {
      delegate.close();
    }
  }

  /**
   * Sources starting with "stall" prepare until released or out of their time limit ("stall then
   * echo" then runs); any other source runs at once. It prints "prepared".
   */
  static final class Stalling implements LanguageRunner {
    final CountDownLatch release = new CountDownLatch(1);
    final AtomicInteger preparing = new AtomicInteger();
    final ConcurrentLinkedQueue<Duration> limits = new ConcurrentLinkedQueue<>();

    @Override
    public String id() {
      return "stalling";
    }

    @Override
    public String displayName() {
      return "Stalling";
    }

    @Override
    public LanguageRunner.Probe probe(LanguageRunner.Settings settings) {
      return LanguageRunner.Probe.available("1", Path.of("/bin/sh"), List.of());
    }

    @Override
    public LanguageRunner.Program prepare(
        String sourceCode, LanguageRunner.Probe probe, LanguageRunner.Settings settings) {
      return LanguageRunner.Program.interpreted(
          Map.of("main.sh", "echo prepared\n"),
          LanguageRunner.Command.of(List.of("/bin/sh", "main.sh")));
    }

    @Override
    public LanguageRunner.Program prepare(
        String sourceCode,
        LanguageRunner.Probe probe,
        LanguageRunner.Settings settings,
        Duration timeLimit) {
      limits.add(timeLimit);
      if (!sourceCode.startsWith("stall")) {
        return prepare(sourceCode, probe, settings);
      }
      preparing.incrementAndGet();
      try {
        boolean released = release.await(timeLimit.toNanos(), TimeUnit.NANOSECONDS);
        return released && sourceCode.endsWith("echo")
            ? prepare(sourceCode, probe, settings)
            : LanguageRunner.Program.outOfTime("stall: did not finish\n");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return LanguageRunner.Program.outOfTime("stall: interrupted\n");
      } finally {
        preparing.decrementAndGet();
      }
    }
  }
}
