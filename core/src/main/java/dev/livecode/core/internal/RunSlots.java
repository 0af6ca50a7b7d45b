package dev.livecode.core.internal;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The engine's run concurrency ({@code workers}): how many jobs may hold a slot, which they do
 * while their program runs in the sandbox. A worker takes a slot before it takes a job, so a node
 * never takes more jobs off a shared queue than it can start, and keeps it while the job's runner
 * prepares the program: for nearly every job that takes microseconds (a transpile served warm, a
 * millisecond). A prepare that outlasts {@link #LEND_AFTER} (a transpile of hostile source can take
 * its run's whole time limit) gives its slot back meanwhile, so that runs of every other language
 * go on, and takes one again once its program is ready to run.
 */
final class RunSlots {
  /** How long a prepare keeps its slot before other runs may use it. */
  static final Duration LEND_AFTER = Duration.ofMillis(10);

  // Fair: a prepared job waiting to run is not overtaken by workers that only want to poll the
  // queue.
  private final Semaphore free;
  private final ScheduledExecutorService timers;

  RunSlots(int slots, ScheduledExecutorService timers) {
    this.free = new Semaphore(slots, true);
    this.timers = timers;
  }

  /** A slot, once one is free within {@code wait}; empty when none was. */
  Optional<Slot> acquire(Duration wait) throws InterruptedException {
    return free.tryAcquire(wait.toNanos(), TimeUnit.NANOSECONDS)
        ? Optional.of(new Slot())
        : Optional.empty();
  }

  /** Slots free now (for tests). */
  int available() {
    return free.availablePermits();
  }

  /** One job's hold on a slot; closing it gives the slot back if the job holds it. */
  final class Slot implements AutoCloseable {
    private final AtomicBoolean held = new AtomicBoolean(true);

    /**
     * Calls {@code prepare} on this thread; if it outlasts {@link #LEND_AFTER}, the slot is given
     * back until it returns, and {@link #reacquire} must be called before the program runs.
     */
    <T> T lendWhile(Supplier<T> prepare) {
      ScheduledFuture<?> lend;
      try {
        lend = timers.schedule(this::close, LEND_AFTER.toNanos(), TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException e) {
        return prepare.get(); // the engine is closing: keep the slot
      }
      try {
        return prepare.get();
      } finally {
        if (!lend.cancel(false)) {
          awaitLending(lend); // it has started: let it finish, so held() tells the truth
        }
      }
    }

    private void awaitLending(ScheduledFuture<?> lend) {
      boolean interrupted = false;
      while (true) {
        try {
          lend.get();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException | CancellationException e) {
          break;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }

    /** Holds a slot again after {@link #lendWhile} lent it, waiting for one to be free. */
    void reacquire() throws InterruptedException {
      if (!held.get()) {
        free.acquire();
        held.set(true);
      }
    }

    boolean held() {
      return held.get();
    }

    @Override
    public void close() {
      if (held.compareAndSet(true, false)) {
        free.release();
      }
    }
  }
}
