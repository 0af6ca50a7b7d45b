package dev.livecode.queue.redis.internal;

import dev.livecode.core.Execution;
import dev.livecode.core.Limits;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * The text of a QUEUED execution carried with its job: {@code <id> <session-id> <queued>
 * <interactive> <wall-nanos> <cpu-nanos> <memory-bytes> <max-processes> <max-file-bytes>
 * <max-output-bytes> <language-length> <source-length> <stdin-length> <key-length>}, a line break,
 * then the language, source, stdin and idempotency key back to back (lengths in UTF-16 units; a key
 * length of {@code -1}: no key). An instant is {@code <epoch-second>.<nano>}.
 */
public final class QueuedExecutions {
  /**
   * Text a job carries at most, in chars: a larger execution is read from the store by the worker,
   * rather than kept in Redis's memory while it waits.
   */
  public static final int MAX_CHARS = 16 * 1024;

  private QueuedExecutions() {}

  /** The text of {@code queued}, or empty when it is too large to carry. */
  public static Optional<String> encode(Execution queued) {
    String key = queued.idempotencyKey().orElse("");
    long chars =
        (long) queued.language().length()
            + queued.sourceCode().length()
            + queued.stdin().length()
            + key.length();
    if (chars > MAX_CHARS) {
      return Optional.empty();
    }
    Limits limits = queued.limits();
    StringBuilder text = new StringBuilder((int) chars + 160);
    text.append(queued.id()).append(' ');
    text.append(queued.sessionId()).append(' ');
    text.append(queued.queuedAt().getEpochSecond())
        .append('.')
        .append(queued.queuedAt().getNano())
        .append(' ');
    text.append(queued.interactive() ? '1' : '0').append(' ');
    text.append(limits.wallTime().toNanos()).append(' ');
    text.append(limits.cpuTime().toNanos()).append(' ');
    text.append(limits.memoryBytes()).append(' ');
    text.append(limits.maxProcesses()).append(' ');
    text.append(limits.maxFileBytes()).append(' ');
    text.append(limits.maxOutputBytes()).append(' ');
    text.append(queued.language().length()).append(' ');
    text.append(queued.sourceCode().length()).append(' ');
    text.append(queued.stdin().length()).append(' ');
    text.append(queued.idempotencyKey().isPresent() ? key.length() : -1).append('\n');
    text.append(queued.language()).append(queued.sourceCode()).append(queued.stdin()).append(key);
    return Optional.of(text.toString());
  }

  /**
   * The execution in {@code text}; empty when it cannot be read or is not {@code executionId}'s
   * (the worker then reads the store).
   */
  public static Optional<Execution> decode(UUID executionId, String text) {
    try {
      int lineEnd = text.indexOf('\n');
      String[] f = text.substring(0, lineEnd).split(" ", -1);
      if (f.length != 14) {
        return Optional.empty();
      }
      UUID id = UUID.fromString(f[0]);
      if (!id.equals(executionId)) {
        return Optional.empty();
      }
      int dot = f[2].indexOf('.');
      Instant queuedAt =
          Instant.ofEpochSecond(
              Long.parseLong(f[2].substring(0, dot)), Long.parseLong(f[2].substring(dot + 1)));
      Limits limits =
          new Limits(
              Duration.ofNanos(Long.parseLong(f[4])),
              Duration.ofNanos(Long.parseLong(f[5])),
              Long.parseLong(f[6]),
              Integer.parseInt(f[7]),
              Long.parseLong(f[8]),
              Long.parseLong(f[9]));
      int languageLength = Integer.parseInt(f[10]);
      int sourceLength = Integer.parseInt(f[11]);
      int stdinLength = Integer.parseInt(f[12]);
      int keyLength = Integer.parseInt(f[13]);
      String texts = text.substring(lineEnd + 1);
      if (texts.length() != languageLength + sourceLength + stdinLength + Math.max(0, keyLength)) {
        return Optional.empty();
      }
      int at = 0;
      String language = texts.substring(at, at += languageLength);
      String source = texts.substring(at, at += sourceLength);
      String stdin = texts.substring(at, at += stdinLength);
      Optional<String> key = keyLength < 0 ? Optional.empty() : Optional.of(texts.substring(at));
      return Optional.of(
          new Execution(
              id,
              UUID.fromString(f[1]),
              language,
              source,
              stdin,
              limits,
              key,
              Execution.Status.QUEUED,
              queuedAt,
              Optional.empty(),
              Optional.empty(),
              f[3].equals("1")));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }
}
