package dev.livecode.queue.redis;

import dev.livecode.core.spi.ExecutionEvents;
import dev.livecode.testing.ExecutionEventsContract;
import dev.livecode.testing.RedisExtension;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * RedisQueue's events meet the events contract: each handle is another node's queue on the same
 * prefix.
 */
class RedisEventsIT extends ExecutionEventsContract {
  @RegisterExtension final RedisExtension redis = new RedisExtension();

  private final List<RedisQueue> queues = new ArrayList<>();

  @Override
  protected ExecutionEvents newEvents() {
    RedisQueue queue = RedisQueue.builder().uri(redis.url()).keyPrefix(redis.prefix()).build();
    queues.add(queue);
    return queue.events();
  }

  @AfterEach
  void closeQueues() {
    queues.forEach(RedisQueue::close);
  }
}
