package dev.livecode.store.mysql;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.livecode.core.Execution;
import dev.livecode.core.Page;
import dev.livecode.core.Session;
import dev.livecode.core.exception.LivecodeException;
import dev.livecode.core.exception.StoreException;
import dev.livecode.core.spi.ExecutionEvents;
import dev.livecode.core.spi.Store;
import dev.livecode.store.mysql.internal.Cursors;
import dev.livecode.store.mysql.internal.EventCodec;
import dev.livecode.store.mysql.internal.GroupCommit;
import dev.livecode.store.mysql.internal.JdbcUrls;
import dev.livecode.store.mysql.internal.Migrations;
import dev.livecode.store.mysql.internal.MySqlApiKeys;
import dev.livecode.store.mysql.internal.Rows;
import dev.livecode.store.mysql.internal.SqlErrors;
import dev.livecode.store.mysql.internal.Statements;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A durable {@link Store} on MySQL 8.0+ or MariaDB 10.6+. Sessions and every execution, with its
 * output, survive restarts and are shared by every server node that points at the same database.
 *
 * <pre>{@code
 * Store store = MySqlStore.builder()
 *     .jdbcUrl("jdbc:mysql://127.0.0.1:3306/livecode")
 *     .username("livecode")
 *     .password(System.getenv("LIVECODE_MYSQL_PASSWORD"))
 *     .build();
 * LivecodeEngine engine = Livecode.builder().store(store).build();
 * }</pre>
 *
 * <p>Autosaves are one short transaction whose version check and increment happen in the database
 * (a conditional {@code UPDATE}); a run's snapshot of the session is taken by the statement that
 * inserts the execution; idempotency keys are unique per session through a unique index, so
 * concurrent duplicates from any node resolve to one execution.
 *
 * <p>An application that chooses its store by name finds this one as the {@link Store.Provider}
 * named {@code mysql}, with the settings {@code url}, {@code user}, {@code password}, {@code
 * pool-size} and {@code table-prefix}.
 *
 * @since 0.1
 */
public final class MySqlStore implements Store {
  private static final Logger LOG = LoggerFactory.getLogger(MySqlStore.class);

  /** Connections in the pool the store creates (not used with a host-owned DataSource). */
  public static final int DEFAULT_POOL_SIZE = 10;

  /** Prefix of every table, including the Flyway history table {@code livecode_schema_history}. */
  public static final String DEFAULT_TABLE_PREFIX = "livecode_";

  /** How long to wait for a connection, from the pool or from the server when connecting. */
  public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(5);

  /** The name of the Hikari pool the store creates; Hikari prefixes its log lines with it. */
  public static final String POOL_NAME = "livecode-mysql";

  private static final int MAX_POOL_SIZE = 1_000;
  private static final int MAX_PREFIX_LENGTH = 32;
  private static final Pattern PREFIX = Pattern.compile("[a-z0-9_]*");
  private static final int MAX_ATTEMPTS = 3;

  /** Enough for the default 1 MiB output cap on both streams, even if all of it is U+FFFD. */
  private static final long MIN_PACKET_BYTES = 16L << 20;

  /**
   * Threads that apply autosaves in shared transactions. One: on the 2-core CI machine, one writer
   * made batches large enough to beat two or four writers (7,700 and 6,700 PATCH/s at 32
   * connections, against 5,700 with two and 4,100 with four); each writer holds a connection.
   */
  private static final int AUTOSAVE_WRITERS = 1;

  private final DataSource dataSource;
  private final HikariDataSource ownedPool;
  private final Statements sql;
  private final String description;
  private final MySqlApiKeys apiKeys;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final GroupCommit autosaves;

  /**
   * The store's own pool lets one statement text hold several statements (allowMultiQueries): a
   * host's DataSource may not, so the store sends them one by one there.
   */
  private final boolean multiStatements;

  private MySqlStore(
      DataSource dataSource, HikariDataSource ownedPool, String tablePrefix, String description) {
    this.dataSource = dataSource;
    this.ownedPool = ownedPool;
    this.multiStatements = ownedPool != null;
    this.sql = new Statements(tablePrefix);
    this.description = description;
    this.apiKeys = new MySqlApiKeys(dataSource, tablePrefix);
    this.autosaves =
        new GroupCommit(
            dataSource, sql, AUTOSAVE_WRITERS, POOL_NAME + "-writer-", this::updateAlone);
  }

