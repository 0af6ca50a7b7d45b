package dev.livecode.store.mysql.internal;

import dev.livecode.core.Execution;
import dev.livecode.core.spi.ExecutionEvents;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An execution's event sequence as the bytes of one column: a version byte, the count, then per
 * entry its number, kind, status, restart flag and text (UTF-8, length first). Names, not ordinals,
 * so that a new enum constant never changes what old rows say.
 */
public final class EventCodec {
  private static final int VERSION = 1;

  private EventCodec() {}

  public static byte[] encode(List<ExecutionEvents.LiveLogs.Entry> entries) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(VERSION);
      out.writeInt(entries.size());
      for (ExecutionEvents.LiveLogs.Entry entry : entries) {
        out.writeLong(entry.sequence());
        out.writeUTF(entry.kind().name());
        out.writeUTF(entry.status().name());
        out.writeBoolean(entry.restarted());
        byte[] text = entry.text().getBytes(StandardCharsets.UTF_8);
        out.writeInt(text.length);
        out.write(text);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * @throws IllegalArgumentException for bytes this codec did not write
   */
  public static List<ExecutionEvents.LiveLogs.Entry> decode(byte[] encoded) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(encoded))) {
      int version = in.readUnsignedByte();
      if (version != VERSION) {
        throw new IllegalArgumentException("unknown event encoding version " + version);
      }
      int count = in.readInt();
      List<ExecutionEvents.LiveLogs.Entry> entries = new ArrayList<>(Math.min(count, 1 << 16));
      for (int i = 0; i < count; i++) {
        long sequence = in.readLong();
        Execution.Event.Kind kind = Execution.Event.Kind.valueOf(in.readUTF());
        Execution.Status status = Execution.Status.valueOf(in.readUTF());
        boolean restarted = in.readBoolean();
        byte[] text = in.readNBytes(in.readInt());
        entries.add(
            new ExecutionEvents.LiveLogs.Entry(
                sequence, kind, status, restarted, new String(text, StandardCharsets.UTF_8)));
      }
      return entries;
    } catch (IOException e) {
      throw new IllegalArgumentException("events not in the store's encoding", e);
    }
  }
}
