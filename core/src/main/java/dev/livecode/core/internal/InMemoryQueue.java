package dev.livecode.core.internal;

import dev.livecode.core.spi.JobQueue;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The default queue: FIFO in this JVM. Workers wait on it (no polling). Jobs not acknowledged are
 * lost with the process; the engine marks such executions INTERRUPTED at the next start.
 */
public final class InMemoryQueue implements JobQueue {
  private final LinkedBlockingQueue<JobQueue.Job> waiting = new LinkedBlockingQueue<>();
  private final ConcurrentHashMap<String, JobQueue.Job> inFlight = new ConcurrentHashMap<>();
  private final AtomicLong receipts = new AtomicLong();

  @Override
  public void enqueue(JobQueue.Job job) {
    waiting.add(Objects.requireNonNull(job, "job"));
  }

  @Override
  public Optional<JobQueue.Delivery> take(Duration maxWait) {
    try {
      JobQueue.Job job = waiting.poll(maxWait.toNanos(), TimeUnit.NANOSECONDS);
      if (job == null) {
        return Optional.empty();
      }
      String receipt = Long.toString(receipts.incrementAndGet());
      inFlight.put(receipt, job);
      return Optional.of(new JobQueue.Delivery(job, receipt, 1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  @Override
  public void ack(JobQueue.Delivery delivery) {
    inFlight.remove(delivery.receipt());
  }

  @Override
  public JobQueue.Stats stats() {
    return new JobQueue.Stats(waiting.size(), inFlight.size(), OptionalLong.empty());
  }
}
