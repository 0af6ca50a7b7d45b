package dev.livecode.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livecode.core.Execution;
import dev.livecode.core.Limits;
import dev.livecode.core.spi.JobQueue;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link JobQueue} must do. Extend it with a class that says how to make a fresh, empty
 * queue; queues that survive their process extend {@link DurableJobQueueContract} instead, which
 * adds the lease and redelivery behaviour. The subclass cleans up whatever it created.
 */
public abstract class JobQueueContract {
  /** Long enough for a loaded CI machine, short enough to keep the suite quick. */
  protected static final Duration PATIENCE = Duration.ofSeconds(10);

  protected JobQueue queue;

  /** A new, empty queue for one test. Called once before each test. */
  protected abstract JobQueue newQueue();

  @BeforeEach
  void openQueue() {
    queue = newQueue();
  }

  @AfterEach
  void closeQueue() {
    if (queue != null) {
      queue.close();
    }
  }

  protected static JobQueue.Job job() {
    return new JobQueue.Job(UUID.randomUUID());
  }

  /** Takes until a job comes or {@link #PATIENCE} runs out. */
  protected static Optional<JobQueue.Delivery> takeWithin(JobQueue from, Duration patience) {
    long deadline = System.nanoTime() + patience.toNanos();
    while (System.nanoTime() < deadline) {
      Optional<JobQueue.Delivery> delivery = from.take(Duration.ofMillis(200));
      if (delivery.isPresent()) {
        return delivery;
      }
    }
    return Optional.empty();
  }

  @Test
  void deliversAnEnqueuedJob() {
    JobQueue.Job job = job();
    queue.enqueue(job);

    Optional<JobQueue.Delivery> delivery = queue.take(PATIENCE);

    assertThat(delivery).isPresent();
    assertThat(delivery.get().job()).isEqualTo(job);
    assertThat(delivery.get().attempt()).isEqualTo(1);
    assertThat(delivery.get().receipt()).isNotBlank();
  }

  @Test
  void deliversAJobWithItsTenant() {
    JobQueue.Job job = new JobQueue.Job(UUID.randomUUID(), "course-101");
    queue.enqueue(job);

    Optional<JobQueue.Delivery> delivery = takeWithin(queue, PATIENCE);

    assertThat(delivery).isPresent();
    assertThat(delivery.get().job()).isEqualTo(job);
  }

  /** A small QUEUED execution, as a store would hold it, for a job to carry. */
  protected static Execution queuedExecution() {
    return new Execution(
        UUID.randomUUID(),
        UUID.randomUUID(),
        "python",
        "print('carried')\n",
        "stdin \u00e9\n",
        Limits.DEFAULTS,
        Optional.of("key-1"),
        Execution.Status.QUEUED,
        Instant.ofEpochSecond(1_800_000_000L, 123_456_000),
        Optional.empty(),
        Optional.empty(),
        false);
  }

  @Test
  void deliversAJobWithTheExecutionItCarries() {
    JobQueue.Job job = JobQueue.Job.of(queuedExecution(), "course-101");
    queue.enqueue(job);

    Optional<JobQueue.Delivery> delivery = takeWithin(queue, PATIENCE);

    assertThat(delivery).isPresent();
    assertThat(delivery.get().job()).isEqualTo(job);
  }

  @Test
  void aJobQueuedBehindItsTenantsOtherKeepsTheExecutionItCarries() {
    JobQueue.Job first = JobQueue.Job.of(queuedExecution(), "course-101");
    JobQueue.Job second = JobQueue.Job.of(queuedExecution(), "course-101");
    queue.enqueue(first);
    queue.enqueue(second);

    JobQueue.Delivery one = takeWithin(queue, PATIENCE).orElseThrow();
    queue.ack(one);
    JobQueue.Delivery two = takeWithin(queue, PATIENCE).orElseThrow();

    assertThat(List.of(one.job(), two.job())).containsExactly(first, second);
  }

  @Test
  void deliversJobsInEnqueueOrderToOneConsumer() {
    List<JobQueue.Job> jobs = List.of(job(), job(), job(), job(), job());
    jobs.forEach(queue::enqueue);

    List<JobQueue.Job> taken = new ArrayList<>();
    for (int i = 0; i < jobs.size(); i++) {
      JobQueue.Delivery delivery = queue.take(PATIENCE).orElseThrow();
      taken.add(delivery.job());
      queue.ack(delivery);
    }

    assertThat(taken).containsExactlyElementsOf(jobs);
  }

  @Test
  void takeReturnsEmptyAfterWaitingWhenNothingIsQueued() {
    long start = System.nanoTime();

    Optional<JobQueue.Delivery> delivery = queue.take(Duration.ofMillis(300));

    long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertThat(delivery).isEmpty();
    assertThat(waitedMs).isBetween(250L, 5_000L);
  }

