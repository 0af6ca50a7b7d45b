package dev.livecode.core.internal;

import dev.livecode.core.EngineListener;
import dev.livecode.core.Limits;
import dev.livecode.core.internal.sandbox.LaunchSpec;
import dev.livecode.core.internal.sandbox.Sandbox;
import dev.livecode.core.internal.sandbox.SandboxedProcess;
import dev.livecode.core.spi.LanguageRunner;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pre-started interpreters of one language, each waiting in the sandbox for one program on its
 * stdin (see {@link dev.livecode.core.spi.LanguageRunner#warmCommand}); or, for a language
 * without them, ready sandboxes: the same, with a tiny shell waiting instead of the interpreter
 * (see {@link ReadySandbox}).
 *
 * <p>Each is started through the same {@link Sandbox#start} as a cold run, under the server's
 * default limits, in a fresh empty workspace of its own; it runs at most one program and is then
 * killed and discarded with its workspace and cgroup, so nothing of one user reaches the next.
 *
 * <p>One thread ({@code livecode-warm-N}) keeps the pool full: it sleeps on a condition that the
 * discarding of a used process (or a take that empties the pool), the death of a waiting process
 * or close signals, or until the oldest process reaches
 * {@link #MAX_AGE} (then replaced). A process that dies while waiting is dropped; when that keeps
 * happening (a broken warm command) refills back off, up to {@link #MAX_BACKOFF}.
 */
final class WarmPool implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WarmPool.class);
  /** A warm process older than this is replaced rather than used. */
  static final Duration MAX_AGE = Duration.ofSeconds(60);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
  /**
   * How long a refill waits after a used process is discarded: starting an interpreter takes a
   * core for ~10 ms, which on a 2-core host would otherwise compete with the result of the run
   * just finished on its way to the client.
   */
  static final Duration REFILL_DELAY = Duration.ofMillis(20);

  private final String language;
  private final int size;
  private final Sandbox sandbox;
  private final Workspaces workspaces;
  private final LaunchSpecs launches;
  private final Limits limits;
  private final Optional<ReadySandbox> staged;
  private final EngineListener listener;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final Deque<Warm> ready = new ArrayDeque<>();
  private final Thread refiller;
  private final AtomicLong taken = new AtomicLong();
  private boolean closed;
  private boolean wake;
  private long lastDiscardNanos = System.nanoTime() - REFILL_DELAY.toNanos();
  private int failuresInARow;

  /** Builds the launch of one warm process in a given workspace. */
  interface LaunchSpecs {
    LaunchSpec forWorkspace(Path workspace);
  }

  /**
   * A pool of ready sandboxes ({@code staged} present: each waits in {@link ReadySandbox#STAGE},
   * only for programs that run with exactly {@code staged}'s file and command) or of warm
   * interpreters (absent: any one-file program).
   */
  WarmPool(String language, int size, Sandbox sandbox, Workspaces workspaces, Optional<ReadySandbox> staged,
      Limits limits, LaunchSpecs launches, NamedThreads threads, EngineListener listener) {
    this.staged = staged;
    this.listener = listener;
    this.language = language;
    this.size = size;
    this.sandbox = sandbox;
    this.workspaces = workspaces;
    this.limits = limits;
    this.launches = launches;
    this.refiller = threads.newThread(this::refill);
    refiller.start();
  }

  /** How many processes it keeps waiting. */
  int size() {
    return size;
  }

  /** The limits every warm process runs under: only a run with exactly these may take one. */
  Limits limits() {
    return limits;
  }

  /** True for a program this pool's processes can run: one file, no compile step (and for ready sandboxes, their file and command). */
  boolean accepts(LanguageRunner.Program program) {
    if (program.compile().isPresent() || program.files().size() != 1) {
      return false;
    }
    return staged.map(ready -> ready.accepts(program)).orElse(true);
  }

  /**
   * A live warm process not older than {@link #MAX_AGE}, removed from the pool; empty when none.
   * The listener hears a hit or a miss either way.
   */
  Optional<Warm> take() {
    List<Warm> stale = new ArrayList<>(0);
    Optional<Warm> taken = Optional.empty();
    lock.lock();
    try {
      while (!ready.isEmpty()) {
        Warm candidate = ready.pollFirst();
        if (candidate.usable()) {
          failuresInARow = 0;
          taken = Optional.of(candidate);
          break;
        }
        stale.add(candidate);
      }
      if (ready.isEmpty() || !stale.isEmpty()) {
        wake = true;
        changed.signalAll();
      }
    } finally {
      lock.unlock();
    }
    stale.forEach(Warm::close);
    if (taken.isPresent()) {
      this.taken.incrementAndGet();
      listener.warmPoolHit(language);
    } else {
      listener.warmPoolMiss(language);
    }
    return taken;
  }

  /** Warm processes handed to runs since start (for tests and logs). */
  long taken() {
    return taken.get();
  }

  /** Waiting processes (for tests and logs). */
  int ready() {
    lock.lock();
    try {
      return ready.size();
    } finally {
      lock.unlock();
    }
  }

  private void refill() {
    while (true) {
      List<Warm> stale = new ArrayList<>(0);
      boolean start;
      int failures;
      lock.lock();
      try {
        while (!closed && !wake && ready.size() >= size && !oldestExpired()) {
          long waitNanos = ready.isEmpty() ? Long.MAX_VALUE : ready.peekFirst().remainingNanos();
          changed.awaitNanos(Math.max(1, waitNanos));
        }
        wake = false;
        if (closed) {
          return;
        }
        ready.removeIf(warm -> {
          if (warm.usable()) {
            return false;
          }
          if (warm.process.process().isAlive()) {
            failuresInARow = 0; // lived its full age: the command works
          } else {
            failuresInARow++;
          }
          stale.add(warm);
          return true;
        });
        start = ready.size() < size;
        failures = failuresInARow;
      } catch (InterruptedException e) {
        return;
      } finally {
        lock.unlock();
      }
      stale.forEach(Warm::close);
      if (failures > 0 && !backOff(failures)) {
        return;
      }
      if (start && afterDiscardDelay()) {
        startOne();
      }
    }
  }

  /** Waits until {@link #REFILL_DELAY} has passed since the last discard; false when closed meanwhile. */
  private boolean afterDiscardDelay() {
    return awaitUntil(() -> lastDiscardNanos + REFILL_DELAY.toNanos());
  }

  /** Sleeps a while after warm processes died unused; false when closed meanwhile. */
  private boolean backOff(int failures) {
    long millis = Math.min(MAX_BACKOFF.toMillis(), 100L << Math.min(failures, 10));
    LOG.warn("warm process failed before its program came language={} in_a_row={} next_try_ms={}", language, failures, millis);
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    return awaitUntil(() -> deadline);
  }

  /** Waits until {@code deadlineNanos} (read again at every wake-up) has passed; false when closed meanwhile. */
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

  private boolean oldestExpired() {
    return !ready.isEmpty() && ready.peekFirst().remainingNanos() <= 0;
  }

  private void startOne() {
    Path workspace = null;
    try {
      workspace = workspaces.create(UUID.randomUUID());
      SandboxedProcess process = sandbox.start(launches.forWorkspace(workspace));
      Warm warm = new Warm(process, workspace, System.nanoTime());
      boolean keep;
      lock.lock();
      try {
        keep = !closed;
        if (keep) {
          ready.addLast(warm);
        }
      } finally {
        lock.unlock();
      }
      if (!keep) {
        warm.close();
        return;
      }
      process.process().onExit().thenRun(this::signal);
    } catch (IOException | RuntimeException e) {
      LOG.warn("warm process not started language={} error={}", language, e.toString());
      if (workspace != null) {
        workspaces.delete(workspace);
      }
      lock.lock();
      try {
        failuresInARow++;
      } finally {
        lock.unlock();
      }
    }
  }

  private void signal() {
    lock.lock();
    try {
      wake = true;
      lastDiscardNanos = System.nanoTime();
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Stops refilling and kills every waiting process. */
  @Override
  public void close() {
    List<Warm> left;
    lock.lock();
    try {
      closed = true;
      left = new ArrayList<>(ready);
      ready.clear();
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    left.forEach(Warm::close);
    try {
      refiller.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** One started interpreter waiting for its program; closing it kills it and drops its workspace. */
  final class Warm implements AutoCloseable {
    private final SandboxedProcess process;
    private final Path workspace;
    private final long startedNanos;
    private boolean closed;

    private Warm(SandboxedProcess process, Path workspace, long startedNanos) {
      this.process = process;
      this.workspace = workspace;
      this.startedNanos = startedNanos;
    }

    SandboxedProcess process() {
      return process;
    }

    private boolean usable() {
      return process.process().isAlive() && remainingNanos() > 0;
    }

    private long remainingNanos() {
      return MAX_AGE.toNanos() - (System.nanoTime() - startedNanos);
    }

    /** Kills it, removes its cgroup and workspace. */
    @Override
    public void close() {
      synchronized (this) {
        if (closed) {
          return;
        }
        closed = true;
      }
      try {
        process.close();
      } finally {
        workspaces.delete(workspace);
        // Refill now, once this one's processes are gone, rather than at take: the new start
        // then does not compete for a core with the run it was taken for.
        signal();
      }
    }
  }
}
