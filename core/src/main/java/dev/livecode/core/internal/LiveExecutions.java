package dev.livecode.core.internal;

import dev.livecode.core.Execution;
import dev.livecode.core.exception.LivecodeException;
import dev.livecode.core.spi.ExecutionEvents;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live state of this engine's executions: each one's event log, and the runs it can still write
 * stdin to or cancel. A log is kept for {@code retention} after its execution ended (so a late
 * subscriber replays it) and while the ended logs together weigh at most {@code endedBudgetBytes};
 * the oldest ended one is dropped first.
 *
 * <p>With {@link ExecutionEvents.LiveLogs} shared between nodes, the log a node writes (the QUEUED
 * of a run it accepts, the events of a run it performs) only continues the shared one, and
 * subscribers read a copy that follows the shared log: whichever node ran the program, every node's
 * subscribers see the same numbered events.
 */
final class LiveExecutions {
  private static final Logger LOG = LoggerFactory.getLogger(LiveExecutions.class);

  /** How often, and how many times, a copied DONE looks for the ended execution in the store. */
  private static final long ENDED_RETRY_MS = 50;

  private static final int ENDED_TRIES = 100;

  /** The logs subscribers read: this node's own, or copies of shared ones. */
  private final ConcurrentHashMap<UUID, InMemoryEventLog> logs = new ConcurrentHashMap<>();

  /** With shared logs: what this node appends to them. */
  private final ConcurrentHashMap<UUID, InMemoryEventLog> writers = new ConcurrentHashMap<>();

  private final ConcurrentHashMap<UUID, ExecutionEvents.Subscription> follows =
      new ConcurrentHashMap<>();
  private final ConcurrentHashMap<UUID, LiveRun> runs = new ConcurrentHashMap<>();
  private final Queue<InMemoryEventLog> endedOldestFirst = new ConcurrentLinkedQueue<>();
  private final AtomicLong endedBytes = new AtomicLong();
  private final Duration retention;
  private final long endedBudgetBytes;
  private final ScheduledExecutorService timers;
  private final Optional<ExecutionEvents.LiveLogs> shared;
  private final long maxEntries;
  private final Function<UUID, Optional<Execution>> findEnded;
  private final BiConsumer<UUID, List<ExecutionEvents.LiveLogs.Entry>> keep;
  private final Executor io;

  LiveExecutions(Duration retention, long endedBudgetBytes, ScheduledExecutorService timers) {
    this(
        retention,
        endedBudgetBytes,
        timers,
        Optional.empty(),
        0,
        id -> Optional.empty(),
        (id, events) -> {},
        Runnable::run);
  }

  /**
   * @param maxEntries about how many entries a shared log keeps at most
   * @param findEnded the execution, when the store has it ended: what a copied DONE carries
   * @param keep keeps the whole sequence of an ended execution in the store
   * @param io where that store write happens, off the worker's path to its next run
   */
  LiveExecutions(
      Duration retention,
      long endedBudgetBytes,
      ScheduledExecutorService timers,
      Optional<ExecutionEvents.LiveLogs> shared,
      long maxEntries,
      Function<UUID, Optional<Execution>> findEnded,
      BiConsumer<UUID, List<ExecutionEvents.LiveLogs.Entry>> keep,
      Executor io) {
    this.keep = keep;
    this.io = io;
    this.retention = retention;
    this.endedBudgetBytes = endedBudgetBytes;
    this.timers = timers;
    this.shared = shared;
    this.maxEntries = maxEntries;
    this.findEnded = findEnded;
  }

  boolean sharesLogs() {
    return shared.isPresent();
  }

  /** The log this node appends an execution's events to, made on first use. */
  InMemoryEventLog log(UUID executionId) {
    if (shared.isEmpty()) {
      return logs.computeIfAbsent(executionId, InMemoryEventLog::new);
    }
    return writers.computeIfAbsent(executionId, id -> writer(id, shared.get().lastSequence(id)));
  }

  /**
   * The log of an execution just created, which no node has logged anything of: with shared logs it
   * starts the shared one without reading it, so accepting a run never waits for the medium.
   */
  InMemoryEventLog newLog(UUID executionId) {
    if (shared.isEmpty()) {
      return log(executionId);
    }
    return writers.computeIfAbsent(executionId, id -> writer(id, 0));
  }

  private InMemoryEventLog writer(UUID executionId, long base) {
    ExecutionEvents.LiveLogs to = shared.orElseThrow();
    return new InMemoryEventLog(
        executionId,
        base,
        event ->
            to.append(executionId, List.of(ExecutionEvents.LiveLogs.Entry.of(event)), maxEntries));
  }

