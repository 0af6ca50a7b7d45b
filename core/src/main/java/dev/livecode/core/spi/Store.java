package dev.livecode.core.spi;

import dev.livecode.core.Execution;
import dev.livecode.core.Limits;
import dev.livecode.core.LivecodeBuilder;
import dev.livecode.core.Page;
import dev.livecode.core.Session;
import dev.livecode.core.exception.LivecodeException;
import dev.livecode.core.exception.StoreException;
import dev.livecode.core.internal.InMemoryStore;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A store of sessions and executions. One type because a run snapshots a session into an execution
 * atomically. Implementations are thread-safe and wrap their own failures in {@link
 * StoreException}, keeping the cause.
 *
 * @since 0.1
 */
public interface Store extends AutoCloseable {

  /**
   * A thread-safe store in this JVM's memory, within the default budget of {@value
   * LivecodeBuilder#DEFAULT_MEMORY_STORE_BUDGET_BYTES} bytes: see {@link #inMemory(long)}.
   */
  static Store inMemory() {
    return new InMemoryStore(LivecodeBuilder.DEFAULT_MEMORY_STORE_BUDGET_BYTES);
  }

  /**
   * A thread-safe store in this JVM's memory that holds at most {@code budgetBytes} of sessions and
   * executions: their source, stdin and output as the JVM keeps the text (one byte per character
   * when all are Latin-1, else two) plus a fixed cost each. Past the budget, the executions that
   * finished first are evicted: they leave their session's history, their idempotency key is
   * forgotten, and reading one throws {@link
   * dev.livecode.core.exception.LivecodeException.ExecutionEvicted} (for the latest evictions;
   * older ones read as unknown). Live sessions and unfinished executions are never evicted; when
   * they alone fill the budget, creating more throws {@link
   * dev.livecode.core.exception.LivecodeException.StoreFull}. Nothing survives a restart.
   *
   * @throws IllegalArgumentException for a budget under 64 KiB
   * @since 0.2
   */
  static Store inMemory(long budgetBytes) {
    return new InMemoryStore(budgetBytes);
  }

  /**
   * The API keys this store keeps, for stores that keep them (the MySQL store does); empty for the
   * others, whose servers take keys from a file.
   *
   * @since 0.4
   */
  default Optional<ApiKeys> apiKeys() {
    return Optional.empty();
  }

  /** Releases what the store created (its pool); harmless when called twice. */
  @Override
  default void close() {}

  /**
   * Makes stores of one kind, so that an application can choose one by name from its configuration
   * without compiling against it (the standalone server's {@code --store mysql}). Found with {@link
   * java.util.ServiceLoader}: an implementation has a public no-argument constructor and a line in
   * {@code META-INF/services/dev.livecode.core.spi.Store$Provider}.
   *
   * @since 0.3
   */
  interface Provider {
    /** The name it is chosen by, in lower case: {@code mysql}. */
    String name();

    /**
     * A store ready for use, which the caller closes. The settings are keyed by names the provider
     * documents; one not given keeps the provider's default.
     *
     * @throws IllegalArgumentException for a setting the provider does not know, or a bad value
     * @throws dev.livecode.core.exception.StoreException when the store cannot be reached
     */
    Store create(Map<String, String> settings);
  }

  // Sessions. Failures are StoreExceptions that keep their cause.

  /**
   * Stores a new session (version 1).
   *
   * @throws LivecodeException.StoreFull when a store with a memory budget has no room for it
   */
  void insertSession(Session session);

  Optional<Session> findSession(UUID sessionId);

  /**
   * Applies an autosave atomically: the version grows by exactly one per successful call, and an
   * expected version is checked in the same atomic step (never read-then-write).
   *
   * @throws LivecodeException.SessionNotFound when there is no such session
   * @throws LivecodeException.VersionConflict when the expected version is not the stored one
   * @throws LivecodeException.StoreFull when a store with a memory budget has no room for a larger
   *     source
   */
  Session updateSession(Session.Update update, Instant now);

  // Executions. State changes are conditional so that a redelivered job never overwrites a
  // finished execution.

