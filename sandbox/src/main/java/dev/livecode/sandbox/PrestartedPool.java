package dev.livecode.sandbox;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Things started ahead of their use (warm interpreters, ready sandboxes, launch shells), each
 * handed to at most one taker and never back: what one run touched never reaches the next.
 *
 * <p>The pool's own threads ({@linkplain Builder#starters one by default}) keep it at its size. It
 * sleeps until something changes (a take, the end of an item, close) or the oldest item reaches its
 * maximum age (then replaced). Each take and each end of an item, waiting or taken, restarts the
 * refill delay: a start costs the host a process spawn, better done once the run that took an item
 * is over than beside it.
 *
 * <p>With a {@linkplain Builder#leadTime lead time}, the pool follows the rate of takes: it expects
 * {@code leadTime / interval} takes (rounded down) while one start becomes usable (the interval a
 * moving average of the last ones, and never shorter than the time since the last take, so the
 * demand decays as soon as takes stop). It keeps one more than that waiting, between its size and
 * its {@linkplain Builder#maxSize maximum}, and while fewer than that demand wait it starts at
 * once, without the refill delay: a client running back to back would otherwise find it empty. Each
 * take that finds it empty meanwhile adds one to that demand (on a loaded host starts take longer
 * than the lead time), until takes pause for a lead time; then it shrinks back to its size,
 * discarding the oldest extras. Paced takes (slower than one per lead time) leave it at its size
 * with its refill delay. An item that fails to start, or dies while it waits, counts as a failure;
 * while failures follow each other the refills back off, doubling from the first pause up to the
 * longest. An item handed out alive, or one that lived to its maximum age, ends the run of
 * failures.
 *
 * <p>{@link #take} never waits: when nothing usable is waiting it says so at once, and the caller
 * starts what it needs itself.
 *
 * @param <T> what the pool holds
 */
public final class PrestartedPool<T> implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PrestartedPool.class);
  private static final long CLOSE_WAIT_MILLIS = TimeUnit.SECONDS.toMillis(10);

  /**
   * What a pool holds: how to start one, whether it is still usable, when it ended, and how to end
   * it.
   */
  public interface Items<T> {
    /** Starts one. Called on the pool's own thread, never under its lock; may take its time. */
    T start() throws IOException;

    /**
     * Whether it can still be handed out (its process alive). Called under the pool's lock: must be
     * quick.
     */
    boolean alive(T item);

    /**
     * Completes when it has ended (its process exited), waiting or taken: the pool then looks
     * again, and waits its refill delay from then. Never, by default.
     */
    default CompletionStage<?> ended(T item) {
      return new CompletableFuture<>();
    }

    /** Ends one the pool will not hand out: dead, too old, or still waiting at close. */
    void discard(T item);
  }

  private record Waiting<T>(T item, long startedNanos) {}

  private final String name;
  private final Items<T> items;
  private final int size;
  private final int maxSize;
  private final long leadTimeNanos;
  private final long maxAgeNanos;
  private final long refillDelayNanos;
  private final Duration firstBackOff;
  private final Duration maxBackOff;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final Deque<Waiting<T>> idle = new ArrayDeque<>();
  private final List<Thread> refillers;
  private boolean closed;
  private boolean wake;
  private long quietSince;
  private int failuresInARow;
  private long lastTakeNanos;
  private long takeIntervalNanos;
  private int shortfall;
  private int starting;

  /** A take found it empty since the last start began: the next start skips the refill delay. */
  private boolean behind;

  private PrestartedPool(Builder<T> settings) {
    this.name = settings.name;
    this.items = settings.items;
    this.size = settings.size;
    this.maxSize = Math.max(settings.size, settings.maxSize);
    this.leadTimeNanos = settings.leadTime.toNanos();
    this.maxAgeNanos = settings.maxAge.map(Duration::toNanos).orElse(Long.MAX_VALUE);
    this.refillDelayNanos = settings.refillDelay.toNanos();
    this.firstBackOff = settings.firstBackOff;
    this.maxBackOff = settings.maxBackOff;
    this.quietSince = System.nanoTime() - refillDelayNanos;
    List<Thread> threads = new ArrayList<>(settings.starters);
    for (int i = 0; i < settings.starters; i++) {
      threads.add(settings.threads.newThread(this::refill));
    }
    this.refillers = List.copyOf(threads);
  }

  /**
   * A pool named {@code name} (in its log lines) of {@code items}; see {@link Builder} for its
   * settings.
   */
  public static <T> Builder<T> builder(String name, Items<T> items) {
    return new Builder<>(name, items);
  }

  /** How many items it keeps waiting at least (when takes are paced or absent). */
  public int size() {
    return size;
  }

  /** How many items it keeps waiting at most, however fast the takes come. */
  public int maxSize() {
    return maxSize;
  }

  /** How many items it aims to keep waiting now, from the recent rate of takes. */
  public int target() {
    lock.lock();
    try {
      return target(System.nanoTime());
    } finally {
      lock.unlock();
    }
  }

  /** Items waiting now, usable or not yet found dead. */
  public int idle() {
    lock.lock();
    try {
      return idle.size();
    } finally {
      lock.unlock();
    }
  }

  /**
   * The oldest waiting item that is alive and not past its maximum age, removed from the pool;
   * empty when there is none or the pool is closed. Items found unusable on the way are discarded.
   */
  public Optional<T> take() {
    List<Waiting<T>> stale = new ArrayList<>(0);
    Optional<T> taken = Optional.empty();
    lock.lock();
    try {
      long now = System.nanoTime();
      quietSince = now;
      countTake(now);
      while (!idle.isEmpty()) {
        Waiting<T> candidate = idle.pollFirst();
        if (usable(candidate)) {
          failuresInARow = 0;
          taken = Optional.of(candidate.item());
          break;
        }
        countStale(candidate);
        stale.add(candidate);
      }
      if (taken.isEmpty()) {
        // The next take will find it empty too unless a start begins now, whatever the rate
        // says: it lags behind a change from paced takes to a burst by several takes.
        behind = true;
        if (demand(now) > 0) {
          // Found empty while takes come fast: starts take longer than the lead time says.
          shortfall = Math.min(maxSize, shortfall + 1);
        }
      }
      wake = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    stale.forEach(this::discard);
    return taken;
  }

  /**
   * Stops refilling and discards every waiting item; an item whose start is under way is discarded
   * once started.
   */
  @Override
  public void close() {
    List<Waiting<T>> left;
    lock.lock();
    try {
      closed = true;
      left = new ArrayList<>(idle);
      idle.clear();
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    left.forEach(this::discard);
    if (refillers.contains(Thread.currentThread())) {
      return;
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_WAIT_MILLIS);
    try {
      for (Thread refiller : refillers) {
        refiller.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void refill() {
    while (true) {
      List<Waiting<T>> stale = new ArrayList<>(0);
      boolean start;
      int failures;
      lock.lock();
      try {
        while (!closed
            && !wake
            && idle.size() + starting >= target(System.nanoTime())
            && !oldestExpired()
            && !overTarget()) {
          long until =
              idle.isEmpty() ? Long.MAX_VALUE : Math.max(1, remainingNanos(idle.peekFirst()));
          if (idle.size() > size) {
            // Grown under demand: look again when the demand has decayed, to shrink back.
            until = Math.min(until, Math.max(1, lastTakeNanos + leadTimeNanos - System.nanoTime()));
          }
          changed.awaitNanos(until);
        }
        wake = false;
        if (closed) {
          return;
        }
        idle.removeIf(
            waiting -> {
              if (usable(waiting)) {
                return false;
              }
              countStale(waiting);
              stale.add(waiting);
              return true;
            });
        // Back to its size once the takes stop: the oldest extras go first.
        while (overTarget()) {
          stale.add(idle.pollFirst());
        }
        start = wanted();
        failures = failuresInARow;
      } catch (InterruptedException e) {
        return;
      } finally {
        lock.unlock();
      }
      stale.forEach(this::discard);
      if (!start) {
        continue;
      }
      if (failures > 0 && !backOff(failures)) {
        return;
      }
      // Under demand a start cannot wait: the next take is due before the delay is over.
      if (!awaitUntil(
          () ->
              behind || idle.size() + starting < demand(System.nanoTime())
                  ? 0
                  : quietSince + refillDelayNanos)) {
        return;
      }
      lock.lock();
      try {
        // Another starter may have met the want meanwhile.
        start = wanted();
        if (start) {
          starting++;
          behind = false;
        }
      } finally {
        lock.unlock();
      }
      if (start) {
        startOne();
      }
    }
  }

  /**
   * Under the lock: more waiting than the pool wants now, which happens only after growth, and the
   * takes paused for a lead time at least. A shorter pause (one slow run) is no sign that they
   * stopped, and each extra discarded then would be started again at the next take.
   */
  private boolean overTarget() {
    long now = System.nanoTime();
    return idle.size() > target(now) && now - lastTakeNanos >= leadTimeNanos;
  }

  /** Under the lock: whether the pool wants one more start now. */
  private boolean wanted() {
    return idle.size() + starting < target(System.nanoTime());
  }

  /** Starts one, {@link #starting} counted up by the caller and counted down here. */
  private void startOne() {
    T item;
    try {
      item = items.start();
    } catch (IOException | RuntimeException e) {
      LOG.warn("prestarted item not started pool={} error={}", name, e.toString());
      lock.lock();
      try {
        failuresInARow++;
        starting--;
        changed.signalAll();
      } finally {
        lock.unlock();
      }
      return;
    }
    boolean keep;
    lock.lock();
    try {
      starting--;
      keep = !closed;
      if (keep) {
        idle.addLast(new Waiting<>(item, System.nanoTime()));
      }
    } finally {
      lock.unlock();
    }
    if (!keep) {
      discard(new Waiting<>(item, 0));
      return;
    }
    items.ended(item).whenComplete((result, error) -> ended());
  }

  /** An item ended, waiting or taken: look again, and let the host settle before the next start. */
  private void ended() {
    lock.lock();
    try {
      wake = true;
      quietSince = System.nanoTime();
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Sleeps after failures in a row, doubling from the first pause; false when closed or interrupted
   * meanwhile.
   */
  private boolean backOff(int failures) {
    long millis =
        Math.min(maxBackOff.toMillis(), firstBackOff.toMillis() << Math.min(failures - 1, 20));
    LOG.warn("prestarted items failing pool={} in_a_row={} next_try_ms={}", name, failures, millis);
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    return awaitUntil(() -> deadline);
  }

  /**
   * Waits until {@code deadlineNanos} (read again at every wake-up) has passed; false when closed
   * or interrupted.
   */
  private boolean awaitUntil(LongSupplier deadlineNanos) {
    lock.lock();
    try {
      long left;
      while (!closed && (left = deadlineNanos.getAsLong() - System.nanoTime()) > 0) {
        changed.awaitNanos(left);
      }
      return !closed;
    } catch (InterruptedException e) {
      return false;
    } finally {
      lock.unlock();
    }
  }

  /** Under the lock: one more take at {@code now}, folded into the moving average interval. */
  private void countTake(long now) {
    if (lastTakeNanos != 0) {
      long interval = Math.max(1, now - lastTakeNanos);
      if (interval > leadTimeNanos) {
        shortfall = 0;
      }
      takeIntervalNanos =
          takeIntervalNanos == 0 ? interval : (takeIntervalNanos * 3 + interval) / 4;
    }
    lastTakeNanos = now;
  }

  /**
   * Under the lock: the takes expected while one start becomes usable, from the recent interval; 0
   * without a lead time or before two takes.
   */
  private int demand(long now) {
    if (leadTimeNanos == 0 || takeIntervalNanos == 0) {
      return 0;
    }
    long interval = Math.max(takeIntervalNanos, now - lastTakeNanos);
    long expected = leadTimeNanos / interval;
    return (int) Math.min(maxSize, expected == 0 ? 0 : expected + shortfall);
  }

  /** Under the lock: items to keep waiting, between the size and the maximum. */
  private int target(long now) {
    return Math.min(maxSize, Math.max(size, demand(now) + 1));
  }

  /**
   * Under the lock: a dead item is one more failure; one that lived to its maximum age shows the
   * starts work.
   */
  private void countStale(Waiting<T> waiting) {
    if (items.alive(waiting.item())) {
      failuresInARow = 0;
    } else {
      failuresInARow++;
    }
  }

  private boolean usable(Waiting<T> waiting) {
    return items.alive(waiting.item()) && remainingNanos(waiting) > 0;
  }

  private boolean oldestExpired() {
    return !idle.isEmpty() && remainingNanos(idle.peekFirst()) <= 0;
  }

  private long remainingNanos(Waiting<T> waiting) {
    return maxAgeNanos - (System.nanoTime() - waiting.startedNanos());
  }

  private void discard(Waiting<T> waiting) {
    try {
      items.discard(waiting.item());
    } catch (RuntimeException e) {
      LOG.warn("prestarted item not discarded cleanly pool={} error={}", name, e.toString());
    }
  }

  /** The settings of a pool; {@link #start} makes it and starts its thread. */
  public static final class Builder<T> {
    private final String name;
    private final Items<T> items;
    private int size = 1;
    private int maxSize = 1;
    private Duration leadTime = Duration.ZERO;
    private int starters = 1;
    private Optional<Duration> maxAge = Optional.empty();
    private Duration refillDelay = Duration.ZERO;
    private Duration firstBackOff = Duration.ofMillis(200);
    private Duration maxBackOff = Duration.ofSeconds(30);
    private ThreadFactory threads;

    private Builder(String name, Items<T> items) {
      this.name = Objects.requireNonNull(name, "name");
      this.items = Objects.requireNonNull(items, "items");
      this.threads =
          task -> {
            Thread thread = new Thread(task, "livecode-pool-" + name);
            thread.setDaemon(true);
            return thread;
          };
    }

    /** Items kept waiting, 1 or more. Default: 1. */
    public Builder<T> size(int value) {
      if (value < 1) {
        throw new IllegalArgumentException("size must be at least 1, was " + value);
      }
      this.size = value;
      return this;
    }

    /**
     * Items kept waiting at most when takes come faster than one per {@linkplain #leadTime lead
     * time}; below {@link #size} it is the size. Default: 1 (the size).
     */
    public Builder<T> maxSize(int value) {
      if (value < 1) {
        throw new IllegalArgumentException("maxSize must be at least 1, was " + value);
      }
      this.maxSize = value;
      return this;
    }

    /**
     * Threads that start items, each one start at a time: more than one lets starts overlap when
     * one start takes longer than the interval between takes. Default: 1.
     */
    public Builder<T> starters(int value) {
      if (value < 1 || value > 16) {
        throw new IllegalArgumentException("starters must be 1 to 16, was " + value);
      }
      this.starters = value;
      return this;
    }

    /**
     * How long a start takes to become usable (an interpreter's start-up): the pool keeps as many
     * waiting as takes come in that time, up to {@link #maxSize}, and starts without the refill
     * delay while fewer wait. Default: zero, the pool stays at its size.
     */
    public Builder<T> leadTime(Duration value) {
      if (value.isNegative()) {
        throw new IllegalArgumentException("leadTime must not be negative, was " + value);
      }
      this.leadTime = value;
      return this;
    }

    /**
     * An item older than this is replaced rather than handed out. Default: none, items wait for
     * ever.
     */
    public Builder<T> maxAge(Duration value) {
      positive("maxAge", value);
      this.maxAge = Optional.of(value);
      return this;
    }

    /** How long after the last take or end of an item a start waits. Default: none. */
    public Builder<T> refillDelay(Duration value) {
      if (value.isNegative()) {
        throw new IllegalArgumentException("refillDelay must not be negative, was " + value);
      }
      this.refillDelay = value;
      return this;
    }

    /**
     * The pause after the first failure in a row, doubled for each further one up to {@code
     * longest}. Default: 200 ms, 30 s.
     */
    public Builder<T> backOff(Duration first, Duration longest) {
      positive("first back-off", first);
      positive("longest back-off", longest);
      if (longest.compareTo(first) < 0) {
        throw new IllegalArgumentException(
            "the longest back-off " + longest + " is shorter than the first " + first);
      }
      this.firstBackOff = first;
      this.maxBackOff = longest;
      return this;
    }

    /** Makes the pool's threads. Default: daemon threads named {@code livecode-pool-<name>}. */
    public Builder<T> threads(ThreadFactory value) {
      this.threads = Objects.requireNonNull(value, "threads");
      return this;
    }

    /** The pool, its thread started: it begins to fill at once. */
    public PrestartedPool<T> start() {
      PrestartedPool<T> pool = new PrestartedPool<>(this);
      pool.refillers.forEach(Thread::start);
      return pool;
    }

    private static void positive(String what, Duration value) {
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(what + " must be positive, was " + value);
      }
    }
  }
}
