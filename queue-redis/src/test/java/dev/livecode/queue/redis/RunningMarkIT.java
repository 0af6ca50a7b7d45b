package dev.livecode.queue.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livecode.core.Execution;
import dev.livecode.core.Livecode;
import dev.livecode.core.LivecodeBuilder;
import dev.livecode.core.LivecodeEngine;
import dev.livecode.core.Page;
import dev.livecode.core.RunRequest;
import dev.livecode.core.Session;
import dev.livecode.core.exception.StoreException;
import dev.livecode.core.spi.ExecutionEvents;
import dev.livecode.core.spi.JobQueue;
import dev.livecode.core.spi.Store;
import dev.livecode.runner.python.PythonRunner;
import dev.livecode.sandbox.Isolation;
import dev.livecode.testing.RedisExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiPredicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * With a shared queue and logs, a worker writes a run's RUNNING mark beside its program's start,
 * not before it: the program does not wait for the store's commit, and every guarantee the mark
 * gave still holds.
 */
class RunningMarkIT {
  private static final Duration PATIENCE = Duration.ofSeconds(30);

  @RegisterExtension final RedisExtension redis = new RedisExtension();
  @TempDir Path dir;
  private final HookedStore store = new HookedStore(Store.inMemory());
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
    store.close();
  }

  private LivecodeEngine start(String name, int workers, Duration lease) {
    RedisQueue queue =
        RedisQueue.builder().uri(redis.url()).keyPrefix(redis.prefix()).lease(lease).build();
    open.add(queue);
    LivecodeBuilder builder =
        Livecode.builder()
            .name(name)
            .workers(workers)
            .discoverRunners(false)
            .runner(new PythonRunner())
            // The worker's order of steps is under test here, not the sandbox.
            .isolation(Isolation.NONE)
            .store(store)
            .queue(queue);
    LivecodeEngine engine = builder.build();
    open.add(engine);
    return engine;
  }

  /** A program that leaves a file behind the moment it starts, then does {@code rest}. */
  private String touching(Path file, String rest) {
    try {
      // The program may run as another user: it must be able to write here.
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String path = pythonString(file.toString());
    // A second attempt finds the file the first made (as another user, perhaps) and keeps it.
    return "import os\nif not os.path.exists("
        + path
        + "):\n  open("
        + path
        + ", 'w').close()\n"
        + rest;
  }

  private static String pythonString(String text) {
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  private static boolean appears(Path file, Duration within) {
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.exists(file)) {
        return true;
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return Files.exists(file);
  }

  @Test
  void programStartsWithoutWaitingForItsRunningMark() {
    LivecodeEngine api = start("api", 0, Duration.ofSeconds(30));
    start("worker", 1, Duration.ofSeconds(30));
    Path started = dir.resolve("started");
    AtomicBoolean programRanFirst = new AtomicBoolean();
    // The mark's commit is held until the program has started (or 10 s went by without it).
    store.onMarkRunning(
        (id, at) -> {
          programRanFirst.set(appears(started, Duration.ofSeconds(10)));
          return true;
        });
    Session session = api.createSession("python", touching(started, "print('ran')"));

    Execution done = api.awaitExecution(api.run(RunRequest.of(session.id())).id(), PATIENCE);

    assertThat(done.status()).as("%s", done.result()).isEqualTo(Execution.Status.COMPLETED);
    assertThat(done.result().map(Execution.Result::stdout)).contains("ran\n");
    assertThat(programRanFirst).as("the program started before its mark committed").isTrue();
    assertThat(done.startedAt()).as("the stored run still carries its start").isPresent();
  }

  @Test
  void runEndedElsewhereBeforeItsMarkCommitsIsStoppedAndKeepsThatEnd() {
    LivecodeEngine api = start("api", 0, Duration.ofSeconds(30));
    LivecodeEngine worker = start("worker", 1, Duration.ofSeconds(30));
    Path started = dir.resolve("started");
    Execution.Result elsewhere =
        Execution.Result.failedWithoutRun(
            Execution.FailureReason.INTERNAL_ERROR, "ended by another node", Instant.now());
    RedisQueue otherNode = RedisQueue.builder().uri(redis.url()).keyPrefix(redis.prefix()).build();
    open.add(otherNode);
    // Another node ends the run after its program started and before the worker's mark commits,
    // and announces the end as a node does.
    store.onMarkRunning(
        (id, at) -> {
          appears(started, Duration.ofSeconds(10));
          store.finish(id, elsewhere);
          otherNode.events().publish(ExecutionEvents.Event.ended(store.findExecution(id).get()));
          return true;
        });
    Session session = api.createSession("python", touching(started, "import time\ntime.sleep(60)"));
    Execution run = api.run(RunRequest.of(session.id()));

    Execution done = api.awaitExecution(run.id(), PATIENCE);

    assertThat(done.status()).isEqualTo(Execution.Status.FAILED);
    assertThat(done.result().map(Execution.Result::stderr)).contains("ended by another node");
    assertThat(Duration.between(run.queuedAt(), Instant.now()))
        .as("the end was heard, not waited out")
        .isLessThan(Duration.ofSeconds(20));
    // The one slot is free again long before the 60 s program would have let it go.
    store.onMarkRunning((id, at) -> true);
    Session next = api.createSession("python", "print('next')");
    Execution after = api.awaitExecution(api.run(RunRequest.of(next.id())).id(), PATIENCE);
    assertThat(after.status()).isEqualTo(Execution.Status.COMPLETED);
    assertThat(api.getExecution(run.id()).result()).contains(done.result().orElseThrow());
    assertThat(worker.status().workers()).isEqualTo(1);
  }

  @Test
  void runWhoseMarkFailsIsStoppedAndRunAgainLater() {
    LivecodeEngine api = start("api", 0, Duration.ofSeconds(30));
    start("worker", 1, Duration.ofSeconds(2));
    Path started = dir.resolve("started");
    AtomicBoolean failedOnce = new AtomicBoolean();
    // The store cannot take the first mark: that attempt must neither store a result nor ack.
    store.onMarkRunning(
        (id, at) -> {
          if (failedOnce.compareAndSet(false, true)) {
            appears(started, Duration.ofSeconds(10));
            throw new StoreException("the store is down for a moment");
          }
          return true;
        });
    Session session = api.createSession("python", touching(started, "print('once more')"));

    Execution done = api.awaitExecution(api.run(RunRequest.of(session.id())).id(), PATIENCE);

    assertThat(done.status()).as("%s", done.result()).isEqualTo(Execution.Status.COMPLETED);
    assertThat(done.result().map(Execution.Result::stdout)).contains("once more\n");
    assertThat(failedOnce).isTrue();
    assertThat(done.startedAt()).isPresent();
  }

  @Test
  void runWhoseWorkerDiedBeforeItsMarkStaysQueuedUntilAnotherWorkerRunsIt() {
    LivecodeEngine api = start("api", 0, Duration.ofSeconds(30));
    Session session = api.createSession("python", "print('survived')");
    Execution queued = api.run(RunRequest.of(session.id()));
    // A worker takes the job, starts its program and dies before its mark commits: nothing of
    // the attempt reaches the store.
    RedisQueue dying = RedisQueue.builder().uri(redis.url()).keyPrefix(redis.prefix()).build();
    JobQueue.Delivery lost = dying.take(Duration.ofSeconds(5)).orElseThrow();
    dying.close();
    assertThat(lost.job().executionId()).isEqualTo(queued.id());

    assertThat(api.getExecution(queued.id()).status())
        .as("what a client sees meanwhile")
        .isEqualTo(Execution.Status.QUEUED);
    start("worker", 1, Duration.ofSeconds(2));
    Execution done = api.awaitExecution(queued.id(), PATIENCE);

    assertThat(done.status()).as("%s", done.result()).isEqualTo(Execution.Status.COMPLETED);
    assertThat(done.result().map(Execution.Result::stdout)).contains("survived\n");
  }

  /** The in-memory store, with a hook in place of its RUNNING mark. */
  private static final class HookedStore implements Store {
    private final Store delegate;
    private volatile BiPredicate<UUID, Instant> beforeMark = (id, at) -> true;

    HookedStore(Store delegate) {
      this.delegate = delegate;
    }

    /** {@code hook} runs first; when it answers true, the mark is written. */
    void onMarkRunning(BiPredicate<UUID, Instant> hook) {
      this.beforeMark = hook;
    }

    @Override
    public boolean markRunning(UUID executionId, Instant startedAt) {
      return beforeMark.test(executionId, startedAt)
          && delegate.markRunning(executionId, startedAt);
    }

    @Override
    public void insertSession(Session session) {
      delegate.insertSession(session);
    }

    @Override
    public Optional<Session> findSession(UUID sessionId) {
      return delegate.findSession(sessionId);
    }

    @Override
    public Session updateSession(Session.Update update, Instant now) {
      return delegate.updateSession(update, now);
    }

    @Override
    public Store.CreatedExecution createExecution(Store.NewExecution request) {
      return delegate.createExecution(request);
    }

    @Override
    public Optional<Execution> findExecution(UUID executionId) {
      return delegate.findExecution(executionId);
    }

    @Override
    public boolean finish(UUID executionId, Execution.Result result) {
      return delegate.finish(executionId, result);
    }

    @Override
    public Execution asStored(Execution execution) {
      return delegate.asStored(execution);
    }

    @Override
    public void keepEvents(UUID executionId, List<ExecutionEvents.LiveLogs.Entry> events) {
      delegate.keepEvents(executionId, events);
    }

    @Override
    public Optional<List<ExecutionEvents.LiveLogs.Entry>> findEvents(UUID executionId) {
      return delegate.findEvents(executionId);
    }

    @Override
    public Page<Execution> listExecutions(UUID sessionId, Page.Request page) {
      return delegate.listExecutions(sessionId, page);
    }

    @Override
    public List<Execution> findUnfinished(int limit) {
      return delegate.findUnfinished(limit);
    }

    @Override
    public void close() {
      delegate.close();
    }
  }
}
