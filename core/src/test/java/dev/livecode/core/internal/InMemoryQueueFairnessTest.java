package dev.livecode.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livecode.core.spi.JobQueue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The in-memory queue serves the tenants with jobs waiting in turn. */
class InMemoryQueueFairnessTest {
  private final JobQueue queue = JobQueue.inMemory();

  @Test
  void aTenantsSingleJobWaitsForAtMostOneJobOfATenantWithMany() {
    for (int i = 0; i < 200; i++) {
      queue.enqueue(new JobQueue.Job(UUID.randomUUID(), "a"));
    }
    queue.enqueue(new JobQueue.Job(UUID.randomUUID(), "b"));

    assertThat(takeTenants(2)).containsExactly("a", "b");
    assertThat(queue.stats().waiting()).isEqualTo(199);
  }

  @Test
  void tenantsTakeTurnsAndEachTenantsJobsStayInOrder() {
    List<UUID> aJobs = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      UUID id = UUID.randomUUID();
      aJobs.add(id);
      queue.enqueue(new JobQueue.Job(id, "a"));
    }
    queue.enqueue(new JobQueue.Job(UUID.randomUUID(), "b"));
    queue.enqueue(new JobQueue.Job(UUID.randomUUID(), "c"));
    queue.enqueue(new JobQueue.Job(UUID.randomUUID(), "b"));

    List<JobQueue.Job> taken = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      taken.add(queue.take(Duration.ZERO).orElseThrow().job());
    }

    assertThat(taken.stream().map(JobQueue.Job::tenant))
        .containsExactly("a", "b", "c", "a", "b", "a");
    assertThat(taken.stream().filter(j -> j.tenant().equals("a")).map(JobQueue.Job::executionId))
        .containsExactlyElementsOf(aJobs);
    assertThat(queue.take(Duration.ofMillis(10))).isEmpty();
    assertThat(queue.stats().waiting()).isZero();
  }

  @Test
  void aJobWithoutATenantIsTheDefaultOwners() {
    assertThat(new JobQueue.Job(UUID.randomUUID()).tenant())
        .isEqualTo(dev.livecode.core.Session.ANONYMOUS);
  }

  private List<String> takeTenants(int count) {
    List<String> tenants = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      tenants.add(queue.take(Duration.ZERO).orElseThrow().job().tenant());
    }
    return tenants;
  }
}
