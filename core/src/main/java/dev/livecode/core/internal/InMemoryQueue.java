package dev.livecode.core.internal;

import dev.livecode.core.spi.JobQueue;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The default queue, in this JVM: each tenant's jobs in the order queued, the tenants with jobs
 * waiting served in turn, so that a tenant that queued many runs delays another's by at most one
 * run per worker. Workers wait on it (no polling). Jobs not acknowledged are lost with the process;
 * the engine marks such executions INTERRUPTED at the next start.
 */
public final class InMemoryQueue implements JobQueue {
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition nonEmpty = lock.newCondition();
  private final Map<String, ArrayDeque<JobQueue.Job>> byTenant = new HashMap<>();

  /** The tenants with jobs waiting, the next one to serve first. */
  private final ArrayDeque<String> turns = new ArrayDeque<>();

  private long waiting;
  private final ConcurrentHashMap<String, JobQueue.Job> inFlight = new ConcurrentHashMap<>();
  private final AtomicLong receipts = new AtomicLong();

  @Override
  public void enqueue(JobQueue.Job job) {
    Objects.requireNonNull(job, "job");
    lock.lock();
    try {
      ArrayDeque<JobQueue.Job> jobs =
          byTenant.computeIfAbsent(job.tenant(), t -> new ArrayDeque<>());
      if (jobs.isEmpty()) {
        turns.addLast(job.tenant());
      }
      jobs.addLast(job);
      waiting++;
      nonEmpty.signal();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public Optional<JobQueue.Delivery> take(Duration maxWait) {
    JobQueue.Job job;
    try {
      job = next(maxWait.toNanos());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
    if (job == null) {
      return Optional.empty();
    }
    String receipt = Long.toString(receipts.incrementAndGet());
    inFlight.put(receipt, job);
    return Optional.of(new JobQueue.Delivery(job, receipt, 1));
  }

  private JobQueue.Job next(long nanos) throws InterruptedException {
    lock.lockInterruptibly();
    try {
      while (turns.isEmpty()) {
        if (nanos <= 0) {
          return null;
        }
        nanos = nonEmpty.awaitNanos(nanos);
      }
      String tenant = turns.pollFirst();
      ArrayDeque<JobQueue.Job> jobs = byTenant.get(tenant);
      JobQueue.Job job = jobs.pollFirst();
      if (jobs.isEmpty()) {
        byTenant.remove(tenant);
      } else {
        turns.addLast(tenant);
      }
      waiting--;
      return job;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void ack(JobQueue.Delivery delivery) {
    inFlight.remove(delivery.receipt());
  }

  @Override
  public JobQueue.Stats stats() {
    lock.lock();
    try {
      return new JobQueue.Stats(waiting, inFlight.size(), OptionalLong.empty());
    } finally {
      lock.unlock();
    }
  }
}
