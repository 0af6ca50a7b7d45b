package dev.livecode.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.livecode.core.Execution;
import dev.livecode.core.Limits;
import dev.livecode.core.Page;
import dev.livecode.core.Session;
import dev.livecode.core.exception.LivecodeException;
import dev.livecode.core.spi.Store;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The in-memory store within its byte budget: the smallest budget (64 KiB, of which 62.5 KiB for
 * sessions and executions) holds one small session and three executions of 15,000 characters of
 * output or stdin, not four; or four sessions of 15,000 characters of source, not five.
 */
class InMemoryStoreBudgetTest {
  private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");
  private static final String OUTPUT = "x".repeat(15_000);

  private final InMemoryStore store = new InMemoryStore(InMemoryStore.MIN_BUDGET_BYTES);
  private final List<ExecutorService> pools = new ArrayList<>();

  @AfterEach
  void stopPools() {
    pools.forEach(ExecutorService::shutdownNow);
  }

  private Session session(String source) {
    Session session =
        new Session(UUID.randomUUID(), Session.ANONYMOUS, "python", source, 1, NOW, NOW);
    store.insertSession(session);
    return session;
  }

  private Execution queued(Session session) {
    return queued(session, "", Optional.empty());
  }

  private Execution queued(Session session, String stdin, Optional<String> key) {
    return store
        .createExecution(
            new Store.NewExecution(
                UUID.randomUUID(), session.id(), stdin, Limits.DEFAULTS, key, NOW))
        .execution();
  }

