package dev.livecode.core.internal;

import dev.livecode.core.Execution;
import dev.livecode.core.ExecutionResult;
import dev.livecode.core.ExecutionStatus;
import dev.livecode.core.InvalidRequestException;
import dev.livecode.core.Page;
import dev.livecode.core.PageRequest;
import dev.livecode.core.Session;
import dev.livecode.core.SessionNotFoundException;
import dev.livecode.core.SessionUpdate;
import dev.livecode.core.VersionConflictException;
import dev.livecode.core.spi.CreatedExecution;
import dev.livecode.core.spi.NewExecution;
import dev.livecode.core.spi.Store;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

/**
 * The default store. Each session's executions are guarded by that session's history lock, so
 * autosaves and runs of different sessions never contend; no other lock is ever held at the same
 * time (the executions map is only read or written under it, never computed into).
 */
public final class InMemoryStore implements Store {
  private final ConcurrentHashMap<UUID, Session> sessions = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<UUID, Stored> executions = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<UUID, SessionHistory> histories = new ConcurrentHashMap<>();
  private final AtomicLong sequence = new AtomicLong();

  private record Stored(long seq, Execution execution) {}

  /** A session's execution ids in creation order, and its idempotency keys. Guarded by itself. */
  private static final class SessionHistory {
    final List<UUID> runs = new ArrayList<>();
    final Map<String, UUID> byIdempotencyKey = new HashMap<>();
  }

  @Override
  public void insertSession(Session session) {
    Objects.requireNonNull(session, "session");
    // The history exists before the session is visible, so a run of a just-created session
    // never finds the session without its history.
    histories.putIfAbsent(session.id(), new SessionHistory());
    if (sessions.putIfAbsent(session.id(), session) != null) {
      throw new IllegalStateException("session " + session.id() + " exists already");
    }
  }

  @Override
  public Optional<Session> findSession(UUID sessionId) {
    return Optional.ofNullable(sessions.get(Objects.requireNonNull(sessionId, "sessionId")));
  }

  @Override
  public Session updateSession(SessionUpdate update, Instant now) {
    Objects.requireNonNull(update, "update");
    Objects.requireNonNull(now, "now");
    Session updated =
        sessions.computeIfPresent(
            update.sessionId(),
            (id, current) -> {
              if (update.expectedVersion().isPresent()
                  && update.expectedVersion().getAsLong() != current.version()) {
                throw new VersionConflictException(id, update.expectedVersion().getAsLong(), current.version());
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
      throw new SessionNotFoundException(update.sessionId());
    }
    return updated;
  }

  @Override
  public CreatedExecution createExecution(NewExecution request) {
    Objects.requireNonNull(request, "request");
    SessionHistory history = histories.get(request.sessionId());
    if (history == null) {
      throw new SessionNotFoundException(request.sessionId());
    }
    synchronized (history) {
      if (request.idempotencyKey().isPresent()) {
        UUID earlier = history.byIdempotencyKey.get(request.idempotencyKey().get());
        if (earlier != null) {
          return new CreatedExecution(executions.get(earlier).execution(), false);
        }
      }
      // Read under the session's history lock: a concurrent autosave is either before or after.
      Session session = sessions.get(request.sessionId());
      if (session == null) {
        throw new SessionNotFoundException(request.sessionId());
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
              ExecutionStatus.QUEUED,
              request.queuedAt(),
              Optional.empty(),
              Optional.empty());
      if (executions.putIfAbsent(execution.id(), new Stored(sequence.incrementAndGet(), execution)) != null) {
        throw new IllegalStateException("execution " + execution.id() + " exists already");
      }
      history.runs.add(execution.id());
      request.idempotencyKey().ifPresent(key -> history.byIdempotencyKey.put(key, execution.id()));
      return new CreatedExecution(execution, true);
    }
  }

  @Override
  public Optional<Execution> findExecution(UUID executionId) {
    Stored stored = executions.get(Objects.requireNonNull(executionId, "executionId"));
    return stored == null ? Optional.empty() : Optional.of(stored.execution());
  }

  @Override
  public boolean markRunning(UUID executionId, Instant startedAt) {
    Objects.requireNonNull(startedAt, "startedAt");
    return transition(executionId, current -> current.running(startedAt));
  }

  @Override
  public boolean finish(UUID executionId, ExecutionResult result) {
    Objects.requireNonNull(result, "result");
    return transition(executionId, current -> current.finished(result));
  }

  /** Applies {@code change} unless the execution is final, under its session's history lock. */
  private boolean transition(UUID executionId, UnaryOperator<Execution> change) {
    Stored found = executions.get(Objects.requireNonNull(executionId, "executionId"));
    if (found == null) {
      return false;
    }
    SessionHistory history = histories.get(found.execution().sessionId());
    synchronized (history) {
      Stored current = executions.get(executionId);
      if (current.execution().isFinished()) {
        return false;
      }
      executions.put(executionId, new Stored(current.seq(), change.apply(current.execution())));
      return true;
    }
  }

  @Override
  public Page<Execution> listExecutions(UUID sessionId, PageRequest page) {
    Objects.requireNonNull(page, "page");
    SessionHistory history = histories.get(Objects.requireNonNull(sessionId, "sessionId"));
    if (history == null || !sessions.containsKey(sessionId)) {
      throw new SessionNotFoundException(sessionId);
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
    Optional<String> next = more ? Optional.of(Long.toString(items.get(items.size() - 1).seq())) : Optional.empty();
    return new Page<>(items.stream().map(Stored::execution).toList(), next);
  }

  private static long parseCursor(String cursor) {
    // Only positive decimal sequence numbers are ever handed out.
    if (cursor.matches("[1-9][0-9]{0,17}")) {
      return Long.parseLong(cursor);
    }
    throw new InvalidRequestException("cursor '" + cursor + "' was not made by this server");
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
