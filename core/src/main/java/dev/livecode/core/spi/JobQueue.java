package dev.livecode.core.spi;

import dev.livecode.core.exception.QueueException;
import dev.livecode.core.internal.InMemoryQueue;
import java.time.Duration;
import java.util.Optional;

/**
 * The queue between run requests and workers, with at-least-once delivery: a job is delivered
 * until it is acknowledged; a worker acknowledges only after the result is stored. A queue that
 * outlives its processes ({@link #durable()}) hands the jobs of a dead worker to another after a
 * lease, counting attempts.
 *
 * <p>Failures to reach the queue are {@link QueueException}s.
 *
 * @since 0.1
 */
public interface JobQueue extends AutoCloseable {

  /** A thread-safe queue in this JVM's memory; nothing survives a restart. */
  static JobQueue inMemory() {
    return new InMemoryQueue();
  }

  void enqueue(Job job);

  /** Waits up to {@code maxWait} for a job; empty on timeout or when the thread is interrupted. */
  Optional<Delivery> take(Duration maxWait);

  /** The job is done (its result is stored): never deliver it again. */
  void ack(Delivery delivery);

  /** The worker is still busy with the job: extend its lease. */
  default void renew(Delivery delivery) {}

  /** The job failed too often: park it where operators can see it, and stop delivering it. */
  default void deadLetter(Delivery delivery, String reason) {
    ack(delivery);
  }

  Stats stats();

  /** True when queued jobs survive the death of this process. */
  default boolean durable() {
    return false;
  }

  /** Stops this process's use of the queue; harmless when called twice. */
  @Override
  default void close() {}
}
