package dev.livecode.core;

import dev.livecode.core.exception.LivecodeException;
import dev.livecode.core.internal.DefaultEngine;
import dev.livecode.core.internal.EngineConfig;
import dev.livecode.core.internal.HelperGroup;
import dev.livecode.core.internal.InMemoryStore;
import dev.livecode.core.internal.Listeners;
import dev.livecode.core.internal.RunnerRegistry;
import dev.livecode.core.internal.Workspaces;
import dev.livecode.core.spi.ExecutionEvents;
import dev.livecode.core.spi.JobQueue;
import dev.livecode.core.spi.LanguageRunner;
import dev.livecode.core.spi.Store;
import dev.livecode.sandbox.Isolation;
import dev.livecode.sandbox.Sandbox;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Configures and builds a {@link LivecodeEngine}. Every setting has a documented default; with none
 * set, the engine runs on the in-memory store and queue with the strongest sandbox here.
 */
public final class LivecodeBuilder {
  private static final Logger LOG = LoggerFactory.getLogger(LivecodeBuilder.class);

  /**
   * First host uid programs run as when the engine runs as root: 60000, above the uids people get
   * on Debian.
   */
  public static final int DEFAULT_FIRST_SANDBOX_UID = Sandbox.DEFAULT_FIRST_UID;

  /** Host uids programs may run as at once, from {@link #DEFAULT_FIRST_SANDBOX_UID}: 1000. */
  public static final int DEFAULT_SANDBOX_UID_COUNT = Sandbox.DEFAULT_UID_COUNT;

  /** Worker threads: one per core. */
  public static final int DEFAULT_WORKERS = Runtime.getRuntime().availableProcessors();

  /** Largest source accepted: 256 KiB of UTF-8. */
  public static final int DEFAULT_MAX_SOURCE_BYTES = 256 * 1024;

  /** Largest stdin accepted: 1 MiB of UTF-8. */
  public static final int DEFAULT_MAX_STDIN_BYTES = 1024 * 1024;

  /** Runs waiting before run requests are refused with {@link LivecodeException.QueueFull}. */
  public static final long DEFAULT_MAX_WAITING_RUNS = 10_000;

  /** Deliveries of one job (each ended by a dying worker) before it is dead-lettered. */
  public static final int DEFAULT_MAX_ATTEMPTS = 3;

  /**
   * Warm processes kept per language in the library: none, so an embedding application starts no
   * process it did not ask for (the standalone server turns them on). See {@link #warmPool}.
   *
   * @since 0.2
   */
  public static final int DEFAULT_WARM_POOL = 0;

  /**
   * Ready sandboxes kept per language in the library: none, for the same reason as {@link
   * #DEFAULT_WARM_POOL}. See {@link #readySandboxes}.
   *
   * @since 0.2
   */
  public static final int DEFAULT_READY_SANDBOXES = 0;

  /**
   * Finished executions kept in memory by id, so that reading a finished run again (polling, {@code
   * GET /executions/:id}) does not go to the store. See {@link #finishedExecutionCache}.
   *
   * @since 0.2
   */
  public static final int DEFAULT_FINISHED_EXECUTION_CACHE = 10_000;

  /**
   * What the default in-memory store may hold of sessions and executions: 256 MiB of their source,
   * stdin and output. See {@link #memoryStoreBudgetBytes}.
   *
   * @since 0.2
   */
  public static final long DEFAULT_MEMORY_STORE_BUDGET_BYTES = 256L * 1024 * 1024;

  /** How long close() lets running executions finish. */
  public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(10);

