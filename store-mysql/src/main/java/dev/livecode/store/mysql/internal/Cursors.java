package dev.livecode.store.mysql.internal;

import dev.livecode.core.InvalidRequestException;

/** Opaque page cursors: the {@code seq} of the last execution of the previous page. */
public final class Cursors {
  private static final int RADIX = 36;
  private static final int MAX_LENGTH = 13; // Long.MAX_VALUE in base 36

  private Cursors() {}

  public static String encode(long seq) {
    return Long.toString(seq, RADIX);
  }

  /** @throws InvalidRequestException for anything {@link #encode} cannot have made */
  public static long decode(String cursor) {
    if (cursor.isEmpty() || cursor.length() > MAX_LENGTH || !cursor.chars().allMatch(Cursors::isDigit)) {
      throw invalid(cursor);
    }
    try {
      long seq = Long.parseLong(cursor, RADIX);
      if (seq <= 0) {
        throw invalid(cursor);
      }
      return seq;
    } catch (NumberFormatException e) {
      throw invalid(cursor);
    }
  }

  private static boolean isDigit(int c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z');
  }

  private static InvalidRequestException invalid(String cursor) {
    String shown = cursor.length() > 40 ? cursor.substring(0, 40) + "..." : cursor;
    return new InvalidRequestException("cursor '" + shown + "' was not made by this server; "
        + "start again without a cursor");
  }
}
