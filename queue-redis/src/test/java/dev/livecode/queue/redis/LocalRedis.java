package dev.livecode.queue.redis;

import static org.assertj.core.api.Assertions.fail;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The Redis the ITs use: {@value #VARIABLE} (default {@value #DEFAULT_URL}, which CI starts).
 * Unreachable fails the test, naming the variable; it never skips. Each test takes a unique key
 * prefix and deletes its keys afterwards.
 */
final class LocalRedis implements AutoCloseable {
  static final String VARIABLE = "LIVECODE_TEST_REDIS_URL";
  static final String DEFAULT_URL = "redis://127.0.0.1:6379";

  private final RedisClient client;
  private final StatefulRedisConnection<String, String> connection;

  private LocalRedis(RedisClient client, StatefulRedisConnection<String, String> connection) {
    this.client = client;
    this.connection = connection;
  }

  static String url() {
    String value = System.getenv(VARIABLE);
    return value == null || value.isBlank() ? DEFAULT_URL : value;
  }

  /** A connection for inspecting what the queue wrote; fails the test when Redis is unreachable. */
  static LocalRedis connect() {
    RedisURI uri = RedisURI.create(url());
    uri.setTimeout(Duration.ofSeconds(5));
    RedisClient client = RedisClient.create();
    try {
      return new LocalRedis(client, client.connect(uri));
    } catch (RedisException e) {
      client.shutdown(0, 1, TimeUnit.SECONDS);
      return fail(
          "Redis for the integration tests is unreachable at "
              + url()
              + " (set "
              + VARIABLE
              + " to redis://host:port): "
              + e.getMessage());
    }
  }

  static String uniquePrefix() {
    return "livecode-test-" + UUID.randomUUID().toString().substring(0, 8);
  }

  RedisCommands<String, String> redis() {
    return connection.sync();
  }

  /** Deletes every key under {@code prefix:}. */
  void deleteKeys(String prefix) {
    ScanCursor cursor = ScanCursor.INITIAL;
    do {
      KeyScanCursor<String> page =
          redis().scan(cursor, ScanArgs.Builder.matches(prefix + ":*").limit(500));
      if (!page.getKeys().isEmpty()) {
        redis().del(page.getKeys().toArray(String[]::new));
      }
      cursor = page;
    } while (!cursor.isFinished());
  }

  @Override
  public void close() {
    connection.close();
    client.shutdown(0, 1, TimeUnit.SECONDS);
  }
}