  private String name = "livecode";
  private int workers = DEFAULT_WORKERS;
  private Store store;
  private JobQueue queue;
  private ExecutionEvents events;
  private final List<LanguageRunner> runners = new ArrayList<>();
  private final List<EngineListener> listeners = new ArrayList<>();
  private final Map<String, LanguageRunner.Settings> runnerSettings = new HashMap<>();
  private boolean discoverRunners = true;
  private ClassLoader classLoader = LivecodeBuilder.class.getClassLoader();
  private Limits defaultLimits = Limits.DEFAULTS;
  private Limits maxLimits = Limits.DEFAULT_CAPS;
  private Isolation isolation = Isolation.AUTO;
  private int firstSandboxUid = DEFAULT_FIRST_SANDBOX_UID;
  private int sandboxUidCount = DEFAULT_SANDBOX_UID_COUNT;
  private Path workspaceRoot =
      Path.of(
          System.getProperty("java.io.tmpdir"),
          "livecode-"
              + ProcessHandle.current().pid()
              + "-"
              + Long.toHexString(ThreadLocalRandom.current().nextLong()));
  private int maxSourceBytes = DEFAULT_MAX_SOURCE_BYTES;
  private int maxStdinBytes = DEFAULT_MAX_STDIN_BYTES;
  private long maxWaitingRuns = DEFAULT_MAX_WAITING_RUNS;
  private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
  private Duration shutdownGrace = DEFAULT_SHUTDOWN_GRACE;
  private int warmPool = DEFAULT_WARM_POOL;
  private int readySandboxes = DEFAULT_READY_SANDBOXES;
  private boolean forkServers = true;
  private int finishedExecutionCache = DEFAULT_FINISHED_EXECUTION_CACHE;
  private long memoryStoreBudgetBytes = DEFAULT_MEMORY_STORE_BUDGET_BYTES;
  private boolean memoryStoreBudgetSet;
  private Clock clock = Clock.systemUTC();
  private Supplier<UUID> ids = UUID::randomUUID;

  LivecodeBuilder() {}

  /** A name prefixed to this engine's log lines, for JVMs with several engines. */
  public LivecodeBuilder name(String value) {
    this.name = Objects.requireNonNull(value, "name");
    return this;
  }

  /** Worker threads; 0 makes an API-only engine that queues runs and runs none. */
  public LivecodeBuilder workers(int value) {
    if (value < 0 || value > 1024) {
      throw new IllegalArgumentException("workers must be 0 to 1024, was " + value);
    }
    this.workers = value;
    return this;
  }

  /** The store; the engine does not close a store it was given. Default: in memory. */
  public LivecodeBuilder store(Store value) {
    this.store = Objects.requireNonNull(value, "store");
    return this;
  }

  /**
   * The queue; the engine does not close a queue it was given. Its {@link JobQueue#events()}
   * announce finished runs unless {@link #events} is set. Default: in memory.
   */
  public LivecodeBuilder queue(JobQueue value) {
    this.queue = Objects.requireNonNull(value, "queue");
    return this;
  }

  /**
   * Execution events across nodes, instead of the queue's own; the engine does not close what it
   * was given. Default: the {@link #queue}'s {@link JobQueue#events()}, or events within this JVM
   * when no queue is given.
   */
  public LivecodeBuilder events(ExecutionEvents value) {
    this.events = Objects.requireNonNull(value, "events");
    return this;
  }

  /** Registers a runner; it replaces a discovered runner of the same language. */
  public LivecodeBuilder runner(LanguageRunner value) {
    runners.add(Objects.requireNonNull(value, "runner"));
    return this;
  }

  /**
   * Adds a listener told of every run this engine queues, starts and finishes, and of its warm
   * pools' hits and misses (for metrics); listeners are called in the order they were added.
   * Default: none.
   *
   * @since 0.2
   */
  public LivecodeBuilder listener(EngineListener value) {
    listeners.add(Objects.requireNonNull(value, "listener"));
    return this;
  }

  /** Operator settings for one language (interpreter path, flags, environment). */
  public LivecodeBuilder runnerSettings(String languageId, LanguageRunner.Settings value) {
    runnerSettings.put(
        Objects.requireNonNull(languageId, "languageId").toLowerCase(Locale.ROOT),
        Objects.requireNonNull(value, "settings"));
    return this;
  }