  /** This node appends no more to the shared log of an execution (another node may). */
  void release(UUID executionId) {
    writers.remove(executionId);
  }

  /** The log this node's subscribers read, when it has one now. */
  Optional<EventLog> findLog(UUID executionId) {
    return Optional.ofNullable(logs.get(executionId));
  }

  /**
   * The log subscribers read: with shared logs, a copy that follows the shared one from its start.
   */
  EventLog readable(UUID executionId) {
    return readable(executionId, made -> {});
  }

  /** As {@link #readable(UUID)}; {@code made} hears the copy once, when this call made it. */
  EventLog readable(UUID executionId, Consumer<EventLog> made) {
    if (shared.isEmpty()) {
      return log(executionId);
    }
    InMemoryEventLog[] fresh = new InMemoryEventLog[1];
    InMemoryEventLog log =
        logs.computeIfAbsent(executionId, id -> fresh[0] = new InMemoryEventLog(id));
    if (fresh[0] != null) {
      follows.put(
          executionId, shared.get().follow(executionId, 0, entries -> copy(fresh[0], entries)));
      made.accept(fresh[0]);
    }
    return log;
  }

  /** True while the shared log of an execution is kept (false without shared logs). */
  boolean sharedLogExists(UUID executionId) {
    return shared.map(logs -> logs.exists(executionId)).orElse(false);
  }

  /** The shared log's entries above {@code after}; empty without shared logs. */
  List<ExecutionEvents.LiveLogs.Entry> readShared(UUID executionId, long after, int max) {
    return shared.map(logs -> logs.read(executionId, after, max)).orElse(List.of());
  }

  private void copy(InMemoryEventLog log, List<ExecutionEvents.LiveLogs.Entry> entries) {
    for (ExecutionEvents.LiveLogs.Entry entry : entries) {
      if (entry.kind() == Execution.Event.Kind.DONE) {
        copyDone(log, entry.sequence(), ENDED_TRIES);
        return;
      }
      Execution.Event event =
          entry.kind() == Execution.Event.Kind.STATUS
              ? Execution.Event.status(entry.sequence(), entry.status(), entry.restarted())
              : Execution.Event.output(entry.sequence(), entry.kind(), entry.text());
      if (!log.copy(event)) {
        LOG.warn(
            "live event out of order, not copied execution={} sequence={}",
            log.executionId(),
            entry.sequence());
      }
    }
  }

  // why: the store has the end before the DONE is appended; it is read on an io thread, neither on
  // the follower's thread nor on the timers, which waiting requests are answered through.
  private void copyDone(InMemoryEventLog log, long sequence, int triesLeft) {
    Runnable read =
        () -> {
          Optional<Execution> ended;
          try {
            ended = findEnded.apply(log.executionId());
          } catch (LivecodeException e) {
            ended = Optional.empty();
          }
          if (ended.isPresent()) {
            log.copy(Execution.Event.done(sequence, ended.get()));
            endedCopy(log);
          } else if (triesLeft > 1) {
            copyDone(log, sequence, triesLeft - 1);
          } else {
            LOG.warn("live event DONE without an ended execution execution={}", log.executionId());
          }
        };
    try {
      if (triesLeft == ENDED_TRIES) {
        io.execute(read);
      } else {
        timers.schedule(() -> io.execute(read), ENDED_RETRY_MS, TimeUnit.MILLISECONDS);
      }
    } catch (RejectedExecutionException e) {
      // The engine is closing: the logs go with it.
    }
  }

  void register(LiveRun run) {
    runs.put(run.executionId(), run);
  }

  Optional<LiveRun> run(UUID executionId) {
    return Optional.ofNullable(runs.get(executionId));
  }

  /**
   * The run, registered or not, for a worker that is about to run it; a run this engine did not
   * accept gets {@code stdin} (present for an interactive one).
   */
  LiveRun runOrDetached(UUID executionId, Supplier<Optional<StdinPipe>> stdin) {
    LiveRun run = runs.get(executionId);
    return run != null ? run : new LiveRun(executionId, log(executionId), stdin.get());
  }

  /**
   * With shared logs, sends a request to whichever node runs the execution.
   *
   * @throws IllegalStateException without shared logs
   */
  ExecutionEvents.LiveLogs.Sent send(
      UUID executionId, ExecutionEvents.LiveLogs.Request request, long maxStdinBytes) {
    return shared.orElseThrow().send(executionId, request, maxStdinBytes);
  }

