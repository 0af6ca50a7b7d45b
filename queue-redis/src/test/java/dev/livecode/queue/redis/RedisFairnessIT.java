package dev.livecode.queue.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livecode.core.spi.JobQueue;
import dev.livecode.testing.RedisExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Redis queue serves the tenants with jobs waiting in turn, across every worker node. */
class RedisFairnessIT {
  @RegisterExtension final RedisExtension redis = new RedisExtension();

  private RedisQueue queue() {
    return RedisQueue.builder().uri(redis.url()).keyPrefix(redis.prefix()).build();
  }

  @Test
  void aTenantsSingleJobWaitsForAtMostOneJobOfATenantWithMany() {
    try (RedisQueue api = queue();
        RedisQueue worker = queue()) {
      for (int i = 0; i < 200; i++) {
        api.enqueue(new JobQueue.Job(UUID.randomUUID(), "a"));
      }
      UUID single = UUID.randomUUID();
      api.enqueue(new JobQueue.Job(single, "b"));
      assertThat(api.stats().waiting()).isEqualTo(201);

      JobQueue.Delivery first = worker.take(Duration.ofSeconds(5)).orElseThrow();
      JobQueue.Delivery second = worker.take(Duration.ofSeconds(5)).orElseThrow();

      assertThat(first.job().tenant()).isEqualTo("a");
      assertThat(second.job()).isEqualTo(new JobQueue.Job(single, "b"));
      assertThat(api.stats().waiting()).isEqualTo(199);
      assertThat(api.stats().inFlight()).isEqualTo(2);
    }
  }

  @Test
  void tenantsTakeTurnsAcrossTwoWorkerNodesAndEachTenantsJobsStayInOrder() {
    try (RedisQueue api = queue();
        RedisQueue workerA = queue();
        RedisQueue workerB = queue()) {
      List<UUID> aJobs = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        UUID id = UUID.randomUUID();
        aJobs.add(id);
        api.enqueue(new JobQueue.Job(id, "a"));
      }
      api.enqueue(new JobQueue.Job(UUID.randomUUID(), "b"));
      api.enqueue(new JobQueue.Job(UUID.randomUUID(), "c"));
      api.enqueue(new JobQueue.Job(UUID.randomUUID(), "b"));

      List<JobQueue.Job> taken = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        JobQueue.Delivery delivery =
            (i % 2 == 0 ? workerA : workerB).take(Duration.ofSeconds(5)).orElseThrow();
        taken.add(delivery.job());
        (i % 2 == 0 ? workerA : workerB).ack(delivery);
      }

      assertThat(taken.stream().map(JobQueue.Job::tenant))
          .containsExactly("a", "b", "c", "a", "b", "a");
      assertThat(taken.stream().filter(j -> j.tenant().equals("a")).map(JobQueue.Job::executionId))
          .containsExactlyElementsOf(aJobs);
      assertThat(workerA.take(Duration.ofMillis(100))).isEmpty();
      assertThat(api.stats().waiting()).isZero();
    }
  }

  @Test
  void aTenantWhoseWorkerDiedBeforePromotingItsNextJobIsRepairedByItsNextEnqueue() {
    try (RedisQueue api = queue();
        RedisQueue worker = queue()) {
      UUID first = UUID.randomUUID();
      UUID next = UUID.randomUUID();
      api.enqueue(new JobQueue.Job(first, "a"));
      api.enqueue(new JobQueue.Job(next, "a"));
      // A worker that read the tenant's job and died before promoting the next one.
      redis
          .commands()
          .xreadgroup(
              io.lettuce.core.Consumer.from(RedisQueue.GROUP, "dead"),
              io.lettuce.core.XReadArgs.StreamOffset.lastConsumed(redis.prefix() + ":jobs"));
      UUID later = UUID.randomUUID();
      api.enqueue(new JobQueue.Job(later, "a"));

      JobQueue.Delivery delivered = worker.take(Duration.ofSeconds(5)).orElseThrow();

      assertThat(delivered.job().executionId()).isEqualTo(next);
      worker.ack(delivered);
      assertThat(worker.take(Duration.ofSeconds(5)).orElseThrow().job().executionId())
          .isEqualTo(later);
    }
  }
}
