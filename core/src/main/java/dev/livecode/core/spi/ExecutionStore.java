package dev.livecode.core.spi;

import dev.livecode.core.Execution;
import dev.livecode.core.ExecutionResult;
import dev.livecode.core.InvalidRequestException;
import dev.livecode.core.Page;
import dev.livecode.core.PageRequest;
import dev.livecode.core.SessionNotFoundException;
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
   */
  CreatedExecution createExecution(NewExecution request);

  Optional<Execution> findExecution(UUID executionId);

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
