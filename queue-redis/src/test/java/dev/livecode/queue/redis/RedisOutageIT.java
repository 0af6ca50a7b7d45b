package dev.livecode.queue.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.livecode.core.Execution;
import dev.livecode.core.exception.QueueException;
import dev.livecode.core.spi.ExecutionEvents;
import dev.livecode.core.spi.JobQueue;
import dev.livecode.testing.PrivateRedis;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Redis goes away and comes back: calls fail fast with QueueException (never hang), the queue
 * reconnects by itself, and every job accepted before the outage is still delivered (this Redis
 * runs with AOF, as production Redis must).
 */
class RedisOutageIT {

  @Test
  void failsFastDuringAnOutageAndResumesWithNothingLost() throws Exception {
    try (PrivateRedis server = new PrivateRedis();
        RedisQueue queue = RedisQueue.builder().uri(server.url()).keyPrefix("outage").build()) {
      Set<UUID> accepted = new HashSet<>();
      for (int i = 0; i < 20; i++) {
        JobQueue.Job job = new JobQueue.Job(UUID.randomUUID());
        queue.enqueue(job);
        accepted.add(job.executionId());
      }
      // One job is in flight when Redis dies: it must come back after the lease, not vanish.
      JobQueue.Delivery inFlight = queue.take(Duration.ofSeconds(5)).orElseThrow();
      LinkedBlockingQueue<ExecutionEvents.Event> heard = new LinkedBlockingQueue<>();
      queue.events().subscribe(heard::add);

      server.kill();

      assertFailsWithin(
          Duration.ofMillis(3_000), () -> queue.enqueue(new JobQueue.Job(UUID.randomUUID())));
      assertFailsWithin(Duration.ofMillis(3_000), () -> queue.take(Duration.ofSeconds(1)));
      assertFailsWithin(Duration.ofMillis(3_000), queue::stats);
      assertFailsWithin(Duration.ofMillis(3_000), () -> queue.ack(inFlight));

      server.start();

      Set<UUID> delivered = new HashSet<>();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      try (RedisQueue survivor =
          RedisQueue.builder()
              .uri(server.url())
              .keyPrefix("outage")
              .lease(Duration.ofMillis(500))
              .build()) {
        while (delivered.size() < accepted.size() && System.nanoTime() < deadline) {
          Optional<JobQueue.Delivery> delivery = take(survivor);
          delivery.ifPresent(
              d -> {
                delivered.add(d.job().executionId());
                survivor.ack(d);
              });
        }
      }
      assertThat(delivered).isEqualTo(accepted);
      assertThat(waitForStats(queue).inFlight()).isZero();
      try (RedisQueue publisher =
          RedisQueue.builder().uri(server.url()).keyPrefix("outage").build()) {
        // Another node publishes, so a local fallback delivery cannot pass for a Redis one.
        assertThat(heardAfterReconnect(publisher, heard))
            .as("events resubscribed after the outage")
            .isTrue();
      }
    }
  }

  /** After the restart the first calls may still meet the reconnecting connection. */
  private static Optional<JobQueue.Delivery> take(RedisQueue queue) {
    try {
      return queue.take(Duration.ofMillis(200));
    } catch (QueueException e) {
      sleep(100);
      return Optional.empty();
    }
  }

  private static dev.livecode.core.spi.JobQueue.Stats waitForStats(RedisQueue queue) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (true) {
      try {
        return queue.stats();
      } catch (QueueException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        sleep(100);
      }
    }
  }

  /** Publishes until the subscriber, reconnected by Lettuce, hears it again. */
  private static boolean heardAfterReconnect(
      RedisQueue publisher, LinkedBlockingQueue<ExecutionEvents.Event> heard)
      throws InterruptedException {
    ExecutionEvents.Event event =
        new ExecutionEvents.Event(UUID.randomUUID(), Execution.Status.COMPLETED);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      publisher.events().publish(event);
      ExecutionEvents.Event got = heard.poll(200, TimeUnit.MILLISECONDS);
      if (event.equals(got)) {
        return true;
      }
    }
    return false;
  }

  private static void assertFailsWithin(Duration limit, Runnable call) {
    long start = System.nanoTime();
    assertThatThrownBy(call::run).isInstanceOf(QueueException.class);
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
        .isLessThan(limit.toMillis());
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
