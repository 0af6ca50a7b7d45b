package dev.livecode.core.internal;

import dev.livecode.core.EngineListener;
import dev.livecode.core.Execution;
import dev.livecode.core.exception.LivecodeException;
import dev.livecode.core.spi.ExecutionEvents;
import dev.livecode.core.spi.JobQueue;
import dev.livecode.core.spi.Store;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Worker threads: take a job, run it, store the result, publish the end, and only then acknowledge
 * (at-least-once). A job whose execution is already final is acknowledged unrun.
 *
 * <p>{@code workers} programs run at once, one per {@linkplain RunSlots slot}; a job gives its slot
 * back once its program has ended, before its result is stored. There are {@linkplain #spareThreads
 * more threads than slots}, so that while some jobs' runners take long to prepare (a transpile;
 * those jobs lend their slots meanwhile) other jobs are still taken and run on every slot. Each job
 * keeps its queue lease renewed from the moment it is marked RUNNING until it is acknowledged, its
 * prepare and its wait for a slot included.
 */
final class WorkerPool {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerPool.class);
  private static final Duration TAKE_WAIT = Duration.ofMillis(500);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

  private final String name;
  private final Store store;
  private final JobQueue queue;
  private final ExecutionEvents events;
  private final RunnerRegistry runners;
  private final ProgramExecutor executor;
  private final ScheduledExecutorService timers;
  private final Clock clock;
  private final int maxAttempts;
  private final int size;
  private final RunSlots slots;
  private final EngineListener listener;
  private final LiveExecutions live;
  private final long maxStdinBytes;
  private final ExecutorService io;
  private final List<Thread> threads = new ArrayList<>();
  private final AtomicInteger busy = new AtomicInteger();
  private volatile boolean running = true;

  WorkerPool(
      String name,
      int size,
      Store store,
      JobQueue queue,
      ExecutionEvents events,
      RunnerRegistry runners,
      ProgramExecutor executor,
      ScheduledExecutorService timers,
      Clock clock,
      int maxAttempts,
      EngineListener listener,
      LiveExecutions live,
      long maxStdinBytes,
      ExecutorService io) {
    this.maxStdinBytes = maxStdinBytes;
    this.io = io;
    this.listener = listener;
    this.live = live;
    this.name = name;
    this.size = size;
    this.store = store;
    this.queue = queue;
    this.events = events;
    this.runners = runners;
    this.executor = executor;
    this.timers = timers;
    this.clock = clock;
    this.maxAttempts = maxAttempts;
    this.slots = new RunSlots(size, timers);
    NamedThreads factory = new NamedThreads("worker");
    int count = size == 0 ? 0 : size + spareThreads(size);
    for (int i = 0; i < count; i++) {
      Thread thread = factory.newThread(this::loop);
      threads.add(thread);
      thread.start();
    }
  }

  /**
   * Threads beyond the slots: how many jobs may be in a long prepare (each lent its slot) before
   * the jobs behind them wait for a thread rather than for a slot.
   */
  static int spareThreads(int slots) {
    return Math.max(4, slots);
  }

  /** The run concurrency: programs run at once. */
  int size() {
    return size;
  }

  private void loop() {
    Duration backoff = Duration.ofMillis(100);
    while (running) {
      try {
        Optional<RunSlots.Slot> free = slots.acquire(TAKE_WAIT);
        if (free.isEmpty()) {
          continue;
        }
        try (RunSlots.Slot slot = free.get()) {
          Optional<JobQueue.Delivery> delivery = queue.take(TAKE_WAIT);
          if (delivery.isPresent()) {
            busy.incrementAndGet();
            try {
              process(delivery.get(), slot);
            } finally {
              busy.decrementAndGet();
            }
          }
        }
        backoff = Duration.ofMillis(100);
      } catch (InterruptedException e) {
        // Stopping: a job left unacknowledged is delivered again (durable queue) or marked
        // interrupted at the next start.
        Thread.currentThread().interrupt();
        return;
      } catch (LivecodeException e) {
        // Queue or store unreachable: back off and try again; unacknowledged jobs are not lost.
        LOG.warn(
            "{} worker cannot reach queue or store, retrying in {} ms error={}",
            name,
            backoff.toMillis(),
            e.toString());
        sleep(backoff);
        backoff =
            backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0
                ? MAX_BACKOFF
                : backoff.multipliedBy(2);
      } catch (RuntimeException e) {
        LOG.error("{} worker failed unexpectedly error={}", name, e.toString(), e);
        sleep(backoff);
      }
    }
  }

  private void process(JobQueue.Delivery delivery, RunSlots.Slot slot) throws InterruptedException {
    UUID id = delivery.job().executionId();
    // why: on a first delivery the job carries the execution as queued, which only a cancel can
    // have changed since. With shared logs a cancel of a queued run is sent to its log before the
    // store ends it, so the store is read only when one was sent; marking it RUNNING finds an
    // execution ended after that look.
    Optional<Execution> carried =
        delivery.attempt() == 1 && live.sharesLogs() ? delivery.job().queued() : Optional.empty();
    // why: continuing the shared log reads its last number from the queue's server; that read
    // goes beside the cancel look instead of after it. The log opened here is the one the run uses
    // below; should the read fail, the run's own open meets the failure.
    CompletableFuture<Void> logOpened =
        carried.isPresent() ? openLogBeside(id) : CompletableFuture.completedFuture(null);
    // why: with shared logs, whether a cancel came while it was queued is a read of the queue's
    // server. With the execution carried it is the one read the start waits for, made on this
    // thread: an io thread's hand-off each way costs more than the read. Otherwise it goes beside
    // the store's read of the execution. A cancel sent after this look still reaches the run
    // through its followed requests.
    CompletableFuture<Boolean> cancelSent =
        carried.isPresent()
            ? CompletableFuture.completedFuture(live.cancelSent(id))
            : besideIfShared(() -> live.cancelSent(id));
    if (carried.isPresent()
        && Futures.join(cancelSent)
        && store.findExecution(id).map(Execution::isFinished).orElse(true)) {
      LOG.debug("{} job cancelled while queued acknowledged id={}", name, id);
      // Not run here: the log opened beside the look is let go once its open is over.
      logOpened.whenComplete((opened, error) -> live.release(id));
      queue.ack(delivery);
      return;
    }
    Optional<Execution> found = carried.isPresent() ? carried : store.findExecution(id);
    if (found.isEmpty()) {
      LOG.warn(
          "{} job for unknown execution acknowledged id={}", name, delivery.job().executionId());
      queue.ack(delivery);
      return;
    }
    Execution execution = found.get();
    if (execution.isFinished()) {
      LOG.debug("{} job already finished acknowledged id={}", name, execution.id());
      queue.ack(delivery);
      return;
    }
    LiveRun run =
        live.runOrDetached(
            execution.id(),
            () ->
                execution.interactive()
                    ? Optional.of(
                        new StdinPipe(
                            maxStdinBytes, execution.stdin().getBytes(StandardCharsets.UTF_8)))
                    : Optional.empty());
    if (delivery.attempt() > maxAttempts) {
      String why =
          "gave up after "
              + (delivery.attempt() - 1)
              + " attempts: each ended with its worker dying";
      finish(
          execution,
          Execution.Result.failedWithoutRun(
              Execution.FailureReason.INTERNAL_ERROR,
              "livecode could not run this program; the operator has the details in the server log",
              clock.instant()),
          run);
      LOG.error(
          "{} execution dead-lettered id={} attempts={}",
          name,
          execution.id(),
          delivery.attempt() - 1);
      queue.deadLetter(delivery, why);
      return;
    }
    Optional<RegisteredRunner> runner =
        runners.find(execution.language()).filter(r -> r.probe().available());
    if (runner.isEmpty()) {
      LOG.error(
          "{} language not available on this worker id={} language={}",
          name,
          execution.id(),
          execution.language());
      finish(
          execution,
          Execution.Result.failedWithoutRun(
              Execution.FailureReason.INTERNAL_ERROR,
              "language "
                  + execution.language()
                  + " is not available on the worker that took this run",
              clock.instant()),
          run);
      queue.ack(delivery);
      return;
    }
    if (Futures.join(cancelSent)) {
      // Cancelled through another node while queued: it never starts, and it ends here in case
      // that node is gone (a store write that finds it ended changes nothing).
      run.cancel();
      finish(execution, LiveRun.cancelledUnstarted(clock.instant()), run);
      queue.ack(delivery);
      return;
    }
    if (!run.claim()) {
      // Cancelled while queued: the cancel ends it, and it never starts.
      queue.ack(delivery);
      return;
    }
    Instant startedAt = clock.instant();
    CompletableFuture<Boolean> marked = markRunning(execution.id(), startedAt);
    if (marked.isDone() && !Futures.join(marked)) {
      endedElsewhere(execution.id(), run);
      queue.ack(delivery);
      return;
    }
    // A run found ended elsewhere once its program has started, or whose mark failed, is stopped:
    // its result would not be stored.
    marked.whenComplete(
        (isMarked, error) -> {
          if (error != null || !isMarked) {
            run.cancel();
          }
        });
    run.log().status(Execution.Status.RUNNING, delivery.attempt() > 1);
    events.publish(new ExecutionEvents.Event(execution.id(), Execution.Status.RUNNING));
    listener.executionStarted(
        execution.id(),
        execution.language(),
        Duration.between(execution.queuedAt(), clock.instant()));
    ScheduledFuture<?> lease =
        queue.durable()
            ? timers.scheduleAtFixedRate(() -> renew(delivery), 2, 2, TimeUnit.SECONDS)
            : null;
    Execution.Result result;
    // why: with shared logs, starting to follow the requests waits until the node's log reader has
    // taken the new follower in (a Redis round trip and a short sleep or more), which the program
    // need not wait for: the follow reads the requests from the first, so none sent meanwhile is
    // missed, and a cancel found late still stops the run.
    CompletableFuture<ExecutionEvents.Subscription> requests =
        besideIfShared(() -> live.followRequests(run));
    try {
      ProgramExecutor.Prepared prepared =
          slot.lendWhile(() -> executor.prepare(execution, runner.get()));
      if (prepared.result().isPresent()) {
        result = prepared.result().get();
      } else {
        slot.reacquire();
        result = executor.run(execution, runner.get(), prepared.program().orElseThrow(), run);
      }
    } finally {
      requests.whenComplete(
          (followed, error) -> {
            if (followed != null) {
              followed.close();
            }
          });
      if (lease != null) {
        lease.cancel(false);
      }
      // why: the program is over, and a slot bounds programs, not store writes. With a remote store
      // the result's write, its announcement and the ack take a few ms; the next job's program runs
      // meanwhile on another thread instead of waiting for them.
      slot.close();
    }
    // The result is stored only after the RUNNING mark, which it must follow; a mark that failed
    // is thrown here and the job, unacknowledged, is delivered again.
    if (!Futures.join(marked)) {
      endedElsewhere(execution.id(), run);
      queue.ack(delivery);
      return;
    }
    finish(execution.running(startedAt), result, run);
    queue.ack(delivery);
  }

  /**
   * Marks the execution RUNNING. With shared logs (a store on another server) the mark is written
   * beside the program's start instead of before it, which saves the program a commit's wait. What
   * that changes: a worker that dies after the start and before the mark's commit leaves the
   * execution QUEUED in the store, not RUNNING; its job stays unacknowledged either way, so after
   * the lease another worker runs it again, and a restarted node's recovery finds it among the
   * unfinished. A client sees QUEUED a few ms longer (or, in that crash, until the rerun), never a
   * run lost or announced twice. In memory the mark costs nothing and is written first.
   */
  private CompletableFuture<Boolean> markRunning(UUID id, Instant startedAt) {
    return besideIfShared(() -> store.markRunning(id, startedAt));
  }

  /**
   * {@code work} on an io thread when the logs are shared (a round trip to another server that the
   * program need not wait for); on this thread otherwise, or once the io threads are closing.
   */
  private <T> CompletableFuture<T> besideIfShared(Supplier<T> work) {
    if (live.sharesLogs()) {
      try {
        return CompletableFuture.supplyAsync(work, io);
      } catch (RejectedExecutionException e) {
        // Closing: done here.
      }
    }
    return CompletableFuture.completedFuture(work.get());
  }

  private CompletableFuture<Void> openLogBeside(UUID id) {
    try {
      return CompletableFuture.runAsync(() -> live.log(id), io)
          // The run's own open of the log meets a failure, and reports it.
          .exceptionally(error -> null);
    } catch (RejectedExecutionException e) {
      // Closing: the run's own open reads the log.
      return CompletableFuture.completedFuture(null);
    }
  }

  /** Ended meanwhile, elsewhere: its events end here too, so no subscriber waits for them. */
  private void endedElsewhere(UUID id, LiveRun run) {
    store
        .findExecution(id)
        .filter(Execution::isFinished)
        .ifPresent(
            ended -> {
              run.end();
              run.log().done(ended);
              live.ended(id);
            });
  }

  private void renew(JobQueue.Delivery delivery) {
    try {
      queue.renew(delivery);
    } catch (RuntimeException e) {
      LOG.warn(
          "{} lease renewal failed id={} error={}",
          name,
          delivery.job().executionId(),
          e.toString());
    }
  }

  private void finish(Execution execution, Execution.Result made, LiveRun run) {
    Execution.Result result = run.end() ? LiveRun.cancelled(made) : made;
    boolean stored = store.finish(execution.id(), result);
    Execution ended = execution.finished(result);
    Runnable tellSubscribers = () -> {};
    if (stored) {
      // Before the end is published: whoever the end wakes finds the events complete.
      tellSubscribers = run.log().appendDone(ended);
      live.ended(execution.id());
    }
    // Waiting clients first: the watchers' frames and the log line are work the result need not
    // wait for. The end travels with the event, so a waiting node answers without reading the
    // store again.
    events.publish(
        stored
            ? ExecutionEvents.Event.ended(store.asStored(ended))
            : new ExecutionEvents.Event(execution.id(), result.status()));
    tellSubscribers.run();
    if (stored) {
      live.keep(execution.id());
      listener.executionFinished(execution.id(), execution.language(), result);
      LOG.info(
          "{} execution finished id={} session={} language={} status={} reason={} exit={} ms={}",
          name,
          execution.id(),
          execution.sessionId(),
          execution.language(),
          result.status(),
          result.failureReason().map(Enum::name).orElse("-"),
          result.exitCode().isPresent() ? result.exitCode().getAsInt() : "-",
          result.executionTime().toMillis());
    }
  }

  /** Stops taking jobs; waits up to {@code grace} for running ones; then interrupts. */
  void stop(Duration grace) {
    running = false;
    long deadline = System.nanoTime() + grace.toNanos();
    for (Thread thread : threads) {
      try {
        thread.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    threads.stream().filter(Thread::isAlive).forEach(Thread::interrupt);
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
