package dev.livecode.store.mysql.internal;

import dev.livecode.core.Session;
import dev.livecode.core.exception.LivecodeException;
import dev.livecode.core.exception.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Application-level group commit of autosaves. Each commit waits for InnoDB's redo-log flush (about
 * 1.4 ms on the CI server with {@code innodb_flush_log_at_trx_commit=1}), so one transaction per
 * autosave caps a node at a few thousand per second. Here, writer threads take every autosave
 * waiting at that moment and apply them in ONE transaction: each {@code UPDATE} is still
 * conditional on its expected version and checked on its own, the rows are read back in the same
 * transaction, and every caller is answered only after the commit, so an answered autosave is as
 * durable as before and a loser still gets its {@link LivecodeException.VersionConflict}.
 *
 * <p>A batch holds each session at most once (a second autosave of the same session waits for the
 * next batch, so it sees the first one's version), and takes its row locks in id order, so two
 * writers never deadlock each other. When a batch fails before its commit, it is rolled back and
 * each autosave is applied alone through {@code single}, so one bad autosave cannot fail others.
 */
public final class GroupCommit implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);

  /** Autosaves in one transaction at most: bounds the statement and the locks held. */
  static final int MAX_BATCH = 64;

  /** Source characters in one batch at most, well within a 16 MiB max_allowed_packet. */
  static final long MAX_BATCH_CHARS = 2L << 20;

  private static final int MAX_ATTEMPTS = 3;
  private static final int MAX_BATCHES_PER_LEASE = 10_000;
  private static final Duration POLL = Duration.ofMillis(100);
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

  /** The one-autosave-one-transaction path, used when a batch cannot be applied as a whole. */
  @FunctionalInterface
  public interface Single {
    Session update(Session.Update update, Instant now);
  }

  private final DataSource dataSource;
  private final Statements sql;
  private final Single single;
  private final BlockingQueue<Pending> waiting = new LinkedBlockingQueue<>();
  private final List<Thread> writers = new ArrayList<>();
  private final AtomicBoolean closed = new AtomicBoolean();

  private static final class Pending {
    final Session.Update update;
    final Instant now;
    final byte[] id;
    final long chars;
    final CompletableFuture<Session> answer = new CompletableFuture<>();

    Pending(Session.Update update, Instant now) {
      this.update = update;
      this.now = now;
      this.id = Rows.bytes(update.sessionId());
      this.chars = update.sourceCode().map(String::length).orElse(0) + 64L;
    }
  }

  public GroupCommit(
      DataSource dataSource, Statements sql, int writerCount, String threadPrefix, Single single) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    this.sql = Objects.requireNonNull(sql, "sql");
    this.single = Objects.requireNonNull(single, "single");
    if (writerCount < 1) {
      throw new IllegalArgumentException("writerCount must be >= 1, was " + writerCount);
    }
    for (int i = 1; i <= writerCount; i++) {
      Thread t = new Thread(this::writeLoop, threadPrefix + i);
      t.setDaemon(true);
      writers.add(t);
    }
    writers.forEach(Thread::start);
  }

  /**
   * Applies {@code update} with the autosaves waiting beside it, and returns the session as this
   * update left it once the transaction has committed.
   *
   * @throws LivecodeException.VersionConflict when the expected version is not the stored one
   * @throws LivecodeException.SessionNotFound when there is no such session
   * @throws StoreException when the database fails, or the store closes first
   */
  public Session update(Session.Update update, Instant now) {
    Pending pending = new Pending(update, now);
    if (closed.get()) {
      throw closedFailure(update.sessionId());
    }
    waiting.add(pending);
    if (closed.get() && waiting.remove(pending)) {
      throw closedFailure(update.sessionId());
    }
    try {
      return pending.answer.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException(
          "interrupted while code session "
              + update.sessionId()
              + " was being saved; it may or may not be saved",
          e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof LivecodeException known) {
        throw known;
      }
      throw new StoreException(
          "cannot update code session " + update.sessionId() + ": " + e.getCause(), e.getCause());
    }
  }

  private static StoreException closedFailure(UUID sessionId) {
    return new StoreException(
        "cannot update code session " + sessionId + ": the MySQL store is closed");
  }

  // ---------------------------------------------------------------- writer

  private void writeLoop() {
    Deque<Pending> later = new ArrayDeque<>();
    Link link = new Link();
    try {
      while (true) {
        List<Pending> batch;
        try {
          batch = nextBatch(later);
        } catch (InterruptedException e) {
          break;
        }
        if (batch.isEmpty()) {
          link.release(); // idle: give the connection back to the pool
          if (closed.get() && waiting.isEmpty()) {
            break;
          }
          continue;
        }
        try {
          apply(batch, link);
          if (waiting.isEmpty() && later.isEmpty()) {
            // Hold the connection only while autosaves keep coming, so even a pool of one
            // connection still serves reads.
            link.release();
          }
        } catch (RuntimeException | Error e) {
          // Never leave a caller waiting, whatever went wrong.
          batch.forEach(p -> p.answer.completeExceptionally(e));
          link.discard();
          LOG.error("mysql autosave batch failed size={} error={}", batch.size(), e.toString());
        }
      }
    } finally {
      link.release();
      for (Pending p : later) {
        p.answer.completeExceptionally(closedFailure(p.update.sessionId()));
      }
    }
  }

  /**
   * The writer's connection, kept out of autocommit and held while autosaves keep coming: two fewer
   * round trips per batch than borrowing and switching autocommit each time. It goes back to the
   * pool as soon as no autosave is waiting, after an error, and every {@link
   * #MAX_BATCHES_PER_LEASE} batches (so the pool can still retire it).
   */
  private final class Link {
    private Connection connection;
    private int batches;

    Connection get() throws SQLException {
      if (connection == null) {
        Connection c = dataSource.getConnection();
        try {
          c.setAutoCommit(false);
        } catch (SQLException e) {
          closeQuietly(c);
          throw e;
        }
        connection = c;
        batches = 0;
      }
      return connection;
    }

    /** After a committed batch. */
    void done() {
      if (++batches >= MAX_BATCHES_PER_LEASE) {
        release();
      }
    }

    void release() {
      if (connection != null) {
        restoreAutoCommit(connection);
        closeQuietly(connection);
        connection = null;
      }
    }

    /** After a failure: roll back whatever is open and hand the connection back. */
    void discard() {
      if (connection != null) {
        try {
          connection.rollback();
        } catch (SQLException e) {
          LOG.debug("mysql rollback failed error={}", e.getErrorCode());
        }
        release();
      }
    }
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException e) {
      LOG.debug("mysql connection close failed error={}", e.getErrorCode());
    }
  }

  /** The autosaves waiting now: distinct sessions, bounded; the others wait for the next one. */
  private List<Pending> nextBatch(Deque<Pending> later) throws InterruptedException {
    Pending first = later.pollFirst();
    if (first == null) {
      first = waiting.poll(POLL.toMillis(), TimeUnit.MILLISECONDS);
      if (first == null) {
        return List.of();
      }
    }
    List<Pending> batch = new ArrayList<>();
    Set<UUID> sessions = new HashSet<>();
    batch.add(first);
    sessions.add(first.update.sessionId());
    long chars = first.chars;
    // Earlier deferred ones first (keeps each session's order), then whatever arrived since.
    int deferred = later.size();
    for (int i = 0; i < deferred && batch.size() < MAX_BATCH; i++) {
      chars = admit(later.pollFirst(), batch, sessions, chars, later);
    }
    Pending p;
    while (batch.size() < MAX_BATCH && (p = waiting.poll()) != null) {
      chars = admit(p, batch, sessions, chars, later);
    }
    return batch;
  }

  /**
   * Adds {@code p} to the batch, or defers it to the next one when its session is in the batch
   * already or the batch would grow too large; returns the batch's characters.
   */
  private static long admit(
      Pending p, List<Pending> batch, Set<UUID> sessions, long chars, Deque<Pending> later) {
    if (sessions.contains(p.update.sessionId()) || chars + p.chars > MAX_BATCH_CHARS) {
      later.addLast(p);
      return chars;
    }
    batch.add(p);
    sessions.add(p.update.sessionId());
    return chars + p.chars;
  }

  private void apply(List<Pending> batch, Link link) {
    // Row locks in one order across writers and nodes: no deadlock between two batches.
    batch.sort(Comparator.comparing((Pending p) -> p.id, Arrays::compareUnsigned));
    for (int attempt = 1; ; attempt++) {
      Outcome outcome = tryBatch(batch, link);
      if (outcome == Outcome.DONE) {
        return;
      }
      if (outcome == Outcome.RETRY && attempt < MAX_ATTEMPTS) {
        continue;
      }
      // Rolled back for sure: apply each alone, so each caller gets its own outcome.
      batch.forEach(this::answerAlone);
      return;
    }
  }

  private void answerAlone(Pending p) {
    try {
      p.answer.complete(single.update(p.update, p.now));
    } catch (RuntimeException e) {
      p.answer.completeExceptionally(e);
    }
  }

  private enum Outcome {
    DONE,
    RETRY,
    ROLLED_BACK
  }

  private Outcome tryBatch(List<Pending> batch, Link link) {
    Map<UUID, Session> rows;
    int[] counts;
    try {
      Connection c = link.get();
      counts = updateAll(c, batch);
      rows = readAll(c, batch);
    } catch (SQLException | RuntimeException e) {
      link.discard();
      return failedBeforeCommit(batch, e);
    }
    try {
      link.get().commit();
      link.done();
    } catch (SQLException e) {
      link.discard();
      // The outcome is unknown (the commit may have reached the server): never apply twice.
      StoreException failure =
          new StoreException(
              "cannot commit "
                  + batch.size()
                  + " code session updates in MySQL: "
                  + SqlErrors.oneLine(e),
              e);
      batch.forEach(p -> p.answer.completeExceptionally(failure));
      return Outcome.DONE;
    }
    for (int i = 0; i < batch.size(); i++) {
      Pending p = batch.get(i);
      UUID id = p.update.sessionId();
      Session row = rows.get(id);
      if (row == null) {
        p.answer.completeExceptionally(new LivecodeException.SessionNotFound(id));
      } else if (counts[i] == 0) {
        p.answer.completeExceptionally(
            new LivecodeException.VersionConflict(
                id, p.update.expectedVersion().orElse(-1), row.version()));
      } else {
        p.answer.complete(row);
      }
    }
    return Outcome.DONE;
  }

  private static Outcome failedBeforeCommit(List<Pending> batch, Exception e) {
    if (e instanceof SQLException s && SqlErrors.isRetryable(s)) {
      LOG.debug("mysql autosave batch retry size={} error={}", batch.size(), s.getErrorCode());
      return Outcome.RETRY;
    }
    LOG.warn(
        "mysql autosave batch rolled back, applying one by one size={} error={}",
        batch.size(),
        SqlErrors.oneLine(e));
    return Outcome.ROLLED_BACK;
  }

  /** One conditional UPDATE per autosave, sent as one batch; the count says which matched. */
  private int[] updateAll(Connection c, List<Pending> batch) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql.updateSessionIfVersionGiven)) {
      for (Pending p : batch) {
        s.setString(1, p.update.language().orElse(null));
        s.setString(2, p.update.sourceCode().orElse(null));
        Rows.setInstant(s, 3, p.now);
        s.setBytes(4, p.id);
        long expected = p.update.expectedVersion().orElse(-1);
        s.setLong(5, expected);
        s.setLong(6, expected);
        s.addBatch();
      }
      int[] counts = s.executeBatch();
      if (counts.length != batch.size()) {
        throw new StoreException(
            "MySQL answered " + counts.length + " update counts for " + batch.size() + " updates");
      }
      for (int count : counts) {
        if (count < 0) {
          throw new StoreException(
              "MySQL did not report which code session updates matched (count " + count + ")");
        }
      }
      return counts;
    }
  }

  /**
   * Each row as this transaction left it: ours where the update matched, the current one if not.
   */
  private Map<UUID, Session> readAll(Connection c, List<Pending> batch) throws SQLException {
    // Lists of 1, 2, 4, ... 64 ids (the last one repeated): few distinct statements to cache.
    int slots = Integer.highestOneBit(batch.size());
    slots = slots == batch.size() ? slots : slots * 2;
    Map<UUID, Session> rows = new HashMap<>();
    try (PreparedStatement s = c.prepareStatement(sql.findSessions(slots))) {
      for (int i = 0; i < slots; i++) {
        s.setBytes(i + 1, batch.get(Math.min(i, batch.size() - 1)).id);
      }
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          Session session = Rows.session(r);
          rows.put(session.id(), session);
        }
      }
    }
    return rows;
  }

  private static void restoreAutoCommit(Connection c) {
    try {
      c.setAutoCommit(true);
    } catch (SQLException e) {
      LOG.debug("mysql autocommit reset failed error={}", e.getErrorCode());
    }
  }

  // ---------------------------------------------------------------- lifecycle

  /**
   * Lets the writers finish what is waiting (bounded), then fails whatever is left. Harmless twice.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
    for (Thread t : writers) {
      try {
        t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    writers.forEach(Thread::interrupt);
    Pending p;
    while ((p = waiting.poll()) != null) {
      p.answer.completeExceptionally(closedFailure(p.update.sessionId()));
    }
  }
}
