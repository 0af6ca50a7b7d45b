package dev.livecode.core.spi;

import dev.livecode.core.Execution;
import dev.livecode.core.ExecutionResult;
import dev.livecode.core.InvalidRequestException;
import dev.livecode.core.Page;
import dev.livecode.core.PageRequest;
import dev.livecode.core.SessionNotFoundException;
import dev.livecode.core.StoreFullException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Where executions live. Implementations are thread-safe; state changes are conditional so that
 * a redelivered job never overwrites a finished execution.
 *
 * @since 0.1
 */
public interface ExecutionStore {

  /**
   * Creates a QUEUED execution that snapshots the session's current language and source, in one
   * atomic step. When an execution with the same idempotency key exists for the session, returns
   * that one with {@code created == false} instead.
   *
   * @throws SessionNotFoundException when there is no such session
   * @throws StoreFullException when a store with a memory budget has no room for it
   */
  CreatedExecution createExecution(NewExecution request);

  /**
   * The execution, or empty when there is none: never created, or {@linkplain #evicted evicted}.
   */
  Optional<Execution> findExecution(UUID executionId);

  /**
   * True when this store held the execution and let it go to stay within a memory budget (only
   * the in-memory store does), so that a reader learns it is gone rather than unknown. A store
   * remembers only recent evictions; an id evicted long ago may read as unknown again. Default:
   * false, for stores that keep every execution.
   *
   * @since 0.2
   */
  default boolean evicted(UUID executionId) {
    return false;
  }

  /** QUEUED or RUNNING to RUNNING; false (and no change) when the execution is already final. */
  boolean markRunning(UUID executionId, Instant startedAt);

  /** Stores the result unless the execution is already final; true when this call finished it. */
  boolean finish(UUID executionId, ExecutionResult result);

  /**
   * A session's executions, newest first, by keyset pagination.
   *
   * @throws InvalidRequestException for a cursor this store did not make
   */
  Page<Execution> listExecutions(UUID sessionId, PageRequest page);

  /** Executions still QUEUED or RUNNING, oldest first, at most {@code limit}. */
  List<Execution> findUnfinished(int limit);
}
