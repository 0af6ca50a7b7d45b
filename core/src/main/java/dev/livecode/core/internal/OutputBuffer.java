package dev.livecode.core.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * One output stream of a program: keeps the first {@code cap} bytes, counts the rest. Output is
 * taken as an ordered stream of chunks, so a live view can subscribe to the same chunks later.
 */
final class OutputBuffer {
  private final long cap;
  private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
  private long total;

  OutputBuffer(long cap) {
    this.cap = cap;
  }

  /** Takes one chunk in order; returns the total bytes seen so far. */
  synchronized long append(byte[] chunk, int length) {
    long room = cap - kept.size();
    if (room > 0) {
      kept.write(chunk, 0, (int) Math.min(room, length));
    }
    total += length;
    return total;
  }

  synchronized boolean truncated() {
    return total > cap;
  }

  /**
   * The kept bytes as text: invalid UTF-8 becomes U+FFFD; a character cut by the cap is dropped.
   */
  synchronized String text() {
    byte[] bytes = kept.toByteArray();
    int end = truncated() ? utf8Boundary(bytes) : bytes.length;
    return new String(bytes, 0, end, StandardCharsets.UTF_8);
  }

  private static int utf8Boundary(byte[] bytes) {
    int end = bytes.length;
    int back = 0;
    // Walk back over at most 3 continuation bytes to the lead byte of the last character.
    while (back < 3 && end - back - 1 >= 0 && (bytes[end - back - 1] & 0xC0) == 0x80) {
      back++;
    }
    int lead = end - back - 1;
    if (lead < 0) {
      return end;
    }
    int b = bytes[lead] & 0xFF;
    int needed = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
    return needed > back + 1 ? lead : end;
  }
}