  /**
   * Creates a QUEUED execution that snapshots the session's current language and source, in one
   * atomic step. When an execution with the same idempotency key exists for the session, returns
   * that one with {@code created == false} instead.
   *
   * @throws LivecodeException.SessionNotFound when there is no such session
   * @throws LivecodeException.StoreFull when a store with a memory budget has no room for it
   */
  CreatedExecution createExecution(NewExecution request);

  /**
   * {@link #createExecution} in two steps: its caller commits the returned creation or abandons it
   * by closing it. Until the commit nobody else sees the execution, and an abandoned one leaves
   * nothing behind, not even a claim on its idempotency key. The engine checks what a run needs
   * (the queue's room, the session's language) between the two and commits only once they pass; a
   * store that reads the session in the insert's own step ({@link PendingExecution#session}) saves
   * the engine a read of its own. Default: nothing is written before {@link
   * PendingExecution#commit}, which calls {@link #createExecution}.
   *
   * @throws LivecodeException.SessionNotFound when there is no such session, from here or from the
   *     commit
   * @since 0.6
   */
  default PendingExecution beginExecution(NewExecution request) {
    Objects.requireNonNull(request, "request");
    return new PendingExecution() {
      @Override
      public CreatedExecution commit() {
        return createExecution(request);
      }

      @Override
      public void close() {}
    };
  }

  /**
   * An execution begun by {@link #beginExecution}: {@link #commit} creates it, once; {@link #close}
   * abandons it when it was not committed, and is what a caller's try-with-resources calls.
   *
   * @since 0.6
   */
  interface PendingExecution extends AutoCloseable {
    /**
     * The session as the insert saw it, when the store read it in the same step; empty when the
     * caller reads it itself. Default: empty.
     */
    default Optional<Session> session() {
      return Optional.empty();
    }

    /** As {@link #createExecution} would answer; the execution is visible from now on. */
    CreatedExecution commit();

    @Override
    void close();

    /** A creation that is over already: the earlier execution of a retried idempotency key. */
    static PendingExecution committed(CreatedExecution created) {
      Objects.requireNonNull(created, "created");
      return new PendingExecution() {
        @Override
        public CreatedExecution commit() {
          return created;
        }

        @Override
        public void close() {}
      };
    }
  }

  /**
   * The execution, or empty when there is none: never created, or {@linkplain #evicted evicted}.
   */
  Optional<Execution> findExecution(UUID executionId);

  /**
   * True when this store held the execution and let it go to stay within a memory budget (only the
   * in-memory store does), so that a reader learns it is gone rather than unknown. A store
   * remembers only recent evictions; an id evicted long ago may read as unknown again. Default:
   * false, for stores that keep every execution.
   *
   * @since 0.2
   */
  default boolean evicted(UUID executionId) {
    return false;
  }

  /**
   * The session of an execution this store {@linkplain #evicted evicted}, when it remembers it: the
   * session's owner is the execution's, so that only the owner learns the execution is gone while
   * anybody else gets the same answer as for an unknown id. Default: empty.
   *
   * @since 0.4
   */
  default Optional<UUID> evictedFrom(UUID executionId) {
    return Optional.empty();
  }

  /** QUEUED or RUNNING to RUNNING; false (and no change) when the execution is already final. */
  boolean markRunning(UUID executionId, Instant startedAt);

  /** Stores the result unless the execution is already final; true when this call finished it. */
  boolean finish(UUID executionId, Execution.Result result);

  /**
   * {@code execution} as a read from this store would give it back after it was written: its times
   * at the precision the store keeps. The engine announces an end in this form, so that a node
   * answering from the announcement answers what a store read would. Default: unchanged, for stores
   * that keep values as given.
   *
   * @since 0.5
   */
  default Execution asStored(Execution execution) {
    return execution;
  }

  /**
   * A session's executions, newest first, by keyset pagination.
   *
   * @throws LivecodeException.InvalidRequest for a cursor this store did not make
   */
  Page<Execution> listExecutions(UUID sessionId, Page.Request page);

  /**
   * Keeps the whole event sequence of an ended execution (its last entry the DONE), so that a
   * replay after any restart gives the same events, numbers and text. A store that outlives its
   * process overrides this and {@link #findEvents}; kept once, a second call changes nothing.
   * Default: nothing is kept (the engine then replays an ended execution from its result).
   *
   * @since 0.4
   */
  default void keepEvents(UUID executionId, List<ExecutionEvents.LiveLogs.Entry> events) {}

