package dev.livecode.queue.redis.internal;

import dev.livecode.core.Execution;
import dev.livecode.core.spi.ExecutionEvents;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;

/**
 * The text of an execution event on the pub/sub channel: {@code <execution-uuid> <STATUS>}, and for
 * an end that fits, a line break and the end: {@code <started> <exit> <signal> <reason>
 * <stdout-truncated> <stderr-truncated> <execution-nanos> <finished> <stdout-length>
 * <stderr-length>}, a line break, then stdout and stderr back to back (lengths in UTF-16 units).
 * Instants are {@code <epoch-second>.<nano>}; an absent value is {@code -}.
 */
public final class EventMessages {
  /**
   * Output an end carries at most, in chars: every node receives every message, so a large output
   * is read from the store by the node that waits for it instead.
   */
  public static final int MAX_END_CHARS = 16 * 1024;

  private static final String NONE = "-";

  private EventMessages() {}

  public static String encode(ExecutionEvents.Event event) {
    String head = event.executionId() + " " + event.status().name();
    Optional<ExecutionEvents.End> end = event.end();
    if (end.isEmpty()) {
      return head;
    }
    Execution.Result result = end.get().result();
    if ((long) result.stdout().length() + result.stderr().length() > MAX_END_CHARS) {
      return head;
    }
    StringBuilder text = new StringBuilder(head.length() + 96 + result.stdout().length());
    text.append(head).append('\n');
    text.append(end.get().startedAt().map(EventMessages::instant).orElse(NONE)).append(' ');
    text.append(optional(result.exitCode())).append(' ');
    text.append(optional(result.signal())).append(' ');
    text.append(result.failureReason().map(Enum::name).orElse(NONE)).append(' ');
    text.append(result.stdoutTruncated() ? '1' : '0').append(' ');
    text.append(result.stderrTruncated() ? '1' : '0').append(' ');
    text.append(result.executionTime().toNanos()).append(' ');
    text.append(instant(result.finishedAt())).append(' ');
    text.append(result.stdout().length()).append(' ');
    text.append(result.stderr().length()).append('\n');
    text.append(result.stdout()).append(result.stderr());
    return text.toString();
  }

  /**
   * The event in {@code message}; an end that cannot be read is left out (the waiter then reads the
   * store).
   *
   * @throws IllegalArgumentException when not even the id and status can be read
   */
  public static ExecutionEvents.Event decode(String message) {
    int lineEnd = message.indexOf('\n');
    String head = lineEnd < 0 ? message : message.substring(0, lineEnd);
    int space = head.indexOf(' ');
    if (space < 0) {
      throw new IllegalArgumentException("no status in the event");
    }
    UUID id = UUID.fromString(head.substring(0, space));
    Execution.Status status = Execution.Status.valueOf(head.substring(space + 1));
    if (lineEnd < 0 || !status.isFinal()) {
      return new ExecutionEvents.Event(id, status);
    }
    try {
      return new ExecutionEvents.Event(
          id, status, Optional.of(end(status, message.substring(lineEnd + 1))));
    } catch (RuntimeException e) {
      return new ExecutionEvents.Event(id, status);
    }
  }

  private static ExecutionEvents.End end(Execution.Status status, String body) {
    int lineEnd = body.indexOf('\n');
    String[] f = body.substring(0, lineEnd).split(" ", -1);
    if (f.length != 10) {
      throw new IllegalArgumentException("an end has 10 fields, this one " + f.length);
    }
    int stdoutLength = Integer.parseInt(f[8]);
    int stderrLength = Integer.parseInt(f[9]);
    String texts = body.substring(lineEnd + 1);
    if (texts.length() != stdoutLength + stderrLength) {
      throw new IllegalArgumentException("the end's output is not as long as it says");
    }
    Execution.Result result =
        new Execution.Result(
            status,
            texts.substring(0, stdoutLength),
            texts.substring(stdoutLength),
            optionalInt(f[1]),
            optionalInt(f[2]),
            f[3].equals(NONE)
                ? Optional.empty()
                : Optional.of(Execution.FailureReason.valueOf(f[3])),
            f[4].equals("1"),
            f[5].equals("1"),
            Duration.ofNanos(Long.parseLong(f[6])),
            instant(f[7]));
    return new ExecutionEvents.End(
        f[0].equals(NONE) ? Optional.empty() : Optional.of(instant(f[0])), result);
  }

  private static String instant(Instant at) {
    return at.getEpochSecond() + "." + at.getNano();
  }

  private static Instant instant(String text) {
    int dot = text.indexOf('.');
    return Instant.ofEpochSecond(
        Long.parseLong(text.substring(0, dot)), Long.parseLong(text.substring(dot + 1)));
  }

  private static String optional(OptionalInt value) {
    return value.isPresent() ? Integer.toString(value.getAsInt()) : NONE;
  }

  private static OptionalInt optionalInt(String text) {
    return text.equals(NONE) ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(text));
  }
}
