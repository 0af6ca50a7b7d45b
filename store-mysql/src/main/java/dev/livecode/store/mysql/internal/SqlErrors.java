package dev.livecode.store.mysql.internal;

import java.sql.SQLException;
import java.sql.SQLTransactionRollbackException;

/** Classifies the server's errors by their portable codes (MySQL and MariaDB share them). */
public final class SqlErrors {
  private static final int ER_DUP_ENTRY = 1062;
  private static final int ER_LOCK_WAIT_TIMEOUT = 1205;
  private static final int ER_LOCK_DEADLOCK = 1213;
  private static final int ER_NET_PACKET_TOO_LARGE = 1153;

  private SqlErrors() {}

  public static boolean isDuplicateKey(SQLException e) {
    return e.getErrorCode() == ER_DUP_ENTRY;
  }

  /** A deadlock or lock wait timeout: the whole transaction may simply be tried again. */
  public static boolean isRetryable(SQLException e) {
    return e instanceof SQLTransactionRollbackException
        || e.getErrorCode() == ER_LOCK_DEADLOCK
        || e.getErrorCode() == ER_LOCK_WAIT_TIMEOUT
        || "40001".equals(e.getSQLState());
  }

  public static boolean isPacketTooLarge(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if ((t instanceof SQLException s && s.getErrorCode() == ER_NET_PACKET_TOO_LARGE)
          || t.getClass().getSimpleName().equals("PacketTooBigException")) {
        return true;
      }
    }
    return false;
  }

  /** One line that says what went wrong: the first line of the error, plus the network cause. */
  public static String oneLine(Throwable failure) {
    Throwable sql = failure;
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SQLException) {
        sql = t;
        break;
      }
    }
    String text = firstLine(sql.getMessage());
    Throwable root = sql;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    if (root != sql && !(root instanceof SQLException) && root.getMessage() != null) {
      String rootText = firstLine(root.getMessage());
      if (!text.contains(rootText)) {
        text = text + " (" + rootText + ")";
      }
    }
    return text;
  }

  private static String firstLine(String message) {
    if (message == null || message.isBlank()) {
      return "no detail";
    }
    String trimmed = message.strip();
    int newline = trimmed.indexOf('\n');
    return (newline < 0 ? trimmed : trimmed.substring(0, newline)).strip();
  }
}