  /** Whether runners on the class path are found through ServiceLoader. Default: true. */
  public LivecodeBuilder discoverRunners(boolean value) {
    this.discoverRunners = value;
    return this;
  }

  /** The class loader runner discovery searches. Default: the one that loaded livecode. */
  public LivecodeBuilder classLoader(ClassLoader value) {
    this.classLoader = Objects.requireNonNull(value, "classLoader");
    return this;
  }

  /** Limits of a run that asks for none. Default: {@link Limits#DEFAULTS}. */
  public LivecodeBuilder defaultLimits(Limits value) {
    this.defaultLimits = Objects.requireNonNull(value, "defaultLimits");
    return this;
  }

  /** The most a run may ask for. Default: {@link Limits#DEFAULT_CAPS}. */
  public LivecodeBuilder maxLimits(Limits value) {
    this.maxLimits = Objects.requireNonNull(value, "maxLimits");
    return this;
  }

  /** The sandbox tier. Default: {@link Isolation#AUTO}, the strongest available. */
  public LivecodeBuilder isolation(Isolation value) {
    this.isolation = Objects.requireNonNull(value, "isolation");
    return this;
  }

  /**
   * The host uids programs run as when the engine runs as root: {@code count} uids from {@code
   * first}, one per program (or waiting warm interpreter) at a time, so no program is ever host
   * root and no two running programs share a uid; a run waits when all are in use. No account of
   * the host may have a uid or gid in the range ({@link #build} fails if one does). A non-root
   * engine runs programs as its own user and ignores this. Default: 60000-60999.
   */
  public LivecodeBuilder sandboxUids(int first, int count) {
    if (first < 1000 || count < 1 || (long) first + count > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "sandboxUids must start at 1000 or above and hold at least one uid, was first="
              + first
              + " count="
              + count);
    }
    this.firstSandboxUid = first;
    this.sandboxUidCount = count;
    return this;
  }

  /**
   * Where per-execution workspaces are made. Default: a private folder of this engine under
   * java.io.tmpdir, removed when the engine closes (a folder that already existed is kept).
   */
  public LivecodeBuilder workspaceRoot(Path value) {
    this.workspaceRoot = Objects.requireNonNull(value, "workspaceRoot");
    return this;
  }

  public LivecodeBuilder maxSourceBytes(int value) {
    this.maxSourceBytes = positive("maxSourceBytes", value);
    return this;
  }

  public LivecodeBuilder maxStdinBytes(int value) {
    this.maxStdinBytes = positive("maxStdinBytes", value);
    return this;
  }

  /** Runs waiting in the queue beyond which run requests are refused. */
  public LivecodeBuilder maxWaitingRuns(long value) {
    this.maxWaitingRuns = positive("maxWaitingRuns", value);
    return this;
  }

  /** Deliveries of a job before it is given up (durable queues). */
  public LivecodeBuilder maxAttempts(int value) {
    this.maxAttempts = positive("maxAttempts", value);
    return this;
  }

  /**
   * Interpreters kept started and waiting, per language whose runner has a {@linkplain
   * LanguageRunner#warmCommand warm command}, so that a run skips the interpreter's start. Each
   * waits in the sandbox under the {@linkplain #defaultLimits default limits}, in a workspace of
   * its own, runs one program and is discarded; they are refilled in the background, and while runs
   * come back to back the pool grows with their rate up to four times this (at most 16) and refills
   * without pausing. Only runs with exactly the default limits and a one-file program without a
   * compile step use them; every other run, and any run when none is ready, starts cold. Sandbox,
   * limits and results are the same either way. Default {@value #DEFAULT_WARM_POOL} (off); an
   * engine without workers keeps none.
   *
   * @since 0.2
   */
  public LivecodeBuilder warmPool(int perLanguage) {
    if (perLanguage < 0 || perLanguage > 64) {
      throw new IllegalArgumentException("warmPool must be 0 to 64, was " + perLanguage);
    }
    this.warmPool = perLanguage;
    return this;
  }

  /**
   * Sandboxes set up ahead of their run, per language that has no warm pool (no {@linkplain
   * #warmPool warm interpreters}, or a runner without a warm command): namespaces, mounts, cgroups
   * and rlimits ready and a tiny shell waiting inside, which writes the program's one file into the
   * workspace and execs the runner's own run command. The interpreter still starts cold, in the
   * run; what leaves the run's path is setting up the sandbox (about 3.5 ms for bwrap here). Used
   * only by runs with exactly the default limits and a one-file program whose run command is the
   * one the sandbox was made for; each runs one program and is discarded, and they are refilled in
   * the background. Default {@value #DEFAULT_READY_SANDBOXES} (off); an engine without workers
   * keeps none.
   *
   * @since 0.2
   */
  public LivecodeBuilder readySandboxes(int perLanguage) {
    if (perLanguage < 0 || perLanguage > 64) {
      throw new IllegalArgumentException("readySandboxes must be 0 to 64, was " + perLanguage);
    }
    this.readySandboxes = perLanguage;
    return this;
  }

  /**
   * Whether the {@linkplain #warmPool warm interpreters} of a runner whose warm command can run in
   * a forked interpreter (Python's: see {@link LanguageRunner#warmCommandForks}) are forked from
   * one pre-initialised interpreter per language, a fork server, where the sandbox offers one
   * (bwrap with the server running as root), instead of each starting an interpreter in bwrap. Each
   * forked interpreter is confined as a cold run is: its own namespaces, cgroup, uid, rlimits and
   * seccomp filter, set up before it reads its program; it costs about half the CPU of a bwrap
   * start, which is what a pool refilled at the rate of the runs spends. Default true; false keeps
   * every warm interpreter on its own bwrap start.
   *
   * @since 0.4
   */
  public LivecodeBuilder forkServers(boolean value) {
    this.forkServers = value;
    return this;
  }

  /**
   * Finished executions kept in memory by id (0: none). A finished execution never changes and
   * durable stores never delete executions, so a cached one is never stale, even when another node
   * finished it; executions still queued or running always come from the store. Besides this count,
   * the cache holds at most about 16 Mi characters of source, stdin and output in all, and skips an
   * execution with more than 1 Mi of them. Not used in front of the in-memory store, which is a map
   * by id already and evicts what the cache would keep alive. Default {@value
   * #DEFAULT_FINISHED_EXECUTION_CACHE}.
   *
   * @since 0.2
   */
  public LivecodeBuilder finishedExecutionCache(int entries) {
    if (entries < 0 || entries > 1_000_000) {
      throw new IllegalArgumentException(
          "finishedExecutionCache must be 0 to 1000000, was " + entries);
    }
    this.finishedExecutionCache = entries;
    return this;
  }

  /**
   * What the default in-memory store (used when no {@link #store store} is given) may hold:
   * sessions and executions, counted by their source, stdin and output as the JVM keeps the text
   * (one byte per character when all are Latin-1, else two), plus a fixed cost each. Past it, the
   * executions that finished first are evicted, and reading one throws {@link
   * LivecodeException.ExecutionEvicted}; when live sessions and unfinished executions alone fill
   * it, creating more throws {@link LivecodeException.StoreFull}. The heap the text takes can be
   * larger (G1 gives an array of half a region or more whole regions of its own). A MySQL store
   * keeps everything durably instead. At least 64 KiB; default {@value
   * #DEFAULT_MEMORY_STORE_BUDGET_BYTES}.
   *
   * @since 0.2
   */
  public LivecodeBuilder memoryStoreBudgetBytes(long value) {
    if (value < InMemoryStore.MIN_BUDGET_BYTES) {
      throw new IllegalArgumentException(
          "memoryStoreBudgetBytes must be at least "
              + InMemoryStore.MIN_BUDGET_BYTES
              + ", was "
              + value);
    }
    this.memoryStoreBudgetBytes = value;
    this.memoryStoreBudgetSet = true;
    return this;
  }

  public LivecodeBuilder shutdownGrace(Duration value) {
    this.shutdownGrace = Objects.requireNonNull(value, "shutdownGrace");
    return this;
  }

  public LivecodeBuilder clock(Clock value) {
    this.clock = Objects.requireNonNull(value, "clock");
    return this;
  }

  public LivecodeBuilder ids(Supplier<UUID> value) {
    this.ids = Objects.requireNonNull(value, "ids");
    return this;
  }

  private static <N extends Number> N positive(String name, N value) {
    if (value.longValue() <= 0) {
      throw new IllegalArgumentException(name + " must be > 0, was " + value);
    }
    return value;
  }

  /**
   * Discovers and probes runners, picks the sandbox, and starts the workers.
   *
   * @throws IllegalArgumentException when the default limits exceed the caps, or a store is given
   *     together with a budget for the default one
   * @throws LivecodeException when runner discovery fails (a broken jar, a duplicate language)
   */
  public LivecodeEngine build() {
    if (!defaultLimits.within(maxLimits)) {
      throw new IllegalArgumentException(
          "defaultLimits " + defaultLimits + " exceed maxLimits " + maxLimits);
    }
    if (store != null && memoryStoreBudgetSet) {
      throw new IllegalArgumentException(
          "memoryStoreBudgetBytes applies to the default in-memory store, but a store"
              + " was given; give that store its own bounds (Store.inMemory(budgetBytes))");
    }
    List<AutoCloseable> owned = new ArrayList<>();
    Store effectiveStore = store != null ? store : Store.inMemory(memoryStoreBudgetBytes);
    JobQueue effectiveQueue = queue != null ? queue : JobQueue.inMemory();
    // A given queue brings its events (and closes them); the engine owns only what it made.
    ExecutionEvents effectiveEvents =
        events != null ? events : queue != null ? queue.events() : ExecutionEvents.local();
    if (store == null) {
      owned.add(effectiveStore);
    }
    if (queue == null) {
      owned.add(effectiveQueue);
    }
    if (events == null && queue == null) {
      owned.add(effectiveEvents);
    }
    Sandbox sandbox = Sandbox.create(isolation, firstSandboxUid, sandboxUidCount);
    HelperGroup helpers = HelperGroup.create(name);
    RunnerRegistry registry;
    try {
      registry =
          RunnerRegistry.create(discoverRunners, runners, runnerSettings, classLoader, helpers)
              .reachableIn(sandbox);
    } catch (RuntimeException e) {
      helpers.close();
      sandbox.close();
      throw e;
    }
    owned.add(sandbox);
    owned.add(helpers); // closed after the runners, which stop their helpers first
    EngineConfig config =
        new EngineConfig(
            name,
            workers,
            defaultLimits,
            maxLimits,
            maxSourceBytes,
            maxStdinBytes,
            maxWaitingRuns,
            maxAttempts,
            shutdownGrace,
            clock,
            ids,
            warmPool,
            readySandboxes,
            forkServers,
            finishedExecutionCache);
    LOG.info(
        "{} configuration workers={} warm_pool={} ready_sandboxes={} fork_servers={} finished_execution_cache={} memory_store_budget_bytes={} isolation={} sandbox_uids={}-{} default_limits={} max_limits={} max_source_bytes={} max_waiting_runs={} workspace_root={}",
        name,
        workers,
        warmPool,
        readySandboxes,
        forkServers,
        finishedExecutionCache,
        store == null ? memoryStoreBudgetBytes : "-",
        isolation,
        firstSandboxUid,
        firstSandboxUid + sandboxUidCount - 1,
        defaultLimits,
        maxLimits,
        maxSourceBytes,
        maxWaitingRuns,
        workspaceRoot);
    return new DefaultEngine(
        config,
        effectiveStore,
        effectiveQueue,
        effectiveEvents,
        registry,
        sandbox,
        new Workspaces(workspaceRoot),
        owned,
        Listeners.of(name, listeners));
  }
}