  /** Starts the configuration of a store. */
  public static Builder builder() {
    return new Builder();
  }

  // ---------------------------------------------------------------- sessions

  /**
   * @throws IllegalStateException when a session with this id exists already
   */
  @Override
  public void insertSession(Session session) {
    Objects.requireNonNull(session, "session");
    withConnection(
        "insert code session " + session.id(),
        c -> {
          try (PreparedStatement s = c.prepareStatement(sql.insertSession)) {
            s.setBytes(1, Rows.bytes(session.id()));
            s.setString(2, session.owner());
            s.setString(3, session.language());
            s.setString(4, session.sourceCode());
            s.setLong(5, session.version());
            Rows.setInstant(s, 6, session.createdAt());
            Rows.setInstant(s, 7, session.updatedAt());
            s.executeUpdate();
          } catch (SQLException e) {
            if (SqlErrors.isDuplicateKey(e)) {
              throw new IllegalStateException("session " + session.id() + " exists already", e);
            }
            throw e;
          }
          return null;
        });
  }

  @Override
  public Optional<Session> findSession(UUID sessionId) {
    Objects.requireNonNull(sessionId, "sessionId");
    return withConnection("read code session " + sessionId, c -> readSession(c, sessionId));
  }

  /**
   * Autosaves waiting at the same moment share one transaction, and so one log flush, not one each;
   * each is still conditional on its own expected version and is answered after the commit.
   */
  @Override
  public Session updateSession(Session.Update update, Instant now) {
    Objects.requireNonNull(update, "update");
    Objects.requireNonNull(now, "now");
    if (closed.get()) {
      throw new StoreException(
          "cannot update code session " + update.sessionId() + ": the MySQL store is closed");
    }
    return autosaves.update(update, now);
  }

  /**
   * One autosave in a transaction of its own: what a batch falls back to when it cannot commit
   * whole.
   */
  private Session updateAlone(Session.Update update, Instant now) {
    UUID id = update.sessionId();
    OptionalLong expected = update.expectedVersion();
    return inTransaction(
        "update code session " + id,
        c -> {
          int matched;
          try (PreparedStatement s =
              c.prepareStatement(
                  expected.isPresent() ? sql.updateSessionIfVersion : sql.updateSession)) {
            s.setString(1, update.language().orElse(null));
            s.setString(2, update.sourceCode().orElse(null));
            Rows.setInstant(s, 3, now);
            s.setBytes(4, Rows.bytes(id));
            if (expected.isPresent()) {
              s.setLong(5, expected.getAsLong());
            }
            matched = s.executeUpdate();
          }
          if (matched == 0) {
            OptionalLong current = readVersion(c, id);
            if (current.isEmpty()) {
              throw new LivecodeException.SessionNotFound(id);
            }
            throw new LivecodeException.VersionConflict(
                id, expected.orElse(-1), current.getAsLong());
          }
          // Same transaction, row still locked by our UPDATE: this is exactly the version we made.
          return readSession(c, id).orElseThrow(() -> new LivecodeException.SessionNotFound(id));
        });
  }

