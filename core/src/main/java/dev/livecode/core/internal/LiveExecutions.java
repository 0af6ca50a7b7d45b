package dev.livecode.core.internal;

import java.time.Duration;
import java.util.Optional;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The live state of this engine's executions: each one's event log, and the runs it can still write
 * stdin to or cancel. A log is kept for {@code retention} after its execution ended (so a late
 * subscriber replays it) and while the ended logs together weigh at most {@code endedBudgetBytes};
 * the oldest ended one is dropped first.
 */
final class LiveExecutions {
  private final ConcurrentHashMap<UUID, InMemoryEventLog> logs = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<UUID, LiveRun> runs = new ConcurrentHashMap<>();
  private final Queue<InMemoryEventLog> endedOldestFirst = new ConcurrentLinkedQueue<>();
  private final AtomicLong endedBytes = new AtomicLong();
  private final Duration retention;
  private final long endedBudgetBytes;
  private final ScheduledExecutorService timers;

  LiveExecutions(Duration retention, long endedBudgetBytes, ScheduledExecutorService timers) {
    this.retention = retention;
    this.endedBudgetBytes = endedBudgetBytes;
    this.timers = timers;
  }

  /** The log of an execution, made on first use. */
  InMemoryEventLog log(UUID executionId) {
    return logs.computeIfAbsent(executionId, InMemoryEventLog::new);
  }

  Optional<EventLog> findLog(UUID executionId) {
    return Optional.ofNullable(logs.get(executionId));
  }

  void register(LiveRun run) {
    runs.put(run.executionId(), run);
  }

  Optional<LiveRun> run(UUID executionId) {
    return Optional.ofNullable(runs.get(executionId));
  }

  /** The run, registered or not, for a worker that is about to run it. */
  LiveRun runOrDetached(UUID executionId) {
    LiveRun run = runs.get(executionId);
    return run != null ? run : new LiveRun(executionId, log(executionId), Optional.empty());
  }

  /** The execution ended and its DONE is logged: its run leaves, its log starts its retention. */
  void ended(UUID executionId) {
    runs.remove(executionId);
    InMemoryEventLog log = logs.get(executionId);
    if (log == null) {
      return;
    }
    endedOldestFirst.add(log);
    endedBytes.addAndGet(log.weightBytes());
    while (endedBytes.get() > endedBudgetBytes) {
      InMemoryEventLog oldest = endedOldestFirst.poll();
      if (oldest == null) {
        break;
      }
      drop(oldest);
    }
    try {
      timers.schedule(() -> drop(log), retention.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // The engine is closing: the logs go with it.
    }
  }

  private void drop(InMemoryEventLog log) {
    if (logs.remove(log.executionId(), log)) {
      endedOldestFirst.remove(log);
      endedBytes.addAndGet(-log.weightBytes());
      log.expire();
    }
  }
}
