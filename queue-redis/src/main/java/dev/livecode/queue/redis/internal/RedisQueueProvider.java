package dev.livecode.queue.redis.internal;

import dev.livecode.core.spi.JobQueue;
import dev.livecode.queue.redis.RedisQueue;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code redis}: a {@link RedisQueue} (with its events over Redis) from the settings {@code url}
 * (required), {@code prefix} and {@code lease-ms}; each one not given keeps the builder's default.
 */
public final class RedisQueueProvider implements JobQueue.Provider {
  private static final Set<String> KEYS = Set.of("url", "prefix", "lease-ms");

  @Override
  public String name() {
    return "redis";
  }

  @Override
  public JobQueue create(Map<String, String> settings) {
    Set<String> unknown = new TreeSet<>(settings.keySet());
    unknown.removeAll(KEYS);
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(
          "unknown settings of the redis queue " + unknown + "; known: " + new TreeSet<>(KEYS));
    }
    String url = settings.get("url");
    if (url == null || url.isBlank()) {
      throw new IllegalArgumentException(
          "the redis queue needs the setting url, e.g. redis://127.0.0.1:6379");
    }
    RedisQueue.Builder builder = RedisQueue.builder().uri(url);
    if (settings.containsKey("prefix")) {
      builder.keyPrefix(settings.get("prefix"));
    }
    if (settings.containsKey("lease-ms")) {
      builder.lease(Duration.ofMillis(milliseconds(settings.get("lease-ms"))));
    }
    return builder.build();
  }

  private static long milliseconds(String value) {
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "the redis queue's lease-ms must be an integer, was '" + value + "'");
    }
  }
}
