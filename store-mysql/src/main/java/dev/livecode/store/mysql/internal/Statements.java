package dev.livecode.store.mysql.internal;

/** The SQL of the store, with the table prefix filled in once. Placeholders are always bound. */
public final class Statements {
  private static final String SESSION_COLUMNS =
      "id, owner, language, source_code, version, created_at, updated_at";
  private static final String EXECUTION_COLUMNS =
      "seq, id, session_id, language, source_code, stdin, wall_time_ms, cpu_time_ms, memory_bytes, max_processes, "
          + "max_file_bytes, max_output_bytes, idempotency_key, status, queued_at, started_at, finished_at, stdout, "
          + "stderr, exit_code, exit_signal, failure_reason, stdout_truncated, stderr_truncated, execution_time_ms, "
          + "interactive";
  private static final String UNFINISHED = "status IN ('QUEUED', 'RUNNING')";

  public final String insertSession;
  public final String findSession;
  public final String sessionVersion;
  public final String updateSession;
  public final String updateSessionIfVersion;
  public final String updateSessionIfVersionGiven;
  private final String findSessionsPrefix;
  public final String insertExecution;
  public final String beginInsertExecutionAndRead;
  public final String findExecution;
  public final String findExecutionByKey;
  public final String markRunning;
  public final String finish;
  public final String listExecutions;
  public final String findUnfinished;
  public final String keepEvents;
  public final String findEvents;

  public Statements(String prefix) {
    String sessions = prefix + "sessions";
    String executions = prefix + "executions";
    String events = prefix + "execution_events";
    // IGNORE: the sequence of an ended execution is kept once; a second writer changes nothing.
    keepEvents = "INSERT IGNORE INTO " + events + " (execution_id, events) VALUES (?, ?)";
    findEvents = "SELECT events FROM " + events + " WHERE execution_id = ?";
    insertSession =
        "INSERT INTO " + sessions + " (" + SESSION_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)";
    findSession = "SELECT " + SESSION_COLUMNS + " FROM " + sessions + " WHERE id = ?";
    sessionVersion = "SELECT version FROM " + sessions + " WHERE id = ?";
    // One statement: the version grows in the database, never read-modify-write in Java.
    updateSession =
        "UPDATE "
            + sessions
            + " SET language = COALESCE(?, language), "
            + "source_code = COALESCE(?, source_code), version = version + 1, updated_at = ? WHERE id = ?";
    updateSessionIfVersion = updateSession + " AND version = ?";
    // One statement for a batch of autosaves with and without an expected version (-1: none).
    updateSessionIfVersionGiven = updateSession + " AND (? < 0 OR version = ?)";
    findSessionsPrefix = "SELECT " + SESSION_COLUMNS + " FROM " + sessions + " WHERE id IN (?";
    // The snapshot of the session is taken by the same statement that creates the execution.
    insertExecution =
        "INSERT INTO "
            + executions
            + " (id, session_id, language, source_code, stdin, wall_time_ms, "
            + "cpu_time_ms, memory_bytes, max_processes, max_file_bytes, max_output_bytes, idempotency_key, "
            + "idempotency_hash, status, queued_at, interactive) "
            + "SELECT ?, id, language, source_code, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'QUEUED', ?, ? FROM "
            + sessions
            + " WHERE id = ?";
    findExecution = "SELECT " + EXECUTION_COLUMNS + " FROM " + executions + " WHERE id = ?";
    // Four statements in one round trip, on a connection that allows it: the transaction's start,
    // the insert, then the reads of the row it made and of the session it copied.
    beginInsertExecutionAndRead =
        "START TRANSACTION; " + insertExecution + "; " + findExecution + "; " + findSession;
    findExecutionByKey =
        "SELECT "
            + EXECUTION_COLUMNS
            + " FROM "
            + executions
            + " WHERE session_id = ? AND idempotency_hash = ?";
    markRunning =
        "UPDATE "
            + executions
            + " SET status = 'RUNNING', started_at = ? WHERE id = ? AND "
            + UNFINISHED;
    finish =
        "UPDATE "
            + executions
            + " SET status = ?, stdout = ?, stderr = ?, exit_code = ?, exit_signal = ?, "
            + "failure_reason = ?, stdout_truncated = ?, stderr_truncated = ?, execution_time_ms = ?, finished_at = ? "
            + "WHERE id = ? AND "
            + UNFINISHED;
    listExecutions =
        "SELECT "
            + EXECUTION_COLUMNS
            + " FROM "
            + executions
            + " WHERE session_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?";
    findUnfinished =
        "SELECT "
            + EXECUTION_COLUMNS
            + " FROM "
            + executions
            + " WHERE "
            + UNFINISHED
            + " ORDER BY seq LIMIT ?";
  }

  /** The sessions whose ids are bound to {@code count} placeholders. */
  public String findSessions(int count) {
    return findSessionsPrefix + ", ?".repeat(count - 1) + ")";
  }
}