  private Optional<Session> readSession(Connection c, UUID id) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql.findSession)) {
      s.setBytes(1, Rows.bytes(id));
      try (ResultSet rows = s.executeQuery()) {
        return rows.next() ? Optional.of(Rows.session(rows)) : Optional.empty();
      }
    }
  }

  private OptionalLong readVersion(Connection c, UUID id) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql.sessionVersion)) {
      s.setBytes(1, Rows.bytes(id));
      try (ResultSet rows = s.executeQuery()) {
        return rows.next() ? OptionalLong.of(rows.getLong(1)) : OptionalLong.empty();
      }
    }
  }

  // ---------------------------------------------------------------- executions

  @Override
  public Store.CreatedExecution createExecution(Store.NewExecution request) {
    try (Store.PendingExecution pending = beginExecution(request)) {
      return pending.commit();
    }
  }

  /**
   * The insert in a transaction left open until the caller commits or abandons it; with the store's
   * own pool, the transaction's start goes in the same round trip as the insert.
   */
  @Override
  public Store.PendingExecution beginExecution(Store.NewExecution request) {
    Objects.requireNonNull(request, "request");
    byte[] sessionId = Rows.bytes(request.sessionId());
    byte[] keyHash = request.idempotencyKey().map(Rows::keyHash).orElse(null);
    if (keyHash != null) {
      Optional<Execution> earlier =
          withConnection(creating(request), c -> readExecutionByKey(c, sessionId, keyHash));
      if (earlier.isPresent()) {
        return Store.PendingExecution.committed(new Store.CreatedExecution(earlier.get(), false));
      }
    }
    return tried(
        creating(request),
        () -> {
          Connection c = dataSource.getConnection();
          try {
            return new OpenInsert(c, insertExecution(c, request, keyHash), creating(request));
          } catch (SQLException | RuntimeException | Error e) {
            abandon(c, e);
            if (keyHash != null && e instanceof SQLException sql && SqlErrors.isDuplicateKey(sql)) {
              // Read outside the abandoned transaction, whose snapshot may be older than the
              // winner's commit.
              Optional<Execution> winner =
                  withConnection(creating(request), r -> readExecutionByKey(r, sessionId, keyHash));
              if (winner.isPresent()) {
                return Store.PendingExecution.committed(
                    new Store.CreatedExecution(winner.get(), false));
              }
            }
            throw e;
          }
        });
  }

  private static String creating(Store.NewExecution request) {
    return "create execution for code session " + request.sessionId();
  }

  /** An execution inserted in a transaction still open, and its session as the insert saw it. */
  private record Inserted(Execution execution, Session session) {}

  /**
   * Opens a transaction, inserts the execution, a snapshot of its session, and reads back what it
   * made and the session; the caller ends the transaction. The session is read inside it, where the
   * insert's copy holds a shared lock on its row: it is the one the execution snapshots.
   */
  private Inserted insertExecution(Connection c, Store.NewExecution request, byte[] keyHash)
      throws SQLException {
    if (!multiStatements) {
      c.setAutoCommit(false);
    }
    String text = multiStatements ? sql.beginInsertExecutionAndRead : sql.insertExecution;
    int inserted;
    Optional<Execution> execution = Optional.empty();
    Optional<Session> session = Optional.empty();
    try (PreparedStatement s = c.prepareStatement(text)) {
      int i = 0;
      s.setBytes(++i, Rows.bytes(request.id()));
      s.setString(++i, request.stdin());
      s.setLong(++i, request.limits().wallTime().toMillis());
      s.setLong(++i, request.limits().cpuTime().toMillis());
      s.setLong(++i, request.limits().memoryBytes());
      s.setInt(++i, request.limits().maxProcesses());
      s.setLong(++i, request.limits().maxFileBytes());
      s.setLong(++i, request.limits().maxOutputBytes());
      s.setString(++i, request.idempotencyKey().orElse(null));
      if (keyHash != null) {
        s.setBytes(++i, keyHash);
      } else {
        s.setNull(++i, Types.BINARY);
      }
      Rows.setInstant(s, ++i, request.queuedAt());
      s.setBoolean(++i, request.interactive());
      s.setBytes(++i, Rows.bytes(request.sessionId()));
      if (multiStatements) {
        // why: the transaction's start, the insert and the reads of what it made and of the
        // session go in one round trip.
        s.setBytes(++i, Rows.bytes(request.id()));
        s.setBytes(++i, Rows.bytes(request.sessionId()));
        s.execute();
        s.getMoreResults(); // past the transaction's start
        inserted = s.getUpdateCount();
        if (s.getMoreResults()) {
          try (ResultSet rows = s.getResultSet()) {
            execution = rows.next() ? Optional.of(Rows.execution(rows)) : Optional.empty();
          }
        }
        if (s.getMoreResults()) {
          try (ResultSet rows = s.getResultSet()) {
            session = rows.next() ? Optional.of(Rows.session(rows)) : Optional.empty();
          }
        }
      } else {
        inserted = s.executeUpdate();
      }
    }
    if (inserted == 0) {
      throw new LivecodeException.SessionNotFound(request.sessionId());
    }
    if (!multiStatements) {
      execution = readExecution(c, request.id());
      session = readSession(c, request.sessionId());
    }
    return new Inserted(
        execution.orElseThrow(
            () ->
                new StoreException(
                    "execution " + request.id() + " vanished right after its insert")),
        session.orElseThrow(() -> new LivecodeException.SessionNotFound(request.sessionId())));
  }

  /** An inserted execution whose transaction is still open on its connection. */
  private final class OpenInsert implements Store.PendingExecution {
    private final Connection connection;
    private final Inserted inserted;
    private final String operation;
    private boolean ended;

    OpenInsert(Connection connection, Inserted inserted, String operation) {
      this.connection = connection;
      this.inserted = inserted;
      this.operation = operation;
    }

    @Override
    public Optional<Session> session() {
      return Optional.of(inserted.session());
    }

    @Override
    public Store.CreatedExecution commit() {
      if (ended) {
        throw new IllegalStateException("this execution was committed or abandoned already");
      }
      ended = true;
      try {
        end(connection, true);
        release(connection);
        return new Store.CreatedExecution(inserted.execution(), true);
      } catch (SQLException e) {
        abandon(connection, e);
        throw failure(operation, e);
      }
    }

    @Override
    public void close() {
      if (!ended) {
        ended = true;
        abandon(connection, new IllegalStateException("abandoned"));
      }
    }
  }

  /** Commits or rolls back a transaction begun by {@link #insertExecution}. */
  private void end(Connection c, boolean commit) throws SQLException {
    if (!multiStatements) {
      if (commit) {
        c.commit();
      } else {
        c.rollback();
      }
      return;
    }
    try (Statement s = c.createStatement()) {
      s.execute(commit ? "COMMIT" : "ROLLBACK");
    }
  }

  /** Rolls back what {@code c} has not committed and gives it back. */
  private void abandon(Connection c, Throwable cause) {
    try {
      end(c, false);
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
    release(c);
  }

  private void release(Connection c) {
    if (!multiStatements) {
      restoreAutoCommit(c);
    }
    try {
      c.close();
    } catch (SQLException e) {
      LOG.debug("mysql connection release failed error={}", e.getErrorCode());
    }
  }

  @Override
  public Optional<Execution> findExecution(UUID executionId) {
    Objects.requireNonNull(executionId, "executionId");
    return withConnection("read execution " + executionId, c -> readExecution(c, executionId));
  }

  private Optional<Execution> readExecution(Connection c, UUID id) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql.findExecution)) {
      s.setBytes(1, Rows.bytes(id));
      return single(s);
    }
  }

  private Optional<Execution> readExecutionByKey(Connection c, byte[] sessionId, byte[] keyHash)
      throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql.findExecutionByKey)) {
      s.setBytes(1, sessionId);
      s.setBytes(2, keyHash);
      return single(s);
    }
  }

  private static Optional<Execution> single(PreparedStatement s) throws SQLException {
    try (ResultSet rows = s.executeQuery()) {
      return rows.next() ? Optional.of(Rows.execution(rows)) : Optional.empty();
    }
  }

  @Override
  public boolean markRunning(UUID executionId, Instant startedAt) {
    Objects.requireNonNull(executionId, "executionId");
    Objects.requireNonNull(startedAt, "startedAt");
    return withConnection(
        "mark execution " + executionId + " running",
        c -> {
          try (PreparedStatement s = c.prepareStatement(sql.markRunning)) {
            Rows.setInstant(s, 1, startedAt);
            s.setBytes(2, Rows.bytes(executionId));
            return s.executeUpdate() > 0;
          }
        });
  }

  @Override
  public void keepEvents(UUID executionId, List<ExecutionEvents.LiveLogs.Entry> events) {
    Objects.requireNonNull(executionId, "executionId");
    byte[] encoded = EventCodec.encode(events);
    withConnection(
        "keep the events of execution " + executionId,
        c -> {
          try (PreparedStatement s = c.prepareStatement(sql.keepEvents)) {
            s.setBytes(1, Rows.bytes(executionId));
            s.setBytes(2, encoded);
            return s.executeUpdate();
          }
        });
  }

  @Override
  public Optional<List<ExecutionEvents.LiveLogs.Entry>> findEvents(UUID executionId) {
    Objects.requireNonNull(executionId, "executionId");
    return withConnection(
        "read the events of execution " + executionId,
        c -> {
          try (PreparedStatement s = c.prepareStatement(sql.findEvents)) {
            s.setBytes(1, Rows.bytes(executionId));
            try (ResultSet rows = s.executeQuery()) {
              return rows.next()
                  ? Optional.of(EventCodec.decode(rows.getBytes(1)))
                  : Optional.<List<ExecutionEvents.LiveLogs.Entry>>empty();
            }
          }
        });
  }

  @Override
  public boolean finish(UUID executionId, Execution.Result result) {
    Objects.requireNonNull(executionId, "executionId");
    Objects.requireNonNull(result, "result");
    return withConnection(
        "store the result of execution " + executionId,
        c -> {
          try (PreparedStatement s = c.prepareStatement(sql.finish)) {
            int i = 0;
            s.setString(++i, result.status().name());
            s.setString(++i, result.stdout());
            s.setString(++i, result.stderr());
            Rows.setNullableInt(s, ++i, result.exitCode());
            Rows.setNullableInt(s, ++i, result.signal());
            s.setString(++i, result.failureReason().map(Enum::name).orElse(null));
            s.setBoolean(++i, result.stdoutTruncated());
            s.setBoolean(++i, result.stderrTruncated());
            s.setLong(++i, result.executionTime().toMillis());
            Rows.setInstant(s, ++i, result.finishedAt());
            s.setBytes(++i, Rows.bytes(executionId));
            return s.executeUpdate() > 0;
          } catch (SQLException e) {
            if (SqlErrors.isPacketTooLarge(e)) {
              throw new StoreException(
                  "the output of execution "
                      + executionId
                      + " is larger than the server's "
                      + "max_allowed_packet; raise it to at least 4 times the output cap (maxOutputBytes) plus 1 MiB",
                  e);
            }
            throw e;
          }
        });
  }

  /** Times cut to the microsecond (DATETIME(6)), the program's wall time to the millisecond. */
  @Override
  public Execution asStored(Execution execution) {
    Objects.requireNonNull(execution, "execution");
    Optional<Execution.Result> result =
        execution
            .result()
            .map(
                r ->
                    new Execution.Result(
                        r.status(),
                        r.stdout(),
                        r.stderr(),
                        r.exitCode(),
                        r.signal(),
                        r.failureReason(),
                        r.stdoutTruncated(),
                        r.stderrTruncated(),
                        Duration.ofMillis(r.executionTime().toMillis()),
                        Rows.storable(r.finishedAt())));
    return new Execution(
        execution.id(),
        execution.sessionId(),
        execution.language(),
        execution.sourceCode(),
        execution.stdin(),
        execution.limits(),
        execution.idempotencyKey(),
        execution.status(),
        Rows.storable(execution.queuedAt()),
        execution.startedAt().map(Rows::storable),
        result,
        execution.interactive());
  }

  @Override
  public Page<Execution> listExecutions(UUID sessionId, Page.Request page) {
    Objects.requireNonNull(sessionId, "sessionId");
    Objects.requireNonNull(page, "page");
    long before = page.cursor().map(Cursors::decode).orElse(Long.MAX_VALUE);
    return withConnection(
        "list executions of code session " + sessionId,
        c -> {
          List<Execution> items = new ArrayList<>();
          long lastSeq = 0;
          boolean more = false;
          try (PreparedStatement s = c.prepareStatement(sql.listExecutions)) {
            s.setBytes(1, Rows.bytes(sessionId));
            s.setLong(2, before);
            s.setInt(3, page.limit() + 1);
            try (ResultSet rows = s.executeQuery()) {
              while (rows.next()) {
                if (items.size() == page.limit()) {
                  more = true;
                  break;
                }
                items.add(Rows.execution(rows));
                lastSeq = rows.getLong("seq");
              }
            }
          }
          // An empty page is the one case where the session's existence is not already proven.
          if (items.isEmpty() && readVersion(c, sessionId).isEmpty()) {
            throw new LivecodeException.SessionNotFound(sessionId);
          }
          return new Page<>(items, more ? Optional.of(Cursors.encode(lastSeq)) : Optional.empty());
        });
  }

  @Override
  public List<Execution> findUnfinished(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be >= 1, was " + limit);
    }
    return withConnection(
        "find unfinished executions",
        c -> {
          List<Execution> found = new ArrayList<>();
          try (PreparedStatement s = c.prepareStatement(sql.findUnfinished)) {
            s.setInt(1, limit);
            try (ResultSet rows = s.executeQuery()) {
              while (rows.next()) {
                found.add(Rows.execution(rows));
              }
            }
          }
          return found;
        });
  }

  // ---------------------------------------------------------------- lifecycle

  /** Closes the pool this store created; a host-owned DataSource is left open. Harmless twice. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    autosaves.close(); // answers the autosaves still waiting before the pool goes
    if (ownedPool != null) {
      ownedPool.close();
      LOG.info("mysql store closed pool={}", POOL_NAME);
    }
  }

  /** The keys of the {@code <prefix>api_keys} table. */
  @Override
  public Optional<Store.ApiKeys> apiKeys() {
    return Optional.of(apiKeys);
  }

  @Override
  public String toString() {
    return "MySqlStore[" + description + "]";
  }

  // ---------------------------------------------------------------- JDBC plumbing

  @FunctionalInterface
  private interface SqlWork<T> {
    T run(Connection connection) throws SQLException;
  }

  private interface SqlCall<T> {
    T run() throws SQLException;
  }

  /**
   * One or more statements on one pooled connection, in autocommit mode (each atomic on its own)
   * unless the work changes it; tried again on a deadlock or lock wait timeout.
   */
  private <T> T withConnection(String operation, SqlWork<T> work) {
    return tried(
        operation,
        () -> {
          try (Connection c = dataSource.getConnection()) {
            return work.run(c);
          }
        });
  }

  /** {@code call}, tried again on a deadlock or lock wait timeout. */
  private <T> T tried(String operation, SqlCall<T> call) {
    if (closed.get()) {
      throw new StoreException("cannot " + operation + ": the MySQL store is closed");
    }
    for (int attempt = 1; ; attempt++) {
      try {
        return call.run();
      } catch (SQLException e) {
        if (attempt < MAX_ATTEMPTS && SqlErrors.isRetryable(e)) {
          LOG.debug(
              "mysql retry operation=\"{}\" attempt={} error={}",
              operation,
              attempt,
              e.getErrorCode());
          continue;
        }
        throw failure(operation, e);
      }
    }
  }

  /** One short transaction, tried again on a deadlock or lock wait timeout. */
  private <T> T inTransaction(String operation, SqlWork<T> work) {
    return withConnection(
        operation,
        c -> {
          c.setAutoCommit(false);
          try {
            T result = work.run(c);
            c.commit();
            return result;
          } catch (SQLException | RuntimeException | Error e) {
            rollbackQuietly(c, e);
            throw e;
          } finally {
            restoreAutoCommit(c);
          }
        });
  }

  private static void rollbackQuietly(Connection c, Throwable cause) {
    try {
      c.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }

  private static void restoreAutoCommit(Connection c) {
    try {
      c.setAutoCommit(true);
    } catch (SQLException e) {
      // The connection is broken; the pool will find out and replace it.
      LOG.debug("mysql autocommit reset failed error={}", e.getErrorCode());
    }
  }

  private static StoreException failure(String operation, SQLException e) {
    return new StoreException("cannot " + operation + " in MySQL: " + SqlErrors.oneLine(e), e);
  }

  // ---------------------------------------------------------------- builder

  /**
   * Configures a {@link MySqlStore}: either a JDBC URL with credentials, from which the store
   * builds (and later closes) its own Hikari pool, or a host-owned {@link DataSource}.
   */
  public static final class Builder {
    private String jdbcUrl;
    private String username = "";
    private String password = "";
    private int poolSize = DEFAULT_POOL_SIZE;
    private String tablePrefix = DEFAULT_TABLE_PREFIX;
    private boolean migrate = true;
    private Duration connectionTimeout = DEFAULT_CONNECTION_TIMEOUT;
    private DataSource dataSource;

    private Builder() {}

    /**
     * For example {@code jdbc:mysql://127.0.0.1:3306/livecode}; MariaDB servers use the same URL.
     */
    public Builder jdbcUrl(String value) {
      String url = Objects.requireNonNull(value, "jdbcUrl").strip();
      if (!url.startsWith("jdbc:mysql:")) {
        throw new IllegalArgumentException(
            "jdbcUrl must start with jdbc:mysql: (MySQL Connector/J, also for "
                + "MariaDB), was "
                + JdbcUrls.mask(url));
      }
      this.jdbcUrl = url;
      return this;
    }

    /** The database user; default none (empty, or the user in the URL). */
    public Builder username(String value) {
      this.username = Objects.requireNonNull(value, "username");
      return this;
    }

    /** The user's password; default empty. Never logged. */
    public Builder password(String value) {
      this.password = Objects.requireNonNull(value, "password");
      return this;
    }

    /** Connections in the store's own pool; default {@value #DEFAULT_POOL_SIZE}. */
    public Builder poolSize(int value) {
      if (value < 1 || value > MAX_POOL_SIZE) {
        throw new IllegalArgumentException(
            "poolSize must be 1 to " + MAX_POOL_SIZE + ", was " + value);
      }
      this.poolSize = value;
      return this;
    }

    /**
     * Prefix of the tables ({@code <prefix>sessions}, {@code <prefix>executions}, {@code
     * <prefix>api_keys}, {@code <prefix>schema_history}); lower-case letters, digits and {@code _},
     * at most 32; default {@value #DEFAULT_TABLE_PREFIX}.
     */
    public Builder tablePrefix(String value) {
      Objects.requireNonNull(value, "tablePrefix");
      if (value.length() > MAX_PREFIX_LENGTH || !PREFIX.matcher(value).matches()) {
        throw new IllegalArgumentException(
            "tablePrefix must be at most "
                + MAX_PREFIX_LENGTH
                + " of a-z, 0-9 and _, was '"
                + value
                + "'");
      }
      this.tablePrefix = value;
      return this;
    }

    /** Apply pending migrations at start (default true); when false, only validate the schema. */
    public Builder migrate(boolean value) {
      this.migrate = value;
      return this;
    }

    /** Wait for a connection at most this long (pool and TCP connect); default 5 s. */
    public Builder connectionTimeout(Duration value) {
      Objects.requireNonNull(value, "connectionTimeout");
      if (value.toMillis() < 250) {
        throw new IllegalArgumentException(
            "connectionTimeout must be >= 250 ms, was " + value.toMillis() + " ms");
      }
      this.connectionTimeout = value;
      return this;
    }

    /**
     * A pool the host application owns (and closes); replaces jdbcUrl/username/password/poolSize.
     */
    public Builder dataSource(DataSource value) {
      this.dataSource = Objects.requireNonNull(value, "dataSource");
      return this;
    }

    /**
     * Connects, migrates (or validates) the schema, and returns the store.
     *
     * @throws IllegalArgumentException when neither or both of jdbcUrl and dataSource are set
     * @throws StoreException when the database cannot be reached, refuses the credentials, or has a
     *     schema this release cannot use; the message is one line and says what to check
     */
    public MySqlStore build() {
      if ((jdbcUrl == null) == (dataSource == null)) {
        throw new IllegalArgumentException("set exactly one of jdbcUrl and dataSource");
      }
      return dataSource != null ? buildOnHostDataSource() : buildOwnPool();
    }

    private MySqlStore buildOwnPool() {
      String address = JdbcUrls.address(jdbcUrl);
      String user = username.isEmpty() ? JdbcUrls.userIn(jdbcUrl) : username;
      HikariConfig config = new HikariConfig();
      config.setPoolName(POOL_NAME);
      config.setJdbcUrl(jdbcUrl);
      if (!username.isEmpty()) {
        config.setUsername(username);
      }
      if (!password.isEmpty()) {
        config.setPassword(password);
      }
      config.setMaximumPoolSize(poolSize);
      config.setConnectionTimeout(connectionTimeout.toMillis());
      config.setInitializationFailTimeout(1); // fail in build(), not on the first request
      config.addDataSourceProperty("characterEncoding", "UTF-8"); // utf8mb4 on the wire
      config.addDataSourceProperty("connectTimeout", Long.toString(connectionTimeout.toMillis()));
      config.addDataSourceProperty("useLocalSessionState", "true");
      config.addDataSourceProperty("cachePrepStmts", "true");
      // A batch of autosaves goes to the server as one multi-statement round trip; the driver
      // writes it as one statement per batch size, long text that it must not parse each time
      // (parsing it was the server's largest cost per autosave), hence the larger cache.
      config.addDataSourceProperty("rewriteBatchedStatements", "true");
      // Every statement of the store binds its values as parameters, so a statement text with
      // several statements is only ever the store's own.
      config.addDataSourceProperty("allowMultiQueries", "true");
      config.addDataSourceProperty("prepStmtCacheSize", "256");
      config.addDataSourceProperty("prepStmtCacheSqlLimit", "16384");
      // why: the driver otherwise unpacks every result's column definitions again (its largest
      // own cost per read on the api node), asks the server for its variables on each new
      // connection, and sends a SET autocommit the server's state already says is done. The
      // store's tables change only in migrations, before the pool serves anything.
      config.addDataSourceProperty("cacheResultSetMetadata", "true");
      config.addDataSourceProperty("cacheServerConfiguration", "true");
      config.addDataSourceProperty("elideSetAutoCommits", "true");
      config.addDataSourceProperty("maintainTimeStats", "false");
      HikariDataSource pool;
      try {
        pool = new HikariDataSource(config);
      } catch (RuntimeException e) {
        throw new StoreException(
            "cannot connect to MySQL at "
                + address
                + " as "
                + (user.isEmpty() ? "(no user)" : user)
                + ": "
                + SqlErrors.oneLine(e)
                + "; check --mysql-url/--mysql-user/--mysql-password",
            e);
      }
      String description =
          "url="
              + JdbcUrls.mask(jdbcUrl)
              + " user="
              + user
              + " pool_size="
              + poolSize
              + " prefix="
              + tablePrefix;
      try {
        return start(pool, pool, description);
      } catch (RuntimeException e) {
        pool.close();
        throw e;
      }
    }

    private MySqlStore buildOnHostDataSource() {
      try (Connection c = dataSource.getConnection()) {
        c.isValid((int) Math.max(1, connectionTimeout.toSeconds()));
      } catch (SQLException e) {
        throw new StoreException(
            "cannot connect to MySQL through the given DataSource: "
                + SqlErrors.oneLine(e)
                + "; check its URL, user and password",
            e);
      }
      return start(
          dataSource,
          null,
          "datasource=" + dataSource.getClass().getSimpleName() + " prefix=" + tablePrefix);
    }

    private MySqlStore start(DataSource ds, HikariDataSource owned, String description) {
      ServerInfo server = serverInfo(ds);
      String schema = Migrations.apply(ds, tablePrefix, migrate);
      LOG.info(
          "mysql store started {} migrate={} schema_version={} server=\"{}\" max_allowed_packet={}",
          description,
          migrate,
          schema,
          server.version(),
          server.maxAllowedPacket());
      return new MySqlStore(ds, owned, tablePrefix, description);
    }

    private record ServerInfo(String version, long maxAllowedPacket) {}

    private static ServerInfo serverInfo(DataSource ds) {
      try (Connection c = ds.getConnection()) {
        DatabaseMetaData meta = c.getMetaData();
        String version = meta.getDatabaseProductVersion();
        if (!supported(version)) {
          LOG.warn(
              "mysql server may be too old version=\"{}\"; livecode needs MySQL 8.0+ or MariaDB 10.6+",
              version);
        }
        long maxPacket = 0;
        try (PreparedStatement s = c.prepareStatement("SELECT @@max_allowed_packet");
            ResultSet rows = s.executeQuery()) {
          if (rows.next()) {
            maxPacket = rows.getLong(1);
          }
        }
        if (maxPacket > 0 && maxPacket < MIN_PACKET_BYTES) {
          LOG.warn(
              "mysql max_allowed_packet={} is below {}: large program output cannot be stored; raise it on "
                  + "the server (at least 4 x the output cap + 1 MiB)",
              maxPacket,
              MIN_PACKET_BYTES);
        }
        return new ServerInfo(version, maxPacket);
      } catch (SQLException e) {
        throw new StoreException(
            "cannot read the MySQL server version: " + SqlErrors.oneLine(e), e);
      }
    }

    /**
     * MariaDB reports itself as "5.5.5-10.11.6-MariaDB..." through Connector/J; MySQL as "8.0.36".
     */
    static boolean supported(String version) {
      var m = Pattern.compile("(?:5\\.5\\.5-)?(\\d+)\\.(\\d+)").matcher(version);
      if (!m.lookingAt()) {
        return true; // unknown format: do not cry wolf
      }
      int major = Integer.parseInt(m.group(1));
      int minor = Integer.parseInt(m.group(2));
      if (version.contains("MariaDB")) {
        return major > 10 || (major == 10 && minor >= 6);
      }
      return major >= 8;
    }
  }
}
