package dev.livecode.core.internal;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * One output stream of a program: keeps the first {@code cap} bytes, counts the rest. Each chunk of
 * what it keeps is also decoded as it comes and handed to {@code chunks} (the live events): a
 * character split between two reads waits for its last byte, so the texts handed on are always the
 * start of {@link #text()}.
 */
final class OutputBuffer {
  private final long cap;
  private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
  private final Consumer<String> chunks;
  private final CharsetDecoder decoder =
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPLACE)
          .onUnmappableCharacter(CodingErrorAction.REPLACE);

  /** The bytes of a character not yet complete (at most 3). */
  private byte[] carry = new byte[0];

  private long total;

  OutputBuffer(long cap) {
    this(cap, text -> {});
  }

  OutputBuffer(long cap, Consumer<String> chunks) {
    this.cap = cap;
    this.chunks = chunks;
  }

  /** Takes one chunk in order; returns the total bytes seen so far. */
  synchronized long append(byte[] chunk, int length) {
    long room = cap - kept.size();
    if (room > 0) {
      int taken = (int) Math.min(room, length);
      kept.write(chunk, 0, taken);
      String text = decode(chunk, taken);
      if (!text.isEmpty()) {
        chunks.accept(text);
      }
    }
    total += length;
    return total;
  }

  private String decode(byte[] chunk, int length) {
    ByteBuffer in = ByteBuffer.allocate(carry.length + length);
    in.put(carry).put(chunk, 0, length).flip();
    CharBuffer out = CharBuffer.allocate(in.remaining() + 1);
    decoder.decode(in, out, false);
    carry = new byte[in.remaining()];
    in.get(carry);
    return out.flip().toString();
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