  /**
   * With shared logs, has {@code run} do what is sent to it from any node (stdin, cancel) until the
   * returned subscription is closed; the requests sent while it was queued first. Without, nothing
   * is followed: requests reach the run directly.
   */
  ExecutionEvents.Subscription followRequests(LiveRun run) {
    if (shared.isEmpty()) {
      return () -> {};
    }
    return shared
        .get()
        .followRequests(
            run.executionId(),
            requests -> {
              for (ExecutionEvents.LiveLogs.Request request : requests) {
                if (request.kind() == ExecutionEvents.LiveLogs.Request.Kind.CANCEL) {
                  run.cancel();
                } else {
                  run.stdin()
                      .ifPresent(
                          pipe ->
                              pipe.send(
                                  request.text().getBytes(StandardCharsets.UTF_8),
                                  request.closeStdin()));
                }
              }
            });
  }

  /** True when a cancel was sent to the run through the shared log (false without shared logs). */
  boolean cancelSent(UUID executionId) {
    return shared
        .map(
            logs ->
                logs.requests(executionId).stream()
                    .anyMatch(
                        request -> request.kind() == ExecutionEvents.LiveLogs.Request.Kind.CANCEL))
        .orElse(false);
  }

  /** The execution ended and its DONE is logged: its run leaves, its log starts its retention. */
  void ended(UUID executionId) {
    runs.remove(executionId);
    if (shared.isPresent()) {
      writers.remove(executionId);
      try {
        shared.get().ended(executionId, retention);
      } catch (LivecodeException e) {
        LOG.warn("live log retention not set execution={} error={}", executionId, e.toString());
      }
      return;
    }
    InMemoryEventLog log = logs.get(executionId);
    if (log != null) {
      retain(log);
    }
  }

  /**
   * Has the store keep the whole event sequence of an execution whose DONE this node logged: with
   * shared logs what the shared one holds, else this node's log. On an io thread, so that a worker
   * takes its next run without waiting for the write; a failure is logged (the replay then comes
   * from the result).
   */
  void keep(UUID executionId) {
    try {
      io.execute(() -> keepNow(executionId));
    } catch (RejectedExecutionException e) {
      keepNow(executionId); // the engine is closing: keep it on this thread
    }
  }

  private void keepNow(UUID executionId) {
    try {
      List<ExecutionEvents.LiveLogs.Entry> entries;
      if (shared.isPresent()) {
        entries = shared.get().read(executionId, 0, Integer.MAX_VALUE);
      } else {
        InMemoryEventLog log = logs.get(executionId);
        if (log == null) {
          return;
        }
        entries =
            log.after(0, Integer.MAX_VALUE).stream()
                .map(ExecutionEvents.LiveLogs.Entry::of)
                .toList();
      }
      if (!entries.isEmpty()
          && entries.get(entries.size() - 1).kind() == Execution.Event.Kind.DONE) {
        keep.accept(executionId, entries);
      }
    } catch (LivecodeException e) {
      LOG.warn("live events not kept execution={} error={}", executionId, e.toString());
    }
  }

  /** A log of the kept sequence of an ended execution, when the store has one. */
  static InMemoryEventLog ofKept(Execution ended, List<ExecutionEvents.LiveLogs.Entry> entries) {
    InMemoryEventLog log = new InMemoryEventLog(ended.id());
    for (ExecutionEvents.LiveLogs.Entry entry : entries) {
      log.copy(
          switch (entry.kind()) {
            case STATUS ->
                Execution.Event.status(entry.sequence(), entry.status(), entry.restarted());
            case STDOUT, STDERR ->
                Execution.Event.output(entry.sequence(), entry.kind(), entry.text());
            case DONE -> Execution.Event.done(entry.sequence(), ended);
          });
    }
    return log;
  }

  /** The copy of a shared log that never got its DONE ends with the stored end. */
  void endCopyFromTheStore(UUID executionId, Execution ended) {
    InMemoryEventLog copy = logs.get(executionId);
    if (copy == null || copy.complete() || writers.containsKey(executionId)) {
      return;
    }
    LOG.warn("live log stopped before its end, ended from the store execution={}", executionId);
    copy.done(ended);
    endedCopy(copy);
  }

  private void endedCopy(InMemoryEventLog log) {
    ExecutionEvents.Subscription follow = follows.remove(log.executionId());
    if (follow != null) {
      follow.close();
    }
    retain(log);
  }

  private void retain(InMemoryEventLog log) {
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
      ExecutionEvents.Subscription follow = follows.remove(log.executionId());
      if (follow != null) {
        follow.close();
      }
      log.expire();
    }
  }
}
