package dev.livecode.http.internal;

import dev.livecode.core.LivecodeBuilder;
import dev.livecode.queue.redis.RedisQueue;
import dev.livecode.store.mysql.MySqlStore;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the store and queue the configuration names (STYLE 6: chosen, never discovered). The
 * server owns and closes them; the engine closes only what it made itself (the in-memory store,
 * which is given its budget here).
 */
final class Backends {
  private static final Logger LOG = LoggerFactory.getLogger(Backends.class);

  private Backends() {}

  /**
   * @throws dev.livecode.core.exception.StoreException when the database is unreachable or refuses the credentials
   * @throws dev.livecode.core.exception.QueueException when Redis is unreachable
   */
  static void configure(ServerConfig config, LivecodeBuilder builder, List<AutoCloseable> owned) {
    if (config.store() == ServerConfig.StoreKind.MYSQL) {
      MySqlStore store = MySqlStore.builder()
          .jdbcUrl(config.mysqlUrl())
          .username(config.mysqlUser())
          .password(config.mysqlPassword())
          .poolSize(config.mysqlPoolSize())
          .build();
      owned.add(store);
      builder.store(store);
      LOG.info("store chosen kind=mysql url={}", Secrets.maskUrl(config.mysqlUrl()));
    } else {
      builder.memoryStoreBudgetBytes(config.memoryStoreBudgetBytes());
      LOG.info("store chosen kind=memory budget_bytes={}", config.memoryStoreBudgetBytes());
    }
    if (config.queue() == ServerConfig.QueueKind.REDIS) {
      RedisQueue queue = RedisQueue.builder()
          .uri(config.redisUrl())
          .keyPrefix(config.redisPrefix())
          .lease(config.redisLease())
          .build();
      owned.add(queue); // closes its events too
      builder.queue(queue).events(queue.events());
      LOG.info("queue chosen kind=redis url={} prefix={}", Secrets.maskUrl(config.redisUrl()), config.redisPrefix());
    }
  }

  static void closeAll(List<AutoCloseable> owned) {
    for (int i = owned.size() - 1; i >= 0; i--) {
      AutoCloseable resource = owned.get(i);
      try {
        resource.close();
      } catch (Exception e) {
        LOG.warn("close failed resource={} error={}", resource.getClass().getSimpleName(), e.toString());
      }
    }
  }
}
