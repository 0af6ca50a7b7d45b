package dev.livecode.runner.node.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Sources that ran out of time in the transpiler, by SHA-256 of the source, with the longest time
 * limit each ran out of: running one again with a limit no longer than that would only burn the
 * same CPU to the same end, so it is refused at once. A longer limit tries again (a big, honest
 * program may need it). Bounded: the least recently seen are forgotten first.
 */
public final class TimedOutSources {
  /** Most sources remembered (about 150 bytes each). */
  public static final int MAX_ENTRIES = 4096;

  private final LinkedHashMap<String, Duration> entries =
      new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Duration> eldest) {
          return size() > MAX_ENTRIES;
        }
      };

  /** The longest time limit {@code source} ran out of, if it is remembered. */
  public synchronized Optional<Duration> find(String source) {
    return Optional.ofNullable(entries.get(hash(source)));
  }

  /** Remembers that {@code source} ran out of {@code timeLimit}. */
  public synchronized void remember(String source, Duration timeLimit) {
    entries.merge(
        hash(source), timeLimit, (before, now) -> before.compareTo(now) >= 0 ? before : now);
  }

  public synchronized int size() {
    return entries.size();
  }

  private static String hash(String source) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(source.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