  private void finish(Execution execution) {
    assertThat(
            store.finish(
                execution.id(),
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
                    NOW)))
        .isTrue();
  }

  private boolean held(Execution execution) {
    return store.findExecution(execution.id()).isPresent();
  }

  @Test
  void evictsTheExecutionThatFinishedFirstNotTheOneCreatedFirst() {
    Session session = session("print(1)");
    Execution createdFirst = queued(session);
    Execution finishedFirst = queued(session);
    Execution third = queued(session);
    Execution fourth = queued(session);

    finish(finishedFirst);
    finish(createdFirst);
    finish(third);
    finish(fourth);

    assertThat(held(finishedFirst)).as("finished first, evicted").isFalse();
    assertThat(held(createdFirst)).isTrue();
    assertThat(held(third)).isTrue();
    assertThat(held(fourth)).isTrue();
  }

  @Test
  void evictsOldestFinishedFirstRunAfterRun() {
    Session session = session("print(1)");
    List<Execution> runs = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      Execution execution = queued(session);
      finish(execution);
      runs.add(execution);
    }

    assertThat(runs.stream().map(this::held).toList())
        .containsExactly(false, false, false, true, true, true);
  }

  @Test
  void neverEvictsAnUnfinishedExecution() {
    Session session = session("print(1)");
    Execution waiting = queued(session);
    for (int i = 0; i < 6; i++) {
      finish(queued(session));
    }

    assertThat(store.findExecution(waiting.id()))
        .hasValueSatisfying(e -> assertThat(e.status()).isEqualTo(Execution.Status.QUEUED));
  }

  @Test
  void keepsWhatItHoldsWithinTheBudget() {
    Session session = session("print(1)");
    for (int i = 0; i < 50; i++) {
      finish(queued(session));

      assertThat(store.liveBytes() + store.finishedBytes())
          .isLessThanOrEqualTo(store.budgetBytes());
    }
  }

  @Test
  void saysAnEvictedExecutionWasEvictedAndAnUnknownOneWasNot() {
    Session session = session("print(1)");
    Execution evicted = queued(session);
    finish(evicted);
    for (int i = 0; i < 3; i++) {
      finish(queued(session));
    }
    Execution kept = queued(session);

    assertThat(store.findExecution(evicted.id())).isEmpty();
    assertThat(store.evicted(evicted.id())).isTrue();
    assertThat(store.evicted(kept.id())).isFalse();
    assertThat(store.evicted(UUID.randomUUID())).isFalse();
  }

  @Test
  void leavesEvictedExecutionsOutOfTheSessionHistory() {
    Session session = session("print(1)");
    List<UUID> newestFirst = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      Execution execution = queued(session);
      finish(execution);
      newestFirst.add(0, execution.id());
    }

    List<UUID> listed =
        store.listExecutions(session.id(), Page.Request.first(10)).items().stream()
            .map(Execution::id)
            .toList();

    assertThat(listed).containsExactlyElementsOf(newestFirst.subList(0, 3));
  }

  @Test
  void runsAgainForTheIdempotencyKeyOfAnEvictedExecution() {
    Session session = session("print(1)");
    Execution first = queued(session, "", Optional.of("key-1"));
    finish(first);
    for (int i = 0; i < 3; i++) {
      finish(queued(session));
    }

    Execution again = queued(session, "", Optional.of("key-1"));

    assertThat(again.id()).isNotEqualTo(first.id());
    assertThat(again.status()).isEqualTo(Execution.Status.QUEUED);
  }

  @Test
  void evictsFinishedExecutionsToMakeRoomForNewSessions() {
    Session session = session("print(1)");
    for (int i = 0; i < 3; i++) {
      finish(queued(session));
    }

    for (int i = 0; i < 3; i++) {
      session(OUTPUT);
    }

    assertThat(store.liveBytes() + store.finishedBytes()).isLessThanOrEqualTo(store.budgetBytes());
  }

  @Test
  void refusesANewSessionWhenLiveSessionsFillTheBudget() {
    for (int i = 0; i < 4; i++) {
      session(OUTPUT);
    }

    assertThatThrownBy(() -> session(OUTPUT))
        .isInstanceOfSatisfying(
            LivecodeException.StoreFull.class,
            e -> {
              assertThat(e.retryAfter()).isPositive();
              assertThat(e.budgetBytes()).isEqualTo(store.budgetBytes());
              assertThat(e.liveBytes()).isEqualTo(store.liveBytes());
            })
        .hasMessageContaining("in-memory store is full");
  }

  @Test
  void refusesANewRunWhenUnfinishedRunsFillTheBudget() {
    Session session = session("print(1)");
    for (int i = 0; i < 3; i++) {
      queued(session, OUTPUT, Optional.empty());
    }

    assertThatThrownBy(() -> queued(session, OUTPUT, Optional.empty()))
        .isInstanceOf(LivecodeException.StoreFull.class);
    assertThat(store.listExecutions(session.id(), Page.Request.first(10)).items()).hasSize(3);
  }

  @Test
  void refusesAnAutosaveThatWouldOverfillTheBudgetAndKeepsTheSessionAsItWas() {
    Session small = session("print(1)");
    for (int i = 0; i < 4; i++) {
      session(OUTPUT);
    }

    assertThatThrownBy(
            () ->
                store.updateSession(Session.Update.source(small.id(), OUTPUT), NOW.plusSeconds(1)))
        .isInstanceOf(LivecodeException.StoreFull.class);
    assertThat(store.findSession(small.id())).contains(small);
  }

  @Test
  void takesAnAutosaveThatShrinksTheSourceWhenFull() {
    Session large = session(OUTPUT);
    for (int i = 0; i < 3; i++) {
      session(OUTPUT);
    }

    Session saved =
        store.updateSession(Session.Update.source(large.id(), "print(1)"), NOW.plusSeconds(1));

    assertThat(saved.version()).isEqualTo(2);
    session(OUTPUT);
  }

  @Test
  void losesNoByteOfLiveAccountingUnderConcurrentRuns() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    pools.add(pool);
    List<Session> sessions = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      sessions.add(session("print(1)"));
    }
    long sessionsOnly = store.liveBytes();
    List<Future<?>> done = new ArrayList<>();
    for (Session session : sessions) {
      done.add(
          pool.submit(
              () -> {
                for (int i = 0; i < 200; i++) {
                  finish(queued(session, "", Optional.of("k" + i)));
                }
              }));
    }
    for (Future<?> future : done) {
      future.get(60, TimeUnit.SECONDS);
    }

    assertThat(store.liveBytes()).isEqualTo(sessionsOnly);
    assertThat(store.liveBytes() + store.finishedBytes()).isLessThanOrEqualTo(store.budgetBytes());
  }

  @Test
  void rejectsABudgetUnderTheMinimum() {
    assertThatThrownBy(() -> new InMemoryStore(InMemoryStore.MIN_BUDGET_BYTES - 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("memoryStoreBudgetBytes");
  }
}