  @Test
  void takeWithZeroWaitReturnsAtOnce() {
    assertThat(queue.take(Duration.ZERO)).isEmpty();

    JobQueue.Job job = job();
    queue.enqueue(job);
    assertThat(takeWithin(queue, PATIENCE)).map(JobQueue.Delivery::job).contains(job);
  }

  @Test
  void waitingTakeWakesWhenAJobArrives() throws Exception {
    JobQueue.Job job = job();
    ExecutorService producer = Executors.newSingleThreadExecutor();
    try {
      CountDownLatch waiting = new CountDownLatch(1);
      Future<?> enqueued =
          producer.submit(
              () -> {
                waiting.await();
                Thread.sleep(200);
                queue.enqueue(job);
                return null;
              });
      waiting.countDown();
      long start = System.nanoTime();

      Optional<JobQueue.Delivery> delivery = queue.take(PATIENCE);

      enqueued.get();
      assertThat(delivery).map(JobQueue.Delivery::job).contains(job);
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
          .isLessThan(PATIENCE.toMillis() / 2);
    } finally {
      producer.shutdownNow();
    }
  }

  @Test
  void interruptedTakeReturnsEmpty() {
    Thread.currentThread().interrupt();
    try {
      assertThat(queue.take(Duration.ofSeconds(5))).isEmpty();
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  void statsCountWaitingAndInFlightJobs() {
    assertThat(queue.stats().waiting()).isZero();
    assertThat(queue.stats().inFlight()).isZero();
    queue.enqueue(job());
    queue.enqueue(job());
    queue.enqueue(job());
    assertThat(queue.stats().waiting()).isEqualTo(3);

    JobQueue.Delivery delivery = queue.take(PATIENCE).orElseThrow();

    JobQueue.Stats taken = queue.stats();
    assertThat(taken.waiting()).isEqualTo(2);
    assertThat(taken.inFlight()).isEqualTo(1);

    queue.ack(delivery);

    JobQueue.Stats acked = queue.stats();
    assertThat(acked.waiting()).isEqualTo(2);
    assertThat(acked.inFlight()).isZero();
  }

  @Test
  void ackedJobIsNotDeliveredAgain() {
    queue.enqueue(job());
    queue.ack(queue.take(PATIENCE).orElseThrow());

    assertThat(queue.take(Duration.ofMillis(300))).isEmpty();
    assertThat(queue.stats().inFlight()).isZero();
  }

  @Test
  void deadLetteredJobLeavesTheQueue() {
    JobQueue.Job job = job();
    queue.enqueue(job);
    JobQueue.Delivery delivery = queue.take(PATIENCE).orElseThrow();

    queue.deadLetter(delivery, "gave up after 3 attempts");

    assertThat(queue.stats().waiting()).isZero();
    assertThat(queue.stats().inFlight()).isZero();
    assertThat(queue.take(Duration.ofMillis(300))).isEmpty();
  }

  @Test
  void closingTwiceIsHarmless() {
    JobQueue other = newQueue();
    other.close();
    other.close();
  }

  @Test
  void manyProducersAndConsumersDeliverEachJobOnce() throws Exception {
    int producers = 4;
    int perProducer = 50;
    int total = producers * perProducer;
    Set<UUID> enqueued = ConcurrentHashMap.newKeySet();
    ConcurrentLinkedQueue<UUID> delivered = new ConcurrentLinkedQueue<>();
    AtomicInteger acked = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(producers + 4);
    try {
      List<Future<?>> work = new ArrayList<>();
      for (int p = 0; p < producers; p++) {
        work.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < perProducer; i++) {
                    JobQueue.Job job = job();
                    enqueued.add(job.executionId());
                    queue.enqueue(job);
                  }
                  return null;
                }));
      }
      long deadline = System.nanoTime() + PATIENCE.multipliedBy(3).toNanos();
      for (int c = 0; c < 4; c++) {
        work.add(
            pool.submit(
                () -> {
                  while (acked.get() < total && System.nanoTime() < deadline) {
                    Optional<JobQueue.Delivery> delivery = queue.take(Duration.ofMillis(100));
                    if (delivery.isPresent()) {
                      delivered.add(delivery.get().job().executionId());
                      queue.ack(delivery.get());
                      acked.incrementAndGet();
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> future : work) {
        future.get(PATIENCE.multipliedBy(4).toMillis(), TimeUnit.MILLISECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(delivered).hasSize(total).doesNotHaveDuplicates();
    assertThat(Set.copyOf(delivered)).isEqualTo(enqueued);
    assertThat(queue.stats().waiting()).isZero();
    assertThat(queue.stats().inFlight()).isZero();
  }
}
