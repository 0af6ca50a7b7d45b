package dev.livecode.core;

import dev.livecode.core.exception.LivecodeException;
import dev.livecode.core.internal.EndedEvents;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * The engine: code sessions, runs, and the workers that execute them. Build one with {@link
 * Livecode#builder()}; it is thread-safe. Close it to stop its workers.
 *
 * @since 0.1
 */
public interface LivecodeEngine extends AutoCloseable {

  /**
   * Creates a session.
   *
   * @throws LivecodeException.UnsupportedLanguage for an unknown language
   * @throws LivecodeException.InvalidRequest for a source over the size limit
   * @throws LivecodeException.StoreFull when live sessions and unfinished runs fill the in-memory
   *     store's budget
   */
  default Session createSession(String language, String sourceCode) {
    return createSession(Session.ANONYMOUS, language, sourceCode);
  }

  /**
   * Creates a session that belongs to {@code owner}: a front end that knows who asks (a tenant of
   * an API key) keeps each owner's sessions, and their executions, from the others.
   *
   * @param owner 1 to {@value Session#MAX_OWNER_LENGTH} characters; {@link Session#ANONYMOUS} is
   *     what {@link #createSession(String, String)} gives
   * @throws IllegalArgumentException for a blank or too long owner
   * @throws LivecodeException.UnsupportedLanguage for an unknown language
   * @throws LivecodeException.InvalidRequest for a source over the size limit
   * @throws LivecodeException.StoreFull when live sessions and unfinished runs fill the in-memory
   *     store's budget
   * @since 0.4
   */
  Session createSession(String owner, String language, String sourceCode);

  Optional<Session> findSession(UUID sessionId);

  /**
   * @throws LivecodeException.SessionNotFound when there is no such session
   */
  Session getSession(UUID sessionId);

  /**
   * Autosaves: persists the change and increments the version.
   *
   * @throws LivecodeException.SessionNotFound when there is no such session
   * @throws LivecodeException.VersionConflict when {@code expectedVersion} is not the stored
   *     version
   * @throws LivecodeException.StoreFull when a larger source does not fit the in-memory store's
   *     budget
   */
  Session updateSession(Session.Update update);

  /**
   * Snapshots the session's saved source and queues it. Returns at once with a QUEUED execution (or
   * the earlier one for a repeated idempotency key, in whatever state it is now).
   *
   * @throws LivecodeException.SessionNotFound when there is no such session
   * @throws LivecodeException.UnsupportedLanguage when the session's language cannot run here
   * @throws LivecodeException.InvalidRequest for limits over the caps
   * @throws LivecodeException.QueueFull when too many runs are waiting
   * @throws LivecodeException.StoreFull when live sessions and unfinished runs fill the in-memory
   *     store's budget
   */
  Execution run(RunRequest request);

  /**
   * The execution, or empty when there is none (never created, or evicted by the in-memory store).
   */
  Optional<Execution> findExecution(UUID executionId);

  /**
   * @throws LivecodeException.ExecutionNotFound when there is no such execution
   * @throws LivecodeException.ExecutionEvicted when the in-memory store evicted it to stay within
   *     its budget
   */
  Execution getExecution(UUID executionId);

  /**
   * Waits until the execution has ended or {@code timeout} has passed, then returns it as it is.
   *
   * @throws LivecodeException.ExecutionNotFound when there is no such execution
   * @throws LivecodeException.ExecutionEvicted when the in-memory store evicted it to stay within
   *     its budget
   */
  Execution awaitExecution(UUID executionId, Duration timeout);

  /**
   * {@link #awaitExecution} without a thread held while it waits: the future completes with the
   * execution as it is once it has ended or {@code timeout} has passed. A server parks a long poll
   * on it instead of blocking a request thread per waiting client.
   *
   * <p>The engine of {@link Livecode#builder()} completes the future on one of its own threads,
   * never on the caller's or on a worker's, so what is chained to it may block briefly. This
   * default, for other implementations, waits on a common-pool thread instead.
   *
   * @throws LivecodeException.ExecutionNotFound when there is no such execution (thrown at once,
   *     not through the future)
   * @since 0.1
   */
  default CompletableFuture<Execution> awaitExecutionAsync(UUID executionId, Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    Execution now = getExecution(executionId);
    if (now.isFinished() || timeout.isZero() || timeout.isNegative()) {
      return CompletableFuture.completedFuture(now);
    }
    return CompletableFuture.supplyAsync(() -> awaitExecution(executionId, timeout));
  }

  /**
   * The execution's events after sequence number {@code afterSequence} (0: all of them), as they
   * come: status changes, output chunks as the program writes them, and DONE last, after which the
   * subscriber is completed. Resuming after the last number a subscriber saw repeats and skips
   * nothing. An execution that has ended replays what is kept of it. Each subscriber gets events as
   * fast as it {@linkplain Flow.Subscription#request requests} them, on one of the engine's
   * delivery threads (so {@code onNext} must not block: ask for less instead); one that asks
   * slowly, or not at all, only falls behind and holds no thread and no copy of the output.
   *
   * <p>A {@link Flow.Publisher} because it is the JDK's demand-driven stream (the Reactive Streams
   * interfaces, as {@code java.net.http} uses them): back-pressure and cancellation come with it,
   * and adapters to Reactor, RxJava or Mutiny exist already.
   *
   * <p>The engine of {@link Livecode#builder()} keeps an ended execution's events for some minutes
   * (within a memory budget); after that a subscriber still behind gets {@link
   * LivecodeException.EventsExpired} through {@code onError}, and a subscription from 0 replays the
   * result in one chunk per stream. This default, for engines that keep no live events, does that
   * once the execution has ended.
   *
   * @throws LivecodeException.ExecutionNotFound when there is no such execution (thrown at once)
   * @throws LivecodeException.EventsExpired when {@code afterSequence > 0} and the events are no
   *     longer kept
   * @since 0.4
   */
  default Flow.Publisher<Execution.Event> events(UUID executionId, long afterSequence) {
    return EndedEvents.of(this, executionId, afterSequence);
  }

  /**
   * The output a running execution has written so far. Empty when it is not running here with live
   * events (it has ended: its result has the output; it is queued; another node runs it and no
   * shared {@code ExecutionEvents} carry its events), and in this default, which keeps no live
   * output.
   *
   * @since 0.4
   */
  default Optional<Execution.Output> outputSoFar(UUID executionId) {
    Objects.requireNonNull(executionId, "executionId");
    return Optional.empty();
  }

  /**
   * Sends {@code text} to the stdin of an {@linkplain RunRequest#interactive() interactive} run, in
   * order after what was sent before (the run's own stdin first). Sent while the run is still
   * QUEUED, it is delivered when the program starts. Returns the bytes of UTF-8 accepted.
   *
   * @throws LivecodeException.ExecutionNotFound when there is no such execution
   * @throws LivecodeException.ExecutionConflict when the run is not interactive, its stdin is
   *     closed or it has ended (this default: always, no run of it being interactive)
   * @throws LivecodeException.InvalidRequest {@linkplain
   *     LivecodeException.InvalidRequest#isTooLarge() too large} when all the run's stdin would
   *     exceed {@link SizeCaps#maxStdinBytes()}; nothing is then sent
   * @since 0.4
   */
  default int sendStdin(UUID executionId, String text) {
    Execution execution = getExecution(executionId);
    throw new LivecodeException.ExecutionConflict(
        executionId, execution.status().name(), "this engine runs nothing interactively");
  }

  /**
   * Closes the stdin of an interactive run after what was sent: the program reads end-of-file.
   *
   * @throws LivecodeException.ExecutionNotFound when there is no such execution
   * @throws LivecodeException.ExecutionConflict when the run is not interactive, its stdin is
   *     already closed or it has ended
   * @since 0.4
   */
  default void closeStdin(UUID executionId) {
    sendStdin(executionId, "");
  }

  /**
   * Cancels an execution and returns it once it has stopped, CANCELLED. A QUEUED one never starts;
   * a RUNNING one has its whole process tree killed through the sandbox, and keeps the output it
   * wrote. Cancelling a CANCELLED execution again returns it as it is.
   *
   * @throws LivecodeException.ExecutionNotFound when there is no such execution
   * @throws LivecodeException.ExecutionConflict when it ended otherwise (this default: also when it
   *     has not ended, as it cannot stop runs)
   * @since 0.4
   */
  default Execution cancel(UUID executionId) {
    Execution execution = getExecution(executionId);
    if (execution.status() == Execution.Status.CANCELLED) {
      return execution;
    }
    throw new LivecodeException.ExecutionConflict(
        executionId,
        execution.status().name(),
        "execution "
            + executionId
            + " is "
            + execution.status()
            + "; this engine cannot cancel it");
  }

  /**
   * A session's executions, newest first.
   *
   * @throws LivecodeException.SessionNotFound when there is no such session
   * @throws LivecodeException.InvalidRequest for a cursor this store did not make
   */
  Page<Execution> executions(UUID sessionId, Page.Request page);

  /** The languages this engine knows, available or not. */
  List<LanguageInfo> languages();

  /** Health: sandbox tier, enforced limits, queue depth. */
  EngineStatus status();

  /**
   * The largest source and stdin this engine accepts, so that a front end can bound what it reads
   * before handing it over (the engine refuses larger ones itself, with {@link
   * LivecodeException.InvalidRequest#isTooLarge()}). The engine of {@link Livecode#builder()} gives
   * what {@link LivecodeBuilder#maxSourceBytes} and {@link LivecodeBuilder#maxStdinBytes} set; this
   * default, for other implementations, the builder's defaults.
   *
   * @since 0.3
   */
  default SizeCaps sizeCaps() {
    return SizeCaps.DEFAULTS;
  }

  /** Stops taking runs, lets running ones finish (bounded), and closes what the engine created. */
  @Override
  void close();

  /**
   * Size caps of what a request hands the engine, in bytes of UTF-8.
   *
   * @param maxSourceBytes the largest source of a session
   * @param maxStdinBytes the largest stdin of a run
   * @since 0.3
   */
  record SizeCaps(int maxSourceBytes, int maxStdinBytes) {
    /**
     * {@link LivecodeBuilder#DEFAULT_MAX_SOURCE_BYTES} and {@link
     * LivecodeBuilder#DEFAULT_MAX_STDIN_BYTES}.
     */
    public static final SizeCaps DEFAULTS =
        new SizeCaps(
            LivecodeBuilder.DEFAULT_MAX_SOURCE_BYTES, LivecodeBuilder.DEFAULT_MAX_STDIN_BYTES);

    public SizeCaps {
      if (maxSourceBytes < 1 || maxStdinBytes < 1) {
        throw new IllegalArgumentException(
            "size caps must be > 0, were source=" + maxSourceBytes + " stdin=" + maxStdinBytes);
      }
    }
  }
}
