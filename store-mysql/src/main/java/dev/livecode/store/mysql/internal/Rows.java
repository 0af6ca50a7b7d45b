package dev.livecode.store.mysql.internal;

import dev.livecode.core.Execution;
import dev.livecode.core.Limits;
import dev.livecode.core.Session;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;

/** Conversions between rows and livecode's records. */
public final class Rows {
  private static final DateTimeFormatter DATETIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSS");

  private Rows() {}

  public static byte[] bytes(UUID id) {
    return ByteBuffer.allocate(16)
        .putLong(id.getMostSignificantBits())
        .putLong(id.getLeastSignificantBits())
        .array();
  }

  public static UUID uuid(byte[] bytes) {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    return new UUID(buffer.getLong(), buffer.getLong());
  }

  /**
   * DATETIME(6) holds microseconds and no zone: we write UTC wall time, cut (not rounded: MySQL
   * rounds, MariaDB truncates) to the microsecond, so both servers store the same value.
   */
  public static Instant storable(Instant instant) {
    return instant.truncatedTo(ChronoUnit.MICROS);
  }

  /**
   * Sent as text, {@code 2026-01-02 03:04:05.123456}: Connector/J takes MariaDB's handshake version
   * ("5.5.5-10.x") for a server without fractional seconds and drops them from temporal parameters,
   * while both servers parse the text into DATETIME(6) exactly.
   */
  public static void setInstant(PreparedStatement statement, int index, Instant instant)
      throws SQLException {
    statement.setString(
        index, DATETIME.format(LocalDateTime.ofInstant(storable(instant), ZoneOffset.UTC)));
  }

  /**
   * Decoded by the driver straight into a LocalDateTime (microseconds kept): going through {@code
   * getString} formatted and re-parsed the text, a visible cost on every autosave's latency.
   */
  public static Instant instant(ResultSet rows, String column) throws SQLException {
    LocalDateTime value = rows.getObject(column, LocalDateTime.class);
    return value == null ? null : value.toInstant(ZoneOffset.UTC);
  }

  /** The SHA-256 of an idempotency key: exact bytes, any length, fixed-size index entry. */
  public static byte[] keyHash(String key) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  public static void setNullableInt(PreparedStatement statement, int index, OptionalInt value)
      throws SQLException {
    if (value.isPresent()) {
      statement.setInt(index, value.getAsInt());
    } else {
      statement.setNull(index, Types.INTEGER);
    }
  }

  private static OptionalInt optionalInt(ResultSet rows, String column) throws SQLException {
    int value = rows.getInt(column);
    return rows.wasNull() ? OptionalInt.empty() : OptionalInt.of(value);
  }

  public static Session session(ResultSet rows) throws SQLException {
    return new Session(
        uuid(rows.getBytes("id")),
        rows.getString("owner"),
        rows.getString("language"),
        rows.getString("source_code"),
        rows.getLong("version"),
        instant(rows, "created_at"),
        instant(rows, "updated_at"));
  }

  public static Execution execution(ResultSet rows) throws SQLException {
    Execution.Status status = Execution.Status.valueOf(rows.getString("status"));
    Limits limits =
        new Limits(
            Duration.ofMillis(rows.getLong("wall_time_ms")),
            Duration.ofMillis(rows.getLong("cpu_time_ms")),
            rows.getLong("memory_bytes"),
            rows.getInt("max_processes"),
            rows.getLong("max_file_bytes"),
            rows.getLong("max_output_bytes"));
    Optional<Execution.Result> result = Optional.empty();
    if (status.isFinal()) {
      String reason = rows.getString("failure_reason");
      result =
          Optional.of(
              new Execution.Result(
                  status,
                  rows.getString("stdout"),
                  rows.getString("stderr"),
                  optionalInt(rows, "exit_code"),
                  optionalInt(rows, "exit_signal"),
                  reason == null
                      ? Optional.empty()
                      : Optional.of(Execution.FailureReason.valueOf(reason)),
                  rows.getBoolean("stdout_truncated"),
                  rows.getBoolean("stderr_truncated"),
                  Duration.ofMillis(rows.getLong("execution_time_ms")),
                  instant(rows, "finished_at")));
    }
    return new Execution(
        uuid(rows.getBytes("id")),
        uuid(rows.getBytes("session_id")),
        rows.getString("language"),
        rows.getString("source_code"),
        rows.getString("stdin"),
        limits,
        Optional.ofNullable(rows.getString("idempotency_key")),
        status,
        instant(rows, "queued_at"),
        Optional.ofNullable(instant(rows, "started_at")),
        result,
        rows.getBoolean("interactive"));
  }
}
