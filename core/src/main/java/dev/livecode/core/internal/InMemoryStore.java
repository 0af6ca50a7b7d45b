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

/** The default store: maps guarded per session, so autosaves of different sessions never contend. */
public final class InMemoryStore implements Store {
  private final ConcurrentHashMap<UUID, Session> sessions = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<UUID, Stored> executions = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<UUID, SessionHistory> histories = new ConcurrentHashMap<>();
  private long sequence;

  private record Stored(long seq, Execution execution) {}

  /** A session's executions in creation order, and its idempotency keys. Guarded by itself. */
  private static final class SessionHistory {
    final List<Stored> runs = new ArrayList<>();
    final Map<String, UUID> byIdempotencyKey = new HashMap<>();
  }

  @Override
  public void insertSession(Session session) {
    Objects.requireNonNull(session, "session");
    if (sessions.putIfAbsent(session.id(), session) != null) {
      throw new IllegalStateException("session " + session.id() + " exists already");
    }
    histories.put(session.id(), new SessionHistory());
  }

  @Override
  public Optional<Session> findSession(UUID sessionId) {
    return Optional.ofNullable(sessions.get(Objects.requireNonNull(sessionId, "sessionId")));
  }

  @Override
  public Session updateSession(SessionUpdate update, Instant now) {
    Objects.requireNonNull(update, "update");
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
      Stored stored = new Stored(nextSequence(), execution);
      executions.put(execution.id(), stored);
      history.runs.add(stored);
      request.idempotencyKey().ifPresent(key -> history.byIdempotencyKey.put(key, execution.id()));
      return new CreatedExecution(execution, true);
    }
  }

  private synchronized long nextSequence() {
    return ++sequence;
  }

  @Override
  public Optional<Execution> findExecution(UUID executionId) {
    Stored stored = executions.get(Objects.requireNonNull(executionId, "executionId"));
    return stored == null ? Optional.empty() : Optional.of(stored.execution());
  }

  @Override
  public boolean markRunning(UUID executionId, Instant startedAt) {
    return transition(executionId, current -> current.isFinished() ? null : current.running(startedAt));
  }

  @Override
  public boolean finish(UUID executionId, ExecutionResult result) {
    return transition(executionId, current -> current.isFinished() ? null : current.finished(result));
  }

  private boolean transition(UUID executionId, java.util.function.UnaryOperator<Execution> change) {
    boolean[] changed = {false};
    executions.computeIfPresent(
        executionId,
        (id, stored) -> {
          Execution next = change.apply(stored.execution());
          if (next == null) {
            return stored;
          }
          changed[0] = true;
          Stored replacement = new Stored(stored.seq(), next);
          SessionHistory history = histories.get(next.sessionId());
          synchronized (history) {
            int index = history.runs.indexOf(stored);
            if (index >= 0) {
              history.runs.set(index, replacement);
            }
          }
          return replacement;
        });
    return changed[0];
  }

  @Override
  public Page<Execution> listExecutions(UUID sessionId, PageRequest page) {
    SessionHistory history = histories.get(Objects.requireNonNull(sessionId, "sessionId"));
    if (history == null) {
      throw new SessionNotFoundException(sessionId);
    }
    long before = page.cursor().map(InMemoryStore::parseCursor).orElse(Long.MAX_VALUE);
    List<Stored> newestFirst = new ArrayList<>();
    synchronized (history) {
      for (int i = history.runs.size() - 1; i >= 0 && newestFirst.size() <= page.limit(); i--) {
        Stored stored = history.runs.get(i);
        if (stored.seq() < before) {
          newestFirst.add(stored);
        }
      }
    }
    boolean more = newestFirst.size() > page.limit();
    List<Stored> items = more ? newestFirst.subList(0, page.limit()) : newestFirst;
    Optional<String> next = more ? Optional.of(Long.toString(items.get(items.size() - 1).seq(), 36)) : Optional.empty();
    return new Page<>(items.stream().map(Stored::execution).toList(), next);
  }

  private static long parseCursor(String cursor) {
    try {
      return Long.parseLong(cursor, 36);
    } catch (NumberFormatException e) {
      throw new InvalidRequestException("cursor '" + cursor + "' was not made by this server");
    }
  }

  @Override
  public List<Execution> findUnfinished(int limit) {
    return executions.values().stream()
        .filter(stored -> !stored.execution().isFinished())
        .sorted(Comparator.comparingLong(Stored::seq))
        .limit(limit)
        .map(Stored::execution)
        .toList();
  }
}
