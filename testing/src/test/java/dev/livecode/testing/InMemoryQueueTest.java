package dev.livecode.testing;

import dev.livecode.core.spi.JobQueue;

/**
 * The in-memory default meets the queue contract (it is not durable: no lease cases), and the
 * contract is sound.
 */
class InMemoryQueueTest extends JobQueueContract {
  @Override
  protected JobQueue newQueue() {
    return JobQueue.inMemory();
  }
}
