package dev.livecode.core.internal;

import dev.livecode.core.spi.JobQueue;
import dev.livecode.core.spi.JobQueueContract;

/** The in-memory default meets the queue contract (it is not durable: no lease cases). */
class InMemoryQueueTest extends JobQueueContract {
  @Override
  protected JobQueue newQueue() {
    return JobQueue.inMemory();
  }
}
