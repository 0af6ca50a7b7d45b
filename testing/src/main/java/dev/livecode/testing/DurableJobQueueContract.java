package dev.livecode.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livecode.core.spi.JobQueue;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What a {@link JobQueue} that outlives its processes must also do: a job taken and never
 * acknowledged (its worker died) goes to another worker after the lease, with the attempt count
 * raised; renewing keeps the lease; acknowledging or dead-lettering ends redelivery.
 *
 * <p>{@link #newNode(Duration)} opens a second handle on the same queue, as another process would;
 * this suite uses short leases, so the implementation must accept them.
 */
public abstract class DurableJobQueueContract extends JobQueueContract {
  /** The lease the redelivery tests use. */
  protected static final Duration SHORT_LEASE = Duration.ofMillis(500);

  /**
   * Another handle on the same queue as {@link #queue} (another process, another consumer) with the
   * given lease. Closed by the test.
   */
  protected abstract JobQueue newNode(Duration lease);

  @Test
  void saysItIsDurable() {
    assertThat(queue.durable()).isTrue();
  }

  @Test
  void jobEnqueuedOnOneNodeIsTakenOnAnother() {
    try (JobQueue other = newNode(SHORT_LEASE)) {
      JobQueue.Job job = job();
      queue.enqueue(job);

      assertThat(other.take(PATIENCE)).map(JobQueue.Delivery::job).contains(job);
    }
  }

  @Test
  void unacknowledgedJobIsRedeliveredAfterTheLeaseWithTheNextAttempt() {
    try (JobQueue dying = newNode(SHORT_LEASE);
        JobQueue survivor = newNode(SHORT_LEASE)) {
      JobQueue.Job job = job();
      queue.enqueue(job);
      JobQueue.Delivery first = dying.take(PATIENCE).orElseThrow();

      Optional<JobQueue.Delivery> second = takeWithin(survivor, PATIENCE);

      assertThat(first.attempt()).isEqualTo(1);
      assertThat(second).isPresent();
      assertThat(second.get().job()).isEqualTo(job);
      assertThat(second.get().attempt()).isEqualTo(2);
    }
  }

  @Test
  void jobOfAClosedNodeIsRedeliveredToAnother() {
    JobQueue.Job job = job();
    queue.enqueue(job);
    JobQueue dying = newNode(SHORT_LEASE);
    dying.take(PATIENCE).orElseThrow();
    dying.close();

    try (JobQueue survivor = newNode(SHORT_LEASE)) {
      assertThat(takeWithin(survivor, PATIENCE)).map(JobQueue.Delivery::job).contains(job);
    }
  }

  @Test
  void attemptCountsEveryDelivery() {
    try (JobQueue node = newNode(SHORT_LEASE)) {
      queue.enqueue(job());
      node.take(PATIENCE).orElseThrow();
      JobQueue.Delivery second = takeWithin(node, PATIENCE).orElseThrow();

      JobQueue.Delivery third = takeWithin(node, PATIENCE).orElseThrow();

      assertThat(second.attempt()).isEqualTo(2);
      assertThat(third.attempt()).isEqualTo(3);
      assertThat(third.job()).isEqualTo(second.job());
    }
  }

  @Test
  void acknowledgedJobIsNotRedeliveredAfterTheLease() throws Exception {
    try (JobQueue node = newNode(SHORT_LEASE)) {
      queue.enqueue(job());
      node.ack(node.take(PATIENCE).orElseThrow());

      Thread.sleep(SHORT_LEASE.toMillis());

      assertThat(takeWithin(node, SHORT_LEASE.multipliedBy(3))).isEmpty();
    }
  }

  @Test
  void renewedJobIsNotRedeliveredWhileRenewed() {
    try (JobQueue worker = newNode(SHORT_LEASE);
        JobQueue other = newNode(SHORT_LEASE)) {
      JobQueue.Job job = job();
      queue.enqueue(job);
      JobQueue.Delivery held = worker.take(PATIENCE).orElseThrow();

      long until = System.nanoTime() + SHORT_LEASE.multipliedBy(4).toNanos();
      while (System.nanoTime() < until) {
        worker.renew(held);
        assertThat(other.take(SHORT_LEASE.dividedBy(5))).isEmpty();
      }

      assertThat(takeWithin(other, PATIENCE)).map(JobQueue.Delivery::job).contains(job);
    }
  }

  @Test
  void deadLetteredJobIsNotRedeliveredAfterTheLease() throws Exception {
    try (JobQueue node = newNode(SHORT_LEASE)) {
      queue.enqueue(job());
      node.deadLetter(node.take(PATIENCE).orElseThrow(), "test");

      Thread.sleep(SHORT_LEASE.toMillis());

      assertThat(takeWithin(node, SHORT_LEASE.multipliedBy(3))).isEmpty();
      assertThat(node.stats().inFlight()).isZero();
    }
  }
}
