package dev.livecode.testing;

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
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link Store}, run against every implementation: the in-memory default as a unit
 * test, store-mysql as an integration test. Subclasses are usually empty apart from {@link
 * #store()}.
 *
 * <p>Instants here are whole microseconds and durations whole milliseconds: that is the precision
 * every store promises to keep (DATETIME(6), {@code *_ms} columns).
 *
 * @since 0.1
 */
public abstract class StoreContract {
  /**
   * Source and output that break naive stores: 4-byte UTF-8, SQL, quotes, backslashes, controls.
   */
  public static final String TRICKY_TEXT =
      "print('héllo wörld 😀 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 你好 🇺🇦')\n"
          + "x = \"'; DROP TABLE x; --\"\n"
          + "y = 'Robert\\'); DELETE FROM sessions WHERE 1=1; --'\n"
          + "z = \"\\\\ \\n \\0 %s %% _ ${prefix} ? :name \u0001\u0007\u001b[31m\u007f \ufffd \u2028\"\n"
          + "trailing spaces   \t\r\n";

  private static final Instant T0 = Instant.parse("2026-01-02T03:04:05.123456Z");

  private final List<ExecutorService> pools = new ArrayList<>();

  /** The store under test; the same instance for the whole test method, empty when it starts. */
  protected abstract Store store();

  @AfterEach
  void stopPools() {
    pools.forEach(ExecutorService::shutdownNow);
  }

  // ------------------------------------------------------------------ helpers

  protected static Instant at(long seconds) {
    return T0.plusSeconds(seconds);
  }

  protected Session newSession(String language, String source) {
    Session session =
        new Session(UUID.randomUUID(), Session.ANONYMOUS, language, source, 1, T0, T0);
    store().insertSession(session);
    return session;
  }

  protected Session newSession() {
    return newSession("python", "print('hi')");
  }

  protected static Store.NewExecution run(UUID sessionId) {
    return new Store.NewExecution(
        UUID.randomUUID(), sessionId, "", Limits.DEFAULTS, Optional.empty(), at(10));
  }

  protected static Store.NewExecution run(UUID sessionId, String idempotencyKey) {
    return new Store.NewExecution(
        UUID.randomUUID(), sessionId, "", Limits.DEFAULTS, Optional.of(idempotencyKey), at(10));
  }

  protected static Execution.Result completed(String stdout, Instant at) {
    return new Execution.Result(
        Execution.Status.COMPLETED,
        stdout,
        "",
        OptionalInt.of(0),
        OptionalInt.empty(),
        Optional.empty(),
        false,
        false,
        Duration.ofMillis(42),
        at);
  }

  private ExecutorService pool(int threads) {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    pools.add(pool);
    return pool;
  }

  private static <T> List<T> all(List<Future<T>> futures) throws Exception {
    List<T> results = new ArrayList<>();
    for (Future<T> future : futures) {
      results.add(future.get(60, TimeUnit.SECONDS));
    }
    return results;
  }

  // ------------------------------------------------------------------ sessions

  @Test
  void findsAnInsertedSessionAsItWasInserted() {
    Session session = newSession("javascript", "console.log(1)");

    assertThat(store().findSession(session.id())).contains(session);
  }

  @Test
  void keepsTheOwnerOfASessionThroughItsSaves() {
    String owner = "tenant.of-a@course_" + "x".repeat(Session.MAX_OWNER_LENGTH - 19);
    Session session = new Session(UUID.randomUUID(), owner, "python", "a = 1", 1, T0, T0);
    store().insertSession(session);

    Session saved = store().updateSession(Session.Update.source(session.id(), "a = 2"), at(1));

    assertThat(store().findSession(session.id())).contains(saved);
    assertThat(saved.owner()).isEqualTo(owner);
  }

  @Test
  void findsNothingForAnUnknownSession() {
    assertThat(store().findSession(UUID.randomUUID())).isEmpty();
  }

  @Test
  void refusesToInsertASessionTwice() {
    Session session = newSession();

    assertThatThrownBy(() -> store().insertSession(session))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void updateIncrementsTheVersionAndKeepsWhatWasNotChanged() {
    Session session = newSession("python", "a = 1");

    Session saved = store().updateSession(Session.Update.source(session.id(), "a = 2"), at(1));

    assertThat(saved)
        .isEqualTo(new Session(session.id(), Session.ANONYMOUS, "python", "a = 2", 2, T0, at(1)));
    assertThat(store().findSession(session.id())).contains(saved);
  }

  @Test
  void updateCanChangeLanguageAlone() {
    Session session = newSession("python", "x");

    Session saved =
        store()
            .updateSession(
                new Session.Update(
                    session.id(),
                    Optional.empty(),
                    Optional.of("javascript"),
                    java.util.OptionalLong.empty()),
                at(1));

    assertThat(saved.language()).isEqualTo("javascript");
    assertThat(saved.sourceCode()).isEqualTo("x");
    assertThat(saved.version()).isEqualTo(2);
  }

  @Test
  void everyUpdateAddsExactlyOneToTheVersion() {
    Session session = newSession();
    for (int i = 1; i <= 5; i++) {
      assertThat(
              store().updateSession(Session.Update.source(session.id(), "v" + i), at(i)).version())
          .isEqualTo(1 + i);
    }
    assertThat(store().findSession(session.id()).orElseThrow().version()).isEqualTo(6);
  }

  @Test
  void updateWithTheCurrentVersionSucceeds() {
    Session session = newSession();

    Session saved =
        store()
            .updateSession(
                Session.Update.source(session.id(), "new").withExpectedVersion(1), at(1));

    assertThat(saved.version()).isEqualTo(2);
  }

  @Test
  void updateWithAStaleVersionConflictsAndChangesNothing() {
    Session session = newSession("python", "old");
    store().updateSession(Session.Update.source(session.id(), "mine"), at(1));

    assertThatThrownBy(
            () ->
                store()
                    .updateSession(
                        Session.Update.source(session.id(), "theirs").withExpectedVersion(1),
                        at(2)))
        .isInstanceOfSatisfying(
            LivecodeException.VersionConflict.class,
            e -> {
              assertThat(e.sessionId()).isEqualTo(session.id());
              assertThat(e.expectedVersion()).isEqualTo(1);
              assertThat(e.currentVersion()).isEqualTo(2);
            });
    assertThat(store().findSession(session.id()).orElseThrow().sourceCode()).isEqualTo("mine");
  }

  @Test
  void updateOfAnUnknownSessionIsNotFound() {
    UUID unknown = UUID.randomUUID();

    assertThatThrownBy(() -> store().updateSession(Session.Update.source(unknown, "x"), at(1)))
        .isInstanceOfSatisfying(
            LivecodeException.SessionNotFound.class,
            e -> assertThat(e.sessionId()).isEqualTo(unknown));
    assertThatThrownBy(
            () ->
                store()
                    .updateSession(
                        Session.Update.source(unknown, "x").withExpectedVersion(1), at(1)))
        .isInstanceOf(LivecodeException.SessionNotFound.class);
  }

  @Test
  void keepsTrickySourceByteForByte() {
    Session session = newSession("python", TRICKY_TEXT);
    assertThat(store().findSession(session.id()).orElseThrow().sourceCode()).isEqualTo(TRICKY_TEXT);

    String changed = TRICKY_TEXT + "# 🙂\n";
    store().updateSession(Session.Update.source(session.id(), changed), at(1));

    assertThat(store().findSession(session.id()).orElseThrow().sourceCode()).isEqualTo(changed);
  }

  @Test
  void keepsLargeSourceWhole() {
    String big = "# 😀 ünïcødé\n".repeat(256 * 1024 / 20);
    Session session = newSession("python", big);

    assertThat(store().findSession(session.id()).orElseThrow().sourceCode()).isEqualTo(big);
  }

  // ------------------------------------------------------------------ concurrent autosaves

  @Test
  void concurrentAutosavesLoseNoIncrement() throws Exception {
    List<Session> sessions = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      sessions.add(newSession());
    }
    Map<UUID, AtomicInteger> successes = new ConcurrentHashMap<>();
    sessions.forEach(s -> successes.put(s.id(), new AtomicInteger()));
    ExecutorService pool = pool(50);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Integer>> futures = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      Session target = sessions.get(i % sessions.size());
      String source = "save " + i + " 😀";
      futures.add(
          pool.submit(
              () -> {
                start.await();
                store().updateSession(Session.Update.source(target.id(), source), at(1));
                successes.get(target.id()).incrementAndGet();
                return 1;
              }));
    }
    start.countDown();

    assertThat(all(futures)).hasSize(2_000);
    for (Session session : sessions) {
      assertThat(store().findSession(session.id()).orElseThrow().version())
          .isEqualTo(1L + successes.get(session.id()).get())
          .isEqualTo(1L + 200);
    }
  }

  @Test
  void concurrentConditionalAutosavesLoseNoUpdateAndEveryLoserConflicts() throws Exception {
    List<Session> sessions = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      sessions.add(newSession());
    }
    Map<UUID, Set<Long>> wonVersions = new ConcurrentHashMap<>();
    Map<UUID, Map<Long, String>> sourceByVersion = new ConcurrentHashMap<>();
    sessions.forEach(
        s -> {
          wonVersions.put(s.id(), ConcurrentHashMap.newKeySet());
          sourceByVersion.put(s.id(), new ConcurrentHashMap<>());
        });
    AtomicLong conflicts = new AtomicLong();
    ExecutorService pool = pool(50);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<String>> futures = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      Session target = sessions.get(i % sessions.size());
      String source = "edit " + i;
      futures.add(
          pool.submit(
              () -> {
                start.await();
                long seen = store().findSession(target.id()).orElseThrow().version();
                try {
                  Session saved =
                      store()
                          .updateSession(
                              Session.Update.source(target.id(), source).withExpectedVersion(seen),
                              at(1));
                  assertThat(saved.version()).isEqualTo(seen + 1);
                  assertThat(wonVersions.get(target.id()).add(saved.version()))
                      .as("version won twice")
                      .isTrue();
                  sourceByVersion.get(target.id()).put(saved.version(), source);
                  return "won";
                } catch (LivecodeException.VersionConflict e) {
                  assertThat(e.currentVersion()).isGreaterThan(seen);
                  conflicts.incrementAndGet();
                  return "conflict";
                }
              }));
    }
    start.countDown();

    List<String> outcomes = all(futures); // any other exception fails here
    long won = outcomes.stream().filter("won"::equals).count();
    assertThat(won + conflicts.get()).isEqualTo(2_000);
    for (Session session : sessions) {
      Session last = store().findSession(session.id()).orElseThrow();
      Set<Long> versions = wonVersions.get(session.id());
      // Every successful save made one distinct version, and the stored source is the newest one.
      assertThat(last.version()).isEqualTo(1L + versions.size());
      if (!versions.isEmpty()) {
        assertThat(Collections.max(versions)).isEqualTo(last.version());
        assertThat(last.sourceCode())
            .isEqualTo(sourceByVersion.get(session.id()).get(last.version()));
      }
    }
  }

  @Test
  void ofRacingSavesWithOneExpectedVersionExactlyOneWins() throws Exception {
    Session session = newSession();
    int racers = 16;
    ExecutorService pool = pool(racers);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Boolean>> futures = new ArrayList<>();
    for (int i = 0; i < racers; i++) {
      String source = "racer " + i;
      futures.add(
          pool.submit(
              () -> {
                start.await();
                try {
                  store()
                      .updateSession(
                          Session.Update.source(session.id(), source).withExpectedVersion(1),
                          at(1));
                  return true;
                } catch (LivecodeException.VersionConflict e) {
                  assertThat(e.currentVersion()).isEqualTo(2);
                  return false;
                }
              }));
    }
    start.countDown();

    assertThat(all(futures)).containsOnlyOnce(true).hasSize(racers);
    assertThat(store().findSession(session.id()).orElseThrow().version()).isEqualTo(2);
  }

  // ------------------------------------------------------------------ executions

  @Test
  void createdExecutionIsQueuedWithTheRequestAndTheSessionSnapshot() {
    Session session = newSession("python", "print(1)");
    Limits limits =
        new Limits(Duration.ofMillis(1500), Duration.ofSeconds(2), 64L << 20, 8, 1L << 20, 4096);
    Store.NewExecution request =
        new Store.NewExecution(
            UUID.randomUUID(), session.id(), "in 😀\n", limits, Optional.of("key-1"), at(3));

    Store.CreatedExecution created = store().createExecution(request);

    Execution expected =
        new Execution(
            request.id(),
            session.id(),
            "python",
            "print(1)",
            "in 😀\n",
            limits,
            Optional.of("key-1"),
            Execution.Status.QUEUED,
            at(3),
            Optional.empty(),
            Optional.empty());
    assertThat(created.created()).isTrue();
    assertThat(created.execution()).isEqualTo(expected);
    assertThat(store().findExecution(request.id())).contains(expected);
  }

  @Test
  void keepsWhetherAnExecutionIsInteractiveThroughItsRunAndEnd() {
    Session session = newSession();
    Store.NewExecution request =
        new Store.NewExecution(
            UUID.randomUUID(), session.id(), "", Limits.DEFAULTS, Optional.empty(), at(3), true);
    Execution created = store().createExecution(request).execution();
    store().markRunning(created.id(), at(4));
    boolean runningInteractive = store().findExecution(created.id()).orElseThrow().interactive();
    store().finish(created.id(), completed("", at(5)));

    assertThat(created.interactive()).isTrue();
    assertThat(runningInteractive).isTrue();
    assertThat(store().findExecution(created.id()).orElseThrow().interactive()).isTrue();
    assertThat(store().createExecution(run(session.id())).execution().interactive()).isFalse();
  }

  @Test
  void executionKeepsTheSourceAsSavedWhenItWasCreated() {
    Session session = newSession("python", "print('before')");
    Execution first = store().createExecution(run(session.id())).execution();

    store()
        .updateSession(
            Session.Update.source(session.id(), "console.log('after')").withLanguage("javascript"),
            at(1));
    Execution second = store().createExecution(run(session.id())).execution();

    assertThat(store().findExecution(first.id()).orElseThrow())
        .extracting(Execution::language, Execution::sourceCode)
        .containsExactly("python", "print('before')");
    assertThat(second)
        .extracting(Execution::language, Execution::sourceCode)
        .containsExactly("javascript", "console.log('after')");
  }

  @Test
  void creatingAnExecutionForAnUnknownSessionIsNotFound() {
    assertThatThrownBy(() -> store().createExecution(run(UUID.randomUUID())))
        .isInstanceOf(LivecodeException.SessionNotFound.class);
  }

  @Test
  void findsNothingForAnUnknownExecution() {
    assertThat(store().findExecution(UUID.randomUUID())).isEmpty();
  }

  @Test
  void sameIdempotencyKeyReturnsTheSameExecution() {
    Session session = newSession();
    Store.CreatedExecution first = store().createExecution(run(session.id(), "click-1"));

    store().updateSession(Session.Update.source(session.id(), "changed"), at(1));
    Store.CreatedExecution again = store().createExecution(run(session.id(), "click-1"));

    assertThat(again.created()).isFalse();
    assertThat(again.execution()).isEqualTo(first.execution());
    assertThat(store().findExecution(again.execution().id())).contains(first.execution());
    assertThat(store().listExecutions(session.id(), Page.Request.first(10)).items()).hasSize(1);
  }

  @Test
  void idempotencyKeysAreExactAndPerSession() {
    Session one = newSession();
    Session other = newSession();
    Set<UUID> ids = new HashSet<>();
    for (String key : List.of("k", "K", "k ", " k", "k\t", "ḱ", "k".repeat(1000))) {
      assertThat(store().createExecution(run(one.id(), key)).created())
          .as("key '%s'", key)
          .isTrue();
      Store.CreatedExecution elsewhere = store().createExecution(run(other.id(), key));
      assertThat(elsewhere.created()).isTrue();
      ids.add(elsewhere.execution().id());
    }
    assertThat(ids).hasSize(7);
    assertThat(store().createExecution(run(one.id(), "k".repeat(1000))).created()).isFalse();
  }

  @Test
  void runsWithoutAKeyAreNeverDeduplicated() {
    Session session = newSession();

    assertThat(store().createExecution(run(session.id())).created()).isTrue();
    assertThat(store().createExecution(run(session.id())).created()).isTrue();
    assertThat(store().listExecutions(session.id(), Page.Request.first(10)).items()).hasSize(2);
  }

  @Test
  void concurrentRunsWithOneIdempotencyKeyCreateExactlyOneExecution() throws Exception {
    Session session = newSession();
    ExecutorService pool = pool(20);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Store.CreatedExecution>> futures = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      futures.add(
          pool.submit(
              () -> {
                start.await();
                return store().createExecution(run(session.id(), "double-click"));
              }));
    }
    start.countDown();

    List<Store.CreatedExecution> results = all(futures);
    assertThat(results).filteredOn(Store.CreatedExecution::created).hasSize(1);
    assertThat(results)
        .extracting(r -> r.execution().id())
        .containsOnly(results.get(0).execution().id());
    assertThat(store().listExecutions(session.id(), Page.Request.first(100)).items()).hasSize(1);
  }

  @Test
  void aCommittedPendingExecutionIsTheOneCreateWouldMake() {
    Session session = newSession("python", "print(1)");
    Store.NewExecution request = run(session.id(), "pending-1");

    Store.CreatedExecution created;
    try (Store.PendingExecution pending = store().beginExecution(request)) {
      created = pending.commit();
    }

    assertThat(created.created()).isTrue();
    assertThat(created.execution())
        .extracting(Execution::id, Execution::sourceCode, Execution::status)
        .containsExactly(request.id(), "print(1)", Execution.Status.QUEUED);
    assertThat(store().findExecution(request.id())).contains(created.execution());
    assertThat(store().createExecution(run(session.id(), "pending-1")).execution())
        .isEqualTo(created.execution());
  }

  @Test
  void anAbandonedPendingExecutionLeavesNothingNotEvenItsKey() {
    Session session = newSession();
    Store.NewExecution abandoned = run(session.id(), "refused-click");

    try (Store.PendingExecution pending = store().beginExecution(abandoned)) {
      assertThat(pending).isNotNull();
    }

    assertThat(store().findExecution(abandoned.id())).isEmpty();
    assertThat(store().listExecutions(session.id(), Page.Request.first(10)).items()).isEmpty();
    Store.CreatedExecution retried = store().createExecution(run(session.id(), "refused-click"));
    assertThat(retried.created()).isTrue();
    assertThat(retried.execution().id()).isNotEqualTo(abandoned.id());
  }

  @Test
  void aPendingExecutionOfARetriedKeyCommitsToTheEarlierOne() {
    Session session = newSession();
    Execution earlier = store().createExecution(run(session.id(), "twice")).execution();

    Store.CreatedExecution again;
    try (Store.PendingExecution pending = store().beginExecution(run(session.id(), "twice"))) {
      again = pending.commit();
    }

    assertThat(again.created()).isFalse();
    assertThat(again.execution()).isEqualTo(earlier);
  }

  @Test
  void aPendingExecutionIsUnseenUntilItsCommit() {
    Session session = newSession();
    Store.NewExecution request = run(session.id());

    Optional<Execution> beforeCommit;
    try (Store.PendingExecution pending = store().beginExecution(request)) {
      beforeCommit = store().findExecution(request.id());
      pending.commit();
    }

    assertThat(beforeCommit).isEmpty();
    assertThat(store().findExecution(request.id())).isPresent();
  }

  @Test
  void aPendingExecutionOfAnUnknownSessionIsNotFound() {
    assertThatThrownBy(
            () -> {
              try (Store.PendingExecution pending =
                  store().beginExecution(run(UUID.randomUUID()))) {
                pending.commit();
              }
            })
        .isInstanceOf(LivecodeException.SessionNotFound.class);
  }

  @Test
  void markRunningMovesQueuedToRunning() {
    Session session = newSession();
    Execution execution = store().createExecution(run(session.id())).execution();

    assertThat(store().markRunning(execution.id(), at(20))).isTrue();

    Execution running = store().findExecution(execution.id()).orElseThrow();
    assertThat(running.status()).isEqualTo(Execution.Status.RUNNING);
    assertThat(running.startedAt()).contains(at(20));
    assertThat(running.result()).isEmpty();
  }

  @Test
  void markRunningAgainRestartsARedeliveredRun() {
    Session session = newSession();
    Execution execution = store().createExecution(run(session.id())).execution();
    store().markRunning(execution.id(), at(20));

    assertThat(store().markRunning(execution.id(), at(30))).isTrue();

    assertThat(store().findExecution(execution.id()).orElseThrow().startedAt()).contains(at(30));
  }

  @Test
  void finishStoresTheWholeResult() {
    Session session = newSession();
    Execution execution = store().createExecution(run(session.id())).execution();
    store().markRunning(execution.id(), at(20));
    Execution.Result result =
        new Execution.Result(
            Execution.Status.FAILED,
            TRICKY_TEXT,
            "Traceback 💥\n",
            OptionalInt.of(137),
            OptionalInt.of(9),
            Optional.of(Execution.FailureReason.MEMORY_LIMIT_EXCEEDED),
            true,
            false,
            Duration.ofMillis(1234),
            at(21));

    assertThat(store().finish(execution.id(), result)).isTrue();

    Execution finished = store().findExecution(execution.id()).orElseThrow();
    assertThat(finished).isEqualTo(execution.running(at(20)).finished(result));
    assertThat(finished.isFinished()).isTrue();
  }

  @Test
  void aFinishedExecutionAsStoredIsWhatAReadGivesBack() {
    Session session = newSession();
    Execution execution = store().createExecution(run(session.id())).execution();
    Instant started = at(20).plusNanos(123_456_789);
    store().markRunning(execution.id(), started);
    Execution.Result result =
        new Execution.Result(
            Execution.Status.COMPLETED,
            "1\n",
            "",
            OptionalInt.of(0),
            OptionalInt.empty(),
            Optional.empty(),
            false,
            false,
            Duration.ofNanos(3_456_789),
            at(21).plusNanos(987_654_321));

    store().finish(execution.id(), result);

    assertThat(store().findExecution(execution.id()))
        .contains(store().asStored(execution.running(started).finished(result)));
  }

  @Test
  void aFinishedExecutionNeverChangesAgain() {
    Session session = newSession();
    Execution execution = store().createExecution(run(session.id())).execution();
    store().markRunning(execution.id(), at(20));
    Execution.Result first = completed("first", at(21));
    store().finish(execution.id(), first);

    assertThat(store().finish(execution.id(), completed("second", at(22)))).isFalse();
    assertThat(store().markRunning(execution.id(), at(23))).isFalse();

    Execution stored = store().findExecution(execution.id()).orElseThrow();
    assertThat(stored.result()).contains(first);
    assertThat(stored.startedAt()).contains(at(20));
  }

  @Test
  void aQueuedExecutionCanFinishWithoutRunning() {
    Session session = newSession();
    Execution execution = store().createExecution(run(session.id())).execution();
    Execution.Result interrupted =
        Execution.Result.failedWithoutRun(Execution.FailureReason.INTERRUPTED, "restarted", at(5));

    assertThat(store().finish(execution.id(), interrupted)).isTrue();

    Execution stored = store().findExecution(execution.id()).orElseThrow();
    assertThat(stored.status()).isEqualTo(Execution.Status.FAILED);
    assertThat(stored.startedAt()).isEmpty();
    assertThat(stored.result()).contains(interrupted);
  }

  @Test
  void transitionsOfAnUnknownExecutionChangeNothing() {
    assertThat(store().markRunning(UUID.randomUUID(), at(1))).isFalse();
    assertThat(store().finish(UUID.randomUUID(), completed("", at(1)))).isFalse();
  }

  @Test
  void keepsLargeTrickyOutputByteForByte() {
    Session session = newSession();
    Execution execution = store().createExecution(run(session.id())).execution();
    // One MiB of UTF-8 per stream (the default output cap), mostly 4-byte characters.
    String stdout =
        ("😀𝔘" + TRICKY_TEXT)
            .repeat(
                (1 << 20)
                    / ("😀𝔘" + TRICKY_TEXT)
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8)
                        .length);
    String stderr = "\ufffd\ufffd binary-ish \u0001\u0002\u00ff\n".repeat(30_000);
    Execution.Result result =
        new Execution.Result(
            Execution.Status.TIMEOUT,
            stdout,
            stderr + "Execution Timed Out",
            OptionalInt.empty(),
            OptionalInt.of(9),
            Optional.empty(),
            true,
            true,
            Duration.ofMillis(5000),
            at(30));

    store().finish(execution.id(), result);

    Execution.Result stored =
        store().findExecution(execution.id()).orElseThrow().result().orElseThrow();
    // Compared without printing megabytes when they differ.
    assertThat(stored.stdout().length()).isEqualTo(stdout.length());
    assertThat(stored.stdout().equals(stdout)).as("stdout kept byte for byte").isTrue();
    assertThat(stored.stderr().equals(stderr + "Execution Timed Out"))
        .as("stderr kept byte for byte")
        .isTrue();
    assertThat(
            new Execution.Result(
                stored.status(),
                "",
                "",
                stored.exitCode(),
                stored.signal(),
                stored.failureReason(),
                stored.stdoutTruncated(),
                stored.stderrTruncated(),
                stored.executionTime(),
                stored.finishedAt()))
        .isEqualTo(
            new Execution.Result(
                result.status(),
                "",
                "",
                result.exitCode(),
                result.signal(),
                result.failureReason(),
                result.stdoutTruncated(),
                result.stderrTruncated(),
                result.executionTime(),
                result.finishedAt()));
  }

  // ------------------------------------------------------------------ listing

  @Test
  void pagesThroughManyExecutionsNewestFirstEachExactlyOnce() {
    Session session = newSession();
    Session noise = newSession();
    List<UUID> created = new ArrayList<>();
    for (int i = 0; i < 250; i++) {
      created.add(store().createExecution(run(session.id())).execution().id());
      if (i % 50 == 0) {
        store().createExecution(run(noise.id()));
      }
    }

    List<UUID> seen = new ArrayList<>();
    Optional<String> cursor = Optional.empty();
    int pages = 0;
    do {
      Page<Execution> page = store().listExecutions(session.id(), new Page.Request(20, cursor));
      assertThat(page.items()).hasSizeBetween(1, 20);
      page.items().forEach(e -> seen.add(e.id()));
      cursor = page.nextCursor();
      pages++;
    } while (cursor.isPresent());

    List<UUID> newestFirst = new ArrayList<>(created);
    Collections.reverse(newestFirst);
    assertThat(seen).containsExactlyElementsOf(newestFirst);
    assertThat(pages).isEqualTo(13);
  }

  @Test
  void aFullLastPageHasNoNextCursor() {
    Session session = newSession();
    for (int i = 0; i < 4; i++) {
      store().createExecution(run(session.id()));
    }

    Page<Execution> first = store().listExecutions(session.id(), Page.Request.first(2));
    Page<Execution> second =
        store().listExecutions(session.id(), new Page.Request(2, first.nextCursor()));

    assertThat(first.nextCursor()).isPresent();
    assertThat(second.items()).hasSize(2);
    assertThat(second.nextCursor()).isEmpty();
  }

  @Test
  void listingASessionWithoutRunsIsAnEmptyPage() {
    Session session = newSession();

    Page<Execution> page = store().listExecutions(session.id(), Page.Request.first(20));

    assertThat(page.items()).isEmpty();
    assertThat(page.nextCursor()).isEmpty();
  }

  @Test
  void listingAnUnknownSessionIsNotFound() {
    assertThatThrownBy(() -> store().listExecutions(UUID.randomUUID(), Page.Request.first(20)))
        .isInstanceOf(LivecodeException.SessionNotFound.class);
  }

  @Test
  void rejectsCursorsItDidNotMake() {
    Session session = newSession();
    store().createExecution(run(session.id()));

    for (String garbage :
        List.of(
            "",
            "not a cursor",
            "garbage",
            "-5",
            "0",
            "%%%",
            "'; DROP TABLE x; --",
            "😀",
            "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz")) {
      assertThatThrownBy(
              () ->
                  store().listExecutions(session.id(), new Page.Request(20, Optional.of(garbage))))
          .as("cursor '%s'", garbage)
          .isInstanceOf(LivecodeException.InvalidRequest.class);
    }
  }

  // ------------------------------------------------------------------ recovery

  @Test
  void findsUnfinishedExecutionsOldestFirst() {
    Session session = newSession();
    Execution queued = store().createExecution(run(session.id())).execution();
    Execution running = store().createExecution(run(session.id())).execution();
    Execution done = store().createExecution(run(session.id())).execution();
    Execution queuedLater = store().createExecution(run(newSession().id())).execution();
    store().markRunning(running.id(), at(20));
    store().markRunning(done.id(), at(20));
    store().finish(done.id(), completed("ok", at(21)));

    assertThat(store().findUnfinished(10))
        .extracting(Execution::id)
        .containsExactly(queued.id(), running.id(), queuedLater.id());
    assertThat(store().findUnfinished(2))
        .extracting(Execution::id)
        .containsExactly(queued.id(), running.id());
  }

  @Test
  void finishingWhatIsUnfinishedEmptiesTheList() {
    Session session = newSession();
    for (int i = 0; i < 5; i++) {
      store().createExecution(run(session.id()));
    }
    List<Execution> batch;
    int finished = 0;
    while (!(batch = store().findUnfinished(2)).isEmpty()) {
      for (Execution execution : batch) {
        assertThat(
                store()
                    .finish(
                        execution.id(),
                        Execution.Result.failedWithoutRun(
                            Execution.FailureReason.INTERRUPTED, "restarted", at(40))))
            .isTrue();
        finished++;
      }
    }

    assertThat(finished).isEqualTo(5);
    assertThat(store().listExecutions(session.id(), Page.Request.first(10)).items())
        .allSatisfy(
            e ->
                assertThat(e.result().orElseThrow().failureReason())
                    .contains(Execution.FailureReason.INTERRUPTED));
  }
}
