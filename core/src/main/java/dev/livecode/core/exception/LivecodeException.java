package dev.livecode.core.exception;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Root of every exception livecode throws. Unchecked: callers catch the subclasses they can act on.
 *
 * @since 0.1
 */
public abstract class LivecodeException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  protected LivecodeException(String message) {
    super(message);
  }

  protected LivecodeException(String message, Throwable cause) {
    super(message, cause);
  }

  /** No code session has the given id. */
  public static final class SessionNotFound extends LivecodeException {
    private static final long serialVersionUID = 1L;
    private final UUID sessionId;

    public SessionNotFound(UUID sessionId) {
      super("no code session " + Objects.requireNonNull(sessionId, "sessionId"));
      this.sessionId = sessionId;
    }

    public UUID sessionId() {
      return sessionId;
    }
  }

  /** No execution has the given id. */
  public static final class ExecutionNotFound extends LivecodeException {
    private static final long serialVersionUID = 1L;
    private final UUID executionId;

    public ExecutionNotFound(UUID executionId) {
      super("no execution " + Objects.requireNonNull(executionId, "executionId"));
      this.executionId = executionId;
    }

    public UUID executionId() {
      return executionId;
    }
  }

  /**
   * The execution existed but its store let it go: the in-memory store evicts the oldest finished
   * executions to stay within its memory budget. Its result is gone for good; a durable store
   * (MySQL) keeps every execution.
   *
   * @since 0.2
   */
  public static final class ExecutionEvicted extends LivecodeException {
    private static final long serialVersionUID = 1L;
    private final UUID executionId;
    private final transient Optional<UUID> sessionId;

    public ExecutionEvicted(UUID executionId) {
      this(executionId, Optional.empty());
    }

    /**
     * @param sessionId the session the execution belonged to, when the store remembers it: its
     *     owner is the execution's, so that a front end tells only the owner the execution is gone
     * @since 0.4
     */
    public ExecutionEvicted(UUID executionId, Optional<UUID> sessionId) {
      super(
          "execution "
              + Objects.requireNonNull(executionId, "executionId")
              + " was evicted from the in-memory store to stay within its memory budget; run it again"
              + " (a MySQL store keeps every execution)");
      this.executionId = executionId;
      this.sessionId = Objects.requireNonNull(sessionId, "sessionId");
    }

    public UUID executionId() {
      return executionId;
    }

    /**
     * The session the execution belonged to, when the store remembers it.
     *
     * @since 0.4
     */
    public Optional<UUID> sessionId() {
      return sessionId == null ? Optional.empty() : sessionId;
    }
  }

  /**
   * A request the engine refuses as given: a field out of range, a limit over its cap, a bad
   * cursor.
   */
  public static final class InvalidRequest extends LivecodeException {
    private static final long serialVersionUID = 1L;
    private final boolean tooLarge;

    public InvalidRequest(String message) {
      this(message, false);
    }

    private InvalidRequest(String message, boolean tooLarge) {
      super(message);
      this.tooLarge = tooLarge;
    }

    /**
     * A source or stdin over the engine's {@linkplain dev.livecode.core.LivecodeEngine#sizeCaps()
     * size caps}.
     *
     * @since 0.3
     */
    public static InvalidRequest tooLarge(String field, int maxBytes) {
      return new InvalidRequest(field + " is larger than " + maxBytes + " bytes of UTF-8", true);
    }

    /**
     * Whether the request was refused for its size rather than its content, so that an HTTP server
     * can answer 413 instead of 400.
     *
     * @since 0.3
     */
    public boolean isTooLarge() {
      return tooLarge;
    }
  }

  /**
   * The execution is not in a state that allows what was asked: stdin for a run that is not
   * interactive, whose stdin is closed or that has ended; cancel of a run that ended other than
   * CANCELLED. An HTTP server answers 409 with {@link #status()}.
   *
   * @since 0.4
   */
  public static final class ExecutionConflict extends LivecodeException {
    private static final long serialVersionUID = 1L;
    private final UUID executionId;
    private final String status;

    public ExecutionConflict(UUID executionId, String status, String message) {
      super(Objects.requireNonNull(message, "message"));
      this.executionId = Objects.requireNonNull(executionId, "executionId");
      this.status = Objects.requireNonNull(status, "status");
    }

    public UUID executionId() {
      return executionId;
    }

    /** The execution's status when it was refused, as {@code Execution.Status} names it. */
    public String status() {
      return status;
    }
  }

  /**
   * The events asked for are no longer kept: the execution ended long enough ago that its event
   * sequence was dropped. Its result is still there; a subscription from the start replays it. An
   * HTTP server answers 410.
   *
   * @since 0.4
   */
  public static final class EventsExpired extends LivecodeException {
    private static final long serialVersionUID = 1L;
    private final UUID executionId;
    private final long after;

    public EventsExpired(UUID executionId, long after) {
      super(
          "the events of execution "
              + Objects.requireNonNull(executionId, "executionId")
              + " after "
              + after
              + " are no longer kept; subscribe from 0 for its result");
      this.executionId = executionId;
      this.after = after;
    }

    public UUID executionId() {
      return executionId;
    }

    /** The sequence number the subscriber asked to resume after. */
    public long after() {
      return after;
    }
  }

  /** The language is not known to this engine, or its interpreter is not available here. */
  public static final class UnsupportedLanguage extends LivecodeException {
    private static final long serialVersionUID = 1L;
    private final String language;

    public UnsupportedLanguage(String language, List<String> installed) {
      super("unknown language '" + language + "'; installed: " + String.join(", ", installed));
      this.language = language;
    }

    public UnsupportedLanguage(String language, String why) {
      super("language '" + language + "' is not available on this server: " + why);
      this.language = language;
    }

    public String language() {
      return language;
    }
  }

  /** An autosave named an expected version that is no longer the stored one. */
  public static final class VersionConflict extends LivecodeException {
    private static final long serialVersionUID = 1L;
    private final UUID sessionId;
    private final long expectedVersion;
    private final long currentVersion;

    public VersionConflict(UUID sessionId, long expectedVersion, long currentVersion) {
      super(
          "code session "
              + sessionId
              + " is at version "
              + currentVersion
              + ", not "
              + expectedVersion
              + "; reload it and apply the change again");
      this.sessionId = sessionId;
      this.expectedVersion = expectedVersion;
      this.currentVersion = currentVersion;
    }

    public UUID sessionId() {
      return sessionId;
    }

    public long expectedVersion() {
      return expectedVersion;
    }

    public long currentVersion() {
      return currentVersion;
    }
  }

  /**
   * More runs are waiting than the engine accepts (backpressure); retry after {@link
   * #retryAfter()}.
   */
  public static final class QueueFull extends LivecodeException {
    private static final long serialVersionUID = 1L;
    private final long waiting;
    private final transient Duration retryAfter;

    public QueueFull(long waiting, long maxWaiting, Duration retryAfter) {
      super(
          waiting
              + " runs are waiting (at most "
              + maxWaiting
              + "); retry in "
              + retryAfter.toSeconds()
              + " s");
      this.waiting = waiting;
      this.retryAfter = retryAfter;
    }

    public long waiting() {
      return waiting;
    }

    public Duration retryAfter() {
      return retryAfter;
    }
  }

  /**
   * The in-memory store cannot take more: live sessions and unfinished runs alone hold its whole
   * memory budget, and only finished executions can be evicted to make room. Retry after {@link
   * #retryAfter()}, when running executions have ended and can go.
   *
   * @since 0.2
   */
  public static final class StoreFull extends LivecodeException {
    private static final long serialVersionUID = 1L;
    private final long liveBytes;
    private final long budgetBytes;
    private final transient Duration retryAfter;

    public StoreFull(long liveBytes, long budgetBytes, Duration retryAfter) {
      super(
          "the in-memory store is full: live sessions and unfinished runs hold "
              + liveBytes
              + " of its "
              + budgetBytes
              + " bytes; retry in "
              + Objects.requireNonNull(retryAfter, "retryAfter").toSeconds()
              + " s, or give it a larger budget, or use a MySQL store");
      this.liveBytes = liveBytes;
      this.budgetBytes = budgetBytes;
      this.retryAfter = retryAfter;
    }

    /** What sessions and unfinished executions hold, in bytes, when the request was refused. */
    public long liveBytes() {
      return liveBytes;
    }

    public long budgetBytes() {
      return budgetBytes;
    }

    public Duration retryAfter() {
      return retryAfter;
    }
  }

  /** A runner jar could not be loaded, or two claim one language: the engine does not start. */
  public static final class RunnerDiscovery extends LivecodeException {
    private static final long serialVersionUID = 1L;

    public RunnerDiscovery(String message) {
      super(message);
    }

    public RunnerDiscovery(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
