package dev.livecode.server.internal;

import dev.livecode.http.QuotaCounters;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Quota counters in the Redis the cluster shares, so that a tenant's quota holds across every api
 * node: each check-and-count is one Lua script, atomic in Redis. Keys are {@code
 * <prefix>:quota:<what>:<tenant>}; each expires on its own (a window at its end, a set a day after
 * its last reservation), so nothing needs cleaning.
 */
public final class RedisQuotaCounters implements QuotaCounters, AutoCloseable {
  private static final String HIT =
      """
      local count = tonumber(redis.call('GET', KEYS[1]) or '0')
      local ttl = redis.call('PTTL', KEYS[1])
      if count >= tonumber(ARGV[1]) then return {0, count, ttl} end
      count = redis.call('INCR', KEYS[1])
      if count == 1 or ttl < 0 then
        redis.call('PEXPIRE', KEYS[1], ARGV[2])
        ttl = tonumber(ARGV[2])
      end
      return {1, count, ttl}
      """;

  private static final String RESERVE =
      """
      if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then return 1 end
      if redis.call('SCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
      redis.call('SADD', KEYS[1], ARGV[1])
      redis.call('PEXPIRE', KEYS[1], 86400000)
      return 1
      """;

  private final RedisClient client;
  private final StatefulRedisConnection<String, String> connection;
  private final String prefix;

  private RedisQuotaCounters(
      RedisClient client, StatefulRedisConnection<String, String> connection, String prefix) {
    this.client = client;
    this.connection = connection;
    this.prefix = prefix;
  }

  /** Connects to {@code url}; keys go under {@code <prefix>:quota:}. */
  public static RedisQuotaCounters connect(String url, String prefix) {
    RedisClient client = RedisClient.create(url);
    try {
      return new RedisQuotaCounters(client, client.connect(), prefix);
    } catch (RuntimeException e) {
      client.shutdown();
      throw e;
    }
  }

  private RedisCommands<String, String> redis() {
    return connection.sync();
  }

  private String key(String name) {
    return prefix + ":quota:" + name;
  }

  @Override
  public Window hit(String key, int limit, Duration window) {
    List<Object> out =
        redis()
            .eval(
                HIT,
                ScriptOutputType.MULTI,
                new String[] {key(key)},
                Integer.toString(limit),
                Long.toString(Math.max(1, window.toMillis())));
    long ttl = Math.max(0, (Long) out.get(2));
    return new Window((Long) out.get(0) == 1, (Long) out.get(1), Duration.ofMillis(ttl));
  }

  @Override
  public boolean reserve(String key, String member, int limit) {
    Long added =
        redis()
            .eval(
                RESERVE,
                ScriptOutputType.INTEGER,
                new String[] {key(key)},
                member,
                Integer.toString(limit));
    return added == 1;
  }

  @Override
  public void release(String key, String member) {
    redis().srem(key(key), member);
  }

  @Override
  public Set<String> members(String key) {
    return Set.copyOf(redis().smembers(key(key)));
  }

  @Override
  public void close() {
    connection.close();
    client.shutdown();
  }
}
