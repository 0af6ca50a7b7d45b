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
import java.util.OptionalInt;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The engine over an in-memory store with a budget: evicted executions read as evicted. */
class MemoryStoreBudgetTest {
  private static final long BUDGET = 64 * 1024;
  private static final String OUTPUT = "x".repeat(15_000);

  private final List<LivecodeEngine> engines = new ArrayList<>();

  private LivecodeEngine engine(LivecodeBuilder builder) {
    // No workers: the test decides when an execution finishes, through the store.
    LivecodeEngine engine =
        builder.workers(0).discoverRunners(false).runner(TestRunners.python()).build();
    engines.add(engine);
    return engine;
  }

  @AfterEach
  void closeEngines() {
    engines.forEach(LivecodeEngine::close);
  }

  private static UUID finishedRun(LivecodeEngine engine, Store store, Session session) {
    UUID id = engine.run(RunRequest.of(session.id())).id();
    store.finish(
        id,
        new Execution.Result(
            Execution.Status.COMPLETED,
            OUTPUT,
            "",
            OptionalInt.of(0),
            OptionalInt.empty(),
            Optional.empty(),
            false,
            false,
            Duration.ofMillis(1),
            Instant.now()));
    return id;
  }

  @Test
  void readsAnExecutionTheStoreEvictedAsEvictedEvenAfterReadingItFinished() {
    Store store = Store.inMemory(BUDGET);
    LivecodeEngine engine = engine(Livecode.builder().store(store));
    Session session = engine.createSession("python", "print(1)");
    UUID first = finishedRun(engine, store, session);
    assertThat(engine.getExecution(first).isFinished()).isTrue();

    for (int i = 0; i < 3; i++) {
      finishedRun(engine, store, session);
    }

    assertThat(engine.findExecution(first)).isEmpty();
    assertThatThrownBy(() -> engine.getExecution(first))
        .isInstanceOfSatisfying(
            LivecodeException.ExecutionEvicted.class,
            e -> assertThat(e.executionId()).isEqualTo(first))
        .hasMessageContaining("evicted");
    assertThatThrownBy(() -> engine.awaitExecution(first, Duration.ofSeconds(1)))
        .isInstanceOf(LivecodeException.ExecutionEvicted.class);
  }

  @Test
  void stillReadsAnUnknownExecutionAsNotFound() {
    LivecodeEngine engine = engine(Livecode.builder().store(Store.inMemory(BUDGET)));

    assertThatThrownBy(() -> engine.getExecution(UUID.randomUUID()))
        .isInstanceOf(LivecodeException.ExecutionNotFound.class);
  }

  @Test
  void givesTheDefaultStoreTheBuildersBudget() {
    LivecodeEngine engine = engine(Livecode.builder().memoryStoreBudgetBytes(BUDGET));
    for (int i = 0; i < 4; i++) {
      engine.createSession("python", OUTPUT);
    }

    assertThatThrownBy(() -> engine.createSession("python", OUTPUT))
        .isInstanceOf(LivecodeException.StoreFull.class);
  }

  @Test
  void refusesARunWhenLiveSessionsFillTheBudget() {
    LivecodeEngine engine = engine(Livecode.builder().memoryStoreBudgetBytes(BUDGET));
    Session session = engine.createSession("python", "print(1)");
    for (int i = 0; i < 4; i++) {
      engine.createSession("python", OUTPUT);
    }

    assertThatThrownBy(() -> engine.run(RunRequest.of(session.id()).withStdin(OUTPUT)))
        .isInstanceOf(LivecodeException.StoreFull.class);
  }

  @Test
  void rejectsABudgetForTheDefaultStoreBesideAGivenStore() {
    assertThatThrownBy(
            () -> Livecode.builder().memoryStoreBudgetBytes(BUDGET).store(Store.inMemory()).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("memoryStoreBudgetBytes");
  }

  @Test
  void rejectsABudgetUnder64KiB() {
    assertThatThrownBy(() -> Livecode.builder().memoryStoreBudgetBytes(BUDGET - 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("memoryStoreBudgetBytes")
        .hasMessageContaining("65536");
  }
}