  /**
   * The event sequence kept for an execution, when there is one.
   *
   * @since 0.4
   */
  default Optional<List<ExecutionEvents.LiveLogs.Entry>> findEvents(UUID executionId) {
    return Optional.empty();
  }

  /** Executions still QUEUED or RUNNING, oldest first, at most {@code limit}. */
  List<Execution> findUnfinished(int limit);

  /**
   * What the engine asks the store to create when Run is pressed.
   *
   * @param interactive kept with the execution ({@link Execution#interactive()}) so that whichever
   *     node runs it keeps its stdin open (since 0.4)
   */
  record NewExecution(
      UUID id,
      UUID sessionId,
      String stdin,
      Limits limits,
      Optional<String> idempotencyKey,
      Instant queuedAt,
      boolean interactive) {

    /** A run whose stdin is {@code stdin} and nothing more. */
    public NewExecution(
        UUID id,
        UUID sessionId,
        String stdin,
        Limits limits,
        Optional<String> idempotencyKey,
        Instant queuedAt) {
      this(id, sessionId, stdin, limits, idempotencyKey, queuedAt, false);
    }

    public NewExecution {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(sessionId, "sessionId");
      Objects.requireNonNull(stdin, "stdin");
      Objects.requireNonNull(limits, "limits");
      Objects.requireNonNull(idempotencyKey, "idempotencyKey");
      Objects.requireNonNull(queuedAt, "queuedAt");
    }
  }

  /** The execution a run request maps to, and whether this request created it. */
  record CreatedExecution(Execution execution, boolean created) {
    public CreatedExecution {
      Objects.requireNonNull(execution, "execution");
    }
  }

  /**
   * API keys kept in a durable {@link Store} (see {@link Store#apiKeys()}), so that keys can be
   * handed out and revoked without editing a file on every node. Only a digest of each key is kept,
   * never the key. Implementations are thread-safe; their failures are {@link
   * dev.livecode.core.exception.StoreException}s that keep the cause.
   *
   * @since 0.4
   */
  interface ApiKeys {

    /**
     * Stores a new key.
     *
     * @throws IllegalStateException when a key with the same id or digest exists already
     */
    void insert(StoredKey key);

    /** Every key, revoked ones too, oldest first. */
    List<StoredKey> list();

    /** Keys not revoked: what a server checks requests against. */
    List<StoredKey> active();

    /**
     * Marks a key revoked from {@code at} on.
     *
     * @return true when this call revoked it; false when there is no such key or it was revoked
     *     before
     */
    boolean revoke(String id, Instant at);

    /**
     * One stored key.
     *
     * @param id names the key in listings and for revocation; says nothing about the key
     * @param tenant whose key it is
     * @param sha256 the lower-case hex SHA-256 digest of the key
     * @param prefix the first characters of the key, so that an operator can tell keys apart
     * @param options the key's options in the key file's syntax ({@code concurrent_runs=2
     *     admin=true}), empty for none
     * @param createdAt when it was made
     * @param revokedAt when it was revoked, empty while it works
     */
    record StoredKey(
        String id,
        String tenant,
        String sha256,
        String prefix,
        String options,
        Instant createdAt,
        Optional<Instant> revokedAt) {
      private static final Pattern HEX_SHA256 = Pattern.compile("[0-9a-f]{64}");

      /** The longest {@link #prefix}: enough to tell keys apart, too little to guess one. */
      public static final int MAX_PREFIX_LENGTH = 12;

      public StoredKey {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(revokedAt, "revokedAt");
        if (id.isBlank() || id.length() > 64) {
          throw new IllegalArgumentException("id must be 1 to 64 characters");
        }
        if (tenant.isBlank() || tenant.length() > 128) {
          throw new IllegalArgumentException("tenant must be 1 to 128 characters");
        }
        if (!HEX_SHA256.matcher(sha256).matches()) {
          throw new IllegalArgumentException("sha256 must be 64 lower-case hex digits");
        }
        if (prefix.length() > MAX_PREFIX_LENGTH) {
          throw new IllegalArgumentException(
              "prefix must be at most " + MAX_PREFIX_LENGTH + " characters");
        }
        if (options.length() > 1024) {
          throw new IllegalArgumentException("options must be at most 1024 characters");
        }
      }
    }
  }
}
