package dev.livecode.queue.redis;

import dev.livecode.core.spi.JobQueue;
import dev.livecode.testing.DurableJobQueueContract;
import dev.livecode.testing.RedisExtension;
import java.time.Duration;
import org.junit.jupiter.api.extension.RegisterExtension;

/** RedisQueue meets the durable queue contract on a real Redis, each test on its own key prefix. */
class RedisQueueIT extends DurableJobQueueContract {
  @RegisterExtension final RedisExtension redis = new RedisExtension();

  @Override
  protected JobQueue newQueue() {
    return RedisQueue.builder().uri(redis.url()).keyPrefix(redis.prefix()).build();
  }

  @Override
  protected JobQueue newNode(Duration lease) {
    return RedisQueue.builder().uri(redis.url()).keyPrefix(redis.prefix()).lease(lease).build();
  }
}
