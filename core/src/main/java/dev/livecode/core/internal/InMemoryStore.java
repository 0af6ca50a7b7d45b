package dev.livecode.core.internal;

import dev.livecode.core.Execution;
import dev.livecode.core.Page;
import dev.livecode.core.Session;
import dev.livecode.core.exception.LivecodeException;
import dev.livecode.core.spi.Store;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default store. Each session's executions are guarded by that session's history lock, so
 * autosaves and runs of different sessions never contend; no other lock is ever held at the same
 * time (the executions map is only read or written under it, never computed into).
 *
 * <p>It holds at most a byte budget of sessions and executions ({@link MemoryBudget}): past it, the
 * executions that finished first are evicted (dropped from their session's history, their
 * idempotency key forgotten, their id remembered as evicted for a while); when live sessions and
 * unfinished executions alone fill it, new ones are refused with {@link
 * LivecodeException.StoreFull}. Evicting happens after the lock of the change that went over is
 * released, one execution (and its session's lock) at a time.
 */
public final class InMemoryStore implements Store {
  /** The smallest budget accepted: a few sessions and runs. */
  public static final long MIN_BUDGET_BYTES = 64L * 1024;

  private static final Logger LOG = LoggerFactory.getLogger(InMemoryStore.class);

  /** Share of the budget kept for the ids of the latest evictions. */
  private static final int EVICTED_IDS_SHARE = 64;

  private static final int MIN_EVICTED_IDS = 16;

  private final ConcurrentHashMap<UUID, Session> sessions = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<UUID, Stored> executions = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<UUID, SessionHistory> histories = new ConcurrentHashMap<>();
  private final AtomicLong sequence = new AtomicLong();
  private final MemoryBudget budget;

  /** Finished executions in the order they finished: the next to evict first. */
  private final Queue<UUID> finishedFirst = new ConcurrentLinkedQueue<>();

  private final EvictedIds evicted;
  private final AtomicBoolean evictedAny = new AtomicBoolean();

  /** {@code weight}: the bytes this version of the execution counts for in the budget. */
  private record Stored(long seq, Execution execution, long weight) {}

  /** A session's execution ids in creation order, and its idempotency keys. Guarded by itself. */
  private static final class SessionHistory {
    final List<UUID> runs = new ArrayList<>();
    final Map<String, UUID> byIdempotencyKey = new HashMap<>();
  }

  /**
   * A store that holds at most {@code budgetBytes} of sessions and executions (their text as the
   * JVM keeps it, plus a fixed cost each); 1/64 of it is kept for the ids of the latest evictions.
   *
   * @throws IllegalArgumentException for a budget under {@value #MIN_BUDGET_BYTES} bytes
   */
  public InMemoryStore(long budgetBytes) {
    if (budgetBytes < MIN_BUDGET_BYTES) {
      throw new IllegalArgumentException(
          "memoryStoreBudgetBytes must be at least " + MIN_BUDGET_BYTES + ", was " + budgetBytes);
    }
    long ids =
        Math.max(
            MIN_EVICTED_IDS,
            Math.min(1 << 24, budgetBytes / EVICTED_IDS_SHARE / EvictedIds.BYTES_PER_ID));
    this.evicted = new EvictedIds((int) ids);
    this.budget = new MemoryBudget(budgetBytes - ids * EvictedIds.BYTES_PER_ID);
  }

  private static long weight(Session session) {
    return MemoryBudget.SESSION_OVERHEAD_BYTES + MemoryBudget.textBytes(session.sourceCode());
  }

  /** What a new execution counts for; its output is added when it finishes. */
  private static long weight(Execution execution) {
    return MemoryBudget.EXECUTION_OVERHEAD_BYTES
        + MemoryBudget.textBytes(execution.sourceCode())
        + MemoryBudget.textBytes(execution.stdin())
        + execution.idempotencyKey().map(MemoryBudget::textBytes).orElse(0L);
  }

  @Override
  public void insertSession(Session session) {
    Objects.requireNonNull(session, "session");
    long weight = weight(session);
    budget.admit(weight);
    // The history exists before the session is visible, so a run of a just-created session
    // never finds the session without its history.
    histories.putIfAbsent(session.id(), new SessionHistory());
    if (sessions.putIfAbsent(session.id(), session) != null) {
      budget.release(weight);
      throw new IllegalStateException("session " + session.id() + " exists already");
    }
    evictOverBudget();
  }

  @Override
  public Optional<Session> findSession(UUID sessionId) {
    return Optional.ofNullable(sessions.get(Objects.requireNonNull(sessionId, "sessionId")));
  }

  @Override
  public Session updateSession(Session.Update update, Instant now) {
    Objects.requireNonNull(update, "update");
    Objects.requireNonNull(now, "now");
    long newSourceBytes = update.sourceCode().map(MemoryBudget::textBytes).orElse(0L);
    Session updated =
        sessions.computeIfPresent(
            update.sessionId(),
            (id, current) -> {
              if (update.expectedVersion().isPresent()
                  && update.expectedVersion().getAsLong() != current.version()) {
                throw new LivecodeException.VersionConflict(
                    id, update.expectedVersion().getAsLong(), current.version());
              }
              if (update.sourceCode().isPresent()) {
                // In the same atomic step as the change, so a refused autosave changes nothing.
                budget.admit(newSourceBytes - MemoryBudget.textBytes(current.sourceCode()));
              }
              return new Session(
                  id,
                  current.owner(),
                  update.language().orElse(current.language()),
                  update.sourceCode().orElse(current.sourceCode()),
                  current.version() + 1,
                  current.createdAt(),
                  now);
            });
    if (updated == null) {
      throw new LivecodeException.SessionNotFound(update.sessionId());
    }
    evictOverBudget();
    return updated;
  }

  @Override
  public Store.CreatedExecution createExecution(Store.NewExecution request) {
    Objects.requireNonNull(request, "request");
    SessionHistory history = histories.get(request.sessionId());
    if (history == null) {
      throw new LivecodeException.SessionNotFound(request.sessionId());
    }
    Store.CreatedExecution created;
    synchronized (history) {
      if (request.idempotencyKey().isPresent()) {
        UUID earlier = history.byIdempotencyKey.get(request.idempotencyKey().get());
        if (earlier != null) {
          return new Store.CreatedExecution(executions.get(earlier).execution(), false);
        }
      }
      // Read under the session's history lock: a concurrent autosave is either before or after.
      Session session = sessions.get(request.sessionId());
      if (session == null) {
        throw new LivecodeException.SessionNotFound(request.sessionId());
      }
      Execution execution =
          new Execution(
              request.id(),
              session.id(),
              session.language(),
              session.sourceCode(),
              request.stdin(),
              request.limits(),
              request.idempotencyKey(),
              Execution.Status.QUEUED,
              request.queuedAt(),
              Optional.empty(),
              Optional.empty(),
              request.interactive());
      long weight = weight(execution);
      budget.admit(weight);
      if (executions.putIfAbsent(
              execution.id(), new Stored(sequence.incrementAndGet(), execution, weight))
          != null) {
        budget.release(weight);
        throw new IllegalStateException("execution " + execution.id() + " exists already");
      }
      history.runs.add(execution.id());
      request.idempotencyKey().ifPresent(key -> history.byIdempotencyKey.put(key, execution.id()));
      created = new Store.CreatedExecution(execution, true);
    }
    evictOverBudget();
    return created;
  }

  @Override
  public Optional<Execution> findExecution(UUID executionId) {
    Stored stored = executions.get(Objects.requireNonNull(executionId, "executionId"));
    return stored == null ? Optional.empty() : Optional.of(stored.execution());
  }

  @Override
  public boolean evicted(UUID executionId) {
    return evicted.contains(Objects.requireNonNull(executionId, "executionId"));
  }

  @Override
  public Optional<UUID> evictedFrom(UUID executionId) {
    return evicted.sessionOf(Objects.requireNonNull(executionId, "executionId"));
  }

  @Override
  public boolean markRunning(UUID executionId, Instant startedAt) {
    Objects.requireNonNull(startedAt, "startedAt");
    return transition(executionId, current -> current.running(startedAt), 0);
  }

  @Override
  public boolean finish(UUID executionId, Execution.Result result) {
    Objects.requireNonNull(result, "result");
    // Never refused: the program has run. Room is made afterwards, from the executions that
    // finished before this one, and from this one last.
    long outputBytes =
        MemoryBudget.textBytes(result.stdout()) + MemoryBudget.textBytes(result.stderr());
    boolean finished = transition(executionId, current -> current.finished(result), outputBytes);
    if (finished) {
      evictOverBudget();
    }
    return finished;
  }

  /**
   * Applies {@code change} unless the execution is final (or gone), under its session's history
   * lock; {@code addedBytes} is what the changed execution holds beyond the current one.
   */
  private boolean transition(UUID executionId, UnaryOperator<Execution> change, long addedBytes) {
    Stored found = executions.get(Objects.requireNonNull(executionId, "executionId"));
    if (found == null) {
      return false;
    }
    SessionHistory history = histories.get(found.execution().sessionId());
    synchronized (history) {
      Stored current = executions.get(executionId);
      if (current == null || current.execution().isFinished()) {
        return false;
      }
      Stored changed =
          new Stored(
              current.seq(), change.apply(current.execution()), current.weight() + addedBytes);
      executions.put(executionId, changed);
      if (changed.execution().isFinished()) {
        budget.finished(current.weight(), changed.weight());
        finishedFirst.add(executionId);
      }
      return true;
    }
  }

  /** Evicts the executions that finished first until the store is within its budget. */
  private void evictOverBudget() {
    while (budget.over()) {
      UUID oldest = finishedFirst.poll();
      if (oldest == null) {
        return;
      }
      evict(oldest);
    }
  }

  private void evict(UUID executionId) {
    Stored stored = executions.get(executionId);
    if (stored == null) {
      return;
    }
    // Remembered before it goes, so a concurrent read finds either the execution or its eviction.
    evicted.add(executionId, stored.execution().sessionId());
    SessionHistory history = histories.get(stored.execution().sessionId());
    synchronized (history) {
      // A finished execution never changes, so the one read above is the one stored.
      if (!executions.remove(executionId, stored)) {
        return;
      }
      history.runs.remove(executionId);
      stored
          .execution()
          .idempotencyKey()
          .ifPresent(key -> history.byIdempotencyKey.remove(key, executionId));
    }
    budget.evicted(stored.weight());
    if (evictedAny.compareAndSet(false, true)) {
      LOG.info(
          "in-memory store reached its budget, evicting the executions that finished first budget_bytes={}",
          budget.budgetBytes());
    }
    LOG.debug(
        "execution evicted id={} session={} bytes={}",
        executionId,
        stored.execution().sessionId(),
        stored.weight());
  }

  @Override
  public Page<Execution> listExecutions(UUID sessionId, Page.Request page) {
    Objects.requireNonNull(page, "page");
    SessionHistory history = histories.get(Objects.requireNonNull(sessionId, "sessionId"));
    if (history == null || !sessions.containsKey(sessionId)) {
      throw new LivecodeException.SessionNotFound(sessionId);
    }
    long before = page.cursor().map(InMemoryStore::parseCursor).orElse(Long.MAX_VALUE);
    List<Stored> newestFirst = new ArrayList<>();
    synchronized (history) {
      for (int i = history.runs.size() - 1; i >= 0 && newestFirst.size() <= page.limit(); i--) {
        Stored stored = executions.get(history.runs.get(i));
        if (stored.seq() < before) {
          newestFirst.add(stored);
        }
      }
    }
    boolean more = newestFirst.size() > page.limit();
    List<Stored> items = more ? newestFirst.subList(0, page.limit()) : newestFirst;
    Optional<String> next =
        more ? Optional.of(Long.toString(items.get(items.size() - 1).seq())) : Optional.empty();
    return new Page<>(items.stream().map(Stored::execution).toList(), next);
  }

  /** Bytes held by sessions and unfinished executions, and by finished ones (for tests). */
  long liveBytes() {
    return budget.liveBytes();
  }

  long finishedBytes() {
    return budget.finishedBytes();
  }

  long budgetBytes() {
    return budget.budgetBytes();
  }

  private static long parseCursor(String cursor) {
    // Only positive decimal sequence numbers are ever handed out.
    if (cursor.matches("[1-9][0-9]{0,17}")) {
      return Long.parseLong(cursor);
    }
    throw new LivecodeException.InvalidRequest(
        "cursor '" + cursor + "' was not made by this server");
  }

  @Override
  public List<Execution> findUnfinished(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be >= 1, was " + limit);
    }
    return executions.values().stream()
        .filter(stored -> !stored.execution().isFinished())
        .sorted(Comparator.comparingLong(Stored::seq))
        .limit(limit)
        .map(Stored::execution)
        .toList();
  }
}
