package dev.livecode.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.livecode.core.exception.LivecodeException;
import dev.livecode.core.spi.Store;
import dev.livecode.core.testing.TestRunners;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Finished executions are served from memory; anything else still comes from the store. */
class FinishedExecutionCacheTest {
  private final CountingStore store = new CountingStore(Store.inMemory());
  private final List<LivecodeEngine> engines = new ArrayList<>();

  private LivecodeEngine engine(LivecodeBuilder builder) {
    // No workers: the test decides when an execution finishes, through the store.
    LivecodeEngine engine =
        builder.workers(0).store(store).discoverRunners(false).runner(TestRunners.python()).build();
    engines.add(engine);
    return engine;
  }

  @AfterEach
  void closeEngines() {
    engines.forEach(LivecodeEngine::close);
  }

  private Execution queued(LivecodeEngine engine) {
    Session session = engine.createSession("python", "print(1)");
    return engine.run(RunRequest.of(session.id()));
  }

  private void finishInStore(UUID id) {
    store.finish(
        id,
        Execution.Result.failedWithoutRun(
            Execution.FailureReason.INTERNAL_ERROR, "ended by the test", Instant.now()));
  }

  @Test
  void readsAFinishedExecutionFromTheStoreOnlyOnce() {
    LivecodeEngine engine = engine(Livecode.builder());
    Execution execution = queued(engine);
    finishInStore(execution.id());

    Execution first = engine.getExecution(execution.id());
    Execution second = engine.getExecution(execution.id());
    Execution third = engine.awaitExecution(execution.id(), Duration.ofSeconds(1));

    assertThat(first.isFinished()).isTrue();
    assertThat(second).isEqualTo(first);
    assertThat(third).isEqualTo(first);
    assertThat(store.executionReads(execution.id())).isEqualTo(1);
  }

  @Test
  void readsAnUnfinishedExecutionFromTheStoreEachTime() {
    LivecodeEngine engine = engine(Livecode.builder());
    Execution execution = queued(engine);

    engine.getExecution(execution.id());
    engine.getExecution(execution.id());
    finishInStore(execution.id());
    Execution finished = engine.getExecution(execution.id());

    assertThat(finished.isFinished()).as("the end is seen as soon as the store has it").isTrue();
    assertThat(store.executionReads(execution.id())).isEqualTo(3);
  }

  @Test
  void readsTheStoreEachTimeWhenTheCacheIsOff() {
    LivecodeEngine engine = engine(Livecode.builder().finishedExecutionCache(0));
    Execution execution = queued(engine);
    finishInStore(execution.id());

    engine.getExecution(execution.id());
    engine.getExecution(execution.id());

    assertThat(store.executionReads(execution.id())).isEqualTo(2);
  }

  @Test
  void evictsTheOldestFinishedExecutionBeyondTheBound() {
    LivecodeEngine engine = engine(Livecode.builder().finishedExecutionCache(2));
    Execution oldest = queued(engine);
    Execution middle = queued(engine);
    Execution newest = queued(engine);
    for (Execution e : List.of(oldest, middle, newest)) {
      finishInStore(e.id());
      engine.getExecution(e.id());
    }

    engine.getExecution(newest.id());
    engine.getExecution(middle.id());
    engine.getExecution(oldest.id());

    assertThat(store.executionReads(newest.id())).isEqualTo(1);
    assertThat(store.executionReads(middle.id())).isEqualTo(1);
    assertThat(store.executionReads(oldest.id())).as("evicted, read again").isEqualTo(2);
  }

  @Test
  void stillReportsAnUnknownExecutionAsNotFound() {
    LivecodeEngine engine = engine(Livecode.builder());
    UUID unknown = UUID.randomUUID();

    assertThatThrownBy(() -> engine.getExecution(unknown))
        .isInstanceOf(LivecodeException.ExecutionNotFound.class);
    assertThatThrownBy(() -> engine.getExecution(unknown))
        .isInstanceOf(LivecodeException.ExecutionNotFound.class);
    assertThat(store.executionReads(unknown)).isEqualTo(2);
  }

  @Test
  void rejectsANegativeCacheSize() {
    assertThatThrownBy(() -> Livecode.builder().finishedExecutionCache(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("finishedExecutionCache");
  }

  /** The in-memory store, counting reads of each execution. */
  private static final class CountingStore implements Store {
    private final Store delegate;
    private final java.util.Map<UUID, AtomicInteger> reads =
        new java.util.concurrent.ConcurrentHashMap<>();

    CountingStore(Store delegate) {
      this.delegate = delegate;
    }

    int executionReads(UUID id) {
      AtomicInteger n = reads.get(id);
      return n == null ? 0 : n.get();
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
      reads.computeIfAbsent(executionId, k -> new AtomicInteger()).incrementAndGet();
      return delegate.findExecution(executionId);
    }

    @Override
    public boolean markRunning(UUID executionId, Instant startedAt) {
      return delegate.markRunning(executionId, startedAt);
    }

    @Override
    public boolean finish(UUID executionId, Execution.Result result) {
      return delegate.finish(executionId, result);
    }

    @Override
    public Page<Execution> listExecutions(UUID sessionId, Page.Request page) {
      return delegate.listExecutions(sessionId, page);
    }

    @Override
    public List<Execution> findUnfinished(int limit) {
      return delegate.findUnfinished(limit);
    }
  }
}
