package dev.livecode.core.internal;

import dev.livecode.core.EngineListener;
import dev.livecode.core.EngineStatus;
import dev.livecode.core.Execution;
import dev.livecode.core.LanguageInfo;
import dev.livecode.core.Limits;
import dev.livecode.core.LivecodeEngine;
import dev.livecode.core.Page;
import dev.livecode.core.RunRequest;
import dev.livecode.core.Session;
import dev.livecode.core.exception.LivecodeException;
import dev.livecode.core.exception.QueueException;
import dev.livecode.core.spi.ExecutionEvents;
import dev.livecode.core.spi.JobQueue;
import dev.livecode.core.spi.LanguageRunner;
import dev.livecode.core.spi.Store;
import dev.livecode.sandbox.Sandbox;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The engine behind {@link dev.livecode.core.Livecode#builder()}. */
public final class DefaultEngine implements LivecodeEngine {
  private static final Logger LOG = LoggerFactory.getLogger(DefaultEngine.class);
  private static final int RECOVERY_BATCH = 500;

  /** Text (source, stdin, output) the finished-execution cache may hold in all, in chars. */
  private static final long FINISHED_CACHE_CHARS = 16L << 20;

  /**
   * How long an ended execution's events stay for a late subscriber, and what the ended ones may
   * weigh in all.
   */
  private static final Duration EVENT_RETENTION = Duration.ofMinutes(5);

  private static final long ENDED_EVENTS_BYTES = 32L << 20;

  /** How long a cancel waits for the run it stopped to be recorded. */
  private static final Duration CANCEL_WAIT = Duration.ofSeconds(30);

  private final EngineConfig config;
  private final Store store;
  private final JobQueue queue;
  private final ExecutionEvents events;
  private final RunnerRegistry runners;
  private final Sandbox sandbox;
  private final Workspaces workspaces;
  private final List<AutoCloseable> owned;
  private final CompletionWaiters waiters = new CompletionWaiters();
  private final FinishedExecutions finished;
  private final ExecutionEvents.Subscription subscription;
  private final ExecutorService io = Executors.newCachedThreadPool(new NamedThreads("io"));
  private final ScheduledExecutorService timers =
      Executors.newSingleThreadScheduledExecutor(new NamedThreads("timer"));
  private final WorkerPool workers;
  private final Map<String, WarmPool> warmPools;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final EngineListener listener;
  private final LiveExecutions live;
  // why: subscribers' callbacks must run on neither a worker's nor an output pump's thread.
  private final ExecutorService delivery =
      Executors.newFixedThreadPool(
          Math.max(2, Runtime.getRuntime().availableProcessors()), new NamedThreads("events"));

  public DefaultEngine(
      EngineConfig config,
      Store store,
      JobQueue queue,
      ExecutionEvents events,
      RunnerRegistry runners,
      Sandbox sandbox,
      Workspaces workspaces,
      List<AutoCloseable> owned,
      EngineListener listener) {
    this.listener = listener;
    this.config = config;
    this.store = store;
    this.queue = queue;
    this.events = events;
    this.runners = runners;
    this.sandbox = sandbox;
    this.workspaces = workspaces;
    this.owned = List.copyOf(owned);
    this.live =
        new LiveExecutions(
            EVENT_RETENTION,
            ENDED_EVENTS_BYTES,
            timers,
            events.liveLogs(),
            sharedLogEntries(config.maxLimits()),
            // why: through the cache of finished executions, so that a watched run's end is read
            // from the store once for both its copied DONE and the clients waiting for its result,
            // whichever of them asks first, rather than once each at the same moment.
            id -> findExecution(id).filter(Execution::isFinished),
            store instanceof InMemoryStore ? (id, kept) -> {} : store::keepEvents,
            io);
    // why: the in-memory store is itself a map by id, so a cache in front of it saves nothing and
    // would only keep alive, and keep serving, executions the store evicted to stay in its budget.
    this.finished =
        new FinishedExecutions(
            store instanceof InMemoryStore ? 0 : config.finishedExecutionCache(),
            FINISHED_CACHE_CHARS);
    this.subscription = events.subscribe(waiters);
    if (!queue.durable()) {
      interruptUnfinished();
    }
    if (config.workers() > 0) {
      sandbox.prepare(ProgramExecutor.sandboxLimits(config.defaultLimits()), config.workers());
    }
    this.warmPools =
        config.workers() > 0
            ? startWarmPools(config, runners, sandbox, workspaces, listener)
            : Map.of();
    ProgramExecutor executor =
        new ProgramExecutor(sandbox, workspaces, io, config.clock(), warmPools);
    this.workers =
        new WorkerPool(
            config.name(),
            config.workers(),
            store,
            queue,
            events,
            runners,
            executor,
            timers,
            config.clock(),
            config.maxAttempts(),
            listener,
            live,
            config.maxStdinBytes(),
            io);
    LOG.info(
        "{} engine started workers={} isolation={} warm_pool={} ready_sandboxes={} pooled_languages={} store={} queue={} durable_queue={} languages={}",
        config.name(),
        config.workers(),
        sandbox.tier(),
        config.warmPool(),
        config.readySandboxes(),
        warmPools.keySet().stream().sorted().toList(),
        store.getClass().getSimpleName(),
        queue.getClass().getSimpleName(),
        queue.durable(),
        runners.infos().stream().map(LanguageInfo::id).toList());
  }

  /**
   * A pool per available language: of warm interpreters where the runner offers a warm command and
   * a size is configured, otherwise of ready sandboxes when those are configured and the runner's
   * programs can use one.
   */
  private static Map<String, WarmPool> startWarmPools(
      EngineConfig config,
      RunnerRegistry runners,
      Sandbox sandbox,
      Workspaces workspaces,
      EngineListener listener) {
    Map<String, WarmPool> pools = new HashMap<>();
    NamedThreads threads = new NamedThreads("warm");
    for (RegisteredRunner runner : runners.all()) {
      if (!runner.probe().available()) {
        continue;
      }
      Optional<LanguageRunner.Command> warm =
          config.warmPool() > 0 ? warmCommand(config, runner) : Optional.empty();
      Optional<ReadySandbox> ready =
          warm.isEmpty() && config.readySandboxes() > 0
              ? readySandbox(config, runner)
              : Optional.empty();
      LanguageRunner.Command command = warm.or(() -> ready.map(ReadySandbox::stage)).orElse(null);
      if (command == null) {
        continue;
      }
      int size = warm.isPresent() ? config.warmPool() : config.readySandboxes();
      Optional<Sandbox> forks =
          warm.isPresent() && config.forkServers() && runner.runner().warmCommandForks()
              ? sandbox.forkServer(
                  ProgramExecutor.launchSpec(
                      "run", command, config.defaultLimits(), workspaces.root(), runner))
              : Optional.empty();
      if (forks.isPresent()) {
        LOG.info(
            "{} warm interpreters forked from a fork server language={}",
            config.name(),
            runner.id());
      }
      pools.put(
          runner.id(),
          new WarmPool(
              runner.id(),
              size,
              forks.orElse(sandbox),
              forks,
              workspaces,
              ready,
              config.defaultLimits(),
              workspace ->
                  ProgramExecutor.launchSpec(
                      "run", command, config.defaultLimits(), workspace, runner),
              threads,
              listener));
    }
    return pools;
  }

  private static Optional<LanguageRunner.Command> warmCommand(
      EngineConfig config, RegisteredRunner runner) {
    try {
      return runner.runner().warmCommand(runner.probe(), runner.settings());
    } catch (RuntimeException e) {
      LOG.warn(
          "{} runner warm command failed, runs start cold language={} error={}",
          config.name(),
          runner.id(),
          e.toString());
      return Optional.empty();
    }
  }

  /** What a ready sandbox of this runner waits for, learnt from an empty program. */
  private static Optional<ReadySandbox> readySandbox(EngineConfig config, RegisteredRunner runner) {
    try {
      return ReadySandbox.of(runner.prepare(""));
    } catch (RuntimeException e) {
      LOG.warn(
          "{} runner cannot prepare an empty program, no ready sandboxes language={} error={}",
          config.name(),
          runner.id(),
          e.toString());
      return Optional.empty();
    }
  }

  /**
   * With a queue that forgets on restart, runs left unfinished by a dead process will never end.
   */
  private void interruptUnfinished() {
    int count = 0;
    List<Execution> batch;
    while (!(batch = store.findUnfinished(RECOVERY_BATCH)).isEmpty()) {
      for (Execution execution : batch) {
        store.finish(
            execution.id(),
            Execution.Result.failedWithoutRun(
                Execution.FailureReason.INTERRUPTED,
                "the server stopped before this run finished; run it again",
                config.clock().instant()));
        count++;
      }
    }
    if (count > 0) {
      LOG.warn("{} executions interrupted by a restart count={}", config.name(), count);
    }
  }

  @Override
  public Session createSession(String owner, String language, String sourceCode) {
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(language, "language");
    Objects.requireNonNull(sourceCode, "sourceCode");
    checkSourceSize(sourceCode);
    RegisteredRunner runner = runners.resolve(language);
    Instant now = config.clock().instant();
    Session session = new Session(config.ids().get(), owner, runner.id(), sourceCode, 1, now, now);
    store.insertSession(session);
    LOG.debug(
        "{} session created id={} language={}", config.name(), session.id(), session.language());
    return session;
  }

  private void checkSourceSize(String sourceCode) {
    // Cheap bound first: a UTF-8 encoding is at most 3 bytes per UTF-16 unit.
    if ((long) sourceCode.length() * 3 > config.maxSourceBytes()
        && sourceCode.getBytes(StandardCharsets.UTF_8).length > config.maxSourceBytes()) {
      throw LivecodeException.InvalidRequest.tooLarge("source_code", config.maxSourceBytes());
    }
  }

  @Override
  public Optional<Session> findSession(UUID sessionId) {
    return store.findSession(Objects.requireNonNull(sessionId, "sessionId"));
  }

  @Override
  public Session getSession(UUID sessionId) {
    return findSession(sessionId)
        .orElseThrow(() -> new LivecodeException.SessionNotFound(sessionId));
  }

  @Override
  public Session updateSession(Session.Update update) {
    Objects.requireNonNull(update, "update");
    update.sourceCode().ifPresent(this::checkSourceSize);
    Session.Update canonical =
        update.language().isPresent()
            ? update.withLanguage(runners.resolve(update.language().get()).id())
            : update;
    return store.updateSession(canonical, config.clock().instant());
  }

  private Limits limits(RunRequest request) {
    Limits defaults =
        request.interactive()
            ? config.defaultLimits().withWallTime(Limits.INTERACTIVE_WALL_TIME)
            : config.defaultLimits();
    return request.limits().resolve(defaults, request.caps().lower(config.maxLimits()));
  }

  @Override
  public Execution run(RunRequest request) {
    Objects.requireNonNull(request, "request");
    // The request's own size first, before the store is asked anything about it.
    if (request.stdin().length() > config.maxStdinBytes()
        || request.stdin().getBytes(StandardCharsets.UTF_8).length > config.maxStdinBytes()) {
      throw LivecodeException.InvalidRequest.tooLarge("stdin", config.maxStdinBytes());
    }
    // why: a durable queue's count is a round trip to another server; it is read while the store
    // works instead of after it. An in-memory count costs less than the hand-off.
    CompletableFuture<JobQueue.Stats> waiting =
        queue.durable() ? CompletableFuture.supplyAsync(queue::stats, this::onIo) : null;
    Store.CreatedExecution created;
    Session session;
    try {
      Limits limits;
      try {
        limits = limits(request);
      } catch (LivecodeException e) {
        // An unknown session, or a language missing here, answers before the limits.
        runners.resolveAvailable(getSession(request.sessionId()).language());
        throw e;
      }
      // why: a store on another server reads the session in the insert's own round trip, so the
      // read costs no round trip of its own, and commits only once the checks below pass. A store
      // that does not (the in-memory one) writes only at the commit, so its session is read before
      // anything is written.
      try (Store.PendingExecution pending =
          store.beginExecution(
              new Store.NewExecution(
                  config.ids().get(),
                  request.sessionId(),
                  request.stdin(),
                  limits,
                  request.idempotencyKey(),
                  config.clock().instant(),
                  request.interactive()))) {
        session = pending.session().orElseGet(() -> getSession(request.sessionId()));
        runners.resolveAvailable(session.language());
        JobQueue.Stats stats = waiting == null ? queue.stats() : Futures.join(waiting);
        if (stats.waiting() >= config.maxWaitingRuns()) {
          throw new LivecodeException.QueueFull(
              stats.waiting(), config.maxWaitingRuns(), Duration.ofSeconds(1));
        }
        created = pending.commit();
      }
    } catch (RuntimeException e) {
      if (waiting != null) {
        waiting.cancel(false);
      }
      throw e;
    }
    Execution execution = created.execution();
    if (!created.created()) {
      LOG.debug(
          "{} run deduplicated by idempotency key id={} session={}",
          config.name(),
          execution.id(),
          session.id());
      return execution;
    }
    // Told before the job is visible to workers, so a listener always hears queued before started.
    listener.executionQueued(execution.id(), execution.language());
    InMemoryEventLog log = live.newLog(execution.id());
    log.status(Execution.Status.QUEUED, false);
    if (live.sharesLogs()) {
      // Whichever node's worker takes it continues the shared log, and its stdin and cancel travel
      // with it: this node keeps nothing of the run.
      live.release(execution.id());
    } else {
      live.register(
          new LiveRun(
              execution.id(),
              log,
              request.interactive()
                  ? Optional.of(
                      new StdinPipe(
                          config.maxStdinBytes(), request.stdin().getBytes(StandardCharsets.UTF_8)))
                  : Optional.empty()));
    }
    try {
      // The execution travels with the job: the worker that takes it need not read it back.
      queue.enqueue(JobQueue.Job.of(execution, session.owner()));
    } catch (QueueException e) {
      // Not accepted: end it now so it is not left QUEUED forever, and let the caller retry.
      Execution.Result refused =
          Execution.Result.failedWithoutRun(
              Execution.FailureReason.INTERNAL_ERROR,
              "the run queue was unreachable; run it again",
              config.clock().instant());
      store.finish(execution.id(), refused);
      live.run(execution.id()).ifPresent(LiveRun::end);
      log.done(execution.finished(refused));
      live.ended(execution.id());
      listener.executionFinished(execution.id(), execution.language(), refused);
      throw e;
    }
    LOG.debug(
        "{} execution queued id={} session={} language={}",
        config.name(),
        execution.id(),
        session.id(),
        execution.language());
    return execution;
  }

  @Override
  public Optional<Execution> findExecution(UUID executionId) {
    Objects.requireNonNull(executionId, "executionId");
    // why: a finished execution never changes, so polling it need not reach the store.
    Optional<Execution> cached = finished.find(executionId);
    if (cached.isPresent()) {
      return cached;
    }
    Optional<Execution> stored = store.findExecution(executionId);
    stored.ifPresent(finished::offer);
    return stored;
  }

  @Override
  public Execution getExecution(UUID executionId) {
    return findExecution(executionId)
        .orElseThrow(
            () ->
                store.evicted(executionId)
                    ? new LivecodeException.ExecutionEvicted(
                        executionId, store.evictedFrom(executionId))
                    : new LivecodeException.ExecutionNotFound(executionId));
  }

  @Override
  public Execution awaitExecution(UUID executionId, Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isZero() || timeout.isNegative()) {
      return getExecution(executionId);
    }
    // Registered before the one read: an end announced while the store answers still wakes it.
    CompletableFuture<ExecutionEvents.Event> ended = waiters.register(executionId);
    try {
      Execution execution = getExecution(executionId);
      if (execution.isFinished()) {
        return execution;
      }
      return endedOrRead(execution, ended.get(timeout.toNanos(), TimeUnit.NANOSECONDS));
    } catch (TimeoutException e) {
      return getExecution(executionId);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    } finally {
      waiters.unregister(executionId, ended);
    }
    return getExecution(executionId);
  }

  @Override
  public CompletableFuture<Execution> awaitExecutionAsync(UUID executionId, Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isZero() || timeout.isNegative()) {
      return CompletableFuture.completedFuture(getExecution(executionId));
    }
    // Registered before the one read: an end announced while the store answers still wakes it.
    CompletableFuture<ExecutionEvents.Event> ended = waiters.register(executionId);
    Execution again;
    try {
      again = getExecution(executionId);
    } catch (RuntimeException e) {
      waiters.unregister(executionId, ended);
      throw e;
    }
    if (again.isFinished()) {
      waiters.unregister(executionId, ended);
      return CompletableFuture.completedFuture(again);
    }
    ended.completeOnTimeout(null, timeout.toNanos(), TimeUnit.NANOSECONDS);
    // why: the end is announced on a worker's (or the queue listener's) thread, and the timeout on
    // the JDK's delay thread; the store read and what the caller chains must block neither.
    Execution before = again;
    return ended.handleAsync(
        (event, error) -> {
          waiters.unregister(executionId, ended);
          return endedOrRead(before, event);
        },
        this::onIo);
  }

  /**
   * The end an event brought, made from what was read before it (and kept like a store read), else
   * the execution as the store has it now: after a timeout, or an end announced without it.
   */
  private Execution endedOrRead(Execution before, ExecutionEvents.Event event) {
    Optional<Execution> ended = event == null ? Optional.empty() : event.endOf(before);
    if (ended.isPresent()) {
      finished.offer(ended.get());
      return ended.get();
    }
    return getExecution(before.id());
  }

  /** The io pool, or the caller once the engine is closed, so that no waiter is left hanging. */
  private void onIo(Runnable task) {
    try {
      io.execute(task);
    } catch (RejectedExecutionException e) {
      task.run();
    }
  }

  /**
   * What a shared log keeps at most: each chunk holds at least one char of the kept output, and
   * statuses, the timeout line and DONE are a few more.
   */
  private static long sharedLogEntries(Limits caps) {
    return 2 * caps.maxOutputBytes() + 64;
  }

  @Override
  public Flow.Publisher<Execution.Event> events(UUID executionId, long afterSequence) {
    Objects.requireNonNull(executionId, "executionId");
    if (afterSequence < 0) {
      throw new LivecodeException.InvalidRequest(
          "the sequence to resume after must be >= 0, was " + afterSequence);
    }
    if (live.sharesLogs()) {
      return sharedEvents(executionId, afterSequence);
    }
    Optional<EventLog> log = live.findLog(executionId);
    if (log.isPresent()) {
      return new EventPublisher(log.get(), afterSequence, delivery);
    }
    Execution now = getExecution(executionId);
    if (!now.isFinished()) {
      // Not started here yet (or run by another node): its events are logged here if a worker here
      // runs it.
      return new EventPublisher(live.log(executionId), afterSequence, delivery);
    }
    return endedEvents(now, afterSequence);
  }

  /** With logs shared between nodes: whichever node runs it, its events come from there. */
  private Flow.Publisher<Execution.Event> sharedEvents(UUID executionId, long afterSequence) {
    Optional<EventLog> log = live.findLog(executionId);
    if (log.isPresent()) {
      return new EventPublisher(log.get(), afterSequence, delivery);
    }
    Execution now = getExecution(executionId);
    if (!now.isFinished() || live.sharedLogExists(executionId)) {
      // One watch of the end per copy, not per subscriber: a crowd of watchers reads the store
      // once.
      EventLog readable =
          live.readable(executionId, made -> endFromTheStoreIfTheLogStops(executionId, made));
      return new EventPublisher(readable, afterSequence, delivery);
    }
    return endedEvents(now, afterSequence);
  }

  /** How long after the end is announced a copied log may still lack its DONE. */
  private static final Duration SHARED_DONE_GRACE = Duration.ofSeconds(3);

  /** How long a copy waits for its execution's end to be announced before it looks again. */
  private static final Duration SHARED_END_WAIT = Duration.ofMinutes(1);

  /**
   * A shared log can stop short of its DONE (Redis lost it, or a writer's entries were refused):
   * the copy's subscribers then get the end from the store, so none waits forever.
   *
   * <p>The store is read only for a copy still without its DONE a grace after the end was
   * announced, or after it began (an end announced before this waits): a watched run whose log is
   * whole costs the store nothing here, where reading its execution at once and again at its end
   * put two or three reads beside the ones of its run and of the clients waiting for it.
   */
  private void endFromTheStoreIfTheLogStops(UUID executionId, EventLog copy) {
    if (copy.complete()) {
      return;
    }
    CompletableFuture<ExecutionEvents.Event> announced = waiters.register(executionId);
    announced.completeOnTimeout(null, SHARED_END_WAIT.toNanos(), TimeUnit.NANOSECONDS);
    announced.whenComplete(
        (ignored, error) -> {
          waiters.unregister(executionId, announced);
          afterGrace(() -> endCopyIfStopped(executionId, copy, true));
        });
    afterGrace(() -> endCopyIfStopped(executionId, copy, false));
  }

  private void afterGrace(Runnable check) {
    try {
      timers.schedule(() -> onIo(check), SHARED_DONE_GRACE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // closing
    }
  }

  /** {@code again}: the copy's only watch of the end, which goes on while the run does. */
  private void endCopyIfStopped(UUID executionId, EventLog copy, boolean again) {
    if (copy.complete() || copy.expired()) {
      return;
    }
    Optional<Execution> now;
    try {
      now = findExecution(executionId);
    } catch (LivecodeException e) {
      now = Optional.empty();
    }
    if (now.isPresent() && now.get().isFinished()) {
      live.endCopyFromTheStore(executionId, now.get());
    } else if (again) {
      endFromTheStoreIfTheLogStops(executionId, copy);
    }
  }

  /** An ended execution without live events here: its kept sequence, else its result. */
  private Flow.Publisher<Execution.Event> endedEvents(Execution now, long afterSequence) {
    Optional<List<ExecutionEvents.LiveLogs.Entry>> kept = store.findEvents(now.id());
    if (kept.isPresent()) {
      return new EventPublisher(LiveExecutions.ofKept(now, kept.get()), afterSequence, delivery);
    }
    UUID executionId = now.id();
    if (afterSequence > 0) {
      throw new LivecodeException.EventsExpired(executionId, afterSequence);
    }
    return new EventPublisher(InMemoryEventLog.ofEnded(now), 0, delivery);
  }

  @Override
  public Optional<Execution.Output> outputSoFar(UUID executionId) {
    Objects.requireNonNull(executionId, "executionId");
    Optional<EventLog> log = live.findLog(executionId).filter(l -> !l.complete());
    if (log.isEmpty() && !live.sharesLogs()) {
      return Optional.empty();
    }
    // The store has the end before the log does: once it is there, the result is what counts.
    if (findExecution(executionId).map(Execution::isFinished).orElse(true)) {
      return Optional.empty();
    }
    if (log.isPresent()) {
      EventLog read = log.get();
      return Optional.of(outputOf((after, max) -> read.after(after, max)));
    }
    return Optional.of(
        outputOf(
            (after, max) ->
                live.readShared(executionId, after, max).stream()
                    // the DONE is last: the store says it ended before it is appended
                    .filter(entry -> entry.kind() != Execution.Event.Kind.DONE)
                    .map(
                        entry ->
                            new Execution.Event(
                                entry.sequence(),
                                entry.kind(),
                                entry.status(),
                                entry.restarted(),
                                entry.text(),
                                Optional.empty()))
                    .toList()));
  }

  /** Reads events above a sequence number, at most so many. */
  private interface EventReader {
    List<Execution.Event> after(long sequence, int max);
  }

  private static Execution.Output outputOf(EventReader log) {
    StringBuilder stdout = new StringBuilder();
    StringBuilder stderr = new StringBuilder();
    long position = 0;
    for (List<Execution.Event> events = log.after(0, 1024);
        !events.isEmpty();
        events = log.after(position, 1024)) {
      for (Execution.Event event : events) {
        position = event.sequence();
        switch (event.kind()) {
          case STATUS -> {
            if (event.restarted()) {
              stdout.setLength(0);
              stderr.setLength(0);
            }
          }
          case STDOUT -> stdout.append(event.text());
          case STDERR -> stderr.append(event.text());
          default -> {}
        }
      }
    }
    return new Execution.Output(stdout.toString(), stderr.toString());
  }

  @Override
  public int sendStdin(UUID executionId, String text) {
    Objects.requireNonNull(text, "text");
    return stdin(executionId, text.getBytes(StandardCharsets.UTF_8), false);
  }

  @Override
  public void closeStdin(UUID executionId) {
    stdin(executionId, new byte[0], true);
  }

  private int stdin(UUID executionId, byte[] bytes, boolean eof) {
    Execution now = getExecution(executionId);
    if (now.isFinished()) {
      throw conflict(now, "has ended; it takes no more stdin");
    }
    if (live.sharesLogs()) {
      return sharedStdin(now, bytes, eof);
    }
    StdinPipe pipe =
        live.run(executionId)
            .flatMap(LiveRun::stdin)
            .orElseThrow(
                () ->
                    conflict(
                        now,
                        "is not interactive (or not run by this engine): its stdin came with the run"));
    switch (pipe.send(bytes, eof)) {
      case CLOSED:
        throw conflict(getExecution(executionId), "has its stdin closed");
      case TOO_LARGE:
        throw LivecodeException.InvalidRequest.tooLarge("stdin", config.maxStdinBytes());
      default:
        return bytes.length;
    }
  }

  /** Stdin for whichever node runs it, through the shared log; the cap counts its first stdin. */
  private int sharedStdin(Execution now, byte[] bytes, boolean eof) {
    if (!now.interactive()) {
      throw conflict(now, "is not interactive: its stdin came with the run");
    }
    long first = now.stdin().getBytes(StandardCharsets.UTF_8).length;
    ExecutionEvents.LiveLogs.Sent sent =
        live.send(
            now.id(),
            ExecutionEvents.LiveLogs.Request.stdin(new String(bytes, StandardCharsets.UTF_8), eof),
            config.maxStdinBytes() - first);
    switch (sent) {
      case STDIN_CLOSED:
        throw conflict(getExecution(now.id()), "has its stdin closed");
      case TOO_LARGE:
        throw LivecodeException.InvalidRequest.tooLarge("stdin", config.maxStdinBytes());
      default:
        return bytes.length;
    }
  }

  private static LivecodeException.ExecutionConflict conflict(Execution execution, String why) {
    return new LivecodeException.ExecutionConflict(
        execution.id(),
        execution.status().name(),
        "execution " + execution.id() + " (" + execution.status() + ") " + why);
  }

  @Override
  public Execution cancel(UUID executionId) {
    Execution now = getExecution(executionId);
    if (now.isFinished()) {
      return cancelledOrConflict(now);
    }
    Optional<LiveRun> run = live.run(executionId);
    if (live.sharesLogs()) {
      // Kept with the log: the node that runs it stops it, and a worker yet to take it never starts
      // it.
      live.send(executionId, ExecutionEvents.LiveLogs.Request.cancel(), 0);
    }
    LiveRun.Claim claim =
        run.map(LiveRun::cancel)
            .orElse(
                now.status() == Execution.Status.QUEUED
                    ? LiveRun.Claim.UNCLAIMED
                    : LiveRun.Claim.ENDED);
    if (claim == LiveRun.Claim.UNCLAIMED && live.sharesLogs()) {
      // Another node's worker may have taken it meanwhile: only the store can tell.
      claim =
          getExecution(executionId).status() == Execution.Status.QUEUED
              ? LiveRun.Claim.UNCLAIMED
              : LiveRun.Claim.CLAIMED;
    }
    if (claim == LiveRun.Claim.UNCLAIMED) {
      // No worker has it: it never starts, and its end is made here.
      Execution.Result cancelled = LiveRun.cancelledUnstarted(config.clock().instant());
      if (store.finish(executionId, cancelled)) {
        live.log(executionId).done(now.finished(cancelled));
        live.ended(executionId);
        events.publish(new ExecutionEvents.Event(executionId, Execution.Status.CANCELLED));
        live.keep(executionId);
        listener.executionFinished(executionId, now.language(), cancelled);
        LOG.info(
            "{} execution cancelled while queued id={} session={}",
            config.name(),
            executionId,
            now.sessionId());
      }
    } else if (claim == LiveRun.Claim.CLAIMED) {
      LOG.info(
          "{} execution cancel asked id={} session={}",
          config.name(),
          executionId,
          now.sessionId());
    }
    Execution after = awaitExecution(executionId, CANCEL_WAIT);
    if (!after.isFinished()) {
      throw conflict(after, "is running where this engine cannot stop it");
    }
    return cancelledOrConflict(after);
  }

  private static Execution cancelledOrConflict(Execution ended) {
    if (ended.status() == Execution.Status.CANCELLED) {
      return ended;
    }
    throw conflict(ended, "already ended");
  }

  @Override
  public Page<Execution> executions(UUID sessionId, Page.Request page) {
    Objects.requireNonNull(page, "page");
    getSession(sessionId);
    return store.listExecutions(sessionId, page);
  }

  @Override
  public List<LanguageInfo> languages() {
    return runners.infos();
  }

  @Override
  public EngineStatus status() {
    OptionalLong depth = OptionalLong.empty();
    OptionalLong live = OptionalLong.empty();
    String problem = "";
    try {
      JobQueue.Stats stats = queue.stats();
      depth = OptionalLong.of(stats.waiting());
      live = stats.liveWorkers();
    } catch (LivecodeException e) {
      problem = "queue unreachable: " + e.getMessage();
    }
    return new EngineStatus(
        problem.isEmpty() && !closed.get(),
        sandbox.tier(),
        enforcedLimits(),
        sandbox.protections(),
        sandbox.gaps(),
        workers.size(),
        depth,
        live,
        closed.get() ? "engine closed" : problem,
        pools());
  }

  private Map<String, EngineStatus.Pool> pools() {
    Map<String, EngineStatus.Pool> pools = new HashMap<>();
    warmPools.forEach(
        (language, pool) ->
            pools.put(language, new EngineStatus.Pool(pool.size(), pool.ready(), pool.taken())));
    return pools;
  }

  @Override
  public SizeCaps sizeCaps() {
    return new SizeCaps(config.maxSourceBytes(), config.maxStdinBytes());
  }

  /** The sandbox's limits, and the output cap, which the engine holds itself on every tier. */
  private List<String> enforcedLimits() {
    List<String> limits = new ArrayList<>(sandbox.enforcedLimits());
    limits.add("output");
    return limits;
  }

  /** What the events of an execution weigh now; 0 without a log (for tests). */
  long eventBytes(UUID executionId) {
    return live.findLog(executionId).map(EventLog::weightBytes).orElse(0L);
  }

  /** How many events an execution's log holds; 0 without a log (for tests). */
  int eventCount(UUID executionId) {
    return live.findLog(executionId).map(log -> log.after(0, Integer.MAX_VALUE).size()).orElse(0);
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    LOG.info("{} engine stopping grace_ms={}", config.name(), config.shutdownGrace().toMillis());
    workers.stop(config.shutdownGrace());
    warmPools.values().forEach(WarmPool::close);
    subscription.close();
    timers.shutdownNow();
    delivery.shutdownNow();
    // Let queued clean-ups (used warm processes' cgroups and workspaces) finish first.
    io.shutdown();
    try {
      io.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    io.shutdownNow();
    runners
        .all()
        .forEach(
            runner -> {
              try {
                runner.runner().close();
              } catch (RuntimeException e) {
                LOG.warn(
                    "{} runner close failed language={} error={}",
                    config.name(),
                    runner.id(),
                    e.toString());
              }
            });
    for (AutoCloseable resource : owned) {
      try {
        resource.close();
      } catch (Exception e) {
        LOG.warn(
            "{} close failed resource={} error={}",
            config.name(),
            resource.getClass().getSimpleName(),
            e.toString());
      }
    }
    workspaces.deleteRoot();
    LOG.info("{} engine stopped", config.name());
  }
}
