package dev.livecode.core.internal;

import dev.livecode.core.EngineListener;
import dev.livecode.core.Limits;
import dev.livecode.core.spi.LanguageRunner;
import dev.livecode.sandbox.ConfinedProcess;
import dev.livecode.sandbox.LaunchSpec;
import dev.livecode.sandbox.PrestartedPool;
import dev.livecode.sandbox.Sandbox;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pre-started interpreters of one language, each waiting in the sandbox for one program on its
 * stdin (see {@link dev.livecode.core.spi.LanguageRunner#warmCommand}); or, for a language without
 * them, ready sandboxes: the same, with a tiny shell waiting instead of the interpreter (see {@link
 * ReadySandbox}).
 *
 * <p>Each is started through the same {@link Sandbox#start} as a cold run, under the server's
 * default limits, in a fresh empty workspace of its own; it runs at most one program and is then
 * killed and discarded with its workspace and cgroup, so nothing of one user reaches the next.
 *
 * <p>A {@link PrestartedPool} on {@link #STARTERS} threads ({@code livecode-warm-N}) keeps them
 * started: it replaces one that reaches {@link #MAX_AGE}, drops one that dies while waiting and,
 * when that keeps happening (a broken warm command), backs off up to {@link #MAX_BACKOFF}. When
 * runs come back to back it keeps more waiting (see {@link #LEAD_TIME}), never more than {@link
 * #MAX_SIZE}.
 */
final class WarmPool implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WarmPool.class);

  /** A warm process older than this is replaced rather than used. */
  static final Duration MAX_AGE = Duration.ofSeconds(60);

  private static final Duration FIRST_BACKOFF = Duration.ofMillis(200);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  /**
   * How long a refill waits after a take or the end of a process: starting an interpreter takes a
   * core for ~10 ms, which on a 2-core host would otherwise compete with the run, or with its
   * result on its way to the client.
   */
  static final Duration REFILL_DELAY = Duration.ofMillis(20);

  /**
   * About how long a started interpreter takes to wait ready for its program on this kind of host
   * (python ~15 ms, node ~45 ms of CPU): takes that come faster than one per lead time grow the
   * pool, up to {@link #GROWTH} times its size, and refill it without the delay.
   */
  static final Duration LEAD_TIME = Duration.ofMillis(50);

  /** How far a pool grows past its size when runs come back to back. */
  static final int GROWTH = 4;

  /** Starts under way at once when runs come back to back: one start outlasts a warm run. */
  static final int STARTERS = 2;

  /** The most warm processes of one language, however fast runs come. */
  static final int MAX_SIZE = 16;

  private final String language;
  private final Limits limits;
  private final Optional<ReadySandbox> staged;
  private final EngineListener listener;
  private final AtomicLong taken = new AtomicLong();
  private final PrestartedPool<Warm> pool;
  private final Started started;
  private final Optional<Sandbox> forkServer;

  /** Builds the launch of one warm process in a given workspace. */
  interface LaunchSpecs {
    LaunchSpec forWorkspace(Path workspace);
  }

  /**
   * A pool of ready sandboxes ({@code staged} present: each waits in {@link ReadySandbox#STAGE},
   * only for programs that run with exactly {@code staged}'s file and command) or of warm
   * interpreters (absent: any one-file program). {@code forkServer}, when present, is the {@code
   * sandbox} the processes are forked from, which this pool closes with itself.
   */
  WarmPool(
      String language,
      int size,
      Sandbox sandbox,
      Optional<Sandbox> forkServer,
      Workspaces workspaces,
      Optional<ReadySandbox> staged,
      Limits limits,
      LaunchSpecs launches,
      ThreadFactory threads,
      EngineListener listener) {
    this.language = language;
    this.limits = limits;
    this.staged = staged;
    this.listener = listener;
    this.forkServer = forkServer;
    String name = (staged.isPresent() ? "ready-sandboxes-" : "warm-interpreters-") + language;
    this.started =
        new Started(
            sandbox,
            workspaces,
            launches,
            forkServer.isPresent() ? emptyWorkspace(workspaces) : Optional.empty());
    this.pool =
        PrestartedPool.builder(name, started)
            .size(size)
            .maxSize(Math.max(size, Math.min(MAX_SIZE, size * GROWTH)))
            .leadTime(LEAD_TIME)
            .starters(STARTERS)
            .maxAge(MAX_AGE)
            .refillDelay(REFILL_DELAY)
            .backOff(FIRST_BACKOFF, MAX_BACKOFF)
            .threads(threads)
            .start();
  }

  /**
   * The one workspace every start of a fork server's pool names: a forked program's workspace is a
   * tmpfs of its own, made in its sandbox, so a host folder per start would be made and deleted on
   * the host's disk for nothing. Nothing writes to it: the fork server forks only for an empty one
   * that is not written back, and a start it hands to bwrap instead copies its (no) files. Empty (a
   * folder per start) when it cannot be made.
   */
  private static Optional<Path> emptyWorkspace(Workspaces workspaces) {
    try {
      return Optional.of(workspaces.create(UUID.randomUUID()));
    } catch (IOException e) {
      LOG.warn("shared empty workspace not made, one per start error={}", e.toString());
      return Optional.empty();
    }
  }

  /** How many processes it keeps waiting. */
  int size() {
    return pool.size();
  }

  /** The limits every warm process runs under: only a run with exactly these may take one. */
  Limits limits() {
    return limits;
  }

  /**
   * True for a program this pool's processes can run: one file, no compile step (and for ready
   * sandboxes, their file and command).
   */
  boolean accepts(LanguageRunner.Program program) {
    if (program.compile().isPresent() || program.files().size() != 1) {
      return false;
    }
    return staged.map(ready -> ready.accepts(program)).orElse(true);
  }

  /**
   * A live warm process not older than {@link #MAX_AGE}, removed from the pool; when none waits and
   * the processes come from a fork server, one forked now; else empty. The listener hears a hit or
   * a miss either way.
   *
   * <p>Why fork on a miss: a forked start costs a third of the CPU of the cold start a miss would
   * otherwise make (a bwrap spawn and a whole interpreter start-up), and under load, when the pool
   * runs dry, CPU is what a run waits for.
   */
  Optional<Warm> take() {
    Optional<Warm> warm = pool.take();
    if (warm.isPresent()) {
      taken.incrementAndGet();
      listener.warmPoolHit(language);
      return warm;
    }
    listener.warmPoolMiss(language);
    return forkServer.isPresent() ? forkNow() : Optional.empty();
  }

  /** One process forked for the caller; empty (the run starts cold) when the fork fails. */
  private Optional<Warm> forkNow() {
    try {
      Warm forked = started.start();
      taken.incrementAndGet();
      return Optional.of(forked);
    } catch (IOException | RuntimeException e) {
      LOG.warn("forked start failed, run starts cold language={} error={}", language, e.toString());
      return Optional.empty();
    }
  }

  /** Warm processes handed to runs since start, forked ones included (for tests and logs). */
  long taken() {
    return taken.get();
  }

  /** Waiting processes (for tests and logs). */
  int ready() {
    return pool.idle();
  }

  /** Stops refilling and kills every waiting process. */
  @Override
  public void close() {
    pool.close();
    forkServer.ifPresent(Sandbox::close);
    started.shared().ifPresent(started.workspaces()::delete);
  }

  /**
   * How the pool starts, checks and ends a warm process: each in a fresh workspace of its own, or,
   * {@code shared} present, in the forked program's own tmpfs.
   */
  private record Started(
      Sandbox sandbox, Workspaces workspaces, LaunchSpecs launches, Optional<Path> shared)
      implements PrestartedPool.Items<Warm> {
    @Override
    public Warm start() throws IOException {
      if (shared.isPresent()) {
        return new Warm(
            sandbox.start(launches.forWorkspace(shared.get())), Optional.empty(), workspaces);
      }
      Path workspace = workspaces.create(UUID.randomUUID());
      try {
        return new Warm(
            sandbox.start(launches.forWorkspace(workspace)), Optional.of(workspace), workspaces);
      } catch (IOException | RuntimeException e) {
        workspaces.delete(workspace);
        throw e;
      }
    }

    @Override
    public boolean alive(Warm warm) {
      return warm.process.process().isAlive();
    }

    /** Its process's exit: for one taken, the end of its run, after which the refill may start. */
    @Override
    public CompletionStage<?> ended(Warm warm) {
      return warm.process.process().onExit();
    }

    @Override
    public void discard(Warm warm) {
      warm.close();
    }
  }

  /**
   * One started interpreter waiting for its program; closing it kills it and drops its workspace,
   * when it has one of its own.
   */
  static final class Warm implements AutoCloseable {
    private final ConfinedProcess process;
    private final Optional<Path> workspace;
    private final Workspaces workspaces;
    private boolean closed;

    private Warm(ConfinedProcess process, Optional<Path> workspace, Workspaces workspaces) {
      this.process = process;
      this.workspace = workspace;
      this.workspaces = workspaces;
    }

    ConfinedProcess process() {
      return process;
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
        workspace.ifPresent(workspaces::delete);
      }
    }
  }
}
