package dev.livecode.store.mysql.internal;

import dev.livecode.core.exception.LivecodeException;

/**
 * Page cursors: the {@code seq} of the last execution of the previous page, in decimal (the same
 * form as the in-memory store's), so that a word such as "garbage" is never taken for one.
 */
public final class Cursors {
  private static final String FORM = "[1-9][0-9]{0,18}";

  private Cursors() {}

  public static String encode(long seq) {
    return Long.toString(seq);
  }

  /**
   * @throws LivecodeException.InvalidRequest for anything {@link #encode} cannot have made
   */
  public static long decode(String cursor) {
    if (cursor.matches(FORM)) {
      try {
        return Long.parseLong(cursor);
      } catch (NumberFormatException e) {
        // above Long.MAX_VALUE: not ours either
      }
    }
    String shown = cursor.length() > 40 ? cursor.substring(0, 40) + "..." : cursor;
    throw new LivecodeException.InvalidRequest(
        "cursor '" + shown + "' was not made by this server; " + "start again without a cursor");
  }
}
