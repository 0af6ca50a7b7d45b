package dev.livecode.runner.node.internal;

import dev.livecode.core.spi.LanguageRunner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Node processes that have loaded the TypeScript compiler and turn TypeScript into JavaScript on
 * request: spawning a transpiler per run costs 170-490 ms, a warm one about 1 ms.
 *
 * <p>A small elastic pool, because one source can keep a transpiler busy for its run's whole time
 * limit (TypeScript's parser takes exponential time on some inputs): each transpile borrows a
 * process of its own, so no transpile waits behind another's. {@value #SPARE} process is kept ready
 * beyond those in use, and one more is started for each transpile that finds none ready, up to
 * {@link #maxProcesses}; beyond that a transpile waits for one to come back, within its time limit.
 * The lock here guards only the pool's bookkeeping and is never held while a process works.
 *
 * <p>The processes run outside the sandbox, because they only parse text and never run user code,
 * and are bounded instead: a minimal environment, a V8 heap cap, the time limit of the run that
 * asked (after which the process is killed and replaced), and the engine's helper group, which caps
 * all of them together to one core where the host has cgroups. A process joins that group once it
 * has loaded the compiler: its start reads no user text, and a start that queued behind the runaway
 * transpiles it is meant to relieve would leave small programs waiting.
 */
public final class WarmTranspiler implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WarmTranspiler.class);
  private static final AtomicInteger STARTERS = new AtomicInteger();

  /** Most transpiler processes at once: each holds about 120 MB. */
  public static final int DEFAULT_MAX_PROCESSES = 4;

  /** Processes kept ready beyond those in use. */
  public static final int SPARE = 1;

  /** Longest a process may take to load the compiler (the machine may be busy). */
  public static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);

  /** V8 old-space cap of each transpiler process, in MiB. */
  public static final int MAX_OLD_SPACE_MIB = TranspilerProcess.MAX_OLD_SPACE_MIB;

  /** What a transpile gave. */
  public enum Kind {
    /** The text is the JavaScript. */
    JAVASCRIPT,
    /** The source does not compile: the text is the diagnostics. */
    DIAGNOSTICS,
    /** The time limit ran out (waiting for a process, or transpiling): the text says which. */
    TIMED_OUT,
    /** The process died on this source: the text says so. */
    CRASHED
  }

  /**
   * What one transpile gave.
   *
   * @param kind what the text is
   * @param text the JavaScript, the diagnostics, or what went wrong
   * @param transpiling how long the source was in a transpiler (not waiting for one)
   */
  public record Outcome(Kind kind, String text, Duration transpiling) {
    public Outcome {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(text, "text");
      Objects.requireNonNull(transpiling, "transpiling");
    }

    public static Outcome javascript(String text) {
      return new Outcome(Kind.JAVASCRIPT, text, Duration.ZERO);
    }

    public static Outcome diagnostics(String text) {
      return new Outcome(Kind.DIAGNOSTICS, text, Duration.ZERO);
    }

    public boolean compiled() {
      return kind == Kind.JAVASCRIPT;
    }

    /** The same source always gives this outcome, so it may be cached. */
    public boolean definitive() {
      return kind == Kind.JAVASCRIPT || kind == Kind.DIAGNOSTICS;
    }
  }

  private final Path node;
  private final TypeScriptLibrary library;
  private final LanguageRunner.HelperProcesses helpers;
  private final int maxProcesses;
  private final ExecutorService starter =
      Executors.newCachedThreadPool(
          runnable -> {
            Thread thread =
                new Thread(runnable, "livecode-typescript-start-" + STARTERS.incrementAndGet());
            thread.setDaemon(true);
            return thread;
          });
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  // Guarded by lock:
  private final Deque<TranspilerProcess> ready = new ArrayDeque<>();
  private final Set<TranspilerProcess> all = new HashSet<>();
  private final Set<TranspilerProcess> lent = new HashSet<>();
  private int live; // started or starting, not yet given up
  private int starting;
  private int waiting;
  private long failedStarts;

  /** Whether any process has loaded the compiler yet: until then the pool itself is starting. */
  private boolean everReady;

  private String lastStartFailure = "";
  private boolean closed;

  public WarmTranspiler(
      Path node,
      TypeScriptLibrary library,
      LanguageRunner.HelperProcesses helpers,
      int maxProcesses) {
    this.node = Objects.requireNonNull(node, "node");
    this.library = Objects.requireNonNull(library, "library");
    this.helpers = Objects.requireNonNull(helpers, "helpers");
    if (maxProcesses < 1) {
      throw new IllegalArgumentException("maxProcesses must be at least 1, was " + maxProcesses);
    }
    this.maxProcesses = maxProcesses;
  }

  /** Starts the spare process in the background, so the first run does not wait for it. */
  public void warmUpInBackground() {
    lock.lock();
    try {
      topUp();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Transpiles one program within {@code timeLimit}, waiting for a process included.
   *
   * @throws IllegalStateException when no transpiler can be started, or after close
   */
  public Outcome transpile(String source, Duration timeLimit) {
    byte[] bytes = source.getBytes(StandardCharsets.UTF_8);
    long deadline = System.nanoTime() + timeLimit.toNanos();
    boolean poolStarting = poolStarting();
    // While the pool has never had a ready process (the server just started and the first
    // compiler is still loading, which takes seconds on a busy host) the wait is the server's,
    // not the program's: it may last up to STARTUP_TIMEOUT, and the transpile then gets the run's
    // whole time limit.
    TranspilerProcess process =
        borrow(poolStarting ? System.nanoTime() + STARTUP_TIMEOUT.toNanos() : deadline);
    if (process == null) {
      LOG.warn(
          "typescript transpiler none free ms={} max_processes={}",
          timeLimit.toMillis(),
          maxProcesses);
      return new Outcome(
          Kind.TIMED_OUT,
          "main.ts: error: no TypeScript compiler was free within "
              + timeLimit.toMillis()
              + " ms\n",
          Duration.ZERO);
    }
    long sent = System.nanoTime();
    long transpileDeadline = poolStarting ? sent + timeLimit.toNanos() : deadline;
    TranspilerProcess.Reply reply =
        process.request(bytes, Duration.ofNanos(Math.max(0, transpileDeadline - sent)));
    Duration transpiling = Duration.ofNanos(System.nanoTime() - sent);
    if (reply == null) {
      LOG.warn(
          "typescript transpiler timed out ms={} pid={}; replacing it",
          transpiling.toMillis(),
          process.pid());
      discard(process);
      return new Outcome(
          Kind.TIMED_OUT,
          "main.ts: error: the TypeScript compiler did not finish within "
              + timeLimit.toMillis()
              + " ms\n",
          transpiling);
    }
    if (reply == TranspilerProcess.Reply.DEAD) {
      LOG.warn(
          "typescript transpiler died pid={} stderr=\"{}\"; replacing it",
          process.pid(),
          process.stderrTail());
      discard(process);
      return new Outcome(
          Kind.CRASHED,
          "main.ts: error: the TypeScript compiler stopped while compiling this program\n",
          transpiling);
    }
    giveBack(process);
    LOG.debug(
        "typescript transpiled bytes={} compiled={} us={}",
        bytes.length,
        reply.ok(),
        transpiling.toNanos() / 1000);
    return new Outcome(reply.ok() ? Kind.JAVASCRIPT : Kind.DIAGNOSTICS, reply.text(), transpiling);
  }

  /** Whether no process has loaded the compiler yet. */
  private boolean poolStarting() {
    lock.lock();
    try {
      return !everReady;
    } finally {
      lock.unlock();
    }
  }

  /** A ready process, or null when none was had by {@code deadline}. */
  private TranspilerProcess borrow(long deadline) {
    lock.lock();
    try {
      long failuresBefore = failedStarts;
      while (true) {
        if (closed) {
          throw new IllegalStateException("the TypeScript runner is closed");
        }
        TranspilerProcess process = ready.pollFirst();
        if (process != null && !process.isAlive()) {
          LOG.warn(
              "typescript transpiler exited pid={} stderr=\"{}\"; replacing it",
              process.pid(),
              process.stderrTail());
          forget(process);
          continue;
        }
        if (process != null) {
          lent.add(process);
          topUp(); // the spare for the next transpile
          return process;
        }
        if (failedStarts != failuresBefore && starting == 0) {
          throw new IllegalStateException(
              "the TypeScript compiler did not start: " + lastStartFailure);
        }
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
          return null;
        }
        waiting++;
        try {
          topUp();
          changed.awaitNanos(remaining);
        } finally {
          waiting--;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } finally {
      lock.unlock();
    }
  }

  /** Starts processes (lock held) until every waiting transpile and the spare have one coming. */
  private void topUp() {
    while (!closed && ready.size() + starting < SPARE + waiting && live < maxProcesses) {
      live++;
      starting++;
      try {
        starter.execute(this::startOne);
      } catch (RejectedExecutionException e) {
        live--;
        starting--;
        return;
      }
    }
  }

  private void startOne() {
    long started = System.nanoTime();
    TranspilerProcess process = null;
    String failure;
    try {
      process = TranspilerProcess.start(node, library);
      if (!track(process)) {
        return;
      }
      TranspilerProcess.Reply hello = process.await(STARTUP_TIMEOUT);
      if (hello != null && hello != TranspilerProcess.Reply.DEAD && hello.ok()) {
        boolean capped = helpers.confine(process.handle());
        LOG.info(
            "typescript transpiler started pid={} typescript={} node={} cpu_capped={} ms={}",
            process.pid(),
            hello.text(),
            node,
            capped,
            (System.nanoTime() - started) / 1_000_000);
        ready(process);
        return;
      }
      failure =
          hello == null
              ? "no answer within " + STARTUP_TIMEOUT.toSeconds() + " s"
              : process.stderrTail();
    } catch (RuntimeException e) {
      failure = e.getMessage();
    }
    if (process != null) {
      process.kill();
    }
    LOG.warn("typescript transpiler did not start error=\"{}\"; the next run tries again", failure);
    lock.lock();
    try {
      if (process != null) {
        all.remove(process);
      }
      live--;
      starting--;
      failedStarts++;
      lastStartFailure = failure;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Registers a process being started, so close() finds it; false (and it is killed) after close.
   */
  private boolean track(TranspilerProcess process) {
    lock.lock();
    try {
      if (closed) {
        live--;
        starting--;
        process.kill();
        return false;
      }
      all.add(process);
      return true;
    } finally {
      lock.unlock();
    }
  }

  private void ready(TranspilerProcess process) {
    lock.lock();
    try {
      starting--;
      if (closed) {
        process.kill();
        return;
      }
      everReady = true;
      ready.offerFirst(process);
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void giveBack(TranspilerProcess process) {
    lock.lock();
    try {
      if (closed) {
        process.kill();
        return;
      }
      lent.remove(process);
      ready.offerFirst(process); // the last used first: its code paths are the warmest
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Kills a process that timed out or died, and starts its replacement if one is wanted. */
  private void discard(TranspilerProcess process) {
    process.kill();
    lock.lock();
    try {
      forget(process);
    } finally {
      lock.unlock();
    }
  }

  private void forget(TranspilerProcess process) {
    lent.remove(process);
    if (all.remove(process)) {
      live--;
    }
    topUp();
    changed.signalAll();
  }

  /** Pids of the processes up now, ready or busy (for tests). */
  public List<Long> pids() {
    lock.lock();
    try {
      return all.stream()
          .filter(TranspilerProcess::isAlive)
          .map(TranspilerProcess::pid)
          .sorted()
          .toList();
    } finally {
      lock.unlock();
    }
  }

  /** Processes transpiling now (for tests). */
  public int busy() {
    lock.lock();
    try {
      return lent.size();
    } finally {
      lock.unlock();
    }
  }

  /** Processes ready now (for tests). */
  public int ready() {
    lock.lock();
    try {
      return ready.size();
    } finally {
      lock.unlock();
    }
  }

  /** Stops every process; a transpile in progress ends as crashed. Calling it twice is harmless. */
  @Override
  public void close() {
    List<TranspilerProcess> stopping;
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      stopping = new ArrayList<>(all);
      all.clear();
      lent.clear();
      ready.clear();
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    stopping.forEach(TranspilerProcess::kill);
    starter.shutdownNow();
    if (!stopping.isEmpty()) {
      LOG.info(
          "typescript transpilers stopped pids={}",
          stopping.stream().map(TranspilerProcess::pid).toList());
    }
  }
}
