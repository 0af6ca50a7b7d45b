package dev.livecode.queue.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.livecode.core.Execution;
import dev.livecode.core.exception.QueueException;
import dev.livecode.core.spi.ExecutionEvents;
import dev.livecode.core.spi.JobQueue;
import dev.livecode.testing.RedisExtension;
import io.lettuce.core.StreamMessage;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What RedisQueue does beyond the queue contract: keys, events, workers, failures. */
class RedisQueueBehaviourIT {
  @RegisterExtension final RedisExtension redis = new RedisExtension();

  private RedisQueue.Builder queue() {
    return RedisQueue.builder().uri(redis.url()).keyPrefix(redis.prefix());
  }

  @Test
  void failsFastWithMaskedPasswordWhenRedisIsUnreachable() {
    long start = System.nanoTime();

    assertThatThrownBy(() -> RedisQueue.builder().uri("redis://:s3cr3t-pw@127.0.0.1:1/0").build())
        .isInstanceOf(QueueException.class)
        .hasMessageContaining("redis://:***@127.0.0.1:1/0")
        .hasMessageNotContaining("s3cr3t-pw")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(5_000);
  }

  @Test
  void rejectsAUrlThatIsNotRedisWithoutShowingThePassword() {
    assertThatThrownBy(() -> RedisQueue.builder().uri("http://user:s3cr3t@host"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("s3cr3t");
  }

  @Test
  void acknowledgedEntryIsDeletedFromTheStream() {
    try (RedisQueue q = queue().build()) {
      q.enqueue(new JobQueue.Job(UUID.randomUUID()));
      q.enqueue(new JobQueue.Job(UUID.randomUUID()));
      q.ack(q.take(Duration.ofSeconds(5)).orElseThrow());

      assertThat(redis.commands().xlen(redis.prefix() + ":jobs")).isEqualTo(1);
    }
  }

  @Test
  void takesInQuickSuccessionSweepForDeadWorkersJobsOnceWhileNoneIsFound() {
    try (RedisQueue q = queue().build()) {
      for (int i = 0; i < 20; i++) {
        q.enqueue(new JobQueue.Job(UUID.randomUUID()));
      }
      long before = xautoclaimCalls();
      for (int i = 0; i < 20; i++) {
        q.ack(q.take(Duration.ofSeconds(5)).orElseThrow());
      }

      assertThat(xautoclaimCalls() - before).isBetween(1L, 2L);
    }
  }

  /** Calls of XAUTOCLAIM the server has counted; this module's tests run one at a time. */
  private long xautoclaimCalls() {
    String stats = redis.commands().info("commandstats");
    return stats
        .lines()
        .filter(line -> line.startsWith("cmdstat_xautoclaim:"))
        .map(line -> line.replaceAll("^cmdstat_xautoclaim:calls=(\\d+),.*$", "$1"))
        .mapToLong(Long::parseLong)
        .findFirst()
        .orElse(0);
  }

  @Test
  void deadLetterStreamKeepsTheExecutionAttemptAndReason() {
    try (RedisQueue q = queue().build()) {
      JobQueue.Job job = new JobQueue.Job(UUID.randomUUID());
      q.enqueue(job);

      q.deadLetter(q.take(Duration.ofSeconds(5)).orElseThrow(), "gave up after 3 attempts");

      List<StreamMessage<String, String>> dead =
          redis.commands().xrange(q.deadLetterKey(), io.lettuce.core.Range.create("-", "+"));
      assertThat(dead).hasSize(1);
      assertThat(dead.get(0).getBody())
          .containsEntry("execution", job.executionId().toString())
          .containsEntry("attempt", "1")
          .containsEntry("reason", "gave up after 3 attempts")
          .containsEntry("consumer", q.consumerName());
      assertThat(redis.commands().xlen(redis.prefix() + ":jobs")).isZero();
    }
  }

  @Test
  void liveWorkersCountsThreadsThatTakeAndForgetsClosedQueues() throws Exception {
    try (RedisQueue api = queue().build()) {
      assertThat(api.stats().liveWorkers()).hasValue(0);
      RedisQueue worker = queue().build();
      worker.take(Duration.ofMillis(50));
      Thread other = new Thread(() -> worker.take(Duration.ofMillis(50)), "livecode-worker-test");
      other.start();
      other.join();

      assertThat(api.stats().liveWorkers()).hasValue(2);

      worker.close();
      assertThat(api.stats().liveWorkers()).hasValue(0);
    }
  }

  @Test
  void eventsPublishedOnOneNodeReachListenersOnAnother() throws Exception {
    try (RedisQueue api = queue().build();
        RedisQueue worker = queue().build()) {
      LinkedBlockingQueue<ExecutionEvents.Event> heard = new LinkedBlockingQueue<>();
      ExecutionEvents.Subscription subscription = api.events().subscribe(heard::add);
      ExecutionEvents.Event event =
          new ExecutionEvents.Event(UUID.randomUUID(), Execution.Status.COMPLETED);

      worker.events().publish(event);

      assertThat(heard.poll(5, TimeUnit.SECONDS)).isEqualTo(event);
      subscription.close();
      worker
          .events()
          .publish(new ExecutionEvents.Event(UUID.randomUUID(), Execution.Status.FAILED));
      assertThat(heard.poll(300, TimeUnit.MILLISECONDS)).isNull();
    }
  }

  @Test
  void eventsIsOneInstanceClosedWithTheQueue() {
    RedisQueue q = queue().build();
    ExecutionEvents events = q.events();
    assertThat(q.events()).isSameAs(events);

    q.close();
    q.close();
    events.close();
  }

  @Test
  void recreatesTheGroupWhenRedisLostIt() {
    try (RedisQueue q = queue().build()) {
      // As after a Redis restart without persistence: the stream and its group are gone.
      redis.deleteKeys();
      JobQueue.Job job = new JobQueue.Job(UUID.randomUUID());
      q.enqueue(job);

      JobQueue.Delivery delivery = q.take(Duration.ofSeconds(5)).orElseThrow();

      assertThat(delivery.job()).isEqualTo(job);
    }
  }

  @Test
  void ignoresStreamEntriesThatAreNotJobs() {
    try (RedisQueue q = queue().build()) {
      redis.commands().xadd(redis.prefix() + ":jobs", "something", "else");
      JobQueue.Job job = new JobQueue.Job(UUID.randomUUID());
      q.enqueue(job);

      JobQueue.Delivery delivery = q.take(Duration.ofSeconds(5)).orElseThrow();
      q.ack(delivery);

      assertThat(delivery.job()).isEqualTo(job);
      assertThat(redis.commands().xlen(redis.prefix() + ":jobs")).isZero();
    }
  }

  @Test
  void rejectsBadSettingsNamingTheProperty() {
    assertThatThrownBy(() -> RedisQueue.builder().lease(Duration.ofMillis(5)))
        .hasMessageContaining("lease");
    assertThatThrownBy(() -> RedisQueue.builder().keyPrefix("has space"))
        .hasMessageContaining("keyPrefix");
    assertThatThrownBy(() -> RedisQueue.builder().build()).hasMessageContaining("uri");
  }
}
