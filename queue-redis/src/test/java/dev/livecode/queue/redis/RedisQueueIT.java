package dev.livecode.queue.redis;

import dev.livecode.core.spi.DurableJobQueueContract;
import dev.livecode.core.spi.JobQueue;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** RedisQueue meets the durable queue contract on a real Redis, each test on its own key prefix. */
class RedisQueueIT extends DurableJobQueueContract {
  private final String prefix = LocalRedis.uniquePrefix();
  private LocalRedis redis;

  @BeforeEach
  void connectRedis() {
    redis = LocalRedis.connect();
  }

  @Override
  protected JobQueue newQueue() {
    return RedisQueue.builder().uri(LocalRedis.url()).keyPrefix(prefix).build();
  }

  @Override
  protected JobQueue newNode(Duration lease) {
    return RedisQueue.builder().uri(LocalRedis.url()).keyPrefix(prefix).lease(lease).build();
  }

  @AfterEach
  void deleteKeys() {
    if (queue != null) {
      queue.close();
    }
    if (redis != null) {
      redis.deleteKeys(prefix);
      redis.close();
    }
  }
}
